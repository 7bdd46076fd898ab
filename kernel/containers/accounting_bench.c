// What each accounting subsystem adds to the hot path it governs, alone
// in its hierarchy, from a task two levels down (/a/b) versus with the
// subsystem not mounted at all:
//
//   open_close_us_bc_{plain,nested}            open + close of a ramfs file
//   spawn_exit_wait_us_numtasks_{plain,nested} spawn a task that exits, reap it
//   ctxsw_same_cpu_ns_cpuacct_{plain,nested}   two tasks yielding on one CPU
//   X_overhead_pct                             nested over plain
//
// numtasks runs with limits set (root 100000 tasks, a and b 50 shares),
// so every spawn walks and checks the whole chain. Plain and nested runs
// alternate for ROUNDS rounds and the best of each is reported: on TCG a
// vCPU whose host thread is descheduled (other guests on the host) only
// ever adds time, by up to tens of times in one round, which a median of
// a few rounds does not always leave out.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"

#define DIR "/tmp/accounting_bench"
#define ROUNDS 9
#define YIELDS 10000

// Each returns thousandths of its unit per operation.
static u64 open_close(void)
{
	const int n = 20000;
	int fd = sys_open("/tmp/bench_acct_oc", O_WRONLY | O_CREAT, 0644);
	sys_close(fd);
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++)
		sys_close(sys_open("/tmp/bench_acct_oc", O_RDONLY, 0));
	u64 ns = (clock_ns() - t0) / n;
	sys_unlink("/tmp/bench_acct_oc");
	return ns; // ns = thousandths of a us
}

static int exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

static u64 spawn_exit_wait(void)
{
	const int n = 300;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = kernel_spawn("bench", exit_at_once, NULL);
		if (pid < 0 || do_waitpid(pid, NULL, 0) != pid)
			return 0;
	}
	return (clock_ns() - t0) / n;
}

static int yield_rounds(void *arg)
{
	volatile int *go = arg;
	while (!*go)
		sched_yield();
	for (int i = 0; i < YIELDS; i++)
		sched_yield();
	return 0;
}

static u64 ctxsw_same_cpu(void)
{
	volatile int go = 0;
	cpumask_t one = cpumask_of(last_cpu());
	struct task *a = test_spawn("ctxsw-a", yield_rounds, (void *)&go, &one);
	struct task *b = test_spawn("ctxsw-b", yield_rounds, (void *)&go, &one);
	if (!a || !b) {
		go = 1;
		if (a)
			test_reap(a, 5000 * MS);
		return 0;
	}
	sleep_ns(20 * MS);
	u64 t0 = clock_ns();
	go = 1;
	test_reap(a, 10000 * MS);
	test_reap(b, 10000 * MS);
	return (clock_ns() - t0) * 1000 / (2 * YIELDS);
}

struct path_bench {
	const char *subsys;
	const char *name; // the figure's name, before _plain/_nested
	const char *unit;
	u64 (*run)(void);
};

static const struct path_bench benches[] = {
	{"bc", "open_close_us_bc", "us", open_close},
	{"numtasks", "spawn_exit_wait_us_numtasks", "us", spawn_exit_wait},
	{"cpuacct", "ctxsw_same_cpu_ns_cpuacct", "ns", ctxsw_same_cpu},
};

// Mount only b->subsys, join /a/b, run, leave, clean up. 0 if it could not.
static u64 run_nested(const struct path_bench *b)
{
	if (mount_at(DIR, b->subsys))
		return 0;
	sys_mkdir(DIR "/a", 0755);
	sys_mkdir(DIR "/a/b", 0755);
	if (!strcmp(b->subsys, "numtasks")) {
		put(DIR "/numtasks.max", "100000");
		put(DIR "/a/numtasks.shares", "max_shares=50");
		put(DIR "/a/b/numtasks.shares", "max_shares=50");
	}
	u64 v = 0;
	if (put(DIR "/a/b/tasks", "0") > 0) {
		v = b->run();
		put(DIR "/tasks", "0");
	}
	put(DIR "/numtasks.max", "max");
	sys_rmdir(DIR "/a/b");
	sys_rmdir(DIR "/a");
	unmount_at(DIR);
	return v;
}

static void sort_u64(u64 *v, int n) // insertion sort: tiny arrays
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			u64 t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

KBENCH(accounting_overhead)
{
	for (size_t k = 0; k < ARRAY_SIZE(benches); k++) {
		const struct path_bench *b = &benches[k];
		u64 plain[ROUNDS], nested[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			plain[r] = b->run();
			nested[r] = run_nested(b);
		}
		sort_u64(plain, ROUNDS);
		sort_u64(nested, ROUNDS);
		u64 p = plain[0], q = nested[0];
		char name[64];
		snprintf(name, sizeof(name), "%s_plain", b->name);
		kbench_report(name, p, b->unit);
		snprintf(name, sizeof(name), "%s_nested", b->name);
		kbench_report(name, q, b->unit);
		// Signed, in tenths of a percent (kbench_report takes unsigned).
		s64 pct = p ? ((s64)q - (s64)p) * 1000 / (s64)p : 0;
		u64 mag = pct < 0 ? -pct : pct;
		kprintf("%s_overhead_pct %s%llu.%llu %%\n", b->name, pct < 0 ? "-" : "", mag / 10,
			mag % 10);
	}
}
