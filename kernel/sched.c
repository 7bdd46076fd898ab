// The scheduler core: run queues, picking, switching, wake-ups, the tick,
// preemption, affinity and sleeping. Placement and load balancing are in
// kernel/sched_balance.c, the switch itself in arch/x86/switch.S.
//
// Policy (a small CFS). Each runnable task has a virtual runtime: the CPU
// time it used, scaled by NICE_0_WEIGHT / weight, so a heavier task's
// clock runs slower. Each CPU keeps its queued tasks in a red-black tree
// ordered by vruntime and runs the leftmost. A task that gets the CPU may
// keep it for its share of the scheduling period (SCHED_LATENCY_NS split
// by weight, at least SCHED_MIN_GRANULARITY_NS); the tick (HZ) preempts it
// after that. A woken task preempts the running one if its vruntime is
// smaller by more than SCHED_WAKEUP_GRANULARITY_NS. Off a run queue,
// vruntime is kept relative to the queue's min_vruntime, so a task that
// slept or moved lands near the front of its new queue, never far behind
// (which would let it monopolise the CPU) or far ahead.
//
// Lag (how far a task's vruntime is past min_vruntime, the CPU time it
// has taken beyond its share) is bounded for tasks that sleep: a waking
// task is placed at most rq_max_lag() past min_vruntime (what the queue
// covers in SCHED_LATENCY_NS of real time), and until it has run through
// SCHED_WAKE_BURST_TICKS ticks after the wake-up its vruntime never goes
// further than that. Without the burst, a task of a tiny weight (a shell
// in a 2-share container beside 262144-share spinners) that is preempted
// mid-command at a tick would owe 10 ms x 1024 / its weight and wait
// minutes; with it, a task that runs briefly and sleeps gets up to a few
// ticks per wake-up beyond its share (docs/cpu.md measures what that
// gives away). Ticks, not ns: under QEMU a vCPU stalled by its host for
// hundreds of ms charges that to the running task, which would use up a
// burst counted in ns. Tasks that never sleep keep exact proportions.
//
// Groups (the `cpu` container subsystem, Linux's CFS group scheduling made
// flat). Every container of the cpu hierarchy has a sched_group with, per
// CPU, a load (the weights of its tasks queued there plus its child
// groups' weights there) and a weight: its entity's weight in its
// parent's load on that CPU, shares * load_here / load_on_all_CPUs
// (clamped to SCHED_MIN_SHARES..shares), so a group's CPUs together weigh
// its shares. The root group's load on a CPU is rq->load_weight. The run
// queue itself stays one tree of tasks: a task's vruntime advances at
// the weight it has through its chain of groups,
//   h_weight = weight * prod over its groups g (g.weight / g.load),
// which is its fraction of the CPU times the root load -- the CPU time a
// hierarchy of queues would give it when its siblings are as runnable as
// it is. Loads and weights change at enqueue/dequeue (a loop up the
// chain, stopping where a weight no longer changes) and are refreshed
// along the running task's chain at every tick (other CPUs' loads move
// load_on_all_CPUs). The chain is at most SCHED_GROUP_MAX_DEPTH groups:
// deeper containers share their ancestor's group (cpu.c).
//
// Bandwidth (cpu.cfs_quota_us). update_curr charges the running time to
// every group of the chain that has a quota; when a group's runtime for
// the period runs out it is throttled: its tasks leave their queues when
// the scheduler next looks at them (the running one at the next tick or
// switch, queued ones when picked) and wait on the group's list, state
// TASK_RUNNING but off every queue, until the group's period timer
// refills the runtime (an overrun is a debt carried into the next period,
// so the long-run rate is exactly quota/period) and puts them back.
//
// Preemption. preempt_count (gs:16) > 0 -- a spinlock is held, or
// preempt_disable() -- forbids switching. need_resched (per CPU) asks for
// a switch; it happens when the outermost interrupt returns
// (irq_exit_hook), at preempt_enable() and at spin_unlock_irqrestore()
// once the count is 0 and interrupts are on, or at the next schedule().
//
// Switching. __schedule() locks this CPU's rq, picks next, and calls
// switch_context() with the lock held and interrupts off; the incoming
// task, now on this CPU, finishes the switch (finish_task_switch) and
// unlocks. prev->on_cpu stays 1 until then, so no other CPU touches its
// stack before it is fully switched out.
//
// Lock order (outermost first):
//   tasklist_lock (task.c)
//   wait_queue.lock, mutex.wait_lock
//   task->lock       serialises wake-ups of a task and its affinity
//   rq->lock         two at once: lower CPU id first (double_rq_lock)
//   sched_group.bw_lock
//   timer base lock  (timer.c; a leaf: callbacks run without it)
// task->lock and rq->lock are always taken with interrupts off: the tick
// and wake-ups from interrupt handlers take them too.
#include "kernel/sched.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched_internal.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "lib/string.h"
#include "mm/slab.h"

#define SCHED_LATENCY_NS (12 * NSEC_PER_MSEC)
#define SCHED_MIN_GRANULARITY_NS (3 * NSEC_PER_MSEC)
#define SCHED_WAKEUP_GRANULARITY_NS (1 * NSEC_PER_MSEC)
#define SCHED_WAKE_BURST_TICKS 3

struct rq runqueues[NR_CPUS];
volatile bool sched_running;
static u8 fpu_template[FXSAVE_SIZE] __attribute__((aligned(16)));

// Linux's table: nice -20..19; each step is ~10% of CPU share (x1.25).
static const u32 sched_prio_to_weight[40] = {
	/* -20 */ 88761, 71755, 56483, 46273, 36291,
	/* -15 */ 29154, 23254, 18705, 14949, 11916,
	/* -10 */ 9548, 7620, 6100, 4904, 3906,
	/*  -5 */ 3121, 2501, 1991, 1586, 1277,
	/*   0 */ 1024, 820, 655, 526, 423,
	/*   5 */ 335, 272, 215, 172, 137,
	/*  10 */ 110, 87, 70, 56, 45,
	/*  15 */ 36, 29, 23, 18, 15,
};

u32 sched_nice_to_weight(int nice) { return sched_prio_to_weight[nice + 20]; }

// ---- Groups: weights (rq->lock held) -------------------------------------

// h_weight is fixed point with this many fraction bits (Linux's scale_load).
#define WEIGHT_SHIFT 10

struct sched_group root_sched_group = {
	.shares = NICE_0_WEIGHT,
	.quota_ns = -1,
	.period_ns = 100 * NSEC_PER_MSEC,
	.bw_lock = SPINLOCK_INIT("root_sched_group.bw"),
	.throttled_tasks = LIST_HEAD_INIT(root_sched_group.throttled_tasks),
};

static inline bool group_is_root(const struct sched_group *g)
{
	return !g || g == &root_sched_group;
}

unsigned long sched_group_cpu_weight(unsigned long shares, unsigned long load,
				     unsigned long total)
{
	if (!load)
		return 0;
	if (total <= load) // all here (or a racy sum behind this CPU's own load)
		return MAX(shares, (unsigned long)SCHED_MIN_SHARES);
	unsigned long w = (unsigned long)((u64)shares * load / total);
	return MAX(MIN(w, shares), (unsigned long)SCHED_MIN_SHARES);
}

// Add delta to g's load on rq's CPU and carry the change of its weight
// up the chain (a loop: one step per level). Without refresh, stop at
// the first level whose weight does not change; with it, recompute every
// level (their load_sum may have moved on other CPUs).
static void group_load_add(struct rq *rq, struct sched_group *g, long delta, bool refresh)
{
	assert_held(&rq->lock);
	int cpu = rq->cpu;
	if (!group_is_root(g))
		rq->hw_gen++; // every task's cached h_weight here is stale
	for (; !group_is_root(g); g = g->parent) {
		struct sched_group_cpu *gc = &g->cpu[cpu];
		long sum;
		if (delta) {
			gc->load += delta;
			sum = __atomic_add_fetch(&g->load_sum, delta, __ATOMIC_RELAXED);
		} else {
			sum = __atomic_load_n(&g->load_sum, __ATOMIC_RELAXED);
		}
		unsigned long w = sched_group_cpu_weight(READ_ONCE(g->shares), gc->load,
							 sum > 0 ? (unsigned long)sum : 0);
		delta = (long)w - (long)gc->weight;
		gc->weight = w;
		if (!delta && !refresh)
			return;
	}
	rq->load_weight += delta;
}

// t (on rq's queue) weighs `weight` in its group; account delta of it.
static void account_task_load(struct rq *rq, struct task *t, long delta)
{
	group_load_add(rq, t->sched_group, delta, false);
}

// t's weight as seen from the root of rq's CPU, << WEIGHT_SHIFT. It
// changes only when a group load or weight on the CPU does (rq->hw_gen),
// or t's weight or group (which reset t->hw_gen): t keeps the last one.
static u64 task_h_weight(struct rq *rq, struct task *t)
{
	if (t->hw_gen == rq->hw_gen && t->hw_cpu == rq->cpu)
		return t->hw;
	u64 w = (u64)t->weight << WEIGHT_SHIFT;
	int cpu = rq->cpu;
	for (struct sched_group *g = t->sched_group; !group_is_root(g); g = g->parent) {
		struct sched_group_cpu *gc = &g->cpu[cpu];
		if (gc->load && gc->weight != gc->load) // (alone in its parent: equal)
			w = w * gc->weight / gc->load;
	}
	t->hw = w ? w : 1;
	t->hw_vr_mul = ((u64)NICE_0_WEIGHT << WEIGHT_SHIFT << 32) / t->hw;
	t->hw_gen = rq->hw_gen;
	t->hw_cpu = rq->cpu;
	return t->hw;
}

static void group_charge_runtime(struct rq *rq, struct sched_group *g, u64 delta, u64 now);

// How many groups have a quota (atomic; changed under their bw_lock): at
// 0, nobody's time is charged to a quota and no task is checked for
// throttling -- the hot paths skip the walks.
static int sched_bw_groups;

static inline bool bw_active(void) { return __atomic_load_n(&sched_bw_groups, __ATOMIC_RELAXED); }

static void bw_count(s64 was_quota, s64 quota)
{
	if ((was_quota >= 0) != (quota >= 0))
		__atomic_add_fetch(&sched_bw_groups, quota >= 0 ? 1 : -1, __ATOMIC_RELAXED);
}

// ---- Run queue primitives (rq->lock held) ------------------------------

static bool vruntime_less(const struct rb_node *a, const struct rb_node *b)
{
	return (s64)(rb_entry(a, struct task, run_node)->vruntime -
		     rb_entry(b, struct task, run_node)->vruntime) < 0;
}

static void enqueue_tree(struct rq *rq, struct task *t)
{
	assert_held(&rq->lock);
	rb_add_cached(&t->run_node, &rq->tasks, vruntime_less);
}

static void dequeue_tree(struct rq *rq, struct task *t)
{
	assert_held(&rq->lock);
	rb_erase_cached(&t->run_node, &rq->tasks);
	RB_CLEAR_NODE(&t->run_node);
}

static struct task *leftmost(struct rq *rq)
{
	return rb_entry_safe(rb_first_cached(&rq->tasks), struct task, run_node);
}

static void update_min_vruntime(struct rq *rq)
{
	assert_held(&rq->lock);
	struct task *c = rq->curr, *left = leftmost(rq);
	bool have = false;
	u64 v = 0;
	if (c != rq->idle && c->on_rq) {
		v = c->vruntime;
		have = true;
	}
	if (left && (!have || (s64)(left->vruntime - v) < 0)) {
		v = left->vruntime;
		have = true;
	}
	if (have && (s64)(v - rq->min_vruntime) > 0)
		rq->min_vruntime = v;
}

// The most a task may be ahead of the queue: what min_vruntime covers in
// SCHED_LATENCY_NS of real time (it advances at NICE_0_WEIGHT / load).
static s64 rq_max_lag(struct rq *rq)
{
	return (s64)(SCHED_LATENCY_NS * NICE_0_WEIGHT /
		     MAX(rq->load_weight, (unsigned long)NICE_0_WEIGHT));
}

// Charge the time since the last update to the running task and to this
// CPU's busy or idle total.
static void update_curr(struct rq *rq)
{
	u64 now = clock_ns();
	struct cpu *cpu = cpus[rq->cpu];
	s64 d = (s64)(now - rq->clock_ns);
	if (d > 0) {
		rq->clock_ns = now;
		if (rq->curr == rq->idle)
			cpu->idle_ns += d;
		else
			cpu->busy_ns += d;
	}
	struct task *c = rq->curr;
	s64 delta = (s64)(now - c->exec_start);
	if (delta <= 0)
		return;
	c->exec_start = now;
	c->sum_exec_ns += delta;
	if (c == rq->idle)
		return;
	if (likely(group_is_root(c->sched_group))) {
		c->vruntime += c->weight == NICE_0_WEIGHT ? (u64)delta
							   : (u64)delta * NICE_0_WEIGHT / c->weight;
	} else {
		// delta * NICE_0_WEIGHT / (h_weight >> WEIGHT_SHIFT), by a
		// multiplication (Linux's __calc_delta): one division less
		// at every switch; off by under 1 ns per 4 s of delta.
		u64 h = task_h_weight(rq, c);
		c->vruntime += h == (u64)NICE_0_WEIGHT << WEIGHT_SHIFT
				       ? (u64)delta
				       : (u64)(((unsigned __int128)delta * c->hw_vr_mul) >> 32);
		if (bw_active())
			group_charge_runtime(rq, c->sched_group, delta, now);
	}
	if (unlikely(c->wake_burst_ticks)) { // (see the top)
		u64 cap = rq->min_vruntime + (u64)rq_max_lag(rq);
		if ((s64)(c->vruntime - cap) > 0)
			c->vruntime = cap;
	}
	cpuacct_charge(c, rq->cpu, delta);
	update_min_vruntime(rq);
}

void activate_task(struct rq *rq, struct task *t)
{
	assert_held(&rq->lock);
	if (unlikely(t->on_rq)) { // a second queueing would let two CPUs run t
		report_bug("activate_task: %s/%d is already on cpu %d's queue", t->name, t->pid,
			   t->cpu);
		return;
	}
	// Bring min_vruntime up to date first: it follows the running task,
	// and left as of the last tick it would place t up to a tick's worth
	// of the runner's time too early, so that a new child preempted the
	// parent that had just spawned it (the parent then sat runnable, not
	// sleeping in waitpid, while the child ran).
	update_curr(rq);
	s64 rel = (s64)t->vruntime;
	if (rel < -(s64)(SCHED_LATENCY_NS / 2)) // long sleepers get a bounded head start
		rel = -(s64)(SCHED_LATENCY_NS / 2);
	// ... and a bounded lag (see the top). Without it a task of a tiny
	// weight that ran a moment would wait minutes after every wake-up.
	s64 max_lag = rq_max_lag(rq);
	if (rel > max_lag)
		rel = max_lag;
	t->vruntime = rq->min_vruntime + rel;
	t->on_rq = true;
	rq->nr_running++;
	t->sched_group = cpu_task_group(t);
	t->hw_gen = 0;
	account_task_load(rq, t, t->weight);
	if (t != rq->curr)
		enqueue_tree(rq, t);
}

// deactivate_task without the tree (t is not in it).
static void deactivate_off_tree(struct rq *rq, struct task *t)
{
	t->on_rq = false;
	rq->nr_running--;
	account_task_load(rq, t, -(long)t->weight);
	t->vruntime -= rq->min_vruntime;
}

void deactivate_task(struct rq *rq, struct task *t)
{
	assert_held(&rq->lock);
	if (t != rq->curr)
		dequeue_tree(rq, t);
	deactivate_off_tree(rq, t);
}

void resched_curr(struct rq *rq)
{
	struct cpu *c = cpus[rq->cpu];
	if (c->need_resched)
		return;
	c->need_resched = true;
	if (rq->cpu == smp_processor_id())
		return;
	// Pairs with the barrier in idle_poll: either it sees need_resched
	// or we see that it stopped polling and send the IPI.
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!READ_ONCE(c->polling))
		smp_send_reschedule(rq->cpu);
}

void check_preempt_wakeup(struct rq *rq, struct task *t)
{
	assert_held(&rq->lock);
	struct task *c = rq->curr;
	if (c == rq->idle) {
		resched_curr(rq);
		return;
	}
	update_curr(rq);
	s64 gran = group_is_root(t->sched_group)
			   ? (s64)(SCHED_WAKEUP_GRANULARITY_NS * NICE_0_WEIGHT / t->weight)
			   : (s64)(SCHED_WAKEUP_GRANULARITY_NS *
				   ((u64)NICE_0_WEIGHT << WEIGHT_SHIFT) / task_h_weight(rq, t));
	if ((s64)(c->vruntime - t->vruntime) > gran)
		resched_curr(rq);
}

void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a->cpu < b->cpu) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

void double_rq_unlock(struct rq *a, struct rq *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

// Lock the rq t is on (interrupts off). t->cpu may change until we hold
// that rq's lock (the balancer moves queued tasks holding only rq locks),
// hence the re-check.
static struct rq *task_rq_lock(struct task *t)
{
	for (;;) {
		struct rq *rq = cpu_rq(READ_ONCE(t->cpu));
		spin_lock(&rq->lock);
		if (rq->cpu == READ_ONCE(t->cpu))
			return rq;
		spin_unlock(&rq->lock);
	}
}

// ---- Picking and switching ---------------------------------------------

// ---- Throttling (rq->lock held) ------------------------------------------

// The first group of t's chain that is throttled, or NULL.
static struct sched_group *task_throttled_group(struct task *t)
{
	for (struct sched_group *g = t->sched_group; !group_is_root(g); g = g->parent)
		if (READ_ONCE(g->throttled))
			return g;
	return NULL;
}

// t is on rq (running, or just taken out of the tree): if a group of its
// chain is throttled, take it off the queue onto that group's list.
// Only a TASK_RUNNING task: one preempted on its way to sleep goes on.
// Nor one that owns a mutex: every task waiting for the mutex would wait
// for the group's next period too (a period of 1 s and a quota of 1 ms
// make a 20 ms critical section last 20 s). It runs on, over its quota,
// until it lets go; the next tick finds its group still throttled and
// throttles it then (the overrun is paid from the next periods). Linux
// defers the throttle to the return to user mode for the same reason.
// Nor one that is killed: it runs to its exit at once (it would otherwise
// take the group's quota's worth per period to get there: a kill -9 in a
// container of 1 ms a second took minutes), and sched_unthrottle_killed
// lets it go if it was throttled already.
static bool throttle_task(struct rq *rq, struct task *t)
{
	assert_held(&rq->lock);
	struct sched_group *g = task_throttled_group(t);
	if (!g || t->state != TASK_RUNNING || READ_ONCE(t->mutexes_owned) ||
	    READ_ONCE(t->kill_pending))
		return false;
	spin_lock(&g->bw_lock);
	bool still = g->throttled;
	if (still) {
		deactivate_off_tree(rq, t);
		t->throttled_on = g;
		list_add_tail(&t->throttle_node, &g->throttled_tasks);
		t->throttle_listed = true;
	}
	spin_unlock(&g->bw_lock);
	return still;
}

static void group_charge_runtime(struct rq *rq, struct sched_group *g, u64 delta, u64 now)
{
	bool throttled = false;
	for (; !group_is_root(g); g = g->parent) {
		if (READ_ONCE(g->quota_ns) < 0)
			continue;
		spin_lock(&g->bw_lock);
		if (g->quota_ns >= 0) {
			g->runtime_ns -= (s64)delta;
			g->used = true;
			if (g->runtime_ns <= 0 && !g->throttled) {
				g->throttled = true;
				g->throttled_at = now;
				g->nr_throttled++;
			}
			throttled |= g->throttled;
		}
		spin_unlock(&g->bw_lock);
	}
	if (throttled)
		resched_curr(rq);
}

static struct task *pick_next_task(struct rq *rq)
{
	struct task *skip = rq->skip;
	rq->skip = NULL;
	for (;;) {
		struct rb_node *n = rb_first_cached(&rq->tasks);
		if (!n)
			return rq->idle;
		struct task *t = rb_entry(n, struct task, run_node);
		if (t == skip && rb_next(n))
			t = rb_entry(rb_next(n), struct task, run_node);
		dequeue_tree(rq, t);
		if (likely(group_is_root(t->sched_group)) || !bw_active() || !throttle_task(rq, t))
			return t;
	}
}

// Put t, which has just become runnable off every queue, on an allowed CPU.
// Interrupts off, t->lock held, t->on_cpu == 0.
static void enqueue_woken(struct task *t)
{
	struct rq *rq = cpu_rq(select_task_rq(t));
	spin_lock(&rq->lock);
	t->cpu = rq->cpu;
	t->state = TASK_RUNNING;
	activate_task(rq, t);
	check_preempt_wakeup(rq, t);
	spin_unlock(&rq->lock);
}

// A throttled task leaves its group's wait early (a move, a kill): take
// it off the group's list, under t->lock and t's rq lock. False if it is
// on no list, or if the period's end took it first (unthrottle_list
// queues it then).
static bool claim_throttled(struct task *t)
{
	struct sched_group *g = t->throttled_on;
	if (!g)
		return false;
	spin_lock(&g->bw_lock);
	bool claimed = t->throttle_listed;
	if (claimed) {
		list_del_init(&t->throttle_node);
		t->throttle_listed = false;
	}
	spin_unlock(&g->bw_lock);
	return claimed;
}

// t was claimed off its group's list; t->lock held, interrupts off: queue
// it on an allowed CPU.
static void requeue_throttled(struct task *t)
{
	t->throttled_on = NULL;
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax(); // (throttled as it switched away)
	enqueue_woken(t);
}

// prev was switched out because its CPU is no longer allowed: queue it on
// an allowed one. Interrupts off, no lock held.
void (*sched_migrate_window_hook)(struct task *t);

static void migrate_task_away(struct task *t)
{
	if (unlikely(READ_ONCE(sched_migrate_window_hook)))
		sched_migrate_window_hook(t);
	spin_lock(&t->lock);
	t->migrate_pending = false;
	enqueue_woken(t);
	spin_unlock(&t->lock);
}

// The incoming task's half of a switch, with this CPU's rq locked.
static void finish_task_switch(void)
{
	struct rq *rq = this_cpu()->rq;
	struct task *prev = rq->prev;
	rq->prev = NULL;
	bool migrate = prev->migrate_pending;
	if (prev->state == TASK_ZOMBIE)
		task_switched_out_dead(prev); // may queue it for auto-reaping
	// From here on another CPU may run, wake, move or reap prev.
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	if (migrate)
		migrate_task_away(prev);
}

static void __schedule(bool preempt)
{
	unsigned long flags = local_irq_save();
	struct cpu *c = this_cpu();
	struct rq *rq = c->rq;
	spin_lock(&rq->lock);
	struct task *prev = rq->curr, *next;
	update_curr(rq);
	if (prev != rq->idle) {
		// A task that set a sleep state sleeps -- unless this is a
		// preemption, which must never put a task to sleep.
		if (!preempt && prev->state != TASK_RUNNING) {
			if ((prev->state & TASK_INTERRUPTIBLE) && task_kill_pending(prev))
				prev->state = TASK_RUNNING;
			else
				deactivate_task(rq, prev);
		}
		if (prev->on_rq && !cpumask_test_cpu(rq->cpu, &prev->cpus_allowed)) {
			deactivate_task(rq, prev); // finish_task_switch moves it
			prev->migrate_pending = true;
		}
		if (prev->on_rq && !group_is_root(prev->sched_group) && bw_active())
			throttle_task(rq, prev);
		if (prev->on_rq)
			enqueue_tree(rq, prev);
	}
	next = pick_next_task(rq);
	c->need_resched = false;
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	next->on_cpu = 1;
	next->exec_start = rq->clock_ns;
	next->slice_start_exec = next->sum_exec_ns;
	next->nr_switches++;
	rq->curr = next;
	rq->prev = prev;
	c->current_task = next;
	switch_context(&prev->kstack_rsp, next->kstack_rsp, prev->fpu, next->fpu);
	// We are prev again, maybe on another CPU, switched to by someone.
	finish_task_switch();
	local_irq_restore(flags);
}

static void __attribute__((noinline)) schedule_bug(void)
{
	struct cpu *c = this_cpu();
	struct spinlock *l = c->locks_held_hint;
	panic("scheduling while atomic: %s/%d, preempt_count %d, spinlocks held %d "
	      "(last taken: %s), irq depth %d",
	      current ? current->name : "?", current ? current->pid : -1, preempt_count(),
	      c->locks_held, l && c->locks_held ? l->name : "-", c->irq_depth);
}

void schedule(void)
{
	if (unlikely(preempt_count() != 0 || this_cpu_read_int(locks_held) != 0 ||
		     this_cpu_read_int(irq_depth) != 0))
		schedule_bug();
	__schedule(false);
	while (need_resched())
		__schedule(true);
}

// The final switch of an exiting task (task.c): preemption was disabled
// once so that nothing switched it out between becoming a zombie and here.
void schedule_dead(void)
{
	cli();
	if (preempt_count() != 1 || this_cpu()->locks_held != 0)
		schedule_bug();
	preempt_enable_no_resched();
	__schedule(false);
	panic("zombie %s/%d ran again", current->name, current->pid);
}

// First code a new task runs (from task_entry in switch.S).
void schedule_tail(void)
{
	finish_task_switch();
	sti();
	preempt_check_resched();
}

void task_first_run(int (*fn)(void *), void *arg)
{
	schedule_tail();
	task_exit(fn(arg));
}

static bool may_preempt(void)
{
	return sched_running && preempt_count() == 0 && irqs_enabled() &&
	       this_cpu_read_int(irq_depth) == 0 && current;
}

void preempt_enable(void)
{
	preempt_enable_no_resched();
	if (unlikely(need_resched()) && may_preempt())
		do
			__schedule(true);
		while (need_resched());
}

void preempt_check_resched(void)
{
	if (unlikely(need_resched()) && may_preempt())
		do
			__schedule(true);
		while (need_resched());
}

// App code lies between these (linker.ld): a kill may take effect there.
extern char __app_text_start[], __app_text_end[];

void irq_exit_hook(struct trap_frame *tf)
{
	struct task *t = current;
	if (!sched_running || !t || preempt_count() != 0 || !(tf->rflags & RFLAGS_IF))
		return;
	if (unlikely(t->kill_pending || t->stop_pending) && tf->rip >= (u64)__app_text_start &&
	    tf->rip < (u64)__app_text_end) {
		// Killed (or stopped) while running app code: exit (or stop) right
		// here, on its own stack, as if the app had called exit. The interrupt
		// is over (EOI sent, irq_depth 0); the frame below is abandoned on exit.
		sti();
		task_check_killed();
		cli();
	}
	while (need_resched())
		__schedule(true);
}

void sched_ipi(void)
{
	// Nothing to do here: whoever sent it set need_resched, and
	// irq_exit_hook acts on it when this interrupt returns.
}

void set_current_state(int state)
{
	current->state = state;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

// ---- Wake-ups ------------------------------------------------------------

bool wake_up_state(struct task *t, int mask)
{
	bool woke = false;
	unsigned long f = spin_lock_irqsave(&t->lock);
	if (!(READ_ONCE(t->state) & mask))
		goto out;
	woke = true;
	struct rq *rq = task_rq_lock(t);
	if (t->on_rq || t->throttled_on || t->migrate_pending) {
		// It has not switched away yet (or was preempted before it
		// could), or it waits for its group's next period, or the CPU
		// that switched it off a forbidden CPU is about to queue it
		// elsewhere (migrate_task_away): it only needs to be running
		// again. Queueing it here too would queue it twice: two CPUs
		// could run it at once.
		t->state = TASK_RUNNING;
		t->wake_burst_ticks = SCHED_WAKE_BURST_TICKS;
		spin_unlock(&rq->lock);
		goto out;
	}
	spin_unlock(&rq->lock);
	// Off every queue. Its old CPU may still be switching away from it:
	// wait until its stack is free before another CPU may run it.
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	t->wake_burst_ticks = SCHED_WAKE_BURST_TICKS;
	enqueue_woken(t);
out:
	spin_unlock_irqrestore(&t->lock, f);
	return woke;
}

bool wake_up_process(struct task *t) { return wake_up_state(t, TASK_NORMAL); }

// task_start(): a TASK_NEW task's first queueing.
void sched_wake_new(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	t->vruntime = 0; // relative: starts at the queue's min_vruntime
	t->wake_burst_ticks = SCHED_WAKE_BURST_TICKS;
	enqueue_woken(t);
	spin_unlock_irqrestore(&t->lock, f);
}

void sched_yield(void)
{
	unsigned long f = local_irq_save();
	struct rq *rq = this_cpu()->rq;
	spin_lock(&rq->lock);
	if (rq->nr_running > 1) {
		rq->skip = rq->curr;
		this_cpu()->need_resched = true;
	}
	spin_unlock(&rq->lock);
	local_irq_restore(f);
	schedule();
}

// ---- The tick --------------------------------------------------------------

// Has curr had its share of the period? Then let the leftmost run.
static void check_preempt_tick(struct rq *rq, struct task *curr)
{
	u64 ran = curr->sum_exec_ns - curr->slice_start_exec;
	u64 period = MAX(SCHED_LATENCY_NS, rq->nr_running * SCHED_MIN_GRANULARITY_NS);
	u64 ideal = group_is_root(curr->sched_group)
			    ? period * curr->weight / rq->load_weight
			    : period * task_h_weight(rq, curr) / ((u64)rq->load_weight << WEIGHT_SHIFT);
	if (ran > ideal) {
		resched_curr(rq);
		return;
	}
	struct task *left = leftmost(rq);
	if (ran >= SCHED_MIN_GRANULARITY_NS && left &&
	    (s64)(curr->vruntime - left->vruntime) > (s64)ideal)
		resched_curr(rq);
}

// ---- Load average -------------------------------------------------------------

// Linux's calc_load: every LOAD_FREQ the number of runnable tasks (on a
// run queue, running included) is folded into three exponentially decayed
// averages, 1, 5 and 15 minutes, in fixed point with FSHIFT fraction bits:
// load = load * e + active * (1 - e), e = exp(-5 s / period). Corral does
// not add tasks in uninterruptible sleep as Linux does: its apps sleep
// that way in `sleep`, which is no load. The first CPU whose tick finds a
// sample due takes it (load_next_ns, claimed with a compare-exchange); if
// samples were missed they are applied all at once, as Linux's
// calc_global_nohz. avenrun is written only by the claiming tick, read
// racily (each value is one word).
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_FREQ_NS (5 * NSEC_PER_SEC)
#define EXP_1 1884  // FIXED_1 / exp(5 s / 1 min)
#define EXP_5 2014  // FIXED_1 / exp(5 s / 5 min)
#define EXP_15 2037 // FIXED_1 / exp(5 s / 15 min)

static unsigned long avenrun[3];
static u64 load_next_ns = LOAD_FREQ_NS;

static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);
	if (active >= load)
		newload += FIXED_1 - 1; // round up while rising: a load of 1 reaches 1.00
	return newload / FIXED_1;
}

// x^n in fixed point (frac_bits fraction bits), by squaring.
static unsigned long fixed_power_int(unsigned long x, unsigned frac_bits, unsigned long n)
{
	unsigned long result = 1UL << frac_bits;
	while (n) {
		if (n & 1) {
			result = (result * x + (1UL << (frac_bits - 1))) >> frac_bits;
		}
		n >>= 1;
		x = (x * x + (1UL << (frac_bits - 1))) >> frac_bits;
	}
	return result;
}

static void calc_global_load(u64 now)
{
	u64 due = READ_ONCE(load_next_ns);
	if (now < due)
		return;
	unsigned long periods = (now - due) / LOAD_FREQ_NS + 1;
	if (!__atomic_compare_exchange_n(&load_next_ns, &due, due + periods * LOAD_FREQ_NS,
					 false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return; // another CPU took this sample
	unsigned long active = 0;
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		active += READ_ONCE(cpu_rq(cpu)->nr_running);
	sched_loadavg_fold(avenrun, active, periods);
}

void sched_loadavg_fold(unsigned long loads[3], unsigned long active, unsigned long periods)
{
	static const unsigned long exp[3] = {EXP_1, EXP_5, EXP_15};
	for (int i = 0; i < 3; i++) {
		unsigned long e = periods == 1 ? exp[i] : fixed_power_int(exp[i], FSHIFT, periods);
		WRITE_ONCE(loads[i], calc_load(READ_ONCE(loads[i]), e, active * FIXED_1));
	}
}

void sched_loadavg(unsigned long loads[3])
{
	for (int i = 0; i < 3; i++)
		loads[i] = READ_ONCE(avenrun[i]);
}

void sched_tick(void)
{
	struct cpu *c = this_cpu();
	if (!sched_running || !c->current_task)
		return;
	struct rq *rq = c->rq;
	spin_lock(&rq->lock); // interrupts are off in the handler
	update_curr(rq);
	if (rq->curr->wake_burst_ticks)
		rq->curr->wake_burst_ticks--;
	if (!group_is_root(rq->curr->sched_group) && rq->curr->on_rq)
		group_load_add(rq, rq->curr->sched_group, 0, true);
	if (rq->curr == rq->idle) {
		if (rq->nr_running)
			resched_curr(rq);
	} else if (rq->nr_running > 1) {
		check_preempt_tick(rq, rq->curr);
	}
	spin_unlock(&rq->lock);
	calc_global_load(clock_ns());
	timer_tick();
	if (c->ticks % BALANCE_TICKS == 0)
		periodic_balance(rq);
}

// ---- Idle ------------------------------------------------------------------

// Before halting, an idle CPU watches need_resched for IDLE_POLL_US (like
// Linux's guest haltpoll): a wake-up that comes within that time is seen
// at once, without the IPI (resched_curr skips it while `polling`) and,
// under QEMU, without the vCPU thread going to sleep on the host and being
// woken again, which costs tens of microseconds each way. Measured on 4
// vCPUs/2 host cores: wakeup_cross_cpu_us ~55 -> ~20, pipe_roundtrip_xcpu_us
// ~60 -> ~21, spawn_exit_wait_us ~70 -> ~30. Longer polls would steal host
// time from busy vCPUs (see the note on hlt below). Returns true if work
// came.
#define IDLE_POLL_US 50

static bool idle_poll(void)
{
	struct cpu *c = this_cpu();
	u64 end = rdtsc() + tsc_hz * IDLE_POLL_US / 1000000;
	WRITE_ONCE(c->polling, true);
	while (rdtsc() < end) {
		if (need_resched())
			break;
		cpu_relax();
	}
	__atomic_store_n(&c->polling, false, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return need_resched();
}

void cpu_idle_loop(void)
{
	for (;;) {
		if (need_resched()) {
			schedule();
			continue;
		}
		if (idle_balance(this_cpu()->rq))
			continue;
		if (idle_poll())
			continue;
		// sti;hlt is atomic: an interrupt (a wake-up IPI) that comes
		// after the check still ends the hlt. Never spin for long:
		// under QEMU TCG a spinning vCPU steals time from the busy ones.
		cli();
		if (need_resched())
			sti();
		else
			__asm__ volatile("sti; hlt" ::: "memory");
	}
}

// ---- Sleeping ----------------------------------------------------------------

struct wake_timer {
	struct timer timer;
	struct task *task;
};

static void wake_timer_fn(struct timer *tm)
{
	wake_up_process(container_of(tm, struct wake_timer, timer)->task);
}

void schedule_until(u64 deadline_ns)
{
	struct wake_timer wt;
	timer_init(&wt.timer, wake_timer_fn);
	wt.task = current;
	timer_add(&wt.timer, deadline_ns);
	schedule();
	timer_del_sync(&wt.timer);
}

int sleep_ns(u64 ns)
{
	u64 deadline = clock_ns() + ns;
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (task_kill_pending(current)) {
			set_current_state(TASK_RUNNING);
			return -EINTR;
		}
		if (clock_ns() >= deadline) {
			set_current_state(TASK_RUNNING);
			return 0;
		}
		schedule_until(deadline);
	}
}

// ---- Affinity, nice, statistics ------------------------------------------

// Is t still to be moved off a CPU mask does not allow? (A task that
// went to sleep there will be placed correctly when it wakes.)
static bool still_on_forbidden_cpu(struct task *t, const cpumask_t *mask)
{
	if (cpumask_test_cpu(READ_ONCE(t->cpu), mask))
		return false;
	return READ_ONCE(t->state) == TASK_RUNNING || READ_ONCE(t->on_cpu);
}

int set_cpus_allowed(struct task *t, const cpumask_t *mask)
{
	cpumask_t m;
	if (!cpumask_and(&m, mask, &cpu_online_mask) || t->is_idle)
		return -EINVAL;
	bool wait = false;
	unsigned long f = spin_lock_irqsave(&t->lock);
	struct rq *rq = task_rq_lock(t);
	t->cpus_allowed = m;
	if (cpumask_test_cpu(t->cpu, &m) || !t->on_rq) {
		spin_unlock(&rq->lock); // fine where it is, or placed at wake-up
	} else if (rq->curr == t) {
		resched_curr(rq); // __schedule moves it off
		spin_unlock(&rq->lock);
		wait = true;
	} else {
		deactivate_task(rq, t); // queued: move it now
		spin_unlock(&rq->lock);
		enqueue_woken(t);
	}
	spin_unlock_irqrestore(&t->lock, f); // (reschedules here if t == current)
	if (wait && t == current && !may_preempt())
		panic("set_cpus_allowed: %s/%d moves itself in atomic context", t->name, t->pid);
	while (wait && still_on_forbidden_cpu(t, &m) && cpumask_equal(&t->cpus_allowed, &m))
		cpu_relax();
	return 0;
}

bool sched_swap_css_set(struct task *t, struct css_set *old, struct css_set *new,
			struct spinlock *css_lock)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	struct rq *rq = task_rq_lock(t);
	spin_lock(css_lock);
	bool ok = t->css_set == old, unthrottle = false;
	if (ok && rq->curr == t)
		update_curr(rq); // its time so far goes to the old containers
	if (ok && t->on_rq) { // its load moves to its new group, if it has one
		struct sched_group *was = t->sched_group;
		t->css_set = new;
		t->sched_group = cpu_task_group(t);
		t->hw_gen = 0;
		if (t->sched_group != was) {
			group_load_add(rq, was, -(long)t->weight, false);
			account_task_load(rq, t, t->weight);
		}
	} else if (ok) {
		t->css_set = new;
		unthrottle = claim_throttled(t); // leaves its old group's wait at once
	}
	spin_unlock(css_lock);
	spin_unlock(&rq->lock);
	if (unthrottle)
		requeue_throttled(t);
	spin_unlock_irqrestore(&t->lock, f);
	return ok;
}

unsigned long sched_lock_current_css(struct spinlock *css_lock)
{
	struct task *t = current;
	unsigned long f = spin_lock_irqsave(&t->lock);
	spin_lock(&this_cpu()->rq->lock); // t's own: it runs here, interrupts off
	spin_lock(css_lock);
	return f;
}

void sched_unlock_current_css(struct spinlock *css_lock, unsigned long flags)
{
	spin_unlock(css_lock);
	spin_unlock(&this_cpu()->rq->lock);
	spin_unlock_irqrestore(&current->lock, flags);
}

int task_update_cpus_allowed(struct task *t)
{
	cpumask_t cs, m;
	cpuset_cpus_allowed(t, &cs);
	if (!cpumask_and(&m, &cs, &t->cpus_affinity))
		m = cs; // the cpuset wins over an affinity it excludes
	return set_cpus_allowed(t, &m);
}

int sched_setaffinity(pid_t pid, const cpumask_t *mask)
{
	struct task *t = pid ? task_find_get(pid) : current;
	if (!t)
		return -ESRCH;
	if (pid == 0)
		task_get(t);
	cpumask_t cs, m;
	cpuset_cpus_allowed(t, &cs);
	int err = -EINVAL;
	if (cpumask_and(&m, &cs, mask) && cpumask_intersects(&m, &cpu_online_mask)) {
		unsigned long f = spin_lock_irqsave(&t->lock);
		t->cpus_affinity = *mask;
		spin_unlock_irqrestore(&t->lock, f);
		err = set_cpus_allowed(t, &m);
	}
	task_put(t);
	return err;
}

int sched_getaffinity(pid_t pid, cpumask_t *mask)
{
	struct task *t = pid ? task_find_get(pid) : current;
	if (!t)
		return -ESRCH;
	unsigned long f = spin_lock_irqsave(&t->lock);
	cpumask_and(mask, &t->cpus_allowed, &cpu_online_mask);
	spin_unlock_irqrestore(&t->lock, f);
	if (pid)
		task_put(t);
	return 0;
}

void set_mems_allowed(struct task *t, const nodemask_t *mask)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	t->mems_allowed = *mask;
	spin_unlock_irqrestore(&t->lock, f);
}

int sched_setnice(struct task *t, int nice)
{
	nice = MAX(-20, MIN(19, nice));
	unsigned long f = spin_lock_irqsave(&t->lock);
	struct rq *rq = task_rq_lock(t);
	if (rq->curr == t)
		update_curr(rq);
	bool queued = t->on_rq && rq->curr != t;
	if (queued)
		dequeue_tree(rq, t);
	u32 w = sched_nice_to_weight(nice);
	if (t->on_rq)
		account_task_load(rq, t, (long)w - (long)t->weight);
	t->nice = nice;
	t->weight = w;
	t->hw_gen = 0;
	if (queued)
		enqueue_tree(rq, t);
	spin_unlock(&rq->lock);
	spin_unlock_irqrestore(&t->lock, f);
	return 0;
}

u64 task_cpu_time_ns(struct task *t)
{
	unsigned long f = local_irq_save();
	struct rq *rq = task_rq_lock(t);
	if (rq->curr == t)
		update_curr(rq);
	u64 ns = t->sum_exec_ns;
	spin_unlock(&rq->lock);
	local_irq_restore(f);
	return ns;
}

int sched_nr_running(int cpu) { return READ_ONCE(cpu_rq(cpu)->nr_running); }

static bool dump_task(struct task *t, void *arg)
{
	(void)arg;
	kprintf("  %5d %-12s %c cpu %d on_rq %d on_cpu %d ppid %d kill %d cpu_ms %llu\n", t->pid,
		t->name, task_state_char(t), t->cpu, t->on_rq, t->on_cpu,
		t->parent ? t->parent->pid : 0, t->kill_pending,
		(unsigned long long)(t->sum_exec_ns / NSEC_PER_MSEC));
	return true;
}

void sched_dump(void)
{
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		struct rq *rq = cpu_rq(cpu);
		struct cpu *c = cpus[cpu];
		char where[64];
		symbolize(c->tick_rip, where, sizeof(where));
		kprintf("cpu %d: curr %s/%d nr_running %u need_resched %d min_vruntime %llu\n", cpu,
			rq->curr ? rq->curr->name : "-", rq->curr ? rq->curr->pid : -1,
			rq->nr_running, c->need_resched,
			(unsigned long long)rq->min_vruntime);
		// A CPU whose ticks stop has interrupts off; its last tick says where.
		kprintf("cpu %d:   ticks %llu, the last at %s (interrupts %s), preempt_count %d, "
			"spinlocks held %d\n", cpu, (unsigned long long)c->ticks, where,
			(c->tick_rflags & RFLAGS_IF) ? "on" : "off", c->preempt_count, c->locks_held);
	}
	for_each_task(dump_task, NULL);
}

// ---- Groups: life and bandwidth ---------------------------------------------

s64 sched_bw_refill(s64 runtime, s64 quota)
{
	// An overrun is paid from the next period; what was not used is not
	// kept (a period never offers more than quota).
	return MIN(runtime + quota, quota);
}

// t was taken off g's list by the caller (claimed): put it back on a queue.
static void unthrottle_task(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	requeue_throttled(t);
	spin_unlock_irqrestore(&t->lock, f);
}

void sched_unthrottle_killed(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	// Under t's rq lock: a throttle_task that did not see the kill has
	// listed t by now (t->kill_pending was set before this call).
	struct rq *rq = task_rq_lock(t);
	bool claimed = claim_throttled(t);
	spin_unlock(&rq->lock);
	if (claimed)
		requeue_throttled(t);
	spin_unlock_irqrestore(&t->lock, f);
}

// Put g's throttled tasks back, one at a time, while g is not throttled
// (again) -- all of them once it is dying.
static void unthrottle_list(struct sched_group *g)
{
	for (;;) {
		unsigned long f = spin_lock_irqsave(&g->bw_lock);
		struct task *t = NULL;
		if ((!g->throttled || g->dying) && !list_empty(&g->throttled_tasks)) {
			t = list_first_entry(&g->throttled_tasks, struct task, throttle_node);
			list_del_init(&t->throttle_node);
			t->throttle_listed = false;
		}
		spin_unlock_irqrestore(&g->bw_lock, f);
		if (!t)
			return;
		unthrottle_task(t);
	}
}

// The end of one of g's periods (interrupt context).
static void period_timer_fn(struct timer *tm)
{
	struct sched_group *g = container_of(tm, struct sched_group, period_timer);
	u64 now = clock_ns();
	unsigned long f = spin_lock_irqsave(&g->bw_lock);
	if (g->used || g->throttled)
		g->nr_periods++;
	g->used = false;
	if (g->quota_ns >= 0)
		g->runtime_ns = sched_bw_refill(g->runtime_ns, g->quota_ns);
	bool unthrottle = g->throttled && (g->quota_ns < 0 || g->runtime_ns > 0);
	if (unthrottle) {
		g->throttled = false;
		g->throttled_ns += now - g->throttled_at;
	}
	if (g->quota_ns >= 0 && !g->dying) {
		u64 next = tm->expires_ns + g->period_ns;
		timer_add(tm, next > now ? next : now + g->period_ns);
	} else {
		g->timer_on = false;
	}
	spin_unlock_irqrestore(&g->bw_lock, f);
	if (unthrottle)
		unthrottle_list(g);
}

struct sched_group *sched_group_create(struct sched_group *parent)
{
	struct sched_group *g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return NULL;
	g->parent = parent ? parent : &root_sched_group;
	g->shares = NICE_0_WEIGHT;
	spin_lock_init(&g->bw_lock, "sched_group.bw");
	g->quota_ns = -1;
	g->period_ns = 100 * NSEC_PER_MSEC;
	INIT_LIST_HEAD(&g->throttled_tasks);
	timer_init(&g->period_timer, period_timer_fn);
	return g;
}

void sched_group_destroy(struct sched_group *g)
{
	if (group_is_root(g))
		return;
	unsigned long f = spin_lock_irqsave(&g->bw_lock);
	g->dying = true;
	bw_count(g->quota_ns, -1);
	g->quota_ns = -1;
	if (g->throttled) {
		g->throttled = false;
		g->throttled_ns += clock_ns() - g->throttled_at;
	}
	spin_unlock_irqrestore(&g->bw_lock, f);
	// The timer may re-arm itself once more if it was running.
	do
		timer_del_sync(&g->period_timer);
	while (timer_pending(&g->period_timer));
	unthrottle_list(g); // tasks that moved out while throttled
	WARN_ON(__atomic_load_n(&g->load_sum, __ATOMIC_RELAXED) != 0);
	kfree(g);
}

void sched_group_set_shares(struct sched_group *g, unsigned long shares)
{
	if (group_is_root(g))
		return;
	WRITE_ONCE(g->shares, MAX(MIN(shares, (unsigned long)SCHED_MAX_SHARES),
				  (unsigned long)SCHED_MIN_SHARES));
	// Weights follow at each CPU's next enqueue, dequeue or tick.
}

void sched_group_set_bandwidth(struct sched_group *g, s64 quota_ns, u64 period_ns)
{
	if (group_is_root(g))
		return;
	unsigned long f = spin_lock_irqsave(&g->bw_lock);
	bw_count(g->quota_ns, quota_ns);
	g->quota_ns = quota_ns < 0 ? -1 : quota_ns;
	g->period_ns = period_ns;
	g->runtime_ns = quota_ns < 0 ? 0 : quota_ns;
	bool unthrottle = g->throttled;
	if (unthrottle) {
		g->throttled = false;
		g->throttled_ns += clock_ns() - g->throttled_at;
	}
	if (quota_ns >= 0 && !g->timer_on && !g->dying) {
		g->timer_on = true;
		timer_add(&g->period_timer, clock_ns() + period_ns);
	}
	spin_unlock_irqrestore(&g->bw_lock, f);
	if (unthrottle)
		unthrottle_list(g);
}

void sched_group_stat(struct sched_group *g, struct sched_group_stat *st)
{
	unsigned long f = spin_lock_irqsave(&g->bw_lock);
	st->nr_periods = g->nr_periods;
	st->nr_throttled = g->nr_throttled;
	st->throttled_ns = g->throttled_ns;
	if (g->throttled) // the wait so far
		st->throttled_ns += clock_ns() - g->throttled_at;
	spin_unlock_irqrestore(&g->bw_lock, f);
}

// ---- Boot ----------------------------------------------------------------------

void fpu_init_task(struct task *t) { memcpy(t->fpu, fpu_template, FXSAVE_SIZE); }

static void rq_init(struct rq *rq, int cpu)
{
	spin_lock_init(&rq->lock, "rq");
	rq->tasks = RB_ROOT_CACHED;
	rq->cpu = cpu;
	rq->hw_gen = 1; // a new task's hw_gen 0 matches nothing
}

// Make the idle task of cpu the running task of its rq (not started yet
// for an AP: ap_main does that).
static void idle_setup(int cpu)
{
	struct task *idle = kzalloc(sizeof(*idle), GFP_KERNEL);
	if (!idle)
		panic("sched_init: no memory for the idle task of cpu %d", cpu);
	task_init_idle(idle, cpu);
	fpu_init_task(idle);
	struct rq *rq = cpu_rq(cpu);
	rq->idle = rq->curr = idle;
	rq->clock_ns = idle->exec_start = clock_ns();
	cpus[cpu]->idle = idle;
	cpus[cpu]->rq = rq;
}

void sched_init(void)
{
	// The state a new task's FPU starts in: x87 reset, SSE exceptions
	// masked (MXCSR 0x1f80), as a C program expects.
	u32 mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %1; fxsave64 %0"
			 : "=m"(fpu_template)
			 : "m"(mxcsr));
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		rq_init(cpu_rq(cpu), cpu);
	task_init_pids();
	// Every CPU smp_init started (cpus[] set), online yet or not: they
	// come up while we run, and go idle after smp_cpus_done.
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpus[cpu])
			idle_setup(cpu);
	// This boot context is CPU 0's idle task from now on.
	struct task *idle = this_cpu()->idle;
	idle->on_cpu = 1;
	this_cpu()->current_task = idle;
	__atomic_store_n(&sched_running, true, __ATOMIC_RELEASE);
}

void ap_main(void)
{
	struct cpu *c = this_cpu();
	// The APs are released by smp_cpus_done, which runs after sched_init
	// (kernel/init.c): this CPU has its idle task.
	if (!__atomic_load_n(&sched_running, __ATOMIC_ACQUIRE) || !c->idle)
		panic("cpu %d released before sched_init", c->id);
	c->idle->on_cpu = 1;
	c->current_task = c->idle;
	sti();
	cpu_idle_loop();
}
