// newlib's system-call layer for Corral (newlib side of user/libc).
//
// newlib's own code (stdio, time, abort...) reaches the system through
// reentrant stubs such as _write_r(reent, fd, buf, n), which set errno in
// the given reent. newlib's versions (libc/reent/) call _write() and copy
// a *global* errno variable, which several tasks would share; the
// definitions here replace them and call the kernel directly. Each one
// ends in libc_result(): the task's safe point, then -1 + errno for a
// negative (kernel) errno. The plain _write() style stubs, which some
// code calls directly, use the current task's reent.
//
// Translations: errno values and open flags differ between newlib and the
// kernel (tables from kabi.h's name lists); st_mode, d_type, SEEK_*,
// WNOHANG and the signal numbers are the same on both sides.
#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "user/libc/libc.h"

_Static_assert(S_IFMT == 0170000 && S_IFDIR == 0040000 && S_IFREG == 0100000 &&
		       S_IFCHR == 0020000 && S_IFIFO == 0010000,
	       "st_mode types are passed through unchanged");
_Static_assert(SEEK_SET == 0 && SEEK_CUR == 1 && SEEK_END == 2, "whence");
_Static_assert(WNOHANG == 1 && SIGINT == 2 && SIGKILL == 9 && SIGTERM == 15,
	       "waitpid options and signals");

#define LIBC_VALUE_(name) name,
static const int newlib_errno[KABI_NR_ERRNO] = {KABI_ERRNO_NAMES(LIBC_VALUE_)};
static const int newlib_open_flag[KABI_NR_OPEN_FLAGS] = {KABI_OPEN_FLAG_NAMES(LIBC_VALUE_)};

int libc_errno(int kernel_errno)
{
	for (int i = 0; i < KABI_NR_ERRNO; i++)
		if (kabi_kernel_errno[i] == kernel_errno)
			return newlib_errno[i];
	return kernel_errno; // 1..34 are the same everywhere
}

// Flags the kernel does not know (O_NONBLOCK, O_CLOEXEC...) are dropped.
static int kernel_open_flags(int flags)
{
	int k = 0;
	for (int i = 0; i < KABI_NR_OPEN_FLAGS; i++)
		if (flags & newlib_open_flag[i])
			k |= kabi_kernel_open_flag[i];
	return k;
}

static void fill_stat(struct stat *st, const struct kabi_stat *k)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = k->dev;
	st->st_ino = k->ino;
	st->st_mode = k->mode;
	st->st_nlink = k->nlink;
	st->st_rdev = k->rdev;
	st->st_size = k->size;
	st->st_blocks = k->blocks;
	st->st_blksize = 4096;
	st->st_mtim.tv_sec = k->mtime_ns / 1000000000;
	st->st_mtim.tv_nsec = k->mtime_ns % 1000000000;
	st->st_atim = st->st_ctim = st->st_mtim;
}

static long no_such_call(struct _reent *r, int err)
{
	task_check_killed();
	r->_errno = err;
	return -1;
}

// ---- The reentrant layer ----

int _open_r(struct _reent *r, const char *path, int flags, int mode)
{
	return libc_result(r, sys_open(path, kernel_open_flags(flags), mode));
}

int _close_r(struct _reent *r, int fd) { return libc_result(r, sys_close(fd)); }

_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t n)
{
	return libc_result(r, sys_read(fd, buf, n));
}

_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t n)
{
	_ssize_t ret = libc_result(r, sys_write(fd, buf, n));
	struct libc_task *lt = libc_task();
	if (ret < 0 && fd == 1 && lt) // exit() reports it (start.c)
		lt->stdout_errno = r->_errno;
	return ret;
}

_off_t _lseek_r(struct _reent *r, int fd, _off_t off, int whence)
{
	return libc_result(r, sys_lseek(fd, off, whence));
}

int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
	struct kabi_stat k;
	int ret = libc_result(r, kabi_fstat(fd, &k));
	if (ret == 0)
		fill_stat(st, &k);
	return ret;
}

int _stat_r(struct _reent *r, const char *path, struct stat *st)
{
	struct kabi_stat k;
	int ret = libc_result(r, kabi_stat(path, &k));
	if (ret == 0)
		fill_stat(st, &k);
	return ret;
}

// A terminal is a character device with a tty major number: 5 for
// /dev/console (as in Linux), 4 for the tty lines. stdio asks this to make
// stdout line-buffered only when it is the console.
int _isatty_r(struct _reent *r, int fd)
{
	struct stat st;
	if (_fstat_r(r, fd, &st) < 0)
		return 0;
	unsigned major = st.st_rdev >> 8;
	if (S_ISCHR(st.st_mode) && (major == 4 || major == 5))
		return 1;
	r->_errno = ENOTTY;
	return 0;
}

int _unlink_r(struct _reent *r, const char *path) { return libc_result(r, sys_unlink(path)); }

int _mkdir_r(struct _reent *r, const char *path, int mode)
{
	return libc_result(r, sys_mkdir(path, mode));
}

int _rename_r(struct _reent *r, const char *from, const char *to)
{
	return libc_result(r, sys_rename(from, to));
}

// No hard links in Corral's filesystems.
int _link_r(struct _reent *r, const char *from, const char *to)
{
	(void)from;
	(void)to;
	return no_such_call(r, ENOSYS);
}

int _getpid_r(struct _reent *r) { return libc_result(r, sys_getpid()); }

// Signal numbers are Linux's (the shell's kill, the kill app); newlib's
// SIGUSR1 and SIGUSR2 (30, 31) are taken as Linux's 10 and 12 too.
int _kill_r(struct _reent *r, int pid, int sig)
{
	return libc_result(r, sys_kill(pid, libc_kernel_signal_number(sig)));
}

int _gettimeofday_r(struct _reent *r, struct timeval *tv, void *tz)
{
	(void)tz;
	unsigned long long ns = sys_clock_gettime_ns(0);
	if (tv) {
		tv->tv_sec = ns / 1000000000;
		tv->tv_usec = ns % 1000000000 / 1000;
	}
	return libc_result(r, 0);
}

// There is no per-task CPU time call: clock() and times() report the time
// since boot, in CLOCKS_PER_SEC (1000) ticks, as user time.
_CLOCK_T_ _times_r(struct _reent *r, struct tms *buf)
{
	clock_t ticks = sys_clock_gettime_ns(1) / (1000000000 / CLOCKS_PER_SEC);
	if (buf) {
		buf->tms_utime = ticks;
		buf->tms_stime = buf->tms_cutime = buf->tms_cstime = 0;
	}
	return libc_result(r, ticks);
}

// malloc does not use sbrk (see malloc.c): the heap is not one segment.
void *_sbrk_r(struct _reent *r, ptrdiff_t incr)
{
	(void)incr;
	no_such_call(r, ENOMEM);
	return (void *)-1;
}

// No fork and no exec: apps start apps with spawn() (user/corral.h).
int _fork_r(struct _reent *r) { return no_such_call(r, ENOSYS); }

int _execve_r(struct _reent *r, const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return no_such_call(r, ENOSYS);
}

int _wait_r(struct _reent *r, int *status) { return libc_result(r, sys_waitpid(-1, status, 0)); }

int _fcntl_r(struct _reent *r, int fd, int cmd, int arg)
{
	(void)fd;
	(void)cmd;
	(void)arg;
	return no_such_call(r, ENOSYS);
}

// ---- The plain stubs, for the current task ----

int _open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = flags & O_CREAT ? va_arg(ap, int) : 0;
	va_end(ap);
	return _open_r(_REENT, path, flags, mode);
}

int _close(int fd) { return _close_r(_REENT, fd); }
_ssize_t _read(int fd, void *buf, size_t n) { return _read_r(_REENT, fd, buf, n); }
_ssize_t _write(int fd, const void *buf, size_t n) { return _write_r(_REENT, fd, buf, n); }
_off_t _lseek(int fd, _off_t off, int whence) { return _lseek_r(_REENT, fd, off, whence); }
int _fstat(int fd, struct stat *st) { return _fstat_r(_REENT, fd, st); }
int _stat(const char *path, struct stat *st) { return _stat_r(_REENT, path, st); }
int _isatty(int fd) { return _isatty_r(_REENT, fd); }
int _unlink(const char *path) { return _unlink_r(_REENT, path); }
int _link(const char *from, const char *to) { return _link_r(_REENT, from, to); }
int _mkdir(const char *path, mode_t mode) { return _mkdir_r(_REENT, path, mode); }
pid_t _getpid(void) { return _getpid_r(_REENT); }
int _kill(pid_t pid, int sig) { return _kill_r(_REENT, pid, sig); }
int _gettimeofday(struct timeval *tv, void *tz) { return _gettimeofday_r(_REENT, tv, tz); }
clock_t _times(struct tms *buf) { return _times_r(_REENT, buf); }
void *_sbrk(ptrdiff_t incr) { return _sbrk_r(_REENT, incr); }
pid_t _fork(void) { return _fork_r(_REENT); }
int _execve(const char *path, char *const argv[], char *const envp[])
{
	return _execve_r(_REENT, path, argv, envp);
}
pid_t _wait(int *status) { return _wait_r(_REENT, status); }
