// cpuacct: CPU time used by a container's tasks while they are members.
//
//   cpuacct.usage          ns, this container and its descendants;
//                          writing 0 resets it (other values: EINVAL)
//   cpuacct.usage_percpu   the same per online CPU, space-separated
//                          (read-only)
//   cpuacct.load           percent of one CPU used over the last 10 s
//                          (a container busy on two CPUs reads 200)
//
// The scheduler charges precisely (TSC deltas at every switch and tick)
// through cpuacct_charge(), with the CPU's rq lock held and interrupts
// off: the charge adds to usage[cpu] of the task's css and every ancestor.
// Only that CPU writes usage[cpu], under its rq lock, so no atomics are
// needed; readers sum the words racily (each 64-bit read is whole). A move
// flushes the running task's time to its old containers first
// (sched_swap_css_set), so only time spent as a member counts.
//
// usage[] only grows: a reset records it in base[] and the files show
// usage - base, so a reset racing with a charge is never lost, and
// cpuacct.load (see cpuacct.h), which works on the raw totals, does not
// notice resets.
#include "kernel/containers/cpuacct.h"
#include "kernel/containers/container.h"
#include "arch/x86/cpu.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/slab.h"

struct cpuacct {
	struct container_subsys_state css;
	// The parent container's, NULL for a root. Cached here because the
	// charge runs without container_mutex: a root css's container changes
	// when the subsystem is (un)bound, but a css never changes parent,
	// and a parent outlives every child that can still be charged.
	struct cpuacct *parent;
	u64 usage[NR_CPUS]; // ns per CPU, ever; written by that CPU only
	u64 base[NR_CPUS];  // usage[cpu] at the last reset (container_mutex)
	struct cpuacct_load load;
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

// Since the last reset. base first: usage only grows, so it is not below.
static u64 usage_of(struct cpuacct *ca, int cpu)
{
	u64 base = READ_ONCE(ca->base[cpu]);
	u64 usage = READ_ONCE(ca->usage[cpu]);
	return usage > base ? usage - base : 0;
}

static u64 raw_total(struct cpuacct *ca)
{
	u64 sum = 0;
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		sum += READ_ONCE(ca->usage[cpu]);
	return sum;
}

// The hook of kernel/sched.c (rq lock held, interrupts off).
void cpuacct_charge(struct task *t, int cpu, u64 ns)
{
	if (!cpuacct_ready || t->is_idle || !t->css_set)
		return;
	u64 now = clock_ns();
	u64 sec = now / NSEC_PER_SEC;
	for (struct cpuacct *ca = css_ca(task_css(t, cpuacct_subsys.subsys_id)); ca;
	     ca = ca->parent) {
		if (READ_ONCE(ca->load.last_sec) != sec) // once a second
			cpuacct_load_record(&ca->load, now, raw_total(ca));
		ca->usage[cpu] += ns;
	}
}

// ---- cpuacct.load's ring (cpuacct.h) ----

void cpuacct_load_init(struct cpuacct_load *l)
{
	memset(l, 0, sizeof(*l));
	l->last_sec = ~0ULL;
}

void cpuacct_load_record(struct cpuacct_load *l, u64 now, u64 usage)
{
	u64 sec = now / NSEC_PER_SEC;
	u64 last = READ_ONCE(l->last_sec);
	if ((last != ~0ULL && sec <= last) || // (a CPU whose clock read lags)
	    !__atomic_compare_exchange_n(&l->last_sec, &last, sec, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return;
	int i = sec % CPUACCT_LOAD_SLOTS;
	WRITE_ONCE(l->sample[i].at_ns, 0); // invalid while it is written
	WRITE_ONCE(l->sample[i].usage, usage);
	WRITE_ONCE(l->sample[i].at_ns, now ? now : 1);
}

// The usage at the window's start T = now - window is what we need. A
// sample is taken at the first charge of each second, so:
//  - if a sample was taken in T's own second, at or before T, the load is
//    measured from it (a window up to a second longer than asked);
//  - otherwise nothing was charged between the end of the last sample's
//    second before T and the first sample after T, whose usage is then
//    exactly the usage at T (or, with no sample after T, nothing was
//    charged in the window at all).
u64 cpuacct_load_percent(const struct cpuacct_load *l, u64 now, u64 usage)
{
	u64 window = MIN(now, CPUACCT_LOAD_WINDOW_NS);
	if (!window)
		return 0;
	u64 from = now - window;
	u64 a_at = 0, a_usage = 0, b_at = ~0ULL, b_usage = usage;
	for (int i = 0; i < CPUACCT_LOAD_SLOTS; i++) {
		u64 at = READ_ONCE(l->sample[i].at_ns);
		u64 u = READ_ONCE(l->sample[i].usage);
		if (!at || at != READ_ONCE(l->sample[i].at_ns) || at > now)
			continue; // none, or being rewritten
		if (at <= from && at > a_at) {
			a_at = at;
			a_usage = u;
		} else if (at > from && at < b_at) {
			b_at = at;
			b_usage = u;
		}
	}
	u64 then = b_usage;
	if (a_at && a_at / NSEC_PER_SEC == from / NSEC_PER_SEC) {
		then = a_usage;
		window = now - a_at;
	}
	return usage > then ? (usage - then) * 100 / window : 0;
}

// ---- the subsystem ----

static struct container_subsys_state *cpuacct_create(struct container_subsys *ss,
						     struct container *c)
{
	(void)ss;
	struct cpuacct *ca = kzalloc(sizeof(*ca), GFP_KERNEL);
	if (!ca)
		return NULL;
	cpuacct_load_init(&ca->load);
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
	struct cpuacct *ca = c_ca(c);
	u64 sum = 0;
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		sum += usage_of(ca, cpu);
	seq_printf(s, "%llu\n", sum);
	return 0;
}

static int usage_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long long v;
	int err = kstrtoll(buf, 10, &v);
	if (err)
		return err; // -ERANGE past 64 bits, else -EINVAL
	if (v != 0)
		return -EINVAL;
	struct cpuacct *ca = c_ca(c);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		WRITE_ONCE(ca->base[cpu], READ_ONCE(ca->usage[cpu]));
	return 0;
}

static int percpu_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct cpuacct *ca = c_ca(c);
	int cpu;
	bool first = true;
	for_each_cpu(cpu, &cpu_online_mask) {
		seq_printf(s, "%s%llu", first ? "" : " ", usage_of(ca, cpu));
		first = false;
	}
	seq_printf(s, "\n");
	return 0;
}

static int load_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct cpuacct *ca = c_ca(c);
	u64 usage = raw_total(ca);
	seq_printf(s, "%llu\n", cpuacct_load_percent(&ca->load, clock_ns(), usage));
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
