/* Virtual memory layout (usable from C and assembly).
 *
 *   0xffff800000000000  direct map of all physical memory (PHYS_BASE)
 *   0xffffc00000000000  kernel mapping area: vmap (stacks, task heaps)
 *   0xffffffff80000000  kernel image (KVMA), physical 0..2 GiB
 */
#ifndef ARCH_X86_LAYOUT_H
#define ARCH_X86_LAYOUT_H

#define KVMA 0xFFFFFFFF80000000
#define PHYS_BASE 0xFFFF800000000000
#define VMAP_BASE 0xFFFFC00000000000
#define VMAP_SIZE 0x0000010000000000 /* 1 TiB */
#define PAGE_SIZE 4096
#define PAGE_SHIFT 12

#ifndef __ASSEMBLER__
#include "kernel/types.h"
static inline void *phys_to_virt(u64 pa) { return (void *)(pa + PHYS_BASE); }
static inline u64 virt_to_phys(const void *va)
{
	u64 v = (u64)va;
	return v >= KVMA ? v - KVMA : v - PHYS_BASE;
}
#endif
#endif
