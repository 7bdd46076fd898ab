// ACPI tables: finding them, and reading the three that describe the
// machine's shape.
//
//   MADT ("APIC")  the CPUs (local APIC ids), the IOAPIC, ISA IRQ overrides
//   SRAT           which NUMA node each CPU and each range of memory is on
//   SLIT           distances between nodes
//
// acpi_init() runs on the boot CPU before mm_init, when only the boot
// tables' direct map of the low 4 GiB exists. It finds the RSDP (the
// multiboot2 copy, else a scan of the BIOS area), walks the RSDT or XSDT,
// checks every table's length and checksum, parses the three tables into
// the results below and hands them on: lapic_phys, ioapic_phys,
// ioapic_gsi_base and irq_overrides[] (arch/x86/apic.h); numa_add_memory,
// numa_set_cpu_node and numa_set_distance (mm/numa.h). A missing or corrupt
// table is reported with a warning and left out: without a MADT only the
// boot CPU runs, without SRAT the machine is one node, without SLIT remote
// nodes are 20 away.
//
// SRAT and SLIT name proximity domains; Corral uses the domain number as
// the node id (QEMU numbers domains like its -numa nodeid), so domains
// must be below MAX_NUMNODES.
//
// The parsers take a table pointer and fill a result struct without side
// effects, so tests can feed them corrupted copies. They return 0, or
// -EINVAL with a warning for a table they reject.
//
// Locking: none. Everything is written once by acpi_init on the boot CPU
// and only read afterwards.
#ifndef ARCH_X86_ACPI_H
#define ARCH_X86_ACPI_H

#include "arch/x86/apic.h"
#include "kernel/types.h"
#include "lib/cpumask.h"

// Every system description table starts with this header.
struct acpi_sdt_header {
	char signature[4];
	u32 length; // of the whole table, header included
	u8 revision;
	u8 checksum; // all bytes of the table sum to 0 (mod 256)
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __attribute__((packed));

// Root System Description Pointer. Revision 0 (ACPI 1.0) has only the first
// 20 bytes; revision 2 adds the XSDT address and an extended checksum over
// `length` bytes.
struct acpi_rsdp {
	char signature[8]; // "RSD PTR "
	u8 checksum;       // first 20 bytes sum to 0
	char oem_id[6];
	u8 revision;
	u32 rsdt_address;
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __attribute__((packed));

#define ACPI_RSDP_V1_SIZE 20
#define ACPI_MAX_CPUS NR_CPUS
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_MEM_RANGES 64

// What a MADT says. CPUs are the enabled ones, in table order.
struct acpi_madt_info {
	u64 lapic_phys;
	int ncpus;
	u32 apic_ids[ACPI_MAX_CPUS];
	int nioapics;
	struct {
		u8 id;
		u64 phys;
		u32 gsi_base;
	} ioapics[ACPI_MAX_IOAPICS];
	int noverrides;                     // how many entries the table had
	struct irq_override overrides[16];  // ISA IRQ -> GSI, identity unless overridden
};

// What a SRAT says: the enabled CPU and (non-empty) memory entries.
struct acpi_srat_info {
	int ncpus;
	struct {
		u32 apic_id;
		int node;
	} cpus[ACPI_MAX_CPUS];
	int nmem;
	struct {
		u64 base, len;
		int node;
	} mem[ACPI_MAX_MEM_RANGES];
};

// What a SLIT says: dist[i][j] for localities i, j < nnodes.
struct acpi_slit_info {
	int nnodes;
	u8 dist[MAX_NUMNODES][MAX_NUMNODES];
};

void acpi_init(void);

// Results of acpi_init; NULL when the table was missing or rejected.
const struct acpi_madt_info *acpi_madt(void);
const struct acpi_srat_info *acpi_srat(void);
const struct acpi_slit_info *acpi_slit(void);
// Enabled CPUs the MADT lists (0 without a MADT) and their APIC ids in
// MADT order (the order logical CPU ids follow, after the boot CPU).
int acpi_cpu_count(void);
const u32 *acpi_cpu_apic_ids(void);
// The node SRAT puts a CPU on, or -1 if SRAT does not say.
int acpi_srat_cpu_node(u32 apic_id);
// The table with this signature as found at boot (direct-map address), or
// NULL. Tests copy it before changing it: the original must stay intact.
const struct acpi_sdt_header *acpi_find_table(const char *sig);

// Checks and parsers (tests use them on copies). len is the size of the
// buffer the table sits in: a table claiming more than that is rejected.
u8 acpi_checksum(const void *p, size_t len); // byte sum, 0 when valid
int acpi_rsdp_check(const struct acpi_rsdp *rsdp);
int acpi_table_check(const struct acpi_sdt_header *t, size_t len, const char *sig);
int acpi_parse_madt(const struct acpi_sdt_header *t, size_t len, struct acpi_madt_info *out);
int acpi_parse_srat(const struct acpi_sdt_header *t, size_t len, struct acpi_srat_info *out);
int acpi_parse_slit(const struct acpi_sdt_header *t, size_t len, struct acpi_slit_info *out);

#endif
