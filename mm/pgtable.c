// Kernel page tables: building the direct map and image mapping, walking,
// and the table-page allocator. See pgtable.h for the layout and locking.
#include "mm/pgtable.h"
#include "arch/x86/layout.h"
#include "arch/x86/x86.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/memblock.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"

#define MSR_EFER 0xC0000080
#define EFER_NXE (1ULL << 11)

u64 *kernel_pml4;
u64 kernel_cr3;
bool pgtable_nx;

extern char _end[]; // linker.ld

// Where table pages come from: memblock at boot, then the page allocator.
// Until CR3 switches, only the boot tables' low 4 GiB are reachable.
static bool use_page_alloc;
static u64 early_limit = SZ_4G;

static const int level_shift[4] = {39, 30, 21, 12}; // PML4, PDPT, PD, PT

static inline int table_index(u64 va, int level)
{
	return (va >> level_shift[level]) & 511;
}

u64 pgtable_pages[MAX_NUMNODES];

static u64 *table_alloc(int nid)
{
	if (use_page_alloc) {
		void *p = alloc_pages_node(nid, __GFP_ZERO, 0);
		if (!p)
			p = alloc_pages_nodemask(&node_online_map, __GFP_ZERO, 0);
		if (p)
			__atomic_add_fetch(&pgtable_pages[page_to_nid(p)], 1, __ATOMIC_RELAXED);
		return p;
	}
	u64 pa = memblock_phys_alloc(nid, PAGE_SIZE, PAGE_SIZE, early_limit);
	if (!pa)
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

void pgtable_use_page_alloc(void) { use_page_alloc = true; }

// The table an entry points to, created if missing and allowed.
static u64 *next_table(u64 *entry, int alloc_nid)
{
	if (!(*entry & PTE_P)) {
		if (alloc_nid == PGTABLE_NOALLOC)
			return NULL;
		u64 *t = table_alloc(alloc_nid);
		if (!t)
			return NULL;
		// Permissions are checked at the leaf: upper levels allow all.
		*entry = virt_to_phys(t) | PTE_P | PTE_W;
	} else if (*entry & PTE_PS) {
		return NULL;
	}
	return phys_to_virt(*entry & PTE_ADDR);
}

u64 *pgtable_walk_level(u64 *pml4, u64 va, int level, int alloc_nid)
{
	u64 *t = pml4;
	for (int l = 0; l < level && t; l++)
		t = next_table(&t[table_index(va, l)], alloc_nid);
	return t ? &t[table_index(va, level)] : NULL;
}

u64 *pgtable_walk(u64 *pml4, u64 va, int alloc_nid)
{
	return pgtable_walk_level(pml4, va, 3, alloc_nid);
}

static void map_2m(u64 va, u64 pa, u64 flags)
{
	u64 *pde = pgtable_walk_level(kernel_pml4, va, 2, NUMA_NO_NODE);
	if (!pde)
		panic("pgtable: no memory for the kernel page tables");
	*pde = pa | flags | PTE_PS | PTE_P;
}

static void direct_map_range(u64 start, u64 end, u64 flags)
{
	for (u64 pa = ALIGN_DOWN(start, SZ_2M); pa < end; pa += SZ_2M)
		map_2m(PHYS_BASE + pa, pa, flags);
}

void pgtable_init(void)
{
	struct memblock_region *r;
	pgtable_nx = rdmsr(MSR_EFER) & EFER_NXE;
	u64 data = PTE_W | (pgtable_nx ? PTE_NX : 0);

	kernel_pml4 = table_alloc(NUMA_NO_NODE); // below 4 GiB: early_limit
	if (!kernel_pml4)
		panic("pgtable: no memory below 4 GiB for the PML4");
	kernel_cr3 = virt_to_phys(kernel_pml4);
	direct_map_range(0, SZ_4G, data);
	for_each_memblock(&memblock.memory, r)
		direct_map_range(r->base, r->end, data);
	u64 image_end = ALIGN_UP((u64)_end - KVMA, SZ_2M);
	for (u64 pa = 0; pa < image_end; pa += SZ_2M)
		map_2m(KVMA + pa, pa, PTE_W);
	write_cr3(kernel_cr3);
	early_limit = ~0ULL;
}

bool pgtable_translate(u64 va, u64 *pa)
{
	u64 *t = phys_to_virt(read_cr3() & PTE_ADDR);
	for (int level = 0; level < 4; level++) {
		u64 e = t[table_index(va, level)];
		if (!(e & PTE_P))
			return false;
		if (level == 3 || (level > 0 && (e & PTE_PS))) {
			u64 offset_mask = (1ULL << level_shift[level]) - 1;
			*pa = (e & PTE_ADDR & ~offset_mask) | (va & offset_mask);
			return true;
		}
		t = phys_to_virt(e & PTE_ADDR);
	}
	return false;
}

bool kernel_address_mapped(u64 addr)
{
	u64 pa;
	bool canonical = (s64)(addr << 16) >> 16 == (s64)addr;
	return canonical && pgtable_translate(addr, &pa);
}

// Whether table t (at level) maps anything in [first, last] (inclusive,
// within the span t covers). Absent entries are skipped in a tight scan.
static bool table_range_mapped(const u64 *t, int level, u64 first, u64 last)
{
	int shift = level_shift[level];
	u64 table_base = first & ~((1ULL << (shift + 9)) - 1); // sign bits kept at level 0
	int i0 = table_index(first, level), i1 = table_index(last, level);
	for (int i = i0; i <= i1; i++) {
		// Absent entries eight at a time (tables are 4 KiB aligned).
		while ((i & 7) == 0 && i + 7 <= i1 &&
		       !((t[i] | t[i + 1] | t[i + 2] | t[i + 3] | t[i + 4] | t[i + 5] |
			  t[i + 6] | t[i + 7]) & PTE_P))
			i += 8;
		if (i > i1)
			break;
		if (!(t[i] & PTE_P))
			continue;
		if (level == 3 || (t[i] & PTE_PS))
			return true;
		u64 lo = i == i0 ? first : table_base | ((u64)i << shift);
		u64 hi = i == i1 ? last : lo | ((1ULL << shift) - 1);
		if (table_range_mapped(phys_to_virt(t[i] & PTE_ADDR), level + 1, lo, hi))
			return true;
	}
	return false;
}

bool pgtable_range_mapped(u64 *pml4, u64 start, u64 end)
{
	return start < end && table_range_mapped(pml4, 0, start, end - 1);
}

// Frees the tables under entry (at level, 0 = PML4) and clears it.
static void free_tables(u64 *entry, int level)
{
	if (!(*entry & PTE_P) || (*entry & PTE_PS) || level == 3)
		return;
	u64 *t = phys_to_virt(*entry & PTE_ADDR);
	for (int i = 0; i < 512; i++)
		free_tables(&t[i], level + 1);
	*entry = 0;
	if (!(virt_to_page(t)->flags & PG_reserved)) // not from memblock, at boot
		__atomic_sub_fetch(&pgtable_pages[page_to_nid(t)], 1, __ATOMIC_RELAXED);
	free_page(t);
}

void pgtable_free_subtree(u64 *pml4, int index)
{
	free_tables(&pml4[index], 0);
}
