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
// and re-checked under both run-queue locks before moving.
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
		return;
	}
	if (++me->cross_node_streak >= 2) { // the imbalance persists
		try_pull(me, remote, 2, true);
		me->cross_node_streak = 0;
	}
}
