// printf FORMAT [ARG...], as dash's builtin: the format is reused while
// arguments remain; %b expands escapes in its argument (\c stops all
// output); numeric arguments may be 'c (the character's code); a bad
// number is reported, counts as 0 and makes the status 1.
//
// printf_main() is the logic for any caller (the builtin and an app).
#include "user/sh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pf {
	struct strbuf out;
	char **args;
	int nargs, next;
	int status;
	int stop; // \c seen
	struct sh *sh;
};

static void pf_error(struct pf *p, const char *fmt, const char *arg)
{
	char msg[300];
	snprintf(msg, sizeof(msg), fmt, arg);
	if (p->sh)
		sh_msg(p->sh, "printf: %s", msg);
	else
		sh_error("printf: %s\n", msg);
	p->status = 1;
}

static const char *next_arg(struct pf *p)
{
	return p->next < p->nargs ? p->args[p->next++] : NULL;
}

// An escape at s (after the backslash) into out; returns chars used.
// percent_b: in a %b argument (\0NNN, and \c).
static int escape(struct pf *p, const char *s, int percent_b)
{
	char c = *s;
	switch (c) {
	case 'a': sb_addc(&p->out, '\a'); return 1;
	case 'b': sb_addc(&p->out, '\b'); return 1;
	case 'f': sb_addc(&p->out, '\f'); return 1;
	case 'n': sb_addc(&p->out, '\n'); return 1;
	case 'r': sb_addc(&p->out, '\r'); return 1;
	case 't': sb_addc(&p->out, '\t'); return 1;
	case 'v': sb_addc(&p->out, '\v'); return 1;
	case '\\': sb_addc(&p->out, '\\'); return 1;
	case 'c':
		if (percent_b) {
			p->stop = 1;
			return 1;
		}
		break;
	}
	if (c >= '0' && c <= '7') {
		int n = 0, v = 0;
		const char *q = s;
		if (percent_b && *q == '0')
			q++, n++;
		int digits = 0;
		while (digits < 3 && *q >= '0' && *q <= '7') {
			v = v * 8 + (*q++ - '0');
			digits++;
		}
		sb_addc(&p->out, (char)v);
		return n + digits;
	}
	sb_addc(&p->out, '\\');
	if (c) {
		sb_addc(&p->out, c);
		return 1;
	}
	return 0;
}

static long long num_arg(struct pf *p, int *is_unsigned_neg)
{
	const char *a = next_arg(p);
	*is_unsigned_neg = 0;
	if (!a)
		return 0;
	if (a[0] == '\'' || a[0] == '"')
		return (unsigned char)a[1];
	char *end;
	errno = 0;
	long long v = strtoll(a, &end, 0);
	if (errno == ERANGE && a[0] != '-') {
		unsigned long long u = strtoull(a, &end, 0);
		v = (long long)u;
	}
	if (end == a || *end) {
		if (end == a)
			pf_error(p, "%s: expected numeric value", a);
		else
			pf_error(p, "%s: not completely converted", a);
	}
	return v;
}

static void conversion(struct pf *p, const char *spec, size_t speclen, char conv)
{
	// spec: the flags, width and precision ('*' already replaced)
	char fmt[64];
	if (speclen > 40)
		speclen = 40;
	char buf[512];
	int n = 0;
	if (conv == 's' || conv == 'b') {
		const char *a = next_arg(p);
		if (!a)
			a = "";
		char *expanded = NULL;
		if (conv == 'b') {
			struct strbuf save = p->out;
			p->out = (struct strbuf){0};
			for (const char *s = a; *s && !p->stop; s++) {
				if (*s == '\\')
					s += escape(p, s + 1, 1);
				else
					sb_addc(&p->out, *s);
			}
			expanded = sb_take(&p->out);
			p->out = save;
			a = expanded ? expanded : "";
		}
		snprintf(fmt, sizeof(fmt), "%%%.*ss", (int)speclen, spec);
		int len = snprintf(NULL, 0, fmt, a);
		char *big = malloc((size_t)len + 1);
		if (big) {
			snprintf(big, (size_t)len + 1, fmt, a);
			sb_addn(&p->out, big, (size_t)len);
			free(big);
		}
		free(expanded);
		return;
	}
	if (conv == 'c') {
		const char *a = next_arg(p);
		char ch[2] = {a ? a[0] : 0, 0};
		snprintf(fmt, sizeof(fmt), "%%%.*sc", (int)speclen, spec);
		n = snprintf(buf, sizeof(buf), fmt, ch[0]);
		if (n > 0)
			sb_addn(&p->out, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
		return;
	}
	if (strchr("diouxX", conv)) {
		int neg;
		long long v = num_arg(p, &neg);
		snprintf(fmt, sizeof(fmt), "%%%.*sll%c", (int)speclen, spec, conv);
		n = snprintf(buf, sizeof(buf), fmt, v);
	} else if (strchr("eEfFgG", conv)) {
		const char *a = next_arg(p);
		double v = 0;
		if (a) {
			char *end;
			v = strtod(a, &end);
			if (end == a || *end)
				pf_error(p, "%s: expected numeric value", a);
		}
		snprintf(fmt, sizeof(fmt), "%%%.*s%c", (int)speclen, spec, conv);
		n = snprintf(buf, sizeof(buf), fmt, v);
	}
	if (n > 0)
		sb_addn(&p->out, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

// One pass over the format; returns -1 on a bad conversion.
static int one_pass(struct pf *p, const char *f)
{
	for (const char *s = f; *s && !p->stop; s++) {
		if (*s == '\\') {
			s += escape(p, s + 1, 0);
			continue;
		}
		if (*s != '%') {
			sb_addc(&p->out, *s);
			continue;
		}
		if (s[1] == '%') {
			sb_addc(&p->out, '%');
			s++;
			continue;
		}
		char spec[48];
		size_t sl = 0;
		const char *q = s + 1;
		while (*q && strchr("-+ #0", *q) && sl < 40)
			spec[sl++] = *q++;
		for (int part = 0; part < 2; part++) {
			if (part == 1) {
				if (*q != '.')
					break;
				spec[sl++] = *q++;
			}
			if (*q == '*') {
				int neg;
				long long v = num_arg(p, &neg);
				sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%lld", v);
				q++;
			} else {
				while (*q >= '0' && *q <= '9' && sl < 40)
					spec[sl++] = *q++;
			}
		}
		spec[sl] = '\0';
		while (*q == 'l' || *q == 'h' || *q == 'z' || *q == 'j' || *q == 't' || *q == 'L')
			q++;
		if (!*q || !strchr("diouxXeEfFgGsbc", *q)) {
			char bad[3] = {'%', *q, 0};
			pf_error(p, "%s: invalid directive", *q ? bad : "%");
			return -1;
		}
		conversion(p, spec, sl, *q);
		s = q;
	}
	return 0;
}

static int printf_run(struct sh *sh, int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		if (sh)
			sh_msg(sh, "printf: usage: printf format [arg ...]");
		else
			sh_error("usage: printf FORMAT [ARG...]\n");
		return 2;
	}
	struct pf p = {.args = argv + i + 1, .nargs = argc - i - 1, .sh = sh};
	const char *f = argv[i];
	int rc = 0;
	do {
		int before = p.next;
		if (one_pass(&p, f) < 0) {
			rc = 1;
			break;
		}
		if (p.next == before)
			break; // no conversion consumed anything
	} while (p.next < p.nargs && !p.stop);
	if (p.out.nomem) {
		free(p.out.s);
		return 1;
	}
	if (p.out.len && sh_write_all(1, p.out.s, p.out.len) < 0) {
		int err = errno;
		free(p.out.s);
		if (!(err == EPIPE && sh && sh->pipe_stage)) {
			if (sh)
				sh_msg(sh, "write error: %s", strerror(err));
			else
				sh_error("printf: %s\n", strerror(err));
		}
		errno = err;
		return 1;
	}
	free(p.out.s);
	return rc ? rc : p.status;
}

int printf_main(int argc, char **argv)
{
	return printf_run(NULL, argc, argv);
}

int sh_printf_builtin(struct sh *sh, int argc, char **argv)
{
	return printf_run(sh, argc, argv);
}
