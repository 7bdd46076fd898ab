// Boot: nodes, zones and struct pages, then all free memory to the buddy
// allocator (page_alloc_init, called from mm_init after pgtable_init).
//
// Boot time matters, and under QEMU the first write to each page of guest
// memory is expensive (the host has to provide the page). 1 GiB of RAM has
// 262144 struct pages in 16 MiB: writing them all, or even one per 4 MiB
// block, would cost more than the whole boot may take. So struct pages are
// set up only where needed, one max-order block (1024 pages, 4 MiB) at a
// time, much like Linux's deferred struct page init:
//   - every 4 MiB block that touches RAM has backing for its struct pages
//     in the vmemmap (memory of the block's own node), written to only as
//     described below;
//   - a block that is free from end to end is not put on any free list:
//     the zone records it in `deferred`, a few pfn ranges, and __rmqueue
//     initialises its struct pages when it first needs such a block;
//   - a block that is partly free (holding the kernel, page tables, BIOS
//     areas...) is written in full at boot: PG_reserved, except its free
//     pages, which go on the buddy lists;
//   - a block with no free page at all (struct page backing, say) is never
//     written: nothing ever frees or looks up its pages.
// Buddy merging never looks outside a block's own 4 MiB, so it only ever
// sees initialised struct pages.
//
// Boot CPU only.
#include "arch/x86/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/memblock.h"
#include "mm/numa.h"
#include "mm/pgtable.h"
#include "mm/zone.h"

u64 max_pfn;

#define PCP_BATCH 31 // pages moved between a per-CPU list and the buddy lists

static const char *const zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal"};
static const u64 zone_end_pfn[MAX_NR_ZONES] = {ZONE_DMA_END_PFN, ZONE_DMA32_END_PFN, ~0ULL};

static inline u64 pfn_of(u64 pa) { return pa >> PAGE_SHIFT; }

// The node's pglist_data, from its own memory.
static void alloc_node_data(int nid)
{
	u64 pa = memblock_phys_alloc(nid, sizeof(struct pglist_data), PAGE_SIZE, ~0ULL);
	if (!pa)
		panic("mm: no memory for node %d's data", nid);
	struct pglist_data *pgdat = phys_to_virt(pa);
	memset(pgdat, 0, sizeof(*pgdat));
	pgdat->node_id = nid;
	pgdat->node_start_pfn = ~0ULL;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		z->name = zone_names[zi];
		z->node = nid;
		z->idx = zi;
		z->zone_start_pfn = ~0ULL;
		spin_lock_init(&z->lock, "zone->lock");
		for (int o = 0; o < MAX_ORDER; o++)
			INIT_LIST_HEAD(&z->free_area[o].free_list);
		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			INIT_LIST_HEAD(&z->pcp[cpu].list);
	}
	node_data[nid] = pgdat;
}

// Span and present pages of nodes and zones from one RAM range.
static void account_range(const struct memblock_region *r)
{
	struct pglist_data *pgdat = NODE_DATA(r->nid);
	u64 start = pfn_of(r->base), end = pfn_of(r->end), zone_start = 0;
	pgdat->node_start_pfn = MIN(pgdat->node_start_pfn, start);
	pgdat->node_end_pfn = MAX(pgdat->node_end_pfn, end);
	pgdat->node_present_pages += end - start;
	for (int zi = 0; zi < MAX_NR_ZONES; zone_start = zone_end_pfn[zi++]) {
		u64 lo = MAX(start, zone_start), hi = MIN(end, zone_end_pfn[zi]);
		if (lo >= hi)
			continue;
		struct zone *z = &pgdat->node_zones[zi];
		z->zone_start_pfn = MIN(z->zone_start_pfn, lo);
		z->zone_end_pfn = MAX(z->zone_end_pfn, hi);
		z->present_pages += hi - lo;
	}
}

// Backs the vmemmap at va (up to end) with memory of node nid: a whole
// 2 MiB page (struct pages for 128 MiB of RAM) where it fits, else 4 KiB.
// Returns how far it got.
static u64 vmemmap_map(u64 va, u64 end, int nid)
{
	u64 flags = PTE_P | PTE_W | (pgtable_nx ? PTE_NX : 0), pa;
	u64 *pde = pgtable_walk_level(kernel_pml4, va, 2, nid);
	if (!pde)
		panic("mm: no memory for the vmemmap page tables");
	if (*pde & PTE_PS) // done for a neighbouring range
		return ALIGN_DOWN(va, SZ_2M) + SZ_2M;
	if (!(*pde & PTE_P) && va % SZ_2M == 0 && va + SZ_2M <= end &&
	    (pa = memblock_phys_alloc(nid, SZ_2M, SZ_2M, ~0ULL))) {
		*pde = pa | flags | PTE_PS;
		return va + SZ_2M;
	}
	u64 *pte = pgtable_walk(kernel_pml4, va, nid);
	if (!pte)
		panic("mm: no memory for the vmemmap page tables");
	if (!(*pte & PTE_P)) {
		if (!(pa = memblock_phys_alloc(nid, PAGE_SIZE, PAGE_SIZE, ~0ULL)))
			panic("mm: no memory for struct pages");
		*pte = pa | flags;
	}
	return va + PAGE_SIZE;
}

// Backs the struct pages of every 4 MiB block touching r with r's node.
static void vmemmap_populate(const struct memblock_region *r)
{
	u64 start = (u64)pfn_to_page(ALIGN_DOWN(pfn_of(r->base), MAX_ORDER_NR_PAGES));
	u64 end = (u64)pfn_to_page(ALIGN_UP(pfn_of(r->end), MAX_ORDER_NR_PAGES));
	for (u64 va = start; va < end;)
		va = vmemmap_map(va, end, r->nid);
}

enum block_state { BLOCK_RESERVED, BLOCK_PARTLY_FREE, BLOCK_FREE };

// How much of the block of 1024 pages at pfn is free (BLOCK_FREE: all of
// it, within one free range).
static enum block_state block_state(u64 pfn)
{
	struct memblock_region *f;
	u64 base = pfn << PAGE_SHIFT, end = base + (MAX_ORDER_NR_PAGES << PAGE_SHIFT);
	bool some = false;
	for_each_memblock(&memblock.free, f) {
		if (f->base <= base && f->end >= end)
			return BLOCK_FREE;
		some |= f->base < end && f->end > base;
	}
	return some ? BLOCK_PARTLY_FREE : BLOCK_RESERVED;
}

// Writes every struct page of the block at pfn as reserved, on the node of
// the RAM range holding it (holes: the first range touching the block).
static void memmap_init_block(u64 pfn)
{
	struct memblock_region *r;
	u64 end = pfn + MAX_ORDER_NR_PAGES;
	int nid = -1;
	for_each_memblock(&memblock.memory, r) {
		u64 lo = MAX(pfn, pfn_of(r->base)), hi = MIN(end, pfn_of(r->end));
		if (lo >= hi)
			continue;
		if (nid < 0) {
			nid = r->nid;
			for (u64 p = pfn; p < end; p++)
				*pfn_to_page(p) = (struct page){.flags = PG_reserved, .node = nid,
								.zone = pfn_zone_type(p)};
		}
		for (u64 p = lo; p < hi; p++)
			pfn_to_page(p)->node = r->nid;
	}
}

// Initialises the struct pages of a wholly free block of zone z.
static struct page *memmap_init_free_block(struct zone *z, u64 pfn)
{
	struct page init = {.node = z->node, .zone = z->idx}, *page = pfn_to_page(pfn);
	for (u64 i = 0; i < MAX_ORDER_NR_PAGES; i++)
		page[i] = init;
	return page;
}

// Records the free max-order block at pfn in z->deferred; false if full.
static bool deferred_add(struct zone *z, u64 pfn)
{
	struct pfn_range *last = z->nr_deferred ? &z->deferred[z->nr_deferred - 1] : NULL;
	if (last && last->end == pfn) {
		last->end += MAX_ORDER_NR_PAGES;
		return true;
	}
	if (z->nr_deferred == ZONE_DEFERRED_RANGES)
		return false;
	z->deferred[z->nr_deferred++] = (struct pfn_range){pfn, pfn + MAX_ORDER_NR_PAGES};
	return true;
}

struct page *deferred_take_block(struct zone *z)
{
	if (z->nr_deferred == 0)
		return NULL;
	struct pfn_range *r = &z->deferred[z->nr_deferred - 1];
	u64 pfn = r->start;
	r->start += MAX_ORDER_NR_PAGES;
	if (r->start == r->end)
		z->nr_deferred--;
	return memmap_init_free_block(z, pfn);
}

bool pfn_block_initialized(u64 pfn)
{
	pfn = ALIGN_DOWN(pfn, MAX_ORDER_NR_PAGES);
	if (!kernel_address_mapped((u64)pfn_to_page(pfn)) ||
	    !kernel_address_mapped((u64)(pfn_to_page(pfn + MAX_ORDER_NR_PAGES) - 1)) ||
	    block_state(pfn) == BLOCK_RESERVED) // never written (memblock keeps its lists)
		return false;
	int nid;
	for_each_online_node(nid) {
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &NODE_DATA(nid)->node_zones[zi];
			if (pfn < z->zone_start_pfn || pfn >= z->zone_end_pfn)
				continue;
			bool deferred = false;
			unsigned long f = spin_lock_irqsave(&z->lock);
			for (int i = 0; i < z->nr_deferred; i++)
				deferred |= pfn >= z->deferred[i].start && pfn < z->deferred[i].end;
			spin_unlock_irqrestore(&z->lock, f);
			if (deferred)
				return false;
		}
	}
	return true;
}

// Frees [pfn, pfn + 2^order) of node nid to its zone at boot. A max-order
// block is wholly free and its struct pages untouched: it is deferred.
// Smaller blocks lie in partly free blocks, initialised as reserved.
static void free_boot_block(int nid, u64 pfn, unsigned order)
{
	struct zone *z = &NODE_DATA(nid)->node_zones[pfn_zone_type(pfn)];
	struct page *page = pfn_to_page(pfn);
	unsigned long f = spin_lock_irqsave(&z->lock);
	z->managed_pages += 1UL << order;
	if (order == MAX_ORDER - 1 && deferred_add(z, pfn)) {
		z->nr_free += MAX_ORDER_NR_PAGES;
	} else {
		if (order == MAX_ORDER - 1)
			memmap_init_free_block(z, pfn);
		for (u64 i = 0; i < (1UL << order); i++)
			page[i].flags = 0; // no longer PG_reserved
		__free_one_page(z, page, order);
	}
	spin_unlock_irqrestore(&z->lock, f);
}

// Frees a free range in the largest aligned blocks that fit. Zone
// boundaries (16 MiB, 4 GiB) are 4 MiB aligned, so no block crosses one.
static void free_boot_range(const struct memblock_region *f)
{
	u64 pfn = pfn_of(f->base), end = pfn_of(f->end);
	while (pfn < end) {
		unsigned order = MAX_ORDER - 1;
		while ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end)
			order--;
		free_boot_block(f->nid, pfn, order);
		pfn += 1UL << order;
	}
}

static void zone_set_pcp_sizes(struct zone *z)
{
	z->pcp_batch = MAX(1, MIN(PCP_BATCH, (int)(z->managed_pages / 1024)));
	z->pcp_high = 6 * z->pcp_batch;
}

void page_alloc_init(void)
{
	struct memblock_region *r;
	int nid;
	max_pfn = pfn_of(memblock_end_of_ram());
	for_each_online_node(nid)
		alloc_node_data(nid);
	for_each_memblock(&memblock.memory, r) {
		account_range(r);
		vmemmap_populate(r);
	}
	// Early allocations are over: the free list is final.
	for_each_memblock(&memblock.memory, r)
		for (u64 pfn = ALIGN_DOWN(pfn_of(r->base), MAX_ORDER_NR_PAGES);
		     pfn < pfn_of(r->end); pfn += MAX_ORDER_NR_PAGES)
			if (block_state(pfn) == BLOCK_PARTLY_FREE)
				memmap_init_block(pfn);
	for_each_memblock(&memblock.free, r)
		free_boot_range(r);
	memblock.closed = true;
	for_each_online_node(nid)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			zone_set_pcp_sizes(&NODE_DATA(nid)->node_zones[zi]);
	pgtable_use_page_alloc();
}
