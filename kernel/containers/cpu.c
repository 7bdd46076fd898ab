// cpu: CPU shares and bandwidth (Linux 6.1 cgroup v1's cpu controller),
// done by the scheduler's group scheduling (kernel/sched.c, "Groups").
//
//   cpu.shares         relative weight among siblings, default 1024;
//                      written values are clamped to 2..262144
//   cpu.cfs_period_us  the bandwidth period, 1000..1000000 (default 100000)
//   cpu.cfs_quota_us   CPU time per period for all the container's tasks
//                      together (on every CPU), >= 1000; -1 (any negative
//                      write) is unlimited, the default
//   cpu.stat           nr_periods, nr_throttled, throttled_time (ns)
//
// The root's files are readable; writing them is EINVAL, as Linux (the
// root has no siblings and no limit). As Linux v1, a quota cannot promise
// more than an ancestor's: with ratio = quota/period, a container's ratio
// must not exceed the nearest limited ancestor's, and an ancestor cannot
// be limited below a descendant's ratio (EINVAL in both cases); the
// scheduler also charges every limited ancestor, so a child never runs
// beyond its parent's quota.
//
// Each container down to depth SCHED_GROUP_MAX_DEPTH has its own
// sched_group; deeper ones share their ancestor's at that depth: their
// files work (and are checked) but the scheduler treats their tasks as
// the ancestor's. Locking: the files' values are written under
// container_mutex; the scheduler reads the group's copies (see sched.c).
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/slab.h"

#define QUOTA_INF (-1LL)
#define BW_SHIFT 20 // Linux's to_ratio fixed point
#define RATIO_INF (~0ULL) // no limit
#define MIN_PERIOD_US 1000ULL
#define MAX_PERIOD_US 1000000ULL
#define MIN_QUOTA_US 1000LL
#define MAX_QUOTA_US ((1LL << 44) - 1) // Linux's max_cfs_runtime, in us

struct cpu_cg {
	struct container_subsys_state css;
	struct cpu_cg *parent;   // NULL for a root
	struct sched_group *sg;  // its own, or an ancestor's (below the cap)
	bool own_sg;
	int depth;               // root 0
	// container_mutex:
	unsigned long shares;
	s64 quota_us;            // QUOTA_INF or >= MIN_QUOTA_US
	u64 period_us;
	u64 hq, hq_new;          // hierarchical ratio (RATIO_INF: none), Linux's
				 // hierarchical_quota; hq_new: during a check
};

static struct container_subsys cpu_subsys;
static bool cpu_ready;

static struct cpu_cg *css_cpu(struct container_subsys_state *css)
{
	return container_of(css, struct cpu_cg, css);
}

static struct cpu_cg *c_cpu(struct container *c)
{
	return css_cpu(container_css(c, cpu_subsys.subsys_id));
}

// The scheduler's hook (kernel/sched.h), t's rq lock held: the lock an
// attach swaps t's css_set under, so the set is live.
struct sched_group *cpu_task_group(struct task *t)
{
	if (!READ_ONCE(cpu_ready) || !t->css_set || t->is_idle)
		return &root_sched_group;
	return css_cpu(task_css(t, cpu_subsys.subsys_id))->sg;
}

static struct container_subsys_state *cpu_create(struct container_subsys *ss, struct container *c)
{
	(void)ss;
	struct cpu_cg *cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return NULL;
	cc->shares = 1024;
	cc->quota_us = QUOTA_INF;
	cc->period_us = 100000;
	cc->hq = RATIO_INF;
	if (!c->parent) {
		cc->sg = &root_sched_group;
		WRITE_ONCE(cpu_ready, true);
		return &cc->css;
	}
	cc->parent = c_cpu(c->parent);
	cc->depth = cc->parent->depth + 1;
	cc->hq = cc->parent->hq;
	if (cc->depth > SCHED_GROUP_MAX_DEPTH) {
		cc->sg = cc->parent->sg;
	} else {
		cc->sg = sched_group_create(cc->parent->sg);
		if (!cc->sg) {
			kfree(cc);
			return NULL;
		}
		cc->own_sg = true;
	}
	return &cc->css;
}

static void cpu_destroy(struct container_subsys *ss, struct container *c)
{
	struct cpu_cg *cc = css_cpu(container_css(c, ss->subsys_id));
	if (cc->own_sg)
		sched_group_destroy(cc->sg);
	kfree(cc);
}

// ---- cpu.shares ----

static int shares_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%lu\n", c_cpu(c)->shares);
	return 0;
}

static int shares_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	unsigned long long v;
	int err = kstrtoull(buf, 10, &v);
	if (err)
		return err; // -ERANGE past 64 bits, else -EINVAL
	struct cpu_cg *cc = c_cpu(c);
	if (!cc->parent)
		return -EINVAL;
	cc->shares = (unsigned long)MAX(MIN(v, (unsigned long long)SCHED_MAX_SHARES),
					(unsigned long long)SCHED_MIN_SHARES);
	if (cc->own_sg)
		sched_group_set_shares(cc->sg, cc->shares);
	return 0;
}

// ---- bandwidth ----

static u64 to_ratio(u64 period_us, s64 quota_us)
{
	if (quota_us < 0)
		return RATIO_INF;
	return ((u64)quota_us << BW_SHIFT) / period_us;
}

// Would c with (quota_us, period_us) keep every ratio in c's subtree at
// most its nearest limited ancestor's? Linux's tg_cfs_schedulable_down, as
// a pre-order walk of c's subtree (no recursion). On success the
// hierarchical ratios are updated.
static int bandwidth_check(struct container *c, s64 quota_us, u64 period_us)
{
	struct container *pos;
	container_for_each_descendant_pre(pos, c)
	{
		struct cpu_cg *cc = c_cpu(pos);
		u64 parent_hq = pos == c ? cc->parent->hq : cc->parent->hq_new;
		u64 r = pos == c ? to_ratio(period_us, quota_us) : to_ratio(cc->period_us, cc->quota_us);
		if (r == RATIO_INF)
			r = parent_hq;
		else if (parent_hq != RATIO_INF && r > parent_hq)
			return -EINVAL;
		cc->hq_new = r;
	}
	container_for_each_descendant_pre(pos, c)
	{
		struct cpu_cg *cc = c_cpu(pos);
		cc->hq = cc->hq_new;
	}
	return 0;
}

static int set_bandwidth(struct container *c, s64 quota_us, u64 period_us)
{
	struct cpu_cg *cc = c_cpu(c);
	if (!cc->parent)
		return -EINVAL;
	if (period_us < MIN_PERIOD_US || period_us > MAX_PERIOD_US)
		return -EINVAL;
	if (quota_us >= 0 && (quota_us < MIN_QUOTA_US || quota_us > MAX_QUOTA_US))
		return -EINVAL;
	int err = bandwidth_check(c, quota_us, period_us);
	if (err)
		return err;
	cc->quota_us = quota_us;
	cc->period_us = period_us;
	if (cc->own_sg)
		sched_group_set_bandwidth(cc->sg, quota_us < 0 ? -1 : quota_us * (s64)NSEC_PER_USEC,
					  period_us * NSEC_PER_USEC);
	return 0;
}

static int period_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%llu\n", (unsigned long long)c_cpu(c)->period_us);
	return 0;
}

static int period_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	unsigned long long v;
	int err = kstrtoull(buf, 10, &v);
	if (err)
		return err;
	return set_bandwidth(c, c_cpu(c)->quota_us, v);
}

static int quota_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%lld\n", (long long)c_cpu(c)->quota_us);
	return 0;
}

static int quota_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long long v;
	int err = kstrtoll(buf, 10, &v);
	if (err)
		return err;
	return set_bandwidth(c, v < 0 ? QUOTA_INF : v, c_cpu(c)->period_us);
}

static int stat_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct cpu_cg *cc = c_cpu(c);
	struct sched_group_stat st = {0};
	if (cc->own_sg) // (a shared group's figures are its ancestor's)
		sched_group_stat(cc->sg, &st);
	seq_printf(s, "nr_periods %llu\nnr_throttled %llu\nthrottled_time %llu\n",
		   (unsigned long long)st.nr_periods, (unsigned long long)st.nr_throttled,
		   (unsigned long long)st.throttled_ns);
	return 0;
}

static const struct cftype cpu_files[] = {
	{.name = "shares", .read = shares_read, .write = shares_write},
	{.name = "cfs_period_us", .read = period_read, .write = period_write},
	{.name = "cfs_quota_us", .read = quota_read, .write = quota_write},
	{.name = "stat", .read = stat_read},
	{0},
};

static struct container_subsys cpu_subsys = {
	.name = "cpu",
	.create = cpu_create,
	.destroy = cpu_destroy,
	.files = cpu_files,
};
CONTAINER_SUBSYS(cpu_subsys, 6);
