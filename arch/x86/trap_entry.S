/* Interrupt and exception entry stubs for all 256 vectors.
 *
 * Each stub pushes a dummy error code when the CPU does not push one, then
 * its vector number, and jumps to trap_common, which saves the general
 * registers as a struct trap_frame (arch/x86/trap.h) and calls
 * trap_dispatch(frame). Everything runs in ring 0, so there is no swapgs.
 * trap_stub_table[] holds the stub addresses for idt.c. */

	.text
trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	.global trap_return
trap_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

.macro stub n
	.balign 16
trap_stub_\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

.altmacro
.macro stubs from, to
	stub \from
	.if \to-\from
	stubs %(\from+1), \to
	.endif
.endm
	stubs 0, 63
	stubs 64, 127
	stubs 128, 191
	stubs 192, 255

.macro stubaddr n
	.quad trap_stub_\n
.endm
.macro stubaddrs from, to
	stubaddr \from
	.if \to-\from
	stubaddrs %(\from+1), \to
	.endif
.endm
	.section .rodata
	.balign 8
	.global trap_stub_table
trap_stub_table:
	stubaddrs 0, 63
	stubaddrs 64, 127
	stubaddrs 128, 191
	stubaddrs 192, 255
