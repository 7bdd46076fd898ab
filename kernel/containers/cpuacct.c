// cpuacct: CPU time used by a container's tasks while they are members.
//
//   cpuacct.usage          ns, this container and its descendants;
//                          writing 0 resets it (other values: EINVAL)
//   cpuacct.usage_percpu   the same per online CPU, space-separated
//   cpuacct.load           percent of one CPU used over the last 10 s
//
// The scheduler charges precisely (TSC deltas at every switch and tick)
// through cpuacct_charge(), with the CPU's rq lock held and interrupts
// off: the charge adds to usage[cpu] of the task's css and every ancestor.
// Only that CPU writes usage[cpu], under its rq lock, so no atomics are
// needed; readers sum the words racily (each 64-bit read is whole).
//
// cpuacct.load needs no timer: the first charge in each second records the
// container's total usage into a ring of per-second samples; the usage
// 10 s ago is the first sample at or after that second (nothing was
// charged in between, so the usage did not change).
#include "kernel/containers/container.h"
#include "arch/x86/cpu.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "mm/slab.h"

#define LOAD_WINDOW_S 10
#define LOAD_SLOTS (LOAD_WINDOW_S + 2)

struct cpuacct {
	struct container_subsys_state css;
	// The parent container's, NULL for a root. Cached here because the
	// charge runs without container_mutex: a root css's container changes
	// when the subsystem is (un)bound, but a css never changes parent,
	// and a parent outlives every child that can still be charged.
	struct cpuacct *parent;
	u64 usage[NR_CPUS];        // ns per CPU; written by that CPU only
	u64 last_sec;              // the second of the latest sample (cmpxchg)
	u64 sample_sec[LOAD_SLOTS];
	u64 sample_usage[LOAD_SLOTS];
};

static struct container_subsys cpuacct_subsys;
static bool cpuacct_ready;

static struct cpuacct *css_ca(struct container_subsys_state *css)
{
	return container_of(css, struct cpuacct, css);
}

static struct cpuacct *c_ca(struct container *c)
{
	return css_ca(container_css(c, cpuacct_subsys.subsys_id));
}

static u64 usage_total(struct cpuacct *ca)
{
	u64 sum = 0;
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		sum += READ_ONCE(ca->usage[cpu]);
	return sum;
}

static void sample(struct cpuacct *ca, u64 sec)
{
	u64 last = READ_ONCE(ca->last_sec);
	if (last == sec || !__atomic_compare_exchange_n(&ca->last_sec, &last, sec, false,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	int slot = sec % LOAD_SLOTS;
	WRITE_ONCE(ca->sample_sec[slot], 0); // invalid while being written
	WRITE_ONCE(ca->sample_usage[slot], usage_total(ca));
	WRITE_ONCE(ca->sample_sec[slot], sec + 1); // +1: 0 means "none"
}

// The weak hook of kernel/sched.c (rq lock held, interrupts off).
void cpuacct_charge(struct task *t, int cpu, u64 ns)
{
	if (!cpuacct_ready || t->is_idle || !t->css_set)
		return;
	u64 sec = clock_ns() / NSEC_PER_SEC;
	for (struct cpuacct *ca = css_ca(task_css(t, cpuacct_subsys.subsys_id)); ca;
	     ca = ca->parent) {
		if (READ_ONCE(ca->last_sec) != sec)
			sample(ca, sec);
		ca->usage[cpu] += ns;
	}
}

static struct container_subsys_state *cpuacct_create(struct container_subsys *ss,
						     struct container *c)
{
	(void)ss, (void)c;
	struct cpuacct *ca = kzalloc(sizeof(*ca), GFP_KERNEL);
	if (!ca)
		return NULL;
	ca->last_sec = ~0ULL;
	ca->parent = c->parent ? c_ca(c->parent) : NULL;
	if (!c->parent)
		cpuacct_ready = true;
	return &ca->css;
}

static void cpuacct_destroy(struct container_subsys *ss, struct container *c)
{
	kfree(css_ca(container_css(c, ss->subsys_id)));
}

static int usage_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%llu\n", usage_total(c_ca(c)));
	return 0;
}

static int usage_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long v;
	if (container_parse_long(buf, &v) || v != 0)
		return -EINVAL;
	struct cpuacct *ca = c_ca(c);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		WRITE_ONCE(ca->usage[cpu], 0); // (a charge racing on a CPU may survive)
	for (int i = 0; i < LOAD_SLOTS; i++)
		WRITE_ONCE(ca->sample_sec[i], 0);
	return 0;
}

static int percpu_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct cpuacct *ca = c_ca(c);
	int cpu;
	bool first = true;
	for_each_cpu(cpu, &cpu_online_mask) {
		seq_printf(s, "%s%llu", first ? "" : " ", READ_ONCE(ca->usage[cpu]));
		first = false;
	}
	seq_printf(s, "\n");
	return 0;
}

static int load_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct cpuacct *ca = c_ca(c);
	u64 now = clock_ns();
	u64 now_sec = now / NSEC_PER_SEC;
	u64 window = MIN(now, (u64)LOAD_WINDOW_S * NSEC_PER_SEC);
	u64 from_sec = (now - window) / NSEC_PER_SEC;
	u64 then = ~0ULL, best = ~0ULL;
	for (int i = 0; i < LOAD_SLOTS; i++) {
		u64 sec = READ_ONCE(ca->sample_sec[i]);
		if (!sec--)
			continue;
		if (sec >= from_sec && sec <= now_sec && sec < best) {
			best = sec;
			then = READ_ONCE(ca->sample_usage[i]);
		}
	}
	u64 usage = usage_total(ca);
	u64 pct = 0;
	if (then != ~0ULL && usage > then && window)
		pct = (usage - then) * 100 / window;
	seq_printf(s, "%llu\n", pct);
	return 0;
}

static const struct cftype cpuacct_files[] = {
	{.name = "usage", .read = usage_read, .write = usage_write},
	{.name = "usage_percpu", .read = percpu_read},
	{.name = "load", .read = load_read},
	{0},
};

static struct container_subsys cpuacct_subsys = {
	.name = "cpuacct",
	.create = cpuacct_create,
	.destroy = cpuacct_destroy,
	.files = cpuacct_files,
};
CONTAINER_SUBSYS(cpuacct_subsys, 3);
