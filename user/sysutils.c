// System apps: mount, umount, ps, kill, sleep, dmesg, free, uptime,
// poweroff. They read the kernel's state from /proc and report failures as
// `PROG: CONTEXT: strerror`.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Print a whole file to stdout.
static int print_file(const char *prog, const char *path)
{
	char rpath[300];
	size_t len;
	char *text = applib_read_file(applib_sys_path(path, rpath, sizeof(rpath)), &len);
	if (!text)
		return applib_error(prog, path, errno);
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

// ---- mount, umount ------------------------------------------------------------

static int mount_main(int argc, char **argv)
{
	static const char usage[] =
		"usage: mount [-t TYPE [-o OPTIONS] SOURCE DIR]\n"
		"Without arguments, list the mounts (/proc/mounts). Mount a container\n"
		"hierarchy with: mount -t container -o cpuset,cpuacct none DIR\n";
	if (applib_wants_help(argc, argv, usage))
		return 0;
	if (argc == 1)
		return print_file("mount", "/proc/mounts");
	const char *type = NULL, *options = NULL, *pos[2];
	int npos = 0, c;
	struct applib_opts op;
	applib_opts_init(&op, "mount", argc, argv, "t:o:", NULL);
	while ((c = applib_getopt(&op)) != -1) {
		if (c == 't')
			type = op.arg;
		else if (c == 'o')
			options = op.arg;
		else
			return 1;
	}
	for (int i = op.ind; i < op.argc && npos < 2; i++)
		pos[npos++] = argv[i];
	if (op.argc - op.ind != 2 || !type) {
		fputs(usage, stderr);
		return 1;
	}
	if (mount(pos[0], pos[1], type, options) < 0)
		return applib_error("mount", pos[1], errno);
	return 0;
}
APP(mount, mount_main, "mount a filesystem or container hierarchy; list mounts");

static int umount_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: umount DIR...\nUnmount the filesystem at DIR.\n"))
		return 0;
	if (applib_operands("umount", &argc, argv) < 0)
		return 1;
	if (argc < 2)
		return applib_missing_operand("umount");
	int status = 0;
	for (int i = 1; i < argc; i++)
		if (umount(argv[i]) < 0)
			status = applib_error("umount", argv[i], errno);
	return status;
}
APP(umount, umount_main, "unmount a filesystem");

// ---- ps -------------------------------------------------------------------

static int ps_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: ps\nList tasks: PID PPID CPU (last ran on) NODE (that CPU's) STATE TIME (CPU used) NAME.\n"))
		return 0;
	// Every task is always listed: the usual spellings of "all" are fine.
	static const char *const all[] = {"-e", "-A", "-ef", "-eF", "-ely", "aux", "ax", "-a", "x"};
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < sizeof(all) / sizeof(all[0]) && strcmp(argv[i], all[k]) != 0)
			k++;
		if (k == sizeof(all) / sizeof(all[0])) {
			if (argv[i][0] == '-')
				fprintf(stderr, "ps: invalid option -- '%c'\n", argv[i][1]);
			else
				fprintf(stderr, "ps: unsupported option '%s'\n", argv[i]);
			fprintf(stderr, "usage: ps [-e | -A | -ef | aux]\n");
			return 1;
		}
	}
	struct applib_task *tasks;
	int n = applib_read_tasks(&tasks);
	if (n < 0)
		return applib_error("ps", "/proc", errno);
	printf("%5s %5s %3s %4s %-5s %9s %s\n", "PID", "PPID", "CPU", "NODE", "STATE", "TIME",
	       "NAME");
	for (int i = 0; i < n; i++) {
		char time[32];
		applib_format_cputime(tasks[i].cputime_ns, time, sizeof(time));
		printf("%5d %5d %3s %4s %-5s %9s %s\n", tasks[i].pid, tasks[i].ppid,
		       tasks[i].cpu, tasks[i].node, tasks[i].state, time, tasks[i].name);
	}
	free(tasks);
	return 0;
}
APP(ps, ps_main, "list tasks");

// ---- kill -------------------------------------------------------------------

static const struct {
	const char *name;
	int number; // Linux's numbering
} signals[] = {
	{"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"TRAP", 5},
	{"ABRT", 6},  {"BUS", 7},   {"FPE", 8},   {"KILL", 9},  {"USR1", 10},
	{"SEGV", 11}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14}, {"TERM", 15},
	{"CHLD", 17}, {"CONT", 18}, {"STOP", 19},
};

// "9", "KILL", "SIGKILL", "kill" -> 9; -1 if unknown.
static int signal_number(const char *s)
{
	unsigned long n;
	if (applib_parse_ulong(s, &n) == 0)
		return n < 65 ? (int)n : -1;
	if (strncmp(s, "SIG", 3) == 0 || strncmp(s, "sig", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		const char *a = signals[i].name, *b = s;
		while (*a && (*b == *a || *b == *a + ('a' - 'A'))) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return signals[i].number;
	}
	return -1;
}

static int kill_main(int argc, char **argv)
{
	static const char usage[] =
		"usage: kill [-s SIGNAL | -SIGNAL] PID... | kill -l\n"
		"Send a signal (default TERM) to tasks. SIGNAL is a name (KILL,\n"
		"SIGKILL) or a number (9).\n";
	if (applib_wants_help(argc, argv, usage))
		return 0;
	int sig = 15, i = 1;
	if (i < argc && strcmp(argv[i], "-l") == 0) {
		for (size_t k = 0; k < sizeof(signals) / sizeof(signals[0]); k++)
			printf("%2d) SIG%s\n", signals[k].number, signals[k].name);
		return 0;
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *name = argv[i] + 1;
		if (strcmp(argv[i], "-s") == 0) {
			if (i + 1 >= argc) {
				fputs(usage, stderr);
				return 1;
			}
			name = argv[++i];
		}
		sig = signal_number(name);
		if (sig < 0)
			return applib_error("kill", name, EINVAL);
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	int status = 0;
	for (; i < argc; i++) {
		unsigned long pid;
		if (applib_parse_ulong(argv[i], &pid) < 0 || pid == 0 || pid > 0x7fffffff) {
			status = applib_error("kill", argv[i], EINVAL);
			continue;
		}
		if (kill((pid_t)pid, sig) < 0)
			status = applib_error("kill", argv[i], errno);
	}
	return status;
}
APP(kill, kill_main, "send a signal to tasks");

// ---- sleep -------------------------------------------------------------------

static int sleep_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: sleep SECONDS\nPause; SECONDS may have a fraction (0.5).\n"))
		return 0;
	long long ns;
	if (applib_operands("sleep", &argc, argv) < 0)
		return 1;
	if (argc < 2)
		return applib_missing_operand("sleep");
	if (argc > 2) {
		fprintf(stderr, "sleep: extra operand '%s'\n", argv[2]);
		applib_try_help("sleep");
		return 1;
	}
	if (applib_parse_seconds(argv[1], &ns) < 0) {
		fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
		applib_try_help("sleep");
		return 1;
	}
	applib_sleep_ns(ns);
	return 0;
}
APP(sleep, sleep_main, "pause for a number of seconds");

// ---- dmesg -------------------------------------------------------------------

static int dmesg_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: dmesg\nPrint the kernel log (/dev/kmsg).\n"))
		return 0;
	if (applib_no_arguments("dmesg", argc, argv))
		return 1;
	char rpath[300];
	const char *path = applib_sys_path("/dev/kmsg", rpath, sizeof(rpath));
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return applib_error("dmesg", "/dev/kmsg", errno);
	char *buf = malloc(8192);
	int status = buf ? 0 : applib_error("dmesg", "malloc", ENOMEM);
	while (!status) {
		ssize_t n = read(fd, buf, 8192);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			continue; // Linux: records were overwritten meanwhile
		if (n == 0 || (n < 0 && errno == EAGAIN))
			break; // the end of the log
		if (n < 0) {
			status = applib_error("dmesg", "/dev/kmsg", errno);
		} else if (applib_write_all(1, buf, (size_t)n) < 0) {
			if (errno != EPIPE)
				status = applib_error("dmesg", "write error", errno);
			break;
		}
	}
	free(buf);
	close(fd);
	return status;
}
APP(dmesg, dmesg_main, "print the kernel log");

// ---- free -------------------------------------------------------------------

// The kB figure of "Name:   1234 kB" in /proc/meminfo text; -1 if absent.
static long long meminfo_kb(const char *text, const char *name)
{
	char v[64];
	if (applib_status_field(text, name, v, sizeof(v)) < 0)
		return -1;
	return strtoll(v, NULL, 10);
}

// procps's -h: the largest unit that keeps the figure below 1024, one
// decimal under 10 ("1.5Gi", "23Gi", "675Mi").
static void free_human(long long kb, char *buf, size_t n)
{
	static const char *const units[] = {"Ki", "Mi", "Gi", "Ti", "Pi"};
	if (kb == 0) {
		snprintf(buf, n, "0B");
		return;
	}
	double v = (double)kb;
	int k = 0;
	while (v >= 1024 && k < 4) {
		v /= 1024;
		k++;
	}
	if (v < 10)
		snprintf(buf, n, "%.1f%s", v, units[k]);
	else
		snprintf(buf, n, "%.0f%s", v, units[k]);
}

// A number read from DIR/NAME; -2 if it reads "max", -1 if unreadable.
static long long free_read_figure(const char *dir, const char *name)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = applib_read_file(path, NULL);
	if (!text)
		return -1;
	long long v = strncmp(text, "max", 3) == 0 ? -2 : strtoll(text, NULL, 10);
	free(text);
	return v;
}

// Does the comma list in list name item?
static int free_list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p; p = strchr(p, ',')) {
		p += *p == ',';
		if (strncmp(p, item, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

// The directory of this task's bc container, as lxcfs finds it for a
// containerised free: its line in /proc/self/cgroup ("2:numtasks,bc:/job")
// under the hierarchy's mount in /proc/mounts. 0 with dir set, or -1 if
// bc is not mounted or this task is in its root (the machine's figures).
static int free_own_container(char *dir, size_t n)
{
	char rpath[300], file[64], subsys[128] = "", path[256] = "";
	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)getpid());
	char *text = applib_read_file(applib_sys_path(file, rpath, sizeof(rpath)), NULL);
	char *save = NULL;
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
		if (sscanf(l, "%*d:%127[^:]:%255s", subsys, path) == 2 && free_list_has(subsys, "bc"))
			break;
		else
			path[0] = '\0';
	free(text);
	if (!path[0] || strcmp(path, "/") == 0)
		return -1;
	text = applib_read_file(applib_sys_path("/proc/mounts", rpath, sizeof(rpath)), NULL);
	int found = -1;
	save = NULL;
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && found < 0;
	     l = strtok_r(NULL, "\n", &save)) {
		char where[256], type[32], opts[256];
		if (sscanf(l, "%*s %255s %31s %255s", where, type, opts) == 3 &&
		    (strcmp(type, "container") == 0 || strcmp(type, "cgroup") == 0) &&
		    free_list_has(opts, "bc")) {
			snprintf(dir, n, "%s%s", strcmp(where, "/") ? where : "", path);
			found = 0;
		}
	}
	free(text);
	return found;
}

// A container's memory as lxcfs shows it to free: total the bc.physpages
// barrier (the machine's memory if that is less, or "max"), used the pages
// charged to it (bc.physpages.held), free the rest. 0, or -1 + errno.
static int free_container(const char *dir, long long machine_kb, long long v[3])
{
	long long held = free_read_figure(dir, "bc.physpages.held");
	long long barrier = free_read_figure(dir, "bc.physpages.barrier");
	if (held < 0 || barrier == -1)
		return -1; // errno: the read's (ENOENT: not a bc container)
	long long total = barrier == -2 || barrier > machine_kb / 4 ? machine_kb : barrier * 4;
	v[0] = total;
	v[1] = held * 4;
	v[2] = total > v[1] ? total - v[1] : 0;
	return 0;
}

static int free_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "Usage: free [-b | -k | -m | -g | -h] [-C DIR]\n"
			   "Show memory: total, used, free (KiB; -b bytes, -m MiB, -g GiB,\n"
			   "-h human-readable: B, Ki, Mi, Gi). In a bc container: that\n"
			   "container's (bc.physpages: barrier, held), as with lxcfs;\n"
			   "-C, --container DIR: the bc container at DIR; -C /: the machine's.\n"))
		return 0;
	int shift = 0, human = 0, c; // shift: of the kB figures (-b: -10)
	const char *dir = NULL;
	struct applib_opts op;
	static const struct applib_longopt longs[] = {
		{"bytes", 0, 'b'}, {"kibi", 0, 'k'}, {"mebi", 0, 'm'}, {"gibi", 0, 'g'},
		{"human", 0, 'h'}, {"container", 1, 'C'}, {NULL, 0, 0}};
	applib_opts_init(&op, "free", argc, argv, "bkmghC:", longs);
	while ((c = applib_getopt(&op)) != -1) {
		switch (c) {
		case 'b': shift = -10; human = 0; break;
		case 'k': shift = 0; human = 0; break;
		case 'm': shift = 10; human = 0; break;
		case 'g': shift = 20; human = 0; break;
		case 'h': human = 1; break;
		case 'C': dir = op.arg; break;
		default: return 1;
		}
	}
	if (op.ind < op.argc) {
		fprintf(stderr, "free: extra operand '%s'\n", argv[op.ind]);
		applib_try_help("free");
		return 1;
	}
	char rpath[300], own[600];
	char *text = applib_read_file(applib_sys_path("/proc/meminfo", rpath, sizeof(rpath)), NULL);
	if (!text)
		return applib_error("free", "/proc/meminfo", errno);
	long long total = meminfo_kb(text, "MemTotal");
	long long freekb = meminfo_kb(text, "MemFree");
	free(text);
	if (total < 0 || freekb < 0)
		return applib_error("free", "/proc/meminfo", EINVAL);
	long long v[3] = {total, total - freekb, freekb};
	if (!dir && free_own_container(own, sizeof(own)) == 0)
		dir = own;
	if (dir && strcmp(dir, "/") != 0 && free_container(dir, total, v) < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "free: %s: not a container with bc.physpages\n", dir);
		else
			applib_error("free", dir, errno);
		return 1;
	}
	char cell[3][32];
	for (int k = 0; k < 3; k++) {
		if (human)
			free_human(v[k], cell[k], sizeof(cell[k]));
		else
			snprintf(cell[k], sizeof(cell[k]), "%lld",
				 shift < 0 ? v[k] << -shift : v[k] >> shift);
	}
	printf("%-8s%12s%12s%12s\n", "", "total", "used", "free");
	printf("%-8s%12s%12s%12s\n", "Mem:", cell[0], cell[1], cell[2]);
	return 0;
}
APP(free, free_main, "show total, used and free memory");

// ---- uptime -----------------------------------------------------------------

static int uptime_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: uptime\nTime since boot and the load averages.\n"))
		return 0;
	if (applib_no_arguments("uptime", argc, argv))
		return 1;
	char rpath[300];
	char *up = applib_read_file(applib_sys_path("/proc/uptime", rpath, sizeof(rpath)), NULL);
	if (!up)
		return applib_error("uptime", "/proc/uptime", errno);
	long secs = strtol(up, NULL, 10);
	free(up);
	long days = secs / 86400, hours = secs / 3600 % 24, mins = secs / 60 % 60;
	printf(" up ");
	if (days)
		printf("%ld day%s, ", days, days == 1 ? "" : "s");
	if (hours)
		printf("%2ld:%02ld", hours, mins);
	else
		printf("%ld min", mins);
	char *load = applib_read_file(applib_sys_path("/proc/loadavg", rpath, sizeof(rpath)), NULL);
	char a[16], b[16], c[16];
	if (load && sscanf(load, "%15s %15s %15s", a, b, c) == 3)
		printf(",  load average: %s, %s, %s", a, b, c);
	free(load);
	putchar('\n');
	return 0;
}
APP(uptime, uptime_main, "time since boot and load averages");

// ---- poweroff -------------------------------------------------------------------

static int poweroff_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv, "usage: poweroff [STATUS]\nTurn the machine off (QEMU exits; STATUS 0 is success).\n"))
		return 0;
	unsigned long status = 0;
	if (applib_operands("poweroff", &argc, argv) < 0)
		return 1;
	if (argc > 1 && applib_parse_ulong(argv[1], &status) < 0) {
		fprintf(stderr, "poweroff: invalid status '%s'\n", argv[1]);
		return 1;
	}
	fflush(NULL);
	corral_poweroff((int)status);
	return applib_error("poweroff", "poweroff", errno);
}
APP(poweroff, poweroff_main, "turn the machine off");
