// Kernel log: printk with Linux-style levels and a log ring.
//
// Every message goes into a 64 KiB ring (read by dmesg and /dev/kmsg);
// messages at or below console_loglevel are also written to the serial
// console. A level is a prefix string: printk(KERN_ERR "...").
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "kernel/types.h"

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

extern int console_loglevel; // print to console if level < this (default 7)

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

// Console output that bypasses the log and levels (ktest TAP, reports).
void console_write(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// After a fatal error: stop honouring the console lock so a report from a
// CPU that interrupted a printing CPU still gets out.
void console_break_lock(void);

// Copy log ring contents starting at byte sequence *pos into buf; returns
// bytes copied and advances *pos (skipping what was overwritten).
size_t log_read(u64 *pos, char *buf, size_t len);
u64 log_end(void);

#endif
