// Slab caches and kmalloc: small objects carved out of pages, per node.
//
//   kmem_cache_create(name, size, align, flags)  a cache of equal objects
//   kmem_cache_alloc(cache, gfp)        an object from the current CPU's node
//                                       if the task may use it, else from the
//                                       nearest node it may use
//   kmem_cache_alloc_node(cache, gfp, nid)  an object on node nid, or NULL
//   kmem_cache_free(cache, obj), kmem_cache_destroy(cache)
//   kmalloc(size, gfp), kzalloc, kmalloc_node, kfree, kstrdup
// kmalloc rounds up to a size class (8 .. 8192 bytes, each its own cache
// "kmalloc-N"); larger requests go straight to the page allocator, with the
// order remembered in the first struct page. kfree finds the cache from the
// object's struct page. Objects of a power-of-two class are aligned to their
// size; every object to at least 8 bytes.
//
// A slab is 2^order pages from alloc_pages_node(): each cache keeps, per
// node, lists of partial, full and free (empty) slabs, under one lock per
// cache per node. At most SLAB_KEEP_FREE empty slabs per node are kept for
// reuse; the rest go back to the page allocator (kmem_cache_shrink() gives
// back all of them).
//
// Debugging (SLAB_DEBUG, on by default): a freed object is filled with
// POISON_FREE (0x6b) after its free-list word; allocation checks the poison
// is intact (a write after free is reported); freeing an object that is
// already free is reported and ignored (slab_double_frees counts them), as
// is freeing a pointer that is not an object. The padding between an
// object's size and its stride (if any) is a redzone (0xbb), checked on
// free: a write past the end is reported. Every report is a "BUG: " line
// (report_bug, kernel/panic.h), which fails the test in progress. Nothing
// crashes.
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "kernel/types.h"
#include "mm/gfp.h"

#ifndef SLAB_DEBUG
#define SLAB_DEBUG 1
#endif

#define POISON_FREE 0x6b
#define SLAB_HWCACHE_ALIGN 0x1 // kmem_cache_create flag: align to 64 bytes
#define KMALLOC_MAX_CACHE_SIZE 8192

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned flags);
void *kmem_cache_alloc(struct kmem_cache *cache, unsigned gfp);
void *kmem_cache_alloc_node(struct kmem_cache *cache, unsigned gfp, int nid);
void kmem_cache_free(struct kmem_cache *cache, void *obj);
// Refuses (with a warning, returning -EBUSY) while objects remain.
int kmem_cache_destroy(struct kmem_cache *cache);
// Returns the cache's empty slabs to the page allocator.
void kmem_cache_shrink(struct kmem_cache *cache);
// kmem_cache_shrink() on every cache (tests comparing free page counts).
void kmem_cache_shrink_all(void);

void *kmalloc(size_t size, unsigned gfp);
void *kmalloc_node(size_t size, unsigned gfp, int nid);
void *kzalloc(size_t size, unsigned gfp);
void kfree(const void *obj);
char *kstrdup(const char *s, unsigned gfp);
// The usable size of a kmalloc'd object (its class size).
size_t ksize(const void *obj);

// Statistics of one cache, for /proc/slabinfo and the tests.
struct slab_info {
	const char *name;
	size_t object_size; // as created
	size_t size;        // stride: object plus padding
	unsigned order;     // pages per slab = 2^order
	unsigned objects_per_slab;
	u64 active_objs, num_objs, num_slabs;
};
// Calls fn for every cache (under the cache-list lock: fn must not create
// or destroy caches).
void kmem_cache_for_each(void (*fn)(const struct slab_info *, void *), void *arg);
void kmem_cache_info(struct kmem_cache *cache, struct slab_info *info);
// Diagnostics (the torture suite's leak report): calls fn on every
// allocated object of the cache named `name`, under its node's lock (fn
// must not sleep or allocate). Returns how many there were, or -ENOENT.
long kmem_cache_walk(const char *name, void (*fn)(void *obj, size_t size, void *arg), void *arg);

extern u64 slab_double_frees; // frees of an already free object
extern u64 slab_bad_frees;    // frees of something that is not an object
extern u64 slab_poison_errors; // free objects found written to
extern u64 slab_redzone_errors; // objects found written past their end
extern u64 slab_pages[];        // pages in slabs, per node

// mm_init: the caches of caches and the kmalloc caches.
void slab_init(void);

#endif
