// sh: the Corral shell. `sh` reads commands from the console (with the
// line editor of sh_edit.c) or, when stdin is not the console, plainly from
// stdin; `sh -c CMD [NAME [ARG...]]` runs CMD; `sh FILE [ARG...]` runs a
// script. The prompt is `corral:CWD# `.
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

static struct sh_var *var_find(struct sh *sh, const char *name)
{
	for (int i = 0; i < sh->nvars; i++)
		if (strcmp(sh->vars[i].name, name) == 0)
			return &sh->vars[i];
	return NULL;
}

const char *sh_var_get(struct sh *sh, const char *name)
{
	struct sh_var *v = var_find(sh, name);
	if (v)
		return v->value;
	return sh->env_by_getenv ? getenv(name) : NULL;
}

int sh_var_set(struct sh *sh, const char *name, const char *value, int export)
{
	char *copy = strdup(value);
	if (!copy)
		return -1;
	struct sh_var *v = var_find(sh, name);
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
	sh->vars[sh->nvars++] = (struct sh_var){n, copy, export};
	return 0;
}

int sh_var_unset(struct sh *sh, const char *name)
{
	struct sh_var *v = var_find(sh, name);
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
		if (!v->exported)
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

// Run each line of text (a script, or the argument of -c). As POSIX asks
// of a non-interactive shell, a syntax error ends it.
int sh_run_text(struct sh *sh, const char *text)
{
	char *line = malloc(SH_LINE_MAX + 1);
	if (!line) {
		sh_error("sh: out of memory\n");
		return 1;
	}
	const char *p = text;
	while (*p && !sh->exit_requested) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > SH_LINE_MAX) {
			sh_error("sh: line too long\n");
			sh->status = 2;
		} else {
			memcpy(line, p, len);
			line[len] = '\0';
			sh_run_line(sh, line);
			if (sh->syntax_error)
				break;
		}
		p += len;
		if (*p)
			p++;
	}
	free(line);
	return sh->status;
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

static void make_prompt(char *prompt, size_t n)
{
	char cwd[256];
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "?");
	snprintf(prompt, n, "corral:%s# ", cwd);
}

static int interactive_loop(struct sh *sh, char *line)
{
	char prompt[300];
	sh->editing = console_set_raw(0, 1) == 0;
	sh->interactive = sh->editing || isatty(0);
	if (sh->editing)
		console_set_fg(0, 0); // Ctrl-C is a byte for the editor
	for (;;) {
		int r;
		if (sh->interactive)
			sh_jobs_poll(sh, 1);
		make_prompt(prompt, sizeof(prompt));
		if (sh->editing) {
			r = sh_edit_read_line(sh, prompt, line);
		} else {
			if (sh->interactive)
				sh_print(2, "%s", prompt);
			r = read_plain_line(line);
		}
		if (r == SH_READ_EOF)
			break;
		if (r == SH_READ_TOO_LONG)
			sh->status = 2;
		else if (r == SH_READ_INTERRUPT)
			sh->status = 130;
		else
			sh_run_line(sh, line);
		if (sh->exit_requested)
			break;
	}
	if (sh->editing)
		console_set_raw(0, 0);
	return sh->status;
}

static const char usage[] =
	"usage: sh [-c CMD [NAME [ARG...]] | FILE [ARG...]]\n"
	"The Corral shell. Type `help` at its prompt for builtins and apps.\n";

static void sh_free(struct sh *sh)
{
	for (int i = 0; i < sh->nvars; i++) {
		free(sh->vars[i].name);
		free(sh->vars[i].value);
	}
	free(sh->vars);
	while (sh->njobs > 0)
		sh_job_remove(sh, &sh->jobs[0]);
	free(sh->jobs);
	sh_edit_free(sh);
	free(sh);
}

static int sh_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, usage))
		return 0;
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
	// Import the environment as exported variables. If it cannot be
	// listed (an older user/libc without corral_environ()), at least look
	// names up in it.
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
	static char *const default_params[] = {"sh", NULL};
	int status;
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc < 3) {
			sh_error("sh: -c: option requires an argument\n");
			status = 2;
		} else {
			sh->params = argc > 3 ? argv + 3 : (char **)default_params;
			sh->nparams = argc > 3 ? argc - 3 : 1;
			status = sh_run_text(sh, argv[2]);
		}
	} else if (argc > 1) {
		sh->params = argv + 1;
		sh->nparams = argc - 1;
		char *text = sh_read_script(argv[1]);
		if (!text) {
			sh_error("sh: %s: %s\n", argv[1], strerror(errno));
			status = errno == ENOENT ? 127 : 126;
		} else {
			status = sh_run_text(sh, text);
			free(text);
		}
	} else {
		sh->params = (char **)default_params;
		sh->nparams = 1;
		status = interactive_loop(sh, line);
	}
	free(line);
	sh_free(sh);
	return status;
}

APP(sh, sh_main, "the command shell: sh [-c CMD | FILE [ARG...]]");
