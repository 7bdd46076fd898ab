// Tiny apps the runtime's own tests (kernel/app_test.c) spawn. Their names
// start with "__" so they stay out of the way of the real apps.
//
//   __exit42   prints a line and calls exit(42) (exit status, stdout
//              flushed by exit)
//   __leaktest mallocs about 1 MiB in pieces and frees none of it (the
//              task's exit must give it all back); `__leaktest spin` or
//              `__leaktest sleep` then waits to be killed
//   __ssetest  floating-point work across many task switches, printed
//              with %f (SSE state saved per task; printf of doubles)
//   __libctest argv and the environment, errno and strerror, stdio on a
//              file, snprintf, spawn and waitpid from an app
//   __sigtest  signal(), sigaction() and raise(): refuses SIGKILL, runs
//              a SIGUSR1 handler before raise() returns, ignores SIGTERM,
//              then sleeps until a SIGINT handler cuts the sleep short
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/corral.h"


static int exit42_main(int argc, char **argv)
{
	(void)argc;
	printf("%s: exiting with 42\n", argv[0]);
	exit(42);
}
APP(__exit42, exit42_main, "test: print a line, exit(42)");

static int leaktest_main(int argc, char **argv)
{
	size_t total = 0;
	for (int i = 0; total < (1 << 20); i++) {
		size_t size = i % 10 == 9 ? 40000 : (size_t)(i * 97) % 3000 + 1;
		char *p = malloc(size);
		if (!p) {
			printf("__leaktest: out of memory after %zu bytes\n", total);
			return 1;
		}
		memset(p, i, size);
		total += size;
	}
	char *s = strdup("and a string");
	printf("__leaktest: leaked %zu bytes %s\n", total, s ? "" : "(no string)");
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "spin") == 0)
		for (volatile unsigned long n = 0;; n++) // killed in app code
			;
	if (argc > 1 && strcmp(argv[1], "sleep") == 0)
		for (;;)
			sleep(1); // killed at the kernel call's safe point
	return 0;
}
APP(__leaktest, leaktest_main, "test: malloc 1 MiB and never free it");

// Sum of 1/i^2 for i = 1..n, yielding now and then so that other tasks'
// floating-point work runs in between.
static double basel_sum(int n)
{
	double sum = 0;
	for (int i = n; i >= 1; i--) { // small terms first, for accuracy
		sum += 1.0 / ((double)i * i);
		if (i % 500 == 0)
			sched_yield();
	}
	return sum;
}

static int ssetest_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const int n = 20000;
	double sum = basel_sum(n);
	// pi^2/6 - sum = 1/n - 1/(2n^2) + O(1/n^3)
	double expect = M_PI * M_PI / 6 - 1.0 / n + 1.0 / (2.0 * n * n);
	int ok = fabs(sum - expect) < 1e-9;
	printf("__ssetest: %.6f %s\n", sum, ok ? "ok" : "WRONG");
	return ok ? 0 : 1;
}
APP(__ssetest, ssetest_main, "test: floating point across task switches");

static const char *env_or_unset(const char *name)
{
	const char *v = getenv(name);
	return v ? v : "(unset)";
}

static void libctest_env(int argc, char **argv)
{
	printf("argc=%d", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\nFOO=%s\n", env_or_unset("FOO"));
	setenv("FOO", "new", 1);
	setenv("BAR", "b", 0);
	printf("FOO=%s BAR=%s\n", env_or_unset("FOO"), env_or_unset("BAR"));
	unsetenv("FOO");
	printf("FOO=%s\n", env_or_unset("FOO"));
}

static void libctest_files(void)
{
	char buf[64];
	const char *dir = "/__libctest", *file = "/__libctest/file";
	if (mkdir(dir, 0755) < 0)
		printf("mkdir: %s\n", strerror(errno));
	FILE *f = fopen(file, "w");
	if (!f) {
		printf("fopen: %s\n", strerror(errno));
		return;
	}
	fprintf(f, "hello %d\n", 7);
	fclose(f);
	f = fopen(file, "r");
	if (f && fgets(buf, sizeof(buf), f))
		printf("read: %s", buf);
	if (f)
		fclose(f);
	errno = 0;
	if (rmdir(dir) < 0)
		printf("rmdir: %s%s\n", strerror(errno), errno == ENOTEMPTY ? " (ENOTEMPTY)" : "");
	CDIR *d = cdir_open(dir);
	struct corral_dirent *e;
	while (d && (e = cdir_read(d)))
		if (e->d_name[0] != '.')
			printf("entry: %s type %d\n", e->d_name, e->d_type);
	if (d)
		cdir_close(d);
	unlink(file);
	if (rmdir(dir) == 0 && open(file, O_RDONLY) < 0)
		printf("open: %s\n", strerror(errno));
}

static int libctest_main(int argc, char **argv)
{
	char buf[64];
	libctest_env(argc, argv);
	snprintf(buf, sizeof(buf), "%.2f|%5d|%s", 2.5, 42, "x");
	printf("snprintf: %s\n", buf);
	printf("isatty(1)=%d\n", isatty(1));
	printf("%s; %s; %s\n", strerror(EAGAIN), strerror(ERANGE), strerror(12345));
	libctest_files();
	fflush(stdout); // before the child writes to the same pipe
	char *child_argv[] = {"__exit42", NULL};
	pid_t pid = spawn("__exit42", child_argv, NULL);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("spawn: %s\n", strerror(errno));
	else
		printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (spawn("__no_such_app", child_argv, NULL) < 0)
		printf("spawn: %s\n", strerror(errno));
	return 3;
}
APP(__libctest, libctest_main, "test: libc calls from an app");

// What __sigtest's handlers saw: the instance's own (corral_app_data),
// since every instance of an app shares its globals.
struct sigtest {
	int count[32];
};

static void sigtest_handler(int sig)
{
	struct sigtest *st = corral_app_data();
	if (st && sig > 0 && sig < 32)
		st->count[sig]++;
}

static int sigtest_main(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct sigtest st;
	memset(&st, 0, sizeof(st));
	corral_set_app_data(&st);
	if (signal(SIGKILL, sigtest_handler) == SIG_ERR)
		printf("signal(SIGKILL): %s\n", strerror(errno));
	signal(SIGUSR1, sigtest_handler);
	raise(SIGUSR1);
	printf("raise(SIGUSR1): handler ran %d time(s)\n", st.count[SIGUSR1]);
	struct sigaction act, old;
	memset(&act, 0, sizeof(act));
	act.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &act, NULL);
	act.sa_handler = sigtest_handler;
	sigaction(SIGINT, &act, &old);
	printf("SIGINT was %s; waiting in pid %d\n", old.sa_handler == SIG_DFL   ? "default"
	       : old.sa_handler == SIG_IGN ? "ignored"
					   : "caught",
	       (int)getpid());
	fflush(stdout);
	int slept = 0;
	while (st.count[SIGINT] == 0 && slept < 600) {
		if (sleep(1) != 0)
			break;
		slept++;
	}
	printf("caught SIGINT %d time(s), SIGTERM %d: %s\n", st.count[SIGINT], st.count[SIGTERM],
	       st.count[SIGINT] ? "sleep cut short" : "timed out");
	return st.count[SIGINT] == 1 ? 0 : 1;
}
APP(__sigtest, sigtest_main, "test: catch and ignore signals");
