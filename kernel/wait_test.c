// Tests of wait queues (kernel/wait.c) and completions (kernel/completion.h).
#include "kernel/completion.h"
#include "kernel/task_test_util.h"
#include "kernel/wait.h"

struct gate {
	struct wait_queue wq;
	volatile int open;
	volatile int passed;
};

static int wait_at_gate(void *arg)
{
	struct gate *g = arg;
	wait_event(&g->wq, g->open);
	__atomic_add_fetch(&g->passed, 1, __ATOMIC_SEQ_CST);
	return 0;
}

KTEST(wait, wake_up_wakes_every_waiter)
{
	struct gate g = {.open = 0, .passed = 0};
	wait_queue_init(&g.wq, "gate");
	struct task *t[4];
	for (int i = 0; i < 4; i++)
		ASSERT_TRUE(t[i] = test_spawn("waiter", wait_at_gate, &g, NULL));
	sleep_ns(30 * MS);
	EXPECT_EQ(g.passed, 0);
	g.open = 1;
	wake_up(&g.wq);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
	EXPECT_EQ(g.passed, 4);
	EXPECT_FALSE(wait_queue_active(&g.wq));
}

static int wait_for_it(void *arg)
{
	wait_for_completion(arg);
	return 0;
}

KTEST(wait, complete_wakes_one_waiter_per_event)
{
	struct completion c;
	init_completion(&c);
	struct task *t[3];
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(t[i] = test_spawn("waiter", wait_for_it, &c, NULL));
	sleep_ns(30 * MS);
	complete(&c);
	// One waiter exits (its CPU may be slow to run it: up to 5 s), and
	// 50 ms on no other has.
	int exited = 0;
	u64 deadline = clock_ns() + 5 * NSEC_PER_SEC;
	do {
		sleep_ns(MS);
		exited = 0;
		for (int i = 0; i < 3; i++)
			exited += READ_ONCE(t[i]->state) == TASK_ZOMBIE;
	} while (exited == 0 && clock_ns() < deadline);
	sleep_ns(50 * MS);
	exited = 0;
	for (int i = 0; i < 3; i++)
		exited += READ_ONCE(t[i]->state) == TASK_ZOMBIE;
	EXPECT_EQ(exited, 1);
	complete_all(&c);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
	wait_for_completion(&c); // stays complete for later waiters
	EXPECT_TRUE(try_wait_for_completion(&c));
}

KTEST(wait, completion_counts_events)
{
	struct completion c;
	init_completion(&c);
	EXPECT_FALSE(try_wait_for_completion(&c));
	complete(&c);
	complete(&c);
	EXPECT_TRUE(completion_done(&c));
	wait_for_completion(&c);
	EXPECT_TRUE(try_wait_for_completion(&c));
	EXPECT_FALSE(try_wait_for_completion(&c));
	EXPECT_FALSE(wait_for_completion_timeout(&c, 20 * MS));
}

struct interrupted {
	struct wait_queue wq;
	volatile int ret, waiting;
};

static int wait_interruptibly(void *arg)
{
	struct interrupted *w = arg;
	w->waiting = 1;
	w->ret = wait_event_interruptible(&w->wq, false);
	task_check_killed();
	return 0;
}

KTEST(wait, interruptible_wait_returns_eintr_when_killed)
{
	struct interrupted w = {.ret = 1, .waiting = 0};
	wait_queue_init(&w.wq, "never");
	struct task *t = test_spawn("waiter", wait_interruptibly, &w, NULL);
	ASSERT_TRUE(t);
	while (!w.waiting)
		sleep_ns(MS);
	sleep_ns(10 * MS);
	EXPECT_EQ(do_kill(t->pid, SIGINT), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), SIGINT);
	EXPECT_EQ(w.ret, -EINTR);
}

KTEST(wait, timeout_expires_no_earlier_than_asked)
{
	DEFINE_WAIT_QUEUE(wq);
	u64 t0 = clock_ns();
	long long left = wait_event_timeout(&wq, false, 20 * MS);
	u64 took = clock_ns() - t0;
	EXPECT_EQ(left, 0);
	EXPECT_GE(took, 20 * MS);
	EXPECT_LT(took, 2 * NSEC_PER_SEC); // not forever; a stalled vCPU may add much
}

struct later {
	struct wait_queue wq;
	volatile int flag;
};

static int set_flag_later(void *arg)
{
	struct later *l = arg;
	sleep_ns(10 * MS);
	l->flag = 1;
	wake_up(&l->wq);
	return 0;
}

KTEST(wait, timeout_wait_returns_early_when_the_condition_comes_true)
{
	struct later l = {.flag = 0};
	wait_queue_init(&l.wq, "later");
	struct task *t = test_spawn("setter", set_flag_later, &l, NULL);
	ASSERT_TRUE(t);
	u64 t0 = clock_ns();
	long long left = wait_event_timeout(&l.wq, l.flag, 2 * NSEC_PER_SEC);
	EXPECT_GT(left, 0);
	EXPECT_LT(clock_ns() - t0, NSEC_PER_SEC);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
}

// Two tasks hand a token back and forth; a lost wake-up would stop them.
struct pingpong {
	struct wait_queue wq[2];
	volatile int turn; // whose move: 0 or 1
	volatile int rounds_done[2];
	int rounds;
};

static int play(void *arg)
{
	struct pingpong *p = (struct pingpong *)((long)arg & ~1L);
	int me = (long)arg & 1;
	for (int i = 0; i < p->rounds; i++) {
		if (wait_event_timeout(&p->wq[me], p->turn == me, 10 * NSEC_PER_SEC) == 0)
			return 1; // stuck: a wake-up was lost
		p->rounds_done[me]++;
		p->turn = !me;
		wake_up(&p->wq[!me]);
	}
	return 0;
}

KTEST(wait, ping_pong_across_cpus_loses_no_wake_up)
{
	static struct pingpong p __attribute__((aligned(2)));
	p = (struct pingpong){.turn = 0, .rounds = 2000};
	wait_queue_init(&p.wq[0], "ping");
	wait_queue_init(&p.wq[1], "pong");
	cpumask_t a = cpumask_of(0), b = cpumask_of(last_cpu());
	struct task *t0 = test_spawn("ping", play, &p, &a);
	struct task *t1 = test_spawn("pong", play, (void *)((long)&p | 1), &b);
	ASSERT_TRUE(t0 && t1);
	EXPECT_EQ(test_reap(t0, 120 * NSEC_PER_SEC), 0);
	EXPECT_EQ(test_reap(t1, 120 * NSEC_PER_SEC), 0);
	EXPECT_EQ(p.rounds_done[0], 2000);
	EXPECT_EQ(p.rounds_done[1], 2000);
}
