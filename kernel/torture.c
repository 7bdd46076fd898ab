// The container torture suite: random container operations from kernel
// workers on every CPU, with periodic quiesce-and-count checks. See
// kernel/torture.h for the interface and README for `make torture`.
//
// Workers act through the system calls a shell user's commands make
// (sys_mkdir, sys_open + sys_write on control files, sys_mount...), on 2
// or 3 hierarchies mounted at /torture/hN whose subsystems the seed
// partitions. Each has its own PRNG seeded from the run's seed, so its
// choices (not the interleaving) repeat with the same SEED=, and a ring of
// its last operations, printed on any failure. A console injector types
// random shell lines and bytes into a shell it spawned.
//
// Every TORTURE_INTERVAL_S the controller (init) quiesces: workers close
// their files, kill and reap their children and park; the injector ends
// its shell. Then it tears every hierarchy down the way a user would
// (mount again if unmounted, move the workers to the top, rmdir the tree
// bottom-up, restore the top's limit files, umount), waits for release
// agents and checks every count against its baseline: tasks, open files,
// inodes, dentries, css_sets, hierarchies, containers, /proc/containers,
// each top's numtasks usage and bc held count, and -- against the counts
// after the first quiesce, once lazily built kernel state (vmap page
// tables, slab caches' first slabs) exists -- free pages per node and
// active objects per slab cache. A kernel error report (kernel_reports)
// at any time is a failure too.
//
// Locks: mount_mutex serialises mount/umount of the slots and guards
// slot_mounted. Everything else in `torture` is written by the controller
// while the workers are parked, or by each worker for its own struct.
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
#include "kernel/torture.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"

#define TORTURE_INTERVAL_S 15
#define MAX_WORKERS 16
#define MAX_SLOTS 3
#define RING 16
#define HELD_MAX 6   // files a worker holds open
#define KIDS_MAX 6   // children a worker has at once
#define DEPTH_MAX 6  // usual container depth (sometimes up to DEEP_MAX)
#define DEEP_MAX 24
#define PARK_TIMEOUT_S 60

enum op {
	OP_MKDIR, OP_RMDIR, OP_RENAME, OP_ATTACH, OP_SPAWN, OP_REAP, OP_KILL,
	OP_MOUNT, OP_WRITE, OP_READ, OP_OPEN, OP_CLOSE, OP_CONSOLE, OP_NR
};
static const char *const op_names[OP_NR] = {
	"mkdir", "rmdir", "rename", "attach", "spawn", "reap", "kill",
	"mount", "write", "read", "open", "close", "console"};
// Relative weights of the worker operations (OP_CONSOLE is the injector's).
static const int op_weight[OP_NR] = {14, 10, 4, 12, 8, 5, 3, 2, 25, 8, 5, 4, 0};

static const char *const subsys_names[] = {"cpuset", "memset", "cpuacct", "numtasks", "bc"};
#define NR_SUBSYS 5

// Control files: writable ones first (the top's config files among them
// are restored at each quiesce), then read-only ones.
static const char *const files[] = {
	"tasks", "notify_on_release", "release_agent", "cpuset.cpus", "cpuset.cpu_exclusive",
	"memset.mems", "memset.mem_exclusive", "memset.memory_migrate", "numtasks.shares",
	"numtasks.max", "bc.numfiles.barrier", "bc.numfiles.limit", "cpuacct.usage",
	"cpuacct.usage_percpu", "cpuacct.load", "numtasks.stats", "bc.numfiles.held",
	"bc.numfiles.maxheld", "bc.numfiles.minheld", "bc.numfiles.failcnt"};
#define NR_FILES ARRAY_SIZE(files)
#define NR_CONFIG_FILES 12 // files[1..11]: the top's settings (not tasks)

static const char *const values[] = {
	"0", "1", "2", "3", "0-1", "0-3", "1-3", "0,2", "1", "0-7", "7-0", "64", "0-63",
	"max", "-1", "-2147483649", "99999999999999999999", "18446744073709551616",
	"9223372036854775807", "9223372036854775808", "100000000000000000", "", "\n", " ",
	"abc", "1x", " 1", "0x10", "010", "1\n2", "max_shares=100", "max_shares=0",
	"min_shares=1", "max_shares=-5", "max_shares=99999999999999999999", "true", "nosuchapp",
	"5", "10", "100", "1000", "1,", ",", "-", "0-", "-0"};
static const char *const agents[] = {"true", "true", "false", "", "nosuchapp", "sleep 0",
				      "true with some arguments"};

struct op_record {
	u64 seq;
	u8 op;
	int result;
	char text[88];
};

struct torture_worker {
	int id;
	pid_t pid;
	u64 rng;
	u64 ops, op_count[OP_NR];
	struct op_record ring[RING];
	int fds[HELD_MAX], nfds;
	pid_t kids[KIDS_MAX];
	int nkids;
	int tmp_seq;
};

static struct {
	bool running;
	bool no_top_writes;         // notop: no writes to the tops' files, no
				    // rmdir or rename of the mountpoints
	u64 seed, seconds;
	int nworkers;               // plus the injector, which is worker[nworkers]
	int nslots;
	char opts[MAX_SLOTS][64];   // mount options per slot
	volatile int pause, done;
	atomic_t parked;
	bool slot_mounted[MAX_SLOTS]; // mount_mutex
	struct torture_worker w[MAX_WORKERS + 1];
	char root_values[MAX_SLOTS][NR_CONFIG_FILES][80];
	long root_usage[MAX_SLOTS], root_held[MAX_SLOTS];
	u64 reports_at_start;
} torture;
static DEFINE_MUTEX(mount_mutex);

// ---- PRNG (xorshift64*, seeded through splitmix64) ----

static u64 splitmix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 rnd64(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned rnd(u64 *s, unsigned n) { return n ? (unsigned)(rnd64(s) >> 33) % n : 0; }

// ---- The ring of recent operations ----

static void record(struct torture_worker *w, enum op op, int result, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void record(struct torture_worker *w, enum op op, int result, const char *fmt, ...)
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
}

// Printable: control characters as \xNN.
static void print_text(const char *s)
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

static void print_rings(void)
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
			print_text(r->text);
			kprintf(" -> %d\n", r->result);
		}
	}
}

void torture_abort_report(void)
{
	if (!torture.running)
		return;
	kprintf("torture: FAIL seed=%llu: the kernel crashed; reproduce with SEED=%llu\n",
		(unsigned long long)torture.seed, (unsigned long long)torture.seed);
	print_rings();
}

// ---- Paths and files, as a shell user's commands would use them ----

static void slot_dir(int slot, char *buf, size_t len) { snprintf(buf, len, "/torture/h%d", slot); }

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
static long write_file(const char *path, const char *s, size_t n)
{
	int fd = sys_open(path, O_WRONLY | O_TRUNC, 0);
	if (fd < 0)
		return fd;
	long r = sys_write(fd, s, n);
	sys_close(fd);
	return r;
}

static long write_str(const char *path, const char *s) { return write_file(path, s, strlen(s)); }

static long read_file(const char *path, char *buf, size_t len)
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
	record(w, OP_MKDIR, sys_mkdir(path, 0755), "%s", path);
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
	record(w, OP_RMDIR, sys_rmdir(path), "%s", path);
}

static void op_rename(struct torture_worker *w)
{
	char from[160], to[170];
	random_dir_for_change(w, from, sizeof(from));
	char *slash = strrchr(from, '/');
	size_t keep = (size_t)(slash - from);
	memcpy(to, from, keep);
	snprintf(to + keep, sizeof(to) - keep, "/%c", "abcr"[rnd(&w->rng, 4)]);
	record(w, OP_RENAME, sys_rename(from, to), "%s %s", from, to);
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
	record(w, OP_ATTACH, (int)write_str(path, pid), "%s < %s", path, pid);
}

static void op_spawn(struct torture_worker *w)
{
	if (w->nkids == KIDS_MAX)
		reap_kids(w, rnd(&w->rng, 2));
	if (w->nkids == KIDS_MAX) {
		record(w, OP_SPAWN, -EAGAIN, "(all %d children alive)", KIDS_MAX);
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
	record(w, OP_SPAWN, pid, "%s", app ? "app true" : "kernel task");
}

static void op_reap(struct torture_worker *w)
{
	int before = w->nkids;
	reap_kids(w, false);
	record(w, OP_REAP, before - w->nkids, "of %d", before);
}

static void op_kill(struct torture_worker *w)
{
	if (!w->nkids) {
		record(w, OP_KILL, 0, "(no child)");
		return;
	}
	pid_t pid = w->kids[rnd(&w->rng, w->nkids)];
	record(w, OP_KILL, do_kill(pid, SIGKILL), "%d", pid);
}

static void op_mount(struct torture_worker *w)
{
	int slot = rnd(&w->rng, torture.nslots);
	char dir[32], opts[96];
	slot_dir(slot, dir, sizeof(dir));
	snprintf(opts, sizeof(opts), "%s%s", torture.opts[slot],
		 rnd(&w->rng, 2) ? ",release_agent=true" : "");
	mutex_lock(&mount_mutex);
	int r;
	if (torture.slot_mounted[slot]) {
		r = sys_umount(dir);
		if (r == 0)
			torture.slot_mounted[slot] = false;
		record(w, OP_MOUNT, r, "umount %s", dir);
	} else {
		r = sys_mount("none", dir, "container", opts);
		if (r == 0)
			torture.slot_mounted[slot] = true;
		record(w, OP_MOUNT, r, "mount -o %s %s", opts, dir);
	}
	mutex_unlock(&mount_mutex);
}

static void op_write(struct torture_worker *w)
{
	char path[200], val[48];
	random_dir_for_change(w, path, 160);
	unsigned f = rnd(&w->rng, 10) < 8 ? rnd(&w->rng, NR_CONFIG_FILES + 1) : rnd(&w->rng, NR_FILES);
	strcat(path, "/");
	strcat(path, files[f]);
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
	record(w, OP_WRITE, (int)write_file(path, val, n), "%s < %s", path, val);
}

static void op_read(struct torture_worker *w)
{
	char path[200], buf[256];
	random_dir(w, path, 160);
	unsigned k = rnd(&w->rng, NR_FILES + 3);
	if (k < NR_FILES) {
		strcat(path, "/");
		strcat(path, files[k]);
	} else if (k == NR_FILES) {
		strlcpy(path, "/proc/containers", sizeof(path));
	} else {
		snprintf(path, sizeof(path), "/proc/%d/container", torture.w[rnd(&w->rng, torture.nworkers)].pid);
	}
	record(w, OP_READ, (int)read_file(path, buf, sizeof(buf)), "%s", path);
}

static void op_open(struct torture_worker *w)
{
	if (w->nfds == HELD_MAX) {
		record(w, OP_OPEN, -EMFILE, "(holding %d)", HELD_MAX);
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
		strcat(path, files[rnd(&w->rng, NR_FILES)]);
		fd = sys_open(path, rnd(&w->rng, 2) ? O_RDONLY : O_RDWR, 0);
	}
	if (fd >= 0)
		w->fds[w->nfds++] = fd;
	record(w, OP_OPEN, fd, "%s", path);
}

static void op_close(struct torture_worker *w)
{
	if (!w->nfds) {
		record(w, OP_CLOSE, 0, "(none held)");
		return;
	}
	int i = rnd(&w->rng, w->nfds), fd = w->fds[i];
	w->fds[i] = w->fds[--w->nfds];
	record(w, OP_CLOSE, sys_close(fd), "fd %d", fd);
}

static void (*const op_fn[OP_NR])(struct torture_worker *) = {
	op_mkdir, op_rmdir, op_rename, op_attach, op_spawn, op_reap, op_kill,
	op_mount, op_write, op_read, op_open, op_close, NULL};

static void worker_op(struct torture_worker *w)
{
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
	atomic_inc(&torture.parked);
	while (READ_ONCE(torture.pause) && !READ_ONCE(torture.done))
		sleep_ns(2 * NSEC_PER_MSEC);
	atomic_dec(&torture.parked);
}

static int worker_main(void *arg)
{
	struct torture_worker *w = arg;
	w->pid = sys_getpid();
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
		record(w, OP_CONSOLE, *sh, "(new shell)");
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
	record(w, OP_CONSOLE, 0, "%s", line);
}

static int injector_main(void *arg)
{
	struct torture_worker *w = arg;
	w->pid = sys_getpid();
	pid_t sh = 0;
	while (!READ_ONCE(torture.done)) {
		if (READ_ONCE(torture.pause)) {
			shell_stop(sh);
			sh = 0;
			atomic_inc(&torture.parked);
			while (READ_ONCE(torture.pause) && !READ_ONCE(torture.done))
				sleep_ns(2 * NSEC_PER_MSEC);
			atomic_dec(&torture.parked);
			continue;
		}
		if (sh <= 0) {
			sh = shell_start();
			record(w, OP_CONSOLE, sh, "(new shell)");
			continue;
		}
		inject_one(w, &sh);
		sleep_ns((20 + rnd(&w->rng, 60)) * NSEC_PER_MSEC);
	}
	shell_stop(sh);
	return 0;
}

// ---- Quiesce and check (the controller, init's task) ----

// Leaves nothing behind in one slot's hierarchy, the way a user would:
// mount it again if a worker left it unmounted (the hierarchy lives on
// while it has containers), move the workers to the top, remove the tree
// bottom-up, restore the top's settings, check its counters, unmount.
// With baseline, records the settings and counters instead. Returns the
// number of failures (each printed).
static int remove_tree(const char *top, bool plain);
static int top_settings(int slot, const char *dir, bool baseline);

static int slot_teardown(int slot, bool baseline)
{
	char dir[32], path[48], pid[16];
	int fails = 0;
	slot_dir(slot, dir, sizeof(dir));
	mutex_lock(&mount_mutex);
	if (!torture.slot_mounted[slot]) {
		int r = sys_mount("none", dir, "container", torture.opts[slot]);
		if (r) {
			kprintf("torture: mount -o %s %s: error %d\n", torture.opts[slot], dir, r);
			mutex_unlock(&mount_mutex);
			return 1;
		}
		torture.slot_mounted[slot] = true;
	}
	snprintf(path, sizeof(path), "%s/tasks", dir);
	for (int i = 0; i <= torture.nworkers; i++) {
		snprintf(pid, sizeof(pid), "%d", torture.w[i].pid);
		long r = write_str(path, pid);
		if (r < 0) {
			kprintf("torture: echo %s > %s: error %ld\n", pid, path, r);
			fails++;
		}
	}
	fails += remove_tree(dir, false);
	fails += top_settings(slot, dir, baseline);
	int r = sys_umount(dir);
	if (r) {
		kprintf("torture: umount %s: error %d\n", dir, r);
		fails++;
	} else {
		torture.slot_mounted[slot] = false;
		fails += remove_tree(dir, true);
	}
	if (fails) {
		char mounts[1024];
		read_file("/proc/mounts", mounts, sizeof(mounts));
		kprintf("torture: /proc/mounts:\n%s", mounts);
	}
	mutex_unlock(&mount_mutex);
	return fails;
}

// The first entry of dir into name (only subdirectories unless
// any_type): its DT_ type, 0 if none, or -errno.
static int first_entry(const char *dir, char *name, size_t len, bool any_type)
{
	char buf[512];
	int fd = sys_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	int found = 0;
	ssize_t n;
	while (!found && (n = sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct kdirent *d = (struct kdirent *)(buf + off);
			if ((any_type || d->d_type == DT_DIR) && strcmp(d->d_name, ".") &&
			    strcmp(d->d_name, "..")) {
				strlcpy(name, d->d_name, len);
				found = d->d_type;
				break;
			}
			off += d->d_reclen;
		}
	}
	sys_close(fd);
	return found;
}

// rmdir every container below top, deepest first: walk down the first
// subdirectories to a leaf, remove it, start again (no recursion). With
// plain, top is an unmounted mountpoint's directory (ramfs): what a
// shell line or a worker made there while the slot was unmounted goes too.
static int remove_tree(const char *top, bool plain)
{
	char path[PATH_MAX > 1024 ? 1024 : PATH_MAX], name[CONTAINER_NAME_MAX + 1], tasks[128];
	int fails = 0;
	strlcpy(path, top, sizeof(path));
	for (int steps = 0; steps < 100000; steps++) {
		size_t n = strlen(path);
		int sub = n + 2 + CONTAINER_NAME_MAX < sizeof(path)
				  ? first_entry(path, name, sizeof(name), plain) : 0;
		if (sub < 0) {
			kprintf("torture: ls %s: error %d\n", path, sub);
			return fails + 1;
		}
		if (sub) {
			snprintf(path + n, sizeof(path) - n, "/%s", name);
			if (sub == DT_DIR)
				continue;
			int r = sys_unlink(path);
			path[n] = '\0';
			if (r) {
				kprintf("torture: rm %s/%s: error %d\n", path, name, r);
				return fails + 1;
			}
			continue;
		}
		if (!strcmp(path, top))
			return fails;
		snprintf(tasks, sizeof(tasks), "%s/tasks", path);
		char members[128];
		if (!plain && read_file(tasks, members, sizeof(members)) > 0) {
			kprintf("torture: tasks still in %s after the quiesce: ", path);
			print_text(members);
			kprintf("\n");
			fails++;
		}
		int r = -EBUSY;
		for (int tries = 0; tries < 100 && r; tries++) { // a release in flight
			r = sys_rmdir(path);
			if (r == -EBUSY)
				sleep_ns(10 * NSEC_PER_MSEC);
			else
				break;
		}
		if (r) {
			kprintf("torture: rmdir %s: error %d\n", path, r);
			return fails + 1;
		}
		*strrchr(path, '/') = '\0';
	}
	kprintf("torture: %s: the tree does not go away\n", top);
	return fails + 1;
}

static long leading_number(const char *s)
{
	while (*s && (*s < '0' || *s > '9'))
		s++;
	long v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

static void reap_orphans(void);
static struct torture_counts base, mem_base, now;
static int park_all_within(int seconds);
static int park_all(void) { return park_all_within(PARK_TIMEOUT_S); }

// Release agents and exiting tasks still counted: wait (up to 5 s) until
// the task count is the baseline's.
static void wait_tasks_settled(void)
{
	for (int i = 0; i < 500; i++) {
		reap_orphans();
		if (nr_tasks() == base.tasks)
			return;
		sleep_ns(10 * NSEC_PER_MSEC);
	}
}

static int top_settings(int slot, const char *dir, bool baseline)
{
	char path[96], now[80];
	int fails = 0;
	for (int i = 1; i < NR_CONFIG_FILES; i++) {
		char *was = torture.root_values[slot][i];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (baseline) {
			if (read_file(path, was, sizeof(torture.root_values[0][0])) < 0)
				strlcpy(was, "(none)", sizeof(torture.root_values[0][0]));
			continue;
		}
		if (!strcmp(was, "(none)"))
			continue;
		read_file(path, now, sizeof(now));
		if (!strcmp(now, was))
			continue;
		size_t n = strlen(was);
		long r = write_file(path, was, n && was[n - 1] == '\n' ? n - 1 : n);
		read_file(path, now, sizeof(now));
		if (strcmp(now, was)) {
			kprintf("torture: cannot restore %s (error %ld): ", path, r);
			print_text(now);
			kprintf(", was ");
			print_text(was);
			kprintf("\n");
			fails++;
		}
	}
	char buf[256];
	if (!baseline)
		wait_tasks_settled();
	snprintf(path, sizeof(path), "%s/numtasks.stats", dir);
	long usage = read_file(path, buf, sizeof(buf)) > 0 ? leading_number(buf) : -1;
	snprintf(path, sizeof(path), "%s/bc.numfiles.held", dir);
	long held = read_file(path, buf, sizeof(buf)) > 0 ? leading_number(buf) : -1;
	if (baseline) {
		torture.root_usage[slot] = usage;
		torture.root_held[slot] = held;
		return 0;
	}
	if (usage != torture.root_usage[slot]) {
		kprintf("torture: %s: numtasks usage %ld, baseline %ld\n", dir, usage,
			torture.root_usage[slot]);
		fails++;
	}
	if (held != torture.root_held[slot]) {
		kprintf("torture: %s: bc.numfiles.held %ld, baseline %ld\n", dir, held,
			torture.root_held[slot]);
		fails++;
	}
	return fails;
}

// Random console input can make files (`x>y` typed into the shell): the
// entries of / and /tmp that were not there at the start go, as a user
// would remove them (their removal is not a leak check failure).
static const char *const scratch_dirs[] = {"/", "/tmp"};
static char scratch_names[2][512]; // "\0name\0name\0...": at the start

static void scratch_list(const char *dir, char *out, size_t len)
{
	char buf[512];
	size_t used = 1;
	out[0] = '\0';
	int fd = sys_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return;
	ssize_t n;
	while ((n = sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n; off += ((struct kdirent *)(buf + off))->d_reclen) {
			const char *name = ((struct kdirent *)(buf + off))->d_name;
			size_t l = strlen(name) + 1;
			if (used + l < len) {
				memcpy(out + used, name, l);
				used += l;
			}
		}
	out[used] = '\0';
	sys_close(fd);
}

static bool scratch_known(const char *names, const char *name)
{
	for (const char *p = names + 1; *p; p += strlen(p) + 1)
		if (!strcmp(p, name))
			return true;
	return false;
}

static int scratch_clean(void)
{
	int fails = 0;
	char now[512], path[300];
	for (int i = 0; i < 2; i++) {
		scratch_list(scratch_dirs[i], now, sizeof(now));
		for (const char *p = now + 1; *p; p += strlen(p) + 1) {
			if (scratch_known(scratch_names[i], p) || !strcmp(p, ".") || !strcmp(p, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", i ? scratch_dirs[i] : "", p);
			struct kstat st;
			if (sys_stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				fails += remove_tree(path, true);
				fails += sys_rmdir(path) != 0;
			} else {
				fails += sys_unlink(path) != 0;
			}
		}
	}
	return fails;
}

static void reap_orphans(void)
{
	while (do_waitpid(-1, NULL, WNOHANG) > 0)
		;
	task_reap_dead();
}

static u64 total_ops(void)
{
	u64 n = 0;
	for (int i = 0; i <= torture.nworkers; i++)
		n += READ_ONCE(torture.w[i].ops);
	return n;
}

static int park_all_within(int seconds)
{
	WRITE_ONCE(torture.pause, 1);
	u64 deadline = clock_ns() + seconds * NSEC_PER_SEC;
	while (atomic_read(&torture.parked) < torture.nworkers + 1) {
		if (clock_ns() > deadline) {
			kprintf("torture: only %d of %d workers parked within %d s\n",
				atomic_read(&torture.parked), torture.nworkers + 1, seconds);
			return 1;
		}
		reap_orphans();
		sleep_ns(5 * NSEC_PER_MSEC);
	}
	return 0;
}

static bool have_mem_base;

static int check_counts(void)
{
	int diffs = 0;
	for (int tries = 0; tries < 50; tries++) { // frees deferred past a switch
		reap_orphans();
		torture_counts_take(&now);
		diffs = torture_counts_compare(&base, &now, TORTURE_OBJECTS, false);
		if (have_mem_base)
			diffs += torture_counts_compare(&mem_base, &now, TORTURE_MEMORY, false);
		if (!diffs)
			break;
		sleep_ns(100 * NSEC_PER_MSEC);
	}
	if (diffs) {
		torture_counts_compare(&base, &now, TORTURE_OBJECTS, true);
		if (have_mem_base)
			torture_counts_compare(&mem_base, &now, TORTURE_MEMORY, true);
	} else if (!have_mem_base) {
		mem_base = now;
		have_mem_base = true;
	}
	return diffs;
}

static int quiesce_and_check(void)
{
	int fails = park_all();
	if (fails)
		return fails;
	reap_orphans();
	for (int slot = 0; slot < torture.nslots; slot++)
		fails += slot_teardown(slot, false);
	if (scratch_clean()) {
		kprintf("torture: cannot remove what the console input made in / or /tmp\n");
		fails++;
	}
	return fails + check_counts();
}

static void print_totals(u64 elapsed_ns)
{
	kprintf("torture: operations:");
	for (int op = 0; op < OP_NR; op++) {
		u64 n = 0;
		for (int i = 0; i <= torture.nworkers; i++)
			n += torture.w[i].op_count[op];
		kprintf(" %s %llu", op_names[op], (unsigned long long)n);
	}
	kprintf("\n");
	(void)elapsed_ns;
}

static void final_line(bool pass, u64 elapsed_ns, const char *why)
{
	u64 ops = total_ops(), ms = elapsed_ns / NSEC_PER_MSEC;
	u64 rate = ms ? ops * 1000 / ms : 0;
	kprintf("torture: %s seed=%llu ops=%llu (%llu ops/s) in %llu s%s%s\n", pass ? "PASS" : "FAIL",
		(unsigned long long)torture.seed, (unsigned long long)ops, (unsigned long long)rate,
		(unsigned long long)(ms / 1000), why ? ": " : "", why ? why : "");
}

// Which subsystems each slot mounts: the seed's partition of the five into
// 2 or 3 non-empty groups.
static void choose_slots(u64 *rng)
{
	torture.nslots = 2 + rnd(rng, 2);
	int slot_of[NR_SUBSYS];
	for (int i = 0; i < NR_SUBSYS; i++)
		slot_of[i] = i < torture.nslots ? i : (int)rnd(rng, torture.nslots);
	for (int i = NR_SUBSYS - 1; i > 0; i--) { // shuffle
		int j = rnd(rng, i + 1), t = slot_of[i];
		slot_of[i] = slot_of[j];
		slot_of[j] = t;
	}
	for (int s = 0; s < torture.nslots; s++) {
		torture.opts[s][0] = '\0';
		for (int i = 0; i < NR_SUBSYS; i++) {
			if (slot_of[i] != s)
				continue;
			size_t n = strlen(torture.opts[s]);
			snprintf(torture.opts[s] + n, sizeof(torture.opts[s]) - n, "%s%s", n ? "," : "",
				 subsys_names[i]);
		}
	}
}

int torture_parse(const char *s, struct torture_params *p)
{
	unsigned long long v[3] = {0, 0, 0};
	char part[32];
	bool notop = false;
	size_t len = strlen(s);
	if (len >= 6 && !strcmp(s + len - 6, ",notop")) {
		notop = true;
		len -= 6;
	}
	char copy[64];
	if (len >= sizeof(copy))
		return -EINVAL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	s = copy;
	for (int i = 0; i < 3 && *s; i++) {
		size_t n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(part))
			return -EINVAL;
		memcpy(part, s, n);
		part[n] = '\0';
		if (kstrtoull(part, 10, &v[i]))
			return -EINVAL;
		s += n;
		if (*s == ',')
			s++;
	}
	if (*s || v[0] == 0 || v[2] > MAX_WORKERS)
		return -EINVAL;
	*p = (struct torture_params){.seconds = v[0], .seed = v[1], .workers = (int)v[2],
				     .no_top_writes = notop};
	return 0;
}

static int start_tasks(void)
{
	for (int i = 0; i <= torture.nworkers; i++) {
		struct torture_worker *w = &torture.w[i];
		char name[16];
		w->id = i;
		w->rng = splitmix(torture.seed ^ splitmix(i + 1)) | 1;
		snprintf(name, sizeof(name), i < torture.nworkers ? "torture%d" : "tinject", i);
		pid_t pid = kernel_spawn(name, i < torture.nworkers ? worker_main : injector_main, w);
		if (pid < 0) {
			kprintf("torture: cannot start %s: error %d\n", name, pid);
			return 1;
		}
		w->pid = pid;
	}
	return 0;
}

int torture_run(const struct torture_params *p)
{
	torture.seed = p->seed ? p->seed : splitmix(clock_ns()) % 1000000000;
	torture.seconds = p->seconds;
	torture.no_top_writes = p->no_top_writes;
	int cpus = cpumask_weight(&cpu_online_mask);
	torture.nworkers = p->workers ? p->workers : MIN(2 * cpus, MAX_WORKERS);
	u64 rng = splitmix(torture.seed) | 1;
	choose_slots(&rng);
	kprintf("torture: seed=%llu duration=%llu s workers=%d cpus=%d nodes=%d interval=%d s%s\n",
		(unsigned long long)torture.seed, (unsigned long long)torture.seconds,
		torture.nworkers, cpus, nodes_weight(&node_online_map), TORTURE_INTERVAL_S,
		torture.no_top_writes ? " (no writes to the tops' files)" : "");
	for (int s = 0; s < torture.nslots; s++)
		kprintf("torture: /torture/h%d: -o %s\n", s, torture.opts[s]);
	sys_mkdir("/torture", 0755);
	for (int s = 0; s < torture.nslots; s++) {
		char dir[32];
		slot_dir(s, dir, sizeof(dir));
		sys_mkdir(dir, 0755);
	}
	torture.pause = 1;
	torture.running = true;
	torture.reports_at_start = READ_ONCE(kernel_reports);
	int fails = start_tasks() + park_all();
	for (int s = 0; s < torture.nslots && !fails; s++)
		fails += slot_teardown(s, true);
	reap_orphans();
	for (int i = 0; i < 2; i++)
		scratch_list(scratch_dirs[i], scratch_names[i], sizeof(scratch_names[i]));
	torture_counts_take(&base);
	u64 start = clock_ns(), end = start + torture.seconds * NSEC_PER_SEC;
	const char *why = fails ? "setting up" : NULL;
	for (int check = 1; !fails; check++) {
		WRITE_ONCE(torture.pause, 0);
		u64 until = MIN(end, clock_ns() + TORTURE_INTERVAL_S * NSEC_PER_SEC);
		while (clock_ns() < until && READ_ONCE(kernel_reports) == torture.reports_at_start)
			sleep_ns(50 * NSEC_PER_MSEC);
		if (READ_ONCE(kernel_reports) != torture.reports_at_start) {
			why = "a kernel error report";
			fails++;
			break;
		}
		fails += quiesce_and_check();
		if (READ_ONCE(kernel_reports) != torture.reports_at_start)
			fails++;
		u64 t = clock_ns() - start;
		kprintf("torture: check %d at %llu s: %s, %llu ops\n", check,
			(unsigned long long)(t / NSEC_PER_SEC), fails ? "FAILED" : "counts back at baseline",
			(unsigned long long)total_ops());
		if (fails) {
			why = "counts did not come back (above)";
			break;
		}
		if (clock_ns() >= end)
			break;
	}
	u64 elapsed = clock_ns() - start;
	print_totals(elapsed);
	if (fails) {
		park_all_within(10); // so that the rings and the console hold still
		print_rings();
	} else {
		WRITE_ONCE(torture.done, 1);
		for (int i = 0; i <= torture.nworkers; i++)
			do_waitpid(torture.w[i].pid, NULL, 0);
	}
	torture.running = false;
	final_line(!fails, elapsed, why);
	return fails ? 1 : 0;
}
