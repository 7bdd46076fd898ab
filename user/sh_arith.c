// $((...)): C's integer operators on long long, as dash has them:
//   ( )  unary + - ! ~  * / %  + -  << >>  < <= > >=  == !=  &  ^  |
//   &&  ||  ?:  = *= /= %= += -= <<= >>= &= ^= |=
// Numbers are decimal, 0x hex or 0 octal; a NAME is the variable's value
// (empty or unset: 0; not a number: "Illegal number"). && || and ?:
// skip the side effects (assignments) of the operand they do not use.
//
// Precedence climbing: one recursion per operator level used and per
// parenthesis or unary operator, each checking the stack guard.
#include "user/sh.h"

#include <ctype.h>
#include <errno.h>
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

// A plain decimal number of up to 18 digits (no overflow), as strtoll
// would read it (base 0: no leading 0, which would be octal): its end, or
// NULL to leave the number to strtoll.
const char *sh_scan_decimal(const char *s, long long *v)
{
	const char *p = s + (*s == '-' || *s == '+');
	if (*p < '1' || *p > '9')
		return NULL;
	long long n = 0;
	for (int digits = 0; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits == 18)
			return NULL; // (a 19th digit could overflow)
		n = n * 10 + (*p - '0');
	}
	*v = *s == '-' ? -n : n;
	return p;
}

int sh_parse_int(const char *s, long long *v)
{
	char *end;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return -1;
	const char *fast = sh_scan_decimal(s, v);
	if (fast) {
		end = (char *)fast;
	} else {
		errno = 0;
		*v = strtoll(s, &end, 0);
		if (errno == ERANGE) // (a variable's value: dash's "Illegal number")
			return -1;
	}
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

// The length of the assignment operator at p (= *= /= %= += -= <<= >>=
// &= ^= |=), or 0.
static size_t assign_op_len(const char *p)
{
	switch (p[0]) {
	case '=': return p[1] == '=' ? 0 : 1;
	case '*': case '/': case '%': case '+': case '-': case '&': case '^': case '|':
		return p[1] == '=' ? 2 : 0;
	case '<': case '>':
		return p[1] == p[0] && p[2] == '=' ? 3 : 0;
	}
	return 0;
}

// The decimal text of v into buf (at least 21 bytes): its length.
size_t sh_format_int(char *buf, long long v)
{
	char tmp[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 0, len = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
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
		long long v;
		const char *fast = sh_scan_decimal(a->p, &v);
		if (fast)
			end = (char *)fast;
		else
			v = strtoll(a->p, &end, 0);
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
		// An assignment? (= but not ==; OP= for the operators below)
		size_t n = assign_op_len(a->p);
		if (n) {
			char op0 = a->p[0];
			a->p += n;
			long long rhs = parse_ternary(a);
			if (a->err)
				return 0;
			long long v = rhs;
			if (n > 1) {
				long long cur = a->noeval ? 0 : var_value(a, name);
				switch (op0) {
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
						v = op0 == '/' ? (long long)(0ULL - (unsigned long long)cur) : 0;
					} else {
						v = op0 == '/' ? cur / rhs : cur % rhs;
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
				sh_format_int(buf, v);
				sh_var_set(a->sh, name, buf, 0);
			}
			return v;
		}
		return a->noeval ? 0 : var_value(a, name);
	}
	arith_error(a, "expecting primary");
	return 0;
}

// The binary operators, by precedence (|| and && are handled apart, for
// short-circuiting): | ^ & (== !=) (< <= > >=) (<< >>) (+ -) (* / %).
enum binop { B_OR, B_XOR, B_AND, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_SHL, B_SHR,
	     B_ADD, B_SUB, B_MUL, B_DIV, B_MOD };
static const unsigned char binop_prec[] = {
	[B_OR] = 0, [B_XOR] = 1, [B_AND] = 2, [B_EQ] = 3, [B_NE] = 3, [B_LT] = 4, [B_LE] = 4,
	[B_GT] = 4, [B_GE] = 4, [B_SHL] = 5, [B_SHR] = 5, [B_ADD] = 6, [B_SUB] = 6,
	[B_MUL] = 7, [B_DIV] = 7, [B_MOD] = 7};

// The binary operator at a->p (after blanks): its length (0: none, as
// before the || && of parse_or/parse_and, an assignment x= or a ')').
static int match_binop(struct arith *a, enum binop *op)
{
	skip_ws(a);
	const char *p = a->p;
	char next = p[1];
	switch (p[0]) {
	case '|': *op = B_OR; return next == '|' || next == '=' ? 0 : 1;
	case '^': *op = B_XOR; return next == '=' ? 0 : 1;
	case '&': *op = B_AND; return next == '&' || next == '=' ? 0 : 1;
	case '=': *op = B_EQ; return next == '=' ? 2 : 0;
	case '!': *op = B_NE; return next == '=' ? 2 : 0;
	case '<':
		if (next == '<') {
			*op = B_SHL;
			return p[2] == '=' ? 0 : 2;
		}
		*op = next == '=' ? B_LE : B_LT;
		return next == '=' ? 2 : 1;
	case '>':
		if (next == '>') {
			*op = B_SHR;
			return p[2] == '=' ? 0 : 2;
		}
		*op = next == '=' ? B_GE : B_GT;
		return next == '=' ? 2 : 1;
	case '+': *op = B_ADD; return next == '=' ? 0 : 1;
	case '-': *op = B_SUB; return next == '=' ? 0 : 1;
	case '*': *op = B_MUL; return next == '=' ? 0 : 1;
	case '/': *op = B_DIV; return next == '=' ? 0 : 1;
	case '%': *op = B_MOD; return next == '=' ? 0 : 1;
	}
	return 0;
}

// Operands joined by operators of precedence min_prec or higher,
// left-associative (precedence climbing: one recursion per level actually
// used, each through parse_primary's stack guard).
static long long parse_binary(struct arith *a, int min_prec)
{
	long long v = parse_primary(a);
	enum binop op;
	int n;
	while (!a->err && (n = match_binop(a, &op)) && binop_prec[op] >= min_prec) {
		a->p += n;
		long long r = parse_binary(a, binop_prec[op] + 1);
		if (a->err)
			return 0;
		unsigned long long uv = (unsigned long long)v, ur = (unsigned long long)r;
		switch (op) {
		case B_OR: v = v | r; break;
		case B_XOR: v = v ^ r; break;
		case B_AND: v = v & r; break;
		case B_EQ: v = v == r; break;
		case B_NE: v = v != r; break;
		case B_LT: v = v < r; break;
		case B_LE: v = v <= r; break;
		case B_GT: v = v > r; break;
		case B_GE: v = v >= r; break;
		case B_SHL: v = (long long)(uv << (r & 63)); break;
		case B_SHR: v = v >> (r & 63); break;
		case B_ADD: v = (long long)(uv + ur); break;
		case B_SUB: v = (long long)(uv - ur); break;
		case B_MUL: v = (long long)(uv * ur); break;
		case B_DIV:
		case B_MOD:
			if (r == 0) {
				if (a->noeval) {
					v = 0;
					continue;
				}
				arith_error(a, "division by zero");
				return 0;
			}
			if (r == -1)
				v = op == B_DIV ? (long long)(0ULL - uv) : 0;
			else
				v = op == B_DIV ? v / r : v % r;
		}
	}
	return v;
}

static long long parse_and(struct arith *a)
{
	long long v = parse_binary(a, 0);
	for (;;) {
		skip_ws(a);
		if (a->err || strncmp(a->p, "&&", 2) != 0)
			return v;
		a->p += 2;
		int skip = !v;
		a->noeval += skip;
		long long r = parse_binary(a, 0);
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
