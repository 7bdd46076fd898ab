// Tab completion for the line editor: the word before the cursor is
// completed as a command name (builtins, functions, aliases and apps) when
// it is the first word of a command, else as a path. One match is
// inserted whole (with a space after a command or file, a slash after a
// directory); several are extended to their longest common prefix, and
// listed on a second Tab (as bash and dash's libedit do).
#include "user/sh.h"
#include "user/corral.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct matches {
	char **v;
	int n, cap;
};

static void add_match(struct matches *m, const char *s, size_t n, int dir)
{
	for (int i = 0; i < m->n; i++)
		if (strncmp(m->v[i], s, n) == 0 && m->v[i][n] == (dir ? '/' : '\0'))
			return; // (a builtin and an app of one name)
	if (m->n == m->cap) {
		int cap = m->cap ? m->cap * 2 : 16;
		char **v = realloc(m->v, sizeof(char *) * (size_t)cap);
		if (!v)
			return;
		m->v = v;
		m->cap = cap;
	}
	char *c = malloc(n + 2);
	if (!c)
		return;
	memcpy(c, s, n);
	c[n] = dir ? '/' : '\0';
	c[n + 1] = '\0';
	m->v[m->n++] = c;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void commands(struct sh *sh, const char *w, size_t n, struct matches *m)
{
	int count;
	const struct sh_builtin *b = sh_builtins(&count);
	for (int i = 0; i < count; i++)
		if (strncmp(b[i].name, w, n) == 0)
			add_match(m, b[i].name, strlen(b[i].name), 0);
	for (int i = 0; i < sh_nbuiltins2; i++)
		if (strncmp(sh_builtins2[i].name, w, n) == 0)
			add_match(m, sh_builtins2[i].name, strlen(sh_builtins2[i].name), 0);
	for (int i = 0; i < sh->nfuncs; i++)
		if (strncmp(sh->funcs[i].name, w, n) == 0)
			add_match(m, sh->funcs[i].name, strlen(sh->funcs[i].name), 0);
	for (int i = 0; i < sh->naliases; i++)
		if (strncmp(sh->aliases[i].name, w, n) == 0)
			add_match(m, sh->aliases[i].name, strlen(sh->aliases[i].name), 0);
	for (const struct app *a = app_first(); a; a = app_next(a))
		if (strncmp(a->name, "__", 2) != 0 && strncmp(a->name, w, n) == 0)
			add_match(m, a->name, strlen(a->name), 0);
}

// Paths: the entries of w's directory that start with w's last part.
static void paths(const char *w, size_t n, struct matches *m)
{
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (w[i] == '/')
			slash = w + i;
	size_t dlen = slash ? (size_t)(slash - w) + 1 : 0;
	char *dir = malloc(dlen + 2);
	if (!dir)
		return;
	memcpy(dir, w, dlen);
	dir[dlen] = '\0';
	const char *part = w + dlen;
	size_t plen = n - dlen;
	CDIR *d = cdir_open(dlen ? dir : ".");
	if (d) {
		struct corral_dirent *de;
		while ((de = cdir_read(d))) {
			const char *name = de->d_name;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
				continue;
			if ((name[0] == '.' && (plen == 0 || part[0] != '.')) ||
			    strncmp(name, part, plen) != 0)
				continue;
			size_t nl = strlen(name);
			char *full = malloc(dlen + nl + 1);
			if (!full)
				continue;
			memcpy(full, dir, dlen);
			memcpy(full + dlen, name, nl + 1);
			struct stat st;
			int isdir = de->d_type == 4 || (stat(full, &st) == 0 && S_ISDIR(st.st_mode));
			add_match(m, full, dlen + nl, isdir);
			free(full);
		}
		cdir_close(d);
	}
	free(dir);
}

// Is the word starting at start the first of a command?
static int command_position(const char *buf, int start)
{
	int i = start - 1;
	while (i >= 0 && (buf[i] == ' ' || buf[i] == '\t'))
		i--;
	return i < 0 || strchr(";|&(`", buf[i]) != NULL;
}

int sh_complete(struct sh *sh, const char *buf, int pos, int again, char **insert,
		char **listing)
{
	*insert = NULL;
	*listing = NULL;
	int start = pos;
	while (start > 0 && !strchr(" \t;|&<>()`'\"", buf[start - 1]))
		start--;
	const char *w = buf + start;
	size_t n = (size_t)(pos - start);
	struct matches m = {0};
	if (command_position(buf, start) && !memchr(w, '/', n))
		commands(sh, w, n, &m);
	else
		paths(w, n, &m);
	if (m.n == 0)
		return 0;
	qsort(m.v, (size_t)m.n, sizeof(char *), cmp);
	// the longest common prefix of the matches
	size_t common = strlen(m.v[0]);
	for (int i = 1; i < m.n; i++) {
		size_t k = 0;
		while (k < common && m.v[i][k] == m.v[0][k])
			k++;
		common = k;
	}
	struct strbuf b = {0};
	if (common > n)
		sb_addn(&b, m.v[0] + n, common - n);
	if (m.n == 1 && m.v[0][common - 1] != '/')
		sb_addc(&b, ' ');
	if (b.len)
		*insert = sb_take(&b);
	if (m.n > 1 && again && common == n) {
		struct strbuf l = {0};
		for (int i = 0; i < m.n; i++) {
			sb_adds(&l, m.v[i]);
			sb_adds(&l, i + 1 < m.n ? "  " : "\n");
		}
		*listing = sb_take(&l);
	}
	for (int i = 0; i < m.n; i++)
		free(m.v[i]);
	free(m.v);
	return m.n;
}
