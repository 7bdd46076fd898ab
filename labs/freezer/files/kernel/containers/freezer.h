// freezer: the hook the scheduler calls (lab freezer, labs/freezer/README.md).
#ifndef KERNEL_CONTAINERS_FREEZER_H
#define KERNEL_CONTAINERS_FREEZER_H

// Called by the current task at a point where it may be held: interrupts
// enabled, no lock held, preemptible, running app code (irq_exit_hook in
// kernel/sched.c, as an interrupt returns to app code). If the task's
// freezer container is frozen, it sleeps here until it is thawed (or
// killed); otherwise it returns at once.
void freezer_try_to_freeze(void);

#endif
