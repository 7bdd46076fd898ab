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
			printk(KERN_WARNING "WARNING: %s at %s:%d\n", #c,    \
			       __FILE__, __LINE__);                          \
		w_;                                                          \
	})

// Power off through isa-debug-exit: ok -> QEMU exit 33, else 35.
void poweroff(bool ok) __attribute__((noreturn));

#endif
