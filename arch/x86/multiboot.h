// What the boot loader told us, copied out of the multiboot1 or multiboot2
// information structure early in boot (before that memory can be reused).
#ifndef ARCH_X86_MULTIBOOT_H
#define ARCH_X86_MULTIBOOT_H

#include "kernel/types.h"

#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_BOOT_MAGIC 0x36d76289

struct mem_range {
	u64 base, len;
	u32 type; // 1 = usable RAM (multiboot/e820 numbering)
};

struct boot_info {
	int version;            // 1 or 2
	char cmdline[1024];
	struct mem_range mmap[64];
	int nmmap;
	u64 rsdp_phys;          // 0 when the loader gave none (scan BIOS area)
	u8 rsdp_copy[36];       // mb2 tags carry a copy of the RSDP itself
	bool has_rsdp_copy;
};

extern struct boot_info boot_info;
// Parse the loader's info. Returns false (and prints why) for an unknown magic.
bool multiboot_parse(u32 magic, u32 info_phys);

#endif
