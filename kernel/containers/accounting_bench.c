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

struct path_bench {
	const char *subsys;
	const char *name; // the figure's name, before _plain/_nested
	const char *unit;
	u64 (*run)(void);
};

static const struct path_bench benches[] = {
	{"bc", "open_close_us_bc", "us", bench_open_close_us},
	{"numtasks", "spawn_exit_wait_us_numtasks", "us", bench_spawn_exit_wait_us},
	{"cpuacct", "ctxsw_same_cpu_ns_cpuacct", "ns", bench_ctxsw_same_cpu_ns},
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

KBENCH(accounting_overhead)
{
	for (size_t k = 0; k < ARRAY_SIZE(benches); k++) {
		const struct path_bench *b = &benches[k];
		// Mounted by a user, the subsystem cannot be alone in a
		// hierarchy of ours (it was: open_close_us_bc_nested 0.000).
		if (!bench_may_mount(b->name, DIR, b->subsys))
			continue;
		u64 plain[ROUNDS], nested[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			plain[r] = b->run();
			nested[r] = run_nested(b);
		}
		bench_report_overhead(b->name, bench_min(plain, ROUNDS), bench_min(nested, ROUNDS),
				      b->unit);
	}
}
