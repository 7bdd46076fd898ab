// Kernel page tables.
//
// Corral has one address space: every CPU runs on kernel_pml4, which
// pgtable_init() builds in mm_init (replacing the boot tables of boot.S).
// It maps
//   PHYS_BASE + pa     the direct map: the low 4 GiB whole (RAM and the
//                      device windows: LAPIC, IOAPIC, ACPI tables) and all
//                      RAM above; 2 MiB pages, writable, not executable
//   VMEMMAP_BASE + ... the struct page array (mm/page_alloc.h); 2 MiB pages
//                      where a node's share fills them, else 4 KiB
//   VMAP_BASE + ...    the vmap area (mm/vmap.c); 4 KiB pages
//   KVMA + pa          the kernel image; 2 MiB pages, writable, executable
// and nothing in the lower half: NULL and every low address fault. The AP
// trampoline's page is identity-mapped only while the APs start
// (vmap_identity_map_low() in mm/vmap.h).
//
// For the AP trampoline: kernel_cr3 lies below 4 GiB, so 32-bit code can
// load it; when pgtable_nx is true the entries use the NX bit, so set
// EFER.NXE (as boot.S does) before loading kernel_cr3.
//
// Locking: the direct map and the image mapping never change after boot.
// Entries of the vmap area and of the low identity mapping change only
// under vmap_lock (mm/vmap.c); the vmemmap area is built at boot. Walkers
// (kernel_address_mapped, pgtable_translate) take no lock: a table page,
// once linked, is never freed, except the identity tables, which nobody
// walks concurrently.
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include "kernel/types.h"

#define PTE_P (1ULL << 0)   // present
#define PTE_W (1ULL << 1)   // writable
#define PTE_PCD (1ULL << 4) // cache disable
#define PTE_PS (1ULL << 7)  // 2 MiB / 1 GiB page (in a PD / PDPT entry)
#define PTE_NX (1ULL << 63) // no execute (needs EFER.NXE)
#define PTE_ADDR 0x000FFFFFFFFFF000ULL
#define PTE_ADDR_2M 0x000FFFFFFFE00000ULL
#define PTE_ADDR_1G 0x000FFFFFC0000000ULL

#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define SZ_4G 0x100000000ULL

// Table-page allocation for pgtable_walk: from node nid, or none at all.
#define PGTABLE_NOALLOC (-2)

extern u64 *kernel_pml4; // kernel page tables (direct-map address)
extern u64 kernel_cr3;   // its physical address, for CR3 (< 4 GiB)
extern bool pgtable_nx;  // entries carry PTE_NX (EFER.NXE is on)
// Tables taken from the page allocator (after boot), per node: they stay
// once made, so leak checks (kernel/torture.c) count them apart.
extern u64 pgtable_pages[];

// Builds kernel_pml4 (direct map + kernel image) and loads it into CR3.
void pgtable_init(void);
// Switches table-page allocation from the boot-time memblock to the page
// allocator (mm_init, once the buddy allocator has pages).
void pgtable_use_page_alloc(void);

// The 4 KiB page-table entry for va in pml4, creating missing tables from
// node alloc_nid (any node if it has none) unless alloc_nid is
// PGTABLE_NOALLOC. NULL if a table is missing and may not (or could not)
// be created, or a large page maps va.
u64 *pgtable_walk(u64 *pml4, u64 va, int alloc_nid);
// The same for the entry at level 0 (PML4) .. 3 (PT): level 2 gives the
// page-directory entry, which maps 2 MiB.
u64 *pgtable_walk_level(u64 *pml4, u64 va, int level, int alloc_nid);
// The physical address va maps to (4 KiB, 2 MiB or 1 GiB pages), in *pa;
// false if it is not mapped. Walks the tables in CR3.
bool pgtable_translate(u64 va, u64 *pa);
// Whether any page of [start, end) is mapped in pml4 (4 KiB or large).
// Descends only into present tables: an absent entry skips everything it
// would map (512 GiB, 1 GiB or 2 MiB), so a sparse range costs about one
// look per present table entry. start and end page-aligned, start < end.
bool pgtable_range_mapped(u64 *pml4, u64 start, u64 end);
// Frees every table below PML4 entry index (not the pages they map) and
// clears the entry. Caller flushes the TLB.
void pgtable_free_subtree(u64 *pml4, int index);

// For the trap code's backtrace (arch/x86/trap.c).
bool kernel_address_mapped(u64 addr);

#endif
