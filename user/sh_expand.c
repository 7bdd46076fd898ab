// Word expansion, in POSIX's order: tilde, parameters, command
// substitution and arithmetic (left to right), then field splitting on
// IFS, pathname expansion and quote removal.
//
// A word is expanded into an xbuf: its characters, each with flags saying
// whether it was quoted (no splitting, no globbing) or came out of an
// unquoted expansion (split at IFS). Zero-width marks record a quoted
// empty string ("" keeps a field) and the boundaries between "$@"'s
// fields. The final step (fields / a single string / a pattern) reads
// those flags; quote removal is implicit, since quotes never enter the
// xbuf.
#include "user/sh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	F_QUOTED = 1, // literal: neither split nor globbed
	F_SPLIT = 2,  // from an unquoted expansion: split at IFS
	F_QMARK = 4,  // zero-width: a quoted (possibly empty) string was here
	F_BREAK = 8,  // zero-width: ends a field ("$@")
};

#define XB_INLINE 64 // bytes kept in the struct: most words need no malloc

struct xbuf {
	char *c;          // ic, or from malloc once longer
	unsigned char *f; // iflags, or from malloc
	size_t len, cap;
	int nomem;
	char ic[XB_INLINE];
	unsigned char iflags[XB_INLINE];
};

static void xb_grow(struct xbuf *x)
{
	if (!x->c) { // first use
		x->c = x->ic;
		x->f = x->iflags;
		x->cap = XB_INLINE;
		return;
	}
	size_t cap = x->cap * 2;
	char *nc = malloc(cap);
	unsigned char *nf = malloc(cap);
	if (!nc || !nf) {
		free(nc);
		free(nf);
		x->nomem = 1;
		return;
	}
	memcpy(nc, x->c, x->len);
	memcpy(nf, x->f, x->len);
	if (x->c != x->ic) {
		free(x->c);
		free(x->f);
	}
	x->c = nc;
	x->f = nf;
	x->cap = cap;
}

static void xb_add(struct xbuf *x, char c, int flags)
{
	if (x->nomem)
		return;
	if (x->len + 1 >= x->cap) {
		xb_grow(x);
		if (x->nomem)
			return;
	}
	x->c[x->len] = c;
	x->f[x->len] = (unsigned char)flags;
	x->len++;
}

static void xb_adds(struct xbuf *x, const char *s, int flags)
{
	for (; *s; s++)
		xb_add(x, *s, flags);
}

static void xb_free(struct xbuf *x)
{
	if (x->c != x->ic) {
		free(x->c);
		free(x->f);
	}
}

enum mode { M_FIELDS, M_STRING, M_PATTERN, M_ASSIGN };

struct expander {
	struct sh *sh;
	struct xbuf x;
	enum mode mode;
	int error; // reported; the command fails
};

static int expand_text(struct expander *e, const char *s, size_t len, int quoted);

const char *sh_ifs(struct sh *sh)
{
	struct sh_var *v = sh_var_find(sh, "IFS");
	if (!v || !v->value)
		return " \t\n";
	return v->value;
}

static void fail(struct expander *e)
{
	e->error = 1;
	if (!e->sh->interactive)
		e->sh->exit_requested = 1;
	e->sh->status = 2;
}

// ---- scanning raw text --------------------------------------------------------

// From s (inside ${...}): the length up to the matching '}'.
static size_t brace_end(struct sh *sh, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		char c = s[i];
		if (c == '}')
			return i;
		if (c == '\\' && i + 1 < len) {
			i += 2;
		} else if (c == '\'') {
			i++;
			while (i < len && s[i] != '\'')
				i++;
			i++;
		} else if (c == '"') {
			i++;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				else if (s[i] == '$' && i + 1 < len && (s[i + 1] == '{' || s[i + 1] == '(')) {
					size_t k = i + 1;
					if (s[k] == '{') {
						i = k + 1 + brace_end(sh, s + k + 1, len - k - 1);
					} else {
						long n = sh_scan_subst(sh, s + k + 1);
						i = n < 0 ? len : k + 1 + (size_t)n;
					}
				}
				i++;
			}
			i++;
		} else if (c == '$' && i + 1 < len && s[i + 1] == '{') {
			i += 2;
			i += brace_end(sh, s + i, len - i) + 1;
		} else if (c == '$' && i + 1 < len && s[i + 1] == '(') {
			long n = sh_scan_subst(sh, s + i + 2);
			i = n < 0 ? len : i + 2 + (size_t)n + 1;
		} else if (c == '`') {
			i++;
			while (i < len && s[i] != '`') {
				if (s[i] == '\\')
					i++;
				i++;
			}
			i++;
		} else {
			i++;
		}
	}
	return len;
}

// From s (just after "$(("): the length up to the closing "))".
static size_t arith_end(const char *s, size_t len)
{
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == ')' && i + 1 < len && s[i + 1] == ')')
			return i;
		else if (c == '\'') {
			while (i + 1 < len && s[++i] != '\'')
				;
		}
	}
	return len;
}

// ---- parameters -------------------------------------------------------------------

static char *num_str(long long v)
{
	char buf[32];
	sh_format_int(buf, v);
	return strdup(buf);
}

// The value of a parameter (NULL: unset), from malloc in *out or
// borrowed. *owned says which.
static const char *param_value(struct sh *sh, const char *name, size_t n, char **owned)
{
	*owned = NULL;
	char c = name[0];
	if (n == 1 && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '_') {
		switch (c) {
		case '?': return *owned = num_str(sh->status);
		case '$': return *owned = num_str(sh->pid);
		case '#': return *owned = num_str(sh->nparams - 1);
		case '!': return sh->last_bg ? (*owned = num_str(sh->last_bg)) : NULL;
		case '-': {
			char buf[16], *p = buf;
			if (sh->opt_e) *p++ = 'e';
			if (sh->opt_f) *p++ = 'f';
			if (sh->opt_u) *p++ = 'u';
			if (sh->opt_x) *p++ = 'x';
			if (sh->opt_v) *p++ = 'v';
			if (sh->opt_C) *p++ = 'C';
			if (sh->opt_a) *p++ = 'a';
			if (sh->interactive) *p++ = 'i';
			*p = '\0';
			return *owned = strdup(buf);
		}
		}
	}
	if (c >= '0' && c <= '9') {
		long k = strtol(name, NULL, 10);
		if (k >= sh->nparams)
			return NULL;
		return k == 0 ? sh->arg0 : sh->params[k];
	}
	char tmp[256];
	if (n >= sizeof(tmp))
		return NULL;
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	return sh_var_get(sh, tmp);
}

// $@ / $*: the positional parameters.
static void add_params(struct expander *e, int quoted, int star)
{
	struct sh *sh = e->sh;
	const char *ifs = sh_ifs(sh);
	for (int i = 1; i < sh->nparams; i++) {
		if (i > 1) {
			if (quoted && star) {
				if (ifs[0])
					xb_add(&e->x, ifs[0], F_QUOTED);
			} else {
				xb_add(&e->x, 0, F_BREAK);
			}
		}
		if (quoted && !star)
			xb_add(&e->x, 0, F_QMARK);
		xb_adds(&e->x, sh->params[i], quoted ? F_QUOTED : F_SPLIT);
	}
	if (quoted && star && sh->nparams > 1)
		xb_add(&e->x, 0, F_QMARK);
	(void)star;
}

static void add_value(struct expander *e, const char *v, int quoted)
{
	if (quoted)
		xb_add(&e->x, 0, F_QMARK);
	xb_adds(&e->x, v, quoted ? F_QUOTED : F_SPLIT);
}

// Expand raw text into a plain string (quotes removed), or into a
// pattern (quoted specials escaped).
static char *expand_sub(struct expander *e, const char *s, size_t len, enum mode mode,
			int quoted)
{
	struct expander sub = {.sh = e->sh, .mode = mode};
	if (expand_text(&sub, s, len, quoted) < 0 || sub.x.nomem) {
		e->error = 1;
		xb_free(&sub.x);
		return NULL;
	}
	// Each character is at most two (a pattern's escaped quoted specials).
	char *r = malloc(2 * sub.x.len + 1), *o = r;
	for (size_t i = 0; r && i < sub.x.len; i++) {
		int f = sub.x.f[i];
		if (f & (F_QMARK | F_BREAK)) {
			if ((f & F_BREAK) && mode != M_PATTERN)
				*o++ = ' ';
			continue;
		}
		char c = sub.x.c[i];
		if (mode == M_PATTERN && (f & F_QUOTED) && strchr("\\*?[]", c))
			*o++ = '\\';
		*o++ = c;
	}
	xb_free(&sub.x);
	if (!r) {
		e->error = 1;
		return NULL;
	}
	*o = '\0';
	return r;
}

// Remove the shortest/longest prefix/suffix matching pat from v.
static char *trim(const char *v, const char *pat, int suffix, int longest)
{
	size_t n = strlen(v);
	char *tmp = malloc(n + 1);
	if (!tmp)
		return NULL;
	for (size_t k = 0; k <= n; k++) {
		size_t len = longest ? n - k : k; // length of the part tried
		if (suffix) {
			if (sh_pattern_match(pat, v + n - len)) {
				memcpy(tmp, v, n - len);
				tmp[n - len] = '\0';
				return tmp;
			}
		} else {
			memcpy(tmp, v, len);
			tmp[len] = '\0';
			if (sh_pattern_match(pat, tmp)) {
				memmove(tmp, v + len, n - len + 1);
				return tmp;
			}
		}
	}
	memcpy(tmp, v, n + 1);
	return tmp;
}

static int is_special_param(char c)
{
	return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!';
}

size_t sh_param_name_len(const char *s, size_t len, int braced)
{
	size_t n = 0;
	if (len == 0)
		return 0;
	if (is_special_param(s[0]))
		return 1;
	if (s[0] >= '0' && s[0] <= '9') {
		if (!braced)
			return 1;
		while (n < len && s[n] >= '0' && s[n] <= '9')
			n++;
		return n;
	}
	while (n < len && (s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
			   (n > 0 && s[n] >= '0' && s[n] <= '9')))
		n++;
	return n;
}

// ${...}: body is the text between the braces.
static int expand_brace(struct expander *e, const char *body, size_t len, int quoted)
{
	struct sh *sh = e->sh;
	size_t i = 0;
	int length = 0;
	if (len > 1 && body[0] == '#' && (body[1] != '}' )) {
		// ${#name}, unless it is ${#} or ${#-word} etc. with # the name
		char c1 = body[1];
		if (c1 != '-' && c1 != '=' && c1 != '?' && c1 != '+' && c1 != ':' && c1 != '%' &&
		    c1 != '#') {
			length = 1;
			i = 1;
		} else if (len == 2 && (c1 == '#' || c1 == '-' || c1 == '?')) {
			length = 1;
			i = 1;
		}
	}
	size_t nstart = i;
	i += sh_param_name_len(body + i, len - i, 1);
	size_t nlen = i - nstart;
	const char *name = body + nstart;
	char op[3] = {0};
	if (nlen == 0)
		goto bad;
	if (i < len) {
		if (length)
			goto bad;
		if (body[i] == ':' && i + 1 < len && strchr("-=?+", body[i + 1])) {
			op[0] = ':';
			op[1] = body[i + 1];
			i += 2;
		} else if (strchr("-=?+", body[i])) {
			op[0] = body[i++];
		} else if (body[i] == '%' || body[i] == '#') {
			op[0] = body[i++];
			if (i < len && body[i] == op[0])
				op[1] = body[i++];
		} else {
			goto bad;
		}
	}
	const char *word = body + i;
	size_t wlen = len - i;
	int at = nlen == 1 && (name[0] == '@' || name[0] == '*');
	char *owned;
	const char *v = param_value(sh, name, nlen, &owned);
	if (at)
		v = sh->nparams > 1 ? "" : NULL;
	int set = v != NULL;
	int nonempty = set && (at ? sh->nparams > 1 : v[0] != '\0');
	if (at && sh->nparams == 2 && sh->params[1][0] == '\0')
		nonempty = 0;
	int rc = 0;
	int colon = op[0] == ':';
	char kind = colon ? op[1] : op[0];
	int use_word = 0;
	if (kind == '-' || kind == '=' || kind == '?')
		use_word = colon ? !nonempty : !set;
	else if (kind == '+')
		use_word = colon ? nonempty : set;
	if (!kind || kind == '%' || kind == '#' || (kind == '+' && !use_word) ||
	    ((kind == '-' || kind == '=' || kind == '?') && !use_word)) {
		if (!set && sh->opt_u && !(nlen == 1 && (name[0] == '@' || name[0] == '*')) &&
		    kind != '+') {
			sh_msg(sh, "%.*s: parameter not set", (int)nlen, name);
			fail(e);
			rc = -1;
		} else if (kind == '+') {
			// not set: nothing
		} else if (length) {
			long long n = at ? sh->nparams - 1 : set ? (long long)strlen(v) : 0;
			char buf[32];
			snprintf(buf, sizeof(buf), "%lld", n);
			add_value(e, buf, quoted);
		} else if (kind == '%' || kind == '#') {
			char *pat = expand_sub(e, word, wlen, M_PATTERN, 0);
			char *t = pat ? trim(set ? v : "", pat, kind == '%', op[1] != 0) : NULL;
			if (!t)
				rc = -1;
			else
				add_value(e, t, quoted);
			free(pat);
			free(t);
		} else if (at) {
			add_params(e, quoted, name[0] == '*');
		} else if (set) {
			add_value(e, v, quoted);
		}
	} else if (kind == '-' || kind == '+') {
		// The word, expanded in place (unquoted: its text is split too).
		size_t from = e->x.len;
		if (expand_text(e, word, wlen, quoted) < 0)
			rc = -1;
		for (size_t k = from; !quoted && k < e->x.len; k++)
			if (e->x.f[k] == 0)
				e->x.f[k] = F_SPLIT;
	} else if (kind == '=') {
		char *w = expand_sub(e, word, wlen, M_STRING, quoted);
		if (!w) {
			rc = -1;
		} else if (!sh_is_name(name, nlen)) {
			sh_msg(sh, "%.*s: bad variable name", (int)nlen, name);
			fail(e);
			rc = -1;
		} else {
			char tmp[256];
			snprintf(tmp, sizeof(tmp), "%.*s", (int)nlen, name);
			sh_var_set(sh, tmp, w, 0);
			add_value(e, w, quoted);
		}
		free(w);
	} else if (kind == '?') {
		char *w = expand_sub(e, word, wlen, M_STRING, quoted);
		if (w && *w)
			sh_msg(sh, "%.*s: %s", (int)nlen, name, w);
		else
			sh_msg(sh, "%.*s: parameter not set", (int)nlen, name);
		free(w);
		fail(e);
		e->sh->exit_requested = 1;
		rc = -1;
	}
	free(owned);
	return rc;
bad:
	sh_msg(sh, "${%.*s}: Bad substitution", (int)len, body);
	fail(e);
	return -1;
}

// $NAME or $c without braces, at s (after the $). Returns chars used.
static size_t expand_dollar_name(struct expander *e, const char *s, size_t len, int quoted)
{
	size_t n = sh_param_name_len(s, len, 0);
	if (n == 0)
		return 0;
	if (s[0] == '@' || s[0] == '*') {
		if (e->sh->opt_u && 0)
			return n;
		add_params(e, quoted, s[0] == '*');
		return n;
	}
	char *owned;
	const char *v = param_value(e->sh, s, n, &owned);
	if (!v && e->sh->opt_u) {
		sh_msg(e->sh, "%.*s: parameter not set", (int)n, s);
		fail(e);
		e->sh->exit_requested = 1;
		return n;
	}
	if (v)
		add_value(e, v, quoted);
	free(owned);
	return n;
}

static int add_subst(struct expander *e, const char *text, size_t len, int quoted)
{
	char *out = sh_command_subst(e->sh, text, len);
	if (!out) {
		e->error = 1;
		return -1;
	}
	add_value(e, out, quoted);
	free(out);
	return 0;
}

// `...`: the text with \\ \` \$ unescaped, then run.
static int add_backquote(struct expander *e, const char *s, size_t len, int quoted)
{
	struct strbuf b = {0};
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len &&
		    (s[i + 1] == '\\' || s[i + 1] == '`' || s[i + 1] == '$' ||
		     (quoted && s[i + 1] == '"')))
			i++;
		sb_addc(&b, s[i]);
	}
	char *t = sb_take(&b);
	if (!t) {
		e->error = 1;
		return -1;
	}
	int rc = add_subst(e, t, strlen(t), quoted);
	free(t);
	return rc;
}

static int add_arith(struct expander *e, const char *s, size_t len, int quoted)
{
	// Text in which nothing expands ($((i+1))) is its own expansion: a
	// copy on the stack instead of an expander and two strings.
	char plain[128], *expr = plain;
	int simple = len < sizeof(plain);
	for (size_t i = 0; simple && i < len; i++)
		simple = s[i] != '$' && s[i] != '`' && s[i] != '\\' && s[i] != '"';
	if (simple) {
		memcpy(plain, s, len);
		plain[len] = '\0';
	} else if (!(expr = expand_sub(e, s, len, M_STRING, 1))) {
		return -1;
	}
	int err = 0;
	long long v = sh_arith(e->sh, expr, &err);
	if (expr != plain)
		free(expr);
	if (err) {
		fail(e);
		e->sh->exit_requested = 1;
		return -1;
	}
	char buf[32];
	sh_format_int(buf, v);
	xb_adds(&e->x, buf, quoted ? F_QUOTED : F_SPLIT);
	return 0;
}

// A $ at s[0]: what follows it. Returns the chars used (1 for a lone $).
static size_t expand_dollar(struct expander *e, const char *s, size_t len, int quoted)
{
	if (len >= 3 && s[1] == '(' && s[2] == '(') {
		size_t n = arith_end(s + 3, len - 3);
		if (add_arith(e, s + 3, n, quoted) < 0)
			return 0;
		return 3 + n + 2;
	}
	if (len >= 2 && s[1] == '(') {
		long n = sh_scan_subst(e->sh, s + 2);
		if (n < 0 || (size_t)n + 2 >= len + 1) {
			e->error = 1;
			return 0;
		}
		if (add_subst(e, s + 2, (size_t)n, quoted) < 0)
			return 0;
		return 2 + (size_t)n + 1;
	}
	if (len >= 2 && s[1] == '{') {
		size_t n = brace_end(e->sh, s + 2, len - 2);
		if (expand_brace(e, s + 2, n, quoted) < 0)
			return 0;
		return 2 + n + 1;
	}
	size_t n = expand_dollar_name(e, s + 1, len - 1, quoted);
	if (e->error)
		return 0;
	if (n == 0)
		xb_add(&e->x, '$', quoted ? F_QUOTED : 0);
	return 1 + n;
}

// Is the double-quoted text exactly $@ (so that "$@" with no parameters
// leaves no field)?
static int is_lone_at(const char *s, size_t len)
{
	return (len == 2 && s[0] == '$' && s[1] == '@') ||
	       (len == 4 && strncmp(s, "${@}", 4) == 0);
}

// Expand raw text. quoted: 0 outside quotes, 1 inside "...", 2 a
// here-document body (like 1, but " is an ordinary character).
static int expand_text(struct expander *e, const char *s, size_t len, int quoted)
{
	if (sh_stack_check(e->sh) < 0) {
		e->error = 1;
		return -1;
	}
	int qf = quoted ? F_QUOTED : 0;
	for (size_t i = 0; i < len && !e->error;) {
		char c = s[i];
		if (c == '\\') {
			if (i + 1 >= len) {
				xb_add(&e->x, '\\', qf);
				i++;
			} else if (!quoted) {
				xb_add(&e->x, s[i + 1], F_QUOTED);
				i += 2;
			} else if (s[i + 1] == '$' || s[i + 1] == '`' || s[i + 1] == '\\' ||
				   (quoted == 1 && s[i + 1] == '"')) {
				xb_add(&e->x, s[i + 1], F_QUOTED);
				i += 2;
			} else if (s[i + 1] == '\n') {
				i += 2;
			} else {
				xb_add(&e->x, '\\', F_QUOTED);
				i++;
			}
		} else if (c == '\'' && !quoted) {
			xb_add(&e->x, 0, F_QMARK);
			i++;
			while (i < len && s[i] != '\'')
				xb_add(&e->x, s[i++], F_QUOTED);
			i++;
		} else if (c == '"' && quoted != 2) {
			if (quoted) { // a " inside ${x:-"..."} within "...": a quote
				i++;
				continue;
			}
			size_t k = i + 1;
			while (k < len && s[k] != '"') {
				if (s[k] == '\\' && k + 1 < len) {
					k += 2;
				} else if (s[k] == '$' && k + 1 < len && (s[k + 1] == '{' || s[k + 1] == '(')) {
					size_t from = k;
					struct expander probe = {.sh = e->sh};
					(void)probe;
					if (s[k + 1] == '{') {
						k += 2;
						k += brace_end(e->sh, s + k, len - k) + 1;
					} else if (k + 2 < len && s[k + 2] == '(') {
						k += 3;
						k += arith_end(s + k, len - k) + 2;
					} else {
						long n = sh_scan_subst(e->sh, s + k + 2);
						k = n < 0 ? len : k + 2 + (size_t)n + 1;
					}
					(void)from;
				} else if (s[k] == '`') {
					k++;
					while (k < len && s[k] != '`') {
						if (s[k] == '\\')
							k++;
						k++;
					}
					k++;
				} else {
					k++;
				}
			}
			if (k > len)
				k = len;
			if (!is_lone_at(s + i + 1, k - i - 1))
				xb_add(&e->x, 0, F_QMARK);
			if (expand_text(e, s + i + 1, k - i - 1, 1) < 0)
				return -1;
			i = k + 1;
		} else if (c == '$') {
			size_t n = expand_dollar(e, s + i, len - i, quoted);
			if (n == 0)
				return -1;
			i += n;
		} else if (c == '`') {
			size_t k = i + 1;
			while (k < len && s[k] != '`') {
				if (s[k] == '\\')
					k++;
				k++;
			}
			if (k > len)
				k = len;
			if (add_backquote(e, s + i + 1, k - i - 1, quoted) < 0)
				return -1;
			i = k + 1;
		} else if (c == '~' && !quoted && (i == 0 || (e->mode == M_ASSIGN && (s[i - 1] == ':' || s[i - 1] == '=')))) {
			size_t k = i + 1;
			while (k < len && s[k] != '/' && !(e->mode == M_ASSIGN && s[k] == ':'))
				k++;
			const char *home = sh_var_get(e->sh, "HOME");
			if (k == i + 1 && home) {
				xb_adds(&e->x, home, F_QUOTED);
			} else if (k - i - 1 == 4 && strncmp(s + i + 1, "root", 4) == 0) {
				xb_adds(&e->x, "/root", F_QUOTED);
			} else {
				for (size_t j = i; j < k; j++)
					xb_add(&e->x, s[j], 0);
			}
			i = k;
		} else {
			xb_add(&e->x, c, qf);
			i++;
		}
	}
	if (e->x.nomem) {
		sh_msg(e->sh, "out of memory");
		e->error = 1;
	}
	return e->error ? -1 : 0;
}

// ---- fields ---------------------------------------------------------------------

struct fieldlist {
	char **v;
	int n, cap;
	int nomem;
};

static void fl_add(struct fieldlist *fl, char *s)
{
	if (!s) {
		fl->nomem = 1;
		return;
	}
	if (fl->n + 2 > fl->cap) {
		int cap = fl->cap ? fl->cap * 2 : 8;
		char **v = realloc(fl->v, sizeof(char *) * (size_t)cap);
		if (!v) {
			free(s);
			fl->nomem = 1;
			return;
		}
		fl->v = v;
		fl->cap = cap;
	}
	fl->v[fl->n++] = s;
	fl->v[fl->n] = NULL;
}

// A field [a, b) of the xbuf: globbed unless set -f or quoted.
static void emit_field(struct expander *e, struct fieldlist *fl, size_t a, size_t b)
{
	struct xbuf *x = &e->x;
	// Magic: an unquoted * or ?, or an unquoted [ with a ] after it
	// (`[` alone, as the test command, lists no directory).
	int magic = 0, open_bracket = 0, marks = 0;
	for (size_t i = a; i < b; i++) {
		if (x->f[i] & (F_QMARK | F_BREAK))
			marks = 1;
		if (x->f[i] & (F_QUOTED | F_QMARK | F_BREAK))
			continue;
		char c = x->c[i];
		if (c == '*' || c == '?' || (c == ']' && open_bracket))
			magic = 1;
		else if (c == '[')
			open_bracket = 1;
	}
	if (!magic && !marks) { // the characters as they are ($i, "a b")
		char *f = malloc(b - a + 1);
		if (f) {
			memcpy(f, x->c + a, b - a);
			f[b - a] = '\0';
		}
		fl_add(fl, f);
		return;
	}
	struct strbuf plain = {0}, pat = {0};
	for (size_t i = a; i < b; i++) {
		if (x->f[i] & (F_QMARK | F_BREAK))
			continue;
		sb_addc(&plain, x->c[i]);
		if (magic) {
			if ((x->f[i] & F_QUOTED) && strchr("\\*?[]", x->c[i]))
				sb_addc(&pat, '\\');
			sb_addc(&pat, x->c[i]);
		}
	}
	if (magic && !e->sh->opt_f && !pat.nomem && pat.s) {
		int added = sh_glob(pat.s, &fl->v, &fl->n, &fl->cap);
		if (added < 0)
			fl->nomem = 1;
		if (added != 0) {
			free(pat.s);
			free(plain.s);
			return;
		}
	}
	free(pat.s);
	fl_add(fl, sb_take(&plain));
}

static int is_ifs_white(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Split the xbuf into fields at unquoted IFS characters from expansions
// (as dash's ifsbreakup does), then glob each.
static void split_fields(struct expander *e, struct fieldlist *fl)
{
	struct xbuf *x = &e->x;
	const char *ifs = sh_ifs(e->sh);
	size_t start = 0;
	int has_content = 0; // the field since start holds a character or quote mark
	for (size_t p = 0; p < x->len;) {
		int f = x->f[p];
		if (f & F_BREAK) {
			if (has_content) // (unquoted $@: an empty parameter vanishes)
				emit_field(e, fl, start, p);
			start = ++p;
			has_content = 0;
			continue;
		}
		if (f & F_QMARK) {
			has_content = 1;
			p++;
			continue;
		}
		if (!(f & F_SPLIT) || (f & F_QUOTED) || !ifs[0] || !strchr(ifs, x->c[p])) {
			has_content = 1;
			p++;
			continue;
		}
		int white = is_ifs_white(x->c[p]);
		if (!has_content && white) {
			start = ++p;
			continue;
		}
		emit_field(e, fl, start, p);
		p++;
		for (;;) {
			if (p >= x->len || !(x->f[p] & F_SPLIT) || (x->f[p] & F_QUOTED) ||
			    !strchr(ifs, x->c[p]))
				break;
			if (!is_ifs_white(x->c[p])) {
				if (white) {
					p++;
					white = 0;
				} else {
					break;
				}
			} else {
				p++;
			}
		}
		start = p;
		has_content = 0;
	}
	if (has_content)
		emit_field(e, fl, start, x->len);
}

int sh_expand_words(struct sh *sh, char **words, int nwords, char ***out, int *count)
{
	struct fieldlist fl = {0};
	int rc = 0;
	for (int i = 0; i < nwords && rc == 0; i++) {
		// A word with nothing to expand is itself (most words: loops of
		// builtins stay cheap).
		if (!strpbrk(words[i], "$`'\"\\*?[~")) {
			fl_add(&fl, strdup(words[i]));
			continue;
		}
		struct expander e = {.sh = sh, .mode = M_FIELDS};
		if (expand_text(&e, words[i], strlen(words[i]), 0) < 0)
			rc = -1;
		else
			split_fields(&e, &fl);
		xb_free(&e.x);
	}
	if (fl.nomem && rc == 0) {
		sh_msg(sh, "out of memory");
		rc = -1;
	}
	if (rc == 0 && !fl.v) {
		fl.v = calloc(1, sizeof(char *));
		if (!fl.v)
			rc = -1;
	}
	if (rc < 0) {
		sh_argv_free(fl.v);
		return -1;
	}
	*out = fl.v;
	*count = fl.n;
	return 0;
}

static char *expand_one(struct sh *sh, const char *word, enum mode mode, int quoted)
{
	struct expander e = {.sh = sh, .mode = mode};
	char *r = expand_sub(&e, word, strlen(word), mode, quoted);
	return e.error ? (free(r), NULL) : r;
}

char *sh_expand_word(struct sh *sh, const char *word)
{
	return expand_one(sh, word, M_ASSIGN, 0);
}

char *sh_expand_pattern(struct sh *sh, const char *word)
{
	return expand_one(sh, word, M_PATTERN, 0);
}

char *sh_expand_heredoc(struct sh *sh, const char *body)
{
	return expand_one(sh, body, M_STRING, 2);
}

void sh_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}
