// Tests of /dev: null, zero, kmsg and the console's line discipline.
#include "fs/devfs/devfs.h"
#include "fs/fs_test.h"
#include "kernel/printk.h"
#include "kernel/task.h"
#include "mm/slab.h"

KTEST(devfs, dev_lists_the_devices)
{
	FS_LEAK_CHECK_BEGIN();
	EXPECT_TRUE(fs_test_dir_has("/dev", "console"));
	EXPECT_TRUE(fs_test_dir_has("/dev", "null"));
	EXPECT_TRUE(fs_test_dir_has("/dev", "zero"));
	EXPECT_TRUE(fs_test_dir_has("/dev", "kmsg"));
	FS_LEAK_CHECK_END();
}

KTEST(devfs, null_reads_eof_and_swallows_writes)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/dev/null", O_RDWR, 0);
	ASSERT_GE(fd, 0);
	char buf[8];
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 0);
	EXPECT_EQ(sys_write(fd, "discard", 7), 7);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(devfs, zero_reads_zeros)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/dev/zero", O_RDWR, 0);
	ASSERT_GE(fd, 0);
	char buf[100];
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 100);
	int nonzero = 0;
	for (int i = 0; i < 100; i++)
		nonzero += buf[i] != 0;
	EXPECT_EQ(nonzero, 0);
	EXPECT_EQ(sys_write(fd, buf, 10), 10);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(devfs, kmsg_reads_the_log_and_logs_writes)
{
	FS_LEAK_CHECK_BEGIN();
	pr_info("devfs-test marker 4711\n");
	int fd = sys_open("/dev/kmsg", O_RDWR, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_write(fd, "written to kmsg 0815\n", 21), 21);
	char *log = kmalloc(70000, GFP_KERNEL);
	ASSERT_TRUE(log != NULL);
	size_t got = 0;
	long n;
	while ((n = sys_read(fd, log + got, 4096)) > 0 && got < 65536)
		got += (size_t)n;
	log[got] = 0;
	EXPECT_EQ(n, 0); // EOF at the end of the log, no blocking
	EXPECT_TRUE(strstr(log, "devfs-test marker 4711") != NULL);
	EXPECT_TRUE(strstr(log, "written to kmsg 0815") != NULL);
	kfree(log);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

// ---- the console line discipline, fed directly ----

static char echoed[256];
static size_t echoed_len;

static void capture_echo(const char *s, size_t n)
{
	for (size_t i = 0; i < n && echoed_len < sizeof(echoed) - 1; i++)
		echoed[echoed_len++] = s[i];
	echoed[echoed_len] = 0;
}

static int console_test_open(void)
{
	console_reset();
	console_set_echo(capture_echo);
	echoed_len = 0;
	echoed[0] = 0;
	return sys_open("/dev/console", O_RDWR, 0);
}

static void console_test_close(int fd)
{
	sys_close(fd);
	console_reset();
	console_set_echo(NULL);
}

static void feed(const char *s)
{
	while (*s)
		console_input_byte(*s++);
}

KTEST(devfs, console_cooked_mode_edits_and_delivers_lines)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = console_test_open();
	ASSERT_GE(fd, 0);
	char buf[64] = {0};
	feed("helxy\x7f\x7flo\r");
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 6);
	EXPECT_STREQ(buf, "hello\n");
	EXPECT_STREQ(echoed, "helxy\b \b\b \blo\n"); // echoed as it was read
	feed("junk\x15" "ok\n");      // Ctrl-U drops the line
	feed("second\n");
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 3); // one line per read
	EXPECT_STREQ(buf, "ok\n");
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(sys_read(fd, buf, 3), 3);           // a short read takes part
	EXPECT_STREQ(buf, "sec");
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 4);
	feed("\x04");                                 // Ctrl-D: EOF
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 0);
	console_test_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(devfs, console_overlong_line_is_cut_not_crashed)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = console_test_open();
	ASSERT_GE(fd, 0);
	for (int i = 0; i < 5000; i++)
		console_input_byte('a' + i % 26);
	console_input_byte('\n');
	char *buf = kmalloc(8192, GFP_KERNEL);
	long n = sys_read(fd, buf, 8192);
	EXPECT_EQ(n, 1024); // CON_LINE_MAX, with the newline
	EXPECT_EQ(buf[n - 1], '\n');
	kfree(buf);
	console_test_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(devfs, console_raw_mode_passes_bytes_without_echo)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = console_test_open();
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_RAW, 1), 0);
	feed("a\x7f\r\x1b[A");
	EXPECT_EQ(echoed_len, 0);
	char buf[16] = {0};
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "a\x7f\r\x1b[A", 6), 0);
	console_input_byte(0x03); // no foreground task: queued as a byte
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 1);
	EXPECT_EQ(buf[0], 0x03);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_RAW, 0), 0);
	EXPECT_EQ(sys_ioctl(fd, 0x1234, 0), -ENOTTY);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, -5), -EINVAL);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, PID_MAX - 1), -ESRCH);
	console_test_close(fd);
	FS_LEAK_CHECK_END();
}

static int sleeper(void *arg)
{
	(void)arg;
	for (;;) {
		sleep_ns(NSEC_PER_SEC);
		task_check_killed(); // the safe point a system call return would be
	}
	return 0;
}

// The Ctrl-C fed before was not queued (and a partial line was dropped):
// with no foreground, the next line reads back intact.
static void expect_ctrl_c_was_not_queued(int fd)
{
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, 0), 0);
	feed("after\n");
	char buf[16] = {0};
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 6);
	EXPECT_STREQ(buf, "after\n");
}

KTEST(devfs, console_ctrl_c_interrupts_the_foreground_task)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = console_test_open();
	ASSERT_GE(fd, 0);
	pid_t pid = kernel_spawn("sleeper", sleeper, NULL);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, pid), 0);
	feed("partial");
	console_input_byte(0x03);
	int status = 0;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status & 0x7f, SIGINT);
	EXPECT_TRUE(strstr(echoed, "^C") != NULL);
	expect_ctrl_c_was_not_queued(fd);
	console_test_close(fd);
	FS_LEAK_CHECK_END();
}

// The console does not keep an exited foreground task's struct: a shell
// killed before it names the next foreground would leave it allocated
// (the torture suite saw a 'ps' kept for minutes). A Ctrl-C then still
// reaches no one and is not queued, as for a foreground that ended.
KTEST(devfs, console_lets_an_exited_foreground_task_go)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = console_test_open();
	ASSERT_GE(fd, 0);
	int structs = nr_task_structs();
	pid_t pid = kernel_spawn("sleeper", sleeper, NULL);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, pid), 0);
	EXPECT_EQ(sys_kill(pid, SIGKILL), 0);
	int status = 0;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	for (int i = 0; i < 100 && nr_task_structs() != structs; i++)
		sleep_ns(NSEC_PER_MSEC); // (freed once it has switched out)
	EXPECT_EQ(nr_task_structs(), structs);
	console_input_byte(0x03);
	EXPECT_TRUE(strstr(echoed, "^C") != NULL);
	expect_ctrl_c_was_not_queued(fd);
	console_test_close(fd);
	FS_LEAK_CHECK_END();
}

static char reader_got[32];

static int console_reader(void *arg)
{
	int fd = (int)(long)arg;
	long n = sys_read(fd, reader_got, sizeof(reader_got) - 1);
	return n > 0 ? (int)n : 100;
}

KTEST(devfs, console_ctrl_c_drops_the_line_being_edited)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = console_test_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(sys_dup2(fd, 0), 0); // the reader task inherits fd 0
	memset(reader_got, 0, sizeof(reader_got));
	pid_t reader = kernel_spawn("con_reader", console_reader, (void *)0L);
	pid_t victim = kernel_spawn("sleeper", sleeper, NULL);
	ASSERT_GT(reader, 0);
	ASSERT_GT(victim, 0);
	feed("partial");
	for (int i = 0; i < 200 && echoed_len < 7; i++)
		sleep_ns(NSEC_PER_MSEC); // until the reader has edited it
	EXPECT_STREQ(echoed, "partial");
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, victim), 0);
	console_input_byte(0x03);
	int status = 0;
	EXPECT_EQ(do_waitpid(victim, &status, 0), victim);
	EXPECT_EQ(status & 0x7f, SIGINT);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_FG, 0), 0);
	feed("x\n");
	EXPECT_EQ(do_waitpid(reader, &status, 0), reader);
	EXPECT_EQ(status, 2 << 8);
	EXPECT_STREQ(reader_got, "x\n");
	ASSERT_EQ(sys_dup2(1, 0), 0); // fd 0 back to the console (1 is too)
	console_test_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(devfs, console_write_returns_the_length)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/dev/console", O_WRONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_write(fd, "# console write test\n", 21), 21);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), -ESPIPE);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(devfs, kernel_fds_0_to_2_are_the_console)
{
	struct kstat st, console;
	ASSERT_EQ(sys_stat("/dev/console", &console), 0);
	for (int fd = 0; fd < 3; fd++) {
		EXPECT_EQ(sys_fstat(fd, &st), 0);
		EXPECT_EQ(st.st_ino, console.st_ino);
	}
}
