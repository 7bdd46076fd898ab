// 16550 UART on COM1 (0x3f8): polled output, interrupt-driven input.
//
// Input bytes arrive on IRQ 4 (routed through the IOAPIC) and are queued
// in a ring buffer; uart_getc() takes them out. The ring is a single
// producer (the IRQ handler) / single consumer design guarded by
// uart_lock, taken with interrupts off.
#ifndef ARCH_X86_UART_H
#define ARCH_X86_UART_H

#include "kernel/types.h"

void uart_init(void);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
// Returns the next input byte, or -1 if none is queued.
int uart_getc(void);
// Called by the IRQ handler: drains the receive FIFO into the ring.
void uart_irq(void);
// Hook run (in interrupt context) after input arrives; the console driver
// sets it to wake readers.
extern void (*uart_rx_hook)(void);

#endif
