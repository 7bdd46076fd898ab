// The grader's tests of lab numtasks_peak (labs/numtasks_peak/README.md):
// numtasks.peak, the highest usage a container has had. `make grade`
// copies this file into its scratch tree; edits to it there are lost.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/task_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

#define NT "/tmp/lab_peak"

static void peak_umount(void)
{
	putpid(NT "/tasks", current->pid);
	sys_rmdir(NT "/g/h");
	sys_rmdir(NT "/g");
	unmount_at(NT);
}

// Start n sleepers as children of the current task (so in its containers).
static int spawn(struct task **kids, int n, volatile int *stop)
{
	for (int i = 0; i < n; i++) {
		struct task *t = task_create("peak_kid", sleeper, (void *)stop);
		if (IS_ERR(t))
			return i;
		task_get(t);
		task_start(t);
		kids[i] = t;
	}
	return n;
}

static void reap(struct task **kids, int n, volatile int *stop)
{
	*stop = 1;
	for (int i = 0; i < n; i++)
		EXPECT_EQ(test_reap(kids[i], 2000 * MS), 0);
}

KTEST(lab_peak, reads_zero_in_a_new_container)
{
	peak_umount(); // what a failed test before this one left
	MOUNT_OR_SKIP(NT, "numtasks");
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	char buf[32];
	EXPECT_EQ(get(NT "/g/numtasks.peak", buf, sizeof(buf)), 2);
	EXPECT_STREQ(buf, "0\n");
	sys_rmdir(NT "/g");
	peak_umount();
}

KTEST(lab_peak, is_not_in_the_root)
{
	peak_umount(); // what a failed test before this one left
	MOUNT_OR_SKIP(NT, "numtasks");
	char buf[32];
	EXPECT_LT(get(NT "/numtasks.peak", buf, sizeof(buf)), 0);
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	EXPECT_GT(get(NT "/g/numtasks.peak", buf, sizeof(buf)), 0);
	sys_rmdir(NT "/g");
	peak_umount();
}

KTEST(lab_peak, keeps_the_highest_usage)
{
	peak_umount(); // what a failed test before this one left
	MOUNT_OR_SKIP(NT, "numtasks");
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	ASSERT_GT(putpid(NT "/g/tasks", current->pid), 0);
	struct task *kids[3];
	volatile int stop = 0;
	int n = spawn(kids, 3, &stop);
	EXPECT_EQ(n, 3);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 1 + n);
	reap(kids, n, &stop);
	// Reaped: the usage is back to 1, the peak stays.
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 1 + n);
	stop = 0;
	n = spawn(kids, 1, &stop);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 4);
	reap(kids, n, &stop);
	putpid(NT "/tasks", current->pid);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 4);
	sys_rmdir(NT "/g");
	peak_umount();
}

KTEST(lab_peak, counts_the_tasks_below)
{
	peak_umount(); // what a failed test before this one left
	MOUNT_OR_SKIP(NT, "numtasks");
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	ASSERT_EQ(sys_mkdir(NT "/g/h", 0755), 0);
	ASSERT_GT(putpid(NT "/g/h/tasks", current->pid), 0);
	struct task *kids[2];
	volatile int stop = 0;
	int n = spawn(kids, 2, &stop);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(get_num(NT "/g/h/numtasks.peak"), 3);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 3);
	reap(kids, n, &stop);
	ASSERT_GT(putpid(NT "/g/tasks", current->pid), 0);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 3);
	EXPECT_EQ(get_num(NT "/g/h/numtasks.peak"), 3);
	putpid(NT "/tasks", current->pid);
	sys_rmdir(NT "/g/h");
	sys_rmdir(NT "/g");
	peak_umount();
}

KTEST(lab_peak, counts_a_task_moved_in)
{
	peak_umount(); // what a failed test before this one left
	MOUNT_OR_SKIP(NT, "numtasks");
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	ASSERT_GT(putpid(NT "/g/tasks", current->pid), 0);
	ASSERT_GT(putpid(NT "/tasks", current->pid), 0);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 1);
	sys_rmdir(NT "/g");
	peak_umount();
}

KTEST(lab_peak, is_read_only)
{
	peak_umount(); // what a failed test before this one left
	MOUNT_OR_SKIP(NT, "numtasks");
	ASSERT_EQ(sys_mkdir(NT "/g", 0755), 0);
	ASSERT_GT(putpid(NT "/g/tasks", current->pid), 0);
	ASSERT_GT(putpid(NT "/tasks", current->pid), 0);
	EXPECT_LT(put(NT "/g/numtasks.peak", "0"), 0);
	EXPECT_EQ(get_num(NT "/g/numtasks.peak"), 1);
	sys_rmdir(NT "/g");
	peak_umount();
}
