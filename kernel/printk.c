// printk and the log ring. See printk.h.
//
// Kernel messages and the line being typed. The console remembers what
// was written since the last newline (console_tail: the prompt and the
// echo of what is being typed, or an app's unfinished line). A kernel
// message that comes while that line is not empty starts on a line of its
// own, and the remembered bytes are written again after it, so the
// prompt and the line being edited reappear below the message, cursor
// moves included (the console replays the same bytes). A line that
// outgrew the buffer is not replayed. The console knows nothing about
// the shell: the shell's editor simply writes to it.
#include "kernel/printk.h"
#include "arch/x86/uart.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"

int console_loglevel = 7;

#define LOG_SIZE 65536
static DEFINE_SPINLOCK(log_lock);     // protects log_buf, log_head
static char log_buf[LOG_SIZE];
static u64 log_head;                  // total bytes ever logged
static DEFINE_SPINLOCK(console_lock); // serialises whole lines on the UART, and:
#define CONSOLE_TAIL_MAX 2048
static char console_tail[CONSOLE_TAIL_MAX]; // written since the last '\n'
static size_t tail_len;
static bool tail_lost;                      // more than CONSOLE_TAIL_MAX of it
static bool console_broken;           // set after a fatal error

void console_break_lock(void) { console_broken = true; }

// console_lock held: remember the bytes after the last newline of s.
static void tail_record(const char *s, size_t n)
{
	size_t start = n;
	while (start > 0 && s[start - 1] != '\n')
		start--;
	if (start > 0) { // a newline: the line starts afresh
		tail_len = 0;
		tail_lost = false;
	}
	size_t k = n - start;
	if (tail_len + k > CONSOLE_TAIL_MAX) {
		tail_lost = true;
		return;
	}
	memcpy(console_tail + tail_len, s + start, k);
	tail_len += k;
}

void console_write(const char *s, size_t n)
{
	if (console_broken) {
		uart_write(s, n);
		return;
	}
	unsigned long f = spin_lock_irqsave(&console_lock);
	uart_write(s, n);
	tail_record(s, n);
	spin_unlock_irqrestore(&console_lock, f);
}

// A kernel message (whole lines): on a line of its own, then the
// unfinished line it interrupted, again.
static void console_write_message(const char *s, size_t n)
{
	if (console_broken) {
		uart_write(s, n);
		return;
	}
	unsigned long f = spin_lock_irqsave(&console_lock);
	bool mid_line = tail_len > 0 || tail_lost;
	if (mid_line)
		uart_write("\n", 1);
	uart_write(s, n);
	if (n && s[n - 1] != '\n')
		uart_write("\n", 1);
	if (mid_line && !tail_lost)
		uart_write(console_tail, tail_len);
	else
		tail_len = 0, tail_lost = false; // the cursor is at a line's start
	spin_unlock_irqrestore(&console_lock, f);
}

static void log_store(const char *s, size_t n)
{
	unsigned long f = spin_lock_irqsave(&log_lock);
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head + i) % LOG_SIZE] = s[i];
	log_head += n;
	spin_unlock_irqrestore(&log_lock, f);
}

u64 log_end(void) { return READ_ONCE(log_head); }

size_t log_read(u64 *pos, char *buf, size_t len)
{
	unsigned long f = spin_lock_irqsave(&log_lock);
	if (*pos + LOG_SIZE < log_head)
		*pos = log_head - LOG_SIZE;
	size_t n = 0;
	while (n < len && *pos < log_head)
		buf[n++] = log_buf[(*pos)++ % LOG_SIZE];
	spin_unlock_irqrestore(&log_lock, f);
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[512];
	int level = 6;
	if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	u64 ns = clock_ns();
	int p = snprintf(line, sizeof(line), "[%5llu.%06llu] ", ns / 1000000000ULL,
			 (ns / 1000) % 1000000);
	vsnprintf(line + p, sizeof(line) - p, fmt, ap);
	size_t n = strlen(line);
	log_store(line, n);
	if (level < console_loglevel)
		console_write_message(line, n);
	return (int)n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

int kprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, strlen(buf));
	return n;
}
