// Tests for the page allocator: exact free counts for every order, buddy
// coalescing, no page handed out twice (also from all CPUs at once), node
// placement, nodemask limits and distance-ordered fallback. Every test
// frees what it took and checks that the free count is back where it was.
//
// Allocated blocks are chained through their first word, so tests need no
// array to remember them.
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/zone.h"

static u64 settled_free_pages(void)
{
	kmem_cache_shrink_all();
	return nr_free_pages();
}

// A chain of blocks (each block's first word points to the next).
struct chain {
	void *head;
	u64 pages;
};

static bool chain_alloc(struct chain *c, const nodemask_t *mask, unsigned order)
{
	void **p = alloc_pages_nodemask(mask, 0, order);
	if (!p)
		return false;
	p[0] = c->head;
	p[1] = (void *)(u64)order;
	c->head = p;
	c->pages += 1UL << order;
	return true;
}

static void chain_free(struct chain *c)
{
	while (c->head) {
		void **p = c->head;
		c->head = p[0];
		free_pages(p, (unsigned)(u64)p[1]);
	}
	c->pages = 0;
}

// Takes every page node nid has to give, largest blocks first.
static void chain_exhaust_node(struct chain *c, int nid)
{
	nodemask_t only = NODE_MASK_NONE;
	node_set(nid, &only);
	for (int order = MAX_ORDER - 1; order >= 0; order--)
		while (chain_alloc(c, &only, order))
			;
}

static void nodemask_of(nodemask_t *mask, int a, int b)
{
	nodes_clear(mask);
	node_set(a, mask);
	if (b >= 0)
		node_set(b, mask);
}

KTEST(page_alloc, every_order_allocates_and_frees_exactly)
{
	u64 base = settled_free_pages();
	for (unsigned order = 0; order < MAX_ORDER; order++) {
		void *p = alloc_pages(GFP_KERNEL, order);
		ASSERT_TRUE(p != NULL);
		EXPECT_EQ(virt_to_phys(p) % (PAGE_SIZE << order), 0);
		EXPECT_EQ(nr_free_pages(), base - (1ULL << order));
		free_pages(p, order);
		EXPECT_EQ(nr_free_pages(), base);
	}
}

KTEST(page_alloc, orders_beyond_max_and_empty_masks_return_null)
{
	nodemask_t none = NODE_MASK_NONE;
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_ORDER) == NULL);
	EXPECT_TRUE(alloc_pages_nodemask(&none, GFP_KERNEL, 0) == NULL);
	EXPECT_TRUE(alloc_pages_node(MAX_NUMNODES - 1, GFP_KERNEL, 0) == NULL);
}

KTEST(page_alloc, gfp_zero_returns_zeroed_pages)
{
	u64 base = settled_free_pages();
	u8 *p = alloc_pages(GFP_KERNEL, 1);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xa5, 2 * PAGE_SIZE);
	free_pages(p, 1);
	p = alloc_pages(__GFP_ZERO, 1);
	ASSERT_TRUE(p != NULL);
	int nonzero = 0;
	for (int i = 0; i < 2 * PAGE_SIZE; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(nonzero, 0);
	free_pages(p, 1);
	EXPECT_EQ(nr_free_pages(), base);
}

// After allocating and freeing a mix of blocks, the buddy lists hold the
// same blocks as before: freeing merged every buddy back.
KTEST(page_alloc, freeing_merges_buddies_back_into_the_same_blocks)
{
	int nid = numa_node_id();
	u64 before[MAX_NR_ZONES][MAX_ORDER], after[MAX_ORDER];
	struct chain c = {0};
	nodemask_t local;
	nodemask_of(&local, nid, -1);
	drain_local_pages();
	u64 base = settled_free_pages();
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		zone_buddyinfo(nid, zi, before[zi]);
	for (int i = 0; i < 3000; i++)
		if (!chain_alloc(&c, &local, i % 5 == 4 ? (unsigned)(i % 4) : 0))
			break;
	EXPECT_GT(c.pages, 3000);
	chain_free(&c);
	drain_local_pages();
	EXPECT_EQ(nr_free_pages(), base);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		zone_buddyinfo(nid, zi, after);
		for (int o = 0; o < MAX_ORDER; o++)
			EXPECT_EQ(after[o], before[zi][o]);
	}
}

// Tags every page of a block; false if one was already tagged.
static bool tag_block(void *p, unsigned order, u32 tag)
{
	bool fresh = true;
	struct page *page = virt_to_page(p);
	for (u64 i = 0; i < (1UL << order); i++) {
		u32 expected = 0;
		if (!__atomic_compare_exchange_n(&page[i].owner, &expected, tag, false,
						 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			fresh = false;
	}
	return fresh;
}

static void untag_block(void *p, unsigned order)
{
	struct page *page = virt_to_page(p);
	for (u64 i = 0; i < (1UL << order); i++)
		page[i].owner = 0;
}

KTEST(page_alloc, no_page_is_handed_out_twice)
{
	u64 base = settled_free_pages();
	struct chain c = {0};
	int collisions = 0;
	for (int i = 0; i < 2000; i++) {
		unsigned order = i % 7 == 6 ? (unsigned)(i % 5) : 0;
		if (!chain_alloc(&c, task_mems_allowed(), order))
			break;
		collisions += !tag_block(c.head, order, 0x7e57);
	}
	EXPECT_EQ(collisions, 0);
	for (void **p = c.head; p; p = p[0])
		untag_block(p, (unsigned)(u64)p[1]);
	chain_free(&c);
	EXPECT_EQ(nr_free_pages(), base);
}

// Run on every CPU at once (in interrupt context): allocate, tag, free.
// arg: room for PER_CPU_ALLOCS pointers per CPU id.
#define PER_CPU_ALLOCS 300
static int cpu_collisions, cpu_failures;

static unsigned mixed_order(int i) { return i % 3 == 2 ? 1 : 0; }

static void alloc_and_tag_on_this_cpu(void *arg)
{
	void **pages = (void **)arg + smp_processor_id() * PER_CPU_ALLOCS;
	u32 tag = 0x100 + smp_processor_id();
	for (int i = 0; i < PER_CPU_ALLOCS; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, mixed_order(i));
		if (!pages[i])
			__atomic_add_fetch(&cpu_failures, 1, __ATOMIC_RELAXED);
		else if (!tag_block(pages[i], mixed_order(i), tag))
			__atomic_add_fetch(&cpu_collisions, 1, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < PER_CPU_ALLOCS; i++) {
		if (!pages[i])
			continue;
		untag_block(pages[i], mixed_order(i));
		free_pages(pages[i], mixed_order(i));
	}
}

KTEST(page_alloc, no_page_is_handed_out_twice_across_cpus)
{
	if (cpumask_weight(&cpu_online_mask) < 2) {
		kprintf("# skip: needs 2+ CPUs\n");
		return;
	}
	void **room = kmalloc(NR_CPUS * PER_CPU_ALLOCS * sizeof(void *), GFP_KERNEL);
	ASSERT_TRUE(room != NULL);
	u64 base = settled_free_pages();
	cpu_collisions = cpu_failures = 0;
	for (int round = 0; round < 5; round++)
		smp_call_function_many(&cpu_online_mask, alloc_and_tag_on_this_cpu, room, true);
	EXPECT_EQ(cpu_collisions, 0);
	EXPECT_EQ(cpu_failures, 0);
	EXPECT_EQ(nr_free_pages(), base); // pages left on other CPUs' lists count as free
	kfree(room);
}

KTEST(page_alloc, alloc_pages_takes_the_local_node_first)
{
	u64 base = settled_free_pages();
	int nid = numa_node_id();
	if (node_total_pages(nid) == 0) {
		kprintf("# skip: node %d has no memory\n", nid);
		return;
	}
	for (unsigned order = 0; order < 4; order++) {
		void *p = alloc_pages(GFP_KERNEL, order);
		ASSERT_TRUE(p != NULL);
		EXPECT_EQ(page_to_nid(p), nid);
		free_pages(p, order);
	}
	EXPECT_EQ(nr_free_pages(), base);
}

KTEST(page_alloc, alloc_pages_node_places_on_that_node)
{
	u64 base = settled_free_pages();
	int nid;
	for_each_online_node(nid) {
		if (node_total_pages(nid) == 0)
			continue;
		for (unsigned order = 0; order < MAX_ORDER; order += 3) {
			void *p = alloc_pages_node(nid, GFP_KERNEL, order);
			ASSERT_TRUE(p != NULL);
			EXPECT_EQ(page_to_nid(p), nid);
			free_pages(p, order);
		}
	}
	EXPECT_EQ(nr_free_pages(), base);
}

// The online node with memory that has the fewest free pages, other than
// avoid (-1: none); -1 if there is none.
static int smallest_node(int avoid)
{
	int nid, best = -1;
	for_each_online_node(nid)
		if (nid != avoid && node_total_pages(nid) &&
		    (best < 0 || node_free_pages(nid) < node_free_pages(best)))
			best = nid;
	return best;
}

KTEST(page_alloc, exhausting_a_node_through_its_nodemask_returns_null)
{
	int victim = smallest_node(-1), other = smallest_node(victim);
	if (nr_node_ids < 2 || other < 0) {
		kprintf("# skip: needs two nodes with memory\n");
		return;
	}
	u64 base = settled_free_pages(), victim_free = node_free_pages(victim);
	u64 other_free = node_free_pages(other);
	nodemask_t only, elsewhere;
	nodemask_of(&only, victim, -1);
	nodemask_of(&elsewhere, other, -1);
	struct chain c = {0};
	chain_exhaust_node(&c, victim);
	kprintf("# node %d: took %llu of %llu free pages\n", victim, c.pages, victim_free);
	EXPECT_GT(c.pages, victim_free / 2);
	EXPECT_TRUE(alloc_pages_nodemask(&only, GFP_KERNEL, 0) == NULL);
	EXPECT_TRUE(alloc_pages_node(victim, GFP_KERNEL, 0) == NULL);
	EXPECT_EQ(node_free_pages(other), other_free); // nothing leaked over
	void *p = alloc_pages_nodemask(&elsewhere, GFP_KERNEL, 0);
	EXPECT_TRUE(p != NULL);
	if (p)
		EXPECT_EQ(page_to_nid(p), other);
	free_page(p);
	chain_free(&c);
	EXPECT_EQ(node_free_pages(victim), victim_free);
	EXPECT_EQ(nr_free_pages(), base);
}

// Two nodes other than the local one, the first strictly nearer; false if
// the topology has no such pair.
static bool near_and_far_remote(int local, int *near, int *far)
{
	int a, b;
	for_each_online_node(a) {
		for_each_online_node(b) {
			if (a == local || b == local || !node_total_pages(a) || !node_total_pages(b))
				continue;
			if (node_distance(local, a) < node_distance(local, b)) {
				*near = a;
				*far = b;
				return true;
			}
		}
	}
	return false;
}

KTEST(page_alloc, fallback_takes_the_nearer_allowed_node_first)
{
	int local = numa_node_id(), near, far;
	if (!near_and_far_remote(local, &near, &far)) {
		kprintf("# skip: needs two remote nodes at different distances\n");
		return;
	}
	u64 base = settled_free_pages();
	nodemask_t mask;
	nodemask_of(&mask, near, far);
	void *p = alloc_pages_nodemask(&mask, GFP_KERNEL, 0);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_to_nid(p), near);
	// With the nearer node full, the farther one serves.
	struct chain c = {0};
	chain_exhaust_node(&c, near);
	void *q = alloc_pages_nodemask(&mask, GFP_KERNEL, 2);
	EXPECT_TRUE(q != NULL);
	if (q)
		EXPECT_EQ(page_to_nid(q), far);
	free_pages(q, 2);
	chain_free(&c);
	free_page(p);
	EXPECT_EQ(nr_free_pages(), base);
}

KTEST(page_alloc, a_mask_without_the_local_node_never_uses_it)
{
	int local = numa_node_id(), remote = -1, nid;
	for_each_online_node(nid)
		if (nid != local && node_total_pages(nid) && remote < 0)
			remote = nid;
	if (remote < 0) {
		kprintf("# skip: needs a remote node with memory\n");
		return;
	}
	u64 base = settled_free_pages();
	nodemask_t mask;
	nodemask_of(&mask, remote, -1);
	for (unsigned order = 0; order < 3; order++) {
		void *p = alloc_pages_nodemask(&mask, GFP_KERNEL, order);
		ASSERT_TRUE(p != NULL);
		EXPECT_EQ(page_to_nid(p), remote);
		free_pages(p, order);
	}
	EXPECT_EQ(nr_free_pages(), base);
}

KTEST(page_alloc, double_free_is_reported_and_ignored)
{
	ktest_expect_reports();
	u64 base = settled_free_pages(), bad = page_bad_frees;
	void *p = alloc_pages(GFP_KERNEL, 0), *q = alloc_pages(GFP_KERNEL, 2);
	ASSERT_TRUE(p && q);
	free_page(p);
	free_page(p);           // double free (it sits on a per-CPU list)
	free_pages(q, 1);       // wrong order
	free_pages(q, 2);
	free_pages(q, 2);       // double free (buddy list)
	EXPECT_EQ(page_bad_frees, bad + 3);
	EXPECT_EQ(nr_free_pages(), base);
}

KTEST(page_alloc, counters_agree_with_each_other)
{
	int nid;
	u64 sum = 0;
	for_each_online_node(nid) {
		u64 zone_free = 0, zone_present = 0, free, present;
		const char *name;
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			ASSERT_EQ(zone_stats(nid, zi, &free, &present, &name), 0);
			EXPECT_LE(free, present);
			zone_free += free;
			zone_present += present;
		}
		EXPECT_EQ(zone_free, node_free_pages(nid));
		EXPECT_EQ(zone_present, node_total_pages(nid));
		sum += node_free_pages(nid);
	}
	EXPECT_EQ(sum, nr_free_pages());
	u64 f, p;
	const char *n;
	EXPECT_EQ(zone_stats(0, MAX_NR_ZONES, &f, &p, &n), -EINVAL);
}
