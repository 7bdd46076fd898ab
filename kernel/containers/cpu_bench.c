// The cpu subsystem's figures (issue 16's targets), measured with kernel
// spinner tasks and cpuacct.usage over WINDOW_MS windows, the subsystems
// mounted as cpuset,cpu,cpuacct under /tmp. Values are ratios or shares
// in thousandths (kbench_report's value_milli):
//
//   cpu_shares_2048_vs_1024_one_cpu       usage ratio, 2 spinners each, one CPU (2.000)
//   cpu_shares_64_vs_4x4096_one_cpu_pct   1 spinner at 64 shares beside 4 at 4096 (1.538)
//   cpu_shares_1024_2048_4096_two_cpus_b  B/A, 2 spinners each on CPUs 0-1 (2.000)
//   cpu_shares_1024_2048_4096_two_cpus_c  C/A (4.000)
//   cpu_shares_nested_{b,a1,a2}_pct       A(1024){A1 1024, A2 3072} beside B(1024),
//                                         one spinner each, one CPU (50, 12.5, 37.5)
//   cpu_shares_8a_1024_8b_3072_all_cpus   B/A, 8 spinners each, every CPU (3.000)
//   cpu_quota_50000_one_spinner_cpus      CPUs used by one spinner (0.500)
//   cpu_quota_150000_four_spinners_cpus   CPUs used by 4 spinners on 4 CPUs (1.500)
//   cpu_interactive_ms{,_max}             a task at 2 shares beside 4 spinners at
//                                         262144 on its CPU: wall time from a
//                                         wake-up to the end of 1 ms of work
//                                         (its "command"), mean and worst of 10
//   cpu_sleeper_2_vs_4x262144_pct         its CPU share when it sleeps 10 ms and
//                                         spins 10 ms in turn (its shares alone
//                                         would give it 0.0002 %)
//   {ctxsw_same_cpu_ns,spawn_exit_wait_us}_cpu_{plain,nested,overhead_pct}
//                                         the hot paths with cpu not mounted vs
//                                         mounted and the bench in /a/b
//
// "CPUs used" is usage / wall time: on a host too loaded to give each vCPU
// its whole time it reads low.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CB "/tmp/cpu_bench"
#define WINDOW_MS 4000
#define MAXSPIN 16

struct spinset {
	volatile int stop;
	int n;
	struct task *t[MAXSPIN];
};

static void spin_start(struct spinset *s, const char *dir, int n, const cpumask_t *mask)
{
	char path[96];
	snprintf(path, sizeof(path), CB "%s/tasks", dir);
	for (int i = 0; i < n && s->n < MAXSPIN; i++) {
		struct task *t = test_spawn("cpu_bench", spinner, (void *)&s->stop, mask);
		if (!t)
			continue;
		putpid(path, t->pid);
		s->t[s->n++] = t;
	}
}

static void spin_stop(struct spinset *s)
{
	s->stop = 1;
	for (int i = 0; i < s->n; i++)
		test_reap(s->t[i], 10 * NSEC_PER_SEC);
	s->n = 0;
	s->stop = 0;
}

static u64 usage(const char *dir)
{
	char path[96];
	snprintf(path, sizeof(path), CB "%s/cpuacct.usage", dir);
	long v = get_num(path);
	return v < 0 ? 0 : (u64)v;
}

// Usage gained by each of n containers over the window (after a warm-up);
// returns the window (ns).
static u64 measure(const char *const *dirs, int n, u64 *out)
{
	sleep_ns(300 * MS);
	u64 before[8];
	for (int i = 0; i < n; i++)
		before[i] = usage(dirs[i]);
	u64 t0 = clock_ns();
	sleep_ns(WINDOW_MS * MS);
	for (int i = 0; i < n; i++)
		out[i] = usage(dirs[i]) - before[i];
	return clock_ns() - t0;
}

static void mk(const char *dir, const char *cpus, const char *shares)
{
	char path[96];
	snprintf(path, sizeof(path), CB "%s", dir);
	sys_mkdir(path, 0755);
	snprintf(path, sizeof(path), CB "%s/cpuset.cpus", dir);
	put(path, cpus);
	snprintf(path, sizeof(path), CB "%s/cpu.shares", dir);
	put(path, shares);
}

static void rm(const char *dir)
{
	char path[96];
	snprintf(path, sizeof(path), CB "%s", dir);
	sys_rmdir(path);
}

static u64 ratio_milli(u64 a, u64 b) { return b ? a * 1000 / b : 0; }

KBENCH(cpu_shares)
{
	if (!bench_may_mount("cpu_shares", CB, "cpuset,cpu,cpuacct"))
		return;
	int err = mount_at(CB, "cpuset,cpu,cpuacct");
	if (err) {
		kprintf("# cpu_shares: mount: %d\n", err);
		return;
	}
	int last = last_cpu();
	char one[8], all[16];
	snprintf(one, sizeof(one), "%d", last);
	snprintf(all, sizeof(all), "0-%d", last);
	cpumask_t m1 = cpumask_of(last), m01 = cpumask_of(0), mall = cpu_online_mask;
	cpumask_set_cpu(1 % (last + 1), &m01);
	struct spinset s = {0};
	u64 u[4];

	mk("/a", one, "2048");
	mk("/b", one, "1024");
	spin_start(&s, "/a", 2, &m1);
	spin_start(&s, "/b", 2, &m1);
	measure((const char *const[]){"/a", "/b"}, 2, u);
	spin_stop(&s);
	kbench_report("cpu_shares_2048_vs_1024_one_cpu", ratio_milli(u[0], u[1]), "x");
	rm("/a");
	rm("/b");

	mk("/a", one, "64");
	mk("/b", one, "4096");
	spin_start(&s, "/a", 1, &m1);
	spin_start(&s, "/b", 4, &m1);
	measure((const char *const[]){"/a", "/b"}, 2, u);
	spin_stop(&s);
	kbench_report("cpu_shares_64_vs_4x4096_one_cpu_pct", ratio_milli(u[0] * 100, u[0] + u[1]),
		      "%");
	rm("/a");
	rm("/b");

	mk("/a", "0-1", "1024");
	mk("/b", "0-1", "2048");
	mk("/c", "0-1", "4096");
	spin_start(&s, "/a", 2, &m01);
	spin_start(&s, "/b", 2, &m01);
	spin_start(&s, "/c", 2, &m01);
	measure((const char *const[]){"/a", "/b", "/c"}, 3, u);
	spin_stop(&s);
	kbench_report("cpu_shares_1024_2048_4096_two_cpus_b", ratio_milli(u[1], u[0]), "x");
	kbench_report("cpu_shares_1024_2048_4096_two_cpus_c", ratio_milli(u[2], u[0]), "x");
	rm("/a");
	rm("/b");
	rm("/c");

	mk("/a", one, "1024");
	mk("/a/a1", one, "1024");
	mk("/a/a2", one, "3072");
	mk("/b", one, "1024");
	spin_start(&s, "/a/a1", 1, &m1);
	spin_start(&s, "/a/a2", 1, &m1);
	spin_start(&s, "/b", 1, &m1);
	measure((const char *const[]){"/b", "/a/a1", "/a/a2"}, 3, u);
	spin_stop(&s);
	u64 total = u[0] + u[1] + u[2];
	kbench_report("cpu_shares_nested_b_pct", ratio_milli(u[0] * 100, total), "%");
	kbench_report("cpu_shares_nested_a1_pct", ratio_milli(u[1] * 100, total), "%");
	kbench_report("cpu_shares_nested_a2_pct", ratio_milli(u[2] * 100, total), "%");
	rm("/a/a1");
	rm("/a/a2");
	rm("/a");
	rm("/b");

	mk("/a", all, "1024");
	mk("/b", all, "3072");
	spin_start(&s, "/a", 8, &mall);
	spin_start(&s, "/b", 8, &mall);
	measure((const char *const[]){"/a", "/b"}, 2, u);
	spin_stop(&s);
	kbench_report("cpu_shares_8a_1024_8b_3072_all_cpus", ratio_milli(u[1], u[0]), "x");
	rm("/a");
	rm("/b");

	mk("/q", one, "1024");
	put(CB "/q/cpu.cfs_quota_us", "50000");
	spin_start(&s, "/q", 1, &m1);
	u64 wall = measure((const char *const[]){"/q"}, 1, u);
	spin_stop(&s);
	kbench_report("cpu_quota_50000_one_spinner_cpus", ratio_milli(u[0], wall), "CPUs");
	rm("/q");

	mk("/q", all, "1024");
	put(CB "/q/cpu.cfs_quota_us", "150000");
	spin_start(&s, "/q", 4, &mall);
	wall = measure((const char *const[]){"/q"}, 1, u);
	spin_stop(&s);
	kbench_report("cpu_quota_150000_four_spinners_cpus", ratio_milli(u[0], wall), "CPUs");
	rm("/q");

	putpid(CB "/tasks", current->pid);
	unmount_at(CB);
}

// ---- a light task that sleeps beside heavy spinners ----

#define INTERACTIVE_ROUNDS 10

struct interactive {
	volatile int go, stop;
	u64 sum_ns, max_ns; // response times (wall, from the wake-up)
	int rounds;
};

// Sleep 20 ms, then "answer a command": 1 ms of CPU. Waits for go (it is
// put into its container first).
static int interactive_task(void *arg)
{
	struct interactive *in = arg;
	while (!in->go)
		sleep_ns(MS);
	for (int i = 0; i < INTERACTIVE_ROUNDS && !in->stop; i++) {
		u64 woke = clock_ns() + 20 * MS;
		sleep_ns(20 * MS);
		u64 cpu0 = task_cpu_time_ns(current);
		while (task_cpu_time_ns(current) - cpu0 < MS)
			cpu_relax();
		u64 took = clock_ns() - woke;
		in->sum_ns += took;
		in->max_ns = MAX(in->max_ns, took);
		in->rounds++;
	}
	return 0;
}

// Sleep 10 ms, spin 10 ms (wall), until stop.
static int sleep_spin_task(void *arg)
{
	struct interactive *in = arg;
	while (!in->stop) {
		sleep_ns(10 * MS);
		u64 end = clock_ns() + 10 * MS;
		while (clock_ns() < end && !in->stop)
			cpu_relax();
	}
	return 0;
}

KBENCH(cpu_interactive)
{
	if (!bench_may_mount("cpu_interactive", CB, "cpuset,cpu,cpuacct"))
		return;
	int err = mount_at(CB, "cpuset,cpu,cpuacct");
	if (err) {
		kprintf("# cpu_interactive: mount: %d\n", err);
		return;
	}
	int last = last_cpu();
	char one[8];
	snprintf(one, sizeof(one), "%d", last);
	cpumask_t m1 = cpumask_of(last);
	struct spinset s = {0};
	mk("/h", one, "262144");
	mk("/i", one, "2");
	spin_start(&s, "/h", 4, &m1);
	sleep_ns(300 * MS);

	struct interactive in = {0};
	struct task *t = test_spawn("cpu_bench_ia", interactive_task, &in, &m1);
	if (t) {
		putpid(CB "/i/tasks", t->pid);
		in.go = 1;
		u64 end = clock_ns() + 30 * NSEC_PER_SEC;
		while (in.rounds < INTERACTIVE_ROUNDS && clock_ns() < end)
			sleep_ns(10 * MS);
		in.stop = 1;
		test_reap(t, 10 * NSEC_PER_SEC);
		if (in.rounds)
			kbench_report("cpu_interactive_ms", in.sum_ns / in.rounds / 1000, "ms");
		kbench_report("cpu_interactive_max_ms", in.max_ns / 1000, "ms");
		if (in.rounds < INTERACTIVE_ROUNDS)
			kprintf("# cpu_interactive: %d of %d rounds in 30 s\n", in.rounds,
				INTERACTIVE_ROUNDS);
	}

	struct interactive sl = {0};
	t = test_spawn("cpu_bench_sl", sleep_spin_task, &sl, &m1);
	if (t) {
		putpid(CB "/i/tasks", t->pid);
		u64 u[2];
		measure((const char *const[]){"/i", "/h"}, 2, u);
		sl.stop = 1;
		test_reap(t, 10 * NSEC_PER_SEC);
		kbench_report("cpu_sleeper_2_vs_4x262144_pct", ratio_milli(u[0] * 100, u[0] + u[1]),
			      "%");
	}
	spin_stop(&s);
	rm("/h");
	rm("/i");
	putpid(CB "/tasks", current->pid);
	unmount_at(CB);
}

// ---- cost ----

#define ROUNDS 7

KBENCH(cpu_overhead)
{
	static const struct {
		const char *name, *unit;
		u64 (*fn)(void);
	} b[] = {
		{"ctxsw_same_cpu_ns_cpu", "ns", bench_ctxsw_same_cpu_ns},
		{"spawn_exit_wait_us_cpu", "us", bench_spawn_exit_wait_us},
	};
	if (!bench_may_mount("cpu_overhead", CB, "cpu"))
		return;
	for (size_t k = 0; k < ARRAY_SIZE(b); k++) {
		u64 plain[ROUNDS], nested[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			plain[r] = b[k].fn();
			nested[r] = bench_run_nested(CB, "cpu", b[k].fn);
		}
		bench_report_overhead(b[k].name, bench_min(plain, ROUNDS), bench_min(nested, ROUNDS),
				      b[k].unit);
	}
}
