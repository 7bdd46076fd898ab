// The system calls apps use (DESIGN.md §6). Apps run in ring 0 in the
// kernel's address space, so a system call is a plain function call:
// user/libc binds newlib's stubs to these. Every call returns a
// non-negative result or a negative errno (kernel/errno.h); libc turns
// that into -1 + errno. A pending kill is acted on when a call returns
// (the task's safe point, DESIGN.md §3).
//
// Implemented by: kernel/task.c (spawn, waitpid, kill, exit, getpid,
// getppid, sbrk), kernel/sched.c (nanosleep, sched_*), fs/ (the file
// calls), kernel/sys.c (clock_gettime, uname, misc).
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/types.h"
#include "lib/cpumask.h"

// open flags (Linux values)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_DIRECTORY 0200000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

// st_mode file types (Linux values)
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFREG 0100000
#define S_IFIFO 0010000

struct kstat {
	u64 st_ino;
	u32 st_mode;   // S_IF* | permission bits
	u32 st_nlink;
	u64 st_size;
	u64 st_blocks; // 512-byte blocks
	u64 st_mtime_ns;
	u32 st_dev;    // superblock id
	u32 st_rdev;
};

// getdents: records packed into the caller's buffer, each 8-byte aligned.
struct kdirent {
	u64 d_ino;
	u16 d_reclen;  // size of this record
	u8 d_type;     // DT_DIR 4, DT_REG 8, DT_CHR 2, DT_FIFO 1
	char d_name[]; // NUL-terminated
};
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8

struct kutsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65];
};

// waitpid options, signals (Linux's numbers)
#define WNOHANG 1
#define WUNTRACED 2 // also report a child that stopped: status (sig << 8) | 0x7f
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGKILL 9
#define SIGUSR1 10
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
// Exit status encoding (as POSIX wait status): normal exit (status & 0xff) << 8,
// killed by signal: the signal number in the low 7 bits.

// console ioctls (fd of /dev/console)
#define CONSOLE_SET_RAW 0x5401    // arg: 1 = raw (no echo/editing), 0 = cooked
#define CONSOLE_SET_FG 0x5402     // arg: pid of the foreground task (Ctrl-C target)
#define CONSOLE_SET_FG_NOSTOP 0x5403 // the same, but Ctrl-Z does not stop it
				     // (a shell taking Ctrl-C itself)
#define CONSOLE_NREAD 0x541B      // the result: bytes a read would get now (Linux's
				  // FIONREAD number), so an app can poll for keys
#define CONSOLE_INTR_COUNT 0x5404 // the result: Ctrl-Cs and Ctrl-Zs the console has
				  // acted on (and flushed its input for), mod 2^31:
				  // a shell that read input ahead drops it when this
				  // moves

int sys_open(const char *path, int flags, int mode);
int sys_close(int fd);
ssize_t sys_read(int fd, void *buf, size_t n);
ssize_t sys_write(int fd, const void *buf, size_t n);
off_t sys_lseek(int fd, off_t off, int whence);
int sys_stat(const char *path, struct kstat *st);
int sys_fstat(int fd, struct kstat *st);
int sys_ftruncate(int fd, off_t len);
int sys_mkdir(const char *path, int mode);
int sys_rmdir(const char *path);
int sys_unlink(const char *path);
int sys_rename(const char *from, const char *to);
ssize_t sys_getdents(int fd, void *buf, size_t len); // 0 at end
int sys_mount(const char *source, const char *target, const char *fstype,
	      const char *options);
int sys_umount(const char *target);
int sys_dup(int fd);
int sys_dup2(int fd, int newfd);
int sys_pipe(int fds[2]);
int sys_chdir(const char *path);
int sys_getcwd(char *buf, size_t size); // length written (with NUL)
int sys_ioctl(int fd, unsigned long req, long arg);
// Resource limits, as Linux's getrlimit/setrlimit: lim[0] soft, lim[1]
// hard. Only RLIMIT_NOFILE (fds per task) exists; others give EINVAL.
// A spawned task inherits its parent's limits.
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0UL)
int sys_getrlimit(int resource, unsigned long lim[2]);
int sys_setrlimit(int resource, const unsigned long lim[2]);

pid_t sys_spawn(const char *app, char *const argv[], char *const envp[]);
// As sys_spawn, but the task stops before its first instruction of app code
// (as if sent SIGSTOP) until a SIGCONT: the spawner may move itself away
// first (cgexec: the task is counted in its containers, cgexec is not).
pid_t sys_spawn_stopped(const char *app, char *const argv[], char *const envp[]);
pid_t sys_waitpid(pid_t pid, int *status, int options);
int sys_kill(pid_t pid, int sig);
void sys_exit(int status) __attribute__((noreturn));
// on: if the caller dies of a signal (a kill), its children get the same
// signal (for a task standing in for one that would exec: see
// task->pass_kills). Always 0.
int sys_pass_kills(int on);
pid_t sys_getpid(void);
pid_t sys_getppid(void);
void *sys_sbrk(long increment); // the task's heap; (void*)-ENOMEM on failure

int sys_nanosleep(u64 ns);
int sys_sched_yield(void);
int sys_sched_setaffinity(pid_t pid, const cpumask_t *mask);
int sys_sched_getaffinity(pid_t pid, cpumask_t *mask);
int sys_setpriority(pid_t pid, int nice);
u64 sys_clock_gettime_ns(int clock); // CLOCK_REALTIME 0 = CLOCK_MONOTONIC 1 = since boot
int sys_uname(struct kutsname *u);

// Memory policy (Linux's set_mempolicy modes; mm/page_alloc.c): where the
// calling task's own pages go, within its memset's nodes. Inherited by the
// tasks it spawns (numactl sets it, then spawns the command).
#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
// PREFERRED tries its node first, BIND allocates only from its nodes,
// INTERLEAVE takes its nodes in turn; always within the task's memset
// nodes. DEFAULT: the local node first.
struct mempolicy {
	int mode;          // MPOL_*
	nodemask_t nodes;  // PREFERRED: one node
	int next;          // INTERLEAVE: where to start looking next time
};
int sys_set_mempolicy(int mode, const nodemask_t *nodes); // EINVAL: bad mode/nodes
int sys_get_mempolicy(int *mode, nodemask_t *nodes);
int sys_poweroff(int status) __attribute__((noreturn));

// Signals an app may catch, ignore or block (kernel/signal.c): HUP, INT,
// QUIT, USR1, USR2, PIPE, ALRM, TERM. Each ends the task by default.
// SIGKILL and SIGSTOP can never be caught, ignored or blocked.
// sys_sigaction sets sig's disposition to action (-1: leave it) and puts
// the old one in *old (if old): SIG_ACTION_DEFAULT, _IGNORE or _CATCH.
// The handler itself is the app's business (user/libc keeps it): a caught
// signal is handed to the function the task passes to signal_deliver()
// when it next returns from a kernel call. EINVAL for another signal.
#define SIG_ACTION_DEFAULT 0
#define SIG_ACTION_IGNORE 1
#define SIG_ACTION_CATCH 2
int sys_sigaction(int sig, int action, int *old);
// The blocked mask (bit n = signal n), as POSIX's sigprocmask: how is
// SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK; set may be NULL (only *old).
// Bits of signals that cannot be blocked are dropped. EINVAL: bad how.
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
int sys_sigprocmask(int how, const unsigned *set, unsigned *old);
int sys_sigpending(unsigned *set); // signals waiting for delivery
// The delivery point: run handler(sig) for each caught signal pending and
// not blocked, with sig blocked while it runs. Apps reach it through
// user/libc at the end of every kernel call; a no-op in atomic context.
void signal_deliver(void (*handler)(int sig));

#endif
