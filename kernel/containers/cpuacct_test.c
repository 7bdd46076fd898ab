// Tests of cpuacct: its files, what the scheduler charges (only a
// member's time, to the container and its ancestors, per CPU), and the
// arithmetic of cpuacct.load on made-up samples. Each test mounts cpuacct
// under /tmp and unmounts it at the end.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/containers/cpuacct.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CA "/tmp/ca"
#define SEC NSEC_PER_SEC

#define ca_mount() MOUNT_OR_SKIP(CA, "cpuacct")

static void ca_umount(void)
{
	putpid(CA "/tasks", current->pid);
	unmount_at(CA);
}

// The space-separated figures of a usage_percpu file: how many, into v.
static int percpu(const char *path, long *v, int max)
{
	char buf[512];
	get(path, buf, sizeof(buf));
	int n = 0;
	for (const char *p = buf; *p && n < max;) {
		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		long x = 0;
		for (; *p >= '0' && *p <= '9'; p++)
			x = x * 10 + (*p - '0');
		v[n++] = x;
	}
	return n;
}

// Let a spinner run as a member of dir for ms milliseconds, then move it
// back to the root (so dir's figures stop changing). Returns an upper
// bound of the time it was a member (ns).
static u64 spin_in(const char *dir, struct task *t, u64 ms)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/tasks", dir);
	u64 t0 = clock_ns();
	EXPECT_GT(putpid(path, t->pid), 0);
	sleep_ns(ms * MS);
	EXPECT_GT(putpid(CA "/tasks", t->pid), 0);
	return clock_ns() - t0;
}

// ---- usage ----

KTEST(cpuacct, usage_is_zero_in_a_new_container)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	EXPECT_EQ(get_num(CA "/c/cpuacct.usage"), 0);
	EXPECT_EQ(get_num(CA "/c/cpuacct.load"), 0);
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

KTEST(cpuacct, usage_counts_only_time_spent_as_a_member)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("ca_spin", spinner, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	sleep_ns(50 * MS);
	EXPECT_EQ(get_num(CA "/c/cpuacct.usage"), 0); // spinning, not a member yet
	u64 member = spin_in(CA "/c", t, 100);
	long in = get_num(CA "/c/cpuacct.usage");
	EXPECT_GT(in, 10 * 1000 * 1000L); // a good part of the 100 ms
	EXPECT_LE((u64)in, member);      // one task: at most one CPU's worth
	sleep_ns(50 * MS);
	EXPECT_EQ(get_num(CA "/c/cpuacct.usage"), in); // spinning, no longer a member
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

KTEST(cpuacct, a_parents_usage_includes_its_childrens)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(CA "/p/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(CA "/p/b", 0755), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("ca_spin", spinner, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	spin_in(CA "/p/a", t, 50);
	spin_in(CA "/p/b", t, 50);
	spin_in(CA "/p", t, 50);
	long a = get_num(CA "/p/a/cpuacct.usage");
	long b = get_num(CA "/p/b/cpuacct.usage");
	long p = get_num(CA "/p/cpuacct.usage");
	EXPECT_GT(a, 0);
	EXPECT_GT(b, 0);
	EXPECT_GT(p, a + b); // its own time too
	EXPECT_GE(get_num(CA "/cpuacct.usage"), p);
	// A removed child's time stays in its parent.
	EXPECT_EQ(sys_rmdir(CA "/p/a"), 0);
	EXPECT_EQ(get_num(CA "/p/cpuacct.usage"), p);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CA "/p/b"), 0);
	EXPECT_EQ(sys_rmdir(CA "/p"), 0);
	ca_umount();
}

KTEST(cpuacct, usage_percpu_has_a_figure_per_online_cpu_adding_up_to_usage)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	volatile int stop = 0;
	struct task *t[2];
	for (int i = 0; i < 2; i++) {
		t[i] = test_spawn("ca_spin", spinner, (void *)&stop, NULL);
		ASSERT_NE(t[i], NULL);
		EXPECT_GT(putpid(CA "/c/tasks", t[i]->pid), 0);
	}
	sleep_ns(100 * MS);
	for (int i = 0; i < 2; i++)
		EXPECT_GT(putpid(CA "/tasks", t[i]->pid), 0);
	long v[NR_CPUS + 1], sum = 0;
	int n = percpu(CA "/c/cpuacct.usage_percpu", v, NR_CPUS + 1);
	EXPECT_EQ(n, online_cpus());
	for (int i = 0; i < n; i++)
		sum += v[i];
	EXPECT_GT(sum, 0);
	EXPECT_EQ(sum, get_num(CA "/c/cpuacct.usage"));
	stop = 1;
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(test_reap(t[i], 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

KTEST(cpuacct, usage_percpu_charges_the_cpu_the_task_ran_on)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	volatile int stop = 0;
	int last = last_cpu();
	cpumask_t one = cpumask_of(last);
	struct task *t = test_spawn("ca_pinned", spinner, (void *)&stop, &one);
	ASSERT_NE(t, NULL);
	spin_in(CA "/c", t, 60);
	long v[NR_CPUS + 1];
	int n = percpu(CA "/c/cpuacct.usage_percpu", v, NR_CPUS + 1);
	ASSERT_EQ(n, online_cpus());
	for (int i = 0; i < n; i++) { // the online CPUs are 0..n-1
		if (i == last)
			EXPECT_GT(v[i], 0);
		else
			EXPECT_EQ(v[i], 0);
	}
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

KTEST(cpuacct, writing_zero_resets_usage_and_counting_goes_on)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(CA "/p/c", 0755), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("ca_spin", spinner, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	spin_in(CA "/p/c", t, 50);
	long parent = get_num(CA "/p/cpuacct.usage");
	EXPECT_GT(get_num(CA "/p/c/cpuacct.usage"), 0);
	EXPECT_EQ(put(CA "/p/c/cpuacct.usage", "0"), 1);
	EXPECT_EQ(get_num(CA "/p/c/cpuacct.usage"), 0);
	char buf[256];
	get(CA "/p/c/cpuacct.usage_percpu", buf, sizeof(buf));
	for (const char *p = buf; *p; p++) // every figure is 0
		EXPECT_TRUE(*p == '0' || *p == ' ' || *p == '\n');
	EXPECT_EQ(get_num(CA "/p/cpuacct.usage"), parent); // the parent keeps its own
	spin_in(CA "/p/c", t, 50);
	EXPECT_GT(get_num(CA "/p/c/cpuacct.usage"), 0);
	EXPECT_GT(get_num(CA "/p/cpuacct.usage"), parent);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CA "/p/c"), 0);
	EXPECT_EQ(sys_rmdir(CA "/p"), 0);
	ca_umount();
}

KTEST(cpuacct, writing_usage_anything_but_zero_einval)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	static const char *const bad[] = {"5", "-1", "x", "", "0 0", "0x0", "1e3"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(put(CA "/c/cpuacct.usage", bad[i]), -EINVAL);
	EXPECT_EQ(put(CA "/c/cpuacct.usage", "0\n"), 2); // echo 0 > cpuacct.usage
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

KTEST(cpuacct, usage_percpu_and_load_are_read_only_einval)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	EXPECT_EQ(put(CA "/c/cpuacct.usage_percpu", "0"), -EINVAL);
	EXPECT_EQ(put(CA "/c/cpuacct.load", "0"), -EINVAL);
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

// ---- load ----

// A new container's window starts before it existed: its load is its
// usage over the whole window (or over the time since boot, if shorter).
KTEST(cpuacct, load_of_a_new_container_is_its_usage_over_the_window)
{
	ca_mount();
	ASSERT_EQ(sys_mkdir(CA "/c", 0755), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("ca_spin", spinner, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	spin_in(CA "/c", t, 300);
	u64 usage = get_num(CA "/c/cpuacct.usage");
	u64 before = clock_ns();
	long load = get_num(CA "/c/cpuacct.load");
	u64 after = clock_ns();
	u64 lo = usage * 100 / MIN(after, CPUACCT_LOAD_WINDOW_NS);
	u64 hi = usage * 100 / MIN(before, CPUACCT_LOAD_WINDOW_NS);
	EXPECT_GT(load, 0);
	EXPECT_GE((u64)load, lo);
	EXPECT_LE((u64)load, hi);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CA "/c"), 0);
	ca_umount();
}

// Made-up histories: `cpus` CPUs busy from `from` to `to` (ns), charged
// every millisecond; each charge records a sample the way cpuacct_charge
// does (the usage before it). Returns the usage at `to`.
static u64 busy(struct cpuacct_load *l, u64 usage, u64 from, u64 to, int cpus)
{
	for (u64 t = from + MS; t <= to; t += MS) {
		cpuacct_load_record(l, t, usage);
		usage += cpus * MS;
	}
	return usage;
}

KTEST(cpuacct, load_is_zero_before_any_charge)
{
	struct cpuacct_load l;
	cpuacct_load_init(&l);
	EXPECT_EQ(cpuacct_load_percent(&l, 3 * SEC, 0), 0);
	EXPECT_EQ(cpuacct_load_percent(&l, 30 * SEC, 0), 0);
}

KTEST(cpuacct, load_before_the_window_fills_is_over_the_time_since_boot)
{
	struct cpuacct_load l;
	cpuacct_load_init(&l);
	u64 u = busy(&l, 0, SEC / 2, SEC / 2 + 2 * SEC, 1); // 2 s of the 4 since boot
	EXPECT_EQ(cpuacct_load_percent(&l, 4 * SEC, u), 50);
}

// 30 s busy: the ring has wrapped; the window's start falls mid-second.
KTEST(cpuacct, load_of_one_busy_cpu_is_100_and_of_two_is_200)
{
	struct cpuacct_load l;
	cpuacct_load_init(&l);
	u64 u = busy(&l, 0, 0, 30 * SEC + SEC / 2, 1);
	EXPECT_EQ(cpuacct_load_percent(&l, 30 * SEC + SEC / 2, u), 100);
	cpuacct_load_init(&l);
	u = busy(&l, 0, 0, 30 * SEC + SEC / 2, 2);
	EXPECT_EQ(cpuacct_load_percent(&l, 30 * SEC + SEC / 2, u), 200);
}

KTEST(cpuacct, load_counts_only_what_the_window_saw_after_an_idle_spell)
{
	struct cpuacct_load l;
	cpuacct_load_init(&l);
	u64 u = busy(&l, 0, 0, 3 * SEC, 1);       // busy 0-3 s
	u = busy(&l, u, 15 * SEC, 20 * SEC, 1);   // idle 3-15 s, busy 15-20 s
	EXPECT_EQ(cpuacct_load_percent(&l, 20 * SEC, u), 50);
	EXPECT_EQ(cpuacct_load_percent(&l, 25 * SEC, u), 50); // idle since 20 s
	EXPECT_EQ(cpuacct_load_percent(&l, 40 * SEC, u), 0);
}

KTEST(cpuacct, load_of_a_half_busy_container_is_50)
{
	struct cpuacct_load l;
	cpuacct_load_init(&l);
	u64 u = 0;
	for (u64 s = 0; s < 40; s++) // busy the first half of every second
		u = busy(&l, u, s * SEC, s * SEC + SEC / 2, 1);
	EXPECT_EQ(cpuacct_load_percent(&l, 40 * SEC, u), 50);
}
