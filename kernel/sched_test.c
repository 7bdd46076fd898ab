// Tests of the scheduler (kernel/sched.c, kernel/sched_balance.c): fair
// shares, nice weights, affinity, migration, FPU state, idle accounting.
// CPU shares are judged by the tasks' own CPU time (task_cpu_time_ns),
// not by wall time, so a slow host does not fail them.
#include "kernel/task_test_util.h"

struct busy {
	volatile int *stop;
	volatile int started;
};

static int busy_loop(void *arg)
{
	struct busy *b = arg;
	b->started = 1;
	while (!READ_ONCE(*b->stop))
		cpu_relax();
	return 0;
}

// CPU time each of n tasks used, window by window.
//
// Under QEMU a task's CPU time is TSC time while it was current, so when
// the host deschedules a vCPU the stall is charged to whichever task was
// running there: one long stall can skew a window by tens of percent with
// nothing wrong in the scheduler, which then evens the vruntimes out over
// the following windows. So the share tests measure up to WINDOWS
// consecutive windows and pass as soon as the last window, or all of them
// together, is within bounds; a scheduler that is really unfair fails
// both ways every time.
#define WINDOWS 3
#define MAX_MEASURED 8

struct shares {
	int n;
	struct task **t;
	u64 start_ns, start[MAX_MEASURED]; // when the first window began
	u64 window_ns, used[MAX_MEASURED]; // the last window
	u64 total_ns, total[MAX_MEASURED]; // every window so far
};

static void shares_begin(struct shares *s, struct task **t, int n)
{
	sleep_ns(200 * MS); // let placement and balancing settle
	s->n = n;
	s->t = t;
	s->start_ns = clock_ns();
	for (int i = 0; i < n; i++)
		s->start[i] = task_cpu_time_ns(t[i]);
}

static void shares_window(struct shares *s, u64 window_ns)
{
	u64 before[MAX_MEASURED], t0 = clock_ns();
	for (int i = 0; i < s->n; i++)
		before[i] = task_cpu_time_ns(s->t[i]);
	sleep_ns(window_ns);
	u64 t1 = clock_ns();
	for (int i = 0; i < s->n; i++) {
		u64 now = task_cpu_time_ns(s->t[i]);
		s->used[i] = now - before[i];
		s->total[i] = now - s->start[i];
	}
	s->window_ns = t1 - t0;
	s->total_ns = t1 - s->start_ns;
}

// For the tests that need only one window's figures.
static void measure_shares(struct task **t, int n, u64 window_ns, u64 *used)
{
	struct shares s;
	shares_begin(&s, t, n);
	shares_window(&s, window_ns);
	for (int i = 0; i < n; i++)
		used[i] = s.used[i];
}

// Number of tasks whose share of one CPU over span_ns is outside lo..hi
// percent (printed, with what was measured).
static int shares_outside(const u64 *used, int n, u64 span_ns, u64 lo, u64 hi,
			  const char *what, int w)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		u64 pct = used[i] * 100 / span_ns;
		if (pct < lo || pct > hi) {
			kprintf("# %s %d: task %d got %llu%% of a CPU\n", what, w, i,
				(unsigned long long)pct);
			bad++;
		}
	}
	return bad;
}

// used[0] / used[1] in percent.
static u64 ratio_x100(const u64 *used) { return used[0] * 100 / (used[1] ? used[1] : 1); }

static bool ratio_near(u64 ratio, u64 want, u64 tolerance_pct, const char *what, int w)
{
	bool ok = ratio >= want * (100 - tolerance_pct) / 100 &&
		  ratio <= want * (100 + tolerance_pct) / 100;
	if (!ok)
		kprintf("# %s %d: ratio %llu%%, want %llu%%\n", what, w, (unsigned long long)ratio,
			(unsigned long long)want);
	return ok;
}

KTEST(sched, four_busy_tasks_on_two_cpus_each_get_half_a_cpu)
{
	if (online_cpus() < 2) {
		kprintf("# skip: needs 2 CPUs\n");
		return;
	}
	volatile int stop = 0;
	struct busy b[4];
	struct task *t[4];
	cpumask_t two = cpumask_of(0);
	cpumask_set_cpu(cpumask_next(0, &cpu_online_mask), &two);
	for (int i = 0; i < 4; i++) {
		b[i] = (struct busy){&stop, 0};
		t[i] = test_spawn("busy", busy_loop, &b[i], &two);
		ASSERT_TRUE(t[i]);
	}
	struct shares sh;
	int bad = 0;
	shares_begin(&sh, t, 4);
	for (int w = 0; w < WINDOWS; w++) {
		shares_window(&sh, NSEC_PER_SEC);
		bad = shares_outside(sh.used, 4, sh.window_ns, 40, 60, "window", w);
		if (bad && w > 0)
			bad = shares_outside(sh.total, 4, sh.total_ns, 40, 60, "windows 0 to", w);
		if (!bad)
			break;
	}
	stop = 1;
	EXPECT_EQ(bad, 0);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
}

KTEST(sched, nice_weights_share_one_cpu_in_proportion)
{
	volatile int stop = 0;
	struct busy b[2] = {{&stop, 0}, {&stop, 0}};
	cpumask_t one = cpumask_of(last_cpu());
	struct task *t[2];
	for (int i = 0; i < 2; i++) {
		t[i] = task_create("nice", busy_loop, &b[i]);
		ASSERT_FALSE(IS_ERR(t[i]));
		set_cpus_allowed(t[i], &one);
		sched_setnice(t[i], i == 0 ? 0 : 5);
		task_get(t[i]);
		task_start(t[i]);
	}
	// Two seconds: a host that stalls the vCPU charges the stall to one
	// task, and the scheduler needs a while to even that out.
	// 1024 : 335 = 3.06 : 1 (75.4% : 24.6%); allow 15%.
	struct shares sh;
	bool ok = false;
	shares_begin(&sh, t, 2);
	for (int w = 0; w < WINDOWS && !ok; w++) {
		shares_window(&sh, 2 * NSEC_PER_SEC);
		ok = ratio_near(ratio_x100(sh.used), 306, 15, "window", w) ||
		     (w > 0 && ratio_near(ratio_x100(sh.total), 306, 15, "windows 0 to", w));
	}
	stop = 1;
	EXPECT_TRUE(ok);
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
}

KTEST(sched, two_busy_tasks_on_one_cpu_share_it_equally)
{
	volatile int stop = 0;
	struct busy b[2] = {{&stop, 0}, {&stop, 0}};
	cpumask_t one = cpumask_of(0);
	struct task *t[2];
	for (int i = 0; i < 2; i++) {
		t[i] = test_spawn("half", busy_loop, &b[i], &one);
		ASSERT_TRUE(t[i]);
	}
	struct shares sh;
	bool ok = false;
	shares_begin(&sh, t, 2);
	for (int w = 0; w < WINDOWS && !ok; w++) {
		shares_window(&sh, 500 * MS);
		ok = ratio_near(ratio_x100(sh.used), 100, 15, "window", w) ||
		     (w > 0 && ratio_near(ratio_x100(sh.total), 100, 15, "windows 0 to", w));
	}
	stop = 1;
	EXPECT_TRUE(ok);
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
}

KTEST(sched, a_task_allowed_one_cpu_never_runs_elsewhere)
{
	volatile int stop = 0;
	int cpu = last_cpu(), n = online_cpus() * 2;
	cpumask_t one = cpumask_of(cpu);
	struct cpu_sampler s = {.stop = &stop, .allowed = one};
	struct busy b[16];
	struct task *busy[16];
	for (int i = 0; i < n && i < 16; i++) { // load, to tempt the balancers
		b[i] = (struct busy){&stop, 0};
		busy[i] = test_spawn("load", busy_loop, &b[i], NULL);
	}
	struct task *t = test_spawn("pinned", sample_cpus, &s, &one);
	ASSERT_TRUE(t);
	sleep_ns(500 * MS);
	for (int i = 0; i < 1000 && s.samples < 5000; i++) // a slow host: 10 s
		sleep_ns(10 * MS);
	stop = 1;
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	for (int i = 0; i < n && i < 16; i++)
		EXPECT_EQ(test_reap(busy[i], NSEC_PER_SEC), 0);
	EXPECT_GE(s.samples, 5000);
	EXPECT_EQ(s.wrong, 0);
}

struct mover {
	volatile int stop, on_cpu0, after_move, wrong;
	volatile int allowed;
};

static int spin_reporting_cpu(void *arg)
{
	struct mover *m = arg;
	while (!m->stop) {
		int allowed = m->allowed; // (read before the CPU: see the test)
		int cpu = cpu_now();
		if (cpu == 0)
			m->on_cpu0 = 1;
		if (allowed >= 0) {
			m->after_move++;
			if (cpu != allowed)
				m->wrong++;
		}
	}
	return 0;
}

KTEST(sched, set_cpus_allowed_moves_a_running_task_before_returning)
{
	if (online_cpus() < 2) {
		kprintf("# skip: needs 2 CPUs\n");
		return;
	}
	int target = cpumask_next(0, &cpu_online_mask);
	struct mover m = {.allowed = -1};
	cpumask_t zero = cpumask_of(0), dest = cpumask_of(target);
	struct task *t = test_spawn("mover", spin_reporting_cpu, &m, &zero);
	ASSERT_TRUE(t);
	for (int i = 0; i < 1000 && !m.on_cpu0; i++)
		sleep_ns(MS);
	ASSERT_TRUE(m.on_cpu0);
	EXPECT_EQ(set_cpus_allowed(t, &dest), 0);
	EXPECT_EQ(READ_ONCE(t->cpu), target);
	m.allowed = target; // every sample from now on must be on target
	sleep_ns(100 * MS);
	for (int i = 0; i < 5000 && m.after_move <= 1000; i++) // a slow host: 5 s
		sleep_ns(MS);
	m.stop = 1;
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_GT(m.after_move, 1000);
	EXPECT_EQ(m.wrong, 0);
}

// A task preempted between set_current_state(TASK_INTERRUPTIBLE) and its
// schedule() is still runnable; if its CPU is then forbidden, the switch
// takes it off every queue and its old CPU queues it on an allowed one
// (migrate_task_away). A wake-up in between must leave that to the old
// CPU: had it queued the task as well, the task would be queued twice and
// two CPUs could run it at once (the torture suite saw a zombie run again).
struct half_asleep {
	struct task *t;
	volatile int spinning, stop, woken, ran_on;
};

static struct half_asleep *window_target;

static void wake_in_the_window(struct task *t)
{
	struct half_asleep *h = READ_ONCE(window_target);
	if (h && t == h->t && !h->woken) {
		h->woken = 1;
		wake_up_process(t);
	}
}

static int spin_half_asleep(void *arg)
{
	struct half_asleep *h = arg;
	set_current_state(TASK_INTERRUPTIBLE);
	h->spinning = 1;
	while (!READ_ONCE(h->stop)) // (a sleeper that has not reached schedule())
		cpu_relax();
	set_current_state(TASK_RUNNING);
	h->ran_on = cpu_now();
	return 0;
}

KTEST(sched, a_wake_up_while_a_task_moves_off_a_forbidden_cpu_queues_it_once)
{
	if (online_cpus() < 2) {
		kprintf("# skip: needs 2 CPUs\n");
		return;
	}
	int from = cpumask_next(0, &cpu_online_mask);
	cpumask_t src = cpumask_of(from), dest = cpumask_of(0);
	struct half_asleep h = {0};
	h.t = test_spawn("half_asleep", spin_half_asleep, &h, &src);
	ASSERT_TRUE(h.t);
	for (int i = 0; i < 1000 && !h.spinning; i++)
		sleep_ns(MS);
	ASSERT_TRUE(h.spinning);
	WRITE_ONCE(window_target, &h);
	sched_migrate_window_hook = wake_in_the_window;
	EXPECT_EQ(set_cpus_allowed(h.t, &dest), 0);
	for (int i = 0; i < 1000 && !h.woken; i++)
		sleep_ns(MS);
	sched_migrate_window_hook = NULL;
	WRITE_ONCE(window_target, NULL);
	EXPECT_TRUE(h.woken);
	sleep_ns(20 * MS); // it runs on (queued once: no report), on CPU 0
	EXPECT_EQ(READ_ONCE(h.t->state), TASK_RUNNING);
	EXPECT_EQ(READ_ONCE(h.t->cpu), 0);
	h.stop = 1;
	EXPECT_EQ(test_reap(h.t, NSEC_PER_SEC), 0);
	EXPECT_EQ(h.ran_on, 0);
}

static int move_myself(void *arg)
{
	int target = (int)(long)arg;
	cpumask_t m = cpumask_of(target);
	if (set_cpus_allowed(current, &m) != 0)
		return 1;
	return cpu_now() == target ? 0 : 2;
}

KTEST(sched, set_cpus_allowed_on_itself_returns_on_the_new_cpu)
{
	cpumask_t zero = cpumask_of(0);
	struct task *t = test_spawn("self", move_myself, (void *)(long)last_cpu(), &zero);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
}

KTEST(sched, set_cpus_allowed_rejects_empty_and_offline_masks)
{
	cpumask_t none = CPU_MASK_NONE, offline = cpumask_of(NR_CPUS - 1);
	cpumask_t before = current->cpus_allowed;
	EXPECT_EQ(set_cpus_allowed(current, &none), -EINVAL);
	EXPECT_EQ(set_cpus_allowed(current, &offline), -EINVAL);
	EXPECT_EQ(sys_sched_setaffinity(0, &none), -EINVAL);
	EXPECT_TRUE(cpumask_equal(&current->cpus_allowed, &before));
	EXPECT_EQ(sys_sched_setaffinity(30000, &before), -ESRCH);
}

static int report_affinity(void *arg)
{
	cpumask_t *out = arg;
	return sys_sched_getaffinity(0, out);
}

KTEST(sched, setaffinity_is_inherited_and_reported)
{
	cpumask_t saved = current->cpus_affinity, one = cpumask_of(last_cpu()), got;
	ASSERT_EQ(sys_sched_setaffinity(0, &one), 0);
	EXPECT_EQ(cpu_now(), last_cpu());
	EXPECT_EQ(sys_sched_getaffinity(0, &got), 0);
	EXPECT_TRUE(cpumask_equal(&got, &one));
	cpumask_t child = CPU_MASK_NONE;
	struct task *t = test_spawn("inherit", report_affinity, &child, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_TRUE(cpumask_equal(&child, &one));
	EXPECT_EQ(sys_sched_setaffinity(0, &saved), 0);
}

// Each task keeps its own xmm0/xmm15 across many switches on one CPU.
static int fpu_keeper(void *arg)
{
	u64 mine = (u64)arg, bad = 0;
	__asm__ volatile("movq %0, %%xmm0; movq %0, %%xmm15" ::"r"(mine));
	for (int i = 0; i < 2000; i++) {
		sched_yield();
		u64 a, b;
		__asm__ volatile("movq %%xmm0, %0; movq %%xmm15, %1" : "=r"(a), "=r"(b));
		bad += a != mine || b != mine;
	}
	return bad ? 1 : 0;
}

KTEST(sched, fpu_and_sse_state_is_private_to_each_task)
{
	cpumask_t one = cpumask_of(last_cpu());
	struct task *a = test_spawn("fpu-a", fpu_keeper, (void *)0x1111222233334444ULL, &one);
	struct task *b = test_spawn("fpu-b", fpu_keeper, (void *)0x5555666677778888ULL, &one);
	ASSERT_TRUE(a && b);
	EXPECT_EQ(test_reap(a, 5 * NSEC_PER_SEC), 0);
	EXPECT_EQ(test_reap(b, 5 * NSEC_PER_SEC), 0);
}

static int fresh_fpu_state(void *arg)
{
	(void)arg;
	u32 mxcsr;
	u16 fcw;
	u64 x;
	__asm__ volatile("stmxcsr %0; fnstcw %1; movq %%xmm1, %2" : "=m"(mxcsr), "=m"(fcw), "=r"(x));
	return mxcsr == 0x1f80 && fcw == 0x37f && x == 0 ? 0 : 1;
}

KTEST(sched, a_new_task_starts_with_a_clean_fpu_state)
{
	__asm__ volatile("movq %0, %%xmm1" ::"r"(0xdeadbeefULL)); // must not leak
	struct task *t = test_spawn("fresh", fresh_fpu_state, NULL, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
}

struct turns {
	volatile int count[2];
	volatile int max_gap;
	volatile int go;
};

// Counts its turns and notes how far ahead of the other task it got.
static int take_turns(void *arg)
{
	struct turns *t = (struct turns *)((long)arg & ~1L);
	int me = (long)arg & 1;
	while (!t->go)
		sched_yield();
	for (int i = 0; i < 100; i++) {
		int gap = ++t->count[me] - t->count[!me];
		if (gap > t->max_gap)
			t->max_gap = gap;
		sched_yield();
	}
	return 0;
}

KTEST(sched, yield_hands_the_cpu_to_the_other_task)
{
	static struct turns turns __attribute__((aligned(2)));
	turns = (struct turns){{0, 0}, 0, 0};
	cpumask_t one = cpumask_of(last_cpu());
	struct task *a = test_spawn("yield-a", take_turns, (void *)&turns, &one);
	struct task *b = test_spawn("yield-b", take_turns, (void *)((long)&turns | 1), &one);
	ASSERT_TRUE(a && b);
	turns.go = 1;
	EXPECT_EQ(test_reap(a, NSEC_PER_SEC), 0);
	EXPECT_EQ(test_reap(b, NSEC_PER_SEC), 0);
	EXPECT_EQ(turns.count[0] + turns.count[1], 200);
	EXPECT_LE(turns.max_gap, 2);
}

KTEST(sched, busy_tasks_spread_over_every_cpu)
{
	int n = online_cpus();
	volatile int stop = 0;
	struct busy b[NR_CPUS];
	struct task *t[NR_CPUS];
	for (int i = 0; i < n; i++) {
		b[i] = (struct busy){&stop, 0};
		t[i] = test_spawn("spread", busy_loop, &b[i], NULL);
		ASSERT_TRUE(t[i]);
	}
	u64 used[NR_CPUS];
	measure_shares(t, n, 300 * MS, used);
	stop = 1;
	expect_each_most_of_a_cpu_and_reap(t, used, n, 300 * MS);
}

KTEST(sched, idle_cpus_account_idle_time)
{
	int cpu;
	u64 before[NR_CPUS], total = 0;
	for_each_cpu(cpu, &cpu_online_mask)
		before[cpu] = cpus[cpu]->idle_ns + cpus[cpu]->busy_ns;
	// Accounted at least every tick: over 20 ms of 50 once each CPU has
	// ticked again (up to 5 s, as a host may keep a vCPU off for a while).
	sleep_ns(50 * MS);
	u64 deadline = clock_ns() + 5 * NSEC_PER_SEC;
	for_each_cpu(cpu, &cpu_online_mask) {
		u64 d;
		while ((d = cpus[cpu]->idle_ns + cpus[cpu]->busy_ns - before[cpu]) <= 20 * MS &&
		       clock_ns() < deadline)
			sleep_ns(MS);
		EXPECT_GT(d, 20 * MS);
		total += cpus[cpu]->idle_ns;
	}
	EXPECT_GT(total, 0);
}

static int note_started(void *arg)
{
	*(volatile int *)arg = 1;
	return 0;
}

// A new task is placed at its queue's min_vruntime, which must be brought
// up to date first: it follows the running task, and as of the last tick
// it would put the child a few milliseconds of the parent's CPU time
// early, so that the child preempted the parent at once. Here the parent
// has run 3 ms since the last tick: it must get back from the spawn
// before the child runs (and, in real code, reach waitpid).
KTEST(sched, a_spawned_task_does_not_preempt_its_parent_at_once)
{
	cpumask_t saved = current->cpus_allowed, one = cpumask_of(last_cpu());
	ASSERT_EQ(set_cpus_allowed(current, &one), 0);
	volatile int started = 0;
	int preempted = 0;
	for (int round = 0; round < 5; round++) {
		started = 0;
		u64 ticks = this_cpu()->ticks;
		while (this_cpu()->ticks == ticks) // just after a tick
			cpu_relax();
		udelay(3000);
		struct task *t = test_spawn("child", note_started, (void *)&started, &one);
		ASSERT_TRUE(t);
		preempted += started;
		EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
		EXPECT_EQ(started, 1);
	}
	set_cpus_allowed(current, &saved);
	EXPECT_EQ(preempted, 0);
}
