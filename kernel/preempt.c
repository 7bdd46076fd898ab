// Preemption control, until the scheduler owns it: without tasks there is
// nothing to switch to, so these only keep the count.
#include "arch/x86/cpu.h"
#include "kernel/init.h"

void preempt_enable(void) { preempt_enable_no_resched(); }
void preempt_check_resched(void) {}
void sched_tick(void) {}
