// 16550 UART driver (COM1). See uart.h.
#include "arch/x86/uart.h"
#include "arch/x86/x86.h"
#include "kernel/spinlock.h"

#define COM1 0x3f8
#define RBR 0 // receive buffer (read)
#define THR 0 // transmit holding (write)
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DATA 0x01
#define LSR_THRE 0x20

#define RX_RING 4096
static DEFINE_SPINLOCK(uart_lock); // protects rx_ring, rx_head, rx_tail
static u8 rx_ring[RX_RING];
static unsigned rx_head, rx_tail; // head: next write; tail: next read
void (*uart_rx_hook)(void);

void uart_init(void)
{
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x80); // DLAB
	outb(COM1 + 0, 1);      // divisor 1: 115200 baud
	outb(COM1 + 1, 0);
	outb(COM1 + LCR, 0x03); // 8N1
	outb(COM1 + FCR, 0xC7); // FIFO on, clear, 14-byte threshold
	outb(COM1 + MCR, 0x0B); // DTR, RTS, OUT2 (IRQ line enable)
	outb(COM1 + IER, 0x01); // interrupt on received data
}

void uart_putc(char c)
{
	while (!(inb(COM1 + LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1 + THR, (u8)c);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void uart_irq(void)
{
	unsigned long f = spin_lock_irqsave(&uart_lock);
	while (inb(COM1 + LSR) & LSR_DATA) {
		u8 b = inb(COM1 + RBR);
		if (rx_head - rx_tail < RX_RING) // drop input when full
			rx_ring[rx_head++ % RX_RING] = b;
	}
	spin_unlock_irqrestore(&uart_lock, f);
	if (uart_rx_hook)
		uart_rx_hook();
}

int uart_getc(void)
{
	int c = -1;
	unsigned long f = spin_lock_irqsave(&uart_lock);
	if (rx_tail != rx_head)
		c = rx_ring[rx_tail++ % RX_RING];
	spin_unlock_irqrestore(&uart_lock, f);
	return c;
}
