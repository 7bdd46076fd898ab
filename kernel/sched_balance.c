// Where tasks run: placement at wake-up and spawn, and load balancing.
//
// Placement (select_task_rq), first match wins, always within the task's
// cpus_allowed:
//   1. the CPU it last ran on, if idle (its cache may still be warm);
//   2. an idle CPU on its home node (the node it was spawned on, where its
//      memory most likely is);
//   3. any idle CPU;
//   4. the least loaded CPU (ties: the last one, then the home node).
//
// Balancing moves only queued tasks (never one that is running), only to a
// CPU in their cpus_allowed, and pulls towards the CPU doing the balancing:
//   - idle_balance: a CPU about to idle pulls one task from the busiest
//     queue that has tasks waiting, its own node first;
//   - periodic_balance: every BALANCE_TICKS ticks, a CPU with at least two
//     tasks fewer than the busiest CPU of its node pulls one; across nodes
//     only when the imbalance was seen on two balances in a row, and then
//     preferring a task whose home is this CPU's node.
// Load is the number of runnable tasks (nr_running), read racily to choose
// and re-checked under both run-queue locks before moving. Between CPUs of
// a node with as many tasks each, tasks of containers are swapped so that
// each container's tasks are spread evenly (try_spread, below).
#include "arch/x86/x86.h"
#include "kernel/sched_internal.h"
#include "mm/numa.h"

static bool cpu_idle(int cpu) { return READ_ONCE(cpu_rq(cpu)->nr_running) == 0; }

int select_task_rq(struct task *t)
{
	cpumask_t allowed;
	if (!cpumask_and(&allowed, &t->cpus_allowed, &cpu_online_mask))
		allowed = cpu_online_mask; // cannot happen: set_cpus_allowed refuses
	int prev = t->cpu, cpu;
	if (cpumask_test_cpu(prev, &allowed) && cpu_idle(prev))
		return prev;
	for_each_cpu(cpu, &allowed)
		if (cpu_to_node(cpu) == t->home_node && cpu_idle(cpu))
			return cpu;
	for_each_cpu(cpu, &allowed)
		if (cpu_idle(cpu))
			return cpu;
	int best = prev;
	unsigned best_score = ~0u;
	for_each_cpu(cpu, &allowed) {
		// Four points per runnable task; ties go to the last CPU, then
		// to the home node.
		unsigned score = READ_ONCE(cpu_rq(cpu)->nr_running) * 4;
		if (cpu != prev)
			score += cpu_to_node(cpu) == t->home_node ? 1 : 2;
		if (score < best_score) {
			best = cpu;
			best_score = score;
		}
	}
	return best;
}

// Move one task queued on src that may run on dst (both locked). With
// prefer_home, a task whose home node is dst's is taken if there is one.
static bool pull_one(struct rq *dst, struct rq *src, bool prefer_home)
{
	struct task *pick = NULL;
	int node = cpu_to_node(dst->cpu), scanned = 0;
	for (struct rb_node *n = rb_first_cached(&src->tasks); n && scanned < 32;
	     n = rb_next(n), scanned++) {
		struct task *t = rb_entry(n, struct task, run_node);
		if (!cpumask_test_cpu(dst->cpu, &t->cpus_allowed))
			continue;
		if (!pick)
			pick = t;
		if (!prefer_home || t->home_node == node) {
			pick = t;
			break;
		}
	}
	if (!pick)
		return false;
	deactivate_task(src, pick);
	pick->cpu = dst->cpu;
	activate_task(dst, pick);
	check_preempt_wakeup(dst, pick);
	return true;
}

// Lock dst and src, re-check that src still has at least `need` more
// tasks than dst, and pull one.
static bool try_pull(struct rq *dst, struct rq *src, unsigned need, bool prefer_home)
{
	unsigned long f = local_irq_save();
	double_rq_lock(dst, src);
	bool moved = src->nr_running >= dst->nr_running + need &&
		     pull_one(dst, src, prefer_home);
	double_rq_unlock(dst, src);
	local_irq_restore(f);
	return moved;
}

// The busiest CPU other than me, on me's node or off it, not in skip,
// with at least min runnable tasks; NULL if none.
static struct rq *find_busiest(struct rq *me, bool same_node, const cpumask_t *skip,
			       unsigned min)
{
	int node = cpu_to_node(me->cpu), cpu;
	struct rq *busiest = NULL;
	unsigned max = min - 1;
	for_each_cpu(cpu, &cpu_online_mask) {
		if (cpu == me->cpu || (cpu_to_node(cpu) == node) != same_node ||
		    (skip && cpumask_test_cpu(cpu, skip)))
			continue;
		unsigned n = READ_ONCE(cpu_rq(cpu)->nr_running);
		if (n > max) {
			max = n;
			busiest = cpu_rq(cpu);
		}
	}
	return busiest;
}

bool idle_balance(struct rq *me)
{
	if (READ_ONCE(me->nr_running))
		return false;
	cpumask_t tried = CPU_MASK_NONE;
	for (int pass = 0; pass < 2; pass++) { // own node first
		// Someone is waiting there: a running task plus a queued one.
		// The busiest first; its tasks may all be pinned, then the next.
		struct rq *src;
		while ((src = find_busiest(me, pass == 0, &tried, 2))) {
			if (try_pull(me, src, 2, pass == 1))
				return true;
			cpumask_set_cpu(src->cpu, &tried);
		}
	}
	return false;
}

// ---- Spreading groups (the cpu subsystem) ----
//
// Balancing counts tasks, but a container's shares are split over its
// CPUs by its load on each (kernel/sched.c, "Groups"): with A, A, C on
// one CPU and B, B, C on the other, A and B each share a CPU with one C
// instead of with two different groups, and the split is off by tens of
// percent although the counts are even. So when two CPUs have as many
// tasks each, a container with two or more tasks more on one of them
// swaps one queued task with a queued task of a container that has two or
// more more on the other. Each swap lowers the sum over containers of
// their task-count differences, so swapping stops. Root tasks never move
// this way.

#define SPREAD_GROUPS 8
#define SPREAD_SCAN 16

struct group_count {
	struct sched_group *g;
	int n[2]; // queued here on rq[0], rq[1] (running ones count too)
	struct task *queued[2]; // one that may move to the other rq
};

static void count_task(struct group_count *c, int *nc, struct task *t, int side,
		       int other_cpu, bool queued)
{
	if (!t->sched_group || t->sched_group == &root_sched_group)
		return;
	int i;
	for (i = 0; i < *nc && c[i].g != t->sched_group; i++)
		;
	if (i == *nc) {
		if (*nc == SPREAD_GROUPS)
			return;
		c[i] = (struct group_count){.g = t->sched_group};
		(*nc)++;
	}
	c[i].n[side]++;
	if (queued && !c[i].queued[side] && cpumask_test_cpu(other_cpu, &t->cpus_allowed))
		c[i].queued[side] = t;
}

static void count_rq(struct group_count *c, int *nc, struct rq *rq, int side, int other_cpu)
{
	if (rq->curr != rq->idle && rq->curr->on_rq)
		count_task(c, nc, rq->curr, side, other_cpu, false);
	int scanned = 0;
	for (struct rb_node *n = rb_first_cached(&rq->tasks); n && scanned < SPREAD_SCAN;
	     n = rb_next(n), scanned++)
		count_task(c, nc, rb_entry(n, struct task, run_node), side, other_cpu, true);
}

static void move_queued(struct rq *src, struct rq *dst, struct task *t)
{
	deactivate_task(src, t);
	t->cpu = dst->cpu;
	activate_task(dst, t);
}

// me and other locked, as many tasks each.
static bool spread_groups(struct rq *me, struct rq *other)
{
	struct group_count c[SPREAD_GROUPS];
	int nc = 0;
	count_rq(c, &nc, me, 0, other->cpu);
	count_rq(c, &nc, other, 1, me->cpu);
	struct task *to_me = NULL, *to_other = NULL;
	for (int i = 0; i < nc; i++) {
		if (!to_me && c[i].n[1] >= c[i].n[0] + 2 && c[i].queued[1])
			to_me = c[i].queued[1];
		if (!to_other && c[i].n[0] >= c[i].n[1] + 2 && c[i].queued[0])
			to_other = c[i].queued[0];
	}
	if (!to_me || !to_other)
		return false;
	move_queued(other, me, to_me);
	move_queued(me, other, to_other);
	return true;
}

static void try_spread(struct rq *me)
{
	unsigned n = READ_ONCE(me->nr_running);
	if (n < 2)
		return;
	int node = cpu_to_node(me->cpu), cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		struct rq *other = cpu_rq(cpu);
		if (cpu == me->cpu || cpu_to_node(cpu) != node || READ_ONCE(other->nr_running) != n)
			continue;
		unsigned long f = local_irq_save();
		double_rq_lock(me, other);
		bool moved = me->nr_running == other->nr_running && spread_groups(me, other);
		double_rq_unlock(me, other);
		local_irq_restore(f);
		if (moved)
			return;
	}
}

void periodic_balance(struct rq *me)
{
	unsigned need = READ_ONCE(me->nr_running) + 2; // imbalance of two or more
	struct rq *local = find_busiest(me, true, NULL, need);
	if (local && try_pull(me, local, 2, false)) {
		me->cross_node_streak = 0;
		return;
	}
	struct rq *remote = find_busiest(me, false, NULL, need);
	if (!remote) {
		me->cross_node_streak = 0;
		try_spread(me);
		return;
	}
	if (++me->cross_node_streak >= 2) { // the imbalance persists
		try_pull(me, remote, 2, true);
		me->cross_node_streak = 0;
	}
}
