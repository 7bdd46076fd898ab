// Helpers shared by the apps in user/: error reports in the one form every
// app uses (`PROG: CONTEXT: strerror text` on stderr), whole-file reads
// (procfs files report size 0, so they are read to EOF), time, and the
// `0-3,5` CPU-list format.
//
// Like the apps themselves, nothing here keeps state in a mutable global:
// several instances of an app run at once in the one address space.
#ifndef USER_APPLIB_H
#define USER_APPLIB_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

// newlib declares these only on targets that define _POSIX_TIMERS;
// user/libc provides them on Corral.
#ifndef _POSIX_TIMERS
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int nanosleep(const struct timespec *req, struct timespec *rem);
#endif

// Print `prog: context: strerror(err)` on stderr and return 1 (an exit
// status), so a failing app can `return applib_error(...)`.
int applib_error(const char *prog, const char *context, int err);
// If argv[1] is --help, print usage (a full line or several) on stdout and
// return 1; the caller then exits 0.
int applib_wants_help(int argc, char **argv, const char *usage);
// For apps that take no arguments: if there is one, report it as GNU does
// (`PROG: invalid option -- 'X'` or `PROG: extra operand 'ARG'`, then
// `Try 'PROG --help'...`) and return 1 (an exit status), else 0.
int applib_no_arguments(const char *prog, int argc, char **argv);
// For apps that take operands but no options: a bad option is reported
// (applib_getopt's message) and -1 returned; else 0, with "--" taken out
// and the operands in argv[1..*argc-1].
int applib_operands(const char *prog, int *argc, char **argv);

// ---- Options, as GNU getopt_long parses and reports them ----
// An option table entry for the long options (--name, --name=ARG,
// --name ARG); val is what applib_getopt returns for it.
struct applib_longopt {
	const char *name;
	int has_arg; // 0 none, 1 required
	int val;
};
// The parser's state: one per parse, on the caller's stack (no globals:
// several apps run at once in one address space).
struct applib_opts {
	int argc;            // after the parse, operands are argv[ind..argc-1]
	char **argv;         // (a "--" is taken out of argv)
	const char *prog;
	const char *optstring; // "ab:c" as getopt's; a leading '+' stops at
			       // the first operand (commands: xargs, env)
	const struct applib_longopt *longopts; // NULL-name-terminated, or NULL
	const char *usage;   // if set, printed after a bad option's message,
			     // before the "Try" line (as grep does)
	int ind;             // the next argument to look at
	const char *arg;     // the argument of the option just returned
	const char *next;    // private: the rest of a group such as -abc
	int nops;            // private: operands moved aside so far
};
// Start parsing argv (argv[0] is the program); argv's order changes.
void applib_opts_init(struct applib_opts *o, const char *prog, int argc,
		      char **argv, const char *optstring,
		      const struct applib_longopt *longopts);
// The next option's character (or a long option's val), its argument in
// o->arg; -1 when the options end (o->ind is then the first operand:
// options after operands are taken as GNU does, unless optstring starts
// with '+'; "--" ends the options). '?' after an unknown option or a
// missing argument, once its message was printed (`PROG: invalid option
// -- 'X'`, `PROG: option requires an argument -- 'n'`, `PROG: unrecognized
// option '--foo'`, then `Try 'PROG --help' for more information.`).
int applib_getopt(struct applib_opts *o);
// Print `Try 'PROG --help' for more information.` on stderr.
void applib_try_help(const char *prog);
// GNU's message for a missing operand: `PROG: missing operand` + try.
int applib_missing_operand(const char *prog);

// Flush stdout; if a write to it failed (now or before), print `PROG:
// write error: REASON` and return 1, else 0. exit() does this for every
// app (user/libc/start.c); apps that want another status call it first.
int applib_check_stdout(const char *prog);

// Read a whole file into a NUL-terminated buffer from malloc. NULL + errno.
char *applib_read_file(const char *path, size_t *len);
// write() until all of buf is written. 0, or -1 + errno.
int applib_write_all(int fd, const void *buf, size_t n);
// The value after "Name:" in a "Name:\tvalue" line of text (procfs status
// files), copied into buf without the newline. 0, or -1 if there is none.
int applib_status_field(const char *text, const char *name, char *buf, size_t n);

// Reading a file line by line, lines of any length.
struct applib_lines {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof;
	int unterminated; // the line just returned was the last, with no '\n'
};
void applib_lines_init(struct applib_lines *l, int fd);
// The next line, without its '\n' and NUL-terminated in place (valid until
// the next call): 1, or 0 at the end, or -1 + errno.
int applib_lines_next(struct applib_lines *l, char **line, size_t *len);
void applib_lines_free(struct applib_lines *l);

// The wait status from waitpid() as an exit status (128 + signal if killed).
int applib_exit_status(int wstatus);

// Nanoseconds since boot (monotonic).
long long applib_now_ns(void);
// Sleep for ns nanoseconds (all of them, even if woken early).
void applib_sleep_ns(long long ns);
// Parse "2", "0.5", "1.25" seconds into nanoseconds. 0, or -1 if malformed.
int applib_parse_seconds(const char *s, long long *ns);
// Parse a non-negative decimal integer that fills all of s. 0 or -1.
int applib_parse_ulong(const char *s, unsigned long *out);

// CPU (or node) lists such as "0-3,5" as 64-bit masks. 0, or -1 (EINVAL).
int applib_parse_cpulist(const char *s, unsigned long long *mask);
// Canonical list of the set bits ("0-2,5"), "" for an empty mask.
void applib_format_cpulist(unsigned long long mask, char *buf, size_t n);

// One task as /proc/<pid>/status describes it.
struct applib_task {
	int pid, ppid;
	char name[64];
	char state[16]; // the state letter (R, S, ...)
	char cpu[8];    // the CPU it last ran on, "-" if not shown
	char node[8];   // that CPU's NUMA node, "-" if not shown
	long long cputime_ns; // CPU time used, -1 if not shown
};
// Every task in /proc, sorted by pid, in an array from malloc. The count,
// or -1 + errno.
int applib_read_tasks(struct applib_task **tasks);
// CPU time as M:SS.cc.
void applib_format_cputime(long long ns, char *buf, size_t n);

// The task's environment (NAME=VALUE strings, NULL-terminated). On Corral
// the global `environ` stays empty (user/libc keeps the environment per
// task): this asks user/libc's corral_environ() when it is there.
char **applib_environ(void);

// The path to open for a system file such as "/proc/nodes". On Corral it
// is path itself; the host test build can point it into a fake tree with
// the CORRAL_ROOT environment variable.
const char *applib_sys_path(const char *path, char *buf, size_t n);

#endif
