// memset: which NUMA nodes a container's tasks allocate from. A member's
// mems_allowed is its memset's nodes; the page allocator never goes
// outside it (mm/page_alloc.c), for the app heap, ramfs pages and kernel
// objects alike. With memory_migrate=1, moving a task in or changing the
// nodes also moves its heap pages (copy, remap, TLB shootdown: the app's
// addresses do not change).
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

static int memset_can_attach(struct container_subsys *ss, struct container *c, struct task *t)
{
	(void)ss, (void)t;
	return maskset_can_attach(&c_memset(c)->ms);
}

// Give t the nodes of m (and move its pages there if it migrates).
static void apply(struct memset *m, struct task *t)
{
	nodemask_t nodes = NODE_MASK_NONE;
	nodes.bits[0] = READ_ONCE(m->ms.mask) & node_online_map.bits[0];
	if (nodes_empty(&nodes))
		return;
	set_mems_allowed(t, &nodes);
	if (m->migrate) {
		int err = app_heap_migrate(t, &nodes);
		if (err)
			pr_warn("memset: migrating %s/%d: error %d\n", t->name, t->pid, err);
	}
}

static void memset_attach(struct container_subsys *ss, struct container *c,
			  struct container *old, struct task *t)
{
	(void)ss, (void)old;
	apply(c_memset(c), t);
}

static int mems_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	return maskset_show_mask(&c_memset(c)->ms, s);
}

static int mems_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	unsigned long m;
	int err = maskset_check_mask(&memset_type, c, buf, &m);
	if (err)
		return err;
	struct memset *ms = c_memset(c);
	WRITE_ONCE(ms->ms.mask, m);
	int n;
	pid_t *pids = container_pids(c, &n);
	if (!pids)
		return 0; // ENOMEM: members keep their nodes until they move
	for (int i = 0; i < n; i++) {
		struct task *t = task_find_get(pids[i]);
		if (t) {
			apply(ms, t);
			task_put(t);
		}
	}
	kfree(pids);
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
	.attach = memset_attach,
	.files = memset_files,
};
CONTAINER_SUBSYS(memset_subsys, 2);
