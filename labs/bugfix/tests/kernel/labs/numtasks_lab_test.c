// The grader's tests of lab bugfix (labs/bugfix/README.md): numtasks_lab,
// a copy of numtasks with a bug, must behave as numtasks does. `make
// grade` copies this file into its scratch tree; edits there are lost.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/task_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

#define NL "/tmp/lab_ntlab"

static void nl_umount(void)
{
	putpid(NL "/tasks", current->pid);
	put(NL "/numtasks_lab.max", "max");
	static const char *const dirs[] = {"/g/a", "/g/b", "/g/c", "/g/d", "/g"};
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[64];
		snprintf(p, sizeof(p), NL "%s", dirs[i]);
		sys_rmdir(p);
	}
	unmount_at(NL);
}

// Line `line` (0: usage) of numtasks_lab.stats in dir: its last number.
static long stat_of(const char *dir, int line)
{
	char path[96], buf[256];
	snprintf(path, sizeof(path), "%s/numtasks_lab.stats", dir);
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

// Spawn sleepers until one is refused or max: how many; *err the refusal.
static int spawn(struct task **kids, int max, volatile int *stop, int *err)
{
	*err = 0;
	for (int i = 0; i < max; i++) {
		struct task *t = task_create("ntlab_kid", sleeper, (void *)stop);
		if (IS_ERR(t)) {
			*err = PTR_ERR(t);
			return i;
		}
		task_get(t);
		task_start(t);
		kids[i] = t;
	}
	return max;
}

static void reap(struct task **kids, int n, volatile int *stop)
{
	*stop = 1;
	for (int i = 0; i < n; i++)
		EXPECT_EQ(test_reap(kids[i], 2000 * MS), 0);
}

#define setup()                                                              \
	do {                                                                 \
		nl_umount(); /* what a failed test before left */          \
		MOUNT_OR_SKIP(NL, "numtasks_lab");                           \
	} while (0)

KTEST(lab_ntlab, counts_spawns_and_reaps)
{
	setup();
	ASSERT_EQ(sys_mkdir(NL "/g", 0755), 0);
	ASSERT_GT(putpid(NL "/g/tasks", current->pid), 0);
	struct task *kids[2];
	volatile int stop = 0;
	int err, n = spawn(kids, 2, &stop, &err);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(stat_of(NL "/g", 0), 3);
	reap(kids, n, &stop);
	EXPECT_EQ(stat_of(NL "/g", 0), 1);
	EXPECT_EQ(stat_of(NL "/g", 1), 2); // successes
	nl_umount();
}

KTEST(lab_ntlab, shares_limit_spawns)
{
	setup();
	ASSERT_GT(put(NL "/numtasks_lab.max", "100"), 0);
	ASSERT_EQ(sys_mkdir(NL "/g", 0755), 0);
	ASSERT_GT(put(NL "/g/numtasks_lab.shares", "max_shares=5"), 0);
	ASSERT_GT(putpid(NL "/g/tasks", current->pid), 0);
	struct task *kids[8];
	volatile int stop = 0;
	int err, n = spawn(kids, 8, &stop, &err);
	EXPECT_EQ(n, 4);
	EXPECT_EQ(err, -EAGAIN);
	EXPECT_EQ(stat_of(NL "/g", 2), 1); // failures
	reap(kids, n, &stop);
	nl_umount();
}

// Siblings come and go while a parent's limit and a sibling's guarantee
// make every spawn look at the siblings.
KTEST(lab_ntlab, siblings_come_and_go)
{
	setup();
	ASSERT_GT(put(NL "/numtasks_lab.max", "100"), 0);
	ASSERT_EQ(sys_mkdir(NL "/g", 0755), 0);
	ASSERT_EQ(sys_mkdir(NL "/g/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(NL "/g/b", 0755), 0);
	ASSERT_GT(put(NL "/g/a/numtasks_lab.shares", "min_shares=10"), 0);
	ASSERT_GT(put(NL "/g/b/numtasks_lab.shares", "min_shares=10"), 0);
	ASSERT_EQ(sys_rmdir(NL "/g/a"), 0);
	for (int round = 0; round < 20; round++) {
		ASSERT_EQ(sys_mkdir(NL "/g/c", 0755), 0);
		ASSERT_GT(put(NL "/g/c/numtasks_lab.shares", "min_shares=10"), 0);
		ASSERT_EQ(sys_mkdir(NL "/g/d", 0755), 0);
		ASSERT_GT(putpid(NL "/g/d/tasks", current->pid), 0);
		struct task *kids[2];
		volatile int stop = 0;
		int err, n = spawn(kids, 2, &stop, &err);
		EXPECT_EQ(n, 2);
		reap(kids, n, &stop);
		ASSERT_GT(putpid(NL "/g/tasks", current->pid), 0);
		ASSERT_EQ(sys_rmdir(NL "/g/c"), 0);
		ASSERT_EQ(sys_rmdir(NL "/g/d"), 0);
	}
	EXPECT_EQ(stat_of(NL "/g", 0), 1);
	nl_umount();
}
