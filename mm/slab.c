// Slab caches and kmalloc. See slab.h for the interface.
//
// A slab is a block of 2^order pages from one node cut into equal objects.
// Its first struct page holds the slab's state (slab_cache, freelist,
// inuse) and links it on one of its node's lists: partial (some objects
// free), full, or free (all objects free); the other pages are PG_tail and
// point to the first. A free object's first word links it to the next
// free object of its slab; the link is stored XORed with the object's own
// address and a constant, so a stray pointer written into a freed object
// is noticed rather than followed.
//
// Locking: cache->node[nid].lock (irq-saving) protects that node's lists,
// counters, and the freelist/inuse of its slabs. slab_caches_lock protects
// the list of caches. Neither is held while calling the page allocator.
#include "mm/slab.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/zone.h"

#define SLAB_KEEP_FREE 1           // empty slabs kept per cache per node
#define SLAB_NAME_LEN 32
#define FREEPTR_SALT 0x5ab5ab5ab5ab5ab5ULL
#define POISON_WORD 0x6b6b6b6b6b6b6b6bULL

struct kmem_cache_node {
	struct spinlock lock; // protects everything below and the slabs on the lists
	struct list_head partial, full, free;
	u64 nr_slabs, nr_free_slabs, active_objs;
} __attribute__((aligned(64)));

struct kmem_cache {
	// Set by kmem_cache_create, read-only after.
	char name[SLAB_NAME_LEN];
	size_t object_size; // as asked for
	size_t size;        // stride between objects
	u32 reciprocal;     // ceil(2^32 / size): offset / size without a divide
	unsigned order, objects; // slab = 2^order pages holding `objects` objects
	struct list_head list;   // on slab_caches (slab_caches_lock)
	struct kmem_cache_node node[]; // one per node id < nr_node_ids
};

u64 slab_double_frees, slab_bad_frees, slab_poison_errors, slab_redzone_errors;

static LIST_HEAD(slab_caches);
static DEFINE_SPINLOCK(slab_caches_lock);

// The cache that kmem_cache structs come from; itself in static memory.
static struct kmem_cache *cache_cache;
static u8 cache_cache_storage[sizeof(struct kmem_cache) +
			      MAX_NUMNODES * sizeof(struct kmem_cache_node)]
	__attribute__((aligned(64)));

static const u16 kmalloc_sizes[] = {8,   16,  32,   64,   96,   128, 192,
				    256, 512, 1024, 2048, 4096, 8192};
#define NR_KMALLOC_CACHES ARRAY_SIZE(kmalloc_sizes)
static struct kmem_cache *kmalloc_caches[NR_KMALLOC_CACHES];
static char kmalloc_names[NR_KMALLOC_CACHES][16];

// ---- Free objects: encoded link, poison ----

static inline void *freeptr_get(const void *obj)
{
	return (void *)(*(const u64 *)obj ^ (u64)obj ^ FREEPTR_SALT);
}

static inline void object_set_free(const struct kmem_cache *c, void *obj, void *next)
{
	u64 *p = obj, *end = (u64 *)((u8 *)obj + c->size);
	*p++ = (u64)next ^ (u64)obj ^ FREEPTR_SALT;
	if (SLAB_DEBUG) // word stores: much faster than memset's rep stosb under TCG
		while (p < end)
			*p++ = POISON_WORD;
}

static bool poison_intact(const struct kmem_cache *c, const void *obj)
{
	const u64 *p = (const u64 *)obj + 1, *end = (const u64 *)((const u8 *)obj + c->size);
	for (; p < end; p++)
		if (*p != POISON_WORD)
			return false;
	return true;
}

static inline void *slab_base(const struct page *slab) { return page_address(slab); }

// Is obj the start of an object of slab? Division is slow, so: for
// off = k * size, (off * reciprocal) >> 32 is exactly k (the reciprocal's
// rounding adds less than off / 2^32 < 1, a slab being at most 4 MiB), and
// multiplying back gives off; for any other off it cannot.
static bool object_in_slab(const struct kmem_cache *c, const struct page *slab, const void *obj)
{
	u64 off = (u64)obj - (u64)slab_base(slab);
	if ((u64)obj < (u64)slab_base(slab) || off >= (u64)c->objects * c->size)
		return false;
	return ((off * c->reciprocal) >> 32) * c->size == off;
}

// Is obj on its slab's free list? Walks the list only when obj looks free
// (a plausible link, intact poison), which a live object almost never does.
static bool object_is_free(const struct kmem_cache *c, const struct page *slab, const void *obj)
{
	void *next = freeptr_get(obj);
	if ((next && !object_in_slab(c, slab, next)) || (SLAB_DEBUG && !poison_intact(c, obj)))
		return false;
	void *p = slab->freelist;
	for (unsigned i = 0; p && i < c->objects; i++, p = freeptr_get(p))
		if (p == obj)
			return true;
	return false;
}

static void check_poison(const struct kmem_cache *c, void *obj)
{
	if (SLAB_DEBUG && !poison_intact(c, obj)) {
		__atomic_add_fetch(&slab_poison_errors, 1, __ATOMIC_RELAXED);
		report_bug("slab %s: object %p was written to after it was freed", c->name, obj);
	}
}

// Redzone: the padding between an object's size and its stride, filled on
// allocation and checked on free, so a write past the object's end is
// reported (only caches whose stride leaves padding have one).
#define REDZONE_BYTE 0xbb

static void redzone_set(const struct kmem_cache *c, void *obj)
{
	if (SLAB_DEBUG)
		memset((u8 *)obj + c->object_size, REDZONE_BYTE, c->size - c->object_size);
}

static void redzone_check(const struct kmem_cache *c, void *obj)
{
	if (!SLAB_DEBUG)
		return;
	for (const u8 *p = (u8 *)obj + c->object_size; p < (u8 *)obj + c->size; p++)
		if (*p != REDZONE_BYTE) {
			__atomic_add_fetch(&slab_redzone_errors, 1, __ATOMIC_RELAXED);
			report_bug("slab %s: object %p was written past its end (redzone at +%zu)",
				   c->name, obj, (size_t)(p - (u8 *)obj));
			return;
		}
}

// ---- Slabs ----

u64 slab_pages[MAX_NUMNODES];

static struct page *new_slab(struct kmem_cache *c, int nid)
{
	u8 *base = alloc_pages_node(nid, 0, c->order);
	if (!base)
		return NULL;
	__atomic_add_fetch(&slab_pages[nid], 1UL << c->order, __ATOMIC_RELAXED);
	struct page *slab = virt_to_page(base);
	for (unsigned i = 1; i < (1u << c->order); i++) {
		slab[i].flags = PG_slab | PG_tail;
		slab[i].head = slab;
	}
	slab->flags = PG_slab;
	slab->slab_cache = c;
	slab->inuse = 0;
	void *next = NULL;
	for (int i = c->objects - 1; i >= 0; i--) {
		object_set_free(c, base + (size_t)i * c->size, next);
		next = base + (size_t)i * c->size;
	}
	slab->freelist = next;
	return slab;
}

static void free_slab(struct kmem_cache *c, struct page *slab)
{
	for (unsigned i = 0; i < (1u << c->order); i++) {
		slab[i].flags = 0;
		slab[i].head = NULL;
	}
	slab->freelist = NULL;
	slab->inuse = 0;
	__atomic_sub_fetch(&slab_pages[slab->node], 1UL << c->order, __ATOMIC_RELAXED);
	free_pages(page_address(slab), c->order);
}

static void *slab_take_object(struct kmem_cache *c, struct kmem_cache_node *n, struct page *slab)
{
	void *obj = slab->freelist;
	slab->freelist = freeptr_get(obj);
	*(u64 *)obj = 0; // no longer a valid link: object_is_free() rejects it fast
	slab->inuse++;
	n->active_objs++;
	if (slab->inuse == c->objects)
		list_move(&slab->lru, &n->full);
	return obj;
}

// An object from node nid's slabs, growing by a slab if none has room.
static void *slab_alloc_node(struct kmem_cache *c, unsigned gfp, int nid)
{
	struct kmem_cache_node *n = &c->node[nid];
	unsigned long f = spin_lock_irqsave(&n->lock);
	struct page *slab = list_first_entry_or_null(&n->partial, struct page, lru);
	if (!slab && !list_empty(&n->free)) {
		slab = list_first_entry(&n->free, struct page, lru);
		list_move(&slab->lru, &n->partial);
		n->nr_free_slabs--;
	}
	if (!slab) {
		spin_unlock_irqrestore(&n->lock, f);
		slab = new_slab(c, nid);
		if (!slab)
			return NULL;
		f = spin_lock_irqsave(&n->lock);
		list_add(&slab->lru, &n->partial);
		n->nr_slabs++;
	}
	void *obj = slab_take_object(c, n, slab);
	spin_unlock_irqrestore(&n->lock, f);
	check_poison(c, obj);
	redzone_set(c, obj);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, c->object_size);
	return obj;
}

void *kmem_cache_alloc_node(struct kmem_cache *c, unsigned gfp, int nid)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	if (!node_online(nid) || alloc_should_fail())
		return NULL;
	return slab_alloc_node(c, gfp, nid);
}

void *kmem_cache_alloc(struct kmem_cache *c, unsigned gfp)
{
	if (alloc_should_fail())
		return NULL;
	const nodemask_t *allowed = task_mems_allowed();
	for (const int *nid = node_fallback_order(numa_node_id()); *nid >= 0; nid++) {
		if (!node_isset(*nid, allowed))
			continue;
		void *obj = slab_alloc_node(c, gfp, *nid);
		if (obj)
			return obj;
	}
	return NULL;
}

static void report_bad_free(const char *cache, const void *obj, const char *why, u64 *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	report_bug("slab %s: free of %p: %s, ignored", cache, obj, why);
}

static void slab_free(struct kmem_cache *c, struct page *slab, void *obj)
{
	struct kmem_cache_node *n = &c->node[slab->node];
	struct page *release = NULL;
	if (!object_in_slab(c, slab, obj)) {
		report_bad_free(c->name, obj, "not the start of an object", &slab_bad_frees);
		return;
	}
	unsigned long f = spin_lock_irqsave(&n->lock);
	if (SLAB_DEBUG && object_is_free(c, slab, obj)) {
		spin_unlock_irqrestore(&n->lock, f);
		report_bad_free(c->name, obj, "double free", &slab_double_frees);
		return;
	}
	redzone_check(c, obj);
	bool was_full = slab->inuse == c->objects;
	object_set_free(c, obj, slab->freelist);
	slab->freelist = obj;
	slab->inuse--;
	n->active_objs--;
	if (slab->inuse == 0) {
		list_move(&slab->lru, &n->free);
		if (++n->nr_free_slabs > SLAB_KEEP_FREE) {
			list_del(&slab->lru);
			n->nr_free_slabs--;
			n->nr_slabs--;
			release = slab;
		}
	} else if (was_full) {
		list_move(&slab->lru, &n->partial);
	}
	spin_unlock_irqrestore(&n->lock, f);
	if (release)
		free_slab(c, release);
}

// The slab an address lies in, or NULL.
static struct page *virt_to_slab(const void *obj)
{
	if ((u64)obj < PHYS_BASE || virt_to_phys(obj) >= max_pfn << PAGE_SHIFT)
		return NULL;
	struct page *page = virt_to_page(obj);
	if (page->flags & PG_tail)
		page = page->head;
	return (page->flags & PG_slab) ? page : NULL;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!obj)
		return;
	struct page *slab = virt_to_slab(obj);
	if (!slab || slab->slab_cache != c)
		report_bad_free(c->name, obj, "not an object of this cache", &slab_bad_frees);
	else
		slab_free(c, slab, obj);
}

// ---- Caches ----

// Pages per slab: the smallest order holding 8 objects, or from order 3 on
// (32 KiB), the smallest holding one.
static unsigned slab_order(size_t size)
{
	unsigned order = 0;
	while (order < MAX_ORDER - 1) {
		size_t objects = ((size_t)PAGE_SIZE << order) / size;
		if (objects >= 8 || (order >= 3 && objects >= 1))
			break;
		order++;
	}
	return order;
}

static void cache_init(struct kmem_cache *c, const char *name, size_t size, size_t align)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->name, name, sizeof(c->name));
	c->object_size = size;
	c->size = ALIGN_UP(MAX(size, (size_t)8), align);
	c->reciprocal = (u32)(((1ULL << 32) + c->size - 1) / c->size);
	c->order = slab_order(c->size);
	c->objects = ((size_t)PAGE_SIZE << c->order) / c->size;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct kmem_cache_node *n = &c->node[nid];
		memset(n, 0, sizeof(*n));
		spin_lock_init(&n->lock, "kmem_cache_node->lock");
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
		INIT_LIST_HEAD(&n->free);
	}
	spin_lock(&slab_caches_lock);
	list_add_tail(&c->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned flags)
{
	if (align == 0)
		align = 8;
	if (flags & SLAB_HWCACHE_ALIGN)
		align = MAX(align, (size_t)64);
	if (size == 0 || size > (PAGE_SIZE << (MAX_ORDER - 1)) || (align & (align - 1)) ||
	    align > PAGE_SIZE) {
		pr_warn("kmem_cache_create(%s): bad size %zu or align %zu\n", name, size, align);
		return NULL;
	}
	struct kmem_cache *c = kmem_cache_alloc(cache_cache, GFP_KERNEL);
	if (c)
		cache_init(c, name, size, align);
	return c;
}

// Takes node n's empty slabs off its list and frees them.
static void shrink_node(struct kmem_cache *c, struct kmem_cache_node *n)
{
	LIST_HEAD(release);
	struct page *slab, *next;
	unsigned long f = spin_lock_irqsave(&n->lock);
	list_splice_init(&n->free, &release);
	n->nr_slabs -= n->nr_free_slabs;
	n->nr_free_slabs = 0;
	spin_unlock_irqrestore(&n->lock, f);
	list_for_each_entry_safe(slab, next, &release, lru) {
		list_del(&slab->lru);
		free_slab(c, slab);
	}
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		shrink_node(c, &c->node[nid]);
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *c;
	spin_lock(&slab_caches_lock);
	list_for_each_entry(c, &slab_caches, list)
		kmem_cache_shrink(c);
	spin_unlock(&slab_caches_lock);
}

static u64 cache_active_objects(struct kmem_cache *c)
{
	u64 n = 0;
	for (int nid = 0; nid < nr_node_ids; nid++)
		n += READ_ONCE(c->node[nid].active_objs);
	return n;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return 0;
	u64 active = cache_active_objects(c);
	if (active) {
		pr_warn("kmem_cache_destroy(%s): %llu objects still allocated, cache kept\n",
			c->name, active);
		return -EBUSY;
	}
	spin_lock(&slab_caches_lock);
	list_del(&c->list);
	spin_unlock(&slab_caches_lock);
	kmem_cache_shrink(c);
	kmem_cache_free(cache_cache, c);
	return 0;
}

void kmem_cache_info(struct kmem_cache *c, struct slab_info *info)
{
	*info = (struct slab_info){.name = c->name, .object_size = c->object_size,
				   .size = c->size, .order = c->order,
				   .objects_per_slab = c->objects};
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct kmem_cache_node *n = &c->node[nid];
		unsigned long f = spin_lock_irqsave(&n->lock);
		info->active_objs += n->active_objs;
		info->num_slabs += n->nr_slabs;
		spin_unlock_irqrestore(&n->lock, f);
	}
	info->num_objs = info->num_slabs * c->objects;
}

void kmem_cache_for_each(void (*fn)(const struct slab_info *, void *), void *arg)
{
	struct kmem_cache *c;
	struct slab_info info;
	spin_lock(&slab_caches_lock);
	list_for_each_entry(c, &slab_caches, list) {
		kmem_cache_info(c, &info);
		fn(&info, arg);
	}
	spin_unlock(&slab_caches_lock);
}

long kmem_cache_walk(const char *name, void (*fn)(void *obj, size_t size, void *arg), void *arg)
{
	struct kmem_cache *c, *found = NULL;
	spin_lock(&slab_caches_lock);
	list_for_each_entry(c, &slab_caches, list)
		if (!strcmp(c->name, name))
			found = c;
	spin_unlock(&slab_caches_lock);
	if (!found) // (a cache is never destroyed while the tests walk it)
		return -ENOENT;
	long n = 0;
	for (int nid = 0; nid < nr_node_ids; nid++) {
		struct kmem_cache_node *node = &found->node[nid];
		unsigned long f = spin_lock_irqsave(&node->lock);
		struct list_head *lists[] = {&node->partial, &node->full};
		for (int l = 0; l < 2; l++) {
			struct page *slab;
			list_for_each_entry(slab, lists[l], lru) {
				u8 *base = slab_base(slab);
				for (unsigned i = 0; i < found->objects; i++) {
					void *obj = base + (size_t)i * found->size;
					if (!object_is_free(found, slab, obj)) {
						fn(obj, found->object_size, arg);
						n++;
					}
				}
			}
		}
		spin_unlock_irqrestore(&node->lock, f);
	}
	return n;
}

// ---- kmalloc ----

static struct kmem_cache *kmalloc_cache(size_t size)
{
	for (unsigned i = 0; i < NR_KMALLOC_CACHES; i++)
		if (size <= kmalloc_sizes[i])
			return kmalloc_caches[i];
	return NULL;
}

// Too big for a slab: whole pages, marked so kfree knows the order.
static void *kmalloc_large(void *addr)
{
	if (addr)
		virt_to_page(addr)->flags |= PG_large_kmalloc;
	return addr;
}

void *kmalloc(size_t size, unsigned gfp)
{
	struct kmem_cache *c = kmalloc_cache(size);
	if (c)
		return kmem_cache_alloc(c, gfp);
	if (size > (PAGE_SIZE << (MAX_ORDER - 1)))
		return NULL;
	return kmalloc_large(alloc_pages(gfp, get_order(size)));
}

void *kmalloc_node(size_t size, unsigned gfp, int nid)
{
	struct kmem_cache *c = kmalloc_cache(size);
	if (c)
		return kmem_cache_alloc_node(c, gfp, nid);
	if (size > (PAGE_SIZE << (MAX_ORDER - 1)))
		return NULL;
	return kmalloc_large(alloc_pages_node(nid, gfp, get_order(size)));
}

void *kzalloc(size_t size, unsigned gfp) { return kmalloc(size, gfp | __GFP_ZERO); }

void kfree(const void *obj)
{
	if (!obj)
		return;
	struct page *slab = virt_to_slab(obj);
	if (slab) {
		slab_free(slab->slab_cache, slab, (void *)obj);
		return;
	}
	struct page *page = (u64)obj >= PHYS_BASE && virt_to_phys(obj) < max_pfn << PAGE_SHIFT
				    ? virt_to_page(obj) : NULL;
	if (!page || !(page->flags & PG_large_kmalloc) || page_address(page) != obj) {
		report_bad_free("kmalloc", obj, "not a kmalloc'd pointer", &slab_bad_frees);
		return;
	}
	page->flags &= ~PG_large_kmalloc;
	free_pages((void *)obj, page->order);
}

size_t ksize(const void *obj)
{
	struct page *slab = virt_to_slab(obj);
	if (slab)
		return slab->slab_cache->object_size;
	struct page *page = virt_to_page(obj);
	return (page->flags & PG_large_kmalloc) ? (size_t)PAGE_SIZE << page->order : 0;
}

char *kstrdup(const char *s, unsigned gfp)
{
	if (!s)
		return NULL;
	size_t len = strlen(s) + 1;
	char *copy = kmalloc(len, gfp);
	if (copy)
		memcpy(copy, s, len);
	return copy;
}

void slab_init(void)
{
	cache_cache = (struct kmem_cache *)cache_cache_storage;
	cache_init(cache_cache, "kmem_cache",
		   sizeof(struct kmem_cache) + nr_node_ids * sizeof(struct kmem_cache_node), 64);
	for (unsigned i = 0; i < NR_KMALLOC_CACHES; i++) {
		snprintf(kmalloc_names[i], sizeof(kmalloc_names[i]), "kmalloc-%u",
			 kmalloc_sizes[i]);
		kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i], kmalloc_sizes[i], 8, 0);
		if (!kmalloc_caches[i])
			panic("slab: cannot create %s", kmalloc_names[i]);
	}
}
