// CPU and NUMA-node masks: fixed-size bitmaps with Linux's names.
//
// cpumask_t holds one bit per possible CPU (NR_CPUS), nodemask_t one per
// possible node (MAX_NUMNODES). Every helper is a thin static inline over
// lib/bitmap.h and takes pointers (Linux's node_* macros take the mask by
// name; here node_set(n, &mask) is written with the '&'). CPU and node
// numbers must be below NR_CPUS / MAX_NUMNODES. Set/clear of a
// single bit is atomic; the whole-mask operations are not and need the
// owner's lock. Iteration stops at NR_CPUS / MAX_NUMNODES: "no CPU" is
// returned as NR_CPUS, "no node" as MAX_NUMNODES.
//
// The text form is the list format ("0-3,5") described in lib/bitmap.h;
// *_parselist() returns 0, -EINVAL or -ERANGE (CPU >= NR_CPUS) and
// *_print() has snprintf semantics.
#ifndef LIB_CPUMASK_H
#define LIB_CPUMASK_H

#include "lib/bitmap.h"

#define NR_CPUS 64
#define MAX_NUMNODES 64

typedef struct {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
} cpumask_t;

typedef struct {
	unsigned long bits[BITS_TO_LONGS(MAX_NUMNODES)];
} nodemask_t;

#define CPU_MASK_NONE ((cpumask_t){ { 0 } })
#define NODE_MASK_NONE ((nodemask_t){ { 0 } })

// ---- cpumask_t ----

static inline void cpumask_set_cpu(int cpu, cpumask_t *mask)
{
	set_bit(cpu, mask->bits);
}

static inline void cpumask_clear_cpu(int cpu, cpumask_t *mask)
{
	clear_bit(cpu, mask->bits);
}

static inline bool cpumask_test_cpu(int cpu, const cpumask_t *mask)
{
	return test_bit(cpu, mask->bits);
}

static inline void cpumask_clear(cpumask_t *mask)
{
	bitmap_zero(mask->bits, NR_CPUS);
}

// Sets CPUs 0..ncpus-1 (at most NR_CPUS) and clears the rest.
static inline void cpumask_setall(cpumask_t *mask, int ncpus)
{
	bitmap_zero(mask->bits, NR_CPUS);
	if (ncpus > 0)
		bitmap_fill(mask->bits, MIN(ncpus, NR_CPUS));
}

static inline bool cpumask_empty(const cpumask_t *mask)
{
	return bitmap_empty(mask->bits, NR_CPUS);
}

static inline int cpumask_weight(const cpumask_t *mask)
{
	return bitmap_weight(mask->bits, NR_CPUS);
}

static inline int cpumask_first(const cpumask_t *mask)
{
	return find_first_bit(mask->bits, NR_CPUS);
}

// The first CPU in mask after cpu (-1 gives the first), or NR_CPUS.
static inline int cpumask_next(int cpu, const cpumask_t *mask)
{
	return find_next_bit(mask->bits, NR_CPUS, cpu + 1);
}

static inline bool cpumask_equal(const cpumask_t *a, const cpumask_t *b)
{
	return bitmap_equal(a->bits, b->bits, NR_CPUS);
}

// True if every CPU of a is in b.
static inline bool cpumask_subset(const cpumask_t *a, const cpumask_t *b)
{
	return bitmap_subset(a->bits, b->bits, NR_CPUS);
}

static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
	return bitmap_intersects(a->bits, b->bits, NR_CPUS);
}

// dst = a & b; returns whether dst is non-empty.
static inline bool cpumask_and(cpumask_t *dst, const cpumask_t *a,
			       const cpumask_t *b)
{
	return bitmap_and(dst->bits, a->bits, b->bits, NR_CPUS);
}

static inline void cpumask_or(cpumask_t *dst, const cpumask_t *a,
			      const cpumask_t *b)
{
	bitmap_or(dst->bits, a->bits, b->bits, NR_CPUS);
}

// dst = a & ~b; returns whether dst is non-empty.
static inline bool cpumask_andnot(cpumask_t *dst, const cpumask_t *a,
				  const cpumask_t *b)
{
	return bitmap_andnot(dst->bits, a->bits, b->bits, NR_CPUS);
}

static inline void cpumask_copy(cpumask_t *dst, const cpumask_t *src)
{
	*dst = *src;
}

static inline int cpumask_parselist(const char *buf, cpumask_t *mask)
{
	return bitmap_parselist(buf, mask->bits, NR_CPUS);
}

static inline int cpumask_print(char *buf, size_t size, const cpumask_t *mask)
{
	return bitmap_print_list(buf, size, mask->bits, NR_CPUS);
}

// for_each_cpu(cpu, &mask) { ... }: cpu (an int) takes each CPU in mask.
#define for_each_cpu(cpu, mask)                                              \
	for ((cpu) = -1; (cpu) = cpumask_next((cpu), (mask)), (cpu) < NR_CPUS;)

// ---- nodemask_t ----

static inline void node_set(int node, nodemask_t *mask)
{
	set_bit(node, mask->bits);
}

static inline void node_clear(int node, nodemask_t *mask)
{
	clear_bit(node, mask->bits);
}

static inline bool node_isset(int node, const nodemask_t *mask)
{
	return test_bit(node, mask->bits);
}

static inline void nodes_clear(nodemask_t *mask)
{
	bitmap_zero(mask->bits, MAX_NUMNODES);
}

// Sets nodes 0..nnodes-1 (at most MAX_NUMNODES) and clears the rest.
static inline void nodes_setall(nodemask_t *mask, int nnodes)
{
	bitmap_zero(mask->bits, MAX_NUMNODES);
	if (nnodes > 0)
		bitmap_fill(mask->bits, MIN(nnodes, MAX_NUMNODES));
}

static inline bool nodes_empty(const nodemask_t *mask)
{
	return bitmap_empty(mask->bits, MAX_NUMNODES);
}

static inline int nodes_weight(const nodemask_t *mask)
{
	return bitmap_weight(mask->bits, MAX_NUMNODES);
}

static inline int first_node(const nodemask_t *mask)
{
	return find_first_bit(mask->bits, MAX_NUMNODES);
}

// The first node in mask after node (-1 gives the first), or MAX_NUMNODES.
static inline int next_node(int node, const nodemask_t *mask)
{
	return find_next_bit(mask->bits, MAX_NUMNODES, node + 1);
}

static inline bool nodes_equal(const nodemask_t *a, const nodemask_t *b)
{
	return bitmap_equal(a->bits, b->bits, MAX_NUMNODES);
}

// True if every node of a is in b.
static inline bool nodes_subset(const nodemask_t *a, const nodemask_t *b)
{
	return bitmap_subset(a->bits, b->bits, MAX_NUMNODES);
}

static inline bool nodes_intersects(const nodemask_t *a, const nodemask_t *b)
{
	return bitmap_intersects(a->bits, b->bits, MAX_NUMNODES);
}

// dst = a & b; returns whether dst is non-empty.
static inline bool nodes_and(nodemask_t *dst, const nodemask_t *a,
			     const nodemask_t *b)
{
	return bitmap_and(dst->bits, a->bits, b->bits, MAX_NUMNODES);
}

static inline void nodes_or(nodemask_t *dst, const nodemask_t *a,
			    const nodemask_t *b)
{
	bitmap_or(dst->bits, a->bits, b->bits, MAX_NUMNODES);
}

// dst = a & ~b; returns whether dst is non-empty.
static inline bool nodes_andnot(nodemask_t *dst, const nodemask_t *a,
				const nodemask_t *b)
{
	return bitmap_andnot(dst->bits, a->bits, b->bits, MAX_NUMNODES);
}

static inline void nodes_copy(nodemask_t *dst, const nodemask_t *src)
{
	*dst = *src;
}

static inline int nodemask_parselist(const char *buf, nodemask_t *mask)
{
	return bitmap_parselist(buf, mask->bits, MAX_NUMNODES);
}

static inline int nodemask_print(char *buf, size_t size, const nodemask_t *mask)
{
	return bitmap_print_list(buf, size, mask->bits, MAX_NUMNODES);
}

// for_each_node_mask(node, &mask) { ... }: node (an int) takes each node.
#define for_each_node_mask(node, mask)                                       \
	for ((node) = -1;                                                    \
	     (node) = next_node((node), (mask)), (node) < MAX_NUMNODES;)

#endif
