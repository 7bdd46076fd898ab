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
//   bc_charge_current(n, nid, &css) charge n pages on node nid that have
//                                   no struct page of their own to record
//                                   it (a task's kernel stack) to the
//                                   current task's container: 0 with *css
//                                   the charged css (NULL when bc is not
//                                   up yet), or -ENOMEM
//   bc_uncharge_css(css, n, nid)    undo it (css NULL: nothing)
//   bc_report_pages(cpath, pages, max) diagnostics: print (at most max
//                                   of) the pages charged to the container
//                                   at cpath ("/a/b" in bc's hierarchy),
//                                   with who charged them, into pages[]
//                                   too (if not NULL); returns how many
// The charge of a page is recorded in the head page's struct page
// (bc_charge). While a container holds pages, bc holds a reference on
// its css, so it cannot be removed (rmdir EBUSY), and the last uncharge
// of an emptied one queues its release check. Never sleeps; a charge
// takes current->lock and bc_lock, an uncharge bc_lock (and the last
// one css_set_lock, in css_put).
#ifndef KERNEL_CONTAINERS_BC_H
#define KERNEL_CONTAINERS_BC_H

struct container_subsys_state;

int bc_charge_pages(void *addr, unsigned order);
void bc_uncharge_pages(void *addr, unsigned order);
void bc_move_page_charge(void *from, void *to);
int bc_charge_current(long n, int nid, struct container_subsys_state **cssp);
void bc_uncharge_css(struct container_subsys_state *css, long n, int nid);
long bc_physpages_held(struct container_subsys_state *css);
long bc_report_pages(const char *cpath, void **pages, int max);

#endif
