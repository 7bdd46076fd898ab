// NUMA and affinity apps: numactl (--hardware, --show, and running a
// command with CPU and memory policy, as numactl(8)) and taskset.
//
// numactl reads /proc/nodes, which has one line per node and one line of
// distances per node:
//   node N cpus LIST size_kb S free_kb F
//   distances N: D0 D1 ...
// and prints them in exactly the format of Linux's `numactl --hardware`.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NODES 64

struct numa_node {
	int present;
	unsigned long long cpus;
	unsigned long long size_kb, free_kb;
	int ndist;
	int dist[MAX_NODES];
};

// Split a line into at most max whitespace-separated words, in place.
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *w = strtok_r(line, " \t", &save); w && n < max;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return n;
}

static int parse_node_line(char **w, int n, struct numa_node *nodes)
{
	unsigned long id;
	if (n < 2 || applib_parse_ulong(w[1], &id) < 0 || id >= MAX_NODES)
		return -1;
	struct numa_node *nd = &nodes[id];
	nd->present = 1;
	for (int i = 2; i + 1 < n; i++) {
		if (strcmp(w[i], "cpus") == 0 && strcmp(w[i + 1], "size_kb") != 0) {
			if (applib_parse_cpulist(w[i + 1], &nd->cpus) < 0)
				return -1;
			i++;
		} else if (strcmp(w[i], "size_kb") == 0) {
			nd->size_kb = strtoull(w[++i], NULL, 10);
		} else if (strcmp(w[i], "free_kb") == 0) {
			nd->free_kb = strtoull(w[++i], NULL, 10);
		}
	}
	return 0;
}

static int parse_distance_line(char **w, int n, struct numa_node *nodes)
{
	unsigned long id;
	char *colon = n >= 2 ? strchr(w[1], ':') : NULL;
	if (!colon)
		return -1;
	*colon = '\0';
	if (applib_parse_ulong(w[1], &id) < 0 || id >= MAX_NODES)
		return -1;
	struct numa_node *nd = &nodes[id];
	nd->ndist = 0;
	for (int i = 2; i < n && nd->ndist < MAX_NODES; i++)
		nd->dist[nd->ndist++] = atoi(w[i]);
	return 0;
}

static int read_nodes(struct numa_node *nodes)
{
	char rpath[300];
	char *text = applib_read_file(applib_sys_path("/proc/nodes", rpath, sizeof(rpath)), NULL);
	if (!text)
		return applib_error("numactl", "/proc/nodes", errno);
	char *save = NULL;
	int status = 0;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w[2 * MAX_NODES + 8];
		int n = split_words(line, w, 2 * MAX_NODES + 8);
		int rc = 0;
		if (n > 0 && strcmp(w[0], "node") == 0)
			rc = parse_node_line(w, n, nodes);
		else if (n > 0 && strcmp(w[0], "distances") == 0)
			rc = parse_distance_line(w, n, nodes);
		if (rc < 0)
			status = applib_error("numactl", "/proc/nodes", EINVAL);
	}
	free(text);
	return status;
}

static int numactl_hardware(void)
{
	struct numa_node *nodes = calloc(MAX_NODES, sizeof(*nodes));
	if (!nodes)
		return applib_error("numactl", "malloc", ENOMEM);
	if (read_nodes(nodes)) {
		free(nodes);
		return 1;
	}
	unsigned long long present = 0;
	int count = 0, maxnode = 0;
	for (int i = 0; i < MAX_NODES; i++)
		if (nodes[i].present) {
			present |= 1ULL << i;
			count++;
			maxnode = i;
		}
	char list[256];
	applib_format_cpulist(present, list, sizeof(list));
	printf("available: %d nodes (%s)\n", count, list);
	for (int i = 0; i <= maxnode; i++) {
		if (!nodes[i].present)
			continue;
		printf("node %d cpus:", i);
		for (int c = 0; c < 64; c++)
			if (nodes[i].cpus & (1ULL << c))
				printf(" %d", c);
		printf("\n");
		printf("node %d size: %llu MB\n", i, nodes[i].size_kb / 1024);
		printf("node %d free: %llu MB\n", i, nodes[i].free_kb / 1024);
	}
	if (count == 0 || nodes[maxnode].ndist == 0) {
		printf("No distance information available.\n");
	} else {
		// The same spacing as numactl: "% 3d " per column.
		printf("node distances:\n");
		printf("node ");
		for (int i = 0; i <= maxnode; i++)
			if (nodes[i].present)
				printf("% 3d ", i);
		printf("\n");
		for (int i = 0; i <= maxnode; i++) {
			if (!nodes[i].present)
				continue;
			printf("% 3d: ", i);
			// A distance line lists the present nodes in order.
			for (int k = 0, col = 0; k <= maxnode; k++)
				if (nodes[k].present) {
					printf("% 3d ", col < nodes[i].ndist ? nodes[i].dist[col] : 0);
					col++;
				}
			printf("\n");
		}
	}
	free(nodes);
	return 0;
}

static void print_ids(const char *label, unsigned long long mask)
{
	printf("%s:", label);
	for (int c = 0; c < 64; c++)
		if (mask & (1ULL << c))
			printf(" %d", c);
	printf("\n");
}

// numactl --show: this task's policy, CPUs and nodes.
static int numactl_show(void)
{
	char path[64], rpath[300], cpus[256], mems[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)getpid());
	char *text = applib_read_file(applib_sys_path(path, rpath, sizeof(rpath)), NULL);
	if (!text)
		return applib_error("numactl", path, errno);
	unsigned long long cpumask = 0, memmask = 0, polnodes = 0;
	if (applib_status_field(text, "Cpus_allowed_list", cpus, sizeof(cpus)) < 0 ||
	    applib_status_field(text, "Mems_allowed_list", mems, sizeof(mems)) < 0 ||
	    applib_parse_cpulist(cpus, &cpumask) < 0 ||
	    applib_parse_cpulist(mems, &memmask) < 0) {
		free(text);
		return applib_error("numactl", path, EINVAL);
	}
	free(text);
	int mode = MPOL_DEFAULT;
	if (get_mempolicy_mask(&mode, &polnodes) < 0)
		mode = MPOL_DEFAULT;
	static const char *const names[] = {"default", "preferred", "bind", "interleave"};
	printf("policy: %s\n", mode >= 0 && mode <= 3 ? names[mode] : "default");
	if (mode == MPOL_PREFERRED && polnodes)
		printf("preferred node: %d\n", __builtin_ctzll(polnodes));
	else
		printf("preferred node: current\n");
	if (mode == MPOL_INTERLEAVE)
		print_ids("interleavemask", polnodes);
	print_ids("physcpubind", cpumask);
	// nodebind is the nodes whose CPUs the task may run on (numactl's
	// "cpunodebind"), not the nodes it may allocate from.
	unsigned long long cpunodes = memmask;
	struct numa_node *nodes = calloc(MAX_NODES, sizeof(*nodes));
	if (nodes && !read_nodes(nodes)) {
		cpunodes = 0;
		for (int i = 0; i < MAX_NODES; i++)
			if (nodes[i].present && (nodes[i].cpus & cpumask))
				cpunodes |= 1ULL << i;
	}
	free(nodes);
	print_ids("nodebind", cpunodes);
	print_ids("membind", mode == MPOL_BIND ? polnodes & memmask : memmask);
	return 0;
}

static const char numactl_usage[] =
	"usage: numactl [--interleave= | -i <nodes>] [--preferred= | -p <node>]\n"
	"               [--physcpubind= | -C <cpus>] [--cpunodebind= | -N <nodes>]\n"
	"               [--membind= | -m <nodes>] [--localalloc | -l] command args ...\n"
	"       numactl [--show | -s]\n"
	"       numactl [--hardware | -H]\n"
	"\n"
	"nodes and cpus are lists such as 0-1,3, or all. Runs command with the\n"
	"policy: its CPUs (those of the nodes, or the cpus given) and where its\n"
	"memory comes from (membind: only those nodes; interleave: the nodes in\n"
	"turn; preferred: that node first), within its containers' CPUs and nodes.\n";

// "0-1,3" or "all", each within present. -1 after the message.
static int numactl_list(const char *what, const char *arg, unsigned long long present,
			unsigned long long *out)
{
	if (strcmp(arg, "all") == 0) {
		*out = present;
		return 0;
	}
	if (applib_parse_cpulist(arg, out) < 0 || *out == 0 || (*out & ~present)) {
		fprintf(stderr, "numactl: %s argument %s is out of range\n<%s> is invalid\n", what,
			arg, arg);
		fputs(numactl_usage, stderr);
		return -1;
	}
	return 0;
}

// The CPUs of the nodes in mask.
static int numactl_node_cpus(unsigned long long nodes, unsigned long long *cpus,
			     unsigned long long *present)
{
	struct numa_node *nd = calloc(MAX_NODES, sizeof(*nd));
	if (!nd) {
		applib_error("numactl", "malloc", ENOMEM);
		return -1;
	}
	if (read_nodes(nd)) {
		free(nd);
		return -1;
	}
	*cpus = 0;
	*present = 0;
	for (int i = 0; i < MAX_NODES; i++) {
		if (!nd[i].present)
			continue;
		*present |= 1ULL << i;
		if (nodes & (1ULL << i))
			*cpus |= nd[i].cpus;
	}
	free(nd);
	return 0;
}

static int numactl_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, numactl_usage))
		return 0;
	static const struct applib_longopt longs[] = {
		{"interleave", 1, 'i'}, {"preferred", 1, 'p'}, {"membind", 1, 'm'},
		{"cpunodebind", 1, 'N'}, {"cpubind", 1, 'N'}, {"physcpubind", 1, 'C'},
		{"localalloc", 0, 'l'}, {"hardware", 0, 'H'}, {"show", 0, 's'},
		{NULL, 0, 0}};
	struct applib_opts op;
	applib_opts_init(&op, "numactl", argc, argv, "+i:p:m:N:C:lHs", longs);
	op.usage = numactl_usage;
	unsigned long long present = 0, all_cpus = 0, cpus = 0, nodes = 0, tmp;
	int mode = -1, bind_cpus = 0, hardware = 0, show = 0, c;
	if (numactl_node_cpus(~0ULL, &all_cpus, &present) < 0)
		return 1;
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'H': hardware = 1; break;
		case 's': show = 1; break;
		case 'l': mode = MPOL_DEFAULT; nodes = 0; break;
		case 'i': case 'm': case 'p':
			if (numactl_list("node", op.arg, present, &nodes) < 0)
				return 1;
			mode = c == 'i' ? MPOL_INTERLEAVE : c == 'm' ? MPOL_BIND : MPOL_PREFERRED;
			if (mode == MPOL_PREFERRED)
				nodes &= -nodes; // its first node
			break;
		case 'N':
			if (numactl_list("node", op.arg, present, &tmp) < 0 ||
			    numactl_node_cpus(tmp, &cpus, &present) < 0)
				return 1;
			bind_cpus = 1;
			break;
		case 'C':
			if (numactl_list("cpu", op.arg, all_cpus, &cpus) < 0)
				return 1;
			bind_cpus = 1;
			break;
		default:
			return 1;
		}
	}
	if (hardware)
		return numactl_hardware();
	int has_cmd = op.ind < op.argc;
	if (!has_cmd && !show) {
		fputs(numactl_usage, stderr);
		return 1;
	}
	// Set the policy on ourselves; the command inherits it.
	if (bind_cpus && sched_setaffinity_mask(getpid(), cpus) < 0)
		return applib_error("numactl", "sched_setaffinity", errno);
	if (mode >= 0 && set_mempolicy_mask(mode, nodes) < 0)
		return applib_error("numactl", "set_mempolicy", errno);
	if (!has_cmd)
		return numactl_show();
	pid_t pid = spawn(argv[op.ind], argv + op.ind, NULL);
	if (pid < 0) {
		fprintf(stderr, "numactl: execution of `%s': %s\n", argv[op.ind], strerror(errno));
		return 1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return applib_error("numactl", "waitpid", errno);
	return applib_exit_status(st);
}
APP(numactl, numactl_main, "run a command with a NUMA policy; show the nodes (--hardware)");

// ---- taskset ------------------------------------------------------------------

static int parse_mask(const char *s, int list, unsigned long long *mask)
{
	if (list)
		return applib_parse_cpulist(s, mask);
	char *end;
	const char *p = strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0 ? s + 2 : s;
	errno = 0;
	*mask = strtoull(p, &end, 16);
	if (!*p || *end || errno) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static void print_affinity(int pid, const char *when, int list,
			   unsigned long long mask)
{
	if (list) {
		char buf[256];
		applib_format_cpulist(mask, buf, sizeof(buf));
		printf("pid %d's %s affinity list: %s\n", pid, when, buf);
	} else {
		printf("pid %d's %s affinity mask: %llx\n", pid, when, mask);
	}
}

static int taskset_pid(int list, const char *maskarg, const char *pidarg)
{
	unsigned long pid;
	unsigned long long mask, now;
	char ctx[80];
	if (applib_parse_ulong(pidarg, &pid) < 0 || pid > 0x7fffffff)
		return applib_error("taskset", pidarg, EINVAL);
	if (sched_getaffinity_mask((pid_t)pid, &now) < 0) {
		snprintf(ctx, sizeof(ctx), "failed to get pid %lu's affinity", pid);
		return applib_error("taskset", ctx, errno);
	}
	print_affinity((int)pid, "current", list, now);
	if (!maskarg)
		return 0;
	if (parse_mask(maskarg, list, &mask) < 0)
		return applib_error("taskset", maskarg, EINVAL);
	if (sched_setaffinity_mask((pid_t)pid, mask) < 0) {
		snprintf(ctx, sizeof(ctx), "failed to set pid %lu's affinity", pid);
		return applib_error("taskset", ctx, errno);
	}
	if (sched_getaffinity_mask((pid_t)pid, &now) == 0)
		print_affinity((int)pid, "new", list, now);
	return 0;
}

static int taskset_run(int list, const char *maskarg, char **cmd)
{
	unsigned long long mask;
	if (parse_mask(maskarg, list, &mask) < 0)
		return applib_error("taskset", maskarg, EINVAL);
	// The child starts with our affinity; set it on the child too in case
	// the kernel does not pass it on.
	if (sched_setaffinity_mask(getpid(), mask) < 0)
		return applib_error("taskset", "failed to set affinity", errno);
	pid_t pid = spawn(cmd[0], cmd, NULL);
	if (pid < 0)
		return applib_error("taskset", cmd[0], errno);
	sched_setaffinity_mask(pid, mask);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return applib_error("taskset", "waitpid", errno);
	return applib_exit_status(st);
}

static int taskset_main(int argc, char **argv)
{
	static const char usage[] =
		"usage: taskset [-c] MASK|LIST CMD [ARG...]\n"
		"       taskset -p [-c] [MASK|LIST] PID\n"
		"Show or set a task's CPU affinity, or run CMD with one. MASK is hex\n"
		"(0x3 = CPUs 0,1); with -c a list (0-1,3).\n";
	if (applib_wants_help(argc, argv, usage))
		return 0;
	int list = 0, pidmode = 0, c;
	static const struct applib_longopt longs[] = {
		{"pid", 0, 'p'}, {"cpu-list", 0, 'c'}, {NULL, 0, 0}};
	struct applib_opts op;
	// Options stop at the first operand: the command's own options are its.
	applib_opts_init(&op, "taskset", argc, argv, "+pc", longs);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 'p')
			pidmode = 1;
		else if (c == 'c')
			list = 1;
		else
			return 1;
	}
	argc = op.argc;
	int i = op.ind;
	int rest = argc - i;
	if (pidmode && rest == 1)
		return taskset_pid(list, NULL, argv[i]);
	if (pidmode && rest == 2)
		return taskset_pid(list, argv[i], argv[i + 1]);
	if (!pidmode && rest >= 2)
		return taskset_run(list, argv[i], argv + i + 1);
	fputs(usage, stderr);
	return 1;
}
APP(taskset, taskset_main, "show or set CPU affinity, or run a command with one");
