// The rules cpuset and memset share: a container's set of CPUs or nodes
// (one 64-bit word: NR_CPUS and MAX_NUMNODES are 64) with an exclusive
// flag, and the checks of DESIGN.md §7 on every change:
//   the root's set is all online CPUs/nodes and read-only (EACCES);
//   bad syntax EINVAL; a CPU/node the machine lacks ERANGE;
//   not a subset of the parent's EACCES; dropping what a child has EBUSY;
//   overlapping a sibling when either is exclusive EINVAL;
//   emptying a set that has tasks ENOSPC (attaching to an empty one too);
//   exclusive only under an exclusive parent EACCES; clearing exclusive
//   while a child is exclusive EBUSY.
// Locking: every field is written under container_mutex (the control-file
// writes hold it); readers outside it read mask with READ_ONCE.
#ifndef KERNEL_CONTAINERS_MASKSET_H
#define KERNEL_CONTAINERS_MASKSET_H

#include "kernel/containers/container.h"

struct maskset {
	unsigned long mask; // bit i: CPU (or node) i
	bool exclusive;
};

struct maskset_type {
	int *subsys_id;              // the subsystem's id (set at registration)
	unsigned long (*online)(void); // every CPU / node of the machine
	struct maskset *(*of)(struct container_subsys_state *css);
};

void maskset_init(const struct maskset_type *mt, struct container *c, struct maskset *ms);
// Parse and check a new set for c; on 0, *out is the new mask (the caller
// applies it to the tasks and stores it).
int maskset_check_mask(const struct maskset_type *mt, struct container *c, const char *buf,
		       unsigned long *out);
int maskset_write_exclusive(const struct maskset_type *mt, struct container *c,
			    const char *buf);
int maskset_show_mask(struct maskset *ms, struct seq_buf *s);
int maskset_can_attach(struct maskset *ms); // ENOSPC if empty

#endif
