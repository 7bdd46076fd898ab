// Tests for apps as tasks (kernel/app.c) and the libc under them
// (user/libc), with the test apps of user/libc/test_apps.c. Tests run in
// init, so spawned apps are its children.
#include "kernel/app.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmap.h"

// Runs app with its stdout (fd 1) on a pipe; what it wrote goes to out
// (NUL-terminated, at most size - 1 bytes) and its wait status to
// *status. Returns its pid or the spawn's error.
static pid_t run_captured(const char *app, char *const argv[], char *const envp[],
			  char *out, size_t size, int *status)
{
	int fds[2];
	out[0] = '\0';
	if (sys_pipe(fds) < 0)
		return -EIO;
	int saved = sys_dup(1);
	sys_dup2(fds[1], 1);
	pid_t pid = sys_spawn(app, argv, envp);
	if (saved >= 0) {
		sys_dup2(saved, 1);
		sys_close(saved);
	} else {
		sys_close(1);
	}
	sys_close(fds[1]);
	size_t len = 0;
	long n;
	while (len + 1 < size && (n = sys_read(fds[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	sys_close(fds[0]);
	if (pid > 0 && do_waitpid(pid, status, 0) != pid)
		return -ECHILD;
	return pid;
}

// EXPECT_STREQ for long outputs: on a mismatch, the whole of both.
static void expect_output_at(const char *file, int line, const char *out, const char *want)
{
	if (strcmp(out, want) == 0)
		return;
	ktest_fail(file, line, "output differs");
	printk("# got:\n%s", out); // (printk may cut a long line)
	printk("# expected:\n%s", want);
}
#define expect_output(out, want) expect_output_at(__FILE__, __LINE__, out, want)

static u64 settled_free_pages(void)
{
	task_reap_dead();
	vmap_purge_lazy(); // dead heaps' regions (and their queue entries)
	kmem_cache_shrink_all();
	return nr_free_pages();
}

KTEST(app, spawn_of_an_unknown_app_fails_enoent)
{
	char *argv[] = {"nope", NULL};
	EXPECT_EQ(sys_spawn("__no_such_app", argv, NULL), -ENOENT);
	EXPECT_EQ(sys_spawn(NULL, argv, NULL), -ENOENT);
}

KTEST(app, exit_code_and_printf_reach_the_parent)
{
	char out[256];
	int status = -1;
	char *argv[] = {"__exit42", NULL};
	ASSERT_GT(run_captured("__exit42", argv, NULL, out, sizeof(out), &status), 0);
	EXPECT_EQ(status, 42 << 8);
	EXPECT_STREQ(out, "__exit42: exiting with 42\n"); // flushed by exit()
}

// cgexec's way in: the child stops before any of its code runs, is seen
// stopped, and runs as usual after SIGCONT.
KTEST(app, a_task_spawned_stopped_runs_only_after_sigcont)
{
	char *argv[] = {"__exit42", NULL};
	pid_t pid = sys_spawn_stopped("__exit42", argv, NULL);
	ASSERT_GT(pid, 0);
	int status = -1;
	EXPECT_EQ(do_waitpid(pid, &status, WUNTRACED), pid);
	EXPECT_EQ(status, (SIGSTOP << 8) | 0x7f); // stopped, not exited 42
	struct task *t = task_find_get(pid);
	ASSERT_NE(t, NULL);
	EXPECT_EQ(task_state_char(t), 'T');
	task_put(t);
	EXPECT_EQ(sys_kill(pid, SIGCONT), 0);
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 42 << 8);
	EXPECT_EQ(sys_spawn_stopped("__no_such_app", argv, NULL), -ENOENT);
}

KTEST(app, oversized_arguments_fail_e2big)
{
	static char big[70 * 1024];
	memset(big, 'a', sizeof(big) - 1);
	char *argv[] = {"__exit42", big, big, NULL};
	EXPECT_EQ(sys_spawn("__exit42", argv, NULL), -E2BIG);
}

KTEST(app, a_leaking_app_gives_back_every_page_at_exit)
{
	char out[256];
	int status = -1;
	char *argv[] = {"__leaktest", NULL};
	// Warm up: page tables for the heap and stack ranges, slab caches.
	ASSERT_GT(run_captured("__leaktest", argv, NULL, out, sizeof(out), &status), 0);
	u64 base = settled_free_pages();
	ASSERT_GT(run_captured("__leaktest", argv, NULL, out, sizeof(out), &status), 0);
	EXPECT_EQ(status, 0);
	EXPECT_TRUE(strncmp(out, "__leaktest: leaked 10", 21) == 0);
	EXPECT_EQ(settled_free_pages(), base);
}

// Starts `__leaktest how` (which waits to be killed once it has leaked),
// kills it and checks every page came back.
static void kill_leaker_and_count(const char *how)
{
	int fds[2], status = -1;
	char line[128];
	char *argv[] = {"__leaktest", (char *)how, NULL}, *warm_argv[] = {"__leaktest", NULL};
	// Warm up: page tables for the heap and stack ranges, slab caches.
	ASSERT_GT(run_captured("__leaktest", warm_argv, NULL, line, sizeof(line), &status), 0);
	u64 base = settled_free_pages();
	ASSERT_EQ(sys_pipe(fds), 0);
	int saved = sys_dup(1);
	sys_dup2(fds[1], 1);
	pid_t pid = sys_spawn("__leaktest", argv, NULL);
	if (saved >= 0) {
		sys_dup2(saved, 1);
		sys_close(saved);
	} else {
		sys_close(1);
	}
	sys_close(fds[1]);
	long n = sys_read(fds[0], line, sizeof(line) - 1); // it has leaked
	ASSERT_GT(pid, 0);
	EXPECT_GT(n, 0);
	EXPECT_LT(nr_free_pages(), base - 256);
	EXPECT_EQ(sys_kill(pid, SIGKILL), 0);
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, SIGKILL);
	sys_close(fds[0]);
	EXPECT_EQ(settled_free_pages(), base);
}

KTEST(app, an_app_killed_in_its_own_code_gives_back_every_page)
{
	kill_leaker_and_count("spin");
}

KTEST(app, an_app_killed_while_sleeping_gives_back_every_page)
{
	kill_leaker_and_count("sleep");
}

KTEST(app, floating_point_survives_task_switches)
{
	enum { N = 4 };
	int fds[2];
	ASSERT_EQ(sys_pipe(fds), 0);
	int saved = sys_dup(1);
	sys_dup2(fds[1], 1);
	pid_t pids[N];
	char *argv[] = {"__ssetest", NULL};
	for (int i = 0; i < N; i++)
		pids[i] = sys_spawn("__ssetest", argv, NULL);
	if (saved >= 0) {
		sys_dup2(saved, 1);
		sys_close(saved);
	} else {
		sys_close(1);
	}
	sys_close(fds[1]);
	char out[512];
	size_t len = 0;
	long n;
	while (len + 1 < sizeof(out) && (n = sys_read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	sys_close(fds[0]);
	for (int i = 0; i < N; i++) {
		int status = -1;
		ASSERT_GT(pids[i], 0);
		EXPECT_EQ(do_waitpid(pids[i], &status, 0), pids[i]);
		EXPECT_EQ(status, 0);
	}
	EXPECT_STREQ(out, "__ssetest: 1.644884 ok\n__ssetest: 1.644884 ok\n"
			  "__ssetest: 1.644884 ok\n__ssetest: 1.644884 ok\n");
}

KTEST(app, libc_calls_work_from_an_app)
{
	char out[1024];
	int status = -1;
	char *argv[] = {"__libctest", "one", "two words", NULL};
	char *envp[] = {"FOO=old", "HOME=/", NULL};
	ASSERT_GT(run_captured("__libctest", argv, envp, out, sizeof(out), &status), 0);
	EXPECT_EQ(status, 3 << 8);
	expect_output(out, "argc=3 [__libctest] [one] [two words]\n"
			  "FOO=old\n"
			  "FOO=new BAR=b\n"
			  "FOO=(unset)\n"
			  "snprintf: 2.50|   42|x\n"
			  "isatty(1)=0\n"
			  "Resource temporarily unavailable; Numerical result out of range; "
			  "Unknown error 12345\n"
			  "read: hello 7\n"
			  "rmdir: Directory not empty (ENOTEMPTY)\n"
			  "entry: file type 8\n"
			  "open: No such file or directory\n"
			  "__exit42: exiting with 42\n"
			  "child exited 42\n"
			  "spawn: No such file or directory\n");
}
