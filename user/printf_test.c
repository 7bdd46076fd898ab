// The printf and test ([) apps, as GNU coreutils has them (the shell has
// builtins of the same names; these are for `env printf`, xargs, find -exec
// style uses and for scripts that name them by path).
//
// printf FORMAT [ARG...]: the format is reused until the arguments run out;
// escapes \n \t \\ \NNN \xHH \c; conversions %d %i %o %u %x %X %c %s %b %f
// %e %g %E %G %% with flags, width and precision (also `*`). A numeric
// argument that is not a number is reported and taken as far as it goes.
//
// test EXPR / [ EXPR ]: POSIX's rules by argument count (1 to 4
// arguments), and for longer expressions -o below -a below ! below
// ( EXPR ), primaries and binary operators. Status 0 true, 1 false, 2 error.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// ---- printf -----------------------------------------------------------------

struct printf_state {
	int status;  // 1 once an argument was bad
	int stop;    // \c seen: print nothing more
};

// The value of the escape at *p (just after the backslash) in out; *p is
// moved past it. In %b arguments octal is \0NNN; in the format, \NNN.
// Returns 0, or 1 for \c.
static int printf_escape(const char **p, int in_b, char *out)
{
	const char *s = *p;
	int v = 0, n = 0;
	switch (*s) {
	case 'a': *out = '\a'; break;
	case 'b': *out = '\b'; break;
	case 'e': *out = 27; break;
	case 'f': *out = '\f'; break;
	case 'n': *out = '\n'; break;
	case 'r': *out = '\r'; break;
	case 't': *out = '\t'; break;
	case 'v': *out = '\v'; break;
	case '\\': *out = '\\'; break;
	case '"': *out = '"'; break;
	case '\'': *out = '\''; break;
	case 'c':
		*p = s + 1;
		return 1;
	case 'x':
		while (n < 2 && ((s[1 + n] >= '0' && s[1 + n] <= '9') ||
				 ((s[1 + n] | 32) >= 'a' && (s[1 + n] | 32) <= 'f'))) {
			char h = s[1 + n];
			v = v * 16 + (h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
			n++;
		}
		if (n == 0) { // not an escape: print it as it is
			*out = '\\';
			*p = s;
			return 0;
		}
		*out = (char)v;
		*p = s + 1 + n;
		return 0;
	default:
		if (*s >= '0' && *s <= '7') {
			const char *d = s;
			if (in_b && *d == '0')
				d++; // \0NNN
			while (n < 3 && *d >= '0' && *d <= '7') {
				v = v * 8 + (*d++ - '0');
				n++;
			}
			*out = (char)v;
			*p = d;
			return 0;
		}
		*out = '\\'; // unknown: the backslash stays, the char follows
		*p = s;
		return 0;
	}
	*p = s + 1;
	return 0;
}

// Print s interpreting escapes (for %b). 1 if \c ended the output.
static int printf_put_b(const char *s, int width, int prec, int left)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *buf = malloc(cap);
	int stop = 0;
	if (!buf)
		return 0;
	while (*s) {
		if (*s != '\\' || !s[1]) {
			buf[n++] = *s++;
			continue;
		}
		s++;
		char c;
		if (printf_escape(&s, 1, &c)) {
			stop = 1;
			break;
		}
		buf[n++] = c;
	}
	if (prec >= 0 && (size_t)prec < n)
		n = (size_t)prec;
	int pad = width > (int)n ? width - (int)n : 0;
	for (int k = 0; !left && k < pad; k++)
		putchar(' ');
	fwrite(buf, 1, n, stdout);
	for (int k = 0; left && k < pad; k++)
		putchar(' ');
	free(buf);
	return stop;
}

// A numeric argument: 'c or "c is the character's code; else a C
// integer constant (0x.., 0..). Bad ones are reported.
static long long printf_int(struct printf_state *st, const char *a, int is_unsigned)
{
	if (*a == '\'' || *a == '"')
		return (unsigned char)a[1];
	char *end;
	errno = 0;
	long long v = is_unsigned ? (long long)strtoull(a, &end, 0) : strtoll(a, &end, 0);
	if (end == a && *a) {
		fprintf(stderr, "printf: '%s': expected a numeric value\n", a);
		st->status = 1;
	} else if (*end) {
		fprintf(stderr, "printf: '%s': value not completely converted\n", a);
		st->status = 1;
	} else if (errno == ERANGE) {
		fprintf(stderr, "printf: %s: %s\n", a, strerror(ERANGE));
		st->status = 1;
	}
	return v;
}

static double printf_float(struct printf_state *st, const char *a)
{
	if (*a == '\'' || *a == '"')
		return (unsigned char)a[1];
	char *end;
	double v = strtod(a, &end);
	if (end == a && *a) {
		fprintf(stderr, "printf: '%s': expected a numeric value\n", a);
		st->status = 1;
	} else if (*end) {
		fprintf(stderr, "printf: '%s': value not completely converted\n", a);
		st->status = 1;
	}
	return v;
}

// One pass over the format, taking arguments from *args. Returns -1 on a
// bad conversion (reported), else the number of arguments used.
static int printf_pass(struct printf_state *st, const char *fmt, char ***args)
{
	int used = 0;
	for (const char *p = fmt; *p && !st->stop; p++) {
		if (*p == '\\') {
			p++;
			char c;
			if (!*p) {
				putchar('\\');
				break;
			}
			if (printf_escape(&p, 0, &c)) {
				st->stop = 1;
				break;
			}
			putchar(c);
			p--;
			continue;
		}
		if (*p != '%') {
			putchar(*p);
			continue;
		}
		if (p[1] == '%') {
			putchar('%');
			p++;
			continue;
		}
		// %[flags][width][.prec]conv, rebuilt as a C format.
		char spec[64];
		size_t n = 0;
		const char *start = p;
		spec[n++] = '%';
		p++;
		while (*p && strchr("-+ #0", *p) && n < 20)
			spec[n++] = *p++;
		int width = -1, prec = -1;
		if (*p == '*') {
			width = **args ? (int)printf_int(st, *(*args)++, 0) : 0;
			used++;
			p++;
		} else {
			for (width = 0; *p >= '0' && *p <= '9'; p++)
				width = width * 10 + (*p - '0');
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				prec = **args ? (int)printf_int(st, *(*args)++, 0) : 0;
				used++;
				p++;
			} else {
				for (prec = 0; *p >= '0' && *p <= '9'; p++)
					prec = prec * 10 + (*p - '0');
			}
		}
		while (*p == 'l' || *p == 'h' || *p == 'L' || *p == 'j' || *p == 'z' || *p == 't')
			p++; // length modifiers mean nothing here
		char conv = *p;
		if (!conv || !strchr("diouxXcsbfeEgGaA", conv)) {
			fprintf(stderr, "printf: %.*s: invalid conversion specification\n",
				(int)(p - start + (conv ? 1 : 0)), start);
			return -1;
		}
		int left = memchr(spec, '-', n) != NULL;
		n += (size_t)snprintf(spec + n, sizeof(spec) - n, "*.*");
		const char *arg = **args ? *(*args)++ : NULL;
		if (arg)
			used++;
		if (prec < 0 && strchr("diouxX", conv))
			prec = -1;
		switch (conv) {
		case 'd': case 'i':
			snprintf(spec + n, sizeof(spec) - n, "lld");
			printf(spec, width, prec, arg ? printf_int(st, arg, 0) : 0LL);
			break;
		case 'o': case 'u': case 'x': case 'X':
			snprintf(spec + n, sizeof(spec) - n, "ll%c", conv);
			printf(spec, width, prec,
			       (unsigned long long)(arg ? printf_int(st, arg, 1) : 0));
			break;
		case 'f': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
			snprintf(spec + n, sizeof(spec) - n, "%c", conv);
			printf(spec, width, prec, arg ? printf_float(st, arg) : 0.0);
			break;
		case 'c':
			snprintf(spec + n - 3, sizeof(spec) - n + 3, "*c");
			printf(spec, width, arg && *arg ? *arg : 0);
			break;
		case 's':
			snprintf(spec + n, sizeof(spec) - n, "s");
			printf(spec, width, prec, arg ? arg : "");
			break;
		case 'b':
			if (printf_put_b(arg ? arg : "", width, prec, left))
				st->stop = 1;
			break;
		}
	}
	return used;
}

static int printf_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: printf FORMAT [ARGUMENT]...\n"
			   "Print ARGUMENT(s) according to FORMAT (C printf's conversions,\n"
			   "%b: the argument with backslash escapes; \\c stops the output).\n"
			   "The format is reused as needed to consume all the arguments.\n"))
		return 0;
	int i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		return applib_missing_operand("printf");
	struct printf_state st = {0, 0};
	const char *fmt = argv[i];
	char **args = argv + i + 1;
	do {
		char **before = args;
		int used = printf_pass(&st, fmt, &args);
		if (used < 0)
			return 1;
		if (args == before)
			break; // no conversion takes arguments: print once
	} while (*args && !st.stop);
	return st.status;
}
APP(printf, printf_main, "format and print data");

// ---- test, [ ------------------------------------------------------------------

struct test_state {
	const char *prog;
	char **argv;
	int pos, end; // the arguments being parsed: argv[pos..end-1]
	int error;    // a syntax error was reported
	int depth;    // of parentheses, bounded
};

static void test_syntax(struct test_state *t, const char *fmt, const char *arg)
{
	if (t->error)
		return;
	fprintf(stderr, "%s: ", t->prog);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	t->error = 1;
}

static int test_integer(struct test_state *t, const char *s, long long *v)
{
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	char *end;
	errno = 0;
	*v = strtoll(p, &end, 10);
	if (end != p && (*p == '-' || *p == '+' || (*p >= '0' && *p <= '9'))) {
		while (*end == ' ' || *end == '\t')
			end++;
		if (!*end && errno != ERANGE)
			return 0;
	}
	test_syntax(t, "invalid integer '%s'", s);
	return -1;
}

static int test_is_unary(const char *op)
{
	return op[0] == '-' && op[1] && !op[2] && strchr("bcdefghLnprsStuwxzGO", op[1]);
}

static int test_is_binary(const char *op)
{
	static const char *const ops[] = {"=", "==", "!=", "-eq", "-ne",
					  "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", NULL};
	for (int k = 0; ops[k]; k++)
		if (strcmp(op, ops[k]) == 0)
			return 1;
	return 0;
}

static int test_unary(struct test_state *t, char op, const char *a)
{
	struct stat sb;
	if (op == 'n')
		return *a != 0;
	if (op == 'z')
		return *a == 0;
	if (op == 't') {
		long long fd;
		return test_integer(t, a, &fd) == 0 && fd >= 0 && fd < 1024 && isatty((int)fd);
	}
	if (op == 'h' || op == 'L') {
#ifdef CORRAL_HOST
		return lstat(a, &sb) == 0 && S_ISLNK(sb.st_mode);
#else
		return 0; // Corral has no symbolic links
#endif
	}
	if (stat(a, &sb) != 0)
		return 0;
	switch (op) {
	case 'e': return 1;
	case 'f': return S_ISREG(sb.st_mode);
	case 'd': return S_ISDIR(sb.st_mode);
	case 'b': return S_ISBLK(sb.st_mode);
	case 'c': return S_ISCHR(sb.st_mode);
	case 'p': return S_ISFIFO(sb.st_mode);
	case 'S': return S_ISSOCK(sb.st_mode);
	case 's': return sb.st_size > 0;
	case 'g': return (sb.st_mode & S_ISGID) != 0;
	case 'u': return (sb.st_mode & S_ISUID) != 0;
	case 'r': return access(a, R_OK) == 0;
	case 'w': return access(a, W_OK) == 0;
	case 'x': return access(a, X_OK) == 0;
	case 'G': case 'O': return 1; // one user, who owns everything
	}
	return 0;
}

static int test_binary(struct test_state *t, const char *a, const char *op, const char *b)
{
	if (op[0] != '-') {
		int c = strcmp(a, b);
		if (op[0] == '!')
			return c != 0;
		return c == 0;
	}
	if (op[1] == 'n' || op[1] == 'o' || (op[1] == 'e' && op[2] == 'f')) {
		struct stat sa, sb;
		int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
		if (op[1] == 'e')
			return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
		if (op[1] == 'n' && op[2] == 't')
			return ha && (!hb || sa.st_mtime > sb.st_mtime);
		if (op[1] == 'o' && op[2] == 't')
			return hb && (!ha || sa.st_mtime < sb.st_mtime);
	}
	long long x, y;
	if (test_integer(t, a, &x) < 0 || test_integer(t, b, &y) < 0)
		return 0;
	if (strcmp(op, "-eq") == 0) return x == y;
	if (strcmp(op, "-ne") == 0) return x != y;
	if (strcmp(op, "-lt") == 0) return x < y;
	if (strcmp(op, "-le") == 0) return x <= y;
	if (strcmp(op, "-gt") == 0) return x > y;
	return x >= y;
}

static int test_or(struct test_state *t);

// primary: ( EXPR ) | -OP ARG | ARG OP ARG | ARG
static int test_primary(struct test_state *t)
{
	if (t->pos >= t->end) {
		test_syntax(t, "missing argument after '%s'", t->argv[t->pos - 1]);
		return 0;
	}
	char **a = t->argv;
	int left = t->end - t->pos;
	if (strcmp(a[t->pos], "(") == 0 && left > 1) {
		if (++t->depth > 64) {
			test_syntax(t, "%s", "too many nested parentheses");
			return 0;
		}
		t->pos++;
		int v = test_or(t);
		t->depth--;
		if (t->pos >= t->end || strcmp(a[t->pos], ")") != 0) {
			test_syntax(t, "%s", "')' expected");
			return 0;
		}
		t->pos++;
		return v;
	}
	if (left >= 3 && test_is_binary(a[t->pos + 1])) {
		t->pos += 3;
		return test_binary(t, a[t->pos - 3], a[t->pos - 2], a[t->pos - 1]);
	}
	if (test_is_unary(a[t->pos])) {
		if (left < 2) {
			test_syntax(t, "missing argument after '%s'", a[t->pos]);
			return 0;
		}
		t->pos += 2;
		return test_unary(t, a[t->pos - 2][1], a[t->pos - 1]);
	}
	return *a[t->pos++] != 0;
}

// not: ! ... ! primary (a loop: no recursion per `!`)
static int test_not(struct test_state *t)
{
	int negate = 0;
	while (t->pos + 1 < t->end && strcmp(t->argv[t->pos], "!") == 0) {
		negate ^= 1;
		t->pos++;
	}
	return test_primary(t) ^ negate;
}

static int test_and(struct test_state *t)
{
	int v = test_not(t);
	while (t->pos < t->end && strcmp(t->argv[t->pos], "-a") == 0) {
		t->pos++;
		v &= test_not(t);
	}
	return v;
}

static int test_or(struct test_state *t)
{
	int v = test_and(t);
	while (t->pos < t->end && strcmp(t->argv[t->pos], "-o") == 0) {
		t->pos++;
		v |= test_and(t);
	}
	return v;
}

// POSIX's rules for 0 to 4 arguments, then the general grammar.
static int test_eval(struct test_state *t)
{
	char **a = t->argv + t->pos;
	int n = t->end - t->pos;
	switch (n) {
	case 0:
		return 0;
	case 1:
		return *a[0] != 0;
	case 2:
		if (strcmp(a[0], "!") == 0)
			return *a[1] == 0;
		if (test_is_unary(a[0]))
			return test_unary(t, a[0][1], a[1]);
		if (test_is_binary(a[1]) || strcmp(a[1], "-a") == 0 || strcmp(a[1], "-o") == 0 ||
		    strcmp(a[0], "(") == 0) {
			test_syntax(t, "missing argument after '%s'", a[1]);
			return 0;
		}
		test_syntax(t, "'%s': unary operator expected", a[0]);
		return 0;
	case 3:
		if (test_is_binary(a[1]))
			return test_binary(t, a[0], a[1], a[2]);
		if (strcmp(a[1], "-a") == 0)
			return *a[0] && *a[2];
		if (strcmp(a[1], "-o") == 0)
			return *a[0] || *a[2];
		if (strcmp(a[0], "!") == 0) {
			t->pos++;
			return !test_eval(t);
		}
		if (strcmp(a[0], "(") == 0 && strcmp(a[2], ")") == 0)
			return *a[1] != 0;
		test_syntax(t, "'%s': binary operator expected", a[1]);
		return 0;
	case 4:
		if (strcmp(a[0], "!") == 0) {
			t->pos++;
			return !test_eval(t);
		}
		if (strcmp(a[0], "(") == 0 && strcmp(a[3], ")") == 0) {
			t->pos++;
			t->end--;
			return test_eval(t);
		}
		break;
	}
	int v = test_or(t);
	if (t->pos < t->end)
		test_syntax(t, "extra argument '%s'", t->argv[t->pos]);
	return v;
}

// The app behind both names: argv[0] "[" needs a closing "]".
static int test_app_main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	const char *prog = slash ? slash + 1 : argv[0];
	struct test_state t = {prog, argv, 1, argc, 0, 0};
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: %s EXPRESSION%s\nExit with the status of EXPRESSION: -e -f -d\n"
		       "-s -r -w -x FILE, -n -z STRING, S1 = S2, S1 != S2, N1 -eq -ne -lt -le\n"
		       "-gt -ge N2, ! EXPR, EXPR -a EXPR, EXPR -o EXPR, ( EXPR ).\n",
		       prog, strcmp(prog, "[") == 0 ? " ]" : "");
		return 0;
	}
	if (strcmp(prog, "[") == 0) {
		if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
			fprintf(stderr, "[: missing ']'\n");
			return 2;
		}
		t.end--;
	}
	int v = test_eval(&t);
	return t.error ? 2 : !v;
}
APP(test, test_app_main, "check file types and compare values");

static const struct app app_desc_bracket
	__attribute__((section(".apps"), used, aligned(8))) = {
		"[", test_app_main, "check file types and compare values: [ EXPR ]"};
