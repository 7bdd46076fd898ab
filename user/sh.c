// sh: the Corral shell, a POSIX sh as dash implements it (docs/shell.md).
// `sh` reads commands from the console (with the line editor of
// sh_edit.c) or, when stdin is not the console, from stdin; `sh -c CMD
// [NAME [ARG...]]` runs CMD; `sh FILE [ARG...]` runs a script. The prompt
// is `corral:CWD# `.
//
// This file holds the entry point and input loop, the variables, and the
// output helpers; sh.h lists the other files. All state is in the struct
// sh allocated here: no mutable globals, as several shells run at once.
#include "user/sh.h"
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// ---- output -----------------------------------------------------------------

int sh_write_all(int fd, const void *buf, size_t n)
{
	return applib_write_all(fd, buf, n);
}

static int vprint(int fd, const char *fmt, va_list ap)
{
	char small[256];
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	int rc = -1;
	if (n < 0) {
		errno = EINVAL;
	} else if ((size_t)n < sizeof(small)) {
		rc = sh_write_all(fd, small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);
		if (!big) {
			errno = ENOMEM;
		} else {
			vsnprintf(big, (size_t)n + 1, fmt, copy);
			rc = sh_write_all(fd, big, (size_t)n);
			free(big);
		}
	}
	va_end(copy);
	return rc;
}

int sh_print(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vprint(fd, fmt, ap);
	va_end(ap);
	return rc;
}

void sh_error(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vprint(2, fmt, ap);
	va_end(ap);
	errno = err;
}

void sh_msg(struct sh *sh, const char *fmt, ...)
{
	int err = errno;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sh->interactive || sh->prompt_child)
		sh_print(2, "sh: %s\n", msg);
	else
		sh_print(2, "%s: %d: %s\n", sh->arg0, sh->lineno, msg);
	errno = err;
}

// ---- the stack guard -----------------------------------------------------

// Apps run on their task's kernel stack, 16 KiB on Corral: too little for
// a recursive interpreter. So sh_main moves to a stack of SH_STACK_SIZE
// bytes from its heap (the kernel finishes an exit on the task's own
// stack, kernel/task.c), and the guard keeps SH_STACK_MARGIN free below
// for the deepest leaf: a builtin, newlib's printf, a spawn system call
// and an interrupt all run on this stack. If the big stack cannot be had,
// the shell stays on the kernel stack with a small limit. The host build
// runs on its usual 8 MiB.
#define SH_STACK_SIZE (256L << 10)
#define SH_STACK_MARGIN (32L << 10)

int sh_stack_check(struct sh *sh)
{
	char here;
	if (!sh || !sh->stack_base)
		return 0;
	long used = sh->stack_base - &here;
	if (used < sh->stack_limit)
		return 0;
	sh_msg(sh, "nesting too deep");
	return -1;
}

// ---- positional parameters --------------------------------------------------

void sh_free_params(struct sh *sh)
{
	for (int i = 1; i < sh->nparams; i++)
		free(sh->params[i]);
	free(sh->params);
	sh->params = NULL;
	sh->nparams = 0;
}

// $0 stays; $1... become args (copied).
void sh_set_params(struct sh *sh, const char *arg0, char **args, int nargs)
{
	char **p = calloc((size_t)nargs + 2, sizeof(char *));
	if (!p) {
		sh_msg(sh, "out of memory");
		return;
	}
	for (int i = 0; i < nargs; i++)
		p[i + 1] = strdup(args[i]);
	if (arg0) {
		char *a = strdup(arg0);
		if (a) {
			free(sh->arg0);
			sh->arg0 = a;
		}
	}
	sh_free_params(sh);
	sh->params = p;
	sh->nparams = nargs + 1;
}

// ---- variables --------------------------------------------------------------

int sh_is_name(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int alpha = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!alpha && (i == 0 || c < '0' || c > '9'))
			return 0;
	}
	return 1;
}

struct sh_var *sh_var_find(struct sh *sh, const char *name)
{
	for (int i = 0; i < sh->nvars; i++) // (the first character first: loops look often)
		if (sh->vars[i].name[0] == name[0] && strcmp(sh->vars[i].name, name) == 0)
			return &sh->vars[i];
	return NULL;
}

const char *sh_var_get(struct sh *sh, const char *name)
{
	struct sh_var *v = sh_var_find(sh, name);
	if (v)
		return v->value;
	return sh->env_by_getenv ? getenv(name) : NULL;
}

int sh_var_set(struct sh *sh, const char *name, const char *value, int export)
{
	struct sh_var *v = sh_var_find(sh, name);
	if (v && v->value && strlen(value) <= strlen(v->value)) {
		// fits where the old value was (i=$((i+1)) mallocs nothing)
		memmove(v->value, value, strlen(value) + 1);
		v->exported |= export;
		return 0;
	}
	char *copy = strdup(value);
	if (!copy)
		return -1;
	if (v) {
		free(v->value);
		v->value = copy;
		v->exported |= export;
		return 0;
	}
	if (sh->nvars == sh->capvars) {
		int cap = sh->capvars ? sh->capvars * 2 : 16;
		struct sh_var *vars = realloc(sh->vars, sizeof(*vars) * (size_t)cap);
		if (!vars) {
			free(copy);
			return -1;
		}
		sh->vars = vars;
		sh->capvars = cap;
	}
	char *n = strdup(name);
	if (!n) {
		free(copy);
		return -1;
	}
	sh->vars[sh->nvars++] = (struct sh_var){n, copy, export, 0};
	return 0;
}

int sh_var_unset(struct sh *sh, const char *name)
{
	struct sh_var *v = sh_var_find(sh, name);
	if (!v)
		return 0;
	free(v->name);
	free(v->value);
	int i = (int)(v - sh->vars);
	memmove(v, v + 1, sizeof(*v) * (size_t)(sh->nvars - i - 1));
	sh->nvars--;
	return 0;
}

// When the environment could not be listed and nothing changes it, a child
// gets the shell's own (spawn with envp NULL).
int sh_env_inherited(struct sh *sh, int nassigns)
{
	if (!sh->env_by_getenv || nassigns > 0)
		return 0;
	for (int i = 0; i < sh->nvars; i++)
		if (sh->vars[i].exported)
			return 0;
	return 1;
}

// The environment for a child: the exported variables, overridden by the
// command's own NAME=VALUE assignments. NULL-terminated, from malloc.
char **sh_build_env(struct sh *sh, char **assigns, int nassigns)
{
	char **env = calloc((size_t)(sh->nvars + nassigns + 1), sizeof(char *));
	if (!env)
		return NULL;
	int n = 0;
	for (int i = 0; i < sh->nvars; i++) {
		struct sh_var *v = &sh->vars[i];
		if (!v->exported || !v->value)
			continue;
		size_t len = strlen(v->name);
		int overridden = 0;
		for (int k = 0; k < nassigns; k++)
			if (strncmp(assigns[k], v->name, len) == 0 && assigns[k][len] == '=')
				overridden = 1;
		if (overridden)
			continue;
		char *e = malloc(len + strlen(v->value) + 2);
		if (!e)
			goto nomem;
		sprintf(e, "%s=%s", v->name, v->value);
		env[n++] = e;
	}
	for (int k = 0; k < nassigns; k++)
		if (!(env[n++] = strdup(assigns[k])))
			goto nomem;
	return env;
nomem:
	sh_argv_free(env);
	return NULL;
}

// ---- input --------------------------------------------------------------------

char *sh_read_script(const char *path)
{
	return applib_read_file(path, NULL);
}

// Run text (a script, `sh -c`, eval, a sourced file) one complete command
// at a time, as dash does: a command runs before the next is parsed, so
// a syntax error further on does not stop what comes before it. As POSIX
// asks of a non-interactive shell, a syntax error ends it.
static int run_text(struct sh *sh, const char *text, int lineno, int exec_last);

int sh_run_text(struct sh *sh, const char *text, int lineno)
{
	return run_text(sh, text, lineno, 0);
}

// exec_last (`sh -c`): the last command runs as busybox's, which execs it
// (sh->exec_node).
static int run_text(struct sh *sh, const char *text, int lineno, int exec_last)
{
	struct sh_parser *p = sh_parser_new(sh, text, lineno);
	if (!p) {
		sh_msg(sh, "out of memory");
		return 2;
	}
	for (;;) {
		struct sh_node *n;
		int st = sh_parse_next(p, &n);
		if (st == SH_PARSE_EOF)
			break;
		if (st != SH_PARSE_OK) {
			if (st == SH_PARSE_INCOMPLETE)
				sh_parser_report_eof(p);
			sh->syntax_error = 1;
			sh_fatal(sh, 2);
			break;
		}
		if (sh->opt_n) {
			sh_arena_put(n->arena);
			continue;
		}
		sh->exec_node = exec_last && sh_parser_at_end(p) ? sh_exec_tail(n) : NULL;
		sh_exec(sh, n);
		sh->exec_node = NULL;
		sh_arena_put(n->arena);
		if (sh->jump)
			break;
	}
	sh_parser_free(p);
	return sh->status;
}

void sh_run_exit_trap(struct sh *sh)
{
	char *t = sh->traps[0];
	if (!t)
		return;
	sh->traps[0] = NULL;
	int status = sh->status;
	enum sh_jump jump = sh->jump;
	sh->jump = J_NONE;
	sh_run_text(sh, t, sh->lineno);
	if (sh->jump != J_EXIT)
		sh->status = status;
	sh->jump = jump;
	free(t);
}

// Read one line from stdin a byte at a time (so that what follows stays
// for the commands that read stdin). Same returns as sh_edit_read_line.
static int read_plain_line(char *line)
{
	size_t len = 0;
	int got = 0, overflow = 0;
	for (;;) {
		char c;
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!got)
				return SH_READ_EOF;
			break;
		}
		got = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			continue;
		if (len < SH_LINE_MAX)
			line[len++] = c;
		else
			overflow = 1;
	}
	if (overflow) {
		sh_error("sh: line too long\n");
		return SH_READ_TOO_LONG;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	return SH_READ_LINE;
}

static void make_prompt(struct sh *sh, char *prompt, size_t n, int more)
{
	if (more) {
		const char *ps2 = sh_var_get(sh, "PS2");
		snprintf(prompt, n, "%s", ps2 ? ps2 : "> ");
		return;
	}
	const char *ps1 = sh_var_get(sh, "PS1");
	if (ps1) {
		snprintf(prompt, n, "%s", ps1);
		return;
	}
	char cwd[256];
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "?");
	snprintf(prompt, n, "corral:%s# ", cwd);
}

// Does text hold only complete commands? (A dry parse, silent.)
static int text_complete(const char *text)
{
	struct sh_parser *p = sh_parser_new(NULL, text, 1);
	if (!p)
		return 1;
	int st;
	for (;;) {
		struct sh_node *n;
		st = sh_parse_next(p, &n);
		if (st != SH_PARSE_OK)
			break;
		sh_arena_put(n->arena);
	}
	sh_parser_free(p);
	return st != SH_PARSE_INCOMPLETE;
}

// The prompt (or commands piped into stdin): read lines until they make
// complete commands, then run them.
static int input_loop(struct sh *sh, char *line)
{
	char prompt[300];
	sh->editing = console_set_raw(0, 1) == 0;
	sh->interactive = sh->editing || isatty(0);
	sh_signal_sync_all(sh); // an interactive shell catches INT, QUIT, TERM
	if (sh->editing) {
		int fd = dup(0);
		sh->console_fd = fd >= 0 ? sh_move_high(fd) : -1;
	}
	if (sh->editing)
		console_set_fg(0, 0); // Ctrl-C is a byte for the editor
	struct strbuf pending = {0};
	int lineno = 1, pending_lines = 0;
	for (;;) {
		int r;
		if (sh->sig_pending)
			sh_run_traps(sh);
		if (sh->interactive && pending.len == 0)
			sh_jobs_poll(sh, 1);
		make_prompt(sh, prompt, sizeof(prompt), pending.len > 0);
		if (sh->editing) {
			r = sh_edit_read_line(sh, prompt, line);
		} else {
			if (sh->interactive)
				sh_print(2, "%s", prompt);
			r = read_plain_line(line);
		}
		if (r == SH_READ_EOF) {
			if (pending.len > 0 && !pending.nomem) // run what there is: an error
				sh_run_text(sh, pending.s, lineno);
			break;
		}
		if (r == SH_READ_TOO_LONG) {
			sh->status = 2;
			continue;
		}
		if (r == SH_READ_INTERRUPT) {
			sh->status = 130;
			pending.len = 0;
			pending_lines = 0;
			continue;
		}
		sb_adds(&pending, line);
		sb_addc(&pending, '\n');
		pending_lines++;
		if (pending.nomem) {
			sh_msg(sh, "out of memory");
			free(pending.s);
			pending = (struct strbuf){0};
			pending_lines = 0;
			continue;
		}
		if (!text_complete(pending.s))
			continue;
		sh->interrupted = 0;
		sh_run_text(sh, pending.s, lineno);
		lineno += pending_lines;
		pending.len = 0;
		pending.s[0] = '\0';
		pending_lines = 0;
		if (sh->jump == J_EXIT)
			break;
		sh->jump = J_NONE;
		sh->syntax_error = 0;
		if (!sh->interactive && sh->status == 2 && sh->syntax_error)
			break;
	}
	free(pending.s);
	if (sh->editing) {
		console_set_raw(0, 0);
		if (sh->console_fd > 0)
			close(sh->console_fd);
	}
	return sh->status;
}

static const char usage[] =
	"usage: sh [-eux] [-c CMD [NAME [ARG...]] | FILE [ARG...]]\n"
	"The Corral shell. Type `help` at its prompt for builtins and apps.\n";

static void sh_free(struct sh *sh)
{
	for (int i = 0; i < sh->nvars; i++) {
		free(sh->vars[i].name);
		free(sh->vars[i].value);
	}
	free(sh->vars);
	for (int i = 0; i < sh->nfuncs; i++) {
		free(sh->funcs[i].name);
		sh_arena_put(sh->funcs[i].body->arena);
	}
	free(sh->funcs);
	for (int i = 0; i < sh->naliases; i++) {
		free(sh->aliases[i].name);
		free(sh->aliases[i].value);
	}
	free(sh->aliases);
	for (int i = 0; i < SH_NSIG; i++)
		free(sh->traps[i]);
	sh_free_params(sh);
	free(sh->arg0);
	while (sh->njobs > 0)
		sh_job_remove(sh, &sh->jobs[0]);
	free(sh->jobs);
	sh_edit_free(sh);
	free(sh);
}

// -e -u -x -f -n -v -C -a (and + to turn off): 0, or -1 for a bad one.
int sh_set_option(struct sh *sh, char c, int on)
{
	switch (c) {
	case 'e': sh->opt_e = on; return 0;
	case 'u': sh->opt_u = on; return 0;
	case 'x': sh->opt_x = on; return 0;
	case 'f': sh->opt_f = on; return 0;
	case 'n': sh->opt_n = on; return 0;
	case 'v': sh->opt_v = on; return 0;
	case 'C': sh->opt_C = on; return 0;
	case 'a': sh->opt_a = on; return 0;
	case 'm': case 'i': case 's': return 0;
	}
	return -1;
}

static void import_environment(struct sh *sh)
{
	// If the environment cannot be listed (an older user/libc without
	// corral_environ()), at least look names up in it.
	char **env = applib_environ();
	sh->env_by_getenv = !env || !*env;
	for (char **e = env; e && *e; e++) {
		char *eq = strchr(*e, '=');
		if (!eq || !sh_is_name(*e, (size_t)(eq - *e)))
			continue;
		*eq = '\0';
		sh_var_set(sh, *e, eq + 1, 1);
		*eq = '=';
	}
	if (!sh_var_get(sh, "IFS"))
		sh_var_set(sh, "IFS", " \t\n", 0);
	if (!sh_var_get(sh, "PS4"))
		sh_var_set(sh, "PS4", "+ ", 0);
	char cwd[1024];
	if (getcwd(cwd, sizeof(cwd)))
		sh_var_set(sh, "PWD", cwd, 1);
}

static int sh_main_body(int argc, char **argv, long stack_limit)
{
	struct sh *sh = calloc(1, sizeof(*sh));
	char *line = malloc(SH_LINE_MAX + 1);
	if (!sh || !line || !(sh->ed.buf = malloc(SH_LINE_MAX + 1))) {
		sh_error("sh: %s\n", strerror(ENOMEM));
		if (sh)
			free(sh->ed.buf);
		free(sh);
		free(line);
		return 1;
	}
	char stack_mark;
	sh->stack_base = &stack_mark;
	sh->stack_limit = stack_limit;
	sh->pid = getpid();
	sh_signals_init(sh);
	sh->umask = 022;
	import_environment(sh);
	int status;
	if (argc == 3 && strcmp(argv[1], SH_FORKSHELL_ARG) == 0) {
		sh->arg0 = strdup("sh");
		status = sh_forkshell_main(sh, argv[2]);
		goto done;
	}
	int i = 1;
	int command = 0;
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		int on = argv[i][0] == '-';
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'c' && on) {
				command = 1;
			} else if (sh_set_option(sh, *o, on) < 0) {
				sh_error("sh: %s: illegal option\n", argv[i]);
				sh_free(sh);
				free(line);
				return 2;
			}
		}
	}
	if (command) {
		if (i >= argc) {
			sh_error("sh: -c requires an argument\n");
			status = 2;
		} else {
			const char *text = argv[i++];
			sh->arg0 = strdup(i < argc ? argv[i] : argv[0]);
			if (i < argc)
				i++;
			sh_set_params(sh, NULL, argv + i, argc - i);
			run_text(sh, text, 1, 1);
			status = sh->status;
		}
	} else if (i < argc) {
		sh->arg0 = strdup(argv[i]);
		sh_set_params(sh, NULL, argv + i + 1, argc - i - 1);
		char *text = sh_read_script(argv[i]);
		if (!text) {
			sh_error("sh: 0: cannot open %s: %s\n", argv[i],
				 errno == ENOENT ? "No such file" : strerror(errno));
			status = 2;
		} else {
			sh_run_text(sh, text, 1);
			status = sh->status;
			free(text);
		}
	} else {
		sh->arg0 = strdup(argv[0]);
		sh_set_params(sh, NULL, NULL, 0);
		status = input_loop(sh, line);
	}
done:
	sh->jump = J_NONE;
	sh->status = status;
	sh_run_exit_trap(sh);
	status = sh->status;
	free(line);
	corral_set_app_data(NULL); // a late signal's handler must not find sh
	sh_free(sh);
	return status;
}

#ifdef CORRAL_HOST
static int sh_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, usage))
		return 0;
	return sh_main_body(argc, argv, 4L << 20);
}
#else
struct main_call {
	int argc;
	char **argv;
	int status;
};

static void main_on_big_stack(void *arg)
{
	struct main_call *c = arg;
	c->status = sh_main_body(c->argc, c->argv, SH_STACK_SIZE - SH_STACK_MARGIN);
}

static int sh_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, usage))
		return 0;
	struct main_call c = {argc, argv, 1};
	if (call_on_heap_stack(SH_STACK_SIZE, main_on_big_stack, &c) < 0)
		return sh_main_body(argc, argv, 9L << 10); // the kernel stack, less what the leaves need
	return c.status;
}
#endif

APP(sh, sh_main, "the command shell: sh [-c CMD | FILE [ARG...]]");
