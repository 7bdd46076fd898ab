// ACPI table discovery and the MADT, SRAT and SLIT parsers. See acpi.h.
//
// Every pointer into firmware memory goes through acpi_map(), which refuses
// what the boot direct map does not cover (the low 4 GiB), and every table
// is checked (signature, length, checksum) before a byte of its body is
// read. A parser walks variable-length entries and stops the table as
// corrupt at an entry whose length is too small or runs past the end.
#include "arch/x86/acpi.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/multiboot.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"

#define ACPI_MAPPED_LIMIT (1ULL << 32) // boot.S direct-maps the low 4 GiB
#define ACPI_MAX_TABLE_LEN (1U << 20)  // sanity bound on a table's length

static struct acpi_madt_info madt;
static struct acpi_srat_info srat;
static struct acpi_slit_info slit;
static bool have_madt, have_srat, have_slit;

// The tables found at boot, by signature (first valid one wins).
static struct {
	char sig[5];
	const struct acpi_sdt_header *table;
} found[3] = {{"APIC", NULL}, {"SRAT", NULL}, {"SLIT", NULL}};

// ---- Checks -------------------------------------------------------------

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

// The direct-map address of [phys, phys + len), or NULL (with a warning)
// if that is not mapped yet.
static const void *acpi_map(u64 phys, u64 len, const char *what)
{
	if (phys == 0 || phys >= ACPI_MAPPED_LIMIT || len > ACPI_MAPPED_LIMIT - phys) {
		pr_warn("acpi: %s at %#llx (+%#llx) is outside the mapped low 4 GiB, ignored\n",
			what, phys, len);
		return NULL;
	}
	return phys_to_virt(phys);
}

int acpi_rsdp_check(const struct acpi_rsdp *rsdp)
{
	if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0)
		return -EINVAL;
	if (acpi_checksum(rsdp, ACPI_RSDP_V1_SIZE) != 0) {
		pr_warn("acpi: RSDP checksum is wrong\n");
		return -EINVAL;
	}
	if (rsdp->revision >= 2) {
		// Like Linux, the extended checksum covers the 36 bytes ACPI 2.0
		// defines, whatever the length field says.
		if (rsdp->length < sizeof(*rsdp)) {
			pr_warn("acpi: RSDP length %u is wrong\n", rsdp->length);
			return -EINVAL;
		}
		if (acpi_checksum(rsdp, sizeof(*rsdp)) != 0) {
			pr_warn("acpi: RSDP extended checksum is wrong\n");
			return -EINVAL;
		}
	}
	return 0;
}

int acpi_table_check(const struct acpi_sdt_header *t, size_t len, const char *sig)
{
	char name[5] = {0};
	memcpy(name, t->signature, 4);
	if (sig && memcmp(t->signature, sig, 4) != 0) {
		pr_warn("acpi: expected a %s table, found '%s'\n", sig, name);
		return -EINVAL;
	}
	if (t->length < sizeof(*t) || t->length > len) {
		pr_warn("acpi: %s: length %u is wrong (header %zu, room %zu)\n", name, t->length,
			sizeof(*t), len);
		return -EINVAL;
	}
	if (acpi_checksum(t, t->length) != 0) {
		pr_warn("acpi: %s: checksum is wrong, table ignored\n", name);
		return -EINVAL;
	}
	return 0;
}

// ---- Entry walking ------------------------------------------------------

// MADT and SRAT bodies are a list of entries that start with type and
// length bytes. Returns the entry at *off and advances *off; NULL at the
// end, or with *corrupt set if the entry does not fit.
struct acpi_entry {
	u8 type, length;
} __attribute__((packed));

static const struct acpi_entry *next_entry(const struct acpi_sdt_header *t, u32 *off,
					   bool *corrupt)
{
	if (*off >= t->length)
		return NULL;
	const struct acpi_entry *e = (const void *)((const u8 *)t + *off);
	if (t->length - *off < sizeof(*e) || e->length < sizeof(*e) ||
	    e->length > t->length - *off) {
		*corrupt = true;
		return NULL;
	}
	*off += e->length;
	return e;
}

// Reads a field of a packed entry (fields are often unaligned).
#define ENTRY_FIELD(e, off, type)                                            \
	({                                                                   \
		type v_;                                                     \
		memcpy(&v_, (const u8 *)(e) + (off), sizeof(v_));            \
		v_;                                                          \
	})

// ---- MADT ---------------------------------------------------------------

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_ADDR 5
#define MADT_X2APIC 9
#define MADT_BODY 44 // header + local APIC address + flags
#define LAPIC_ENABLED 1

static void madt_add_cpu(struct acpi_madt_info *out, u32 apic_id)
{
	if (apic_id >= 255) { // 0xFF is the broadcast id in xAPIC mode
		pr_warn("acpi: MADT: CPU with APIC id %u needs x2APIC mode, not started\n",
			apic_id);
		return;
	}
	if (out->ncpus == ACPI_MAX_CPUS) {
		pr_warn("acpi: MADT: more than %d CPUs, APIC id %u ignored\n", ACPI_MAX_CPUS,
			apic_id);
		return;
	}
	out->apic_ids[out->ncpus++] = apic_id;
}

static bool madt_entry(struct acpi_madt_info *out, const struct acpi_entry *e)
{
	switch (e->type) {
	case MADT_LAPIC: // uid u8, apic id u8, flags u32
		if (e->length < 8)
			return false;
		if (ENTRY_FIELD(e, 4, u32) & LAPIC_ENABLED)
			madt_add_cpu(out, ENTRY_FIELD(e, 3, u8));
		break;
	case MADT_X2APIC: // reserved u16, x2apic id u32, flags u32, uid u32
		if (e->length < 16)
			return false;
		if (ENTRY_FIELD(e, 8, u32) & LAPIC_ENABLED)
			madt_add_cpu(out, ENTRY_FIELD(e, 4, u32));
		break;
	case MADT_IOAPIC: // id u8, reserved u8, address u32, gsi base u32
		if (e->length < 12)
			return false;
		if (out->nioapics < ACPI_MAX_IOAPICS) {
			out->ioapics[out->nioapics].id = ENTRY_FIELD(e, 2, u8);
			out->ioapics[out->nioapics].phys = ENTRY_FIELD(e, 4, u32);
			out->ioapics[out->nioapics].gsi_base = ENTRY_FIELD(e, 8, u32);
			out->nioapics++;
		}
		break;
	case MADT_OVERRIDE: { // bus u8, source irq u8, gsi u32, flags u16
		if (e->length < 10)
			return false;
		u8 bus = ENTRY_FIELD(e, 2, u8), irq = ENTRY_FIELD(e, 3, u8);
		if (bus != 0 || irq >= 16) {
			pr_warn("acpi: MADT: override of bus %u irq %u ignored\n", bus, irq);
			break;
		}
		out->overrides[irq].gsi = (int)ENTRY_FIELD(e, 4, u32);
		out->overrides[irq].flags = ENTRY_FIELD(e, 8, u16);
		out->noverrides++;
		break;
	}
	case MADT_LAPIC_ADDR: // reserved u16, address u64
		if (e->length < 12)
			return false;
		out->lapic_phys = ENTRY_FIELD(e, 4, u64);
		break;
	default: // NMI sources, LAPIC NMI, ...: not needed
		break;
	}
	return true;
}

int acpi_parse_madt(const struct acpi_sdt_header *t, size_t len, struct acpi_madt_info *out)
{
	memset(out, 0, sizeof(*out));
	if (acpi_table_check(t, len, "APIC"))
		return -EINVAL;
	if (t->length < MADT_BODY) {
		pr_warn("acpi: MADT: length %u is too short\n", t->length);
		return -EINVAL;
	}
	out->lapic_phys = ENTRY_FIELD(t, 36, u32);
	for (int irq = 0; irq < 16; irq++)
		out->overrides[irq] = (struct irq_override){irq, 0};

	u32 off = MADT_BODY;
	bool corrupt = false;
	const struct acpi_entry *e;
	while ((e = next_entry(t, &off, &corrupt)))
		if (!madt_entry(out, e))
			corrupt = true;
	if (corrupt) {
		pr_warn("acpi: MADT: entry at offset %u has a bad length, table ignored\n", off);
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

// ---- SRAT ---------------------------------------------------------------

#define SRAT_CPU 0
#define SRAT_MEMORY 1
#define SRAT_X2APIC 2
#define SRAT_BODY 48 // header + 12 reserved bytes
#define SRAT_ENABLED 1

// The node of a proximity domain (the same number), or -1 if too big.
static int domain_to_node(u32 domain)
{
	if (domain < MAX_NUMNODES)
		return (int)domain;
	pr_warn("acpi: proximity domain %u is beyond node %d, entry ignored\n", domain,
		MAX_NUMNODES - 1);
	return -1;
}

static void srat_add_cpu(struct acpi_srat_info *out, u32 apic_id, u32 domain)
{
	int node = domain_to_node(domain);
	if (node < 0)
		return;
	if (out->ncpus == ACPI_MAX_CPUS) {
		pr_warn("acpi: SRAT: more than %d CPUs, APIC id %u ignored\n", ACPI_MAX_CPUS,
			apic_id);
		return;
	}
	out->cpus[out->ncpus].apic_id = apic_id;
	out->cpus[out->ncpus].node = node;
	out->ncpus++;
}

static bool srat_entry(struct acpi_srat_info *out, const struct acpi_entry *e)
{
	switch (e->type) {
	case SRAT_CPU: { // domain[7:0] u8, apic id u8, flags u32, sapic u8, domain[31:8] 3 bytes
		if (e->length < 16)
			return false;
		if (!(ENTRY_FIELD(e, 4, u32) & SRAT_ENABLED))
			break;
		u32 domain = ENTRY_FIELD(e, 2, u8) | (u32)ENTRY_FIELD(e, 9, u8) << 8 |
			     (u32)ENTRY_FIELD(e, 10, u8) << 16 | (u32)ENTRY_FIELD(e, 11, u8) << 24;
		srat_add_cpu(out, ENTRY_FIELD(e, 3, u8), domain);
		break;
	}
	case SRAT_X2APIC: // reserved u16, domain u32, x2apic id u32, flags u32
		if (e->length < 24)
			return false;
		if (ENTRY_FIELD(e, 12, u32) & SRAT_ENABLED)
			srat_add_cpu(out, ENTRY_FIELD(e, 8, u32), ENTRY_FIELD(e, 4, u32));
		break;
	case SRAT_MEMORY: { // domain u32, reserved u16, base u64, length u64, reserved u32, flags u32
		if (e->length < 40)
			return false;
		u64 base = ENTRY_FIELD(e, 8, u64), size = ENTRY_FIELD(e, 16, u64);
		if (!(ENTRY_FIELD(e, 28, u32) & SRAT_ENABLED) || size == 0)
			break; // QEMU adds a disabled, empty entry
		int node = domain_to_node(ENTRY_FIELD(e, 2, u32));
		if (node < 0)
			break;
		if (out->nmem == ACPI_MAX_MEM_RANGES) {
			pr_warn("acpi: SRAT: too many memory ranges, %#llx ignored\n", base);
			break;
		}
		out->mem[out->nmem].base = base;
		out->mem[out->nmem].len = size;
		out->mem[out->nmem].node = node;
		out->nmem++;
		break;
	}
	default: // GICC, ITS, generic initiators: not on x86 QEMU
		break;
	}
	return true;
}

int acpi_parse_srat(const struct acpi_sdt_header *t, size_t len, struct acpi_srat_info *out)
{
	memset(out, 0, sizeof(*out));
	if (acpi_table_check(t, len, "SRAT"))
		return -EINVAL;
	if (t->length < SRAT_BODY) {
		pr_warn("acpi: SRAT: length %u is too short\n", t->length);
		return -EINVAL;
	}
	u32 off = SRAT_BODY;
	bool corrupt = false;
	const struct acpi_entry *e;
	while ((e = next_entry(t, &off, &corrupt)))
		if (!srat_entry(out, e))
			corrupt = true;
	if (corrupt) {
		pr_warn("acpi: SRAT: entry at offset %u has a bad length, table ignored\n", off);
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

// ---- SLIT ---------------------------------------------------------------

#define SLIT_BODY 44 // header + u64 locality count
#define SLIT_LOCAL 10

int acpi_parse_slit(const struct acpi_sdt_header *t, size_t len, struct acpi_slit_info *out)
{
	memset(out, 0, sizeof(*out));
	if (acpi_table_check(t, len, "SLIT"))
		return -EINVAL;
	if (t->length < SLIT_BODY) {
		pr_warn("acpi: SLIT: length %u is too short\n", t->length);
		return -EINVAL;
	}
	u64 n = ENTRY_FIELD(t, 36, u64);
	if (n == 0 || n > 255 || SLIT_BODY + n * n > t->length) {
		pr_warn("acpi: SLIT: %llu localities do not fit its length %u\n", n, t->length);
		return -EINVAL;
	}
	const u8 *d = (const u8 *)t + SLIT_BODY;
	// Like Linux: 10 on the diagonal and more than 10 elsewhere, or the
	// table is not believed.
	for (u64 i = 0; i < n; i++)
		for (u64 j = 0; j < n; j++) {
			u8 v = d[i * n + j];
			if (i == j ? v != SLIT_LOCAL : v <= SLIT_LOCAL) {
				pr_warn("acpi: SLIT: distance %llu->%llu = %u is invalid, table ignored\n",
					i, j, v);
				memset(out, 0, sizeof(*out));
				return -EINVAL;
			}
		}
	if (n > MAX_NUMNODES)
		pr_warn("acpi: SLIT: only the first %d of %llu localities used\n", MAX_NUMNODES, n);
	out->nnodes = (int)MIN(n, (u64)MAX_NUMNODES);
	for (int i = 0; i < out->nnodes; i++)
		for (int j = 0; j < out->nnodes; j++)
			out->dist[i][j] = d[i * n + j];
	return 0;
}

// ---- Finding the tables -------------------------------------------------

// Scans [phys, phys + len) on 16-byte boundaries for a valid RSDP.
static const struct acpi_rsdp *rsdp_scan(u64 phys, u64 len)
{
	for (u64 p = phys; p + ACPI_RSDP_V1_SIZE <= phys + len; p += 16) {
		const struct acpi_rsdp *r = phys_to_virt(p);
		if (memcmp(r->signature, "RSD PTR ", 8) == 0 && acpi_rsdp_check(r) == 0)
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	if (boot_info.has_rsdp_copy) {
		const struct acpi_rsdp *r = (const void *)boot_info.rsdp_copy;
		if (acpi_rsdp_check(r) == 0) {
			pr_info("acpi: RSDP revision %u from the boot loader\n", r->revision);
			return r;
		}
		pr_warn("acpi: the boot loader's RSDP copy is invalid; scanning the BIOS area\n");
	}
	// The first KiB of the EBDA (its segment is at 0x40E), then the BIOS ROM.
	u64 ebda = (u64)*(const u16 *)phys_to_virt(0x40E) << 4;
	const struct acpi_rsdp *r = NULL;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		r = rsdp_scan(ebda, 1024);
	if (!r)
		r = rsdp_scan(0xE0000, 0x20000);
	if (r)
		pr_info("acpi: RSDP revision %u at %#llx\n", r->revision, virt_to_phys(r));
	return r;
}

// A checked table at phys, or NULL (warned).
static const struct acpi_sdt_header *table_at(u64 phys)
{
	const struct acpi_sdt_header *t = acpi_map(phys, sizeof(*t), "table header");
	if (!t)
		return NULL;
	u32 len = t->length;
	if (len > ACPI_MAX_TABLE_LEN || !acpi_map(phys, len, "table")) {
		pr_warn("acpi: table at %#llx has a bad length %u, ignored\n", phys, len);
		return NULL;
	}
	return acpi_table_check(t, len, NULL) == 0 ? t : NULL;
}

// Walks the RSDT (4-byte entries) or XSDT (8-byte entries), checking every
// table and remembering the ones we parse.
static void root_walk(const struct acpi_sdt_header *root, int entry_size)
{
	char names[256] = "";
	size_t n = 0;
	int count = (int)((root->length - sizeof(*root)) / entry_size);
	for (int i = 0; i < count; i++) {
		u64 phys = 0;
		memcpy(&phys, (const u8 *)root + sizeof(*root) + i * entry_size, entry_size);
		const struct acpi_sdt_header *t = table_at(phys);
		if (!t)
			continue;
		if (n < sizeof(names))
			n += snprintf(names + n, sizeof(names) - n, " %.4s", t->signature);
		for (size_t k = 0; k < ARRAY_SIZE(found); k++)
			if (!found[k].table && memcmp(t->signature, found[k].sig, 4) == 0)
				found[k].table = t;
	}
	pr_info("acpi: %.4s at %#llx:%s\n", root->signature, (u64)virt_to_phys(root), names);
}

const struct acpi_sdt_header *acpi_find_table(const char *sig)
{
	for (size_t k = 0; k < ARRAY_SIZE(found); k++)
		if (memcmp(sig, found[k].sig, 4) == 0)
			return found[k].table;
	return NULL;
}

// ---- Applying the results -----------------------------------------------

static void madt_apply(void)
{
	lapic_phys = madt.lapic_phys;
	for (int irq = 0; irq < 16; irq++)
		irq_overrides[irq] = madt.overrides[irq];
	// One IOAPIC routes the ISA IRQs: the one whose GSIs start at 0.
	int io = 0;
	for (int i = 0; i < madt.nioapics; i++)
		if (madt.ioapics[i].gsi_base == 0) {
			io = i;
			break;
		}
	if (madt.nioapics > 0) {
		ioapic_phys = madt.ioapics[io].phys;
		ioapic_gsi_base = madt.ioapics[io].gsi_base;
	}
	if (madt.nioapics != 1)
		pr_warn("acpi: MADT lists %d IOAPICs, using the one at %#llx\n", madt.nioapics,
			ioapic_phys);
	bool bsp_listed = false;
	for (int i = 0; i < madt.ncpus; i++)
		bsp_listed |= madt.apic_ids[i] == cpus[0]->apic_id;
	if (!bsp_listed)
		pr_warn("acpi: MADT does not list the boot CPU (APIC id %u)\n", cpus[0]->apic_id);
	pr_info("acpi: MADT: %d CPUs, IOAPIC at %#llx, %d IRQ overrides\n", madt.ncpus,
		ioapic_phys, madt.noverrides);
}

static void srat_apply(void)
{
	for (int i = 0; i < srat.ncpus; i++)
		numa_set_cpu_node(srat.cpus[i].apic_id, srat.cpus[i].node);
	for (int i = 0; i < srat.nmem; i++)
		numa_add_memory(srat.mem[i].node, srat.mem[i].base, srat.mem[i].len);
	pr_info("acpi: SRAT: %d CPUs, %d memory ranges\n", srat.ncpus, srat.nmem);
}

static void slit_apply(void)
{
	for (int i = 0; i < slit.nnodes; i++)
		for (int j = 0; j < slit.nnodes; j++)
			numa_set_distance(i, j, slit.dist[i][j]);
	pr_info("acpi: SLIT: %d localities\n", slit.nnodes);
}

void acpi_init(void)
{
	const struct acpi_rsdp *rsdp = rsdp_find();
	if (!rsdp) {
		pr_warn("acpi: no RSDP found: one CPU, one node\n");
		return;
	}
	const struct acpi_sdt_header *root = NULL;
	if (rsdp->revision >= 2 && rsdp->xsdt_address) {
		root = table_at(rsdp->xsdt_address);
		if (root && memcmp(root->signature, "XSDT", 4) == 0)
			root_walk(root, 8);
		else
			root = NULL;
	}
	if (!root) {
		root = table_at(rsdp->rsdt_address);
		if (!root || memcmp(root->signature, "RSDT", 4) != 0) {
			pr_warn("acpi: no valid RSDT or XSDT: one CPU, one node\n");
			return;
		}
		root_walk(root, 4);
	}

	const struct acpi_sdt_header *t;
	if ((t = acpi_find_table("APIC")) && acpi_parse_madt(t, t->length, &madt) == 0)
		have_madt = true;
	else
		pr_warn("acpi: no usable MADT: only the boot CPU will run\n");
	if ((t = acpi_find_table("SRAT")) && acpi_parse_srat(t, t->length, &srat) == 0)
		have_srat = true;
	if ((t = acpi_find_table("SLIT")) && acpi_parse_slit(t, t->length, &slit) == 0)
		have_slit = true;

	if (have_madt)
		madt_apply();
	if (have_srat)
		srat_apply();
	if (have_slit)
		slit_apply();
}

// ---- Queries ------------------------------------------------------------

const struct acpi_madt_info *acpi_madt(void) { return have_madt ? &madt : NULL; }
const struct acpi_srat_info *acpi_srat(void) { return have_srat ? &srat : NULL; }
const struct acpi_slit_info *acpi_slit(void) { return have_slit ? &slit : NULL; }
int acpi_cpu_count(void) { return have_madt ? madt.ncpus : 0; }
const u32 *acpi_cpu_apic_ids(void) { return madt.apic_ids; }

int acpi_srat_cpu_node(u32 apic_id)
{
	for (int i = 0; have_srat && i < srat.ncpus; i++)
		if (srat.cpus[i].apic_id == apic_id)
			return srat.cpus[i].node;
	return -1;
}
