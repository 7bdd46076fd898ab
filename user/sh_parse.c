// The shell's lexer and parser. A line becomes a struct sh_list:
//
//   list     := and_or (('&' | ';') and_or)* ['&' | ';']
//   and_or   := pipeline (('&&' | '||') pipeline)*
//   pipeline := command ('|' command)*
//   command  := (WORD | redirection)+
//   redirection := [0-9]? ('<' | '>' | '>>' | '<>' | '>&' | '<&') WORD | '&>' WORD
//
// Words are kept unexpanded (quotes and $NAME still in them): expansion
// happens just before each command runs, so `false; echo $?` prints 1.
// The lexer still checks quotes and ${...} here, so a line with an
// unterminated quote is refused whole before any of it runs.
// Everything a list holds lives in one arena, freed at once.
#include "user/sh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sh_chunk {
	struct sh_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct sh_chunk **arena, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct sh_chunk *c = *arena;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 8192 ? n : 8192;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = *arena;
		c->used = 0;
		c->cap = cap;
		*arena = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

enum tok_type { T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_AMP, T_REDIR, T_END };

struct token {
	enum tok_type type;
	int start, end; // source span
	int fd;         // T_REDIR: the redirected fd
	enum sh_redir_kind kind;
	char *word; // T_WORD: the raw text
};

struct parser {
	const char *s;
	struct token *toks;
	int ntoks, pos;
	struct sh_chunk **arena;
	int nomem;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_meta(char c)
{
	return is_blank(c) || c == ';' || c == '&' || c == '|' || c == '<' ||
	       c == '>' || c == '\0';
}

static void syntax_error(const char *what)
{
	sh_error("sh: syntax error: %s\n", what);
}

// s[i] is '$' and s[i+1] is '{': the index just past the '}', or -1.
static int scan_brace(const char *s, int i)
{
	int j = i + 2;
	while (s[j] && s[j] != '}')
		j++;
	int len = j - (i + 2);
	const char *in = s + i + 2;
	int ok = s[j] == '}' && len > 0;
	if (ok && !sh_is_name(in, (size_t)len)) {
		int digits = 1;
		for (int k = 0; k < len; k++)
			if (in[k] < '0' || in[k] > '9')
				digits = 0;
		ok = digits || (len == 1 && strchr("?$!#@*", in[0]));
	}
	if (!ok) {
		syntax_error("bad substitution");
		return -1;
	}
	return j + 1;
}

// The end of the word starting at s[i], or -1 (error reported).
static int scan_word(const char *s, int i)
{
	while (!is_meta(s[i])) {
		char c = s[i];
		if (c == '\\') {
			i++;
			if (s[i])
				i++;
		} else if (c == '\'') {
			const char *q = strchr(s + i + 1, '\'');
			if (!q) {
				syntax_error("unterminated quote");
				return -1;
			}
			i = (int)(q - s) + 1;
		} else if (c == '"') {
			i++;
			while (s[i] && s[i] != '"') {
				if (s[i] == '\\' && s[i + 1]) {
					i += 2;
				} else if (s[i] == '$' && s[i + 1] == '{') {
					i = scan_brace(s, i);
					if (i < 0)
						return -1;
				} else {
					i++;
				}
			}
			if (!s[i]) {
				syntax_error("unterminated quote");
				return -1;
			}
			i++;
		} else if (c == '$' && s[i + 1] == '{') {
			i = scan_brace(s, i);
			if (i < 0)
				return -1;
		} else {
			i++;
		}
	}
	return i;
}

// A redirection operator at s[*i] ('<' or '>'); fd is -1 for the default.
static void scan_redir(const char *s, int *i, int fd, struct token *t)
{
	t->type = T_REDIR;
	if (s[*i] == '>') {
		t->fd = fd >= 0 ? fd : 1;
		if (s[*i + 1] == '>') {
			t->kind = RD_APPEND;
			*i += 2;
		} else if (s[*i + 1] == '&') {
			t->kind = RD_DUP;
			*i += 2;
		} else if (s[*i + 1] == '|') {
			t->kind = RD_OUT;
			*i += 2;
		} else {
			t->kind = RD_OUT;
			*i += 1;
		}
	} else {
		t->fd = fd >= 0 ? fd : 0;
		if (s[*i + 1] == '&') {
			t->kind = RD_DUP;
			*i += 2;
		} else if (s[*i + 1] == '>') {
			t->kind = RD_RDWR;
			*i += 2;
		} else {
			t->kind = RD_IN;
			*i += 1;
		}
	}
}

static int lex(struct parser *p)
{
	const char *s = p->s;
	int i = 0;
	for (;;) {
		while (is_blank(s[i]))
			i++;
		struct token *t = &p->toks[p->ntoks++];
		t->start = i;
		if (!s[i] || s[i] == '#') {
			t->type = T_END;
			t->end = i;
			return 0;
		}
		if (s[i] >= '0' && s[i] <= '9' &&
		    (s[i + 1] == '<' || s[i + 1] == '>')) {
			int fd = s[i] - '0';
			i++;
			scan_redir(s, &i, fd, t);
		} else if (s[i] == '<' || s[i] == '>') {
			scan_redir(s, &i, -1, t);
		} else if (s[i] == '&') {
			if (s[i + 1] == '&') {
				t->type = T_AND;
				i += 2;
			} else if (s[i + 1] == '>') {
				t->type = T_REDIR;
				t->kind = RD_BOTH;
				t->fd = 1;
				i += 2;
			} else {
				t->type = T_AMP;
				i++;
			}
		} else if (s[i] == '|') {
			t->type = s[i + 1] == '|' ? T_OR : T_PIPE;
			i += t->type == T_OR ? 2 : 1;
		} else if (s[i] == ';') {
			t->type = T_SEMI;
			i++;
		} else {
			int end = scan_word(s, i);
			if (end < 0)
				return -1;
			t->type = T_WORD;
			t->word = arena_alloc(p->arena, (size_t)(end - i) + 1);
			if (!t->word) {
				p->nomem = 1;
				return -1;
			}
			memcpy(t->word, s + i, (size_t)(end - i));
			i = end;
		}
		t->end = i;
	}
}

static void unexpected(const struct parser *p, const struct token *t)
{
	if (t->type == T_END) {
		syntax_error("unexpected end of line");
		return;
	}
	char msg[64];
	int len = t->end - t->start;
	if (len > 40)
		len = 40;
	memcpy(msg, "unexpected '", 12);
	memcpy(msg + 12, p->s + t->start, (size_t)len);
	memcpy(msg + 12 + len, "'", 2);
	syntax_error(msg);
}

static int parse_command(struct parser *p, struct sh_cmd *cmd)
{
	int nwords = 0, j = p->pos;
	for (;; j++) {
		struct token *t = &p->toks[j];
		if (t->type == T_WORD) {
			nwords++;
		} else if (t->type == T_REDIR) {
			if (p->toks[j + 1].type != T_WORD) {
				syntax_error("missing redirection target");
				return -1;
			}
			j++;
		} else {
			break;
		}
	}
	if (j == p->pos) {
		unexpected(p, &p->toks[j]);
		return -1;
	}
	cmd->words = arena_alloc(p->arena, sizeof(char *) * (size_t)(nwords + 1));
	if (!cmd->words)
		goto nomem;
	struct sh_redir **tail = &cmd->redirs;
	for (; p->pos < j; p->pos++) {
		struct token *t = &p->toks[p->pos];
		if (t->type == T_WORD) {
			cmd->words[cmd->nwords++] = t->word;
			continue;
		}
		struct sh_redir *r = arena_alloc(p->arena, sizeof(*r));
		if (!r)
			goto nomem;
		r->fd = t->fd;
		r->kind = t->kind;
		r->word = p->toks[++p->pos].word;
		*tail = r;
		tail = &r->next;
	}
	return 0;
nomem:
	p->nomem = 1;
	return -1;
}

static int parse_pipeline(struct parser *p, struct sh_pipeline *pl)
{
	int n = 1;
	// Count the commands: the '|' tokens before the next list operator.
	for (int j = p->pos; p->toks[j].type != T_END; j++) {
		enum tok_type ty = p->toks[j].type;
		if (ty == T_PIPE)
			n++;
		else if (ty == T_AND || ty == T_OR || ty == T_SEMI || ty == T_AMP)
			break;
	}
	pl->cmds = arena_alloc(p->arena, sizeof(struct sh_cmd) * (size_t)n);
	if (!pl->cmds) {
		p->nomem = 1;
		return -1;
	}
	for (;;) {
		if (parse_command(p, &pl->cmds[pl->ncmds++]) < 0)
			return -1;
		if (p->toks[p->pos].type != T_PIPE)
			return 0;
		p->pos++;
	}
}

static int parse_andor(struct parser *p, struct sh_andor *ao)
{
	int n = 1;
	for (int j = p->pos; p->toks[j].type != T_END; j++) {
		enum tok_type ty = p->toks[j].type;
		if (ty == T_AND || ty == T_OR)
			n++;
		else if (ty == T_SEMI || ty == T_AMP)
			break;
	}
	ao->pipes = arena_alloc(p->arena, sizeof(struct sh_pipeline) * (size_t)n);
	ao->ops = arena_alloc(p->arena, sizeof(int) * (size_t)n);
	if (!ao->pipes || !ao->ops) {
		p->nomem = 1;
		return -1;
	}
	ao->start = p->toks[p->pos].start;
	for (;;) {
		if (parse_pipeline(p, &ao->pipes[ao->npipes++]) < 0)
			return -1;
		ao->end = p->toks[p->pos - 1].end;
		enum tok_type ty = p->toks[p->pos].type;
		if (ty != T_AND && ty != T_OR)
			return 0;
		ao->ops[ao->npipes - 1] = ty == T_AND ? OP_AND : OP_OR;
		p->pos++;
	}
}

static int parse_list(struct parser *p, struct sh_list *list)
{
	int n = 1;
	for (int j = p->pos; p->toks[j].type != T_END; j++)
		if (p->toks[j].type == T_SEMI || p->toks[j].type == T_AMP)
			n++;
	list->items = arena_alloc(p->arena, sizeof(struct sh_andor) * (size_t)n);
	if (!list->items) {
		p->nomem = 1;
		return -1;
	}
	while (p->toks[p->pos].type != T_END) {
		struct sh_andor *ao = &list->items[list->nitems++];
		if (parse_andor(p, ao) < 0)
			return -1;
		struct token *t = &p->toks[p->pos];
		if (t->type == T_SEMI || t->type == T_AMP) {
			ao->background = t->type == T_AMP;
			p->pos++;
		} else if (t->type != T_END) {
			unexpected(p, t);
			return -1;
		}
	}
	return 0;
}

struct sh_list *sh_parse(const char *line, int *syntax_err)
{
	struct sh_chunk *arena = NULL;
	*syntax_err = 0;
	size_t len = strlen(line);
	struct sh_list *list = arena_alloc(&arena, sizeof(*list));
	struct parser p = {.s = line, .arena = &arena};
	if (list) {
		list->text = arena_alloc(&arena, len + 1);
		// A token needs at least one byte, plus the end token.
		p.toks = arena_alloc(&arena, sizeof(struct token) * (len + 2));
	}
	if (!list || !list->text || !p.toks) {
		p.nomem = 1;
		goto fail;
	}
	memcpy(list->text, line, len + 1);
	if (lex(&p) < 0 || parse_list(&p, list) < 0)
		goto fail;
	list->arena = arena;
	return list;
fail:
	while (arena) {
		struct sh_chunk *next = arena->next;
		free(arena);
		arena = next;
	}
	if (p.nomem) {
		errno = ENOMEM;
		sh_error("sh: out of memory\n");
	} else {
		*syntax_err = 1;
	}
	return NULL;
}

void sh_list_free(struct sh_list *list)
{
	if (!list)
		return;
	struct sh_chunk *arena = list->arena;
	while (arena) {
		struct sh_chunk *next = arena->next;
		free(arena);
		arena = next;
	}
}
