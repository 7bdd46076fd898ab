// Benchmarks of the allocators (`bench` on the kernel command line):
//   page_alloc_free_ns         order-0 alloc + free, hot per-CPU list
//   page_alloc_free_order4_ns  order-4 alloc + free, buddy lists
//   kmalloc_free_64_ns         kmalloc(64) + kfree
// Each reports the average time of one pair, in ns.
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

// Average ns (in thousandths) of one call of pair(), over n calls after a
// warm-up.
static u64 time_pairs(void (*pair)(void), u64 n)
{
	for (int i = 0; i < 1000; i++)
		pair();
	u64 start = clock_ns();
	for (u64 i = 0; i < n; i++)
		pair();
	return (clock_ns() - start) * 1000 / n;
}

static void page_pair(void) { free_page(alloc_page(GFP_KERNEL)); }
static void order4_pair(void) { free_pages(alloc_pages(GFP_KERNEL, 4), 4); }
static void kmalloc64_pair(void) { kfree(kmalloc(64, GFP_KERNEL)); }

KBENCH(page_alloc_free_ns)
{
	kbench_report("page_alloc_free_ns", time_pairs(page_pair, 100000), "ns");
}

KBENCH(page_alloc_free_order4_ns)
{
	kbench_report("page_alloc_free_order4_ns", time_pairs(order4_pair, 20000), "ns");
}

KBENCH(kmalloc_free_64_ns)
{
	kbench_report("kmalloc_free_64_ns", time_pairs(kmalloc64_pair, 100000), "ns");
}
