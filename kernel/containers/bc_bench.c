// What bc.physpages adds to the paths it charges, from a task two levels
// down (/a/b, bc alone in its hierarchy) versus bc not mounted (every
// task then in bc's root, which is charged too, unlimited):
//
//   page_alloc_free_ns_bc_{plain,nested}  per page of a 64-page heap block
//                                         allocated and freed (each page
//                                         mapped and charged, then
//                                         uncharged, unmapped -- one TLB
//                                         shootdown per block -- and freed)
//   spawn_exit_wait_us_bc_{plain,nested}  spawn, exit, reap: the kernel
//                                         stack's charge and uncharge
//   X_overhead_pct                        nested over plain
// Plain and nested alternate for ROUNDS rounds (a mount and unmount
// each); each round keeps the best of SAMPLES short samples, and the best
// round is kept. Short samples, as TCG on a busy host only ever adds
// time (see accounting_bench.c): one that ran undisturbed is the figure.
#include "arch/x86/layout.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/time.h"
#include "mm/task_heap.h"

#define DIR "/tmp/bc_bench"
#define ROUNDS 7
#define SAMPLES 15

// ns per page of 8 heap blocks of 64 pages, each allocated and freed.
static u64 heap_page_sample(struct task_heap *h)
{
	const int n = 8, pages = 64;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++)
		heap_free(h, heap_alloc(h, pages * PAGE_SIZE - 64, 16));
	return (clock_ns() - t0) * 1000 / (n * pages);
}

static u64 bench_heap_page_ns(void)
{
	struct task_heap *h = heap_create();
	if (!h)
		return 0;
	u64 best = heap_page_sample(h);
	for (int k = 1; k < SAMPLES; k++)
		best = MIN(best, heap_page_sample(h));
	heap_destroy(h);
	return best;
}

// ns (thousandths of a us) per spawn, exit and reap, over 16 of them.
static u64 spawn_sample(void)
{
	const int n = 16;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = kernel_spawn("bench", bench_exit_at_once, NULL);
		if (pid < 0 || do_waitpid(pid, NULL, 0) != pid)
			return 0;
	}
	return (clock_ns() - t0) / n;
}

static u64 bench_spawn_ns(void)
{
	u64 best = spawn_sample();
	for (int k = 1; k < SAMPLES && best; k++) {
		u64 v = spawn_sample();
		best = v ? MIN(best, v) : 0;
	}
	return best;
}

static const struct {
	const char *name;
	const char *unit;
	u64 (*run)(void);
} benches[] = {
	{"page_alloc_free_ns_bc", "ns", bench_heap_page_ns},
	{"spawn_exit_wait_us_bc", "us", bench_spawn_ns},
};

KBENCH(bc_physpages_overhead)
{
	for (size_t k = 0; k < ARRAY_SIZE(benches); k++) {
		if (!bench_may_mount(benches[k].name, DIR, "bc"))
			continue;
		u64 plain[ROUNDS], nested[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			plain[r] = benches[k].run();
			nested[r] = bench_run_nested(DIR, "bc", benches[k].run);
		}
		bench_report_overhead(benches[k].name, bench_min(plain, ROUNDS),
				      bench_min(nested, ROUNDS), benches[k].unit);
	}
}
