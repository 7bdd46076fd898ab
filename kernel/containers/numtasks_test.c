// Tests of numtasks (ResGroups): the shares and max files, the limit
// arithmetic of DESIGN.md §7, and spawn, reap and attach as they change
// the counts. Each test mounts numtasks under /tmp, puts the test task
// (init) back in the root and unmounts at the end; a test that sets
// numtasks.max sets it back to "max".
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

#define NT "/tmp/nt"

// The figure at the end of line `line` (0-3) of a numtasks.stats file.
static long stat_of(const char *dir, int line)
{
	char path[96], buf[256];
	snprintf(path, sizeof(path), "%s/numtasks.stats", dir);
	if (get(path, buf, sizeof(buf)) <= 0)
		return -1;
	const char *p = buf;
	for (int i = 0; i < line && p; i++)
		if ((p = strchr(p, '\n')))
			p++;
	if (!p)
		return -1;
	const char *end = strchr(p, '\n');
	const char *q = end ? end : p + strlen(p);
	while (q > p && q[-1] >= '0' && q[-1] <= '9')
		q--;
	long v = 0;
	for (; *q >= '0' && *q <= '9'; q++)
		v = v * 10 + (*q - '0');
	return v;
}

enum { USAGE, SUCCESSES, FAILURES, FORKRATE };

#define nt_mount() MOUNT_OR_SKIP(NT, "numtasks")

static void nt_umount(void)
{
	putpid(NT "/tasks", current->pid);
	put(NT "/numtasks.max", "max");
	unmount_at(NT);
}

// Spawn sleepers as children of the current task until one is refused
// (or max): how many were spawned; *err gets the refusal.
static int spawn_until_refused(struct task **kids, int max, volatile int *stop, int *err)
{
	int n = 0;
	*err = 0;
	for (; n < max; n++) {
		struct task *t = task_create("nt_kid", sleeper, (void *)stop);
		if (IS_ERR(t)) {
			*err = PTR_ERR(t);
			break;
		}
		task_get(t);
		task_start(t);
		kids[n] = t;
	}
	return n;
}

static void reap_all(struct task **kids, int n, volatile int *stop)
{
	*stop = 1;
	for (int i = 0; i < n; i++)
		EXPECT_EQ(test_reap(kids[i], 2000 * MS), 0);
}

// ---- the files ----

KTEST(numtasks, shares_read_the_defaults)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	char buf[128];
	get(NT "/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	get(NT "/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, stats_read_four_lines_starting_at_zero)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	char buf[256];
	get(NT "/g/numtasks.stats", buf, sizeof(buf));
	EXPECT_STREQ(buf, "numtasks: Current usage 0\nnumtasks: Number of successes 0\n"
			  "numtasks: Number of failures 0\nnumtasks: Number of forkrate failures 0\n");
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, max_is_a_file_of_the_root_only)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	char buf[32];
	EXPECT_GT(get(NT "/numtasks.max", buf, sizeof(buf)), 0);
	EXPECT_EQ(get(NT "/g/numtasks.max", buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

// Unlimited reads "max", as Linux's pids.max does; "max", -1 or a count
// may be written.
KTEST(numtasks, max_reads_max_when_unlimited_and_takes_max_minus_one_or_a_count)
{
	nt_mount();
	char buf[32];
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	EXPECT_GT(put(NT "/numtasks.max", "5000"), 0);
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "5000\n");
	EXPECT_GT(put(NT "/numtasks.max", "-1"), 0);
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	EXPECT_GT(put(NT "/numtasks.max", "5000"), 0);
	EXPECT_GT(put(NT "/numtasks.max", "max"), 0);
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	nt_umount();
}

KTEST(numtasks, max_rejects_negative_and_malformed_values_einval)
{
	nt_mount();
	EXPECT_EQ(put(NT "/numtasks.max", "-5"), -EINVAL);
	EXPECT_EQ(put(NT "/numtasks.max", "12x"), -EINVAL);
	EXPECT_EQ(put(NT "/numtasks.max", ""), -EINVAL);
	EXPECT_EQ(put(NT "/numtasks.max", "maximum"), -EINVAL);
	char buf[32];
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	nt_umount();
}

KTEST(numtasks, stats_is_read_only_einval)
{
	nt_mount();
	EXPECT_EQ(put(NT "/numtasks.stats", "0"), -EINVAL);
	nt_umount();
}

KTEST(numtasks, shares_take_any_subset_of_keys_and_keep_the_others)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	char buf[128];
	EXPECT_GT(put(NT "/g/numtasks.shares", "max_shares=40"), 0);
	EXPECT_GT(put(NT "/g/numtasks.shares", "child_shares_divisor=10,min_shares=20"), 0);
	get(NT "/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=20,max_shares=40,child_shares_divisor=10\n");
	// What a read gives back may be written back; "dontcare", or -3 as
	// DESIGN.md's first format had it, restores "don't care".
	EXPECT_GT(put(NT "/g/numtasks.shares",
		      "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100"), 0);
	get(NT "/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	EXPECT_GT(put(NT "/g/numtasks.shares", "min_shares=20,max_shares=40"), 0);
	EXPECT_GT(put(NT "/g/numtasks.shares", "min_shares=-3,max_shares=-3"), 0);
	get(NT "/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, shares_with_min_above_max_einval)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	EXPECT_EQ(put(NT "/g/numtasks.shares", "min_shares=5,max_shares=4"), -EINVAL);
	EXPECT_GT(put(NT "/g/numtasks.shares", "max_shares=4"), 0);
	EXPECT_EQ(put(NT "/g/numtasks.shares", "min_shares=5"), -EINVAL); // against the kept max
	EXPECT_GT(put(NT "/g/numtasks.shares", "min_shares=4"), 0);        // equal is fine
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, shares_above_the_parents_divisor_einval)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/g", 0755), 0);
	EXPECT_EQ(put(NT "/p/g/numtasks.shares", "max_shares=101"), -EINVAL);
	EXPECT_EQ(put(NT "/p/g/numtasks.shares", "min_shares=101"), -EINVAL);
	EXPECT_GT(put(NT "/p/g/numtasks.shares", "max_shares=100"), 0);
	EXPECT_GT(put(NT "/p/numtasks.shares", "child_shares_divisor=1000"), 0);
	EXPECT_GT(put(NT "/p/g/numtasks.shares", "max_shares=1000"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p/g"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p"), 0);
	nt_umount();
}

KTEST(numtasks, divisor_below_a_childs_shares_einval)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/g", 0755), 0);
	EXPECT_GT(put(NT "/p/g/numtasks.shares", "max_shares=50"), 0);
	EXPECT_EQ(put(NT "/p/numtasks.shares", "child_shares_divisor=40"), -EINVAL);
	EXPECT_GT(put(NT "/p/numtasks.shares", "child_shares_divisor=50"), 0);
	EXPECT_GT(put(NT "/p/numtasks.shares", "child_shares_divisor=100"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p/g"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p"), 0);
	nt_umount();
}

// Numbers at the boundary, as Linux's kstrto*: past 64 bits ERANGE, in
// any key; nothing of the write is applied.
KTEST(numtasks, a_share_or_max_past_64_bits_erange)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	static const char *const big[] = {
		"max_shares=99999999999999999999",
		"min_shares=18446744073709551616",
		"child_shares_divisor=9223372036854775808",
		"max_shares=1,child_shares_divisor=99999999999999999999999999999999999999999999"
		"999999999999999999999999999999999999",
	};
	for (size_t i = 0; i < ARRAY_SIZE(big); i++)
		EXPECT_EQ(put(NT "/g/numtasks.shares", big[i]), -ERANGE);
	char buf[128];
	get(NT "/g/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	EXPECT_EQ(put(NT "/numtasks.max", "99999999999999999999"), -ERANGE);
	EXPECT_EQ(put(NT "/numtasks.max", "-99999999999999999999"), -ERANGE);
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, malformed_shares_einval)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	static const char *const bad[] = {
		"", "max_shares", "max_shares=", "max_shares=x", "max_shares=1x",
		"bogus=1", "max_shares=1,", ",max_shares=1", "max_shares=1,,min_shares=1",
		"max_shares=-2", "min_shares=-7", "child_shares_divisor=0",
		"child_shares_divisor=-3", "res=memory", "max_shares=1 min_shares=1",
		"max_shares=dont_care", "max_shares=-1", "max_shares=,min_shares=1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		long r = put(NT "/g/numtasks.shares", bad[i]);
		if (r != -EINVAL)
			kprintf("# '%s' gave %ld\n", bad[i], r);
		EXPECT_EQ(r, -EINVAL);
	}
	char buf[128];
	get(NT "/g/numtasks.shares", buf, sizeof(buf)); // nothing half-applied
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

// The root has no limit files (as Linux): its shares are read-only; its
// limit is numtasks.max.
KTEST(numtasks, root_shares_are_read_only_eacces)
{
	nt_mount();
	EXPECT_EQ(put(NT "/numtasks.shares", "max_shares=50"), -EACCES);
	EXPECT_EQ(put(NT "/numtasks.shares", "min_shares=50"), -EACCES);
	EXPECT_EQ(put(NT "/numtasks.shares", "child_shares_divisor=10"), -EACCES);
	struct kstat st;
	EXPECT_EQ(sys_stat(NT "/numtasks.shares", &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0444);
	EXPECT_EQ(sys_stat(NT "/numtasks.max", &st), 0); // the root's one limit
	EXPECT_EQ(st.st_mode & 0777, 0644);
	char buf[128];
	get(NT "/numtasks.shares", buf, sizeof(buf));
	EXPECT_STREQ(buf, "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100\n");
	nt_umount();
}

// ---- limits ----

KTEST(numtasks, spawn_beyond_the_limit_fails_eagain_and_counts_a_failure)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	EXPECT_GT(put(NT "/numtasks.max", "500"), 0);
	EXPECT_GT(put(NT "/g/numtasks.shares", "max_shares=1"), 0); // 500 * 1/100 = 5
	EXPECT_GT(putpid(NT "/g/tasks", current->pid), 0);          // the test is 1 of 5
	volatile int stop = 0;
	struct task *kids[8];
	int err;
	int n = spawn_until_refused(kids, 8, &stop, &err);
	pid_t again = kernel_spawn("nt_again", sleeper, (void *)&stop);
	EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
	EXPECT_EQ(n, 4);
	EXPECT_EQ(err, -EAGAIN);
	EXPECT_EQ(again, -EAGAIN);
	EXPECT_EQ(stat_of(NT "/g", FAILURES), 2);
	EXPECT_EQ(stat_of(NT "/g", SUCCESSES), 4);
	EXPECT_EQ(stat_of(NT "/g", USAGE), 4);
	EXPECT_EQ(stat_of(NT "/g", FORKRATE), 0);
	reap_all(kids, n, &stop);
	EXPECT_EQ(stat_of(NT "/g", USAGE), 0);
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

// 100 * 20/100 = 20 for p; p's divisor 10, so c's 2 shares give 2 * 20/10 = 4.
KTEST(numtasks, limit_is_max_shares_of_the_parents_limit_over_its_divisor)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/c", 0755), 0);
	EXPECT_GT(put(NT "/numtasks.max", "100"), 0);
	EXPECT_GT(put(NT "/p/numtasks.shares", "max_shares=20,child_shares_divisor=10"), 0);
	EXPECT_GT(put(NT "/p/c/numtasks.shares", "max_shares=2"), 0);
	EXPECT_GT(putpid(NT "/p/c/tasks", current->pid), 0);
	volatile int stop = 0;
	struct task *kids[8];
	int err;
	int n = spawn_until_refused(kids, 8, &stop, &err);
	EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
	EXPECT_EQ(n, 4 - 1);
	EXPECT_EQ(err, -EAGAIN);
	// Usage is hierarchical: p counts what c holds.
	EXPECT_EQ(stat_of(NT "/p", USAGE), 3);
	EXPECT_EQ(stat_of(NT "/p/c", USAGE), 3);
	reap_all(kids, n, &stop);
	EXPECT_EQ(stat_of(NT "/p", USAGE), 0);
	EXPECT_EQ(sys_rmdir(NT "/p/c"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p"), 0);
	nt_umount();
}

KTEST(numtasks, dont_care_max_shares_takes_the_parents_limit)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/c", 0755), 0);
	EXPECT_GT(put(NT "/numtasks.max", "300"), 0);
	EXPECT_GT(put(NT "/p/numtasks.shares", "max_shares=1"), 0); // 3; c: don't care
	EXPECT_GT(putpid(NT "/p/c/tasks", current->pid), 0);
	volatile int stop = 0;
	struct task *kids[8];
	int err;
	int n = spawn_until_refused(kids, 8, &stop, &err);
	EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
	EXPECT_EQ(n, 3 - 1);
	EXPECT_EQ(err, -EAGAIN);
	reap_all(kids, n, &stop);
	EXPECT_EQ(sys_rmdir(NT "/p/c"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p"), 0);
	nt_umount();
}

// Issue 13 item 5: 100 shares of a root max of 10^17 is 10^19 tasks
// before the division, past a long; the limit is still 10^17 and spawns
// in k go on. Likewise for shares of shares of LONG_MAX.
KTEST(numtasks, shares_of_a_huge_max_do_not_overflow)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/k", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/k/j", 0755), 0);
	volatile int stop = 0;
	static const char *const maxes[] = {"100000000000000000", "9223372036854775807"};
	for (size_t i = 0; i < ARRAY_SIZE(maxes); i++) {
		EXPECT_GT(put(NT "/numtasks.max", maxes[i]), 0);
		EXPECT_GT(put(NT "/k/numtasks.shares", "max_shares=100,min_shares=99"), 0);
		EXPECT_GT(put(NT "/k/j/numtasks.shares", "max_shares=99,min_shares=1"), 0);
		EXPECT_GT(putpid(NT "/k/j/tasks", current->pid), 0);
		struct task *t = test_spawn("nt_huge", sleeper, (void *)&stop, NULL);
		EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
		EXPECT_NE(t, NULL);
		stop = 1;
		if (t)
			EXPECT_EQ(test_reap(t, 2000 * MS), 0);
		stop = 0;
		EXPECT_EQ(stat_of(NT "/k", FAILURES), 0);
	}
	EXPECT_EQ(sys_rmdir(NT "/k/j"), 0);
	EXPECT_EQ(sys_rmdir(NT "/k"), 0);
	nt_umount();
}

// Issue 14: shares limit a child whether or not the root's numtasks.max
// was set; an unlimited root counts as PID_MAX (32768) tasks: p gets
// 1/100 of it (327), c 1/100 of p's (3).
KTEST(numtasks, shares_limit_a_child_when_the_root_is_unlimited)
{
	nt_mount();
	char buf[16];
	get(NT "/numtasks.max", buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	ASSERT_EQ(sys_mkdir(NT "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/c", 0755), 0);
	EXPECT_GT(put(NT "/p/numtasks.shares", "max_shares=1"), 0);
	EXPECT_GT(put(NT "/p/c/numtasks.shares", "max_shares=1"), 0);
	EXPECT_GT(putpid(NT "/p/c/tasks", current->pid), 0);
	volatile int stop = 0;
	struct task *kids[8];
	int err;
	int n = spawn_until_refused(kids, 8, &stop, &err);
	EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
	EXPECT_EQ(n, 3 - 1);
	EXPECT_EQ(err, -EAGAIN);
	EXPECT_EQ(stat_of(NT "/p/c", FAILURES), 1);
	reap_all(kids, n, &stop);
	EXPECT_EQ(sys_rmdir(NT "/p/c"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p"), 0);
	nt_umount();
}

// The root's own limit: numtasks.max counts every task of the machine.
KTEST(numtasks, root_max_limits_every_spawn)
{
	nt_mount();
	long usage = stat_of(NT, USAGE);
	ASSERT_GT(usage, 1);
	char max[24];
	snprintf(max, sizeof(max), "%ld", usage + 2);
	EXPECT_GT(put(NT "/numtasks.max", max), 0);
	volatile int stop = 0;
	struct task *kids[8];
	int err;
	int n = spawn_until_refused(kids, 8, &stop, &err);
	EXPECT_GT(put(NT "/numtasks.max", "max"), 0);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(err, -EAGAIN);
	reap_all(kids, n, &stop);
	nt_umount();
}

KTEST(numtasks, a_spawned_task_counts_until_it_is_reaped)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("nt_zombie", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid(NT "/g/tasks", t->pid), 0);
	EXPECT_EQ(stat_of(NT "/g", USAGE), 1);
	stop = 1;
	for (int i = 0; i < 500 && task_state_char(t) != 'Z'; i++)
		sleep_ns(MS);
	EXPECT_EQ(task_state_char(t), 'Z');
	char buf[16];
	EXPECT_EQ(get(NT "/g/tasks", buf, sizeof(buf)), 0); // left tasks at exit
	EXPECT_EQ(stat_of(NT "/g", USAGE), 1);              // still counted
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(stat_of(NT "/g", USAGE), 0);
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, attach_past_the_limit_succeeds_and_moves_the_count)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/b", 0755), 0);
	EXPECT_GT(put(NT "/numtasks.max", "100"), 0);
	EXPECT_GT(put(NT "/b/numtasks.shares", "max_shares=1"), 0); // 1 task
	volatile int stop = 0;
	struct task *t1 = test_spawn("nt_mv1", sleeper, (void *)&stop, NULL);
	struct task *t2 = test_spawn("nt_mv2", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t1, NULL);
	ASSERT_NE(t2, NULL);
	EXPECT_GT(putpid(NT "/a/tasks", t1->pid), 0);
	EXPECT_GT(putpid(NT "/a/tasks", t2->pid), 0);
	EXPECT_EQ(stat_of(NT "/a", USAGE), 2);
	EXPECT_GT(putpid(NT "/b/tasks", t1->pid), 0);
	EXPECT_GT(putpid(NT "/b/tasks", t2->pid), 0); // 2 > the limit of 1
	EXPECT_EQ(stat_of(NT "/a", USAGE), 0);
	EXPECT_EQ(stat_of(NT "/b", USAGE), 2);
	EXPECT_EQ(stat_of(NT "/b", SUCCESSES), 0); // moves are not spawns
	EXPECT_EQ(stat_of(NT "/b", FAILURES), 0);
	reap_all((struct task *[]){t1, t2}, 2, &stop);
	EXPECT_EQ(stat_of(NT "/b", USAGE), 0);
	EXPECT_EQ(sys_rmdir(NT "/a"), 0);
	EXPECT_EQ(sys_rmdir(NT "/b"), 0);
	nt_umount();
}

KTEST(numtasks, a_full_group_leaves_the_rest_of_the_system_spawning)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	EXPECT_GT(put(NT "/numtasks.max", "100"), 0);
	EXPECT_GT(put(NT "/g/numtasks.shares", "max_shares=1"), 0); // 1: the test
	EXPECT_GT(putpid(NT "/g/tasks", current->pid), 0);
	volatile int stop = 0;
	EXPECT_EQ(kernel_spawn("nt_full", sleeper, (void *)&stop), -EAGAIN);
	EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
	struct task *t = test_spawn("nt_free", sleeper, (void *)&stop, NULL);
	EXPECT_NE(t, NULL);
	stop = 1;
	if (t)
		EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir(NT "/g"), 0);
	nt_umount();
}

KTEST(numtasks, min_shares_guarantee_keeps_slots_for_a_sibling)
{
	nt_mount();
	EXPECT_GT(put(NT "/numtasks.max", "1000"), 0);
	ASSERT_EQ(sys_mkdir(NT "/p", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/p/b", 0755), 0);
	EXPECT_GT(put(NT "/p/numtasks.shares", "max_shares=2"), 0);    // p: 20
	EXPECT_GT(put(NT "/p/a/numtasks.shares", "min_shares=25"), 0); // a: >= 5
	volatile int stop = 0;
	struct task *kids[40];
	int err;
	// b grows until only a's 5 guaranteed slots are left (the test counts).
	EXPECT_GT(putpid(NT "/p/b/tasks", current->pid), 0);
	int nb = spawn_until_refused(kids, 40, &stop, &err);
	EXPECT_EQ(nb, 20 - 5 - 1);
	EXPECT_EQ(err, -EAGAIN);
	// a still gets its guarantee, then the rest of p's limit.
	EXPECT_GT(putpid(NT "/p/a/tasks", current->pid), 0);
	int na = spawn_until_refused(kids + nb, 40 - nb, &stop, &err);
	EXPECT_EQ(na, 5);
	EXPECT_GT(putpid(NT "/tasks", current->pid), 0);
	reap_all(kids, nb + na, &stop);
	EXPECT_EQ(sys_rmdir(NT "/p/a"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p/b"), 0);
	EXPECT_EQ(sys_rmdir(NT "/p"), 0);
	nt_umount();
}

// ---- attach racing with exit and reap ----

struct race {
	volatile pid_t pid; // the task to move, 0 for none
	volatile int stop;
	struct container *a, *b;
	atomic_t moves;
};

static int race_attacher(void *arg)
{
	struct race *r = arg;
	for (unsigned i = 0; !r->stop; i++) {
		pid_t pid = r->pid;
		if (pid > 0 && container_attach_pid(i & 1 ? r->a : r->b, pid) == 0)
			atomic_inc(&r->moves);
		else if (pid <= 0)
			cpu_relax();
	}
	return 0;
}

static int exit_soon(void *arg)
{
	u64 end = clock_ns() + (u64)(uintptr_t)arg;
	while (clock_ns() < end)
		cpu_relax();
	return 0;
}

// Tasks exit and are reaped while another CPU moves them between a and b:
// every count goes back to exactly zero.
KTEST(numtasks, counts_stay_exact_when_attach_races_with_exit_and_reap)
{
	nt_mount();
	ASSERT_EQ(sys_mkdir(NT "/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/b", 0755), 0);
	struct hierarchy *h = container_subsys_by_name("numtasks")->hierarchy;
	struct race r = {0};
	container_lock();
	r.a = container_lookup_child(&h->top, "a");
	r.b = container_lookup_child(&h->top, "b");
	container_unlock();
	ASSERT_NE(r.a, NULL);
	ASSERT_NE(r.b, NULL);
	struct task *mover = test_spawn("nt_mover", race_attacher, &r, NULL);
	ASSERT_NE(mover, NULL);
	// 300 rounds, and on (to 10 s) until the mover has moved one: a host
	// may keep the mover's vCPU off the processor for all 300.
	u64 deadline = clock_ns() + 10 * NSEC_PER_SEC;
	for (int i = 0; i < 300 || (atomic_read(&r.moves) == 0 && clock_ns() < deadline); i++) {
		struct task *t = test_spawn("nt_racer", exit_soon,
					    (void *)(uintptr_t)((i % 7) * 20000), NULL);
		if (!t)
			break;
		r.pid = t->pid;
		int status = -1; // reaped as soon as it exits
		EXPECT_EQ(do_waitpid(t->pid, &status, 0), t->pid);
		EXPECT_EQ(status, 0);
		task_put(t);
		r.pid = 0;
	}
	r.stop = 1;
	EXPECT_EQ(test_reap(mover, 2000 * MS), 0);
	kprintf("# %d moves\n", atomic_read(&r.moves));
	EXPECT_GT(atomic_read(&r.moves), 0);
	EXPECT_EQ(stat_of(NT "/a", USAGE), 0);
	EXPECT_EQ(stat_of(NT "/b", USAGE), 0);
	EXPECT_EQ(sys_rmdir(NT "/a"), 0);
	EXPECT_EQ(sys_rmdir(NT "/b"), 0);
	nt_umount();
}
