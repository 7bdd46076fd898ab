// File apps: cat, ls (-a -l -R -h), mkdir, rmdir, rm, mv, touch (cp is in
// cp.c). Each reports a failure as `PROG: PATH: strerror` and exits
// non-zero; a bad option reads as GNU's (applib_getopt).
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BUF 8192

// "dir" + "/" + "name", from malloc.
static char *path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	size_t n = a;
	if (n == 0 || p[n - 1] != '/')
		p[n++] = '/';
	memcpy(p + n, name, b + 1);
	return p;
}

// ---- cat ------------------------------------------------------------------

// Copy fd to stdout: 0, 1 after a read error (reported), 2 after a write
// error (reported unless the reader went away).
static int cat_fd(int fd, const char *name, char *buf)
{
	for (;;) {
		ssize_t n = read(fd, buf, COPY_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			applib_error("cat", name, errno);
			return 1;
		}
		if (n == 0)
			return 0;
		if (applib_write_all(1, buf, (size_t)n) < 0) {
			if (errno != EPIPE)
				applib_error("cat", "write error", errno);
			return 2;
		}
	}
}

static int cat_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: cat [FILE...]\n"
				       "Copy each FILE (or stdin, also as -) to stdout.\n"))
		return 0;
	struct applib_opts op;
	applib_opts_init(&op, "cat", argc, argv, "u", NULL);
	int c;
	while ((c = applib_getopt(&op)) != -1)
		if (c != 'u') // -u: unbuffered, which cat always is
			return 1;
	int n = op.argc - op.ind;
	for (int k = 0; k < n; k++)
		argv[1 + k] = argv[op.ind + k];
	argc = 1 + n;
	char *buf = malloc(COPY_BUF);
	if (!buf)
		return applib_error("cat", "malloc", ENOMEM);
	int status = 0;
	if (argc < 2)
		status = cat_fd(0, "stdin", buf) ? 1 : 0;
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0) {
			status = applib_error("cat", argv[i], errno);
			continue;
		}
		int rc = cat_fd(fd, argv[i], buf);
		if (fd != 0)
			close(fd);
		if (rc)
			status = 1;
		if (rc == 2)
			break;
	}
	free(buf);
	return status;
}
APP(cat, cat_main, "copy files to stdout");

// ---- ls -------------------------------------------------------------------

struct ls_opts {
	int all, longform, recursive, human;
};

// A work list of directories still to list (ls -R), on the heap: a user
// can make a tree deeper than recursion on our stack would allow.
struct ls_work {
	char **v;
	size_t n, cap;
};

static int ls_work_push(struct ls_work *w, char *path)
{
	if (!path)
		return -1;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		char **v = realloc(w->v, cap * sizeof(*v));
		if (!v) {
			free(path);
			return -1;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = path;
	return 0;
}

// GNU's -h: 1023, 1.0K, 9.9K, 10K, 1.5M (rounded up, powers of 1024).
static void ls_human(long long size, char *buf, size_t n)
{
	if (size < 1024) {
		snprintf(buf, n, "%lld", size);
		return;
	}
	static const char units[] = "KMGTPE";
	unsigned long long d = 1024;
	int k = 0;
	while (k < 5 && (unsigned long long)size >= d * 1024) {
		d *= 1024;
		k++;
	}
	unsigned long long tenths = ((unsigned long long)size * 10 + d - 1) / d;
	if (tenths < 100) {
		snprintf(buf, n, "%llu.%llu%c", tenths / 10, tenths % 10, units[k]);
		return;
	}
	unsigned long long whole = ((unsigned long long)size + d - 1) / d;
	if (whole >= 1024 && k < 5) {
		snprintf(buf, n, "1.0%c", units[k + 1]);
		return;
	}
	snprintf(buf, n, "%llu%c", whole, units[k]);
}

static void mode_string(unsigned mode, char *s)
{
	s[0] = S_ISDIR(mode) ? 'd' : S_ISCHR(mode) ? 'c' : S_ISFIFO(mode) ? 'p' : '-';
	static const char rwx[] = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		s[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	s[10] = '\0';
}

static void ls_print(const struct ls_opts *o, const char *path, const char *name)
{
	if (!o->longform) {
		printf("%s\n", name);
		return;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		printf("?????????? ? %8s %s\n", "?", name);
		return;
	}
	char mode[11], size[32];
	mode_string((unsigned)st.st_mode, mode);
	if (o->human)
		ls_human((long long)st.st_size, size, sizeof(size));
	else
		snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
	printf("%s %2lu %8s %s\n", mode, (unsigned long)st.st_nlink, size, name);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

// List one directory; with -R, queue its subdirectories on *work (last
// first, so that they come off the list in name order).
static int ls_dir(const struct ls_opts *o, const char *path, struct ls_work *work)
{
	CDIR *d = cdir_open(path);
	if (!d)
		return applib_error("ls", path, errno);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int status = 0;
	struct corral_dirent *e;
	while ((e = cdir_read(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue; // -a adds them itself, whatever the fs returns
		if (e->d_name[0] == '.' && !o->all)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **bigger = realloc(names, cap * sizeof(char *));
			if (!bigger) {
				status = applib_error("ls", path, ENOMEM);
				break;
			}
			names = bigger;
		}
		if (!(names[n] = strdup(e->d_name))) {
			status = applib_error("ls", path, ENOMEM);
			break;
		}
		n++;
	}
	cdir_close(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), cmp_names);
	if (o->all) {
		char *dot = path_join(path, "."), *dotdot = path_join(path, "..");
		if (dot && dotdot) {
			ls_print(o, dot, ".");
			ls_print(o, dotdot, "..");
		}
		free(dot);
		free(dotdot);
	}
	for (size_t i = 0; i < n; i++) {
		char *p = path_join(path, names[i]);
		if (p)
			ls_print(o, p, names[i]);
		free(p);
	}
	for (size_t i = n; o->recursive && i-- > 0;) {
		char *p = path_join(path, names[i]);
		struct stat st;
		if (p && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (ls_work_push(work, p) < 0)
				status = applib_error("ls", path, ENOMEM);
		} else {
			free(p);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return status;
}

static int ls_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: ls [-a] [-l] [PATH...]\n"
			   "List directories (sorted, one name a line) or files.\n"
			   "-l: mode, links, size, name; -a: include names starting with '.'\n"))
		return 0;
	struct ls_opts o = {0, 0, 0, 0};
	struct applib_opts op;
	applib_opts_init(&op, "ls", argc, argv, "alRh1", NULL);
	int c;
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'a': o.all = 1; break;
		case 'l': o.longform = 1; break;
		case 'R': o.recursive = 1; break;
		case 'h': o.human = 1; break;
		case '1': break;
		default: return 2;
		}
	}
	int i = op.ind;
	argc = op.argc;
	char *dot[] = {".", NULL};
	char **paths = i < argc ? argv + i : dot;
	int npaths = i < argc ? argc - i : 1;
	int status = 0, printed = 0;
	struct ls_work work = {0};
	if (npaths > 1) // operands are listed in name order too
		qsort(paths, (size_t)npaths, sizeof(char *), cmp_names);
	// Files first, as GNU ls does, then the directories in order.
	for (int k = 0; k < npaths; k++) {
		struct stat st;
		if (stat(paths[k], &st) < 0) { // busybox's wording, Corral's form
			status = applib_error("ls", paths[k], errno);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			ls_print(&o, paths[k], paths[k]);
			printed = 1;
		}
	}
	for (int k = npaths; k-- > 0;) {
		struct stat st;
		if (stat(paths[k], &st) == 0 && S_ISDIR(st.st_mode) &&
		    ls_work_push(&work, strdup(paths[k])) < 0)
			status = applib_error("ls", paths[k], ENOMEM);
	}
	while (work.n > 0) {
		char *dir = work.v[--work.n];
		if (npaths > 1 || o.recursive)
			printf("%s%s:\n", printed ? "\n" : "", dir);
		printed = 1;
		if (ls_dir(&o, dir, &work) && !status)
			status = 1;
		free(dir);
	}
	free(work.v);
	return status;
}
APP(ls, ls_main, "list directory contents");

// ---- mkdir, rmdir -----------------------------------------------------------

static int mkdir_parents(char *path)
{
	if (!*path)
		return applib_error("mkdir", path, ENOENT);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		struct stat st;
		int rc = mkdir(path, 0777);
		if (rc < 0 && !(errno == EEXIST && stat(path, &st) == 0 &&
				S_ISDIR(st.st_mode))) {
			applib_error("mkdir", path, errno == EEXIST ? ENOTDIR : errno);
			*p = saved;
			return 1;
		}
		*p = saved;
		if (!saved)
			return 0;
		while (p[1] == '/')
			p++;
		if (!p[1])
			return 0;
	}
}

static int mkdir_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: mkdir [-p] DIR...\n"
				       "Create directories; -p: parents too, existing is fine.\n"))
		return 0;
	int parents = 0, status = 0, c;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {{"parents", 0, 'p'}, {NULL, 0, 0}};
	applib_opts_init(&op, "mkdir", argc, argv, "p", longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c != 'p')
			return 1;
		parents = 1;
	}
	int i = op.ind;
	argc = op.argc;
	if (i >= argc)
		return applib_missing_operand("mkdir");
	for (; i < argc; i++) {
		if (parents) {
			if (mkdir_parents(argv[i]))
				status = 1;
		} else if (mkdir(argv[i], 0777) < 0) {
			status = applib_error("mkdir", argv[i], errno);
		}
	}
	return status;
}
APP(mkdir, mkdir_main, "make directories");

// rmdir -p: remove DIR, then each parent named in it ("a/b/c": a/b/c,
// a/b, a), as GNU rmdir does; stops at the first failure.
static int rmdir_parents(char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	for (;;) {
		if (rmdir(path) < 0)
			return applib_error("rmdir", path, errno);
		char *slash = strrchr(path, '/');
		while (slash && slash > path && slash[-1] == '/')
			slash--;
		if (!slash || slash == path)
			return 0;
		*slash = '\0';
	}
}

static int rmdir_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: rmdir [-p] DIR...\n"
				       "Remove empty directories (or containers); -p: then each parent in DIR.\n"))
		return 0;
	int parents = 0, c;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {{"parents", 0, 'p'}, {NULL, 0, 0}};
	applib_opts_init(&op, "rmdir", argc, argv, "p", longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c != 'p')
			return 1;
		parents = 1;
	}
	int n = op.argc - op.ind;
	for (int k = 0; k < n; k++) // the operands from argv[1 + parents] on
		argv[1 + parents + k] = argv[op.ind + k];
	argc = 1 + parents + n;
	if (n == 0)
		return applib_missing_operand("rmdir");
	int status = 0;
	for (int i = 1 + parents; i < argc; i++) {
		if (parents)
			status |= rmdir_parents(argv[i]);
		else if (rmdir(argv[i]) < 0)
			status = applib_error("rmdir", argv[i], errno);
	}
	return status;
}
APP(rmdir, rmdir_main, "remove empty directories");

// ---- rm -------------------------------------------------------------------

// Remove a directory tree without recursion (a deep tree must not
// overflow the task's stack): a stack of directories, each visited twice
// -- first to unlink its files and push its subdirectories, then, once
// those are gone, to rmdir it.
struct rm_dir {
	char *path;
	int visited;
};

static int rm_tree(const char *root, int force)
{
	struct rm_dir *stack = malloc(sizeof(*stack) * 16);
	size_t n = 0, cap = 16;
	int status = 0;
	if (!stack || !(stack[0].path = strdup(root))) {
		free(stack);
		return applib_error("rm", root, ENOMEM);
	}
	stack[n++].visited = 0;
	while (n > 0) {
		struct rm_dir *top = &stack[n - 1];
		if (top->visited) {
			if (rmdir(top->path) < 0 && !(force && errno == ENOENT))
				status = applib_error("rm", top->path, errno);
			free(top->path);
			n--;
			continue;
		}
		top->visited = 1;
		char *dir = top->path; // stack may move below; dir stays valid
		CDIR *d = cdir_open(dir);
		if (!d) {
			status = applib_error("rm", dir, errno);
			free(dir);
			n--;
			continue;
		}
		struct corral_dirent *e;
		while ((e = cdir_read(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *p = path_join(dir, e->d_name);
			struct stat st;
			if (!p) {
				status = applib_error("rm", dir, ENOMEM);
				break;
			}
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (n == cap) {
					struct rm_dir *bigger = realloc(stack, sizeof(*stack) * cap * 2);
					if (!bigger) {
						status = applib_error("rm", p, ENOMEM);
						free(p);
						break;
					}
					stack = bigger;
					cap *= 2;
				}
				stack[n].path = p;
				stack[n++].visited = 0;
				continue;
			}
			if (unlink(p) < 0 && !(force && errno == ENOENT))
				status = applib_error("rm", p, errno);
			free(p);
		}
		cdir_close(d);
	}
	free(stack);
	return status;
}

static int rm_path(const char *path, int recursive, int force)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		return applib_error("rm", path, errno);
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive)
			return applib_error("rm", path, EISDIR);
		return rm_tree(path, force);
	}
	if (unlink(path) < 0 && !(force && errno == ENOENT))
		return applib_error("rm", path, errno);
	return 0;
}

static int rm_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: rm [-r] [-f] PATH...\n"
			   "Remove files; -r: directories and their contents; -f: a missing\n"
			   "PATH is not an error.\n"))
		return 0;
	int recursive = 0, force = 0, c;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {
		{"recursive", 0, 'r'}, {"force", 0, 'f'}, {NULL, 0, 0}};
	applib_opts_init(&op, "rm", argc, argv, "rRf", longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'r' || c == 'R')
			recursive = 1;
		else if (c == 'f')
			force = 1;
		else
			return 1;
	}
	int i = op.ind;
	argc = op.argc;
	if (i >= argc && !force)
		return applib_missing_operand("rm");
	int status = 0;
	for (; i < argc; i++)
		if (rm_path(argv[i], recursive, force))
			status = 1;
	return status;
}
APP(rm, rm_main, "remove files or directories");

// ---- mv -------------------------------------------------------------------

// rename() across filesystems fails with EXDEV: copy a regular file instead.
static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY);
	if (in < 0)
		return applib_error("mv", from, errno);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0) {
		int err = errno;
		close(in);
		return applib_error("mv", to, err);
	}
	char *buf = malloc(COPY_BUF);
	int status = buf ? 0 : applib_error("mv", from, ENOMEM);
	while (!status) {
		ssize_t n = read(in, buf, COPY_BUF);
		if (n < 0)
			status = applib_error("mv", from, errno);
		else if (n == 0)
			break;
		else if (applib_write_all(out, buf, (size_t)n) < 0)
			status = applib_error("mv", to, errno);
	}
	free(buf);
	close(in);
	if (close(out) < 0 && !status)
		status = applib_error("mv", to, errno);
	if (!status && unlink(from) < 0)
		status = applib_error("mv", from, errno);
	return status;
}

static int mv_one(const char *from, const char *to)
{
	if (rename(from, to) == 0)
		return 0;
	struct stat st;
	if (errno == EXDEV && stat(from, &st) == 0 && S_ISREG(st.st_mode))
		return copy_file(from, to);
	char ctx[600];
	snprintf(ctx, sizeof(ctx), "%s -> %s", from, to);
	return applib_error("mv", ctx, errno);
}

static int mv_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: mv FROM TO | mv FROM... DIR\n"
				       "Rename or move files and directories.\n"))
		return 0;
	if (applib_operands("mv", &argc, argv) < 0)
		return 1;
	if (argc < 3) {
		if (argc == 2)
			fprintf(stderr, "mv: missing destination file operand after '%s'\n", argv[1]);
		else
			fprintf(stderr, "mv: missing file operand\n");
		applib_try_help("mv");
		return 1;
	}
	const char *dst = argv[argc - 1];
	struct stat st;
	int into_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
	if (argc > 3 && !into_dir)
		return applib_error("mv", dst, ENOTDIR);
	int status = 0;
	for (int i = 1; i < argc - 1; i++) {
		if (!into_dir) {
			status |= mv_one(argv[i], dst);
			continue;
		}
		const char *base = strrchr(argv[i], '/');
		base = base && base[1] ? base + 1 : argv[i];
		char *to = path_join(dst, base);
		if (!to)
			return applib_error("mv", argv[i], ENOMEM);
		status |= mv_one(argv[i], to);
		free(to);
	}
	return status;
}
APP(mv, mv_main, "move (rename) files");

// ---- touch ------------------------------------------------------------------

static int touch_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: touch FILE...\nCreate each FILE that does not exist.\n"))
		return 0;
	if (applib_operands("touch", &argc, argv) < 0)
		return 1;
	if (argc < 2) {
		fprintf(stderr, "touch: missing file operand\n");
		applib_try_help("touch");
		return 1;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0)
			continue; // there are no file times to update
		int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
		if (fd < 0)
			status = applib_error("touch", argv[i], errno);
		else
			close(fd);
	}
	return status;
}
APP(touch, touch_main, "create empty files");
