// Traps: the saved register frame, handler registration, the fatal report.
#ifndef ARCH_X86_TRAP_H
#define ARCH_X86_TRAP_H

#include "kernel/types.h"

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss; // pushed by the CPU
};

typedef void (*irq_handler_t)(struct trap_frame *tf);
// Install the handler for an interrupt vector (>= 32). The LAPIC EOI is
// sent by the dispatcher after the handler returns.
void irq_register(u8 vector, irq_handler_t h);
void idt_init(void);  // build the IDT once (BSP)
void idt_load(void);  // load it on this CPU

// Tests: expect the next trap with this vector on this CPU. The handler
// records it in *hit and, for #UD, skips the 2-byte ud2.
void trap_expect(int vector, volatile int *hit);

// Print a register dump + backtrace for a fatal trap and stop the machine.
void trap_fatal(struct trap_frame *tf, const char *why) __attribute__((noreturn));
// Symbolized backtrace from a frame pointer.
void backtrace_from(u64 rip, u64 rbp);
// "function+0x1a" for addr, into buf.
void symbolize(u64 addr, char *buf, size_t len);

// From trap_entry.S, for every trap and interrupt.
void trap_dispatch(struct trap_frame *tf);

// Hooks the trap code calls, each defined once by its owner (required:
// a missing one is a link error, not a silent default).
// Called from the timer/IPI path before returning to an interrupted
// context (kernel/sched.c): preemption and kill at a safe point.
void irq_exit_hook(struct trap_frame *tf);
// Which task owns the kernel stack holding addr (guard page included),
// and which task this CPU runs, as "name/pid" (kernel/task.c; false before
// there are tasks).
bool stack_owner_describe(u64 addr, char *buf, size_t len);
bool current_task_describe(char *buf, size_t len);

#endif
