/* The empty kernel that scripts/boottime compares Corral's boot with: it
 * boots the way Corral does (multiboot2 from GRUB, multiboot1 from
 * qemu -kernel), prints the prompt at once and powers off through
 * isa-debug-exit. Its time to the prompt is what QEMU, the firmware and the
 * loader cost; whatever Corral takes beyond it is the kernel's own.
 * 32-bit code; scripts/boottime builds it with `gcc -m32 -c` and
 * `ld -m elf_i386 -N -Ttext 0x100000`. */
#include "arch/x86/multiboot_header.h"
	.text
	.code32
	MULTIBOOT2_HEADER
	.balign 4
mb1_header:
	.long 0x1BADB002			/* multiboot1 magic, no flags */
	.long 0
	.long -0x1BADB002

	.globl _start
_start:
	cli
	movl $prompt, %esi
	movw $0x3F8, %dx			/* COM1 data */
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	movw $0xF4, %dx				/* isa-debug-exit: status 0x10 */
	movb $0x10, %al
	outb %al, %dx
3:	hlt
	jmp 3b

prompt:	.asciz "corral:/# "
