// Multiboot 1 and 2 information parsing. See multiboot.h.
#include "arch/x86/multiboot.h"
#include "arch/x86/layout.h"
#include "kernel/printk.h"
#include "lib/string.h"

struct boot_info boot_info;

static void add_range(u64 base, u64 len, u32 type)
{
	if (boot_info.nmmap < (int)ARRAY_SIZE(boot_info.mmap))
		boot_info.mmap[boot_info.nmmap++] = (struct mem_range){base, len, type};
}

static void parse_mb1(u32 info_phys)
{
	u32 *info = phys_to_virt(info_phys);
	u32 flags = info[0];
	boot_info.version = 1;
	if (flags & (1 << 2)) {
		// QEMU puts the kernel's path first: "build/corral.elf ktest".
		const char *s = phys_to_virt(info[4]);
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
		strlcpy(boot_info.cmdline, s, sizeof(boot_info.cmdline));
	}
	if (flags & (1 << 6)) {
		u64 p = info[12], end = p + info[11];
		while (p < end) {
			u8 *e = phys_to_virt(p);
			u32 size = *(u32 *)e;
			add_range(*(u64 *)(e + 4), *(u64 *)(e + 12), *(u32 *)(e + 20));
			p += size + 4;
		}
	}
}

static void parse_mb2(u32 info_phys)
{
	u8 *info = phys_to_virt(info_phys);
	u32 total = *(u32 *)info;
	boot_info.version = 2;
	for (u32 off = 8; off + 8 <= total;) {
		u32 type = *(u32 *)(info + off), size = *(u32 *)(info + off + 4);
		u8 *tag = info + off;
		if (type == 0)
			break;
		if (type == 1) { // command line
			strlcpy(boot_info.cmdline, (char *)tag + 8, sizeof(boot_info.cmdline));
		} else if (type == 6) { // memory map
			u32 esize = *(u32 *)(tag + 8);
			for (u32 p = 16; p + esize <= size; p += esize)
				add_range(*(u64 *)(tag + p), *(u64 *)(tag + p + 8),
					  *(u32 *)(tag + p + 16));
		} else if ((type == 14 || type == 15) && !boot_info.has_rsdp_copy) {
			u32 n = MIN(size - 8, (u32)sizeof(boot_info.rsdp_copy));
			memcpy(boot_info.rsdp_copy, tag + 8, n);
			boot_info.has_rsdp_copy = true;
		}
		off += ALIGN_UP(size, 8);
	}
}

bool multiboot_parse(u32 magic, u32 info_phys)
{
	if (magic == MB1_BOOT_MAGIC)
		parse_mb1(info_phys);
	else if (magic == MB2_BOOT_MAGIC)
		parse_mb2(info_phys);
	else {
		pr_err("boot: unknown multiboot magic 0x%x\n", magic);
		return false;
	}
	return true;
}
