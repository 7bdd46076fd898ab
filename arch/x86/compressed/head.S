/* The compressed kernel's entry: what GRUB loads from the ISO.
 *
 * GRUB reads the kernel file from the emulated CD through the BIOS, and
 * under QEMU TCG that costs ~90 ms per MB -- more than the rest of the
 * boot. So the ISO carries the kernel's loadable image (everything from
 * 1 MiB to the end of .ksyms, as it would lie in memory) compressed with
 * LZ4 to under half, behind this stub, as Linux's bzImage carries vmlinux.
 *
 * The stub's ELF has two loadable segments: one of KERNEL_SIZE bytes at
 * KERNEL_LOAD with nothing in the file, so that GRUB keeps that memory for
 * us and zeroes it (the kernel's .bss included), and above it the stub and
 * the compressed image. GRUB enters here as it would enter the kernel
 * (32-bit protected mode, paging off, EAX = multiboot2 magic, EBX = the
 * information's address); we decompress the image to KERNEL_LOAD, check
 * its size and checksum (lib/checksum.h), and jump to the kernel's own
 * entry with EAX and EBX as they were. A damaged image is reported on COM1
 * and the CPU halts: nothing jumps into garbage.
 *
 * Built by scripts/pack-kernel (gcc -m32) with KERNEL_LOAD, KERNEL_SIZE,
 * KERNEL_ENTRY, IMAGE_SIZE, IMAGE_CHECKSUM and PAYLOAD defined on the
 * command line. */

#include "arch/x86/multiboot_header.h"

	.section .multiboot, "a"
	MULTIBOOT2_HEADER

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, %esi			/* callee-saved across the C call */
	movl %ebx, %edi
	movl $stack_top, %esp
	pushl $(payload_end - payload)	/* lz4_decompress(dst, cap, src, len) */
	pushl $payload
	pushl $IMAGE_SIZE
	pushl $KERNEL_LOAD
	call lz4_decompress
	addl $16, %esp
	cmpl $IMAGE_SIZE, %eax
	jne bad_image
	pushl $IMAGE_SIZE		/* checksum32(KERNEL_LOAD, IMAGE_SIZE) */
	pushl $KERNEL_LOAD
	call checksum32
	addl $8, %esp
	cmpl $IMAGE_CHECKSUM, %eax
	jne bad_image
	movl %esi, %eax
	movl %edi, %ebx
	movl $KERNEL_ENTRY, %ecx
	jmp *%ecx

bad_image:				/* say so on COM1 and stop */
	movl $bad_message, %esi
	movw $0x3F8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	hlt
	jmp 2b

	.section .rodata
bad_message:
	.asciz "corral: the compressed kernel image is corrupt\r\n"

	.section .payload, "a"
payload:
	.incbin PAYLOAD
payload_end:

	.bss
	.balign 16
	.skip 4096
stack_top:

	/* Where the kernel goes: allocated, not in the file. */
	.section .kernel_space, "aw", @nobits
	.skip KERNEL_SIZE
