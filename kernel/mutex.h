// Sleeping mutexes with an owner and FIFO hand-off.
//
//   mutex_init(m, name)            an unlocked mutex (or DEFINE_MUTEX(var))
//   mutex_lock(m)                  sleep (uninterruptibly) until we own it
//   mutex_lock_interruptible(m)    0, or -EINTR if the task is killed first
//   mutex_trylock(m)               true if we got it without sleeping
//   mutex_unlock(m)                panics unless the caller is the owner
//   mutex_is_locked(m), mutex_owned(m) (by the caller)
//
// A waiter queues at the tail of m->waiters and sleeps; mutex_unlock hands
// the mutex straight to the first waiter (sets the owner, then wakes it),
// so waiters get it in arrival order and a fast relocker cannot starve
// them. Only tasks may lock (not interrupt handlers, not with a spinlock
// held: both would be "scheduling while atomic" and panic).
//
// Each task keeps the mutexes it holds on a list (task->held_mutexes). A
// task that exits holding some (an app killed inside a libc lock) has them
// released with a warning, so no one waits forever for a dead owner.
//
// Locks: m->wait_lock (a spinlock, irq-safe) guards owner and waiters. It
// is taken before the scheduler's locks (task->lock, rq->lock) when the
// unlocker wakes the next owner.
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "lib/list.h"

struct task;

struct mutex {
	struct spinlock wait_lock;
	struct task *owner;        // NULL when free (wait_lock)
	struct list_head waiters;  // struct mutex_waiter, FIFO (wait_lock)
	struct list_head held;     // in owner->held_mutexes (owner only)
	const char *name;
};

#define MUTEX_INIT(var, n)                                                   \
	{ SPINLOCK_INIT(n), NULL, LIST_HEAD_INIT((var).waiters),             \
	  LIST_HEAD_INIT((var).held), n }
#define DEFINE_MUTEX(var) struct mutex var = MUTEX_INIT(var, #var)

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
int mutex_lock_interruptible(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
static inline bool mutex_is_locked(struct mutex *m) { return READ_ONCE(m->owner) != NULL; }
// True if the calling task owns m (for assertions).
bool mutex_owned(struct mutex *m);
#define assert_mutex_held(m)                                                 \
	do {                                                                 \
		if (!mutex_owned(m))                                         \
			panic("%s: mutex %s not held", __func__, (m)->name); \
	} while (0)

// task_exit: release (with a warning) every mutex t still holds.
void mutex_release_all(struct task *t);

#endif
