// /dev/console: the serial port, with a line discipline.
//
// Input comes in two stages:
//   1. interrupt context: the UART interrupt queues bytes in its ring and
//      calls uart_rx_hook, which moves them into the console's raw ring
//      and wakes the readers. Only Ctrl-C (0x03) is acted on here, so it
//      works while nobody reads (a shell waiting for its job): with a
//      foreground task set (CONSOLE_SET_FG pid != 0) it is sent SIGINT
//      (the task was looked up when it was set, so this is only a wake-up)
//      and the byte is not queued; unread input is thrown away, as Linux
//      does on an interrupt. Without a foreground task it is queued.
//      Ctrl-Z (0x1a) likewise stops the foreground task (SIGTSTP) and
//      throws away unread input --
//      unless it was set with CONSOLE_SET_FG_NOSTOP: a shell taking Ctrl-C
//      itself (its `wait` builtin) ignores SIGTSTP, as shells do.
//   2. reader context: console_read runs the raw bytes through the line
//      discipline into the queue readers take from:
//        cooked (default)  echo; backspace/DEL erases, Ctrl-U erases the
//                          line; Enter (CR or LF) completes a line,
//                          delivered as "...\n"; Ctrl-D on an empty line
//                          is an EOF (read returns 0); a queued Ctrl-C
//                          drops the line and is delivered alone; a read
//                          returns at most one line
//        raw               bytes pass through unchanged, no echo
// The hook is installed at the first read, so until something reads the
// console the boot-time console loop keeps the UART to itself.
//
// Output: writes go to the UART through console_write() (whole chunks,
// not interleaved with printk lines); the UART turns "\n" into "\r\n".
//
// Locks: rx_lock (irq-safe spinlock) guards the raw ring and intr_count
// (read racily by CONSOLE_INTR_COUNT); fg_lock
// (irq-safe spinlock) the foreground task; con_lock (a mutex) the edit
// line, the reader queue and eof_count. raw is a single word.
#include "arch/x86/uart.h"
#include "fs/devfs/devfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include "lib/string.h"

#define CON_LINE_MAX 1024 // bytes of one cooked line, with its '\n'
#define CON_QUEUE 4096    // bytes in the raw ring, and in the reader queue

static DEFINE_SPINLOCK(rx_lock);
static char rx_ring[CON_QUEUE];
static size_t rx_head, rx_len;

static DEFINE_SPINLOCK(fg_lock);
static unsigned intr_count;  // Ctrl-Cs, Ctrl-Zs acted on (CONSOLE_INTR_COUNT); rx_lock
static struct task *fg_task; // referenced until it exits (console_task_exit)
static bool fg_gone;         // fg_task exited: Ctrl-C and Ctrl-Z reach no one
static bool fg_nostop;       // Ctrl-Z does not stop fg_task

static DEFINE_MUTEX(con_lock);
static char line[CON_LINE_MAX];
static size_t line_len;
static char queue[CON_QUEUE];
static size_t queue_head, queue_len;
static int eof_count;          // pending Ctrl-D EOFs
static volatile int drop_line; // a Ctrl-C interrupted the line being edited
static volatile bool raw;

static DEFINE_WAIT_QUEUE(read_wait);
static volatile bool input_active;

static void echo_console(const char *s, size_t n) { console_write(s, n); }
static void (*echo)(const char *s, size_t n) = echo_console;

void console_set_echo(void (*fn)(const char *s, size_t n))
{
	echo = fn ? fn : echo_console;
}

// ---- stage 1: interrupt context ----

// Ctrl-C or Ctrl-Z was acted on: throw away the input nobody has read, as
// a Linux tty does (without NOFLSH), and count it (CONSOLE_INTR_COUNT).
static void flush_input(void)
{
	unsigned long f = spin_lock_irqsave(&rx_lock);
	rx_len = 0;
	intr_count++;
	spin_unlock_irqrestore(&rx_lock, f);
	WRITE_ONCE(drop_line, 1);
}

// SIGINT to the foreground task, if there is one; false if there is none.
static bool interrupt_foreground(void)
{
	unsigned long f = spin_lock_irqsave(&fg_lock);
	struct task *t = fg_task;
	bool gone = fg_gone;
	if (t && t != init_task && !(READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD)))
		task_signal(t, SIGINT);
	spin_unlock_irqrestore(&fg_lock, f);
	if (!t && !gone)
		return false;
	flush_input();
	if (!raw)
		echo("^C\n", 3);
	return true;
}

// Ctrl-Z: SIGTSTP to the foreground task (job control: its shell sees it
// stopped); false if there is none.
static bool stop_foreground(void)
{
	unsigned long f = spin_lock_irqsave(&fg_lock);
	struct task *t = fg_task;
	bool gone = fg_gone;
	if (t && t != init_task && !fg_nostop &&
	    !(READ_ONCE(t->state) & (TASK_ZOMBIE | TASK_DEAD)))
		task_stop_request(t, SIGTSTP);
	spin_unlock_irqrestore(&fg_lock, f);
	if (!t && !gone)
		return false;
	flush_input();
	if (!raw)
		echo("^Z\n", 3);
	return true;
}

static void rx_byte(int c)
{
	if (c == 0x03 && interrupt_foreground())
		return;
	if (c == 0x1a && stop_foreground())
		return;
	unsigned long f = spin_lock_irqsave(&rx_lock);
	if (rx_len < CON_QUEUE)
		rx_ring[(rx_head + rx_len++) % CON_QUEUE] = (char)c;
	else if (c == '\r' || c == '\n') // full: drop input, but end the line
		rx_ring[(rx_head + rx_len - 1) % CON_QUEUE] = (char)c;
	spin_unlock_irqrestore(&rx_lock, f);
}

static void console_rx_hook(void)
{
	int c;
	while ((c = uart_getc()) >= 0)
		rx_byte(c);
	wake_up(&read_wait);
}

void console_input_byte(int c)
{
	rx_byte(c);
	wake_up(&read_wait);
}

// ---- stage 2: the line discipline, in the reader's context ----

// con_lock held. Input that does not fit is dropped.
static void queue_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n && queue_len < CON_QUEUE; i++)
		queue[(queue_head + queue_len++) % CON_QUEUE] = s[i];
}

static void erase_line(void)
{
	while (line_len > 0) {
		line_len--;
		echo("\b \b", 3);
	}
}

static void cooked_byte(char c)
{
	switch (c) {
	case '\r':
	case '\n':
		line[line_len++] = '\n'; // line_len < CON_LINE_MAX always
		queue_bytes(line, line_len);
		line_len = 0;
		echo("\n", 1);
		break;
	case 0x7f: // DEL and backspace erase one byte
	case '\b':
		if (line_len > 0) {
			line_len--;
			echo("\b \b", 3);
		}
		break;
	case 0x15: // Ctrl-U erases the line
		erase_line();
		break;
	case 0x04: // Ctrl-D: EOF on an empty line, else hand over the line
		if (line_len == 0)
			eof_count++;
		queue_bytes(line, line_len);
		line_len = 0;
		break;
	case 0x03: // Ctrl-C with no foreground task: drop the line, deliver it
		echo("^C\n", 3);
		line_len = 0;
		queue_bytes(&c, 1);
		break;
	default:
		if ((u8)c < 0x20 && c != '\t')
			break; // other control bytes are ignored
		if (line_len < CON_LINE_MAX - 1) {
			line[line_len++] = c;
			echo(&c, 1);
		}
	}
}

// con_lock held: move raw input through the discipline while the reader
// queue has room for another whole line.
static void process_input(void)
{
	if (__atomic_exchange_n(&drop_line, 0, __ATOMIC_SEQ_CST))
		line_len = 0;
	while (queue_len + CON_LINE_MAX <= CON_QUEUE) {
		unsigned long f = spin_lock_irqsave(&rx_lock);
		int c = -1;
		if (rx_len > 0) {
			c = (u8)rx_ring[rx_head];
			rx_head = (rx_head + 1) % CON_QUEUE;
			rx_len--;
		}
		spin_unlock_irqrestore(&rx_lock, f);
		if (c < 0)
			return;
		if (raw) {
			char ch = (char)c;
			queue_bytes(&ch, 1);
		} else {
			cooked_byte((char)c);
		}
	}
}

static void console_start_input(void)
{
	if (READ_ONCE(input_active))
		return;
	WRITE_ONCE(input_active, true);
	uart_rx_hook = console_rx_hook;
	console_rx_hook(); // bytes that came before the hook
}

// One cooked line at most, or whatever raw bytes are queued.
static size_t take_input(char *buf, size_t n)
{
	size_t k = 0;
	while (k < n && queue_len > 0) {
		char c = queue[queue_head];
		queue_head = (queue_head + 1) % CON_QUEUE;
		queue_len--;
		buf[k++] = c;
		if (!raw && c == '\n')
			break;
	}
	return k;
}

static ssize_t console_read(struct file *f, char *buf, size_t n, off_t *pos)
{
	(void)f, (void)pos;
	if (n == 0)
		return 0;
	console_start_input();
	for (;;) {
		mutex_lock(&con_lock);
		process_input();
		if (queue_len > 0) {
			size_t k = take_input(buf, n);
			mutex_unlock(&con_lock);
			return (ssize_t)k;
		}
		if (eof_count > 0) {
			eof_count--;
			mutex_unlock(&con_lock);
			return 0;
		}
		mutex_unlock(&con_lock);
		if (wait_event_interruptible(&read_wait, READ_ONCE(rx_len) > 0 ||
								 READ_ONCE(queue_len) > 0 ||
								 READ_ONCE(eof_count) > 0))
			return -EINTR;
	}
}

// ---- output, control, reset ----

static ssize_t console_write_op(struct file *f, const char *buf, size_t n, off_t *pos)
{
	(void)f, (void)pos;
	for (size_t done = 0; done < n;) {
		size_t k = MIN(n - done, 256); // keep interrupts-off stretches short
		console_write(buf + done, k);
		done += k;
	}
	return (ssize_t)n;
}

// Make t (referenced, or NULL) the foreground task.
static void set_foreground(struct task *t, bool nostop)
{
	unsigned long f = spin_lock_irqsave(&fg_lock);
	struct task *old = fg_task;
	fg_task = t;
	fg_gone = false;
	fg_nostop = nostop;
	spin_unlock_irqrestore(&fg_lock, f);
	if (old)
		task_put(old);
}

// The foreground task exits: let its struct go (its shell may be killed
// before it names the next foreground), keeping the console's behaviour
// for a foreground that has ended (Ctrl-C is echoed and flushes input).
void console_task_exit(struct task *t)
{
	if (READ_ONCE(fg_task) != t)
		return;
	unsigned long f = spin_lock_irqsave(&fg_lock);
	bool was = fg_task == t;
	if (was) {
		fg_task = NULL;
		fg_gone = true;
	}
	spin_unlock_irqrestore(&fg_lock, f);
	if (was)
		task_put(t);
}

static int console_ioctl(struct file *f, unsigned long req, long arg)
{
	(void)f;
	switch (req) {
	case CONSOLE_SET_RAW:
		WRITE_ONCE(raw, arg != 0);
		return 0;
	case CONSOLE_NREAD: {
		console_start_input();
		mutex_lock(&con_lock);
		process_input();
		int n = (int)queue_len;
		mutex_unlock(&con_lock);
		return n;
	}
	case CONSOLE_INTR_COUNT:
		return (int)(READ_ONCE(intr_count) & 0x7fffffff);
	case CONSOLE_SET_FG:
	case CONSOLE_SET_FG_NOSTOP: {
		if (arg < 0 || arg >= PID_MAX)
			return -EINVAL;
		struct task *t = arg ? task_find_get((pid_t)arg) : NULL;
		if (arg && !t)
			return -ESRCH;
		set_foreground(t, req == CONSOLE_SET_FG_NOSTOP);
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

void console_reset(void)
{
	set_foreground(NULL, false);
	unsigned long f = spin_lock_irqsave(&rx_lock);
	rx_len = 0;
	spin_unlock_irqrestore(&rx_lock, f);
	mutex_lock(&con_lock);
	line_len = queue_head = queue_len = 0;
	eof_count = 0;
	drop_line = 0;
	raw = false;
	mutex_unlock(&con_lock);
}

static const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write_op,
	.llseek = noseek_llseek,
	.ioctl = console_ioctl,
};

int console_dev_init(void)
{
	return devfs_register("console", MKDEV(5, 1), &console_fops);
}
