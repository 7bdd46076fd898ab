// Background jobs, and handing the console to whatever runs in the
// foreground. A job is what one `... &` started: its pids (several for a
// pipeline) and its text. Jobs are reaped with WNOHANG before each prompt
// (and by `jobs`), and reported once as `[N]+ Done  TEXT` (or Exit N,
// Terminated, ...). `kill %N` names a job by number (sh_jobs_kill_args).
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// ---- console ownership ----------------------------------------------------

// The console's Ctrl-C count as a foreground job begins (see
// sh_console_job_end).
static void note_console_intr(struct sh *sh)
{
	if (sh->editing && sh->console_fd > 0)
		sh->console_intr = console_intr_count(sh->console_fd);
}

// While a foreground job runs, the console sends Ctrl-C (as SIGINT) to its
// last process and is in cooked mode for it. Otherwise no task is the
// console's foreground (pid 0), so Ctrl-C reaches the shell's line editor
// as a byte: the shell itself never dies of it.
void sh_console_job_begin(struct sh *sh, pid_t fg)
{
	note_console_intr(sh);
	console_set_fg(0, fg);
	if (sh->editing)
		console_set_raw(0, 0);
}

void sh_console_job_end(struct sh *sh)
{
	if (sh->editing)
		console_set_raw(0, 1);
	console_set_fg(0, 0);
	// A Ctrl-C while the job ran flushed the console's unread input, as
	// Linux's tty does: what the shell had read of it ahead goes too.
	if (sh->editing && sh->console_fd > 0 &&
	    console_intr_count(sh->console_fd) != sh->console_intr)
		sh->ed.nahead = 0;
}

// An app we spawn: the console is cooked before it starts. Cooked after,
// it could undo the raw mode of a job that was quicker (top on another
// CPU lost its `q`).
pid_t sh_spawn_job(struct sh *sh, const char *app, char **argv, char **envp)
{
	note_console_intr(sh);
	if (sh->editing)
		console_set_raw(0, 0);
	pid_t pid = spawn(app, argv, envp);
	if (pid < 0) {
		int err = errno;
		sh_console_job_end(sh);
		errno = err;
	} else {
		console_set_fg(0, pid);
	}
	return pid;
}

int sh_wait_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

int sh_wait_fg(struct sh *sh, pid_t pid, int *wstatus)
{
	if (!sh->interactive)
		return sh_wait_pid(pid, wstatus);
	for (;;) {
		int st = 0;
		pid_t r = waitpid(pid, &st, WUNTRACED);
		if (r == pid) {
			if (wstatus)
				*wstatus = st;
			if (WIFSTOPPED(st))
				return SH_STOPPED;
			return sh_wait_status(st);
		}
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

void sh_job_stopped(struct sh *sh, const pid_t *pids, int npids, const char *text)
{
	int id = sh_job_add(sh, pids, npids, text, strlen(text));
	struct sh_job *job = id > 0 ? sh_job_find_id(sh, id) : NULL;
	if (!job) {
		sh_error("sh: out of memory: stopped job not remembered\n");
		return;
	}
	job->stopped = 1;
	sh_print(2, "[%d]+ Stopped  %s\n", id, job->text);
}

int sh_wait_pid(pid_t pid, int *wstatus)
{
	for (;;) {
		int st = 0;
		pid_t r = waitpid(pid, &st, 0);
		if (r == pid) {
			if (wstatus)
				*wstatus = st;
			return sh_wait_status(st);
		}
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

// ---- jobs -----------------------------------------------------------------

int sh_job_add(struct sh *sh, const pid_t *pids, int npids, const char *text,
	       size_t len)
{
	if (sh->njobs == sh->capjobs) {
		int cap = sh->capjobs ? sh->capjobs * 2 : 8;
		struct sh_job *jobs = realloc(sh->jobs, sizeof(*jobs) * (size_t)cap);
		if (!jobs)
			return -1;
		sh->jobs = jobs;
		sh->capjobs = cap;
	}
	struct sh_job *job = &sh->jobs[sh->njobs];
	memset(job, 0, sizeof(*job));
	job->pids = malloc(sizeof(pid_t) * (size_t)npids);
	job->live = malloc(sizeof(int) * (size_t)npids);
	job->text = malloc(len + 1);
	if (!job->pids || !job->live || !job->text) {
		free(job->pids);
		free(job->live);
		free(job->text);
		return -1;
	}
	memcpy(job->text, text, len);
	job->text[len] = '\0';
	for (int i = 0; i < npids; i++) {
		job->pids[i] = pids[i];
		job->live[i] = 1;
	}
	job->npids = npids;
	int id = 0;
	for (int i = 0; i < sh->njobs; i++)
		if (sh->jobs[i].id > id)
			id = sh->jobs[i].id;
	job->id = id + 1;
	sh->njobs++;
	return job->id;
}

void sh_job_remove(struct sh *sh, struct sh_job *job)
{
	free(job->pids);
	free(job->live);
	free(job->text);
	int i = (int)(job - sh->jobs);
	memmove(job, job + 1, sizeof(*job) * (size_t)(sh->njobs - i - 1));
	sh->njobs--;
}

struct sh_job *sh_job_find_pid(struct sh *sh, pid_t pid)
{
	for (int i = 0; i < sh->njobs; i++)
		for (int k = 0; k < sh->jobs[i].npids; k++)
			if (sh->jobs[i].pids[k] == pid)
				return &sh->jobs[i];
	return NULL;
}

struct sh_job *sh_job_find_id(struct sh *sh, int id)
{
	for (int i = 0; i < sh->njobs; i++)
		if (sh->jobs[i].id == id)
			return &sh->jobs[i];
	return NULL;
}

// Reap what has finished without blocking; 1 if the whole job is done.
int sh_job_poll(struct sh_job *job)
{
	int live = 0;
	for (int i = 0; i < job->npids; i++) {
		if (!job->live[i])
			continue;
		int st = 0;
		pid_t r = waitpid(job->pids[i], &st, WNOHANG);
		if (r == job->pids[i] || (r < 0 && errno == ECHILD)) {
			job->live[i] = 0;
			if (i == job->npids - 1)
				job->status = r > 0 ? sh_wait_status(st) : 127;
		} else {
			live++;
		}
	}
	return live == 0;
}

// How `jobs` and the prompt describe a finished job, as bash does.
const char *sh_job_state(const struct sh_job *job, char *buf, size_t n)
{
	if (job->stopped)
		return "Stopped";
	switch (job->status) {
	case 0: return "Done";
	case 128 + SIGINT: return "Interrupt";
	case 128 + SIGKILL: return "Killed";
	case 128 + SIGTERM: return "Terminated";
	}
	snprintf(buf, n, "Exit %d", job->status);
	return buf;
}

void sh_jobs_poll(struct sh *sh, int report)
{
	for (int i = 0; i < sh->njobs;) {
		struct sh_job *job = &sh->jobs[i];
		if (!sh_job_poll(job)) {
			i++;
			continue;
		}
		char buf[16];
		if (report)
			sh_print(2, "[%d]+ %s  %s\n", job->id, sh_job_state(job, buf, sizeof(buf)),
				 job->text);
		sh_job_remove(sh, job);
	}
}

// Wait for every process of job (the console's Ctrl-C goes to its last
// live one); the status of its last process.
int sh_job_wait(struct sh *sh, struct sh_job *job)
{
	pid_t fg = 0;
	for (int i = 0; i < job->npids; i++)
		if (job->live[i])
			fg = job->pids[i];
	if (fg)
		sh_console_job_begin(sh, fg);
	for (int i = job->npids - 1; i >= 0; i--) {
		if (!job->live[i])
			continue;
		if (fg)
			console_set_fg(0, job->pids[i]);
		int st = sh_wait_fg(sh, job->pids[i], NULL);
		if (st == SH_STOPPED) { // Ctrl-Z again: the others stop too
			for (int k = 0; k < job->npids; k++)
				if (job->live[k] && k != i)
					kill(job->pids[k], SH_SIGTSTP);
			job->stopped = 1;
			sh_print(2, "[%d]+ Stopped  %s\n", job->id, job->text);
			break;
		}
		job->live[i] = 0;
		if (i == job->npids - 1)
			job->status = st < 0 ? 127 : st;
	}
	if (fg)
		sh_console_job_end(sh);
	return job->stopped ? 128 + SH_SIGTSTP : job->status;
}

int sh_job_wait_interruptible(struct sh *sh, struct sh_job *job)
{
	// The console's Ctrl-C comes to the shell itself (an interactive one
	// catches it; a script dies of it, its background jobs ignoring it);
	// Ctrl-Z does nothing (a shell ignores SIGTSTP).
	console_set_fg_nostop(0, sh->pid);
	if (sh->editing)
		console_set_raw(0, 0);
	int interrupted = 0;
	for (int i = job->npids - 1; i >= 0 && !interrupted; i--) {
		while (job->live[i]) {
			if ((interrupted = sh_wait_interrupted(sh)) != 0)
				break;
			int st = 0;
			pid_t r = waitpid(job->pids[i], &st, 0);
			if (r < 0 && errno == EINTR)
				continue;
			job->live[i] = 0;
			if (i == job->npids - 1)
				job->status = r == job->pids[i] ? sh_wait_status(st) : 127;
		}
	}
	sh_console_job_end(sh);
	return interrupted ? -interrupted : job->status;
}

// The job a `%N` word names: %N, or %%/%+ for the newest. NULL if none.
static struct sh_job *job_from_spec(struct sh *sh, const char *spec)
{
	if (strcmp(spec, "%%") == 0 || strcmp(spec, "%+") == 0)
		return sh->njobs ? &sh->jobs[sh->njobs - 1] : NULL;
	char *end;
	long id = strtol(spec + 1, &end, 10);
	if (!spec[1] || *end || id <= 0 || id > 1000000)
		return NULL;
	return sh_job_find_id(sh, (int)id);
}

// kill is an app, which knows nothing of the shell's jobs: replace each
// `%N` operand of *argv by the pids of job N still running (all of a
// pipeline's, as bash signals the whole job). 0, or -1 after reporting a
// job that does not exist or no memory.
int sh_jobs_kill_args(struct sh *sh, char ***argv, int *argc)
{
	int n = 0, any = 0;
	for (int i = 0; i < *argc; i++) {
		struct sh_job *job = NULL;
		if (i > 0 && (*argv)[i][0] == '%') {
			any = 1;
			job = job_from_spec(sh, (*argv)[i]);
			if (!job) {
				sh_error("sh: kill: %s: no such job\n", (*argv)[i]);
				return -1;
			}
		}
		n += job ? job->npids : 1;
	}
	if (!any)
		return 0;
	char **out = calloc((size_t)n + 1, sizeof(char *));
	int k = 0;
	for (int i = 0; out && i < *argc; i++) {
		struct sh_job *job = i > 0 && (*argv)[i][0] == '%' ? job_from_spec(sh, (*argv)[i]) : NULL;
		for (int j = 0; job && j < job->npids; j++) {
			if (!job->live[j])
				continue;
			char num[16];
			snprintf(num, sizeof(num), "%d", (int)job->pids[j]);
			if (!(out[k++] = strdup(num)))
				goto nomem;
		}
		if (!job && !(out[k++] = strdup((*argv)[i])))
			goto nomem;
	}
	if (!out)
		goto nomem;
	sh_argv_free(*argv);
	*argv = out;
	*argc = k;
	return 0;
nomem:
	sh_argv_free(out);
	sh_error("sh: out of memory\n");
	return -1;
}
