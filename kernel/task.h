// Tasks: the unit the scheduler runs. Every running app instance and every
// kernel thread is a task; each CPU also has an idle task (pid 0, not in
// the pid table).
//
// Life cycle (kernel/task.c):
//   task_create()   allocate, inherit from the parent, run the spawn hooks,
//                   give it a pid (state TASK_NEW: visible, not yet run)
//   task_start()    make it runnable; its first run calls fn(arg) on its
//                   own kernel stack with interrupts on
//   task_exit()     exit hooks, children go to init, become a zombie,
//                   wake the parent, switch away for good
//   do_waitpid()    the parent reaps the zombie: status out, pid freed,
//                   stack and struct freed (once no CPU is still on them)
// kthread_create() = task_create + task_start; both creators return
// ERR_PTR(-errno) on failure. kernel_spawn() returns the pid or -errno.
// Tasks whose parent is gone (or was an idle task) are reaped by the
// kernel itself ("auto-reap"). Pid 1 is init's (task_create_init).
//
// Kill: do_kill() marks the task; it dies at a safe point only -- when a
// system call returns (task_check_killed), when a sleep it is in is
// interruptible (the sleep returns -EINTR and the caller returns to its
// safe point), or when a timer interrupt catches it in app code. Kernel
// code is never stopped half-way.
//
// Signals an app catches (kernel/signal.c) do not kill: they are left
// pending, end an interruptible sleep (-EINTR) and run the app's handler
// when the task next returns from a kernel call (signal_deliver) --
// never in the middle of app code, as there is no user mode to return to.
//
// Locks, in the order they nest:
//   tasklist_lock (task.c)  pids, the task list, parent/children, exit state
//   wait-queue locks        (a parent's child_wait)
//   task->lock              state changes by wake-ups, affinity
//   rq->lock                the scheduler's fields (kernel/sched.c)
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include "arch/x86/cpu.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/types.h"
#include "kernel/wait.h"
#include "lib/cpumask.h"
#include "lib/list.h"
#include "lib/rbtree.h"

#define TASK_NAME_LEN 32
#define PID_MAX 32768   // pids are 2..PID_MAX-1, handed out increasing, wrapping;
			// 1 is init's
#define FXSAVE_SIZE 512 // fxsave area: x87, MMX and SSE state

// Task states (task->state). "Running" covers running and runnable: the
// task is on a run queue (on_rq) and may or may not be on a CPU (on_cpu).
#define TASK_RUNNING 0
#define TASK_INTERRUPTIBLE 1   // sleeping; a kill wakes it
#define TASK_UNINTERRUPTIBLE 2 // sleeping; only its event wakes it
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_NEW 4             // created, not started yet
#define TASK_ZOMBIE 8          // exited, waiting to be reaped
#define TASK_DEAD 16           // reaped: only references keep the struct
#define TASK_STOPPED 32        // stopped (SIGSTOP/SIGTSTP) until SIGCONT or a kill

// Errors in a pointer (Linux's ERR_PTR): kthread_create returns them.
#ifndef ERR_PTR
#define ERR_PTR(err) ((void *)(long)(err))
#define PTR_ERR(ptr) ((long)(ptr))
#define IS_ERR(ptr) ((unsigned long)(ptr) >= (unsigned long)-4095)
#define IS_ERR_OR_NULL(ptr) (!(ptr) || IS_ERR(ptr))
#endif

struct css_set;
struct sched_group;

struct container_subsys_state;

struct task {
	// ---- Fixed once the task is created: read without locks ----
	pid_t pid;                  // 0 for the idle tasks
	char name[TASK_NAME_LEN];   // (the app loader may rename before task_start)
	int home_node;              // node of the CPU that spawned it
	bool is_idle;               // a CPU's idle task
	bool kthread;               // made by kthread_create: ignores kills
	void *kstack_top;           // from kstack_alloc; NULL for idle tasks
	struct container_subsys_state *kstack_charge; // the bc container its stack is
						      // charged to, or NULL (from its exit on)
	u64 start_ns;               // clock_ns() at creation

	// ---- task->lock (irq-safe): wake-ups and affinity ----
	struct spinlock lock;
	volatile int state;         // TASK_*; set to a sleep state by the task
				    // itself, back to RUNNING by wake-ups
	cpumask_t cpus_allowed;     // effective: cpuset CPUs & cpus_affinity;
				    // written with task->lock AND its rq lock
	cpumask_t cpus_affinity;    // its own (sched_setaffinity)
	nodemask_t mems_allowed;    // nodes it may allocate from (memset)

	// ---- Written only by the task itself (sys_set_mempolicy), read by
	// its own allocations and by inherit() in its own spawn: no lock ----
	struct mempolicy mempolicy;

	// ---- The rq lock of the task's CPU (kernel/sched.c) ----
	int cpu;                    // the CPU whose rq it is on / last ran on
	bool on_rq;                 // runnable (queued or running)
	volatile int on_cpu;        // a CPU is running it (or still switching
				    // away from it); cleared after the switch
	bool migrate_pending;       // switched off a forbidden CPU, off every
				    // queue: that CPU queues it on an allowed
				    // one next (cleared then, under its lock)
	struct rb_node run_node;    // in rq->tasks while queued (not running)
	u64 vruntime;               // weighted ns; relative to the rq's
				    // min_vruntime while not on a run queue
	int nice;                   // -20..19
	u32 weight;                 // from nice (sched_prio_to_weight)
	u64 exec_start;             // clock_ns() when it last got the CPU or
				    // was last accounted
	u64 slice_start_exec;       // sum_exec_ns when it got the CPU
	u64 sum_exec_ns;            // CPU time used, ns (read racily by others)
	u64 nr_switches;            // times it got the CPU
	int wake_burst_ticks;       // ticks left of bounded lag after its last
				    // wake-up (set by the waker while t is off
				    // every queue or under this rq lock)
	// Group scheduling (kernel/sched.c): the cpu group whose load counts
	// t while on_rq; the group whose quota throttled it (off every queue
	// though TASK_RUNNING) and its place on that group's list (the list:
	// the group's bw_lock).
	struct sched_group *sched_group;
	// Its h_weight (task_h_weight) and the factor its vruntime advances
	// by, (NICE_0_WEIGHT << WEIGHT_SHIFT << 32) / h_weight, as of
	// generation hw_gen of rq hw_cpu's group loads (rq lock; 0: none).
	u64 hw, hw_vr_mul, hw_gen;
	int hw_cpu;
	struct sched_group *throttled_on;
	struct list_head throttle_node;
	bool throttle_listed;

	// ---- Context switch: touched only by the CPU switching it ----
	u64 kstack_rsp;             // saved stack pointer while switched out
	u8 *fpu;                    // 16-aligned fxsave area inside fpu_area
	u8 fpu_area[FXSAVE_SIZE + 16];

	// ---- tasklist_lock ----
	struct task *parent;        // NULL: no one waits (auto-reap)
	struct list_head children;  // its children (live and zombies)
	struct list_head sibling;   // in parent->children
	struct list_head tasks;     // in the global task list
	struct list_head pid_link;  // in the pid hash
	int exit_status;            // POSIX wait status, valid once a zombie
	bool autoreap;              // nobody waits: the kernel reaps it
	// The kill it dies of goes to its children too (sys_pass_kills): a
	// task standing in for a process that would have exec'd them (a
	// forkshell, cgexec), so that `kill PID` ends what it runs, as in
	// Linux. Written by the task itself, read at its exit.
	bool pass_kills;
	bool stop_reported;         // (see stop_signal below)
	struct list_head dead_link; // on the dead list (dead_lock in task.c)
	struct wait_queue child_wait; // where it waits for children to exit

	// ---- Atomics ----
	// References: 1 for being alive/unreaped (dropped by the reaper),
	// plus one per task_get() (task_find_get() callers, waiters that
	// must outlive the task). The struct is freed at zero.
	int refcount;
	volatile int kill_pending;  // signal number of a pending kill, or 0
	// Job control (t->lock orders them against SIGCONT): stop_pending is
	// a SIGSTOP/SIGTSTP the task obeys at its next safe point;
	// stop_signal says it is stopped (or will be at that point) until a
	// SIGCONT: ps shows T. waitpid(WUNTRACED) reports a TASK_STOPPED
	// child once (stop_reported, under tasklist_lock).
	volatile int stop_pending;
	volatile int stop_signal;
	// Signals (kernel/signal.c), one bit per signal number (all < 16):
	// sig_pending is set by senders and cleared by the task (atomic ops);
	// the three dispositions are written only by the task itself and read
	// by senders (READ_ONCE). A signal neither caught nor ignored is a kill.
	volatile u16 sig_pending;   // caught (or blocked) and not yet delivered
	volatile u16 sig_blocked;   // held pending (sigprocmask, running handler)
	volatile u16 sig_caught;    // delivered to the app's handler
	volatile u16 sig_ignored;   // dropped when sent

	// ---- The task itself (no lock: only current touches them) ----
	struct list_head held_mutexes; // kernel/mutex.c

	// Mutexes it owns, counting one handed to it that it has not woken to
	// take yet (kernel/mutex.c: atomic, changed by the owner and by the
	// unlocker that hands one over). The scheduler does not throttle an
	// owner (kernel/sched.c, throttle_task): it would hold up every task
	// that waits for the mutex until its group's next period.
	int mutexes_owned;

	// ---- Owned by other subsystems; opaque here ----
	struct css_set *css_set;    // containers (kernel/containers/)
	void *fs_ctx;               // fd table + cwd (fs/)
	void *libc_reent;           // newlib's struct _reent (user/libc)
	void *heap;                 // the app heap (user/libc)
};

// ---- Creation ----
// A new task, child of current, that will run fn(arg). It inherits
// current's affinity, allowed CPUs and nodes, containers (cgroup_fork),
// nice value, cwd and fds 0-2 (fs_task_fork). Returns it in state
// TASK_NEW, or ERR_PTR(-ENOMEM / -EAGAIN / a hook's error). The pointer
// stays valid until the child is reaped (task_get() to keep it longer).
struct task *task_create(const char *name, int (*fn)(void *arg), void *arg);
// task_create for an app: t->heap is heap from before t is visible (so the
// spawn hooks and anyone walking the task list see it). On failure the
// caller still owns heap.
struct task *task_create_app(const char *name, int (*fn)(void *arg), void *arg, void *heap);
void task_start(struct task *t);       // TASK_NEW -> runnable
void task_discard(struct task *t);     // undo a task_create never started
struct task *kthread_create(const char *name, int (*fn)(void *arg), void *arg);
pid_t kernel_spawn(const char *name, int (*fn)(void *arg), void *arg);

// ---- Exit, wait, kill ----
// Exit with status (code & 0xff) << 8. Never returns. Must be called with
// no spinlock held (it may sleep in the exit hooks).
void task_exit(int code) __attribute__((noreturn));
// Reap a zombie child: pid > 0 that child, -1 any. WNOHANG: 0 if none has
// exited yet. -ECHILD if there is no such child; -EINTR if killed, or a
// caught signal came, while waiting. *status (if status) gets the POSIX
// wait status.
pid_t do_waitpid(pid_t pid, int *status, int options);
// SIGKILL: terminate pid; HUP, INT, QUIT, USR1, USR2, PIPE, ALRM, TERM:
// terminate it unless it catches or ignores the signal (kernel/signal.c);
// SIGSTOP, SIGTSTP: stop it at
// its next safe point; SIGCONT: let a stopped pid run again; 0: only
// check that it exists. -EINVAL for another signal, -ESRCH if no such
// task, -EPERM for init.
int do_kill(pid_t pid, int sig);
// Send sig to t: a signal t catches is left pending for its handler, one
// it ignores is dropped (kernel/signal.c); otherwise mark t killed by sig
// (first kill wins). Either wakes t if it sleeps interruptibly. Safe in
// interrupt context.
void task_signal(struct task *t, int sig);
// Job control: ask t to stop (SIGSTOP/SIGTSTP), or let it run again.
void task_stop_request(struct task *t, int sig);
void task_continue(struct task *t);
// The safe point: if the current task has been killed, exit now.
// A no-op in an interrupt handler or with preemption disabled.
void task_check_killed(void);
// A kill, a stop (which also ends interruptible sleeps: see
// task_stop_request), or a caught signal not blocked (its handler runs
// when the sleeping call returns).
static inline bool task_kill_pending(struct task *t)
{
	return READ_ONCE(t->kill_pending) != 0 || READ_ONCE(t->stop_pending) != 0 ||
	       (READ_ONCE(t->sig_pending) & ~READ_ONCE(t->sig_blocked)) != 0;
}
// kernel/signal.c: sig is one the task may catch, ignore or block.
bool signal_catchable(int sig);
// task_signal's first step: true if t's disposition dealt with sig
// (queued for its handler, held blocked, or dropped), false if it kills.
bool signal_send(struct task *t, int sig);
// What a spawned child starts with: ignored signals stay ignored, caught
// ones go back to their default (as across POSIX's exec), none blocked.
void signal_inherit(struct task *child, struct task *parent);

// ---- References and lookup ----
void task_get(struct task *t);
void task_put(struct task *t);
struct task *task_find_get(pid_t pid); // referenced, or NULL
pid_t task_ppid(struct task *t);       // parent's pid, 0 if none
// Call fn(t, arg) for every task (not the idle tasks) in creation order,
// under tasklist_lock: fn must not sleep. Stops when fn returns false.
void for_each_task(bool (*fn)(struct task *t, void *arg), void *arg);
int task_pids(pid_t *buf, int max);    // snapshot; returns the count
int nr_tasks(void);                    // tasks in the list, zombies included
int nr_task_structs(void);             // struct tasks allocated (nr_tasks + in creation or being freed)
// One letter as in /proc/<pid>/status: R (running), S (sleeping),
// D (disk sleep: uninterruptible), Z (zombie), N (new), X (dead).
char task_state_char(struct task *t);
// Reap exited tasks nobody waits for (auto-reap); run when tasks are
// created and reaped, and by tests that count tasks.
void task_reap_dead(void);
// Free the kernel stacks kept for reuse (leak checks that count pages:
// how many are kept depends on how many tasks exited lately). Task context.
void task_stack_cache_drain(void);
void task_reaper_start(void); // boot, once tasks run: the thread that frees auto-reaped zombies

// ---- Boot ----
// The boot CPU's context becomes CPU 0's idle task (sched_init).
void task_init_idle(struct task *t, int cpu);
// task_create for pid 1, "init" (the boot context calls it once).
struct task *task_create_init(int (*fn)(void *arg), void *arg);
// kernel/init_task.c: start pid 1.
void init_task_start(void);
int init_main(void *arg);
extern struct task *init_task; // pid 1, once started

// For tests: make the next pid search start at pid.
void task_set_next_pid(pid_t pid);
// For tests: called by task_create on the child after it copied its
// parent's masks and before it is on the task list -- the window where a
// cpuset/memset write cannot see it (cgroup_post_fork closes it). NULL
// normally; a test sets it, races something there, and clears it.
extern void (*task_create_window_hook)(struct task *child);

// ---- Hooks other subsystems define (each required: no weak defaults,
// a missing one is a link error; container.c, fdtable.c, app.c) ----
int cgroup_fork(struct task *child);       // 0 or -errno (refuses the spawn)
void cgroup_post_fork(struct task *child);  // child now has a pid, visible
void cgroup_fork_failed(struct task *child);// undo cgroup_fork
void cgroup_exit(struct task *t);           // t is exiting
void cgroup_release(struct task *t);        // t was reaped
int fs_task_fork(struct task *child, struct task *parent); // parent may be an idle task
void fs_task_exit(struct task *t);
void task_release_app_state(struct task *t); // free libc_reent, heap

#endif
