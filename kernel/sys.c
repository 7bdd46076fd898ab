// The process, scheduling and miscellaneous system calls (kernel/syscall.h):
// waitpid, kill, exit, getpid, getppid, nanosleep, sched_yield,
// sched_setaffinity/getaffinity, setpriority, clock_gettime, uname,
// poweroff. Each ends at the task's safe point: a kill that arrived
// meanwhile takes effect as the call returns.
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/string.h"

pid_t sys_waitpid(pid_t pid, int *status, int options)
{
	pid_t r = do_waitpid(pid, status, options);
	task_check_killed();
	return r;
}

int sys_kill(pid_t pid, int sig)
{
	int r = do_kill(pid, sig);
	task_check_killed();
	return r;
}

void sys_exit(int status) { task_exit(status); }

int sys_pass_kills(int on)
{
	current->pass_kills = on != 0;
	task_check_killed();
	return 0;
}

pid_t sys_getpid(void)
{
	task_check_killed();
	return current->pid;
}

pid_t sys_getppid(void)
{
	task_check_killed();
	return task_ppid(current);
}

int sys_nanosleep(u64 ns)
{
	int r = sleep_ns(ns);
	task_check_killed();
	return r;
}

int sys_sched_yield(void)
{
	sched_yield();
	task_check_killed();
	return 0;
}

int sys_sched_setaffinity(pid_t pid, const cpumask_t *mask)
{
	int r = sched_setaffinity(pid, mask);
	task_check_killed();
	return r;
}

int sys_sched_getaffinity(pid_t pid, cpumask_t *mask)
{
	int r = sched_getaffinity(pid, mask);
	task_check_killed();
	return r;
}

int sys_setpriority(pid_t pid, int nice)
{
	struct task *t = pid ? task_find_get(pid) : current;
	if (!t)
		return -ESRCH;
	sched_setnice(t, nice);
	if (pid)
		task_put(t);
	task_check_killed();
	return 0;
}

u64 sys_clock_gettime_ns(int clock)
{
	(void)clock; // CLOCK_REALTIME and CLOCK_MONOTONIC: both time since boot
	return clock_ns();
}

int sys_uname(struct kutsname *u)
{
	memset(u, 0, sizeof(*u));
	strlcpy(u->sysname, "Corral", sizeof(u->sysname));
	strlcpy(u->nodename, "corral", sizeof(u->nodename));
	strlcpy(u->release, "0.1", sizeof(u->release));
	strlcpy(u->version, "#1 SMP PREEMPT", sizeof(u->version));
	strlcpy(u->machine, "x86_64", sizeof(u->machine));
	task_check_killed();
	return 0;
}

int sys_poweroff(int status) { poweroff(status == 0); }
