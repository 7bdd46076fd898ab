// File descriptors for the shell without fork: redirections (saved and
// restored around each command), temporary files, in-process subshells,
// pipelines, background jobs and command substitution (stages and jobs
// that run at the same time as the shell are forkshells, sh_forkshell.c).
// The top of sh_exec.c says how these fit together.
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// ---- saving and redirecting file descriptors ----------------------------------

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

int sh_move_high(int fd)
{
	if (fd < 0 || fd >= SH_USER_FDS)
		return fd;
	int high = dup_high(fd);
	int err = errno;
	close(fd);
	errno = err;
	return high;
}

static int fd_save(struct sh_fd_saves *saves, int fd)
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

void sh_fd_restore(struct sh_fd_saves *saves)
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

int sh_redirect_to(struct sh_fd_saves *saves, int fd, int src)
{
	if (saves && fd_save(saves, fd) < 0)
		return -1;
	if (src != fd && dup2(src, fd) < 0)
		return -1;
	return 0;
}

int sh_temp_file(struct sh *sh)
{
	char path[64];
	for (int tries = 0; tries < 100; tries++) {
		snprintf(path, sizeof(path), "/tmp/.sh%d.%lu", (int)getpid(), sh->subst_seq++);
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			break;
		unlink(path);
		fd = sh_move_high(fd);
		if (fd >= 0)
			return fd;
		break;
	}
	sh_msg(sh, "cannot create temporary file in /tmp: %s", strerror(errno));
	return -1;
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

// dash's words for open errors.
static const char *open_error(int err, int creating)
{
	if (err == ENOENT)
		return creating ? "Directory nonexistent" : "No such file";
	if (err == ENOTDIR)
		return creating ? "Directory nonexistent" : "No such file";
	if (err == EACCES)
		return "Permission denied";
	if (err == EISDIR)
		return "Is a directory";
	return strerror(err);
}

// A here-document's body in a temporary file, open at its start.
static int heredoc_fd(struct sh *sh, const struct sh_redir *r)
{
	char *body = r->quoted ? strdup(r->heredoc ? r->heredoc : "")
			       : sh_expand_heredoc(sh, r->heredoc ? r->heredoc : "");
	if (!body)
		return -1;
	int fd = sh_temp_file(sh);
	if (fd >= 0 && (sh_write_all(fd, body, strlen(body)) < 0 || lseek(fd, 0, SEEK_SET) < 0)) {
		sh_msg(sh, "here-document: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
	free(body);
	return fd;
}

static int apply_one(struct sh *sh, struct sh_fd_saves *saves, const struct sh_redir *r)
{
	if (r->fd >= SH_USER_FDS) {
		sh_msg(sh, "%d: Bad file descriptor", r->fd);
		return -1;
	}
	if (r->kind == RD_HEREDOC) {
		int fd = heredoc_fd(sh, r);
		if (fd < 0)
			return -1;
		int rc = sh_redirect_to(saves, r->fd, fd);
		close(fd);
		return rc;
	}
	char *word = sh_expand_word(sh, r->word);
	if (!word)
		return -1;
	int rc = -1;
	if (r->kind == RD_DUPIN || r->kind == RD_DUPOUT) {
		if (strcmp(word, "-") == 0) {
			if (saves && fd_save(saves, r->fd) < 0)
				goto syserr;
			close(r->fd);
			rc = 0;
			goto out;
		}
		int src = parse_fd(word);
		if (src < 0) {
			sh_msg(sh, "Syntax error: Bad fd number");
			goto out;
		}
		if (src >= SH_USER_FDS || !fd_is_open(src)) {
			sh_msg(sh, "%d: Bad file descriptor", src);
			goto out;
		}
		if (sh_redirect_to(saves, r->fd, src) < 0)
			goto syserr;
		rc = 0;
		goto out;
	}
	int flags = O_RDONLY, creating = 1;
	switch (r->kind) {
	case RD_OUT: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
	case RD_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
	case RD_RDWR: flags = O_RDWR | O_CREAT; break;
	default: creating = 0; break;
	}
	int fd = open(word, flags, 0666);
	if (fd < 0) {
		// Scripts word it as dash does; the prompt (and its
		// forkshells) keeps Corral's `sh: FILE: strerror` (DESIGN.md §8).
		if (sh->interactive || sh->prompt_child)
			sh_msg(sh, "%s: %s", word, strerror(errno));
		else
			sh_msg(sh, "cannot %s %s: %s", creating ? "create" : "open", word,
			       open_error(errno, creating));
		goto out;
	}
	int failed = sh_redirect_to(saves, r->fd, fd) < 0;
	int err = errno;
	if (fd != r->fd)
		close(fd);
	errno = err;
	if (failed)
		goto syserr;
	rc = 0;
	goto out;
syserr:
	sh_msg(sh, "redirection: %s", strerror(errno));
out:
	free(word);
	return rc;
}

int sh_apply_redirs(struct sh *sh, struct sh_fd_saves *saves, struct sh_redir *r)
{
	for (; r; r = r->next)
		if (apply_one(sh, saves, r) < 0)
			return -1;
	return 0;
}

// ---- in-process subshells --------------------------------------------------------

struct sh_state {
	struct sh_var *vars;
	int nvars, capvars;
	struct sh_func *funcs;
	int nfuncs, capfuncs;
	char **params;
	int nparams;
	char *traps[SH_NSIG];
	int opts[8];
	pid_t last_bg;
	char *cwd;
	int fds[SH_USER_FDS]; // saved copies of fds 0-9, -1: was closed
	int loop_depth, func_depth, no_errexit;
	struct sh_local *locals;
	int njobs;
};

static char *dup_or_null(const char *s, int *fail)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*fail = 1;
	return d;
}

struct sh_state *sh_subshell_begin(struct sh *sh)
{
	if (sh_stack_check(sh) < 0) {
		sh_fatal(sh, 2);
		return NULL;
	}
	struct sh_state *st = calloc(1, sizeof(*st));
	int fail = !st;
	if (fail)
		goto nomem;
	// The subshell works on copies; the originals wait here.
	struct sh_var *vars = calloc((size_t)sh->capvars + 1, sizeof(*vars));
	struct sh_func *funcs = calloc((size_t)sh->capfuncs + 1, sizeof(*funcs));
	char **params = calloc((size_t)sh->nparams + 1, sizeof(char *));
	fail = !vars || !funcs || !params;
	for (int i = 0; !fail && i < sh->nvars; i++) {
		vars[i] = sh->vars[i];
		vars[i].name = dup_or_null(sh->vars[i].name, &fail);
		vars[i].value = dup_or_null(sh->vars[i].value, &fail);
	}
	for (int i = 0; !fail && i < sh->nfuncs; i++) {
		funcs[i].name = dup_or_null(sh->funcs[i].name, &fail);
		funcs[i].body = sh->funcs[i].body;
		sh_arena_get(funcs[i].body->arena);
	}
	for (int i = 1; !fail && i < sh->nparams; i++)
		params[i] = dup_or_null(sh->params[i], &fail);
	if (fail) {
		// (what was copied is freed with the copies below)
		st->vars = vars;
		st->nvars = sh->nvars;
		st->funcs = funcs;
		st->nfuncs = sh->nfuncs;
		st->params = params;
		st->nparams = sh->nparams;
		for (int i = 0; vars && i < sh->nvars; i++) {
			free(vars[i].name);
			free(vars[i].value);
		}
		for (int i = 0; funcs && i < sh->nfuncs; i++) {
			free(funcs[i].name);
			if (funcs[i].body)
				sh_arena_put(funcs[i].body->arena);
		}
		for (int i = 1; params && i < sh->nparams; i++)
			free(params[i]);
		free(vars);
		free(funcs);
		free(params);
		free(st);
		goto nomem;
	}
	st->vars = sh->vars;
	st->nvars = sh->nvars;
	st->capvars = sh->capvars;
	sh->vars = vars;
	sh->capvars = sh->capvars + 1;
	st->funcs = sh->funcs;
	st->nfuncs = sh->nfuncs;
	st->capfuncs = sh->capfuncs;
	sh->funcs = funcs;
	sh->capfuncs = sh->capfuncs + 1;
	st->params = sh->params;
	st->nparams = sh->nparams;
	sh->params = params;
	for (int i = 0; i < SH_NSIG; i++) {
		st->traps[i] = sh->traps[i];
		sh->traps[i] = NULL;
		// dash: a subshell keeps ignored signals only; EXIT is reset.
		if (i > 0 && st->traps[i] && !st->traps[i][0])
			sh->traps[i] = strdup("");
	}
	int *opts[] = {&sh->opt_e, &sh->opt_u, &sh->opt_x, &sh->opt_f, &sh->opt_n, &sh->opt_v,
		       &sh->opt_C, &sh->opt_a};
	for (int i = 0; i < 8; i++)
		st->opts[i] = *opts[i];
	st->last_bg = sh->last_bg;
	char buf[1024];
	st->cwd = getcwd(buf, sizeof(buf)) ? strdup(buf) : NULL;
	for (int fd = 0; fd < SH_USER_FDS; fd++)
		st->fds[fd] = fd_is_open(fd) ? dup_high(fd) : -1;
	st->loop_depth = sh->loop_depth;
	st->func_depth = sh->func_depth;
	st->no_errexit = sh->no_errexit;
	st->locals = sh->locals;
	st->njobs = sh->njobs;
	sh->subshell++;
	return st;
nomem:
	sh_msg(sh, "out of memory");
	return NULL;
}

int sh_subshell_end(struct sh *sh, struct sh_state *st)
{
	if (sh->jump == J_EXIT || sh->jump == J_ABORT || sh->jump == J_RETURN)
		sh->jump = J_NONE;
	if (sh->traps[0]) {
		char *t = sh->traps[0];
		sh->traps[0] = NULL;
		int status = sh->status;
		sh_run_text(sh, t, sh->lineno);
		sh->jump = J_NONE;
		sh->status = status;
		free(t);
	}
	int status = sh->status;
	sh->jump = J_NONE;
	sh->jump_count = 0;
	// Locals made inside are the subshell's: drop them (their saved
	// values belong to variables that are being thrown away too).
	while (sh->locals != st->locals) {
		struct sh_local *l = sh->locals;
		sh->locals = l->next;
		free(l->name);
		free(l->value);
		free(l);
	}
	for (int i = 0; i < sh->nvars; i++) {
		free(sh->vars[i].name);
		free(sh->vars[i].value);
	}
	free(sh->vars);
	sh->vars = st->vars;
	sh->nvars = st->nvars;
	sh->capvars = st->capvars;
	for (int i = 0; i < sh->nfuncs; i++) {
		free(sh->funcs[i].name);
		sh_arena_put(sh->funcs[i].body->arena);
	}
	free(sh->funcs);
	sh->funcs = st->funcs;
	sh->nfuncs = st->nfuncs;
	sh->capfuncs = st->capfuncs;
	sh_free_params(sh);
	sh->params = st->params;
	sh->nparams = st->nparams;
	for (int i = 0; i < SH_NSIG; i++) {
		free(sh->traps[i]);
		sh->traps[i] = st->traps[i];
	}
	int *opts[] = {&sh->opt_e, &sh->opt_u, &sh->opt_x, &sh->opt_f, &sh->opt_n, &sh->opt_v,
		       &sh->opt_C, &sh->opt_a};
	for (int i = 0; i < 8; i++)
		*opts[i] = st->opts[i];
	sh->last_bg = st->last_bg;
	if (st->cwd) {
		if (chdir(st->cwd) < 0)
			sh_msg(sh, "cd %s: %s", st->cwd, strerror(errno));
		free(st->cwd);
	}
	for (int fd = 0; fd < SH_USER_FDS; fd++) {
		if (st->fds[fd] >= 0) {
			dup2(st->fds[fd], fd);
			close(st->fds[fd]);
		} else {
			close(fd);
		}
	}
	sh->loop_depth = st->loop_depth;
	sh->func_depth = st->func_depth;
	sh->no_errexit = st->no_errexit;
	// Jobs started inside stay ours to reap (there is no other parent).
	sh->subshell--;
	free(st);
	sh_signal_sync_all(sh); // the traps are the shell's again
	sh->status = status;
	if (sh->interrupted) // Ctrl-C at the prompt ends the whole line
		sh_fatal(sh, 130);
	return status;
}

// ---- command substitution --------------------------------------------------------------

char *sh_command_subst(struct sh *sh, const char *text, size_t len)
{
	char *src = malloc(len + 1);
	if (!src) {
		sh_msg(sh, "out of memory");
		return NULL;
	}
	memcpy(src, text, len);
	src[len] = '\0';
	int pst;
	int lineno = sh->lineno;
	struct sh_node *tree = sh_parse_all(sh, src, lineno, &pst);
	free(src);
	if (pst == SH_PARSE_ERROR) {
		sh_fatal(sh, 2);
		return NULL;
	}
	int fd = sh_temp_file(sh);
	if (fd < 0) {
		if (tree)
			sh_arena_put(tree->arena);
		return NULL;
	}
	int status = 0;
	struct sh_state *st = sh_subshell_begin(sh);
	if (st) {
		if (dup2(fd, 1) < 0) {
			sh_msg(sh, "redirection: %s", strerror(errno));
		} else {
			sh->status = 0;
			sh_exec(sh, tree);
		}
		status = sh_subshell_end(sh, st);
	}
	sh->lineno = lineno;
	if (tree)
		sh_arena_put(tree->arena);
	struct strbuf b = {0};
	char buf[512];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_addn(&b, buf, (size_t)n);
	close(fd);
	char *out = sb_take(&b);
	if (!out) {
		sh_msg(sh, "out of memory");
		return NULL;
	}
	size_t l = strlen(out);
	while (l > 0 && out[l - 1] == '\n')
		out[--l] = '\0';
	sh->subst_status = status;
	sh->subst_count++;
	sh->status = status;
	return out;
}

// ---- pipelines -----------------------------------------------------------------------

// Can word be expanded here, in the shell, as well as in a subshell? Its
// parameter expansions ($x, ${x}, "$@", ${x:-y}, ${#x}, ${x%y}...) can:
// they change nothing and run nothing. A command substitution ($(...),
// `...`), an arithmetic one (it may assign) and ${x=y} or ${x?y} (they
// assign, or end the shell) cannot; nor can any under set -u (an unset
// parameter ends the shell). A spawned stage is the command itself, so
// `kill $!` reaches it as in dash, where the subshell execs it; a
// forkshell would be a shell waiting for it.
static int word_expands_purely(struct sh *sh, const char *w)
{
	if (strchr(w, '`') || strstr(w, "$("))
		return 0;
	if (sh->opt_u && strchr(w, '$'))
		return 0;
	for (const char *p = strstr(w, "${"); p; p = strstr(p + 2, "${")) {
		const char *q = p + 2;
		if (*q == '#' && q[1] != '}') // ${#x}: a length
			q++;
		q += sh_param_name_len(q, strlen(q), 1);
		if (*q == ':')
			q++;
		if (*q == '=' || *q == '?')
			return 0;
	}
	return 1;
}

// Is this stage an app, spawned rather than run in the shell? Then its
// expanded argv is in *argv. A simple command whose name is an app (not
// a builtin or function) and whose words expand without error, and
// purely (see above: it is expanded twice, and a background job's words
// must not change this shell).
static int stage_is_app(struct sh *sh, struct sh_node *cmd, char ***argv, int *argc)
{
	*argv = NULL;
	if (cmd->type != N_CMD || cmd->nwords == cmd->nassign)
		return 0;
	// The name is a plain word: which command it is must be known here.
	const char *w = cmd->words[cmd->nassign];
	if (strpbrk(w, "$`\\'\"*?["))
		return 0;
	int kind = sh_command_kind(sh, w);
	if (kind != CMD_APP)
		return 0;
	for (int i = 0; i < cmd->nwords; i++)
		if (!word_expands_purely(sh, cmd->words[i]))
			return 0;
	if (sh_expand_words(sh, cmd->words + cmd->nassign, cmd->nwords - cmd->nassign, argv, argc) < 0)
		return 0;
	return 1;
}

// Spawn an app stage with stdin in and stdout out (-1: the shell's own).
static pid_t spawn_stage(struct sh *sh, struct sh_node *cmd, char **argv, int in, int out)
{
	struct sh_fd_saves saves = {.n = 0};
	pid_t pid = -1;
	char **envp = NULL;
	char **assigns = calloc((size_t)cmd->nassign + 1, sizeof(char *));
	if (!assigns)
		goto out;
	for (int i = 0; i < cmd->nassign; i++)
		if (!(assigns[i] = sh_expand_word(sh, cmd->words[i])))
			goto out;
	if ((in >= 0 && sh_redirect_to(&saves, 0, in) < 0) ||
	    (out >= 0 && sh_redirect_to(&saves, 1, out) < 0)) {
		sh_msg(sh, "redirection: %s", strerror(errno));
		goto out;
	}
	if (sh_apply_redirs(sh, &saves, cmd->redirs) < 0)
		goto out;
	if (sh->opt_x)
		sh_print(2, "+ %s\n", argv[0]);
	if (!sh_env_inherited(sh, cmd->nassign) &&
	    !(envp = sh_build_env(sh, assigns, cmd->nassign))) {
		sh_msg(sh, "out of memory");
		goto out;
	}
	pid = spawn(argv[0], argv, envp);
	if (pid < 0)
		sh_msg(sh, "spawn: %s", strerror(errno));
out:
	sh_fd_restore(&saves);
	sh_argv_free(envp);
	sh_argv_free(assigns);
	return pid;
}

// A pipeline's words, for the name of a job: "a x | b y".
static char *pipeline_text(struct sh_node *pipe_node)
{
	struct strbuf b = {0};
	for (struct sh_node *k = pipe_node->kids; k; k = k->next) {
		if (k != pipe_node->kids)
			sb_adds(&b, " | ");
		for (int i = 0; k->type == N_CMD && i < k->nwords; i++) {
			if (i)
				sb_addc(&b, ' ');
			sb_adds(&b, k->words[i]);
		}
		if (k->type != N_CMD)
			sb_adds(&b, "...");
	}
	return sb_take(&b);
}

// Is one of fds 3-9 open? A forkshell child could not have it.
static int user_fds_beyond_stdio(void)
{
	for (int fd = 3; fd < SH_USER_FDS; fd++)
		if (fd_is_open(fd))
			return 1;
	return 0;
}

// A stage that is one builtin which does its work and ends without reading
// stdin (echo, printf, ...): cheaper run here than in a forkshell, whose
// start is a spawn (bench: sh_forkshell_us).
static int stage_is_quick_builtin(struct sh *sh, struct sh_node *cmd)
{
	static const char *const quick[] = {
		"echo", "printf", ":", "true", "false", "pwd", "test", "[", "type", "alias",
		"export", "readonly", "set", "trap", "umask", "ulimit", "help", "jobs", "kill",
		"cd", "shift", "unset", "local", NULL,
	};
	if (cmd->type != N_CMD || cmd->nwords == cmd->nassign)
		return 0;
	const char *w = cmd->words[cmd->nassign];
	int kind = sh_command_kind(sh, w);
	if (kind != CMD_BUILTIN && kind != CMD_SPECIAL)
		return 0;
	for (int i = 0; quick[i]; i++)
		if (strcmp(quick[i], w) == 0)
			return 1;
	return 0;
}

// How a stage of a pipeline runs.
enum stage_kind {
	STAGE_APP,  // spawned
	STAGE_FORK, // a forkshell child (sh_forkshell.c)
	STAGE_HERE, // in this shell, in an in-process subshell
};

// Run the stages that stay in this shell, left to right: in a pipeline
// with forkshells only the last; otherwise each reads the temporary file
// the one before it wrote (or a pipe from an app).
static void run_stages_here(struct sh *sh, struct sh_node **cmds, enum stage_kind *kind,
			    int (*pipes)[2], int *status, int n)
{
	int prev_file = -1; // what the previous in-process stage wrote
	for (int i = 0; i < n; i++) {
		if (kind[i] != STAGE_HERE)
			continue;
		int in = i > 0 ? (pipes[i - 1][0] >= 0 ? pipes[i - 1][0] : prev_file) : -1;
		int out = -1;
		int out_file = -1;
		if (i + 1 < n) {
			if (pipes[i][1] >= 0) {
				out = pipes[i][1];
			} else {
				out_file = sh_temp_file(sh);
				out = out_file;
			}
		}
		struct sh_state *st = sh_subshell_begin(sh);
		if (st) {
			if (in >= 0) {
				lseek(in, 0, SEEK_SET);
				dup2(in, 0);
			}
			if (out >= 0)
				dup2(out, 1);
			sh->pipe_stage++;
			sh_exec(sh, cmds[i]);
			sh->pipe_stage--;
			status[i] = sh_subshell_end(sh, st);
		} else {
			status[i] = 2;
		}
		if (i > 0 && pipes[i - 1][0] >= 0) {
			close(pipes[i - 1][0]);
			pipes[i - 1][0] = -1;
		}
		if (prev_file >= 0)
			close(prev_file);
		prev_file = out_file;
		if (i + 1 < n && pipes[i][1] >= 0) {
			close(pipes[i][1]);
			pipes[i][1] = -1;
		}
	}
	if (prev_file >= 0)
		close(prev_file);
}

int sh_run_pipeline(struct sh *sh, struct sh_node *pipe_node)
{
	int n = 0;
	for (struct sh_node *k = pipe_node->kids; k; k = k->next)
		n++;
	struct sh_node **cmds = calloc((size_t)n, sizeof(*cmds));
	pid_t *pids = calloc((size_t)n, sizeof(pid_t));
	int *status = calloc((size_t)n, sizeof(int));
	int (*pipes)[2] = calloc((size_t)n, sizeof(*pipes));
	enum stage_kind *kind = calloc((size_t)n, sizeof(*kind));
	char (*state_paths)[SH_FORKSHELL_PATH] = calloc((size_t)n, sizeof(*state_paths));
	int result = 2;
	if (!cmds || !pids || !status || !pipes || !kind || !state_paths) {
		sh_msg(sh, "out of memory");
		goto out;
	}
	int i = 0;
	for (struct sh_node *k = pipe_node->kids; k; k = k->next)
		cmds[i++] = k;
	for (i = 0; i < n; i++)
		pipes[i][0] = pipes[i][1] = -1;
	// Apps are spawned; the other stages but the last are forkshells,
	// all running at once, connected by pipes. When one of fds 3-9 is
	// open and a stage may use it (a forkshell would not have it), the
	// other stages run here, one after the other. So does a quick builtin
	// (echo ...), before the last stage: into the pipe of a spawned stage
	// when nothing after it runs here (so everything downstream drains on
	// its own), or into a temporary file when the last stage reads it
	// directly.
	int forks = 1;
	if (user_fds_beyond_stdio())
		for (i = 0; i + 1 < n && forks; i++)
			forks = !sh_forkshell_wants_fds(sh, cmds[i]);
	for (i = n - 1; i >= 0; i--) {
		char **argv;
		int argc;
		if (stage_is_app(sh, cmds[i], &argv, &argc))
			kind[i] = STAGE_APP;
		else if (!forks || i == n - 1)
			kind[i] = STAGE_HERE;
		else if (stage_is_quick_builtin(sh, cmds[i]) &&
			 (kind[n - 1] == STAGE_APP || i == n - 2))
			kind[i] = STAGE_HERE;
		else
			kind[i] = STAGE_FORK;
		sh_argv_free(argv);
	}
	// Pipes wherever a spawned stage is on either side; between two
	// in-process stages a temporary file is used instead.
	for (i = 0; i + 1 < n; i++) {
		if (kind[i] == STAGE_HERE && kind[i + 1] == STAGE_HERE)
			continue;
		int p[2];
		if (pipe(p) < 0) {
			sh_msg(sh, "pipe: %s", strerror(errno));
			goto out;
		}
		pipes[i][0] = sh_move_high(p[0]);
		pipes[i][1] = sh_move_high(p[1]);
	}
	pid_t fg = 0;
	for (i = 0; i < n; i++) {
		if (kind[i] == STAGE_HERE)
			continue;
		int in = i > 0 ? pipes[i - 1][0] : -1, out = i + 1 < n ? pipes[i][1] : -1;
		if (kind[i] == STAGE_FORK) {
			pids[i] = sh_forkshell(sh, cmds[i], in, out, SH_FORKSHELL_STAGE,
					       state_paths[i]);
		} else {
			char **argv;
			int argc;
			stage_is_app(sh, cmds[i], &argv, &argc);
			pids[i] = spawn_stage(sh, cmds[i], argv, in, out);
			sh_argv_free(argv);
		}
		status[i] = pids[i] < 0 ? 127 : 0;
		if (pids[i] > 0)
			fg = pids[i];
		// The child holds its ends now.
		if (i > 0 && pipes[i - 1][0] >= 0) {
			close(pipes[i - 1][0]);
			pipes[i - 1][0] = -1;
		}
		if (i + 1 < n && pipes[i][1] >= 0) {
			close(pipes[i][1]);
			pipes[i][1] = -1;
		}
	}
	// (The console stays the shell's meanwhile, so that
	// sh_check_interrupt sees a Ctrl-C.)
	run_stages_here(sh, cmds, kind, pipes, status, n);
	if (fg)
		sh_console_job_begin(sh, fg);
	int interrupted = sh->interrupted;
	for (i = 0; interrupted && i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGINT);
	// Wait for the children, the last first. The console's Ctrl-C goes
	// to the one being waited for (so `head | ls` still answers it once
	// ls is gone), and a Ctrl-C that ends one ends all the others too.
	for (i = n - 1; i >= 0; i--) {
		if (pids[i] <= 0)
			continue;
		if (interrupted)
			kill(pids[i], SIGINT);
		else if (fg && pids[i] != fg)
			console_set_fg(0, pids[i]);
		int wst = 0;
		int st = sh_wait_fg(sh, pids[i], &wst);
		if (st == SH_STOPPED) {
			// Ctrl-Z: the whole pipeline is a stopped job.
			pid_t live[64];
			int nlive = 0;
			for (int k = 0; k <= i && nlive < 64; k++)
				if (pids[k] > 0) {
					if (k != i)
						kill(pids[k], SH_SIGTSTP);
					live[nlive++] = pids[k];
				}
			char *text = pipeline_text(pipe_node);
			sh_job_stopped(sh, live, nlive, text ? text : "pipeline");
			free(text);
			status[n - 1] = 128 + SH_SIGTSTP;
			break;
		}
		status[i] = st < 0 ? 127 : st;
		if (kind[i] == STAGE_FORK)
			unlink(state_paths[i]); // (if it was killed before it could)
		if (st >= 0 && WIFSIGNALED(wst) && WTERMSIG(wst) == SIGINT && !interrupted) {
			interrupted = 1;
			for (int k = 0; k < n; k++) // the stages not waited for yet
				if (k < i && pids[k] > 0)
					kill(pids[k], SIGINT);
		}
	}
	if (fg)
		sh_console_job_end(sh);
	if (interrupted) // (as for a single app: see run_app)
		sh_child_interrupted(sh);
	result = status[n - 1];
out:
	for (i = 0; pipes && i < n; i++)
		for (int k = 0; k < 2; k++)
			if (pipes[i][k] >= 0)
				close(pipes[i][k]);
	free(cmds);
	free(pids);
	free(status);
	free(pipes);
	free(kind);
	free(state_paths);
	return result;
}

// ---- background jobs -----------------------------------------------------------------

static int open_devnull(struct sh *sh)
{
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		sh_msg(sh, "/dev/null: %s", strerror(errno));
	return sh_move_high(fd);
}

static void job_started(struct sh *sh, const pid_t *pids, int npids, const char *text, size_t len)
{
	int id = sh_job_add(sh, pids, npids, text, len);
	sh->last_bg = pids[npids - 1];
	if (id < 0)
		sh_msg(sh, "out of memory: job not remembered");
	else if (sh->interactive)
		sh_print(2, "[%d] %d\n", id, (int)pids[npids - 1]);
}

int sh_run_background(struct sh *sh, struct sh_node *andor)
{
	int devnull = open_devnull(sh);
	if (devnull < 0)
		return 2;
	struct sh_fd_saves saves = {.n = 0};
	// stdin from /dev/null, as POSIX asks of a job without job control
	if (sh_redirect_to(&saves, 0, devnull) < 0) {
		close(devnull);
		return 2;
	}
	close(devnull);
	struct sh_bg_signals sigs; // without job control: INT, QUIT ignored
	sh_bg_signals_begin(sh, &sigs);
	struct sh_node *pl = andor->kids;
	pid_t pids[64];
	int npids = 0, apps = 1, n = 0;
	if (andor->kids->next || pl->bang)
		apps = 0;
	for (struct sh_node *k = pl->kids; apps && k; k = k->next) {
		char **argv;
		int argc;
		if (!stage_is_app(sh, k, &argv, &argc) || ++n > 64)
			apps = 0;
		sh_argv_free(argv);
	}
	if (apps) {
		int prev_in = -1;
		for (struct sh_node *k = pl->kids; k; k = k->next) {
			int p[2] = {-1, -1};
			if (k->next && pipe(p) < 0) {
				sh_msg(sh, "pipe: %s", strerror(errno));
				break;
			}
			p[0] = sh_move_high(p[0]);
			p[1] = sh_move_high(p[1]);
			char **argv;
			int argc;
			stage_is_app(sh, k, &argv, &argc);
			pid_t pid = spawn_stage(sh, k, argv, prev_in, p[1]);
			sh_argv_free(argv);
			if (prev_in >= 0)
				close(prev_in);
			if (p[1] >= 0)
				close(p[1]);
			prev_in = p[0];
			if (pid > 0)
				pids[npids++] = pid;
		}
		if (prev_in >= 0)
			close(prev_in);
	} else {
		// A forkshell runs it: it sees every variable and function.
		pid_t pid = sh_forkshell(sh, andor, -1, -1,
					 sigs.active ? SH_FORKSHELL_BG_NOINT : 0, NULL);
		if (pid > 0)
			pids[npids++] = pid;
	}
	sh_bg_signals_end(sh, &sigs);
	sh_fd_restore(&saves);
	if (npids == 0)
		return 2;
	job_started(sh, pids, npids, andor->text, (size_t)andor->textlen);
	return 0;
}
