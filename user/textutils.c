// Text apps: echo (-n -e -E, as GNU's /bin/echo), true, false, env, grep
// (-E -G -i -v -c -n -q -e), wc (-l -w -c, GNU's column widths), head (-n,
// -c, -N). Options go through applib_getopt, so a bad one reads as GNU's.
#include "user/applib.h"
#include "user/corral.h"
#include "user/regex_match.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// ---- echo, true, false ------------------------------------------------------

// -e: print s with its backslash escapes; 1 if \c ended the output.
static int echo_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			putchar(*s);
			continue;
		}
		char c = *++s;
		int v = 0, n = 0;
		switch (c) {
		case 'a': putchar('\a'); break;
		case 'b': putchar('\b'); break;
		case 'c': return 1;
		case 'e': putchar(27); break;
		case 'f': putchar('\f'); break;
		case 'n': putchar('\n'); break;
		case 'r': putchar('\r'); break;
		case 't': putchar('\t'); break;
		case 'v': putchar('\v'); break;
		case '\\': putchar('\\'); break;
		case '0': // \0NNN
			while (n < 3 && s[1] >= '0' && s[1] <= '7') {
				v = v * 8 + (*++s - '0');
				n++;
			}
			putchar(v);
			break;
		case 'x':
			while (n < 2 && ((s[1] >= '0' && s[1] <= '9') ||
					 ((s[1] | 32) >= 'a' && (s[1] | 32) <= 'f'))) {
				char h = *++s;
				v = v * 16 + (h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
				n++;
			}
			if (n)
				putchar(v);
			else
				fputs("\\x", stdout);
			break;
		default:
			putchar('\\');
			putchar(c);
		}
	}
	return 0;
}

// As GNU's /bin/echo: leading arguments made only of n, e and E letters
// are options (-n: no newline, -e: escapes, -E: none); others print.
static int echo_main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: echo [SHORT-OPTION]... [STRING]...\n"
		       "Echo the STRING(s) to standard output.\n"
		       "  -n  do not output the trailing newline\n"
		       "  -e  enable interpretation of backslash escapes\n"
		       "  -E  disable interpretation of backslash escapes (default)\n");
		return 0;
	}
	int i = 1, newline = 1, escapes = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] &&
	       strspn(argv[i] + 1, "neE") == strlen(argv[i] + 1);
	     i++) {
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'n')
				newline = 0;
			else
				escapes = *f == 'e';
		}
	}
	for (int k = i; k < argc; k++) {
		if (k > i)
			putchar(' ');
		if (!escapes)
			fputs(argv[k], stdout);
		else if (echo_escaped(argv[k]))
			return 0;
	}
	if (newline)
		putchar('\n');
	return 0;
}
APP(echo, echo_main, "print the arguments");

static int true_main(int argc, char **argv)
{
	applib_wants_help(argc, argv, "usage: true\nExit with status 0.\n");
	return 0;
}
APP(true, true_main, "exit with status 0");

static int false_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: false\nExit with status 1.\n"))
		return 0;
	return 1;
}
APP(false, false_main, "exit with status 1");

// ---- env --------------------------------------------------------------------

static int env_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: env [-i] [NAME=VALUE...] [CMD [ARG...]]\n"
			   "Print the environment, or run CMD with it changed.\n"))
		return 0;
	int i = 1, clear = 0;
	if (i < argc && strcmp(argv[i], "-i") == 0) {
		clear = 1;
		i++;
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		if (argv[i][1] == '-')
			fprintf(stderr, "env: unrecognized option '%s'\n", argv[i]);
		else
			fprintf(stderr, "env: invalid option -- '%c'\n", argv[i][1]);
		applib_try_help("env");
		return 125; // GNU env's status for its own errors
	}
	int first = i;
	while (i < argc && strchr(argv[i], '=') && argv[i][0] != '=')
		i++;
	char **environ = applib_environ();
	int nenv = 0;
	for (char **e = environ; !clear && e && *e; e++)
		nenv++;
	char **env = calloc((size_t)(nenv + (i - first) + 1), sizeof(char *));
	if (!env)
		return applib_error("env", "malloc", ENOMEM);
	int n = 0;
	for (int k = 0; k < nenv; k++) {
		const char *eq = strchr(environ[k], '=');
		size_t len = eq ? (size_t)(eq - environ[k]) + 1 : strlen(environ[k]);
		int overridden = 0;
		for (int a = first; a < i; a++)
			if (strncmp(argv[a], environ[k], len) == 0)
				overridden = 1;
		if (!overridden)
			env[n++] = environ[k];
	}
	for (int a = first; a < i; a++)
		env[n++] = argv[a];
	if (i == argc) {
		for (int k = 0; k < n; k++)
			printf("%s\n", env[k]);
		free(env);
		return 0;
	}
	// Unchanged, the environment is passed on whole (NULL: our own).
	pid_t pid = spawn(argv[i], argv + i, clear || i > first ? env : NULL);
	free(env);
	if (pid < 0)
		return applib_error("env", argv[i], errno);
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return applib_error("env", "waitpid", errno);
	return applib_exit_status(st);
}
APP(env, env_main, "print the environment or run a command in a changed one");

// ---- grep -------------------------------------------------------------------

struct grep_opts {
	int invert, count, number, quiet, names;
	int no_messages; // -s: no message about a file that cannot be read
};

// Does the line match any of the n patterns?
static int grep_any(struct regex *const *re, int n, const char *line, size_t len)
{
	for (int k = 0; k < n; k++)
		if (regex_search(re[k], line, len))
			return 1;
	return 0;
}

// 1 if some line was selected, 0 if none, -1 on a read error (reported).
static int grep_fd(const struct grep_opts *o, struct regex *const *re, int nre, int fd,
		   const char *name)
{
	struct applib_lines lines;
	applib_lines_init(&lines, fd);
	char *line;
	size_t len;
	long count = 0, lineno = 0;
	int rc;
	while ((rc = applib_lines_next(&lines, &line, &len)) > 0) {
		lineno++;
		if (grep_any(re, nre, line, len) == o->invert)
			continue;
		count++;
		if (o->quiet)
			break;
		if (o->count)
			continue;
		if (o->names)
			printf("%s:", name);
		if (o->number)
			printf("%ld:", lineno);
		fwrite(line, 1, len, stdout);
		putchar('\n');
	}
	if (rc < 0 && !o->no_messages)
		applib_error("grep", name, errno);
	applib_lines_free(&lines);
	if (o->count && !o->quiet) {
		if (o->names)
			printf("%s:", name);
		printf("%ld\n", count);
	}
	return rc < 0 ? -1 : count > 0;
}

static int grep_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: grep [-E] [-v] [-c] [-i] [-n] [-q] [-s] [-e] PATTERN [FILE...]\n"
			   "Print lines that match PATTERN (a basic regex; -E extended:\n"
			   "a|b, (a), a+, a?). -v: lines that do not match; -c: count them;\n"
			   "-i: ignore case; -n: line numbers; -q: no output, just the status;\n"
			   "-s: no messages about files that cannot be read.\n"
			   "Status: 0 some line selected, 1 none, 2 error.\n"))
		return 0;
	struct grep_opts o = {0, 0, 0, 0, 0, 0};
	int flags = 0, c;
	// Every -e (and each line of one) is a pattern; a line is selected if
	// any matches, as GNU grep. Without -e the first operand is the list.
	const char **patterns = calloc((size_t)argc + 1, sizeof(*patterns));
	int npatterns = 0;
	if (!patterns) {
		applib_error("grep", "malloc", ENOMEM);
		return 2;
	}
	struct applib_opts op;
	applib_opts_init(&op, "grep", argc, argv, "EGivcnqsye:", NULL);
	op.usage = "Usage: grep [OPTION]... PATTERNS [FILE]...\n";
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'e': patterns[npatterns++] = op.arg; break;
		case 'E': flags |= REGEX_EXTENDED; break;
		case 'G': flags &= ~REGEX_EXTENDED; break;
		case 'i': case 'y': flags |= REGEX_ICASE; break;
		case 'v': o.invert = 1; break;
		case 'c': o.count = 1; break;
		case 'n': o.number = 1; break;
		case 'q': o.quiet = 1; break;
		case 's': o.no_messages = 1; break;
		default:
			free(patterns);
			return 2;
		}
	}
	argc = op.argc;
	int i = op.ind;
	if (!npatterns) {
		if (i >= argc) {
			free(patterns);
			goto usage;
		}
		patterns[npatterns++] = argv[i++];
	}
	// Split each pattern at its newlines.
	int nre = 0;
	for (int k = 0; k < npatterns; k++)
		for (const char *p = patterns[k];; p++) {
			nre++;
			p = strchr(p, '\n');
			if (!p)
				break;
		}
	struct regex **re = calloc((size_t)nre, sizeof(*re));
	const char *err = NULL;
	int bad = !re;
	nre = 0;
	for (int k = 0; k < npatterns && !bad; k++) {
		const char *p = patterns[k];
		for (;;) {
			size_t n = strcspn(p, "\n");
			char *one = strndup(p, n);
			re[nre] = one ? regex_compile(one, flags, &err) : NULL;
			if (!re[nre]) {
				if (err)
					fprintf(stderr, "grep: %s: %s\n", one, err);
				else
					applib_error("grep", "malloc", ENOMEM);
				free(one);
				bad = 1;
				break;
			}
			free(one);
			nre++;
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	free(patterns);
	if (bad) {
		for (int k = 0; k < nre; k++)
			regex_free(re[k]);
		free(re);
		return 2;
	}
	o.names = argc - i > 1;
	int selected = 0, error = 0;
	if (i >= argc) {
		int r = grep_fd(&o, re, nre, 0, "(standard input)");
		selected |= r > 0;
		error |= r < 0;
	}
	for (; i < argc && !(o.quiet && selected); i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0) {
			if (!o.no_messages)
				applib_error("grep", argv[i], errno);
			error = 1;
			continue;
		}
		int r = grep_fd(&o, re, nre, fd, argv[i]);
		if (fd != 0)
			close(fd);
		selected |= r > 0;
		error |= r < 0;
	}
	for (int k = 0; k < nre; k++)
		regex_free(re[k]);
	free(re);
	if (applib_check_stdout("grep"))
		return 2;
	if (error && !(o.quiet && selected))
		return 2;
	return selected ? 0 : 1;
usage:
	fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
	applib_try_help("grep");
	return 2;
}
APP(grep, grep_main, "print lines matching a pattern");

// ---- wc -------------------------------------------------------------------

struct wc_counts {
	unsigned long long lines, words, bytes;
};

static int wc_fd(int fd, const char *name, struct wc_counts *c)
{
	char *buf = malloc(8192);
	if (!buf)
		return applib_error("wc", name, ENOMEM);
	int in_word = 0, status = 0;
	for (;;) {
		ssize_t n = read(fd, buf, 8192);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			status = applib_error("wc", name, errno);
			break;
		}
		if (n == 0)
			break;
		c->bytes += (unsigned long long)n;
		for (ssize_t k = 0; k < n; k++) {
			char ch = buf[k];
			if (ch == '\n')
				c->lines++;
			int space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' ||
				    ch == '\v' || ch == '\f';
			if (!space && !in_word)
				c->words++;
			in_word = !space;
		}
	}
	free(buf);
	return status;
}

// GNU's column width: the digits of the inputs' total size when every
// input is a regular file, else 7.
static int wc_width(char **files, int n)
{
	unsigned long long total = 0;
	for (int k = 0; k < (n ? n : 1); k++) {
		struct stat st;
		int ok = n ? stat(files[k], &st) == 0 : fstat(0, &st) == 0;
		if (!ok)
			continue; // reported when it is opened
		if (!S_ISREG(st.st_mode))
			return 7;
		total += (unsigned long long)st.st_size;
	}
	int width = 1;
	for (; total >= 10; total /= 10)
		width++;
	return width;
}

static void wc_print(const int *show, int width, const struct wc_counts *c,
		     const char *name)
{
	const unsigned long long v[3] = {c->lines, c->words, c->bytes};
	int first = 1;
	for (int k = 0; k < 3; k++) {
		if (!show[k])
			continue;
		printf(first ? "%*llu" : " %*llu", width, v[k]);
		first = 0;
	}
	if (name)
		printf(" %s", name);
	putchar('\n');
}

static int wc_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: wc [-l] [-w] [-c] [FILE...]\n"
			   "Count lines, words and bytes (all three by default).\n"))
		return 0;
	int show[3] = {0, 0, 0}, c;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {
		{"lines", 0, 'l'}, {"words", 0, 'w'}, {"bytes", 0, 'c'}, {NULL, 0, 0}};
	applib_opts_init(&op, "wc", argc, argv, "lwcm", longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'l')
			show[0] = 1;
		else if (c == 'w')
			show[1] = 1;
		else if (c == 'c' || c == 'm')
			show[2] = 1;
		else
			return 1;
	}
	argc = op.argc;
	int i = op.ind;
	int nshow = show[0] + show[1] + show[2];
	if (nshow == 0) {
		show[0] = show[1] = show[2] = 1;
		nshow = 3;
	}
	int nfiles = argc - i;
	int width = nshow == 1 && nfiles <= 1 ? 1 : wc_width(argv + i, nfiles);
	int status = 0;
	struct wc_counts total = {0, 0, 0};
	if (nfiles == 0) {
		struct wc_counts c = {0, 0, 0};
		status = wc_fd(0, "stdin", &c);
		wc_print(show, width, &c, NULL);
	}
	for (; i < argc; i++) {
		struct wc_counts c = {0, 0, 0};
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			status = applib_error("wc", argv[i], errno);
			continue;
		}
		if (wc_fd(fd, argv[i], &c))
			status = 1;
		close(fd);
		wc_print(show, width, &c, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (nfiles > 1)
		wc_print(show, width, &total, "total");
	return status;
}
APP(wc, wc_main, "count lines, words and bytes");

// ---- head -------------------------------------------------------------------

// Copy the first n lines (or bytes) of fd to stdout.
static int head_fd(int fd, const char *name, unsigned long n, int bytes)
{
	char *buf = malloc(8192);
	if (!buf)
		return applib_error("head", name, ENOMEM);
	int status = 0;
	while (n > 0) {
		ssize_t got = read(fd, buf, 8192);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "head: error reading '%s': %s\n", name, strerror(errno));
			status = 1;
			break;
		}
		if (got == 0)
			break;
		size_t keep = 0;
		if (bytes) {
			keep = (size_t)got < n ? (size_t)got : n;
			n -= keep;
		} else {
			while (keep < (size_t)got && n > 0)
				if (buf[keep++] == '\n')
					n--;
		}
		if (fwrite(buf, 1, keep, stdout) != keep)
			break;
	}
	free(buf);
	return status;
}

static int head_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: head [OPTION]... [FILE]...\n"
			   "Print the first 10 lines of each FILE to standard output.\n"
			   "  -c NUM  print the first NUM bytes of each file\n"
			   "  -n NUM  print the first NUM lines instead of the first 10\n"
			   "  -NUM    the same as -n NUM\n"))
		return 0;
	unsigned long n = 10;
	int bytes = 0, c;
	// The old form: head -5.
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
		if (applib_parse_ulong(argv[1] + 1, &n) < 0) {
			fprintf(stderr, "head: invalid number of lines: '%s'\n", argv[1] + 1);
			return 1;
		}
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	struct applib_opts op;
	applib_opts_init(&op, "head", argc, argv, "c:n:qv", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'c': case 'n':
			bytes = c == 'c';
			if (applib_parse_ulong(op.arg, &n) < 0) {
				fprintf(stderr, "head: invalid number of %s: '%s'\n",
					bytes ? "bytes" : "lines", op.arg);
				return 1;
			}
			break;
		case 'q': case 'v': break;
		default: return 1;
		}
	}
	int status = 0, nfiles = op.argc - op.ind;
	if (nfiles == 0)
		status = head_fd(0, "standard input", n, bytes);
	for (int k = op.ind; k < op.argc; k++) {
		int fd = strcmp(argv[k], "-") == 0 ? 0 : open(argv[k], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "head: cannot open '%s' for reading: %s\n", argv[k],
				strerror(errno));
			status = 1;
			continue;
		}
		if (nfiles > 1)
			printf("%s==> %s <==\n", k > op.ind ? "\n" : "",
			       fd ? argv[k] : "standard input");
		if (head_fd(fd, argv[k], n, bytes))
			status = 1;
		if (fd)
			close(fd);
	}
	return status;
}
APP(head, head_main, "print the first lines of files");
