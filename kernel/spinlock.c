// Ticket spinlocks: FIFO-fair under contention, which matters under TCG
// where an unfair lock can starve a vCPU for milliseconds.
//
// Under QEMU TCG with more vCPUs than host cores, fairness has a price:
// the lock passes to the next ticket even when that vCPU's host thread is
// not running, and every waiter behind it spins until the host schedules
// it (lock-waiter preemption). kernel/spinlock_bench.c measures it
// (spinlock_contended_ns, all CPUs hammering one lock), 4 vCPUs on 2 host
// cores: usually 0.5-2 us per acquisition, but on a loaded host some runs
// fall into a convoy at 0.5-1.6 ms per acquisition, every hand-off waiting
// for a host time slice. Removing the `pause` from the wait loop changed
// nothing there (convoys either way); with single-threaded TCG (`scripts/qemu
// --single`) the figure is 60-220 ns and `pause` is what hands the host
// CPU to the next vCPU: without it ctxsw_same_cpu_ns went 1.3 -> 10-17 us.
// So the wait loop keeps `pause` (cpu_relax), and hot kernel paths keep
// their critical sections short. @todo paravirtual "kick" waiting (halt
// after a while, woken by the unlocker) would fix the convoys; it needs an
// NMI to wake a waiter that spins with interrupts off.
//
// A waiter that spins with interrupts off runs the cross-CPU calls queued
// for it meanwhile (smp_wait_relax), as a caller waiting for its calls
// does: TLB shootdowns must not wait for it. That matters when the lock's
// holder is itself waiting for a shootdown to finish -- a CPU that touched
// a page being moved, while holding a lock with interrupts off (uart_write
// on an app's buffer), waits in the page-fault handler until the mover's
// shootdown is done (mm/vmap.h).
#include "kernel/spinlock.h"
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/x86.h"

void spin_lock_init(struct spinlock *l, const char *name)
{
	l->next = l->owner = 0;
	l->cpu = -1;
	l->name = name;
}

static void lock_acquired(struct spinlock *l)
{
	struct cpu *c = this_cpu();
	l->cpu = c->id;
	c->locks_held++;
	c->locks_held_hint = l;
}

void spin_lock(struct spinlock *l)
{
	preempt_disable();
	if (unlikely(l->cpu == this_cpu()->id))
		panic("spinlock %s: recursive lock on cpu %d", l->name, l->cpu);
	u16 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		if (irqs_enabled())
			cpu_relax();
		else
			smp_wait_relax(); // serves calls (see the top)
	}
	lock_acquired(l);
}

bool spin_trylock(struct spinlock *l)
{
	preempt_disable();
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u16 expect = owner;
	if (__atomic_compare_exchange_n(&l->next, &expect, (u16)(owner + 1), false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		lock_acquired(l);
		return true;
	}
	preempt_enable();
	return false;
}

void spin_unlock(struct spinlock *l)
{
	struct cpu *c = this_cpu();
	if (unlikely(l->cpu != c->id))
		panic("spinlock %s: unlocked by cpu %d, held by %d", l->name, c->id, l->cpu);
	l->cpu = -1;
	c->locks_held--;
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
	preempt_enable();
}

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = local_irq_save();
	spin_lock(l);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	struct cpu *c = this_cpu();
	if (unlikely(l->cpu != c->id))
		panic("spinlock %s: unlocked by cpu %d, held by %d", l->name, c->id, l->cpu);
	l->cpu = -1;
	c->locks_held--;
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
	// Restore interrupts before a possible reschedule in preempt_enable.
	preempt_enable_no_resched();
	local_irq_restore(flags);
	if (preempt_count() == 0 && (flags & RFLAGS_IF))
		preempt_check_resched();
}

bool spin_is_locked(struct spinlock *l)
{
	return READ_ONCE(l->owner) != READ_ONCE(l->next);
}

bool spin_held(struct spinlock *l)
{
	return spin_is_locked(l) && l->cpu == this_cpu()->id;
}
