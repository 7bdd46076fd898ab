// Running what the parser produced: lists, and-or chains, pipelines and
// redirections (the job table is in sh_jobs.c).
//
// There is no fork, and a spawned app inherits exactly fds 0-2 of its
// parent. So to give a child its redirections and pipe ends, the shell
// points its *own* fds 0-2 at them, spawns, and then puts its own back:
// every fd it changes is first saved (dup'ed to a fd >= SH_USER_FDS) in a
// struct fd_saves, and fd_restore() undoes the changes in reverse order on
// every path, error or not. Builtins run in the shell the same way.
//
// In a pipeline the apps are spawned first, left to right, and the
// builtins run afterwards in the shell, so a builtin writing into a pipe
// always has its reader running.
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// ---- saving and redirecting file descriptors ------------------------------

struct fd_saves {
	struct {
		int fd;
		int saved; // the shell's copy (>= SH_USER_FDS), -1: fd was closed
	} s[SH_USER_FDS];
	int n;
};

static int fd_is_open(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 || errno != EBADF;
}

// A copy of fd at the lowest free descriptor >= SH_USER_FDS. -1 + errno.
static int dup_high(int fd)
{
	for (int k = SH_USER_FDS; k < 4096; k++) {
		if (fd_is_open(k))
			continue;
		if (dup2(fd, k) >= 0)
			return k;
		if (errno == EBADF && fd_is_open(fd))
			errno = EMFILE; // k is past the end of the fd table
		return -1;
	}
	errno = EMFILE;
	return -1;
}

// Move a descriptor the shell opened for itself out of the user's range.
static int move_high(int fd)
{
	if (fd < 0 || fd >= SH_USER_FDS)
		return fd;
	int high = dup_high(fd);
	if (high < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return high;
}

static int fd_save(struct fd_saves *saves, int fd)
{
	for (int i = 0; i < saves->n; i++)
		if (saves->s[i].fd == fd)
			return 0;
	int saved = -1;
	if (fd_is_open(fd)) {
		saved = dup_high(fd);
		if (saved < 0)
			return -1;
	}
	saves->s[saves->n].fd = fd;
	saves->s[saves->n].saved = saved;
	saves->n++;
	return 0;
}

static void fd_restore(struct fd_saves *saves)
{
	for (int i = saves->n - 1; i >= 0; i--) {
		if (saves->s[i].saved >= 0) {
			dup2(saves->s[i].saved, saves->s[i].fd);
			close(saves->s[i].saved);
		} else {
			close(saves->s[i].fd);
		}
	}
	saves->n = 0;
}

// Make fd refer to src's open file, saving fd first (saves may be NULL:
// `exec` redirections are permanent).
static int redirect_to(struct fd_saves *saves, int fd, int src)
{
	if (saves && fd_save(saves, fd) < 0)
		return -1;
	if (src != fd && dup2(src, fd) < 0)
		return -1;
	return 0;
}

static int parse_fd(const char *s)
{
	if (!*s || strlen(s) > 4)
		return -1;
	int v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

// Apply one redirection; on failure report it and return -1.
static int apply_redir(struct sh *sh, struct fd_saves *saves,
		       const struct sh_redir *r)
{
	char *word = sh_expand_word(sh, r->word);
	if (!word) {
		sh_error("sh: out of memory\n");
		return -1;
	}
	int rc = -1;
	enum sh_redir_kind kind = r->kind;
	if (kind == RD_DUP) {
		int src = parse_fd(word);
		if (strcmp(word, "-") == 0) {
			if (saves && fd_save(saves, r->fd) < 0)
				goto syserr;
			close(r->fd);
			rc = 0;
			goto out;
		}
		if (src >= 0) {
			if (src >= SH_USER_FDS || !fd_is_open(src)) {
				sh_error("sh: %s: Bad file descriptor\n", word);
				goto out;
			}
			if (redirect_to(saves, r->fd, src) < 0)
				goto syserr;
			rc = 0;
			goto out;
		}
		kind = RD_BOTH; // >&FILE: stdout and stderr to FILE
	}
	int flags = O_RDONLY;
	switch (kind) {
	case RD_OUT:
	case RD_BOTH:
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case RD_APPEND:
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	case RD_RDWR:
		flags = O_RDWR | O_CREAT;
		break;
	default:
		break;
	}
	int fd = open(word, flags, 0666);
	if (fd < 0) {
		sh_error("sh: %s: %s\n", word, strerror(errno));
		goto out;
	}
	int failed;
	if (kind == RD_BOTH)
		failed = redirect_to(saves, 1, fd) < 0 || redirect_to(saves, 2, fd) < 0;
	else
		failed = redirect_to(saves, r->fd, fd) < 0;
	int err = errno;
	if (fd != r->fd && !(kind == RD_BOTH && fd == 2))
		close(fd);
	errno = err;
	if (failed)
		goto syserr;
	rc = 0;
	goto out;
syserr:
	sh_error("sh: redirection: %s\n", strerror(errno));
out:
	free(word);
	return rc;
}

// ---- commands and pipelines -------------------------------------------------

struct stage {
	char **argv;
	int argc;
	char **assigns; // "NAME=VALUE" words before the command name
	int nassigns;
	const struct sh_builtin *builtin;
	const struct app *app;
	pid_t pid; // an app that was spawned, else -1
	int status;
};

static int is_assignment(const char *word)
{
	const char *eq = strchr(word, '=');
	return eq && eq > word && sh_is_name(word, (size_t)(eq - word));
}

static void stage_resolve(struct stage *st)
{
	st->builtin = NULL;
	st->app = NULL;
	if (st->argc == 0)
		return;
	st->builtin = sh_builtin_find(st->argv[0]);
	if (!st->builtin)
		st->app = app_find(st->argv[0]);
}

static int stage_expand(struct sh *sh, const struct sh_cmd *cmd,
			struct stage *st)
{
	int n = 0;
	while (n < cmd->nwords && is_assignment(cmd->words[n]))
		n++;
	st->pid = -1;
	st->assigns = calloc((size_t)n + 1, sizeof(char *));
	if (!st->assigns)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(cmd->words[i], '=');
		char *value = sh_expand_word(sh, eq + 1);
		size_t len = (size_t)(eq - cmd->words[i]) + 1;
		char *a = value ? malloc(len + strlen(value) + 1) : NULL;
		if (!a) {
			free(value);
			return -1;
		}
		memcpy(a, cmd->words[i], len);
		strcpy(a + len, value);
		free(value);
		st->assigns[st->nassigns++] = a;
	}
	st->argv = sh_expand_words(sh, cmd->words + n, cmd->nwords - n, &st->argc);
	if (!st->argv)
		return -1;
	stage_resolve(st);
	return 0;
}

static void stage_free(struct stage *st)
{
	sh_argv_free(st->argv);
	sh_argv_free(st->assigns);
}

// Run one stage with stdin from in and stdout to out (-1: leave as is) plus
// its own redirections: an app is spawned (st->pid), a builtin runs here.
static void stage_run(struct sh *sh, struct stage *st, const struct sh_cmd *cmd,
		      int in, int out)
{
	struct fd_saves saves = {.n = 0};
	st->status = 1;
	if ((in >= 0 && redirect_to(&saves, 0, in) < 0) ||
	    (out >= 0 && redirect_to(&saves, 1, out) < 0)) {
		sh_error("sh: redirection: %s\n", strerror(errno));
		goto out;
	}
	for (const struct sh_redir *r = cmd->redirs; r; r = r->next)
		if (apply_redir(sh, &saves, r) < 0)
			goto out;
	if (st->argc == 0) {
		st->status = 0;
	} else if (st->builtin) {
		st->status = sh_builtin_run(sh, st->builtin, st->argc, st->argv);
	} else if (!st->app) {
		sh_error("sh: %s: not found\n", st->argv[0]);
		st->status = 127;
	} else if (strcmp(st->app->name, "kill") == 0 &&
		   sh_jobs_kill_args(sh, &st->argv, &st->argc) < 0) {
		st->status = 1;
	} else {
		char **envp = NULL;
		if (!sh_env_inherited(sh, st->nassigns) &&
		    !(envp = sh_build_env(sh, st->assigns, st->nassigns))) {
			sh_error("sh: out of memory\n");
			goto out;
		}
		st->pid = spawn(st->app->name, st->argv, envp);
		if (st->pid < 0)
			sh_error("sh: spawn: %s\n", strerror(errno));
		else
			st->status = 0;
		sh_argv_free(envp);
	}
out:
	fd_restore(&saves);
}

// Wait for a foreground pipeline's apps; a Ctrl-C that kills the last one
// is passed on to the others.
static void stages_wait(struct sh *sh, struct stage *stages, int n)
{
	int last = -1;
	for (int i = 0; i < n; i++)
		if (stages[i].pid > 0)
			last = i;
	if (last < 0)
		return;
	sh_console_job_begin(sh, stages[last].pid);
	int wst = 0;
	int st = sh_wait_pid(stages[last].pid, &wst);
	stages[last].status = st < 0 ? 127 : st;
	int interrupted = st >= 0 && WIFSIGNALED(wst) && WTERMSIG(wst) == SIGINT;
	// Ctrl-C ends a script or `sh -c` too, not only the command it was
	// running (bash: "wait and cooperative exit"); a prompt carries on.
	if (interrupted && !sh->interactive)
		sh->exit_requested = 1;
	for (int i = 0; i < last; i++) {
		if (stages[i].pid <= 0)
			continue;
		if (interrupted)
			kill(stages[i].pid, SIGINT);
		st = sh_wait_pid(stages[i].pid, NULL);
		stages[i].status = st < 0 ? 127 : st;
	}
	sh_console_job_end(sh);
}

static void report_background(struct sh *sh, const pid_t *pids, int npids,
			      const char *text, size_t len)
{
	int id = sh_job_add(sh, pids, npids, text, len);
	sh->last_bg = pids[npids - 1];
	if (id < 0)
		sh_error("sh: out of memory: job not remembered\n");
	else if (sh->interactive)
		sh_print(2, "[%d] %d\n", id, (int)pids[npids - 1]);
}

static int open_devnull(void)
{
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		sh_error("sh: /dev/null: %s\n", strerror(errno));
	return move_high(fd);
}

// A background job that needs the shell itself (builtins, && and ||):
// a new `sh -c TEXT`, with stdin from /dev/null as POSIX asks.
static int run_subshell_background(struct sh *sh, const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	char **envp = sh_env_inherited(sh, 0) ? NULL : sh_build_env(sh, NULL, 0);
	int devnull = open_devnull();
	int status = 1;
	if (!copy || (!envp && !sh_env_inherited(sh, 0))) {
		sh_error("sh: out of memory\n");
		goto out;
	}
	if (devnull < 0)
		goto out;
	memcpy(copy, text, len);
	copy[len] = '\0';
	char *argv[] = {"sh", "-c", copy, NULL};
	struct fd_saves saves = {.n = 0};
	pid_t pid = -1;
	if (redirect_to(&saves, 0, devnull) < 0)
		sh_error("sh: redirection: %s\n", strerror(errno));
	else if ((pid = spawn("sh", argv, envp)) < 0)
		sh_error("sh: spawn: %s\n", strerror(errno));
	fd_restore(&saves);
	if (pid > 0) {
		report_background(sh, &pid, 1, text, len);
		status = 0;
	}
out:
	if (devnull >= 0)
		close(devnull);
	free(copy);
	sh_argv_free(envp);
	return status;
}

// `NAME=VALUE...` alone, or `exec` with only redirections.
static int run_in_shell(struct sh *sh, struct stage *st, const struct sh_cmd *cmd)
{
	if (st->argc == 1) { // exec: permanent redirections
		for (const struct sh_redir *r = cmd->redirs; r; r = r->next)
			if (apply_redir(sh, NULL, r) < 0)
				return 1;
		return 0;
	}
	struct fd_saves saves = {.n = 0};
	int status = 0;
	for (const struct sh_redir *r = cmd->redirs; r && !status; r = r->next)
		if (apply_redir(sh, &saves, r) < 0)
			status = 1;
	fd_restore(&saves);
	for (int i = 0; i < st->nassigns && !status; i++) {
		char *eq = strchr(st->assigns[i], '=');
		*eq = '\0';
		if (sh_var_set(sh, st->assigns[i], eq + 1, 0) < 0) {
			sh_error("sh: out of memory\n");
			status = 1;
		}
		*eq = '=';
	}
	return status;
}

static void pipes_close(int (*pipes)[2], int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			if (pipes[i][k] >= 0) {
				close(pipes[i][k]);
				pipes[i][k] = -1;
			}
}

// The n - 1 pipes between n commands, at fds >= SH_USER_FDS. 0 or -1.
static int pipes_open(int (*pipes)[2], int n)
{
	for (int i = 0; i + 1 < n; i++) {
		if (pipe(pipes[i]) < 0) {
			pipes[i][0] = pipes[i][1] = -1;
			goto fail;
		}
		pipes[i][0] = move_high(pipes[i][0]);
		pipes[i][1] = move_high(pipes[i][1]);
		if (pipes[i][0] < 0 || pipes[i][1] < 0)
			goto fail;
	}
	return 0;
fail:
	sh_error("sh: pipe: %s\n", strerror(errno));
	pipes_close(pipes, n);
	return -1;
}

// Start every stage of a pipeline: the apps first, left to right, then the
// builtins (see the top of this file). in0 is the first stage's stdin, -1
// to leave it.
static void stages_start(struct sh *sh, const struct sh_pipeline *pl,
			 struct stage *stages, int (*pipes)[2], int in0)
{
	int n = pl->ncmds;
	for (int i = 0; i < n; i++) {
		struct stage *st = &stages[i];
		if (!st->builtin && st->argc != 0)
			stage_run(sh, st, &pl->cmds[i], i > 0 ? pipes[i - 1][0] : in0,
				  i + 1 < n ? pipes[i][1] : -1);
	}
	// Builtins never read their stdin: close it, so a builtin feeding
	// another builtin gets EPIPE rather than filling a pipe forever. And
	// `exit` in a pipeline of several commands does not end the shell.
	int exit_requested = sh->exit_requested;
	for (int i = 0; i < n; i++) {
		struct stage *st = &stages[i];
		if (!st->builtin && st->argc != 0)
			continue;
		if (i > 0 && pipes[i - 1][0] >= 0) {
			close(pipes[i - 1][0]);
			pipes[i - 1][0] = -1;
		}
		stage_run(sh, st, &pl->cmds[i], -1, i + 1 < n ? pipes[i][1] : -1);
	}
	if (n > 1)
		sh->exit_requested = exit_requested;
}

// Run a pipeline (text is its source, for a background job's name).
static int pipeline_run(struct sh *sh, const struct sh_pipeline *pl,
			int background, const char *text, size_t len)
{
	int n = pl->ncmds, status = 1, devnull = -1, exec_cmd = 0, subshell = 0;
	struct stage *stages = calloc((size_t)n, sizeof(*stages));
	int(*pipes)[2] = calloc((size_t)n, sizeof(*pipes));
	if (!stages || !pipes) {
		sh_error("sh: out of memory\n");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		pipes[i][0] = pipes[i][1] = -1;
		stages[i].pid = -1;
	}
	for (int i = 0; i < n; i++) {
		if (stage_expand(sh, &pl->cmds[i], &stages[i]) < 0) {
			sh_error("sh: out of memory\n");
			goto out;
		}
		subshell |= stages[i].builtin || stages[i].argc == 0;
	}
	if (background && subshell) {
		status = run_subshell_background(sh, text, len);
		goto out;
	}
	struct stage *first = &stages[0];
	int is_exec = first->argc > 0 && strcmp(first->argv[0], "exec") == 0 &&
		      !(first->argc == 2 && strcmp(first->argv[1], "--help") == 0);
	if (n == 1 && !background && (first->argc == 0 || (is_exec && first->argc == 1))) {
		status = run_in_shell(sh, first, &pl->cmds[0]);
		goto out;
	}
	if (n == 1 && is_exec) { // exec CMD: run CMD, then exit with its status
		free(first->argv[0]);
		memmove(first->argv, first->argv + 1, sizeof(char *) * (size_t)first->argc);
		first->argc--;
		stage_resolve(first);
		if (!first->builtin && !first->app) {
			// Not found: an interactive shell carries on (as bash does).
			sh_error("sh: exec: %s: not found\n", first->argv[0]);
			status = 127;
			sh->exit_requested = !sh->interactive;
			goto out;
		}
		exec_cmd = 1;
	}
	if (background && (devnull = open_devnull()) < 0)
		goto out;
	if (pipes_open(pipes, n) < 0)
		goto out;
	stages_start(sh, pl, stages, pipes, devnull);
	pipes_close(pipes, n);
	if (background) {
		pid_t *pids = malloc(sizeof(pid_t) * (size_t)n);
		int npids = 0;
		for (int i = 0; pids && i < n; i++)
			if (stages[i].pid > 0)
				pids[npids++] = stages[i].pid;
		if (!pids)
			sh_error("sh: out of memory: job not remembered\n");
		else if (npids > 0)
			report_background(sh, pids, npids, text, len);
		free(pids);
		status = npids > 0 ? 0 : stages[n - 1].status;
	} else {
		stages_wait(sh, stages, n);
		status = stages[n - 1].status;
	}
	if (exec_cmd)
		sh->exit_requested = 1;
out:
	if (pipes)
		pipes_close(pipes, n);
	if (devnull >= 0)
		close(devnull);
	for (int i = 0; stages && i < n; i++)
		stage_free(&stages[i]);
	free(stages);
	free(pipes);
	return status;
}

static int andor_run(struct sh *sh, const struct sh_list *list,
		     const struct sh_andor *ao)
{
	const char *text = list->text + ao->start;
	size_t len = (size_t)(ao->end - ao->start);
	if (ao->background && ao->npipes > 1)
		return run_subshell_background(sh, text, len);
	int status = pipeline_run(sh, &ao->pipes[0], ao->background, text, len);
	sh->status = status;
	for (int i = 1; i < ao->npipes && !sh->exit_requested; i++) {
		if ((ao->ops[i - 1] == OP_AND) != (status == 0))
			continue;
		status = pipeline_run(sh, &ao->pipes[i], 0, NULL, 0);
		sh->status = status;
	}
	return status;
}

int sh_run_list(struct sh *sh, struct sh_list *list)
{
	for (int i = 0; i < list->nitems && !sh->exit_requested; i++)
		sh->status = andor_run(sh, list, &list->items[i]);
	return sh->status;
}

int sh_run_line(struct sh *sh, const char *line)
{
	int syntax_error;
	struct sh_list *list = sh_parse(line, &syntax_error);
	sh->syntax_error = syntax_error;
	if (!list) {
		sh->status = syntax_error ? 2 : 1;
		return sh->status;
	}
	sh_run_list(sh, list);
	sh_list_free(list);
	return sh->status;
}
