// test / [: every POSIX primary (-b -c -d -e -f -g -h -L -n -p -r -S -s
// -t -u -w -x -z, = !=, -eq -ne -gt -ge -lt -le, ! -a -o and parentheses)
// plus dash's -nt -ot -ef and < >. Exit status 0 true, 1 false, 2 error.
//
// test_main() is the logic for any caller: the shell's builtin (whose
// messages carry the script's name and line) and, if wanted, an app.
// The grammar is dash's: or-expressions of and-expressions of negations
// of primaries; the recursion is bounded by the number of arguments,
// which the shell's stack guard checks for the builtin.
#include "user/sh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct test {
	char **argv;
	int argc, pos;
	int err;
	const char *prog;
	struct sh *sh; // NULL for the app: messages go to stderr plainly
};

static void test_error(struct test *t, const char *fmt, const char *arg)
{
	if (t->err)
		return;
	t->err = 1;
	char msg[300];
	snprintf(msg, sizeof(msg), fmt, arg);
	if (t->sh)
		sh_msg(t->sh, "%s: %s", t->prog, msg);
	else
		sh_error("%s: %s\n", t->prog, msg);
}

static const char *peek(struct test *t, int k)
{
	return t->pos + k < t->argc ? t->argv[t->pos + k] : NULL;
}

static int is_unary(const char *s)
{
	return s && s[0] == '-' && s[1] && !s[2] && strchr("bcdefghLnprSstuwxzGO", s[1]);
}

static const char *const binops[] = {"=", "!=", "-eq", "-ne", "-gt", "-ge", "-lt", "-le",
				     "-nt", "-ot", "-ef", "<", ">", "==", NULL};

static int is_binary(const char *s)
{
	for (int i = 0; s && binops[i]; i++)
		if (strcmp(s, binops[i]) == 0)
			return 1;
	return 0;
}

static long long number(struct test *t, const char *s)
{
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	char *end;
	errno = 0;
	long long v;
	const char *fast = sh_scan_decimal(p, &v); // (no leading 0: base 10 and 0 agree)
	if (fast)
		end = (char *)fast;
	else
		v = strtoll(p, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (!*p || *end || errno) {
		test_error(t, "Illegal number: %s", s);
		return 0;
	}
	return v;
}

static int unary(struct test *t, char op, const char *arg)
{
	struct stat st;
	switch (op) {
	case 'n': return arg[0] != '\0';
	case 'z': return arg[0] == '\0';
	case 't': return isatty((int)number(t, arg));
	case 'r': return access(arg, R_OK) == 0;
	case 'w': return access(arg, W_OK) == 0;
	case 'x': return access(arg, X_OK) == 0;
	case 'h':
	case 'L':
#ifdef CORRAL_HOST
		return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
#else
		return 0; // Corral's filesystems have no symbolic links
#endif
	}
	if (stat(arg, &st) < 0)
		return 0;
	switch (op) {
	case 'e': return 1;
	case 'f': return S_ISREG(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'b': return S_ISBLK(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'p': return S_ISFIFO(st.st_mode);
	case 'S': return S_ISSOCK(st.st_mode);
	case 's': return st.st_size > 0;
	case 'g': return (st.st_mode & S_ISGID) != 0;
	case 'u': return (st.st_mode & S_ISUID) != 0;
	case 'G': // Corral has one user, root
	case 'O': return 1;
	}
	return 0;
}

static int binary(struct test *t, const char *a, const char *op, const char *b)
{
	if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
		return strcmp(a, b) == 0;
	if (strcmp(op, "!=") == 0)
		return strcmp(a, b) != 0;
	if (strcmp(op, "<") == 0)
		return strcmp(a, b) < 0;
	if (strcmp(op, ">") == 0)
		return strcmp(a, b) > 0;
	if (op[1] == 'n' && op[2] == 't') {
		struct stat sa, sb;
		if (stat(a, &sa) < 0)
			return 0;
		return stat(b, &sb) < 0 || sa.st_mtime > sb.st_mtime;
	}
	if (op[1] == 'o' && op[2] == 't') {
		struct stat sa, sb;
		if (stat(b, &sb) < 0)
			return 0;
		return stat(a, &sa) < 0 || sa.st_mtime < sb.st_mtime;
	}
	if (strcmp(op, "-ef") == 0) {
		struct stat sa, sb;
		return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
		       sa.st_ino == sb.st_ino;
	}
	long long x = number(t, a), y = number(t, b);
	if (strcmp(op, "-eq") == 0) return x == y;
	if (strcmp(op, "-ne") == 0) return x != y;
	if (strcmp(op, "-gt") == 0) return x > y;
	if (strcmp(op, "-ge") == 0) return x >= y;
	if (strcmp(op, "-lt") == 0) return x < y;
	return x <= y;
}

static int oexpr(struct test *t);

static int primary(struct test *t)
{
	if (t->sh && sh_stack_check(t->sh) < 0) {
		t->err = 1;
		return 0;
	}
	const char *a = peek(t, 0);
	if (!a) {
		test_error(t, "%s", "argument expected");
		return 0;
	}
	if (strcmp(a, "(") == 0 && peek(t, 1) && !(is_binary(peek(t, 1)) && peek(t, 2) &&
						   peek(t, 3) == NULL)) {
		t->pos++;
		int v = oexpr(t);
		if (!peek(t, 0) || strcmp(peek(t, 0), ")") != 0) {
			test_error(t, "%s", "closing paren expected");
			return 0;
		}
		t->pos++;
		return v;
	}
	if (is_binary(peek(t, 1)) && peek(t, 2)) {
		t->pos += 3;
		return binary(t, a, t->argv[t->pos - 2], t->argv[t->pos - 1]);
	}
	if (is_unary(a) && peek(t, 1)) {
		t->pos += 2;
		return unary(t, a[1], t->argv[t->pos - 1]);
	}
	if (is_binary(peek(t, 1))) {
		test_error(t, "%s: argument expected", peek(t, 1));
		return 0;
	}
	if (is_unary(a) && !peek(t, 1) && t->pos > 0) {
		test_error(t, "%s: argument expected", a);
		return 0;
	}
	t->pos++;
	return a[0] != '\0';
}

static int nexpr(struct test *t)
{
	if (peek(t, 0) && strcmp(peek(t, 0), "!") == 0 && peek(t, 1)) {
		t->pos++;
		return !nexpr(t);
	}
	return primary(t);
}

static int aexpr(struct test *t)
{
	int v = nexpr(t);
	while (!t->err && peek(t, 0) && strcmp(peek(t, 0), "-a") == 0 && peek(t, 1)) {
		t->pos++;
		int r = nexpr(t);
		v = v && r;
	}
	return v;
}

static int oexpr(struct test *t)
{
	int v = aexpr(t);
	while (!t->err && peek(t, 0) && strcmp(peek(t, 0), "-o") == 0 && peek(t, 1)) {
		t->pos++;
		int r = aexpr(t);
		v = v || r;
	}
	return v;
}

static int test_run(struct sh *sh, int argc, char **argv)
{
	struct test t = {.sh = sh, .prog = argv[0]};
	if (strcmp(argv[0], "[") == 0) {
		if (strcmp(argv[argc - 1], "]") != 0) {
			test_error(&t, "%s", "missing ]");
			return 2;
		}
		argc--;
	}
	t.argv = argv + 1;
	t.argc = argc - 1;
	if (t.argc == 0)
		return 1;
	// POSIX's rules by the number of arguments, then the grammar.
	int v;
	if (t.argc == 1) {
		v = t.argv[0][0] != '\0';
	} else if (t.argc == 2 && strcmp(t.argv[0], "!") == 0) {
		v = t.argv[1][0] == '\0';
	} else if (t.argc == 3 && is_binary(t.argv[1])) {
		v = binary(&t, t.argv[0], t.argv[1], t.argv[2]);
		t.pos = 3;
	} else if (t.argc == 4 && strcmp(t.argv[0], "!") == 0 && is_binary(t.argv[2])) {
		v = !binary(&t, t.argv[1], t.argv[2], t.argv[3]);
		t.pos = 4;
	} else {
		v = oexpr(&t);
		if (!t.err && t.pos < t.argc)
			test_error(&t, "%s: unexpected operator", t.argv[t.pos]);
	}
	if (t.argc == 1 || (t.argc == 2 && strcmp(t.argv[0], "!") == 0))
		t.pos = t.argc;
	if (t.err)
		return 2;
	return !v;
}

int test_main(int argc, char **argv)
{
	return test_run(NULL, argc, argv);
}

int sh_test_builtin(struct sh *sh, int argc, char **argv)
{
	return test_run(sh, argc, argv);
}
