// Tests for arch/x86/acpi.c: the boot results agree with the machine, and
// the parsers reject corrupt tables (each rejection also prints a warning,
// which is expected in the log) and read well-formed ones exactly.
//
// Synthetic tables are built in tbl[] by tbl_begin/tbl_put/tbl_finish,
// which fills in the length and checksum; corrupt copies of the real
// tables are made in copy[].
#include "arch/x86/acpi.h"
#include "arch/x86/cpu.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/numa.h"

static u8 tbl[512] __attribute__((aligned(8)));
static size_t tbl_len;
static u8 copy[8192] __attribute__((aligned(8)));
static struct acpi_madt_info madt_out;
static struct acpi_srat_info srat_out;
static struct acpi_slit_info slit_out;

static void tbl_begin(const char *sig, size_t body)
{
	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, sig, 4);
	tbl_len = body; // header and fixed fields, left zero
}

static void tbl_put(const void *bytes, size_t n)
{
	memcpy(tbl + tbl_len, bytes, n);
	tbl_len += n;
}

static const struct acpi_sdt_header *tbl_finish(void)
{
	struct acpi_sdt_header *h = (void *)tbl;
	h->length = (u32)tbl_len;
	h->checksum = 0;
	h->checksum = (u8)-acpi_checksum(tbl, tbl_len);
	return h;
}

// A copy of the real table sig in copy[], or NULL if it is missing or
// too big.
static struct acpi_sdt_header *real_copy(const char *sig)
{
	const struct acpi_sdt_header *t = acpi_find_table(sig);
	if (!t || t->length > sizeof(copy))
		return NULL;
	memcpy(copy, t, t->length);
	return (void *)copy;
}

// ---- Boot results --------------------------------------------------------

// Without ACPI (QEMU -no-acpi) or without a usable MADT, only the boot
// CPU runs: tests of the real tables then check that fallback instead.
KTEST(acpi, online_cpus_equal_the_madt_enabled_count)
{
	if (!acpi_madt()) {
		kprintf("# no usable MADT: the boot CPU only\n");
		EXPECT_EQ(cpumask_weight(&cpu_online_mask), 1);
		EXPECT_EQ(ncpus, 1);
		return;
	}
	EXPECT_GE(acpi_cpu_count(), 1);
	EXPECT_EQ(cpumask_weight(&cpu_online_mask), acpi_cpu_count());
	EXPECT_EQ(ncpus, acpi_cpu_count());
}

KTEST(acpi, logical_ids_follow_madt_order_after_the_boot_cpu)
{
	const u32 *ids = acpi_cpu_apic_ids();
	int next = 1;
	for (int i = 0; i < acpi_cpu_count(); i++) {
		if (ids[i] == cpus[0]->apic_id)
			continue;
		ASSERT_TRUE(cpus[next] != NULL);
		EXPECT_EQ(cpus[next]->apic_id, ids[i]);
		next++;
	}
}

KTEST(acpi, real_madt_parses_to_the_boot_results)
{
	struct acpi_sdt_header *t = real_copy("APIC");
	if (!acpi_madt()) {
		kprintf("# skip: no usable MADT\n");
		return;
	}
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(acpi_parse_madt(t, sizeof(copy), &madt_out), 0);
	EXPECT_EQ(memcmp(&madt_out, acpi_madt(), sizeof(madt_out)), 0);
	EXPECT_EQ(madt_out.lapic_phys, lapic_phys);
	EXPECT_EQ(madt_out.nioapics, 1);
	EXPECT_EQ(madt_out.ioapics[0].phys, ioapic_phys);
	for (int irq = 0; irq < 16; irq++)
		EXPECT_EQ(irq_overrides[irq].gsi, madt_out.overrides[irq].gsi);
}

KTEST(acpi, cpu_nodes_are_what_srat_says)
{
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		int want = acpi_srat_cpu_node(cpus[cpu]->apic_id);
		if (want < 0) // SRAT does not place it: the default node
			want = first_node(&node_online_map);
		EXPECT_EQ(cpus[cpu]->node, want);
	}
}

KTEST(acpi, srat_memory_nodes_are_online)
{
	const struct acpi_srat_info *s = acpi_srat();
	if (!s)
		return; // one node: nothing to compare
	for (int i = 0; i < s->nmem; i++) {
		EXPECT_GT(s->mem[i].len, 0);
		EXPECT_TRUE(node_online(s->mem[i].node));
	}
}

KTEST(acpi, node_distances_are_symmetric_with_10_on_the_diagonal)
{
	const struct acpi_slit_info *slit = acpi_slit();
	int a, b;
	for_each_online_node(a) {
		for_each_online_node(b) {
			EXPECT_EQ(node_distance(a, b), node_distance(b, a));
			if (a == b)
				EXPECT_EQ(node_distance(a, b), 10);
			else
				EXPECT_GT(node_distance(a, b), 10);
			if (slit && a < slit->nnodes && b < slit->nnodes)
				EXPECT_EQ(node_distance(a, b), slit->dist[a][b]);
		}
	}
}

// ---- Corrupt tables are rejected -------------------------------------------

KTEST(acpi, rsdp_with_a_flipped_checksum_is_rejected)
{
	struct acpi_rsdp r;
	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	r.rsdt_address = 0x1000;
	r.checksum = (u8)-acpi_checksum(&r, ACPI_RSDP_V1_SIZE);
	EXPECT_EQ(acpi_rsdp_check(&r), 0);
	r.checksum ^= 0x01;
	EXPECT_EQ(acpi_rsdp_check(&r), -EINVAL);
}

KTEST(acpi, rsdp_v2_with_a_bad_extended_checksum_is_rejected)
{
	struct acpi_rsdp r;
	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	r.revision = 2;
	r.length = sizeof(r);
	r.xsdt_address = 0x2000;
	r.checksum = (u8)-acpi_checksum(&r, ACPI_RSDP_V1_SIZE);
	r.extended_checksum = (u8)-acpi_checksum(&r, sizeof(r));
	EXPECT_EQ(acpi_rsdp_check(&r), 0);
	r.xsdt_address++; // outside the v1 part: only the extended sum catches it
	EXPECT_EQ(acpi_rsdp_check(&r), -EINVAL);
}

KTEST(acpi, madt_with_a_flipped_checksum_byte_is_rejected)
{
	struct acpi_sdt_header *t = real_copy("APIC");
	if (!t) { // no ACPI: a minimal MADT with one CPU instead
		static const u8 lapic[8] = {0, 8, 0, 0, 1, 0, 0, 0};
		tbl_begin("APIC", 44);
		tbl_put(lapic, sizeof(lapic));
		t = (struct acpi_sdt_header *)tbl_finish();
	}
	EXPECT_EQ(acpi_parse_madt(t, t->length, &madt_out), 0);
	t->checksum ^= 0xFF;
	EXPECT_EQ(acpi_parse_madt(t, t->length, &madt_out), -EINVAL);
	EXPECT_EQ(madt_out.ncpus, 0);
}

KTEST(acpi, srat_and_slit_with_a_flipped_body_byte_are_rejected)
{
	struct acpi_sdt_header *t = real_copy("SRAT");
	if (t) {
		copy[t->length - 1] ^= 0x40;
		EXPECT_EQ(acpi_parse_srat(t, sizeof(copy), &srat_out), -EINVAL);
		EXPECT_EQ(srat_out.ncpus, 0);
	}
	t = real_copy("SLIT");
	if (t) {
		copy[t->length - 1] ^= 0x40;
		EXPECT_EQ(acpi_parse_slit(t, sizeof(copy), &slit_out), -EINVAL);
		EXPECT_EQ(slit_out.nnodes, 0);
	}
}

KTEST(acpi, table_claiming_more_than_its_buffer_is_rejected)
{
	tbl_begin("APIC", 44);
	const struct acpi_sdt_header *t = tbl_finish();
	EXPECT_EQ(acpi_parse_madt(t, tbl_len, &madt_out), 0);
	EXPECT_EQ(acpi_parse_madt(t, tbl_len - 1, &madt_out), -EINVAL);
}

KTEST(acpi, table_with_the_wrong_signature_is_rejected)
{
	tbl_begin("SRAT", 48);
	EXPECT_EQ(acpi_parse_madt(tbl_finish(), sizeof(tbl), &madt_out), -EINVAL);
}

KTEST(acpi, madt_shorter_than_its_fixed_fields_is_rejected)
{
	tbl_begin("APIC", 40);
	EXPECT_EQ(acpi_parse_madt(tbl_finish(), sizeof(tbl), &madt_out), -EINVAL);
}

KTEST(acpi, madt_entry_with_zero_length_is_rejected)
{
	static const u8 lapic[8] = {0, 8, 0, 0, 1, 0, 0, 0};
	static const u8 bad[8] = {0, 0, 1, 1, 1, 0, 0, 0};
	tbl_begin("APIC", 44);
	tbl_put(lapic, sizeof(lapic));
	tbl_put(bad, sizeof(bad));
	EXPECT_EQ(acpi_parse_madt(tbl_finish(), sizeof(tbl), &madt_out), -EINVAL);
	EXPECT_EQ(madt_out.ncpus, 0);
}

KTEST(acpi, madt_entry_running_past_the_end_is_rejected)
{
	static const u8 lapic[8] = {0, 8, 0, 0, 1, 0, 0, 0};
	tbl_begin("APIC", 44);
	tbl_put(lapic, sizeof(lapic));
	tbl_put(lapic, 6); // claims 8 bytes, 6 are left
	EXPECT_EQ(acpi_parse_madt(tbl_finish(), sizeof(tbl), &madt_out), -EINVAL);
}

KTEST(acpi, madt_entry_too_short_for_its_type_is_rejected)
{
	static const u8 ioapic[6] = {1, 6, 0, 0, 0, 0}; // an IOAPIC entry is 12
	tbl_begin("APIC", 44);
	tbl_put(ioapic, sizeof(ioapic));
	EXPECT_EQ(acpi_parse_madt(tbl_finish(), sizeof(tbl), &madt_out), -EINVAL);
}

KTEST(acpi, slit_without_10_on_the_diagonal_is_rejected)
{
	static const u8 n[8] = {2};
	static const u8 dist[4] = {10, 20, 20, 11};
	tbl_begin("SLIT", 36);
	tbl_put(n, sizeof(n));
	tbl_put(dist, sizeof(dist));
	EXPECT_EQ(acpi_parse_slit(tbl_finish(), sizeof(tbl), &slit_out), -EINVAL);
}

KTEST(acpi, slit_too_short_for_its_localities_is_rejected)
{
	static const u8 n[8] = {3}; // needs 9 bytes of distances
	static const u8 dist[4] = {10, 20, 20, 10};
	tbl_begin("SLIT", 36);
	tbl_put(n, sizeof(n));
	tbl_put(dist, sizeof(dist));
	EXPECT_EQ(acpi_parse_slit(tbl_finish(), sizeof(tbl), &slit_out), -EINVAL);
}

// ---- Well-formed tables are read exactly ---------------------------------

KTEST(acpi, madt_counts_only_enabled_cpus_and_reads_every_entry_type)
{
	static const u8 cpu0[8] = {0, 8, 0, 0, 1, 0, 0, 0};     // APIC id 0, enabled
	static const u8 cpu1_off[8] = {0, 8, 1, 1, 0, 0, 0, 0}; // id 1, disabled
	static const u8 cpu2_hot[8] = {0, 8, 2, 2, 2, 0, 0, 0}; // id 2, online-capable only
	static const u8 cpu7[8] = {0, 8, 3, 7, 1, 0, 0, 0};     // id 7, enabled
	static const u8 x2cpu[16] = {9, 16, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0};
	static const u8 ioapic[12] = {1, 12, 3, 0, 0, 0, 0xC0, 0xFE, 0, 0, 0, 0};
	static const u8 irq0[10] = {2, 10, 0, 0, 2, 0, 0, 0, 0, 0};
	static const u8 irq9[10] = {2, 10, 0, 9, 9, 0, 0, 0, 0x0D, 0}; // level, active high
	static const u8 nmi[6] = {4, 6, 0xFF, 5, 0, 1};                   // ignored
	static const u8 lapic_addr[12] = {5, 12, 0, 0, 0, 0, 0xE0, 0xFE, 1, 0, 0, 0};
	tbl_begin("APIC", 36);
	static const u8 fixed[8] = {0, 0, 0xE0, 0xFE, 1, 0, 0, 0}; // LAPIC 0xFEE00000
	tbl_put(fixed, sizeof(fixed));
	tbl_put(cpu0, 8);
	tbl_put(cpu1_off, 8);
	tbl_put(cpu2_hot, 8);
	tbl_put(cpu7, 8);
	tbl_put(x2cpu, 16);
	tbl_put(ioapic, 12);
	tbl_put(irq0, 10);
	tbl_put(irq9, 10);
	tbl_put(nmi, 6);
	tbl_put(lapic_addr, 12);
	ASSERT_EQ(acpi_parse_madt(tbl_finish(), sizeof(tbl), &madt_out), 0);
	ASSERT_EQ(madt_out.ncpus, 3);
	EXPECT_EQ(madt_out.apic_ids[0], 0);
	EXPECT_EQ(madt_out.apic_ids[1], 7);
	EXPECT_EQ(madt_out.apic_ids[2], 9);
	EXPECT_EQ(madt_out.nioapics, 1);
	EXPECT_EQ(madt_out.ioapics[0].id, 3);
	EXPECT_EQ(madt_out.ioapics[0].phys, 0xFEC00000);
	EXPECT_EQ(madt_out.noverrides, 2);
	EXPECT_EQ(madt_out.overrides[0].gsi, 2);
	EXPECT_EQ(madt_out.overrides[9].gsi, 9);
	EXPECT_EQ(madt_out.overrides[9].flags, 0x0D);
	EXPECT_EQ(madt_out.overrides[4].gsi, 4); // not overridden: identity
	EXPECT_EQ(madt_out.lapic_phys, 0x1FEE00000ULL); // the override wins
}

KTEST(acpi, srat_skips_disabled_and_zero_length_entries)
{
	// CPU: type 0, len 16, domain lo, apic id, flags, sapic, domain hi[3], clock
	static const u8 cpu_a[16] = {0, 16, 1, 4, 1, 0, 0, 0, 0, 0, 0, 0};
	static const u8 cpu_off[16] = {0, 16, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0};
	static const u8 cpu_hi[16] = {0, 16, 2, 6, 1, 0, 0, 0, 0, 0, 0, 0}; // domain 2
	// x2APIC CPU: type 2, len 24, reserved[2], domain, x2apic id, flags
	static const u8 x2cpu[24] = {2, 24, 0, 0, 3, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0};
	// Memory: type 1, len 40, domain, reserved[2], base, length, reserved, flags
	u8 mem[40] = {1, 40, 1, 0, 0, 0, 0, 0};
	tbl_begin("SRAT", 48);
	tbl_put(cpu_a, 16);
	tbl_put(cpu_off, 16);
	tbl_put(cpu_hi, 16);
	tbl_put(x2cpu, 24);
	u64 base = 0x40000000, len = 0x20000000;
	u32 enabled = 1;
	memcpy(mem + 8, &base, 8);
	memcpy(mem + 16, &len, 8);
	memcpy(mem + 28, &enabled, 4);
	tbl_put(mem, 40);
	len = 0; // zero length, enabled: skipped
	memcpy(mem + 16, &len, 8);
	tbl_put(mem, 40);
	len = 0x1000; // disabled: skipped
	enabled = 0;
	memcpy(mem + 16, &len, 8);
	memcpy(mem + 28, &enabled, 4);
	tbl_put(mem, 40);
	ASSERT_EQ(acpi_parse_srat(tbl_finish(), sizeof(tbl), &srat_out), 0);
	ASSERT_EQ(srat_out.ncpus, 3);
	EXPECT_EQ(srat_out.cpus[0].apic_id, 4);
	EXPECT_EQ(srat_out.cpus[0].node, 1);
	EXPECT_EQ(srat_out.cpus[1].apic_id, 6);
	EXPECT_EQ(srat_out.cpus[1].node, 2);
	EXPECT_EQ(srat_out.cpus[2].apic_id, 12);
	EXPECT_EQ(srat_out.cpus[2].node, 3);
	ASSERT_EQ(srat_out.nmem, 1);
	EXPECT_EQ(srat_out.mem[0].base, 0x40000000);
	EXPECT_EQ(srat_out.mem[0].len, 0x20000000);
	EXPECT_EQ(srat_out.mem[0].node, 1);
}

KTEST(acpi, srat_domain_beyond_the_last_node_is_skipped)
{
	static const u8 cpu_far[16] = {0, 16, 0, 4, 1, 0, 0, 0, 0, 1, 0, 0}; // domain 256
	tbl_begin("SRAT", 48);
	tbl_put(cpu_far, 16);
	ASSERT_EQ(acpi_parse_srat(tbl_finish(), sizeof(tbl), &srat_out), 0);
	EXPECT_EQ(srat_out.ncpus, 0);
}

KTEST(acpi, slit_is_read_row_by_row)
{
	static const u8 n[8] = {3};
	static const u8 dist[9] = {10, 20, 30, 21, 10, 40, 31, 41, 10};
	tbl_begin("SLIT", 36);
	tbl_put(n, sizeof(n));
	tbl_put(dist, sizeof(dist));
	ASSERT_EQ(acpi_parse_slit(tbl_finish(), sizeof(tbl), &slit_out), 0);
	EXPECT_EQ(slit_out.nnodes, 3);
	EXPECT_EQ(slit_out.dist[0][1], 20);
	EXPECT_EQ(slit_out.dist[1][0], 21);
	EXPECT_EQ(slit_out.dist[1][2], 40);
	EXPECT_EQ(slit_out.dist[2][1], 41);
	EXPECT_EQ(slit_out.dist[2][2], 10);
}
