// Benchmarks of the memory helpers (`bench` on the kernel command line):
//   memcpy_4k_ns   copy one page, page-aligned
//   memset_4k_ns   clear one page
// Each reports the average time of one call, in ns.
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "mm/page_alloc.h"

#define ROUNDS 20000

KBENCH(memcpy_4k_ns)
{
	u8 *src = alloc_page(GFP_KERNEL), *dst = alloc_page(GFP_KERNEL);
	if (!src || !dst)
		goto out;
	memset(src, 0x5a, PAGE_SIZE);
	u64 t0 = clock_ns();
	for (int i = 0; i < ROUNDS; i++) {
		memcpy(dst, src, PAGE_SIZE);
		__asm__ volatile("" ::"r"(dst) : "memory");
	}
	kbench_report("memcpy_4k_ns", (clock_ns() - t0) * 1000 / ROUNDS, "ns");
out:
	free_page(src);
	free_page(dst);
}

KBENCH(memset_4k_ns)
{
	u8 *dst = alloc_page(GFP_KERNEL);
	if (!dst)
		return;
	u64 t0 = clock_ns();
	for (int i = 0; i < ROUNDS; i++) {
		memset(dst, i, PAGE_SIZE);
		__asm__ volatile("" ::"r"(dst) : "memory");
	}
	kbench_report("memset_4k_ns", (clock_ns() - t0) * 1000 / ROUNDS, "ns");
	free_page(dst);
}
