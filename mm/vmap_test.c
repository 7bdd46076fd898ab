// Tests for mm/vmap.c and mm/pgtable.c: mapping, lookup and unmapping in
// the vmap area, range reservation, kernel stacks with guard pages, the
// low identity mapping, and what the kernel page tables leave unmapped.
//
// Page tables of the vmap area are kept once created, so each test first
// maps and unmaps a page once (warm_up) before taking its baseline.
//
// The baseline counts free pages plus the pages of slab caches, and live
// slab objects separately: the vmap holes are small kmalloc objects, and
// which node's slab holds one depends on where the test task ran when it
// was made, so freeing one can empty (and shrink) a slab page while making
// the next one fills a partial slab elsewhere. Plain free pages then drift
// by one with no leak (seen about one full run in six); pages outside the
// slabs plus the object count do not.
#include "arch/x86/layout.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/vmap.h"

struct slab_totals {
	u64 pages, objects;
};

static void add_slab(const struct slab_info *info, void *arg)
{
	struct slab_totals *t = arg;
	t->pages += info->num_slabs << info->order;
	t->objects += info->active_objs;
}

static u64 base_objects; // live slab objects at the last baseline

static u64 live_slab_objects(void)
{
	struct slab_totals t = {0, 0};
	kmem_cache_for_each(add_slab, &t);
	return t.objects;
}

// Free pages plus slab pages, after giving back empty slabs.
static u64 settled_free_pages(void)
{
	struct slab_totals t = {0, 0};
	kmem_cache_shrink_all();
	kmem_cache_for_each(add_slab, &t);
	return nr_free_pages() + t.pages;
}

static u64 baseline(void)
{
	u64 base = settled_free_pages();
	base_objects = live_slab_objects();
	return base;
}

static u64 warm_up(void)
{
	vmap_purge_lazy(); // earlier tests' dead heaps: no purge mid-test
	void *t = kstack_alloc(NUMA_NO_NODE, "warm-up");
	kstack_free(t);
	return baseline();
}

// Nothing leaked since the baseline: no page, no slab object.
#define EXPECT_SETTLED(base)                                                 \
	do {                                                                 \
		EXPECT_EQ(settled_free_pages(), base);                       \
		EXPECT_EQ(live_slab_objects(), base_objects);                \
	} while (0)

KTEST(vmap, map_lookup_unmap_round_trip)
{
	u64 base = warm_up();
	u8 *va = vmap_reserve(3 * PAGE_SIZE);
	u8 *page = alloc_page(__GFP_ZERO);
	ASSERT_TRUE(va && page);
	EXPECT_GE((u64)va, VMAP_BASE);
	EXPECT_EQ(vmap_lookup(va + PAGE_SIZE), 0);
	ASSERT_EQ(vmap_map_page(va + PAGE_SIZE, page, PAGE_KERNEL), 0);
	EXPECT_EQ(vmap_lookup(va + PAGE_SIZE), virt_to_phys(page));
	EXPECT_EQ(vmap_lookup(va + PAGE_SIZE + 123), virt_to_phys(page) + 123);
	va[PAGE_SIZE + 5] = 42; // through the mapping ...
	EXPECT_EQ(page[5], 42); // ... lands in the page
	EXPECT_TRUE(vmap_unmap_page(va + PAGE_SIZE) == page);
	EXPECT_EQ(vmap_lookup(va + PAGE_SIZE), 0);
	EXPECT_TRUE(vmap_unmap_page(va + PAGE_SIZE) == NULL);
	vmap_release(va, 3 * PAGE_SIZE);
	free_page(page);
	EXPECT_SETTLED(base);
}

KTEST(vmap, mapping_a_mapped_or_foreign_address_fails)
{
	u64 base = warm_up();
	void *va = vmap_reserve(PAGE_SIZE);
	void *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);
	ASSERT_TRUE(va && a && b);
	EXPECT_EQ(vmap_map_page(va, a, PAGE_KERNEL), 0);
	EXPECT_EQ(vmap_map_page(va, b, PAGE_KERNEL), -EBUSY);
	EXPECT_EQ(vmap_map_page((void *)0x1000, b, PAGE_KERNEL), -EINVAL);
	EXPECT_EQ(vmap_map_page((u8 *)va + 8, b, PAGE_KERNEL), -EINVAL);
	EXPECT_TRUE(vmap_unmap_page(va) == a);
	vmap_release(va, PAGE_SIZE);
	free_page(a);
	free_page(b);
	EXPECT_SETTLED(base);
}

KTEST(vmap, reserved_ranges_are_disjoint_and_reused_after_release)
{
	u64 base = warm_up();
	u8 *a = vmap_reserve(PAGE_SIZE), *b = vmap_reserve(5 * PAGE_SIZE);
	u8 *c = vmap_reserve(100); // rounded up to a page
	ASSERT_TRUE(a && b && c);
	EXPECT_TRUE(a + PAGE_SIZE <= b || b + 5 * PAGE_SIZE <= a);
	EXPECT_TRUE(b + 5 * PAGE_SIZE <= c || c + PAGE_SIZE <= b);
	EXPECT_TRUE(vmap_reserve(0) == NULL);
	vmap_release(b, 5 * PAGE_SIZE);
	u8 *d = vmap_reserve(5 * PAGE_SIZE);
	EXPECT_TRUE(d == b); // first fit finds the released hole
	vmap_release(d, 5 * PAGE_SIZE);
	vmap_release(c, PAGE_SIZE);
	vmap_release(a, PAGE_SIZE);
	EXPECT_SETTLED(base);
}

KTEST(vmap, a_range_with_mapped_pages_is_never_handed_out_again)
{
	u64 base = warm_up();
	u8 *va = vmap_reserve(2 * PAGE_SIZE);
	void *page = alloc_page(GFP_KERNEL);
	ASSERT_TRUE(va && page);
	ASSERT_EQ(vmap_map_page(va, page, PAGE_KERNEL), 0);
	ktest_expect_reports();
	vmap_release(va, 2 * PAGE_SIZE); // refused: still mapped
	u8 *again = vmap_reserve(2 * PAGE_SIZE);
	EXPECT_TRUE(again + 2 * PAGE_SIZE <= va || va + 2 * PAGE_SIZE <= again);
	vmap_release(again, 2 * PAGE_SIZE);
	EXPECT_TRUE(vmap_unmap_page(va) == page);
	vmap_release(va, 2 * PAGE_SIZE); // now it goes back
	free_page(page);
	EXPECT_SETTLED(base);
}

// pgtable_range_mapped skips absent tables at every level; one page in a
// 3 GiB range, probed by ranges that end or start right next to it and
// cross 2 MiB and 1 GiB boundaries. (No leak check: the tables it makes
// for the range are kept.)
KTEST(vmap, range_mapped_finds_one_page_in_a_large_range)
{
	vmap_purge_lazy();
	u64 size = 3 * SZ_1G;
	u8 *va = vmap_reserve(size);
	void *page = alloc_page(GFP_KERNEL);
	ASSERT_TRUE(va && page);
	u64 start = (u64)va, end = start + size;
	u64 p = ALIGN_UP(start, SZ_1G) + SZ_1G + SZ_2M + 3 * PAGE_SIZE;
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, start, end));
	ASSERT_EQ(vmap_map_page((void *)p, page, PAGE_KERNEL), 0);
	EXPECT_TRUE(pgtable_range_mapped(kernel_pml4, start, end));
	EXPECT_TRUE(pgtable_range_mapped(kernel_pml4, p, p + PAGE_SIZE));
	EXPECT_TRUE(pgtable_range_mapped(kernel_pml4, p - PAGE_SIZE, p + PAGE_SIZE));
	EXPECT_TRUE(pgtable_range_mapped(kernel_pml4, p - SZ_1G, p + SZ_1G));
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, start, p));
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, p + PAGE_SIZE, end));
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, p - SZ_1G, p));
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, p + PAGE_SIZE, p + SZ_1G));
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, p - 40 * PAGE_SIZE, p - 32 * PAGE_SIZE));
	EXPECT_TRUE(vmap_unmap_page((void *)p) == page);
	EXPECT_FALSE(pgtable_range_mapped(kernel_pml4, start, end));
	vmap_release(va, size);
	free_page(page);
}

KTEST(vmap, kernel_stack_has_a_named_guard_page_below_it)
{
	u64 base = warm_up();
	u8 *top = kstack_alloc(numa_node_id(), "test-stack");
	ASSERT_TRUE(top != NULL);
	u8 *bottom = top - KSTACK_SIZE, *guard = bottom - PAGE_SIZE;
	top[-1] = 1;   // the whole stack is usable
	bottom[0] = 2;
	EXPECT_TRUE(kernel_address_mapped((u64)bottom));
	EXPECT_FALSE(kernel_address_mapped((u64)guard + 100));
	EXPECT_EQ(vmap_lookup(guard), 0);
	const char *name = stack_describe((u64)guard + 100);
	EXPECT_TRUE(name != NULL);
	if (name)
		EXPECT_STREQ(name, "test-stack");
	EXPECT_TRUE(stack_describe((u64)bottom) == NULL); // the stack is not the guard
	EXPECT_LE(nr_free_pages(), base - KSTACK_SIZE / PAGE_SIZE);
	kstack_free(top);
	EXPECT_TRUE(stack_describe((u64)guard + 100) == NULL);
	EXPECT_FALSE(kernel_address_mapped((u64)bottom));
	EXPECT_SETTLED(base);
}

KTEST(vmap, kernel_stack_pages_come_from_the_requested_node)
{
	u64 base = warm_up();
	int nid;
	for_each_online_node(nid) {
		if (node_total_pages(nid) == 0)
			continue;
		u8 *top = kstack_alloc(nid, "node-stack");
		ASSERT_TRUE(top != NULL);
		for (u8 *p = top - KSTACK_SIZE; p < top; p += PAGE_SIZE)
			EXPECT_EQ(page_to_nid(phys_to_virt(vmap_lookup(p))), nid);
		kstack_free(top);
	}
	EXPECT_SETTLED(base);
}

KTEST(vmap, null_and_low_addresses_fault_while_kernel_memory_is_mapped)
{
	EXPECT_FALSE(kernel_address_mapped(0));
	EXPECT_FALSE(kernel_address_mapped(0x1000));
	EXPECT_FALSE(kernel_address_mapped(0x100000)); // the kernel's physical load address
	EXPECT_FALSE(kernel_address_mapped(0x8000000000000000ULL)); // non-canonical
	EXPECT_TRUE(kernel_address_mapped(PHYS_BASE + 0x100000));
	EXPECT_TRUE(kernel_address_mapped((u64)&kernel_address_mapped));
	EXPECT_TRUE(kernel_address_mapped(PHYS_BASE + 0xFEE00000ULL)); // LAPIC window
	void *p = alloc_page(GFP_KERNEL);
	ASSERT_TRUE(p != NULL);
	EXPECT_TRUE(kernel_address_mapped((u64)p));
	EXPECT_TRUE(kernel_address_mapped((u64)virt_to_page(p)));
	free_page(p);
}

KTEST(vmap, identity_map_low_maps_then_unmaps)
{
	u64 base = baseline(), pa;
	ASSERT_EQ(vmap_identity_map_low(0x9000, 2 * PAGE_SIZE), 0);
	EXPECT_TRUE(pgtable_translate(0x9000, &pa));
	EXPECT_EQ(pa, 0x9000);
	EXPECT_TRUE(kernel_address_mapped(0xA123));
	EXPECT_FALSE(kernel_address_mapped(0xB000));
	vmap_identity_unmap_low();
	EXPECT_FALSE(kernel_address_mapped(0x9000));
	EXPECT_EQ(vmap_identity_map_low(SZ_4G - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	EXPECT_SETTLED(base);
}

// A deliberate crash (runs only when named: ktest=crash_mm): overflow a
// kernel stack from kstack_alloc. The fault on the guard page cannot push
// its frame, so the CPU raises a double fault, whose report (on the IST
// stack) must name the stack.
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int __attribute__((noinline)) recurse_forever(volatile int depth)
{
	volatile char pad[256];
	pad[0] = (char)depth;
	return recurse_forever(depth + 1) + pad[0];
}

static void __attribute__((noinline)) start_recursion(void) { recurse_forever(0); }

KTEST(crash_mm, kstack_overflow_report_names_the_stack)
{
	void *top = kstack_alloc(NUMA_NO_NODE, "crash-test-stack");
	ASSERT_TRUE(top != NULL);
	__asm__ volatile("mov %0, %%rsp\n\tcall *%1" ::"r"(top), "r"(start_recursion) : "memory");
}
