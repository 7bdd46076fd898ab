// Tests of task creation, exit, waitpid, kill and pids (kernel/task.c).
#include "kernel/task_test_util.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

static int counted_runs;

static int exit_with_arg(void *arg)
{
	__atomic_add_fetch(&counted_runs, 1, __ATOMIC_SEQ_CST);
	sched_yield();
	return (int)(long)arg;
}

// Spawn n tasks returning i & 0xff, reap them all; 0 on success.
static int spawn_and_reap(int n, pid_t *pids)
{
	for (int i = 0; i < n; i++) {
		pids[i] = kernel_spawn("batch", exit_with_arg, (void *)(long)i);
		if (pids[i] <= 0)
			return -1;
	}
	for (int reaped = 0; reaped < n; reaped++) {
		int status;
		pid_t pid = do_waitpid(-1, &status, 0);
		int i = 0;
		while (i < n && pids[i] != pid)
			i++;
		if (i == n || status != (i & 0xff) << 8)
			return -2;
		pids[i] = 0;
	}
	return 0;
}

KTEST(task, three_hundred_tasks_run_and_are_reaped_without_leaks)
{
	static pid_t pids[300];
	// Spawn from one CPU, so every stack comes from (and goes back to)
	// the stack cache of one node.
	cpumask_t saved = current->cpus_allowed, cpu0 = cpumask_of(0);
	set_cpus_allowed(current, &cpu0);
	int warm_up = spawn_and_reap(300, pids); // fills caches and page tables
	EXPECT_EQ(warm_up, 0);
	if (warm_up == 0) {
		task_reap_dead();
		kmem_cache_shrink_all();
		u64 free_before = nr_free_pages();
		int tasks_before = nr_tasks();
		counted_runs = 0;
		EXPECT_EQ(spawn_and_reap(300, pids), 0);
		EXPECT_EQ(counted_runs, 300);
		EXPECT_EQ(do_waitpid(-1, NULL, 0), -ECHILD);
		task_reap_dead();
		kmem_cache_shrink_all();
		EXPECT_EQ(nr_tasks(), tasks_before);
		EXPECT_EQ(nr_free_pages(), free_before);
	}
	set_cpus_allowed(current, &saved);
}

KTEST(task, exit_status_is_posix_encoded)
{
	int status;
	pid_t pid = kernel_spawn("exit", exit_with_arg, (void *)0x1ab);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0xab << 8); // (code & 0xff) << 8
}

static int sleep_50ms(void *arg)
{
	(void)arg;
	sleep_ns(50 * MS);
	return 3;
}

KTEST(task, waitpid_wnohang_returns_zero_until_the_child_exits)
{
	int status = -1;
	pid_t pid = kernel_spawn("sleeper", sleep_50ms, NULL);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(do_waitpid(pid, &status, WNOHANG), 0);
	EXPECT_EQ(status, -1);
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 3 << 8);
}

KTEST(task, waitpid_without_children_fails_echild)
{
	EXPECT_EQ(do_waitpid(-1, NULL, 0), -ECHILD);
	EXPECT_EQ(do_waitpid(-1, NULL, WNOHANG), -ECHILD);
	EXPECT_EQ(do_waitpid(1, NULL, 0), -ECHILD); // init is not our child
	EXPECT_EQ(sys_waitpid(12345, NULL, 0), -ECHILD);
}

static int sleep_long_then_safe_point(void *arg)
{
	*(int *)arg = sleep_ns(10 * NSEC_PER_SEC);
	task_check_killed(); // the safe point a system call return would be
	return 0;
}

KTEST(task, kill_wakes_a_sleeping_task_which_dies_with_the_signal)
{
	int sleep_ret = 1;
	struct task *t = test_spawn("sleeper", sleep_long_then_safe_point, &sleep_ret, NULL);
	ASSERT_TRUE(t);
	sleep_ns(20 * MS);
	u64 t0 = clock_ns();
	EXPECT_EQ(do_kill(t->pid, SIGTERM), 0);
	EXPECT_EQ(test_reap(t, 10 * NSEC_PER_SEC), SIGTERM);
	EXPECT_LT(clock_ns() - t0, 5000 * MS); // not its 10 s sleep
	EXPECT_EQ(sleep_ret, -EINTR);
}

static int __attribute__((noreturn)) spin_with_safe_points(void *arg)
{
	volatile int *running = arg;
	*running = 1;
	for (;;)
		task_check_killed();
}

KTEST(task, kill_stops_a_spinning_task_at_its_safe_point)
{
	volatile int running = 0;
	struct task *t = test_spawn("spinner", spin_with_safe_points, (void *)&running, NULL);
	ASSERT_TRUE(t);
	while (!running)
		sleep_ns(MS);
	EXPECT_EQ(sys_kill(t->pid, SIGKILL), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), SIGKILL);
}

KTEST(task, kill_checks_signal_and_pid)
{
	EXPECT_EQ(do_kill(1, 0), 0);         // exists
	EXPECT_EQ(do_kill(30000, 0), -ESRCH);
	EXPECT_EQ(do_kill(30000, SIGKILL), -ESRCH);
	EXPECT_EQ(do_kill(1, 99), -EINVAL);
	EXPECT_EQ(do_kill(-5, SIGTERM), -ESRCH);
	EXPECT_EQ(do_kill(1, SIGKILL), -EPERM); // init cannot be killed
	EXPECT_FALSE(task_kill_pending(current));
}

static int record_ppid(void *arg)
{
	*(pid_t *)arg = sys_getppid();
	return 0;
}

KTEST(task, child_sees_its_parent_pid)
{
	pid_t ppid = -1;
	struct task *t = test_spawn("ppid", record_ppid, &ppid, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_EQ(ppid, sys_getpid());
	EXPECT_EQ(sys_getpid(), current->pid);
}

struct orphan_info {
	volatile pid_t child, child_ppid_after;
};

static int orphan_child(void *arg)
{
	struct orphan_info *o = arg;
	sleep_ns(30 * MS); // outlive the parent
	o->child_ppid_after = sys_getppid();
	return 0;
}

static int orphaning_parent(void *arg)
{
	struct orphan_info *o = arg;
	o->child = kernel_spawn("orphan", orphan_child, o);
	return 0; // exits without waiting
}

// Is a task (running, or a zombie not yet freed) known by this pid? The
// orphan tests ask about their own orphan, not the system's task count,
// which a used system's other tasks (ktest run from a shell) may change.
static bool pid_exists(pid_t pid)
{
	struct task *t = task_find_get(pid);
	if (t)
		task_put(t);
	return t != NULL;
}

KTEST(task, orphans_go_to_init_and_are_reaped_by_the_kernel)
{
	struct orphan_info o = {0, -1};
	struct task *t = test_spawn("parent", orphaning_parent, &o, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	ASSERT_GT(o.child, 0);
	for (int i = 0; i < 2000 && o.child_ppid_after < 0; i++)
		sleep_ns(5 * MS);
	EXPECT_EQ(o.child_ppid_after, 1);
	for (int i = 0; i < 2000; i++) { // it exits on its own; nobody waits
		task_reap_dead();
		if (!pid_exists(o.child))
			break;
		sleep_ns(5 * MS);
	}
	EXPECT_FALSE(pid_exists(o.child));
	EXPECT_EQ(do_waitpid(o.child, NULL, WNOHANG), -ECHILD);
}

// The reaper frees an orphan's zombie as it dies: nothing here spawns or
// waits meanwhile (either would reap it in passing).
KTEST(task, an_orphan_is_freed_at_once_without_further_activity)
{
	struct orphan_info o = {0, -1};
	struct task *t = test_spawn("parent", orphaning_parent, &o, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	ASSERT_GT(o.child, 0);
	for (int i = 0; i < 2000 && (o.child_ppid_after < 0 || pid_exists(o.child)); i++)
		sleep_ns(5 * MS);
	EXPECT_EQ(o.child_ppid_after, 1);
	EXPECT_FALSE(pid_exists(o.child));
}

static int wait_for_stop(void *arg)
{
	while (!READ_ONCE(*(volatile int *)arg))
		sleep_ns(MS);
	return 0;
}

static bool find_pid(struct task *t, void *arg)
{
	pid_t *want = arg;
	if (t->pid == *want) {
		*want = -1;
		return false;
	}
	return true;
}

KTEST(task, lookup_list_walk_and_pid_snapshot_see_a_live_task)
{
	volatile int stop = 0;
	struct task *t = test_spawn("findme", wait_for_stop, (void *)&stop, NULL);
	ASSERT_TRUE(t);
	struct task *found = task_find_get(t->pid);
	EXPECT_TRUE(found == t);
	if (found) {
		EXPECT_STREQ(found->name, "findme");
		task_put(found);
	}
	pid_t pid = t->pid, want = pid;
	for_each_task(find_pid, &want);
	EXPECT_EQ(want, -1);
	static pid_t pids[1024];
	int n = task_pids(pids, 1024), seen = 0;
	for (int i = 0; i < n; i++)
		seen += pids[i] == t->pid;
	EXPECT_EQ(seen, 1);
	EXPECT_EQ(n, nr_tasks());
	EXPECT_TRUE(task_find_get(29999) == NULL);
	stop = 1;
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_TRUE(task_find_get(pid) == NULL);
	EXPECT_TRUE(task_find_get(-1) == NULL);
	EXPECT_TRUE(task_find_get(0) == NULL);
}

KTEST(task, pids_are_not_reused_while_their_task_exists_and_wrap)
{
	volatile int stop = 0;
	struct task *live = test_spawn("live", wait_for_stop, (void *)&stop, NULL);
	ASSERT_TRUE(live);
	task_set_next_pid(live->pid); // as if the counter had wrapped onto it
	pid_t p = kernel_spawn("next", exit_with_arg, NULL);
	EXPECT_EQ(p, live->pid + 1);
	EXPECT_EQ(do_waitpid(p, NULL, 0), p);
	task_set_next_pid(PID_MAX - 1);
	pid_t last = kernel_spawn("last", exit_with_arg, NULL);
	pid_t wrapped = kernel_spawn("wrapped", exit_with_arg, NULL);
	EXPECT_EQ(last, PID_MAX - 1);
	EXPECT_GE(wrapped, 2);
	EXPECT_LT(wrapped, PID_MAX - 1);
	EXPECT_EQ(do_waitpid(last, NULL, 0), last);
	EXPECT_EQ(do_waitpid(wrapped, NULL, 0), wrapped);
	stop = 1;
	EXPECT_EQ(test_reap(live, NSEC_PER_SEC), 0);
	task_set_next_pid(p + 1); // keep later pids increasing
}

KTEST(task, a_created_task_can_be_discarded_before_it_starts)
{
	int tasks_before = nr_tasks();
	struct task *t = task_create("never", exit_with_arg, NULL);
	ASSERT_FALSE(IS_ERR(t));
	EXPECT_EQ(task_state_char(t), 'N');
	EXPECT_EQ(nr_tasks(), tasks_before + 1);
	task_discard(t);
	EXPECT_EQ(nr_tasks(), tasks_before);
	EXPECT_EQ(do_waitpid(-1, NULL, WNOHANG), -ECHILD);
}

// Parents that each spawn short children and reap them with waitpid(-1)
// while the children are exiting: nothing may be lost or left behind.
static int spawn_reap_loop(void *arg)
{
	int n = (int)(long)arg, bad = 0;
	for (int round = 0; round < n; round++) {
		pid_t a = kernel_spawn("racer", exit_with_arg, (void *)7L);
		pid_t b = kernel_spawn("racer", exit_with_arg, (void *)7L);
		int s1 = 0, s2 = 0;
		pid_t r1 = do_waitpid(-1, &s1, 0), r2 = do_waitpid(-1, &s2, 0);
		if (a <= 0 || b <= 0 || r1 + r2 != a + b || s1 != 7 << 8 || s2 != 7 << 8)
			bad++;
	}
	return bad;
}

KTEST(task, many_short_tasks_exiting_while_parents_wait_leave_nothing)
{
	task_reap_dead();
	int tasks_before = nr_tasks();
	struct task *parents[8];
	for (int i = 0; i < 8; i++)
		parents[i] = test_spawn("parent", spawn_reap_loop, (void *)25L, NULL);
	for (int i = 0; i < 8; i++) {
		ASSERT_TRUE(parents[i]);
		EXPECT_EQ(test_reap(parents[i], 120 * NSEC_PER_SEC), 0);
	}
	task_reap_dead();
	EXPECT_EQ(nr_tasks(), tasks_before);
}

// Placed among the app code (linker.ld): a loop with no safe point, as an
// app's would be. Only the timer interrupt can end it.
static void __attribute__((section(".text.app_like"), noinline, noreturn))
app_like_spin(volatile int *running)
{
	*running = 1;
	for (;;)
		__asm__ volatile("pause");
}

static int run_app_like_spin(void *arg)
{
	app_like_spin(arg);
}

KTEST(task, kill_ends_a_task_spinning_in_app_code_at_an_interrupt)
{
	volatile int running = 0;
	struct task *t = test_spawn("app-spin", run_app_like_spin, (void *)&running, NULL);
	ASSERT_TRUE(t);
	while (!running)
		sleep_ns(MS);
	EXPECT_EQ(do_kill(t->pid, SIGINT), 0);
	EXPECT_EQ(test_reap(t, 2 * NSEC_PER_SEC), SIGINT);
}

static int kthread_until_stopped(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		sleep_ns(MS);
	return 0;
}

KTEST(task, a_kernel_thread_ignores_kill)
{
	volatile int stop = 0;
	struct task *t = kthread_create("kt_ignore", kthread_until_stopped, (void *)&stop);
	ASSERT_FALSE(IS_ERR(t));
	pid_t pid = t->pid;
	EXPECT_EQ(do_kill(pid, SIGKILL), 0);
	sleep_ns(20 * MS);
	struct task *again = task_find_get(pid);
	ASSERT_NE(again, NULL);
	EXPECT_NE(task_state_char(again), 'Z');
	EXPECT_EQ(READ_ONCE(again->kill_pending), 0);
	task_put(again);
	stop = 1;
	EXPECT_EQ(do_waitpid(pid, NULL, 0), pid); // it ends when asked, with status 0
}
