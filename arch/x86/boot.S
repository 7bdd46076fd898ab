/* Boot entry: multiboot headers and the 32 -> 64-bit trampoline.
 *
 * GRUB (multiboot2) and qemu -kernel (multiboot1, a.out kludge) both enter
 * _start in 32-bit protected mode, paging off, EAX = magic, EBX = info
 * (physical). We build boot page tables that map the first 4 GiB three
 * times with 2 MiB pages -- identity (only until we are in the higher half),
 * the direct map at 0xffff800000000000 and the kernel image at
 * 0xffffffff80000000 -- enable long mode and jump to kmain(magic, info).
 * Higher-half symbols are reached from 32-bit code as "sym - KVMA". */
#include "arch/x86/layout.h"
#include "arch/x86/multiboot_header.h"

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header		/* header_addr */
	.long _load_start_phys		/* load_addr */
	.long _load_end_phys		/* load_end_addr */
	.long _bss_end_phys		/* bss_end_addr */
	.long _start			/* entry_addr */

	MULTIBOOT2_HEADER

	.section .boot.text, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	movl %eax, (boot_mb_magic - KVMA)
	movl %ebx, (boot_mb_info - KVMA)
	rdtsc				/* when the kernel started: clock_ns()'s zero */
	movl %eax, (boot_tsc - KVMA)
	movl %edx, (boot_tsc - KVMA + 4)
	movl $(boot_stack_top - KVMA), %esp

	/* Zero the seven page-table pages. */
	movl $(boot_pml4 - KVMA), %edi
	xorl %eax, %eax
	movl $(7 * 4096 / 4), %ecx
	rep stosl

	/* PML4: [0] identity, [256] direct map, [511] kernel image. */
	movl $(boot_pdpt_low - KVMA + 3), %eax
	movl %eax, (boot_pml4 - KVMA)
	movl %eax, (boot_pml4 - KVMA + 256 * 8)
	movl $(boot_pdpt_high - KVMA + 3), %eax
	movl %eax, (boot_pml4 - KVMA + 511 * 8)

	/* Low PDPT: four page directories cover 4 GiB. */
	movl $(boot_pd - KVMA + 3), %eax
	movl $(boot_pdpt_low - KVMA), %edi
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b

	/* High PDPT: 0xffffffff80000000 -> physical 0 (2 GiB). */
	movl $(boot_pd - KVMA + 3), %eax
	movl %eax, (boot_pdpt_high - KVMA + 510 * 8)
	addl $4096, %eax
	movl %eax, (boot_pdpt_high - KVMA + 511 * 8)

	/* 2048 large pages: present, writable, PS. */
	movl $(boot_pd - KVMA), %edi
	movl $0x83, %eax
	xorl %edx, %edx
	movl $2048, %ecx
1:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 1b

	/* PAE + SSE enable (OSFXSR, OSXMMEXCPT). */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
	movl %eax, %cr4
	movl $(boot_pml4 - KVMA), %eax
	movl %eax, %cr3
	/* EFER: long mode enable, no-execute enable. */
	movl $0xC0000080, %ecx
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax
	wrmsr
	/* Paging + protection on, FPU present (MP), no emulation (EM). */
	movl %cr0, %eax
	andl $~(1 << 2), %eax
	orl $((1 << 31) | (1 << 1) | 1), %eax
	movl %eax, %cr0

	lgdt boot_gdtr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $higher_half, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
boot_gdt_end:
boot_gdtr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.text
higher_half:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_mb_magic(%rip), %edi
	movl boot_mb_info(%rip), %esi
	call kmain
2:	cli
	hlt
	jmp 2b

	.data
	.global boot_mb_magic, boot_mb_info, boot_tsc
	.balign 8
boot_tsc:	.quad 0
boot_mb_magic:	.long 0
boot_mb_info:	.long 0

	.bss
	.balign 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.global boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
