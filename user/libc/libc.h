// Private to the newlib side of user/libc (see kabi.h for the split).
#ifndef USER_LIBC_LIBC_H
#define USER_LIBC_LIBC_H

#include <reent.h>
#include <sys/types.h>

#include "user/libc/kabi.h"

#define LIBC_ATEXIT_MAX 32
#define LIBC_NSIG 16 // kernel signal numbers 1..15 can be caught (kernel/signal.c)

// Everything newlib and libc keep per task. task->libc_reent points at
// it: the reent must come first, since __getreent() returns that pointer.
// It lives in the task's heap, so it goes away with the task.
struct libc_task {
	struct _reent reent;
	char **environ;          // NULL-terminated, in the heap (getenv, setenv)
	int env_count, env_cap;  // entries used, slots allocated (0: not ours yet)
	void (*atexit_fn[LIBC_ATEXIT_MAX])(void);
	int atexit_count;
	char strerror_buf[32];   // strerror() of an unknown number
	char prog[32];           // argv[0], for exit()'s write error report
	int stdout_errno;        // errno of the last failed write to fd 1
	// Signals (signal.c), by the kernel's (Linux's) number: the app's
	// handler, its sa_mask (kernel bits), sa_flags, and the number the app
	// named it by (newlib's SIGUSR1 is 30, Linux's 10: the handler gets
	// the one it was registered with).
	void (*sig_handler[LIBC_NSIG])(int);
	unsigned sig_mask[LIBC_NSIG];
	int sig_flags[LIBC_NSIG];
	int sig_number[LIBC_NSIG];
	void *app_data;          // corral_set_app_data()
};

// The calling task's libc state; NULL outside app tasks (newlib's global
// reent), where apps' code never runs.
static inline struct libc_task *libc_task(void)
{
	struct _reent *r = __getreent();
	return r == _global_impure_ptr ? NULL : (struct libc_task *)r;
}

// newlib's errno value for a (positive) kernel errno value.
int libc_errno(int kernel_errno);

// signal.c: the kernel's number for an app's signal number (newlib's
// SIGUSR1/SIGUSR2 are 30/31, the kernel's 10/12); others unchanged.
int libc_kernel_signal_number(int sig);
// signal.c: the handlers of the caught signals pending (the kernel's
// delivery point), with errno kept as it was.
void libc_signal_deliver(void);

// The end of every kernel call: the task's safe point (a pending kill acts
// here), then a negative result becomes -1 with errno set in r, then the
// pages of the task's big stack a memory_migrate left move
// (kabi_heap_settle), then the app's handlers of any caught signals run.
static inline long libc_result(struct _reent *r, long ret)
{
	task_check_killed();
	if (ret < 0) {
		r->_errno = libc_errno((int)-ret);
		ret = -1;
	}
	kabi_heap_settle();
	libc_signal_deliver();
	return ret;
}
#define LIBC_RESULT(ret) libc_result(_REENT, (ret))

// newlib's: flush and close every FILE of r (user/libc/stdio_files.c).
void _cleanup_r(struct _reent *r);

// Flushes and closes the task's stdio streams (start.c).
void libc_flush_all(void);

#endif
