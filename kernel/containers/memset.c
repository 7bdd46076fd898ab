// memset: which NUMA nodes a container's tasks allocate from. A member's
// mems_allowed is its memset's nodes; the page allocator never goes
// outside it (mm/page_alloc.c), for the app heap, ramfs pages and kernel
// objects alike. With memory_migrate=1, moving a task in or changing the
// nodes also moves its heap pages (mm/task_heap.c: the app's addresses do
// not change, and it may keep running meanwhile).
//
// Errors are returned, never swallowed: a move or a mems write with
// memory_migrate=1 first sets aside every page it will need
// (app_heap_migrate_prepare) for every task it moves; if one cannot be
// had the write fails with ENOMEM and nothing changed -- the task stays in
// its old container, the nodes stay as they were. A spawn racing with a
// mems write gets the new nodes (memset_post_fork), and a new app's first
// heap pages, allocated by its parent, are moved onto its nodes there too.
//
//   memset.mems            node list; root: every online node, read-only
//   memset.mem_exclusive   0/1, as cpuset.cpu_exclusive
//   memset.memory_migrate  0/1
// The rules are maskset.c's. Locking: container_mutex (see maskset.h).
#include "kernel/containers/maskset.h"
#include "kernel/app.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "mm/numa.h"
#include "mm/slab.h"

struct memset {
	struct container_subsys_state css;
	struct maskset ms;
	bool migrate;
};

static struct container_subsys memset_subsys;

static struct memset *memset_of(struct container_subsys_state *css)
{
	return container_of(css, struct memset, css);
}
static struct maskset *memset_ms(struct container_subsys_state *css)
{
	return &memset_of(css)->ms;
}
static struct memset *c_memset(struct container *c)
{
	return memset_of(container_css(c, memset_subsys.subsys_id));
}

static unsigned long nodes_online(void) { return node_online_map.bits[0]; }

static const struct maskset_type memset_type = {
	.subsys_id = &memset_subsys.subsys_id,
	.online = nodes_online,
	.of = memset_ms,
};

static struct container_subsys_state *memset_create(struct container_subsys *ss,
						    struct container *c)
{
	(void)ss;
	struct memset *ms = kzalloc(sizeof(*ms), GFP_KERNEL);
	if (!ms)
		return NULL;
	maskset_init(&memset_type, c, &ms->ms);
	return &ms->css;
}

static void memset_destroy(struct container_subsys *ss, struct container *c)
{
	kfree(memset_of(container_css(c, ss->subsys_id)));
}

// The nodes of m, as a nodemask (false if none is online).
static bool memset_nodes(struct memset *m, nodemask_t *nodes)
{
	nodes_clear(nodes);
	nodes->bits[0] = READ_ONCE(m->ms.mask) & node_online_map.bits[0];
	return !nodes_empty(nodes);
}

// Between memset_can_attach and attach/cancel_attach: the heap of the task
// being moved, prepared for the move (container_mutex: one attach at a
// time).
static struct task_heap *attach_heap;

static int memset_can_attach(struct container_subsys *ss, struct container *c, struct task *t)
{
	(void)ss;
	struct memset *m = c_memset(c);
	int err = maskset_can_attach(&m->ms);
	nodemask_t nodes;
	if (err || !m->migrate || !memset_nodes(m, &nodes))
		return err;
	struct task_heap *h = app_heap_migrate_prepare(t, &nodes);
	if (IS_ERR(h))
		return (int)PTR_ERR(h);
	attach_heap = h;
	return 0;
}

static void memset_cancel_attach(struct container_subsys *ss, struct container *c,
				 struct task *t)
{
	(void)ss, (void)c, (void)t;
	if (attach_heap)
		app_heap_migrate_finish(attach_heap, false);
	attach_heap = NULL;
}

static void memset_attach(struct container_subsys *ss, struct container *c,
			  struct container *old, struct task *t)
{
	(void)ss, (void)old;
	nodemask_t nodes;
	if (memset_nodes(c_memset(c), &nodes))
		set_mems_allowed(t, &nodes);
	if (attach_heap) // after the nodes: new allocations go there too
		app_heap_migrate_finish(attach_heap, true);
	attach_heap = NULL;
}

// A spawned task (on the task list now): its memset's nodes, read under
// container_mutex, and its first heap pages onto them (see the top).
static void memset_post_fork(struct container_subsys *ss, struct task *t)
{
	struct container_subsys_state *css = task_css(t, ss->subsys_id);
	nodemask_t nodes;
	// A root memset's nodes never change: what t inherited is right (and
	// may be narrower than the root's, as a node policy would make it).
	if (css->root || !memset_nodes(memset_of(css), &nodes))
		return;
	set_mems_allowed(t, &nodes);
	int err = app_heap_migrate(t, &nodes);
	if (err)
		pr_warn("memset: %s/%d: no memory on nodes %lx for its first pages (error %d)\n",
			t->name, t->pid, nodes.bits[0], err);
}

static int mems_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	return maskset_show_mask(&c_memset(c)->ms, s);
}

// A member of a memset whose nodes change: referenced, its heap prepared
// for the move when the memset migrates.
struct member {
	struct task *t;       // referenced
	struct task_heap *h;  // prepared, or NULL
};

static void members_put(struct member *mb, int n, bool commit)
{
	for (int i = 0; i < n; i++) {
		if (mb[i].h)
			app_heap_migrate_finish(mb[i].h, commit);
		task_put(mb[i].t);
	}
	kfree(mb);
}

// Every member of c, heaps prepared for *nodes if migrate: the array
// (members_put it) and *n, or ERR_PTR(-ENOMEM) with nothing changed.
static struct member *members_get(struct container *c, bool migrate, const nodemask_t *nodes,
				  int *n)
{
	int npids;
	pid_t *pids = container_pids(c, &npids);
	struct member *mb = pids ? kzalloc(sizeof(*mb) * (npids + 1), GFP_KERNEL) : NULL;
	if (!mb) {
		kfree(pids);
		return ERR_PTR(-ENOMEM);
	}
	*n = 0;
	for (int i = 0; i < npids; i++) {
		struct task *t = task_find_get(pids[i]);
		if (!t)
			continue; // exited meanwhile
		struct task_heap *h = migrate ? app_heap_migrate_prepare(t, nodes) : NULL;
		if (IS_ERR(h)) {
			task_put(t);
			members_put(mb, *n, false);
			kfree(pids);
			return ERR_PTR(PTR_ERR(h));
		}
		mb[*n].t = t;
		mb[*n].h = h;
		(*n)++;
	}
	kfree(pids);
	return mb;
}

static int mems_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	unsigned long m;
	int err = maskset_check_mask(&memset_type, c, buf, &m);
	if (err)
		return err;
	struct memset *ms = c_memset(c);
	nodemask_t nodes = NODE_MASK_NONE;
	nodes.bits[0] = m & node_online_map.bits[0];
	int n = 0;
	struct member *mb = members_get(c, ms->migrate && m, &nodes, &n);
	if (IS_ERR(mb))
		return (int)PTR_ERR(mb); // nothing changed
	// container_mutex is held: a spawn waits in cgroup_post_fork until we
	// are done, then reads the new mask.
	WRITE_ONCE(ms->ms.mask, m);
	for (int i = 0; i < n && m; i++)
		set_mems_allowed(mb[i].t, &nodes);
	members_put(mb, n, true); // the pages move (after the nodes: see attach)
	return 0;
}

static int excl_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%d\n", c_memset(c)->ms.exclusive);
	return 0;
}

static int excl_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	return maskset_write_exclusive(&memset_type, c, buf);
}

static int migrate_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%d\n", c_memset(c)->migrate);
	return 0;
}

static int migrate_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	bool v;
	int err = container_parse_bool(buf, &v);
	if (err)
		return err;
	c_memset(c)->migrate = v;
	return 0;
}

static const struct cftype memset_files[] = {
	{.name = "mems", .read = mems_read, .write = mems_write},
	{.name = "mem_exclusive", .read = excl_read, .write = excl_write},
	{.name = "memory_migrate", .read = migrate_read, .write = migrate_write},
	{0},
};

static struct container_subsys memset_subsys = {
	.name = "memset",
	.create = memset_create,
	.destroy = memset_destroy,
	.can_attach = memset_can_attach,
	.cancel_attach = memset_cancel_attach,
	.attach = memset_attach,
	.post_fork = memset_post_fork,
	.files = memset_files,
};
CONTAINER_SUBSYS(memset_subsys, 2);
