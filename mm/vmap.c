// The kernel mapping area and kernel stacks. See vmap.h for the interface
// and the locks.
//
// Free virtual ranges are kept as a list of holes sorted by address;
// vmap_reserve() takes from the front of the first hole that fits, and
// vmap_release() puts a range back, merging with its neighbours, only
// after checking that nothing in it is still mapped. Page tables of the
// area are created on demand and kept.
#include "mm/vmap.h"
#include "arch/x86/layout.h"
#include "arch/x86/smp.h"
#include "arch/x86/x86.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/list.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

struct vmap_hole {
	struct list_head list; // on vmap_holes, sorted by start
	u64 start, end;
};
// Holes have their own cache: how many there are is the area's
// fragmentation, which leak checks (kernel/torture.c) must tell apart
// from the kmalloc caches' counts.
static struct kmem_cache *hole_cache;

static DEFINE_SPINLOCK(vmap_lock); // vmap_holes, vmap_lazy, the area's page tables
static LIST_HEAD(vmap_holes);
// Ranges released lazily (vmap_release_lazy): unmapped, but some CPU's
// TLB may still hold their old entries, so they are not reused until one
// flush of every TLB (vmap_purge_lazy), as Linux purges lazy vunmaps.
static LIST_HEAD(vmap_lazy);
static int vmap_lazy_nr;
#define VMAP_LAZY_MAX 32
static u64 identity_start, identity_end; // mapped low range (vmap_lock)

struct kstack {
	struct list_head list; // on kstacks (kstack_lock)
	u64 guard;             // the guard page; the stack is above it
	char name[24];
};

static DEFINE_SPINLOCK(kstack_lock);
static LIST_HEAD(kstacks);

static bool in_vmap_area(u64 va, u64 size)
{
	return va >= VMAP_BASE && size <= VMAP_SIZE && va - VMAP_BASE <= VMAP_SIZE - size;
}

void vmap_init(void)
{
	hole_cache = kmem_cache_create("vmap_hole", sizeof(struct vmap_hole), 0, 0);
	if (!hole_cache)
		panic("vmap: no memory");
	struct vmap_hole *h = kmem_cache_alloc(hole_cache, GFP_KERNEL);
	if (!h)
		panic("vmap: no memory");
	h->start = VMAP_BASE;
	h->end = VMAP_BASE + VMAP_SIZE;
	list_add(&h->list, &vmap_holes);
}

// ---- Ranges ----

static void *vmap_reserve_hole(size_t size);

static void flush_tlb_local(void *arg)
{
	(void)arg;
	write_cr3(read_cr3()); // vmap pages are not global: this drops them all
}

// Make the lazily released ranges holes again: one flush of every CPU's
// TLB for all of them. Task context, no spinlock held (it waits for IPIs).
void vmap_purge_lazy(void)
{
	LIST_HEAD(purge);
	spin_lock(&vmap_lock);
	list_splice_init(&vmap_lazy, &purge);
	vmap_lazy_nr = 0;
	spin_unlock(&vmap_lock);
	if (list_empty(&purge))
		return;
	smp_call_function_many(&cpu_online_mask, flush_tlb_local, NULL, true);
	struct vmap_hole *h, *tmp;
	list_for_each_entry_safe(h, tmp, &purge, list) {
		list_del(&h->list);
		vmap_release((void *)h->start, h->end - h->start);
		kmem_cache_free(hole_cache, h);
	}
}

void vmap_release_lazy(void *va, size_t size)
{
	struct vmap_hole *h = kmem_cache_alloc(hole_cache, GFP_KERNEL);
	if (!h) { // no memory to queue it: release it the slow way
		tlb_shootdown((u64)va, size);
		vmap_release(va, size);
		return;
	}
	h->start = (u64)va;
	h->end = (u64)va + ALIGN_UP(size, PAGE_SIZE);
	spin_lock(&vmap_lock);
	list_add_tail(&h->list, &vmap_lazy);
	vmap_lazy_nr++;
	spin_unlock(&vmap_lock);
}

void *vmap_reserve(size_t size)
{
	if (READ_ONCE(vmap_lazy_nr) >= VMAP_LAZY_MAX)
		vmap_purge_lazy();
	void *va = vmap_reserve_hole(size);
	if (!va && READ_ONCE(vmap_lazy_nr) > 0) {
		vmap_purge_lazy();
		va = vmap_reserve_hole(size);
	}
	return va;
}

static void *vmap_reserve_hole(size_t size)
{
	struct vmap_hole *h, *empty = NULL;
	u64 va = 0;
	size = ALIGN_UP(size, PAGE_SIZE);
	if (size == 0)
		return NULL;
	spin_lock(&vmap_lock);
	list_for_each_entry(h, &vmap_holes, list) {
		if (h->end - h->start < size)
			continue;
		va = h->start;
		h->start += size;
		if (h->start == h->end) {
			list_del(&h->list);
			empty = h;
		}
		break;
	}
	spin_unlock(&vmap_lock);
	kmem_cache_free(hole_cache, empty);
	return (void *)va;
}

// Is any page in [start, end) mapped? A walk that skips missing tables:
// a released 1 GiB heap segment is one look per page-directory entry
// plus a scan of the page tables it left behind. Caller holds vmap_lock.
static bool range_mapped(u64 start, u64 end)
{
	return pgtable_range_mapped(kernel_pml4, start, end);
}

// Puts [start, end) back among the holes, merging with neighbours; spare
// is a preallocated hole for the case nothing merges. Returns whether spare
// was used. Caller holds vmap_lock and checked the range is reserved.
static bool hole_insert(u64 start, u64 end, struct vmap_hole *spare)
{
	struct vmap_hole *h, *prev = NULL, *next = NULL;
	list_for_each_entry(h, &vmap_holes, list) {
		if (h->start >= end) {
			next = h;
			break;
		}
		prev = h;
	}
	if (prev && prev->end == start) {
		prev->end = end;
		if (next && next->start == end) {
			prev->end = next->end;
			list_del(&next->list);
			kmem_cache_free(hole_cache, next); // takes only slab locks: fine under vmap_lock
		}
		return false;
	}
	if (next && next->start == end) {
		next->start = start;
		return false;
	}
	spare->start = start;
	spare->end = end;
	list_add(&spare->list, prev ? &prev->list : &vmap_holes);
	return true;
}

// Does [start, end) overlap a hole (i.e. is part of it not reserved)?
static bool range_overlaps_hole(u64 start, u64 end)
{
	struct vmap_hole *h;
	list_for_each_entry(h, &vmap_holes, list)
		if (h->start < end && start < h->end)
			return true;
	return false;
}

void vmap_release(void *va, size_t size)
{
	u64 start = (u64)va, end = start + ALIGN_UP(size, PAGE_SIZE);
	struct vmap_hole *spare = kmem_cache_alloc(hole_cache, GFP_KERNEL);
	const char *why = NULL;
	if (!spare || !in_vmap_area(start, end - start) || (start & (PAGE_SIZE - 1)) || end == start)
		why = spare ? "not a vmap range" : "out of memory";
	spin_lock(&vmap_lock);
	if (!why && range_overlaps_hole(start, end))
		why = "range is not reserved";
	else if (!why && range_mapped(start, end))
		why = "pages are still mapped; range leaked";
	if (!why && hole_insert(start, end, spare))
		spare = NULL;
	spin_unlock(&vmap_lock);
	kmem_cache_free(hole_cache, spare);
	if (why)
		report_bug("vmap_release(%p, %zu): %s", va, size, why);
}

// ---- Pages ----

int vmap_map_page(void *va, void *page_kva, unsigned flags)
{
	u64 addr = (u64)va, pa = virt_to_phys(page_kva);
	if (!in_vmap_area(addr, PAGE_SIZE) || (addr | pa) & (PAGE_SIZE - 1))
		return -EINVAL;
	u64 entry = pa | PTE_P;
	if (flags & VM_WRITE)
		entry |= PTE_W;
	if (!(flags & VM_EXEC) && pgtable_nx)
		entry |= PTE_NX;
	int ret = 0;
	spin_lock(&vmap_lock);
	u64 *pte = pgtable_walk(kernel_pml4, addr, NUMA_NO_NODE);
	if (!pte)
		ret = -ENOMEM;
	else if (*pte & PTE_P)
		ret = -EBUSY;
	else
		*pte = entry;
	spin_unlock(&vmap_lock);
	return ret;
}

void *vmap_unmap_page(void *va)
{
	void *page = vmap_unmap_page_noflush(va);
	if (page) {
		invlpg((u64)va);
		tlb_shootdown((u64)va, PAGE_SIZE);
	}
	return page;
}

void *vmap_unmap_page_noflush(void *va)
{
	u64 addr = (u64)va, old = 0;
	if (!in_vmap_area(addr, PAGE_SIZE) || (addr & (PAGE_SIZE - 1)))
		return NULL;
	spin_lock(&vmap_lock);
	u64 *pte = pgtable_walk(kernel_pml4, addr, PGTABLE_NOALLOC);
	if (pte && (*pte & PTE_P)) {
		old = *pte;
		*pte = 0;
	}
	spin_unlock(&vmap_lock);
	return old ? phys_to_virt(old & PTE_ADDR) : NULL;
}

u64 vmap_lookup(void *va)
{
	u64 pa;
	if (!in_vmap_area((u64)va, 1) || !pgtable_translate((u64)va, &pa))
		return 0;
	return pa;
}

// ---- Moving pages (see vmap.h: fault-and-wait) ----

// Software bit of a not-present entry (the MMU ignores every other bit of
// it): this page is being moved; the frame's address stays in the entry.
#define PTE_MIGRATING (1ULL << 9)
// What the MMU may set in an entry by itself.
#define PTE_ACCESSED (1ULL << 5)
#define PTE_DIRTY (1ULL << 6)

void vmap_move_pages(const u64 *va, void *const *new_pages, void **old, int n)
{
	u64 entry[VMAP_MOVE_MAX], *pte[VMAP_MOVE_MAX];
	u64 lo = ~0ULL, hi = 0;
	if (n > VMAP_MOVE_MAX)
		panic("vmap_move_pages: %d pages, at most %d", n, VMAP_MOVE_MAX);
	// Interrupts off until the last page is back: a task of this CPU
	// faulting on one of them would spin forever, and so would an
	// interrupt handler here that wants a lock the faulting CPU holds
	// (see vmap.h). Our own shootdown's wait serves the calls meanwhile.
	unsigned long flags = local_irq_save();
	spin_lock(&vmap_lock);
	for (int i = 0; i < n; i++) {
		old[i] = NULL;
		pte[i] = in_vmap_area(va[i], PAGE_SIZE)
				 ? pgtable_walk(kernel_pml4, va[i], PGTABLE_NOALLOC) : NULL;
		if (!pte[i] || !(READ_ONCE(*pte[i]) & PTE_P)) {
			pte[i] = NULL;
			continue;
		}
		// Atomically: another CPU's MMU may be setting A or D right now.
		u64 e = __atomic_load_n(pte[i], __ATOMIC_RELAXED), mark;
		do
			mark = (e & ~PTE_P) | PTE_MIGRATING;
		while (!__atomic_compare_exchange_n(pte[i], &e, mark, false, __ATOMIC_SEQ_CST,
						    __ATOMIC_RELAXED));
		entry[i] = e;
		old[i] = phys_to_virt(e & PTE_ADDR);
		lo = MIN(lo, va[i]);
		hi = MAX(hi, va[i] + PAGE_SIZE);
	}
	spin_unlock(&vmap_lock);
	if (hi > lo) {
		invlpg(lo); // (tlb_shootdown covers this CPU too; cheap insurance)
		tlb_shootdown(lo, hi - lo); // nobody can reach the old frames now
	}
	for (int i = 0; i < n; i++) {
		if (!pte[i])
			continue;
		memcpy(new_pages[i], old[i], PAGE_SIZE);
		u64 e = (entry[i] & ~(PTE_ADDR | PTE_ACCESSED | PTE_DIRTY)) |
			virt_to_phys(new_pages[i]);
		// Not present -> present needs no flush: x86 caches no
		// translation for a not-present entry.
		spin_lock(&vmap_lock);
		__atomic_store_n(pte[i], e, __ATOMIC_RELEASE);
		spin_unlock(&vmap_lock);
	}
	local_irq_restore(flags);
}

bool vmap_fault(u64 addr, u64 error)
{
	if (!in_vmap_area(addr, 1))
		return false;
	u64 *pte = pgtable_walk(kernel_pml4, ALIGN_DOWN(addr, PAGE_SIZE), PGTABLE_NOALLOC);
	if (!pte)
		return false;
	u64 e = __atomic_load_n(pte, __ATOMIC_ACQUIRE);
	if (e & PTE_P) // moved meanwhile (a not-present fault only)
		return !(error & 1);
	if (!(e & PTE_MIGRATING))
		return false;
	while (__atomic_load_n(pte, __ATOMIC_ACQUIRE) == e)
		smp_wait_relax();
	return true;
}

// ---- Kernel stacks: [guard page][KSTACK_SIZE of stack] ----

#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

// Unmaps and frees the stack pages above guard (those that are mapped).
static void kstack_unmap(u64 guard)
{
	for (int i = 1; i <= KSTACK_PAGES; i++)
		free_page(vmap_unmap_page((void *)(guard + i * PAGE_SIZE)));
}

static int kstack_map(u64 guard, int nid)
{
	for (int i = 1; i <= KSTACK_PAGES; i++) {
		void *page = alloc_pages_node(nid, 0, 0);
		if (!page)
			page = alloc_pages_nodemask(&node_online_map, 0, 0);
		if (!page)
			return -ENOMEM;
		int ret = vmap_map_page((void *)(guard + i * PAGE_SIZE), page, PAGE_KERNEL);
		if (ret) {
			free_page(page);
			return ret;
		}
	}
	return 0;
}

void *kstack_alloc(int nid, const char *name)
{
	struct kstack *ks = kmalloc(sizeof(*ks), GFP_KERNEL);
	u64 guard = (u64)vmap_reserve(PAGE_SIZE + KSTACK_SIZE);
	if (!ks || !guard || kstack_map(guard, nid) != 0) {
		if (guard) {
			kstack_unmap(guard);
			vmap_release((void *)guard, PAGE_SIZE + KSTACK_SIZE);
		}
		kfree(ks);
		return NULL;
	}
	ks->guard = guard;
	strlcpy(ks->name, name ? name : "kstack", sizeof(ks->name));
	spin_lock(&kstack_lock);
	list_add(&ks->list, &kstacks);
	spin_unlock(&kstack_lock);
	return (void *)(guard + PAGE_SIZE + KSTACK_SIZE);
}

void kstack_free(void *top)
{
	struct kstack *ks, *found = NULL;
	if (!top)
		return;
	spin_lock(&kstack_lock);
	list_for_each_entry(ks, &kstacks, list) {
		if (ks->guard + PAGE_SIZE + KSTACK_SIZE == (u64)top) {
			list_del(&ks->list);
			found = ks;
			break;
		}
	}
	spin_unlock(&kstack_lock);
	if (!found) {
		report_bug("kstack_free(%p): not a kernel stack", top);
		return;
	}
	kstack_unmap(found->guard);
	vmap_release((void *)found->guard, PAGE_SIZE + KSTACK_SIZE);
	kfree(found);
}

// Called from the fatal-trap report, maybe with kstack_lock held by the
// CPU that faulted: walks the list without the lock. Entries are linked in
// fully built, and other CPUs are stopped before the report.
const char *stack_describe(u64 addr)
{
	struct kstack *ks;
	list_for_each_entry(ks, &kstacks, list)
		if (addr >= ks->guard && addr < ks->guard + PAGE_SIZE)
			return ks->name;
	return NULL;
}

// ---- Low identity mapping for the AP trampoline ----

int vmap_identity_map_low(u64 pa, size_t size)
{
	u64 start = ALIGN_DOWN(pa, PAGE_SIZE), end = ALIGN_UP(pa + size, PAGE_SIZE);
	int ret = 0;
	if (end > SZ_4G || end <= start)
		return -EINVAL;
	spin_lock(&vmap_lock);
	for (u64 a = start; a < end && !ret; a += PAGE_SIZE) {
		u64 *pte = pgtable_walk(kernel_pml4, a, NUMA_NO_NODE);
		if (pte)
			*pte = a | PTE_P | PTE_W; // executable: it is code
		else
			ret = -ENOMEM;
	}
	if (identity_end == 0 || start < identity_start)
		identity_start = start;
	identity_end = MAX(identity_end, end);
	spin_unlock(&vmap_lock);
	return ret;
}

void vmap_identity_unmap_low(void)
{
	spin_lock(&vmap_lock);
	u64 start = identity_start, end = identity_end;
	pgtable_free_subtree(kernel_pml4, 0);
	identity_start = identity_end = 0;
	spin_unlock(&vmap_lock);
	for (u64 a = start; a < end; a += PAGE_SIZE)
		invlpg(a);
	if (end > start)
		tlb_shootdown(start, end - start);
}
