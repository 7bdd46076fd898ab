// The torture suite's baseline counts (see kernel/torture.h): a snapshot of
// free pages per node, active objects per slab cache, VFS objects, tasks,
// css_sets, hierarchies and containers, and /proc/containers as a user
// reads it; and the comparison that names every count that moved.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/torture.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/vmap.h"

static void take_cache(const struct slab_info *info, void *arg)
{
	struct torture_counts *c = arg;
	if (c->nr_caches >= TORTURE_MAX_CACHES)
		return;
	strlcpy(c->cache_name[c->nr_caches], info->name, sizeof(c->cache_name[0]));
	c->cache_objs[c->nr_caches++] = info->active_objs;
}

static void read_file(const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	int fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return;
	ssize_t n = sys_read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	sys_close(fd);
}

void torture_counts_take(struct torture_counts *c)
{
	memset(c, 0, sizeof(*c));
	// Read the file first: its own open must not be counted.
	read_file("/proc/containers", c->proc_containers, sizeof(c->proc_containers));
	// A task reaped just now may still be on its way to kfree (unlinked,
	// not yet freed): its struct would count in its slab cache but not in
	// nr_tasks. Wait (the workers are parked) until every struct is listed.
	for (int i = 0; i < 200 && nr_task_structs() != nr_tasks(); i++)
		sleep_ns(5 * 1000 * 1000);
	task_stack_cache_drain();
	vmap_purge_lazy();
	kmem_cache_shrink_all();
	int nid;
	for_each_online_node(nid)
		if (nid < TORTURE_MAX_NODES)
			c->node_free[nid] = node_free_pages(nid) + READ_ONCE(pgtable_pages[nid]) +
					    READ_ONCE(slab_pages[nid]);
	kmem_cache_for_each(take_cache, c);
	c->files = files_count();
	c->inodes = inodes_count();
	c->dentries = dentries_count();
	c->pipes = pipes_count();
	c->tasks = nr_tasks();
	c->css_sets = container_css_set_count();
	c->containers_allocated = atomic_read(&container_count);
	for (int i = 0; i < container_subsys_count && i < 8; i++)
		c->css[i] = atomic_read(&container_css_count[i]);
	container_lock();
	struct hierarchy *h;
	list_for_each_entry(h, &hierarchy_list, list) {
		c->hierarchies++;
		c->containers += h->nr_containers;
	}
	container_unlock();
}

static bool print_diffs;

static bool print_task(struct task *t, void *arg)
{
	(void)arg;
	kprintf("torture:   task %d %s state %c parent %d\n", t->pid, t->name, task_state_char(t),
		t->parent ? t->parent->pid : 0);
	return true;
}

static int diff(const char *what, long long base, long long now)
{
	if (base == now)
		return 0;
	if (print_diffs)
		kprintf("torture: %s: %lld, baseline %lld (%+lld)\n", what, now, base, now - base);
	return 1;
}

int torture_counts_compare(const struct torture_counts *base, const struct torture_counts *now,
			   unsigned what_to_compare, bool print)
{
	int n = 0;
	print_diffs = print;
	if (!(what_to_compare & TORTURE_OBJECTS))
		goto memory;
	n += diff("open files", base->files, now->files);
	n += diff("inodes", base->inodes, now->inodes);
	n += diff("dentries", base->dentries, now->dentries);
	n += diff("pipes", base->pipes, now->pipes);
	if (diff("tasks", base->tasks, now->tasks)) {
		n++;
		if (print)
			for_each_task(print_task, NULL);
	}
	n += diff("css_sets", base->css_sets, now->css_sets);
	n += diff("hierarchies", base->hierarchies, now->hierarchies);
	n += diff("containers", base->containers, now->containers);
	n += diff("containers allocated", base->containers_allocated, now->containers_allocated);
	for (int i = 0; i < container_subsys_count && i < 8; i++) {
		char what[48];
		snprintf(what, sizeof(what), "%s css", container_subsys_by_id(i)->name);
		n += diff(what, base->css[i], now->css[i]);
	}
	if (strcmp(base->proc_containers, now->proc_containers)) {
		if (print)
			kprintf("torture: /proc/containers differs; baseline:\n%snow:\n%s",
			base->proc_containers, now->proc_containers);
		n++;
	}
memory:
	if (!(what_to_compare & TORTURE_MEMORY))
		return n;
	char what[64];
	int nid;
	for_each_online_node(nid) {
		if (nid >= TORTURE_MAX_NODES)
			break;
		snprintf(what, sizeof(what), "free pages (+ slabs, page tables) on node %d", nid);
		n += diff(what, base->node_free[nid], now->node_free[nid]);
	}
	for (int i = 0; i < base->nr_caches; i++) {
		// How many holes the vmap area has is its fragmentation by
		// kernel stacks and heaps, not a leak.
		if (!strcmp(base->cache_name[i], "vmap_hole"))
			continue;
		int j = 0;
		while (j < now->nr_caches && strcmp(now->cache_name[j], base->cache_name[i]))
			j++;
		snprintf(what, sizeof(what), "slab %s objects", base->cache_name[i]);
		n += diff(what, base->cache_objs[i], j < now->nr_caches ? now->cache_objs[j] : 0);
	}
	for (int j = base->nr_caches; j < now->nr_caches; j++) {
		snprintf(what, sizeof(what), "new slab %s objects", now->cache_name[j]);
		n += diff(what, 0, now->cache_objs[j]);
	}
	return n;
}

// ---- What is new in a cache that grew ----
// The address of every allocated slab object when the memory baseline was
// taken, in a hash set (open addressing; 0 is an empty slot), so that a
// cache found with more objects later can show which ones are new: their
// first words and the text in them (a task's or a container's name).
#define SEEN_BITS 18
#define SEEN_SLOTS (1UL << SEEN_BITS)
static u64 *seen;   // SEEN_SLOTS addresses (alloc'd before any baseline)
static long nseen;
static bool seen_full;

static u64 *seen_slot(u64 addr)
{
	u64 i = ((addr >> 4) * 0x9E3779B97F4A7C15ULL) >> (64 - SEEN_BITS);
	while (seen[i] && seen[i] != addr)
		i = (i + 1) % SEEN_SLOTS;
	return &seen[i];
}

static void note_seen(void *obj, size_t size, void *arg)
{
	(void)size, (void)arg;
	if (nseen >= (long)SEEN_SLOTS / 2) {
		seen_full = true;
		return;
	}
	u64 *slot = seen_slot((u64)obj);
	if (!*slot) {
		*slot = (u64)obj;
		nseen++;
	}
}

void torture_slab_prepare(void)
{
	if (!seen)
		seen = alloc_pages(GFP_KERNEL, 9); // 2 MiB: SEEN_SLOTS words
}

void torture_slab_snapshot(const struct torture_counts *c)
{
	if (!seen)
		return;
	memset(seen, 0, SEEN_SLOTS * sizeof(u64));
	nseen = 0;
	seen_full = false;
	for (int i = 0; i < c->nr_caches; i++)
		kmem_cache_walk(c->cache_name[i], note_seen, NULL);
}

#define NEW_SHOWN 4
struct new_objects {
	void *obj[NEW_SHOWN];
	size_t size;
	int n, total;
};

static void note_new(void *obj, size_t size, void *arg)
{
	struct new_objects *no = arg;
	if (*seen_slot((u64)obj))
		return;
	no->size = size;
	if (no->n < NEW_SHOWN)
		no->obj[no->n++] = obj;
	no->total++;
}

static void print_object(const u8 *p, size_t size)
{
	kprintf("torture:   %p:", p);
	for (size_t i = 0; i + 8 <= size && i < 64; i += 8)
		kprintf(" %016llx", (unsigned long long)*(const u64 *)(p + i));
	kprintf("\n");
	// Text in it: runs of 4 or more printable bytes, at most 4 of them,
	// without the slab's poison ('k', 0x6b) around them.
	int shown = 0;
	for (size_t i = 0; i < size && i < 2048 && shown < 4;) {
		size_t j = i;
		while (j < size && p[j] >= 0x20 && p[j] < 0x7f && j - i < 40)
			j++;
		size_t a = i, b = j;
		while (a < b && p[a] == 0x6b)
			a++;
		while (b > a && p[b - 1] == 0x6b)
			b--;
		if (b - a >= 4) {
			kprintf("torture:     +%zu \"%.*s\"\n", a, (int)(b - a), (const char *)p + a);
			shown++;
		}
		i = j + 1;
	}
}

void torture_slab_release(void)
{
	if (seen)
		free_pages(seen, 9);
	seen = NULL;
}

long torture_slab_report(const struct torture_counts *base, const struct torture_counts *now)
{
	long found = 0;
	if (!seen)
		return 0;
	for (int j = 0; j < now->nr_caches; j++) {
		u64 before = 0;
		for (int i = 0; i < base->nr_caches; i++)
			if (!strcmp(base->cache_name[i], now->cache_name[j]))
				before = base->cache_objs[i];
		if (now->cache_objs[j] <= before || !strcmp(now->cache_name[j], "vmap_hole"))
			continue;
		struct new_objects no = {.n = 0};
		kmem_cache_walk(now->cache_name[j], note_new, &no);
		found += no.total;
		kprintf("torture: %s: %d objects new since the memory baseline%s, the first %d:\n",
			now->cache_name[j], no.total, seen_full ? " (baseline incomplete)" : "", no.n);
		for (int k = 0; k < no.n; k++)
			print_object(no.obj[k], no.size);
	}
	return found;
}
