// Word expansion: turns the raw words of a command into its argv.
//
// 'single quotes' keep everything; "double quotes" keep everything but
// $-expansions and the escapes \$ \" \\ \`; a backslash outside quotes
// keeps the next character. $NAME, ${NAME}, $?, $$, $!, $#, $0-$9, $@ and
// $* expand; an expansion outside double quotes is split into fields at
// blanks (so X="a b"; ls $X passes two arguments) and an empty one
// vanishes. Quoting keeps a word even when it is empty ("").
#include "user/sh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct strbuf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void sb_addn(struct strbuf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->nomem = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_addc(struct strbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

struct fields {
	char **v;
	int n, cap;
	int nomem;
};

// Move the buffer's text into a new field.
static void fields_push(struct fields *f, struct strbuf *b)
{
	char *text = b->s ? b->s : strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	if (b->nomem || !text)
		f->nomem = 1;
	b->nomem = 0;
	if (!f->nomem && f->n + 2 > f->cap) {
		int cap = f->cap ? f->cap * 2 : 8;
		char **v = realloc(f->v, sizeof(char *) * (size_t)cap);
		if (v) {
			f->v = v;
			f->cap = cap;
		} else {
			f->nomem = 1;
		}
	}
	if (f->nomem) {
		free(text);
		return;
	}
	f->v[f->n++] = text;
	f->v[f->n] = NULL;
}

// The value of a parameter (name is len bytes long). Numbers are formatted
// into num.
static const char *param_value(struct sh *sh, const char *name, size_t len,
			       char *num, size_t numlen, struct strbuf *joined)
{
	if (len == 1) {
		switch (name[0]) {
		case '?':
			snprintf(num, numlen, "%d", sh->status);
			return num;
		case '$':
			snprintf(num, numlen, "%d", (int)getpid());
			return num;
		case '!':
			if (!sh->last_bg)
				return "";
			snprintf(num, numlen, "%d", (int)sh->last_bg);
			return num;
		case '#':
			snprintf(num, numlen, "%d", sh->nparams > 0 ? sh->nparams - 1 : 0);
			return num;
		case '@':
		case '*':
			for (int i = 1; i < sh->nparams; i++) {
				if (i > 1)
					sb_addc(joined, ' ');
				sb_addn(joined, sh->params[i], strlen(sh->params[i]));
			}
			return joined->s ? joined->s : "";
		}
	}
	if (name[0] >= '0' && name[0] <= '9') {
		int i = 0;
		for (size_t k = 0; k < len && i < 100000; k++)
			i = i * 10 + (name[k] - '0');
		return i < sh->nparams ? sh->params[i] : "";
	}
	char key[256];
	if (len >= sizeof(key))
		return "";
	memcpy(key, name, len);
	key[len] = '\0';
	const char *v = sh_var_get(sh, key);
	return v ? v : "";
}

// At s[*i] == '$': the expansion's value (or NULL when the '$' is literal),
// advancing *i past it.
static const char *expand_dollar(struct sh *sh, const char *s, size_t *i,
				 char *num, size_t numlen, struct strbuf *tmp)
{
	size_t j = *i + 1;
	const char *name;
	size_t len;
	if (s[j] == '{') {
		name = s + j + 1;
		const char *close = strchr(name, '}');
		if (!close) // the lexer refused these; be safe anyway
			return NULL;
		len = (size_t)(close - name);
		*i = (size_t)(close - s) + 1;
	} else if (s[j] && strchr("?$!#@*0123456789", s[j])) {
		name = s + j;
		len = 1;
		*i = j + 1;
	} else if (s[j] == '_' || (s[j] >= 'A' && s[j] <= 'Z') ||
		   (s[j] >= 'a' && s[j] <= 'z')) {
		name = s + j;
		len = 0;
		while (sh_is_name(name, len + 1))
			len++;
		*i = j + len;
	} else {
		return NULL;
	}
	return param_value(sh, name, len, num, numlen, tmp);
}

// Expand one raw word. With f, unquoted expansions split into fields that
// are pushed to f; without, the whole result is left in out.
static void expand(struct sh *sh, const char *s, struct strbuf *out,
		   struct fields *f)
{
	int have = 0; // the current field exists (has text or quotes)
	char num[32];
	size_t i = 0;
	while (s[i]) {
		char c = s[i];
		if (c == '\\') {
			i++;
			if (s[i])
				sb_addc(out, s[i++]);
			else
				sb_addc(out, '\\');
			have = 1;
		} else if (c == '\'') {
			const char *q = strchr(s + i + 1, '\'');
			size_t end = q ? (size_t)(q - s) : strlen(s);
			sb_addn(out, s + i + 1, end - i - 1);
			i = q ? end + 1 : end;
			have = 1;
		} else if (c == '"') {
			have = 1;
			i++;
			while (s[i] && s[i] != '"') {
				if (s[i] == '\\' && s[i + 1] && strchr("$`\"\\", s[i + 1])) {
					sb_addc(out, s[i + 1]);
					i += 2;
				} else if (s[i] == '$') {
					struct strbuf tmp = {0};
					const char *v = expand_dollar(sh, s, &i, num,
								      sizeof(num), &tmp);
					if (v)
						sb_addn(out, v, strlen(v));
					else
						sb_addc(out, s[i++]);
					if (tmp.nomem)
						out->nomem = 1;
					free(tmp.s);
				} else {
					sb_addc(out, s[i++]);
				}
			}
			if (s[i])
				i++;
		} else if (c == '$') {
			struct strbuf tmp = {0};
			const char *v = expand_dollar(sh, s, &i, num, sizeof(num), &tmp);
			if (tmp.nomem)
				out->nomem = 1;
			if (!v) {
				sb_addc(out, s[i++]);
				have = 1;
			} else if (!f) {
				sb_addn(out, v, strlen(v));
			} else {
				for (; *v; v++) {
					if (*v == ' ' || *v == '\t' || *v == '\n') {
						if (have)
							fields_push(f, out);
						have = 0;
					} else {
						sb_addc(out, *v);
						have = 1;
					}
				}
			}
			free(tmp.s);
		} else {
			sb_addc(out, c);
			i++;
			have = 1;
		}
	}
	if (f && have)
		fields_push(f, out);
}

char **sh_expand_words(struct sh *sh, char **words, int nwords, int *count)
{
	struct fields f = {0};
	for (int i = 0; i < nwords && !f.nomem; i++) {
		struct strbuf b = {0};
		expand(sh, words[i], &b, &f);
		if (b.nomem)
			f.nomem = 1;
		free(b.s);
	}
	if (!f.nomem && !f.v) {
		f.v = calloc(1, sizeof(char *));
		if (!f.v)
			f.nomem = 1;
	}
	if (f.nomem) {
		sh_argv_free(f.v);
		errno = ENOMEM;
		return NULL;
	}
	*count = f.n;
	return f.v;
}

char *sh_expand_word(struct sh *sh, const char *word)
{
	struct strbuf b = {0};
	expand(sh, word, &b, NULL);
	if (!b.nomem && !b.s)
		b.s = strdup("");
	if (b.nomem || !b.s) {
		free(b.s);
		errno = ENOMEM;
		return NULL;
	}
	return b.s;
}

void sh_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}
