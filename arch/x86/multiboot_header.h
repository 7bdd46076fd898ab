/* The multiboot2 header (for GRUB), for the assembly files that boot: the
 * kernel (boot.S), the compressed kernel's stub (compressed/head.S) and
 * the empty kernel of scripts/boottime (scripts/boot-reference.S). Within
 * the first 32 KiB of the file, 8-byte aligned: the magic, the
 * architecture (i386, i.e. 32-bit protected mode at entry), the header's
 * length, a checksum making the four sum to 0, and the end tag. No other
 * tags: the entry point and load addresses come from the ELF headers. */
#ifndef ARCH_X86_MULTIBOOT_HEADER_H
#define ARCH_X86_MULTIBOOT_HEADER_H

#define MB2_HEADER_MAGIC 0xE85250D6

.macro MULTIBOOT2_HEADER
	.balign 8
1:	.long MB2_HEADER_MAGIC
	.long 0				/* i386 */
	.long 2f - 1b
	.long -(MB2_HEADER_MAGIC + (2f - 1b))
	.short 0, 0			/* end tag */
	.long 8
2:
.endm

#endif
