// A minimal console loop until the shell exists (step 5): reads lines from
// the serial port with echo and backspace; understands help, echo, poweroff.
#include "arch/x86/uart.h"
#include "kernel/init.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/wait.h"
#include "lib/string.h"

// Readers sleep here; the UART interrupt wakes them.
static DEFINE_WAIT_QUEUE(console_wait);

static void console_rx(void) { wake_up(&console_wait); }

static int console_getc(void)
{
	int c;
	uart_rx_hook = console_rx;
	wait_event(&console_wait, (c = uart_getc()) >= 0);
	return c;
}

static size_t read_line(char *buf, size_t len)
{
	size_t n = 0;
	for (;;) {
		int c = console_getc();
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			buf[n] = 0;
			return n;
		} else if ((c == 0x7f || c == 8) && n > 0) {
			n--;
			console_write("\b \b", 3);
		} else if (c >= 0x20 && c < 0x7f && n + 1 < len) {
			char ch = (char)c;
			buf[n++] = ch;
			console_write(&ch, 1);
		}
	}
}

void console_main(void)
{
	char line[256];
	for (;;) {
		console_write("corral:/# ", 10);
		read_line(line, sizeof(line));
		char *cmd = line;
		while (*cmd == ' ')
			cmd++;
		if (!*cmd)
			continue;
		if (strcmp(cmd, "help") == 0)
			kprintf("commands: help, echo [WORDS], poweroff\n");
		else if (strcmp(cmd, "echo") == 0)
			kprintf("\n");
		else if (strncmp(cmd, "echo ", 5) == 0)
			kprintf("%s\n", cmd + 5);
		else if (strcmp(cmd, "poweroff") == 0)
			poweroff(true);
		else
			kprintf("sh: %s: not found\n", cmd);
	}
}
