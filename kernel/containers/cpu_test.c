// Tests of the cpu subsystem: the arithmetic of group weights and quota
// refills, every file's rules and errnos (Linux 6.1 cgroup v1's), and
// what the scheduler does with them, coarsely (a heavier group gets
// more, a limited group gets less and is throttled). The exact ratios
// are cpu_bench.c's figures. Each test mounts cpu,cpuacct under /tmp (and
// skips if a user has either mounted).
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/mutex.h"
#include "kernel/sched.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CP "/tmp/cpuctl"


static void cp_umount(void)
{
	putpid(CP "/tasks", current->pid);
	unmount_at(CP);
}

static void expect_file(const char *path, const char *want)
{
	char buf[128];
	EXPECT_GT(get(path, buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, want);
}

// ---- arithmetic ----

KTEST(cpu, group_weight_is_shares_times_this_cpus_part_of_the_load)
{
	EXPECT_EQ(sched_group_cpu_weight(1024, 0, 0), 0);       // idle here
	EXPECT_EQ(sched_group_cpu_weight(1024, 1024, 1024), 1024); // all here
	EXPECT_EQ(sched_group_cpu_weight(1024, 1024, 4096), 256);  // a quarter
	EXPECT_EQ(sched_group_cpu_weight(3072, 2048, 4096), 1536);
	// Never below the minimum, never above the shares (a racy total
	// behind this CPU's own load counts as all here).
	EXPECT_EQ(sched_group_cpu_weight(1024, 15, 1000000), SCHED_MIN_SHARES);
	EXPECT_EQ(sched_group_cpu_weight(1024, 4096, 1024), 1024);
	EXPECT_EQ(sched_group_cpu_weight(SCHED_MAX_SHARES, 88761 * 8, 88761 * 8),
		  SCHED_MAX_SHARES);
}

KTEST(cpu, a_refill_pays_the_overrun_and_never_saves_unused_time)
{
	EXPECT_EQ(sched_bw_refill(0, 50), 50);
	EXPECT_EQ(sched_bw_refill(-7, 50), 43);   // overran by 7
	EXPECT_EQ(sched_bw_refill(-80, 50), -30); // still in debt: stays throttled
	EXPECT_EQ(sched_bw_refill(20, 50), 50);   // unused time is not kept
}

// ---- files ----

KTEST(cpu, files_have_linux_defaults_and_the_root_is_read_only)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	expect_file(CP "/cpu.shares", "1024\n");
	expect_file(CP "/cpu.cfs_period_us", "100000\n");
	expect_file(CP "/cpu.cfs_quota_us", "-1\n");
	expect_file(CP "/cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
	EXPECT_EQ(put(CP "/cpu.shares", "2048"), -EINVAL);
	EXPECT_EQ(put(CP "/cpu.cfs_quota_us", "50000"), -EINVAL);
	EXPECT_EQ(put(CP "/cpu.cfs_quota_us", "-1"), -EINVAL);
	EXPECT_EQ(put(CP "/cpu.cfs_period_us", "50000"), -EINVAL);
	EXPECT_EQ(put(CP "/cpu.stat", "0"), -EINVAL); // (Corral's read-only files)
	expect_file(CP "/cpu.shares", "1024\n");
	expect_file(CP "/cpu.cfs_period_us", "100000\n");
	ASSERT_EQ(sys_mkdir(CP "/a", 0755), 0);
	expect_file(CP "/a/cpu.shares", "1024\n");
	expect_file(CP "/a/cpu.cfs_quota_us", "-1\n");
	expect_file(CP "/a/cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
	EXPECT_EQ(sys_rmdir(CP "/a"), 0);
	cp_umount();
}

KTEST(cpu, shares_are_clamped_to_2_and_262144)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	ASSERT_EQ(sys_mkdir(CP "/s", 0755), 0);
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"2048", "2048\n"}, {"0", "2\n"},          {"1", "2\n"},
		{"2", "2\n"},       {"262144", "262144\n"}, {"262145", "262144\n"},
		{"18446744073709551615", "262144\n"},      {"100", "100\n"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_GT(put(CP "/s/cpu.shares", cases[i].in), 0);
		expect_file(CP "/s/cpu.shares", cases[i].out);
	}
	// Negative, garbage, past 64 bits: refused, unchanged.
	EXPECT_EQ(put(CP "/s/cpu.shares", "-1"), -EINVAL);
	EXPECT_EQ(put(CP "/s/cpu.shares", "12x"), -EINVAL);
	EXPECT_EQ(put(CP "/s/cpu.shares", "18446744073709551616"), -ERANGE);
	expect_file(CP "/s/cpu.shares", "100\n");
	EXPECT_EQ(sys_rmdir(CP "/s"), 0);
	cp_umount();
}

KTEST(cpu, period_and_quota_ranges_as_linux)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	ASSERT_EQ(sys_mkdir(CP "/q", 0755), 0);
	EXPECT_EQ(put(CP "/q/cpu.cfs_period_us", "999"), -EINVAL);
	EXPECT_EQ(put(CP "/q/cpu.cfs_period_us", "1000001"), -EINVAL);
	EXPECT_EQ(put(CP "/q/cpu.cfs_period_us", "-5"), -EINVAL);
	EXPECT_GT(put(CP "/q/cpu.cfs_period_us", "1000"), 0);
	EXPECT_GT(put(CP "/q/cpu.cfs_period_us", "1000000"), 0);
	expect_file(CP "/q/cpu.cfs_period_us", "1000000\n");
	EXPECT_EQ(put(CP "/q/cpu.cfs_quota_us", "0"), -EINVAL);
	EXPECT_EQ(put(CP "/q/cpu.cfs_quota_us", "999"), -EINVAL);
	EXPECT_EQ(put(CP "/q/cpu.cfs_quota_us", "17592186044416"), -EINVAL); // 2^44 us
	expect_file(CP "/q/cpu.cfs_quota_us", "-1\n");
	EXPECT_GT(put(CP "/q/cpu.cfs_quota_us", "1000"), 0);
	expect_file(CP "/q/cpu.cfs_quota_us", "1000\n");
	EXPECT_GT(put(CP "/q/cpu.cfs_quota_us", "-7"), 0); // any negative: unlimited
	expect_file(CP "/q/cpu.cfs_quota_us", "-1\n");
	EXPECT_GT(put(CP "/q/cpu.cfs_quota_us", "2500000"), 0); // more than a period: CPUs
	expect_file(CP "/q/cpu.cfs_quota_us", "2500000\n");
	EXPECT_GT(put(CP "/q/cpu.cfs_quota_us", "-1"), 0);
	EXPECT_EQ(sys_rmdir(CP "/q"), 0);
	cp_umount();
}

KTEST(cpu, a_child_cannot_be_promised_more_than_its_parent)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	ASSERT_EQ(sys_mkdir(CP "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(CP "/p/m", 0755), 0);
	ASSERT_EQ(sys_mkdir(CP "/p/m/c", 0755), 0);
	EXPECT_GT(put(CP "/p/cpu.cfs_quota_us", "50000"), 0); // 0.5 CPU
	// A grandchild is checked against the nearest limited ancestor.
	EXPECT_EQ(put(CP "/p/m/c/cpu.cfs_quota_us", "60000"), -EINVAL);
	EXPECT_GT(put(CP "/p/m/c/cpu.cfs_quota_us", "50000"), 0);
	// The ratio counts, not the number: 40 ms per 50 ms is 0.8 CPU.
	EXPECT_EQ(put(CP "/p/m/c/cpu.cfs_period_us", "50000"), -EINVAL);
	EXPECT_GT(put(CP "/p/m/c/cpu.cfs_quota_us", "20000"), 0);
	EXPECT_GT(put(CP "/p/m/c/cpu.cfs_period_us", "50000"), 0); // 0.4 CPU
	// The parent cannot go below what a descendant has.
	EXPECT_EQ(put(CP "/p/cpu.cfs_quota_us", "30000"), -EINVAL);
	expect_file(CP "/p/cpu.cfs_quota_us", "50000\n");
	EXPECT_GT(put(CP "/p/cpu.cfs_quota_us", "40000"), 0);
	EXPECT_GT(put(CP "/p/cpu.cfs_quota_us", "-1"), 0); // unlimited: anything below
	EXPECT_GT(put(CP "/p/m/cpu.cfs_quota_us", "300000"), 0);
	EXPECT_EQ(sys_rmdir(CP "/p/m/c"), 0);
	EXPECT_EQ(sys_rmdir(CP "/p/m"), 0);
	EXPECT_EQ(sys_rmdir(CP "/p"), 0);
	cp_umount();
}

// ---- the scheduler ----

static u64 usage_of(const char *dir)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/cpuacct.usage", dir);
	long v = get_num(path);
	return v < 0 ? 0 : (u64)v;
}

// Two spinners per container, all on one CPU, for ms: the usage each got.
static void spin_pair(const char *a, const char *b, u64 ms, u64 *ua, u64 *ub)
{
	volatile int stop = 0;
	cpumask_t one = cpumask_of(last_cpu());
	struct task *t[4];
	for (int i = 0; i < 4; i++) {
		t[i] = test_spawn("cpu_spin", spinner, (void *)&stop, &one);
		EXPECT_NE(t[i], NULL);
		if (t[i]) {
			char path[96];
			snprintf(path, sizeof(path), "%s/tasks", i < 2 ? a : b);
			EXPECT_GT(putpid(path, t[i]->pid), 0);
		}
	}
	// A new task's first ticks are not held to its share (sched.c: the
	// wake-up burst, SCHED_WAKE_BURST_TICKS): measure once all four
	// are past theirs.
	sleep_ns(200 * MS);
	u64 a0 = usage_of(a), b0 = usage_of(b);
	sleep_ns(ms * MS);
	*ua = usage_of(a) - a0;
	*ub = usage_of(b) - b0;
	stop = 1;
	for (int i = 0; i < 4; i++)
		if (t[i])
			EXPECT_EQ(test_reap(t[i], 5000 * MS), 0);
}

KTEST(cpu, more_shares_get_more_cpu_and_fewer_are_not_starved)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	ASSERT_EQ(sys_mkdir(CP "/big", 0755), 0);
	ASSERT_EQ(sys_mkdir(CP "/small", 0755), 0);
	EXPECT_GT(put(CP "/big/cpu.shares", "4096"), 0);
	u64 big, small;
	// A second: a vCPU stalled by a loaded host charges the stall to
	// whichever spinner runs, and a short window is swayed by one.
	spin_pair(CP "/big", CP "/small", 1000, &big, &small);
	kprintf("# big %llu small %llu\n", (unsigned long long)big, (unsigned long long)small);
	EXPECT_GT(small, 0);         // never starved
	EXPECT_GT(big, small * 2);   // 4:1 wanted; clearly more in any case
	EXPECT_EQ(sys_rmdir(CP "/big"), 0);
	EXPECT_EQ(sys_rmdir(CP "/small"), 0);
	cp_umount();
}

// The number after "key " in the file at path, -1 if there is none.
static long stat_field(const char *path, const char *key)
{
	char buf[256], k[40];
	if (get(path, buf, sizeof(buf)) <= 0)
		return -1;
	snprintf(k, sizeof(k), "%s ", key);
	const char *p = strstr(buf, k);
	if (!p || (p != buf && p[-1] != '\n'))
		return -1;
	long v = 0;
	for (p += strlen(k); *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

KTEST(cpu, a_quota_throttles_and_cpu_stat_counts)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	ASSERT_EQ(sys_mkdir(CP "/lim", 0755), 0);
	EXPECT_GT(put(CP "/lim/cpu.cfs_period_us", "20000"), 0);
	EXPECT_GT(put(CP "/lim/cpu.cfs_quota_us", "2000"), 0); // a tenth of a CPU
	volatile int stop = 0;
	cpumask_t one = cpumask_of(last_cpu());
	struct task *t = test_spawn("cpu_lim", spinner, (void *)&stop, &one);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid(CP "/lim/tasks", t->pid), 0);
	// 400 ms, and on (to 3 s) until it has been throttled 3 times: a vCPU
	// the host stalls charges the stall to the spinner, and the debt
	// keeps it throttled for that many more periods.
	u64 u0 = usage_of(CP "/lim"), t0 = clock_ns();
	sleep_ns(400 * MS);
	while (stat_field(CP "/lim/cpu.stat", "nr_throttled") <= 2 && clock_ns() - t0 < 3000 * MS)
		sleep_ns(10 * MS);
	u64 used = usage_of(CP "/lim") - u0, wall = clock_ns() - t0;
	kprintf("# used %llu of %llu ns\n", (unsigned long long)used, (unsigned long long)wall);
	EXPECT_LT(used, wall / 2); // clearly less than the whole CPU
	EXPECT_GT(used, 0);
	long periods = stat_field(CP "/lim/cpu.stat", "nr_periods");
	long throttled = stat_field(CP "/lim/cpu.stat", "nr_throttled");
	long tt = stat_field(CP "/lim/cpu.stat", "throttled_time");
	EXPECT_GT(periods, 2);
	EXPECT_GT(throttled, 2);
	EXPECT_LE(throttled, periods);
	EXPECT_GT(tt, 0);
	// Lifting the limit lets it run again: more than half a CPU in one of
	// five 100 ms windows (a tenth, limited; five, as the host may stall
	// the idle vCPU it must wake on).
	EXPECT_GT(put(CP "/lim/cpu.cfs_quota_us", "-1"), 0);
	bool ran = false;
	for (int i = 0; i < 5 && !ran; i++) {
		u0 = usage_of(CP "/lim"), t0 = clock_ns();
		sleep_ns(100 * MS);
		ran = usage_of(CP "/lim") - u0 > (clock_ns() - t0) / 2;
	}
	EXPECT_TRUE(ran);
	stop = 1;
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CP "/lim"), 0);
	cp_umount();
}

// fn(arg) on the last CPU, in a new group CP/t of 1 ms a second (the
// test removes it); NULL if the group or the task could not be made.
static struct task *spawn_in_1ms_a_second(const char *name, int (*fn)(void *), void *arg)
{
	if (sys_mkdir(CP "/t", 0755) != 0 || put(CP "/t/cpu.cfs_period_us", "1000000") <= 0 ||
	    put(CP "/t/cpu.cfs_quota_us", "1000") <= 0)
		return NULL;
	cpumask_t one = cpumask_of(last_cpu());
	struct task *t = test_spawn(name, fn, arg, &one);
	EXPECT_TRUE(!t || putpid(CP "/t/tasks", t->pid) > 0);
	return t;
}

// Wait (up to 3 s) until t is throttled; false if it never is.
static bool wait_throttled(struct task *t)
{
	for (int i = 0; i < 3000 && !READ_ONCE(t->throttled_on); i++)
		sleep_ns(MS);
	return READ_ONCE(t->throttled_on) != NULL;
}

KTEST(cpu, a_task_moved_out_of_a_throttled_group_runs_and_the_group_can_go)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	volatile int stop = 0;
	struct task *t = spawn_in_1ms_a_second("cpu_thr", spinner, (void *)&stop);
	ASSERT_NE(t, NULL);
	// Throttled after its 1 ms, for the rest of the second.
	ASSERT_TRUE(wait_throttled(t));
	u64 u0 = task_cpu_time_ns(t);
	sleep_ns(50 * MS);
	EXPECT_LT(task_cpu_time_ns(t) - u0, 20 * MS);
	EXPECT_GT(putpid(CP "/tasks", t->pid), 0);
	EXPECT_EQ(sys_rmdir(CP "/t"), 0); // empty now: its group goes
	// Then it runs: over 10 ms in one of five 50 ms windows (the host may
	// be slow to run the idle vCPU it must wake on).
	bool ran = false;
	for (int i = 0; i < 5 && !ran; i++) {
		u0 = task_cpu_time_ns(t);
		sleep_ns(50 * MS);
		ran = task_cpu_time_ns(t) - u0 > 10 * MS;
	}
	EXPECT_TRUE(ran);
	stop = 1;
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);
	cp_umount();
}

// A task of a throttled group that owns a mutex runs on until it lets it
// go: throttled there, it would keep every task that waits for the mutex
// waiting for its group's next periods too (the torture suite saw ps and
// cat wait 80 s behind such a holder). Then it is throttled as usual.
struct holder {
	struct mutex *m;
	volatile int go, locked, stop;
};

#define HOLD_CPU_NS (20 * MS)

static int hold_then_spin(void *arg)
{
	struct holder *h = arg;
	while (!h->go)
		sleep_ns(MS); // (uses next to none of the quota)
	mutex_lock(h->m);
	h->locked = 1;
	u64 start = task_cpu_time_ns(current);
	while (task_cpu_time_ns(current) - start < HOLD_CPU_NS) // 20 quotas' worth
		cpu_relax();
	mutex_unlock(h->m);
	while (!h->stop)
		cpu_relax();
	return 0;
}

KTEST(cpu, a_task_owning_a_mutex_is_throttled_only_once_it_lets_go)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	struct mutex m;
	mutex_init(&m, "held_over_quota");
	struct holder h = {.m = &m};
	struct task *t = spawn_in_1ms_a_second("cpu_holder", hold_then_spin, &h);
	ASSERT_NE(t, NULL);
	h.go = 1;
	for (int i = 0; i < 5000 && !h.locked; i++)
		sleep_ns(MS);
	ASSERT_TRUE(h.locked);
	u64 t0 = clock_ns();
	mutex_lock(&m); // behind 20 ms of the holder's CPU time
	u64 waited = clock_ns() - t0;
	mutex_unlock(&m);
	kprintf("# waited %llu ms for the holder\n", (unsigned long long)(waited / MS));
	// Not 20 periods (20 s): well within 5, however slow the host.
	EXPECT_LT(waited, 5000 * MS);
	// Then throttled for the rest of the second.
	EXPECT_TRUE(wait_throttled(t));
	u64 u0 = task_cpu_time_ns(t);
	sleep_ns(100 * MS);
	EXPECT_LT(task_cpu_time_ns(t) - u0, 20 * MS);
	h.stop = 1;
	EXPECT_GT(putpid(CP "/tasks", t->pid), 0); // out of the limit to finish
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CP "/t"), 0);
	cp_umount();
}

// A killed task of a throttled group is let go at once and runs to its
// exit: it does not wait for the group's next period (at 1 ms a second,
// the torture suite's killed scripts took minutes to end).
static int spin_until_killed(void *arg)
{
	(void)arg;
	for (;;) {
		cpu_relax();
		task_check_killed();
	}
	return 0;
}

KTEST(cpu, a_killed_task_of_a_throttled_group_exits_without_waiting_for_the_period)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	struct task *t = spawn_in_1ms_a_second("cpu_killed", spin_until_killed, NULL);
	ASSERT_NE(t, NULL);
	// Wait until a period starts and it is throttled in it: the kill then
	// comes with most of a second of that period left.
	long p0 = stat_field(CP "/t/cpu.stat", "nr_periods");
	for (int i = 0; i < 3000 && stat_field(CP "/t/cpu.stat", "nr_periods") == p0; i++)
		sleep_ns(MS);
	ASSERT_TRUE(wait_throttled(t));
	long periods = stat_field(CP "/t/cpu.stat", "nr_periods");
	EXPECT_EQ(do_kill(t->pid, SIGKILL), 0);
	EXPECT_EQ(test_reap(t, 5000 * MS), SIGKILL);
	// Gone within the period it was killed in.
	EXPECT_EQ(stat_field(CP "/t/cpu.stat", "nr_periods"), periods);
	EXPECT_EQ(sys_rmdir(CP "/t"), 0);
	cp_umount();
}

// Moves between limited groups, quotas switched on and off and groups
// removed while tasks wait throttled: every task keeps running to its end
// (none lost off the queues), and every group's load is back to 0 when it
// goes (sched_group_destroy WARNs otherwise).
KTEST(cpu, churn_of_moves_and_quotas_loses_no_task)
{
	MOUNT_OR_SKIP(CP, "cpu,cpuacct");
	static const char *const dirs[] = {CP, CP "/a", CP "/a/b", CP "/c"};
	ASSERT_EQ(sys_mkdir(CP "/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(CP "/a/b", 0755), 0);
	ASSERT_EQ(sys_mkdir(CP "/c", 0755), 0);
	EXPECT_GT(put(CP "/a/cpu.cfs_period_us", "10000"), 0);
	EXPECT_GT(put(CP "/a/cpu.cfs_quota_us", "2000"), 0);
	EXPECT_GT(put(CP "/a/b/cpu.cfs_period_us", "10000"), 0);
	EXPECT_GT(put(CP "/a/b/cpu.cfs_quota_us", "1000"), 0);
	EXPECT_GT(put(CP "/a/b/cpu.shares", "3"), 0);
	EXPECT_GT(put(CP "/c/cpu.cfs_quota_us", "1000"), 0);
	volatile int stop = 0;
	enum { N = 6 };
	struct task *t[N];
	for (int i = 0; i < N; i++) {
		t[i] = test_spawn("cpu_churn", spinner, (void *)&stop, NULL);
		ASSERT_NE(t[i], NULL);
	}
	u32 seed = 12345;
	for (int round = 0; round < 200; round++) {
		seed = seed * 1103515245 + 12345;
		int i = (seed >> 8) % N, d = (seed >> 16) % ARRAY_SIZE(dirs);
		if (round > 150 && d == 3) // /c is gone
			d = 1;
		char path[64];
		snprintf(path, sizeof(path), "%s/tasks", dirs[d]);
		EXPECT_GT(putpid(path, t[i]->pid), 0);
		if (round % 25 == 0)
			put(CP "/c/cpu.cfs_quota_us", round % 50 ? "1000" : "-1");
		if (round == 150) { // empty /c and remove it with tasks throttled in /a
			for (int k = 0; k < N; k++)
				putpid(CP "/a/tasks", t[k]->pid);
			EXPECT_EQ(sys_rmdir(CP "/c"), 0);
		}
		sleep_ns(MS);
	}
	// Everyone back to the root, unlimited: all must finish.
	for (int i = 0; i < N; i++)
		EXPECT_GT(putpid(CP "/tasks", t[i]->pid), 0);
	stop = 1;
	for (int i = 0; i < N; i++)
		EXPECT_EQ(test_reap(t[i], 5000 * MS), 0);
	EXPECT_EQ(sys_rmdir(CP "/a/b"), 0);
	EXPECT_EQ(sys_rmdir(CP "/a"), 0);
	cp_umount();
}
