// Deliberate crashes, to check that a fatal trap produces a readable
// report and powers off with the failure status. These run only when
// asked for by name (ktest=crash.NAME); tests/test_boot.py drives them.
#include "kernel/ktest.h"
#include "kernel/panic.h"

KTEST(crash, null_deref)
{
	static volatile u64 zero; // not a constant, so gcc cannot turn it into ud2
	*(volatile int *)zero = 1;
	ktest_fail(__FILE__, __LINE__, "NULL store did not fault");
}

KTEST(crash, invalid_opcode)
{
	__asm__ volatile("ud2");
	ktest_fail(__FILE__, __LINE__, "ud2 did not trap");
}

KTEST(crash, panic_message)
{
	panic("deliberate panic from a test");
}

// Recurse until the kernel stack's guard page is hit: the page fault
// cannot push its frame, so the CPU raises a double fault, which runs on
// its own IST stack and must still print a report.
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int __attribute__((noinline)) recurse(volatile int depth)
{
	volatile char pad[256];
	pad[0] = (char)depth;
	return recurse(depth + 1) + pad[0];
}

KTEST(crash, stack_overflow)
{
	recurse(0);
}
