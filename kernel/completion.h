// Completions: "wait until this has happened", counted.
//
//   init_completion(c)                       nothing has happened yet
//   complete(c)                              one more event: wakes one waiter
//   complete_all(c)                          it has happened for everyone,
//                                            now and later
//   wait_for_completion(c)                   sleep until an event, consume it
//   wait_for_completion_interruptible(c)     0 or -EINTR (killed)
//   wait_for_completion_timeout(c, ns)       true if it happened in time
//   try_wait_for_completion(c)               consume one without sleeping
//
// done counts events not yet consumed; COMPLETION_ALL means complete_all.
// c->wait.lock guards done.
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include "kernel/wait.h"

#define COMPLETION_ALL 0x7fffffffu

struct completion {
	unsigned done;
	struct wait_queue wait;
};

static inline void init_completion(struct completion *c)
{
	c->done = 0;
	wait_queue_init(&c->wait, "completion");
}

static inline bool try_wait_for_completion(struct completion *c)
{
	unsigned long f = spin_lock_irqsave(&c->wait.lock);
	bool ok = c->done > 0;
	if (ok && c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wait.lock, f);
	return ok;
}

static inline void complete(struct completion *c)
{
	unsigned long f = spin_lock_irqsave(&c->wait.lock);
	if (c->done != COMPLETION_ALL)
		c->done++;
	spin_unlock_irqrestore(&c->wait.lock, f);
	wake_up_one(&c->wait);
}

static inline void complete_all(struct completion *c)
{
	unsigned long f = spin_lock_irqsave(&c->wait.lock);
	c->done = COMPLETION_ALL;
	spin_unlock_irqrestore(&c->wait.lock, f);
	wake_up(&c->wait);
}

static inline void wait_for_completion(struct completion *c)
{
	wait_event(&c->wait, try_wait_for_completion(c));
}

static inline int wait_for_completion_interruptible(struct completion *c)
{
	return wait_event_interruptible(&c->wait, try_wait_for_completion(c));
}

static inline bool wait_for_completion_timeout(struct completion *c, u64 ns)
{
	return wait_event_timeout(&c->wait, try_wait_for_completion(c), ns) > 0;
}

static inline bool completion_done(struct completion *c) { return READ_ONCE(c->done) > 0; }

#endif
