// Tests for mm/slab.c: every kmalloc size class, alignment, reuse, node
// placement, large allocations, and the debug checks (double free, write
// after free, bogus free) which must report and carry on. Each test checks
// that the free page count returns to where it started.
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

static u64 settled_free_pages(void)
{
	kmem_cache_shrink_all();
	return nr_free_pages();
}

static const size_t class_sizes[] = {8,   16,  32,   64,   96,   128, 192,
				     256, 512, 1024, 2048, 4096, 8192};

static bool is_power_of_two(size_t n) { return (n & (n - 1)) == 0; }

KTEST(slab, every_size_class_allocates_aligned_usable_objects)
{
	u64 base = settled_free_pages();
	for (unsigned i = 0; i < ARRAY_SIZE(class_sizes); i++) {
		size_t size = class_sizes[i], smaller = i ? class_sizes[i - 1] + 1 : 1;
		u8 *a = kmalloc(size, GFP_KERNEL), *b = kmalloc(smaller, GFP_KERNEL);
		ASSERT_TRUE(a && b);
		EXPECT_EQ(ksize(a), size);
		EXPECT_EQ(ksize(b), size); // rounded up to the same class
		EXPECT_EQ((u64)a % 8, 0);
		if (is_power_of_two(size))
			EXPECT_EQ((u64)a % size, 0);
		memset(a, 0x11, size);
		memset(b, 0x22, smaller);
		EXPECT_EQ(a[size - 1], 0x11);
		kfree(a);
		kfree(b);
	}
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, large_kmalloc_comes_from_the_page_allocator)
{
	u64 base = settled_free_pages();
	u8 *p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ((u64)p % PAGE_SIZE, 0);
	EXPECT_EQ(ksize(p), 4 * PAGE_SIZE);
	EXPECT_EQ(nr_free_pages(), base - 4);
	p[KMALLOC_MAX_CACHE_SIZE] = 1;
	kfree(p);
	EXPECT_TRUE(kmalloc((size_t)PAGE_SIZE << MAX_ORDER, GFP_KERNEL) == NULL);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, cache_objects_honour_the_requested_alignment)
{
	u64 base = settled_free_pages();
	struct kmem_cache *c64 = kmem_cache_create("test-align64", 40, 64, 0);
	struct kmem_cache *hw = kmem_cache_create("test-hwalign", 24, 0, SLAB_HWCACHE_ALIGN);
	struct kmem_cache *odd = kmem_cache_create("test-odd", 13, 0, 0);
	ASSERT_TRUE(c64 && hw && odd);
	for (int i = 0; i < 100; i++) {
		void *a = kmem_cache_alloc(c64, GFP_KERNEL), *b = kmem_cache_alloc(hw, GFP_KERNEL);
		void *c = kmem_cache_alloc(odd, GFP_KERNEL);
		ASSERT_TRUE(a && b && c);
		EXPECT_EQ((u64)a % 64, 0);
		EXPECT_EQ((u64)b % 64, 0);
		EXPECT_EQ((u64)c % 8, 0);
		kmem_cache_free(c64, a);
		kmem_cache_free(hw, b);
		kmem_cache_free(odd, c);
	}
	EXPECT_TRUE(kmem_cache_create("test-bad", 64, 48, 0) == NULL);
	EXPECT_EQ(kmem_cache_destroy(c64), 0);
	EXPECT_EQ(kmem_cache_destroy(hw), 0);
	EXPECT_EQ(kmem_cache_destroy(odd), 0);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, a_freed_object_is_reused_first)
{
	void *p = kmalloc(64, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	kfree(p);
	void *q = kmalloc(64, GFP_KERNEL);
	EXPECT_TRUE(q == p);
	kfree(q);
}

KTEST(slab, objects_of_many_slabs_are_distinct_and_all_come_back)
{
	u64 base = settled_free_pages();
	struct kmem_cache *c = kmem_cache_create("test-many", 200, 0, 0);
	ASSERT_TRUE(c != NULL);
	struct slab_info info;
	kmem_cache_info(c, &info);
	int n = 3 * info.objects_per_slab + 1;
	void **objs = kmalloc(n * sizeof(void *), GFP_KERNEL);
	ASSERT_TRUE(objs != NULL);
	for (int i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		ASSERT_TRUE(objs[i] != NULL);
		memset(objs[i], i & 0xff, 200);
	}
	kmem_cache_info(c, &info);
	EXPECT_EQ(info.active_objs, n);
	EXPECT_GE(info.num_slabs, 4);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(*(u8 *)objs[i], i & 0xff); // nobody overlapped it
	for (int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	kfree(objs);
	EXPECT_EQ(kmem_cache_destroy(c), 0);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, kmalloc_node_puts_the_object_on_that_node)
{
	u64 base = settled_free_pages();
	int nid;
	for_each_online_node(nid) {
		if (node_total_pages(nid) == 0)
			continue;
		for (unsigned i = 0; i < ARRAY_SIZE(class_sizes); i += 3) {
			void *p = kmalloc_node(class_sizes[i], GFP_KERNEL, nid);
			ASSERT_TRUE(p != NULL);
			EXPECT_EQ(page_to_nid(p), nid);
			kfree(p);
		}
		void *big = kmalloc_node(64 * 1024, GFP_KERNEL, nid);
		ASSERT_TRUE(big != NULL);
		EXPECT_EQ(page_to_nid(big), nid);
		kfree(big);
	}
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, kmalloc_takes_the_local_node)
{
	int nid = numa_node_id();
	if (node_total_pages(nid) == 0) {
		kprintf("# skip: node %d has no memory\n", nid);
		return;
	}
	void *p = kmalloc(100, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_to_nid(p), nid);
	kfree(p);
}

KTEST(slab, double_free_is_counted_and_ignored)
{
	if (!SLAB_DEBUG) {
		kprintf("# skip: SLAB_DEBUG is off\n");
		return;
	}
	ktest_expect_reports();
	u64 base = settled_free_pages(), doubles = slab_double_frees;
	struct kmem_cache *tiny = kmem_cache_create("test-tiny", 8, 0, 0);
	ASSERT_TRUE(tiny != NULL);
	void *a = kmalloc(32, GFP_KERNEL), *keep = kmalloc(32, GFP_KERNEL);
	void *t = kmem_cache_alloc(tiny, GFP_KERNEL), *t2 = kmem_cache_alloc(tiny, GFP_KERNEL);
	ASSERT_TRUE(a && keep && t && t2);
	kfree(a);
	kfree(a);
	EXPECT_EQ(slab_double_frees, doubles + 1);
	kmem_cache_free(tiny, t);
	kmem_cache_free(tiny, t); // 8-byte objects: no room for poison
	EXPECT_EQ(slab_double_frees, doubles + 2);
	// The allocator is still sound: two allocations, two different objects.
	void *x = kmalloc(32, GFP_KERNEL), *y = kmalloc(32, GFP_KERNEL);
	EXPECT_TRUE(x != y);
	kfree(x);
	kfree(y);
	kfree(keep);
	kmem_cache_free(tiny, t2);
	EXPECT_EQ(kmem_cache_destroy(tiny), 0);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, write_after_free_is_reported_on_the_next_allocation)
{
	u64 errors = slab_poison_errors;
	u8 *p = kmalloc(64, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	kfree(p);
	if (!SLAB_DEBUG) {
		kprintf("# skip: SLAB_DEBUG is off\n");
		return;
	}
	EXPECT_EQ(p[40], POISON_FREE);
	ktest_expect_reports();
	p[40] = 0; // the bug under test
	u8 *q = kmalloc(64, GFP_KERNEL);
	EXPECT_TRUE(q == p);
	EXPECT_EQ(slab_poison_errors, errors + 1);
	kfree(q);
}

KTEST(slab, write_past_the_end_is_reported_on_free)
{
	if (!SLAB_DEBUG) {
		kprintf("# skip: SLAB_DEBUG is off\n");
		return;
	}
	struct kmem_cache *odd = kmem_cache_create("test-odd", 20, 8, 0); // stride 24
	ASSERT_TRUE(odd != NULL);
	u8 *p = kmem_cache_alloc(odd, GFP_KERNEL), *q = kmem_cache_alloc(odd, GFP_KERNEL);
	ASSERT_TRUE(p && q);
	u64 errors = slab_redzone_errors, reports = kernel_reports;
	kmem_cache_free(odd, q); // intact: no report
	EXPECT_EQ(slab_redzone_errors, errors);
	EXPECT_EQ(kernel_reports, reports);
	ktest_expect_reports();
	p[21] = 1; // the bug under test: one byte past the object
	kmem_cache_free(odd, p);
	EXPECT_EQ(slab_redzone_errors, errors + 1);
	EXPECT_EQ(kernel_reports, reports + 1);
	EXPECT_EQ(kmem_cache_destroy(odd), 0);
}

KTEST(slab, freeing_something_that_is_not_an_object_is_reported)
{
	ktest_expect_reports();
	u64 bad = slab_bad_frees;
	int on_stack;
	u8 *p = kmalloc(128, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	kfree(p + 8);      // inside an object
	kfree(&on_stack);  // not from kmalloc at all
	EXPECT_EQ(slab_bad_frees, bad + 2);
	kfree(p);
	EXPECT_EQ(slab_bad_frees, bad + 2);
}

KTEST(slab, destroy_refuses_while_objects_remain)
{
	u64 base = settled_free_pages();
	struct kmem_cache *c = kmem_cache_create("test-busy", 100, 0, 0);
	ASSERT_TRUE(c != NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(kmem_cache_destroy(c), -EBUSY);
	kmem_cache_free(c, p);
	EXPECT_EQ(kmem_cache_destroy(c), 0);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(slab, kzalloc_zeroes_and_kstrdup_copies)
{
	u64 base = settled_free_pages();
	u8 *p = kmalloc(256, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xff, 256);
	kfree(p);
	p = kzalloc(256, GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	int nonzero = 0;
	for (int i = 0; i < 256; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(nonzero, 0);
	kfree(p);
	char *s = kstrdup("corral", GFP_KERNEL);
	ASSERT_TRUE(s != NULL);
	EXPECT_STREQ(s, "corral");
	EXPECT_EQ(ksize(s), 8);
	kfree(s);
	EXPECT_TRUE(kstrdup(NULL, GFP_KERNEL) == NULL);
	EXPECT_EQ(settled_free_pages(), base);
}

static void count_cache(const struct slab_info *info, void *arg)
{
	if (strcmp(info->name, "kmalloc-64") == 0)
		*(int *)arg += 1;
}

KTEST(slab, caches_are_listed_for_slabinfo)
{
	int found = 0;
	kmem_cache_for_each(count_cache, &found);
	EXPECT_EQ(found, 1);
}

// ---- SMP stress ------------------------------------------------------------
// Every CPU allocates objects of mixed size classes and stamps each with
// its CPU and index; after all are stamped, each CPU checks its stamps (an
// object handed out twice carries another's) and frees the objects the
// next CPU allocated, so most frees are remote, often to another node's
// slabs. Nothing may be reported and every page must come back.

#define STRESS_OBJECTS 200
#define STRESS_ROUNDS 4
static u64 *stress_objs[NR_CPUS][STRESS_OBJECTS];
static int stress_failures, stress_collisions;

static size_t stress_size(int i) { return class_sizes[i % 10]; } // 8 .. 1024

static u64 stress_stamp(int cpu, int i) { return 0x5AB0000000000000ULL | (u64)cpu << 32 | i; }

static void stress_alloc(void *arg)
{
	(void)arg;
	int me = smp_processor_id();
	for (int i = 0; i < STRESS_OBJECTS; i++) {
		u64 *p = kmalloc(stress_size(i), GFP_KERNEL);
		stress_objs[me][i] = p;
		if (!p) {
			__atomic_add_fetch(&stress_failures, 1, __ATOMIC_RELAXED);
			continue;
		}
		for (size_t w = 0; w < stress_size(i) / 8; w++)
			p[w] = stress_stamp(me, i);
	}
}

static void stress_check_and_free_next(void *arg)
{
	(void)arg;
	int me = smp_processor_id();
	for (int i = 0; i < STRESS_OBJECTS; i++) {
		u64 *p = stress_objs[me][i];
		for (size_t w = 0; p && w < stress_size(i) / 8; w++)
			if (p[w] != stress_stamp(me, i)) {
				__atomic_add_fetch(&stress_collisions, 1, __ATOMIC_RELAXED);
				break;
			}
	}
	// Wait until every CPU has checked its own before freeing others'.
	static volatile int checked;
	__atomic_add_fetch(&checked, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&checked, __ATOMIC_SEQ_CST) % cpumask_weight(&cpu_online_mask))
		__asm__ volatile("pause");
	int next = cpumask_next(me, &cpu_online_mask);
	if (next >= NR_CPUS)
		next = cpumask_first(&cpu_online_mask);
	for (int i = 0; i < STRESS_OBJECTS; i++)
		kfree(stress_objs[next][i]);
}

KTEST(slab, concurrent_kmalloc_and_remote_kfree_from_every_cpu)
{
	u64 base = settled_free_pages();
	u64 double_frees = slab_double_frees, bad_frees = slab_bad_frees;
	u64 poison = slab_poison_errors;
	stress_failures = stress_collisions = 0;
	for (int round = 0; round < STRESS_ROUNDS; round++) {
		smp_call_function_many(&cpu_online_mask, stress_alloc, NULL, true);
		smp_call_function_many(&cpu_online_mask, stress_check_and_free_next, NULL, true);
	}
	EXPECT_EQ(stress_failures, 0);
	EXPECT_EQ(stress_collisions, 0);
	EXPECT_EQ(slab_double_frees, double_frees);
	EXPECT_EQ(slab_bad_frees, bad_frees);
	EXPECT_EQ(slab_poison_errors, poison);
	EXPECT_EQ(settled_free_pages(), base);
}
