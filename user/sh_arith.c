// $((...)): C's integer operators on long long, as dash has them:
//   ( )  unary + - ! ~  * / %  + -  << >>  < <= > >=  == !=  &  ^  |
//   &&  ||  ?:  = *= /= %= += -= <<= >>= &= ^= |=
// Numbers are decimal, 0x hex or 0 octal; a NAME is the variable's value
// (empty or unset: 0; not a number: "Illegal number"). && || and ?:
// skip the side effects (assignments) of the operand they do not use.
//
// Precedence climbing: one recursion per operator level and per
// parenthesis, each checking the stack guard.
#include "user/sh.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arith {
	struct sh *sh;
	const char *expr, *p;
	int err;
	int noeval; // >0: in an operand whose value is not used
};

static void arith_error(struct arith *a, const char *what)
{
	if (a->err)
		return;
	a->err = 1;
	sh_msg(a->sh, "arithmetic expression: %s: \"%s\"", what, a->expr);
}

static void skip_ws(struct arith *a)
{
	while (*a->p == ' ' || *a->p == '\t' || *a->p == '\n')
		a->p++;
}

int sh_parse_int(const char *s, long long *v)
{
	char *end;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return -1;
	*v = strtoll(s, &end, 0);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end ? -1 : 0;
}

static long long var_value(struct arith *a, const char *name)
{
	const char *v = sh_var_get(a->sh, name);
	if (!v || !*v) {
		if (a->sh->opt_u && !v) {
			sh_msg(a->sh, "%s: parameter not set", name);
			a->err = 1;
		}
		return 0;
	}
	long long n;
	if (sh_parse_int(v, &n) < 0) {
		if (!a->err)
			sh_msg(a->sh, "Illegal number: %s", v);
		a->err = 1;
		return 0;
	}
	return n;
}

static long long parse_ternary(struct arith *a);

static int read_name(struct arith *a, char *name, size_t n)
{
	const char *s = a->p;
	size_t k = 0;
	while (isalnum((unsigned char)s[k]) || s[k] == '_')
		k++;
	if (k >= n) {
		arith_error(a, "name too long");
		return -1;
	}
	memcpy(name, s, k);
	name[k] = '\0';
	a->p += k;
	return 0;
}

static long long parse_primary(struct arith *a)
{
	if (sh_stack_check(a->sh) < 0) {
		a->err = 1;
		return 0;
	}
	skip_ws(a);
	char c = *a->p;
	if (c == '(') {
		a->p++;
		long long v = parse_ternary(a);
		skip_ws(a);
		if (*a->p != ')') {
			arith_error(a, "expecting ')'");
			return 0;
		}
		a->p++;
		return v;
	}
	if (c == '+' || c == '-' || c == '!' || c == '~') {
		a->p++;
		long long v = parse_primary(a);
		switch (c) {
		case '-': return (long long)(0ULL - (unsigned long long)v);
		case '!': return !v;
		case '~': return ~v;
		}
		return v;
	}
	if (isdigit((unsigned char)c)) {
		char *end;
		long long v = strtoll(a->p, &end, 0);
		if (isalnum((unsigned char)*end) || *end == '_') {
			arith_error(a, "expecting EOF");
			return 0;
		}
		a->p = end;
		return v;
	}
	if (isalpha((unsigned char)c) || c == '_') {
		char name[256];
		if (read_name(a, name, sizeof(name)) < 0)
			return 0;
		skip_ws(a);
		// An assignment?
		static const char *const ops[] = {"<<=", ">>=", "*=", "/=", "%=", "+=", "-=",
						   "&=", "^=", "|=", "=", NULL};
		for (int i = 0; ops[i]; i++) {
			size_t n = strlen(ops[i]);
			if (strncmp(a->p, ops[i], n) != 0 || (n == 1 && a->p[1] == '='))
				continue;
			a->p += n;
			long long rhs = parse_ternary(a);
			if (a->err)
				return 0;
			long long v = rhs;
			if (n > 1) {
				long long cur = a->noeval ? 0 : var_value(a, name);
				switch (ops[i][0]) {
				case '*': v = (long long)((unsigned long long)cur * (unsigned long long)rhs); break;
				case '/':
				case '%':
					if (rhs == 0) {
						if (!a->noeval) {
							arith_error(a, "division by zero");
							return 0;
						}
						v = 0;
					} else if (rhs == -1) {
						v = ops[i][0] == '/' ? (long long)(0ULL - (unsigned long long)cur) : 0;
					} else {
						v = ops[i][0] == '/' ? cur / rhs : cur % rhs;
					}
					break;
				case '+': v = (long long)((unsigned long long)cur + (unsigned long long)rhs); break;
				case '-': v = (long long)((unsigned long long)cur - (unsigned long long)rhs); break;
				case '<': v = (long long)((unsigned long long)cur << (rhs & 63)); break;
				case '>': v = cur >> (rhs & 63); break;
				case '&': v = cur & rhs; break;
				case '^': v = cur ^ rhs; break;
				case '|': v = cur | rhs; break;
				}
			}
			if (!a->noeval) {
				char buf[32];
				snprintf(buf, sizeof(buf), "%lld", v);
				sh_var_set(a->sh, name, buf, 0);
			}
			return v;
		}
		return a->noeval ? 0 : var_value(a, name);
	}
	arith_error(a, "expecting primary");
	return 0;
}

// Binary operators by level, lowest first (|| and && are handled apart,
// for short-circuiting).
static const char *const levels[][5] = {
	{"|", NULL},
	{"^", NULL},
	{"&", NULL},
	{"==", "!=", NULL},
	{"<=", ">=", "<", ">", NULL},
	{"<<", ">>", NULL},
	{"+", "-", NULL},
	{"*", "/", "%", NULL},
};
#define NLEVELS (int)(sizeof(levels) / sizeof(levels[0]))

static const char *match_op(struct arith *a, int level)
{
	skip_ws(a);
	for (int i = 0; levels[level][i]; i++) {
		const char *op = levels[level][i];
		size_t n = strlen(op);
		if (strncmp(a->p, op, n) != 0)
			continue;
		char next = a->p[n];
		// not the start of a longer operator (| of ||, & of &&, < of <<=, x=)
		if (n == 1 && (next == '=' && op[0] != '<' && op[0] != '>'))
			return NULL;
		if (n == 1 && (op[0] == '|' || op[0] == '&') && next == op[0])
			return NULL;
		if ((op[0] == '<' || op[0] == '>') && n == 1 && next == op[0])
			return NULL;
		if (n == 2 && (strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0) && next == '=')
			return NULL;
		if (n == 1 && (op[0] == '<' || op[0] == '>') && next == '=')
			return NULL;
		return op;
	}
	return NULL;
}

static long long parse_level(struct arith *a, int level)
{
	if (level >= NLEVELS)
		return parse_primary(a);
	long long v = parse_level(a, level + 1);
	const char *op;
	while (!a->err && (op = match_op(a, level))) {
		a->p += strlen(op);
		long long r = parse_level(a, level + 1);
		if (a->err)
			return 0;
		unsigned long long uv = (unsigned long long)v, ur = (unsigned long long)r;
		if (strcmp(op, "|") == 0) v = v | r;
		else if (strcmp(op, "^") == 0) v = v ^ r;
		else if (strcmp(op, "&") == 0) v = v & r;
		else if (strcmp(op, "==") == 0) v = v == r;
		else if (strcmp(op, "!=") == 0) v = v != r;
		else if (strcmp(op, "<=") == 0) v = v <= r;
		else if (strcmp(op, ">=") == 0) v = v >= r;
		else if (strcmp(op, "<") == 0) v = v < r;
		else if (strcmp(op, ">") == 0) v = v > r;
		else if (strcmp(op, "<<") == 0) v = (long long)(uv << (r & 63));
		else if (strcmp(op, ">>") == 0) v = v >> (r & 63);
		else if (strcmp(op, "+") == 0) v = (long long)(uv + ur);
		else if (strcmp(op, "-") == 0) v = (long long)(uv - ur);
		else if (strcmp(op, "*") == 0) v = (long long)(uv * ur);
		else {
			if (r == 0) {
				if (a->noeval) {
					v = 0;
					continue;
				}
				arith_error(a, "division by zero");
				return 0;
			}
			if (r == -1)
				v = op[0] == '/' ? (long long)(0ULL - uv) : 0;
			else
				v = op[0] == '/' ? v / r : v % r;
		}
	}
	return v;
}

static long long parse_and(struct arith *a)
{
	long long v = parse_level(a, 0);
	for (;;) {
		skip_ws(a);
		if (a->err || strncmp(a->p, "&&", 2) != 0)
			return v;
		a->p += 2;
		int skip = !v;
		a->noeval += skip;
		long long r = parse_level(a, 0);
		a->noeval -= skip;
		v = v && r;
	}
}

static long long parse_or(struct arith *a)
{
	long long v = parse_and(a);
	for (;;) {
		skip_ws(a);
		if (a->err || strncmp(a->p, "||", 2) != 0)
			return v;
		a->p += 2;
		int skip = v != 0;
		a->noeval += skip;
		long long r = parse_and(a);
		a->noeval -= skip;
		v = v || r;
	}
}

static long long parse_ternary(struct arith *a)
{
	if (sh_stack_check(a->sh) < 0) {
		a->err = 1;
		return 0;
	}
	long long c = parse_or(a);
	skip_ws(a);
	if (a->err || *a->p != '?')
		return c;
	a->p++;
	a->noeval += !c;
	long long x = parse_ternary(a);
	a->noeval -= !c;
	skip_ws(a);
	if (*a->p != ':') {
		arith_error(a, "expecting ':'");
		return 0;
	}
	a->p++;
	a->noeval += !!c;
	long long y = parse_ternary(a);
	a->noeval -= !!c;
	return c ? x : y;
}

long long sh_arith(struct sh *sh, const char *expr, int *err)
{
	struct arith a = {.sh = sh, .expr = expr, .p = expr};
	skip_ws(&a);
	long long v = 0;
	if (*a.p) {
		v = parse_ternary(&a);
		skip_ws(&a);
		if (!a.err && *a.p)
			arith_error(&a, "expecting EOF");
	}
	*err = a.err;
	return a.err ? 0 : v;
}
