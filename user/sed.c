// sed, the stream editor, as GNU sed runs the common scripts:
//   sed [-n] [-E|-r] [-i] [-e SCRIPT]... [SCRIPT] [FILE...]
// Commands: s/RE/REPL/FLAGS (flags g, p, N, I), p, d, q, =, y/SRC/DST/,
// a TEXT, i TEXT, c TEXT, n, { ... }, with addresses N, $, /RE/ (\cREc),
// ranges ADDR1,ADDR2 and ! after them. Commands are separated by ';' or
// newlines. The replacement knows & and \1..\9. Regexes are user/regex_match's
// (BRE, or ERE with -E).
//
// A script compiles to an array of commands; a '{' holds the index of its
// '}', so blocks need no recursion at run time.
#include "user/applib.h"
#include "user/corral.h"
#include "user/regex_match.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { A_NONE, A_LINE, A_LAST, A_REGEX, A_PLUS /* ADDR1,+N */ };

struct sed_addr {
	int type;
	unsigned long line;
	struct regex *re;
};

struct sed_cmd {
	struct sed_addr a1, a2;
	int negate;
	int in_range;       // between a1 and a2
	unsigned long range_end; // a2 was a line number <= a1's line
	char cmd;
	// s
	struct regex *re;
	char *repl;         // also the text of a, i, c
	int global, print;
	unsigned long nth;
	unsigned char ymap[256];
	int jump;           // '{': the index of its '}'
};

struct sed_script {
	struct sed_cmd *cmds;
	int n, cap;
	int quiet, extended;
	const char *src; // for messages: the expression being compiled
	int expr_no;
	// GNU keeps a last line without '\n' so: its newline is written only
	// if more output follows.
	int unterminated; // the current line had no '\n'
	int owe_newline;  // the last output was such a line
	char *hold;       // the hold space (g G h H x), from malloc
	size_t hold_len;
};

struct sed_input {
	char **files;
	int nfiles, next;
	int fd;
	struct applib_lines lines;
	int open;
	int status;
	// one line of lookahead, to know the last line
	char *ahead;
	size_t ahead_len;
	int has_ahead;
	int ahead_unterminated;
};

static void sed_error(const struct sed_script *s, const char *p, const char *msg)
{
	fprintf(stderr, "sed: -e expression #%d, char %d: %s\n", s->expr_no,
		(int)(p - s->src), msg);
}

// Text up to an unescaped delim, with "\delim" turned into delim (and in
// a regex, '\n' into a newline). NULL if unterminated.
static char *sed_part(const char **pp, char delim, int is_regex)
{
	const char *p = *pp;
	size_t cap = strlen(p) + 1, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	while (*p && *p != delim) {
		if (*p == '\\' && p[1]) {
			if (p[1] == delim) {
				out[n++] = delim;
				p += 2;
				continue;
			}
			if (is_regex && p[1] == 'n') {
				out[n++] = '\n';
				p += 2;
				continue;
			}
			out[n++] = *p++;
		}
		out[n++] = *p++;
	}
	if (*p != delim) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	*pp = p + 1;
	return out;
}

static struct regex *sed_regex(struct sed_script *s, const char *pat, int icase,
			       const char *where)
{
	const char *err = NULL;
	struct regex *re = regex_compile(pat, (s->extended ? REGEX_EXTENDED : 0) |
						      (icase ? REGEX_ICASE : 0),
					 &err);
	if (!re)
		sed_error(s, where, err ? err : "out of memory");
	return re;
}

static int sed_parse_addr(struct sed_script *s, const char **pp, struct sed_addr *a)
{
	const char *p = *pp;
	a->type = A_NONE;
	if (*p >= '0' && *p <= '9') {
		a->type = A_LINE;
		a->line = strtoul(p, (char **)&p, 10);
		if (a->line == 0) {
			sed_error(s, p + 1, "invalid usage of line address 0");
			return -1;
		}
	} else if (*p == '$') {
		a->type = A_LAST;
		p++;
	} else if (*p == '/' || *p == '\\') {
		char delim = '/';
		if (*p == '\\')
			delim = *++p;
		p++;
		char *pat = sed_part(&p, delim, 1);
		if (!pat) {
			sed_error(s, p + strlen(p), "unterminated address regex");
			return -1;
		}
		int icase = *p == 'I';
		if (icase)
			p++;
		a->type = A_REGEX;
		a->re = sed_regex(s, pat, icase, p);
		free(pat);
		if (!a->re)
			return -1;
	}
	*pp = p;
	return 0;
}

static struct sed_cmd *sed_new_cmd(struct sed_script *s)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		struct sed_cmd *c = realloc(s->cmds, sizeof(*c) * (size_t)cap);
		if (!c)
			return NULL;
		s->cmds = c;
		s->cap = cap;
	}
	struct sed_cmd *c = &s->cmds[s->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

// The s command after "s": /RE/REPL/FLAGS.
static int sed_parse_s(struct sed_script *s, const char **pp, struct sed_cmd *c)
{
	const char *p = *pp;
	char delim = *p;
	if (!delim || delim == '\n' || delim == '\\') {
		sed_error(s, p + (*p ? 1 : 0), "unterminated `s' command");
		return -1;
	}
	p++;
	char *pat = sed_part(&p, delim, 1);
	char *repl = pat ? sed_part(&p, delim, 0) : NULL;
	if (!repl) {
		free(pat);
		sed_error(s, p + strlen(p), "unterminated `s' command");
		return -1;
	}
	int icase = 0;
	c->nth = 1;
	for (;; p++) {
		if (*p == 'g')
			c->global = 1;
		else if (*p == 'p')
			c->print = 1;
		else if (*p == 'I' || *p == 'i')
			icase = 1;
		else if (*p >= '1' && *p <= '9')
			c->nth = strtoul(p, (char **)&p, 10), p--;
		else if (!*p || *p == ';' || *p == '\n' || *p == '}' || *p == ' ' || *p == '\t')
			break;
		else {
			free(pat);
			free(repl);
			sed_error(s, p + 1, "unknown option to `s'");
			return -1;
		}
	}
	c->re = sed_regex(s, pat, icase, p);
	free(pat);
	c->repl = repl;
	*pp = p;
	return c->re ? 0 : -1;
}

static int sed_parse_y(struct sed_script *s, const char **pp, struct sed_cmd *c)
{
	const char *p = *pp;
	char delim = *p++;
	char *src = delim ? sed_part(&p, delim, 0) : NULL;
	char *dst = src ? sed_part(&p, delim, 0) : NULL;
	for (int k = 0; k < 256; k++)
		c->ymap[k] = (unsigned char)k;
	int ok = src && dst && strlen(src) == strlen(dst);
	if (!src || !dst)
		sed_error(s, p + strlen(p), "unterminated `y' command");
	else if (!ok)
		sed_error(s, p, "strings for `y' command are different lengths");
	for (size_t k = 0; ok && src[k]; k++)
		c->ymap[(unsigned char)src[k]] = (unsigned char)dst[k];
	free(src);
	free(dst);
	*pp = p;
	return ok ? 0 : -1;
}

// a, i, c: "a text", "a\<newline>text"; the text runs to the end of line.
static int sed_parse_text(const char **pp, struct sed_cmd *c)
{
	const char *p = *pp;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\\') {
		p++;
		if (*p == '\n')
			p++;
	}
	size_t n = strcspn(p, "\n");
	c->repl = malloc(n + 1);
	if (!c->repl)
		return -1;
	size_t o = 0;
	for (size_t k = 0; k < n; k++) { // backslashes quote the next char
		if (p[k] == '\\' && k + 1 < n)
			k++;
		c->repl[o++] = p[k];
	}
	c->repl[o] = '\0';
	*pp = p + n;
	return 0;
}

static int sed_compile(struct sed_script *s, const char *src)
{
	const char *p = src;
	s->src = src;
	s->expr_no++;
	int *open = malloc(sizeof(int) * (strlen(src) + 1)), nopen = 0;
	if (!open)
		return -1;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ';')
			p++;
		if (!*p)
			break;
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		struct sed_cmd *c = sed_new_cmd(s);
		if (!c)
			goto fail;
		if (sed_parse_addr(s, &p, &c->a1) < 0)
			goto fail;
		if (*p == ',' && c->a1.type != A_NONE) {
			p++;
			if (*p == '+' && p[1] >= '0' && p[1] <= '9') { // GNU: the N lines after
				c->a2.type = A_PLUS;
				c->a2.line = strtoul(p + 1, (char **)&p, 10);
			} else if (sed_parse_addr(s, &p, &c->a2) < 0) {
				goto fail;
			}
			if (c->a2.type == A_NONE) {
				sed_error(s, p, "unexpected `,'");
				goto fail;
			}
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '!') {
			c->negate = 1;
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		c->cmd = *p;
		if (!*p) {
			sed_error(s, p, "missing command");
			goto fail;
		}
		p++;
		switch (c->cmd) {
		case 's':
			if (sed_parse_s(s, &p, c) < 0)
				goto fail;
			break;
		case 'y':
			if (sed_parse_y(s, &p, c) < 0)
				goto fail;
			break;
		case 'a': case 'i': case 'c':
			if (sed_parse_text(&p, c) < 0)
				goto fail;
			break;
		case '{':
			open[nopen++] = s->n - 1;
			break;
		case '}':
			if (nopen == 0 || c->a1.type != A_NONE) {
				sed_error(s, p, "unexpected `}'");
				goto fail;
			}
			s->cmds[open[--nopen]].jump = s->n - 1;
			break;
		case 'p': case 'd': case 'q': case '=': case 'n': case 'N': case 'D': case 'P':
		case 'g': case 'G': case 'h': case 'H': case 'x': case 'l':
			break;
		default: {
			char msg[40];
			snprintf(msg, sizeof(msg), "unknown command: `%c'", c->cmd);
			sed_error(s, p, msg);
			goto fail;
		}
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (c->cmd != '{' && *p && *p != ';' && *p != '\n' && *p != '}' && *p != '#') {
			sed_error(s, p + 1, "extra characters after command");
			goto fail;
		}
	}
	if (nopen) {
		sed_error(s, p, "unmatched `{'");
		goto fail;
	}
	free(open);
	return 0;
fail:
	free(open);
	return -1;
}

// ---- running ----------------------------------------------------------------

// The next input line into *line (malloc'd copy). 1, or 0 at the end.
static int sed_fetch(struct sed_input *in, char **line, size_t *len)
{
	for (;;) {
		if (!in->open) {
			if (in->next >= in->nfiles)
				return 0;
			const char *name = in->files[in->next++];
			in->fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
			if (in->fd < 0) {
				fprintf(stderr, "sed: can't read %s: %s\n", name, strerror(errno));
				in->status = 2;
				continue;
			}
			applib_lines_init(&in->lines, in->fd);
			in->open = 1;
		}
		char *l;
		size_t n;
		int rc = applib_lines_next(&in->lines, &l, &n);
		if (rc > 0) {
			*line = malloc(n + 1);
			if (!*line)
				return 0;
			memcpy(*line, l, n + 1);
			*len = n;
			in->ahead_unterminated = in->lines.unterminated;
			return 1;
		}
		applib_lines_free(&in->lines);
		if (in->fd > 0)
			close(in->fd);
		in->open = 0;
	}
}

static int sed_next_line(struct sed_script *s, struct sed_input *in, char **line,
			 size_t *len, int *last)
{
	if (!in->has_ahead && !sed_fetch(in, &in->ahead, &in->ahead_len))
		return 0;
	*line = in->ahead;
	*len = in->ahead_len;
	s->unterminated = in->ahead_unterminated;
	in->has_ahead = sed_fetch(in, &in->ahead, &in->ahead_len);
	*last = !in->has_ahead;
	return 1;
}

static int sed_addr_match(const struct sed_addr *a, const char *line, size_t len,
			  unsigned long lineno, int last)
{
	long caps[2];
	switch (a->type) {
	case A_LINE: return lineno == a->line;
	case A_LAST: return last;
	case A_REGEX: return regex_exec(a->re, line, len, 0, caps, 2) == 1;
	}
	return 1;
}

static int sed_selected(struct sed_cmd *c, const char *line, size_t len,
			unsigned long lineno, int last)
{
	int hit;
	if (c->a1.type == A_NONE) {
		hit = 1;
	} else if (c->a2.type == A_NONE) {
		hit = sed_addr_match(&c->a1, line, len, lineno, last);
	} else if (c->in_range) {
		hit = 1;
		if (c->a2.type == A_LINE || c->a2.type == A_PLUS
			    ? lineno >= c->range_end
			    : sed_addr_match(&c->a2, line, len, lineno, last))
			c->in_range = 0;
	} else {
		hit = sed_addr_match(&c->a1, line, len, lineno, last);
		c->range_end = c->a2.type == A_PLUS ? lineno + c->a2.line : c->a2.line;
		if (hit)
			c->in_range = !((c->a2.type == A_LINE || c->a2.type == A_PLUS) &&
					c->range_end <= lineno) &&
				      !(c->a2.type == A_LAST && last);
	}
	return hit != c->negate;
}

struct sed_buf {
	char *s;
	size_t len, cap;
};

static int sed_put(struct sed_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, cap);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static void sed_replacement(struct sed_buf *out, const char *repl, const char *line,
			    const long *caps)
{
	for (const char *r = repl; *r; r++) {
		if (*r == '&') {
			sed_put(out, line + caps[0], (size_t)(caps[1] - caps[0]));
		} else if (*r == '\\' && r[1] >= '0' && r[1] <= '9') {
			int g = *++r - '0';
			if (caps[2 * g] >= 0)
				sed_put(out, line + caps[2 * g],
					(size_t)(caps[2 * g + 1] - caps[2 * g]));
		} else if (*r == '\\' && r[1]) {
			r++;
			char ch = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
			sed_put(out, &ch, 1);
		} else {
			sed_put(out, r, 1);
		}
	}
}

// s///: replace in *line; 1 if a substitution was made. As GNU sed, an
// empty match right where the previous match ended does not count.
static int sed_substitute(const struct sed_cmd *c, char **line, size_t *len)
{
	long caps[20];
	struct sed_buf out = {0};
	size_t pos = 0, copied = 0;
	long prev_end = -1;
	unsigned long count = 0;
	int done = 0;
	while (pos <= *len && regex_exec(c->re, *line, *len, pos, caps, 20) == 1) {
		size_t ms = (size_t)caps[0], me = (size_t)caps[1];
		if (ms == me && (long)ms == prev_end) {
			if (ms >= *len)
				break;
			pos = ms + 1;
			continue;
		}
		prev_end = (long)me;
		if (++count >= c->nth) {
			sed_put(&out, *line + copied, ms - copied);
			sed_replacement(&out, c->repl, *line, caps);
			copied = me;
			done = 1;
			if (!c->global)
				break;
		}
		if (me == ms) {
			if (ms >= *len)
				break;
			pos = ms + 1;
		} else {
			pos = me;
		}
	}
	if (!done) {
		free(out.s);
		return 0;
	}
	sed_put(&out, *line + copied, *len - copied);
	if (!out.s)
		return 0; // out of memory: the line stays
	free(*line);
	*line = out.s;
	*len = out.len;
	return 1;
}

// Output of the pattern space (whole, so a missing newline applies).
static void sed_print(struct sed_script *sc, FILE *out, const char *s, size_t n,
		      int whole)
{
	if (sc->owe_newline)
		fputc('\n', out);
	fwrite(s, 1, n, out);
	sc->owe_newline = whole && sc->unterminated;
	if (!sc->owe_newline)
		fputc('\n', out);
}

// Any other output (=, a, i, c): lines of their own.
static void sed_text(struct sed_script *sc, FILE *out, const char *text)
{
	if (sc->owe_newline)
		fputc('\n', out);
	sc->owe_newline = 0;
	fputs(text, out);
}

// g G h H x: copy or append between the pattern space (*line) and the
// hold space; x swaps them.
static void sed_hold(struct sed_script *s, char cmd, char **line, size_t *len)
{
	const char *from = cmd == 'g' || cmd == 'G' ? (s->hold ? s->hold : "") : *line;
	size_t flen = cmd == 'g' || cmd == 'G' ? s->hold_len : *len;
	if (cmd == 'x') {
		char *t = s->hold ? s->hold : strdup("");
		if (!t)
			return;
		s->hold = *line;
		s->hold_len = *len;
		*line = t;
		*len = strlen(t);
		return;
	}
	char **to = cmd == 'g' || cmd == 'G' ? line : &s->hold;
	size_t *tlen = cmd == 'g' || cmd == 'G' ? len : &s->hold_len;
	int append = cmd == 'G' || cmd == 'H';
	size_t keep = append && *to ? *tlen : 0;
	char *n = malloc(keep + (append ? 1 : 0) + flen + 1);
	if (!n)
		return;
	if (keep)
		memcpy(n, *to, keep);
	if (append)
		n[keep++] = '\n';
	memcpy(n + keep, from, flen);
	n[keep + flen] = '\0';
	free(*to);
	*to = n;
	*tlen = keep + flen;
}

// l: the pattern space with escapes, wrapped at 70 columns, ending in $.
static void sed_list(struct sed_script *s, FILE *out, const char *line, size_t len)
{
	char buf[8];
	int col = 0;
	if (s->owe_newline)
		fputc('\n', out);
	s->owe_newline = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)line[k];
		const char *esc = c == '\\' ? "\\\\" : c == '\a' ? "\\a" : c == '\b' ? "\\b"
				: c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
				: c == '\t' ? "\\t" : c == '\v' ? "\\v" : NULL;
		if (!esc && (c < 32 || c >= 127)) {
			snprintf(buf, sizeof(buf), "\\%03o", c);
			esc = buf;
		}
		int w = esc ? (int)strlen(esc) : 1;
		if (col + w > 69) {
			fputs("\\\n", out);
			col = 0;
		}
		if (esc)
			fputs(esc, out);
		else
			fputc(c, out);
		col += w;
	}
	fputs("$\n", out);
}

// One cycle's state: the pattern space and where the input is.
struct sed_cycle {
	char *line;            // the pattern space, from malloc
	size_t len;
	unsigned long lineno;
	int last;              // the line is the input's last
	int deleted, quit;     // end the cycle without printing / the run
	struct sed_buf append; // a's text, written at the end of the cycle
};

// n and N: print (n) and replace, or append (N), the next input line.
static void sed_next_input(struct sed_script *s, struct sed_input *in, FILE *out, char cmd,
			   struct sed_cycle *cy)
{
	char *next;
	size_t nlen;
	int nlast;
	if (cmd == 'n' && !s->quiet)
		sed_print(s, out, cy->line, cy->len, 1);
	if (!sed_next_line(s, in, &next, &nlen, &nlast)) {
		if (cmd == 'N' && !s->quiet) // GNU prints the pattern space
			sed_print(s, out, cy->line, cy->len, 1);
		cy->deleted = cy->quit = 1;
		return;
	}
	cy->lineno++;
	cy->last = nlast;
	if (cmd == 'n') {
		free(cy->line);
		cy->line = next;
		cy->len = nlen;
		return;
	}
	char *joined = malloc(cy->len + nlen + 2);
	if (joined) {
		memcpy(joined, cy->line, cy->len);
		joined[cy->len] = '\n';
		memcpy(joined + cy->len + 1, next, nlen + 1);
		free(cy->line);
		cy->line = joined;
		cy->len += nlen + 1;
	}
	free(next);
}

// Run command c (selected for this line) on the cycle.
static void sed_command(struct sed_script *s, struct sed_input *in, FILE *out,
			const struct sed_cmd *c, struct sed_cycle *cy)
{
	char num[32];
	switch (c->cmd) {
	case 's':
		if (sed_substitute(c, &cy->line, &cy->len) && c->print)
			sed_print(s, out, cy->line, cy->len, 1);
		break;
	case 'y':
		for (size_t k = 0; k < cy->len; k++)
			cy->line[k] = (char)c->ymap[(unsigned char)cy->line[k]];
		break;
	case 'p': case 'P':
		sed_print(s, out, cy->line, c->cmd == 'P' ? strcspn(cy->line, "\n") : cy->len,
			  c->cmd == 'p');
		break;
	case 'd': case 'D':
		cy->deleted = 1;
		break;
	case 'g': case 'G': case 'h': case 'H': case 'x':
		sed_hold(s, c->cmd, &cy->line, &cy->len);
		break;
	case 'l':
		sed_list(s, out, cy->line, cy->len);
		break;
	case 'q':
		cy->quit = 1;
		break;
	case '=':
		snprintf(num, sizeof(num), "%lu\n", cy->lineno);
		sed_text(s, out, num);
		break;
	case 'a':
		sed_put(&cy->append, c->repl, strlen(c->repl));
		sed_put(&cy->append, "\n", 1);
		break;
	case 'i':
		sed_text(s, out, c->repl);
		sed_text(s, out, "\n");
		break;
	case 'c': // a range prints its text once, at its end
		if (c->a2.type == A_NONE || !c->in_range) {
			sed_text(s, out, c->repl);
			sed_text(s, out, "\n");
		}
		cy->deleted = 1;
		break;
	case 'n': case 'N':
		sed_next_input(s, in, out, c->cmd, cy);
		break;
	}
}

// Run the script over the input. Returns the exit status.
static int sed_run(struct sed_script *s, struct sed_input *in, FILE *out)
{
	struct sed_cycle cy = {0};
	while (!cy.quit && sed_next_line(s, in, &cy.line, &cy.len, &cy.last)) {
		cy.lineno++;
		cy.deleted = 0;
		memset(&cy.append, 0, sizeof(cy.append));
		for (int i = 0; i < s->n && !cy.deleted && !cy.quit; i++) {
			struct sed_cmd *c = &s->cmds[i];
			if (c->cmd == '}')
				continue;
			if (!sed_selected(c, cy.line, cy.len, cy.lineno, cy.last)) {
				if (c->cmd == '{')
					i = c->jump; // skip the block
				continue;
			}
			sed_command(s, in, out, c, &cy);
		}
		if (!cy.deleted && !s->quiet)
			sed_print(s, out, cy.line, cy.len, 1);
		if (cy.append.len)
			sed_text(s, out, cy.append.s);
		free(cy.append.s);
		free(cy.line);
	}
	if (in->has_ahead)
		free(in->ahead);
	in->has_ahead = 0;
	if (in->open) {
		applib_lines_free(&in->lines);
		if (in->fd > 0)
			close(in->fd);
		in->open = 0;
	}
	return in->status;
}

static void sed_free(struct sed_script *s)
{
	free(s->hold);
	for (int i = 0; i < s->n; i++) {
		regex_free(s->cmds[i].a1.re);
		regex_free(s->cmds[i].a2.re);
		regex_free(s->cmds[i].re);
		free(s->cmds[i].repl);
	}
	free(s->cmds);
}

// -i: each file edited on its own, through FILE.sedtmp.
static int sed_in_place(struct sed_script *s, char **files, int n)
{
	int status = 0;
	for (int k = 0; k < n; k++) {
		char tmp[512];
		snprintf(tmp, sizeof(tmp), "%s.sedtmp", files[k]);
		int fd = open(files[k], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "sed: can't read %s: %s\n", files[k], strerror(errno));
			status = 2;
			continue;
		}
		close(fd);
		FILE *out = fopen(tmp, "w");
		if (!out) {
			fprintf(stderr, "sed: couldn't open temporary file %s: %s\n", tmp,
				strerror(errno));
			return 4;
		}
		for (int i = 0; i < s->n; i++)
			s->cmds[i].in_range = 0;
		s->owe_newline = 0;
		struct sed_input in = {.files = files + k, .nfiles = 1};
		status |= sed_run(s, &in, out);
		if (fclose(out) != 0 || rename(tmp, files[k]) != 0) {
			fprintf(stderr, "sed: cannot rename %s: %s\n", tmp, strerror(errno));
			return 4;
		}
	}
	return status;
}

static int sed_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n"
			   "  -n        suppress automatic printing of pattern space\n"
			   "  -e script add the script to the commands to be executed\n"
			   "  -E, -r    use extended regular expressions in the script\n"
			   "  -i        edit files in place\n"
			   "Commands: s/RE/REPL/[gpNI] p d q = y/SRC/DST/ a i c n N { }\n"
			   "Addresses: N $ /RE/ ADDR1,ADDR2 and ! to negate.\n"))
		return 0;
	struct sed_script s;
	memset(&s, 0, sizeof(s));
	int in_place = 0, have_script = 0, c;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {
		{"quiet", 0, 'n'}, {"silent", 0, 'n'}, {"expression", 1, 'e'},
		{"regexp-extended", 0, 'E'}, {"in-place", 0, 'i'}, {NULL, 0, 0}};
	applib_opts_init(&op, "sed", argc, argv, "ne:Erisu", longs);
	// -e scripts are compiled after the options, so -E applies to them all.
	const char **scripts = calloc((size_t)argc + 1, sizeof(char *));
	int nscripts = 0;
	if (!scripts)
		return applib_error("sed", "malloc", ENOMEM);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'n': s.quiet = 1; break;
		case 'e': scripts[nscripts++] = op.arg; have_script = 1; break;
		case 'E': case 'r': s.extended = 1; break;
		case 'i': in_place = 1; break;
		case 's': case 'u': break;
		default:
			free(scripts);
			return 1;
		}
	}
	int i = op.ind;
	if (!have_script) {
		if (i >= op.argc) {
			free(scripts);
			fprintf(stderr, "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
			return 1;
		}
		scripts[nscripts++] = argv[i++];
	}
	int status = 0;
	for (int k = 0; k < nscripts && !status; k++)
		if (sed_compile(&s, scripts[k]) < 0)
			status = 1;
	free(scripts);
	if (!status) {
		if (in_place && i >= op.argc) {
			fprintf(stderr, "sed: no input files\n");
			status = 1; // GNU: 1 (4 is for I/O errors)
		} else if (in_place) {
			status = sed_in_place(&s, argv + i, op.argc - i);
		} else {
			char *dash[] = {"-", NULL};
			struct sed_input in = {.files = i < op.argc ? argv + i : dash,
					       .nfiles = i < op.argc ? op.argc - i : 1};
			status = sed_run(&s, &in, stdout);
		}
	}
	sed_free(&s);
	return status;
}
APP(sed, sed_main, "stream editor: filter and transform text");
