// Tests of container lifetimes and depth: a container pins its parent and
// its hierarchy (a removed container whose release check is still queued
// outlives rmdir of its parent and umount of its hierarchy), and a
// hierarchy 10,000 levels deep works on every subsystem with no recursion.
// Leaks and use-after-free show in the core's live counts and in the
// slab's debug counters, which must not move.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/containers/internal.h"
#include "kernel/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"

// ---- helpers ----

// What must come back to where it was: live containers and css, and the
// slab's reports of bad frees and of free objects written to.
struct life_counts {
	int containers;
	int css[CONTAINER_SUBSYS_MAX];
	u64 poison, double_frees, bad_frees;
};

// Allocate and free objects of every small kmalloc size, so that the slab
// checks the poison of free objects (a write after free shows here).
static void slab_sweep(void)
{
	static void *objs[64];
	for (size_t size = 16; size <= 4096; size *= 2) {
		for (int i = 0; i < 64; i++)
			objs[i] = kmalloc(size, GFP_KERNEL);
		for (int i = 0; i < 64; i++)
			kfree(objs[i]);
	}
}

static void life_counts_take(struct life_counts *lc)
{
	slab_sweep();
	lc->containers = atomic_read(&container_count);
	for (int i = 0; i < CONTAINER_SUBSYS_MAX; i++)
		lc->css[i] = atomic_read(&container_css_count[i]);
	lc->poison = slab_poison_errors;
	lc->double_frees = slab_double_frees;
	lc->bad_frees = slab_bad_frees;
}

#define EXPECT_COUNTS_BACK(before)                                              \
	do {                                                                    \
		struct life_counts now_;                                        \
		life_counts_take(&now_);                                        \
		EXPECT_EQ(now_.containers, (before).containers);                \
		for (int i_ = 0; i_ < container_subsys_count; i_++)             \
			EXPECT_EQ(now_.css[i_], (before).css[i_]);              \
		EXPECT_EQ(now_.poison, (before).poison);                        \
		EXPECT_EQ(now_.double_frees, (before).double_frees);            \
		EXPECT_EQ(now_.bad_frees, (before).bad_frees);                  \
	} while (0)

// True if as many containers and css as in before exist again.
static bool containers_counts_back(const struct life_counts *before)
{
	if (atomic_read(&container_count) != before->containers)
		return false;
	for (int i = 0; i < container_subsys_count; i++)
		if (atomic_read(&container_css_count[i]) != before->css[i])
			return false;
	return true;
}

// Wait (up to 2 s) until the release worker has finished n more checks
// than before.
static bool wait_release_checks(int before, int n)
{
	for (int i = 0; i < 400; i++) {
		if (atomic_read(&container_release_checks) >= before + n)
			return true;
		sleep_ns(5 * MS);
	}
	return false;
}

// ---- lifetimes ----

// Issue 13, item 1: k is queued for release when p is removed. Before,
// nothing pinned p: it was freed first, and numtasks_destroy(k) wrote into
// p's freed state.
KTEST(container_lifetime, parent_outlives_a_child_queued_for_release)
{
	struct life_counts before;
	life_counts_take(&before);
	MOUNT_OR_SKIP("/tmp/ct_l1", "numtasks");
	ASSERT_EQ(sys_mkdir("/tmp/ct_l1/p", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ct_l1/p/k", 0755), 0);
	EXPECT_GT(put("/tmp/ct_l1/p/k/notify_on_release", "1"), 0);
	int checks = atomic_read(&container_release_checks);
	container_release_hold(true);
	EXPECT_GT(putpid("/tmp/ct_l1/p/k/tasks", current->pid), 0);
	EXPECT_GT(putpid("/tmp/ct_l1/tasks", current->pid), 0); // k is queued
	EXPECT_EQ(sys_rmdir("/tmp/ct_l1/p/k"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_l1/p"), 0);
	container_release_hold(false);
	EXPECT_TRUE(wait_release_checks(checks, 1));
	unmount_at("/tmp/ct_l1");
	EXPECT_COUNTS_BACK(before);
}

// A container whose hierarchy has two subsystems has two css: the set
// that held both is put in one go, and the container is asked for one
// release check, not one per css. (One per css let the worker check it
// between the two, find it empty, and run the agent twice.)
KTEST(container_lifetime, one_release_request_per_emptying_with_two_subsystems)
{
	struct life_counts before;
	life_counts_take(&before);
	MOUNT_OR_SKIP("/tmp/ct_l9", "numtasks,cpuacct");
	ASSERT_EQ(sys_mkdir("/tmp/ct_l9/k", 0755), 0);
	EXPECT_GT(put("/tmp/ct_l9/k/notify_on_release", "1"), 0);
	int checks = atomic_read(&container_release_checks);
	container_release_hold(true);
	int requests = atomic_read(&container_release_requests);
	EXPECT_GT(putpid("/tmp/ct_l9/k/tasks", current->pid), 0);
	EXPECT_GT(putpid("/tmp/ct_l9/tasks", current->pid), 0); // k is empty
	EXPECT_EQ(atomic_read(&container_release_requests), requests + 1);
	container_release_hold(false);
	EXPECT_TRUE(wait_release_checks(checks, 1));
	EXPECT_EQ(sys_rmdir("/tmp/ct_l9/k"), 0);
	unmount_at("/tmp/ct_l9");
	EXPECT_COUNTS_BACK(before);
}

// Issue 13, item 2: umount while a removed container is queued. Before,
// the hierarchy was freed at umount; freeing k then read its freed
// subsys_bits and skipped the destroy callbacks (cpuacct and bc css leaked).
KTEST(container_lifetime, hierarchy_outlives_umount_while_a_container_is_queued)
{
	struct life_counts before;
	life_counts_take(&before);
	MOUNT_OR_SKIP("/tmp/ct_l2", "cpuacct,bc");
	ASSERT_EQ(sys_mkdir("/tmp/ct_l2/k", 0755), 0);
	EXPECT_GT(put("/tmp/ct_l2/k/notify_on_release", "1"), 0);
	int checks = atomic_read(&container_release_checks);
	container_release_hold(true);
	EXPECT_GT(putpid("/tmp/ct_l2/k/tasks", current->pid), 0);
	EXPECT_GT(putpid("/tmp/ct_l2/tasks", current->pid), 0); // k is queued
	EXPECT_EQ(sys_rmdir("/tmp/ct_l2/k"), 0);
	EXPECT_EQ(sys_umount("/tmp/ct_l2"), 0);
	// The subsystems are free again at once: k only keeps the old
	// hierarchy's memory, not its bindings.
	EXPECT_EQ(sys_mount("none", "/tmp/ct_l2", "container", "cpuacct,bc"), 0);
	EXPECT_EQ(sys_umount("/tmp/ct_l2"), 0);
	container_release_hold(false);
	EXPECT_TRUE(wait_release_checks(checks, 1));
	sys_rmdir("/tmp/ct_l2");
	EXPECT_COUNTS_BACK(before);
}

// A chain of removed containers, each kept by its child, is freed by the
// last put, bottom first, in a loop (free path: no recursion).
KTEST(container_lifetime, last_put_frees_a_removed_chain_bottom_up)
{
	struct life_counts before;
	life_counts_take(&before);
	SKIP_UNLESS_FREE("cpuacct,numtasks");
	SKIP_UNLESS_FREE("cpuacct,numtasks");
	struct hierarchy *h;
	ASSERT_EQ(container_mount("cpuacct,numtasks", &h), 0);
	struct container *c = &h->top;
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(container_mkdir(c, "n", &c), 0);
	struct container *bottom = c;
	container_get(bottom);
	while (c->parent) { // rmdir bottom-up: each stays, pinned by its child
		struct container *parent = c->parent;
		EXPECT_EQ(container_rmdir(c), 0);
		c = parent;
	}
	container_umount(h); // unlinked: the chain keeps its memory
	EXPECT_EQ(atomic_read(&container_count), before.containers + 101);
	container_put(bottom);
	EXPECT_COUNTS_BACK(before);
}

// Kernel services stay in the roots: EINVAL, as Linux for kernel threads.
struct move_init_arg {
	const char *path;
	volatile long result;
	volatile int done;
};

static int move_init(void *arg) // a task other than init writes "1"
{
	struct move_init_arg *a = arg;
	a->result = put(a->path, "1");
	a->done = 1;
	return 0;
}

KTEST(container_lifetime, kernel_threads_and_init_stay_in_the_root)
{
	MOUNT_OR_SKIP("/tmp/ct_kt", "numtasks");
	ASSERT_EQ(sys_mkdir("/tmp/ct_kt/k", 0755), 0);
	volatile int stop = 0;
	struct task *kt = kthread_create("ct_kthread", sleeper, (void *)&stop);
	ASSERT_FALSE(IS_ERR(kt));
	task_get(kt); // test_reap's
	EXPECT_EQ(putpid("/tmp/ct_kt/k/tasks", kt->pid), -EINVAL);
	EXPECT_GT(putpid("/tmp/ct_kt/tasks", kt->pid), 0); // where it is: fine
	struct move_init_arg a = {"/tmp/ct_kt/k/tasks", 0, 0};
	struct task *mover = test_spawn("ct_mover", move_init, &a, NULL);
	ASSERT_NE(mover, NULL);
	EXPECT_EQ(test_reap(mover, 2000 * MS), 0);
	EXPECT_EQ(a.result, -EINVAL);
	// An ordinary task moves, and init may move itself (the tests do).
	struct task *other = test_spawn("ct_other", sleeper, (void *)&stop, NULL);
	ASSERT_NE(other, NULL);
	EXPECT_GT(putpid("/tmp/ct_kt/k/tasks", other->pid), 0);
	stop = 1;
	EXPECT_EQ(test_reap(other, 2000 * MS), 0);
	EXPECT_EQ(test_reap(kt, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_kt/k"), 0);
	unmount_at("/tmp/ct_kt");
}

// Paths: up to CONTAINER_PATH_MAX a container is released (its agent gets
// the whole path); a mkdir or rename that would pass it is ENAMETOOLONG.
static int cwrite(struct container *c, const char *name, const char *buf)
{
	const struct cftype *cft = container_file_lookup(c, name, strlen(name));
	return cft ? container_file_write(c, cft, buf, strlen(buf)) : -ENOENT;
}

KTEST(container_lifetime, the_longest_path_is_released_and_longer_is_refused)
{
	static char name[CONTAINER_NAME_MAX + 1];
	memset(name, 'n', CONTAINER_NAME_MAX);
	name[CONTAINER_NAME_MAX] = '\0';
	struct life_counts before;
	life_counts_take(&before);
	SKIP_UNLESS_FREE("cpuacct");
	struct hierarchy *h;
	ASSERT_EQ(container_mount("cpuacct", &h), 0);
	EXPECT_EQ(cwrite(&h->top, "release_agent", "true"), 0);
	struct container *c = &h->top;
	int levels = CONTAINER_PATH_MAX / (CONTAINER_NAME_MAX + 1); // 256
	for (int i = 0; i < levels; i++)
		ASSERT_EQ(container_mkdir(c, name, &c), 0);
	EXPECT_EQ(container_path_len(c), CONTAINER_PATH_MAX);
	EXPECT_EQ(container_mkdir(c, "x", NULL), -ENAMETOOLONG);
	struct container *first = list_first_entry(&h->top.children, struct container, sibling);
	EXPECT_EQ(container_rename(first, "short"), 0); // shorter: fine
	struct container *x;
	ASSERT_EQ(container_mkdir(c, "x", &x), 0);      // in the room that made
	EXPECT_EQ(container_rename(first, name), -ENAMETOOLONG); // x's path would pass it
	EXPECT_EQ(container_rmdir(x), 0);
	EXPECT_EQ(container_rename(first, name), 0);
	EXPECT_EQ(container_path_len(c), CONTAINER_PATH_MAX);
	EXPECT_EQ(cwrite(c, "notify_on_release", "1"), 0);
	int releases = atomic_read(&container_releases);
	int checks = atomic_read(&container_release_checks);
	EXPECT_EQ(container_attach(c, current), 0);
	EXPECT_EQ(container_attach(&h->top, current), 0); // c is empty: released
	EXPECT_TRUE(wait_release_checks(checks, 1));
	EXPECT_EQ(atomic_read(&container_releases), releases + 1); // the agent started
	EXPECT_EQ(cwrite(&h->top, "release_agent", ""), 0);
	while (c->parent) {
		struct container *parent = c->parent;
		ASSERT_EQ(container_rmdir(c), 0);
		c = parent;
	}
	container_umount(h);
	EXPECT_COUNTS_BACK(before);
}

// A task's exit empties its containers, whether or not anyone reaps it
// (Linux's cgroup_exit): the agent runs while it is still a zombie, and
// rmdir works; numtasks keeps counting it until the reap, on the removed
// container's parent chain.
KTEST(container_lifetime, exit_releases_before_the_reap_and_rmdir_works)
{
	struct life_counts before;
	life_counts_take(&before);
	MOUNT_OR_SKIP("/tmp/ct_zr", "numtasks,cpuacct");
	EXPECT_GT(put("/tmp/ct_zr/release_agent", "true"), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ct_zr/p", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ct_zr/p/k", 0755), 0);
	EXPECT_GT(put("/tmp/ct_zr/p/k/notify_on_release", "1"), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("ct_zombie", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ct_zr/p/k/tasks", t->pid), 0);
	int releases = atomic_read(&container_releases);
	EXPECT_EQ(sys_rmdir("/tmp/ct_zr/p/k"), -EBUSY); // a live member
	stop = 1;
	for (int i = 0; i < 400 && atomic_read(&container_releases) == releases; i++)
		sleep_ns(5 * MS);
	EXPECT_EQ(task_state_char(t), 'Z'); // not reaped...
	EXPECT_EQ(atomic_read(&container_releases), releases + 1); // ...yet released
	EXPECT_EQ(sys_rmdir("/tmp/ct_zr/p/k"), 0);
	char buf[160];
	EXPECT_GT(get("/tmp/ct_zr/p/numtasks.stats", buf, sizeof(buf)), 0);
	EXPECT_TRUE(strstr(buf, "Current usage 1\n") != NULL); // counted until reaped
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_GT(get("/tmp/ct_zr/p/numtasks.stats", buf, sizeof(buf)), 0);
	EXPECT_TRUE(strstr(buf, "Current usage 0\n") != NULL);
	EXPECT_EQ(put("/tmp/ct_zr/release_agent", ""), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_zr/p"), 0);
	unmount_at("/tmp/ct_zr");
	EXPECT_COUNTS_BACK(before);
}

// ---- SMP stress of the lifetimes ----

// Tasks other than kernel threads (which boot may still be starting when
// the first test runs).
static int nr_user_tasks(void)
{
	pid_t pids[256];
	int n = task_pids(pids, 256), users = 0;
	for (int i = 0; i < n; i++) {
		struct task *t = task_find_get(pids[i]);
		if (t) {
			users += !t->kthread;
			task_put(t);
		}
	}
	return users;
}

struct life_stress {
	volatile int stop;
	atomic_t ops;
	volatile pid_t last_child; // a pid the movers race with its own exit
};

static u32 life_rand(u32 *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 8;
}

static int life_child(void *arg) // moves itself somewhere, then exits
{
	char *dir = arg;
	char path[80];
	snprintf(path, sizeof(path), "%s/tasks", dir);
	put(path, "0");
	kfree(dir);
	return 0;
}

static int life_orphan_parent(void *arg) // leaves its child to the reaper
{
	pid_t pid = kernel_spawn("ct_life_orphan", life_child, arg);
	if (pid < 0)
		kfree(arg);
	return 0;
}

static int life_worker(void *arg)
{
	struct life_stress *st = arg;
	u32 seed = 11 + current->pid;
	char path[80];
	while (!st->stop) {
		char *dir = kmalloc(48, GFP_KERNEL);
		if (!dir)
			break;
		snprintf(dir, 48, "/tmp/ct_life/d%u/e%u", life_rand(&seed) % 3, life_rand(&seed) % 2);
		if (life_rand(&seed) % 2)
			dir[strlen("/tmp/ct_life/d0")] = '\0'; // the parent, d%u
		switch (life_rand(&seed) % 6) {
		case 0:
			snprintf(path, sizeof(path), "%.15s", dir); // d%u, then maybe e%u
			sys_mkdir(path, 0755);
			put(strcat(path, "/notify_on_release"), "1");
			sys_mkdir(dir, 0755);
			kfree(dir);
			break;
		case 1:
			sys_rmdir(dir);
			kfree(dir);
			break;
		case 2: { // a child that enters dir and exits; reaped at once
			pid_t pid = kernel_spawn("ct_life_child", life_child, dir);
			if (pid > 0) {
				st->last_child = pid;
				do_waitpid(pid, NULL, 0);
			} else {
				kfree(dir);
			}
			break;
		}
		case 3: { // the same, an orphan: the reaper frees it
			pid_t pid = kernel_spawn("ct_life_parent", life_orphan_parent, dir);
			if (pid > 0)
				do_waitpid(pid, NULL, 0);
			else
				kfree(dir);
			break;
		}
		default: // move someone else's child, racing its exit
			snprintf(path, sizeof(path), "%s/tasks", dir);
			putpid(path, st->last_child);
			kfree(dir);
			break;
		}
		atomic_inc(&st->ops);
	}
	return 0;
}

KTEST(container_lifetime, smp_stress_of_exit_attach_rmdir_leaves_nothing_behind)
{
	struct life_counts before;
	life_counts_take(&before);
	int tasks_before = nr_user_tasks();
	MOUNT_OR_SKIP("/tmp/ct_life", "numtasks,cpuacct,bc");
	struct life_stress st = {0};
	struct task *w[8];
	int n = MIN(8, 2 * cpumask_weight(&cpu_online_mask));
	for (int i = 0; i < n; i++)
		w[i] = test_spawn("ct_life", life_worker, &st, NULL);
	sleep_ns(500 * MS);
	st.stop = 1;
	for (int i = 0; i < n; i++)
		if (w[i])
			EXPECT_EQ(test_reap(w[i], 5000 * MS), 0);
	kprintf("# %d operations by %d workers\n", atomic_read(&st.ops), n);
	for (int i = 0; i < 200 && nr_user_tasks() != tasks_before; i++)
		sleep_ns(5 * MS); // orphans still exiting
	EXPECT_EQ(nr_user_tasks(), tasks_before);
	char buf[160], dir[48];
	EXPECT_GT(get("/tmp/ct_life/numtasks.stats", buf, sizeof(buf)), 0);
	for (int d = 0; d < 3; d++) {
		for (int e = 0; e < 2; e++) {
			snprintf(dir, sizeof(dir), "/tmp/ct_life/d%d/e%d", d, e);
			int r = sys_rmdir(dir);
			EXPECT_TRUE(r == 0 || r == -ENOENT);
		}
		snprintf(dir, sizeof(dir), "/tmp/ct_life/d%d", d);
		int r = sys_rmdir(dir);
		EXPECT_TRUE(r == 0 || r == -ENOENT);
	}
	unmount_at("/tmp/ct_life");
	// The release worker's last checks each hold a container until done;
	// one worker, on a vCPU the host may stall: up to 10 s.
	for (int i = 0; i < 2000 && !containers_counts_back(&before); i++)
		sleep_ns(5 * MS);
	EXPECT_COUNTS_BACK(before);
}
