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
