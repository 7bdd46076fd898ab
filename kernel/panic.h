// Fatal errors. panic() prints its message and a backtrace, stops the
// other CPUs and powers off with the failure status (DESIGN.md §2).
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/types.h"
#include "kernel/printk.h"

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
// The two halves, for reports that print their own details (traps):
// panic_begin() stops interrupts, claims the console, stops other CPUs;
// panic_end() lets the test runner report, then powers off.
void panic_begin(void);
void panic_end(void) __attribute__((noreturn));
#define BUG_ON(c)                                                            \
	do {                                                                 \
		if (unlikely(c))                                             \
			panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)
#define WARN_ON(c)                                                           \
	({                                                                   \
		bool w_ = !!(c);                                             \
		if (unlikely(w_))                                            \
			report_warning(#c, __FILE__, __LINE__);              \
		w_;                                                          \
	})

// Non-fatal error reports: a kernel bug noticed and survived (a WARN_ON,
// a slab object written to after its free, a double or bad free). Each
// prints one line starting "BUG: " (report_bug) or "WARNING: "
// (report_warning, WARN_ON's) and a backtrace, and counts in
// kernel_reports. The ktest runner fails the test during which the count
// moved (unless it called ktest_expect_reports()); scripts/ktest-run and
// tests/ fail any run whose console shows such a line, or a KERNEL PANIC
// or KERNEL TRAP, outside a test that expects it.
extern u64 kernel_reports;
void report_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_warning(const char *cond, const char *file, int line);

// Power off through isa-debug-exit: ok -> QEMU exit 33, else 35.
void poweroff(bool ok) __attribute__((noreturn));

#endif
