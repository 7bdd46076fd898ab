// libcgroup's tools on Corral's container hierarchies (cgroup v1):
//   cgexec -g SUBSYS[,SUBSYS...]:PATH [-g ...] [--sticky] CMD [ARG...]
//   cgclassify -g SUBSYS[,SUBSYS...]:PATH [--sticky | --cancel-sticky] PID...
//   lscgroup [-g SUBSYS[,...]:PATH]... [SUBSYS[,...]:PATH]...
// SUBSYS may be `*`: every mounted hierarchy. Each hierarchy is found from
// /proc/mounts (type `container` or its alias `cgroup`, the subsystems in
// the options: "none /cg cgroup rw,cpuset,cpuacct 0 0"); a task is moved
// by writing its pid to PATH/tasks under the hierarchy's mount point.
//
// There is no exec on Corral: cgexec moves itself into the containers,
// spawns CMD there stopped (a spawned task starts in its parent's
// containers), moves itself back, lets CMD run (SIGCONT) and waits for it.
// So CMD runs in the containers from its first instruction, and never
// while cgexec is counted there too (a numtasks limit must leave room for
// both only while CMD is spawned).
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CG_MAX_HIER 8
#define CG_MAX_SUBSYS 16

struct cg_hier {
	char mount[256];
	char subsys[CG_MAX_SUBSYS][16];
	int nsubsys;
	char names[128]; // "cpuset,cpuacct", as the mount options list them
};

struct cg_mounts {
	struct cg_hier h[CG_MAX_HIER];
	int n;
};

// The container hierarchies in /proc/mounts (the first mount of each).
static int cg_read_mounts(const char *prog, struct cg_mounts *m)
{
	char rpath[300];
	char *text = applib_read_file(applib_sys_path("/proc/mounts", rpath, sizeof(rpath)), NULL);
	if (!text) {
		applib_error(prog, "/proc/mounts", errno);
		return -1;
	}
	m->n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && m->n < CG_MAX_HIER;
	     line = strtok_r(NULL, "\n", &save)) {
		char src[64], dir[256], type[32], opts[256];
		if (sscanf(line, "%63s %255s %31s %255s", src, dir, type, opts) != 4)
			continue;
		if (strcmp(type, "cgroup") != 0 && strcmp(type, "container") != 0)
			continue;
		struct cg_hier *h = &m->h[m->n];
		memset(h, 0, sizeof(*h));
		snprintf(h->mount, sizeof(h->mount), "%s", dir);
		char *osave = NULL;
		for (char *o = strtok_r(opts, ",", &osave); o && h->nsubsys < CG_MAX_SUBSYS;
		     o = strtok_r(NULL, ",", &osave)) {
			if (strcmp(o, "rw") == 0 || strcmp(o, "ro") == 0 || strchr(o, '='))
				continue;
			snprintf(h->subsys[h->nsubsys++], sizeof(h->subsys[0]), "%s", o);
			size_t l = strlen(h->names);
			snprintf(h->names + l, sizeof(h->names) - l, "%s%s", l ? "," : "", o);
		}
		int dup = 0; // the same hierarchy mounted again
		for (int k = 0; k < m->n; k++)
			if (strcmp(m->h[k].names, h->names) == 0)
				dup = 1;
		if (!dup && h->nsubsys > 0)
			m->n++;
	}
	free(text);
	return 0;
}

static struct cg_hier *cg_find(struct cg_mounts *m, const char *subsys)
{
	for (int k = 0; k < m->n; k++)
		for (int s = 0; s < m->h[k].nsubsys; s++)
			if (strcmp(m->h[k].subsys[s], subsys) == 0)
				return &m->h[k];
	return NULL;
}

// A target: the hierarchies named by "SUBSYS[,SUBSYS]:PATH" (or "*:PATH").
struct cg_target {
	struct cg_hier *h[CG_MAX_HIER];
	int n;
	char path[256]; // absolute within the hierarchy, "/" for the root
};

static int cg_parse_target(const char *prog, struct cg_mounts *m, const char *arg,
			   struct cg_target *t)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg) {
		fprintf(stderr, "%s: wrong -g argument '%s': expected SUBSYS[,SUBSYS]:PATH\n",
			prog, arg);
		return -1;
	}
	t->n = 0;
	snprintf(t->path, sizeof(t->path), "%s%s", colon[1] == '/' ? "" : "/", colon + 1);
	size_t pl = strlen(t->path);
	while (pl > 1 && t->path[pl - 1] == '/')
		t->path[--pl] = '\0';
	char list[128];
	snprintf(list, sizeof(list), "%.*s", (int)(colon - arg), arg);
	if (strcmp(list, "*") == 0) {
		for (int k = 0; k < m->n; k++)
			t->h[t->n++] = &m->h[k];
		if (t->n == 0) {
			fprintf(stderr, "%s: no container hierarchy is mounted\n", prog);
			return -1;
		}
		return 0;
	}
	char *save = NULL;
	for (char *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		struct cg_hier *h = cg_find(m, s);
		if (!h) {
			fprintf(stderr, "%s: controller '%s' is not mounted\n", prog, s);
			return -1;
		}
		int dup = 0;
		for (int k = 0; k < t->n; k++)
			dup |= t->h[k] == h;
		if (!dup)
			t->h[t->n++] = h;
	}
	return 0;
}

// Write pid to the tasks file of path in hierarchy h. 0, or -1 + errno.
static int cg_move(const struct cg_hier *h, const char *path, int pid)
{
	char file[600], buf[32];
	snprintf(file, sizeof(file), "%s%s/tasks", h->mount, strcmp(path, "/") == 0 ? "" : path);
	int fd = open(file, O_WRONLY);
	if (fd < 0)
		return -1;
	int n = snprintf(buf, sizeof(buf), "%d\n", pid);
	int rc = applib_write_all(fd, buf, (size_t)n);
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}

// Where task pid is in hierarchy h, from /proc/PID/cgroup ("1:cpuset,cpuacct:/batch").
static int cg_current(const struct cg_hier *h, int pid, char *path, size_t n)
{
	char file[64], rpath[300];
	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	char *text = applib_read_file(applib_sys_path(file, rpath, sizeof(rpath)), NULL);
	if (!text)
		return -1;
	int found = -1;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && found < 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		if (strcmp(a + 1, h->names) == 0) {
			snprintf(path, n, "%s", b + 1);
			found = 0;
		}
	}
	free(text);
	return found;
}

static void cg_report(const char *prog, int pid, const struct cg_hier *h, const char *path)
{
	fprintf(stderr, "%s: cannot move pid %d to %s:%s: %s\n", prog, pid, h->names, path,
		strerror(errno));
}

// One -g CONTROLLERS:PATH of cgexec or cgclassify into t[*nt] (the
// mounts are read at the first one); -1 after saying what is wrong.
static int cg_add_target(const char *prog, struct cg_mounts *m, struct cg_target *t, int *nt,
			 const char *arg)
{
	if (*nt == 0 && cg_read_mounts(prog, m) < 0)
		return -1;
	if (*nt == CG_MAX_HIER) {
		fprintf(stderr, "%s: too many -g options\n", prog);
		return -1;
	}
	if (cg_parse_target(prog, m, arg, &t[*nt]) < 0)
		return -1;
	(*nt)++;
	return 0;
}

static const struct applib_longopt cg_longs[] = {
	{"sticky", 0, 's'}, {"cancel-sticky", 0, 'c'}, {"help", 0, 'h'}, {NULL, 0, 0}};

static int cgexec_main(int argc, char **argv)
{
	static const char usage[] =
		"Usage: cgexec [-h] [-g <controllers>:<path>] [--sticky] command [arguments] ...\n"
		"Run the task in given control group(s)\n"
		"  -g <controllers>:<path>  Control group which should be added (controllers\n"
		"                           comma-separated, or * for every mounted hierarchy)\n"
		"  -h, --help               Display this help\n"
		"  --sticky                 cgred daemon does not change pidlist and children tasks\n";
	struct cg_mounts *m = malloc(sizeof(*m));
	struct cg_target *t = malloc(sizeof(*t) * CG_MAX_HIER);
	int nt = 0, status = 1, c;
	if (!m || !t) {
		free(m);
		free(t);
		return applib_error("cgexec", "malloc", ENOMEM);
	}
	struct applib_opts op;
	applib_opts_init(&op, "cgexec", argc, argv, "+hg:", cg_longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			status = 0;
			goto out;
		}
		if (c == 's')
			continue; // no cgred daemon: every task is "sticky"
		if (c != 'g')
			goto out;
		if (cg_add_target("cgexec", m, t, &nt, op.arg) < 0)
			goto out;
	}
	if (op.ind >= op.argc || nt == 0) {
		fputs(usage, stderr);
		goto out;
	}
	// Move ourselves, remembering where we were, then spawn CMD there.
	int self = (int)getpid();
	char (*home)[256] = calloc(CG_MAX_HIER * CG_MAX_HIER, sizeof(*home));
	if (!home) {
		applib_error("cgexec", "malloc", ENOMEM);
		goto out;
	}
	// Whatever stdio allocates at its first use, it allocates here: heap
	// pages grown in the target would stay charged there (bc.physpages)
	// after we leave, keeping it busy until we exit.
	fflush(stdout);
	int moved = 0, failed = 0;
	for (int k = 0; k < nt && !failed; k++)
		for (int j = 0; j < t[k].n && !failed; j++, moved++) {
			if (cg_current(t[k].h[j], self, home[moved], sizeof(home[0])) < 0)
				snprintf(home[moved], sizeof(home[0]), "/");
			if (cg_move(t[k].h[j], t[k].path, self) < 0) {
				cg_report("cgexec", self, t[k].h[j], t[k].path);
				failed = 1;
			}
		}
	pid_t pid = -1;
	int err = 0;
	if (!failed) {
		pid = spawn_stopped(argv[op.ind], argv + op.ind, NULL);
		err = errno;
	}
	// Back where we were (only the moves that were made), then CMD runs.
	for (int k = 0, idx = 0; k < nt; k++)
		for (int j = 0; j < t[k].n && idx < moved; j++, idx++)
			cg_move(t[k].h[j], home[idx], self);
	free(home);
	if (pid > 0) {
		pass_kills(1); // as libcgroup's cgexec, which execs CMD
		kill(pid, CORRAL_SIGCONT);
	}
	if (failed)
		goto out;
	if (pid < 0) {
		fprintf(stderr, "cgexec: %s: %s\n", argv[op.ind], strerror(err));
		status = err == ENOENT ? 127 : 126;
		goto out;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			applib_error("cgexec", "waitpid", errno);
			goto out;
		}
	status = applib_exit_status(st);
out:
	free(m);
	free(t);
	return status;
}
APP(cgexec, cgexec_main, "run a command in given containers (libcgroup's cgexec)");

static int cgclassify_main(int argc, char **argv)
{
	static const char usage[] =
		"Usage: cgclassify [[-g] <controllers>:<path>] [--sticky | --cancel-sticky] <list of pids>\n"
		"Move running task(s) to given cgroups\n"
		"  -g <controllers>:<path>  Control group to be used as target\n"
		"  -h, --help               Display this help\n"
		"  --sticky, --cancel-sticky  accepted (there is no cgred daemon)\n";
	struct cg_mounts *m = malloc(sizeof(*m));
	struct cg_target *t = malloc(sizeof(*t) * CG_MAX_HIER);
	int nt = 0, status = 1, c;
	if (!m || !t) {
		free(m);
		free(t);
		return applib_error("cgclassify", "malloc", ENOMEM);
	}
	struct applib_opts op;
	applib_opts_init(&op, "cgclassify", argc, argv, "hg:", cg_longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			status = 0;
			goto out;
		}
		if (c == 's' || c == 'c')
			continue;
		if (c != 'g')
			goto out;
		if (cg_add_target("cgclassify", m, t, &nt, op.arg) < 0)
			goto out;
	}
	if (op.ind >= op.argc || nt == 0) {
		fputs(usage, stderr);
		goto out;
	}
	status = 0;
	for (int i = op.ind; i < op.argc; i++) {
		unsigned long pid;
		if (applib_parse_ulong(argv[i], &pid) < 0 || pid == 0 || pid > 0x7fffffff) {
			fprintf(stderr, "cgclassify: invalid pid '%s'\n", argv[i]);
			status = 1;
			continue;
		}
		for (int k = 0; k < nt; k++)
			for (int j = 0; j < t[k].n; j++)
				if (cg_move(t[k].h[j], t[k].path, (int)pid) < 0) {
					cg_report("cgclassify", (int)pid, t[k].h[j], t[k].path);
					status = 1;
				}
	}
out:
	free(m);
	free(t);
	return status;
}
APP(cgclassify, cgclassify_main, "move running tasks to given containers (libcgroup's cgclassify)");

// Print "NAMES:PATH" for the container at dir (PATH within the hierarchy)
// and every container below it, depth first in name order, with a work
// list on the heap (containers can nest deeper than our stack).
static int lscgroup_walk(const struct cg_hier *h, const char *path)
{
	struct {
		char **v;
		size_t n, cap;
	} work = {0};
	int status = 0;
	char *first = strdup(path);
	if (!first)
		return applib_error("lscgroup", path, ENOMEM);
	work.v = malloc(sizeof(char *) * 16);
	work.cap = 16;
	if (!work.v) {
		free(first);
		return applib_error("lscgroup", path, ENOMEM);
	}
	work.v[work.n++] = first;
	while (work.n > 0) {
		char *p = work.v[--work.n];
		printf("%s:%s\n", h->names, p);
		char dir[600];
		snprintf(dir, sizeof(dir), "%s%s", h->mount, strcmp(p, "/") == 0 ? "" : p);
		CDIR *d = cdir_open(dir);
		if (!d) {
			status = applib_error("lscgroup", dir, errno);
			free(p);
			continue;
		}
		char **kids = NULL;
		size_t nk = 0, ck = 0;
		struct corral_dirent *e;
		while ((e = cdir_read(d))) {
			if (e->d_type != 4 || strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if (nk == ck) {
				ck = ck ? ck * 2 : 16;
				char **nkids = realloc(kids, ck * sizeof(char *));
				if (!nkids)
					break;
				kids = nkids;
			}
			size_t len = strlen(p) + strlen(e->d_name) + 2;
			if (!(kids[nk] = malloc(len)))
				break;
			snprintf(kids[nk], len, "%s/%s", strcmp(p, "/") == 0 ? "" : p, e->d_name);
			nk++;
		}
		cdir_close(d);
		free(p);
		// Names descending onto the stack: they come off ascending.
		for (size_t a = 1; a < nk; a++)
			for (size_t b = a; b > 0 && strcmp(kids[b - 1], kids[b]) < 0; b--) {
				char *x = kids[b];
				kids[b] = kids[b - 1];
				kids[b - 1] = x;
			}
		for (size_t k = 0; k < nk; k++) {
			if (work.n == work.cap) {
				char **nv = realloc(work.v, work.cap * 2 * sizeof(char *));
				if (!nv) {
					free(kids[k]);
					continue;
				}
				work.v = nv;
				work.cap *= 2;
			}
			work.v[work.n++] = kids[k];
		}
		free(kids);
	}
	free(work.v);
	return status;
}

static int lscgroup_main(int argc, char **argv)
{
	static const char usage[] =
		"Usage: lscgroup [[-g] <controllers>:<path>] ...\n"
		"List all cgroups (as controllers:path), or the given ones and those below\n"
		"  -g <controllers>:<path>  Control group to be displayed (-g is optional)\n"
		"  -h, --help               Display this help\n";
	struct cg_mounts *m = malloc(sizeof(*m));
	struct cg_target t;
	int status = 0, c;
	if (!m)
		return applib_error("lscgroup", "malloc", ENOMEM);
	struct applib_opts op;
	applib_opts_init(&op, "lscgroup", argc, argv, "hg:", cg_longs);
	const char **targets = calloc((size_t)argc + 1, sizeof(char *));
	int ntargets = 0;
	if (!targets) {
		free(m);
		return applib_error("lscgroup", "malloc", ENOMEM);
	}
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			goto out;
		}
		if (c != 'g') {
			status = 1;
			goto out;
		}
		targets[ntargets++] = op.arg;
	}
	for (int i = op.ind; i < op.argc; i++)
		targets[ntargets++] = argv[i];
	if (cg_read_mounts("lscgroup", m) < 0) {
		status = 1;
		goto out;
	}
	if (ntargets == 0)
		for (int k = 0; k < m->n; k++)
			status |= lscgroup_walk(&m->h[k], "/");
	for (int i = 0; i < ntargets; i++) {
		if (cg_parse_target("lscgroup", m, targets[i], &t) < 0) {
			status = 1;
			continue;
		}
		for (int k = 0; k < t.n; k++)
			status |= lscgroup_walk(t.h[k], t.path);
	}
out:
	free(targets);
	free(m);
	return status;
}
APP(lscgroup, lscgroup_main, "list containers (libcgroup's lscgroup)");
