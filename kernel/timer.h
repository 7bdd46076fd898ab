// Per-CPU timers: run a function in interrupt context once the clock
// (clock_ns) passes a deadline. They back sleep_ns, schedule_until and the
// wait_event_timeout macros.
//
//   timer_init(t, fn)         set the callback
//   timer_add(t, expires_ns)  arm t on this CPU's list (t must not be armed)
//   timer_del_sync(t)         disarm; if fn is running on another CPU, wait
//                             for it to finish. Returns whether t was armed.
//   timer_tick()              from sched_tick: run this CPU's expired timers
//
// Each CPU's timer_base keeps its timers sorted by deadline under its lock
// (irq-safe, a leaf: fn runs without it). The LAPIC timer is one-shot,
// programmed for the CPU's next scheduler tick (every 1/HZ) or its first
// timer if that is sooner, so a timer runs within the interrupt latency
// of its deadline, never before.
// The owner of a timer (often on its stack) must timer_del_sync it before
// it goes away.
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/types.h"
#include "lib/list.h"

struct timer_base;

struct timer {
	struct list_head node;        // in base->timers while armed (base lock)
	u64 expires_ns;
	void (*fn)(struct timer *t);  // interrupt context: must not sleep
	struct timer_base *base;      // where it was last armed
};

void timer_init(struct timer *t, void (*fn)(struct timer *t));
void timer_add(struct timer *t, u64 expires_ns);
bool timer_del_sync(struct timer *t);
bool timer_pending(struct timer *t);
void timer_tick(void);
void timer_init_bases(void); // kmain, before any CPU's tick starts
// The CPU's clock-event side (arch timer interrupt, CPU bring-up):
void timer_start_cpu(void);      // start this CPU's ticks (interrupts may be on)
bool timer_interrupt(void);      // at the interrupt: is a tick due? (else timers only)
void timer_interrupt_done(void); // at its end: program the next interrupt

#endif
