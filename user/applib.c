// Helpers shared by the apps (see applib.h).
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int applib_error(const char *prog, const char *context, int err)
{
	fprintf(stderr, "%s: %s: %s\n", prog, context, strerror(err));
	return 1;
}

int applib_wants_help(int argc, char **argv, const char *usage)
{
	if (argc < 2 || strcmp(argv[1], "--help") != 0)
		return 0;
	fputs(usage, stdout);
	return 1;
}

int applib_no_arguments(const char *prog, int argc, char **argv)
{
	int n = argc;
	if (applib_operands(prog, &n, argv) < 0)
		return 1;
	if (n <= 1)
		return 0;
	fprintf(stderr, "%s: extra operand '%s'\n", prog, argv[1]);
	applib_try_help(prog);
	return 1;
}

int applib_operands(const char *prog, int *argc, char **argv)
{
	struct applib_opts o;
	applib_opts_init(&o, prog, *argc, argv, "+", NULL);
	for (;;) {
		// A negative number is an operand (sleep -1 is GNU's error too).
		const char *a = o.ind < o.argc ? argv[o.ind] : NULL;
		if (a && a[0] == '-' && a[1] >= '0' && a[1] <= '9')
			break;
		if (applib_getopt(&o) == -1)
			break;
		return -1;
	}
	int n = o.argc - o.ind;
	for (int k = 0; k < n; k++)
		argv[1 + k] = argv[o.ind + k];
	argv[1 + n] = NULL;
	*argc = 1 + n;
	return 0;
}

char *applib_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (cap - used < 2) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				errno = ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			free(buf);
			buf = NULL;
			errno = err;
			break;
		}
		if (n == 0) {
			buf[used] = '\0';
			if (len)
				*len = used;
			break;
		}
		used += (size_t)n;
	}
	int err = errno;
	close(fd);
	errno = err;
	return buf;
}

int applib_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int applib_status_field(const char *text, const char *name, char *buf, size_t n)
{
	size_t len = strlen(name);
	const char *line = text;
	while (line && *line) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			const char *v = line + len + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t i = 0;
			while (v[i] && v[i] != '\n' && i + 1 < n) {
				buf[i] = v[i];
				i++;
			}
			buf[i] = '\0';
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

long long applib_now_ns(void)
{
	struct timespec ts;
#ifdef CLOCK_MONOTONIC
	clock_gettime(CLOCK_MONOTONIC, &ts);
#else
	clock_gettime(CLOCK_REALTIME, &ts);
#endif
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void applib_sleep_ns(long long ns)
{
	long long end = applib_now_ns() + ns;
	while (ns > 0) {
		struct timespec ts = {.tv_sec = ns / 1000000000LL,
				      .tv_nsec = ns % 1000000000LL};
		nanosleep(&ts, NULL);
		ns = end - applib_now_ns();
	}
}

int applib_parse_seconds(const char *s, long long *ns)
{
	long long whole = 0, frac = 0, scale = 1000000000LL;
	const char *p = s;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > 1000000000LL)
			return -1; // ~31 years is enough
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p || digits == 0)
		return -1;
	*ns = whole * 1000000000LL + frac;
	return 0;
}

int applib_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned long next = v * 10 + (unsigned long)(*s - '0');
		if (next / 10 != v)
			return -1; // overflow
		v = next;
	}
	*out = v;
	return 0;
}

static int parse_index(const char **p, unsigned *out)
{
	unsigned v = 0;
	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned)(**p - '0');
		if (v > 1000)
			return -1;
		(*p)++;
	}
	*out = v;
	return 0;
}

int applib_parse_cpulist(const char *s, unsigned long long *mask)
{
	unsigned long long m = 0;
	const char *p = s;
	while (*p && *p != '\n') {
		unsigned lo, hi;
		if (parse_index(&p, &lo) < 0)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_index(&p, &hi) < 0 || hi < lo)
				goto bad;
		}
		if (hi >= 64)
			goto bad;
		for (unsigned i = lo; i <= hi; i++)
			m |= 1ULL << i;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
	}
	*mask = m;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void applib_format_cpulist(unsigned long long mask, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		int j = i;
		while (j + 1 < 64 && (mask & (1ULL << (j + 1))))
			j++;
		int w;
		if (j == i)
			w = snprintf(buf + used, n - used, "%s%d", used ? "," : "", i);
		else
			w = snprintf(buf + used, n - used, "%s%d-%d", used ? "," : "",
				     i, j);
		if (w < 0 || (size_t)w >= n - used)
			return;
		used += (size_t)w;
		i = j;
	}
}

const char *applib_sys_path(const char *path, char *buf, size_t n)
{
#ifdef CORRAL_HOST
	const char *root = getenv("CORRAL_ROOT");
	if (root && *root) {
		snprintf(buf, n, "%s%s", root, path);
		return buf;
	}
#else
	(void)buf;
	(void)n;
#endif
	return path;
}

void applib_lines_init(struct applib_lines *l, int fd)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
}

int applib_lines_next(struct applib_lines *l, char **line, size_t *len)
{
	for (;;) {
		char *nl = l->buf ? memchr(l->buf + l->start, '\n', l->end - l->start)
				  : NULL;
		if (nl) {
			*nl = '\0';
			*line = l->buf + l->start;
			*len = (size_t)(nl - *line);
			l->start = (size_t)(nl - l->buf) + 1;
			return 1;
		}
		if (l->eof) {
			if (l->start == l->end)
				return 0;
			l->buf[l->end] = '\0'; // there is always room: see below
			l->unterminated = 1;
			*line = l->buf + l->start;
			*len = l->end - l->start;
			l->start = l->end;
			return 1;
		}
		if (l->start > 0) {
			memmove(l->buf, l->buf + l->start, l->end - l->start);
			l->end -= l->start;
			l->start = 0;
		}
		if (l->cap - l->end < 2) { // keep a byte for the final NUL
			size_t cap = l->cap ? l->cap * 2 : 4096;
			char *buf = realloc(l->buf, cap);
			if (!buf) {
				errno = ENOMEM;
				return -1;
			}
			l->buf = buf;
			l->cap = cap;
		}
		ssize_t n = read(l->fd, l->buf + l->end, l->cap - l->end - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			l->eof = 1;
		l->end += (size_t)n;
	}
}

void applib_lines_free(struct applib_lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

int applib_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

static int read_task(int pid, struct applib_task *t)
{
	char path[64], rpath[300];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	char *text = applib_read_file(applib_sys_path(path, rpath, sizeof(rpath)), NULL);
	if (!text)
		return -1; // it exited meanwhile
	char v[64];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	if (applib_status_field(text, "Name", t->name, sizeof(t->name)) < 0)
		strcpy(t->name, "?");
	if (applib_status_field(text, "State", v, sizeof(v)) == 0)
		snprintf(t->state, sizeof(t->state), "%.*s", (int)strcspn(v, " \t"), v);
	else
		strcpy(t->state, "?");
	t->ppid = applib_status_field(text, "PPid", v, sizeof(v)) == 0 ? atoi(v) : 0;
	if (applib_status_field(text, "Cpu", v, sizeof(v)) == 0)
		snprintf(t->cpu, sizeof(t->cpu), "%.7s", v);
	else
		strcpy(t->cpu, "-");
	if (applib_status_field(text, "Node", v, sizeof(v)) == 0)
		snprintf(t->node, sizeof(t->node), "%.7s", v);
	else
		strcpy(t->node, "-");
	t->cputime_ns = applib_status_field(text, "SumExecRuntime", v, sizeof(v)) == 0
				? strtoll(v, NULL, 10)
				: -1;
	free(text);
	return 0;
}

static int cmp_task(const void *a, const void *b)
{
	const struct applib_task *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int applib_read_tasks(struct applib_task **tasks)
{
	char rpath[300];
	CDIR *d = cdir_open(applib_sys_path("/proc", rpath, sizeof(rpath)));
	if (!d)
		return -1;
	struct applib_task *v = NULL;
	int n = 0, cap = 0;
	struct corral_dirent *e;
	while ((e = cdir_read(d))) {
		unsigned long pid;
		if (applib_parse_ulong(e->d_name, &pid) < 0 || pid > 0x7fffffff)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct applib_task *bigger = realloc(v, sizeof(*v) * (size_t)cap);
			if (!bigger) {
				free(v);
				cdir_close(d);
				errno = ENOMEM;
				return -1;
			}
			v = bigger;
		}
		if (read_task((int)pid, &v[n]) == 0)
			n++;
	}
	cdir_close(d);
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_task);
	*tasks = v;
	return n;
}

void applib_format_cputime(long long ns, char *buf, size_t n)
{
	if (ns < 0) {
		snprintf(buf, n, "-");
		return;
	}
	long long cs = ns / 10000000LL;
	snprintf(buf, n, "%lld:%02lld.%02lld", cs / 6000, cs / 100 % 60, cs % 100);
}

extern char **environ;
extern char **corral_environ(void) __attribute__((weak));

char **applib_environ(void)
{
	if (corral_environ)
		return corral_environ();
	return environ;
}

// ---- Options ----

void applib_opts_init(struct applib_opts *o, const char *prog, int argc,
		      char **argv, const char *optstring,
		      const struct applib_longopt *longopts)
{
	memset(o, 0, sizeof(*o));
	o->prog = prog;
	o->argc = argc;
	o->argv = argv;
	o->optstring = optstring;
	o->longopts = longopts;
	o->ind = 1;
}

void applib_try_help(const char *prog)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

int applib_missing_operand(const char *prog)
{
	fprintf(stderr, "%s: missing operand\n", prog);
	applib_try_help(prog);
	return 1;
}

// Move argv[from] to the end of argv (operands set aside until the options
// are parsed), keeping the order of those already there.
static void opts_set_aside(struct applib_opts *o, int from)
{
	char *op = o->argv[from];
	for (int k = from; k + 1 < o->argc; k++)
		o->argv[k] = o->argv[k + 1];
	o->argv[o->argc - 1] = op;
	o->nops++;
}

// The options ended at o->ind: put the operands set aside before the
// unscanned rest, in their original order.
static int opts_end(struct applib_opts *o)
{
	for (int n = 0; n < o->nops; n++) { // rotate the last nops to o->ind
		char *op = o->argv[o->argc - 1];
		for (int k = o->argc - 1; k > o->ind; k--)
			o->argv[k] = o->argv[k - 1];
		o->argv[o->ind] = op;
	}
	o->nops = 0;
	return -1;
}

// The end of a bad option's report.
static int opts_bad(struct applib_opts *o)
{
	if (o->usage)
		fputs(o->usage, stderr);
	applib_try_help(o->prog);
	return '?';
}

static int opts_long(struct applib_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct applib_longopt *hit = NULL;
	int ambiguous = 0;
	for (const struct applib_longopt *l = o->longopts; l && l->name; l++) {
		if (strncmp(l->name, arg, len) != 0)
			continue;
		if (strlen(l->name) == len) { // exact beats any prefix
			hit = l;
			ambiguous = 0;
			break;
		}
		if (hit && hit->val != l->val)
			ambiguous = 1;
		hit = l;
	}
	if (!hit || ambiguous) {
		fprintf(stderr, ambiguous ? "%s: option '--%s' is ambiguous\n"
					  : "%s: unrecognized option '--%s'\n",
			o->prog, arg);
		return opts_bad(o);
	}
	o->arg = NULL;
	if (hit->has_arg) {
		if (eq)
			o->arg = eq + 1;
		else if (o->ind < o->argc - o->nops)
			o->arg = o->argv[o->ind++];
		else {
			fprintf(stderr, "%s: option '--%s' requires an argument\n",
				o->prog, hit->name);
			return opts_bad(o);
		}
	} else if (eq) {
		fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n",
			o->prog, hit->name);
		return opts_bad(o);
	}
	return hit->val;
}

int applib_getopt(struct applib_opts *o)
{
	const char *spec = o->optstring;
	int in_order = *spec == '+';
	if (in_order)
		spec++;
	if (!o->next || !*o->next) {
		o->next = NULL;
		for (;;) {
			if (o->ind >= o->argc - o->nops)
				return opts_end(o);
			const char *a = o->argv[o->ind];
			if (strcmp(a, "--") == 0) {
				for (int k = o->ind; k + 1 < o->argc; k++)
					o->argv[k] = o->argv[k + 1];
				o->argc--;
				o->argv[o->argc] = NULL;
				return opts_end(o);
			}
			if (a[0] == '-' && a[1])
				break;
			if (in_order)
				return opts_end(o);
			opts_set_aside(o, o->ind);
		}
		const char *a = o->argv[o->ind++];
		if (a[1] == '-' && o->longopts)
			return opts_long(o, a + 2);
		if (a[1] == '-') {
			fprintf(stderr, "%s: unrecognized option '%s'\n", o->prog, a);
			return opts_bad(o);
		}
		o->next = a + 1;
	}
	int c = (unsigned char)*o->next++;
	const char *s = c == ':' ? NULL : strchr(spec, c);
	if (!s) {
		fprintf(stderr, "%s: invalid option -- '%c'\n", o->prog, c);
		return opts_bad(o);
	}
	o->arg = NULL;
	if (s[1] == ':') {
		if (*o->next) {
			o->arg = o->next;
		} else if (o->ind < o->argc - o->nops) {
			o->arg = o->argv[o->ind++];
		} else {
			fprintf(stderr, "%s: option requires an argument -- '%c'\n",
				o->prog, c);
			return opts_bad(o);
		}
		o->next = NULL;
	}
	return c;
}

extern int corral_stdout_errno(void) __attribute__((weak));

int applib_check_stdout(const char *prog)
{
	errno = 0;
	int flushed = fflush(stdout) == 0;
	int err = errno;
	if (flushed && !ferror(stdout))
		return 0;
	if (corral_stdout_errno) // the error of the write that failed
		err = corral_stdout_errno();
	clearerr(stdout);
	if (err == EPIPE) // the reader left: as if killed by SIGPIPE, quietly
		return 1;
	fprintf(stderr, "%s: write error%s%s\n", prog, err ? ": " : "",
		err ? strerror(err) : "");
	return 1;
}
