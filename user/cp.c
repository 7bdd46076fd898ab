// cp, as GNU coreutils has it: cp [-r|-R|-a] [-p] [-f] [-n] [-v] SOURCE... DEST.
//
// -r copies directory trees with a work list on the heap (a user can make
// a tree deeper than our stack would allow recursion over). -p keeps the
// mode bits; Corral has no owners, and file times are set by the kernel.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cp_opts {
	int recursive, preserve, no_clobber, verbose, force;
};

// A pending copy of src to dst (both from malloc).
struct cp_job {
	char *src, *dst;
};

struct cp_jobs {
	struct cp_job *v;
	size_t n, cap;
};

static char *cp_join(const char *dir, const char *name)
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

static int cp_push(struct cp_jobs *j, char *src, char *dst)
{
	if (!src || !dst)
		goto nomem;
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		struct cp_job *v = realloc(j->v, cap * sizeof(*v));
		if (!v)
			goto nomem;
		j->v = v;
		j->cap = cap;
	}
	j->v[j->n++] = (struct cp_job){src, dst};
	return 0;
nomem:
	free(src);
	free(dst);
	errno = ENOMEM;
	return -1;
}

// buf: COPY_BUF bytes, one for the whole copy (a block of 2 KiB or more
// from the heap is whole pages, mapped and unmapped at each malloc/free).
#define COPY_BUF 8192

static int cp_file(const struct cp_opts *o, const char *src, const char *dst,
		   const struct stat *st, char *buf)
{
	struct stat dt;
	if (stat(dst, &dt) == 0) {
		if (o->no_clobber)
			return 0;
		if (dt.st_ino == st->st_ino && dt.st_dev == st->st_dev) {
			fprintf(stderr, "cp: '%s' and '%s' are the same file\n", src, dst);
			return 1;
		}
	}
	int in = open(src, O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "cp: cannot open '%s' for reading: %s\n", src, strerror(errno));
		return 1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 0777);
	if (out < 0 && o->force && unlink(dst) == 0)
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 0777);
	if (out < 0) {
		fprintf(stderr, "cp: cannot create regular file '%s': %s\n", dst, strerror(errno));
		close(in);
		return 1;
	}
	int status = 0;
	for (;;) {
		ssize_t n = read(in, buf, COPY_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "cp: error reading '%s': %s\n", src, strerror(errno));
			status = 1;
			break;
		}
		if (n == 0)
			break;
		if (applib_write_all(out, buf, (size_t)n) < 0) {
			fprintf(stderr, "cp: error writing '%s': %s\n", dst, strerror(errno));
			status = 1;
			break;
		}
	}
	close(in);
	if (close(out) < 0 && !status) {
		fprintf(stderr, "cp: error writing '%s': %s\n", dst, strerror(errno));
		status = 1;
	}
#ifdef CORRAL_HOST
	if (o->preserve && !status)
		chmod(dst, st->st_mode & 07777);
#endif
	if (o->verbose && !status)
		printf("'%s' -> '%s'\n", src, dst);
	return status;
}

// Copy one directory level: make dst, queue its entries.
static int cp_dir(const struct cp_opts *o, struct cp_jobs *jobs, const char *src,
		  const char *dst, const struct stat *st)
{
	struct stat dt;
	if (stat(dst, &dt) == 0) {
		if (!S_ISDIR(dt.st_mode)) {
			fprintf(stderr, "cp: cannot overwrite non-directory '%s' with directory '%s'\n",
				dst, src);
			return 1;
		}
	} else if (mkdir(dst, (st->st_mode & 0777) | 0700) < 0) {
		fprintf(stderr, "cp: cannot create directory '%s': %s\n", dst, strerror(errno));
		return 1;
	} else if (o->verbose) {
		printf("'%s' -> '%s'\n", src, dst);
	}
	CDIR *d = cdir_open(src);
	if (!d) {
		fprintf(stderr, "cp: cannot access '%s': %s\n", src, strerror(errno));
		return 1;
	}
	struct corral_dirent *e;
	int status = 0;
	while ((e = cdir_read(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (cp_push(jobs, cp_join(src, e->d_name), cp_join(dst, e->d_name)) < 0) {
			status = applib_error("cp", src, errno);
			break;
		}
	}
	cdir_close(d);
	return status;
}

// Copy src to dst, and with -r everything under it (a work list, no
// recursion). cp_main refuses a directory copied into itself.
static int cp_tree(const struct cp_opts *o, const char *src, const char *dst)
{
	struct cp_jobs jobs = {0};
	int status = 0;
	char *buf = malloc(COPY_BUF);
	if (!buf || cp_push(&jobs, strdup(src), strdup(dst)) < 0) {
		free(buf);
		return applib_error("cp", src, ENOMEM);
	}
	while (jobs.n > 0) {
		struct cp_job j = jobs.v[--jobs.n];
		struct stat st;
		if (stat(j.src, &st) < 0) {
			fprintf(stderr, "cp: cannot stat '%s': %s\n", j.src, strerror(errno));
			status = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (!o->recursive) {
				fprintf(stderr, "cp: -r not specified; omitting directory '%s'\n", j.src);
				status = 1;
			} else {
				status |= cp_dir(o, &jobs, j.src, j.dst, &st);
			}
		} else {
			status |= cp_file(o, j.src, j.dst, &st, buf);
		}
		free(j.src);
		free(j.dst);
	}
	free(jobs.v);
	free(buf);
	return status;
}

static int cp_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: cp [OPTION]... SOURCE DEST\n"
			   "  or:  cp [OPTION]... SOURCE... DIRECTORY\n"
			   "Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.\n"
			   "  -a       same as -rp\n"
			   "  -f       if an existing destination file cannot be opened, remove it\n"
			   "  -n       do not overwrite an existing file\n"
			   "  -p       preserve the mode\n"
			   "  -r, -R   copy directories recursively\n"
			   "  -v       explain what is being done\n"))
		return 0;
	struct cp_opts o = {0, 0, 0, 0, 0};
	static const struct applib_longopt longs[] = {
		{"recursive", 0, 'r'}, {"archive", 0, 'a'}, {"force", 0, 'f'},
		{"no-clobber", 0, 'n'}, {"verbose", 0, 'v'}, {"preserve", 0, 'p'},
		{NULL, 0, 0}};
	struct applib_opts op;
	applib_opts_init(&op, "cp", argc, argv, "aRrfnpvdP", longs);
	int c;
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'a': o.recursive = o.preserve = 1; break;
		case 'R': case 'r': o.recursive = 1; break;
		case 'f': o.force = 1; break;
		case 'n': o.no_clobber = 1; break;
		case 'p': o.preserve = 1; break;
		case 'v': o.verbose = 1; break;
		case 'd': case 'P': break; // no symbolic links on Corral
		default: return 1;
		}
	}
	int n = op.argc - op.ind;
	if (n == 0) {
		fprintf(stderr, "cp: missing file operand\n");
		applib_try_help("cp");
		return 1;
	}
	if (n == 1) {
		fprintf(stderr, "cp: missing destination file operand after '%s'\n", argv[op.ind]);
		applib_try_help("cp");
		return 1;
	}
	const char *dest = argv[op.argc - 1];
	struct stat dt;
	int dest_is_dir = stat(dest, &dt) == 0 && S_ISDIR(dt.st_mode);
	if (n > 2 && !dest_is_dir) {
		fprintf(stderr, "cp: target '%s': Not a directory\n", dest);
		return 1;
	}
	int status = 0;
	for (int i = op.ind; i < op.argc - 1; i++) {
		const char *src = argv[i];
		char *target;
		if (dest_is_dir) {
			size_t len = strlen(src);
			while (len > 1 && src[len - 1] == '/')
				len--;
			size_t start = len;
			while (start > 0 && src[start - 1] != '/')
				start--;
			char *base = strndup(src + start, len - start);
			target = base ? cp_join(dest, base) : NULL;
			free(base);
		} else {
			target = strdup(dest);
		}
		if (!target)
			return applib_error("cp", src, ENOMEM);
		struct stat st;
		size_t sl = strlen(src);
		if (stat(src, &st) == 0 && S_ISDIR(st.st_mode) && o.recursive &&
		    strncmp(target, src, sl) == 0 && target[sl] == '/') {
			fprintf(stderr, "cp: cannot copy a directory, '%s', into itself, '%s'\n",
				src, target);
			status = 1;
		} else {
			status |= cp_tree(&o, src, target);
		}
		free(target);
	}
	return status;
}
APP(cp, cp_main, "copy files and directories");
