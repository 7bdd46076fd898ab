// Scheduler internals shared by kernel/sched.c (run queues, switching,
// wake-ups) and kernel/sched_balance.c (placement and load balancing).
// Nothing outside the scheduler should include this.
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/task.h"
#include "kernel/timer.h"
#include "lib/rbtree.h"

// One per CPU. Everything here is guarded by lock (taken with interrupts
// off), except that other CPUs read nr_running racily as a load hint.
struct rq {
	struct spinlock lock;
	struct rb_root_cached tasks;  // queued tasks by vruntime (not curr)
	unsigned nr_running;          // on_rq tasks here, curr included (idle not)
	unsigned long load_weight;    // sum of their weights
	u64 min_vruntime;             // only grows; new and waking tasks start here
	struct task *curr;            // running now (idle when nothing else)
	struct task *idle;
	struct task *skip;            // yielded: pick another if there is one
	struct task *prev;            // hand-over from the switching task to
				      // finish_task_switch on the same CPU
	u64 clock_ns;                 // when busy/idle time was last accounted
	int cpu;
	u64 hw_gen;                   // bumped at every change of a group's
				      // load or weight on this CPU (from 1):
				      // tasks' cached h_weight is of one
	int cross_node_streak;        // periodic balances that saw a cross-node
				      // imbalance in a row
};

// A container's group (kernel/containers/cpu.c makes them). Per CPU, the
// group is an entity in its parent's queue whose weight is
// shares * load_here / load_everywhere (at least SCHED_MIN_SHARES); the
// CPU's queue itself stays flat (tasks only), each task running at the
// weight it has through its chain of groups (see kernel/sched.c).
struct sched_group_cpu {
	unsigned long load;   // tasks of the group queued here (their weight)
			      // + its child groups' weights here (rq lock)
	unsigned long weight; // this group's entity weight in the parent's
			      // load here, 0 while load is 0 (rq lock)
};

struct sched_group {
	struct sched_group *parent; // NULL for the root; outlives the child
	unsigned long shares;       // written racily, read once per use
	long load_sum;              // sum of cpu[].load (atomic adds)
	// Bandwidth. bw_lock (irq-safe, taken inside rq locks) guards:
	struct spinlock bw_lock;
	s64 quota_ns;               // < 0: unlimited (read racily as a hint)
	u64 period_ns;
	s64 runtime_ns;             // left in this period (may go negative: a debt)
	bool throttled;             // runtime ran out: its tasks come off
				    // their queues as they are next looked at
	bool used;                  // ran in the current period
	bool timer_on;              // period_timer armed or about to be
	bool dying;                 // sched_group_destroy: do not re-arm
	u64 throttled_at;
	u64 nr_periods, nr_throttled, throttled_ns;
	struct list_head throttled_tasks; // tasks it took off (task->throttle_node)
	struct timer period_timer;
	struct sched_group_cpu cpu[NR_CPUS];
};

extern struct rq runqueues[NR_CPUS];
static inline struct rq *cpu_rq(int cpu) { return &runqueues[cpu]; }

// Both rq locks, lower CPU id first (interrupts must be off).
void double_rq_lock(struct rq *a, struct rq *b);
void double_rq_unlock(struct rq *a, struct rq *b);

// With rq->lock held:
void activate_task(struct rq *rq, struct task *t);   // queue (vruntime relative -> absolute)
void deactivate_task(struct rq *rq, struct task *t); // unqueue (absolute -> relative)
void resched_curr(struct rq *rq);                    // ask rq's CPU to reschedule
void check_preempt_wakeup(struct rq *rq, struct task *t);

// sched_balance.c
int select_task_rq(struct task *t);        // CPU to queue a waking/new task on
bool idle_balance(struct rq *rq);          // idle CPU pulls a task; true if it did
void periodic_balance(struct rq *rq);      // from the tick, every BALANCE_TICKS
#define BALANCE_TICKS 4

// switch.S
void switch_context(u64 *prev_rsp, u64 next_rsp, void *prev_fpu, void *next_fpu);
void task_entry(void); // first "return" of a new task: calls task_first_run
void task_first_run(int (*fn)(void *), void *arg) __attribute__((noreturn));
// sched.c: the part of a switch the incoming task finishes.
void schedule_tail(void);
// Final switch of an exiting task (preemption already disabled once).
void schedule_dead(void) __attribute__((noreturn));
// The initial FPU state new tasks start with.
void fpu_init_task(struct task *t);
u32 sched_nice_to_weight(int nice);
void sched_wake_new(struct task *t); // task_start: first queueing

// task.c, for the scheduler and sched_init
void task_switched_out_dead(struct task *t); // a zombie's last switch
void task_init_pids(void);

// Fold `periods` 5-second samples of `active` runnable tasks into the
// 1/5/15-minute averages loads[] (fixed point, FSHIFT 11): the load
// average's arithmetic, separate from its sampling so tests can drive it.
void sched_loadavg_fold(unsigned long loads[3], unsigned long active, unsigned long periods);

#endif
