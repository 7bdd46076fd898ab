// Stream tools as GNU coreutils has them: tr (ranges, classes, -d -s -c),
// tail (-n [+]N, -c N, -f), tee (-a), seq, yes, basename, dirname.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// ---- tr ---------------------------------------------------------------------

// One tr SET expanded to its characters in order (at most 256 * a few).
struct tr_set {
	unsigned char c[1024];
	int n;
};

static int tr_class(const char *name, size_t len, struct tr_set *s)
{
	static const char *const names[] = {"alpha", "digit", "alnum", "upper", "lower",
					    "space", "blank", "punct", "xdigit", "cntrl",
					    "print", "graph", NULL};
	int k;
	for (k = 0; names[k]; k++)
		if (strlen(names[k]) == len && strncmp(names[k], name, len) == 0)
			break;
	if (!names[k])
		return -1;
	for (int ch = 0; ch < 256 && s->n < 1024; ch++) {
		int up = ch >= 'A' && ch <= 'Z', lo = ch >= 'a' && ch <= 'z';
		int dig = ch >= '0' && ch <= '9', print = ch >= 32 && ch < 127;
		int in = 0;
		switch (k) {
		case 0: in = up || lo; break;
		case 1: in = dig; break;
		case 2: in = up || lo || dig; break;
		case 3: in = up; break;
		case 4: in = lo; break;
		case 5: in = ch == ' ' || (ch >= 9 && ch <= 13); break;
		case 6: in = ch == ' ' || ch == '\t'; break;
		case 7: in = print && ch != ' ' && !up && !lo && !dig; break;
		case 8: in = dig || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'); break;
		case 9: in = ch < 32 || ch == 127; break;
		case 10: in = print; break;
		case 11: in = print && ch != ' '; break;
		}
		if (in)
			s->c[s->n++] = (unsigned char)ch;
	}
	return 0;
}

// The next character of a SET string, with backslash escapes.
static unsigned char tr_char(const char **p)
{
	const char *s = *p;
	if (*s != '\\' || !s[1]) {
		*p = s + 1;
		return (unsigned char)*s;
	}
	s++;
	unsigned char c;
	switch (*s) {
	case 'n': c = '\n'; break;
	case 't': c = '\t'; break;
	case 'r': c = '\r'; break;
	case 'a': c = '\a'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'v': c = '\v'; break;
	default:
		if (*s >= '0' && *s <= '7') {
			int v = 0, n = 0;
			while (n < 3 && *s >= '0' && *s <= '7') {
				v = v * 8 + (*s++ - '0');
				n++;
			}
			*p = s;
			return (unsigned char)v;
		}
		c = (unsigned char)*s;
	}
	*p = s + 1;
	return c;
}

static int tr_parse(const char *arg, struct tr_set *s)
{
	const char *p = arg;
	s->n = 0;
	while (*p && s->n < 1024) {
		if (p[0] == '[' && p[1] == ':') {
			const char *end = strstr(p + 2, ":]");
			if (end) {
				if (tr_class(p + 2, (size_t)(end - p - 2), s) < 0) {
					fprintf(stderr, "tr: invalid character class '%.*s'\n",
						(int)(end - p - 2), p + 2);
					return -1;
				}
				p = end + 2;
				continue;
			}
		}
		unsigned char lo = tr_char(&p);
		if (*p == '-' && p[1]) {
			p++;
			unsigned char hi = tr_char(&p);
			if (hi < lo) {
				fprintf(stderr, "tr: range-endpoints of '%c-%c' are in reverse collating sequence order\n",
					lo, hi);
				return -1;
			}
			for (int ch = lo; ch <= hi && s->n < 1024; ch++)
				s->c[s->n++] = (unsigned char)ch;
			continue;
		}
		s->c[s->n++] = lo;
	}
	return 0;
}

static int tr_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: tr [OPTION]... SET1 [SET2]\n"
			   "Translate, squeeze, and/or delete characters from stdin to stdout.\n"
			   "  -c  use the complement of SET1\n"
			   "  -d  delete characters in SET1, do not translate\n"
			   "  -s  squeeze repeats of characters in the last SET given\n"
			   "SETs: characters, ranges a-z, classes [:alpha:] [:digit:] [:upper:]\n"
			   "[:lower:] [:space:] ..., escapes \\n \\t \\\\ \\NNN.\n"))
		return 0;
	int del = 0, squeeze = 0, complement = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "tr", argc, argv, "cCds", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'c': case 'C': complement = 1; break;
		case 'd': del = 1; break;
		case 's': squeeze = 1; break;
		default: return 1;
		}
	}
	int nsets = op.argc - op.ind;
	int need = del && squeeze ? 2 : del || squeeze ? 1 : 2;
	if (nsets < need) {
		if (nsets == 0)
			fprintf(stderr, "tr: missing operand\n");
		else
			fprintf(stderr, "tr: missing operand after '%s'\n%s\n",
				argv[op.argc - 1],
				del && squeeze ? "Two strings must be given when both deleting and squeezing repeats."
					       : "Two strings must be given when translating.");
		applib_try_help("tr");
		return 1;
	}
	if (nsets > need && !(need == 1 && squeeze && !del && nsets == 2)) {
		fprintf(stderr, "tr: extra operand '%s'\n", argv[op.ind + need]);
		if (del && nsets == 2)
			fprintf(stderr, "Only one string may be given when deleting without squeezing repeats.\n");
		applib_try_help("tr");
		return 1;
	}
	struct tr_set *s1 = malloc(sizeof(*s1) * 2), *s2 = s1 + 1;
	if (!s1)
		return applib_error("tr", "malloc", ENOMEM);
	int has2 = nsets >= 2;
	if (tr_parse(argv[op.ind], s1) < 0 || (has2 && tr_parse(argv[op.ind + 1], s2) < 0)) {
		free(s1);
		return 1;
	}
	unsigned char in1[256] = {0}, map[256], sq[256] = {0};
	for (int k = 0; k < s1->n; k++)
		in1[s1->c[k]] = 1;
	if (complement) { // SET1 becomes every other byte, in order
		s1->n = 0;
		for (int ch = 0; ch < 256; ch++)
			if (!in1[ch])
				s1->c[s1->n++] = (unsigned char)ch;
		memset(in1, 0, sizeof(in1));
		for (int k = 0; k < s1->n; k++)
			in1[s1->c[k]] = 1;
	}
	for (int ch = 0; ch < 256; ch++)
		map[ch] = (unsigned char)ch;
	int translate = !del && has2;
	if (translate) {
		if (s2->n == 0) {
			fprintf(stderr, "tr: when not truncating set1, string2 must be non-empty\n");
			free(s1);
			return 1;
		}
		for (int k = 0; k < s1->n; k++) // SET2 is padded with its last char
			map[s1->c[k]] = s2->c[k < s2->n ? k : s2->n - 1];
	}
	const struct tr_set *sqset = has2 && !(squeeze && !del && !translate) ? s2 : s1;
	if (squeeze)
		for (int k = 0; k < sqset->n; k++)
			sq[sqset->c[k]] = 1;
	char *buf = malloc(2 * 4096), *out = buf + 4096; // (not 8 KiB of stack)
	int last = -1, status = 0;
	if (!buf) {
		free(s1);
		return applib_error("tr", "malloc", ENOMEM);
	}
	for (;;) {
		ssize_t n = read(0, buf, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			status = applib_error("tr", "read error", errno);
			break;
		}
		if (n == 0)
			break;
		size_t o = 0;
		for (ssize_t k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)buf[k];
			if (del && in1[ch])
				continue;
			ch = map[ch];
			if (squeeze && sq[ch] && last == ch)
				continue;
			last = ch;
			out[o++] = (char)ch;
		}
		if (fwrite(out, 1, o, stdout) != o)
			break;
	}
	free(buf);
	free(s1);
	return status;
}
APP(tr, tr_main, "translate or delete characters");

// ---- tail -------------------------------------------------------------------

struct tail_opts {
	unsigned long n;
	int from_start; // +N: from line/byte N on
	int bytes;
	int follow;
};

static int tail_buffer(const struct tail_opts *o, const char *buf, size_t len)
{
	size_t start = 0;
	if (o->from_start) {
		unsigned long skip = o->n ? o->n - 1 : 0;
		if (o->bytes) {
			start = skip < len ? skip : len;
		} else {
			for (start = 0; skip > 0 && start < len; start++)
				if (buf[start] == '\n')
					skip--;
		}
	} else if (o->bytes) {
		start = o->n < len ? len - o->n : 0;
	} else {
		unsigned long want = o->n;
		start = len;
		if (want == 0)
			start = len;
		else {
			size_t k = len;
			if (k > 0 && buf[k - 1] == '\n')
				k--; // the last line's newline
			while (k > 0) {
				if (buf[k - 1] == '\n' && --want == 0)
					break;
				k--;
			}
			start = k;
		}
	}
	fwrite(buf + start, 1, len - start, stdout);
	return 0;
}

static int tail_read(int fd, char **buf, size_t *len)
{
	size_t cap = 0;
	*buf = NULL;
	*len = 0;
	for (;;) {
		if (cap - *len < 4096) {
			char *nb = realloc(*buf, cap ? cap * 2 : 8192);
			if (!nb)
				return -1;
			*buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		ssize_t n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

// -f: print what is appended to fd, checking every second, until killed.
static void tail_follow(int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			fwrite(buf, 1, (size_t)n, stdout);
			fflush(stdout);
			if (ferror(stdout))
				return;
			continue;
		}
		if (n < 0 && errno != EINTR)
			return;
		applib_sleep_ns(1000000000LL);
	}
}

static int tail_parse_count(struct tail_opts *o, const char *s)
{
	o->from_start = *s == '+';
	if (*s == '+' || *s == '-')
		s++;
	if (applib_parse_ulong(s, &o->n) < 0)
		return -1;
	return 0;
}

static int tail_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: tail [OPTION]... [FILE]...\n"
			   "Print the last 10 lines of each FILE to stdout.\n"
			   "  -c [+]NUM  the last NUM bytes (+NUM: from byte NUM on)\n"
			   "  -n [+]NUM  the last NUM lines (+NUM: from line NUM on)\n"
			   "  -f         output appended data as the file grows\n"))
		return 0;
	struct tail_opts o = {10, 0, 0, 0};
	// The old forms: tail -5, tail +5.
	if (argc > 1 && (argv[1][0] == '-' || argv[1][0] == '+') && argv[1][1] >= '0' &&
	    argv[1][1] <= '9') {
		if (tail_parse_count(&o, argv[1]) == 0) {
			o.from_start = argv[1][0] == '+';
			argv[1] = argv[0];
			argv++;
			argc--;
		}
	}
	struct applib_opts op;
	applib_opts_init(&op, "tail", argc, argv, "c:n:fFq", NULL);
	int c;
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'c': case 'n':
			o.bytes = c == 'c';
			if (tail_parse_count(&o, op.arg) < 0) {
				fprintf(stderr, "tail: invalid number of %s: '%s'\n",
					c == 'c' ? "bytes" : "lines", op.arg);
				return 1;
			}
			break;
		case 'f': case 'F': o.follow = 1; break;
		case 'q': break;
		default: return 1;
		}
	}
	int nfiles = op.argc - op.ind, status = 0;
	for (int i = op.ind; i < op.argc || (nfiles == 0 && i == op.ind); i++) {
		const char *name = nfiles ? argv[i] : "-";
		int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "tail: cannot open '%s' for reading: %s\n", name,
				strerror(errno));
			status = 1;
			continue;
		}
		if (nfiles > 1)
			printf("%s==> %s <==\n", i > op.ind ? "\n" : "",
			       fd == 0 ? "standard input" : name);
		char *buf;
		size_t len;
		if (tail_read(fd, &buf, &len) < 0) {
			fprintf(stderr, "tail: error reading '%s': %s\n", name, strerror(errno));
			status = 1;
		} else {
			tail_buffer(&o, buf, len);
		}
		free(buf);
		if (o.follow && fd != 0 && nfiles == 1) {
			fflush(stdout);
			tail_follow(fd);
		}
		if (fd)
			close(fd);
	}
	return status;
}
APP(tail, tail_main, "print the last lines of files");

// ---- tee --------------------------------------------------------------------

static int tee_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: tee [OPTION]... [FILE]...\n"
			   "Copy standard input to each FILE, and also to standard output.\n"
			   "  -a  append to the given FILEs, do not overwrite\n"
			   "  -i  ignore interrupt signals\n"))
		return 0;
	int append = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "tee", argc, argv, "ai", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'a')
			append = 1;
		else if (c != 'i')
			return 1;
	}
	int n = op.argc - op.ind, status = 0;
	int *fds = malloc(sizeof(int) * (size_t)(n + 1));
	if (!fds)
		return applib_error("tee", "malloc", ENOMEM);
	fds[0] = 1;
	for (int k = 0; k < n; k++) {
		const char *name = argv[op.ind + k];
		fds[k + 1] = open(name, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
		if (fds[k + 1] < 0)
			status = applib_error("tee", name, errno);
	}
	char buf[4096];
	for (;;) {
		ssize_t got = read(0, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			status = applib_error("tee", "read error", errno);
			break;
		}
		if (got == 0)
			break;
		for (int k = 0; k <= n; k++) {
			if (fds[k] < 0)
				continue;
			if (applib_write_all(fds[k], buf, (size_t)got) < 0) {
				if (errno != EPIPE || k > 0)
					status = applib_error("tee", k ? argv[op.ind + k - 1]
								      : "standard output",
							      errno);
				if (k > 0)
					close(fds[k]);
				fds[k] = -1;
			}
		}
	}
	for (int k = 1; k <= n; k++)
		if (fds[k] >= 0 && close(fds[k]) < 0)
			status = applib_error("tee", argv[op.ind + k - 1], errno);
	free(fds);
	return status;
}
APP(tee, tee_main, "copy stdin to stdout and to files");

// ---- seq, yes -----------------------------------------------------------------

// A seq operand: a decimal number; its digits after the point (for the
// output's precision).
static int seq_number(const char *s, double *v, int *decimals)
{
	char *end;
	*v = strtod(s, &end);
	if (end == s || *end) {
		fprintf(stderr, "seq: invalid floating point argument: '%s'\n", s);
		applib_try_help("seq");
		return -1;
	}
	const char *dot = strchr(s, '.');
	*decimals = dot && !strpbrk(s, "eE") ? (int)strlen(dot + 1) : 0;
	return 0;
}

static int seq_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: seq [OPTION]... LAST\n"
			   "  or:  seq [OPTION]... FIRST LAST\n"
			   "  or:  seq [OPTION]... FIRST INCREMENT LAST\n"
			   "Print numbers from FIRST to LAST, in steps of INCREMENT.\n"
			   "  -s STRING  use STRING to separate numbers (default: \\n)\n"
			   "  -w         equalize width by padding with leading zeroes\n"))
		return 0;
	const char *sep = "\n";
	int width = 0, c;
	struct applib_opts op;
	// Negative numbers are operands: stop at the first operand.
	applib_opts_init(&op, "seq", argc, argv, "+s:w", NULL);
	for (;;) {
		const char *a = op.ind < op.argc ? argv[op.ind] : NULL;
		if ((!op.next || !*op.next) && a && a[0] == '-' &&
		    ((a[1] >= '0' && a[1] <= '9') || a[1] == '.'))
			break;
		if ((c = applib_getopt(&op)) == -1)
			break;
		if (c == 's')
			sep = op.arg;
		else if (c == 'w')
			width = 1;
		else
			return 1;
	}
	int n = op.argc - op.ind;
	if (n < 1)
		return applib_missing_operand("seq");
	if (n > 3) {
		fprintf(stderr, "seq: extra operand '%s'\n", argv[op.ind + 3]);
		applib_try_help("seq");
		return 1;
	}
	double v[3] = {1, 1, 0};
	int dec[3] = {0, 0, 0};
	for (int k = 0; k < n; k++) {
		int slot = n == 1 ? 2 : n == 2 ? (k ? 2 : 0) : k;
		if (seq_number(argv[op.ind + k], &v[slot], &dec[slot]) < 0)
			return 1;
	}
	if (v[1] == 0) {
		fprintf(stderr, "seq: invalid Zero increment value: '%s'\n", argv[op.ind + 1]);
		applib_try_help("seq");
		return 1;
	}
	int prec = dec[0] > dec[1] ? dec[0] : dec[1];
	int w = 0;
	if (width) {
		char tmp[64];
		for (int k = 0; k < 3; k += 2) {
			int l = snprintf(tmp, sizeof(tmp), "%.*f", prec, v[k]);
			if (l > w)
				w = l;
		}
	}
	int first = 1;
	for (long long i = 0;; i++) {
		double x = v[0] + (double)i * v[1];
		if (v[1] > 0 ? x > v[2] + 1e-9 : x < v[2] - 1e-9)
			break;
		if (!first)
			fputs(sep, stdout);
		if (width)
			printf("%0*.*f", w, prec, x);
		else
			printf("%.*f", prec, x);
		first = 0;
		if (ferror(stdout))
			return 1;
	}
	if (!first)
		putchar('\n');
	return 0;
}
APP(seq, seq_main, "print a sequence of numbers");

static int yes_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: yes [STRING]...\n"
			   "Repeatedly output a line with all specified STRING(s), or 'y'.\n"))
		return 0;
	if (applib_operands("yes", &argc, argv) < 0)
		return 1;
	size_t len = 0;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *line = malloc(len ? len + 1 : 3);
	if (!line)
		return applib_error("yes", "malloc", ENOMEM);
	if (argc < 2) {
		strcpy(line, "y\n");
		len = 2;
	} else {
		line[0] = '\0';
		for (int i = 1; i < argc; i++) {
			strcat(line, argv[i]);
			strcat(line, i + 1 < argc ? " " : "\n");
		}
	}
	while (applib_write_all(1, line, len) == 0)
		;
	int err = errno;
	free(line);
	if (err == EPIPE)
		return 0; // the reader left, as SIGPIPE would end us quietly
	return applib_error("yes", "standard output", err);
}
APP(yes, yes_main, "output a string repeatedly until killed");

// ---- basename, dirname --------------------------------------------------------

static int basename_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: basename NAME [SUFFIX]\n"
			   "Print NAME with any leading directory components removed.\n"
			   "If specified, also remove a trailing SUFFIX.\n"))
		return 0;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {
		{"multiple", 0, 'a'}, {"suffix", 1, 's'}, {NULL, 0, 0}};
	applib_opts_init(&op, "basename", argc, argv, "as:", longs);
	const char *suffix = NULL;
	int multiple = 0, c;
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'a')
			multiple = 1;
		else if (c == 's')
			suffix = op.arg, multiple = 1;
		else
			return 1;
	}
	int n = op.argc - op.ind;
	if (n < 1)
		return applib_missing_operand("basename");
	if (!multiple && n > 2) {
		fprintf(stderr, "basename: extra operand '%s'\n", argv[op.ind + 2]);
		applib_try_help("basename");
		return 1;
	}
	if (!multiple && n == 2)
		suffix = argv[op.ind + 1];
	for (int i = op.ind; i < (multiple ? op.argc : op.ind + 1); i++) {
		const char *name = argv[i];
		size_t len = strlen(name);
		while (len > 1 && name[len - 1] == '/')
			len--;
		size_t start = len;
		while (start > 0 && name[start - 1] != '/')
			start--;
		if (len == 1 && name[0] == '/')
			start = 0;
		size_t blen = len - start;
		if (suffix) {
			size_t slen = strlen(suffix);
			if (slen < blen && memcmp(name + start + blen - slen, suffix, slen) == 0)
				blen -= slen;
		}
		printf("%.*s\n", (int)blen, name + start);
	}
	return 0;
}
APP(basename, basename_main, "strip directory and suffix from a file name");

static int dirname_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: dirname NAME...\n"
			   "Print each NAME with its last non-slash component and trailing\n"
			   "slashes removed; if NAME contains no /'s, output '.'.\n"))
		return 0;
	struct applib_opts op;
	applib_opts_init(&op, "dirname", argc, argv, "", NULL);
	if (applib_getopt(&op) != -1)
		return 1;
	if (op.argc - op.ind < 1)
		return applib_missing_operand("dirname");
	for (int i = op.ind; i < op.argc; i++) {
		const char *name = argv[i];
		size_t len = strlen(name);
		while (len > 1 && name[len - 1] == '/')
			len--;
		while (len > 0 && name[len - 1] != '/')
			len--;
		while (len > 1 && name[len - 1] == '/')
			len--;
		if (len == 0)
			puts(".");
		else
			printf("%.*s\n", (int)len, name);
	}
	return 0;
}
APP(dirname, dirname_main, "strip the last component from a file name");
