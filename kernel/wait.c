// Wait queues. See wait.h for the protocol that makes wake-ups never lost.
#include "kernel/wait.h"
#include "kernel/sched.h"
#include "kernel/task.h"

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	spin_lock_init(&wq->lock, name);
	INIT_LIST_HEAD(&wq->head);
}

void wait_entry_init(struct wait_entry *e)
{
	e->task = current;
	INIT_LIST_HEAD(&e->node);
	e->woken = false;
}

void prepare_to_wait(struct wait_queue *wq, struct wait_entry *e, int state)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);
	if (list_empty(&e->node)) {
		e->woken = false;
		list_add_tail(&e->node, &wq->head);
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, f);
}

bool finish_wait(struct wait_queue *wq, struct wait_entry *e)
{
	set_current_state(TASK_RUNNING);
	unsigned long f = spin_lock_irqsave(&wq->lock);
	list_del_init(&e->node);
	bool woken = e->woken;
	spin_unlock_irqrestore(&wq->lock, f);
	return woken;
}

// Remove and wake the first n entries (all if n < 0).
static void wake_entries(struct wait_queue *wq, int n)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);
	while (n-- != 0 && !list_empty(&wq->head)) {
		struct wait_entry *e = list_first_entry(&wq->head, struct wait_entry, node);
		list_del_init(&e->node);
		e->woken = true;
		// e is on the waiter's stack: valid while we hold wq->lock,
		// which the waiter needs to leave finish_wait.
		wake_up_process(e->task);
	}
	spin_unlock_irqrestore(&wq->lock, f);
}

void wake_up(struct wait_queue *wq) { wake_entries(wq, -1); }
void wake_up_one(struct wait_queue *wq) { wake_entries(wq, 1); }
bool wait_queue_active(struct wait_queue *wq) { return !list_empty(&wq->head); }
