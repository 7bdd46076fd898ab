// Container benchmarks (step 6): the cost of the container filesystem's
// operations and what containers add to hot paths.
//
//   container_mkdir_rmdir_us    mkdir + rmdir of a container directory
//   container_attach_us         write a pid to tasks, alternating between
//                               two containers
//   spawn_exit_wait_us_nested   spawn_exit_wait_us from a task in a nested
//   page_alloc_free_ns_nested   container (a/b) of a hierarchy with every
//                               subsystem, to compare with the plain ones
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/ktest.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"

#define BENCH_DIR "/tmp/container_bench"

static long put(const char *path, const char *s)
{
	int fd = sys_open(path, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	long r = sys_write(fd, s, strlen(s));
	sys_close(fd);
	return r;
}

static int bench_mount(void)
{
	sys_mkdir(BENCH_DIR, 0755);
	int err = sys_mount("none", BENCH_DIR, "container", NULL);
	if (err)
		kprintf("# container bench: mount: error %d\n", err);
	return err;
}

static void bench_umount(void)
{
	sys_umount(BENCH_DIR);
	sys_rmdir(BENCH_DIR);
}

KBENCH(container_mkdir_rmdir_us)
{
	if (bench_mount())
		return;
	const int n = 500;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		if (sys_mkdir(BENCH_DIR "/c", 0755) || sys_rmdir(BENCH_DIR "/c"))
			break;
	}
	u64 t1 = clock_ns();
	kbench_report("container_mkdir_rmdir_us", (t1 - t0) / n, "us");
	bench_umount();
}

// Give a container every CPU and node (the cpuset/memset files, if bound).
static void fill(const char *dir)
{
	char path[96], list[64];
	snprintf(path, sizeof(path), "%s/cpuset.cpus", dir);
	cpumask_print(list, sizeof(list), &cpu_online_mask);
	put(path, list);
	snprintf(path, sizeof(path), "%s/memset.mems", dir);
	nodemask_print(list, sizeof(list), &node_online_map);
	put(path, list);
}

KBENCH(container_attach_us)
{
	if (bench_mount())
		return;
	sys_mkdir(BENCH_DIR "/x", 0755);
	sys_mkdir(BENCH_DIR "/y", 0755);
	fill(BENCH_DIR "/x");
	fill(BENCH_DIR "/y");
	int fx = sys_open(BENCH_DIR "/x/tasks", O_WRONLY, 0);
	int fy = sys_open(BENCH_DIR "/y/tasks", O_WRONLY, 0);
	const int n = 1000;
	u64 t0 = clock_ns();
	for (int i = 0; i < n / 2 && fx >= 0 && fy >= 0; i++) {
		if (sys_write(fx, "0", 1) != 1 || sys_write(fy, "0", 1) != 1)
			break;
	}
	u64 t1 = clock_ns();
	kbench_report("container_attach_us", (t1 - t0) / n, "us");
	put(BENCH_DIR "/tasks", "0");
	sys_close(fx);
	sys_close(fy);
	sys_rmdir(BENCH_DIR "/x");
	sys_rmdir(BENCH_DIR "/y");
	bench_umount();
}

static int exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

// The plain figures are in kernel/sched_bench.c and mm/bench.c; these
// repeat the same loops from inside /a/b with every subsystem mounted.
KBENCH(containers_nested_overhead)
{
	if (bench_mount())
		return;
	sys_mkdir(BENCH_DIR "/a", 0755);
	sys_mkdir(BENCH_DIR "/a/b", 0755);
	fill(BENCH_DIR "/a");
	fill(BENCH_DIR "/a/b");
	if (put(BENCH_DIR "/a/b/tasks", "0") < 0) {
		kprintf("# container bench: cannot join /a/b\n");
		goto out;
	}
	const int n = 500;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = kernel_spawn("bench", exit_at_once, NULL);
		if (pid < 0 || do_waitpid(pid, NULL, 0) != pid)
			break;
	}
	u64 t1 = clock_ns();
	kbench_report("spawn_exit_wait_us_nested", (t1 - t0) / n, "us");
	const int m = 20000;
	t0 = clock_ns();
	for (int i = 0; i < m; i++)
		free_page(alloc_page(GFP_KERNEL));
	t1 = clock_ns();
	kbench_report("page_alloc_free_ns_nested", (t1 - t0) * 1000 / m, "ns");
	put(BENCH_DIR "/tasks", "0");
out:
	sys_rmdir(BENCH_DIR "/a/b");
	sys_rmdir(BENCH_DIR "/a");
	bench_umount();
}

KBENCH(container_mkdir_rmdir_api_us)
{
	struct hierarchy *h;
	if (container_mount(NULL, &h))
		return;
	const int n = 500;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		struct container *c;
		if (container_mkdir(&h->top, "c", &c) || container_rmdir(c))
			break;
	}
	u64 t1 = clock_ns();
	kbench_report("container_mkdir_rmdir_api_us", (t1 - t0) / n, "us");
	container_umount(h);
}
