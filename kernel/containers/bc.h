// bc (BeanCounters) page hooks: memory charged to the allocating task's
// bc container (bc.physpages.*, kernel/containers/bc.c).
//
//   bc_charge_pages(addr, order)    charge the 2^order pages at addr (just
//                                   allocated, not yet charged) to the
//                                   current task's container: 0, or
//                                   -ENOMEM past its barrier (a kernel
//                                   thread's: past its limit); the caller
//                                   frees the pages and fails cleanly
//   bc_uncharge_pages(addr, order)  before freeing them: uncharge the
//                                   container they were charged to
//                                   (nothing if they were not)
//   bc_move_page_charge(from, to)   a page's contents moved (migration):
//                                   its charge goes with them
// The charge is recorded in the head page's struct page (bc_charge), which
// holds a css reference until uncharged. Never sleeps; takes bc_lock.
#ifndef KERNEL_CONTAINERS_BC_H
#define KERNEL_CONTAINERS_BC_H

struct container_subsys_state;

int bc_charge_pages(void *addr, unsigned order);
void bc_uncharge_pages(void *addr, unsigned order);
void bc_move_page_charge(void *from, void *to);
long bc_physpages_held(struct container_subsys_state *css);

#endif
