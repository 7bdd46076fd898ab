// Tasks: creation, exit, reaping, kill, pids and the task list. See
// task.h for the life cycle.
//
// tasklist_lock (a spinlock, never taken in interrupt handlers) guards the
// pid hash, the task list, every parent/children/sibling link, exit_status
// and autoreap, and the ZOMBIE transition. It nests outside wait-queue
// locks (an exiting child wakes its parent's child_wait under it).
//
// Reaping and freeing. A zombie's kernel stack is in use until its CPU has
// switched away from it (on_cpu drops to 0 in finish_task_switch), so the
// reaper waits for that before freeing it. The exit path runs with
// preemption disabled from the ZOMBIE transition to its last switch, so
// "zombie and not on a CPU" means switched out for good. Tasks nobody will
// wait for (autoreap: their parent was an idle task, or exited) are put on
// dead_list as they exit (or as they switch out, if their parent exited
// meanwhile), and freed by task_reap_dead(), which runs in task context
// (freeing a stack may send IPIs and take mm locks) each time a task is
// created or reaped, and in the reaper thread, woken by each exit that
// queues one: a dead orphan's stack, memory and numtasks charge go at
// once, even on an idle system, not at some unrelated later spawn.
#include "kernel/task.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"
#include "kernel/containers/bc.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/sched_internal.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmap.h"

#define PID_HASH_SIZE 256

static DEFINE_SPINLOCK(tasklist_lock);
static LIST_HEAD(task_list);                    // every task, creation order
static struct list_head pid_hash[PID_HASH_SIZE]; // by pid % PID_HASH_SIZE
static pid_t next_pid = 2;                      // where the pid search starts
						// (1 is kept for init)
static int task_count;
// Allocated struct tasks (atomic): one from task_create_pid's kzalloc to
// the kfree of the last reference. Above task_count while a task is
// being created or has been unlinked but not yet freed.
static int task_structs;
struct task *init_task;

static DEFINE_SPINLOCK(dead_lock); // guards dead_list
static LIST_HEAD(dead_list);       // auto-reaped zombies to free
static struct wait_queue reaper_wq; // the reaper sleeps here while dead_list is empty

// The hooks of task.h are defined by their subsystems, each required
// (a missing one is a link error; scripts/check-hooks refuses weak ones).

// mm/page_alloc.c asks which nodes the running task may allocate from.
const nodemask_t *task_mems_allowed(void)
{
	struct task *t = current;
	return t ? &t->mems_allowed : &node_online_map;
}

struct mempolicy *task_mempolicy(void)
{
	struct task *t = current;
	return t && !t->is_idle ? &t->mempolicy : NULL;
}

// ---- Pids ----

void task_init_pids(void)
{
	for (int i = 0; i < PID_HASH_SIZE; i++)
		INIT_LIST_HEAD(&pid_hash[i]);
	wait_queue_init(&reaper_wq, "reaper");
}

static struct task *pid_lookup_locked(pid_t pid)
{
	struct task *t;
	assert_held(&tasklist_lock);
	if (pid <= 0 || pid >= PID_MAX)
		return NULL;
	list_for_each_entry(t, &pid_hash[pid % PID_HASH_SIZE], pid_link)
		if (t->pid == pid)
			return t;
	return NULL;
}

// The next free pid at or after next_pid, wrapping from PID_MAX-1 to 2
// (1 is init's); a pid still held by a task (a zombie too) is skipped.
static pid_t alloc_pid_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		pid_t pid = next_pid;
		next_pid = pid + 1 >= PID_MAX ? 2 : pid + 1;
		if (!pid_lookup_locked(pid))
			return pid;
	}
	return -EAGAIN;
}

void task_set_next_pid(pid_t pid)
{
	spin_lock(&tasklist_lock);
	next_pid = pid;
	spin_unlock(&tasklist_lock);
}

// ---- Kernel stacks ----
// Charged to the spawner's bc container (bc.physpages) for the task's
// life, whether the stack came from the cache or not.
#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)
// Freed task stacks are kept for reuse, a few per node: making one maps
// four pages, and freeing one unmaps them with a TLB shootdown on every
// CPU, which would otherwise be most of the cost of a short-lived task.
// (A reused stack would carry a stale task name in trap reports, so they
// are all named "task stack".)
#define KSTACK_CACHE_SIZE 16
static DEFINE_SPINLOCK(kstack_cache_lock); // guards the two arrays below
static void *kstack_cache[MAX_NUMNODES][KSTACK_CACHE_SIZE];
static int kstack_cached[MAX_NUMNODES];

static void *task_stack_alloc(int nid)
{
	void *top = NULL;
	if (nid < 0 || nid >= MAX_NUMNODES)
		return kstack_alloc(nid, "task stack");
	spin_lock(&kstack_cache_lock);
	if (kstack_cached[nid] > 0)
		top = kstack_cache[nid][--kstack_cached[nid]];
	spin_unlock(&kstack_cache_lock);
	return top ? top : kstack_alloc(nid, "task stack");
}

static void task_stack_free(void *top, int nid)
{
	if (!top || nid < 0 || nid >= MAX_NUMNODES) {
		kstack_free(top);
		return;
	}
	spin_lock(&kstack_cache_lock);
	if (kstack_cached[nid] < KSTACK_CACHE_SIZE) {
		kstack_cache[nid][kstack_cached[nid]++] = top;
		top = NULL;
	}
	spin_unlock(&kstack_cache_lock);
	kstack_free(top); // (NULL: kept)
}

void task_stack_cache_drain(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		for (;;) {
			void *top = NULL;
			spin_lock(&kstack_cache_lock);
			if (kstack_cached[nid] > 0)
				top = kstack_cache[nid][--kstack_cached[nid]];
			spin_unlock(&kstack_cache_lock);
			if (!top)
				break;
			kstack_free(top);
		}
	}
}

// ---- Creation ----

static void task_init_common(struct task *t, const char *name)
{
	strlcpy(t->name, name, TASK_NAME_LEN);
	spin_lock_init(&t->lock, "task");
	t->fpu = (u8 *)ALIGN_UP((u64)t->fpu_area, 16);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->tasks);
	INIT_LIST_HEAD(&t->pid_link);
	INIT_LIST_HEAD(&t->dead_link);
	INIT_LIST_HEAD(&t->held_mutexes);
	RB_CLEAR_NODE(&t->run_node);
	wait_queue_init(&t->child_wait, "child_wait");
	t->refcount = 1;
	t->nice = 0;
	t->weight = NICE_0_WEIGHT;
	t->start_ns = clock_ns();
}

void task_init_idle(struct task *t, int cpu)
{
	char name[TASK_NAME_LEN];
	snprintf(name, sizeof(name), "idle/%d", cpu);
	task_init_common(t, name);
	t->is_idle = true;
	t->state = TASK_RUNNING;
	t->cpu = cpu;
	t->home_node = cpu_to_node(cpu);
	cpumask_set_cpu(cpu, &t->cpus_allowed);
	cpumask_set_cpu(cpu, &t->cpus_affinity);
	t->mems_allowed = node_online_map;
}

// What a child inherits from its parent (or, for a child of an idle task,
// the defaults: every CPU and node).
static void inherit(struct task *t, struct task *parent)
{
	if (!parent || parent->is_idle) {
		t->cpus_affinity = cpu_online_mask;
		t->cpus_allowed = cpu_online_mask;
		t->mems_allowed = node_online_map;
		return;
	}
	unsigned long f = spin_lock_irqsave(&parent->lock);
	t->cpus_affinity = parent->cpus_affinity;
	t->cpus_allowed = parent->cpus_allowed;
	t->mems_allowed = parent->mems_allowed;
	spin_unlock_irqrestore(&parent->lock, f);
	t->mempolicy = parent->mempolicy; // parent is the caller: see task.h
	t->nice = parent->nice;
	t->weight = parent->weight;
	t->css_set = parent->css_set;
	signal_inherit(t, parent);
}

// Lay out the new stack so that switch_context "returns" into task_entry
// with r12 = fn and r13 = arg (see switch.S).
static void stack_setup(struct task *t, int (*fn)(void *), void *arg)
{
	u64 *sp = t->kstack_top;
	*--sp = 0;               // no return address: ends backtraces
	*--sp = (u64)task_entry; // switch_context's ret
	*--sp = 0;               // rbp
	*--sp = 0;               // rbx
	*--sp = (u64)fn;         // r12
	*--sp = (u64)arg;        // r13
	*--sp = 0;               // r14
	*--sp = 0;               // r15
	t->kstack_rsp = (u64)sp;
}

void (*task_create_window_hook)(struct task *child);

// task_create; pid 0 means the next free one.
static struct task *task_create_pid(const char *name, int (*fn)(void *arg), void *arg,
				    pid_t want_pid, void *heap)
{
	struct task *parent = current;
	task_reap_dead();
	struct task *t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	__atomic_add_fetch(&task_structs, 1, __ATOMIC_RELAXED);
	task_init_common(t, name);
	t->state = TASK_NEW;
	t->cpu = smp_processor_id();
	t->home_node = cpu_to_node(t->cpu);
	inherit(t, parent);
	t->heap = heap;
	fpu_init_task(t);
	int err = bc_charge_current(KSTACK_PAGES, t->home_node, &t->kstack_charge);
	if (err) // past the spawner's bc.physpages barrier
		goto free_task;
	t->kstack_top = task_stack_alloc(t->home_node);
	err = -ENOMEM;
	if (!t->kstack_top)
		goto uncharge_stack;
	stack_setup(t, fn, arg);
	err = cgroup_fork(t);
	if (err)
		goto free_stack;
	err = fs_task_fork(t, parent);
	if (err)
		goto cgroup_failed;
	if (READ_ONCE(task_create_window_hook))
		task_create_window_hook(t);

	spin_lock(&tasklist_lock);
	pid_t pid = want_pid ? (pid_lookup_locked(want_pid) ? -EBUSY : want_pid) : alloc_pid_locked();
	if (pid < 0) {
		spin_unlock(&tasklist_lock);
		err = pid;
		if (!want_pid) // say which limit it was: EAGAIN has other causes
			pr_warn("spawn: no free pid: all %d are in use (pid_max)\n", PID_MAX - 2);
		fs_task_exit(t);
		goto cgroup_failed;
	}
	t->pid = pid;
	list_add(&t->pid_link, &pid_hash[pid % PID_HASH_SIZE]);
	list_add_tail(&t->tasks, &task_list);
	task_count++;
	if (parent && !parent->is_idle) {
		t->parent = parent;
		list_add_tail(&t->sibling, &parent->children);
	} else {
		t->autoreap = true; // a child of the boot context: nobody waits
	}
	spin_unlock(&tasklist_lock);
	cgroup_post_fork(t);
	return t;

cgroup_failed:
	cgroup_fork_failed(t);
free_stack:
	task_stack_free(t->kstack_top, t->home_node);
uncharge_stack:
	bc_uncharge_css(t->kstack_charge, KSTACK_PAGES, t->home_node);
free_task:
	__atomic_sub_fetch(&task_structs, 1, __ATOMIC_RELAXED);
	kfree(t);
	return ERR_PTR(err);
}

struct task *task_create(const char *name, int (*fn)(void *arg), void *arg)
{
	return task_create_pid(name, fn, arg, 0, NULL);
}

struct task *task_create_app(const char *name, int (*fn)(void *arg), void *arg, void *heap)
{
	return task_create_pid(name, fn, arg, 0, heap);
}

struct task *task_create_init(int (*fn)(void *arg), void *arg)
{
	struct task *t = task_create_pid("init", fn, arg, 1, NULL);
	if (!IS_ERR(t))
		init_task = t;
	return t;
}

void task_start(struct task *t)
{
	if (t->state != TASK_NEW)
		panic("task_start: %s/%d is not new (state %d)", t->name, t->pid, t->state);
	sched_wake_new(t);
}

struct task *kthread_create(const char *name, int (*fn)(void *arg), void *arg)
{
	struct task *t = task_create(name, fn, arg);
	if (!IS_ERR(t)) {
		t->kthread = true; // a kernel service: kills are ignored, as in Linux
		task_start(t);
	}
	return t;
}

pid_t kernel_spawn(const char *name, int (*fn)(void *arg), void *arg)
{
	struct task *t = task_create(name, fn, arg);
	if (IS_ERR(t))
		return PTR_ERR(t);
	pid_t pid = t->pid; // t may be gone once started
	task_start(t);
	return pid;
}

// ---- Reaping ----

static void task_unlink_locked(struct task *t)
{
	assert_held(&tasklist_lock);
	list_del_init(&t->pid_link);
	list_del_init(&t->tasks);
	list_del_init(&t->sibling);
	task_count--;
}

// Free what a reaped (unlinked) task still holds, once it is off its CPU.
static void task_release(struct task *t)
{
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	cgroup_release(t);
	task_stack_free(t->kstack_top, t->home_node);
	t->kstack_top = NULL;
	bc_uncharge_css(t->kstack_charge, KSTACK_PAGES, t->home_node); // discarded: never exited
	t->kstack_charge = NULL;
	t->state = TASK_DEAD;
	task_put(t);
}

void task_discard(struct task *t)
{
	if (t->state != TASK_NEW)
		panic("task_discard: %s/%d was started", t->name, t->pid);
	fs_task_exit(t);
	task_release_app_state(t);
	cgroup_exit(t);
	spin_lock(&tasklist_lock);
	task_unlink_locked(t);
	spin_unlock(&tasklist_lock);
	task_release(t);
}

// Put an auto-reaped zombie on the dead list (once: the exit path and a
// parent's exit may both try).
static void queue_dead(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&dead_lock);
	if (list_empty(&t->dead_link))
		list_add_tail(&t->dead_link, &dead_list);
	spin_unlock_irqrestore(&dead_lock, f);
}

// The scheduler, on the CPU a zombie ran on, just before on_cpu drops.
void task_switched_out_dead(struct task *t)
{
	if (READ_ONCE(t->autoreap))
		queue_dead(t);
}

static bool dead_pending(void)
{
	unsigned long f = spin_lock_irqsave(&dead_lock);
	bool r = !list_empty(&dead_list);
	spin_unlock_irqrestore(&dead_lock, f);
	return r;
}

// The reaper thread: frees auto-reaped zombies as soon as they are off
// their CPU (a zombie queued at exit still runs for a moment: retried
// every millisecond until it has switched out).
static int reaper_main(void *arg)
{
	(void)arg;
	for (;;) {
		wait_event_interruptible(&reaper_wq, dead_pending());
		task_reap_dead();
		if (dead_pending())
			sleep_ns(1000 * 1000);
	}
	return 0;
}

void task_reaper_start(void)
{
	struct task *t = kthread_create("reaper", reaper_main, NULL);
	if (IS_ERR(t))
		panic("cannot start the reaper: error %ld", PTR_ERR(t));
}

void task_reap_dead(void)
{
	LIST_HEAD(todo);
	unsigned long f = spin_lock_irqsave(&dead_lock);
	list_splice_init(&dead_list, &todo);
	spin_unlock_irqrestore(&dead_lock, f);
	while (!list_empty(&todo)) {
		struct task *t = list_first_entry(&todo, struct task, dead_link);
		if (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE)) { // still switching out
			f = spin_lock_irqsave(&dead_lock);
			list_move_tail(&t->dead_link, &dead_list);
			spin_unlock_irqrestore(&dead_lock, f);
			continue;
		}
		list_del_init(&t->dead_link);
		spin_lock(&tasklist_lock);
		task_unlink_locked(t);
		spin_unlock(&tasklist_lock);
		task_release(t);
	}
}

// ---- Exit ----

// Hand t's children to init (or to no one); both mean auto-reap, since
// init does not wait for them. Zombies among them are reaped now. If t
// dies of SIGINT (the console's Ctrl-C) its children get it too, as a
// process group would: `sh -c`, taskset or env never leave their child
// running. (A task that catches SIGINT does not die of it, so its
// children -- a shell's background jobs -- are left alone; a child that
// ignores SIGINT ignores this one too.) A task that passes kills (a
// forkshell, cgexec: task->pass_kills) passes any signal it dies of.
static void reparent_children_locked(struct task *t)
{
	assert_held(&tasklist_lock);
	struct task *reaper = init_task && init_task != t ? init_task : NULL;
	struct task *c, *n;
	list_for_each_entry_safe(c, n, &t->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = reaper;
		c->autoreap = true;
		int sig = READ_ONCE(t->kill_pending) & 0x7f;
		if ((sig == SIGINT || (sig && t->pass_kills)) && c->state != TASK_ZOMBIE)
			task_signal(c, sig);
		if (reaper)
			list_add_tail(&c->sibling, &reaper->children);
		if (c->state == TASK_ZOMBIE) {
			queue_dead(c);
			wake_up(&reaper_wq);
		}
	}
}

static void __attribute__((noreturn)) do_exit_on_own_stack(int status);

// An app may run on a stack of its own in its heap (sh does, so that a
// script can nest deeper than 16 KiB allows). Exit frees that heap, so
// it must finish on the task's kernel stack: whatever the kernel stack
// held is dead, as the task never returns to it.
static void __attribute__((noreturn)) do_exit(int status)
{
	struct task *t = current;
	u64 sp = (u64)__builtin_frame_address(0);
	u64 top = (u64)t->kstack_top;
	if (top && (sp >= top || sp < top - KSTACK_SIZE)) {
		asm volatile("mov %0, %%rsp\n\t"
			     "xor %%ebp, %%ebp\n\t"
			     "call *%1\n\t"
			     "ud2"
			     : : "r"(top - 64), "r"(do_exit_on_own_stack), "D"((long)status)
			     : "memory");
		__builtin_unreachable();
	}
	do_exit_on_own_stack(status);
}

static void __attribute__((noreturn)) do_exit_on_own_stack(int status)
{
	struct task *t = current;
	if (t->is_idle)
		panic("the idle task of cpu %d tried to exit", t->cpu);
	if (t == init_task)
		panic("init exited (status 0x%x)", status);
	if (preempt_count() != 0 || this_cpu_read_int(locks_held) || this_cpu_read_int(irq_depth))
		panic("%s/%d exits in atomic context (preempt_count %d)", t->name, t->pid,
		      preempt_count());
	mutex_release_all(t);
	fs_task_exit(t);
	task_release_app_state(t);
	cgroup_exit(t);
	// The kernel stack is uncharged now, freed at the reap: a zombie holds
	// no bc charge, so it does not keep its container (exit_task_stack_account).
	bc_uncharge_css(t->kstack_charge, KSTACK_PAGES, t->home_node);
	t->kstack_charge = NULL;

	spin_lock(&tasklist_lock);
	reparent_children_locked(t);
	t->exit_status = status;
	preempt_disable(); // from ZOMBIE to the last switch: see the top
	t->state = TASK_ZOMBIE;
	if (!t->autoreap) {
		wake_up(&t->parent->child_wait);
	} else {
		queue_dead(t); // freed once it has switched out
		wake_up(&reaper_wq);
	}
	spin_unlock(&tasklist_lock);
	schedule_dead();
}

void task_exit(int code) { do_exit((code & 0xff) << 8); }

// Obey a stop: off the run queue until task_continue() or a kill wakes
// it. The parent is woken, for waitpid(WUNTRACED).
static void task_stop_self(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	if (!t->stop_pending) { // a SIGCONT came first
		spin_unlock_irqrestore(&t->lock, f);
		return;
	}
	t->stop_pending = 0;
	t->state = TASK_STOPPED;
	spin_unlock_irqrestore(&t->lock, f);
	spin_lock(&tasklist_lock);
	t->stop_reported = false;
	if (t->parent)
		wake_up(&t->parent->child_wait);
	spin_unlock(&tasklist_lock);
	schedule();
}

void task_check_killed(void)
{
	struct task *t = current;
	if (likely(!t || (!READ_ONCE(t->kill_pending) && !READ_ONCE(t->stop_pending))))
		return;
	if (t->is_idle || preempt_count() != 0 || this_cpu_read_int(irq_depth) != 0)
		return;
	if (READ_ONCE(t->stop_pending) && !READ_ONCE(t->kill_pending))
		task_stop_self(t);
	if (READ_ONCE(t->kill_pending))
		do_exit(t->kill_pending & 0x7f);
}

// Safe in interrupt context (the console's Ctrl-Z): only t->lock and a
// wake-up. An interruptible sleep ends (-EINTR, as a kill would end it:
// task_kill_pending() counts a pending stop), so that t reaches its safe
// point and stops there, and tells its parent.
void task_stop_request(struct task *t, int sig)
{
	if (t->kthread || t == init_task)
		return;
	unsigned long f = spin_lock_irqsave(&t->lock);
	t->stop_pending = sig;
	t->stop_signal = sig;
	spin_unlock_irqrestore(&t->lock, f);
	wake_up_state(t, TASK_INTERRUPTIBLE);
	// Running on another CPU: interrupt it, so that in app code it stops
	// now (irq_exit_hook).
	int cpu = READ_ONCE(t->cpu);
	if (READ_ONCE(t->on_cpu) && cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

void task_continue(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	t->stop_pending = 0;
	t->stop_signal = 0;
	spin_unlock_irqrestore(&t->lock, f);
	wake_up_state(t, TASK_STOPPED);
}

pid_t do_waitpid(pid_t pid, int *status, int options)
{
	struct task *me = current, *found = NULL, *c;
	struct wait_entry w;
	pid_t ret, stopped = 0;
	int stop_status = 0;
	if (pid < -1)
		return -ECHILD; // no process groups
	if (pid == 0)
		pid = -1;       // (one group: every child)
	task_reap_dead();
	wait_entry_init(&w);
	for (;;) {
		prepare_to_wait(&me->child_wait, &w, TASK_INTERRUPTIBLE);
		bool any = false;
		spin_lock(&tasklist_lock);
		list_for_each_entry(c, &me->children, sibling) {
			if ((pid > 0 && c->pid != pid) || c->autoreap)
				continue; // (init's adopted orphans reap themselves)
			any = true;
			if (c->state == TASK_ZOMBIE) {
				found = c;
				task_unlink_locked(c);
				break;
			}
			if ((options & WUNTRACED) && READ_ONCE(c->state) == TASK_STOPPED &&
			    !c->stop_reported) {
				c->stop_reported = true;
				stopped = c->pid;
				stop_status = (READ_ONCE(c->stop_signal) << 8) | 0x7f;
				break;
			}
		}
		spin_unlock(&tasklist_lock);
		if (stopped) {
			ret = stopped;
			if (status)
				*status = stop_status;
			break;
		}
		if (found) {
			ret = found->pid;
			if (status)
				*status = found->exit_status;
			break;
		}
		ret = !any ? -ECHILD : (options & WNOHANG) ? 0 : task_kill_pending(me) ? -EINTR : 1;
		if (ret <= 0)
			break;
		schedule();
	}
	finish_wait(&me->child_wait, &w);
	if (found)
		task_release(found);
	return ret;
}

// ---- Kill ----

void task_signal(struct task *t, int sig)
{
	if (t->kthread)
		return; // a kernel thread ignores signals (as in Linux)
	if (signal_send(t, sig))
		return; // caught, held blocked or ignored: not a kill
	int none = 0;
	__atomic_compare_exchange_n(&t->kill_pending, &none, sig, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	wake_up_state(t, TASK_INTERRUPTIBLE | TASK_STOPPED); // a stopped task dies too
	sched_unthrottle_killed(t); // one waiting for its group's next period too
	// Running on another CPU: interrupt it, so that if it is in app code
	// it dies now rather than at its next tick.
	int cpu = READ_ONCE(t->cpu);
	if (READ_ONCE(t->on_cpu) && cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

int do_kill(pid_t pid, int sig)
{
	bool job_control = sig == SIGSTOP || sig == SIGTSTP || sig == SIGCONT;
	if (sig != 0 && sig != SIGKILL && !signal_catchable(sig) && !job_control)
		return -EINVAL;
	struct task *t = pid > 0 ? task_find_get(pid) : NULL;
	if (!t)
		return -ESRCH;
	int err = 0;
	if (t == init_task && sig)
		err = -EPERM;
	else if (!sig || (READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD)))
		;
	else if (sig == SIGCONT)
		task_continue(t);
	else if (job_control)
		task_stop_request(t, sig);
	else
		task_signal(t, sig);
	task_put(t);
	return err;
}

// ---- References and lookup ----

void task_get(struct task *t) { __atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED); }

void task_put(struct task *t)
{
	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (t->state != TASK_DEAD)
		panic("task_put: last reference to %s/%d, which was never reaped", t->name, t->pid);
	__atomic_sub_fetch(&task_structs, 1, __ATOMIC_RELAXED);
	kfree(t);
}

struct task *task_find_get(pid_t pid)
{
	spin_lock(&tasklist_lock);
	struct task *t = pid_lookup_locked(pid);
	if (t)
		task_get(t);
	spin_unlock(&tasklist_lock);
	return t;
}

pid_t task_ppid(struct task *t)
{
	spin_lock(&tasklist_lock);
	pid_t ppid = t->parent ? t->parent->pid : 0;
	spin_unlock(&tasklist_lock);
	return ppid;
}

void for_each_task(bool (*fn)(struct task *t, void *arg), void *arg)
{
	struct task *t;
	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (!fn(t, arg))
			break;
	spin_unlock(&tasklist_lock);
}

int task_pids(pid_t *buf, int max)
{
	struct task *t;
	int n = 0;
	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks) {
		if (n >= max)
			break;
		buf[n++] = t->pid;
	}
	spin_unlock(&tasklist_lock);
	return n;
}

int nr_tasks(void) { return READ_ONCE(task_count); }
int nr_task_structs(void) { return __atomic_load_n(&task_structs, __ATOMIC_RELAXED); }

char task_state_char(struct task *t)
{
	int state = READ_ONCE(t->state);
	if (READ_ONCE(t->stop_signal) && !(state & (TASK_ZOMBIE | TASK_DEAD)))
		return 'T'; // (a sleeper stops when it wakes: it is T already)
	switch (state) {
	case TASK_RUNNING: return 'R';
	case TASK_INTERRUPTIBLE: return 'S';
	case TASK_UNINTERRUPTIBLE: return 'D';
	case TASK_NEW: return 'N';
	case TASK_ZOMBIE: return 'Z';
	default: return 'X';
	}
}

// ---- For the fatal-trap report (arch/x86/trap.c) ----
// Called with the other CPUs stopped, maybe while this CPU holds
// tasklist_lock: walks the list without the lock, and gives up after a
// bounded number of entries in case the list itself is what broke.

bool stack_owner_describe(u64 addr, char *buf, size_t len)
{
	struct task *t;
	int budget = 100000;
	list_for_each_entry(t, &task_list, tasks) {
		u64 top = (u64)t->kstack_top;
		if (top && addr >= top - KSTACK_SIZE - PAGE_SIZE && addr < top) {
			snprintf(buf, len, "%s/%d", t->name, t->pid);
			return true;
		}
		if (--budget == 0)
			break;
	}
	return false;
}

bool current_task_describe(char *buf, size_t len)
{
	struct task *t = this_cpu() ? this_cpu()->current_task : NULL;
	if (!t)
		return false;
	snprintf(buf, len, "%s/%d", t->name, t->pid);
	return true;
}
