// The shell's builtins: commands that must run inside the shell because
// they change it (cd, exit, export, unset, wait, exec, ulimit) or report on it
// (jobs, pwd, help), plus echo, true and false. They write with write(2)
// directly and check every result, so `echo 0-7 > cpuset.cpus` reports the
// kernel's refusal at once: `sh: write error: Numerical result out of range`.
#include "user/sh.h"
#include "user/corral.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_failed(void)
{
	sh_error("sh: write error: %s\n", strerror(errno));
	return 1;
}

static int builtin_echo(struct sh *sh, int argc, char **argv)
{
	(void)sh;
	int i = 1, newline = 1;
	while (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	size_t len = 1;
	for (int k = i; k < argc; k++)
		len += strlen(argv[k]) + 1;
	char *buf = malloc(len);
	if (!buf) {
		sh_error("sh: echo: %s\n", strerror(ENOMEM));
		return 1;
	}
	size_t used = 0;
	for (int k = i; k < argc; k++) {
		if (k > i)
			buf[used++] = ' ';
		size_t n = strlen(argv[k]);
		memcpy(buf + used, argv[k], n);
		used += n;
	}
	if (newline)
		buf[used++] = '\n';
	// One write, so a control file sees the whole value at once.
	int rc = used ? sh_write_all(1, buf, used) : 0;
	free(buf);
	return rc < 0 ? write_failed() : 0;
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
	const char *dir = argc > 1 ? argv[1] : sh_var_get(sh, "HOME");
	if (!dir || !*dir)
		dir = "/";
	if (argc > 2) {
		sh_error("sh: cd: too many arguments\n");
		return 1;
	}
	if (chdir(dir) < 0) {
		sh_error("sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int builtin_pwd(struct sh *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	char *buf = malloc(SH_LINE_MAX);
	if (!buf || !getcwd(buf, SH_LINE_MAX)) {
		sh_error("sh: pwd: %s\n", strerror(buf ? errno : ENOMEM));
		free(buf);
		return 1;
	}
	int rc = sh_print(1, "%s\n", buf);
	free(buf);
	return rc < 0 ? write_failed() : 0;
}

static int builtin_exit(struct sh *sh, int argc, char **argv)
{
	int status = sh->status;
	if (argc > 1) {
		char *end;
		long v = strtol(argv[1], &end, 10);
		if (!*argv[1] || *end) {
			sh_error("sh: exit: %s: numeric argument required\n", argv[1]);
			status = 2;
		} else {
			status = (int)(v & 0xff);
		}
	}
	sh->exit_requested = 1;
	return status;
}

static int builtin_export(struct sh *sh, int argc, char **argv)
{
	if (argc == 1) {
		for (int i = 0; i < sh->nvars; i++)
			if (sh->vars[i].exported &&
			    sh_print(1, "export %s=%s\n", sh->vars[i].name,
				     sh->vars[i].value) < 0)
				return write_failed();
		return 0;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!sh_is_name(argv[i], len)) {
			sh_error("sh: export: `%s': not a valid identifier\n", argv[i]);
			status = 1;
			continue;
		}
		int rc;
		if (eq) {
			*eq = '\0';
			rc = sh_var_set(sh, argv[i], eq + 1, 1);
			*eq = '=';
		} else {
			const char *v = sh_var_get(sh, argv[i]);
			rc = sh_var_set(sh, argv[i], v ? v : "", 1);
		}
		if (rc < 0) {
			sh_error("sh: export: %s\n", strerror(ENOMEM));
			status = 1;
		}
	}
	return status;
}

static int builtin_unset(struct sh *sh, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		sh_var_unset(sh, argv[i]);
	return 0;
}

// wait [PID | %JOB]...: with no operand, wait for every job.
static int builtin_wait(struct sh *sh, int argc, char **argv)
{
	if (argc == 1) { // 0, or 130 if Ctrl-C interrupted a job (as in bash)
		int status = 0;
		while (sh->njobs > 0) {
			if (sh_job_wait(sh, &sh->jobs[0]) == 128 + SIGINT)
				status = 128 + SIGINT;
			sh_job_remove(sh, &sh->jobs[0]);
		}
		return status;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i][0] == '%' ? argv[i] + 1 : argv[i];
		char *end;
		long v = strtol(s, &end, 10);
		if (!*s || *end || v <= 0) {
			sh_error("sh: wait: `%s': not a pid or valid job spec\n", argv[i]);
			status = 2;
			continue;
		}
		struct sh_job *job = argv[i][0] == '%' ? sh_job_find_id(sh, (int)v)
						       : sh_job_find_pid(sh, (pid_t)v);
		if (!job) {
			sh_error("sh: wait: %s %s is not a child of this shell\n",
				 argv[i][0] == '%' ? "job" : "pid", s);
			status = 127;
			continue;
		}
		status = sh_job_wait(sh, job);
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
			     done ? sh_job_state(job, buf, sizeof(buf)) : "Running",
			     job->text) < 0)
			status = write_failed();
		if (done)
			sh_job_remove(sh, job); // reported: forget it
		else
			i++;
	}
	return status;
}

static int builtin_exec(struct sh *sh, int argc, char **argv)
{
	// `exec` alone and `exec CMD` are handled by sh_exec.c; reaching here
	// means exec inside a pipeline, where it has nothing to do.
	(void)sh, (void)argc, (void)argv;
	return 0;
}

static int builtin_source(struct sh *sh, int argc, char **argv)
{
	if (argc < 2) {
		sh_error("sh: %s: filename argument required\n", argv[0]);
		return 2;
	}
	// Each level of sourcing nests the whole interpreter on the stack.
	if (sh->source_depth >= 8) {
		sh_error("sh: %s: sourced too deeply\n", argv[1]);
		return 1;
	}
	char *text = sh_read_script(argv[1]);
	if (!text) {
		sh_error("sh: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	sh->source_depth++;
	int status = sh_run_text(sh, text);
	sh->source_depth--;
	free(text);
	return status;
}

// ulimit [-H|-S] [-n] [N|unlimited], as dash: only the open-files limit
// is settable (-f, the default resource, is always unlimited). Setting
// without -H or -S sets both limits. A minimal version: the shell's
// fuller ulimit replaces it.
static int builtin_ulimit(struct sh *sh, int argc, char **argv)
{
	(void)sh;
	int hard = 0, soft = 0, res = 'f', i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'H')
				hard = 1;
			else if (*o == 'S')
				soft = 1;
			else if (*o == 'n' || *o == 'f')
				res = *o;
			else {
				sh_error("sh: ulimit: invalid option -- '%c'\n"
					 "usage: ulimit [-H|-S] [-f|-n] [LIMIT]\n", *o);
				return 2;
			}
		}
	}
	if (i < argc - 1) {
		sh_error("sh: ulimit: too many arguments\n");
		return 2;
	}
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	if (res == 'n' && getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		sh_error("sh: ulimit: %s\n", strerror(errno));
		return 1;
	}
	if (i == argc) { // print: the soft limit unless -H alone
		rlim_t v = hard && !soft ? rl.rlim_max : rl.rlim_cur;
		int rc = v == RLIM_INFINITY ? sh_print(1, "unlimited\n")
					    : sh_print(1, "%lu\n", (unsigned long)v);
		return rc < 0 ? write_failed() : 0;
	}
	rlim_t v = RLIM_INFINITY;
	if (strcmp(argv[i], "unlimited") != 0) {
		char *end;
		errno = 0;
		v = strtoul(argv[i], &end, 10);
		if (!isdigit((unsigned char)argv[i][0]) || *end || errno) {
			sh_error("sh: ulimit: %s: bad number\n", argv[i]);
			return 2;
		}
	}
	if (!hard && !soft)
		hard = soft = 1;
	if (hard)
		rl.rlim_max = v;
	if (soft)
		rl.rlim_cur = v;
	errno = EINVAL; // -f: the file size limit cannot be changed
	if (res != 'n' || setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		sh_error("sh: ulimit: error setting limit (%s)\n", strerror(errno));
		return 2;
	}
	return 0;
}

static int builtin_help(struct sh *sh, int argc, char **argv);

static const struct sh_builtin builtins[] = {
	{"cd", builtin_cd, "cd [DIR]: change the working directory"},
	{"echo", builtin_echo, "echo [-n] [ARG...]: print the arguments"},
	{"exec", builtin_exec, "exec [CMD] [REDIRECTIONS]: redirect the shell's fds"},
	{"exit", builtin_exit, "exit [N]: leave the shell"},
	{"export", builtin_export, "export [NAME[=VALUE]...]: pass variables to apps"},
	{"false", builtin_false, "false: fail"},
	{"help", builtin_help, "help: list builtins and apps"},
	{"jobs", builtin_jobs, "jobs: list background jobs"},
	{"pwd", builtin_pwd, "pwd: print the working directory"},
	{"source", builtin_source, "source FILE: run FILE in this shell (also `.`)"},
	{".", builtin_source, NULL},
	{"true", builtin_true, "true: succeed"},
	{"ulimit", builtin_ulimit, "ulimit [-H|-S] [-n] [N]: show or set the open-files limit"},
	{"unset", builtin_unset, "unset NAME...: remove variables"},
	{"wait", builtin_wait, "wait [PID|%N...]: wait for background jobs"},
};

static int cmp_apps(const void *a, const void *b)
{
	const struct app *x = *(const struct app *const *)a;
	const struct app *y = *(const struct app *const *)b;
	return strcmp(x->name, y->name);
}

// Builtins, then the registered apps sorted by name (apps whose names
// start with "__" are the runtime's own test helpers: not listed).
static int builtin_help(struct sh *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	if (sh_print(1, "Builtins:\n") < 0)
		return write_failed();
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (builtins[i].help &&
		    sh_print(1, "  %-10s %s\n", builtins[i].name, builtins[i].help) < 0)
			return write_failed();
	size_t n = 0;
	for (const struct app *a = app_first(); a; a = app_next(a))
		n++;
	const struct app **apps = calloc(n + 1, sizeof(*apps));
	if (!apps) {
		sh_error("sh: help: %s\n", strerror(ENOMEM));
		return 1;
	}
	n = 0;
	for (const struct app *a = app_first(); a; a = app_next(a))
		if (strncmp(a->name, "__", 2) != 0)
			apps[n++] = a;
	qsort(apps, n, sizeof(*apps), cmp_apps);
	int status = 0;
	if (sh_print(1, "Apps (APP --help for usage):\n") < 0)
		status = write_failed();
	for (size_t i = 0; i < n && !status; i++)
		if (sh_print(1, "  %-10s %s\n", apps[i]->name,
			     apps[i]->help ? apps[i]->help : "") < 0)
			status = write_failed();
	free(apps);
	return status;
}

// Runs builtin b. `B --help` prints b's help line instead, except for the
// builtins that take any word as an operand or ignore them (echo, true,
// false), as in bash.
int sh_builtin_run(struct sh *sh, const struct sh_builtin *b, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0 && b->fn != builtin_echo &&
	    b->fn != builtin_true && b->fn != builtin_false) {
		const char *help = b->help ? b->help : sh_builtin_find("source")->help;
		return sh_print(1, "usage: %s\n", help) < 0 ? write_failed() : 0;
	}
	return b->fn(sh, argc, argv);
}

const struct sh_builtin *sh_builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

const struct sh_builtin *sh_builtins(int *count)
{
	*count = (int)(sizeof(builtins) / sizeof(builtins[0]));
	return builtins;
}
