// Boot-time memory map and early allocator. See memblock.h.
//
// Locking: none (boot CPU, before SMP).
#include "mm/memblock.h"
#include "arch/x86/layout.h"
#include "arch/x86/multiboot.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/numa.h"

struct memblock memblock;

extern char _end[];            // linker.ld: end of the kernel image (+ bss)
extern u32 boot_mb_magic, boot_mb_info; // arch/x86/boot.S: what the loader passed

static void region_insert(struct memblock_type *t, int at, u64 base, u64 end, int nid)
{
	if (t->cnt == MEMBLOCK_MAX_REGIONS) {
		pr_warn("memblock: too many ranges, [%#llx-%#llx) dropped\n", base, end);
		return;
	}
	memmove(&t->regions[at + 1], &t->regions[at],
		(t->cnt - at) * sizeof(t->regions[0]));
	t->regions[at] = (struct memblock_region){base, end, nid};
	t->cnt++;
}

static void region_remove(struct memblock_type *t, int at)
{
	t->cnt--;
	memmove(&t->regions[at], &t->regions[at + 1], (t->cnt - at) * sizeof(t->regions[0]));
}

// Adds RAM [base, end), split where SRAT changes node, keeping the list sorted.
static void memory_add(u64 base, u64 end)
{
	struct memblock_type *t = &memblock.memory;
	while (base < end) {
		u64 stretch;
		int nid = numa_node_of_range(base, end, &stretch);
		int at = 0;
		while (at < t->cnt && t->regions[at].base < base)
			at++;
		region_insert(t, at, base, stretch, nid);
		base = stretch;
	}
}

// Takes [base, end) out of the free list (outward to whole pages).
static void free_remove(u64 base, u64 end)
{
	struct memblock_type *t = &memblock.free;
	base = ALIGN_DOWN(base, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (int i = 0; i < t->cnt; i++) {
		struct memblock_region *r = &t->regions[i];
		if (r->end <= base || r->base >= end)
			continue;
		if (r->base < base && r->end > end) { // a hole in the middle
			region_insert(t, i + 1, end, r->end, r->nid);
			r->end = base;
			return;
		}
		if (r->base >= base && r->end <= end) { // swallowed whole
			region_remove(t, i--);
			continue;
		}
		if (r->base < base)
			r->end = base;
		else
			r->base = end;
	}
}

static void reserve_string(u64 pa)
{
	free_remove(pa, pa + strlen(phys_to_virt(pa)) + 1);
}

// Multiboot 1: the info block, the strings and tables it points to, the modules.
static void reserve_mb1(u32 info_pa)
{
	u32 *info = phys_to_virt(info_pa);
	u32 flags = info[0];
	free_remove(info_pa, info_pa + 128);
	if (flags & (1 << 2))
		reserve_string(info[4]);
	if (flags & (1 << 3)) {
		u32 *mod = phys_to_virt(info[6]);
		free_remove(info[6], info[6] + 16ULL * info[5]);
		for (u32 i = 0; i < info[5]; i++, mod += 4) {
			free_remove(mod[0], mod[1]);
			if (mod[2])
				reserve_string(mod[2]);
		}
	}
	if (flags & (1 << 6))
		free_remove(info[12], (u64)info[12] + info[11]);
	if (flags & (1 << 9))
		reserve_string(info[16]);
}

// Multiboot 2: the whole tag list, and the modules (tag 3).
static void reserve_mb2(u32 info_pa)
{
	u8 *info = phys_to_virt(info_pa);
	u32 total = *(u32 *)info;
	free_remove(info_pa, (u64)info_pa + total);
	for (u32 off = 8; off + 8 <= total;) {
		u32 type = *(u32 *)(info + off), size = *(u32 *)(info + off + 4);
		if (type == 0 || size < 8)
			break;
		if (type == 3)
			free_remove(*(u32 *)(info + off + 8), *(u32 *)(info + off + 12));
		off += ALIGN_UP(size, 8);
	}
}

void memblock_init(void)
{
	for (int i = 0; i < boot_info.nmmap; i++) {
		struct mem_range *m = &boot_info.mmap[i];
		u64 base = ALIGN_UP(m->base, PAGE_SIZE);
		u64 end = ALIGN_DOWN(m->base + m->len, PAGE_SIZE);
		if (m->type == 1 && base < end)
			memory_add(base, end);
	}
	memblock.free = memblock.memory;
	// The first MiB (BIOS, the AP trampoline's page) and the kernel image.
	free_remove(0, (u64)_end - KVMA);
	if (boot_mb_magic == MB1_BOOT_MAGIC)
		reserve_mb1(boot_mb_info);
	else if (boot_mb_magic == MB2_BOOT_MAGIC)
		reserve_mb2(boot_mb_info);
}

// Carves [top - size, top) off the top of free range i if it fits.
static u64 carve_top(int i, u64 size, u64 align, u64 limit)
{
	struct memblock_region *r = &memblock.free.regions[i];
	u64 top = MIN(r->end, limit);
	if (top < r->base + size)
		return 0;
	u64 pa = ALIGN_DOWN(top - size, align);
	if (pa < r->base)
		return 0;
	if (pa + size == r->end) {
		r->end = pa;
		if (r->end == r->base)
			region_remove(&memblock.free, i);
	} else {
		free_remove(pa, pa + size);
	}
	return pa;
}

u64 memblock_phys_alloc(int nid, u64 size, u64 align, u64 limit)
{
	BUG_ON(memblock.closed);
	size = ALIGN_UP(size, PAGE_SIZE);
	align = MAX(align, (u64)PAGE_SIZE);
	for (int pass = 0; pass < 2; pass++) { // this node, then any
		for (int i = memblock.free.cnt - 1; i >= 0; i--) {
			if (pass == 0 && memblock.free.regions[i].nid != nid)
				continue;
			u64 pa = carve_top(i, size, align, limit);
			if (pa)
				return pa;
		}
	}
	return 0;
}

u64 memblock_end_of_ram(void)
{
	struct memblock_type *t = &memblock.memory;
	return t->cnt ? t->regions[t->cnt - 1].end : 0;
}
