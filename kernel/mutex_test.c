// Tests of sleeping mutexes (kernel/mutex.c).
#include "kernel/mutex.h"
#include "kernel/task_test_util.h"

struct counters {
	struct mutex lock;
	u64 a, b;         // kept equal under the lock, updated non-atomically
	int iterations;
	volatile int broken;
};

static int bump_counters(void *arg)
{
	struct counters *c = arg;
	for (int i = 0; i < c->iterations; i++) {
		mutex_lock(&c->lock);
		u64 a = c->a;
		if (a != c->b)
			c->broken = 1;
		if (i % 16 == 0)
			sched_yield(); // sleep with it held now and then
		c->a = a + 1;
		c->b = c->b + 1;
		mutex_unlock(&c->lock);
	}
	return 0;
}

KTEST(mutex, contention_from_every_cpu_keeps_the_invariant)
{
	static struct counters c;
	mutex_init(&c.lock, "counters");
	c.a = c.b = 0;
	c.iterations = 500;
	c.broken = 0;
	int n = 0, cpu;
	struct task *t[2 * NR_CPUS];
	for (int round = 0; round < 2; round++) {
		for_each_cpu(cpu, &cpu_online_mask) {
			cpumask_t m = cpumask_of(cpu);
			ASSERT_TRUE(t[n++] = test_spawn("bump", bump_counters, &c, &m));
		}
	}
	for (int i = 0; i < n; i++)
		EXPECT_EQ(test_reap(t[i], 60 * NSEC_PER_SEC), 0);
	EXPECT_EQ(c.broken, 0);
	EXPECT_EQ(c.a, (u64)n * 500);
	EXPECT_EQ(c.b, c.a);
	EXPECT_FALSE(mutex_is_locked(&c.lock));
}

struct holder {
	struct mutex *m;
	volatile int holding, release;
};

static int hold_until_told(void *arg)
{
	struct holder *h = arg;
	mutex_lock(h->m);
	h->holding = 1;
	while (!h->release)
		sleep_ns(MS);
	mutex_unlock(h->m);
	return 0;
}

KTEST(mutex, trylock_fails_while_another_task_holds_it)
{
	DEFINE_MUTEX(m);
	struct holder h = {&m, 0, 0};
	struct task *t = test_spawn("holder", hold_until_told, &h, NULL);
	ASSERT_TRUE(t);
	while (!h.holding)
		sleep_ns(MS);
	EXPECT_TRUE(mutex_is_locked(&m));
	EXPECT_FALSE(mutex_owned(&m));
	EXPECT_FALSE(mutex_trylock(&m));
	h.release = 1;
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_TRUE(mutex_trylock(&m));
	EXPECT_TRUE(mutex_owned(&m));
	mutex_unlock(&m);
	EXPECT_FALSE(mutex_is_locked(&m));
}

struct order {
	struct mutex m;
	int next, got[3];
};

static int lock_and_record(void *arg)
{
	struct order *o = (struct order *)((long)arg & ~3L);
	int me = (long)arg & 3;
	mutex_lock(&o->m);
	o->got[o->next++] = me;
	mutex_unlock(&o->m);
	return 0;
}

KTEST(mutex, waiters_get_the_mutex_in_arrival_order)
{
	static struct order o __attribute__((aligned(4)));
	mutex_init(&o.m, "order");
	o.next = 0;
	mutex_lock(&o.m);
	struct task *t[3];
	for (int i = 0; i < 3; i++) {
		ASSERT_TRUE(t[i] = test_spawn("waiter", lock_and_record, (void *)((long)&o | i), NULL));
		// Until it is on the wait list (its CPU may be slow: up to 5 s).
		for (int ms = 0; ms < 5000; ms++) {
			spin_lock(&o.m.wait_lock);
			size_t waiting = list_count(&o.m.waiters);
			spin_unlock(&o.m.wait_lock);
			if (waiting > (size_t)i)
				break;
			sleep_ns(MS);
		}
	}
	mutex_unlock(&o.m);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
	EXPECT_EQ(o.got[0], 0);
	EXPECT_EQ(o.got[1], 1);
	EXPECT_EQ(o.got[2], 2);
}

struct killable {
	struct mutex *m;
	volatile int ret, trying;
};

static int lock_interruptibly(void *arg)
{
	struct killable *k = arg;
	k->trying = 1;
	k->ret = mutex_lock_interruptible(k->m);
	if (k->ret == 0)
		mutex_unlock(k->m);
	task_check_killed();
	return 0;
}

KTEST(mutex, interruptible_lock_returns_eintr_when_killed)
{
	DEFINE_MUTEX(m);
	struct killable k = {&m, 1, 0};
	mutex_lock(&m);
	struct task *t = test_spawn("killme", lock_interruptibly, &k, NULL);
	ASSERT_TRUE(t);
	while (!k.trying)
		sleep_ns(MS);
	sleep_ns(10 * MS);
	EXPECT_EQ(do_kill(t->pid, SIGTERM), 0);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), SIGTERM);
	EXPECT_EQ(k.ret, -EINTR);
	EXPECT_TRUE(mutex_owned(&m));
	mutex_unlock(&m);
	EXPECT_FALSE(mutex_is_locked(&m)); // the killed waiter left the queue
}

static int lock_and_exit(void *arg)
{
	mutex_lock(arg);
	return 0;
}

KTEST(mutex, a_task_exiting_with_a_mutex_releases_it)
{
	DEFINE_MUTEX(m);
	struct task *t = test_spawn("leaker", lock_and_exit, &m, NULL);
	ASSERT_TRUE(t);
	EXPECT_EQ(test_reap(t, NSEC_PER_SEC), 0);
	EXPECT_FALSE(mutex_is_locked(&m));
	EXPECT_TRUE(mutex_trylock(&m));
	mutex_unlock(&m);
}
