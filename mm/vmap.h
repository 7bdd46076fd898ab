// The kernel mapping area: virtual ranges at VMAP_BASE mapped page by page
// (kernel stacks with guard pages, task heaps).
//
//   vmap_reserve(size) / vmap_release(va, size)
//       a page-aligned virtual range; nothing is mapped in it yet. A range
//       is never handed out again while any page in it is still mapped.
//   vmap_map_page(va, page_kva, flags) / vmap_unmap_page(va)
//       map one 4 KiB page (a direct-map address from the page allocator)
//       at va; unmapping flushes the TLB of every CPU (tlb_shootdown) and
//       returns the page, which the caller frees.
//   vmap_lookup(va)   physical address va maps to, or 0
//   vmap_move_pages(va, new, old, n)
//       give n mapped pages new frames while other CPUs may be using them
//       (memset's memory_migrate; see "Moving pages" below)
//   vmap_fault(addr, error)   the page-fault handler's question: was this a
//       page being moved? (it then waits for the move and says retry)
//   kstack_alloc(nid, name) / kstack_free(top)
//       a KSTACK_SIZE kernel stack, pages from node nid if it has memory
//       (else any), with an unmapped guard page below it: an overflow
//       faults, and the trap report names the stack (stack_describe).
//   vmap_identity_map_low(pa, size) / vmap_identity_unmap_low()
//       identity-map low physical pages (executable) while the APs start
//       on their real-mode trampoline; unmap removes every identity mapping.
//
// Moving pages under a running task (fault-and-wait). vmap_move_pages()
// first swaps each page's entry for a "migrating" entry (not present, with
// PTE_MIGRATING set) and shoots the old translation down on every CPU:
// from then on nobody can write the old frame, and any access faults.
// Then it copies each page and installs the new frame, page by page. A
// CPU that faults on a migrating entry -- app code, or kernel code working
// on an app's buffer, maybe holding a spinlock with interrupts off -- spins
// in vmap_fault() until the entry changes, serving other CPUs' TLB
// shootdowns meanwhile (smp_wait_relax), then retries the access. The mover
// keeps interrupts off from the first swap to the last install, so the
// wait is bounded by one batch's copying, no task can fault on its own
// CPU's half-done move, and no interrupt handler on the mover's CPU can
// wait for a lock the faulting CPU holds; the mover takes no lock such a
// CPU could hold. A third CPU that spins for such a lock with interrupts
// off still answers the shootdown: spin_lock serves calls as it waits.
//
// Locking: vmap_lock (a spinlock, not irq-safe: none of this may be called
// from an interrupt handler) protects the free ranges and the page-table
// entries of the vmap and identity areas. kstack_lock protects the list of
// kernel stacks. Lock order: kstack_lock -> vmap_lock -> the page allocator.
// TLB shootdowns run with no lock held.
#ifndef MM_VMAP_H
#define MM_VMAP_H

#include "kernel/types.h"

#define VM_WRITE 0x1
#define VM_EXEC 0x2
#define PAGE_KERNEL VM_WRITE // read/write, not executable

#define KSTACK_SIZE (16 * 1024)

void *vmap_reserve(size_t size);
void vmap_release(void *va, size_t size);
// Release a range whose pages were unmapped without a TLB flush
// (vmap_unmap_page_noflush) and are never touched again: it is reused only
// after one flush of every CPU's TLB, done for many ranges at once when
// vmap_reserve needs it. The pages may be freed before that flush only if
// nothing can access the range any more (a dead task's heap).
void vmap_release_lazy(void *va, size_t size);
// Flush every TLB and make the lazily released ranges holes again now
// (vmap_reserve does it when it needs to; leak-counting tests call it to
// settle). Task context, no spinlock held.
void vmap_purge_lazy(void);
// 0, -EINVAL (va outside the area or unaligned), -EBUSY (already mapped)
// or -ENOMEM (no page for a page table).
int vmap_map_page(void *va, void *page_kva, unsigned flags);
void *vmap_unmap_page(void *va); // the page that was mapped, or NULL
// The same without any TLB flush: the caller must tlb_shootdown() the
// range (every CPU, this one included) before the page is freed or the
// address reused. For unmapping many pages with one shootdown.
void *vmap_unmap_page_noflush(void *va);
u64 vmap_lookup(void *va);

// Moves the n pages at va[i] (page-aligned, in the vmap area) to the fresh
// pages new_pages[i]: contents copied, same address, same permissions,
// safe while other CPUs read and write them (see the top). old[i] gets
// the frame that was mapped there (to be freed by the caller), or NULL if
// va[i] was not mapped (new_pages[i] is then unused). Task context, no
// spinlock held; the caller keeps everyone else from mapping or unmapping
// these addresses meanwhile (the heap's lock). n <= VMAP_MOVE_MAX.
#define VMAP_MOVE_MAX 64
void vmap_move_pages(const u64 *va, void *const *new_pages, void **old, int n);
// For the page-fault handler, interrupts off: if addr is in a page being
// moved (or that was, error says not-present and it is present now), wait
// until the move is done and return true: the access is to be retried.
// false: a real fault.
bool vmap_fault(u64 addr, u64 error);

void *kstack_alloc(int nid, const char *name); // the stack's top, or NULL
void kstack_free(void *top);
// The name of the kernel stack whose guard page holds addr, or NULL
// (for arch/x86/trap.c's report; lock-free for the trap path).
const char *stack_describe(u64 addr);

// 0 or -ENOMEM / -EINVAL (the range must lie below 4 GiB).
int vmap_identity_map_low(u64 pa, size_t size);
void vmap_identity_unmap_low(void);

// Flushes [va, va + len) from the TLB of every CPU. The SMP code defines
// it (IPIs, arch/x86/smp.c); required.
void tlb_shootdown(u64 va, u64 len);

void vmap_init(void); // mm_init, after slab_init

#endif
