// Shell patterns: * ? [...] (with ! or ^, ranges and [:class:]) and
// backslash escapes; matching (case, ${v#p}, ${v%p}) and pathname expansion.
//
// Matching is iterative: one backtracking point for the last '*' (the
// classic wildcard algorithm), so no pattern recurses or takes more than
// O(len(pat) * len(s)) steps. Pathname expansion walks the pattern's
// components with an explicit list of partial paths, sorted at the end.
#include "user/sh.h"
#include "user/corral.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// A bracket expression at p (just after '['): does c match? *end gets
// what follows ']'. Returns -1 if p is not a bracket expression (then '['
// is an ordinary character).
static int bracket(const char *p, unsigned char c, const char **end)
{
	int negate = 0, match = 0;
	if (*p == '!' || *p == '^') {
		negate = 1;
		p++;
	}
	const char *start = p;
	while (*p && (*p != ']' || p == start)) {
		if (p[0] == '[' && p[1] == ':') {
			const char *q = strstr(p + 2, ":]");
			if (q) {
				size_t n = (size_t)(q - p - 2);
				const char *cls = p + 2;
				int m = 0;
#define CLS(name, fn) if (n == strlen(name) && strncmp(cls, name, n) == 0) m = fn(c) != 0;
				CLS("alpha", isalpha) CLS("digit", isdigit) CLS("alnum", isalnum)
				CLS("upper", isupper) CLS("lower", islower) CLS("space", isspace)
				CLS("punct", ispunct) CLS("print", isprint) CLS("xdigit", isxdigit)
				CLS("cntrl", iscntrl) CLS("graph", isgraph) CLS("blank", isblank)
#undef CLS
				match |= m;
				p = q + 2;
				continue;
			}
		}
		unsigned char lo = (unsigned char)*p;
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		unsigned char hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			hi = (unsigned char)*p;
			if (hi == '\\' && p[1])
				hi = (unsigned char)*++p;
			p++;
		}
		if (c >= lo && c <= hi)
			match = 1;
	}
	if (*p != ']')
		return -1;
	*end = p + 1;
	return match != negate;
}

int sh_pattern_match(const char *pat, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;
	for (;;) {
		char pc = *pat;
		if (pc == '*') {
			while (*pat == '*')
				pat++;
			if (!*pat)
				return 1;
			star_p = pat;
			star_s = s;
			continue;
		}
		if (!*s) {
			if (!pc)
				return 1;
			goto backtrack;
		}
		if (!pc)
			goto backtrack;
		if (pc == '?') {
			pat++;
			s++;
			continue;
		}
		if (pc == '[') {
			const char *end;
			int m = bracket(pat + 1, (unsigned char)*s, &end);
			if (m == 1) {
				pat = end;
				s++;
				continue;
			}
			if (m == 0)
				goto backtrack;
			// not a bracket expression: a literal '['
		}
		if (pc == '\\' && pat[1])
			pc = *++pat;
		if (pc == *s) {
			pat++;
			s++;
			continue;
		}
backtrack:
		if (!star_p || !*star_s)
			return 0;
		pat = star_p;
		s = ++star_s;
	}
}

int sh_pattern_has_magic(const char *pat)
{
	for (; *pat; pat++) {
		if (*pat == '\\' && pat[1])
			pat++;
		else if (*pat == '*' || *pat == '?' || *pat == '[')
			return 1;
	}
	return 0;
}

char *sh_unescape(const char *pat)
{
	char *r = malloc(strlen(pat) + 1), *d = r;
	if (!r)
		return NULL;
	for (; *pat; pat++) {
		if (*pat == '\\' && pat[1])
			pat++;
		*d++ = *pat;
	}
	*d = '\0';
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct paths {
	char **v;
	int n, cap;
};

static int paths_add(struct paths *p, char *s)
{
	if (!s)
		return -1;
	if (p->n + 1 >= p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		char **v = realloc(p->v, sizeof(char *) * (size_t)cap);
		if (!v) {
			free(s);
			return -1;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = s;
	return 0;
}

static void paths_free(struct paths *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

static char *join(const char *dir, const char *name, size_t nlen)
{
	size_t dlen = strlen(dir);
	char *r = malloc(dlen + nlen + 2);
	if (!r)
		return NULL;
	memcpy(r, dir, dlen);
	memcpy(r + dlen, name, nlen);
	r[dlen + nlen] = '\0';
	return r;
}

int sh_glob(const char *pat, char ***fields, int *n, int *cap)
{
	struct paths cur = {0}, nxt = {0};
	const char *p = pat;
	int err = 0;
	if (paths_add(&cur, strdup(*p == '/' ? "/" : "")) < 0)
		return -1;
	while (*p == '/')
		p++;
	while (*p && !err) {
		const char *slash = strchr(p, '/');
		size_t clen = slash ? (size_t)(slash - p) : strlen(p);
		char *comp = malloc(clen + 1);
		if (!comp) {
			err = 1;
			break;
		}
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		int magic = sh_pattern_has_magic(comp);
		for (int i = 0; i < cur.n && !err; i++) {
			const char *dir = cur.v[i];
			if (!magic) {
				char *lit = sh_unescape(comp);
				char *full = lit ? join(dir, lit, strlen(lit)) : NULL;
				free(lit);
				struct stat st;
				if (full && (slash || 1) && stat(full, &st) == 0) {
					if (slash) {
						char *withslash = join(full, "/", 1);
						free(full);
						full = withslash;
					}
					err = paths_add(&nxt, full) < 0;
				} else {
					free(full);
				}
				continue;
			}
			CDIR *d = cdir_open(*dir ? dir : ".");
			if (!d)
				continue;
			struct corral_dirent *de;
			while ((de = cdir_read(d)) && !err) {
				const char *name = de->d_name;
				if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
					if (comp[0] != '.')
						continue;
				if (name[0] == '.' && comp[0] != '.')
					continue;
				if (!sh_pattern_match(comp, name))
					continue;
				if (slash && de->d_type != 4) {
					char *full = join(dir, name, strlen(name));
					struct stat st;
					int isdir = full && stat(full, &st) == 0 && S_ISDIR(st.st_mode);
					free(full);
					if (!isdir)
						continue;
				}
				char *full = join(dir, name, strlen(name));
				if (full && slash) {
					char *withslash = join(full, "/", 1);
					free(full);
					full = withslash;
				}
				err = paths_add(&nxt, full) < 0;
			}
			cdir_close(d);
		}
		free(comp);
		paths_free(&cur);
		cur = nxt;
		nxt = (struct paths){0};
		p += clen;
		while (*p == '/')
			p++;
	}
	if (err) {
		paths_free(&cur);
		return -1;
	}
	if (cur.n == 0 || (cur.n == 1 && cur.v[0][0] == '\0')) {
		paths_free(&cur);
		return 0;
	}
	// dash sorts the matches of each pattern (strcmp: the C locale).
	qsort(cur.v, (size_t)cur.n, sizeof(char *), cmp_str);
	int added = 0;
	for (int i = 0; i < cur.n; i++) {
		if (*n + 2 > *cap) {
			int ncap = *cap ? *cap * 2 : 8;
			while (ncap < *n + 2)
				ncap *= 2;
			char **v = realloc(*fields, sizeof(char *) * (size_t)ncap);
			if (!v) {
				for (int k = i; k < cur.n; k++)
					free(cur.v[k]);
				free(cur.v);
				return -1;
			}
			*fields = v;
			*cap = ncap;
		}
		(*fields)[(*n)++] = cur.v[i];
		(*fields)[*n] = NULL;
		added++;
	}
	free(cur.v);
	return added;
}
