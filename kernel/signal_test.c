// Tests of caught, ignored and blocked signals (kernel/signal.c). The
// tasks here are kernel tasks standing in for apps: each calls
// signal_deliver() where user/libc would, at the end of a kernel call.
#include "kernel/task_test_util.h"

// What a test task saw; the handler counts into the one it was given.
struct sig_probe {
	volatile int ready;       // 1: its disposition is set, it is about to sleep
	volatile long sleep_ret;  // what its sleep or waitpid returned
	volatile int handled;     // handler calls
	volatile int handled_sig; // the last handler's signal
	volatile pid_t child;     // a child it started, if any
	volatile int child_ign, child_term; // the child's INT / TERM dispositions
	volatile int sent;        // 1: the test has sent its signal
};

// Handlers get only the signal number; the running test's probe is here
// (the tests of a suite run one at a time).
static struct sig_probe *volatile probe_now;

static void count_handler(int sig)
{
	probe_now->handled++;
	probe_now->handled_sig = sig;
}

static int sleep_forever(void *arg)
{
	(void)arg;
	sleep_ns(60 * NSEC_PER_SEC);
	task_check_killed();
	return 0;
}

// Catch SIGUSR1, start a child, wait for it (interrupted), deliver twice.
static int catch_then_wait(void *arg)
{
	struct sig_probe *p = arg;
	if (sys_sigaction(SIGUSR1, SIG_ACTION_CATCH, NULL) != 0)
		return 10;
	p->child = kernel_spawn("sig-child", sleep_forever, NULL);
	p->ready = 1;
	p->sleep_ret = do_waitpid(p->child, NULL, 0);
	signal_deliver(count_handler); // the end of the waitpid call
	signal_deliver(count_handler); // nothing left: no second run
	return 0;
}

static void wait_ready(struct sig_probe *p)
{
	for (int i = 0; i < 1000 && !p->ready; i++)
		sleep_ns(MS);
	sleep_ns(20 * MS); // into its sleep
}

KTEST(signal, a_caught_signal_ends_waitpid_with_eintr_and_runs_the_handler_once)
{
	struct sig_probe p = {0};
	probe_now = &p;
	struct task *t = test_spawn("sig-catch", catch_then_wait, &p, NULL);
	ASSERT_TRUE(t);
	wait_ready(&p);
	EXPECT_EQ(do_kill(t->pid, SIGUSR1), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0); // exited normally: not killed
	EXPECT_EQ(p.sleep_ret, -EINTR);
	EXPECT_EQ(p.handled, 1);
	EXPECT_EQ(p.handled_sig, SIGUSR1);
	// It caught SIGUSR1 and exited: its child is not taken down with it.
	struct task *c = task_find_get(p.child);
	EXPECT_TRUE(c && !(READ_ONCE(c->state) & (TASK_ZOMBIE | TASK_DEAD)));
	if (c) {
		do_kill(c->pid, SIGKILL);
		task_put(c);
	}
}

// Catches SIGINT and sleeps; dies of nothing, so its child must live on.
static int catch_int_parent(void *arg)
{
	struct sig_probe *p = arg;
	sys_sigaction(SIGINT, SIG_ACTION_CATCH, NULL);
	p->child = kernel_spawn("sig-child", sleep_forever, NULL);
	p->ready = 1;
	p->sleep_ret = sleep_ns(10 * NSEC_PER_SEC);
	signal_deliver(count_handler);
	return 3;
}

static int die_of_int_parent(void *arg)
{
	struct sig_probe *p = arg;
	p->child = kernel_spawn("sig-child", sleep_forever, NULL);
	p->ready = 1;
	sleep_ns(10 * NSEC_PER_SEC);
	task_check_killed();
	return 0;
}

static bool alive(pid_t pid)
{
	struct task *t = task_find_get(pid);
	bool r = t && !(READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD));
	if (t)
		task_put(t);
	return r;
}

KTEST(signal, sigint_reaches_the_children_of_a_task_killed_by_it_not_of_one_that_caught_it)
{
	struct sig_probe p = {0};
	probe_now = &p;
	struct task *t = test_spawn("sig-int", catch_int_parent, &p, NULL);
	ASSERT_TRUE(t);
	wait_ready(&p);
	EXPECT_EQ(do_kill(t->pid, SIGINT), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 3 << 8);
	EXPECT_EQ(p.handled, 1);
	EXPECT_EQ(p.sleep_ret, -EINTR);
	sleep_ns(20 * MS);
	EXPECT_TRUE(alive(p.child));
	do_kill(p.child, SIGKILL);

	struct sig_probe q = {0};
	t = test_spawn("sig-int", die_of_int_parent, &q, NULL);
	ASSERT_TRUE(t);
	wait_ready(&q);
	EXPECT_EQ(do_kill(t->pid, SIGINT), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), SIGINT);
	for (int i = 0; i < 2000 && alive(q.child); i++)
		sleep_ns(5 * MS);
	EXPECT_FALSE(alive(q.child));
}

static int ignore_then_sleep(void *arg)
{
	struct sig_probe *p = arg;
	if (sys_sigaction(SIGTERM, SIG_ACTION_IGNORE, NULL) != 0)
		return 10;
	p->ready = 1;
	p->sleep_ret = sleep_ns(100 * MS);
	task_check_killed();
	signal_deliver(count_handler);
	return 4;
}

KTEST(signal, an_ignored_signal_neither_kills_nor_wakes)
{
	struct sig_probe p = {0};
	probe_now = &p;
	struct task *t = test_spawn("sig-ign", ignore_then_sleep, &p, NULL);
	ASSERT_TRUE(t);
	for (int i = 0; i < 1000 && !p.ready; i++)
		sleep_ns(MS);
	EXPECT_EQ(do_kill(t->pid, SIGTERM), 0);
	EXPECT_EQ(READ_ONCE(t->sig_pending), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 4 << 8);
	EXPECT_EQ(p.sleep_ret, 0); // slept its full time
	EXPECT_EQ(p.handled, 0);
}

KTEST(signal, a_signal_left_at_its_default_still_kills)
{
	struct task *t = test_spawn("sig-dfl", sleep_forever, NULL, NULL);
	ASSERT_TRUE(t);
	sleep_ns(20 * MS);
	EXPECT_EQ(do_kill(t->pid, SIGHUP), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), SIGHUP);
}

KTEST(signal, sigkill_and_sigstop_cannot_be_caught_or_ignored)
{
	int old = -1;
	EXPECT_EQ(sys_sigaction(SIGKILL, SIG_ACTION_CATCH, NULL), -EINVAL);
	EXPECT_EQ(sys_sigaction(SIGKILL, SIG_ACTION_IGNORE, NULL), -EINVAL);
	EXPECT_EQ(sys_sigaction(SIGSTOP, SIG_ACTION_IGNORE, NULL), -EINVAL);
	EXPECT_EQ(sys_sigaction(0, SIG_ACTION_CATCH, NULL), -EINVAL);
	EXPECT_EQ(sys_sigaction(99, SIG_ACTION_CATCH, NULL), -EINVAL);
	EXPECT_EQ(sys_sigaction(SIGINT, 7, NULL), -EINVAL);
	EXPECT_EQ(sys_sigaction(SIGINT, -1, &old), 0); // a query
	EXPECT_EQ(old, SIG_ACTION_DEFAULT);
	unsigned set = 1u << SIGKILL, was;
	EXPECT_EQ(sys_sigprocmask(SIG_BLOCK, &set, &was), 0);
	EXPECT_EQ(sys_sigprocmask(SIG_BLOCK, NULL, &set), 0);
	EXPECT_EQ(set, 0u); // SIGKILL is never blocked
	EXPECT_EQ(sys_sigprocmask(9, &set, NULL), -EINVAL);
}

static int report_dispositions(void *arg)
{
	struct sig_probe *p = arg;
	int ign = -1, term = -1;
	sys_sigaction(SIGINT, -1, &ign);
	sys_sigaction(SIGTERM, -1, &term);
	p->child_ign = ign;
	p->child_term = term;
	return 0;
}

static int spawn_with_dispositions(void *arg)
{
	struct sig_probe *p = arg;
	sys_sigaction(SIGINT, SIG_ACTION_IGNORE, NULL);
	sys_sigaction(SIGTERM, SIG_ACTION_CATCH, NULL);
	unsigned set = 1u << SIGHUP;
	sys_sigprocmask(SIG_BLOCK, &set, NULL);
	struct task *c = test_spawn("sig-grandchild", report_dispositions, p, NULL);
	if (!c)
		return 10;
	p->child = c->pid;
	p->ready = c->sig_blocked == 0 ? 1 : 2;
	return test_reap(c, NSEC_PER_SEC) == 0 ? 0 : 11;
}

KTEST(signal, a_spawned_child_keeps_ignored_signals_and_resets_caught_ones)
{
	struct sig_probe p = {0};
	p.child_ign = p.child_term = -1;
	struct task *t = test_spawn("sig-spawn", spawn_with_dispositions, &p, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_EQ(p.child_ign, SIG_ACTION_IGNORE);
	EXPECT_EQ(p.child_term, SIG_ACTION_DEFAULT);
	EXPECT_EQ(p.ready, 1); // nothing blocked in the child
}

// Blocks SIGUSR2 and sleeps: the signal waits, then runs on unblocking.
static int block_then_unblock(void *arg)
{
	struct sig_probe *p = arg;
	unsigned set = 1u << SIGUSR2, pending = 0;
	sys_sigaction(SIGUSR2, SIG_ACTION_CATCH, NULL);
	sys_sigprocmask(SIG_BLOCK, &set, NULL);
	p->ready = 1;
	// Sleeps (not cut short) until the test has sent it, however slowly
	// the host runs the test.
	u64 deadline = clock_ns() + 10 * NSEC_PER_SEC;
	do
		p->sleep_ret = sleep_ns(MS);
	while (!p->sleep_ret && !p->sent && clock_ns() < deadline);
	if (!p->sleep_ret) // and a sleep with it pending
		p->sleep_ret = sleep_ns(10 * MS);
	signal_deliver(count_handler);
	if (p->handled != 0)
		return 10;
	sys_sigpending(&pending);
	if (pending != set)
		return 11;
	sys_sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal_deliver(count_handler);
	return 0;
}

KTEST(signal, a_blocked_signal_waits_until_it_is_unblocked)
{
	struct sig_probe p = {0};
	probe_now = &p;
	struct task *t = test_spawn("sig-block", block_then_unblock, &p, NULL);
	ASSERT_TRUE(t);
	for (int i = 0; i < 1000 && !p.ready; i++)
		sleep_ns(MS);
	EXPECT_EQ(do_kill(t->pid, SIGUSR2), 0);
	p.sent = 1;
	EXPECT_EQ(test_reap(t, 10 * NSEC_PER_SEC), 0);
	EXPECT_EQ(p.sleep_ret, 0);
	EXPECT_EQ(p.handled, 1);
	EXPECT_EQ(p.handled_sig, SIGUSR2);
}
