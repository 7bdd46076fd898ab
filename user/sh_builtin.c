// The shell's builtins, first table: the special builtins of POSIX (which
// change the shell: assignments before them stay, their errors end a
// script) and the common ones. sh_builtin2.c has the rest. They write with
// write(2) directly and check every result, so `echo 0-7 > cpuset.cpus`
// reports the kernel's refusal at once. Messages are dash's.
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_failed(struct sh *sh, const char *name)
{
	if (errno == EPIPE && sh->pipe_stage)
		return 1; // the stage ends quietly (SIGPIPE in dash)
	// dash says "echo: I/O error"; Corral's contract (DESIGN.md §8) is
	// `sh: write error: TEXT`: the kernel's reason is worth more when a
	// control file refuses a value (echo 0-9 > cpuset.cpus).
	(void)name;
	sh_msg(sh, "write error: %s", strerror(errno));
	return 1;
}

// dash's echo: -n, and the escapes \a \b \c \f \n \r \t \v \\ \0NNN.
static int builtin_echo(struct sh *sh, int argc, char **argv)
{
	int i = 1, newline = 1;
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	struct strbuf b = {0};
	int stop = 0;
	for (int k = i; k < argc && !stop; k++) {
		if (k > i)
			sb_addc(&b, ' ');
		for (const char *s = argv[k]; *s; s++) {
			if (*s != '\\' || !s[1]) {
				sb_addc(&b, *s);
				continue;
			}
			char c = *++s;
			switch (c) {
			case 'a': sb_addc(&b, '\a'); break;
			case 'b': sb_addc(&b, '\b'); break;
			case 'c': stop = 1; newline = 0; break;
			case 'f': sb_addc(&b, '\f'); break;
			case 'n': sb_addc(&b, '\n'); break;
			case 'r': sb_addc(&b, '\r'); break;
			case 't': sb_addc(&b, '\t'); break;
			case 'v': sb_addc(&b, '\v'); break;
			case '\\': sb_addc(&b, '\\'); break;
			case '0': {
				int v = 0;
				for (int d = 0; d < 3 && s[1] >= '0' && s[1] <= '7'; d++)
					v = v * 8 + (*++s - '0');
				sb_addc(&b, (char)v);
				break;
			}
			default:
				sb_addc(&b, '\\');
				sb_addc(&b, c);
			}
			if (stop)
				break;
		}
	}
	if (newline)
		sb_addc(&b, '\n');
	if (b.nomem) {
		free(b.s);
		sh_msg(sh, "echo: out of memory");
		return 1;
	}
	// One write, so a control file sees the whole value at once.
	int rc = b.len ? sh_write_all(1, b.s, b.len) : 0;
	free(b.s);
	return rc < 0 ? write_failed(sh, "echo") : 0;
}

static int builtin_true(struct sh *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	return 0;
}

static int builtin_false(struct sh *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	return 1;
}

static int builtin_cd(struct sh *sh, int argc, char **argv)
{
	int i = 1;
	while (i < argc && (strcmp(argv[i], "-L") == 0 || strcmp(argv[i], "-P") == 0))
		i++;
	const char *dir = i < argc ? argv[i] : sh_var_get(sh, "HOME");
	int print = 0;
	if (dir && strcmp(dir, "-") == 0) {
		dir = sh_var_get(sh, "OLDPWD");
		print = 1;
	}
	if (!dir || !*dir)
		dir = "/";
	char old[1024];
	if (!getcwd(old, sizeof(old)))
		old[0] = '\0';
	if (chdir(dir) < 0) {
		sh_msg(sh, "cd: can't cd to %s", dir);
		return 2;
	}
	char cwd[1024];
	if (getcwd(cwd, sizeof(cwd))) {
		sh_var_set(sh, "OLDPWD", old, 0);
		sh_var_set(sh, "PWD", cwd, 0);
		if (print)
			sh_print(1, "%s\n", cwd);
	}
	return 0;
}

static int builtin_pwd(struct sh *sh, int argc, char **argv)
{
	(void)argc, (void)argv;
	char cwd[1024];
	if (!getcwd(cwd, sizeof(cwd))) {
		sh_msg(sh, "pwd: %s", strerror(errno));
		return 2;
	}
	return sh_print(1, "%s\n", cwd) < 0 ? write_failed(sh, "pwd") : 0;
}

static int status_arg(struct sh *sh, const char *name, const char *arg, int *out)
{
	long long v;
	if (sh_parse_int(arg, &v) < 0 || v < 0 || arg[0] == ' ' || arg[0] == '+') {
		sh_msg(sh, "%s: Illegal number: %s", name, arg);
		return -1;
	}
	*out = (int)(v & 0xff);
	return 0;
}

static int builtin_exit(struct sh *sh, int argc, char **argv)
{
	int status = sh->status;
	if (argc > 1 && status_arg(sh, "exit", argv[1], &status) < 0) {
		sh_fatal(sh, 2);
		return 2;
	}
	sh->status = status;
	sh->jump = J_EXIT;
	return status;
}

static int builtin_return(struct sh *sh, int argc, char **argv)
{
	int status = sh->status;
	if (argc > 1 && status_arg(sh, "return", argv[1], &status) < 0) {
		sh_fatal(sh, 2);
		return 2;
	}
	sh->status = status;
	// At the top of a script, return ends it (as in dash).
	sh->jump = sh->func_depth || sh->source_depth ? J_RETURN : J_EXIT;
	return status;
}

static int loop_builtin(struct sh *sh, int argc, char **argv, enum sh_jump j)
{
	long long n = 1;
	if (argc > 1 && (sh_parse_int(argv[1], &n) < 0 || n <= 0)) {
		sh_msg(sh, "%s: Illegal number: %s", argv[0], argv[1]);
		sh_fatal(sh, 2);
		return 2;
	}
	if (sh->loop_depth == 0)
		return 0;
	if (n > sh->loop_depth)
		n = sh->loop_depth;
	sh->jump = j;
	sh->jump_count = (int)n;
	return 0;
}

static int builtin_break(struct sh *sh, int argc, char **argv)
{
	return loop_builtin(sh, argc, argv, J_BREAK);
}

static int builtin_continue(struct sh *sh, int argc, char **argv)
{
	return loop_builtin(sh, argc, argv, J_CONTINUE);
}

void sh_quote_into(struct strbuf *b, const char *v)
{
	sb_addc(b, '\'');
	for (; *v; v++) {
		if (*v == '\'')
			sb_adds(b, "'\\''");
		else
			sb_addc(b, *v);
	}
	sb_addc(b, '\'');
}

static int cmp_vars(const void *a, const void *b)
{
	return strcmp((*(struct sh_var *const *)a)->name, (*(struct sh_var *const *)b)->name);
}

// The variables (sorted), for set, export -p, readonly -p. which: 0 all,
// 1 exported, 2 readonly.
static int list_vars(struct sh *sh, int which, const char *prefix)
{
	struct sh_var **v = calloc((size_t)sh->nvars + 1, sizeof(*v));
	if (!v)
		return 1;
	int n = 0;
	for (int i = 0; i < sh->nvars; i++) {
		struct sh_var *x = &sh->vars[i];
		if ((which == 1 && !x->exported) || (which == 2 && !x->readonly) ||
		    (which == 0 && !x->value))
			continue;
		v[n++] = x;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_vars);
	struct strbuf b = {0};
	for (int i = 0; i < n; i++) {
		sb_adds(&b, prefix);
		sb_adds(&b, v[i]->name);
		if (v[i]->value) {
			sb_addc(&b, '=');
			sh_quote_into(&b, v[i]->value);
		}
		sb_addc(&b, '\n');
	}
	free(v);
	int rc = b.len ? sh_write_all(1, b.s, b.len) : 0;
	free(b.s);
	return rc < 0 ? write_failed(sh, "set") : 0;
}

// export / readonly NAME[=VALUE]...
static int declare(struct sh *sh, int argc, char **argv, int readonly)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "-p") == 0)
		return list_vars(sh, readonly ? 2 : 1, readonly ? "readonly " : "export ");
	if (i >= argc)
		return list_vars(sh, readonly ? 2 : 1, readonly ? "readonly " : "export ");
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!sh_is_name(argv[i], n)) {
			sh_msg(sh, "%s: %s: bad variable name", argv[0], argv[i]);
			sh_fatal(sh, 2);
			return 2;
		}
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)n, argv[i]);
		struct sh_var *v = sh_var_find(sh, name);
		if (eq) {
			if (v && v->readonly) {
				sh_msg(sh, "%s: is read only", name);
				sh_fatal(sh, 2);
				return 2;
			}
			sh_var_set(sh, name, eq + 1, !readonly);
		} else if (!v) {
			// declared, not set
			sh_var_set(sh, name, "", !readonly);
			v = sh_var_find(sh, name);
			if (v) {
				free(v->value);
				v->value = NULL;
			}
		}
		v = sh_var_find(sh, name);
		if (v) {
			if (readonly)
				v->readonly = 1;
			else
				v->exported = 1;
		}
	}
	return 0;
}

static int builtin_export(struct sh *sh, int argc, char **argv)
{
	return declare(sh, argc, argv, 0);
}

static int builtin_readonly(struct sh *sh, int argc, char **argv)
{
	return declare(sh, argc, argv, 1);
}

static int builtin_unset(struct sh *sh, int argc, char **argv)
{
	int funcs = 0, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0)
			funcs = 1;
		else if (strcmp(argv[i], "-v") == 0)
			funcs = 0;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
	}
	for (; i < argc; i++) {
		if (funcs) {
			sh_func_unset(sh, argv[i]);
			continue;
		}
		struct sh_var *v = sh_var_find(sh, argv[i]);
		if (v && v->readonly) {
			sh_msg(sh, "unset: %s: is read only", argv[i]);
			sh_fatal(sh, 2);
			return 2;
		}
		sh_var_unset(sh, argv[i]);
	}
	return 0;
}

static int builtin_shift(struct sh *sh, int argc, char **argv)
{
	long long n = 1;
	if (argc > 1 && sh_parse_int(argv[1], &n) < 0) {
		sh_msg(sh, "shift: Illegal number: %s", argv[1]);
		sh_fatal(sh, 2);
		return 2;
	}
	if (n < 0 || n > sh->nparams - 1) {
		sh_msg(sh, "shift: can't shift that many");
		sh_fatal(sh, 2);
		return 2;
	}
	for (int i = 1; i <= n; i++)
		free(sh->params[i]);
	memmove(sh->params + 1, sh->params + 1 + n,
		sizeof(char *) * (size_t)(sh->nparams - 1 - n + 1));
	sh->nparams -= (int)n;
	return 0;
}

static int builtin_set(struct sh *sh, int argc, char **argv)
{
	if (argc == 1)
		return list_vars(sh, 0, "");
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			goto params;
		}
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		int on = a[0] == '-';
		if (a[1] == 'o') {
			const char *o = i + 1 < argc ? argv[++i] : NULL;
			if (!o) {
				static const char *const names[] = {"errexit", "noglob", "nounset", "xtrace", "noexec", "verbose", "noclobber", "allexport"};
				int vals[] = {sh->opt_e, sh->opt_f, sh->opt_u, sh->opt_x, sh->opt_n, sh->opt_v, sh->opt_C, sh->opt_a};
				for (int k = 0; k < 8; k++)
					sh_print(1, "%-16s%s\n", names[k], vals[k] ? "on" : "off");
				return 0;
			}
			char c = strcmp(o, "errexit") == 0 ? 'e' : strcmp(o, "nounset") == 0 ? 'u'
				 : strcmp(o, "xtrace") == 0 ? 'x' : strcmp(o, "noglob") == 0 ? 'f'
				 : strcmp(o, "noexec") == 0 ? 'n' : strcmp(o, "verbose") == 0 ? 'v'
				 : strcmp(o, "noclobber") == 0 ? 'C' : strcmp(o, "allexport") == 0 ? 'a' : 0;
			if (!c) {
				sh_msg(sh, "set: Illegal option -o %s", o);
				sh_fatal(sh, 2);
				return 2;
			}
			sh_set_option(sh, c, on);
			continue;
		}
		for (const char *o = a + 1; *o; o++)
			if (sh_set_option(sh, *o, on) < 0) {
				sh_msg(sh, "set: Illegal option %c%c", a[0], *o);
				sh_fatal(sh, 2);
				return 2;
			}
	}
	if (i >= argc)
		return 0;
params:
	sh_set_params(sh, NULL, argv + i, argc - i);
	return 0;
}

static int builtin_local(struct sh *sh, int argc, char **argv)
{
	if (!sh->func_depth) {
		sh_msg(sh, "local: not in a function");
		sh_fatal(sh, 2);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)n, argv[i]);
		if (!sh_is_name(name, strlen(name))) {
			sh_msg(sh, "local: %s: bad variable name", argv[i]);
			sh_fatal(sh, 2);
			return 2;
		}
		struct sh_local *l = calloc(1, sizeof(*l));
		if (!l || !(l->name = strdup(name))) {
			free(l);
			sh_msg(sh, "out of memory");
			return 2;
		}
		struct sh_var *v = sh_var_find(sh, name);
		l->was_set = v && v->value;
		l->value = l->was_set ? strdup(v->value) : NULL;
		l->exported = v ? v->exported : 0;
		l->next = sh->locals;
		sh->locals = l;
		if (eq)
			sh_var_set(sh, name, eq + 1, 0);
	}
	return 0;
}

static int builtin_eval(struct sh *sh, int argc, char **argv)
{
	struct strbuf b = {0};
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			sb_addc(&b, ' ');
		sb_adds(&b, argv[i]);
	}
	if (argc < 2)
		return 0;
	char *text = sb_take(&b);
	if (!text) {
		sh_msg(sh, "out of memory");
		return 2;
	}
	sh->status = 0;
	int status = sh_run_text(sh, text, sh->lineno);
	free(text);
	return status;
}

static int builtin_source(struct sh *sh, int argc, char **argv)
{
	if (argc < 2) {
		sh_msg(sh, "%s: filename argument required", argv[0]);
		sh_fatal(sh, 2);
		return 2;
	}
	char *text = sh_read_script(argv[1]);
	if (!text) {
		sh_msg(sh, "%s: cannot open %s: No such file", argv[0], argv[1]);
		sh_fatal(sh, 2);
		return 2;
	}
	char **old_params = NULL;
	int old_n = 0;
	if (0) { // dash ignores arguments after the file
		old_params = sh->params;
		old_n = sh->nparams;
		sh->params = NULL;
		sh->nparams = 0;
		sh_set_params(sh, NULL, argv + 2, argc - 2);
	}
	sh->source_depth++;
	int lineno = sh->lineno;
	sh->status = 0;
	int status = sh_run_text(sh, text, 1);
	sh->lineno = lineno;
	sh->source_depth--;
	if (sh->jump == J_RETURN) {
		sh->jump = J_NONE;
		status = sh->status;
	}
	if (old_params) {
		sh_free_params(sh);
		sh->params = old_params;
		sh->nparams = old_n;
	}
	free(text);
	return status;
}

static int builtin_exec(struct sh *sh, int argc, char **argv)
{
	if (argc < 2)
		return 0; // the redirections were made for good by sh_exec.c
	// No task replaces its program on Corral: run the command, then
	// leave with its status.
	char *w[2] = {NULL, NULL};
	(void)w;
	int kind = sh_command_kind(sh, argv[1]);
	int status;
	if (kind == CMD_APP) {
		char **envp = sh_env_inherited(sh, 0) ? NULL : sh_build_env(sh, NULL, 0);
		pid_t pid = sh_spawn_job(sh, argv[1], argv + 1, envp);
		int err = errno;
		sh_argv_free(envp);
		if (pid < 0) {
			sh_msg(sh, "exec: %s: %s", argv[1], strerror(err));
			status = 126;
		} else {
			status = sh_wait_pid(pid, NULL);
			sh_console_job_end(sh);
		}
	} else if (kind == CMD_BUILTIN || kind == CMD_SPECIAL) {
		status = sh_builtin_run(sh, sh_builtin_find(argv[1]), argc - 1, argv + 1);
	} else if (kind == CMD_PATH) {
		char **nargv = calloc((size_t)argc + 1, sizeof(char *));
		status = 2;
		if (nargv) {
			nargv[0] = "sh";
			for (int i = 1; i < argc; i++)
				nargv[i] = argv[i];
			pid_t pid = spawn("sh", nargv, NULL);
			status = pid < 0 ? 126 : sh_wait_pid(pid, NULL);
			free(nargv);
		}
	} else {
		sh_msg(sh, "exec: %s: not found", argv[1]);
		if (sh->interactive && !sh->subshell)
			return 127; // the prompt carries on (as bash's does)
		status = 127;
	}
	sh->status = status;
	sh->jump = J_EXIT;
	return status;
}

// A signal ended `wait`: 128 + its number; the jobs keep running. An
// interactive shell's Ctrl-C (no INT trap) also abandons the line, as
// dash's does.
static int wait_interrupted(struct sh *sh, int sig)
{
	if (sig == 2 && !(sh->traps[2] && sh->traps[2][0]))
		sh_fatal(sh, 128 + sig);
	return 128 + sig;
}

static int builtin_wait(struct sh *sh, int argc, char **argv)
{
	int status = 0;
	if (argc == 1) {
		while (sh->njobs > 0) {
			int st = sh_job_wait_interruptible(sh, &sh->jobs[0]);
			if (st < 0)
				return wait_interrupted(sh, -st);
			sh_job_remove(sh, &sh->jobs[0]);
		}
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		struct sh_job *job = NULL;
		if (argv[i][0] == '%') {
			long id = strtol(argv[i] + 1, NULL, 10);
			job = sh_job_find_id(sh, (int)id);
		} else {
			long long pid;
			if (sh_parse_int(argv[i], &pid) < 0) {
				sh_msg(sh, "wait: Illegal number: %s", argv[i]);
				return 2;
			}
			job = sh_job_find_pid(sh, (pid_t)pid);
			if (!job) {
				status = 127;
				continue;
			}
		}
		if (!job) {
			status = 127;
			continue;
		}
		status = sh_job_wait_interruptible(sh, job);
		if (status < 0)
			return wait_interrupted(sh, -status);
		sh_job_remove(sh, job);
	}
	return status;
}

static int builtin_jobs(struct sh *sh, int argc, char **argv)
{
	(void)argc, (void)argv;
	int status = 0;
	for (int i = 0; i < sh->njobs;) {
		struct sh_job *job = &sh->jobs[i];
		int done = sh_job_poll(job);
		char buf[16];
		if (status == 0 &&
		    sh_print(1, "[%d]%c %s  %s\n", job->id, i == sh->njobs - 1 ? '+' : ' ',
			     done || job->stopped ? sh_job_state(job, buf, sizeof(buf)) : "Running",
			     job->text) < 0)
			status = write_failed(sh, "jobs");
		if (done && !job->stopped)
			sh_job_remove(sh, job); // reported: forget it
		else
			i++;
	}
	return status;
}

static int builtin_help(struct sh *sh, int argc, char **argv);

static const struct sh_builtin builtins[] = {
	{":", builtin_true, ": [ARG...]: do nothing, succeed", 1},
	{".", builtin_source, ". FILE [ARG...]: run FILE in this shell", 1},
	{"break", builtin_break, "break [N]: leave N loops", 1},
	{"cd", builtin_cd, "cd [DIR|-]: change the working directory", 0},
	{"continue", builtin_continue, "continue [N]: next iteration of the Nth loop", 1},
	{"echo", builtin_echo, "echo [-n] [ARG...]: print the arguments", 0},
	{"eval", builtin_eval, "eval [ARG...]: run the arguments as a command", 1},
	{"exec", builtin_exec, "exec [CMD] [REDIRECTIONS]: run CMD instead of the shell, or redirect its fds", 1},
	{"exit", builtin_exit, "exit [N]: leave the shell", 1},
	{"export", builtin_export, "export [-p] [NAME[=VALUE]...]: pass variables to apps", 1},
	{"false", builtin_false, "false: fail", 0},
	{"help", builtin_help, "help: list builtins and apps", 0},
	{"jobs", builtin_jobs, "jobs: list background jobs", 0},
	{"local", builtin_local, "local NAME[=VALUE]...: variables of this function", 0},
	{"pwd", builtin_pwd, "pwd: print the working directory", 0},
	{"readonly", builtin_readonly, "readonly [-p] [NAME[=VALUE]...]: make variables read-only", 1},
	{"return", builtin_return, "return [N]: leave the function", 1},
	{"set", builtin_set, "set [-eufxnvCa] [-o OPT] [--] [ARG...]: options, positional parameters", 1},
	{"shift", builtin_shift, "shift [N]: drop the first N positional parameters", 1},
	{"source", builtin_source, "source FILE [ARG...]: run FILE in this shell (also `.`)", 0},
	{"true", builtin_true, "true: succeed", 0},
	{"unset", builtin_unset, "unset [-f|-v] NAME...: remove variables or functions", 1},
	{"wait", builtin_wait, "wait [PID|%N...]: wait for background jobs", 0},
	{"test", sh_test_builtin, "test EXPR: evaluate a condition (also [ EXPR ])", 0},
	{"[", sh_test_builtin, NULL, 0},
	{"printf", sh_printf_builtin, "printf FORMAT [ARG...]: formatted output", 0},
};
#define NBUILTINS (int)(sizeof(builtins) / sizeof(builtins[0]))

static int cmp_apps(const void *a, const void *b)
{
	const struct app *x = *(const struct app *const *)a;
	const struct app *y = *(const struct app *const *)b;
	return strcmp(x->name, y->name);
}

static int print_help_line(const struct sh_builtin *b)
{
	return b->help ? sh_print(1, "  %-10s %s\n", b->name, b->help) : 0;
}

// Builtins, then the registered apps sorted by name (apps whose names
// start with "__" are the runtime's own test helpers: not listed).
static int builtin_help(struct sh *sh, int argc, char **argv)
{
	(void)argc, (void)argv;
	if (sh_print(1, "Builtins:\n") < 0)
		return write_failed(sh, "help");
	for (int i = 0; i < NBUILTINS; i++)
		if (print_help_line(&builtins[i]) < 0)
			return write_failed(sh, "help");
	for (int i = 0; i < sh_nbuiltins2; i++)
		if (print_help_line(&sh_builtins2[i]) < 0)
			return write_failed(sh, "help");
	size_t n = 0;
	for (const struct app *a = app_first(); a; a = app_next(a))
		n++;
	const struct app **apps = calloc(n + 1, sizeof(*apps));
	if (!apps) {
		sh_msg(sh, "help: %s", strerror(ENOMEM));
		return 1;
	}
	n = 0;
	for (const struct app *a = app_first(); a; a = app_next(a))
		if (strncmp(a->name, "__", 2) != 0)
			apps[n++] = a;
	qsort(apps, n, sizeof(*apps), cmp_apps);
	int status = 0;
	if (sh_print(1, "Apps (APP --help for usage):\n") < 0)
		status = write_failed(sh, "help");
	for (size_t i = 0; i < n && !status; i++)
		if (sh_print(1, "  %-10s %s\n", apps[i]->name,
			     apps[i]->help ? apps[i]->help : "") < 0)
			status = write_failed(sh, "help");
	free(apps);
	return status;
}

// Runs builtin b. `B --help` prints b's help line instead, for the
// builtins that take no operands of that shape.
int sh_builtin_run(struct sh *sh, const struct sh_builtin *b, int argc, char **argv)
{
	// `test --help`, `[ --help`, `printf --help`, `kill --help`: the app of
	// that name prints its usage (the builtin would take it as an operand).
	if (argc == 2 && strcmp(argv[1], "--help") == 0 && strcmp(b->name, "echo") != 0 &&
	    strcmp(b->name, "true") != 0 && strcmp(b->name, "false") != 0 && app_find(b->name)) {
		pid_t pid = spawn(b->name, argv, NULL);
		if (pid >= 0)
			return sh_wait_pid(pid, NULL);
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0 && b->help &&
	    (strcmp(b->name, "cd") == 0 || strcmp(b->name, "help") == 0 ||
	     strcmp(b->name, "jobs") == 0 || strcmp(b->name, "wait") == 0 ||
	     strcmp(b->name, "exec") == 0 || strcmp(b->name, "source") == 0 ||
	     strcmp(b->name, "export") == 0 || strcmp(b->name, "exit") == 0 ||
	     strcmp(b->name, "pwd") == 0 || strcmp(b->name, "unset") == 0))
		return sh_print(1, "usage: %s\n", b->help) < 0 ? write_failed(sh, b->name) : 0;
	return b->fn(sh, argc, argv);
}

const struct sh_builtin *sh_builtin_find(const char *name)
{
	// (first characters first: a loop calls this per command. No cache of
	// the last one found: every sh task shares the app's globals, so one
	// shell would read another's, half written.)
	for (int i = 0; i < NBUILTINS; i++)
		if (builtins[i].name[0] == name[0] && strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	for (int i = 0; i < sh_nbuiltins2; i++)
		if (sh_builtins2[i].name[0] == name[0] && strcmp(sh_builtins2[i].name, name) == 0)
			return &sh_builtins2[i];
	return NULL;
}

const struct sh_builtin *sh_builtins(int *count)
{
	*count = NBUILTINS;
	return builtins;
}
