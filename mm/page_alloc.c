// The page allocator: buddy lists per zone, per-CPU order-0 lists, node
// placement. See page_alloc.h for the interface and zone.h for the
// structures and the lock order (pcp with interrupts off -> zone->lock).
#include "mm/page_alloc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/zone.h"

struct pglist_data *node_data[MAX_NUMNODES];
u64 page_bad_frees;

// ---- Buddy lists (zone->lock held) ----

static bool page_is_buddy(const struct page *page, const struct page *buddy, unsigned order)
{
	return (buddy->flags & PG_buddy) && buddy->order == order &&
	       buddy->node == page->node && buddy->zone == page->zone;
}

// A block of 2^order free pages at page joins the free lists, merging with
// its buddy for as long as the buddy is a free block of the same size. A
// buddy never lies outside the block's max-order-aligned 4 MiB, whose
// struct pages are all initialised once any page in it is in use.
void __free_one_page(struct zone *z, struct page *page, unsigned order)
{
	assert_held(&z->lock);
	u64 pfn = page_to_pfn(page);
	z->nr_free += 1UL << order;
	while (order < MAX_ORDER - 1) {
		struct page *buddy = pfn_to_page(pfn ^ (1UL << order));
		if (!page_is_buddy(page, buddy, order))
			break;
		list_del(&buddy->lru);
		z->free_area[order].nr_free--;
		buddy->flags = 0;
		buddy->order = 0;
		pfn &= ~(1UL << order); // the merged block starts at the lower buddy
		order++;
	}
	page = pfn_to_page(pfn);
	page->flags = PG_buddy;
	page->order = order;
	list_add(&page->lru, &z->free_area[order].free_list);
	z->free_area[order].nr_free++;
}

// Splits a block of order high down to order low: the upper halves go back
// on the free lists, page keeps the lowest 2^low pages.
static void expand(struct zone *z, struct page *page, unsigned low, unsigned high)
{
	while (high > low) {
		high--;
		struct page *buddy = page + (1UL << high);
		buddy->flags = PG_buddy;
		buddy->order = high;
		list_add(&buddy->lru, &z->free_area[high].free_list);
		z->free_area[high].nr_free++;
	}
}

// Takes a block of order o or larger off the smallest free list that has
// one, or else a block never used since boot; sets *o to its order.
static struct page *take_free_block(struct zone *z, unsigned *o)
{
	for (; *o < MAX_ORDER; (*o)++) {
		struct free_area *area = &z->free_area[*o];
		if (list_empty(&area->free_list))
			continue;
		struct page *page = list_first_entry(&area->free_list, struct page, lru);
		list_del(&page->lru);
		area->nr_free--;
		return page;
	}
	*o = MAX_ORDER - 1;
	return deferred_take_block(z);
}

// A 2^order block, split off the smallest free block that is big enough.
static struct page *__rmqueue(struct zone *z, unsigned order)
{
	assert_held(&z->lock);
	unsigned o = order;
	struct page *page = take_free_block(z, &o);
	if (!page)
		return NULL;
	page->flags = 0;
	expand(z, page, order, o);
	z->nr_free -= 1UL << order;
	page->order = order;
	return page;
}

static struct page *rmqueue_locked(struct zone *z, unsigned order)
{
	unsigned long f = spin_lock_irqsave(&z->lock);
	struct page *page = __rmqueue(z, order);
	spin_unlock_irqrestore(&z->lock, f);
	return page;
}

// ---- Per-CPU lists (this CPU, interrupts off) ----

static int rmqueue_bulk(struct zone *z, int count, struct list_head *list)
{
	int n = 0;
	unsigned long f = spin_lock_irqsave(&z->lock);
	for (; n < count; n++) {
		struct page *page = __rmqueue(z, 0);
		if (!page)
			break;
		page->flags = PG_pcp;
		list_add_tail(&page->lru, list);
	}
	spin_unlock_irqrestore(&z->lock, f);
	return n;
}

// Returns the count coldest pages (the list's tail) to the buddy lists.
static void free_pcppages_bulk(struct zone *z, int count, struct per_cpu_pages *pcp)
{
	unsigned long f = spin_lock_irqsave(&z->lock);
	while (count-- > 0 && !list_empty(&pcp->list)) {
		struct page *page = list_last_entry(&pcp->list, struct page, lru);
		list_del(&page->lru);
		pcp->count--;
		__free_one_page(z, page, 0);
	}
	spin_unlock_irqrestore(&z->lock, f);
}

static struct page *rmqueue_pcp(struct zone *z)
{
	struct page *page = NULL;
	unsigned long flags = local_irq_save();
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	if (pcp->count == 0)
		pcp->count = rmqueue_bulk(z, z->pcp_batch, &pcp->list);
	if (pcp->count) {
		page = list_first_entry(&pcp->list, struct page, lru);
		list_del(&page->lru);
		pcp->count--;
		page->flags = 0;
		page->order = 0;
	}
	local_irq_restore(flags);
	return page;
}

static void free_unref_page(struct page *page)
{
	struct zone *z = page_zone(page);
	unsigned long flags = local_irq_save();
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	page->flags = PG_pcp;
	list_add(&page->lru, &pcp->list);
	if (++pcp->count > z->pcp_high)
		free_pcppages_bulk(z, z->pcp_batch, pcp);
	local_irq_restore(flags);
}

void drain_local_pages(void)
{
	int nid;
	unsigned long flags = local_irq_save();
	for_each_online_node(nid) {
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &NODE_DATA(nid)->node_zones[zi];
			struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
			free_pcppages_bulk(z, pcp->count, pcp);
		}
	}
	local_irq_restore(flags);
}

// ---- Placement ----

// A block from node nid: NORMAL first, DMA last.
static struct page *node_alloc(int nid, unsigned order)
{
	struct pglist_data *pgdat = NODE_DATA(nid);
	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--) {
		struct zone *z = &pgdat->node_zones[zi];
		if (!populated_zone(z))
			continue;
		struct page *page = order == 0 ? rmqueue_pcp(z) : rmqueue_locked(z, order);
		if (page)
			return page;
	}
	return NULL;
}

static void *prep_new_page(struct page *page, unsigned gfp, unsigned order)
{
	void *addr = page_address(page), *dst = addr;
	u64 words = (PAGE_SIZE << order) / 8;
	if (gfp & __GFP_ZERO) // rep stosq: 8x fewer iterations than memset's stosb
		__asm__ volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(0ULL) : "memory");
	return addr;
}

// ---- Failure injection (tests) ----
// The task whose allocations fail, and how many may still succeed. Only
// that task reads or writes the countdown, so it needs no lock.
static void *fail_task;
static int fail_countdown;
static u64 fail_count;

void alloc_fail_inject(int n)
{
	fail_countdown = n;
	WRITE_ONCE(fail_task, n < 0 ? NULL : (void *)current);
}

bool alloc_should_fail(void)
{
	if (likely(!READ_ONCE(fail_task)) || this_cpu_read_int(irq_depth) ||
	    (void *)current != fail_task)
		return false;
	if (fail_countdown > 0) {
		fail_countdown--;
		return false;
	}
	fail_count++;
	return true;
}

u64 alloc_failures_injected(void) { return fail_count; }

// Local node first, then the others by distance (node_fallback_order).
static void *alloc_pages_local_first(const nodemask_t *mask, unsigned gfp, unsigned order)
{
	int local = numa_node_id();
	struct page *page = NULL;
	if (node_isset(local, mask))
		page = node_alloc(local, order);
	for (const int *nid = node_fallback_order(local); !page && *nid >= 0; nid++)
		if (*nid != local && node_isset(*nid, mask))
			page = node_alloc(*nid, order);
	return page ? prep_new_page(page, gfp, order) : NULL;
}

// The node the task's policy tries first within mask, or -1 for none
// (then local first). BIND narrows *mask to the policy's nodes.
static int policy_first_node(struct mempolicy *pol, nodemask_t *mask)
{
	nodemask_t both;
	switch (pol->mode) {
	case MPOL_BIND:
		nodes_and(mask, mask, &pol->nodes);
		return -1;
	case MPOL_PREFERRED: {
		int nid = first_node(&pol->nodes);
		return nid < MAX_NUMNODES && node_isset(nid, mask) ? nid : -1;
	}
	case MPOL_INTERLEAVE:
		nodes_and(&both, mask, &pol->nodes);
		for (int k = 0; k < MAX_NUMNODES; k++) {
			int nid = (pol->next + k) % MAX_NUMNODES;
			if (node_isset(nid, &both)) {
				pol->next = nid + 1;
				return nid;
			}
		}
		return -1;
	}
	return -1;
}

void *alloc_pages_nodemask(const nodemask_t *mask, unsigned gfp, unsigned order)
{
	if (order >= MAX_ORDER || !mask || alloc_should_fail())
		return NULL;
	// The policy applies to the task's own placement only: a caller that
	// names other nodes (a pinned heap, a migration) gets exactly those.
	struct mempolicy *pol = mask == task_mems_allowed() ? task_mempolicy() : NULL;
	if (!pol || pol->mode == MPOL_DEFAULT)
		return alloc_pages_local_first(mask, gfp, order);
	nodemask_t within = *mask;
	int first = policy_first_node(pol, &within);
	struct page *page = first >= 0 ? node_alloc(first, order) : NULL;
	if (page)
		return prep_new_page(page, gfp, order);
	// A memset change can leave a BIND policy no node of the task's: then
	// the memset's nodes rule (Linux rebinds the policy; we ignore it).
	if (nodes_weight(&within) == 0)
		within = *mask;
	return alloc_pages_local_first(&within, gfp, order);
}

// set_mempolicy: mode and nodes for the calling task's own pages. The
// nodes must be online; BIND and INTERLEAVE need at least one, PREFERRED
// takes the first. Pages already allocated stay where they are.
int sys_set_mempolicy(int mode, const nodemask_t *nodes)
{
	struct mempolicy *pol = task_mempolicy();
	nodemask_t online;
	if (!pol)
		return -EINVAL;
	if (mode == MPOL_DEFAULT) {
		pol->mode = MPOL_DEFAULT;
		nodes_clear(&pol->nodes);
		return 0;
	}
	if (mode != MPOL_PREFERRED && mode != MPOL_BIND && mode != MPOL_INTERLEAVE)
		return -EINVAL;
	nodes_and(&online, nodes, &node_online_map);
	if (nodes_weight(nodes) == 0 || nodes_weight(&online) != nodes_weight(nodes))
		return -EINVAL;
	pol->nodes = *nodes;
	if (mode == MPOL_PREFERRED) {
		nodes_clear(&pol->nodes);
		node_set(first_node(nodes), &pol->nodes);
	}
	pol->next = 0;
	pol->mode = mode;
	return 0;
}

int sys_get_mempolicy(int *mode, nodemask_t *nodes)
{
	struct mempolicy *pol = task_mempolicy();
	if (!pol)
		return -EINVAL;
	*mode = pol->mode;
	*nodes = pol->nodes;
	return 0;
}

void *alloc_pages(unsigned gfp, unsigned order)
{
	return alloc_pages_nodemask(task_mems_allowed(), gfp, order);
}

void *alloc_pages_node(int nid, unsigned gfp, unsigned order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	if (order >= MAX_ORDER || !node_online(nid) || !NODE_DATA(nid) || alloc_should_fail())
		return NULL;
	struct page *page = node_alloc(nid, order);
	return page ? prep_new_page(page, gfp, order) : NULL;
}

// ---- Free ----

// Why freeing (addr, order) would corrupt the allocator, or NULL if it is fine.
static const char *bad_free_reason(const void *addr, const struct page *page, unsigned order)
{
	u64 pfn = virt_to_phys(addr) >> PAGE_SHIFT;
	if (order >= MAX_ORDER || pfn >= max_pfn || ((u64)addr & (PAGE_SIZE - 1)))
		return "not a page the allocator handed out";
	if (page->flags & (PG_buddy | PG_pcp))
		return "double free";
	if (page->flags & PG_reserved)
		return "reserved page";
	if (page->flags & (PG_slab | PG_tail | PG_large_kmalloc))
		return "page belongs to the slab allocator";
	if (page->order != order)
		return "order differs from the allocation's";
	return NULL;
}

void free_pages(void *addr, unsigned order)
{
	if (!addr)
		return;
	struct page *page = virt_to_page(addr);
	const char *why = bad_free_reason(addr, page, order);
	if (unlikely(why)) {
		__atomic_add_fetch(&page_bad_frees, 1, __ATOMIC_RELAXED);
		report_bug("free_pages(%p, %u): %s, ignored", addr, order, why);
		return;
	}
	if (unlikely(page->bc_charge)) { // as Linux's "page still charged to cgroup"
		char site[128];
		symbolize((u64)page->bc_site, site, sizeof(site));
		report_bug("free_pages(%p, %u): still charged to a bc container (by pid %u at %s): "
			   "its bc.physpages.held stays", addr, order, page->bc_pid, site);
		page->bc_charge = NULL;
	}
	if (order == 0) {
		free_unref_page(page);
		return;
	}
	struct zone *z = page_zone(page);
	unsigned long f = spin_lock_irqsave(&z->lock);
	__free_one_page(z, page, order);
	spin_unlock_irqrestore(&z->lock, f);
}

// ---- Counters (lock-free reads: a snapshot, exact when nothing runs) ----

static u64 zone_free(const struct zone *z)
{
	u64 n = READ_ONCE(z->nr_free);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		n += READ_ONCE(z->pcp[cpu].count);
	return n;
}

u64 node_free_pages(int nid)
{
	u64 n = 0;
	if (!node_online(nid) || !NODE_DATA(nid))
		return 0;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		n += zone_free(&NODE_DATA(nid)->node_zones[zi]);
	return n;
}

u64 node_total_pages(int nid)
{
	return node_online(nid) && NODE_DATA(nid) ? NODE_DATA(nid)->node_present_pages : 0;
}

u64 nr_free_pages(void)
{
	u64 n = 0;
	int nid;
	for_each_online_node(nid)
		n += node_free_pages(nid);
	return n;
}

static struct zone *zone_lookup(int nid, int zone_idx)
{
	if (!node_online(nid) || !NODE_DATA(nid) || zone_idx < 0 || zone_idx >= MAX_NR_ZONES)
		return NULL;
	return &NODE_DATA(nid)->node_zones[zone_idx];
}

int zone_stats(int nid, int zone_idx, u64 *free, u64 *present, const char **name)
{
	struct zone *z = zone_lookup(nid, zone_idx);
	if (!z)
		return -EINVAL;
	*free = zone_free(z);
	*present = z->present_pages;
	*name = z->name;
	return 0;
}

int zone_buddyinfo(int nid, int zone_idx, u64 nr_free[MAX_ORDER])
{
	struct zone *z = zone_lookup(nid, zone_idx);
	if (!z)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&z->lock);
	for (int o = 0; o < MAX_ORDER; o++)
		nr_free[o] = z->free_area[o].nr_free;
	for (int i = 0; i < z->nr_deferred; i++)
		nr_free[MAX_ORDER - 1] += (z->deferred[i].end - z->deferred[i].start) / MAX_ORDER_NR_PAGES;
	spin_unlock_irqrestore(&z->lock, f);
	return 0;
}
