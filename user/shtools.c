// Tools scripts lean on, as GNU has them: expr, xargs (-n -I -r -t -0),
// which; and uname (-a -s -n -r -v -m -o), date (+FORMAT, -u, -d @N, -R).
#include "user/applib.h"
#include "user/corral.h"
#include "user/regex_match.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

// ---- expr -------------------------------------------------------------------
//
// Grammar, lowest precedence first: | & (= == != < <= > >=) (+ -) (* / %)
// (:), then match/substr/index/length, ( EXPR ) and plain strings.
// Values are strings; integer operators need integers. Status: 0 if the
// result is neither empty nor 0, 1 if it is, 2 on a syntax error, 3 on
// another error.

struct expr_state {
	char **argv;
	int pos, end;
	int status;  // 2 or 3 once an error was reported
	int depth;
};

struct expr_val {
	char *s; // malloc'd
};

static char *expr_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d) {
		fputs("expr: memory exhausted\n", stderr);
		exit(3);
	}
	return d;
}

static char *expr_int_str(long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", v);
	return expr_strdup(buf);
}

static int expr_is_int(const char *s, long long *v)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return 0;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return 0;
	char *end;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0;
}

static void expr_syntax(struct expr_state *e, const char *fmt, const char *arg)
{
	if (e->status)
		return;
	fputs("expr: syntax error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	e->status = 2;
}

static int expr_null(const char *s)
{
	long long v;
	return !*s || (expr_is_int(s, &v) && v == 0);
}

static const char *expr_peek(struct expr_state *e)
{
	return e->pos < e->end ? e->argv[e->pos] : NULL;
}

static char *expr_or(struct expr_state *e);
static char *expr_match(struct expr_state *e, char *s, char *pat);

static char *expr_primary(struct expr_state *e)
{
	const char *a = expr_peek(e);
	if (!a) {
		if (e->pos > 1)
			expr_syntax(e, "missing argument after '%s'", e->argv[e->pos - 1]);
		else
			expr_syntax(e, "%s", "missing argument");
		return expr_strdup("");
	}
	e->pos++;
	if (strcmp(a, ")") == 0) {
		expr_syntax(e, "unexpected ')'%s", "");
		return expr_strdup("");
	}
	if (strcmp(a, "(") == 0) {
		if (++e->depth > 256) {
			expr_syntax(e, "%s", "too deeply nested");
			return expr_strdup("");
		}
		char *v = expr_or(e);
		e->depth--;
		const char *close = expr_peek(e);
		if (!close || strcmp(close, ")") != 0) {
			if (close)
				expr_syntax(e, "expecting ')' instead of '%s'", close);
			else
				expr_syntax(e, "expecting ')' after '%s'", e->argv[e->pos - 1]);
			return v;
		}
		e->pos++;
		return v;
	}
	if (strcmp(a, "+") == 0 && e->pos < e->end) // + TOKEN: TOKEN as a string
		return expr_strdup(e->argv[e->pos++]);
	if (strcmp(a, "length") == 0 && e->pos < e->end) {
		char *s = expr_primary(e);
		char *r = expr_int_str((long long)strlen(s));
		free(s);
		return r;
	}
	if ((strcmp(a, "index") == 0 || strcmp(a, "match") == 0) && e->pos + 1 < e->end) {
		char *str = expr_primary(e), *t = expr_primary(e);
		char *r;
		if (a[0] == 'i') {
			size_t k = strcspn(str, t);
			r = expr_int_str(str[k] ? (long long)k + 1 : 0);
		} else {
			r = expr_match(e, str, t);
		}
		free(str);
		free(t);
		return r;
	}
	if (strcmp(a, "substr") == 0 && e->pos + 2 < e->end) {
		char *str = expr_primary(e), *p = expr_primary(e), *l = expr_primary(e);
		long long pos, len;
		size_t sl = strlen(str);
		char *r = NULL;
		if (expr_is_int(p, &pos) && expr_is_int(l, &len) && pos >= 1 && len >= 1 &&
		    (size_t)pos <= sl) {
			if ((unsigned long long)len > sl - (size_t)pos + 1)
				len = (long long)(sl - (size_t)pos + 1);
			r = malloc((size_t)len + 1);
			if (r) {
				memcpy(r, str + pos - 1, (size_t)len);
				r[len] = '\0';
			}
		}
		free(str);
		free(p);
		free(l);
		return r ? r : expr_strdup("");
	}
	return expr_strdup(a);
}

// STRING : REGEX, anchored at the start: the \( \) group's text, or the
// length of the match.
static char *expr_match(struct expr_state *e, char *s, char *pat)
{
	size_t n = strlen(pat);
	char *anchored = malloc(n + 2);
	if (!anchored)
		return expr_strdup("");
	anchored[0] = '^';
	memcpy(anchored + 1, pat, n + 1);
	const char *err = NULL;
	struct regex *re = regex_compile(anchored, 0, &err);
	free(anchored);
	if (!re) {
		fprintf(stderr, "expr: %s\n", err ? err : "memory exhausted");
		e->status = 2;
		return expr_strdup("");
	}
	long caps[4];
	int hit = regex_exec(re, s, strlen(s), 0, caps, 4) == 1;
	char *r;
	if (regex_ngroups(re) > 0) {
		if (hit && caps[2] >= 0) {
			r = malloc((size_t)(caps[3] - caps[2]) + 1);
			if (!r)
				r = expr_strdup("");
			else {
				memcpy(r, s + caps[2], (size_t)(caps[3] - caps[2]));
				r[caps[3] - caps[2]] = '\0';
			}
		} else {
			r = expr_strdup("");
		}
	} else {
		r = expr_int_str(hit ? caps[1] - caps[0] : 0);
	}
	regex_free(re);
	return r;
}

static char *expr_colon(struct expr_state *e)
{
	char *v = expr_primary(e);
	while (expr_peek(e) && strcmp(expr_peek(e), ":") == 0) {
		e->pos++;
		char *pat = expr_primary(e);
		char *r = expr_match(e, v, pat);
		free(v);
		free(pat);
		v = r;
	}
	return v;
}

static char *expr_arith(struct expr_state *e, int level)
{
	char *v = level ? expr_arith(e, 0) : expr_colon(e);
	const char *ops = level ? "+-" : "*/%";
	for (const char *op; (op = expr_peek(e)) && op[0] && !op[1] && strchr(ops, op[0]);) {
		e->pos++;
		char *w = level ? expr_arith(e, 0) : expr_colon(e);
		long long x, y;
		char *r;
		if (e->status) {
			r = expr_strdup("");
		} else if (!expr_is_int(v, &x) || !expr_is_int(w, &y)) {
			fputs("expr: non-integer argument\n", stderr);
			e->status = 2;
			r = expr_strdup("");
		} else if ((op[0] == '/' || op[0] == '%') && y == 0) {
			fputs("expr: division by zero\n", stderr);
			e->status = 2;
			r = expr_strdup("");
		} else {
			long long z = 0;
			int over = op[0] == '+' ? __builtin_add_overflow(x, y, &z)
				 : op[0] == '-' ? __builtin_sub_overflow(x, y, &z)
				 : op[0] == '*' ? __builtin_mul_overflow(x, y, &z)
				 : (x == -x - 1 && y == -1); // LLONG_MIN / -1
			if (!over)
				z = op[0] == '/' ? x / y : op[0] == '%' ? x % y : z;
			if (over) { // GNU's expr has big numbers; ours are 64-bit
				fputs("expr: integer overflow\n", stderr);
				e->status = 3;
				r = expr_strdup("");
			} else {
				r = expr_int_str(z);
			}
		}
		free(v);
		free(w);
		v = r;
	}
	return v;
}

static int expr_cmp_op(const char *op)
{
	static const char *const ops[] = {"=", "==", "!=", "<", "<=", ">", ">=", NULL};
	for (int k = 0; op && ops[k]; k++)
		if (strcmp(op, ops[k]) == 0)
			return k + 1;
	return 0;
}

static char *expr_compare(struct expr_state *e)
{
	char *v = expr_arith(e, 1);
	int op;
	while ((op = expr_cmp_op(expr_peek(e)))) {
		e->pos++;
		char *w = expr_arith(e, 1);
		long long x, y;
		int c;
		if (expr_is_int(v, &x) && expr_is_int(w, &y))
			c = (x > y) - (x < y);
		else
			c = strcmp(v, w);
		int t = op <= 2 ? c == 0 : op == 3 ? c != 0 : op == 4 ? c < 0
		      : op == 5 ? c <= 0 : op == 6 ? c > 0 : c >= 0;
		free(v);
		free(w);
		v = expr_int_str(t);
	}
	return v;
}

static char *expr_and(struct expr_state *e)
{
	char *v = expr_compare(e);
	while (expr_peek(e) && strcmp(expr_peek(e), "&") == 0) {
		e->pos++;
		char *w = expr_compare(e);
		if (expr_null(v) || expr_null(w)) {
			free(v);
			v = expr_int_str(0);
		}
		free(w);
	}
	return v;
}

static char *expr_or(struct expr_state *e)
{
	char *v = expr_and(e);
	while (expr_peek(e) && strcmp(expr_peek(e), "|") == 0) {
		e->pos++;
		char *w = expr_and(e);
		if (expr_null(v)) {
			free(v);
			v = expr_null(w) ? expr_int_str(0) : w;
			if (v != w)
				free(w);
		} else {
			free(w);
		}
	}
	return v;
}

static int expr_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: expr EXPRESSION\n"
			   "Print the value of EXPRESSION: ARG1 | ARG2, ARG1 & ARG2, comparisons\n"
			   "(< <= = != >= >), + - * / %, STRING : REGEXP, match STRING REGEXP,\n"
			   "substr STRING POS LENGTH, index STRING CHARS, length STRING, ( EXPR ).\n"
			   "Exit status: 0 if EXPRESSION is neither null nor 0, 1 if it is,\n"
			   "2 if it is invalid, 3 on an error.\n"))
		return 0;
	int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
	if (argc <= first)
		return applib_missing_operand("expr") + 1;
	struct expr_state e = {argv, first, argc, 0, 0};
	char *v = expr_or(&e);
	if (!e.status && e.pos < e.end)
		expr_syntax(&e, "unexpected argument '%s'", argv[e.pos]);
	int status = e.status;
	if (!status) {
		puts(v);
		status = expr_null(v);
	}
	free(v);
	return status;
}
APP(expr, expr_main, "evaluate expressions");

// ---- xargs ------------------------------------------------------------------

struct xargs_opts {
	unsigned long max_args; // -n (0: as many as fit)
	const char *replace;    // -I
	int no_empty;           // -r
	int trace;              // -t
	int nul;                // -0
};

struct xargs_words {
	char **v;
	int n, cap;
};

static int xargs_push(struct xargs_words *w, char *s)
{
	if (w->n + 1 >= w->cap) {
		int cap = w->cap ? w->cap * 2 : 64;
		char **v = realloc(w->v, sizeof(char *) * (size_t)cap);
		if (!v)
			return -1;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
	return 0;
}

// Split the input into items as GNU xargs does: blanks and newlines
// separate, '...' "..." and \ quote (-I: only newlines separate; -0: NULs).
static int xargs_items(const struct xargs_opts *o, char *in, size_t len,
		       struct xargs_words *items)
{
	char *out = in; // items are rewritten in place, NUL-terminated
	size_t i = 0;
	while (i < len) {
		if (!o->nul) {
			while (i < len && (in[i] == ' ' || in[i] == '\t' || in[i] == '\n'))
				i++;
			if (i >= len)
				break;
		}
		char *item = out;
		char quote = 0;
		while (i < len) {
			char c = in[i];
			if (o->nul) {
				i++;
				if (c == '\0')
					break;
				*out++ = c;
				continue;
			}
			if (quote) {
				i++;
				if (c == quote) {
					quote = 0;
					continue;
				}
				if (c == '\n') {
					fprintf(stderr, "xargs: unmatched %s quote; by default quotes are "
							"special to xargs unless you use the -0 option\n",
						quote == '\'' ? "single" : "double");
					return -1;
				}
				*out++ = c;
				continue;
			}
			i++;
			if (c == '\n' || (!o->replace && (c == ' ' || c == '\t')))
				break; // out < in + i: the NUL below lands on consumed input
			if (c == '\'' || c == '"') {
				quote = c;
				continue;
			}
			if (c == '\\' && i < len)
				c = in[i++];
			*out++ = c;
		}
		if (quote) {
			fprintf(stderr, "xargs: unmatched %s quote; by default quotes are special "
					"to xargs unless you use the -0 option\n",
				quote == '\'' ? "single" : "double");
			return -1;
		}
		*out++ = '\0';
		if (o->replace) // -I: leading blanks go
			while (*item == ' ' || *item == '\t')
				item++;
		if (xargs_push(items, item) < 0)
			return -1;
	}
	return 0;
}

// Run argv; its exit status as xargs counts it.
static int xargs_run(const struct xargs_opts *o, char **argv)
{
	if (o->trace) {
		for (int k = 0; argv[k]; k++)
			fprintf(stderr, k ? " %s" : "%s", argv[k]);
		fputc('\n', stderr);
	}
	fflush(stdout);
	pid_t pid = spawn(argv[0], argv, NULL);
	if (pid < 0) {
		int err = errno;
		applib_error("xargs", argv[0], err);
		return err == ENOENT ? 127 : 126;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 125;
	int code = applib_exit_status(st);
	if (code == 255) {
		fprintf(stderr, "xargs: %s: exited with status 255; aborting\n", argv[0]);
		return 124;
	}
	if (code > 128)
		return 125;
	return code ? 123 : 0;
}

// A copy of s with every `rep` replaced by item.
static char *xargs_subst(const char *s, const char *rep, const char *item)
{
	size_t rl = strlen(rep), il = strlen(item), n = 0;
	for (const char *p = s; (p = strstr(p, rep)); p += rl)
		n++;
	char *out = malloc(strlen(s) + n * il + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *p = s;;) {
		const char *hit = rl ? strstr(p, rep) : NULL;
		if (!hit) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, item, il);
		o += il;
		p = hit + rl;
	}
	return out;
}

static int xargs_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\n"
			   "Run COMMAND with arguments INITIAL-ARGS and more arguments read from input.\n"
			   "  -0          items are separated by a null, not whitespace\n"
			   "  -I R        replace R in INITIAL-ARGS with names read from input\n"
			   "  -n MAX-ARGS use at most MAX-ARGS arguments per command line\n"
			   "  -r          if there are no arguments, then do not run COMMAND\n"
			   "  -t          print commands before executing them\n"))
		return 0;
	struct xargs_opts o = {0, NULL, 0, 0, 0};
	struct applib_opts op;
	applib_opts_init(&op, "xargs", argc, argv, "+0I:n:rtx", NULL);
	int c;
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case '0': o.nul = 1; break;
		case 'I': o.replace = op.arg; break;
		case 'r': o.no_empty = 1; break;
		case 't': o.trace = 1; break;
		case 'x': break;
		case 'n':
			if (applib_parse_ulong(op.arg, &o.max_args) < 0 || o.max_args == 0) {
				if (strcmp(op.arg, "0") == 0)
					fprintf(stderr, "xargs: value 0 for -n option should be >= 1\n");
				else
					fprintf(stderr, "xargs: invalid number \"%s\" for -n option\n",
						op.arg);
				applib_try_help("xargs");
				return 1;
			}
			break;
		default:
			return 1;
		}
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);
			if (!nb) {
				free(buf);
				return applib_error("xargs", "malloc", ENOMEM);
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		ssize_t n = read(0, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	struct xargs_words items = {0}, cmd = {0};
	int status = 0;
	if (xargs_items(&o, buf, len, &items) < 0) {
		status = 1;
		goto out;
	}
	char *echo_argv[] = {"echo", NULL};
	char **initial = op.ind < op.argc ? argv + op.ind : echo_argv;
	int ninitial = op.ind < op.argc ? op.argc - op.ind : 1;
	if (o.replace) { // one command per item
		for (int k = 0; k < items.n && status < 124; k++) {
			cmd.n = 0;
			for (int a = 0; a < ninitial; a++) {
				char *s = xargs_subst(initial[a], o.replace, items.v[k]);
				if (!s || xargs_push(&cmd, s) < 0) {
					free(s);
					status = applib_error("xargs", "malloc", ENOMEM);
					break;
				}
			}
			int r = xargs_run(&o, cmd.v);
			for (int a = 0; a < cmd.n; a++)
				free(cmd.v[a]);
			if (r > status)
				status = r;
		}
		goto out;
	}
	unsigned long per = o.max_args ? o.max_args : 4096;
	int k = 0;
	do {
		if (items.n == 0 && o.no_empty)
			break;
		cmd.n = 0;
		for (int a = 0; a < ninitial; a++)
			xargs_push(&cmd, initial[a]);
		for (unsigned long taken = 0; taken < per && k < items.n; taken++)
			xargs_push(&cmd, items.v[k++]);
		if (!cmd.v) {
			status = applib_error("xargs", "malloc", ENOMEM);
			break;
		}
		int r = xargs_run(&o, cmd.v);
		if (r > status)
			status = r;
	} while (k < items.n && status < 124);
out:
	free(cmd.v);
	free(items.v);
	free(buf);
	return status;
}
APP(xargs, xargs_main, "build and run command lines from standard input");

// ---- which ------------------------------------------------------------------

// Each NAME's file in $PATH (as Debian's which: nothing printed for a name
// not found, status 1). On Corral, where apps are not files, a name that
// is not in $PATH but is a registered app prints as itself.
static int which_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: which [-a] NAME...\n"
			   "Print the file each NAME runs (-a: every match in $PATH).\n"))
		return 0;
	int all = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "which", argc, argv, "a", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		if (c != 'a')
			return 2;
		all = 1;
	}
	if (op.ind >= op.argc)
		return 1;
	const char *path = getenv("PATH");
	int status = 0;
	for (int i = op.ind; i < op.argc; i++) {
		const char *name = argv[i];
		int found = 0;
		struct stat sb;
		if (strchr(name, '/')) {
			if (stat(name, &sb) == 0 && S_ISREG(sb.st_mode) && access(name, X_OK) == 0) {
				puts(name);
				found = 1;
			}
		}
		for (const char *p = path; p && !strchr(name, '/') && (!found || all);) {
			size_t dl = strcspn(p, ":");
			char file[1024];
			snprintf(file, sizeof(file), "%.*s/%s", (int)dl, dl ? p : ".", name);
			if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode) && access(file, X_OK) == 0) {
				puts(file);
				found = 1;
			}
			p = p[dl] ? p + dl + 1 : NULL;
		}
#ifndef CORRAL_HOST
		if (!found && !strchr(name, '/') && app_find(name)) {
			puts(name);
			found = 1;
		}
#endif
		if (!found)
			status = 1;
	}
	return status;
}
APP(which, which_main, "locate a command");

// ---- uname ------------------------------------------------------------------

static int uname_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: uname [OPTION]...\n"
			   "Print certain system information.  With no OPTION, same as -s.\n"
			   "  -a  all of the below     -s  kernel name      -n  node name\n"
			   "  -r  kernel release       -v  kernel version   -m  machine\n"
			   "  -p  processor            -i  hardware platform\n"
			   "  -o  operating system\n"))
		return 0;
	static const struct applib_longopt longs[] = {
		{"all", 0, 'a'}, {"kernel-name", 0, 's'}, {"nodename", 0, 'n'},
		{"kernel-release", 0, 'r'}, {"kernel-version", 0, 'v'}, {"machine", 0, 'm'},
		{"processor", 0, 'p'}, {"hardware-platform", 0, 'i'},
		{"operating-system", 0, 'o'}, {NULL, 0, 0}};
	const char *order = "snrvmpio";
	int want[8] = {0}, any = 0, all = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "uname", argc, argv, "asnrvmpio", longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == '?')
			return 1;
		if (c == 'a')
			all = 1;
		else
			want[strchr(order, c) - order] = 1;
		any = 1;
	}
	if (op.ind < op.argc) {
		fprintf(stderr, "uname: extra operand '%s'\n", argv[op.ind]);
		applib_try_help("uname");
		return 1;
	}
	struct utsname u;
	if (uname(&u) < 0)
		return applib_error("uname", "cannot get system name", errno);
#ifdef CORRAL_HOST
	const char *os = "GNU/Linux"; // the host build compares with GNU's
#else
	const char *os = u.sysname;
#endif
	const char *field[8] = {u.sysname, u.nodename, u.release, u.version, u.machine,
				"unknown", "unknown", os};
	if (!any)
		want[0] = 1;
	int first = 1;
	for (int k = 0; k < 8; k++) {
		int show = want[k] || (all && !(k == 5 || k == 6));
		if (all && (k == 5 || k == 6) && want[k])
			show = 1;
		if (!show)
			continue;
		printf(first ? "%s" : " %s", field[k]);
		first = 0;
	}
	putchar('\n');
	return 0;
}
APP(uname, uname_main, "print system information");

// ---- date -------------------------------------------------------------------

// strftime, plus GNU's %N (nanoseconds) and %s (seconds since the epoch),
// in UTC.
static void date_format(const char *fmt, const struct tm *tm, long long sec, long nsec,
			char *out, size_t n)
{
	char expanded[512];
	size_t o = 0;
	for (const char *p = fmt; *p && o + 24 < sizeof(expanded); p++) {
		if (p[0] == '%' && p[1] == 'N') {
			o += (size_t)snprintf(expanded + o, sizeof(expanded) - o, "%09ld", nsec);
			p++;
		} else if (p[0] == '%' && (p[1] == 'Z' || p[1] == 'z')) {
			// Corral keeps UTC only; libcs disagree on its name (GMT).
			o += (size_t)snprintf(expanded + o, sizeof(expanded) - o, "%s",
					      p[1] == 'Z' ? "UTC" : "+0000");
			p++;
		} else if (p[0] == '%' && p[1] == 's') {
			o += (size_t)snprintf(expanded + o, sizeof(expanded) - o, "%lld", sec);
			p++;
		} else if (p[0] == '%' && p[1]) {
			expanded[o++] = *p++;
			expanded[o++] = *p;
		} else {
			expanded[o++] = *p;
		}
	}
	expanded[o] = '\0';
	if (strftime(out, n, expanded, tm) == 0 && *expanded)
		out[0] = '\0';
}

static int date_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: date [OPTION]... [+FORMAT]\n"
			   "Display the current time in the given FORMAT (strftime's, and %N %s).\n"
			   "  -d @SECONDS  display that time instead of now\n"
			   "  -u           print Coordinated Universal Time (the only zone)\n"
			   "  -R           RFC 5322 format      -I  ISO 8601 date\n"))
		return 0;
	const char *fmt = "%a %b %e %H:%M:%S %Z %Y", *when = NULL;
	int c;
	struct applib_opts op;
	applib_opts_init(&op, "date", argc, argv, "d:uRI", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'd': when = op.arg; break;
		case 'u': break;
		case 'R': fmt = "%a, %d %b %Y %H:%M:%S %z"; break;
		case 'I': fmt = "%Y-%m-%d"; break;
		default: return 1;
		}
	}
	if (op.ind < op.argc) {
		if (argv[op.ind][0] != '+' || op.ind + 1 < op.argc) {
			fprintf(stderr, argv[op.ind][0] == '+' ? "date: extra operand '%s'\n"
							       : "date: invalid date '%s'\n",
				argv[argv[op.ind][0] == '+' ? op.ind + 1 : op.ind]);
			if (argv[op.ind][0] == '+')
				applib_try_help("date");
			return 1;
		}
		fmt = argv[op.ind] + 1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (when) {
		char *end;
		if (when[0] != '@' || !when[1] || (ts.tv_sec = strtoll(when + 1, &end, 10), *end)) {
			fprintf(stderr, "date: invalid date '%s'\n", when);
			return 1;
		}
		ts.tv_nsec = 0;
	}
	time_t t = ts.tv_sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	char out[1024];
	date_format(fmt, &tm, (long long)ts.tv_sec, ts.tv_nsec, out, sizeof(out));
	puts(out);
	return 0;
}
APP(date, date_main, "print the date and time");
