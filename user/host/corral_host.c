// Host test shim: lets the shell and apps of user/ build and run on Linux
// (glibc) for testing. Never linked into the kernel.
//
// The build (user/host/build.sh) compiles every user/*.c app file with
// -DCORRAL_HOST, renames each object's ".apps" section to "corral_apps" so
// that the linker provides __start_/__stop_ symbols for the registry, and
// links them with this file into one multi-call binary:
//   corral APP [ARG...]      run APP (argv[0] of APP is "APP")
//   corral                   run sh
// spawn() re-executes the binary as "@corral APP ARG..." with posix_spawn,
// passing only fds 0-2 and in its own process group, as on Corral; the
// console calls work on a terminal with termios and tcsetpgrp.
#include "user/corral.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;
extern const struct app __start_corral_apps[], __stop_corral_apps[];

const struct app *app_first(void)
{
	const struct app *start = __start_corral_apps, *stop = __stop_corral_apps;
	return start < stop ? start : NULL;
}

const struct app *app_next(const struct app *a)
{
	const struct app *stop = __stop_corral_apps;
	return a + 1 < stop ? a + 1 : NULL;
}

const struct app *app_find(const char *name)
{
	for (const struct app *a = app_first(); a; a = app_next(a))
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

pid_t spawn(const char *app, char *const argv[], char *const envp[])
{
	if (!app_find(app)) {
		errno = ENOENT;
		return -1;
	}
	int argc = 0;
	while (argv && argv[argc])
		argc++;
	char **nargv = calloc((size_t)argc + 3, sizeof(char *));
	if (!nargv) {
		errno = ENOMEM;
		return -1;
	}
	nargv[0] = "@corral";
	nargv[1] = (char *)app;
	for (int i = 0; i < argc; i++)
		nargv[i + 2] = argv[i];
	if (argc == 0)
		nargv[2] = (char *)app;

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&attr);
	sigset_t def, none;
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGQUIT);
	sigaddset(&def, SIGTTOU);
	sigaddset(&def, SIGTTIN);
	sigaddset(&def, SIGTERM);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					      POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSIGMASK);
	pid_t pid;
	int rc = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, nargv,
			     envp ? envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(nargv);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

// On the host kills are the host's: nothing to pass.
int pass_kills(int on)
{
	(void)on;
	return 0;
}

// On the host the child may run a little before it stops: there are no
// containers here for that to matter (cgexec reports them not mounted).
pid_t spawn_stopped(const char *app, char *const argv[], char *const envp[])
{
	pid_t pid = spawn(app, argv, envp);
	if (pid > 0)
		kill(pid, SIGSTOP);
	return pid;
}

int sched_setaffinity_mask(pid_t pid, unsigned long long mask)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int i = 0; i < 64; i++)
		if (mask & (1ULL << i))
			CPU_SET(i, &set);
	return sched_setaffinity(pid, sizeof(set), &set);
}

int sched_getaffinity_mask(pid_t pid, unsigned long long *mask)
{
	cpu_set_t set;
	if (sched_getaffinity(pid, sizeof(set), &set) < 0)
		return -1;
	*mask = 0;
	for (int i = 0; i < 64; i++)
		if (CPU_ISSET(i, &set))
			*mask |= 1ULL << i;
	return 0;
}

// No memory policy on the host build: every task has the default.
int set_mempolicy_mask(int mode, unsigned long long nodes)
{
	(void)nodes;
	if (mode == MPOL_DEFAULT)
		return 0;
	errno = ENOSYS;
	return -1;
}

int get_mempolicy_mask(int *mode, unsigned long long *nodes)
{
	*mode = MPOL_DEFAULT;
	*nodes = 0;
	return 0;
}

int setpriority_nice(pid_t pid, int nice)
{
	return setpriority(PRIO_PROCESS, (id_t)pid, nice);
}

int mount(const char *source, const char *target, const char *fstype,
	  const char *options)
{
	(void)source, (void)target, (void)fstype, (void)options;
	errno = ENOSYS;
	return -1;
}

int umount(const char *target)
{
	(void)target;
	errno = ENOSYS;
	return -1;
}

struct corral_dir {
	DIR *dir;
	struct corral_dirent ent;
};

CDIR *cdir_open(const char *path)
{
	struct corral_dir *d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->dir = opendir(path);
	if (!d->dir) {
		int err = errno;
		free(d);
		errno = err;
		return NULL;
	}
	return d;
}

struct corral_dirent *cdir_read(CDIR *d)
{
	struct dirent *e = readdir(d->dir);
	if (!e)
		return NULL;
	d->ent.d_ino = e->d_ino;
	d->ent.d_type = e->d_type;
	snprintf(d->ent.d_name, sizeof(d->ent.d_name), "%s", e->d_name);
	return &d->ent;
}

int cdir_close(CDIR *d)
{
	int rc = closedir(d->dir);
	free(d);
	return rc;
}

// The terminal's settings before the first switch to raw mode (host only:
// there is one terminal per host process).
static struct termios saved_termios;
static int have_saved_termios;

int console_set_raw(int fd, int raw)
{
	if (!isatty(fd)) {
		errno = ENOTTY;
		return -1;
	}
	if (!have_saved_termios) {
		if (tcgetattr(fd, &saved_termios) < 0)
			return -1;
		have_saved_termios = 1;
	}
	struct termios t = saved_termios;
	if (raw) {
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
		t.c_iflag &= ~(tcflag_t)(ICRNL | IXON | INLCR);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
	}
	// The shell may change modes while a job has the terminal: do not
	// let SIGTTOU stop it for that.
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	int rc = tcsetattr(fd, TCSADRAIN, &t);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

// A host terminal flushes its own input on Ctrl-C; nothing is counted.
int console_intr_count(int fd)
{
	(void)fd;
	return 0;
}

int console_pending(int fd)
{
	int n;
	if (ioctl(fd, FIONREAD, &n) < 0)
		return -1;
	return n;
}

int console_set_fg(int fd, pid_t pid)
{
	if (!isatty(fd)) {
		errno = ENOTTY;
		return -1;
	}
	// pid 0: no foreground task; here, the terminal goes back to the caller.
	pid_t pgrp = pid ? getpgid(pid) : getpgrp();
	if (pgrp < 0)
		return -1;
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	int rc = tcsetpgrp(fd, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

// The host's terminal has no "Ctrl-C only" mode: the shell's process
// group takes the terminal.
int console_set_fg_nostop(int fd, pid_t pid) { return console_set_fg(fd, pid); }

int corral_poweroff(int status)
{
	fflush(NULL);
	exit(status);
}

// One app instance per host process: a global will do.
static void *app_data;
void corral_set_app_data(void *p) { app_data = p; }
void *corral_app_data(void) { return app_data; }

int corral_ktest(const char *pattern)
{
	printf("ktest: the in-kernel suite runs only on Corral (pattern %s)\n",
	       pattern ? pattern : "(all)");
	return 0;
}

int corral_kbench(const char *pattern)
{
	(void)pattern;
	return 0;
}

int corral_name_matches(const char *pattern, const char *name)
{
	return !pattern || !*pattern || strncmp(name, pattern, strlen(pattern)) == 0;
}

int main(int argc, char **argv)
{
	// As on Corral, a write to a pipe without readers fails with EPIPE
	// rather than killing the writer.
	signal(SIGPIPE, SIG_IGN);
	const char *name = "sh";
	char **args = argv;
	int nargs = argc;
	if (argc >= 2 && strcmp(argv[0], "@corral") == 0) {
		name = argv[1];
		args = argv + 2;
		nargs = argc - 2;
	} else {
		const char *base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		if (app_find(base) && strcmp(base, "corral") != 0) {
			name = base;
		} else if (argc >= 2) {
			name = argv[1];
			args = argv + 1;
			nargs = argc - 1;
		} else {
			static char *sh_argv[] = {"sh", NULL};
			args = sh_argv;
			nargs = 1;
		}
	}
	const struct app *app = app_find(name);
	if (!app) {
		fprintf(stderr, "corral: %s: no such app\n", name);
		return 127;
	}
	int status = app->main(nargs, args);
	fflush(NULL);
	return status;
}

