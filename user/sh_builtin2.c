// The shell's builtins, second table: read, trap, type, command, getopts,
// alias/unalias, umask, ulimit, kill, fg, bg, history. Messages are dash's.
#include "user/sh.h"
#include "user/corral.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

// ---- read ----------------------------------------------------------------------

static int is_white(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// read [-r] [-p PROMPT] [NAME...]: one line from stdin (a byte at a time,
// so the rest stays for whoever reads next), split at IFS as the
// expansions split, the last NAME taking the rest of the line.
static int builtin_read(struct sh *sh, int argc, char **argv)
{
	int raw = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'r') {
				raw = 1;
			} else if (*o == 'p' && i + 1 < argc) {
				sh_print(2, "%s", argv[++i]);
				break;
			} else {
				sh_msg(sh, "read: Illegal option -%c", *o);
				return 2;
			}
		}
	}
	if (i >= argc) {
		sh_msg(sh, "read: arg count");
		return 2;
	}
	char **names = argv + i;
	int nnames = argc - i;
	struct strbuf line = {0};
	struct strbuf esc = {0}; // per char: 1 if escaped by a backslash
	int eof = 0;
	for (;;) {
		char c;
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			eof = 1;
			break;
		}
		if (c == '\n')
			break;
		if (c == '\\' && !raw) {
			r = read(0, &c, 1);
			if (r <= 0) {
				eof = 1;
				break;
			}
			if (c == '\n')
				continue;
			sb_addc(&line, c);
			sb_addc(&esc, 1);
			continue;
		}
		sb_addc(&line, c);
		sb_addc(&esc, 0);
	}
	if (line.nomem || esc.nomem) {
		free(line.s);
		free(esc.s);
		sh_msg(sh, "read: out of memory");
		return 2;
	}
	const char *ifs = sh_ifs(sh);
	size_t n = line.len, p = 0;
	const char *s = line.s ? line.s : "";
	const char *e = esc.s ? esc.s : "";
#define IS_IFS(k) (!e[k] && ifs[0] && strchr(ifs, s[k]))
	while (p < n && IS_IFS(p) && is_white(s[p]))
		p++;
	for (int v = 0; v < nnames; v++) {
		struct strbuf val = {0};
		if (v == nnames - 1) {
			// the rest, less trailing IFS whitespace
			size_t end = n;
			while (end > p && IS_IFS(end - 1) && is_white(s[end - 1]))
				end--;
			sb_addn(&val, s + p, end - p);
			p = n;
		} else {
			while (p < n && !IS_IFS(p))
				sb_addc(&val, s[p++]);
			// the delimiter: whitespace, one other IFS char, whitespace
			while (p < n && IS_IFS(p) && is_white(s[p]))
				p++;
			if (p < n && IS_IFS(p) && !is_white(s[p]))
				p++;
			while (p < n && IS_IFS(p) && is_white(s[p]))
				p++;
		}
		char *value = sb_take(&val);
		if (!sh_is_name(names[v], strlen(names[v]))) {
			sh_msg(sh, "read: %s: bad variable name", names[v]);
			free(value);
			free(line.s);
			free(esc.s);
			return 2;
		}
		sh_var_set(sh, names[v], value ? value : "", 0);
		free(value);
	}
#undef IS_IFS
	free(line.s);
	free(esc.s);
	return eof ? 1 : 0;
}

// ---- trap ---------------------------------------------------------------------

static const char *const signames[SH_NSIG] = {
	"EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
	"SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP",
	"TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};

static int signal_number(const char *s)
{
	long long n;
	if (sh_parse_int(s, &n) == 0)
		return n >= 0 && n < SH_NSIG ? (int)n : -1;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 0; i < SH_NSIG; i++)
		if (strcmp(signames[i], s) == 0)
			return i;
	return -1;
}

// prefix NAME='VALUE' and a newline, for alias i (alias, type, command -v).
static void print_alias(struct sh *sh, const char *prefix, int i)
{
	struct strbuf b = {0};
	sb_adds(&b, prefix);
	sb_adds(&b, sh->aliases[i].name);
	sb_addc(&b, '=');
	sh_quote_into(&b, sh->aliases[i].value);
	sb_addc(&b, '\n');
	if (b.s)
		sh_write_all(1, b.s, b.len);
	free(b.s);
}

// trap [ACTION] SIGNAL...: EXIT runs when the shell (or a subshell) ends;
// HUP INT QUIT USR1 USR2 PIPE ALRM TERM are caught (or ignored, for an
// empty ACTION) and their actions run between commands (sh_signal.c).
// Others are kept and listed, as dash does, but never come.
static int builtin_trap(struct sh *sh, int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		struct strbuf b = {0};
		for (int s = 0; s < SH_NSIG; s++) {
			if (!sh->traps[s])
				continue;
			sb_adds(&b, "trap -- ");
			sh_quote_into(&b, sh->traps[s]);
			sb_addc(&b, ' ');
			sb_adds(&b, signames[s]);
			sb_addc(&b, '\n');
		}
		int rc = b.len ? sh_write_all(1, b.s, b.len) : 0;
		free(b.s);
		return rc < 0 ? 1 : 0;
	}
	const char *action = argv[i];
	int reset = strcmp(action, "-") == 0;
	if (i + 1 == argc || (signal_number(action) >= 0 && action[0] >= '0' && action[0] <= '9')) {
		reset = 1; // trap SIG, trap N...: reset
	} else {
		i++;
	}
	int status = 0;
	for (; i < argc; i++) {
		int s = signal_number(argv[i]);
		if (s < 0) {
			sh_msg(sh, "trap: %s: bad trap", argv[i]);
			status = 1;
			continue;
		}
		free(sh->traps[s]);
		sh->traps[s] = reset ? NULL : strdup(action);
		sh_signal_sync(sh, s);
	}
	return status;
}

// ---- type, command ------------------------------------------------------------------

static int describe(struct sh *sh, const char *name, int verbose)
{
	int kind = sh_command_kind(sh, name);
	if (!verbose) {
		if (kind == CMD_NONE)
			return 127;
		if (kind == CMD_ALIAS) {
			for (int i = 0; i < sh->naliases; i++)
				if (strcmp(sh->aliases[i].name, name) == 0)
					print_alias(sh, "alias ", i);
			return 0;
		}
		sh_print(1, "%s\n", name);
		return 0;
	}
	switch (kind) {
	case CMD_KEYWORD: sh_print(1, "%s is a shell keyword\n", name); break;
	case CMD_ALIAS:
		for (int i = 0; i < sh->naliases; i++)
			if (strcmp(sh->aliases[i].name, name) == 0)
				sh_print(1, "%s is an alias for %s\n", name, sh->aliases[i].value);
		break;
	case CMD_SPECIAL: sh_print(1, "%s is a special shell builtin\n", name); break;
	case CMD_BUILTIN: sh_print(1, "%s is a shell builtin\n", name); break;
	case CMD_FUNC: sh_print(1, "%s is a shell function\n", name); break;
	case CMD_APP: sh_print(1, "%s is a Corral app\n", name); break;
	case CMD_PATH: sh_print(1, "%s is %s\n", name, name); break;
	default:
		sh_print(1, "%s: not found\n", name);
		return 127;
	}
	return 0;
}

static int builtin_type(struct sh *sh, int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++)
		if (describe(sh, argv[i], 1))
			status = 127;
	return status;
}

static int builtin_command(struct sh *sh, int argc, char **argv)
{
	int i = 1, mode = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			mode = 'v';
		else if (strcmp(argv[i], "-V") == 0)
			mode = 'V';
		else if (strcmp(argv[i], "-p") == 0)
			continue;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			break;
	}
	if (i >= argc)
		return 0;
	if (mode) {
		int status = 0;
		for (; i < argc; i++)
			if (describe(sh, argv[i], mode == 'V'))
				status = 127;
		return status;
	}
	// Run the command, skipping functions.
	const struct sh_builtin *b = sh_builtin_find(argv[i]);
	if (b)
		return sh_builtin_run(sh, b, argc - i, argv + i);
	if (!app_find(argv[i])) {
		sh_msg(sh, "%s: not found", argv[i]);
		return 127;
	}
	char **envp = sh_env_inherited(sh, 0) ? NULL : sh_build_env(sh, NULL, 0);
	pid_t pid = sh_spawn_job(sh, argv[i], argv + i, envp);
	int err = errno;
	sh_argv_free(envp);
	if (pid < 0) {
		sh_msg(sh, "%s: %s", argv[i], strerror(err));
		return 126;
	}
	int status = sh_wait_pid(pid, NULL);
	sh_console_job_end(sh);
	return status;
}

// ---- getopts --------------------------------------------------------------------------

static int builtin_getopts(struct sh *sh, int argc, char **argv)
{
	if (argc < 3) {
		sh_msg(sh, "getopts: usage: getopts optstring var [arg...]");
		return 2;
	}
	const char *optstring = argv[1], *var = argv[2];
	char **args = argc > 3 ? argv + 3 : sh->params + 1;
	int nargs = argc > 3 ? argc - 3 : sh->nparams - 1;
	const char *oi = sh_var_get(sh, "OPTIND");
	long long optind = 1;
	if (oi && sh_parse_int(oi, &optind) < 0)
		optind = 1;
	if (optind < 1)
		optind = 1;
	// where inside the current word (kept in a shell-private variable)
	const char *op = sh_var_get(sh, "__GETOPTS_POS");
	long long pos = op ? atoll(op) : 1;
	int silent = optstring[0] == ':';
	char buf[32];
	if (optind > nargs || !args[optind - 1] || args[optind - 1][0] != '-' ||
	    !args[optind - 1][1] || strcmp(args[optind - 1], "--") == 0) {
		if (optind <= nargs && args[optind - 1] && strcmp(args[optind - 1], "--") == 0)
			optind++;
		snprintf(buf, sizeof(buf), "%lld", optind);
		sh_var_set(sh, "OPTIND", buf, 0);
		sh_var_set(sh, var, "?", 0);
		sh_var_unset(sh, "__GETOPTS_POS");
		return 1;
	}
	const char *word = args[optind - 1];
	if (pos < 1 || pos >= (long long)strlen(word))
		pos = 1;
	char c = word[pos];
	const char *spec = strchr(optstring + silent, c);
	int status = 0;
	char optc[2] = {c, 0};
	pos++;
	if (!spec || c == ':') {
		if (silent) {
			sh_var_set(sh, "OPTARG", optc, 0);
		} else {
			sh_print(2, "Illegal option -%c\n", c);
			sh_var_unset(sh, "OPTARG");
		}
		sh_var_set(sh, var, "?", 0);
	} else if (spec[1] == ':') {
		if (word[pos]) {
			sh_var_set(sh, "OPTARG", word + pos, 0);
		} else if (optind < nargs) {
			optind++;
			sh_var_set(sh, "OPTARG", args[optind - 1], 0);
		} else {
			if (silent) {
				sh_var_set(sh, "OPTARG", optc, 0);
				sh_var_set(sh, var, ":", 0);
			} else {
				sh_print(2, "No arg for -%c option\n", c);
				sh_var_unset(sh, "OPTARG");
				sh_var_set(sh, var, "?", 0);
			}
			optind++;
			pos = 1;
			goto done;
		}
		sh_var_set(sh, var, optc, 0);
		optind++;
		pos = 1;
		goto done;
	} else {
		sh_var_set(sh, var, optc, 0);
		sh_var_unset(sh, "OPTARG");
	}
	if (!word[pos]) {
		optind++;
		pos = 1;
	}
done:
	snprintf(buf, sizeof(buf), "%lld", optind);
	sh_var_set(sh, "OPTIND", buf, 0);
	snprintf(buf, sizeof(buf), "%lld", pos);
	sh_var_set(sh, "__GETOPTS_POS", buf, 0);
	return status;
}

// ---- alias -------------------------------------------------------------------------------

static int builtin_alias(struct sh *sh, int argc, char **argv)
{
	if (argc == 1) {
		for (int i = 0; i < sh->naliases; i++)
			print_alias(sh, "", i);
		return 0;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			int found = 0;
			for (int k = 0; k < sh->naliases; k++)
				if (strcmp(sh->aliases[k].name, argv[i]) == 0) {
					print_alias(sh, "", k);
					found = 1;
				}
			if (!found) {
				sh_msg(sh, "alias: %s not found", argv[i]);
				status = 1;
			}
			continue;
		}
		char *name = strndup(argv[i], (size_t)(eq - argv[i]));
		char *value = strdup(eq + 1);
		if (!name || !value) {
			free(name);
			free(value);
			return 2;
		}
		int k;
		for (k = 0; k < sh->naliases; k++)
			if (strcmp(sh->aliases[k].name, name) == 0)
				break;
		if (k < sh->naliases) {
			free(name);
			free(sh->aliases[k].value);
			sh->aliases[k].value = value;
			continue;
		}
		struct sh_alias *na = realloc(sh->aliases, sizeof(*na) * (size_t)(sh->naliases + 1));
		if (!na) {
			free(name);
			free(value);
			return 2;
		}
		sh->aliases = na;
		sh->aliases[sh->naliases++] = (struct sh_alias){name, value};
	}
	return status;
}

static int builtin_unalias(struct sh *sh, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-a") == 0) {
		for (int i = 0; i < sh->naliases; i++) {
			free(sh->aliases[i].name);
			free(sh->aliases[i].value);
		}
		sh->naliases = 0;
		return 0;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		int k;
		for (k = 0; k < sh->naliases; k++)
			if (strcmp(sh->aliases[k].name, argv[i]) == 0)
				break;
		if (k == sh->naliases) {
			sh_msg(sh, "unalias: %s not found", argv[i]);
			status = 1;
			continue;
		}
		free(sh->aliases[k].name);
		free(sh->aliases[k].value);
		memmove(&sh->aliases[k], &sh->aliases[k + 1],
			sizeof(sh->aliases[0]) * (size_t)(sh->naliases - k - 1));
		sh->naliases--;
	}
	return status;
}

// ---- umask, ulimit ---------------------------------------------------------------------

// Corral's files have no permission bits to mask: the shell keeps the
// value (for scripts that set and print it); the host build uses umask(2).
static mode_t umask_get(struct sh *sh)
{
#ifdef CORRAL_HOST
	(void)sh;
	mode_t m = umask(0);
	umask(m);
	return m;
#else
	return (mode_t)sh->umask;
#endif
}

static void umask_set(struct sh *sh, mode_t m)
{
#ifdef CORRAL_HOST
	umask(m);
#endif
	sh->umask = (int)m;
}

static int builtin_umask(struct sh *sh, int argc, char **argv)
{
	mode_t old = umask_get(sh);
	if (argc == 1) {
		sh_print(1, "%04o\n", (unsigned)old);
		return 0;
	}
	if (strcmp(argv[1], "-S") == 0) {
		mode_t m = ~old & 0777;
		char buf[64], *p = buf;
		const char *who = "ugo";
		for (int w = 0; w < 3; w++) {
			int bits = (m >> (6 - 3 * w)) & 7;
			*p++ = who[w];
			*p++ = '=';
			if (bits & 4) *p++ = 'r';
			if (bits & 2) *p++ = 'w';
			if (bits & 1) *p++ = 'x';
			if (w < 2)
				*p++ = ',';
		}
		*p = '\0';
		sh_print(1, "%s\n", buf);
		return 0;
	}
	char *end;
	long v = strtol(argv[1], &end, 8);
	if (*end || v < 0 || v > 0777) {
		sh_msg(sh, "umask: Illegal number: %s", argv[1]);
		return 2;
	}
	umask_set(sh, (mode_t)v);
	return 0;
}

// ulimit [-H|-S] [-a|-f|-n] [N|unlimited], as dash: the open-files limit
// (-n) is the one Corral has (per task, inherited by what the shell
// spawns); -f, the default resource, is always unlimited. Setting without
// -H or -S sets both limits.
static int builtin_ulimit(struct sh *sh, int argc, char **argv)
{
	int hard = 0, soft = 0, res = 'f', all = 0, i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'H')
				hard = 1;
			else if (*o == 'S')
				soft = 1;
			else if (*o == 'n' || *o == 'f')
				res = *o;
			else if (*o == 'a')
				all = 1;
			else {
				sh_msg(sh, "ulimit: Illegal option -%c", *o);
				return 2;
			}
		}
	}
	if (i < argc - 1) {
		sh_msg(sh, "ulimit: too many arguments");
		return 2;
	}
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	if ((res == 'n' || all) && getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		sh_msg(sh, "ulimit: %s", strerror(errno));
		return 1;
	}
	rlim_t v = hard && !soft ? rl.rlim_max : rl.rlim_cur;
	if (all) {
		sh_print(1, "file(blocks)         unlimited\n");
		if (v == RLIM_INFINITY)
			sh_print(1, "nofiles(descriptors) unlimited\n");
		else
			sh_print(1, "nofiles(descriptors) %lu\n", (unsigned long)v);
		return 0;
	}
	if (i == argc) { // print: the soft limit unless -H alone
		int rc = v == RLIM_INFINITY || res == 'f' ? sh_print(1, "unlimited\n")
							  : sh_print(1, "%lu\n", (unsigned long)v);
		return rc < 0 ? 1 : 0;
	}
	v = RLIM_INFINITY;
	if (strcmp(argv[i], "unlimited") != 0) {
		char *end;
		errno = 0;
		v = strtoul(argv[i], &end, 10);
		if (!isdigit((unsigned char)argv[i][0]) || *end || errno) {
			sh_msg(sh, "ulimit: %s: bad number", argv[i]);
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
		sh_msg(sh, "ulimit: error setting limit (%s)", strerror(errno));
		return 2;
	}
	return 0;
}

// ---- kill, fg, bg ---------------------------------------------------------------------------

static int builtin_kill(struct sh *sh, int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	if (i < argc && strcmp(argv[i], "-l") == 0) {
		if (i + 1 < argc) {
			long long n;
			if (sh_parse_int(argv[i + 1], &n) == 0 && n > 128)
				n -= 128;
			int s = sh_parse_int(argv[i + 1], &n) == 0 ? (int)(n > 128 ? n - 128 : n)
								  : signal_number(argv[i + 1]);
			if (s <= 0 || s >= SH_NSIG) {
				sh_msg(sh, "kill: invalid signal number or exit status: %s", argv[i + 1]);
				return 2;
			}
			if (sh_parse_int(argv[i + 1], &n) == 0)
				sh_print(1, "%s\n", signames[s]);
			else
				sh_print(1, "%d\n", s);
			return 0;
		}
		for (int s = 0; s < SH_NSIG; s++)
			sh_print(1, "%s\n", s == 0 ? "0" : signames[s]);
		return 0;
	}
	if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
		sig = signal_number(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
		sig = signal_number(argv[i] + 1);
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (sig < 0) {
		sh_msg(sh, "kill: invalid signal number or name: %s", argv[i - 1]);
		return 2;
	}
	if (i >= argc) {
		sh_msg(sh, "kill: usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]");
		return 2;
	}
	int status = 0;
	for (; i < argc; i++) {
		struct sh_job *job = NULL;
		if (argv[i][0] == '%') {
			job = strcmp(argv[i], "%%") == 0 || strcmp(argv[i], "%+") == 0
				      ? (sh->njobs ? &sh->jobs[sh->njobs - 1] : NULL)
				      : sh_job_find_id(sh, atoi(argv[i] + 1));
			if (!job) {
				sh_msg(sh, "kill: %s: no such job", argv[i]);
				status = 1;
				continue;
			}
			for (int k = 0; k < job->npids; k++)
				if (job->live[k] && kill(job->pids[k], sig) < 0)
					status = 1;
			continue;
		}
		long long pid;
		if (sh_parse_int(argv[i], &pid) < 0) {
			sh_print(2, "kill: %s: %s\n", argv[i], strerror(EINVAL));
			status = 1;
			continue;
		}
		if (kill((pid_t)pid, sig) < 0) {
			// (worded as Corral's apps word failures: PROG: CONTEXT: TEXT)
			sh_print(2, "kill: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}

static struct sh_job *job_arg(struct sh *sh, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "%%") == 0 || strcmp(argv[1], "%+") == 0)
		return sh->njobs ? &sh->jobs[sh->njobs - 1] : NULL;
	return sh_job_find_id(sh, atoi(argv[1] + (argv[1][0] == '%')));
}

static int builtin_fg(struct sh *sh, int argc, char **argv)
{
	struct sh_job *job = job_arg(sh, argc, argv);
	if (!job) {
		sh_msg(sh, "fg: %s: no such job", argc > 1 ? argv[1] : "current");
		return 2;
	}
	sh_print(1, "%s\n", job->text);
	job->stopped = 0;
	for (int k = 0; k < job->npids; k++)
		if (job->live[k])
			kill(job->pids[k], SH_SIGCONT);
	int status = sh_job_wait(sh, job);
	if (!job->stopped)
		sh_job_remove(sh, job);
	return status;
}

static int builtin_bg(struct sh *sh, int argc, char **argv)
{
	struct sh_job *job = job_arg(sh, argc, argv);
	if (!job) {
		sh_msg(sh, "bg: %s: no such job", argc > 1 ? argv[1] : "current");
		return 2;
	}
	job->stopped = 0;
	for (int k = 0; k < job->npids; k++)
		if (job->live[k])
			kill(job->pids[k], SH_SIGCONT);
	sh_print(1, "[%d] %s &\n", job->id, job->text);
	return 0;
}

static int builtin_history(struct sh *sh, int argc, char **argv)
{
	(void)argc, (void)argv;
	for (int i = 0; i < sh->ed.nhistory; i++)
		if (sh_print(1, "%5d  %s\n", i + 1, sh->ed.history[i]) < 0)
			return 1;
	return 0;
}

const struct sh_builtin sh_builtins2[] = {
	{"alias", builtin_alias, "alias [NAME[=VALUE]...]: define or list aliases", 0},
	{"bg", builtin_bg, "bg [%N]: continue a stopped job in the background", 0},
	{"command", builtin_command, "command [-v|-V] CMD [ARG...]: run CMD, not a function", 0},
	{"fg", builtin_fg, "fg [%N]: bring a job to the foreground", 0},
	{"getopts", builtin_getopts, "getopts OPTSTRING VAR [ARG...]: parse options", 0},
	{"history", builtin_history, "history: list the lines typed", 0},
	{"kill", builtin_kill, "kill [-SIG|-s SIG] PID|%N...: signal tasks; kill -l", 0},
	{"read", builtin_read, "read [-r] [-p PROMPT] [NAME...]: read a line into variables", 0},
	{"trap", builtin_trap, "trap [ACTION] SIGNAL...: run ACTION on EXIT (and signals)", 1},
	{"type", builtin_type, "type NAME...: what NAME is", 0},
	{"ulimit", builtin_ulimit, "ulimit [-H|-S] [-a|-f|-n] [N]: show or set the open-files limit", 0},
	{"umask", builtin_umask, "umask [-S] [MODE]: the file creation mask", 0},
	{"unalias", builtin_unalias, "unalias [-a] NAME...: remove aliases", 0},
};
const int sh_nbuiltins2 = (int)(sizeof(sh_builtins2) / sizeof(sh_builtins2[0]));
