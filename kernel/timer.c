// Per-CPU timer lists. See timer.h.
#include "kernel/timer.h"
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "kernel/spinlock.h"
#include "arch/x86/apic.h"
#include "kernel/time.h"

struct timer_base {
	struct spinlock lock;     // guards timers and running
	struct list_head timers;  // armed timers, earliest first
	struct timer *running;    // whose callback runs now (lock-free reads)
};

static struct timer_base bases[NR_CPUS];

// The LAPIC timer runs one-shot: each CPU programs it for its next tick
// or its first timer, whichever comes first (timer_program). Per CPU,
// touched only by that CPU with interrupts off.
static u64 next_tick_ns[NR_CPUS];  // when sched_tick is due
static u64 programmed_ns[NR_CPUS]; // what the LAPIC timer is set for
#define TICK_NS (NSEC_PER_SEC / HZ)

static struct timer_base *this_base(void) { return &bases[smp_processor_id()]; }

void timer_init_bases(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&bases[cpu].lock, "timer_base");
		INIT_LIST_HEAD(&bases[cpu].timers);
	}
}

void timer_init(struct timer *t, void (*fn)(struct timer *t))
{
	INIT_LIST_HEAD(&t->node);
	t->fn = fn;
	t->base = NULL;
	t->expires_ns = 0;
}

// Program this CPU's LAPIC timer for min(next tick, first timer).
// Interrupts off.
static void timer_program(void)
{
	int cpu = smp_processor_id();
	struct timer_base *b = &bases[cpu];
	u64 when = next_tick_ns[cpu];
	spin_lock(&b->lock);
	if (!list_empty(&b->timers)) {
		u64 first = list_first_entry(&b->timers, struct timer, node)->expires_ns;
		if (first < when)
			when = first;
	}
	spin_unlock(&b->lock);
	u64 now = clock_ns();
	programmed_ns[cpu] = when;
	lapic_timer_oneshot(when > now ? when - now : 1000, VEC_TIMER);
}

void timer_start_cpu(void)
{
	unsigned long f = local_irq_save();
	next_tick_ns[smp_processor_id()] = clock_ns() + TICK_NS;
	timer_program();
	local_irq_restore(f);
}

bool timer_interrupt(void)
{
	int cpu = smp_processor_id();
	u64 now = clock_ns();
	bool tick = now >= next_tick_ns[cpu];
	if (tick) {
		next_tick_ns[cpu] += TICK_NS;
		if (next_tick_ns[cpu] <= now) // late (a long irq-off stretch): no bursts
			next_tick_ns[cpu] = now + TICK_NS;
	}
	return tick;
}

void timer_interrupt_done(void) { timer_program(); }

void timer_add(struct timer *t, u64 expires_ns)
{
	unsigned long f = local_irq_save(); // stay on this CPU
	struct timer_base *b = this_base();
	spin_lock(&b->lock);
	t->expires_ns = expires_ns;
	t->base = b;
	struct list_head *pos;
	list_for_each(pos, &b->timers) // keep the list sorted
		if (list_entry(pos, struct timer, node)->expires_ns > expires_ns)
			break;
	list_add_tail(&t->node, pos);
	bool sooner = expires_ns < programmed_ns[smp_processor_id()];
	spin_unlock(&b->lock);
	if (sooner && next_tick_ns[smp_processor_id()])
		timer_program(); // before the tick: make the LAPIC fire for it
	local_irq_restore(f);
}

bool timer_pending(struct timer *t) { return !list_empty(&t->node); }

bool timer_del_sync(struct timer *t)
{
	struct timer_base *b = READ_ONCE(t->base);
	if (!b)
		return false;
	unsigned long f = spin_lock_irqsave(&b->lock);
	bool pending = !list_empty(&t->node);
	if (pending)
		list_del_init(&t->node);
	spin_unlock_irqrestore(&b->lock, f);
	while (READ_ONCE(b->running) == t)
		cpu_relax();
	return pending;
}

void timer_tick(void)
{
	struct timer_base *b = this_base();
	u64 now = clock_ns();
	spin_lock(&b->lock); // interrupts are off
	while (!list_empty(&b->timers)) {
		struct timer *t = list_first_entry(&b->timers, struct timer, node);
		if (t->expires_ns > now)
			break;
		list_del_init(&t->node);
		WRITE_ONCE(b->running, t);
		spin_unlock(&b->lock);
		t->fn(t);
		spin_lock(&b->lock);
		WRITE_ONCE(b->running, NULL);
	}
	spin_unlock(&b->lock);
}
