// The grader's ktests of lab freezer (labs/freezer/README.md): the
// freezer.state file. `make grade` copies this file into its scratch
// tree; edits there are lost. The end-to-end checks (apps that stop and
// run again) are in labs/freezer/grade.py.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/task_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

#define FZ "/tmp/lab_freezer"

static void fz_umount(void)
{
	put(FZ "/f/freezer.state", "THAWED");
	putpid(FZ "/tasks", current->pid);
	sys_rmdir(FZ "/f");
	unmount_at(FZ);
}

#define setup()                                                              \
	do {                                                                 \
		fz_umount(); /* what a failed test before left */          \
		MOUNT_OR_SKIP(FZ, "freezer");                                \
		ASSERT_EQ(sys_mkdir(FZ "/f", 0755), 0);                      \
	} while (0)

static const char *state(void)
{
	static char buf[32];
	if (get(FZ "/f/freezer.state", buf, sizeof(buf)) <= 0)
		return "(unreadable)";
	return buf;
}

KTEST(lab_freezer, state_reads_thawed)
{
	setup();
	EXPECT_STREQ(state(), "THAWED\n");
	fz_umount();
}

KTEST(lab_freezer, state_is_not_in_the_root)
{
	setup();
	char buf[32];
	EXPECT_LT(get(FZ "/freezer.state", buf, sizeof(buf)), 0);
	fz_umount();
}

KTEST(lab_freezer, state_takes_frozen_and_thawed)
{
	setup();
	// No task: nothing to wait for, frozen at once.
	EXPECT_GT(put(FZ "/f/freezer.state", "FROZEN"), 0);
	EXPECT_STREQ(state(), "FROZEN\n");
	EXPECT_GT(put(FZ "/f/freezer.state", "FROZEN\n"), 0);
	EXPECT_STREQ(state(), "FROZEN\n");
	EXPECT_GT(put(FZ "/f/freezer.state", "THAWED"), 0);
	EXPECT_STREQ(state(), "THAWED\n");
	fz_umount();
}

KTEST(lab_freezer, state_rejects_other_values)
{
	setup();
	EXPECT_EQ(put(FZ "/f/freezer.state", "FREEZING"), -EINVAL);
	EXPECT_EQ(put(FZ "/f/freezer.state", "frozen"), -EINVAL);
	EXPECT_EQ(put(FZ "/f/freezer.state", "FROZENX"), -EINVAL);
	EXPECT_STREQ(state(), "THAWED\n");
	EXPECT_GT(put(FZ "/f/freezer.state", "FROZEN"), 0);
	EXPECT_EQ(put(FZ "/f/freezer.state", "THAW"), -EINVAL);
	EXPECT_STREQ(state(), "FROZEN\n");
	fz_umount();
}

static int counting_spinner(void *arg)
{
	volatile long *v = arg; // v[0]: stop, v[1]: laps
	while (!v[0]) {
		v[1]++;
		cpu_relax();
	}
	return 0;
}

// A kernel task never runs app code, so it never stops: its container
// stays FREEZING (as a Linux task that never reaches a freezing point).
KTEST(lab_freezer, kernel_task_keeps_it_freezing)
{
	setup();
	volatile long v[2] = {0, 0};
	struct task *t = task_create("fz_spin", counting_spinner, (void *)v);
	ASSERT_FALSE(IS_ERR(t));
	task_get(t);
	task_start(t);
	EXPECT_GT(putpid(FZ "/f/tasks", t->pid), 0);
	EXPECT_GT(put(FZ "/f/freezer.state", "FROZEN"), 0);
	sleep_ns(50 * MS);
	EXPECT_STREQ(state(), "FREEZING\n");
	long laps = v[1];
	sleep_ns(50 * MS);
	EXPECT_GT(v[1], laps);
	EXPECT_GT(put(FZ "/f/freezer.state", "THAWED"), 0);
	EXPECT_STREQ(state(), "THAWED\n");
	v[0] = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	fz_umount();
}
