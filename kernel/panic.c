// panic() and power-off. See panic.h.
#include "kernel/panic.h"
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"
#include "kernel/ktest.h"
#include "kernel/torture.h"
#include "kernel/printk.h"
#include "lib/printf.h"

static int panicking = -1; // CPU id of the first CPU to panic

void panic_begin(void)
{
	cli();
	int me = this_cpu() ? this_cpu()->id : 0;
	int expect = -1;
	if (!__atomic_compare_exchange_n(&panicking, &expect, me, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST) &&
	    expect != me) {
		for (;;) // another CPU is reporting; let it finish
			hlt();
	}
	console_break_lock();
	smp_stop_others();
}

void panic_end(void)
{
	ktest_abort_report();
	torture_abort_report();
	poweroff(false);
}

void panic(const char *fmt, ...)
{
	panic_begin();
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("\n*** KERNEL PANIC on cpu %d: %s\n", this_cpu() ? this_cpu()->id : -1, buf);
	backtrace_from((u64)panic, read_rbp());
	panic_end();
}

u64 kernel_reports;

static void report_backtrace(u64 rip)
{
	backtrace_from(rip, read_rbp());
}

void report_bug(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	__atomic_add_fetch(&kernel_reports, 1, __ATOMIC_RELAXED);
	printk(KERN_ERR "BUG: %s\n", buf);
	report_backtrace((u64)report_bug);
}

void report_warning(const char *cond, const char *file, int line)
{
	__atomic_add_fetch(&kernel_reports, 1, __ATOMIC_RELAXED);
	printk(KERN_WARNING "WARNING: %s at %s:%d\n", cond, file, line);
	report_backtrace((u64)report_warning);
}

void poweroff(bool ok)
{
	cli();
	outb(0xf4, ok ? 0x10 : 0x11);
	// Not under QEMU with isa-debug-exit: ACPI-less machines just halt.
	outw(0x604, 0x2000); // QEMU's ACPI PM1a (q35/pc) power-off
	for (;;)
		hlt();
}
