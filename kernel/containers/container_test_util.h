// Helpers for the container tests and benchmarks: drive the container
// filesystem the way a user does, through files, and a couple of tasks to
// move around. Paths are absolute; results are what the system calls return.
#ifndef KERNEL_CONTAINERS_CONTAINER_TEST_UTIL_H
#define KERNEL_CONTAINERS_CONTAINER_TEST_UTIL_H

#include "fs/fs_test.h"
#include "fs/vfs.h"
#include "kernel/containers/container.h"
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
