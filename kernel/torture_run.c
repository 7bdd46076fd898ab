// The torture suite's controller (see kernel/torture.h), init's task: it
// starts the workers, and every TORTURE_INTERVAL_S parks them and checks.
// A check tears every hierarchy down the way a user would (mount again if
// a worker left it unmounted, move the workers to the top, rmdir the tree
// bottom-up, restore the top's settings, umount), removes what console
// input made in / and /tmp, waits for release agents, and compares every
// count with its baseline (kernel/torture_check.c): tasks, open files,
// inodes, dentries, css_sets, hierarchies, containers, /proc/containers,
// each top's numtasks usage and bc held count, and -- against the counts
// after the first check, once lazily built kernel state exists -- free
// pages per node and active objects per slab cache. A kernel error report
// (kernel_reports) at any time is a failure too.
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "fs/devfs/devfs.h"
#include "fs/vfs.h"
#include "kernel/containers/bc.h"
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
	mutex_lock(&torture_mount_mutex);
	if (!torture.slot_mounted[slot]) {
		sys_mkdir(dir, 0755); // a worker may have renamed or removed it
		char old[48];
		int r = torture_mount_fresh(slot, dir, torture.opts[slot], old);
		if (old[0]) { // nothing else runs now: what was in it goes at once
			fails += remove_tree(old, true);
			fails += sys_rmdir(old) != 0;
		}
		if (r) {
			kprintf("torture: mount -o %s %s: error %d\n", torture.opts[slot], dir, r);
			mutex_unlock(&torture_mount_mutex);
			return 1;
		}
		torture.slot_mounted[slot] = true;
	}
	snprintf(path, sizeof(path), "%s/tasks", dir);
	for (int i = 0; i <= torture.nworkers; i++) {
		snprintf(pid, sizeof(pid), "%d", torture.w[i].pid);
		long r = torture_write_str(path, pid);
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
		torture_read_file("/proc/mounts", mounts, sizeof(mounts));
		kprintf("torture: /proc/mounts:\n%s", mounts);
	}
	mutex_unlock(&torture_mount_mutex);
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
		if (!plain && torture_read_file(tasks, members, sizeof(members)) > 0) {
			kprintf("torture: tasks still in %s after the quiesce: ", path);
			torture_print_text(members);
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
			// What keeps it: bc's charges, if bc is here.
			static const char *const held[] = {"bc.numfiles.held", "bc.physpages.held",
							   "bc.physpages.numa"};
			bool bc = false;
			for (unsigned k = 0; k < ARRAY_SIZE(held); k++) {
				char file[sizeof(path) + 32], text[96];
				snprintf(file, sizeof(file), "%s/%s", path, held[k]);
				if (torture_read_file(file, text, sizeof(text)) > 0) {
					bc = true;
					kprintf("torture:   %s: ", held[k]);
					torture_print_text(text);
					kprintf("\n");
				}
			}
			// And which pages, charged by whom (none if bc is not here).
			void *page[8];
			long pages = bc ? bc_report_pages(path + strlen(top), page, 8) : 0;
			if (pages)
				kprintf("torture:   %ld pages charged to it\n", pages);
			for (long k = 0; k < pages && k < 8; k++) { // a file's page: whose?
				char owner[96];
				ramfs_page_owner(page[k], owner, sizeof(owner));
				kprintf("torture:   page %p: %s\n", page[k], owner);
			}
			// Still a failure, but say whether it was slow or for good:
			// a charge whose page is gone stays, one still being freed goes.
			int ms = 0;
			while (ms < 5000 && (r = sys_rmdir(path)) == -EBUSY) {
				sleep_ns(50 * NSEC_PER_MSEC);
				ms += 50;
			}
			if (r)
				kprintf("torture:   still busy 5 s later (error %d)\n", r);
			else
				kprintf("torture:   removed %d ms later\n", ms);
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
		snprintf(path, sizeof(path), "%s/%s", dir, torture_files[i]);
		if (baseline) {
			if (torture_read_file(path, was, sizeof(torture.root_values[0][0])) < 0)
				strlcpy(was, "(none)", sizeof(torture.root_values[0][0]));
			continue;
		}
		if (!strcmp(was, "(none)"))
			continue;
		torture_read_file(path, now, sizeof(now));
		if (!strcmp(now, was))
			continue;
		size_t n = strlen(was);
		long r = torture_write_file(path, was, n && was[n - 1] == '\n' ? n - 1 : n);
		torture_read_file(path, now, sizeof(now));
		if (strcmp(now, was)) {
			kprintf("torture: cannot restore %s (error %ld): ", path, r);
			torture_print_text(now);
			kprintf(", was ");
			torture_print_text(was);
			kprintf("\n");
			fails++;
		}
	}
	char buf[256];
	// The top's usage counts every task, and a release agent (spawned by
	// the release worker for the rmdirs just done) may start and end at
	// any moment: once the tasks are the baseline's, read until the usage
	// agrees, for up to 5 s more; a count wrong for good stays wrong.
	long usage = -1;
	if (!baseline)
		wait_tasks_settled(); // (once: at most 5 s in all)
	for (int tries = 0; tries < 100; tries++) {
		snprintf(path, sizeof(path), "%s/numtasks.stats", dir);
		usage = torture_read_file(path, buf, sizeof(buf)) > 0 ? leading_number(buf) : -1;
		if (baseline || usage == torture.root_usage[slot])
			break;
		sleep_ns(50 * NSEC_PER_MSEC);
	}
	snprintf(path, sizeof(path), "%s/bc.numfiles.held", dir);
	long held = torture_read_file(path, buf, sizeof(buf)) > 0 ? leading_number(buf) : -1;
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

// Random console input can make files (`x>y` typed into the shell), and a
// worker may rename a mountpoint's directory while it is not mounted: the
// entries of /, /tmp, /torture and /sys (scripts write `>/sys/echo` too)
// that were not there at the start go, as a user would remove them (they
// are not leaks).
static const char *const scratch_dirs[] = {"/", "/tmp", "/torture", "/sys", "/sys/fs",
					   "/sys/fs/cgroup"};
#define NR_SCRATCH ARRAY_SIZE(scratch_dirs)
static char scratch_names[NR_SCRATCH][512]; // "\0name\0name\0...": at the start

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
	// A listing holds what fits in now[]: list again until nothing new
	// is left (a directory may hold more, e.g. /torture's .oldN.M).
	for (unsigned i = 0, pass = 0; i < NR_SCRATCH; pass++) {
		scratch_list(scratch_dirs[i], now, sizeof(now));
		bool removed = false;
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
			removed = true;
		}
		if (!removed || fails || pass >= 1000) {
			i++;
			pass = 0;
		}
	}
	return fails;
}

// What the injector's shell left running when it ended (a `cat` typed
// alone waits for the console for ever) became init's children: the
// controller's. Kill them; workers are init's children too.
struct strays {
	pid_t pids[32];
	int n;
};

static bool find_stray(struct task *t, void *arg)
{
	struct strays *s = arg;
	if (t->parent != current || t->state == TASK_ZOMBIE)
		return true;
	for (int i = 0; i <= torture.nworkers; i++)
		if (torture.w[i].pid == t->pid)
			return true;
	if (s->n < (int)ARRAY_SIZE(s->pids))
		s->pids[s->n++] = t->pid;
	return true;
}

static void reap_orphans(void)
{
	struct strays s = {.n = 0};
	if (READ_ONCE(torture.pause))
		for_each_task(find_stray, &s);
	for (int i = 0; i < s.n; i++)
		do_kill(s.pids[i], SIGKILL);
	pid_t pid;
	int status;
	while ((pid = do_waitpid(-1, &status, WNOHANG)) > 0)
		for (int i = 0; i <= torture.nworkers; i++)
			if (torture.w[i].pid == pid && !READ_ONCE(torture.done))
				kprintf("torture: FAILED: worker %d (pid %d) ended: status 0x%x\n", i, pid,
					status);
	task_reap_dead();
}

// Once parked: kill what is left and wait until nothing is (up to 10 s),
// so that no script's task still writes files while the check removes
// them. A task spawned by a dying stray is found once it is reparented
// here. False if some remain (reported).
static bool strays_gone(void)
{
	for (int i = 0; i < 1000; i++) {
		struct strays s = {.n = 0};
		for_each_task(find_stray, &s);
		if (!s.n)
			return true;
		reap_orphans(); // SIGKILL to each, and reaps those that died
		sleep_ns(10 * NSEC_PER_MSEC);
	}
	kprintf("torture: tasks left by scripts or the console still run 10 s after SIGKILL\n");
	return false;
}

static u64 total_ops(void)
{
	u64 n = 0;
	for (int i = 0; i <= torture.nworkers; i++)
		n += READ_ONCE(torture.w[i].ops);
	return n;
}

static void print_unparked(void)
{
	for (int i = 0; i <= torture.nworkers; i++) {
		struct torture_worker *w = &torture.w[i];
		if (READ_ONCE(w->parked))
			continue;
		torture_print_task("not parked: worker", w->pid);
		for (int k = 0; k < w->nkids; k++)
			torture_print_task("  its child", w->kids[k]);
	}
}

// A worker under a random cpu limit (a quota of 1 ms a second shared
// with the hundreds of tasks a script started, or 2 shares beside a hog
// of 262144) may not finish its operation for minutes. Before waiting for
// the workers to park, move them to each hierarchy's top, which has no
// limit (a slot a worker is remounting is missed: the write fails).
static void workers_to_the_tops(void)
{
	char path[48], pid[16];
	for (int s = 0; s < torture.nslots; s++) {
		char dir[32];
		slot_dir(s, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/tasks", dir);
		for (int i = 0; i <= torture.nworkers; i++) {
			snprintf(pid, sizeof(pid), "%d", torture.w[i].pid);
			torture_write_str(path, pid);
		}
	}
}

static int park_all_within(int seconds)
{
	WRITE_ONCE(torture.pause, 1);
	workers_to_the_tops();
	u64 deadline = clock_ns() + seconds * NSEC_PER_SEC;
	while (atomic_read(&torture.parked) < torture.nworkers + 1) {
		if (clock_ns() > deadline) {
			kprintf("torture: only %d of %d workers parked within %d s\n",
				atomic_read(&torture.parked), torture.nworkers + 1, seconds);
			print_unparked();
			return 1;
		}
		reap_orphans();
		sleep_ns(5 * NSEC_PER_MSEC);
	}
	return 0;
}

static bool have_mem_base;

// What is in dir and in each of its subdirectories (one level): where a
// file the counts miss may be.
static void print_listing(const char *dir)
{
	char names[512], path[300], sub[512];
	scratch_list(dir, names, sizeof(names));
	kprintf("torture: %s holds:", dir);
	for (const char *p = names + 1; *p; p += strlen(p) + 1)
		kprintf(" %s", p);
	kprintf("\n");
	for (const char *p = names + 1; *p; p += strlen(p) + 1) {
		if (!strcmp(p, ".") || !strcmp(p, "..") || !strcmp(p, "proc"))
			continue;
		snprintf(path, sizeof(path), "%s%s", dir, p);
		scratch_list(path, sub, sizeof(sub));
		kprintf("torture:   %s:", path);
		for (const char *q = sub + 1; *q; q += strlen(q) + 1)
			kprintf(" %s", q);
		kprintf("\n");
	}
}

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
		if (have_mem_base) {
			torture_counts_compare(&mem_base, &now, TORTURE_MEMORY, true);
			torture_slab_report(&mem_base, &now);
		}
		print_listing("/");
	} else if (!have_mem_base) {
		mem_base = now;
		have_mem_base = true;
		torture_slab_snapshot(&mem_base);
	}
	return diffs;
}

// What was written into an unmounted slot's directory (`echo $$ >
// /torture/h2/tasks` while h2 is not mounted makes a ramfs file there)
// holds pages charged to the writer's bc container, which may be one of
// another slot: it goes before any slot's containers are removed (slot
// 0's rmdir was EBUSY for a file in slot 2's directory).
static int unmounted_slots_clean(void)
{
	int fails = 0;
	char dir[32];
	struct kstat st;
	mutex_lock(&torture_mount_mutex);
	for (int slot = 0; slot < torture.nslots; slot++) {
		slot_dir(slot, dir, sizeof(dir));
		if (!torture.slot_mounted[slot] && sys_stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			fails += remove_tree(dir, true);
	}
	mutex_unlock(&torture_mount_mutex);
	return fails;
}

static int quiesce_and_check(void)
{
	int fails = park_all();
	if (fails)
		return fails;
	reap_orphans();
	if (!strays_gone())
		fails++;
	// Files first: a file's pages stay charged to the container of the
	// task that wrote them (bc.physpages), whose rmdir is EBUSY until
	// they are freed.
	if (scratch_clean()) {
		kprintf("torture: cannot remove what the console input and scripts made in / or /tmp\n");
		fails++;
	}
	fails += unmounted_slots_clean();
	for (int slot = 0; slot < torture.nslots; slot++)
		fails += slot_teardown(slot, false);
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
	u64 run = 0, killed = 0, paused = 0, status[256] = {0};
	for (int i = 0; i < torture.nworkers; i++) {
		struct torture_worker *w = &torture.w[i];
		run += w->sh_run;
		killed += w->sh_killed;
		paused += w->sh_paused;
		for (int s = 0; s < 256; s++)
			status[s] += w->sh_status[s];
	}
	kprintf("torture: sh scripts: %llu run, %llu killed at their deadline, %llu at a pause; "
		"exit statuses (status x count):", (unsigned long long)run,
		(unsigned long long)killed, (unsigned long long)paused);
	for (int s = 0; s < 256; s++)
		if (status[s])
			kprintf(" %d x%llu", s, (unsigned long long)status[s]);
	kprintf("\n");
}

static void final_line(bool pass, u64 elapsed_ns, const char *why)
{
	u64 ops = total_ops(), ms = elapsed_ns / NSEC_PER_MSEC;
	u64 rate = ms ? ops * 1000 / ms : 0;
	kprintf("torture: %s seed=%llu ops=%llu (%llu ops/s) in %llu s%s%s\n", pass ? "PASS" : "FAIL",
		(unsigned long long)torture.seed, (unsigned long long)ops, (unsigned long long)rate,
		(unsigned long long)(ms / 1000), why ? ": " : "", why ? why : "");
}

// Which subsystems each slot mounts: the seed's partition of every
// registered subsystem into 2 or 3 non-empty groups.
static void choose_slots(u64 *rng)
{
	torture.nslots = 2 + rnd(rng, 2);
	int nr = container_subsys_count, slot_of[CONTAINER_SUBSYS_MAX];
	for (int i = 0; i < nr; i++)
		slot_of[i] = i < torture.nslots ? i : (int)rnd(rng, torture.nslots);
	for (int i = nr - 1; i > 0; i--) { // shuffle
		int j = rnd(rng, i + 1), t = slot_of[i];
		slot_of[i] = slot_of[j];
		slot_of[j] = t;
	}
	for (int s = 0; s < torture.nslots; s++) {
		torture.opts[s][0] = '\0';
		for (int i = 0; i < nr; i++) {
			if (slot_of[i] != s)
				continue;
			size_t n = strlen(torture.opts[s]);
			snprintf(torture.opts[s] + n, sizeof(torture.opts[s]) - n, "%s%s", n ? "," : "",
				 container_subsys_by_id(i)->name);
		}
	}
}

// The op named name, or -1.
static int op_by_name(const char *name)
{
	for (int op = 0; op < OP_NR; op++)
		if (!strcmp(op_names[op], name))
			return op;
	return -1;
}

int torture_parse(const char *s, struct torture_params *p)
{
	unsigned long long v[3] = {0, 0, 0};
	char part[32];
	bool notop = false;
	int only = -1;
	char copy[64];
	if (strlen(s) >= sizeof(copy))
		return -EINVAL;
	strlcpy(copy, s, sizeof(copy));
	for (;;) { // the words after the numbers: ,notop ,only=NAME
		char *comma = strrchr(copy, ',');
		if (!comma)
			break;
		if (!strcmp(comma + 1, "notop"))
			notop = true;
		else if (!strncmp(comma + 1, "only=", 5) && op_by_name(comma + 6) >= 0)
			only = op_by_name(comma + 6);
		else
			break;
		*comma = '\0';
	}
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
				     .no_top_writes = notop, .only_op = only};
	return 0;
}

// The boot CPU starts the reaper and the release worker just after init
// (kernel/main.c): they must exist before the baseline counts tasks.
static bool find_named(struct task *t, void *arg)
{
	int *found = arg;
	if (!strcmp(t->name, "reaper") || !strcmp(t->name, "container_release"))
		(*found)++;
	return true;
}

static void wait_boot_threads(void)
{
	for (int i = 0; i < 1000; i++) {
		int found = 0;
		for_each_task(find_named, &found);
		if (found >= 2)
			return;
		sleep_ns(10 * NSEC_PER_MSEC);
	}
	kprintf("torture: the reaper or the release worker did not start\n");
}

static int start_tasks(void)
{
	for (int i = 0; i <= torture.nworkers; i++) {
		struct torture_worker *w = &torture.w[i];
		char name[16];
		w->id = i;
		w->rng = splitmix(torture.seed ^ splitmix(i + 1)) | 1;
		snprintf(name, sizeof(name), i < torture.nworkers ? "torture%d" : "tinject", i);
		pid_t pid = kernel_spawn(name, i < torture.nworkers ? torture_worker_main : torture_injector_main, w);
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
	torture.only_op = p->only_op;
	int cpus = cpumask_weight(&cpu_online_mask);
	torture.nworkers = p->workers ? p->workers : MIN(2 * cpus, MAX_WORKERS);
	u64 rng = splitmix(torture.seed) | 1;
	choose_slots(&rng);
	kprintf("torture: seed=%llu duration=%llu s workers=%d cpus=%d nodes=%d interval=%d s%s%s%s\n",
		(unsigned long long)torture.seed, (unsigned long long)torture.seconds,
		torture.nworkers, cpus, nodes_weight(&node_online_map), TORTURE_INTERVAL_S,
		torture.no_top_writes ? " (no writes to the tops' files)" : "",
		torture.only_op >= 0 ? " only=" : "", torture.only_op >= 0 ? op_names[torture.only_op] : "");
	for (int s = 0; s < torture.nslots; s++)
		kprintf("torture: /torture/h%d: -o %s\n", s, torture.opts[s]);
	sys_mkdir("/torture", 0755);
	for (int s = 0; s < torture.nslots; s++) {
		char dir[32];
		slot_dir(s, dir, sizeof(dir));
		sys_mkdir(dir, 0755);
	}
	wait_boot_threads();
	torture_slab_prepare();
	torture.pause = 1;
	torture.running = true;
	torture.reports_at_start = READ_ONCE(kernel_reports);
	int fails = start_tasks() + park_all();
	for (int s = 0; s < torture.nslots && !fails; s++)
		fails += slot_teardown(s, true);
	reap_orphans();
	for (unsigned i = 0; i < NR_SCRATCH; i++)
		scratch_list(scratch_dirs[i], scratch_names[i], sizeof(scratch_names[i]));
	torture_counts_take(&base);
	u64 start = clock_ns(), end = start + torture.seconds * NSEC_PER_SEC;
	const char *why = fails ? "setting up" : NULL;
	for (int check = 1; !fails; check++) {
		WRITE_ONCE(torture.pause, 0);
		u64 until = MIN(end, clock_ns() + TORTURE_INTERVAL_S * NSEC_PER_SEC);
		while (clock_ns() < until && READ_ONCE(kernel_reports) == torture.reports_at_start &&
		       !atomic_read(&torture.failures))
			sleep_ns(50 * NSEC_PER_MSEC);
		if (READ_ONCE(kernel_reports) != torture.reports_at_start) {
			why = "a kernel error report";
			fails++;
			break;
		}
		if (atomic_read(&torture.failures)) {
			why = "a worker found a failure (above)";
			fails++;
			break;
		}
		fails += quiesce_and_check();
		if (READ_ONCE(kernel_reports) != torture.reports_at_start || atomic_read(&torture.failures))
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
		torture_print_rings();
	} else {
		WRITE_ONCE(torture.done, 1);
		for (int i = 0; i <= torture.nworkers; i++)
			do_waitpid(torture.w[i].pid, NULL, 0);
	}
	torture.running = false;
	final_line(!fails, elapsed, why);
	return fails ? 1 : 0;
}

