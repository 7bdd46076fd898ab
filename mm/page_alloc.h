// The page allocator: physical pages in power-of-two blocks, per node.
//
//   void *alloc_pages(gfp, order)   2^order contiguous pages for the current
//                                   task: the running CPU's node if the
//                                   task may use it, else (and then) the
//                                   other allowed nodes by distance
//   alloc_pages_node(nid, ...)      only node nid (NUMA_NO_NODE: this CPU's)
//   alloc_pages_nodemask(mask, ...) only nodes in mask, nearest first
//   free_pages(addr, order)         give them back
// Addresses are direct-map virtual addresses (phys_to_virt). Out of memory
// returns NULL, never panics. __GFP_ZERO returns zeroed pages.
//
// Every physical page has a struct page. They form one virtually contiguous
// array at VMEMMAP_BASE indexed by page frame number (Linux's "vmemmap"):
// virt_to_page() is an addition, and the part of the array describing a
// node's memory is backed by pages of that node; holes in the physical
// address space have no backing. Boot does not initialise the struct pages
// of memory nobody has used yet (mm/page_init.c explains why), so use
// virt_to_page() only on pages the allocator handed out or on the kernel
// image. See mm/zone.h for zones, the buddy allocator and the per-CPU lists.
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include "arch/x86/layout.h"
#include "kernel/types.h"
#include "lib/cpumask.h"
#include "lib/list.h"
#include "mm/gfp.h"

#define MAX_ORDER 11 // orders 0..10: up to 4 MiB blocks
#define MAX_ORDER_NR_PAGES (1UL << (MAX_ORDER - 1))

// Start of the struct page array (Linux's vmemmap_base).
#define VMEMMAP_BASE 0xFFFFEA0000000000ULL

struct kmem_cache;
struct container_subsys_state;

// Page flags.
#define PG_buddy (1u << 0)    // head of a free block in a buddy free list
#define PG_pcp (1u << 1)      // free, on a per-CPU list
#define PG_reserved (1u << 2) // never given to the allocator (kernel, holes)
#define PG_slab (1u << 3)     // part of a slab (mm/slab.c)
#define PG_tail (1u << 4)     // slab page other than the first: see head
#define PG_large_kmalloc (1u << 5) // head of a kmalloc too big for a slab

struct page {
	// Buddy free list (zone lock), per-CPU list (that CPU, irqs off), or
	// slab list (the cache node's lock), depending on flags.
	struct list_head lru;
	u32 flags;      // PG_*
	u8 order;       // free block: its order; allocated head: the order asked for
	u8 node;        // NUMA node; fixed at boot
	u8 zone;        // zone index in the node (ZONE_*); fixed at boot
	u8 unused;
	u32 owner;      // 0 when the struct page is set up; the allocator never
			// changes it after that, so a user (the tests) may tag
			// pages it holds, and must clear the tag before freeing
	u32 unused2;
	union {
		struct { // PG_slab head (mm/slab.c), under the cache node's lock
			struct kmem_cache *slab_cache;
			void *freelist;  // first free object
			u32 inuse;       // objects handed out
		};
		struct page *head; // PG_tail: the slab's first page
		struct { // a page charged to a bc container (kernel/containers/bc.h)
			// Its css, referenced (the charge keeps the container);
			// set by bc_charge_pages on every page the charging code
			// allocates, NULL when not charged. A page is uncharged
			// before it is freed: free_pages reports one that is not.
			struct container_subsys_state *bc_charge;
			void *bc_site; // who charged it, for reports: the caller
			u32 bc_pid;    // of bc_charge_pages and its task
		};
	};
	u64 private; // for whoever holds the page (e.g. the address a task-heap
		     // page is mapped at); like owner, the allocator leaves it alone
};
_Static_assert(sizeof(struct page) == 64, "struct page is one cache line");

#define vmemmap ((struct page *)VMEMMAP_BASE)

static inline struct page *pfn_to_page(u64 pfn) { return vmemmap + pfn; }
static inline u64 page_to_pfn(const struct page *p) { return p - vmemmap; }
static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(virt_to_phys(addr) >> PAGE_SHIFT);
}
static inline void *page_address(const struct page *p)
{
	return phys_to_virt(page_to_pfn(p) << PAGE_SHIFT);
}
static inline int page_to_nid(const void *addr) { return virt_to_page(addr)->node; }

// Task hook: the nodes the current task may allocate from. Weak default in
// mm/page_alloc.c returns &node_online_map; the scheduler's returns
// current->mems_allowed.
const nodemask_t *task_mems_allowed(void);

// A task's memory policy (struct mempolicy, kernel/syscall.h) applies to
// the pages placed by the task's own nodes: alloc_pages, and any
// alloc_pages_nodemask whose mask is task_mems_allowed().
struct mempolicy;
// Task hook: the current task's policy (written only by the task itself,
// so read without a lock), or NULL outside a task.
struct mempolicy *task_mempolicy(void);

// Failure injection, for tests of error paths (Linux's fail_page_alloc
// and failslab, reduced to one switch): after alloc_fail_inject(n), the
// calling task's page and slab allocations succeed n more times and then
// fail, until alloc_fail_inject(-1). Other tasks are not affected.
void alloc_fail_inject(int n);
bool alloc_should_fail(void); // the allocators ask
u64 alloc_failures_injected(void);

void *alloc_pages(unsigned gfp, unsigned order);
void *alloc_pages_node(int nid, unsigned gfp, unsigned order);
void *alloc_pages_nodemask(const nodemask_t *mask, unsigned gfp, unsigned order);
void free_pages(void *addr, unsigned order);
#define alloc_page(gfp) alloc_pages((gfp), 0)
#define free_page(addr) free_pages((addr), 0)

// The smallest order whose block holds size bytes.
static inline unsigned get_order(size_t size)
{
	unsigned order = 0;
	while ((size_t)PAGE_SIZE << order < size)
		order++;
	return order;
}

// Counters, in pages. "Free" includes pages on per-CPU lists, but not empty
// slabs the slab caches keep (kmem_cache_shrink_all() returns those).
u64 nr_free_pages(void);
u64 node_free_pages(int nid);
u64 node_total_pages(int nid); // RAM on the node (present pages)
// One zone for /proc/zoneinfo: zone_idx 0, 1, 2 are DMA, DMA32, Normal.
// 0, or -EINVAL if there is no such node or zone index (so a loop over
// zone_idx can stop at the first error); an empty zone has present = 0.
int zone_stats(int nid, int zone_idx, u64 *free, u64 *present, const char **name);
// Free blocks of each order in one zone (/proc/buddyinfo); -EINVAL as above.
int zone_buddyinfo(int nid, int zone_idx, u64 nr_free[MAX_ORDER]);

// Returns this CPU's per-CPU pages to the buddy lists (tests, CPU offline).
void drain_local_pages(void);

// Frees noticed as bogus (double free, reserved or slab page, wrong order):
// reported and ignored, never crashing.
extern u64 page_bad_frees;

#endif
