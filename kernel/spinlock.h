// Ticket spinlocks.
//
// spin_lock() disables preemption; the _irqsave variants also disable
// interrupts on this CPU and must be used for any lock an interrupt
// handler takes. Debug checks: taking a lock this CPU already holds panics
// (recursion), as does unlocking a lock held by another CPU; sleeping or
// going idle with a lock held is caught by the scheduler via
// this_cpu()->locks_held.
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "kernel/types.h"

struct spinlock {
	volatile u16 next;   // next ticket to hand out
	volatile u16 owner;  // ticket now being served
	int cpu;             // holder's CPU id, -1 when free (debug)
	const char *name;
};

#define SPINLOCK_INIT(n) {0, 0, -1, n}
#define DEFINE_SPINLOCK(var) struct spinlock var = SPINLOCK_INIT(#var)

void spin_lock_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);
unsigned long spin_lock_irqsave(struct spinlock *l);
void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags);
bool spin_is_locked(struct spinlock *l);
// True if this CPU holds l.
bool spin_held(struct spinlock *l);
#define assert_held(l)                                                       \
	do {                                                                 \
		if (!spin_held(l))                                           \
			panic("%s: lock %s not held", __func__, (l)->name);  \
	} while (0)

#include "kernel/panic.h"

#endif
