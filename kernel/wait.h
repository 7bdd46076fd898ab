// Wait queues: sleep until a condition becomes true.
//
//   struct wait_queue wq; wait_queue_init(&wq, "name");  (or DEFINE_WAIT_QUEUE)
// Every call takes a pointer, wq = &wq:
//   wait_event(wq, cond)                   sleep uninterruptibly until cond
//   wait_event_interruptible(wq, cond)     0, or -EINTR if the task is killed
//   wait_event_timeout(wq, cond, ns)       0 if ns passed with cond still
//                                          false, else the ns left (>= 1)
//   wait_event_interruptible_timeout(...)  the same, or -EINTR
//   wake_up(wq)       wake every waiter
//   wake_up_one(wq)   wake the first waiter (handed on if it was killed)
//
// The waker makes cond true, then calls wake_up. A waiter runs
// prepare_to_wait (joins the queue and marks itself sleeping, under
// wq->lock), tests cond, and only then schedules away. A wake-up between
// the test and schedule() finds the task still queued and sets it running
// again, so schedule() returns at once: no wake-up is lost, on any CPU.
// cond is evaluated with no lock held and may be evaluated many times.
//
// Waking removes the entry from the queue ("autoremove"); a waiter that
// finds cond still false simply queues again. Entries live on the waiter's
// stack. Lock order: wq->lock before task->lock and rq->lock (the wake-up
// takes those). wake_up* may be called from interrupt handlers.
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include "kernel/errno.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "kernel/types.h"
#include "lib/list.h"

struct task;

struct wait_queue {
	struct spinlock lock;   // guards head
	struct list_head head;  // struct wait_entry, in arrival order
};

struct wait_entry {
	struct task *task;
	struct list_head node;  // in wq->head; empty when not queued
	bool woken;             // removed by a wake-up (wq->lock)
};

#define WAIT_QUEUE_INIT(var, n) { SPINLOCK_INIT(n), LIST_HEAD_INIT((var).head) }
#define DEFINE_WAIT_QUEUE(var) struct wait_queue var = WAIT_QUEUE_INIT(var, #var)

void wait_queue_init(struct wait_queue *wq, const char *name);
void wait_entry_init(struct wait_entry *e);
// Queue e (if it is not queued) and set the current task's state
// (TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE).
void prepare_to_wait(struct wait_queue *wq, struct wait_entry *e, int state);
// Set the task running again and dequeue e; returns whether a wake-up
// removed it (so a waiter that gives up can hand the wake-up on).
bool finish_wait(struct wait_queue *wq, struct wait_entry *e);
void wake_up(struct wait_queue *wq);
void wake_up_one(struct wait_queue *wq);
bool wait_queue_active(struct wait_queue *wq); // anyone waiting (racy hint)

// For the macros: sleep until woken or until deadline_ns (clock_ns()).
void schedule_until(u64 deadline_ns);

#define wait_event(wq, cond)                                                   \
	do {                                                                   \
		struct wait_entry we_;                                         \
		wait_entry_init(&we_);                                         \
		for (;;) {                                                     \
			prepare_to_wait((wq), &we_, TASK_UNINTERRUPTIBLE);     \
			if (cond)                                              \
				break;                                         \
			schedule();                                            \
		}                                                              \
		finish_wait((wq), &we_);                                       \
	} while (0)

#define wait_event_interruptible(wq, cond)                                     \
	({                                                                     \
		struct wait_entry we_;                                         \
		int wret_ = 0;                                                 \
		wait_entry_init(&we_);                                         \
		for (;;) {                                                     \
			prepare_to_wait((wq), &we_, TASK_INTERRUPTIBLE);       \
			if (cond)                                              \
				break;                                         \
			if (task_kill_pending(current)) {                      \
				wret_ = -EINTR;                                \
				break;                                         \
			}                                                      \
			schedule();                                            \
		}                                                              \
		if (finish_wait((wq), &we_) && wret_)                          \
			wake_up_one(wq); /* hand on an unused wake-up */ \
		wret_;                                                         \
	})

// Shared body of the timeout variants; state is the sleep state.
#define wait_event_timeout_(wq, cond, ns, state)                               \
	({                                                                     \
		struct wait_entry we_;                                         \
		long long wret_;                                               \
		u64 wdeadline_ = clock_ns() + (ns);                            \
		wait_entry_init(&we_);                                         \
		for (;;) {                                                     \
			prepare_to_wait((wq), &we_, (state));                  \
			if (cond) {                                            \
				u64 wnow_ = clock_ns();                        \
				wret_ = wnow_ < wdeadline_ ?                   \
					(long long)(wdeadline_ - wnow_) : 1;   \
				break;                                         \
			}                                                      \
			if ((state) == TASK_INTERRUPTIBLE &&                   \
			    task_kill_pending(current)) {                      \
				wret_ = -EINTR;                                \
				break;                                         \
			}                                                      \
			if (clock_ns() >= wdeadline_) {                        \
				wret_ = 0;                                     \
				break;                                         \
			}                                                      \
			schedule_until(wdeadline_);                            \
		}                                                              \
		if (finish_wait((wq), &we_) && wret_ <= 0)                     \
			wake_up_one(wq);                                       \
		wret_;                                                         \
	})

#define wait_event_timeout(wq, cond, ns)                                       \
	wait_event_timeout_(wq, cond, ns, TASK_UNINTERRUPTIBLE)
#define wait_event_interruptible_timeout(wq, cond, ns)                         \
	wait_event_timeout_(wq, cond, ns, TASK_INTERRUPTIBLE)

// The macros use schedule(), current, task states and task_kill_pending().
#include "kernel/sched.h"
#include "kernel/task.h"

#endif
