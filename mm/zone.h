// Nodes and zones: the page allocator's internal structures.
//
// Each online node has a struct pglist_data (allocated at boot from the
// node's own memory) with three zones by physical address, as on Linux:
//   ZONE_DMA     below 16 MiB (ISA DMA)
//   ZONE_DMA32   16 MiB .. 4 GiB (32-bit devices, the AP trampoline's CR3)
//   ZONE_NORMAL  4 GiB and up
// Allocations take from NORMAL first and fall back to DMA32, then DMA, so
// the low zones are used last.
//
// A zone is a buddy allocator: free blocks of 2^order pages (order 0..10),
// each aligned to its size, on free_area[order]. Splitting a block gives two
// "buddies" whose addresses differ only in bit `order` of the page number;
// freeing merges a block with its buddy while the buddy is free and of the
// same order, so free memory stays in the largest blocks possible.
//
// In front of the buddy lists, each CPU has a per-CPU list of order-0 pages
// per zone (pcp): order-0 allocation and free touch only that list, with
// interrupts off and no lock; it is refilled from (and drained to) the
// buddy lists pcp_batch pages at a time under the zone lock, and drained
// whenever it grows past pcp_high.
//
// Free max-order blocks that nobody has used since boot are not on
// free_area[10] but in `deferred`, a few ranges of page frames: their
// struct pages are not even initialised until __rmqueue needs such a block
// (see page_init.c for why).
//
// Locking, in order: a CPU's pcp (interrupts off) -> zone->lock (irq-saving;
// taken with interrupts already off from the pcp paths). Fields set at boot
// are read-only afterwards.
#ifndef MM_ZONE_H
#define MM_ZONE_H

#include "kernel/spinlock.h"
#include "lib/cpumask.h"
#include "mm/page_alloc.h"

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };

#define ZONE_DMA_END_PFN ((16ULL << 20) >> PAGE_SHIFT)
#define ZONE_DMA32_END_PFN ((4ULL << 30) >> PAGE_SHIFT)

struct free_area {
	struct list_head free_list; // heads of free blocks (PG_buddy)
	u64 nr_free;                // blocks on free_list
};

#define ZONE_DEFERRED_RANGES 8 // per zone; blocks beyond are set up at boot

// One CPU's hot order-0 pages of one zone (PG_pcp). Touched only by that
// CPU with interrupts off. A cache line each: no false sharing.
struct per_cpu_pages {
	struct list_head list; // most recently freed (cache-hot) first
	int count;
} __attribute__((aligned(64)));

struct zone {
	// Set at boot, read-only after.
	const char *name;
	int node;
	enum zone_type idx;
	u64 zone_start_pfn, zone_end_pfn; // span [start, end), may hold holes
	u64 present_pages;                // RAM in the span
	u64 managed_pages;                // given to the buddy allocator at boot
	int pcp_batch, pcp_high;

	struct spinlock lock; // protects free_area, deferred and nr_free
	struct free_area free_area[MAX_ORDER];
	struct pfn_range {
		u64 start, end; // max-order aligned
	} deferred[ZONE_DEFERRED_RANGES];
	int nr_deferred;
	u64 nr_free; // pages on the buddy lists and in deferred

	struct per_cpu_pages pcp[NR_CPUS];
};

struct pglist_data {
	int node_id;
	u64 node_start_pfn, node_end_pfn; // span of the node's RAM
	u64 node_present_pages;
	struct zone node_zones[MAX_NR_ZONES];
};

extern struct pglist_data *node_data[MAX_NUMNODES];
extern u64 max_pfn; // one past the last page frame of RAM
#define NODE_DATA(nid) (node_data[nid])

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page->node)->node_zones[page->zone];
}

static inline enum zone_type pfn_zone_type(u64 pfn)
{
	if (pfn < ZONE_DMA_END_PFN)
		return ZONE_DMA;
	return pfn < ZONE_DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL;
}

static inline bool populated_zone(const struct zone *z) { return z->managed_pages != 0; }

// page_alloc.c, for page_init.c: put a block on the buddy lists, merging.
// Caller holds zone->lock.
void __free_one_page(struct zone *z, struct page *page, unsigned order);
// page_init.c, for page_alloc.c: takes a max-order block out of
// z->deferred and initialises its struct pages; NULL if there is none.
// Caller holds zone->lock.
struct page *deferred_take_block(struct zone *z);
// page_init.c: whether the struct pages of the max-order block holding
// pfn can be read: backed (a hole may have none) and initialised (not in
// a deferred range). Takes the zone's lock; for a scan of every page.
bool pfn_block_initialized(u64 pfn);
// page_init.c: build nodes, zones and struct pages, free memory to the
// buddy allocator (mm_init, after pgtable_init).
void page_alloc_init(void);

#endif
