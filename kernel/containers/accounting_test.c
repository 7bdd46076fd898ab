// Tests of cpuacct, numtasks and bc through their files and the kernel
// paths they govern (the scheduler's accounting, spawn, the file table).
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

// ---- cpuacct ----

KTEST(cpuacct, usage_counts_members_only_and_parents_include_children)
{
	ASSERT_EQ(mount_at("/tmp/ca", "cpuacct"), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ca/p", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ca/p/c", 0755), 0);
	EXPECT_EQ(get_num("/tmp/ca/p/c/cpuacct.usage"), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("ca_spin", spinner, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	sleep_ns(30 * MS);
	EXPECT_EQ(get_num("/tmp/ca/p/c/cpuacct.usage"), 0); // not a member yet
	EXPECT_GT(putpid("/tmp/ca/p/c/tasks", t->pid), 0);
	sleep_ns(100 * MS);
	long child = get_num("/tmp/ca/p/c/cpuacct.usage");
	long parent = get_num("/tmp/ca/p/cpuacct.usage");
	EXPECT_GT(child, 10 * 1000 * 1000L); // it spun for a good part of 100 ms
	EXPECT_GE(parent, child);
	// The per-CPU figures add up to the total (read while it still runs:
	// read both after moving it out so neither changes meanwhile).
	EXPECT_GT(putpid("/tmp/ca/tasks", t->pid), 0);
	char buf[256];
	get("/tmp/ca/p/c/cpuacct.usage_percpu", buf, sizeof(buf));
	long sum = 0, v = 0;
	int fields = 0;
	for (const char *p = buf;; p++) {
		if (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
		} else {
			if (p > buf && p[-1] >= '0' && p[-1] <= '9') {
				sum += v;
				fields++;
			}
			v = 0;
			if (!*p)
				break;
		}
	}
	EXPECT_EQ(fields, cpumask_weight(&cpu_online_mask));
	EXPECT_EQ(sum, get_num("/tmp/ca/p/c/cpuacct.usage"));
	long load = get_num("/tmp/ca/p/c/cpuacct.load");
	EXPECT_GE(load, 0);
	EXPECT_LE(load, 100);
	// Reset: 0 only.
	EXPECT_EQ(put("/tmp/ca/p/c/cpuacct.usage", "5"), -EINVAL);
	EXPECT_EQ(put("/tmp/ca/p/c/cpuacct.usage_percpu", "0"), -EINVAL); // read-only
	EXPECT_EQ(put("/tmp/ca/p/c/cpuacct.usage", "0"), 1);
	EXPECT_EQ(get_num("/tmp/ca/p/c/cpuacct.usage"), 0);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ca/p/c"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ca/p"), 0);
	unmount_at("/tmp/ca");
}

// ---- numtasks ----

KTEST(numtasks, limit_is_the_share_of_the_parent_and_stats_count)
{
	ASSERT_EQ(mount_at("/tmp/nt", "numtasks"), 0);
	char buf[256];
	get("/tmp/nt/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	ASSERT_EQ(sys_mkdir("/tmp/nt/g", 0755), 0);
	get("/tmp/nt/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=-3,max_shares=-3,child_shares_divisor=100\n");
	EXPECT_EQ(put("/tmp/nt/g/numtasks.shares", "min_shares=5,max_shares=4"), -EINVAL);
	EXPECT_EQ(put("/tmp/nt/g/numtasks.shares", "max_shares=101"), -EINVAL);
	EXPECT_EQ(put("/tmp/nt/g/numtasks.shares", "bogus=1"), -EINVAL);
	EXPECT_EQ(put("/tmp/nt/g/numtasks.shares", "max_shares=x"), -EINVAL);
	EXPECT_EQ(put("/tmp/nt/numtasks.max", "-5"), -EINVAL);
	EXPECT_EQ(put("/tmp/nt/g/numtasks.stats", "0"), -EINVAL);
	// Root limit 1000; g gets 1/100 of it: 10 tasks.
	EXPECT_GT(put("/tmp/nt/numtasks.max", "1000"), 0);
	EXPECT_GT(put("/tmp/nt/g/numtasks.shares", "max_shares=1,min_shares=1"), 0);
	get("/tmp/nt/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=1,max_shares=1,child_shares_divisor=100\n");
	volatile int stop = 0;
	struct task *first = test_spawn("nt_first", sleeper, (void *)&stop, NULL);
	ASSERT_NE(first, NULL);
	EXPECT_GT(putpid("/tmp/nt/g/tasks", first->pid), 0);
	// Spawn from inside g until refused.
	EXPECT_GT(putpid("/tmp/nt/g/tasks", current->pid), 0);
	struct task *kids[16];
	int n = 0;
	for (; n < 16; n++) {
		kids[n] = test_spawn("nt_kid", sleeper, (void *)&stop, NULL);
		if (!kids[n])
			break;
	}
	pid_t refused = kernel_spawn("nt_refused", sleeper, (void *)&stop);
	EXPECT_GT(putpid("/tmp/nt/tasks", current->pid), 0);
	EXPECT_EQ(refused, -EAGAIN);
	EXPECT_EQ(n, 10 - 2); // the limit counts first and the test itself
	get("/tmp/nt/g/numtasks.stats", buf, sizeof(buf));
	char want[256];
	snprintf(want, sizeof(want),
		 "numtasks: Current usage %d\nnumtasks: Number of successes %d\n"
		 "numtasks: Number of failures 2\nnumtasks: Number of forkrate failures 0\n",
		 n + 1, n);
	EXPECT_STREQ(buf, want);
	// Moving a task in always succeeds, past the limit.
	struct task *extra = test_spawn("nt_extra", sleeper, (void *)&stop, NULL);
	ASSERT_NE(extra, NULL);
	EXPECT_GT(putpid("/tmp/nt/g/tasks", extra->pid), 0);
	get("/tmp/nt/g/numtasks.stats", buf, sizeof(buf));
	snprintf(want, sizeof(want), "numtasks: Current usage %d\n", n + 2);
	EXPECT_TRUE(!strncmp(buf, want, strlen(want)));
	stop = 1;
	EXPECT_EQ(test_reap(first, 2000 * MS), 0);
	EXPECT_EQ(test_reap(extra, 2000 * MS), 0);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(test_reap(kids[i], 2000 * MS), 0);
	get("/tmp/nt/g/numtasks.stats", buf, sizeof(buf));
	EXPECT_TRUE(!strncmp(buf, "numtasks: Current usage 0\n", 26));
	EXPECT_GT(put("/tmp/nt/numtasks.max", "max"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/nt/g"), 0);
	unmount_at("/tmp/nt");
}

// ---- bc ----

KTEST(bc, barrier_refuses_with_enfile_and_files_keep_the_container)
{
	ASSERT_EQ(mount_at("/tmp/bcm", "bc"), 0);
	char buf[64];
	get("/tmp/bcm/bc.numfiles.barrier", buf, sizeof(buf));
	EXPECT_STREQ(buf, "9223372036854775807\n");
	ASSERT_EQ(sys_mkdir("/tmp/bcm/b", 0755), 0);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.barrier"), 256);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.limit"), 512);
	EXPECT_EQ(put("/tmp/bcm/b/bc.numfiles.barrier", "600"), -EINVAL); // > limit
	EXPECT_EQ(put("/tmp/bcm/b/bc.numfiles.held", "1"), -EINVAL);
	EXPECT_EQ(put("/tmp/bcm/b/bc.numfiles.failcnt", "0"), -EINVAL);
	EXPECT_EQ(put("/tmp/bcm/b/bc.numfiles.barrier", "x"), -EINVAL);
	EXPECT_EQ(put("/tmp/bcm/b/bc.numfiles.barrier", "5"), 1);
	// Opened before moving in (charged to the root): the way back out.
	int out = sys_open("/tmp/bcm/tasks", O_WRONLY, 0);
	ASSERT_GE(out, 0);
	EXPECT_GT(putpid("/tmp/bcm/b/tasks", current->pid), 0);
	int fds[8], n = 0, err = 0;
	for (; n < 8; n++) {
		fds[n] = sys_open("/dev/null", O_RDONLY, 0);
		if (fds[n] < 0) {
			err = fds[n];
			break;
		}
	}
	EXPECT_EQ(n, 5);
	EXPECT_EQ(err, -ENFILE);
	EXPECT_EQ(putpid("/tmp/bcm/tasks", current->pid), -ENFILE); // even this open
	EXPECT_EQ(sys_write(out, "0", 1), 1); // out: opens work again
	sys_close(out);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.held"), 5);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.maxheld"), 5);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.failcnt"), 2);
	// The opener moved out; its files still hold b.
	EXPECT_EQ(sys_rmdir("/tmp/bcm/b"), -EBUSY);
	for (int i = 0; i < n; i++)
		sys_close(fds[i]);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.held"), 0);
	EXPECT_EQ(get_num("/tmp/bcm/b/bc.numfiles.maxheld"), 5);
	EXPECT_EQ(sys_rmdir("/tmp/bcm/b"), 0);
	unmount_at("/tmp/bcm");
}

KTEST(bc, release_agent_runs_when_the_last_charged_file_closes)
{
	ASSERT_EQ(mount_at("/tmp/bcr", "bc"), 0);
	EXPECT_GT(put("/tmp/bcr/release_agent", "true"), 0);
	ASSERT_EQ(sys_mkdir("/tmp/bcr/r", 0755), 0);
	EXPECT_GT(put("/tmp/bcr/r/notify_on_release", "1"), 0);
	EXPECT_GT(putpid("/tmp/bcr/r/tasks", current->pid), 0);
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_GE(fd, 0);
	int before = atomic_read(&container_releases);
	EXPECT_GT(putpid("/tmp/bcr/tasks", current->pid), 0);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before); // the file still holds it
	sys_close(fd);
	for (int i = 0; i < 200 && atomic_read(&container_releases) == before; i++)
		sleep_ns(5 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before + 1);
	EXPECT_EQ(sys_rmdir("/tmp/bcr/r"), 0);
	unmount_at("/tmp/bcr");
}

// Spawn children of the current task until one is refused; how many ran.
static int spawn_until_refused(struct task **kids, int max, volatile int *stop)
{
	int n = 0;
	while (n < max && (kids[n] = test_spawn("nt_g", sleeper, (void *)stop, NULL)))
		n++;
	return n;
}

KTEST(numtasks, min_shares_guarantee_keeps_slots_for_a_sibling)
{
	ASSERT_EQ(mount_at("/tmp/ntg", "numtasks"), 0);
	EXPECT_GT(put("/tmp/ntg/numtasks.max", "1000"), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ntg/p", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ntg/p/a", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ntg/p/b", 0755), 0);
	EXPECT_GT(put("/tmp/ntg/p/numtasks.shares", "max_shares=2"), 0);     // p: 20
	EXPECT_GT(put("/tmp/ntg/p/a/numtasks.shares", "min_shares=25"), 0);  // a: >= 5
	volatile int stop = 0;
	struct task *kids[40];
	// b grows until only a's 5 guaranteed slots are left (the test counts).
	EXPECT_GT(putpid("/tmp/ntg/p/b/tasks", current->pid), 0);
	int nb = spawn_until_refused(kids, 40, &stop);
	EXPECT_EQ(nb, 20 - 5 - 1);
	// a still gets its guarantee, then the rest of p's limit.
	EXPECT_GT(putpid("/tmp/ntg/p/a/tasks", current->pid), 0);
	int na = spawn_until_refused(kids + nb, 40 - nb, &stop);
	EXPECT_EQ(na, 5);
	EXPECT_GT(putpid("/tmp/ntg/tasks", current->pid), 0);
	stop = 1;
	for (int i = 0; i < nb + na; i++)
		EXPECT_EQ(test_reap(kids[i], 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ntg/p/a"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ntg/p/b"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ntg/p"), 0);
	EXPECT_GT(put("/tmp/ntg/numtasks.max", "max"), 0);
	unmount_at("/tmp/ntg");
}
