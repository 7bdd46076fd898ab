// POSIX calls newlib does not provide for a bare x86_64-elf target
// (newlib side of user/libc). Each one is a kernel call followed by
// LIBC_RESULT: the safe point, then -1 + errno on failure.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "user/libc/libc.h"

// newlib declares these only where _POSIX_TIMERS / _POSIX_PRIORITY_SCHEDULING
// are set, which they are not for this target (user/app_lib.h does the same).
#ifndef _POSIX_TIMERS
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int clock_getres(clockid_t clock_id, struct timespec *res);
int nanosleep(const struct timespec *req, struct timespec *rem);
#endif
ssize_t getline(char **line, size_t *cap, FILE *f);
ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f);

// newlib's clock ids: CLOCK_REALTIME is 1, CLOCK_MONOTONIC 4.
#define NEWLIB_CLOCK_MONOTONIC 4

// ---- Files ----

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = flags & O_CREAT ? va_arg(ap, int) : 0;
	va_end(ap);
	return _open_r(_REENT, path, flags, mode);
}

int close(int fd) { return _close_r(_REENT, fd); }
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t n) { return _read_r(_REENT, fd, buf, n); }
_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t n) { return _write_r(_REENT, fd, buf, n); }
off_t lseek(int fd, off_t off, int whence) { return _lseek_r(_REENT, fd, off, whence); }
int fstat(int fd, struct stat *st) { return _fstat_r(_REENT, fd, st); }
int stat(const char *path, struct stat *st) { return _stat_r(_REENT, path, st); }
int lstat(const char *path, struct stat *st) { return _stat_r(_REENT, path, st); } // no symlinks
int isatty(int fd) { return _isatty_r(_REENT, fd); }
int unlink(const char *path) { return _unlink_r(_REENT, path); }
int link(const char *from, const char *to) { return _link_r(_REENT, from, to); }
int mkdir(const char *path, mode_t mode) { return _mkdir_r(_REENT, path, mode); }
int rmdir(const char *path) { return LIBC_RESULT(sys_rmdir(path)); }
int ftruncate(int fd, off_t len) { return LIBC_RESULT(sys_ftruncate(fd, len)); }
int dup(int fd) { return LIBC_RESULT(sys_dup(fd)); }
int dup2(int fd, int newfd) { return LIBC_RESULT(sys_dup2(fd, newfd)); }
int pipe(int fds[2]) { return LIBC_RESULT(sys_pipe(fds)); }
int chdir(const char *path) { return LIBC_RESULT(sys_chdir(path)); }
int fsync(int fd) { return fstat(fd, &(struct stat){0}); } // nothing is cached

// No owners or permission checks: every existing file is accessible.
int access(const char *path, int mode)
{
	(void)mode;
	return stat(path, &(struct stat){0});
}

int fcntl(int fd, int cmd, ...)
{
	return _fcntl_r(_REENT, fd, cmd, 0);
}

// buf NULL: a buffer from malloc (size 0: as large as needed), as glibc.
char *getcwd(char *buf, size_t size)
{
	char *mine = NULL;
	if (!buf) {
		if (size == 0)
			size = 4096;
		buf = mine = malloc(size);
		if (!buf)
			return NULL;
	}
	if (LIBC_RESULT(sys_getcwd(buf, size)) < 0) {
		free(mine);
		return NULL;
	}
	return buf;
}

ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f)
{
	return __getdelim(line, cap, delim, f);
}

ssize_t getline(char **line, size_t *cap, FILE *f) { return __getline(line, cap, f); }

// ---- Processes ----

// getpid cannot fail, and sys_getpid is its own safe point: no errno, no
// reent (bench's getpid_ns is this one call).
pid_t getpid(void) { return sys_getpid(); }
pid_t getppid(void) { return LIBC_RESULT(sys_getppid()); }
int kill(pid_t pid, int sig) { return _kill_r(_REENT, pid, sig); }
clock_t times(struct tms *buf) { return _times_r(_REENT, buf); }

// ---- Time ----

int gettimeofday(struct timeval *tv, void *tz) { return _gettimeofday_r(_REENT, tv, tz); }

// Both clocks count from boot (there is no wall-clock source).
int clock_gettime(clockid_t clock_id, struct timespec *tp)
{
	int kclock;
	if (clock_id == CLOCK_REALTIME)
		kclock = 0;
	else if (clock_id == NEWLIB_CLOCK_MONOTONIC)
		kclock = 1;
	else {
		errno = EINVAL;
		return -1;
	}
	unsigned long long ns = sys_clock_gettime_ns(kclock);
	tp->tv_sec = ns / 1000000000;
	tp->tv_nsec = ns % 1000000000;
	return LIBC_RESULT(0);
}

int clock_getres(clockid_t clock_id, struct timespec *res)
{
	if (clock_id != CLOCK_REALTIME && clock_id != NEWLIB_CLOCK_MONOTONIC) {
		errno = EINVAL;
		return -1;
	}
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}

static int sleep_ns(unsigned long long ns) { return LIBC_RESULT(sys_nanosleep(ns)); }

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) {
		errno = EINVAL;
		return -1;
	}
	if (rem)
		rem->tv_sec = rem->tv_nsec = 0;
	return sleep_ns((unsigned long long)req->tv_sec * 1000000000 + req->tv_nsec);
}

int usleep(useconds_t us) { return sleep_ns((unsigned long long)us * 1000); }

// POSIX: the seconds left (rounded up) when a caught signal cut it short.
unsigned sleep(unsigned seconds)
{
	unsigned long long want = (unsigned long long)seconds * 1000000000;
	unsigned long long start = sys_clock_gettime_ns(1);
	if (sleep_ns(want) == 0)
		return 0;
	unsigned long long spent = sys_clock_gettime_ns(1) - start;
	unsigned long long left = spent < want ? want - spent : 0;
	return left ? (unsigned)((left + 999999999) / 1000000000) : 1;
}

// ---- System ----

int uname(struct utsname *u)
{
	struct kabi_utsname k;
	int ret = LIBC_RESULT(kabi_uname(&k));
	if (ret == 0) {
		memcpy(u->sysname, k.sysname, sizeof(u->sysname));
		memcpy(u->nodename, k.nodename, sizeof(u->nodename));
		memcpy(u->release, k.release, sizeof(u->release));
		memcpy(u->version, k.version, sizeof(u->version));
		memcpy(u->machine, k.machine, sizeof(u->machine));
	}
	return ret;
}
