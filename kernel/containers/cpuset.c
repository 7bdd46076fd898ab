// cpuset: which CPUs a container's tasks may run on. Each task's
// cpus_allowed is its cpuset's CPUs & its own affinity (kernel/sched.c,
// task_update_cpus_allowed), recomputed when it moves in and at once for
// every member when the set changes: a task running on a CPU it lost is
// moved off before the write returns. A spawn racing with the write
// recomputes its own in cgroup_post_fork (cpuset_post_fork), after it is
// on the list the write walks. A write that cannot list the members
// (ENOMEM) fails with nothing changed.
//
//   cpuset.cpus           list ("0-2,5"); root: every online CPU, read-only
//   cpuset.cpu_exclusive  0/1; siblings of an exclusive cpuset may not overlap
// The rules are maskset.c's. Locking: container_mutex (see maskset.h).
#include "kernel/containers/maskset.h"
#include "arch/x86/cpu.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "mm/slab.h"

struct cpuset {
	struct container_subsys_state css;
	struct maskset ms;
};

static struct container_subsys cpuset_subsys;

static struct maskset *cpuset_ms(struct container_subsys_state *css)
{
	return &container_of(css, struct cpuset, css)->ms;
}

static unsigned long cpus_online(void) { return cpu_online_mask.bits[0]; }

static const struct maskset_type cpuset_type = {
	.subsys_id = &cpuset_subsys.subsys_id,
	.online = cpus_online,
	.of = cpuset_ms,
};

static struct container_subsys_state *cpuset_create(struct container_subsys *ss,
						    struct container *c)
{
	(void)ss;
	struct cpuset *cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	if (!cs)
		return NULL;
	maskset_init(&cpuset_type, c, &cs->ms);
	return &cs->css;
}

static void cpuset_destroy(struct container_subsys *ss, struct container *c)
{
	kfree(container_of(container_css(c, ss->subsys_id), struct cpuset, css));
}

static int cpuset_can_attach(struct container_subsys *ss, struct container *c, struct task *t)
{
	(void)t;
	return maskset_can_attach(cpuset_ms(container_css(c, ss->subsys_id)));
}

static void cpuset_attach(struct container_subsys *ss, struct container *c,
			  struct container *old, struct task *t)
{
	(void)ss, (void)c, (void)old;
	task_update_cpus_allowed(t);
}

// The hook of kernel/sched.c: t's cpuset's CPUs.
void cpuset_cpus_allowed(struct task *t, cpumask_t *out)
{
	struct container_subsys_state *css = task_css_get(t, cpuset_subsys.subsys_id);
	cpumask_clear(out);
	out->bits[0] = READ_ONCE(cpuset_ms(css)->mask) & cpu_online_mask.bits[0];
	css_put(css);
	if (cpumask_empty(out))
		cpumask_copy(out, &cpu_online_mask); // cannot happen: attach refuses
}

static int cpus_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	return maskset_show_mask(cpuset_ms(container_css(c, cpuset_subsys.subsys_id)), s);
}

// t was spawned with its parent's cpus_allowed, maybe from before a write.
static void cpuset_post_fork(struct container_subsys *ss, struct task *t)
{
	(void)ss;
	task_update_cpus_allowed(t);
}

static int cpus_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	unsigned long m;
	int err = maskset_check_mask(&cpuset_type, c, buf, &m);
	if (err)
		return err;
	// container_mutex is held: nobody moves in or out, and a task spawned
	// from now on reads the new mask in cpuset_post_fork.
	int n;
	pid_t *pids = container_pids(c, &n);
	if (!pids)
		return -ENOMEM;
	WRITE_ONCE(cpuset_ms(container_css(c, cpuset_subsys.subsys_id))->mask, m);
	for (int i = 0; i < n; i++) {
		struct task *t = task_find_get(pids[i]);
		if (t) {
			task_update_cpus_allowed(t);
			task_put(t);
		}
	}
	kfree(pids);
	return 0;
}

static int excl_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%d\n", cpuset_ms(container_css(c, cpuset_subsys.subsys_id))->exclusive);
	return 0;
}

static int excl_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	return maskset_write_exclusive(&cpuset_type, c, buf);
}

static const struct cftype cpuset_files[] = {
	{.name = "cpus", .read = cpus_read, .write = cpus_write},
	{.name = "cpu_exclusive", .read = excl_read, .write = excl_write},
	{0},
};

static struct container_subsys cpuset_subsys = {
	.name = "cpuset",
	.create = cpuset_create,
	.destroy = cpuset_destroy,
	.can_attach = cpuset_can_attach,
	.attach = cpuset_attach,
	.post_fork = cpuset_post_fork,
	.files = cpuset_files,
};
CONTAINER_SUBSYS(cpuset_subsys, 1);
