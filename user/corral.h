// What Corral gives apps beyond newlib's libc: process calls (there is no
// fork: spawn() starts an app by name, like posix_spawn), affinity, mount,
// console control, directory reading, and the app registry.
//
// Apps are linked into the kernel image and run as tasks; they must keep
// per-instance state on the stack or the heap, never in mutable globals.
#ifndef USER_CORRAL_H
#define USER_CORRAL_H

#include <stddef.h>
#include <sys/types.h>

// ---- the app registry ------------------------------------------------
struct app {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help; // one line
};
// APP(ls, ls_main, "list directory contents") registers an app.
#define APP(id, fn, helptext)                                                \
	static const struct app app_desc_##id                               \
		__attribute__((section(".apps"), used, aligned(8))) = {     \
			#id, fn, helptext}
const struct app *app_find(const char *name);
// Iterate the registry: for (const struct app *a = app_first(); a; a = app_next(a))
const struct app *app_first(void);
const struct app *app_next(const struct app *a);

// ---- processes -------------------------------------------------------
// Start app (a registered name) with argv/envp; the child inherits the
// caller's containers, cwd and fds 0-2. Returns the pid or -1 + errno.
pid_t spawn(const char *app, char *const argv[], char *const envp[]);
// As spawn, but the child stops before it runs any of its code, until it
// gets SIGCONT (kill(pid, CORRAL_SIGCONT)); waitpid(WUNTRACED) reports it stopped.
pid_t spawn_stopped(const char *app, char *const argv[], char *const envp[]);
// pass_kills(1): if the caller dies of a signal, its children get it too,
// as if it had exec'd them (there is no exec: a forkshell or cgexec
// stands in for the process it runs, and `kill PID` should end that).
int pass_kills(int on);
// The kernel's job-control signals: Linux's numbers (newlib's <signal.h>
// numbers them differently).
#define CORRAL_SIGCONT 18
#define CORRAL_SIGSTOP 19
#define CORRAL_SIGTSTP 20
pid_t waitpid(pid_t pid, int *status, int options);
int kill(pid_t pid, int sig);
#ifndef WNOHANG
#define WNOHANG 1
#endif

// Affinity as a 64-bit CPU mask (bit n = CPU n).
int sched_setaffinity_mask(pid_t pid, unsigned long long mask);
int sched_getaffinity_mask(pid_t pid, unsigned long long *mask);
int setpriority_nice(pid_t pid, int nice);
// The calling task's memory policy (Linux's set_mempolicy modes), nodes as
// a 64-bit mask (bit n = node n); inherited by the tasks it spawns.
#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
int set_mempolicy_mask(int mode, unsigned long long nodes);
int get_mempolicy_mask(int *mode, unsigned long long *nodes);
// Resource limits (POSIX's getrlimit/setrlimit, which newlib lacks): only
// RLIMIT_NOFILE, the descriptors a task may have open (soft 1024, hard
// and ceiling 4096). Inherited by spawned tasks.
#ifdef CORRAL_HOST
#include <sys/resource.h>
#else
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0UL)
typedef unsigned long rlim_t;
struct rlimit {
	rlim_t rlim_cur; // soft: what applies
	rlim_t rlim_max; // hard: how far rlim_cur may be raised
};
int getrlimit(int resource, struct rlimit *rl);
int setrlimit(int resource, const struct rlimit *rl);
#endif

// Runs fn(arg) on a stack of size bytes from the heap (an app's own stack
// is its task's 16 KiB kernel stack), and tells the kernel, which must
// not move a running stack's pages (memory_migrate). 0, or -1 with errno
// ENOMEM and fn not run.
int call_on_heap_stack(size_t size, void (*fn)(void *), void *arg);

// ---- files -----------------------------------------------------------
int mount(const char *source, const char *target, const char *fstype,
	  const char *options);
int umount(const char *target);
struct corral_dirent {
	unsigned long long d_ino;
	unsigned char d_type; // DT_DIR 4, DT_REG 8, DT_CHR 2, DT_FIFO 1
	char d_name[256];
};
typedef struct corral_dir CDIR;
CDIR *cdir_open(const char *path);                 // NULL + errno
struct corral_dirent *cdir_read(CDIR *d);          // NULL at end
int cdir_close(CDIR *d);

// ---- console ---------------------------------------------------------
int console_set_raw(int fd, int raw); // raw: no echo, no line editing
int console_set_fg(int fd, pid_t pid); // Ctrl-C sends SIGINT to pid
// The same, but Ctrl-Z does not stop pid: a shell that takes Ctrl-C itself
// (its `wait`) while ignoring SIGTSTP, as shells do.
int console_set_fg_nostop(int fd, pid_t pid);
// Bytes a read of the console would return now (0: it would wait); in
// raw mode, the keys typed (top polls for `q` with it).
int console_pending(int fd);
// Ctrl-Cs and Ctrl-Zs the console has acted on (each flushed its unread
// input), mod 2^31: a shell that read input ahead while a job ran drops
// it too.
int console_intr_count(int fd);

int corral_poweroff(int status);

// One pointer of the app instance's own (NULL until set): what a signal
// handler uses to find its instance's state, since apps share their
// globals (see user/libc/signal.c for when handlers run).
void corral_set_app_data(void *p);
void *corral_app_data(void);

// The kernel's own test suite and KBENCH benchmarks (kernel/ktest.h),
// whose output goes to the console. pattern NULL: all. The number of
// failed tests / benchmarks run, or -1 + errno (EBUSY: another run is on).
int corral_ktest(const char *pattern);
int corral_kbench(const char *pattern);
// 1 if name matches pattern as ktest=/bench patterns do: comma-separated
// alternatives, each a prefix or a '*' glob; NULL or "" matches all.
int corral_name_matches(const char *pattern, const char *name);

#endif
