// The scheduler: per-CPU run queues with a weighted fair policy (CFS-like),
// preemption, sleeping, CPU affinity and load balancing.
//
//   schedule()                 give up the CPU; a task that set a sleep
//                              state first (set_current_state) sleeps
//   wake_up_process(t)         make a sleeping task runnable
//   sched_yield()              let another runnable task go first
//   sleep_ns(ns)               sleep at least ns (-EINTR if killed)
//   set_cpus_allowed(t, mask)  the effective CPU mask; takes effect at once
//   sched_setaffinity(pid, m)  the task's own affinity (& its cpuset)
//   set_mems_allowed(t, m)     the nodes it may allocate from
//   sched_setnice(t, nice)     weight for the fair share
//
// Preemption: preempt_count (gs:16) counts held spinlocks and explicit
// preempt_disable(); at 0 a pending reschedule (need_resched) happens on
// preempt_enable() and when the outermost interrupt returns. The details
// and lock order are at the top of kernel/sched.c.
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "arch/x86/cpu.h"
#include "kernel/types.h"
#include "lib/cpumask.h"

struct task;

#define NICE_0_WEIGHT 1024

void schedule(void);
void sched_yield(void);
// Wake t if its state is in mask; returns whether it did.
bool wake_up_state(struct task *t, int mask);
bool wake_up_process(struct task *t); // TASK_NORMAL sleepers
// Set the current task's state (a full barrier after the store, so a
// waker that sees our condition false sees the state).
void set_current_state(int state);
static inline bool need_resched(void) { return READ_ONCE(this_cpu()->need_resched); }
// Sleep until woken or the deadline (clock_ns) passes; the caller has set
// its sleep state. Used by the wait_event_timeout macros and sleep_ns.
void schedule_until(u64 deadline_ns);
int sleep_ns(u64 ns);

// Affinity. set_cpus_allowed: -EINVAL for an empty mask or one with no
// online CPU. A queued task is moved at once; a running one is moved off a
// forbidden CPU before the call returns (so the caller may sleep: task
// context, no spinlock held). t must stay referenced by the caller.
int set_cpus_allowed(struct task *t, const cpumask_t *mask);
// For tests: called (interrupts off, no lock held) on a task switched off
// a CPU it may no longer use, off every queue, just before its old CPU
// queues it on an allowed one -- the window where a wake-up must not
// queue it too. NULL normally; a test sets it, races there, clears it.
extern void (*sched_migrate_window_hook)(struct task *t);
// Recompute t's cpus_allowed = cpuset_cpus_allowed(t) & t->cpus_affinity
// (the cpuset's CPUs alone if that is empty) and apply it.
int task_update_cpus_allowed(struct task *t);
int sched_setaffinity(pid_t pid, const cpumask_t *mask); // pid 0: current
int sched_getaffinity(pid_t pid, cpumask_t *mask);
void set_mems_allowed(struct task *t, const nodemask_t *mask);
int sched_setnice(struct task *t, int nice); // clamps to -20..19

// CPU time of t in ns, including the slice it is running now.
u64 task_cpu_time_ns(struct task *t);
int sched_nr_running(int cpu); // tasks on the CPU's run queue, running included
// The 1, 5 and 15-minute load averages, fixed point with 11 fraction bits
// (Linux's FSHIFT), for /proc/loadavg.
void sched_loadavg(unsigned long loads[3]);
void sched_dump(void);         // every run queue and task, on the console

// Timer tick (arch timer interrupt), reschedule IPI, boot.
void sched_tick(void);
void sched_ipi(void);
void sched_init(void);
void cpu_idle_loop(void) __attribute__((noreturn));
extern volatile bool sched_running; // sched_init has run

// Hooks the container subsystems define (required: cpuset.c, cpuacct.c):
// the cpuset's CPUs for t (all online CPUs while cpuset is unmounted),
// and CPU time charged to t on cpu (called with the rq lock held, interrupts off: no sleeping).
void cpuset_cpus_allowed(struct task *t, cpumask_t *out);
void cpuacct_charge(struct task *t, int cpu, u64 ns);
// Containers: replace t->css_set (if it is still old) with new under
// t->lock, t's rq lock and css_lock, so cpuacct_charge, which runs under
// the rq lock, always sees a live set. False if t->css_set was not old.
struct css_set;
struct spinlock;
bool sched_swap_css_set(struct task *t, struct css_set *old, struct css_set *new,
			struct spinlock *css_lock);
// t was just killed (t->kill_pending set): if it waits throttled for its
// group's next period, it is queued now, and it is throttled no more.
void sched_unthrottle_killed(struct task *t);
// The same locks for current (interrupts off), for a swap that changes
// none of its css (an exit's move to the exited twin of its set): its
// load stays in its group and its time goes to the same css either way.
unsigned long sched_lock_current_css(struct spinlock *css_lock);
void sched_unlock_current_css(struct spinlock *css_lock, unsigned long flags);

// Group scheduling and bandwidth (the `cpu` container subsystem,
// kernel/containers/cpu.c; the policy is described in kernel/sched.c).
// A sched_group is one container's per-CPU load and its quota.
struct sched_group;
extern struct sched_group root_sched_group;
#define SCHED_MIN_SHARES 2
#define SCHED_MAX_SHARES 262144
// Containers deeper than this share their ancestor's group at this depth
// (the scheduler walks a task's groups at every tick and switch).
#define SCHED_GROUP_MAX_DEPTH 32
// A new group below parent with 1024 shares and no quota; NULL: ENOMEM.
struct sched_group *sched_group_create(struct sched_group *parent);
// g has no tasks left (its container is being freed): unthrottle whatever
// is still on its list, stop its period timer, free it.
void sched_group_destroy(struct sched_group *g);
void sched_group_set_shares(struct sched_group *g, unsigned long shares); // clamped
// quota_ns < 0: unlimited. The caller checks the ranges.
void sched_group_set_bandwidth(struct sched_group *g, s64 quota_ns, u64 period_ns);
struct sched_group_stat {
	u64 nr_periods, nr_throttled, throttled_ns;
};
void sched_group_stat(struct sched_group *g, struct sched_group_stat *st);
// The hook cpu.c defines: t's group (root_sched_group while the cpu
// subsystem has no state for it). Called with t's rq lock held.
struct sched_group *cpu_task_group(struct task *t);
// Unit-test view of the arithmetic: the weight a group with `shares`
// gets on a CPU where its load is load, out of total over all CPUs.
unsigned long sched_group_cpu_weight(unsigned long shares, unsigned long load,
				     unsigned long total);
// Refill of a quota at a period's end: the runtime left (debt carried).
s64 sched_bw_refill(s64 runtime, s64 quota);

#endif
