// The console line editor: the shell puts the console in raw mode and
// does the editing itself, so that it can offer history and never be
// killed by Ctrl-C (in raw mode Ctrl-C is only a byte).
//
// Keys: printable bytes insert; Backspace/DEL delete; Ctrl-A/Ctrl-E or
// Home/End move to the ends; Left/Right (or Ctrl-B/Ctrl-F) move; Up/Down
// (or Ctrl-P/Ctrl-N) walk the history; Ctrl-W deletes a word; Tab completes
// (sh_complete.c); Ctrl-D on an empty line ends the input; Ctrl-U deletes to the start, Ctrl-K
// to the end; Ctrl-C discards the line; Ctrl-L redraws. Other control
// bytes and escape sequences (even ones cut short) are ignored. A line
// longer than SH_LINE_MAX is not stored past the limit: when it ends it is
// discarded with `sh: line too long`.
#include "user/sh.h"
#include "user/corral.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ESC_NONE, ESC_ESC, ESC_CSI, ESC_SS3 };

static void out(const char *s, size_t n)
{
	sh_write_all(2, s, n);
}

// Repaint the whole line and put the cursor back at pos.
static void redraw(struct sh_editor *ed, const char *prompt)
{
	size_t plen = strlen(prompt);
	char *buf = malloc(plen + (size_t)ed->len + 32);
	if (!buf)
		return;
	size_t n = 0;
	buf[n++] = '\r';
	memcpy(buf + n, prompt, plen);
	n += plen;
	memcpy(buf + n, ed->buf, (size_t)ed->len);
	n += (size_t)ed->len;
	memcpy(buf + n, "\x1b[K", 3);
	n += 3;
	if (ed->len > ed->pos)
		n += (size_t)snprintf(buf + n, 24, "\x1b[%dD", ed->len - ed->pos);
	out(buf, n);
	free(buf);
}

// Appends to buf the escape sequence that moves the cursor from column
// from to column to of the line (both on the same terminal row).
static size_t cursor_move(char *buf, int from, int to)
{
	if (to == from)
		return 0;
	if (to == from - 1) {
		buf[0] = '\b';
		return 1;
	}
	return (size_t)snprintf(buf, 24, "\x1b[%d%c", to < from ? from - to : to - from,
				to < from ? 'D' : 'C');
}

// Repaint only what changed: the line from column from on, with the
// cursor now at column cursor; it ends at ed->pos. Typing or deleting in
// the middle of a long line costs its tail, not the whole line.
static void repaint_from(struct sh_editor *ed, int from, int cursor, const char *prompt)
{
	char *buf = malloc((size_t)(ed->len - from) + 64);
	if (!buf) {
		redraw(ed, prompt);
		return;
	}
	size_t n = cursor_move(buf, cursor, from);
	memcpy(buf + n, ed->buf + from, (size_t)(ed->len - from));
	n += (size_t)(ed->len - from);
	memcpy(buf + n, "\x1b[K", 3);
	n += 3;
	n += cursor_move(buf + n, ed->len, ed->pos);
	out(buf, n);
	free(buf);
}

static void set_line(struct sh_editor *ed, const char *s)
{
	size_t len = strlen(s);
	if (len > SH_LINE_MAX)
		len = SH_LINE_MAX;
	memcpy(ed->buf, s, len);
	ed->len = ed->pos = (int)len;
}

static void history_up(struct sh_editor *ed, const char *prompt)
{
	if (ed->nhistory == 0 || ed->hist_pos == 0)
		return;
	if (ed->hist_pos < 0) {
		free(ed->stashed);
		ed->buf[ed->len] = '\0';
		ed->stashed = strdup(ed->buf);
		ed->hist_pos = ed->nhistory - 1;
	} else {
		ed->hist_pos--;
	}
	set_line(ed, ed->history[ed->hist_pos]);
	redraw(ed, prompt);
}

static void history_down(struct sh_editor *ed, const char *prompt)
{
	if (ed->hist_pos < 0)
		return;
	if (ed->hist_pos < ed->nhistory - 1) {
		ed->hist_pos++;
		set_line(ed, ed->history[ed->hist_pos]);
	} else {
		ed->hist_pos = -1;
		set_line(ed, ed->stashed ? ed->stashed : "");
		free(ed->stashed);
		ed->stashed = NULL;
	}
	redraw(ed, prompt);
}

static void history_add(struct sh_editor *ed, const char *line)
{
	if (!*line || (ed->nhistory > 0 &&
		       strcmp(ed->history[ed->nhistory - 1], line) == 0))
		return;
	char *copy = strdup(line);
	if (!copy)
		return;
	if (ed->nhistory == SH_HISTORY) {
		free(ed->history[0]);
		memmove(ed->history, ed->history + 1,
			sizeof(char *) * (SH_HISTORY - 1));
		ed->nhistory--;
	}
	ed->history[ed->nhistory++] = copy;
}

static void move_to(struct sh_editor *ed, int pos)
{
	if (pos < 0 || pos > ed->len || pos == ed->pos)
		return;
	char seq[24];
	size_t n = cursor_move(seq, ed->pos, pos);
	ed->pos = pos;
	out(seq, n);
}

static void insert(struct sh_editor *ed, char c, const char *prompt)
{
	if (ed->overflow)
		return;
	if (ed->len >= SH_LINE_MAX) {
		ed->overflow = 1;
		out("\a", 1);
		return;
	}
	memmove(ed->buf + ed->pos + 1, ed->buf + ed->pos, (size_t)(ed->len - ed->pos));
	ed->buf[ed->pos++] = c;
	ed->len++;
	if (ed->pos == ed->len)
		out(&c, 1);
	else
		repaint_from(ed, ed->pos - 1, ed->pos - 1, prompt);
}

static void delete_range(struct sh_editor *ed, int from, int to,
			 const char *prompt)
{
	if (from < 0 || to > ed->len || from >= to)
		return;
	int at_end = to == ed->len && to - from == 1 && ed->pos == to;
	int cursor = ed->pos;
	memmove(ed->buf + from, ed->buf + to, (size_t)(ed->len - to));
	ed->len -= to - from;
	ed->pos = from;
	if (at_end)
		out("\b \b", 3);
	else
		repaint_from(ed, from, cursor, prompt);
}

// The byte after ESC, ESC [ or ESC O. Returns 1 if it was part of the
// sequence, 0 if it cut the sequence short and must be handled on its own.
static int escape_byte(struct sh_editor *ed, unsigned char c, const char *prompt)
{
	if (c < 0x20 || c == 0x7f) { // a control byte ends any sequence
		ed->esc = ESC_NONE;
		return 0;
	}
	if (ed->esc == ESC_ESC) {
		ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		ed->esc_param = 0;
		return 1;
	}
	if (ed->esc == ESC_CSI && c >= '0' && c <= '9') {
		if (ed->esc_param < 1000)
			ed->esc_param = ed->esc_param * 10 + (c - '0');
		return 1;
	}
	if (ed->esc == ESC_CSI && c >= 0x20 && c < 0x40)
		return 1; // ';', intermediates: ignored
	ed->esc = ESC_NONE;
	switch (c) {
	case 'A':
		history_up(ed, prompt);
		break;
	case 'B':
		history_down(ed, prompt);
		break;
	case 'C':
		move_to(ed, ed->pos + 1);
		break;
	case 'D':
		move_to(ed, ed->pos - 1);
		break;
	case 'H':
		move_to(ed, 0);
		break;
	case 'F':
		move_to(ed, ed->len);
		break;
	case '~':
		if (ed->esc_param == 1 || ed->esc_param == 7)
			move_to(ed, 0);
		else if (ed->esc_param == 4 || ed->esc_param == 8)
			move_to(ed, ed->len);
		else if (ed->esc_param == 3)
			delete_range(ed, ed->pos, ed->pos + 1, prompt);
		break;
	}
	return 1;
}

// Tab: complete the word before the cursor (sh_complete.c); a second Tab
// lists the matches and redraws the line under them.
static void complete(struct sh *sh, const char *prompt)
{
	struct sh_editor *ed = &sh->ed;
	char *ins, *listing;
	ed->buf[ed->len] = '\0';
	int n = sh_complete(sh, ed->buf, ed->pos, ed->last_tab, &ins, &listing);
	if (n == 0)
		out("\a", 1);
	for (char *s = ins; s && *s; s++)
		insert(ed, *s, prompt);
	if (listing) {
		out("\n", 1);
		out(listing, strlen(listing));
		redraw(ed, prompt);
	}
	free(ins);
	free(listing);
}

static int finish(struct sh *sh, char *line)
{
	struct sh_editor *ed = &sh->ed;
	out("\n", 1); // the console (and a pty) turn "\n" into "\r\n"
	free(ed->stashed);
	ed->stashed = NULL;
	if (ed->overflow) {
		sh_error("sh: line too long\n");
		return SH_READ_TOO_LONG;
	}
	memcpy(line, ed->buf, (size_t)ed->len);
	line[ed->len] = '\0';
	history_add(ed, line);
	return SH_READ_LINE;
}

void sh_check_interrupt(struct sh *sh)
{
	if (!sh->editing || sh->jump)
		return;
	struct sh_editor *ed = &sh->ed;
	int fd = sh->console_fd;
	int n = fd > 0 ? console_pending(fd) : 0;
	while (n-- > 0) {
		unsigned char c;
		if (read(fd, &c, 1) != 1)
			break;
		if (c == 0x03) { // Ctrl-C: what was typed before it goes too
			ed->nahead = 0;
			out("^C\n", 3);
			sh->interrupted = 1; // (subshells pass it on: sh_subshell_end)
			sh_fatal(sh, 130);
			return;
		}
		if (ed->nahead < (int)sizeof(ed->ahead))
			ed->ahead[ed->nahead++] = (char)c;
	}
}

// The next byte: typed ahead, else from the console. 1, or 0 at EOF.
static int next_byte(struct sh_editor *ed, unsigned char *c)
{
	if (ed->nahead > 0) {
		*c = (unsigned char)ed->ahead[0];
		memmove(ed->ahead, ed->ahead + 1, (size_t)--ed->nahead);
		return 1;
	}
	for (;;) {
		ssize_t r = read(0, c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		return r == 1;
	}
}

int sh_edit_read_line(struct sh *sh, const char *prompt, char *line)
{
	struct sh_editor *ed = &sh->ed;
	ed->len = ed->pos = 0;
	ed->overflow = 0;
	ed->esc = ESC_NONE;
	ed->hist_pos = -1;
	out(prompt, strlen(prompt));
	for (;;) {
		unsigned char c;
		if (!next_byte(ed, &c))
			return SH_READ_EOF;
		if (ed->last_cr && c == '\n') { // "\r\n" is one Enter
			ed->last_cr = 0;
			continue;
		}
		ed->last_cr = c == '\r';
		if (ed->esc != ESC_NONE && escape_byte(ed, c, prompt))
			continue;
		int tab = c == '\t';
		switch (c) {
		case '\r':
		case '\n':
			return finish(sh, line);
		case 0x04: // Ctrl-D: end of input on an empty line, else delete
			if (ed->len == 0) {
				out("\n", 1);
				return SH_READ_EOF;
			}
			delete_range(ed, ed->pos, ed->pos + 1, prompt);
			break;
		case 0x17: { // Ctrl-W: the word before the cursor
			int k = ed->pos;
			while (k > 0 && ed->buf[k - 1] == ' ')
				k--;
			while (k > 0 && ed->buf[k - 1] != ' ')
				k--;
			delete_range(ed, k, ed->pos, prompt);
			break;
		}
		case '\t':
			complete(sh, prompt);
			break;
		case 0x03: // Ctrl-C
			out("^C\n", 3);
			free(ed->stashed);
			ed->stashed = NULL;
			return SH_READ_INTERRUPT;
		case 0x7f:
		case 0x08:
			delete_range(ed, ed->pos - 1, ed->pos, prompt);
			break;
		case 0x15: // Ctrl-U
			delete_range(ed, 0, ed->pos, prompt);
			break;
		case 0x0b: // Ctrl-K
			delete_range(ed, ed->pos, ed->len, prompt);
			break;
		case 0x01:
			move_to(ed, 0);
			break;
		case 0x05:
			move_to(ed, ed->len);
			break;
		case 0x02:
			move_to(ed, ed->pos - 1);
			break;
		case 0x06:
			move_to(ed, ed->pos + 1);
			break;
		case 0x10:
			history_up(ed, prompt);
			break;
		case 0x0e:
			history_down(ed, prompt);
			break;
		case 0x0c:
			redraw(ed, prompt);
			break;
		case 0x1b:
			ed->esc = ESC_ESC;
			break;
		default:
			if (c >= 0x20)
				insert(ed, (char)c, prompt);
			break;
		}
		ed->last_tab = tab;
	}
}

void sh_edit_free(struct sh *sh)
{
	struct sh_editor *ed = &sh->ed;
	for (int i = 0; i < ed->nhistory; i++)
		free(ed->history[i]);
	ed->nhistory = 0;
	free(ed->stashed);
	ed->stashed = NULL;
	free(ed->buf);
	ed->buf = NULL;
}
