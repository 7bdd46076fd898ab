// Tests for the task heaps (mm/task_heap.c).
#include "arch/x86/call_on_stack.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/task_heap.h"
#include "mm/vmap.h"
#include "kernel/spinlock.h"
#include "kernel/task_test_util.h"
#include "lib/string.h"

static u64 settled_free_pages(void)
{
	vmap_purge_lazy(); // dead heaps' regions (and their queue entries)
	kmem_cache_shrink_all();
	return nr_free_pages();
}

static void fill(void *p, size_t n, u8 seed)
{
	u8 *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (u8)(seed + i * 7);
}

static bool filled(const void *p, size_t n, u8 seed)
{
	const u8 *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != (u8)(seed + i * 7))
			return false;
	return true;
}

static int page_nid(const void *va)
{
	u64 pa = vmap_lookup((void *)va);
	return pa ? page_to_nid(phys_to_virt(pa)) : -1;
}

// A little of everything: small classes, page runs, an aligned block.
#define NR_BLOCKS 64
static void alloc_mixed(struct task_heap *h, void **blocks)
{
	for (int i = 0; i < NR_BLOCKS; i++) {
		size_t size = (size_t)(i * 37) % 3000 + (i % 8 == 0 ? 20000 : 0);
		blocks[i] = heap_alloc(h, size, i % 16 == 1 ? 4096 : 16);
		if (blocks[i])
			fill(blocks[i], size, (u8)i);
	}
}

KTEST(task_heap, alloc_and_free_many_sizes_keep_contents)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 1000, 2032, 2033,
				       4096, 5000, 65536, 1 << 20};
	void *p[ARRAY_SIZE(sizes)];
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = heap_alloc(h, sizes[i], 16);
		ASSERT_TRUE(p[i]);
		EXPECT_EQ((u64)p[i] % 16, 0);
		EXPECT_GE(heap_usable_size(h, p[i]), sizes[i]);
		fill(p[i], sizes[i], (u8)i);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT_TRUE(filled(p[i], sizes[i], (u8)i));
	EXPECT_GT(heap_allocated_bytes(h), (u64)(1 << 20));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		heap_free(h, p[i]);
	EXPECT_EQ(heap_allocated_bytes(h), 0);
	heap_destroy(h);
}

KTEST(task_heap, blocks_are_aligned_as_asked)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	static const size_t aligns[] = {1, 8, 16, 32, 64, 256, 4096, 8192, 65536};
	for (size_t i = 0; i < ARRAY_SIZE(aligns); i++) {
		void *p = heap_alloc(h, 100, aligns[i]);
		ASSERT_TRUE(p);
		EXPECT_EQ((u64)p % MAX(aligns[i], 16), 0);
		fill(p, 100, 1);
		heap_free(h, p);
	}
	EXPECT_FALSE(heap_alloc(h, 100, 24)); // not a power of two
	EXPECT_EQ(heap_allocated_bytes(h), 0);
	heap_destroy(h);
}

KTEST(task_heap, realloc_keeps_contents)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	char *p = heap_realloc(h, NULL, 10);
	ASSERT_TRUE(p);
	fill(p, 10, 3);
	static const size_t sizes[] = {100, 3000, 50000, 300, 12};
	size_t kept = 10;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = heap_realloc(h, p, sizes[i]);
		ASSERT_TRUE(p);
		EXPECT_TRUE(filled(p, MIN(kept, sizes[i]), 3));
		fill(p, sizes[i], 3);
		kept = sizes[i];
	}
	EXPECT_FALSE(heap_realloc(h, p, 0)); // frees
	EXPECT_EQ(heap_allocated_bytes(h), 0);
	heap_destroy(h);
}

KTEST(task_heap, bad_and_double_frees_are_ignored)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	void *p = heap_alloc(h, 40, 16), *q = heap_alloc(h, 9000, 16);
	ASSERT_TRUE(p && q);
	heap_free(h, p);
	heap_free(h, p);              // double free of a small block
	heap_free(h, q);
	heap_free(h, q);              // its pages are gone: not a live block
	heap_free(h, (char *)p + 16); // inside a block
	static int not_heap;
	heap_free(h, &not_heap);
	EXPECT_EQ(heap_allocated_bytes(h), 0);
	void *r = heap_alloc(h, 40, 16); // the allocator still works
	EXPECT_TRUE(r);
	heap_destroy(h);
}

KTEST(task_heap, destroy_returns_every_page)
{
	void *blocks[NR_BLOCKS];
	// Warm up: the first use of the range builds page tables (kept).
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	alloc_mixed(h, blocks);
	heap_destroy(h);

	u64 base = settled_free_pages();
	h = heap_create();
	ASSERT_TRUE(h);
	alloc_mixed(h, blocks);
	for (int i = 0; i < NR_BLOCKS; i += 3) // and some frees in between
		heap_free(h, blocks[i]);
	EXPECT_GT(heap_mapped_pages(h), 10);
	EXPECT_LT(settled_free_pages(), base);
	heap_destroy(h);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(task_heap, freed_page_runs_go_back_at_once)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	void *warm = heap_alloc(h, 1 << 20, 16); // page tables for the range
	heap_free(h, warm);
	u64 base = settled_free_pages();
	void *p = heap_alloc(h, 1 << 20, 16);
	ASSERT_TRUE(p);
	EXPECT_LE(settled_free_pages(), base - 256);
	heap_free(h, p);
	EXPECT_EQ(settled_free_pages(), base);
	EXPECT_EQ(heap_mapped_pages(h), 0);
	heap_destroy(h);
}

KTEST(task_heap, allocation_honours_a_one_node_mask)
{
	int nid = -1, n;
	for_each_online_node(n)
		nid = n; // the last node: not the boot CPU's when there are two
	nodemask_t only = NODE_MASK_NONE;
	node_set(nid, &only);
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	heap_set_nodes(h, &only);
	void *blocks[NR_BLOCKS];
	alloc_mixed(h, blocks);
	for (int i = 0; i < NR_BLOCKS; i++) {
		ASSERT_TRUE(blocks[i]);
		EXPECT_EQ(page_nid(blocks[i]), nid);
	}
	EXPECT_EQ(heap_node_pages(h, nid), heap_mapped_pages(h));
	heap_destroy(h);
}

// Migration tests: two nodes (and two CPUs if cpus), or a skip. *n0 and
// *n1 get nodes 0 and 1; the heap takes its pages from node 0.
static bool migrate_setup(bool cpus, nodemask_t *n0, nodemask_t *n1, struct task_heap **h)
{
	if (nodes_weight(&node_online_map) < 2 ||
	    (cpus && cpumask_weight(&cpu_online_mask) < 2)) {
		printk(cpus ? "# skip: needs two nodes and two CPUs\n" : "# skip: needs two nodes\n");
		return false;
	}
	*n0 = NODE_MASK_NONE;
	*n1 = NODE_MASK_NONE;
	node_set(0, n0);
	node_set(1, n1);
	*h = heap_create();
	if (*h)
		heap_set_nodes(*h, n0);
	return true;
}

KTEST(task_heap, migrate_moves_pages_and_keeps_contents)
{
	nodemask_t from, to;
	struct task_heap *h;
	if (!migrate_setup(false, &from, &to, &h))
		return;
	ASSERT_TRUE(h);
	void *blocks[NR_BLOCKS];
	alloc_mixed(h, blocks);
	u64 pages = heap_mapped_pages(h);
	EXPECT_EQ(heap_node_pages(h, 0), pages);
	EXPECT_EQ(heap_node_pages(h, 1), 0);

	EXPECT_EQ(heap_migrate(h, &to), 0);
	EXPECT_EQ(heap_mapped_pages(h), pages);
	EXPECT_EQ(heap_node_pages(h, 0), 0);
	EXPECT_EQ(heap_node_pages(h, 1), pages);
	for (int i = 0; i < NR_BLOCKS; i++) {
		size_t size = (size_t)(i * 37) % 3000 + (i % 8 == 0 ? 20000 : 0);
		ASSERT_TRUE(blocks[i]);
		EXPECT_EQ(page_nid(blocks[i]), 1);
		EXPECT_TRUE(filled(blocks[i], size, (u8)i));
	}
	EXPECT_EQ(heap_migrate(h, &to), 0); // nothing left to move
	EXPECT_EQ(heap_node_pages(h, 1), pages);
	heap_destroy(h);
}

// ---- Migration under a running writer (issue 13 item 8) ----

#define WRITER_PAGES 96 // more than one vmap_move_pages batch
struct writer_arg {
	u64 *pages[WRITER_PAGES];
	volatile int stop;
	volatile u64 rounds;
	volatile int lost; // a write that did not stick
};

// Writes a round number into every page and checks it reads back, in a
// loop with interrupts on and, every other round, inside a spinlock with
// interrupts off (as uart_write reading an app's buffer).
static DEFINE_SPINLOCK(writer_lock);

static int heap_writer(void *p)
{
	struct writer_arg *a = p;
	for (u64 round = 1; !a->stop; round++) {
		unsigned long f = 0;
		if (round & 1)
			f = spin_lock_irqsave(&writer_lock);
		for (int i = 0; i < WRITER_PAGES; i++) {
			u64 *w = a->pages[i] + 1 + round % 500;
			*w = round;
			if (*w != round || a->pages[i][0] != (u64)i)
				a->lost++;
		}
		if (round & 1)
			spin_unlock_irqrestore(&writer_lock, f);
		a->rounds = round;
	}
	return 0;
}

// Takes writer_lock with interrupts off, over and over: while the writer
// holds it and waits for a page in flight, this CPU spins with interrupts
// off -- and must still answer the mover's TLB shootdown.
static int lock_contender(void *p)
{
	struct writer_arg *a = p;
	while (!a->stop) {
		unsigned long f = spin_lock_irqsave(&writer_lock);
		spin_unlock_irqrestore(&writer_lock, f);
	}
	return 0;
}

KTEST(task_heap, migrate_while_another_cpu_writes_loses_nothing)
{
	nodemask_t n0, n1;
	struct task_heap *h;
	if (!migrate_setup(true, &n0, &n1, &h))
		return;
	ASSERT_TRUE(h);
	static struct writer_arg a;
	memset(&a, 0, sizeof(a));
	for (int i = 0; i < WRITER_PAGES; i++) {
		a.pages[i] = heap_alloc(h, PAGE_SIZE, PAGE_SIZE);
		ASSERT_TRUE(a.pages[i]);
		a.pages[i][0] = i;
	}
	cpumask_t other = cpu_online_mask;
	cpumask_clear_cpu(smp_processor_id(), &other);
	struct task *t = test_spawn("heap_writer", heap_writer, &a, &other);
	ASSERT_TRUE(t);
	struct task *c = test_spawn("lock_contender", lock_contender, &a, &other);
	ASSERT_TRUE(c);
	while (a.rounds < 2)
		sleep_ns(MS);
	int flips = 0;
	for (; flips < 40; flips++)
		EXPECT_EQ(heap_migrate(h, flips & 1 ? &n0 : &n1), 0);
	u64 rounds = a.rounds;
	a.stop = 1;
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);
	EXPECT_EQ(test_reap(c, 5000 * MS), 0);
	EXPECT_EQ(a.lost, 0);
	EXPECT_GT(a.rounds, rounds - 1); // it ran throughout
	EXPECT_EQ(heap_node_pages(h, 0), heap_mapped_pages(h)); // 40 flips: back on 0
	for (int i = 0; i < WRITER_PAGES; i++) {
		EXPECT_EQ(a.pages[i][0], (u64)i);
		EXPECT_EQ(page_nid(a.pages[i]), 0);
	}
	heap_destroy(h);
}

// A task running on a stack it made in its heap (as the shell does): a
// move by another task must not take those pages from under it -- the CPU
// pushes interrupt frames there, and a not-present stack page is a double
// fault. They stay until the owner moves them (heap_settle_stack).
#define OWN_STACK_PAGES 8
struct stack_runner_arg {
	struct task_heap *h;
	char *stack;
	volatile int settle, stop;
	volatile u64 rounds;
};

static void run_on_own_stack(void *p)
{
	struct stack_runner_arg *a = p;
	volatile u8 frame[2 * PAGE_SIZE]; // in the heap stack's pages
	for (u64 round = 1; !a->stop; round++) {
		for (size_t i = 0; i < sizeof(frame); i += 64)
			frame[i] = (u8)round;
		if (a->settle == 1) { // the end of a kernel call
			heap_settle_stack(a->h);
			a->settle = 2;
		}
		a->rounds = round;
	}
}

static int stack_runner(void *p)
{
	struct stack_runner_arg *a = p;
	heap_set_stack(a->h, a->stack, OWN_STACK_PAGES * PAGE_SIZE);
	call_on_stack(a->stack + OWN_STACK_PAGES * PAGE_SIZE, run_on_own_stack, a);
	heap_set_stack(a->h, NULL, 0);
	return 0;
}

static int stack_pages_on(struct stack_runner_arg *a, int nid)
{
	int n = 0;
	for (int i = 0; i < OWN_STACK_PAGES; i++)
		n += page_nid(a->stack + i * PAGE_SIZE) == nid;
	return n;
}

KTEST(task_heap, migrate_leaves_the_stack_its_owner_runs_on_to_the_owner)
{
	nodemask_t n0, n1;
	struct task_heap *h;
	if (!migrate_setup(true, &n0, &n1, &h))
		return;
	ASSERT_TRUE(h);
	static struct stack_runner_arg a;
	memset(&a, 0, sizeof(a));
	a.h = h;
	a.stack = heap_alloc(h, OWN_STACK_PAGES * PAGE_SIZE, PAGE_SIZE);
	ASSERT_TRUE(a.stack);
	fill(a.stack, OWN_STACK_PAGES * PAGE_SIZE, 1);
	void *data = heap_alloc(h, 16 * PAGE_SIZE, PAGE_SIZE);
	ASSERT_TRUE(data);
	fill(data, 16 * PAGE_SIZE, 9);
	u64 pages = heap_mapped_pages(h);
	cpumask_t other = cpu_online_mask;
	cpumask_clear_cpu(smp_processor_id(), &other);
	struct task *t = test_spawn("stack_runner", stack_runner, &a, &other);
	ASSERT_TRUE(t);
	while (a.rounds < 2)
		sleep_ns(MS);
	for (int flips = 0; flips < 20; flips++)
		EXPECT_EQ(heap_migrate(h, flips & 1 ? &n0 : &n1), 0);
	// The data moved back and forth, ending on node 0; the stack stayed.
	u64 rounds = a.rounds;
	EXPECT_EQ(heap_migrate(h, &n1), 0);
	EXPECT_EQ(stack_pages_on(&a, 0), OWN_STACK_PAGES);
	EXPECT_EQ(page_nid(data), 1);
	EXPECT_TRUE(filled(data, 16 * PAGE_SIZE, 9));
	EXPECT_EQ(heap_node_pages(h, 0), OWN_STACK_PAGES);
	// The owner moves them at its next "kernel call".
	a.settle = 1;
	for (int i = 0; i < 5000 && a.settle != 2; i++)
		sleep_ns(MS);
	EXPECT_EQ(a.settle, 2);
	EXPECT_GT(a.rounds, rounds); // it ran throughout
	a.stop = 1;
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);
	EXPECT_EQ(stack_pages_on(&a, 1), OWN_STACK_PAGES);
	EXPECT_EQ(heap_node_pages(h, 1), pages);
	heap_destroy(h);
}

KTEST(task_heap, migrate_without_room_moves_nothing)
{
	nodemask_t n0, n1;
	struct task_heap *h;
	if (!migrate_setup(false, &n0, &n1, &h))
		return;
	ASSERT_TRUE(h);
	void *p = heap_alloc(h, 64 * PAGE_SIZE, 16);
	ASSERT_TRUE(p);
	fill(p, 64 * PAGE_SIZE, 3);
	// Take node 1's free pages until fewer than 64 are left.
	void *hog = NULL;
	u64 held = 0;
	while (node_free_pages(1) >= 32) {
		void *pg = alloc_pages_nodemask(&n1, GFP_KERNEL, 0);
		if (!pg)
			break;
		*(void **)pg = hog;
		hog = pg;
		held++;
	}
	EXPECT_EQ(heap_migrate(h, &n1), -ENOMEM);
	EXPECT_EQ(heap_node_pages(h, 0), heap_mapped_pages(h)); // none moved
	EXPECT_EQ(heap_node_pages(h, 1), 0);
	while (hog) {
		void *next = *(void **)hog;
		free_page(hog);
		hog = next;
	}
	printk("# held %llu pages of node 1\n", (unsigned long long)held);
	EXPECT_TRUE(filled(p, 64 * PAGE_SIZE, 3));
	EXPECT_EQ(heap_migrate(h, &n1), 0);
	EXPECT_EQ(heap_node_pages(h, 1), heap_mapped_pages(h));
	heap_destroy(h);
}

// ---- Growth (issue 14): addresses are reserved as the heap grows ----

KTEST(task_heap, a_fresh_heap_reserves_one_small_segment)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	EXPECT_EQ(heap_segments(h), 1);
	EXPECT_EQ(heap_mapped_pages(h), 0);
	void *p = heap_alloc(h, 100, 16);
	EXPECT_TRUE(p);
	EXPECT_EQ(heap_segments(h), 1);
	heap_destroy(h);
}

static void grow_and_shrink(void)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	// 24 MiB in 1 MiB blocks: several segments, each twice the last.
	void *p[24];
	for (int i = 0; i < 24; i++) {
		p[i] = heap_alloc(h, 1 << 20, 16);
		ASSERT_TRUE(p[i]);
		fill(p[i], 4096, (u8)i);
	}
	int segs = heap_segments(h);
	EXPECT_GT(segs, 2);
	EXPECT_LE(segs, 6); // 2+4+8+16 MiB would do: doubling, not one per block
	// One block larger than any segment so far gets a segment of its own.
	void *big = heap_alloc(h, 40 << 20, 16);
	ASSERT_TRUE(big);
	EXPECT_EQ(heap_segments(h), segs + 1);
	heap_free(h, big);
	EXPECT_EQ(heap_segments(h), segs); // given back at once
	for (int i = 0; i < 24; i++)
		EXPECT_TRUE(filled(p[i], 4096, (u8)i));
	for (int i = 23; i >= 0; i--)
		heap_free(h, p[i]);
	EXPECT_EQ(heap_segments(h), 1);
	EXPECT_EQ(heap_mapped_pages(h), 0);
	heap_destroy(h);
}

KTEST(task_heap, grows_past_its_first_segment_and_gives_segments_back)
{
	grow_and_shrink(); // makes the page tables of the range (kept)
	u64 base = settled_free_pages();
	grow_and_shrink();
	// The second run's addresses may need a page table or two the first
	// did not (kept by vmap); a leaked block would be 256 pages or more.
	EXPECT_LE(base, settled_free_pages() + 4);
}

KTEST(task_heap, an_allocation_larger_than_free_memory_fails_at_once)
{
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	u64 before = nr_free_pages();
	EXPECT_FALSE(heap_alloc(h, (nr_free_pages() + 1024) * PAGE_SIZE, 16));
	EXPECT_FALSE(heap_alloc(h, ~0UL - 4096, 16)); // no overflow either
	EXPECT_EQ(heap_mapped_pages(h), 0);
	EXPECT_GE(nr_free_pages() + 64, before);
	heap_destroy(h);
}
