// Running parsed trees: lists, and-or chains, compound commands, simple
// commands and functions (pipelines, redirections and subshells are in
// sh_redir.c).
//
// How it works without fork (see docs/shell.md):
// - Builtins, functions and compound commands run in the shell itself.
//   Their redirections point the shell's own fds 0-9 at the files, after
//   saving the old ones at fds >= 10, and put them back afterwards.
// - An app is spawned with fds 0-2 pointing where the command wants them;
//   the child inherits exactly those.
// - A subshell -- ( ... ), $(...), the last stage of a pipeline -- runs
//   in-process: sh_subshell_begin() copies everything a subshell could
//   change (variables, functions, positional parameters, options, traps,
//   cwd, fds 0-9) and sh_subshell_end() puts it back, so nothing leaks
//   out. `exit` inside one unwinds to its end (J_EXIT).
// - $(...) writes into an unlinked temporary file in /tmp, read back when
//   the subshell ends: it never blocks on a full pipe with no reader.
// - What must run at the same time as the shell -- the other stages of a
//   pipeline, a background `{ ...; } &` or function -- is a forkshell
//   (sh_forkshell.c): a new sh task started on a copy of the shell's state.
// Control flow (break, continue, return, exit, errors) is a jump code in
// struct sh, checked by every loop on the way up: nothing longjmps, so
// every path frees what it allocated and restores what it saved.
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sh_fatal(struct sh *sh, int status)
{
	sh->status = status;
	if (sh->jump == J_NONE)
		sh->jump = sh->interactive && !sh->subshell ? J_ABORT : J_EXIT;
}

// ---- functions -----------------------------------------------------------

struct sh_func *sh_func_find(struct sh *sh, const char *name)
{
	for (int i = 0; i < sh->nfuncs; i++)
		if (strcmp(sh->funcs[i].name, name) == 0)
			return &sh->funcs[i];
	return NULL;
}

int sh_func_define(struct sh *sh, const char *name, struct sh_node *body)
{
	struct sh_func *f = sh_func_find(sh, name);
	sh_arena_get(body->arena);
	if (f) {
		sh_arena_put(f->body->arena);
		f->body = body;
		return 0;
	}
	if (sh->nfuncs == sh->capfuncs) {
		int cap = sh->capfuncs ? sh->capfuncs * 2 : 8;
		struct sh_func *nf = realloc(sh->funcs, sizeof(*nf) * (size_t)cap);
		if (!nf)
			goto nomem;
		sh->funcs = nf;
		sh->capfuncs = cap;
	}
	char *n = strdup(name);
	if (!n)
		goto nomem;
	sh->funcs[sh->nfuncs++] = (struct sh_func){n, body};
	return 0;
nomem:
	sh_arena_put(body->arena);
	return -1;
}

void sh_func_unset(struct sh *sh, const char *name)
{
	struct sh_func *f = sh_func_find(sh, name);
	if (!f)
		return;
	sh_arena_put(f->body->arena);
	free(f->name);
	int i = (int)(f - sh->funcs);
	memmove(f, f + 1, sizeof(*f) * (size_t)(sh->nfuncs - i - 1));
	sh->nfuncs--;
}

static void locals_restore(struct sh *sh, struct sh_local *until)
{
	while (sh->locals != until) {
		struct sh_local *l = sh->locals;
		sh->locals = l->next;
		if (l->was_set) {
			sh_var_set(sh, l->name, l->value, 0);
			struct sh_var *v = sh_var_find(sh, l->name);
			if (v)
				v->exported = l->exported;
		} else {
			sh_var_unset(sh, l->name);
		}
		free(l->name);
		free(l->value);
		free(l);
	}
}

int sh_call_function(struct sh *sh, struct sh_func *f, int argc, char **argv)
{
	if (sh_stack_check(sh) < 0) {
		sh_fatal(sh, 2);
		return 2;
	}
	sh_check_interrupt(sh); // (a recursion of functions)
	if (sh->jump)
		return sh->status;
	struct sh_node *body = f->body;
	sh_arena_get(body->arena); // the function may redefine itself
	char **old_params = sh->params;
	int old_nparams = sh->nparams;
	char **params = calloc((size_t)argc + 1, sizeof(char *));
	if (!params) {
		sh_arena_put(body->arena);
		sh_msg(sh, "out of memory");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (!(params[i] = strdup(argv[i])))
			break;
	sh->params = params;
	sh->nparams = argc;
	struct sh_local *mark = sh->locals;
	int loops = sh->loop_depth;
	sh->loop_depth = 0;
	sh->func_depth++;
	int status = sh_exec(sh, body);
	sh->func_depth--;
	sh->loop_depth = loops;
	if (sh->jump == J_RETURN) {
		sh->jump = J_NONE;
		status = sh->status;
	}
	locals_restore(sh, mark);
	sh_free_params(sh);
	sh->params = old_params;
	sh->nparams = old_nparams;
	sh_arena_put(body->arena);
	if (sh->jump == J_EXIT || sh->jump == J_ABORT)
		return sh->status; // (set by exit or the error)
	sh->status = status;
	return status;
}

// ---- command lookup --------------------------------------------------------

static const char *const keywords[] = {
	"if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
	"while", "until", "for", "{", "}", "!", "in", NULL,
};

int sh_command_kind(struct sh *sh, const char *name)
{
	for (int i = 0; keywords[i]; i++)
		if (keywords[i][0] == name[0] && strcmp(keywords[i], name) == 0)
			return CMD_KEYWORD;
	for (int i = 0; i < sh->naliases; i++)
		if (strcmp(sh->aliases[i].name, name) == 0)
			return CMD_ALIAS;
	const struct sh_builtin *b = sh_builtin_find(name);
	if (b && b->special)
		return CMD_SPECIAL;
	if (sh_func_find(sh, name))
		return CMD_FUNC;
	if (b)
		return CMD_BUILTIN;
	if (strchr(name, '/'))
		return access(name, F_OK) == 0 ? CMD_PATH : CMD_NONE;
	if (app_find(name))
		return CMD_APP;
	return CMD_NONE;
}

// ---- simple commands ----------------------------------------------------------

struct saved_assign {
	char *name, *value; // value NULL: was unset
	int exported;
};

static __attribute__((noinline)) void xtrace(struct sh *sh, char **assigns, int nassign, char **argv, int argc)
{
	struct strbuf b = {0};
	const char *ps4 = sh_var_get(sh, "PS4");
	sb_adds(&b, ps4 ? ps4 : "+ ");
	for (int i = 0; i < nassign; i++) {
		sb_adds(&b, assigns[i]);
		if (i + 1 < nassign || argc)
			sb_addc(&b, ' ');
	}
	for (int i = 0; i < argc; i++) {
		sb_adds(&b, argv[i]);
		if (i + 1 < argc)
			sb_addc(&b, ' ');
	}
	sb_addc(&b, '\n');
	if (!b.nomem)
		sh_write_all(2, b.s, b.len);
	free(b.s);
}

// Expand NAME=VALUE words into "NAME=value" strings.
static char **expand_assigns(struct sh *sh, struct sh_node *n)
{
	char **a = calloc((size_t)n->nassign + 1, sizeof(char *));
	if (!a)
		return NULL;
	for (int i = 0; i < n->nassign; i++) {
		const char *w = n->words[i];
		const char *eq = strchr(w, '=');
		char *v = sh_expand_word(sh, eq + 1);
		if (!v) {
			sh_argv_free(a);
			return NULL;
		}
		size_t nl = (size_t)(eq - w) + 1;
		a[i] = malloc(nl + strlen(v) + 1);
		if (!a[i]) {
			free(v);
			sh_argv_free(a);
			return NULL;
		}
		memcpy(a[i], w, nl);
		strcpy(a[i] + nl, v);
		free(v);
	}
	return a;
}

static __attribute__((noinline)) int assign(struct sh *sh, const char *a,
					      struct saved_assign *save)
{
	const char *eq = strchr(a, '=');
	char name[256];
	size_t n = (size_t)(eq - a);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, a, n);
	name[n] = '\0';
	struct sh_var *v = sh_var_find(sh, name);
	if (v && v->readonly) {
		sh_msg(sh, "%s: is read only", name);
		return -1;
	}
	if (save) {
		save->name = strdup(name);
		save->value = v && v->value ? strdup(v->value) : NULL;
		save->exported = v ? v->exported : 0;
	}
	if (sh_var_set(sh, name, eq + 1, sh->opt_a) < 0) {
		sh_msg(sh, "out of memory");
		return -1;
	}
	return 0;
}

static __attribute__((noinline)) void unassign(struct sh *sh, struct saved_assign *s, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (!s[i].name)
			continue;
		if (s[i].value) {
			sh_var_set(sh, s[i].name, s[i].value, 0);
			struct sh_var *v = sh_var_find(sh, s[i].name);
			if (v)
				v->exported = s[i].exported;
		} else {
			sh_var_unset(sh, s[i].name);
		}
		free(s[i].name);
		free(s[i].value);
	}
}

// Spawn argv as an app (or a script by path) with the shell's fds 0-2,
// and wait for it. Returns its status.
static __attribute__((noinline)) int run_app(struct sh *sh, const char *app, char **argv, char **assigns, int nassign,
		   int wait_it)
{
	char **envp = NULL;
	if (!sh_env_inherited(sh, nassign) && !(envp = sh_build_env(sh, assigns, nassign))) {
		sh_msg(sh, "out of memory");
		return 2;
	}
	pid_t pid = wait_it ? sh_spawn_job(sh, app, argv, envp) : spawn(app, argv, envp);
	int err = errno;
	sh_argv_free(envp);
	if (pid < 0) {
		sh_msg(sh, "spawn: %s", strerror(err));
		return 126;
	}
	if (!wait_it) {
		sh->last_bg = pid;
		return 0;
	}
	int wst = 0;
	int st = sh_wait_fg(sh, pid, &wst);
	sh_console_job_end(sh);
	if (st == SH_STOPPED) {
		struct strbuf b = {0};
		for (int i = 0; argv[i]; i++) {
			if (i)
				sb_addc(&b, ' ');
			sb_adds(&b, argv[i]);
		}
		char *text = sb_take(&b);
		sh_job_stopped(sh, &pid, 1, text ? text : argv[0]);
		free(text);
		return 128 + SH_SIGTSTP;
	}
	// Ctrl-C ends a script too, and at the prompt the rest of the line
	// (a loop around the command included), as dash's own SIGINT would.
	if (st == 128 + 2)
		sh_child_interrupted(sh);
	return st < 0 ? 127 : st;
}

// busybox sh and bash exec the last command of `sh -c`, unless a trap is
// set: a kill of the shell is a kill of the command (Debian's dash 0.5.12
// forks it and a kill leaves it running). Corral has no exec; the command
// is a child and gets the kill the shell dies of (pass_kills). Not while
// background jobs run: busybox's kill would leave them, and pass_kills
// passes to every child.
static void pass_kills_as_if_execed(struct sh *sh, struct sh_node *n)
{
	if (n != sh->exec_node || sh->njobs)
		return;
	for (int i = 0; i < SH_NSIG; i++)
		if (sh->traps[i] && sh->traps[i][0])
			return;
	pass_kills(1);
}

// A command name with a slash: a script file run by a new sh.
static __attribute__((noinline)) int run_path(struct sh *sh, char **argv, int argc, char **assigns, int nassign)
{
	struct stat st;
	if (stat(argv[0], &st) < 0) {
		sh_msg(sh, "%s: not found", argv[0]);
		return 127;
	}
	if (S_ISDIR(st.st_mode) || access(argv[0], R_OK) < 0) {
		sh_msg(sh, "%s: Permission denied", argv[0]);
		return 126;
	}
	char **nargv = calloc((size_t)argc + 2, sizeof(char *));
	if (!nargv) {
		sh_msg(sh, "out of memory");
		return 2;
	}
	nargv[0] = "sh";
	for (int i = 0; i < argc; i++)
		nargv[i + 1] = argv[i];
	int status = run_app(sh, "sh", nargv, assigns, nassign, 1);
	free(nargv);
	return status;
}

// NAME=VALUE... with no command: left to right, so `a=1 b=$a` sees the
// new a. The "NAME=value" strings in *out (for set -x). 0 or -1.
static __attribute__((noinline)) int assign_only(struct sh *sh, struct sh_node *n, char ***out)
{
	// The "NAME=value" strings are made only for set -x.
	char **assigns = sh->opt_x ? calloc((size_t)n->nassign + 1, sizeof(char *)) : NULL;
	*out = assigns;
	for (int i = 0; i < n->nassign; i++) {
		const char *w = n->words[i];
		const char *eq = strchr(w, '=');
		char name[256];
		size_t nlen = (size_t)(eq - w) < sizeof(name) - 1 ? (size_t)(eq - w) : sizeof(name) - 1;
		memcpy(name, w, nlen);
		name[nlen] = '\0';
		char *v = sh_expand_word(sh, eq + 1);
		if (!v) {
			sh_fatal(sh, 2);
			return -1;
		}
		struct sh_var *var = sh_var_find(sh, name);
		if (var && var->readonly) {
			sh_msg(sh, "%s: is read only", name);
			free(v);
			sh_fatal(sh, 2);
			return -1;
		}
		if (sh_var_set(sh, name, v, sh->opt_a) < 0) {
			sh_msg(sh, "out of memory");
			free(v);
			sh_fatal(sh, 2);
			return -1;
		}
		if (assigns && (assigns[i] = malloc(strlen(name) + strlen(v) + 2)))
			sprintf(assigns[i], "%s=%s", name, v);
		free(v);
	}
	if (assigns && n->nassign)
		xtrace(sh, assigns, n->nassign, NULL, 0);
	return 0;
}

static __attribute__((noinline)) int exec_simple(struct sh *sh, struct sh_node *n)
{
	sh->lineno = n->lineno;
	char **argv = NULL, **assigns = NULL;
	int argc = 0, status = 0;
	struct sh_fd_saves saves = {.n = 0};
	struct saved_assign *saved = NULL;
	int nsaved = 0;
	int subst_before = sh->subst_count;
	if (sh_expand_words(sh, n->words + n->nassign, n->nwords - n->nassign, &argv, &argc) < 0 ||
	    (argc > 0 && n->nassign && !(assigns = expand_assigns(sh, n)))) {
		sh_fatal(sh, 2);
		status = 2;
		goto out;
	}
	if (sh->jump) {
		status = sh->status;
		goto out;
	}
	if (sh->opt_x && argc)
		xtrace(sh, assigns, n->nassign, argv, argc);
	if (argc == 0) {
		// Assignments (and redirections) only.
		status = sh->subst_count != subst_before ? sh->subst_status : 0;
		if (sh_apply_redirs(sh, &saves, n->redirs) < 0) {
			status = 2;
			goto out;
		}
		if (assign_only(sh, n, &assigns) < 0)
			status = 2;
		if (sh->subst_count != subst_before && status == 0)
			status = sh->subst_status;
		goto out;
	}
	const char *name = argv[0];
	int kind = sh_command_kind(sh, name);
	if (kind == CMD_ALIAS || kind == CMD_KEYWORD) {
		const struct sh_builtin *b = sh_builtin_find(name);
		kind = b ? (b->special ? CMD_SPECIAL : CMD_BUILTIN)
			 : sh_func_find(sh, name) ? CMD_FUNC
			 : app_find(name) ? CMD_APP : CMD_NONE;
	}
	int is_exec = kind == CMD_SPECIAL && strcmp(name, "exec") == 0;
	if (sh_apply_redirs(sh, is_exec && argc == 1 ? NULL : &saves, n->redirs) < 0) {
		// (dash: 2; the prompt and its forkshells keep Corral's 1)
		status = sh->interactive || sh->prompt_child ? 1 : 2;
		if (kind == CMD_SPECIAL)
			sh_fatal(sh, 2);
		goto out;
	}
	if ((kind == CMD_FUNC || kind == CMD_BUILTIN) && n->nassign) {
		saved = calloc((size_t)n->nassign + 1, sizeof(*saved));
		for (int i = 0; saved && i < n->nassign; i++, nsaved++)
			if (assign(sh, assigns[i], &saved[i]) < 0)
				break;
		// exported for the command (dash exports a function's too)
		for (int i = 0; saved && i < nsaved; i++) {
			struct sh_var *v = sh_var_find(sh, saved[i].name);
			if (v)
				v->exported = 1;
		}
	} else if (kind == CMD_SPECIAL) {
		for (int i = 0; i < n->nassign; i++)
			if (assign(sh, assigns[i], NULL) < 0)
				sh_fatal(sh, 2);
	}
	switch (kind) {
	case CMD_SPECIAL:
	case CMD_BUILTIN:
		errno = 0;
		status = sh_builtin_run(sh, sh_builtin_find(name), argc, argv);
		if (errno == EPIPE && sh->pipe_stage && sh->jump == J_NONE) {
			sh_fatal(sh, 141); // killed by SIGPIPE, as a forked stage would be
			// (the whole forkshell, unless an in-process subshell wrote)
			sh->sigpipe_exit = sh->forkshell && sh->subshell == 1;
		}
		break;
	case CMD_FUNC:
		status = sh_call_function(sh, sh_func_find(sh, name), argc, argv);
		break;
	case CMD_APP:
		pass_kills_as_if_execed(sh, n);
		status = run_app(sh, name, argv, assigns, n->nassign, 1);
		break;
	case CMD_PATH:
		pass_kills_as_if_execed(sh, n);
		status = run_path(sh, argv, argc, assigns, n->nassign);
		break;
	default:
		sh_msg(sh, "%s: not found", name);
		status = 127;
	}
out:
	if (saved)
		unassign(sh, saved, nsaved);
	free(saved);
	sh_fd_restore(&saves);
	sh_argv_free(argv);
	sh_argv_free(assigns);
	return status;
}

// ---- compound commands ----------------------------------------------------------

// A loop saw a jump: 1 if it must stop looping.
static int loop_jump(struct sh *sh)
{
	if (sh->jump == J_BREAK) {
		if (--sh->jump_count <= 0)
			sh->jump = J_NONE;
		return 1;
	}
	if (sh->jump == J_CONTINUE) {
		if (--sh->jump_count <= 0) {
			sh->jump = J_NONE;
			return 0;
		}
		return 1;
	}
	return sh->jump != J_NONE;
}

static __attribute__((noinline)) int exec_while(struct sh *sh, struct sh_node *n)
{
	int status = 0;
	sh->loop_depth++;
	for (;;) {
		sh_check_interrupt(sh);
		if (sh->jump)
			break;
		sh->no_errexit++;
		int c = sh_exec(sh, n->cond);
		sh->no_errexit--;
		if (sh->jump) {
			if (loop_jump(sh))
				break;
			continue;
		}
		if ((c == 0) == n->until)
			break;
		status = sh_exec(sh, n->body);
		if (sh->jump && loop_jump(sh))
			break;
	}
	sh->loop_depth--;
	return status;
}

static __attribute__((noinline)) int exec_for(struct sh *sh, struct sh_node *n)
{
	char **items;
	int count;
	if (n->words) {
		if (sh_expand_words(sh, n->words, n->nwords, &items, &count) < 0) {
			sh_fatal(sh, 2);
			return 2;
		}
	} else {
		count = sh->nparams - 1;
		items = calloc((size_t)count + 1, sizeof(char *));
		for (int i = 0; items && i < count; i++)
			items[i] = strdup(sh->params[i + 1]);
		if (!items) {
			sh_msg(sh, "out of memory");
			return 2;
		}
	}
	int status = 0;
	sh->loop_depth++;
	for (int i = 0; i < count; i++) {
		sh_check_interrupt(sh);
		if (sh->jump)
			break;
		if (sh_var_set(sh, n->name, items[i], 0) < 0) {
			sh_msg(sh, "out of memory");
			status = 2;
			break;
		}
		status = sh_exec(sh, n->body);
		if (sh->jump && loop_jump(sh))
			break;
	}
	sh->loop_depth--;
	sh_argv_free(items);
	return status;
}

static __attribute__((noinline)) int exec_case(struct sh *sh, struct sh_node *n)
{
	sh->lineno = n->lineno;
	char *subject = sh_expand_word(sh, n->words[0]);
	if (!subject) {
		sh_fatal(sh, 2);
		return 2;
	}
	int status = 0;
	for (struct sh_case_item *it = n->items; it; it = it->next) {
		int matched = 0;
		for (int i = 0; i < it->npats && !matched; i++) {
			char *pat = sh_expand_pattern(sh, it->pats[i]);
			if (!pat) {
				free(subject);
				sh_fatal(sh, 2);
				return 2;
			}
			matched = sh_pattern_match(pat, subject);
			free(pat);
		}
		if (matched) {
			if (it->body)
				status = sh_exec(sh, it->body);
			break;
		}
	}
	free(subject);
	return status;
}

static __attribute__((noinline)) int exec_if(struct sh *sh, struct sh_node *n)
{
	sh->no_errexit++;
	int c = sh_exec(sh, n->cond);
	sh->no_errexit--;
	if (sh->jump)
		return c;
	if (c == 0)
		return sh_exec(sh, n->body);
	if (n->orelse)
		return sh_exec(sh, n->orelse);
	return 0;
}

static __attribute__((noinline)) int exec_andor(struct sh *sh, struct sh_node *n)
{
	int status = 0;
	for (struct sh_node *k = n->kids; k; k = k->next) {
		if (k->op == OP_AND && status != 0)
			continue;
		if (k->op == OP_OR && status == 0)
			continue;
		int last = !k->next;
		// set -e does not look at all but the last of an and-or chain
		if (!last)
			sh->no_errexit++;
		status = sh_exec(sh, k);
		if (!last)
			sh->no_errexit--;
		if (sh->jump == J_EXIT || sh->jump == J_ABORT)
			return sh->status; // (set by exit or the error)
		sh->status = status;
		if (sh->jump)
			break;
	}
	return status;
}

static __attribute__((noinline)) int exec_list(struct sh *sh, struct sh_node *n)
{
	int status = sh->status;
	for (struct sh_node *k = n->kids; k; k = k->next) {
		if (k->bg)
			status = sh_run_background(sh, k);
		else
			status = sh_exec(sh, k);
		if (sh->jump == J_EXIT || sh->jump == J_ABORT)
			return sh->status;
		sh->status = status;
		if (sh->jump)
			break;
	}
	return status;
}

// A compound command with redirections. (Two functions, so that the
// saved fds take stack only where there are redirections.)
static __attribute__((noinline)) int exec_with_redirs(struct sh *sh, struct sh_node *n,
						      int (*fn)(struct sh *, struct sh_node *))
{
	struct sh_fd_saves saves = {.n = 0};
	int status = 2;
	if (sh_apply_redirs(sh, &saves, n->redirs) == 0)
		status = fn(sh, n);
	sh_fd_restore(&saves);
	return status;
}

static int exec_redirected(struct sh *sh, struct sh_node *n, int (*fn)(struct sh *, struct sh_node *))
{
	if (!n->redirs)
		return fn(sh, n);
	return exec_with_redirs(sh, n, fn);
}

static __attribute__((noinline)) int exec_group(struct sh *sh, struct sh_node *n) { return sh_exec(sh, n->body); }

static __attribute__((noinline)) int exec_subshell(struct sh *sh, struct sh_node *n)
{
	struct sh_state *st = sh_subshell_begin(sh);
	if (!st)
		return 2;
	sh_exec(sh, n->body);
	return sh_subshell_end(sh, st);
}

static __attribute__((noinline)) int exec_pipe(struct sh *sh, struct sh_node *n)
{
	if (n->bang)
		sh->no_errexit++;
	int status;
	if (n->kids && !n->kids->next)
		status = sh_exec(sh, n->kids);
	else
		status = sh_run_pipeline(sh, n);
	if (n->bang) {
		sh->no_errexit--;
		status = !status;
	}
	if (sh->jump == J_EXIT || sh->jump == J_ABORT)
		return sh->status; // (set by exit or the error)
	sh->status = status;
	return status;
}

struct sh_node *sh_exec_tail(struct sh_node *n)
{
	while (n) {
		switch (n->type) {
		case N_CMD:
			return n;
		case N_LIST:
		case N_ANDOR:
			while (n->kids && n->kids->next)
				n = n->kids->next;
			n = n->kids; // (a list's last: run in the background?)
			if (n && n->bg)
				return NULL;
			break;
		case N_PIPE:
			if (n->bang || !n->kids || n->kids->next)
				return NULL;
			n = n->kids;
			break;
		case N_GROUP:
		case N_SUBSHELL: // (run in this process)
			n = n->body;
			break;
		default: // if, while, for, case: dash too forks what they run
			return NULL;
		}
	}
	return NULL;
}

int sh_exec(struct sh *sh, struct sh_node *n)
{
	if (!n)
		return 0;
	if (sh_stack_check(sh) < 0) {
		sh_fatal(sh, 2);
		return 2;
	}
	int status = 0;
	switch (n->type) {
	case N_CMD: status = exec_simple(sh, n); break;
	case N_PIPE: status = exec_pipe(sh, n); break;
	case N_ANDOR: status = exec_andor(sh, n); break;
	case N_LIST: status = exec_list(sh, n); break;
	case N_SUBSHELL: status = exec_redirected(sh, n, exec_subshell); break;
	case N_GROUP: status = exec_redirected(sh, n, exec_group); break;
	case N_IF: status = exec_redirected(sh, n, exec_if); break;
	case N_WHILE: status = exec_redirected(sh, n, exec_while); break;
	case N_FOR: status = exec_redirected(sh, n, exec_for); break;
	case N_CASE: status = exec_redirected(sh, n, exec_case); break;
	case N_FUNC:
		if (sh_func_define(sh, n->name, n->body) < 0) {
			sh_msg(sh, "out of memory");
			status = 2;
		}
		break;
	}
	if (sh->jump == J_NONE || sh->jump == J_BREAK || sh->jump == J_CONTINUE)
		sh->status = status;
	if (sh->sig_pending) // trapped signals: their actions run between commands
		sh_run_traps(sh);
	// set -e: a command that fails ends the shell, unless it is tested
	// (if/while conditions, all but the last of && ||, after !).
	if (status != 0 && sh->opt_e && !sh->no_errexit && !sh->jump && n->type != N_LIST &&
	    n->type != N_ANDOR && !(n->type == N_PIPE && n->bang))
		sh_fatal(sh, status);
	return status;
}

// Run one line typed at the prompt (or from `sh -c`): parse and run each
// complete command in it.
int sh_run_line(struct sh *sh, const char *line)
{
	return sh_run_text(sh, line, 1);
}
