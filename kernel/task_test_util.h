// Helpers for the task, scheduler, wait, mutex and timer tests: spawn a
// kernel task (optionally pinned), wait for it with a time limit, and
// small clocks. Tests run in init (pid 1), so spawned tasks are its
// children.
#ifndef KERNEL_TASK_TEST_UTIL_H
#define KERNEL_TASK_TEST_UTIL_H

#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"

#define MS (NSEC_PER_MSEC)

// Start fn(arg) as a child of current, allowed only on mask (NULL: any
// CPU). Returns it referenced (test_reap drops the reference), or NULL.
static inline struct task *test_spawn(const char *name, int (*fn)(void *), void *arg,
				      const cpumask_t *mask)
{
	struct task *t = task_create(name, fn, arg);
	if (IS_ERR(t))
		return NULL;
	if (mask && set_cpus_allowed(t, mask) != 0) {
		task_discard(t);
		return NULL;
	}
	task_get(t);
	task_start(t);
	return t;
}

// Reap t within timeout_ns: its wait status, or -1 if it has not exited
// by then (it is then left running).
static inline int test_reap(struct task *t, u64 timeout_ns)
{
	u64 end = clock_ns() + timeout_ns;
	int status = 0;
	for (;;) {
		pid_t r = do_waitpid(t->pid, &status, WNOHANG);
		if (r == t->pid) {
			task_put(t);
			return status;
		}
		if (r < 0 || clock_ns() > end) {
			kprintf("# %s/%d not reaped (waitpid %d): tasks now:\n", t->name, t->pid, r);
			sched_dump();
			return -1;
		}
		sleep_ns(MS);
	}
}

static inline cpumask_t cpumask_of(int cpu)
{
	cpumask_t m = CPU_MASK_NONE;
	cpumask_set_cpu(cpu, &m);
	return m;
}

// The highest online CPU.
static inline int last_cpu(void)
{
	int cpu, last = 0;
	for_each_cpu(cpu, &cpu_online_mask)
		last = cpu;
	return last;
}

static inline int online_cpus(void) { return cpumask_weight(&cpu_online_mask); }

// The CPU this code runs on; meaningful only while nothing can move it,
// but any value it returns is a CPU it did run on.
static inline int cpu_now(void) { return this_cpu()->id; }

// ---- The context-switch measurement (benchmarks) ----

struct yield_race {
	volatile int go;
	int rounds;
};

static inline int test_yield_rounds(void *arg)
{
	struct yield_race *y = arg;
	while (!y->go)
		sched_yield();
	for (int i = 0; i < y->rounds; i++)
		sched_yield();
	return 0;
}

// Two tasks pinned to the last CPU yield to each other rounds times each:
// thousandths of a ns per switch, or 0 if they could not be started.
static inline u64 test_ctxsw_same_cpu(int rounds)
{
	struct yield_race y = {0, rounds};
	cpumask_t one = cpumask_of(last_cpu());
	struct task *a = test_spawn("ctxsw-a", test_yield_rounds, &y, &one);
	struct task *b = test_spawn("ctxsw-b", test_yield_rounds, &y, &one);
	if (!a || !b) {
		y.go = 1;
		if (a)
			test_reap(a, 5000 * MS);
		return 0;
	}
	sleep_ns(20 * MS);
	u64 t0 = clock_ns();
	y.go = 1;
	test_reap(a, 10000 * MS);
	test_reap(b, 10000 * MS);
	return (clock_ns() - t0) * 1000 / (2 * (u64)rounds);
}

// A busy task (sample_cpus) that samples the CPU it runs on: every CPU it
// was seen on (bit per CPU), and how often it was outside `allowed`. It
// sleeps and yields now and then, so wake-up placement and both balancers
// get their chances to move it.
struct cpu_sampler {
	volatile int *stop;
	cpumask_t allowed;
	volatile u64 seen;    // CPUs seen on since the last reset
	volatile int samples, wrong;
};

static inline int sample_cpus(void *arg)
{
	struct cpu_sampler *r = arg;
	while (!READ_ONCE(*r->stop)) {
		for (int i = 0; i < 100; i++) {
			int cpu = cpu_now();
			if (!cpumask_test_cpu(cpu, &r->allowed))
				r->wrong++;
			if (cpu < 64)
				r->seen |= 1ULL << cpu;
			r->samples++;
		}
		if (r->samples % 4000 == 0)
			sleep_ns(MS);
		else if (r->samples % 1000 == 0)
			sched_yield();
	}
	return 0;
}

// One busy task per CPU should each get (nearly) a whole CPU: fails the
// test for every task of t[0..n) that ran under 60% of window_ns (used[i]:
// its CPU time in the window), then reaps them all (their loops stopped).
static inline void expect_each_most_of_a_cpu_and_reap(struct task **t, const u64 *used, int n,
						       u64 window_ns)
{
	for (int i = 0; i < n; i++) {
		if (used[i] * 100 / window_ns < 60)
			ktest_fail(__FILE__, __LINE__, "task %d of %d got %llu%% of a CPU", i, n,
				   (unsigned long long)(used[i] * 100 / window_ns));
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
	}
}

#endif
