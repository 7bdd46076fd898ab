// What user/corral.h promises apps beyond newlib: processes, affinity,
// mount, directory reading, console control and the app registry (newlib
// side of user/libc).
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/x86/call_on_stack.h"
#include "user/corral.h"
#include "user/libc/libc.h"

_Static_assert(sizeof(struct app) == sizeof(struct kabi_app) &&
		       offsetof(struct app, name) == offsetof(struct kabi_app, name) &&
		       offsetof(struct app, main) == offsetof(struct kabi_app, main) &&
		       offsetof(struct app, help) == offsetof(struct kabi_app, help),
	       "kabi.h mirrors struct app");

int call_on_heap_stack(size_t size, void (*fn)(void *), void *arg)
{
	size = (size + 15) & ~(size_t)15;
	char *stack = malloc(size);
	if (!stack) {
		errno = ENOMEM;
		return -1;
	}
	kabi_heap_set_stack(stack, size);
	call_on_stack(stack + size, fn, arg);
	kabi_heap_set_stack(NULL, 0);
	free(stack);
	return 0;
}

// ---- The app registry: the APP() descriptors in the .apps section ----

const struct app *app_first(void)
{
	const struct app *a = (const struct app *)__apps_start;
	return a < (const struct app *)__apps_end ? a : NULL;
}

const struct app *app_next(const struct app *a)
{
	a++;
	return a < (const struct app *)__apps_end ? a : NULL;
}

const struct app *app_find(const char *name)
{
	for (const struct app *a = app_first(); a; a = app_next(a))
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

// ---- Processes ----

// envp NULL: the caller's own environment.
pid_t spawn(const char *app, char *const argv[], char *const envp[])
{
	if (!envp)
		envp = libc_task()->environ;
	return LIBC_RESULT(sys_spawn(app, argv, envp));
}

int pass_kills(int on) { return LIBC_RESULT(sys_pass_kills(on)); }

pid_t spawn_stopped(const char *app, char *const argv[], char *const envp[])
{
	if (!envp)
		envp = libc_task()->environ;
	return LIBC_RESULT(sys_spawn_stopped(app, argv, envp));
}

int getrlimit(int resource, struct rlimit *rl)
{
	unsigned long lim[2];
	int ret = LIBC_RESULT(sys_getrlimit(resource, lim));
	if (ret == 0) {
		rl->rlim_cur = lim[0];
		rl->rlim_max = lim[1];
	}
	return ret;
}

int setrlimit(int resource, const struct rlimit *rl)
{
	unsigned long lim[2] = {rl->rlim_cur, rl->rlim_max};
	return LIBC_RESULT(sys_setrlimit(resource, lim));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return LIBC_RESULT(sys_waitpid(pid, status, options));
}

int sched_setaffinity_mask(pid_t pid, unsigned long long mask)
{
	return LIBC_RESULT(kabi_sched_setaffinity(pid, mask));
}

int sched_getaffinity_mask(pid_t pid, unsigned long long *mask)
{
	return LIBC_RESULT(kabi_sched_getaffinity(pid, mask));
}

int set_mempolicy_mask(int mode, unsigned long long nodes)
{
	return LIBC_RESULT(kabi_set_mempolicy(mode, nodes));
}

int get_mempolicy_mask(int *mode, unsigned long long *nodes)
{
	return LIBC_RESULT(kabi_get_mempolicy(mode, nodes));
}

int setpriority_nice(pid_t pid, int nice) { return LIBC_RESULT(sys_setpriority(pid, nice)); }

int corral_poweroff(int status) { sys_poweroff(status); }

int corral_ktest(const char *pattern) { return LIBC_RESULT(ktest_run_from_app(pattern)); }

int corral_kbench(const char *pattern) { return LIBC_RESULT(kbench_run_from_app(pattern)); }

int corral_name_matches(const char *pattern, const char *name) { return ktest_match(pattern, name); }

// ---- Files ----

int mount(const char *source, const char *target, const char *fstype, const char *options)
{
	return LIBC_RESULT(sys_mount(source, target, fstype, options));
}

int umount(const char *target) { return LIBC_RESULT(sys_umount(target)); }

struct corral_dir {
	int fd;
	size_t pos, len;            // the unread part of buf is [pos, len)
	struct corral_dirent entry; // what cdir_read returned last
	char buf[4096];             // records from sys_getdents
};

CDIR *cdir_open(const char *path)
{
	CDIR *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	d->fd = open(path, O_RDONLY | O_DIRECTORY);
	if (d->fd < 0) {
		free(d);
		return NULL;
	}
	d->pos = d->len = 0;
	return d;
}

// NULL at the end, and on an error (errno set; 0 at the end).
struct corral_dirent *cdir_read(CDIR *d)
{
	struct kabi_dirent k;
	while (!kabi_dirent_next(d->buf, d->len, &d->pos, &k)) {
		long n = LIBC_RESULT(sys_getdents(d->fd, d->buf, sizeof(d->buf)));
		if (n <= 0)
			return NULL;
		d->pos = 0;
		d->len = n;
	}
	d->entry.d_ino = k.ino;
	d->entry.d_type = k.type;
	strncpy(d->entry.d_name, k.name, sizeof(d->entry.d_name) - 1);
	d->entry.d_name[sizeof(d->entry.d_name) - 1] = '\0';
	return &d->entry;
}

int cdir_close(CDIR *d)
{
	int ret = close(d->fd);
	free(d);
	return ret;
}

// ---- Console ----

int console_set_raw(int fd, int raw)
{
	return LIBC_RESULT(sys_ioctl(fd, KABI_CONSOLE_SET_RAW, raw != 0));
}

int console_set_fg(int fd, pid_t pid) { return LIBC_RESULT(sys_ioctl(fd, KABI_CONSOLE_SET_FG, pid)); }

int console_set_fg_nostop(int fd, pid_t pid)
{
	return LIBC_RESULT(sys_ioctl(fd, KABI_CONSOLE_SET_FG_NOSTOP, pid));
}
int console_pending(int fd) { return LIBC_RESULT(sys_ioctl(fd, KABI_CONSOLE_NREAD, 0)); }
int console_intr_count(int fd) { return LIBC_RESULT(sys_ioctl(fd, KABI_CONSOLE_INTR_COUNT, 0)); }
