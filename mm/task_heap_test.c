// Tests for the task heaps (mm/task_heap.c).
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/task_heap.h"
#include "mm/vmap.h"

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

KTEST(task_heap, migrate_moves_pages_and_keeps_contents)
{
	if (nodes_weight(&node_online_map) < 2) {
		printk("# skip: needs two nodes\n");
		return;
	}
	nodemask_t from = NODE_MASK_NONE, to = NODE_MASK_NONE;
	node_set(0, &from);
	node_set(1, &to);
	struct task_heap *h = heap_create();
	ASSERT_TRUE(h);
	heap_set_nodes(h, &from);
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
