// The grader's tests of lab nice (labs/nice/README.md): nice levels weigh
// a task's share of a CPU as Linux's do. `make grade` copies this file
// into its scratch tree; edits there are lost.
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/sched_internal.h"
#include "kernel/task.h"
#include "kernel/task_test_util.h"
#include "kernel/time.h"

KTEST(lab_nice, weights_follow_linux_table)
{
	EXPECT_EQ(sched_nice_to_weight(0), 1024);
	EXPECT_EQ(sched_nice_to_weight(-20), 88761);
	EXPECT_EQ(sched_nice_to_weight(-1), 1277);
	EXPECT_EQ(sched_nice_to_weight(1), 820);
	EXPECT_EQ(sched_nice_to_weight(5), 335);
	EXPECT_EQ(sched_nice_to_weight(19), 15);
	for (int n = -20; n < 19; n++) // each step ~1.25x
		EXPECT_GT(sched_nice_to_weight(n), sched_nice_to_weight(n + 1));
}

struct spin {
	volatile int *stop;
};

static int spin_loop(void *arg)
{
	struct spin *s = arg;
	while (!READ_ONCE(*s->stop))
		cpu_relax();
	return 0;
}

// Two spinners on the last CPU at nice a and b, for up to `windows` of
// 1 s; the thousandths of (CPU time of a) / (CPU time of b), counted from
// the start, once it is within [lo, hi] (or after the last window).
static u64 share_ratio_milli(int a, int b, int windows, u64 lo, u64 hi)
{
	volatile int stop = 0;
	struct spin s = {&stop};
	cpumask_t one = cpumask_of(last_cpu());
	struct task *t[2];
	int nice[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		t[i] = task_create("lab_nice", spin_loop, &s);
		if (IS_ERR(t[i])) {
			stop = 1;
			if (i)
				test_reap(t[0], NSEC_PER_SEC);
			return 0;
		}
		set_cpus_allowed(t[i], &one);
		sched_setnice(t[i], nice[i]);
		task_get(t[i]);
		task_start(t[i]);
	}
	sleep_ns(100 * MS);
	u64 c0[2] = {task_cpu_time_ns(t[0]), task_cpu_time_ns(t[1])};
	u64 r = 0;
	for (int w = 0; w < windows; w++) {
		sleep_ns(NSEC_PER_SEC);
		u64 d0 = task_cpu_time_ns(t[0]) - c0[0], d1 = task_cpu_time_ns(t[1]) - c0[1];
		r = d0 * 1000 / (d1 ? d1 : 1);
		if (r >= lo && r <= hi)
			break;
	}
	stop = 1;
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
	return r;
}

// 1024 : 335 = 3.06. Coarse bounds: a vCPU the host stalls charges the
// stall to one task.
KTEST(lab_nice, nice_0_gets_three_times_nice_5)
{
	u64 r = share_ratio_milli(0, 5, 3, 2000, 4500);
	kprintf("lab_nice: nice 0 / nice 5 CPU time: %llu.%03llu (ideal 3.057)\n", r / 1000,
		r % 1000);
	EXPECT_GE(r, 2000);
	EXPECT_LE(r, 4500);
}

// 1024 : 15 = 68: the nice 19 task gets little.
KTEST(lab_nice, nice_19_runs_but_little)
{
	u64 r = share_ratio_milli(0, 19, 3, 10000, 1000000);
	kprintf("lab_nice: nice 0 / nice 19 CPU time: %llu.%03llu (ideal 68.3)\n", r / 1000,
		r % 1000);
	EXPECT_GE(r, 10000);
	// Whether it ran at all is the scheduler's business beyond this lab
	// (placement, balancing): reported, not graded.
	if (r >= 1000000)
		kprintf("lab_nice: note: the nice 19 task did not run in 3 s\n");
}

// Equal nice, equal shares (with or without the lab's change).
KTEST(lab_nice, equal_nice_share_equally)
{
	u64 r = share_ratio_milli(3, 3, 3, 700, 1430);
	EXPECT_GE(r, 700);
	EXPECT_LE(r, 1430);
}

// The figure for `make grade` (and scripts/bench lab_nice): nice 0's CPU
// time over nice 5's on one CPU, ideally 3.057.
KBENCH(lab_nice_share_ratio)
{
	u64 r = share_ratio_milli(0, 5, 2, ~0ULL, ~0ULL);
	if (r)
		kbench_report("lab_nice_share_ratio", r, "x");
}
