// Tests for the trap path (arch/x86/trap.c): an exception a test expects
// with trap_expect() is counted and survived, on every CPU; the next one
// would be fatal again. The expectation belongs to one CPU, so the tests
// (which run in a task) keep preemption off from trap_expect to the trap.
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "kernel/ktest.h"

KTEST(trap, expected_invalid_opcode_is_counted_and_skipped)
{
	volatile int hit = 0;
	preempt_disable();
	trap_expect(6, &hit);
	__asm__ volatile("ud2");
	preempt_enable();
	EXPECT_EQ(hit, 1);
}

KTEST(trap, expected_breakpoint_is_counted_and_execution_continues)
{
	volatile int hit = 0;
	preempt_disable();
	trap_expect(3, &hit);
	__asm__ volatile("int3");
	preempt_enable();
	EXPECT_EQ(hit, 1);
}

KTEST(trap, expectation_is_used_up_by_one_trap)
{
	volatile int hit = 0;
	preempt_disable();
	trap_expect(3, &hit);
	__asm__ volatile("int3");
	trap_expect(3, &hit); // a second int3 without this line would be fatal
	__asm__ volatile("int3");
	preempt_enable();
	EXPECT_EQ(hit, 2);
}

static volatile int hits[NR_CPUS];

static void ud2_here(void *arg)
{
	(void)arg;
	trap_expect(6, &hits[this_cpu()->id]);
	__asm__ volatile("ud2");
}

KTEST(trap, invalid_opcode_is_handled_on_every_cpu)
{
	int cpu;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		hits[cpu] = 0;
	smp_call_function_many(&cpu_online_mask, ud2_here, NULL, true);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(hits[cpu], cpumask_test_cpu(cpu, &cpu_online_mask) ? 1 : 0);
}
