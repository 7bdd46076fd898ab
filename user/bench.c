// ktest and bench: the in-kernel test suite and benchmarks, run from the
// shell, and pingpong, bench's helper.
//
// bench first runs the kernel's KBENCH benchmarks, then measures what an
// app sees, printing `name value unit` lines:
//   spawn_app_exit_wait_us  spawn("true") + waitpid, averaged
//   pipe_roundtrip_us       one byte to pingpong and back through two pipes
//   getpid_ns               one getpid() call
//   open_close_us           open + close of a file in /tmp
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int ktest_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: ktest [PATTERN]\n"
			   "Run the in-kernel unit tests (those whose suite.name matches\n"
			   "PATTERN); exit status 1 if any failed. The kernel prints the\n"
			   "report on the console, as at boot (not to a redirection).\n"))
		return 0;
	if (applib_operands("ktest", &argc, argv) < 0)
		return 1;
	fflush(stdout);
	int failures = corral_ktest(argc > 1 ? argv[1] : NULL);
	if (failures < 0)
		return applib_error("ktest", "run", errno);
	return failures ? 1 : 0;
}
APP(ktest, ktest_main, "run the in-kernel unit tests");

// ---- pingpong -----------------------------------------------------------------

static int pingpong_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: pingpong\nCopy stdin to stdout one byte at a time (bench's helper).\n"))
		return 0;
	if (applib_no_arguments("pingpong", argc, argv))
		return 1;
	char c;
	for (;;) {
		ssize_t n = read(0, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? applib_error("pingpong", "read", errno) : 0;
		if (applib_write_all(1, &c, 1) < 0)
			return errno == EPIPE ? 0 : applib_error("pingpong", "write", errno);
	}
}
APP(pingpong, pingpong_main, "copy stdin to stdout byte by byte (bench helper)");

// ---- bench ------------------------------------------------------------------

static int wanted(const char *pattern, const char *name)
{
	return corral_name_matches(pattern, name);
}

static void report(const char *name, double value, const char *unit)
{
	printf("%s %.3f %s\n", name, value, unit);
	fflush(stdout);
}

static int bench_spawn(void)
{
	const int rounds = 200;
	char *argv[] = {"true", NULL};
	long long t0 = applib_now_ns();
	for (int i = 0; i < rounds; i++) {
		pid_t pid = spawn("true", argv, NULL);
		if (pid < 0)
			return applib_error("bench", "spawn", errno);
		int st;
		if (waitpid(pid, &st, 0) < 0)
			return applib_error("bench", "waitpid", errno);
	}
	report("spawn_app_exit_wait_us", (double)(applib_now_ns() - t0) / rounds / 1e3, "us");
	return 0;
}

// Spawn pingpong with stdin from to_child and stdout to from_child: our
// own fds 0 and 1 point there while it is spawned (a child inherits 0-2).
static pid_t spawn_pingpong(int to_child, int from_child)
{
	int saved0 = dup(0), saved1 = dup(1);
	pid_t pid = -1;
	if (saved0 >= 0 && saved1 >= 0 && dup2(to_child, 0) >= 0 &&
	    dup2(from_child, 1) >= 0) {
		char *argv[] = {"pingpong", NULL};
		pid = spawn("pingpong", argv, NULL);
	}
	int err = errno;
	if (saved0 >= 0) {
		dup2(saved0, 0);
		close(saved0);
	}
	if (saved1 >= 0) {
		dup2(saved1, 1);
		close(saved1);
	}
	errno = err;
	return pid;
}

static int bench_pipe(void)
{
	const int rounds = 10000;
	int down[2], up[2];
	if (pipe(down) < 0)
		return applib_error("bench", "pipe", errno);
	if (pipe(up) < 0) {
		close(down[0]);
		close(down[1]);
		return applib_error("bench", "pipe", errno);
	}
	pid_t pid = spawn_pingpong(down[0], up[1]);
	int err = errno;
	close(down[0]);
	close(up[1]);
	int status = 0;
	if (pid < 0) {
		status = applib_error("bench", "spawn pingpong", err);
	} else {
		char c = 'x';
		long long t0 = applib_now_ns();
		int i;
		for (i = 0; i < rounds; i++)
			if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
				break;
		long long t = applib_now_ns() - t0;
		if (i < rounds)
			status = applib_error("bench", "pipe round trip", errno ? errno : EIO);
		else
			report("pipe_roundtrip_us", (double)t / rounds / 1e3, "us");
	}
	close(down[1]); // pingpong sees EOF and exits
	close(up[0]);
	if (pid > 0) {
		int st;
		waitpid(pid, &st, 0);
	}
	return status;
}

static int bench_getpid(void)
{
	const long rounds = 1000000;
	long long t0 = applib_now_ns();
	volatile pid_t sink = 0;
	for (long i = 0; i < rounds; i++)
		sink = getpid();
	(void)sink;
	report("getpid_ns", (double)(applib_now_ns() - t0) / rounds, "ns");
	return 0;
}

static int bench_open_close(void)
{
	const int rounds = 10000;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/bench.%d", (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		return applib_error("bench", path, errno);
	close(fd);
	int status = 0;
	long long t0 = applib_now_ns();
	for (int i = 0; i < rounds; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			status = applib_error("bench", path, errno);
			break;
		}
		close(fd);
	}
	if (!status)
		report("open_close_us", (double)(applib_now_ns() - t0) / rounds / 1e3, "us");
	unlink(path);
	return status;
}

// Run `sh -c text` and wait: the nanoseconds it took, or -1.
static long long time_sh(const char *text)
{
	char *argv[] = {"sh", "-c", (char *)text, NULL};
	long long t0 = applib_now_ns();
	pid_t pid = spawn("sh", argv, NULL);
	if (pid < 0)
		return -1;
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return applib_now_ns() - t0;
}

// The shell's loop of builtins (no spawn in it): 10,000 rounds of test
// and arithmetic, in milliseconds, shell start-up included.
static int bench_sh_loop(void)
{
	long long t = time_sh("i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done");
	if (t < 0)
		return applib_error("bench", "sh loop", errno ? errno : EIO);
	report("sh_loop_10k_ms", (double)t / 1e6, "ms");
	return 0;
}

// One $(echo x) (an in-process subshell writing a temporary file): 200 of
// them in a loop, less the same loop without them.
static int bench_sh_cmdsubst(void)
{
	const int rounds = 200;
	long long with = time_sh("i=0; while [ $i -lt 200 ]; do x=$(echo y); i=$((i+1)); done");
	long long without = time_sh("i=0; while [ $i -lt 200 ]; do x=y; i=$((i+1)); done");
	if (with < 0 || without < 0)
		return applib_error("bench", "sh cmdsubst", errno ? errno : EIO);
	report("sh_cmdsubst_us", (double)(with - without) / rounds / 1e3, "us");
	return 0;
}

// One forkshell start (a background `{ :; } &` and its wait: sh spawned
// on a copy of the shell's state, three variables and a function in it):
// 50 of them in a loop, less the same loop without them.
static int bench_sh_forkshell(void)
{
	const int rounds = 50;
	long long with = time_sh("a=1 b=2 c=3; f() { echo $a; }; i=0;"
				 " while [ $i -lt 50 ]; do { :; } & wait; i=$((i+1)); done");
	long long without = time_sh("a=1 b=2 c=3; f() { echo $a; }; i=0;"
				    " while [ $i -lt 50 ]; do { :; }; wait; i=$((i+1)); done");
	if (with < 0 || without < 0)
		return applib_error("bench", "sh forkshell", errno ? errno : EIO);
	report("sh_forkshell_us", (double)(with - without) / rounds / 1e3, "us");
	return 0;
}

static int bench_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: bench [PATTERN]\n"
			   "Run the kernel's benchmarks, then spawn_app_exit_wait_us,\n"
			   "pipe_roundtrip_us, getpid_ns, open_close_us, sh_loop_10k_ms,\n"
			   "sh_cmdsubst_us and sh_forkshell_us, printing\n"
			   "`name value unit` lines. PATTERN selects names: a prefix or a\n"
			   "'*' glob, or several separated by commas (as ktest=). The kernel's\n"
			   "lines go to the console, the apps' to stdout.\n"))
		return 0;
	if (applib_operands("bench", &argc, argv) < 0)
		return 1;
	const char *pattern = argc > 1 ? argv[1] : NULL;
	// The kernel's and the apps' pipe_roundtrip_us and open_close_us have
	// the same names (as the issues name them): a comment line heads each
	// part of the table.
	printf("# kernel (KBENCH, kernel tasks)\n");
	fflush(stdout);
	int status = 0;
	if (corral_kbench(pattern) < 0)
		status = applib_error("bench", "kernel benchmarks", errno);
	printf("# apps (through newlib and user/libc)\n");
	fflush(stdout);
	if (wanted(pattern, "spawn_app_exit_wait_us"))
		status |= bench_spawn();
	if (wanted(pattern, "pipe_roundtrip_us"))
		status |= bench_pipe();
	if (wanted(pattern, "getpid_ns"))
		status |= bench_getpid();
	if (wanted(pattern, "open_close_us"))
		status |= bench_open_close();
	if (wanted(pattern, "sh_loop_10k_ms"))
		status |= bench_sh_loop();
	if (wanted(pattern, "sh_cmdsubst_us"))
		status |= bench_sh_cmdsubst();
	if (wanted(pattern, "sh_forkshell_us"))
		status |= bench_sh_forkshell();
	return status;
}
APP(bench, bench_main, "run the benchmarks");
