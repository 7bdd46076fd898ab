// The boot-time memory map and the early allocator.
//
// memblock_init() turns the loader's memory map into two lists of
// page-aligned physical ranges, each tagged with its NUMA node:
//   memblock.memory: all usable RAM (multiboot type 1),
//   memblock.free:   that RAM minus everything we cannot prove free: the
//                    first MiB, the kernel image, the multiboot information
//                    and modules.
// Before the buddy allocator exists, mm_init takes what it needs (page
// tables, struct pages, node data) with memblock_phys_alloc(), which carves
// from the top of a free range (top-down, like Linux's memblock) so that low
// memory stays available. memblock_free_all() then hands every remaining
// free range to the buddy allocator and the early allocator is closed.
//
// Boot CPU only, before the other CPUs start: no locking.
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include "kernel/types.h"

#define MEMBLOCK_MAX_REGIONS 128

struct memblock_region {
	u64 base, end; // [base, end), page aligned
	int nid;
};

struct memblock_type {
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
	int cnt;
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type free;
	bool closed; // after memblock_free_all()
};

extern struct memblock memblock;

#define for_each_memblock(type, r)                                           \
	for ((r) = (type)->regions; (r) < (type)->regions + (type)->cnt; (r)++)

void memblock_init(void);
// Physical address of size bytes (aligned to align, ending at or below
// limit) from node nid, or from any node if nid has none left (nid may be
// NUMA_NO_NODE); 0 if there is no such memory. Not zeroed.
u64 memblock_phys_alloc(int nid, u64 size, u64 align, u64 limit);
// The physical end of the highest RAM range.
u64 memblock_end_of_ram(void);

#endif
