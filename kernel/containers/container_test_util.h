// Helpers for the container tests and benchmarks: drive the container
// filesystem the way a user does, through files, and a couple of tasks to
// move around. Paths are absolute; results are what the system calls return.
#ifndef KERNEL_CONTAINERS_CONTAINER_TEST_UTIL_H
#define KERNEL_CONTAINERS_CONTAINER_TEST_UTIL_H

#include "fs/fs_test.h"
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/syscall.h"
#include "kernel/task_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

// put: write s to path as `echo s > path` would (O_CREAT | O_TRUNC):
// write()'s result (bytes or -errno), or open's error. get: read path
// into buf (NUL-terminated): bytes, or -errno. (fs/fs_test.h's helpers.)
static inline long put(const char *path, const char *s) { return fs_test_write_file(path, s); }
static inline long get(const char *path, char *buf, size_t size)
{
	return fs_test_read_file(path, buf, size);
}

// The leading decimal number in path, or -1 if it cannot be read.
static inline long get_num(const char *path)
{
	char buf[64];
	if (get(path, buf, sizeof(buf)) <= 0)
		return -1;
	long v = 0;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

static inline long putpid(const char *path, pid_t pid)
{
	char b[16];
	snprintf(b, sizeof(b), "%d\n", pid);
	return put(path, b);
}

// mkdir dir and mount a hierarchy with opts (NULL: every subsystem) on it.
static inline int mount_at(const char *dir, const char *opts)
{
	sys_mkdir(dir, 0755);
	return sys_mount("none", dir, "container", opts);
}

static inline void unmount_at(const char *dir)
{
	sys_umount(dir);
	sys_rmdir(dir);
}

// ---- A used system: the tests' own hierarchies and paths ----
// `ktest` may run from the shell after a user mounted hierarchies and
// made files. A test never works in a hierarchy it did not make (mounting
// the same set would show the user's, with the user's containers and
// release_agent), nor in a path it did not make: it skips instead.

// The first subsystem of opts ("cpuset,memset"; NULL: every one) that
// is bound to a hierarchy (mounted, or kept alive by its containers), or
// NULL if all are free. *id gets that hierarchy's.
static inline const char *subsys_in_use(const char *opts, int *id)
{
	const char *busy = NULL;
	container_lock();
	for (int i = 0; i < container_subsys_count && !busy; i++) {
		struct container_subsys *ss = container_subsys_by_id(i);
		size_t n = strlen(ss->name);
		bool wanted = !opts;
		for (const char *p = opts; p && *p && !wanted; p += strcspn(p, ","), p += *p == ',')
			wanted = strcspn(p, ",") == n && !strncmp(p, ss->name, n);
		if (wanted && ss->hierarchy->id != 0) {
			busy = ss->name;
			*id = ss->hierarchy->id;
		}
	}
	container_unlock();
	return busy;
}

// Skip the running test (and return true) if a subsystem of opts is in use.
static inline bool skip_unless_free(const char *opts)
{
	int id;
	const char *busy = subsys_in_use(opts, &id);
	if (busy)
		ktest_skip("%s is in use by hierarchy %d (not the tests')", busy, id);
	return busy != NULL;
}

// mount_at for a test: 0, or the test is skipped (a subsystem in use, dir
// already there) or failed (the mount's error), and this is not 0.
static inline int test_mount(const char *dir, const char *opts)
{
	if (skip_unless_free(opts))
		return -EBUSY;
	int err = sys_mkdir(dir, 0755);
	if (err == -EEXIST)
		ktest_skip("%s exists (not the tests')", dir);
	else if (!err && (err = sys_mount("none", dir, "container", opts)))
		sys_rmdir(dir);
	if (err && err != -EEXIST)
		ktest_fail(__FILE__, __LINE__, "mount %s on %s: error %d", opts ? opts : "(all)",
			   dir, err);
	return err;
}
#define MOUNT_OR_SKIP(dir, opts)                                             \
	do {                                                                 \
		if (test_mount(dir, opts))                                   \
			return;                                              \
	} while (0)
// The same for a benchmark: true if it may mount opts on dir; if not, it
// prints "# NAME: skipped: why" (and reports no figure).
static inline bool bench_may_mount(const char *name, const char *dir, const char *opts)
{
	int id;
	const char *busy = subsys_in_use(opts, &id);
	struct kstat st;
	if (busy)
		kprintf("# %s: skipped: %s is in use by hierarchy %d; the figure needs a "
			"hierarchy of its own\n", name, busy, id);
	else if (sys_stat(dir, &st) == 0)
		kprintf("# %s: skipped: %s exists (not the benchmark's)\n", name, dir);
	else
		return true;
	return false;
}

// For a benchmark's nested figure: mount opts at dir, make dir/a/b, run
// fn with the current task in it, then leave and clean up. fn's figure, or
// 0 if it could not mount or join.
static inline u64 bench_run_nested(const char *dir, const char *opts, u64 (*fn)(void))
{
	char a[96], ab[96], tasks[96], top_tasks[96];
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(ab, sizeof(ab), "%s/a/b", dir);
	snprintf(tasks, sizeof(tasks), "%s/a/b/tasks", dir);
	snprintf(top_tasks, sizeof(top_tasks), "%s/tasks", dir);
	if (mount_at(dir, opts))
		return 0;
	sys_mkdir(a, 0755);
	sys_mkdir(ab, 0755);
	u64 v = 0;
	if (put(tasks, "0") > 0) {
		v = fn();
		put(top_tasks, "0");
	}
	sys_rmdir(ab);
	sys_rmdir(a);
	unmount_at(dir);
	return v;
}

#define SKIP_UNLESS_FREE(opts)                                               \
	do {                                                                 \
		if (skip_unless_free(opts))                                  \
			return;                                              \
	} while (0)

// Task bodies: sleep, or spin, until *(volatile int *)arg is set.
static inline int sleeper(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		sleep_ns(2 * MS);
	return 0;
}

static inline int spinner(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		cpu_relax();
	return 0;
}

// ---- Hot-path loops for the container benchmarks ----
// Each returns thousandths of its unit per operation (0 on failure).

static inline int bench_exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

static inline u64 bench_spawn_exit_wait_us(void)
{
	const int n = 300;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = kernel_spawn("bench", bench_exit_at_once, NULL);
		if (pid < 0 || do_waitpid(pid, NULL, 0) != pid)
			return 0;
	}
	return (clock_ns() - t0) / n; // ns = thousandths of a us
}

static inline u64 bench_open_close_us(void)
{
	const int n = 20000;
	sys_close(sys_open("/tmp/bench_cg_oc", O_WRONLY | O_CREAT, 0644));
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++)
		sys_close(sys_open("/tmp/bench_cg_oc", O_RDONLY, 0));
	u64 ns = (clock_ns() - t0) / n;
	sys_unlink("/tmp/bench_cg_oc");
	return ns;
}

static inline u64 bench_ctxsw_same_cpu_ns(void) { return test_ctxsw_same_cpu(10000); }

static inline u64 bench_min(const u64 *v, int n)
{
	u64 m = v[0];
	for (int i = 1; i < n; i++)
		m = MIN(m, v[i]);
	return m;
}

// Print NAME_plain, NAME_nested and NAME_overhead_pct (signed, in tenths
// of a percent: kbench_report takes unsigned values).
static inline void bench_report_overhead(const char *name, u64 plain, u64 nested,
					 const char *unit)
{
	if (!plain || !nested) { // a run failed: a 0 would read as a figure
		kprintf("# %s: no figure: the %s run failed\n", name, plain ? "nested" : "plain");
		return;
	}
	char full[80];
	snprintf(full, sizeof(full), "%s_plain", name);
	kbench_report(full, plain, unit);
	snprintf(full, sizeof(full), "%s_nested", name);
	kbench_report(full, nested, unit);
	s64 pct = plain ? ((s64)nested - (s64)plain) * 1000 / (s64)plain : 0;
	u64 mag = pct < 0 ? -pct : pct;
	kprintf("%s_overhead_pct %s%llu.%llu %%\n", name, pct < 0 ? "-" : "", mag / 10, mag % 10);
}

#endif
