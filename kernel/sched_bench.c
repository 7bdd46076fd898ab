// Scheduler benchmarks (make bench): context switch, cross-CPU wake-up,
// spawn + exit + wait.
#include "kernel/task_test_util.h"
#include "kernel/wait.h"

// Two tasks on one CPU yielding to each other: ns per switch.
KBENCH(ctxsw_same_cpu_ns)
{
	u64 v = test_ctxsw_same_cpu(20000);
	if (v)
		kbench_report("ctxsw_same_cpu_ns", v, "ns");
}

struct echo {
	struct wait_queue wq[2];
	volatile u64 req, ack;
	int rounds;
};

static int echo_server(void *arg)
{
	struct echo *e = arg;
	for (int i = 1; i <= e->rounds; i++) {
		wait_event(&e->wq[0], e->req >= (u64)i);
		e->ack = i;
		wake_up(&e->wq[1]);
	}
	return 0;
}

// Wake a task on another CPU through a wait queue and wait for its answer.
KBENCH(wakeup_cross_cpu_us)
{
	static struct echo e;
	e.req = e.ack = 0;
	e.rounds = 2000;
	wait_queue_init(&e.wq[0], "echo-req");
	wait_queue_init(&e.wq[1], "echo-ack");
	cpumask_t me = cpumask_of(0), other = cpumask_of(last_cpu());
	cpumask_t saved = current->cpus_allowed;
	set_cpus_allowed(current, &me);
	struct task *t = test_spawn("echo", echo_server, &e, &other);
	if (!t)
		return;
	sleep_ns(10 * MS);
	u64 t0 = clock_ns();
	for (int i = 1; i <= e.rounds; i++) {
		e.req = i;
		wake_up(&e.wq[0]);
		wait_event(&e.wq[1], e.ack >= (u64)i);
	}
	u64 t1 = clock_ns();
	test_reap(t, 10 * NSEC_PER_SEC);
	set_cpus_allowed(current, &saved);
	kbench_report("wakeup_cross_cpu_us", (t1 - t0) / e.rounds, "us");
}

static int exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

// kernel_spawn a task that exits at once, then reap it.
KBENCH(spawn_exit_wait_us)
{
	const int n = 500;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = kernel_spawn("bench", exit_at_once, NULL);
		if (pid < 0 || do_waitpid(pid, NULL, 0) != pid)
			return;
	}
	u64 t1 = clock_ns();
	kbench_report("spawn_exit_wait_us", (t1 - t0) / n, "us");
}

// How long sleep_ns(1 ms) really takes: the timer resolution (a tick,
// 10 ms, before the one-shot LAPIC timer; now the interrupt latency).
KBENCH(sleep_1ms_us)
{
	const int n = 20;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++)
		sleep_ns(MS);
	kbench_report("sleep_1ms_us", (clock_ns() - t0) / n, "us");
}
