// The boundary between newlib's world and the kernel's (user/libc).
//
// Newlib's headers and the kernel's cannot meet in one C file: they define
// the same names with different values (ENOSYS is 88 in newlib and 38, as
// in Linux, in the kernel; O_CREAT is 0x200 and 0100) and clashing types
// (off_t, ssize_t, pid_t). So user/libc is split in two:
//   newlib side  syscalls.c posix.c corral.c start.c malloc.c names.c
//                stdio_files.c strerror.c test_apps.c: newlib's headers
//   kernel side  kabi.c locks.c: the kernel's headers
// and both include this file, which uses only plain C types. kabi.c
// includes it next to kernel/syscall.h, so the compiler checks each sys_*
// declaration below against the kernel's own.
//
// Values that differ are translated through tables built from the lists
// of *names* below: kabi.c expands them with the kernel's headers, the
// newlib side with newlib's, and entry i of both tables is the same name.
// Add a name here when kernel/errno.h gains one.
#ifndef USER_LIBC_KABI_H
#define USER_LIBC_KABI_H

#include <stddef.h>

#define KABI_ERRNO_NAMES(X)                                                  \
	X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG)        \
	X(ENOEXEC) X(EBADF) X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES)          \
	X(EFAULT) X(EBUSY) X(EEXIST) X(EXDEV) X(ENODEV) X(ENOTDIR)           \
	X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(EFBIG)           \
	X(ENOSPC) X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(EDOM) X(ERANGE)    \
	X(ENAMETOOLONG) X(ENOSYS) X(ENOTEMPTY) X(ELOOP) X(ENOTSUP)           \
	X(ETIMEDOUT)
#define KABI_OPEN_FLAG_NAMES(X)                                              \
	X(O_WRONLY) X(O_RDWR) X(O_CREAT) X(O_EXCL) X(O_TRUNC) X(O_APPEND)    \
	X(O_DIRECTORY)

#define KABI_COUNT_(name) +1
enum {
	KABI_NR_ERRNO = 0 KABI_ERRNO_NAMES(KABI_COUNT_),
	KABI_NR_OPEN_FLAGS = 0 KABI_OPEN_FLAG_NAMES(KABI_COUNT_),
};
extern const int kabi_kernel_errno[KABI_NR_ERRNO];          // kabi.c
extern const int kabi_kernel_open_flag[KABI_NR_OPEN_FLAGS]; // kabi.c

// ---- The kernel calls (kernel/syscall.h), in plain types ----
struct kstat;
int sys_open(const char *path, int flags, int mode);
int sys_close(int fd);
long sys_read(int fd, void *buf, size_t n);
long sys_write(int fd, const void *buf, size_t n);
long sys_lseek(int fd, long off, int whence);
int sys_ftruncate(int fd, long len);
int sys_mkdir(const char *path, int mode);
int sys_rmdir(const char *path);
int sys_unlink(const char *path);
int sys_rename(const char *from, const char *to);
long sys_getdents(int fd, void *buf, size_t len);
int sys_mount(const char *source, const char *target, const char *fstype,
	      const char *options);
int sys_umount(const char *target);
int sys_dup(int fd);
int sys_dup2(int fd, int newfd);
int sys_pipe(int fds[2]);
int sys_chdir(const char *path);
int sys_getcwd(char *buf, size_t size);
int sys_ioctl(int fd, unsigned long req, long arg);
int sys_getrlimit(int resource, unsigned long lim[2]);
int sys_setrlimit(int resource, const unsigned long lim[2]);
int sys_spawn(const char *app, char *const argv[], char *const envp[]);
int sys_spawn_stopped(const char *app, char *const argv[], char *const envp[]);
int sys_waitpid(int pid, int *status, int options);
int sys_kill(int pid, int sig);
void sys_exit(int status) __attribute__((noreturn));
int sys_pass_kills(int on);
int sys_getpid(void);
int sys_getppid(void);
int sys_nanosleep(unsigned long long ns);
int sys_sched_yield(void);
int sys_setpriority(int pid, int nice);
unsigned long long sys_clock_gettime_ns(int clock);
int sys_poweroff(int status) __attribute__((noreturn));
// The in-kernel tests and benchmarks (kernel/ktest.h).
int ktest_run_from_app(const char *pattern);
int kbench_run_from_app(const char *pattern);
_Bool ktest_match(const char *pattern, const char *name);
// The safe point: call after every kernel call returns (kernel/task.h).
void task_check_killed(void);
// Signals (kernel/signal.c; Linux's numbers, masks with bit n = signal n).
int sys_sigaction(int sig, int action, int *old);
int sys_sigprocmask(int how, const unsigned *set, unsigned *old);
int sys_sigpending(unsigned *set);
// The delivery point, after the safe point: handler(sig) for each caught
// signal that is pending and not blocked.
void signal_deliver(void (*handler)(int sig));
#define KABI_SIG_ACTION_DEFAULT 0
#define KABI_SIG_ACTION_IGNORE 1
#define KABI_SIG_ACTION_CATCH 2
#define KABI_SIG_BLOCK 0
#define KABI_SIG_UNBLOCK 1
#define KABI_SIG_SETMASK 2

// The kernel's console ioctls (kernel/syscall.h), the same on both sides.
#define KABI_CONSOLE_SET_RAW 0x5401
#define KABI_CONSOLE_SET_FG 0x5402
#define KABI_CONSOLE_SET_FG_NOSTOP 0x5403
#define KABI_CONSOLE_NREAD 0x541B
#define KABI_CONSOLE_INTR_COUNT 0x5404

// ---- Calls whose kernel types newlib's side cannot see (kabi.c) ----
struct kabi_stat {
	unsigned long long ino, size, blocks, mtime_ns;
	unsigned int mode, nlink, dev, rdev; // mode: S_IF* | permissions
};
int kabi_stat(const char *path, struct kabi_stat *st);
int kabi_fstat(int fd, struct kabi_stat *st);

#define KABI_UTS_LEN 65
struct kabi_utsname {
	char sysname[KABI_UTS_LEN], nodename[KABI_UTS_LEN],
		release[KABI_UTS_LEN], version[KABI_UTS_LEN],
		machine[KABI_UTS_LEN];
};
int kabi_uname(struct kabi_utsname *u);

// Affinity as a 64-bit CPU mask.
int kabi_sched_setaffinity(int pid, unsigned long long mask);
int kabi_sched_getaffinity(int pid, unsigned long long *mask);
// Memory policy with the nodes as a 64-bit mask (sys_set_mempolicy).
int kabi_set_mempolicy(int mode, unsigned long long nodes);
int kabi_get_mempolicy(int *mode, unsigned long long *nodes);

// One record of a sys_getdents buffer: the one at *pos, which is then
// advanced. 1, or 0 when the buffer holds no more records.
struct kabi_dirent {
	unsigned long long ino;
	unsigned char type; // DT_* (the same values on both sides)
	const char *name;   // points into the buffer
};
int kabi_dirent_next(const void *buf, size_t len, size_t *pos,
		     struct kabi_dirent *out);

// ---- The task's own state ----
// The current task's heap (mm/task_heap.h); NULL without one.
void *kabi_heap_alloc(size_t size, size_t align);
void kabi_heap_free(void *p);
void *kabi_heap_realloc(void *p, size_t size);
size_t kabi_heap_usable_size(void *p);
// The task runs on this heap block as its stack from now on (NULL: not
// any more), and: move the pages of that stack a memory_migrate left
// (call at the end of every kernel call). mm/task_heap.h says why.
void kabi_heap_set_stack(void *base, size_t size);
void kabi_heap_settle(void);
// Makes reent the current task's newlib state (what __getreent returns).
void kabi_set_reent(void *reent);

// ---- The app registry (the .apps section) ----
// The layout of user/corral.h's struct app (checked in corral.c).
struct kabi_app {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
};
extern const struct kabi_app __apps_start[], __apps_end[];

// start.c: the body of every app task, called by kernel/app.c in the new
// task once its heap is set up. argv and envp (NULL-terminated) live in
// the task's heap. Sets up the task's newlib state, runs main and exits
// with its return value, after flushing stdio.
void libc_task_main(int (*main)(int argc, char **argv), int argc, char **argv,
		    char **envp) __attribute__((noreturn));

#endif
