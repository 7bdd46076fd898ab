// Allocation flags, shared by the page allocator and the slab allocator
// (as Linux's <linux/gfp.h>).
#ifndef MM_GFP_H
#define MM_GFP_H

#define GFP_KERNEL 0   // nothing special: may use any node the task may use
#define __GFP_ZERO 1   // return zeroed memory

#endif
