// Sleeping mutexes. See mutex.h.
#include "kernel/mutex.h"
#include "arch/x86/cpu.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/task.h"

// A task waiting for a mutex; lives on its stack. granted is set, under
// wait_lock, by the unlocker that made it the owner.
struct mutex_waiter {
	struct list_head node; // in mutex->waiters
	struct task *task;
	bool granted;
};

void mutex_init(struct mutex *m, const char *name)
{
	spin_lock_init(&m->wait_lock, name);
	m->owner = NULL;
	INIT_LIST_HEAD(&m->waiters);
	INIT_LIST_HEAD(&m->held);
	m->name = name;
}

static void might_sleep(struct mutex *m)
{
	int depth = this_cpu_read_int(irq_depth);
	if (unlikely(!current || preempt_count() != 0 || depth != 0))
		panic("mutex %s: locked in atomic context (preempt_count %d, irq depth %d)",
		      m->name, preempt_count(), depth);
}

// Called with wait_lock held once m is ours.
static void mutex_took(struct mutex *m, struct task *me)
{
	list_add(&m->held, &me->held_mutexes);
}

// t owns one mutex more (+1) or one less (-1): see task->mutexes_owned.
static void count_owned(struct task *t, int n)
{
	__atomic_add_fetch(&t->mutexes_owned, n, __ATOMIC_RELAXED);
}

static int mutex_lock_common(struct mutex *m, int state)
{
	might_sleep(m);
	struct task *me = current;
	unsigned long f = spin_lock_irqsave(&m->wait_lock);
	if (!m->owner) {
		m->owner = me;
		count_owned(me, 1);
		mutex_took(m, me);
		spin_unlock_irqrestore(&m->wait_lock, f);
		return 0;
	}
	if (m->owner == me)
		panic("mutex %s: %s/%d locks it again (deadlock)", m->name, me->name, me->pid);
	struct mutex_waiter w = {.task = me, .granted = false};
	list_add_tail(&w.node, &m->waiters);
	for (;;) {
		set_current_state(state);
		spin_unlock_irqrestore(&m->wait_lock, f);
		schedule();
		f = spin_lock_irqsave(&m->wait_lock);
		if (w.granted)
			break;
		if (state == TASK_INTERRUPTIBLE && task_kill_pending(me)) {
			list_del(&w.node);
			spin_unlock_irqrestore(&m->wait_lock, f);
			return -EINTR;
		}
	}
	mutex_took(m, me);
	spin_unlock_irqrestore(&m->wait_lock, f);
	return 0;
}

void mutex_lock(struct mutex *m) { mutex_lock_common(m, TASK_UNINTERRUPTIBLE); }
int mutex_lock_interruptible(struct mutex *m) { return mutex_lock_common(m, TASK_INTERRUPTIBLE); }

bool mutex_trylock(struct mutex *m)
{
	struct task *me = current;
	unsigned long f = spin_lock_irqsave(&m->wait_lock);
	bool got = !m->owner;
	if (got) {
		m->owner = me;
		count_owned(me, 1);
		mutex_took(m, me);
	}
	spin_unlock_irqrestore(&m->wait_lock, f);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	struct task *me = current;
	unsigned long f = spin_lock_irqsave(&m->wait_lock);
	if (m->owner != me)
		panic("mutex %s: unlocked by %s/%d, owner %s/%d", m->name,
		      me ? me->name : "?", me ? me->pid : -1,
		      m->owner ? m->owner->name : "(none)", m->owner ? m->owner->pid : -1);
	list_del_init(&m->held);
	count_owned(me, -1);
	if (list_empty(&m->waiters)) {
		m->owner = NULL;
	} else { // hand it to the first waiter
		struct mutex_waiter *w = list_first_entry(&m->waiters, struct mutex_waiter, node);
		list_del(&w->node);
		m->owner = w->task;
		count_owned(w->task, 1); // before the wake-up: it may be throttled on the way
		w->granted = true;
		wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&m->wait_lock, f);
}

bool mutex_owned(struct mutex *m) { return READ_ONCE(m->owner) == current; }

void mutex_release_all(struct task *t)
{
	while (!list_empty(&t->held_mutexes)) {
		struct mutex *m = list_first_entry(&t->held_mutexes, struct mutex, held);
		pr_warn("%s/%d exits holding mutex %s: released\n", t->name, t->pid, m->name);
		mutex_unlock(m);
	}
}
