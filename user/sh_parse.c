// The lexer and parser: shell text becomes a tree of struct sh_node
// (sh.h), allocated in a refcounted arena (a function definition keeps
// the tree it came from alive by a reference on its arena).
//
// The grammar is POSIX's (as dash parses it): lists of and-or chains of
// pipelines of commands; simple commands with NAME=VALUE prefixes and
// redirections; { } ( ) if while until for case and function definitions.
// Words are kept as their source text (quotes and all, only \-newline
// removed): sh_expand.c interprets them when the command runs. The lexer
// finds where a word ends, which for $(...) means parsing its body, so
// sh_scan_subst() runs a parser over the rest of the text.
//
// Here-documents: a `<<` remembers its redirection; at the next newline
// token the lexer reads the bodies in order.
//
// The parser recurses once per level of nesting of the text: every level
// checks sh_stack_check() first, so deep nesting is an error, not a crash.
#include "user/sh.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- arena ------------------------------------------------------------------

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};
struct sh_arena {
	int refs; // one per parse result being run or kept, one per function
	struct chunk *chunks;
};

static struct sh_arena *arena_new(void)
{
	struct sh_arena *a = calloc(1, sizeof(*a));
	if (a)
		a->refs = 1;
	return a;
}

void sh_arena_get(struct sh_arena *a) { a->refs++; }

void sh_arena_put(struct sh_arena *a)
{
	if (!a || --a->refs > 0)
		return;
	while (a->chunks) {
		struct chunk *c = a->chunks;
		a->chunks = c->next;
		free(c);
	}
	free(a);
}

// Zeroed memory from the arena; NULL when out of memory.
static void *arena_alloc(struct sh_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct chunk *c = a->chunks;
	if (!c || c->size - c->used < n) {
		size_t size = n > 4000 ? n : 4000;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = size;
		c->next = a->chunks;
		a->chunks = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

// ---- growing strings --------------------------------------------------------

void sb_addn(struct strbuf *b, const char *s, size_t n)
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

void sb_adds(struct strbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }
void sb_addc(struct strbuf *b, char c) { sb_addn(b, &c, 1); }

char *sb_take(struct strbuf *b)
{
	if (b->nomem) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}

// ---- lexer ------------------------------------------------------------------

enum tok {
	T_EOF, T_NEWLINE, T_WORD, T_SEMI, T_DSEMI, T_AMP, T_AND, T_OR, T_PIPE,
	T_LPAREN, T_RPAREN, T_REDIR,
};

struct heredoc_pending {
	struct sh_redir *r;
	int strip; // <<-
	struct heredoc_pending *next;
};

struct sh_parser {
	struct sh *sh;
	char *text;     // owned copy
	size_t pos, len;
	int lineno;
	struct sh_arena *arena; // of the command being parsed
	// the current token
	enum tok tok;
	char *word;       // T_WORD: arena copy; T_REDIR: the operator
	int word_quoted;  // the word had quotes (here-doc delimiters)
	int io_number;    // T_REDIR: the fd written before it, -1 if none
	size_t tok_start; // text offset of the token
	int peeked;       // tok is a lookahead not yet consumed
	int error;        // SH_PARSE_ERROR / SH_PARSE_INCOMPLETE once failed
	int stop_at_rparen; // scanning a $(...) body: a bare ) ends it
	int line_done;      // the top-level list ended at a newline
	size_t alias_end;   // text before this offset came from an alias
	int alias_chain;    // aliases expanded one after the other
	char alias_name[64]; // the last one
	const char *expecting; // SH_PARSE_INCOMPLETE: what was missing
	struct heredoc_pending *heredocs;
};

static void syntax(struct sh_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void syntax(struct sh_parser *p, const char *fmt, ...)
{
	if (p->error)
		return;
	p->error = SH_PARSE_ERROR;
	if (!p->sh)
		return;
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int saved = p->sh->lineno;
	p->sh->lineno = p->lineno;
	sh_msg(p->sh, "Syntax error: %s", msg);
	p->sh->lineno = saved;
}

// Report even after an "incomplete" (which printed nothing).
static void syntax_force(struct sh_parser *p, const char *fmt, const char *arg)
{
	p->error = 0;
	char msg[120];
	snprintf(msg, sizeof(msg), fmt, arg);
	syntax(p, "%s", msg);
}

static void nomem(struct sh_parser *p)
{
	if (!p->error && p->sh)
		sh_msg(p->sh, "out of memory");
	p->error = SH_PARSE_ERROR;
}

static char *arena_strndup(struct sh_parser *p, const char *s, size_t n)
{
	char *d = arena_alloc(p->arena, n + 1);
	if (!d) {
		nomem(p);
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static int peekc(struct sh_parser *p, size_t off)
{
	return p->pos + off < p->len ? (unsigned char)p->text[p->pos + off] : -1;
}

// Skip \-newline pairs at pos (outside single quotes they vanish).
static void skip_continuations(struct sh_parser *p)
{
	while (peekc(p, 0) == '\\' && peekc(p, 1) == '\n') {
		p->pos += 2;
		p->lineno++;
	}
}

static int is_meta(int c)
{
	return c == -1 || c == ' ' || c == '\t' || c == '\n' || c == ';' ||
	       c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
}

// Copy chars into buf up to the matching close of a ${ }, $(( )) or
// backquote; a nested one recurses through scan_word_part.
static int scan_dollar(struct sh_parser *p, struct strbuf *b);

// The text ended inside a construct: more may come (the prompt reads
// another line), else sh_parser_report_eof() says what was missing.
static const char QUOTE[] = "quote"; // expecting: the end of a quoted string

static void incomplete(struct sh_parser *p, const char *what)
{
	if (!p->error) {
		p->error = SH_PARSE_INCOMPLETE;
		p->expecting = what;
	}
}

static void take(struct sh_parser *p, struct strbuf *b)
{
	int c = (unsigned char)p->text[p->pos++];
	if (c == '\n')
		p->lineno++;
	sb_addc(b, (char)c);
}

static int scan_squote(struct sh_parser *p, struct strbuf *b)
{
	take(p, b);
	for (;;) {
		int c = peekc(p, 0);
		if (c == -1) {
			incomplete(p, QUOTE);
			return -1;
		}
		take(p, b);
		if (c == '\'')
			return 0;
	}
}

static int scan_backquote(struct sh_parser *p, struct strbuf *b)
{
	take(p, b);
	for (;;) {
		skip_continuations(p);
		int c = peekc(p, 0);
		if (c == -1) {
			incomplete(p, QUOTE);
			return -1;
		}
		if (c == '\\' && peekc(p, 1) != -1) {
			take(p, b);
			take(p, b);
			continue;
		}
		take(p, b);
		if (c == '`')
			return 0;
	}
}

static int scan_dquote(struct sh_parser *p, struct strbuf *b)
{
	take(p, b);
	for (;;) {
		skip_continuations(p);
		int c = peekc(p, 0);
		if (c == -1) {
			incomplete(p, QUOTE);
			return -1;
		}
		if (c == '\\' && peekc(p, 1) != -1) {
			take(p, b);
			take(p, b);
		} else if (c == '$') {
			if (scan_dollar(p, b) < 0)
				return -1;
		} else if (c == '`') {
			if (scan_backquote(p, b) < 0)
				return -1;
		} else {
			take(p, b);
			if (c == '"')
				return 0;
		}
	}
}

// ${...}: up to the matching }, with quotes and nested expansions inside.
static int scan_brace(struct sh_parser *p, struct strbuf *b)
{
	take(p, b); // $
	take(p, b); // {
	for (;;) {
		skip_continuations(p);
		int c = peekc(p, 0);
		if (c == -1) {
			incomplete(p, "}");
			return -1;
		}
		int rc = 0;
		if (c == '}') {
			take(p, b);
			return 0;
		} else if (c == '\n') {
			syntax(p, "Missing '}'");
			return -1;
		} else if (c == '\\' && peekc(p, 1) != -1) {
			take(p, b);
			take(p, b);
		} else if (c == '\'') {
			rc = scan_squote(p, b);
		} else if (c == '"') {
			rc = scan_dquote(p, b);
		} else if (c == '`') {
			rc = scan_backquote(p, b);
		} else if (c == '$') {
			rc = scan_dollar(p, b);
		} else {
			take(p, b);
		}
		if (rc < 0)
			return -1;
	}
}

// $((...)): up to the )) that closes it (parentheses counted).
static int scan_arith(struct sh_parser *p, struct strbuf *b)
{
	take(p, b);
	take(p, b);
	take(p, b); // $((
	int depth = 0;
	for (;;) {
		skip_continuations(p);
		int c = peekc(p, 0);
		if (c == -1) {
			incomplete(p, "))");
			return -1;
		}
		int rc = 0;
		if (c == ')' && depth == 0) {
			if (peekc(p, 1) != ')') {
				syntax(p, "Missing '))'");
				return -1;
			}
			take(p, b);
			take(p, b);
			return 0;
		} else if (c == '(') {
			depth++;
			take(p, b);
		} else if (c == ')') {
			depth--;
			take(p, b);
		} else if (c == '\'') {
			rc = scan_squote(p, b);
		} else if (c == '"') {
			rc = scan_dquote(p, b);
		} else if (c == '`') {
			rc = scan_backquote(p, b);
		} else if (c == '$') {
			rc = scan_dollar(p, b);
		} else if (c == '\\' && peekc(p, 1) != -1) {
			take(p, b);
			take(p, b);
		} else {
			take(p, b);
		}
		if (rc < 0)
			return -1;
	}
}

static long scan_subst_body(struct sh *sh, const char *s, size_t len, int *err,
			    int lineno, const char **expecting);

static int scan_dollar(struct sh_parser *p, struct strbuf *b)
{
	if (sh_stack_check(p->sh) < 0) {
		p->error = SH_PARSE_ERROR;
		return -1;
	}
	skip_continuations(p);
	int c1 = peekc(p, 1);
	if (c1 == '{')
		return scan_brace(p, b);
	if (c1 == '(' && peekc(p, 2) == '(')
		return scan_arith(p, b);
	if (c1 == '(') {
		int err = 0;
		const char *expecting = NULL;
		long n = scan_subst_body(p->sh, p->text + p->pos + 2, p->len - p->pos - 2, &err,
					 p->lineno, &expecting);
		if (n < 0) {
			if (err == SH_PARSE_INCOMPLETE)
				incomplete(p, expecting ? expecting : ")");
			else
				p->error = SH_PARSE_ERROR;
			return -1;
		}
		for (long i = 0; i < n + 3; i++)
			take(p, b);
		return 0;
	}
	take(p, b);
	return 0;
}

// The rest of a word, from pos: its raw text into b.
static int scan_word(struct sh_parser *p, struct strbuf *b)
{
	for (;;) {
		skip_continuations(p);
		int c = peekc(p, 0);
		if (is_meta(c))
			return 0;
		int rc = 0;
		if (c == '\\') {
			take(p, b);
			if (peekc(p, 0) != -1)
				take(p, b);
		} else if (c == '\'') {
			p->word_quoted = 1;
			rc = scan_squote(p, b);
		} else if (c == '"') {
			p->word_quoted = 1;
			rc = scan_dquote(p, b);
		} else if (c == '`') {
			rc = scan_backquote(p, b);
		} else if (c == '$') {
			rc = scan_dollar(p, b);
		} else {
			take(p, b);
		}
		if (rc < 0)
			return -1;
	}
}

static void read_heredocs(struct sh_parser *p);

static const char *const redir_ops[] = {
	"<<-", "<<", ">>", "<&", ">&", "<>", ">|", "<", ">",
};

// Read the next token into p->tok.
static void next(struct sh_parser *p)
{
	if (p->peeked) {
		p->peeked = 0;
		return;
	}
	p->word = NULL;
	p->word_quoted = 0;
	p->io_number = -1;
	if (p->error) {
		p->tok = T_EOF;
		return;
	}
	for (;;) {
		skip_continuations(p);
		int c = peekc(p, 0);
		if (c == ' ' || c == '\t' || c == '\r') {
			p->pos++;
		} else if (c == '#') {
			while (peekc(p, 0) != -1 && peekc(p, 0) != '\n')
				p->pos++;
		} else {
			break;
		}
	}
	p->tok_start = p->pos;
	int c = peekc(p, 0), c1 = peekc(p, 1);
	if (c == -1) {
		p->tok = T_EOF;
		return;
	}
	if (c == '\n') {
		p->pos++;
		p->lineno++;
		p->tok = T_NEWLINE;
		read_heredocs(p);
		return;
	}
	struct { const char *s; enum tok t; } ops[] = {
		{";;", T_DSEMI}, {"&&", T_AND}, {"||", T_OR}, {";", T_SEMI},
		{"&", T_AMP}, {"|", T_PIPE}, {"(", T_LPAREN}, {")", T_RPAREN},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);
		if (strncmp(p->text + p->pos, ops[i].s, n) == 0) {
			p->pos += n;
			p->tok = ops[i].t;
			return;
		}
	}
	// An IO number: digits right before < or >.
	size_t k = p->pos;
	while (k < p->len && p->text[k] >= '0' && p->text[k] <= '9')
		k++;
	if (k > p->pos && k < p->len && (p->text[k] == '<' || p->text[k] == '>') && k - p->pos < 4) {
		p->io_number = atoi(p->text + p->pos);
		p->pos = k;
		c = peekc(p, 0);
		c1 = peekc(p, 1);
	}
	(void)c1;
	if (c == '<' || c == '>') {
		for (size_t i = 0; i < sizeof(redir_ops) / sizeof(redir_ops[0]); i++) {
			size_t n = strlen(redir_ops[i]);
			if (strncmp(p->text + p->pos, redir_ops[i], n) == 0) {
				p->pos += n;
				p->tok = T_REDIR;
				p->word = (char *)redir_ops[i];
				return;
			}
		}
	}
	struct strbuf b = {0};
	if (scan_word(p, &b) < 0) {
		free(b.s);
		p->tok = T_EOF;
		return;
	}
	if (b.nomem) {
		nomem(p);
		p->tok = T_EOF;
		return;
	}
	p->word = arena_strndup(p, b.s, b.len);
	free(b.s);
	p->tok = p->word ? T_WORD : T_EOF;
}

static void push_back(struct sh_parser *p) { p->peeked = 1; }

// The delimiter of a here-doc with its quotes removed.
static char *heredoc_delim(const char *w, int *quoted)
{
	struct strbuf b = {0};
	*quoted = 0;
	for (const char *s = w; *s; s++) {
		if (*s == '\\' && s[1]) {
			*quoted = 1;
			sb_addc(&b, *++s);
		} else if (*s == '\'' || *s == '"') {
			*quoted = 1;
		} else {
			sb_addc(&b, *s);
		}
	}
	return sb_take(&b);
}

static void read_heredocs(struct sh_parser *p)
{
	while (p->heredocs && !p->error) {
		struct heredoc_pending *h = p->heredocs;
		p->heredocs = h->next;
		int quoted;
		char *delim = heredoc_delim(h->r->word, &quoted);
		if (!delim) {
			nomem(p);
			return;
		}
		h->r->quoted = quoted;
		struct strbuf body = {0};
		size_t dlen = strlen(delim);
		for (;;) {
			if (p->pos >= p->len) {
				// A script's unterminated here-doc runs to its end (as
				// in dash); the prompt's dry parse (no sh) asks for
				// more lines instead.
				if (!p->sh)
					incomplete(p, "here-document");
				break;
			}
			size_t start = p->pos;
			while (p->pos < p->len && p->text[p->pos] != '\n')
				p->pos++;
			size_t end = p->pos;
			if (p->pos < p->len)
				p->pos++;
			p->lineno++;
			if (h->strip)
				while (start < end && p->text[start] == '\t')
					start++;
			if (end - start == dlen && strncmp(p->text + start, delim, dlen) == 0)
				break;
			sb_addn(&body, p->text + start, end - start);
			sb_addc(&body, '\n');
		}
		free(delim);
		char *s = sb_take(&body);
		if (!s) {
			nomem(p);
			return;
		}
		h->r->heredoc = arena_strndup(p, s, strlen(s));
		free(s);
		free(h);
	}
}

// ---- parser -----------------------------------------------------------------

static const char *const reserved[] = {
	"if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
	"while", "until", "for", "{", "}", "!", "in", NULL,
};

static int is_word(struct sh_parser *p, const char *w)
{
	return p->tok == T_WORD && strcmp(p->word, w) == 0;
}

static int is_reserved(const char *w)
{
	for (int i = 0; reserved[i]; i++)
		if (strcmp(reserved[i], w) == 0)
			return 1;
	return 0;
}

static int is_reserved(const char *w);

static const char *tok_name(struct sh_parser *p)
{
	switch (p->tok) {
	case T_EOF: return "end of file";
	case T_NEWLINE: return "newline";
	case T_SEMI: return "\";\"";
	case T_DSEMI: return "\";;\"";
	case T_AMP: return "\"&\"";
	case T_AND: return "\"&&\"";
	case T_OR: return "\"||\"";
	case T_PIPE: return "\"|\"";
	case T_LPAREN: return "\"(\"";
	case T_RPAREN: return "\")\"";
	case T_REDIR: return "redirection";
	case T_WORD: break;
	}
	return NULL;
}

// "X unexpected" for the current token (expecting: what was wanted).
static void unexpected(struct sh_parser *p, const char *expecting)
{
	if (p->error)
		return;
	if (p->tok == T_EOF) {
		incomplete(p, expecting);
		return;
	}
	char what[80];
	const char *n = tok_name(p);
	if (n)
		snprintf(what, sizeof(what), "%s", n);
	else if (is_reserved(p->word))
		snprintf(what, sizeof(what), "\"%.60s\"", p->word);
	else
		snprintf(what, sizeof(what), "word");
	if (expecting)
		syntax(p, "%s unexpected (expecting \"%s\")", what, expecting);
	else
		syntax(p, "%s unexpected", what);
}

static struct sh_node *new_node(struct sh_parser *p, enum sh_node_type t)
{
	struct sh_node *n = arena_alloc(p->arena, sizeof(*n));
	if (!n) {
		nomem(p);
		return NULL;
	}
	n->type = t;
	n->lineno = p->lineno;
	n->arena = p->arena;
	return n;
}

static struct sh_node *parse_list(struct sh_parser *p, int top);

static void skip_newlines(struct sh_parser *p)
{
	next(p);
	while (p->tok == T_NEWLINE)
		next(p);
	push_back(p);
}

// Expect word w next (after newlines); report otherwise.
static int expect_word(struct sh_parser *p, const char *w)
{
	next(p);
	if (is_word(p, w))
		return 0;
	unexpected(p, w);
	return -1;
}

// A list that must not be empty, ending before one of the words in ends.
static struct sh_node *parse_body(struct sh_parser *p, const char *end)
{
	struct sh_node *n = parse_list(p, 0);
	if (!n && !p->error) {
		next(p);
		unexpected(p, end);
	}
	return n;
}

static int parse_redir(struct sh_parser *p, struct sh_redir ***tail)
{
	const char *op = p->word;
	int fd = p->io_number;
	struct sh_redir *r = arena_alloc(p->arena, sizeof(*r));
	if (!r) {
		nomem(p);
		return -1;
	}
	next(p);
	if (p->tok != T_WORD) {
		unexpected(p, NULL);
		return -1;
	}
	r->word = p->word;
	int in = op[0] == '<';
	if (strcmp(op, "<<") == 0 || strcmp(op, "<<-") == 0) {
		r->kind = RD_HEREDOC;
		struct heredoc_pending *h = calloc(1, sizeof(*h)), **t = &p->heredocs;
		if (!h) {
			nomem(p);
			return -1;
		}
		h->r = r;
		h->strip = op[2] == '-';
		while (*t)
			t = &(*t)->next;
		*t = h;
	} else if (strcmp(op, ">>") == 0) {
		r->kind = RD_APPEND;
	} else if (strcmp(op, "<&") == 0) {
		r->kind = RD_DUPIN;
	} else if (strcmp(op, ">&") == 0) {
		r->kind = RD_DUPOUT;
	} else if (strcmp(op, "<>") == 0) {
		r->kind = RD_RDWR;
	} else {
		r->kind = in ? RD_IN : RD_OUT;
	}
	r->fd = fd >= 0 ? fd : in ? 0 : 1;
	**tail = r;
	*tail = &r->next;
	return 0;
}

// Redirections after a compound command.
static void parse_trailing_redirs(struct sh_parser *p, struct sh_node *n)
{
	struct sh_redir **tail = &n->redirs;
	for (;;) {
		next(p);
		if (p->tok != T_REDIR) {
			push_back(p);
			return;
		}
		if (parse_redir(p, &tail) < 0)
			return;
	}
}

static int is_assignment_word(const char *w)
{
	const char *eq = strchr(w, '=');
	return eq && eq > w && sh_is_name(w, (size_t)(eq - w));
}

static struct sh_node *parse_command(struct sh_parser *p);

static struct sh_node *parse_simple(struct sh_parser *p)
{
	struct sh_node *n = new_node(p, N_CMD);
	if (!n)
		return NULL;
	size_t start = p->tok_start;
	char **words = NULL;
	int nwords = 0, cap = 0, assigning = 1;
	struct sh_redir **tail = &n->redirs;
	for (;;) {
		if (p->tok == T_REDIR) {
			if (parse_redir(p, &tail) < 0)
				break;
		} else if (p->tok == T_WORD) {
			if (assigning && is_assignment_word(p->word))
				n->nassign++;
			else
				assigning = 0;
			if (nwords + 1 >= cap) {
				int ncap = cap ? cap * 2 : 8;
				char **nw = arena_alloc(p->arena, sizeof(char *) * (size_t)ncap);
				if (!nw) {
					nomem(p);
					break;
				}
				if (words)
					memcpy(nw, words, sizeof(char *) * (size_t)nwords);
				words = nw;
				cap = ncap;
			}
			words[nwords++] = p->word;
		} else {
			push_back(p);
			break;
		}
		next(p);
	}
	n->words = words;
	n->nwords = nwords;
	n->text = p->text + start;
	n->textlen = (int)(p->pos - start);
	return n;
}

static struct sh_node *parse_if(struct sh_parser *p)
{
	struct sh_node *n = new_node(p, N_IF);
	if (!n || !(n->cond = parse_body(p, "then")) || expect_word(p, "then") < 0)
		return NULL;
	if (!(n->body = parse_body(p, "fi")))
		return NULL;
	next(p);
	if (is_word(p, "elif")) {
		n->orelse = parse_if(p);
		return n->orelse ? n : NULL;
	}
	if (is_word(p, "else")) {
		if (!(n->orelse = parse_body(p, "fi")))
			return NULL;
		next(p);
	}
	if (!is_word(p, "fi")) {
		unexpected(p, "fi");
		return NULL;
	}
	return n;
}

static struct sh_node *parse_do_group(struct sh_parser *p, struct sh_node *n)
{
	if (expect_word(p, "do") < 0 || !(n->body = parse_body(p, "done")) ||
	    expect_word(p, "done") < 0)
		return NULL;
	return n;
}

static struct sh_node *parse_for(struct sh_parser *p)
{
	struct sh_node *n = new_node(p, N_FOR);
	if (!n)
		return NULL;
	next(p);
	if (p->tok != T_WORD || !sh_is_name(p->word, strlen(p->word))) {
		if (p->tok == T_WORD)
			syntax(p, "Bad for loop variable");
		else
			unexpected(p, NULL);
		return NULL;
	}
	n->name = p->word;
	skip_newlines(p);
	next(p);
	if (is_word(p, "in")) {
		char **words = NULL;
		int nwords = 0, cap = 0;
		for (;;) {
			next(p);
			if (p->tok != T_WORD)
				break;
			if (nwords + 1 >= cap) {
				int ncap = cap ? cap * 2 : 8;
				char **nw = arena_alloc(p->arena, sizeof(char *) * (size_t)ncap);
				if (!nw) {
					nomem(p);
					return NULL;
				}
				if (words)
					memcpy(nw, words, sizeof(char *) * (size_t)nwords);
				words = nw;
				cap = ncap;
			}
			words[nwords++] = p->word;
		}
		if (p->tok != T_NEWLINE && p->tok != T_SEMI) {
			unexpected(p, NULL);
			return NULL;
		}
		if (!words && !(words = arena_alloc(p->arena, sizeof(char *)))) {
			nomem(p);
			return NULL;
		}
		n->words = words;
		n->nwords = nwords;
		skip_newlines(p);
	} else if (p->tok == T_SEMI) {
		skip_newlines(p);
	} else {
		push_back(p);
	}
	return parse_do_group(p, n);
}

static struct sh_node *parse_case(struct sh_parser *p)
{
	struct sh_node *n = new_node(p, N_CASE);
	if (!n)
		return NULL;
	next(p);
	if (p->tok != T_WORD) {
		unexpected(p, NULL);
		return NULL;
	}
	n->words = arena_alloc(p->arena, sizeof(char *) * 2);
	if (!n->words) {
		nomem(p);
		return NULL;
	}
	n->words[0] = p->word;
	n->nwords = 1;
	skip_newlines(p);
	if (expect_word(p, "in") < 0)
		return NULL;
	struct sh_case_item **tail = &n->items;
	for (;;) {
		skip_newlines(p);
		next(p);
		if (is_word(p, "esac"))
			return n;
		struct sh_case_item *it = arena_alloc(p->arena, sizeof(*it));
		if (!it) {
			nomem(p);
			return NULL;
		}
		if (p->tok == T_LPAREN)
			next(p);
		int cap = 0;
		for (;;) {
			if (p->tok != T_WORD) {
				unexpected(p, NULL);
				return NULL;
			}
			if (it->npats + 1 >= cap) {
				int ncap = cap ? cap * 2 : 4;
				char **np = arena_alloc(p->arena, sizeof(char *) * (size_t)ncap);
				if (!np) {
					nomem(p);
					return NULL;
				}
				if (it->pats)
					memcpy(np, it->pats, sizeof(char *) * (size_t)it->npats);
				it->pats = np;
				cap = ncap;
			}
			it->pats[it->npats++] = p->word;
			next(p);
			if (p->tok == T_RPAREN)
				break;
			if (p->tok != T_PIPE) {
				unexpected(p, ")");
				return NULL;
			}
			next(p);
		}
		it->body = parse_list(p, 0);
		if (p->error)
			return NULL;
		*tail = it;
		tail = &it->next;
		next(p);
		if (p->tok == T_DSEMI)
			continue;
		if (is_word(p, "esac"))
			return n;
		unexpected(p, "esac");
		return NULL;
	}
}

static struct sh_node *parse_compound(struct sh_parser *p)
{
	struct sh_node *n = NULL;
	if (p->tok == T_LPAREN) {
		n = new_node(p, N_SUBSHELL);
		if (!n || !(n->body = parse_body(p, ")")))
			return NULL;
		next(p);
		if (p->tok != T_RPAREN) {
			unexpected(p, ")");
			return NULL;
		}
	} else if (is_word(p, "{")) {
		n = new_node(p, N_GROUP);
		if (!n || !(n->body = parse_body(p, "}")) || expect_word(p, "}") < 0)
			return NULL;
	} else if (is_word(p, "if")) {
		n = parse_if(p);
	} else if (is_word(p, "while") || is_word(p, "until")) {
		int until = is_word(p, "until");
		n = new_node(p, N_WHILE);
		if (!n)
			return NULL;
		n->until = until;
		if (!(n->cond = parse_body(p, "do")))
			return NULL;
		n = parse_do_group(p, n);
	} else if (is_word(p, "for")) {
		n = parse_for(p);
	} else if (is_word(p, "case")) {
		n = parse_case(p);
	}
	if (n)
		parse_trailing_redirs(p, n);
	return n;
}

// An alias as the command word: its value replaces the word in the text,
// which is lexed again. An alias is not expanded again inside its own
// expansion, and at most 16 expansions follow each other.
static int expand_alias(struct sh_parser *p)
{
	struct sh *sh = p->sh;
	if (!sh || !sh->naliases || p->stop_at_rparen) // ($(...) bodies: not our text)
		return 0;
	if (p->tok_start >= p->alias_end)
		p->alias_chain = 0;
	const char *value = NULL;
	for (int i = 0; i < sh->naliases; i++)
		if (strcmp(sh->aliases[i].name, p->word) == 0)
			value = sh->aliases[i].value;
	if (!value || p->alias_chain >= 16 ||
	    (p->tok_start < p->alias_end && strcmp(p->alias_name, p->word) == 0))
		return 0;
	size_t vlen = strlen(value), rest = p->len - p->pos;
	char *text = malloc(p->tok_start + vlen + 1 + rest + 1);
	if (!text) {
		nomem(p);
		return 0;
	}
	memcpy(text, p->text, p->tok_start);
	memcpy(text + p->tok_start, value, vlen);
	text[p->tok_start + vlen] = ' ';
	memcpy(text + p->tok_start + vlen + 1, p->text + p->pos, rest + 1);
	snprintf(p->alias_name, sizeof(p->alias_name), "%s", p->word);
	free(p->text);
	p->text = text;
	p->pos = p->tok_start;
	p->len = p->tok_start + vlen + 1 + rest;
	p->alias_end = p->tok_start + vlen + 1;
	p->alias_chain++;
	p->peeked = 0;
	return 1;
}

// Is the next thing in the text a '(' (NAME() starts a function)?
static int peek_lparen(struct sh_parser *p)
{
	size_t k = p->pos;
	while (k < p->len && (p->text[k] == ' ' || p->text[k] == '\t'))
		k++;
	return k < p->len && p->text[k] == '(';
}

static struct sh_node *parse_command(struct sh_parser *p)
{
	if (sh_stack_check(p->sh) < 0) {
		p->error = SH_PARSE_ERROR;
		return NULL;
	}
	next(p);
	if (p->tok == T_LPAREN || (p->tok == T_WORD && (is_word(p, "{") || is_word(p, "if") ||
	    is_word(p, "while") || is_word(p, "until") || is_word(p, "for") || is_word(p, "case"))))
		return parse_compound(p);
	if (p->tok == T_WORD && is_reserved(p->word)) {
		unexpected(p, NULL);
		return NULL;
	}
	if (p->tok == T_WORD && expand_alias(p))
		return parse_command(p);
	if (p->tok != T_WORD && p->tok != T_REDIR) {
		unexpected(p, NULL);
		return NULL;
	}
	// NAME ( ) compound: a function definition.
	if (p->tok == T_WORD && peek_lparen(p)) {
		char *name = p->word;
		next(p);
		if (p->tok == T_LPAREN) {
			next(p);
			if (p->tok != T_RPAREN) {
				unexpected(p, ")");
				return NULL;
			}
			if (!sh_is_name(name, strlen(name))) {
				syntax(p, "Bad function name");
				return NULL;
			}
			struct sh_node *f = new_node(p, N_FUNC);
			if (!f)
				return NULL;
			f->name = name;
			skip_newlines(p);
			f->body = parse_command(p); // dash takes any command
			return f->body ? f : NULL;
		}
	}
	return parse_simple(p);
}

static struct sh_node *parse_pipeline(struct sh_parser *p)
{
	struct sh_node *n = new_node(p, N_PIPE);
	if (!n)
		return NULL;
	next(p);
	while (is_word(p, "!")) {
		n->bang = !n->bang;
		next(p);
	}
	push_back(p);
	struct sh_node **tail = &n->kids;
	for (;;) {
		struct sh_node *c = parse_command(p);
		if (!c)
			return NULL;
		*tail = c;
		tail = &c->next;
		next(p);
		if (p->tok != T_PIPE) {
			push_back(p);
			return n;
		}
		skip_newlines(p);
	}
}

static struct sh_node *parse_andor(struct sh_parser *p)
{
	struct sh_node *n = new_node(p, N_ANDOR);
	if (!n)
		return NULL;
	struct sh_node **tail = &n->kids;
	int op = 0;
	for (;;) {
		struct sh_node *c = parse_pipeline(p);
		if (!c)
			return NULL;
		c->op = op;
		*tail = c;
		tail = &c->next;
		next(p);
		if (p->tok != T_AND && p->tok != T_OR) {
			push_back(p);
			return n;
		}
		op = p->tok == T_AND ? OP_AND : OP_OR;
		skip_newlines(p);
	}
}

// Can the token start a command?
static int starts_command(struct sh_parser *p)
{
	if (p->tok == T_LPAREN || p->tok == T_REDIR)
		return 1;
	if (p->tok != T_WORD)
		return 0;
	static const char *const enders[] = {"then", "else", "elif", "fi", "do", "done",
					      "esac", "}", NULL};
	for (int i = 0; enders[i]; i++)
		if (strcmp(p->word, enders[i]) == 0)
			return 0;
	return 1;
}

// A list of and-or chains separated by ; & or newlines. top: one line only
// (stop at the first newline after a complete command).
static struct sh_node *parse_list(struct sh_parser *p, int top)
{
	struct sh_node *n = new_node(p, N_LIST);
	if (!n)
		return NULL;
	struct sh_node **tail = &n->kids;
	if (!top)
		skip_newlines(p);
	for (;;) {
		next(p);
		if (!starts_command(p) || (p->stop_at_rparen && p->tok == T_RPAREN)) {
			push_back(p);
			break;
		}
		push_back(p);
		size_t start = p->pos;
		{
			// the start of the and-or's text, after blanks
			next(p);
			start = p->tok_start;
			push_back(p);
		}
		struct sh_node *c = parse_andor(p);
		if (!c)
			return NULL;
		*tail = c;
		tail = &c->next;
		next(p);
		size_t end = p->tok_start;
		while (end > start && (p->text[end - 1] == ' ' || p->text[end - 1] == '\t'))
			end--;
		c->textlen = (int)(end - start);
		if (!(c->text = arena_strndup(p, p->text + start, end - start)))
			return NULL;
		if (p->tok == T_AMP || p->tok == T_SEMI) {
			c->bg = p->tok == T_AMP;
			if (top) {
				next(p);
				if (p->tok == T_NEWLINE || p->tok == T_EOF) {
					if (p->tok == T_EOF)
						push_back(p);
					else
						p->line_done = 1;
					break;
				}
				push_back(p);
				continue;
			}
			skip_newlines(p);
			continue;
		}
		if (p->tok == T_NEWLINE) {
			if (top) {
				p->line_done = 1;
				break;
			}
			skip_newlines(p);
			continue;
		}
		push_back(p);
		break;
	}
	if (!n->kids)
		return NULL;
	// One command alone: no list, and-or or pipeline nodes around it
	// (each would be a level of recursion when it runs).
	struct sh_node *k = n->kids;
	if (k->next || k->bg)
		return n;
	if (k->type == N_ANDOR && !k->kids->next)
		k = k->kids;
	if (k->type == N_PIPE && !k->bang && !k->kids->next)
		k = k->kids;
	k->op = 0;
	return k;
}

// ---- entry points -------------------------------------------------------------

struct sh_parser *sh_parser_new(struct sh *sh, const char *text, int lineno)
{
	struct sh_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->sh = sh;
	p->len = strlen(text);
	p->text = malloc(p->len + 1);
	if (!p->text) {
		free(p);
		return NULL;
	}
	memcpy(p->text, text, p->len + 1);
	p->lineno = lineno;
	return p;
}

int sh_parser_lineno(struct sh_parser *p) { return p->lineno; }

int sh_parser_at_end(struct sh_parser *p)
{
	if (p->peeked)
		return p->tok == T_EOF;
	for (size_t i = p->pos; i < p->len; i++) {
		if (p->text[i] == '#')
			while (i + 1 < p->len && p->text[i + 1] != '\n')
				i++;
		else if (p->text[i] != ' ' && p->text[i] != '\t' && p->text[i] != '\n')
			return 0;
	}
	return 1;
}

static void drop_heredocs(struct sh_parser *p)
{
	while (p->heredocs) {
		struct heredoc_pending *h = p->heredocs;
		p->heredocs = h->next;
		free(h);
	}
}

void sh_parser_free(struct sh_parser *p)
{
	if (!p)
		return;
	drop_heredocs(p);
	free(p->text);
	free(p);
}

int sh_parse_next(struct sh_parser *p, struct sh_node **out)
{
	*out = NULL;
	if (p->error)
		return p->error;
	p->arena = arena_new();
	if (!p->arena) {
		nomem(p);
		return p->error;
	}
	// Blank lines and comments first.
	for (;;) {
		next(p);
		if (p->tok != T_NEWLINE)
			break;
	}
	if (p->tok == T_EOF) {
		sh_arena_put(p->arena);
		p->arena = NULL;
		return p->error ? p->error : SH_PARSE_EOF;
	}
	push_back(p);
	p->line_done = 0;
	struct sh_node *n = parse_list(p, 1);
	if (!p->error && !p->line_done) {
		next(p);
		if (p->tok != T_EOF)
			unexpected(p, NULL);
	}
	if (!p->error && p->heredocs)
		read_heredocs(p);
	if (p->error || !n) {
		sh_arena_put(p->arena);
		p->arena = NULL;
		drop_heredocs(p);
		return p->error ? p->error : SH_PARSE_EOF;
	}
	*out = n;
	p->arena = NULL;
	return SH_PARSE_OK;
}

void sh_parser_report_eof(struct sh_parser *p)
{
	if (p->expecting == QUOTE)
		syntax_force(p, "Unterminated quoted string%s", "");
	else if (p->expecting)
		syntax_force(p, "end of file unexpected (expecting \"%s\")", p->expecting);
	else
		syntax_force(p, "end of file unexpected%s", "");
}

struct sh_node *sh_parse_all(struct sh *sh, const char *text, int lineno, int *status)
{
	struct sh_parser *p = sh_parser_new(sh, text, lineno);
	if (!p) {
		*status = SH_PARSE_ERROR;
		return NULL;
	}
	p->arena = arena_new();
	struct sh_node *n = NULL;
	if (!p->arena) {
		nomem(p);
	} else {
		n = parse_list(p, 0);
		if (!p->error) {
			next(p);
			if (p->tok != T_EOF)
				unexpected(p, NULL);
		}
	}
	if (!p->error && p->heredocs)
		read_heredocs(p);
	if (p->error == SH_PARSE_INCOMPLETE) // the text is all there is
		sh_parser_report_eof(p);
	*status = p->error ? p->error : n ? SH_PARSE_OK : SH_PARSE_EOF;
	if (p->error || !n) {
		sh_arena_put(p->arena);
		n = NULL;
	}
	sh_parser_free(p);
	return n;
}

static long scan_subst_body(struct sh *sh, const char *s, size_t len, int *err,
			    int lineno, const char **expecting)
{
	struct sh_parser sub = {0};
	sub.lineno = lineno;
	sub.sh = sh;
	sub.text = (char *)s;
	sub.len = len;
	sub.stop_at_rparen = 1;
	sub.arena = arena_new();
	if (!sub.arena) {
		*err = SH_PARSE_ERROR;
		return -1;
	}
	parse_list(&sub, 0);
	long end = -1;
	if (!sub.error) {
		next(&sub);
		if (sub.tok == T_RPAREN)
			end = (long)sub.tok_start;
		else if (sub.tok == T_EOF)
			sub.error = SH_PARSE_INCOMPLETE;
		else
			unexpected(&sub, ")");
	}
	*err = sub.error;
	*expecting = sub.expecting;
	drop_heredocs(&sub);
	sh_arena_put(sub.arena);
	return end;
}

long sh_scan_subst(struct sh *sh, const char *s)
{
	int err;
	const char *expecting;
	return scan_subst_body(sh, s, strlen(s), &err, sh->lineno, &expecting);
}
