// Tests of pipes: data, EOF, EPIPE, blocking, atomic writes.
#include "fs/fs_test.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "mm/slab.h"

KTEST(pipe, bytes_written_are_read_in_order)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	EXPECT_EQ(sys_write(p[1], "abc", 3), 3);
	EXPECT_EQ(sys_write(p[1], "def", 3), 3);
	char buf[8] = {0};
	EXPECT_EQ(sys_read(p[0], buf, 4), 4);
	EXPECT_STREQ(buf, "abcd");
	EXPECT_EQ(sys_read(p[0], buf, 8), 2);
	struct kstat st;
	EXPECT_EQ(sys_fstat(p[0], &st), 0);
	EXPECT_EQ(st.st_mode & S_IFMT, S_IFIFO);
	EXPECT_EQ(sys_read(p[1], buf, 1), -EBADF); // the write end
	EXPECT_EQ(sys_write(p[0], buf, 1), -EBADF); // the read end
	sys_close(p[0]);
	sys_close(p[1]);
	FS_LEAK_CHECK_END();
}

KTEST(pipe, read_gives_eof_when_writers_close)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	int w2 = sys_dup(p[1]);
	EXPECT_EQ(sys_write(p[1], "x", 1), 1);
	sys_close(p[1]);
	char c;
	EXPECT_EQ(sys_read(p[0], &c, 1), 1); // data first
	sys_close(w2);
	EXPECT_EQ(sys_read(p[0], &c, 1), 0);
	EXPECT_EQ(sys_read(p[0], &c, 1), 0);
	sys_close(p[0]);
	FS_LEAK_CHECK_END();
}

KTEST(pipe, write_fails_epipe_when_readers_are_gone)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	sys_close(p[0]);
	EXPECT_EQ(sys_write(p[1], "x", 1), -EPIPE);
	sys_close(p[1]);
	FS_LEAK_CHECK_END();
}

struct pipe_job {
	int rfd, wfd;
	int count;
	int errors;
	char fill;
};

static int pipe_writer(void *arg)
{
	struct pipe_job *j = arg;
	char *buf = kmalloc(4096, GFP_KERNEL);
	memset(buf, j->fill, 4096);
	for (int i = 0; i < j->count; i++)
		if (sys_write(j->wfd, buf, 4096) != 4096)
			j->errors++;
	kfree(buf);
	return 0;
}

KTEST(pipe, writes_of_4k_are_atomic_between_writers)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	// Tasks inherit only fds 0-2: put the write end there for them.
	int saved1 = sys_dup(1);
	ASSERT_EQ(sys_dup2(p[1], 1), 1);
	static struct pipe_job jobs[2];
	pid_t pids[2];
	for (int i = 0; i < 2; i++) {
		jobs[i] = (struct pipe_job){.wfd = 1, .count = 50, .fill = (char)('A' + i)};
		pids[i] = kernel_spawn("pipe_w", pipe_writer, &jobs[i]);
		ASSERT_GT(pids[i], 0);
	}
	ASSERT_EQ(sys_dup2(saved1, 1), 1);
	sys_close(saved1);
	sys_close(p[1]); // now only the writers hold the write end
	char *buf = kmalloc(4096, GFP_KERNEL);
	size_t total = 0, bad_blocks = 0;
	for (;;) {
		size_t got = 0; // read exactly one 4 KiB block
		long n = 1;
		while (got < 4096 && (n = sys_read(p[0], buf + got, 4096 - got)) > 0)
			got += (size_t)n;
		if (got == 0)
			break;
		for (size_t i = 1; i < got; i++)
			if (buf[i] != buf[0]) {
				bad_blocks++;
				break;
			}
		total += got;
		if (n <= 0)
			break;
	}
	EXPECT_EQ(total, 2 * 50 * 4096);
	EXPECT_EQ(bad_blocks, 0);
	for (int i = 0; i < 2; i++) {
		int status = -1;
		EXPECT_EQ(do_waitpid(pids[i], &status, 0), pids[i]);
		EXPECT_EQ(jobs[i].errors, 0);
	}
	kfree(buf);
	sys_close(p[0]);
	FS_LEAK_CHECK_END();
}

static int delayed_writer(void *arg)
{
	(void)arg;
	sleep_ns(20 * NSEC_PER_MSEC);
	sys_write(1, "late", 4);
	return 0;
}

KTEST(pipe, reader_blocks_until_a_writer_writes)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	int saved1 = sys_dup(1);
	ASSERT_EQ(sys_dup2(p[1], 1), 1);
	pid_t pid = kernel_spawn("pipe_late", delayed_writer, NULL);
	ASSERT_EQ(sys_dup2(saved1, 1), 1);
	sys_close(saved1);
	sys_close(p[1]);
	ASSERT_GT(pid, 0);
	char buf[8] = {0};
	u64 t0 = clock_ns();
	EXPECT_EQ(sys_read(p[0], buf, sizeof(buf)), 4);
	EXPECT_GE(clock_ns() - t0, 10 * NSEC_PER_MSEC);
	EXPECT_STREQ(buf, "late");
	EXPECT_EQ(sys_read(p[0], buf, sizeof(buf)), 0); // the writer exited
	int status;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	sys_close(p[0]);
	FS_LEAK_CHECK_END();
}

static int slow_reader(void *arg)
{
	(void)arg;
	char buf[512];
	sleep_ns(20 * NSEC_PER_MSEC);
	long n, total = 0;
	while ((n = sys_read(0, buf, sizeof(buf))) > 0)
		total += n;
	return total == 3 * 4096 ? 0 : 1;
}

KTEST(pipe, writer_blocks_while_full_and_reader_drains)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	int saved0 = sys_dup(0);
	ASSERT_EQ(sys_dup2(p[0], 0), 0);
	pid_t pid = kernel_spawn("pipe_slow", slow_reader, NULL);
	ASSERT_EQ(sys_dup2(saved0, 0), 0);
	sys_close(saved0);
	sys_close(p[0]);
	ASSERT_GT(pid, 0);
	char *buf = kmalloc(3 * 4096, GFP_KERNEL);
	memset(buf, 'z', 3 * 4096);
	EXPECT_EQ(sys_write(p[1], buf, 3 * 4096), 3 * 4096); // > the pipe's page
	sys_close(p[1]);
	int status = -1;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	kfree(buf);
	FS_LEAK_CHECK_END();
}

static int blocked_reader(void *arg)
{
	(void)arg;
	char c;
	sys_read(0, &c, 1); // never gets data: killed while asleep
	task_check_killed(); // the safe point a system call return would be
	return 0;
}

KTEST(pipe, killed_reader_wakes_up_and_exits)
{
	FS_LEAK_CHECK_BEGIN();
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	int saved0 = sys_dup(0);
	ASSERT_EQ(sys_dup2(p[0], 0), 0);
	pid_t pid = kernel_spawn("pipe_blk", blocked_reader, NULL);
	ASSERT_EQ(sys_dup2(saved0, 0), 0);
	sys_close(saved0);
	ASSERT_GT(pid, 0);
	sleep_ns(10 * NSEC_PER_MSEC);
	EXPECT_EQ(do_kill(pid, SIGTERM), 0);
	int status = 0;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status & 0x7f, SIGTERM);
	sys_close(p[0]);
	sys_close(p[1]);
	FS_LEAK_CHECK_END();
}
