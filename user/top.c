// top: CPU use per task, or CPU and memory per container.
//
//   top [-n N] [-d SECS]     N snapshots (default: until killed), each the
//                            CPU used over SECS (default 1) by every task,
//                            from the SumExecRuntime field of /proc/<pid>/status
//   top -c DIR [-n N] [-d SECS]
//                            the same per container of the hierarchy
//                            mounted at DIR, as systemd-cgtop shows it:
//                            the tasks of the container and its
//                            descendants, and the CPU its cpuacct.usage
//                            (which counts descendants too) grew by; "-"
//                            if the hierarchy has no cpuacct; and MEM,
//                            the memory charged to it and its descendants
//                            (the sum of their bc.physpages.held, in KiB
//                            with a K: "1024K" is 256 pages), "-" if the
//                            hierarchy has no bc. DIR must be in a
//                            container hierarchy (else an error)
// A task's CPU% is of one CPU: at most 100. A container's can pass 100
// on a machine with several. Run on the console without -n 1, top reads
// keys while it waits: `q` quits.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CONTAINERS 1024

struct top_opts {
	long iterations; // -1: forever
	long long delay_ns;
	const char *dir; // -c
	int keys;        // reading keys from the console (fd 0, raw)
};

#define TOP_QUIT 2 // a frame's result when `q` was typed

// Wait ns, or less if `q` is typed (true then). Other keys are ignored.
static int top_wait(const struct top_opts *o, long long ns)
{
	if (!o->keys) {
		applib_sleep_ns(ns);
		return 0;
	}
	long long end = applib_now_ns() + ns;
	for (;;) {
		for (int n = console_pending(0); n > 0; n--) {
			char c;
			if (read(0, &c, 1) == 1 && (c == 'q' || c == 'Q'))
				return 1;
		}
		long long left = end - applib_now_ns();
		if (left <= 0)
			return 0;
		applib_sleep_ns(left < 50000000LL ? left : 50000000LL); // poll every 50 ms
	}
}

static void print_header(int ntasks, int running)
{
	char rpath[300];
	char *up = applib_read_file(applib_sys_path("/proc/uptime", rpath, sizeof(rpath)), NULL);
	long secs = up ? strtol(up, NULL, 10) : 0;
	free(up);
	printf("top - up %ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
	char *load = applib_read_file(applib_sys_path("/proc/loadavg", rpath, sizeof(rpath)), NULL);
	char a[16], b[16], c[16];
	if (load && sscanf(load, "%15s %15s %15s", a, b, c) == 3)
		printf(",  load average: %s, %s, %s", a, b, c);
	free(load);
	printf("\n");
	if (ntasks >= 0)
		printf("Tasks: %d total, %d running\n\n", ntasks, running);
	else
		printf("\n");
}

struct top_row {
	const struct applib_task *task;
	double percent;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;
	if (x->percent != y->percent)
		return x->percent < y->percent ? 1 : -1;
	return (x->task->pid > y->task->pid) - (x->task->pid < y->task->pid);
}

static int top_tasks_once(const struct top_opts *o)
{
	// Each task's CPU time is read once in each snapshot, somewhere in
	// it: the time between its two reads is at most the time from the
	// start of the first snapshot to the end of the second, which is what
	// its CPU time is divided by. (From the end of the first, as top once
	// did, a task read early in the first snapshot and late in the second
	// showed more than 100% of a CPU.)
	struct applib_task *before, *after;
	long long t0 = applib_now_ns();
	int nb = applib_read_tasks(&before);
	if (nb < 0)
		return applib_error("top", "/proc", errno);
	if (top_wait(o, o->delay_ns)) {
		free(before);
		return TOP_QUIT;
	}
	int na = applib_read_tasks(&after);
	long long elapsed = applib_now_ns() - t0;
	if (na < 0) {
		free(before);
		return applib_error("top", "/proc", errno);
	}
	struct top_row *rows = calloc((size_t)na + 1, sizeof(*rows));
	if (!rows) {
		free(before);
		free(after);
		return applib_error("top", "malloc", ENOMEM);
	}
	int running = 0;
	for (int i = 0, k = 0; i < na; i++) {
		long long used = after[i].cputime_ns;
		while (k < nb && before[k].pid < after[i].pid)
			k++;
		if (k < nb && before[k].pid == after[i].pid && before[k].cputime_ns >= 0)
			used -= before[k].cputime_ns;
		rows[i].task = &after[i];
		rows[i].percent = used > 0 && elapsed > 0 ? 100.0 * (double)used / (double)elapsed : 0;
		running += after[i].state[0] == 'R';
	}
	if (na > 1)
		qsort(rows, (size_t)na, sizeof(*rows), cmp_rows);
	print_header(na, running);
	printf("%5s %6s %3s %4s %-5s %s\n", "PID", "%CPU", "CPU", "NODE", "STATE", "NAME");
	for (int i = 0; i < na; i++) {
		const struct applib_task *t = rows[i].task;
		printf("%5d %6.1f %3s %4s %-5s %s\n", t->pid, rows[i].percent, t->cpu,
		       t->node, t->state, t->name);
	}
	free(rows);
	free(before);
	free(after);
	return 0;
}

// ---- per container -----------------------------------------------------------

struct container_row {
	char *path;      // full path
	int parent;      // its row, -1 for the top
	int tasks;       // its own members, then its whole subtree's
	long long usage; // cpuacct.usage at the first snapshot, -1 if none
	long long at;    // when that was read
	long long pages; // bc.physpages.held, its own then its subtree's; -1 if none
};

// The number in dir's control file name, or -1 if the hierarchy has no
// such file.
static long long read_number(const char *dir, const char *name)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = applib_read_file(path, NULL);
	if (!text)
		return -1;
	long long v = strtoll(text, NULL, 10);
	free(text);
	return v;
}

static int count_tasks(const char *dir)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/tasks", dir);
	char *text = applib_read_file(path, NULL);
	if (!text)
		return 0; // removed meanwhile
	int n = 0;
	for (char *p = text; *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

// Every container under root, root first, breadth first (so a parent's
// row comes before its children's).
static int list_containers(const char *root, struct container_row *rows)
{
	int n = 0;
	if (!(rows[n].path = strdup(root)))
		return -1;
	rows[n++].parent = -1;
	for (int i = 0; i < n; i++) {
		CDIR *d = cdir_open(rows[i].path);
		if (!d)
			continue;
		struct corral_dirent *e;
		while ((e = cdir_read(d)) && n < MAX_CONTAINERS) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
			    (e->d_type != 4 && e->d_type != 0))
				continue; // only directories (DT_DIR) are containers
			size_t len = strlen(rows[i].path) + strlen(e->d_name) + 2;
			char *p = malloc(len);
			if (!p)
				break;
			snprintf(p, len, "%s/%s", rows[i].path, e->d_name);
			struct stat st;
			if (e->d_type == 0 && (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) {
				free(p);
				continue;
			}
			rows[n].parent = i;
			rows[n++].path = p;
		}
		cdir_close(d);
	}
	return n;
}

// Is the directory st describes in a container hierarchy? It is if it is
// on the same filesystem (st_dev) as a mount of type container or cgroup
// in /proc/mounts.
static int in_hierarchy(const struct stat *st)
{
	char rpath[300];
	char *mounts = applib_read_file(applib_sys_path("/proc/mounts", rpath, sizeof(rpath)), NULL);
	if (!mounts)
		return 0;
	int found = 0;
	for (char *line = strtok(mounts, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char where[256], type[32];
		struct stat mst;
		if (sscanf(line, "%*s %255s %31s", where, type) == 2 &&
		    (strcmp(type, "container") == 0 || strcmp(type, "cgroup") == 0) &&
		    stat(where, &mst) == 0 && mst.st_dev == st->st_dev)
			found = 1;
	}
	free(mounts);
	return found;
}

// The online CPUs (the "processor" lines of /proc/cpuinfo), at least 1.
static int online_cpus(void)
{
	char rpath[300];
	char *text = applib_read_file(applib_sys_path("/proc/cpuinfo", rpath, sizeof(rpath)), NULL);
	int n = 0;
	for (char *p = text; p && (p = strstr(p, "processor")); p++)
		n += p == text || p[-1] == '\n';
	free(text);
	return n > 0 ? n : 1;
}

// Each row's usage is read twice, SECS apart, and timed on its own: the
// rows are read one after another, and a parent's figure must not come
// out below its child's for being read a little earlier.
static int top_containers_once(const struct top_opts *o)
{
	struct stat st;
	if (stat(o->dir, &st) < 0)
		return applib_error("top", o->dir, errno);
	if (!S_ISDIR(st.st_mode))
		return applib_error("top", o->dir, ENOTDIR);
	if (!in_hierarchy(&st)) {
		fprintf(stderr, "top: %s: not in a container hierarchy\n", o->dir);
		return 1;
	}
	struct container_row *rows = calloc(MAX_CONTAINERS, sizeof(*rows));
	if (!rows)
		return applib_error("top", "malloc", ENOMEM);
	int n = list_containers(o->dir, rows);
	for (int i = 0; i < n; i++) {
		rows[i].at = applib_now_ns();
		rows[i].usage = read_number(rows[i].path, "cpuacct.usage");
	}
	if (top_wait(o, o->delay_ns)) {
		for (int i = 0; i < n; i++)
			free(rows[i].path);
		free(rows);
		return TOP_QUIT;
	}
	for (int i = 0; i < n; i++) {
		rows[i].tasks = count_tasks(rows[i].path);
		rows[i].pages = read_number(rows[i].path, "bc.physpages.held");
	}
	for (int i = n - 1; i > 0; i--) { // children come after their parent
		struct container_row *up = &rows[rows[i].parent];
		up->tasks += rows[i].tasks;
		if (up->pages >= 0 && rows[i].pages >= 0)
			up->pages += rows[i].pages;
	}
	print_header(-1, 0);
	printf("%-24s %6s %6s %10s\n", "CONTAINER", "TASKS", "%CPU", "MEM");
	// The scheduler charges cpuacct at switches and ticks, so over a short
	// interval a figure can jump by a tick per CPU: no container can use
	// more than every CPU, so that is where it is cut.
	double most = 100.0 * online_cpus();
	size_t rootlen = strlen(o->dir);
	for (int i = 0; i < n; i++) {
		long long at = applib_now_ns();
		long long now = read_number(rows[i].path, "cpuacct.usage");
		long long elapsed = at - rows[i].at;
		const char *name = i == 0 ? "/" : rows[i].path + rootlen;
		char pbuf[16];
		if (rows[i].usage < 0 || now < 0)
			snprintf(pbuf, sizeof(pbuf), "-");
		else {
			double pct = elapsed > 0 && now > rows[i].usage
					     ? 100.0 * (double)(now - rows[i].usage) / (double)elapsed
					     : 0.0;
			snprintf(pbuf, sizeof(pbuf), "%.1f", pct < most ? pct : most);
		}
		char mbuf[24];
		if (rows[i].pages < 0)
			snprintf(mbuf, sizeof(mbuf), "-");
		else
			snprintf(mbuf, sizeof(mbuf), "%lldK", rows[i].pages * 4);
		printf("%-24s %6d %6s %10s\n", name, rows[i].tasks, pbuf, mbuf);
	}
	for (int i = 0; i < n; i++)
		free(rows[i].path);
	free(rows);
	return 0;
}

static int top_main(int argc, char **argv)
{
	static const char usage[] =
		"usage: top [-n N] [-d SECS] [-c DIR]\n"
		"CPU use per task over SECS (1) seconds, N times (until killed);\n"
		"-c DIR: per container of the hierarchy mounted at DIR (tasks, CPU,\n"
		"memory charged: bc.physpages).\n";
	if (applib_wants_help(argc, argv, usage))
		return 0;
	struct top_opts o = {-1, 1000000000LL, NULL, 0};
	int batch = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-b") == 0) {
			batch = 1; // no keys, no screen clearing
			continue;
		}
		if (i + 1 >= argc || a[0] != '-' || !strchr("ndc", a[1]) || a[2]) {
			fputs(usage, stderr);
			return 1;
		}
		const char *v = argv[++i];
		unsigned long n;
		if (a[1] == 'n') {
			if (applib_parse_ulong(v, &n) < 0 || n == 0)
				return applib_error("top", v, EINVAL);
			o.iterations = (long)n;
		} else if (a[1] == 'd') {
			if (applib_parse_seconds(v, &o.delay_ns) < 0)
				return applib_error("top", v, EINVAL);
		} else {
			o.dir = v;
		}
	}
	int tty = isatty(1);
	o.keys = !batch && o.iterations != 1 && tty && isatty(0) && console_set_raw(0, 1) == 0;
	int rc = 0;
	for (long k = 0; o.iterations < 0 || k < o.iterations; k++) {
		if (tty && !batch && o.iterations != 1)
			printf("\x1b[H\x1b[2J"); // a screen, redrawn (batch: one frame after another)
		else if (k > 0)
			printf("\n");
		rc = o.dir ? top_containers_once(&o) : top_tasks_once(&o);
		if (fflush(stdout) != 0 && !rc)
			rc = 1;
		if (rc)
			break;
	}
	if (o.keys)
		console_set_raw(0, 0);
	return rc == TOP_QUIT ? 0 : rc;
}
APP(top, top_main, "CPU use per task, or CPU and memory per container");
