// Line tools as GNU coreutils has them (in the C locale): sort (-n -r -u
// -f -b -k -t -o), uniq (-c -d -u -i), cut (-b -c -f -d -s).
//
// sort reads every input into one buffer and sorts an array of lines; key
// comparison follows GNU: fields start at the blanks before them unless -t
// names a separator, a key's own options replace the global ones, and
// lines whose keys are equal are compared whole as a last resort (not
// with -u).
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Append all of fd to *buf (from malloc). 0, or -1 + errno.
static int read_all(int fd, char **buf, size_t *len, size_t *cap)
{
	for (;;) {
		if (*cap - *len < 4096) {
			size_t ncap = *cap ? *cap * 2 : 8192;
			char *nb = realloc(*buf, ncap);
			if (!nb) {
				errno = ENOMEM;
				return -1;
			}
			*buf = nb;
			*cap = ncap;
		}
		ssize_t n = read(fd, *buf + *len, *cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

// ---- sort -------------------------------------------------------------------

#define SORT_NUMERIC 1
#define SORT_REVERSE 2
#define SORT_FOLD 4
#define SORT_BLANKS 8 // skip leading blanks of a key

struct sort_key {
	int sfield, schar; // 1-based; schar 0: the field's start
	int efield, echar; // efield 0: the end of the line; echar 0: field end
	int flags;
};

struct sort_line {
	const char *s;
	size_t len;
	size_t index; // input order, for a stable -u
};

struct sort_opts {
	struct sort_key keys[16];
	int nkeys;
	int flags; // the global options
	int unique;
	int sep;   // -t, or -1 for blanks
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

// Where field f (1-based) of the line starts: for blank separation, at the
// blanks before it.
static const char *sort_field(const struct sort_opts *o, const char *p,
			      const char *end, int f)
{
	for (int k = 1; k < f && p < end; k++) {
		if (o->sep >= 0) {
			while (p < end && *p != o->sep)
				p++;
			if (p < end)
				p++;
		} else {
			while (p < end && is_blank(*p))
				p++;
			while (p < end && !is_blank(*p))
				p++;
		}
	}
	return p;
}

static const char *sort_field_end(const struct sort_opts *o, const char *p,
				  const char *end)
{
	if (o->sep >= 0) {
		while (p < end && *p != o->sep)
			p++;
	} else {
		while (p < end && is_blank(*p))
			p++;
		while (p < end && !is_blank(*p))
			p++;
	}
	return p;
}

static void sort_key_span(const struct sort_opts *o, const struct sort_key *k,
			  const struct sort_line *l, const char **ks, const char **ke)
{
	const char *end = l->s + l->len;
	const char *s = sort_field(o, l->s, end, k->sfield);
	if (k->flags & SORT_BLANKS)
		while (s < end && is_blank(*s))
			s++;
	if (k->schar > 1)
		s = (size_t)(end - s) > (size_t)(k->schar - 1) ? s + k->schar - 1 : end;
	const char *e = end;
	if (k->efield) {
		e = sort_field(o, l->s, end, k->efield);
		if (k->echar) {
			if (k->flags & SORT_BLANKS)
				while (e < end && is_blank(*e))
					e++;
			e = (size_t)(end - e) > (size_t)k->echar ? e + k->echar : end;
		} else {
			e = sort_field_end(o, e, end);
		}
	}
	*ks = s;
	*ke = e < s ? s : e;
}

// GNU -n: blanks, an optional '-', digits, an optional fraction; anything
// else counts as 0.
static double sort_number(const char *s, const char *e)
{
	while (s < e && is_blank(*s))
		s++;
	int neg = 0;
	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	double v = 0, scale = 1;
	while (s < e && *s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	if (s < e && *s == '.')
		for (s++; s < e && *s >= '0' && *s <= '9'; s++) {
			scale /= 10;
			v += (*s - '0') * scale;
		}
	return neg ? -v : v;
}

static int sort_compare_span(int flags, const char *a, const char *ae,
			     const char *b, const char *be)
{
	int c;
	if (flags & SORT_NUMERIC) {
		double x = sort_number(a, ae), y = sort_number(b, be);
		c = (x > y) - (x < y);
	} else {
		size_t la = (size_t)(ae - a), lb = (size_t)(be - b);
		size_t n = la < lb ? la : lb;
		c = 0;
		for (size_t i = 0; i < n && !c; i++) {
			unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
			if (flags & SORT_FOLD) {
				x = x >= 'a' && x <= 'z' ? x - 32 : x;
				y = y >= 'a' && y <= 'z' ? y - 32 : y;
			}
			c = (x > y) - (x < y);
		}
		if (!c)
			c = (la > lb) - (la < lb);
	}
	return flags & SORT_REVERSE ? -c : c;
}

// Compare by the keys only (what -u calls equal).
static int sort_compare_keys(const struct sort_opts *o, const struct sort_line *a,
			     const struct sort_line *b)
{
	if (o->nkeys == 0)
		return sort_compare_span(o->flags, a->s, a->s + a->len, b->s, b->s + b->len);
	for (int i = 0; i < o->nkeys; i++) {
		const char *as, *ae, *bs, *be;
		sort_key_span(o, &o->keys[i], a, &as, &ae);
		sort_key_span(o, &o->keys[i], b, &bs, &be);
		int c = sort_compare_span(o->keys[i].flags, as, ae, bs, be);
		if (c)
			return c;
	}
	return 0;
}

// Merge sort of the line array (stable; no recursion deeper than log n).
static void sort_lines(const struct sort_opts *o, struct sort_line *v,
		       struct sort_line *tmp, size_t n)
{
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				int c = sort_compare_keys(o, &v[i], &v[j]);
				if (!c && !o->unique) { // GNU's last resort
					c = sort_compare_span(0, v[i].s, v[i].s + v[i].len,
							      v[j].s, v[j].s + v[j].len);
					if (o->flags & SORT_REVERSE)
						c = -c;
				}
				tmp[k++] = c <= 0 ? v[i++] : v[j++];
			}
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

static int sort_key_flags(const char **p)
{
	int f = 0;
	for (;; (*p)++) {
		if (**p == 'n') f |= SORT_NUMERIC;
		else if (**p == 'r') f |= SORT_REVERSE;
		else if (**p == 'f') f |= SORT_FOLD;
		else if (**p == 'b') f |= SORT_BLANKS;
		else return f;
	}
}

static int sort_parse_num(const char **p, int *v)
{
	if (**p < '0' || **p > '9')
		return -1;
	*v = 0;
	while (**p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		if (*v > 1000000)
			return -1;
		(*p)++;
	}
	return 0;
}

// -k F[.C][OPTS][,F[.C][OPTS]]
static int sort_parse_key(const char *arg, struct sort_key *k)
{
	const char *p = arg;
	memset(k, 0, sizeof(*k));
	if (sort_parse_num(&p, &k->sfield) < 0 || k->sfield == 0) {
		fprintf(stderr, "sort: %s: invalid count at start of '%s'\n",
			k->sfield == 0 && *arg == '0' ? "field number is zero"
						       : "invalid number at field start",
			arg);
		return -1;
	}
	if (*p == '.' && (p++, sort_parse_num(&p, &k->schar) < 0 || k->schar == 0)) {
		fprintf(stderr, "sort: character offset is zero: invalid field specification '%s'\n",
			arg);
		return -1;
	}
	k->flags = sort_key_flags(&p);
	if (*p == ',') {
		p++;
		if (sort_parse_num(&p, &k->efield) < 0 || k->efield == 0) {
			fprintf(stderr, "sort: invalid number after ',': invalid count at start of '%s'\n",
				p);
			return -1;
		}
		if (*p == '.') {
			p++;
			if (sort_parse_num(&p, &k->echar) < 0) {
				fprintf(stderr, "sort: invalid number after '.': invalid count at start of '%s'\n",
					p);
				return -1;
			}
		}
		k->flags |= sort_key_flags(&p);
	}
	if (*p) {
		fprintf(stderr, "sort: stray character in field spec: invalid field specification '%s'\n",
			arg);
		return -1;
	}
	return 0;
}

static int sort_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: sort [OPTION]... [FILE]...\n"
			   "Write the sorted lines of the FILEs (or stdin) to stdout.\n"
			   "  -b  ignore leading blanks      -f  fold lower case to upper\n"
			   "  -n  compare as numbers         -r  reverse the order\n"
			   "  -u  only the first of equal lines\n"
			   "  -k F[.C][OPTS][,F[.C][OPTS]]  sort by a key\n"
			   "  -t SEP  fields are separated by SEP   -o FILE  write to FILE\n"))
		return 0;
	struct sort_opts o;
	memset(&o, 0, sizeof(o));
	o.sep = -1;
	const char *outfile = NULL;
	struct applib_opts op;
	applib_opts_init(&op, "sort", argc, argv, "bfnruk:t:o:s", NULL);
	int c;
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'b': o.flags |= SORT_BLANKS; break;
		case 'f': o.flags |= SORT_FOLD; break;
		case 'n': o.flags |= SORT_NUMERIC; break;
		case 'r': o.flags |= SORT_REVERSE; break;
		case 'u': o.unique = 1; break;
		case 's': break; // our sort is always stable
		case 'o': outfile = op.arg; break;
		case 'k':
			if (o.nkeys == 16) {
				fprintf(stderr, "sort: too many keys\n");
				return 2;
			}
			if (sort_parse_key(op.arg, &o.keys[o.nkeys]) < 0)
				return 2;
			o.nkeys++;
			break;
		case 't':
			if (strlen(op.arg) != 1) {
				fprintf(stderr, op.arg[0] ? "sort: multi-character tab '%s'\n"
							  : "sort: empty tab\n", op.arg);
				return 2;
			}
			o.sep = (unsigned char)op.arg[0];
			break;
		default:
			return 2;
		}
	}
	for (int i = 0; i < o.nkeys; i++)
		if (!o.keys[i].flags)
			o.keys[i].flags = o.flags; // a key without options takes the global ones
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int status = 0;
	int i = op.ind;
	if (i >= op.argc && read_all(0, &buf, &len, &cap) < 0)
		status = applib_error("sort", "read failed: -", errno) + 1;
	for (; i < op.argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0 || read_all(fd, &buf, &len, &cap) < 0) {
			fprintf(stderr, "sort: cannot read: %s: %s\n", argv[i], strerror(errno));
			free(buf);
			return 2;
		}
		if (fd)
			close(fd);
		if (len > 0 && buf[len - 1] != '\n')
			buf[len++] = '\n'; // each file's last line ends here
	}
	if (len > 0 && buf[len - 1] != '\n')
		buf[len++] = '\n';
	size_t n = 0;
	for (size_t k = 0; k < len; k++)
		n += buf[k] == '\n';
	struct sort_line *v = malloc((n + 1) * sizeof(*v) * 2);
	if (!v) {
		free(buf);
		return applib_error("sort", "malloc", ENOMEM) + 1;
	}
	for (size_t k = 0, start = 0, l = 0; k < len; k++)
		if (buf[k] == '\n') {
			v[l] = (struct sort_line){buf + start, k - start, l};
			l++;
			start = k + 1;
		}
	sort_lines(&o, v, v + n, n);
	FILE *out = stdout;
	if (outfile && strcmp(outfile, "-") != 0 && !(out = fopen(outfile, "w"))) {
		fprintf(stderr, "sort: open failed: %s: %s\n", outfile, strerror(errno));
		status = 2;
	}
	for (size_t k = 0; out && k < n; k++) {
		if (o.unique && k > 0 && sort_compare_keys(&o, &v[k - 1], &v[k]) == 0)
			continue;
		fwrite(v[k].s, 1, v[k].len, out);
		fputc('\n', out);
	}
	if (out && out != stdout && fclose(out) != 0)
		status = applib_error("sort", outfile, errno) + 1;
	free(v);
	free(buf);
	return status;
}
APP(sort, sort_main, "sort lines of text");

// ---- uniq -------------------------------------------------------------------

static int uniq_equal(const char *a, size_t la, const char *b, size_t lb, int fold)
{
	if (la != lb)
		return 0;
	for (size_t i = 0; i < la; i++) {
		char x = a[i], y = b[i];
		if (fold) {
			x = x >= 'A' && x <= 'Z' ? x + 32 : x;
			y = y >= 'A' && y <= 'Z' ? y + 32 : y;
		}
		if (x != y)
			return 0;
	}
	return 1;
}

static void uniq_emit(FILE *out, const char *line, size_t len, long count,
		      int show_count, int only_dup, int only_uniq)
{
	if ((only_dup && count < 2) || (only_uniq && count > 1))
		return;
	if (show_count)
		fprintf(out, "%7ld ", count);
	fwrite(line, 1, len, out);
	fputc('\n', out);
}

static int uniq_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: uniq [OPTION]... [INPUT [OUTPUT]]\n"
			   "Filter adjacent matching lines from INPUT (or stdin).\n"
			   "  -c  prefix lines by the number of occurrences\n"
			   "  -d  only print duplicate lines, one for each group\n"
			   "  -u  only print unique lines\n"
			   "  -i  ignore differences in case when comparing\n"))
		return 0;
	int show_count = 0, only_dup = 0, only_uniq = 0, fold = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "uniq", argc, argv, "cdui", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'c': show_count = 1; break;
		case 'd': only_dup = 1; break;
		case 'u': only_uniq = 1; break;
		case 'i': fold = 1; break;
		default: return 1;
		}
	}
	int nargs = op.argc - op.ind;
	if (nargs > 2) {
		fprintf(stderr, "uniq: extra operand '%s'\n", argv[op.ind + 2]);
		applib_try_help("uniq");
		return 1;
	}
	int fd = 0;
	if (nargs >= 1 && strcmp(argv[op.ind], "-") != 0 &&
	    (fd = open(argv[op.ind], O_RDONLY)) < 0)
		return applib_error("uniq", argv[op.ind], errno);
	FILE *out = stdout;
	if (nargs == 2 && strcmp(argv[op.ind + 1], "-") != 0 &&
	    !(out = fopen(argv[op.ind + 1], "w"))) {
		int err = errno;
		if (fd)
			close(fd);
		return applib_error("uniq", argv[op.ind + 1], err);
	}
	struct applib_lines lines;
	applib_lines_init(&lines, fd);
	char *prev = NULL, *line;
	size_t plen = 0, len;
	long count = 0;
	int rc, status = 0;
	while ((rc = applib_lines_next(&lines, &line, &len)) > 0) {
		if (prev && uniq_equal(prev, plen, line, len, fold)) {
			count++;
			continue;
		}
		if (prev)
			uniq_emit(out, prev, plen, count, show_count, only_dup, only_uniq);
		free(prev);
		prev = malloc(len + 1);
		if (!prev) {
			status = applib_error("uniq", "malloc", ENOMEM);
			break;
		}
		memcpy(prev, line, len);
		plen = len;
		count = 1;
	}
	if (rc < 0)
		status = applib_error("uniq", nargs ? argv[op.ind] : "-", errno);
	if (prev && !status)
		uniq_emit(out, prev, plen, count, show_count, only_dup, only_uniq);
	free(prev);
	applib_lines_free(&lines);
	if (fd)
		close(fd);
	if (out != stdout && fclose(out) != 0)
		status = applib_error("uniq", argv[op.ind + 1], errno);
	return status;
}
APP(uniq, uniq_main, "report or omit repeated lines");

// ---- cut --------------------------------------------------------------------

struct cut_range {
	unsigned long lo, hi; // 1-based, inclusive; hi ULONG_MAX: to the end
};

// "1,3-5,7-" into ranges. The count, or -1 (reported).
static int cut_parse_list(const char *s, int fields, struct cut_range *r, int max)
{
	int n = 0;
	const char *p = s;
	while (*p) {
		if (n == max)
			goto bad;
		unsigned long lo = 0, hi = 0;
		int has_lo = 0, has_hi = 0;
		while (*p >= '0' && *p <= '9') {
			lo = lo * 10 + (unsigned long)(*p++ - '0');
			has_lo = 1;
		}
		if (*p == '-') {
			p++;
			while (*p >= '0' && *p <= '9') {
				hi = hi * 10 + (unsigned long)(*p++ - '0');
				has_hi = 1;
			}
			if (!has_lo && !has_hi) {
				fprintf(stderr, "cut: invalid range with no endpoint: -\n");
				applib_try_help("cut");
				return -1;
			}
			if (!has_lo)
				lo = 1;
			if (!has_hi)
				hi = (unsigned long)-1;
		} else if (has_lo) {
			hi = lo;
		} else {
			goto bad;
		}
		if (lo == 0) {
			fprintf(stderr, "cut: %s are numbered from 1\n",
				fields ? "fields" : "byte/character positions");
			applib_try_help("cut");
			return -1;
		}
		if (hi < lo) {
			fprintf(stderr, "cut: invalid decreasing range\n");
			applib_try_help("cut");
			return -1;
		}
		r[n++] = (struct cut_range){lo, hi};
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (n == 0)
		goto bad;
	return n;
bad:
	fprintf(stderr, "cut: invalid field value '%s'\n", s);
	applib_try_help("cut");
	return -1;
}

static int cut_selected(const struct cut_range *r, int n, unsigned long pos)
{
	for (int i = 0; i < n; i++)
		if (pos >= r[i].lo && pos <= r[i].hi)
			return 1;
	return 0;
}

static void cut_line(const char *line, size_t len, int fields, char delim,
		     int only_delimited, const struct cut_range *r, int n)
{
	if (!fields) {
		for (size_t i = 0; i < len; i++)
			if (cut_selected(r, n, i + 1))
				putchar(line[i]);
		putchar('\n');
		return;
	}
	if (!memchr(line, delim, len)) {
		if (!only_delimited) {
			fwrite(line, 1, len, stdout);
			putchar('\n');
		}
		return;
	}
	unsigned long field = 1;
	int printed = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != delim)
			continue;
		if (cut_selected(r, n, field)) {
			if (printed)
				putchar(delim);
			fwrite(line + start, 1, i - start, stdout);
			printed = 1;
		}
		field++;
		start = i + 1;
	}
	putchar('\n');
}

static int cut_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: cut OPTION... [FILE]...\n"
			   "Print selected parts of lines from each FILE to stdout.\n"
			   "  -b LIST  select only these bytes\n"
			   "  -c LIST  select only these characters\n"
			   "  -d DELIM use DELIM instead of TAB for the field delimiter\n"
			   "  -f LIST  select only these fields\n"
			   "  -s       do not print lines not containing delimiters\n"))
		return 0;
	const char *list = NULL, *delim_arg = NULL;
	int mode = 0, only_delimited = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "cut", argc, argv, "b:c:d:f:sn", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'b': case 'c': case 'f':
			if (mode) {
				fprintf(stderr, "cut: only one list may be specified\n");
				applib_try_help("cut");
				return 1;
			}
			mode = c;
			list = op.arg;
			break;
		case 'd': delim_arg = op.arg; break;
		case 's': only_delimited = 1; break;
		case 'n': break;
		default: return 1;
		}
	}
	if (!mode) {
		fprintf(stderr, "cut: you must specify a list of bytes, characters, or fields\n");
		applib_try_help("cut");
		return 1;
	}
	if (delim_arg && mode != 'f') {
		fprintf(stderr, "cut: an input delimiter may be specified only when operating on fields\n");
		applib_try_help("cut");
		return 1;
	}
	if (only_delimited && mode != 'f') {
		fprintf(stderr, "cut: suppressing non-delimited lines makes sense\n"
				"\tonly when operating on fields\n");
		applib_try_help("cut");
		return 1;
	}
	if (delim_arg && strlen(delim_arg) > 1) {
		fprintf(stderr, "cut: the delimiter must be a single character\n");
		applib_try_help("cut");
		return 1;
	}
	char delim = delim_arg ? (delim_arg[0] ? delim_arg[0] : '\0') : '\t';
	struct cut_range r[64];
	int n = cut_parse_list(list, mode == 'f', r, 64);
	if (n < 0)
		return 1;
	int status = 0, i = op.ind;
	do {
		const char *name = i < op.argc ? argv[i] : "-";
		int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
		if (fd < 0) {
			status = applib_error("cut", name, errno);
			continue;
		}
		struct applib_lines lines;
		applib_lines_init(&lines, fd);
		char *line;
		size_t len;
		int rc;
		while ((rc = applib_lines_next(&lines, &line, &len)) > 0)
			cut_line(line, len, mode == 'f', delim, only_delimited, r, n);
		if (rc < 0)
			status = applib_error("cut", name, errno);
		applib_lines_free(&lines);
		if (fd)
			close(fd);
	} while (++i < op.argc);
	return status;
}
APP(cut, cut_main, "remove sections from each line of files");
