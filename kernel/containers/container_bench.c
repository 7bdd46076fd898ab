// Container benchmarks (step 6): the cost of the container filesystem's
// operations and what containers add to hot paths.
//
//   container_mkdir_rmdir_us    mkdir + rmdir of a container directory
//   container_attach_us         write a pid to tasks, alternating between
//                               two containers
//   X_plain, X_nested, X_overhead_pct
//                               for X = spawn_exit_wait_us,
//                               page_alloc_free_ns, open_close_us,
//                               ctxsw_same_cpu_ns: with nothing mounted,
//                               then from /a/b with every subsystem bound
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"

#define BENCH_DIR "/tmp/container_bench"

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
	// The same moves through the kernel API: what the file write adds.
	struct hierarchy *h = container_subsys_by_name("cpuset")->hierarchy;
	container_lock();
	struct container *cx = container_lookup_child(&h->top, "x");
	struct container *cy = container_lookup_child(&h->top, "y");
	container_unlock();
	t0 = clock_ns();
	for (int i = 0; i < n / 2 && cx && cy; i++)
		if (container_attach_pid(cx, 0) || container_attach_pid(cy, 0))
			break;
	t1 = clock_ns();
	kbench_report("container_attach_api_us", (t1 - t0) / n, "us");
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

#define CTXSW_ROUNDS 10000

static int yield_rounds(void *arg)
{
	volatile int *go = arg;
	while (!*go)
		sched_yield();
	for (int i = 0; i < CTXSW_ROUNDS; i++)
		sched_yield();
	return 0;
}

// The hot paths containers touch, in thousandths of their unit:
// [0] spawn+exit+wait (us), [1] page alloc+free (ns), [2] open+close of
// a ramfs file (us), [3] context switch on one CPU (ns).
static void hot_paths(u64 out[4])
{
	memset(out, 0, 4 * sizeof(u64));
	const int n = 300;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = kernel_spawn("bench", exit_at_once, NULL);
		if (pid < 0 || do_waitpid(pid, NULL, 0) != pid)
			return;
	}
	out[0] = (clock_ns() - t0) / n;
	const int m = 20000;
	t0 = clock_ns();
	for (int i = 0; i < m; i++)
		free_page(alloc_page(GFP_KERNEL));
	out[1] = (clock_ns() - t0) * 1000 / m;
	int fd = sys_open("/tmp/bench_cg_oc", O_WRONLY | O_CREAT, 0644);
	sys_close(fd);
	t0 = clock_ns();
	for (int i = 0; i < m; i++)
		sys_close(sys_open("/tmp/bench_cg_oc", O_RDONLY, 0));
	out[2] = (clock_ns() - t0) / m;
	sys_unlink("/tmp/bench_cg_oc");
	volatile int go = 0;
	int last = NR_CPUS - 1;
	while (!cpumask_test_cpu(last, &cpu_online_mask))
		last--;
	cpumask_t one = CPU_MASK_NONE;
	cpumask_set_cpu(last, &one);
	struct task *a = task_create("ctxsw-a", yield_rounds, (void *)&go);
	struct task *b = task_create("ctxsw-b", yield_rounds, (void *)&go);
	if (IS_ERR(a) || IS_ERR(b))
		return;
	set_cpus_allowed(a, &one);
	set_cpus_allowed(b, &one);
	pid_t pa = a->pid, pb = b->pid;
	task_start(a);
	task_start(b);
	sleep_ns(20 * 1000 * 1000);
	t0 = clock_ns();
	go = 1;
	do_waitpid(pa, NULL, 0);
	do_waitpid(pb, NULL, 0);
	out[3] = (clock_ns() - t0) * 1000 / (2 * CTXSW_ROUNDS);
}

// One nested run: mount every subsystem, join /a/b, run the loops, leave
// and unmount. False if it could not join.
static bool hot_paths_nested(u64 out[4])
{
	if (bench_mount())
		return false;
	sys_mkdir(BENCH_DIR "/a", 0755);
	sys_mkdir(BENCH_DIR "/a/b", 0755);
	fill(BENCH_DIR "/a");
	fill(BENCH_DIR "/a/b");
	bool joined = put(BENCH_DIR "/a/b/tasks", "0") > 0;
	if (joined) {
		hot_paths(out);
		put(BENCH_DIR "/tasks", "0");
	}
	sys_rmdir(BENCH_DIR "/a/b");
	sys_rmdir(BENCH_DIR "/a");
	bench_umount();
	return joined;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;
	return x < y ? -1 : x > y;
}

static void sort_u64(u64 *v, int n) // insertion sort: tiny arrays
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && cmp_u64(&v[j - 1], &v[j]) > 0; j--) {
			u64 t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

#define HOT_ROUNDS 5

// The same loops with nothing mounted and from a task in /a/b of a
// hierarchy with every subsystem (cpuset, memset, cpuacct, numtasks, bc
// all at work), alternating for HOT_ROUNDS rounds so both see the same
// machine; the medians are reported. TCG timing is noisy: compare the
// medians, not single runs.
KBENCH(containers_hot_path_overhead)
{
	static const char *const names[4][3] = {
		{"spawn_exit_wait_us_plain", "spawn_exit_wait_us_nested", "us"},
		{"page_alloc_free_ns_plain", "page_alloc_free_ns_nested", "ns"},
		{"open_close_us_plain", "open_close_us_nested", "us"},
		{"ctxsw_same_cpu_ns_plain", "ctxsw_same_cpu_ns_nested", "ns"},
	};
	u64 plain[4][HOT_ROUNDS], nested[4][HOT_ROUNDS], one[4];
	for (int r = 0; r < HOT_ROUNDS; r++) {
		hot_paths(one);
		for (int i = 0; i < 4; i++)
			plain[i][r] = one[i];
		if (!hot_paths_nested(one)) {
			kprintf("# container bench: cannot join /a/b\n");
			return;
		}
		for (int i = 0; i < 4; i++)
			nested[i][r] = one[i];
	}
	for (int i = 0; i < 4; i++) {
		sort_u64(plain[i], HOT_ROUNDS);
		sort_u64(nested[i], HOT_ROUNDS);
		u64 p = plain[i][HOT_ROUNDS / 2], q = nested[i][HOT_ROUNDS / 2];
		kbench_report(names[i][0], p, names[i][2]);
		kbench_report(names[i][1], q, names[i][2]);
		// Signed, in tenths of a percent (kbench_report takes unsigned).
		s64 pct = p ? ((s64)q - (s64)p) * 1000 / (s64)p : 0;
		u64 mag = pct < 0 ? -pct : pct;
		kprintf("%.*s_overhead_pct %s%llu.%llu %%\n", (int)(strlen(names[i][0]) - 6),
			names[i][0], pct < 0 ? "-" : "", mag / 10, mag % 10);
	}
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
