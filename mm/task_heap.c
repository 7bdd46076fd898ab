// Task heaps (see task_heap.h): per-task virtual segments, pages mapped
// on demand from the task's nodes, small blocks from size classes and large
// blocks as page runs.
//
// Each segment [base, end) is used from the bottom up: `top` is its first
// address never handed out. A page run is taken from the list of free runs
// (first fit), else from the top of a segment with room, else from a new
// segment. Freeing a large block unmaps its pages and puts its addresses
// back on the free-run list, merged with its neighbours in the same
// segment (and into top when it ends there); a segment other than the
// first whose top falls back to its base goes back to vmap. Pages carved
// into small blocks stay mapped until the heap is destroyed. Invariant: no
// free run ends at its segment's top (it would have been absorbed).
//
// Migration (heap_migrate*): prepare counts the pages outside the target
// nodes (node_pages[] says it at once), takes that many free pages from
// the target nodes, chained through their first word, and keeps h->lock;
// commit moves the pages in batches of VMAP_MOVE_MAX with vmap_move_pages
// (fault-and-wait, see mm/vmap.h), so the owner may keep running, and
// every page it touches mid-move just waits for the copy.
#include "mm/task_heap.h"
#include "arch/x86/call_on_stack.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "kernel/panic.h"
#include "kernel/atomic.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/printk.h"
#include "lib/list.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "kernel/containers/bc.h"
#include "mm/slab.h"
#include "mm/vmap.h"

#define NR_CLASSES 7         // 32, 64, ... 2048 bytes, header included
#define CLASS_MIN_SHIFT 5
#define CLASS_RUN 0xffff     // block is a page run, not a small block
#define BLOCK_USED 0xa110ca7e
#define BLOCK_FREE 0xf4eeb10c

// The header in front of every block; the app's pointer follows it.
struct heap_block {
	u32 magic;      // BLOCK_USED, or BLOCK_FREE (small blocks on a free list)
	u16 class;      // size class index, or CLASS_RUN
	u16 unused;
	u32 offset;     // CLASS_RUN: bytes from the run's first page to here
	u32 pages;      // CLASS_RUN: run length in pages
};
_Static_assert(sizeof(struct heap_block) == 16, "header keeps payloads 16-aligned");

// A free small block: the header, then the free-list link in the payload.
struct free_block {
	struct heap_block hdr;
	struct free_block *next;
};

// A range of unused, unmapped pages below a segment's top (kmalloc'd
// bookkeeping).
struct heap_run {
	struct list_head link; // in heap->free_runs, sorted by address
	u64 start, pages;
};

// A reserved range of addresses (vmap_reserve), used from base up to top.
struct heap_segment {
	struct list_head link; // in heap->segments, the first one first
	u64 base, top, end;
};

struct task_heap {
	atomic_t refs;     // the owner's (until heap_destroy) + heap_get()s
	struct mutex lock; // guards everything below
	struct list_head segments;     // at least one
	u64 next_segment;              // size of the next segment to reserve
	struct list_head free_runs;
	struct free_block *free_small[NR_CLASSES];
	u64 allocated_bytes;           // usable size of every live block
	u64 mapped_pages;
	u32 node_pages[MAX_NUMNODES];  // mapped pages per node
	bool pinned;                   // allocate from `nodes`, not the task's
	nodemask_t nodes;
	// Between heap_migrate_prepare and commit/cancel:
	void *reserved;                // free pages for the move, chained
	u64 nr_reserved;
	nodemask_t migrate_to;
	void *migrate_stack;           // MIGRATE_STACK_ORDER pages, or NULL (see commit)
	bool skip_stack;               // this move leaves [stack_lo, stack_hi) alone
	// The block the owner runs on as its stack (heap_set_stack), or 0, 0.
	u64 stack_lo, stack_hi;
	// A move by another task left the stack's pages where they were: they
	// cannot move under their running owner (a not-present stack page is
	// a double fault, not a fault that can wait). `reserved` and
	// `migrate_stack` keep what their move needs, towards `migrate_to`,
	// until the owner moves them itself at its next kernel call
	// (heap_settle_stack), or a later move sets aside anew.
	bool stack_left;
};

// A stack of 16 KiB (the kernel's own size) for moving the pages of a heap
// the mover is running on (itself, or its owner later: stack_left).
#define MIGRATE_STACK_ORDER 2

static size_t class_size(int class) { return (size_t)1 << (class + CLASS_MIN_SHIFT); }

static void *block_payload(struct heap_block *b) { return b + 1; }
static struct heap_block *payload_block(void *p) { return (struct heap_block *)p - 1; }

static size_t block_usable_size(struct heap_block *b)
{
	if (b->class == CLASS_RUN)
		return (u64)b->pages * PAGE_SIZE - b->offset - sizeof(*b);
	return class_size(b->class) - sizeof(*b);
}

// ---- Pages ----

static const nodemask_t *heap_nodes(struct task_heap *h)
{
	return h->pinned ? &h->nodes : task_mems_allowed();
}

// Pages are unmapped in batches with one TLB shootdown each (a shootdown
// per page costs over 100 us under QEMU: seconds for a large heap).
#define UNMAP_BATCH 128

// Unmaps and frees n pages at va. flush: shoot their TLB entries down
// first (the heap lives on and may reuse the addresses); without it, the
// caller releases the region lazily (vmap_release_lazy).
static void heap_unmap_pages(struct task_heap *h, u64 va, u64 n, bool flush)
{
	while (n > 0) {
		void *pages[UNMAP_BATCH];
		u64 count = MIN(n, (u64)UNMAP_BATCH), got = 0;
		for (u64 i = 0; i < count; i++) {
			void *va_i = (void *)(va + i * PAGE_SIZE);
			void *page = vmap_unmap_page_noflush(va_i);
			if (page)
				pages[got++] = page;
		}
		if (got && flush)
			tlb_shootdown(va, count * PAGE_SIZE);
		for (u64 i = 0; i < got; i++) {
			h->mapped_pages--;
			h->node_pages[page_to_nid(pages[i])]--;
			bc_uncharge_pages(pages[i], 0);
			free_page(pages[i]);
		}
		va += count * PAGE_SIZE;
		n -= count;
	}
}

// Maps n fresh pages at va: 0, or -ENOMEM with nothing left mapped.
static int heap_map_pages(struct task_heap *h, u64 va, u64 n)
{
	for (u64 i = 0; i < n; i++) {
		void *page = alloc_pages_nodemask(heap_nodes(h), GFP_KERNEL, 0);
		if (page && bc_charge_pages(page, 0) < 0) { // past the bc barrier
			free_page(page);
			page = NULL;
		}
		if (page && vmap_map_page((void *)(va + i * PAGE_SIZE), page, PAGE_KERNEL) < 0) {
			bc_uncharge_pages(page, 0);
			free_page(page);
			page = NULL;
		}
		if (!page) {
			heap_unmap_pages(h, va, i, true);
			return -ENOMEM;
		}
		h->mapped_pages++;
		h->node_pages[page_to_nid(page)]++;
	}
	return 0;
}

// Free pages on the nodes h allocates from (a hint: it changes under us).
static u64 heap_free_pages(struct task_heap *h)
{
	u64 n = 0;
	int nid;
	for_each_online_node(nid)
		if (node_isset(nid, heap_nodes(h)))
			n += node_free_pages(nid);
	return n;
}

// ---- Address ranges ----

// The segment holding addr (handed out or not), or NULL.
static struct heap_segment *heap_segment_of(struct task_heap *h, u64 addr)
{
	struct heap_segment *seg;
	list_for_each_entry(seg, &h->segments, link)
		if (addr >= seg->base && addr < seg->end)
			return seg;
	return NULL;
}

// A new segment of at least n pages (or NULL: no memory for its
// bookkeeping, or no addresses left -- said on the console, since that is
// not the out-of-memory the caller's ENOMEM suggests).
static struct heap_segment *heap_add_segment(struct task_heap *h, u64 n)
{
	u64 size = MAX(h->next_segment, ALIGN_UP(n * PAGE_SIZE, HEAP_SEGMENT_MIN));
	struct heap_segment *seg = kmalloc(sizeof(*seg), GFP_KERNEL);
	if (!seg)
		return NULL;
	seg->base = (u64)vmap_reserve(size);
	if (!seg->base) {
		pr_warn("heap: no %llu MiB of kernel address space left for a heap\n",
			(unsigned long long)(size >> 20));
		kfree(seg);
		return NULL;
	}
	seg->top = seg->base;
	seg->end = seg->base + size;
	list_add_tail(&seg->link, &h->segments);
	h->next_segment = MIN(MAX(h->next_segment, size) * 2, HEAP_SEGMENT_MAX);
	return seg;
}

// n pages of unused addresses (not mapped), or 0 if no segment has room
// and none can be added.
static u64 heap_take_run(struct task_heap *h, u64 n)
{
	struct heap_run *r;
	list_for_each_entry(r, &h->free_runs, link) {
		if (r->pages < n)
			continue;
		u64 start = r->start;
		r->start += n * PAGE_SIZE;
		r->pages -= n;
		if (r->pages == 0) {
			list_del(&r->link);
			kfree(r);
		}
		return start;
	}
	struct heap_segment *seg, *found = NULL;
	list_for_each_entry(seg, &h->segments, link) {
		if (n <= (seg->end - seg->top) / PAGE_SIZE) {
			found = seg;
			break;
		}
	}
	if (!found)
		found = heap_add_segment(h, n);
	if (!found)
		return 0;
	u64 start = found->top;
	found->top += n * PAGE_SIZE;
	return start;
}

// The top of seg came down to its base: give a later segment back.
static void heap_drop_segment(struct task_heap *h, struct heap_segment *seg)
{
	if (seg == list_first_entry(&h->segments, struct heap_segment, link))
		return; // a heap keeps its first segment
	list_del(&seg->link);
	// Its pages were unmapped with a TLB shootdown (heap_free_block).
	vmap_release((void *)seg->base, seg->end - seg->base);
	kfree(seg);
}

// Gives back n pages of addresses at start (already unmapped).
static void heap_put_run(struct task_heap *h, u64 start, u64 n)
{
	struct heap_segment *seg = heap_segment_of(h, start);
	u64 end = start + n * PAGE_SIZE;
	struct heap_run *r, *prev = NULL, *next = NULL;
	list_for_each_entry(r, &h->free_runs, link) {
		if (r->start > start) {
			next = r;
			break;
		}
		prev = r;
	}
	// Neighbours merge only if they touch, which keeps them in seg: a run
	// never crosses a segment's end, and the next segment may be adjacent
	// only above seg's end, where no run of seg reaches.
	if (prev && prev->start + prev->pages * PAGE_SIZE == start && start != seg->base) {
		start = prev->start;
		list_del(&prev->link);
		kfree(prev);
	}
	if (next && next->start == end && end != seg->end) {
		end = next->start + next->pages * PAGE_SIZE;
		list_del(&next->link);
		kfree(next);
	}
	if (end == seg->top) { // the run is the end of the used part: shrink it
		seg->top = start;
		if (seg->top == seg->base)
			heap_drop_segment(h, seg);
		return;
	}
	struct heap_run *nr = kmalloc(sizeof(*nr), GFP_KERNEL);
	if (!nr)
		return; // the addresses are lost to this heap, never a page
	nr->start = start;
	nr->pages = (end - start) / PAGE_SIZE;
	list_for_each_entry(r, &h->free_runs, link)
		if (r->start > start)
			break;
	list_add_tail(&nr->link, &r->link); // before r (or at the end)
}

// ---- Blocks ----

static int size_class(size_t total)
{
	for (int c = 0; c < NR_CLASSES; c++)
		if (class_size(c) >= total)
			return c;
	return -1;
}

// Carves one fresh page into blocks of class c.
static bool heap_refill_class(struct task_heap *h, int c)
{
	u64 va = heap_take_run(h, 1);
	if (!va)
		return false;
	if (heap_map_pages(h, va, 1) < 0) {
		heap_put_run(h, va, 1);
		return false;
	}
	size_t size = class_size(c);
	for (u64 off = PAGE_SIZE; off >= size; off -= size) {
		struct free_block *f = (struct free_block *)(va + off - size);
		f->hdr.magic = BLOCK_FREE;
		f->hdr.class = c;
		f->next = h->free_small[c];
		h->free_small[c] = f;
	}
	return true;
}

static void *heap_alloc_small(struct task_heap *h, int c)
{
	if (!h->free_small[c] && !heap_refill_class(h, c))
		return NULL;
	struct free_block *f = h->free_small[c];
	h->free_small[c] = f->next;
	f->hdr.magic = BLOCK_USED;
	return block_payload(&f->hdr);
}

static void *heap_alloc_run(struct task_heap *h, size_t size, size_t align)
{
	// Header right before the payload; the payload aligned to align.
	u64 slack = align <= PAGE_SIZE ? MAX(align, sizeof(struct heap_block))
				       : align + sizeof(struct heap_block);
	if (size > VMAP_SIZE || align > VMAP_SIZE)
		return NULL;
	u64 pages = (size + slack + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages > heap_free_pages(h))
		return NULL; // fail at once, not after taking all memory

	u64 run = heap_take_run(h, pages);
	if (!run)
		return NULL;
	if (heap_map_pages(h, run, pages) < 0) {
		heap_put_run(h, run, pages);
		return NULL;
	}
	u64 payload = ALIGN_UP(run + sizeof(struct heap_block), (u64)MAX(align, 16));
	struct heap_block *b = payload_block((void *)payload);
	b->magic = BLOCK_USED;
	b->class = CLASS_RUN;
	b->offset = (u64)b - run;
	b->pages = pages;
	return (void *)payload;
}

// The live block p points into the payload of, or NULL (reported).
static struct heap_block *heap_check_block(struct task_heap *h, void *p, const char *what)
{
	u64 addr = (u64)p;
	struct heap_block *b = payload_block(p);
	struct heap_segment *seg = heap_segment_of(h, addr - sizeof(*b));
	const char *why = NULL;
	if (!seg || addr >= seg->top || (addr & 15))
		why = "not a heap address";
	else if (!vmap_lookup(b))
		why = "not in a live block";
	else if (b->magic == BLOCK_FREE)
		why = "already free";
	else if (b->magic != BLOCK_USED ||
		 (b->class >= NR_CLASSES && b->class != CLASS_RUN))
		why = "not a block (or its header was overwritten)";
	if (!why)
		return b;
	pr_warn("heap: %s(%p): %s, ignored\n", what, p, why);
	return NULL;
}

static void heap_free_block(struct task_heap *h, struct heap_block *b)
{
	h->allocated_bytes -= block_usable_size(b);
	if (b->class != CLASS_RUN) {
		struct free_block *f = (struct free_block *)b;
		f->hdr.magic = BLOCK_FREE;
		f->next = h->free_small[b->class];
		h->free_small[b->class] = f;
		return;
	}
	u64 run = (u64)b - b->offset, pages = b->pages;
	heap_unmap_pages(h, run, pages, true);
	heap_put_run(h, run, pages);
}

// ---- Interface ----

struct task_heap *heap_create(void)
{
	struct task_heap *h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	INIT_LIST_HEAD(&h->segments);
	INIT_LIST_HEAD(&h->free_runs);
	h->next_segment = HEAP_SEGMENT_MIN;
	if (!heap_add_segment(h, 1)) {
		kfree(h);
		return NULL;
	}
	atomic_set(&h->refs, 1);
	mutex_init(&h->lock, "task_heap");
	return h;
}

void heap_get(struct task_heap *h) { atomic_inc(&h->refs); }

// The last reference is gone: nobody can reach h any more.
static void reserve_free(struct task_heap *h);
static void migrate_stack_free(struct task_heap *h);

void heap_put(struct task_heap *h)
{
	if (atomic_dec_return(&h->refs) != 0)
		return;
	// The heap is dead: nothing touches its addresses again, so its pages
	// go back at once and the TLB flush waits for the region's reuse.
	struct heap_segment *seg, *stmp;
	list_for_each_entry_safe(seg, stmp, &h->segments, link) {
		heap_unmap_pages(h, seg->base, (seg->top - seg->base) / PAGE_SIZE, false);
		vmap_release_lazy((void *)seg->base, seg->end - seg->base);
		kfree(seg);
	}
	struct heap_run *r, *tmp;
	list_for_each_entry_safe(r, tmp, &h->free_runs, link)
		kfree(r);
	reserve_free(h); // what a move left for the stack (stack_left)
	migrate_stack_free(h);
	kfree(h);
}

void heap_destroy(struct task_heap *h)
{
	if (h)
		heap_put(h);
}

void *heap_alloc(struct task_heap *h, size_t size, size_t align)
{
	if (align < 16)
		align = 16;
	if (align & (align - 1))
		return NULL;
	int c = size <= HEAP_SMALL_MAX ? size_class(size + sizeof(struct heap_block)) : -1;
	mutex_lock(&h->lock);
	void *p = c >= 0 && align == 16 ? heap_alloc_small(h, c) : heap_alloc_run(h, size, align);
	if (p)
		h->allocated_bytes += block_usable_size(payload_block(p));
	mutex_unlock(&h->lock);
	return p;
}

void heap_free(struct task_heap *h, void *p)
{
	if (!p)
		return;
	mutex_lock(&h->lock);
	struct heap_block *b = heap_check_block(h, p, "free");
	if (b)
		heap_free_block(h, b);
	mutex_unlock(&h->lock);
}

size_t heap_usable_size(struct task_heap *h, void *p)
{
	if (!p)
		return 0;
	mutex_lock(&h->lock);
	struct heap_block *b = heap_check_block(h, p, "usable_size");
	size_t n = b ? block_usable_size(b) : 0;
	mutex_unlock(&h->lock);
	return n;
}

void *heap_realloc(struct task_heap *h, void *p, size_t size)
{
	if (!p)
		return heap_alloc(h, size, 16);
	if (size == 0) {
		heap_free(h, p);
		return NULL;
	}
	size_t old = heap_usable_size(h, p);
	if (old == 0)
		return NULL; // not a block (reported)
	if (size <= old && size > old / 2)
		return p; // fits, and not worth shrinking
	void *q = heap_alloc(h, size, 16);
	if (!q)
		return NULL;
	memcpy(q, p, MIN(old, size));
	heap_free(h, p);
	return q;
}

u64 heap_allocated_bytes(struct task_heap *h)
{
	mutex_lock(&h->lock);
	u64 n = h->allocated_bytes;
	mutex_unlock(&h->lock);
	return n;
}

u64 heap_node_pages(struct task_heap *h, int nid)
{
	if (nid < 0 || nid >= MAX_NUMNODES)
		return 0;
	mutex_lock(&h->lock);
	u64 n = h->node_pages[nid];
	mutex_unlock(&h->lock);
	return n;
}

u64 heap_mapped_pages(struct task_heap *h)
{
	mutex_lock(&h->lock);
	u64 n = h->mapped_pages;
	mutex_unlock(&h->lock);
	return n;
}

void heap_set_nodes(struct task_heap *h, const nodemask_t *mask)
{
	mutex_lock(&h->lock);
	h->pinned = mask != NULL;
	if (mask)
		nodes_copy(&h->nodes, mask);
	mutex_unlock(&h->lock);
}

int heap_segments(struct task_heap *h)
{
	int n = 0;
	struct heap_segment *seg;
	mutex_lock(&h->lock);
	list_for_each_entry(seg, &h->segments, link)
		n++;
	mutex_unlock(&h->lock);
	return n;
}

// ---- Migration ----

static atomic64_t pages_migrated, migrations_failed; // since boot

u64 heap_pages_migrated(void) { return atomic64_read(&pages_migrated); }
u64 heap_migrations_failed(void) { return atomic64_read(&migrations_failed); }

static void reserve_push(struct task_heap *h, void *page)
{
	*(void **)page = h->reserved;
	h->reserved = page;
	h->nr_reserved++;
}

static void *reserve_pop(struct task_heap *h)
{
	void *page = h->reserved;
	h->reserved = *(void **)page;
	h->nr_reserved--;
	return page;
}

static void reserve_free(struct task_heap *h)
{
	while (h->nr_reserved)
		free_page(reserve_pop(h));
}

static bool in_stack(struct task_heap *h, u64 a)
{
	return a >= h->stack_lo && a < h->stack_hi;
}

int heap_migrate_prepare(struct task_heap *h, const nodemask_t *to)
{
	if (nodes_empty(to))
		return -EINVAL;
	mutex_lock(&h->lock);
	// What an earlier move left for the owner's stack goes: this move
	// sets aside anew, for its own nodes.
	reserve_free(h);
	migrate_stack_free(h);
	h->stack_left = false;
	// Is the mover running on a stack in this heap (an app that made its
	// stack with malloc, as the shell does, moving itself)? Its pages
	// cannot move under the code that moves them (a not-present stack
	// page is a double fault): commit moves them from a stack of its own.
	// Another mover cannot move the stack its owner runs on, on another
	// CPU or after a wake-up: it leaves the pages, and what moving them
	// needs, to the owner (heap_settle_stack).
	u64 sp;
	asm volatile("mov %%rsp, %0" : "=r"(sp));
	bool on_heap = heap_segment_of(h, sp) != NULL;
	h->skip_stack = !on_heap && h->stack_hi;
	u64 need = 0;
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (!node_isset(nid, to))
			need += h->node_pages[nid];
	while (h->nr_reserved < need) {
		void *page = alloc_pages_nodemask(to, GFP_KERNEL, 0);
		if (!page) {
			reserve_free(h);
			mutex_unlock(&h->lock);
			atomic64_inc(&migrations_failed);
			return -ENOMEM;
		}
		reserve_push(h, page);
	}
	if (on_heap || h->skip_stack) {
		h->migrate_stack = alloc_pages(GFP_KERNEL, MIGRATE_STACK_ORDER);
		if (!h->migrate_stack) {
			reserve_free(h);
			mutex_unlock(&h->lock);
			atomic64_inc(&migrations_failed);
			return -ENOMEM;
		}
	}
	nodes_copy(&h->migrate_to, to);
	return 0;
}

static void migrate_stack_free(struct task_heap *h)
{
	if (h->migrate_stack)
		free_pages(h->migrate_stack, MIGRATE_STACK_ORDER);
	h->migrate_stack = NULL;
}

void heap_migrate_cancel(struct task_heap *h)
{
	reserve_free(h);
	migrate_stack_free(h);
	h->skip_stack = false;
	mutex_unlock(&h->lock);
}

// Moves the batch: n pages at va[] onto reserved pages.
static void heap_move_batch(struct task_heap *h, const u64 *va, int n)
{
	void *fresh[VMAP_MOVE_MAX] = {0}, *old[VMAP_MOVE_MAX];
	for (int i = 0; i < n; i++)
		fresh[i] = reserve_pop(h);
	vmap_move_pages(va, fresh, old, n);
	for (int i = 0; i < n; i++) {
		if (!old[i]) { // cannot happen: h->lock keeps the page mapped
			reserve_push(h, fresh[i]);
			continue;
		}
		h->node_pages[page_to_nid(old[i])]--;
		h->node_pages[page_to_nid(fresh[i])]++;
		bc_move_page_charge(old[i], fresh[i]); // the charge stays the owner's
		free_page(old[i]);
		atomic64_inc(&pages_migrated);
	}
}

static void heap_move_all(void *arg)
{
	struct task_heap *h = arg;
	u64 va[VMAP_MOVE_MAX];
	int n = 0;
	struct heap_segment *seg;
	list_for_each_entry(seg, &h->segments, link) {
		for (u64 a = seg->base; a < seg->top && h->nr_reserved > (u64)n; a += PAGE_SIZE) {
			if (h->skip_stack && in_stack(h, a))
				continue;
			u64 pa = vmap_lookup((void *)a);
			if (!pa || node_isset(page_to_nid(phys_to_virt(pa)), &h->migrate_to))
				continue;
			va[n++] = a;
			if (n == VMAP_MOVE_MAX) {
				heap_move_batch(h, va, n);
				n = 0;
			}
		}
	}
	if (n)
		heap_move_batch(h, va, n);
}

// Moves what prepare set aside pages for, from migrate_stack if there is
// one, and leaves h->lock held.
static void heap_move_locked(struct task_heap *h)
{
	if (h->migrate_stack)
		call_on_stack((char *)h->migrate_stack + (PAGE_SIZE << MIGRATE_STACK_ORDER),
			      heap_move_all, h);
	else
		heap_move_all(h);
}

void heap_migrate_commit(struct task_heap *h)
{
	if (!mutex_owned(&h->lock))
		panic("heap_migrate_commit: not prepared by this task");
	heap_move_locked(h);
	if (h->skip_stack && h->nr_reserved) {
		h->stack_left = true; // pages for the stack's move stay reserved
	} else {
		migrate_stack_free(h);
		reserve_free(h); // (none left over, unless a count was off)
	}
	h->skip_stack = false;
	mutex_unlock(&h->lock);
}

void heap_settle_stack(struct task_heap *h)
{
	if (likely(!h || !READ_ONCE(h->stack_left)))
		return;
	mutex_lock(&h->lock);
	if (h->stack_left) {
		h->stack_left = false;
		heap_move_locked(h); // from migrate_stack: we may be on the stack
		migrate_stack_free(h);
		reserve_free(h);
	}
	mutex_unlock(&h->lock);
}

void heap_set_stack(struct task_heap *h, void *base, size_t size)
{
	mutex_lock(&h->lock); // not while a move is between prepare and commit
	h->stack_lo = (u64)base;
	h->stack_hi = base ? (u64)base + size : 0;
	mutex_unlock(&h->lock);
}

int heap_migrate(struct task_heap *h, const nodemask_t *to)
{
	int err = heap_migrate_prepare(h, to);
	if (!err)
		heap_migrate_commit(h);
	return err;
}
