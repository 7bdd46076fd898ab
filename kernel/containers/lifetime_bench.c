// Benchmarks of container lifetimes and depth:
//
//   container_release_latency_us   from the last task leaving a
//                                  notify_on_release container to its agent
//                                  started (median of 21; it includes
//                                  spawning the agent)
//   container_spawn_depth_N_us     spawn + exit + wait (best of 20) from a
//                                  container at depth N = 1, 1,000, 10,000
//                                  with every subsystem bound: numtasks (at
//                                  spawn and reap) and cpuacct (at every
//                                  charge) walk the ancestors, O(depth)
//                                  with interrupts off, no recursion
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/containers/internal.h"
#include "kernel/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"

static int cwrite(struct container *c, const char *name, const char *buf)
{
	const struct cftype *cft = container_file_lookup(c, name, strlen(name));
	return cft ? container_file_write(c, cft, buf, strlen(buf)) : -ENOENT;
}

// A hierarchy of its own for opts (the tests' rule): true if every
// subsystem is free, else it says why it is skipped.
static bool bench_may_use(const char *name, const char *opts)
{
	int id;
	const char *busy = subsys_in_use(opts, &id);
	if (busy)
		kprintf("# %s: skipped: %s is in use by hierarchy %d; the figure needs a "
			"hierarchy of its own\n", name, busy, id);
	return !busy;
}

static void sort_u64(u64 *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			u64 x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
}

KBENCH(container_release_latency_us)
{
	struct hierarchy *h;
	if (!bench_may_use("container_release_latency_us", "cpuacct") ||
	    container_mount("cpuacct", &h))
		return;
	struct container *k;
	if (container_mkdir(&h->top, "k", &k) || cwrite(&h->top, "release_agent", "true") ||
	    cwrite(k, "notify_on_release", "1")) {
		container_umount(h);
		return;
	}
	enum { N = 21 };
	u64 ns[N];
	int n = 0;
	for (; n < N; n++) {
		int before = atomic_read(&container_releases);
		if (container_attach(k, current))
			break;
		u64 t0 = clock_ns();
		container_attach(&h->top, current);
		while (atomic_read(&container_releases) == before && clock_ns() - t0 < NSEC_PER_SEC)
			sleep_ns(20 * 1000);
		ns[n] = clock_ns() - t0;
		sleep_ns(5 * MS); // let the agent finish
	}
	if (n == N) {
		sort_u64(ns, N);
		kbench_report("container_release_latency_us", ns[N / 2], "us");
	}
	cwrite(&h->top, "release_agent", "");
	container_rmdir(k);
	container_umount(h);
}

static u64 spawn_at_depth(struct hierarchy *h, int depth)
{
	struct container *c = &h->top;
	int made = 0;
	u64 us = 0;
	while (made < depth && !container_mkdir(c, "d", &c) && !cwrite(c, "cpuset.cpus", "0") &&
	       !cwrite(c, "memset.mems", "0"))
		made++;
	if (made == depth && !container_attach(c, current)) {
		us = ~0ULL;
		for (int i = 0; i < 20; i++) { // best of 20 (a deep chain is slow)
			u64 t0 = clock_ns();
			pid_t pid = kernel_spawn("bench", bench_exit_at_once, NULL);
			if (pid < 0 || do_waitpid(pid, NULL, 0) != pid) {
				us = 0;
				break;
			}
			us = MIN(us, clock_ns() - t0); // ns = thousandths of a us
		}
		container_attach(&h->top, current);
	}
	while (c->parent) {
		struct container *parent = c->parent;
		container_rmdir(c);
		c = parent;
	}
	return us;
}

KBENCH(container_spawn_depth)
{
	struct hierarchy *h;
	if (!bench_may_use("container_spawn_depth", NULL) || container_mount(NULL, &h))
		return;
	static const int depths[] = {1, 1000, 10000};
	for (int i = 0; i < 3; i++) {
		u64 us = spawn_at_depth(h, depths[i]);
		char name[48];
		snprintf(name, sizeof(name), "container_spawn_depth_%d_us", depths[i]);
		if (us)
			kbench_report(name, us, "us");
	}
	container_umount(h);
}
