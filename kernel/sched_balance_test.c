// Tests of placement and load balancing (kernel/sched_balance.c): the
// balancers move tasks only inside their cpus_allowed, a new task prefers
// an idle CPU of its home node, balance wins over locality when that node
// is overloaded, and set_cpus_allowed moves queued tasks as well as
// running ones before it returns.
#include "kernel/task_test_util.h"
#include "mm/numa.h"

static u64 mask_bits(const cpumask_t *m)
{
	u64 bits = 0;
	int cpu;
	for_each_cpu(cpu, m)
		if (cpu < 64)
			bits |= 1ULL << cpu;
	return bits;
}

#define ROAMERS 6

KTEST(sched_balance, balancers_move_tasks_only_inside_their_cpus_allowed)
{
	if (online_cpus() < 3) {
		kprintf("# skip: needs 3 CPUs (idle ones outside the mask)\n");
		return;
	}
	// Three tasks per allowed CPU while the CPUs between them idle: the
	// idle balancer sees queues with tasks waiting and must leave them.
	volatile int stop = 0;
	static struct cpu_sampler r[ROAMERS];
	struct task *t[ROAMERS];
	cpumask_t two = cpumask_of(0);
	cpumask_set_cpu(last_cpu(), &two);
	for (int i = 0; i < ROAMERS; i++) {
		r[i] = (struct cpu_sampler){.stop = &stop, .allowed = two};
		t[i] = test_spawn("roamer", sample_cpus, &r[i], &two);
		ASSERT_TRUE(t[i]);
	}
	sleep_ns(500 * MS);
	stop = 1;
	u64 seen = 0;
	for (int i = 0; i < ROAMERS; i++) {
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
		EXPECT_GT(r[i].samples, 1000);
		EXPECT_EQ(r[i].wrong, 0);
		seen |= r[i].seen;
	}
	EXPECT_EQ(seen, mask_bits(&two)); // and both allowed CPUs were used
}

// The last node with at least two CPUs (when there are two nodes or
// more), so that a task spawned from one of them (*spawn_cpu) finds
// another idle there while init keeps the spawning CPU busy, and idle CPUs
// with lower numbers elsewhere; -1 if there is none.
static int home_node_with_room(cpumask_t *node_cpus, int *spawn_cpu)
{
	int nid, home = -1;
	if (nr_node_ids < 2)
		return -1;
	for_each_online_node(nid) {
		cpumask_t m;
		node_to_cpumask(nid, &m);
		if (cpumask_weight(&m) >= 2) {
			home = nid;
			*node_cpus = m;
			*spawn_cpu = cpumask_first(&m);
		}
	}
	return home;
}

KTEST(sched_balance, a_new_task_takes_an_idle_cpu_of_its_home_node)
{
	cpumask_t node_cpus, saved = current->cpus_allowed;
	int spawn_cpu;
	int home = home_node_with_room(&node_cpus, &spawn_cpu);
	if (home < 0) {
		kprintf("# skip: needs two nodes, one with two CPUs\n");
		return;
	}
	// Spawned from spawn_cpu, so their home is its node; there is an
	// idle CPU there for each of them (init keeps spawn_cpu busy while
	// spawning), and idle CPUs on other nodes too.
	cpumask_t here = cpumask_of(spawn_cpu);
	int k = cpumask_weight(&node_cpus) - 1;
	volatile int stop = 0;
	static struct cpu_sampler r[NR_CPUS];
	struct task *t[NR_CPUS];
	ASSERT_EQ(set_cpus_allowed(current, &here), 0);
	for (int i = 0; i < k; i++) {
		r[i] = (struct cpu_sampler){.stop = &stop, .allowed = cpu_online_mask};
		// (an explicit mask: they would inherit init's single CPU)
		t[i] = test_spawn("homebody", sample_cpus, &r[i], &cpu_online_mask);
	}
	set_cpus_allowed(current, &saved);
	for (int i = 0; i < k; i++)
		ASSERT_TRUE(t[i]);
	sleep_ns(200 * MS);
	stop = 1;
	for (int i = 0; i < k; i++) {
		EXPECT_EQ(t[i]->home_node, home);
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
		if (r[i].seen & ~mask_bits(&node_cpus))
			ktest_fail(__FILE__, __LINE__, "task %d of %d left node %d: cpus %#llx", i,
				   k, home, (unsigned long long)r[i].seen);
	}
}

static int busy(void *arg)
{
	volatile int *stop = arg;
	while (!READ_ONCE(*stop))
		cpu_relax();
	return 0;
}

KTEST(sched_balance, balance_wins_over_locality_when_the_home_node_is_full)
{
	if (nr_node_ids < 2) {
		kprintf("# skip: needs two nodes\n");
		return;
	}
	// One busy task per CPU, all with their home on the last CPU's node:
	// each must still get (nearly) a whole CPU, so most run elsewhere.
	int n = online_cpus();
	volatile int stop = 0;
	struct task *t[NR_CPUS];
	cpumask_t saved = current->cpus_allowed, here = cpumask_of(last_cpu());
	ASSERT_EQ(set_cpus_allowed(current, &here), 0);
	for (int i = 0; i < n; i++)
		t[i] = test_spawn("crowd", busy, (void *)&stop, &cpu_online_mask);
	set_cpus_allowed(current, &saved);
	for (int i = 0; i < n; i++)
		ASSERT_TRUE(t[i]);
	sleep_ns(200 * MS);
	u64 used[NR_CPUS];
	for (int i = 0; i < n; i++)
		used[i] = task_cpu_time_ns(t[i]);
	sleep_ns(300 * MS);
	for (int i = 0; i < n; i++)
		used[i] = task_cpu_time_ns(t[i]) - used[i];
	stop = 1;
	expect_each_most_of_a_cpu_and_reap(t, used, n, 300 * MS);
}

// A task spinning on one CPU reports every CPU it runs on after the test
// has told it which one it is now allowed.
struct mover {
	volatile int stop, started, after_move, wrong;
	volatile int allowed; // -1 until moved
};

static int spin_and_check(void *arg)
{
	struct mover *m = arg;
	m->started = 1;
	while (!m->stop) {
		int allowed = m->allowed; // read before the CPU: see below
		int cpu = cpu_now();
		if (allowed >= 0) {
			m->after_move++;
			if (cpu != allowed)
				m->wrong++;
		}
	}
	return 0;
}

#define CROWD 3

KTEST(sched_balance, set_cpus_allowed_moves_queued_tasks_before_returning)
{
	if (online_cpus() < 2) {
		kprintf("# skip: needs 2 CPUs\n");
		return;
	}
	// Three spinners on CPU 0: at any moment one runs and two are queued.
	// Each must be on the target when set_cpus_allowed returns, and never
	// on CPU 0 again (a sample taken after reading `allowed` must be on it).
	int target = last_cpu();
	static struct mover m[CROWD];
	struct task *t[CROWD];
	cpumask_t zero = cpumask_of(0), dest = cpumask_of(target);
	for (int i = 0; i < CROWD; i++) {
		m[i] = (struct mover){.allowed = -1};
		t[i] = test_spawn("queued", spin_and_check, &m[i], &zero);
		ASSERT_TRUE(t[i]);
	}
	for (int i = 0; i < CROWD; i++)
		for (int wait = 0; wait < 1000 && !m[i].started; wait++)
			sleep_ns(MS);
	for (int i = 0; i < CROWD; i++) {
		EXPECT_TRUE(m[i].started);
		EXPECT_EQ(set_cpus_allowed(t[i], &dest), 0);
		EXPECT_EQ(READ_ONCE(t[i]->cpu), target);
		m[i].allowed = target;
	}
	// Until each has run a while there (a busy host may starve a vCPU).
	for (int i = 0, wait = 0; i < CROWD && wait < 2000; wait++) {
		sleep_ns(MS);
		while (i < CROWD && m[i].after_move > 100000)
			i++;
	}
	for (int i = 0; i < CROWD; i++)
		m[i].stop = 1;
	for (int i = 0; i < CROWD; i++) {
		EXPECT_EQ(test_reap(t[i], NSEC_PER_SEC), 0);
		EXPECT_GT(m[i].after_move, 100000);
		EXPECT_EQ(m[i].wrong, 0);
	}
}
