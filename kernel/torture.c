// The torture suite's workers (see kernel/torture.h): random container
// operations through the system calls a shell user's commands make
// (sys_mkdir, sys_open + sys_write on control files, sys_mount...), on the
// 2 or 3 hierarchies mounted at /torture/hN, and the console injector,
// which types random shell lines and bytes into a shell it spawned. Each
// has its own PRNG seeded from the run's seed, so its choices (not the
// interleaving) repeat with the same SEED=, and a ring of its last
// operations, printed on any failure. On a pause (torture.pause) each
// closes its files, kills and reaps its children (the injector ends its
// shell) and parks until the controller (kernel/torture_run.c) is done.
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "fs/devfs/devfs.h"
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/torture_internal.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"

const char *const op_names[OP_NR] = {
	"mkdir", "rmdir", "rename", "attach", "spawn", "reap", "kill",
	"mount", "write", "read", "open", "close", "sh", "console"};
// Relative weights of the worker operations (OP_CONSOLE is the injector's).
// A script (OP_SH) takes from milliseconds to its deadline of seconds, so
// its small weight is still a good share of the workers' time.
static const int op_weight[OP_NR] = {14, 10, 4, 12, 8, 5, 3, 2, 25, 8, 5, 4, 2, 0};

// Control files: writable ones first (the tops' settings among them are
// restored at each check), then read-only ones. Writing to a file the
// hierarchy does not have is part of the test (ENOENT).
const char *const torture_files[NR_FILES] = {
	"tasks", "notify_on_release", "release_agent", "cpuset.cpus", "cpuset.cpu_exclusive",
	"memset.mems", "memset.mem_exclusive", "memset.memory_migrate", "numtasks.shares",
	"numtasks.max", "bc.numfiles.barrier", "bc.numfiles.limit", "cpu.shares",
	"cpu.cfs_period_us", "cpu.cfs_quota_us", "cpuacct.usage", "cpuacct.usage_percpu",
	"cpuacct.load", "numtasks.stats", "bc.numfiles.held", "bc.numfiles.maxheld",
	"bc.numfiles.minheld", "bc.numfiles.failcnt", "cpu.stat"};

// What gets written: valid values, out-of-range, negative, huge, garbage,
// empty (random bytes too, in op_write).
static const char *const values[] = {
	"0", "1", "2", "3", "0-1", "0-3", "1-3", "0,2", "1", "0-7", "7-0", "64", "0-63",
	"max", "-1", "-2147483649", "99999999999999999999", "18446744073709551616",
	"9223372036854775807", "9223372036854775808", "100000000000000000", "", "\n", " ",
	"abc", "1x", " 1", "0x10", "010", "1\n2", "max_shares=100", "max_shares=0",
	"min_shares=1", "max_shares=-5", "max_shares=99999999999999999999", "true", "nosuchapp",
	"5", "10", "100", "1000", "1,", ",", "-", "0-", "-0", "1024", "100000", "1000000",
	"2", "262144", "262145", "1000001"};
static const char *const agents[] = {"true", "true", "false", "", "nosuchapp", "sleep 0",
				      "true with some arguments"};

struct torture_state torture;
DEFINE_MUTEX(torture_mount_mutex);

// ---- The ring of recent operations ----

struct op_record *torture_record(struct torture_worker *w, enum op op, int result, const char *fmt, ...)
{
	struct op_record *r = &w->ring[w->ops % RING];
	r->seq = w->ops;
	r->op = op;
	r->result = result;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	w->ops++;
	w->op_count[op]++;
	return r;
}

void torture_fail(struct torture_worker *w, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("torture: FAILED: worker %d: %s\n", w->id, msg);
	atomic_inc(&torture.failures);
}

// A task the suite is waiting for: its state, CPU and allowed CPUs and
// nodes (a task that can never run cannot die).
void torture_print_task(const char *what, pid_t pid)
{
	struct task *t = task_find_get(pid);
	if (!t) {
		kprintf("torture:   %s %d: gone\n", what, pid);
		return;
	}
	char cpus[64], mems[64];
	cpumask_print(cpus, sizeof(cpus), &t->cpus_allowed);
	nodemask_print(mems, sizeof(mems), &t->mems_allowed);
	kprintf("torture:   %s %d %s: state %c cpu %d cpus_allowed %s mems_allowed %s CPU time %llu ms\n",
		what, pid, t->name, task_state_char(t), t->cpu, cpus, mems,
		(unsigned long long)(task_cpu_time_ns(t) / NSEC_PER_MSEC));
	task_put(t);
	// Its containers: whose limits it runs under.
	char path[32], text[256];
	snprintf(path, sizeof(path), "/proc/%d/container", pid);
	if (torture_read_file(path, text, sizeof(text)) > 0) {
		for (char *line = text, *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl)
				break;
			*nl = '\0';
			kprintf("torture:     in %s\n", line);
		}
	}
}

// Printable: control characters as \xNN.
void torture_print_text(const char *s)
{
	char out[sizeof(((struct op_record *)0)->text) * 4 + 1];
	size_t n = 0;
	for (; *s && n + 5 < sizeof(out); s++) {
		unsigned char c = *s;
		if (c < 0x20 || c >= 0x7f)
			n += snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
		else
			out[n++] = c;
	}
	out[n] = '\0';
	kprintf("%s", out);
}

void torture_print_rings(void)
{
	for (int i = 0; i <= torture.nworkers; i++) {
		struct torture_worker *w = &torture.w[i];
		kprintf("torture: %s %d (pid %d), %llu ops, the last ones:\n",
			i < torture.nworkers ? "worker" : "injector", i, w->pid,
			(unsigned long long)w->ops);
		u64 first = w->ops > RING ? w->ops - RING : 0;
		for (u64 s = first; s < w->ops; s++) {
			struct op_record *r = &w->ring[s % RING];
			kprintf("  #%llu %s ", (unsigned long long)r->seq, op_names[r->op]);
			torture_print_text(r->text);
			kprintf(" -> %d\n", r->result);
		}
	}
	torture_print_scripts();
}

void torture_abort_report(void)
{
	if (!torture.running)
		return;
	kprintf("torture: FAIL seed=%llu: the kernel crashed; reproduce with SEED=%llu\n",
		(unsigned long long)torture.seed, (unsigned long long)torture.seed);
	torture_print_rings();
}

// ---- Paths and files, as a shell user's commands would use them ----


// A random container path: a slot's top and up to a few levels of a/b/c.
static int random_dir(struct torture_worker *w, char *buf, size_t len)
{
	int slot = rnd(&w->rng, torture.nslots);
	slot_dir(slot, buf, len);
	int depth = rnd(&w->rng, 10) == 0 ? rnd(&w->rng, DEEP_MAX + 1) : rnd(&w->rng, DEPTH_MAX + 1);
	size_t n = strlen(buf);
	for (int i = 0; i < depth && n + 3 < len; i++) {
		buf[n++] = '/';
		buf[n++] = "abc"[rnd(&w->rng, 3)];
		buf[n] = '\0';
	}
	return slot;
}

// open + write + close, as `echo VALUE > PATH` (without O_CREAT: control
// files exist or not). Returns write's result or the first error.
long torture_write_file(const char *path, const char *s, size_t n)
{
	int fd = sys_open(path, O_WRONLY | O_TRUNC, 0);
	if (fd < 0)
		return fd;
	long r = sys_write(fd, s, n);
	sys_close(fd);
	return r;
}

long torture_write_str(const char *path, const char *s)
{
	return torture_write_file(path, s, strlen(s));
}

long torture_read_file(const char *path, char *buf, size_t len)
{
	int fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0) {
		buf[0] = '\0';
		return fd;
	}
	long r = sys_read(fd, buf, len - 1);
	buf[r > 0 ? r : 0] = '\0';
	sys_close(fd);
	return r;
}

// ---- Worker children ----

static int kid_main(void *arg)
{
	u64 rng = splitmix((u64)arg);
	int steps = 1 + rnd(&rng, 6);
	for (int i = 0; i < steps; i++) {
		switch (rnd(&rng, 4)) {
		case 0:
			sleep_ns((u64)rnd(&rng, 5000) * 1000);
			break;
		case 1: // held until exit closes it
			sys_open(rnd(&rng, 2) ? "/proc/containers" : "/proc/self/container", O_RDONLY, 0);
			break;
		case 2: {
			unsigned order = rnd(&rng, 3);
			void *p = alloc_pages(GFP_KERNEL, order);
			if (p)
				free_pages(p, order);
			break;
		}
		default: {
			u64 end = clock_ns() + (u64)rnd(&rng, 300) * 1000;
			while (clock_ns() < end)
				cpu_relax();
		}
		}
	}
	return (int)rnd(&rng, 3);
}

static void reap_kids(struct torture_worker *w, bool block)
{
	for (int i = 0; i < w->nkids;) {
		int r = do_waitpid(w->kids[i], NULL, block ? 0 : WNOHANG);
		if (r == w->kids[i] || r == -ECHILD) {
			w->kids[i] = w->kids[--w->nkids];
			continue;
		}
		i++;
	}
}

// ---- Worker operations ----

static void op_mkdir(struct torture_worker *w)
{
	char path[160];
	random_dir(w, path, sizeof(path));
	torture_record(w, OP_MKDIR, sys_mkdir(path, 0755), "%s", path);
}

// Below the top when the tops are left alone (notop).
static void random_dir_for_change(struct torture_worker *w, char *buf, size_t len)
{
	random_dir(w, buf, len - 2);
	if (torture.no_top_writes && !strchr(buf + strlen("/torture/"), '/'))
		strcat(buf, "/a");
}

static void op_rmdir(struct torture_worker *w)
{
	char path[160];
	random_dir_for_change(w, path, sizeof(path));
	torture_record(w, OP_RMDIR, sys_rmdir(path), "%s", path);
}

static void op_rename(struct torture_worker *w)
{
	char from[160], to[170];
	// Never a mountpoint's own directory: a mount racing its rename lands
	// on the new name (as on Linux), where the checks would not find it.
	random_dir(w, from, sizeof(from) - 2);
	if (!strchr(from + strlen("/torture/"), '/'))
		strcat(from, "/a");
	char *slash = strrchr(from, '/');
	size_t keep = (size_t)(slash - from);
	memcpy(to, from, keep);
	snprintf(to + keep, sizeof(to) - keep, "/%c", "abcr"[rnd(&w->rng, 4)]);
	torture_record(w, OP_RENAME, sys_rename(from, to), "%s %s", from, to);
}

static pid_t random_pid(struct torture_worker *w, char *buf, size_t len)
{
	unsigned k = rnd(&w->rng, 20);
	pid_t pid = w->pid;
	if (k < 7 && w->nkids)
		pid = w->kids[rnd(&w->rng, w->nkids)];
	else if (k < 9)
		pid = torture.w[rnd(&w->rng, torture.nworkers)].pid;
	else if (k < 12) {
		static const char *const bad[] = {"0", "-1", "99999", "abc", "", "1 2"};
		strlcpy(buf, bad[rnd(&w->rng, ARRAY_SIZE(bad))], len);
		return 0;
	}
	snprintf(buf, len, "%d", pid);
	return pid;
}

static void op_attach(struct torture_worker *w)
{
	char path[180], pid[16];
	random_dir(w, path, sizeof(path) - 8);
	strcat(path, "/tasks");
	random_pid(w, pid, sizeof(pid));
	torture_record(w, OP_ATTACH, (int)torture_write_str(path, pid), "%s < %s", path, pid);
}

static void op_spawn(struct torture_worker *w)
{
	if (w->nkids == KIDS_MAX)
		reap_kids(w, rnd(&w->rng, 2));
	if (w->nkids == KIDS_MAX) {
		torture_record(w, OP_SPAWN, -EAGAIN, "(all %d children alive)", KIDS_MAX);
		return;
	}
	pid_t pid;
	bool app = rnd(&w->rng, 4) == 0;
	if (app) {
		char *argv[] = {"true", NULL};
		char *envp[] = {"PATH=/", NULL};
		pid = sys_spawn("true", argv, envp);
	} else {
		pid = kernel_spawn("tkid", kid_main, (void *)(rnd64(&w->rng) | 1));
	}
	if (pid > 0)
		w->kids[w->nkids++] = pid;
	torture_record(w, OP_SPAWN, pid, "%s", app ? "app true" : "kernel task");
}

static void op_reap(struct torture_worker *w)
{
	int before = w->nkids;
	reap_kids(w, false);
	torture_record(w, OP_REAP, before - w->nkids, "of %d", before);
}

static void op_kill(struct torture_worker *w)
{
	if (!w->nkids) {
		torture_record(w, OP_KILL, 0, "(no child)");
		return;
	}
	pid_t pid = w->kids[rnd(&w->rng, w->nkids)];
	torture_record(w, OP_KILL, do_kill(pid, SIGKILL), "%d", pid);
}

int torture_mount_fresh(int slot, const char *dir, const char *opts, char *old)
{
	static unsigned long moved; // torture_mount_mutex
	char aside[48];
	char *to = old ? old : aside;
	snprintf(to, 48, "/torture/.old%d.%lu", slot, moved++);
	if (sys_rename(dir, to) == 0)
		sys_mkdir(dir, 0755); // (the old one goes with the check's scratch)
	else
		to[0] = '\0';
	return sys_mount("none", dir, "container", opts);
}

static void op_mount(struct torture_worker *w)
{
	int slot = rnd(&w->rng, torture.nslots);
	char dir[32], opts[96];
	slot_dir(slot, dir, sizeof(dir));
	snprintf(opts, sizeof(opts), "%s%s", torture.opts[slot],
		 rnd(&w->rng, 2) ? ",release_agent=true" : "");
	mutex_lock(&torture_mount_mutex);
	int r;
	if (torture.slot_mounted[slot]) {
		r = sys_umount(dir);
		if (r == 0)
			torture.slot_mounted[slot] = false;
		torture_record(w, OP_MOUNT, r, "umount %s", dir);
	} else {
		r = torture_mount_fresh(slot, dir, opts, NULL);
		if (r == 0)
			torture.slot_mounted[slot] = true;
		torture_record(w, OP_MOUNT, r, "mount -o %s %s", opts, dir);
	}
	mutex_unlock(&torture_mount_mutex);
}

static void op_write(struct torture_worker *w)
{
	char path[200], val[48];
	random_dir_for_change(w, path, 160);
	unsigned f = rnd(&w->rng, 10) < 8 ? rnd(&w->rng, NR_CONFIG_FILES + 1) : rnd(&w->rng, NR_FILES);
	strcat(path, "/");
	strcat(path, torture_files[f]);
	size_t n;
	if (f == 0 && rnd(&w->rng, 5)) {
		random_pid(w, val, sizeof(val));
	} else if (f == 1 && rnd(&w->rng, 5)) {
		strlcpy(val, rnd(&w->rng, 3) ? "1" : "0", sizeof(val));
	} else if (f == 2 && rnd(&w->rng, 5)) {
		strlcpy(val, agents[rnd(&w->rng, ARRAY_SIZE(agents))], sizeof(val));
	} else if (rnd(&w->rng, 8) == 0) { // random bytes, no NUL
		n = 1 + rnd(&w->rng, 16);
		for (size_t i = 0; i < n; i++)
			val[i] = (char)(1 + rnd(&w->rng, 255));
		val[n] = '\0';
	} else {
		strlcpy(val, values[rnd(&w->rng, ARRAY_SIZE(values))], sizeof(val));
	}
	n = strlen(val);
	if (rnd(&w->rng, 2))
		val[n++] = '\n';
	val[n] = '\0';
	torture_record(w, OP_WRITE, (int)torture_write_file(path, val, n), "%s < %s", path, val);
}

static void op_read(struct torture_worker *w)
{
	char path[200], buf[256];
	random_dir(w, path, 160);
	unsigned k = rnd(&w->rng, NR_FILES + 3);
	if (k < NR_FILES) {
		strcat(path, "/");
		strcat(path, torture_files[k]);
	} else if (k == NR_FILES) {
		strlcpy(path, "/proc/containers", sizeof(path));
	} else {
		snprintf(path, sizeof(path), "/proc/%d/container", torture.w[rnd(&w->rng, torture.nworkers)].pid);
	}
	torture_record(w, OP_READ, (int)torture_read_file(path, buf, sizeof(buf)), "%s", path);
}

static void op_open(struct torture_worker *w)
{
	if (w->nfds == HELD_MAX) {
		torture_record(w, OP_OPEN, -EMFILE, "(holding %d)", HELD_MAX);
		return;
	}
	char path[200];
	int fd;
	if (rnd(&w->rng, 3) == 0) {
		snprintf(path, sizeof(path), "/tmp/torture_w%d_%d", w->id, w->tmp_seq++ % 4);
		fd = sys_open(path, O_RDWR | O_CREAT, 0644);
	} else {
		random_dir(w, path, 160);
		strcat(path, "/");
		strcat(path, torture_files[rnd(&w->rng, NR_FILES)]);
		fd = sys_open(path, rnd(&w->rng, 2) ? O_RDONLY : O_RDWR, 0);
	}
	if (fd >= 0)
		w->fds[w->nfds++] = fd;
	torture_record(w, OP_OPEN, fd, "%s", path);
}

static void op_close(struct torture_worker *w)
{
	if (!w->nfds) {
		torture_record(w, OP_CLOSE, 0, "(none held)");
		return;
	}
	int i = rnd(&w->rng, w->nfds), fd = w->fds[i];
	w->fds[i] = w->fds[--w->nfds];
	torture_record(w, OP_CLOSE, sys_close(fd), "fd %d", fd);
}

static void (*const op_fn[OP_NR])(struct torture_worker *) = {
	op_mkdir, op_rmdir, op_rename, op_attach, op_spawn, op_reap, op_kill,
	op_mount, op_write, op_read, op_open, op_close, torture_op_sh, NULL};

static void worker_op(struct torture_worker *w)
{
	if (torture.only_op >= 0) { // only=NAME
		if (op_fn[torture.only_op])
			op_fn[torture.only_op](w);
		else
			sleep_ns(10 * NSEC_PER_MSEC);
		return;
	}
	int total = 0;
	for (int i = 0; i < OP_NR; i++)
		total += op_weight[i];
	int k = (int)rnd(&w->rng, total);
	for (int i = 0; i < OP_NR; i++) {
		if (k < op_weight[i]) {
			op_fn[i](w);
			return;
		}
		k -= op_weight[i];
	}
}

// Quiesce: let go of everything, then wait while paused.
static void worker_park(struct torture_worker *w)
{
	while (w->nfds)
		sys_close(w->fds[--w->nfds]);
	for (int i = 0; i < w->nkids; i++)
		do_kill(w->kids[i], SIGKILL);
	reap_kids(w, true);
	char path[48];
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/tmp/torture_w%d_%d", w->id, i);
		sys_unlink(path);
	}
	w->parked = true;
	atomic_inc(&torture.parked);
	while (READ_ONCE(torture.pause) && !READ_ONCE(torture.done))
		sleep_ns(2 * NSEC_PER_MSEC);
	atomic_dec(&torture.parked);
	w->parked = false;
}

int torture_worker_main(void *arg)
{
	struct torture_worker *w = arg;
	w->pid = sys_getpid();
	torture_sh_setup(w);
	while (!READ_ONCE(torture.done)) {
		if (READ_ONCE(torture.pause)) {
			worker_park(w);
			continue;
		}
		worker_op(w);
	}
	return 0;
}

// ---- The console injector: random lines and bytes into a shell ----

static const char *const sh_lines[] = {
	"echo $$ > /torture/h%d/tasks", "echo $$ > /torture/h%d/%c/tasks", "mkdir /torture/h%d/%c",
	"rmdir /torture/h%d/%c", "cat /torture/h%d/%c/tasks", "cat /proc/containers",
	"cat /proc/$$/container", "ls /torture/h%d", "echo 1 > /torture/h%d/%c/notify_on_release",
	"echo 0-1 > /torture/h%d/%c/cpuset.cpus", "echo 0 > /torture/h%d/%c/memset.mems",
	"cat /torture/h%d/%c/numtasks.stats", "cat /torture/h%d/bc.numfiles.held", "true | cat",
	"echo hello world", "cd /torture/h%d/%c", "cd /", "ps", "sleep 0", "ls /nope",
	"mkdir -p /torture/h%d/%c/%c", "echo $$ > /torture/h%d/%c/%c/tasks"};

static void type_text(const char *s)
{
	for (; *s; s++)
		console_input_byte((unsigned char)*s);
}

static pid_t shell_start(void)
{
	char *argv[] = {"sh", NULL};
	char *envp[] = {"PATH=/", NULL};
	return sys_spawn("sh", argv, envp);
}

static void shell_stop(pid_t sh)
{
	if (sh <= 0)
		return;
	type_text("\x03\x15" "exit\r");
	for (int i = 0; i < 300; i++) {
		if (do_waitpid(sh, NULL, WNOHANG) != 0)
			return;
		sleep_ns(10 * NSEC_PER_MSEC);
	}
	do_kill(sh, SIGKILL);
	do_waitpid(sh, NULL, 0);
}

static void inject_one(struct torture_worker *w, pid_t *sh)
{
	char line[128];
	if (do_waitpid(*sh, NULL, WNOHANG) != 0) { // it exited (a Ctrl-D, an exit)
		*sh = shell_start();
		torture_record(w, OP_CONSOLE, *sh, "(new shell)");
	}
	if (rnd(&w->rng, 4)) {
		const char *fmt = sh_lines[rnd(&w->rng, ARRAY_SIZE(sh_lines))];
		int slot = rnd(&w->rng, torture.nslots);
		char a = "abc"[rnd(&w->rng, 3)], b = "abc"[rnd(&w->rng, 3)];
		snprintf(line, sizeof(line) - 1, fmt, slot, a, b);
		strcat(line, "\r");
	} else { // printable bytes with some editing and control keys
		static const char keys[] = "\b\x7f\x15\x03\x04\t\r\x1b";
		size_t n = 1 + rnd(&w->rng, 24);
		for (size_t i = 0; i < n; i++)
			line[i] = rnd(&w->rng, 6) ? (char)(0x20 + rnd(&w->rng, 95))
						  : keys[rnd(&w->rng, sizeof(keys) - 1)];
		line[n] = '\0';
	}
	type_text(line);
	torture_record(w, OP_CONSOLE, 0, "%s", line);
}

int torture_injector_main(void *arg)
{
	struct torture_worker *w = arg;
	w->pid = sys_getpid();
	pid_t sh = 0;
	while (!READ_ONCE(torture.done)) {
		if (READ_ONCE(torture.pause)) {
			shell_stop(sh);
			sh = 0;
			w->parked = true;
			atomic_inc(&torture.parked);
			while (READ_ONCE(torture.pause) && !READ_ONCE(torture.done))
				sleep_ns(2 * NSEC_PER_MSEC);
			atomic_dec(&torture.parked);
			w->parked = false;
			continue;
		}
		if (torture.only_op >= 0 && torture.only_op != OP_CONSOLE) { // only=NAME
			sleep_ns(10 * NSEC_PER_MSEC);
			continue;
		}
		if (sh <= 0) {
			sh = shell_start();
			torture_record(w, OP_CONSOLE, sh, "(new shell)");
			continue;
		}
		inject_one(w, &sh);
		sleep_ns((20 + rnd(&w->rng, 60)) * NSEC_PER_MSEC);
	}
	shell_stop(sh);
	return 0;
}
