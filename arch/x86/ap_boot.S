/* AP start-up: the real-mode trampoline and the 64-bit entry.
 *
 * A started AP (after INIT-SIPI-SIPI, see smp.c) begins in 16-bit real mode
 * at CS:IP = (AP_TRAMPOLINE_PA >> 4):0 with paging off. smp.c copies the
 * bytes from ap_trampoline_start to ap_trampoline_end to AP_TRAMPOLINE_PA,
 * fills in the parameter block at its end, and identity-maps that page in
 * kernel_cr3 while the APs start. The trampoline
 *   16-bit: loads its own small GDT and turns on protected mode;
 *   32-bit: loads the boot CPU's CR4 (PAE on), kernel_cr3, EFER (long mode,
 *           NX) and CR0 (paging on): now in compatibility mode, still
 *           running at the identity-mapped low address;
 *   64-bit: jumps to ap_start64, a normal kernel-text address.
 * The code is copied, so it addresses its own bytes with LOW(), the address
 * a label will have in the copy; it runs with CS base 0 / DS = 0.
 *
 * ap_start64 finds this CPU's slot by its initial APIC id (CPUID leaf 1) in
 * ap_boot_apic_id[], takes its stack from ap_boot_stack[] and calls
 * ap_entry(slot); a CPU with no slot (woken by mistake) halts for good. */
#include "arch/x86/smp.h"

#define LOW(sym) ((sym) - ap_trampoline_start + AP_TRAMPOLINE_PA)
#define MSR_EFER 0xC0000080
#define NR_CPUS 64 /* lib/cpumask.h */

	.section .rodata
	.balign 16
	.global ap_trampoline_start, ap_trampoline_end, ap_trampoline_params
	.code16
ap_trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	lgdtl LOW(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax			/* PE */
	movl %eax, %cr0
	ljmpl $0x08, $LOW(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl LOW(param_cr4), %eax	/* PAE, OSFXSR, ... as on the boot CPU */
	movl %eax, %cr4
	movl LOW(param_cr3), %eax	/* kernel_cr3 (below 4 GiB) */
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl LOW(param_efer), %eax	/* LME, NXE */
	xorl %edx, %edx
	wrmsr
	movl LOW(param_cr0), %eax	/* PG, PE, ... as on the boot CPU */
	movl %eax, %cr0
	ljmpl $0x18, $LOW(tramp64)

	.code64
tramp64:
	movq LOW(param_entry), %rax
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
	.quad 0x00AF9A000000FFFF	/* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdtr:
	.short tramp_gdt_end - tramp_gdt - 1
	.long LOW(tramp_gdt)

	/* Filled in by smp.c in the copy: struct ap_trampoline_params. */
	.balign 8
ap_trampoline_params:
param_cr0:	.long 0
param_cr3:	.long 0
param_cr4:	.long 0
param_efer:	.long 0
param_entry:	.quad 0
ap_trampoline_end:

	.text
	.global ap_start64
ap_start64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $1, %eax
	cpuid
	shrl $24, %ebx			/* initial APIC id */
	leaq ap_boot_apic_id(%rip), %rsi
	xorl %edi, %edi
1:	cmpl %ebx, (%rsi, %rdi, 4)
	je 2f
	incl %edi
	cmpl $NR_CPUS, %edi
	jb 1b
	jmp 3f				/* no slot: not ours to start */
2:	leaq ap_boot_stack(%rip), %rsi
	movq (%rsi, %rdi, 8), %rsp
	xorl %ebp, %ebp
	call ap_entry			/* ap_entry(slot), never returns */
3:	cli
	hlt
	jmp 3b
