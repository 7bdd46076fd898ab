// Tests of bc (BeanCounters numfiles): the files and their rules, and the
// charge every struct file makes to its creator's container, undone at its
// last close in that same container. Each test mounts bc under /tmp and
// unmounts it at the end.
//
// A file opened inside a container is charged there, except a control
// file (the container filesystem is SB_UNCHARGED): the tests still watch
// a container's figures through files opened from the root, so that a
// figure never includes the file that reads it.
#include "fs/vfs.h"
#include "kernel/containers/bc.h"
#include "kernel/containers/container.h"
#include "kernel/panic.h"
#include "mm/page_alloc.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "arch/x86/layout.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "mm/numa.h"
#include "mm/task_heap.h"
#include "mm/vmap.h"

#define BC "/tmp/bcm"

#define bc_mount() MOUNT_OR_SKIP(BC, "bc")

static void bc_umount(void)
{
	putpid(BC "/tasks", current->pid);
	unmount_at(BC);
}

// Open one of dir's bc.numfiles.* files for reading, from where we are.
static int watch(const char *dir, const char *name)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/bc.numfiles.%s", dir, name);
	int fd = sys_open(path, O_RDONLY, 0);
	char buf[32];
	sys_read(fd, buf, sizeof(buf)); // the snapshot made at open: from now on
	return fd;                      // each read at 0 makes a new one
}

// Its current figure.
static long seen(int fd)
{
	char buf[32];
	sys_lseek(fd, 0, SEEK_SET);
	long n = sys_read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	long v = 0;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

// Move the test into dir; returns the way back out (a root tasks fd).
static int enter(const char *dir)
{
	int out = sys_open(BC "/tasks", O_WRONLY, 0);
	char path[96];
	snprintf(path, sizeof(path), "%s/tasks", dir);
	EXPECT_GT(putpid(path, current->pid), 0);
	return out;
}

static void leave(int out)
{
	EXPECT_EQ(sys_write(out, "0", 1), 1);
	sys_close(out);
}

// ---- the files ----

KTEST(bc, the_root_is_unlimited)
{
	bc_mount();
	char buf[32];
	get(BC "/bc.numfiles.barrier", buf, sizeof(buf));
	EXPECT_STREQ(buf, "9223372036854775807\n");
	get(BC "/bc.numfiles.limit", buf, sizeof(buf));
	EXPECT_STREQ(buf, "9223372036854775807\n");
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_GT(get_num(BC "/bc.numfiles.held"), 0); // every file of the system
	sys_close(fd);
	EXPECT_EQ(get_num(BC "/bc.numfiles.failcnt"), 0);
	bc_umount();
}

// Issue 13 item 7: the root has no limits (as Linux has no limit files in
// its root cgroup), so no write can stop every open in the system.
KTEST(bc, the_roots_barrier_and_limit_are_read_only_eacces)
{
	bc_mount();
	EXPECT_EQ(put(BC "/bc.numfiles.barrier", "0"), -EACCES);
	EXPECT_EQ(put(BC "/bc.numfiles.limit", "0"), -EACCES);
	EXPECT_EQ(put(BC "/bc.numfiles.barrier", "9223372036854775807"), -EACCES);
	struct kstat st;
	EXPECT_EQ(sys_stat(BC "/bc.numfiles.barrier", &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0444);
	EXPECT_EQ(sys_stat(BC "/bc.numfiles.limit", &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0444);
	char buf[32];
	get(BC "/bc.numfiles.barrier", buf, sizeof(buf));
	EXPECT_STREQ(buf, "9223372036854775807\n");
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_GE(fd, 0);
	sys_close(fd);
	EXPECT_EQ(get_num(BC "/bc.numfiles.failcnt"), 0);
	bc_umount();
}

KTEST(bc, a_new_container_has_barrier_256_and_limit_512)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.barrier"), 256);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.limit"), 512);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.held"), 0);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.maxheld"), 0);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.minheld"), 0);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.failcnt"), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, only_barrier_and_limit_are_writable_einval)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(put(BC "/b/bc.numfiles.held", "1"), -EINVAL);
	EXPECT_EQ(put(BC "/b/bc.numfiles.maxheld", "1"), -EINVAL);
	EXPECT_EQ(put(BC "/b/bc.numfiles.minheld", "1"), -EINVAL);
	EXPECT_EQ(put(BC "/b/bc.numfiles.failcnt", "0"), -EINVAL);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "100"), 3);
	EXPECT_EQ(put(BC "/b/bc.numfiles.limit", "200"), 3);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.barrier"), 100);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.limit"), 200);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, a_barrier_above_the_limit_einval)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "600"), -EINVAL); // limit 512
	EXPECT_EQ(put(BC "/b/bc.numfiles.limit", "100"), -EINVAL);   // barrier 256
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.barrier"), 256);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.limit"), 512);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "512"), 3); // equal is fine
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, negative_or_malformed_values_einval)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	static const char *const bad[] = {"-1", "x", "", "10 ", "1O", "-9223372036854775808"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", bad[i]), -EINVAL);
		EXPECT_EQ(put(BC "/b/bc.numfiles.limit", bad[i]), -EINVAL);
	}
	// Past 64 bits is out of range (as Linux's kstrto*), not garbage.
	static const char *const big[] = {"99999999999999999999", "9223372036854775808",
					  "-9223372036854775809"};
	for (size_t i = 0; i < ARRAY_SIZE(big); i++) {
		EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", big[i]), -ERANGE);
		EXPECT_EQ(put(BC "/b/bc.numfiles.limit", big[i]), -ERANGE);
	}
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.barrier"), 256);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.limit"), 512);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// ---- charging ----

KTEST(bc, an_open_past_the_barrier_fails_enfile_and_counts_in_failcnt)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "5"), 1);
	int failcnt = watch(BC "/b", "failcnt");
	int out = enter(BC "/b");
	int fds[8], n = 0, err = 0;
	for (; n < 8; n++) {
		if ((fds[n] = sys_open("/dev/null", O_RDONLY, 0)) < 0) {
			err = fds[n];
			break;
		}
	}
	EXPECT_EQ(n, 5);
	EXPECT_EQ(err, -ENFILE);
	EXPECT_EQ(seen(failcnt), 1);
	int p[2];
	EXPECT_EQ(sys_pipe(p), -ENFILE); // every kind of file
	EXPECT_EQ(seen(failcnt), 2);
	leave(out);
	for (int i = 0; i < n; i++)
		sys_close(fds[i]);
	sys_close(failcnt);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.failcnt"), 2); // closes do not reset it
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, held_follows_opens_and_closes_and_maxheld_keeps_the_peak)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int held = watch(BC "/b", "held"), maxheld = watch(BC "/b", "maxheld");
	int out = enter(BC "/b");
	int fds[6];
	for (int i = 0; i < 6; i++) {
		fds[i] = sys_open("/dev/null", O_RDONLY, 0);
		EXPECT_EQ(seen(held), i + 1);
	}
	for (int i = 0; i < 4; i++)
		sys_close(fds[i]);
	EXPECT_EQ(seen(held), 2);
	EXPECT_EQ(seen(maxheld), 6);
	leave(out);
	sys_close(fds[4]);
	sys_close(fds[5]);
	EXPECT_EQ(seen(held), 0);
	EXPECT_EQ(seen(maxheld), 6);
	sys_close(held);
	sys_close(maxheld);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// Regular files, directories, pipes (two files) and devices are each one
// charge; dup shares the file and charges nothing; control files are not
// charged.
KTEST(bc, every_kind_of_file_is_charged_once_and_dup_shares_the_charge)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int held = watch(BC "/b", "held");
	int out = enter(BC "/b");
	int reg = sys_open("/tmp/bc_regular", O_WRONLY | O_CREAT, 0644);
	EXPECT_EQ(seen(held), 1);
	int dir = sys_open("/tmp", O_RDONLY | O_DIRECTORY, 0);
	EXPECT_EQ(seen(held), 2);
	int p[2];
	EXPECT_EQ(sys_pipe(p), 0);
	EXPECT_EQ(seen(held), 4);
	int dev = sys_open("/dev/zero", O_RDONLY, 0);
	EXPECT_EQ(seen(held), 5);
	int ctl = sys_open(BC "/b/bc.numfiles.barrier", O_RDONLY, 0);
	EXPECT_EQ(seen(held), 5);
	int dup = sys_dup(reg);
	EXPECT_EQ(seen(held), 5);
	leave(out);
	int all[] = {reg, dir, p[0], p[1], dev, ctl};
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		EXPECT_GE(all[i], 0);
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		sys_close(all[i]);
	EXPECT_EQ(seen(held), 1); // the dup still holds the regular file
	sys_close(dup);
	EXPECT_EQ(seen(held), 0);
	sys_close(held);
	sys_unlink("/tmp/bc_regular");
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// Issue 13 item 9: a member of a container whose barrier is 0 can still
// open control files -- the way out, and the figures -- while every other
// open is refused, counted and logged once, naming the container.
KTEST(bc, a_member_past_its_barrier_can_still_open_a_tasks_file_to_leave)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "0"), 1);
	u64 log_pos = log_end();
	EXPECT_GT(putpid(BC "/b/tasks", current->pid), 0);
	EXPECT_EQ(sys_open("/dev/null", O_RDONLY, 0), -ENFILE);
	EXPECT_EQ(sys_open("/dev/null", O_RDONLY, 0), -ENFILE);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.failcnt"), 2);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.held"), 0);
	EXPECT_GT(putpid(BC "/tasks", current->pid), 0); // an open from inside b
	int fd = sys_open("/dev/null", O_RDONLY, 0);      // out again
	EXPECT_GE(fd, 0);
	sys_close(fd);
	char log[512];
	size_t n = log_read(&log_pos, log, sizeof(log) - 1);
	log[n] = '\0';
	const char *want = "bc: open refused in /b: bc.numfiles.barrier 0 reached";
	EXPECT_TRUE(strstr(log, want) != NULL);
	EXPECT_TRUE(strstr(log, want) == NULL || strstr(strstr(log, want) + 1, want) == NULL);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// Kernel threads are the privileged openers: refused at the limit, not
// the barrier (apps stop at the barrier: the test above).
struct opens {
	int opened, err; // how many opened before the refusal, and its error
};

static int open_until_refused(void *arg)
{
	struct opens *o = arg;
	int fds[8], n = 0;
	for (; n < 8 && (fds[n] = sys_open("/dev/null", O_RDONLY, 0)) >= 0; n++)
		;
	o->opened = n;
	o->err = n < 8 ? fds[n] : 0;
	for (int i = 0; i < n; i++)
		sys_close(fds[i]);
	return 0;
}

KTEST(bc, a_kernel_threads_opens_stop_at_the_limit_not_the_barrier)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "2"), 1);
	EXPECT_EQ(put(BC "/b/bc.numfiles.limit", "5"), 1);
	EXPECT_GT(putpid(BC "/b/tasks", current->pid), 0);
	struct opens o = {-1, 0};
	struct task *t = task_create("bc_kthread", open_until_refused, &o); // in b
	EXPECT_GT(putpid(BC "/tasks", current->pid), 0);
	ASSERT_FALSE(IS_ERR(t));
	t->kthread = true; // as kthread_create makes it, but kept for test_reap
	task_get(t);
	task_start(t);
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(o.opened, 5);
	EXPECT_EQ(o.err, -ENFILE);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.failcnt"), 1);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, the_uncharge_goes_to_the_container_charged_after_the_opener_moved)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int held_a = watch(BC "/a", "held"), held_b = watch(BC "/b", "held");
	int out = enter(BC "/a");
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_GE(fd, 0);
	leave(out);
	out = enter(BC "/b");
	EXPECT_EQ(seen(held_a), 1);
	EXPECT_EQ(seen(held_b), 0);
	sys_close(fd); // closed from b, uncharged from a
	EXPECT_EQ(seen(held_a), 0);
	EXPECT_EQ(seen(held_b), 0);
	leave(out);
	sys_close(held_a);
	sys_close(held_b);
	EXPECT_EQ(sys_rmdir(BC "/a"), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, a_file_keeps_its_container_after_the_opener_moved_out)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/b");
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	leave(out);
	char buf[16];
	EXPECT_EQ(get(BC "/b/tasks", buf, sizeof(buf)), 0); // no tasks
	EXPECT_EQ(sys_rmdir(BC "/b"), -EBUSY);
	sys_close(fd);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// The opener, a task in b, exits; the file it made lives on.
static int open_and_exit(void *arg)
{
	struct file **out = arg;
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	*out = fd >= 0 ? fget(fd) : NULL;
	return fd >= 0 ? 0 : 1;
}

KTEST(bc, a_file_keeps_its_container_after_the_opener_exited)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/b");
	struct file *f = NULL;
	struct task *t = test_spawn("bc_opener", open_and_exit, &f, NULL); // in b
	leave(out);
	ASSERT_NE(t, NULL);
	EXPECT_EQ(test_reap(t, 2000 * MS), 0); // it closed its fd as it exited
	ASSERT_NE(f, NULL);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.held"), 1);
	EXPECT_EQ(sys_rmdir(BC "/b"), -EBUSY);
	fput(f);
	EXPECT_EQ(get_num(BC "/b/bc.numfiles.held"), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, a_barrier_lowered_below_held_refuses_only_new_opens)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int held = watch(BC "/b", "held");
	int out = enter(BC "/b");
	int fds[4];
	for (int i = 0; i < 4; i++)
		fds[i] = sys_open("/dev/null", O_RDONLY, 0);
	leave(out);
	EXPECT_EQ(put(BC "/b/bc.numfiles.barrier", "2"), 1);
	EXPECT_EQ(seen(held), 4); // nothing is taken away
	out = enter(BC "/b");
	EXPECT_EQ(sys_open("/dev/null", O_RDONLY, 0), -ENFILE);
	sys_close(fds[0]);
	sys_close(fds[1]);
	sys_close(fds[2]); // held 1: one more fits under 2
	int again = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_GE(again, 0);
	EXPECT_EQ(sys_open("/dev/null", O_RDONLY, 0), -ENFILE);
	leave(out);
	sys_close(again);
	sys_close(fds[3]);
	EXPECT_EQ(seen(held), 0);
	sys_close(held);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, the_release_agent_runs_when_the_last_charged_file_closes)
{
	bc_mount();
	EXPECT_GT(put(BC "/release_agent", "true"), 0);
	ASSERT_EQ(sys_mkdir(BC "/r", 0755), 0);
	EXPECT_GT(put(BC "/r/notify_on_release", "1"), 0);
	int out = enter(BC "/r");
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_GE(fd, 0);
	int before = atomic_read(&container_releases);
	leave(out);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before); // the file still holds it
	sys_close(fd);
	for (int i = 0; i < 2000 && atomic_read(&container_releases) == before; i++)
		sleep_ns(5 * MS); // the worker's spawn of the agent: up to 10 s
	EXPECT_EQ(atomic_read(&container_releases), before + 1);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before + 1); // once
	EXPECT_EQ(sys_rmdir(BC "/r"), 0);
	bc_umount();
}

// ---- physpages: heap pages charged to the allocating task's container ----

#define PP(dir, f) dir "/bc.physpages." f

// A heap block of n pages' worth of payload (a page run: n pages, plus
// one for its header when n fills them).
static void *alloc_pages_worth(struct task_heap *h, int n)
{
	return heap_alloc(h, (size_t)n * PAGE_SIZE - 64, 16);
}

// The N<nid>= figure of a container's bc.physpages.numa, or the total (nid -1).
static long numa_figure(const char *dir, int nid)
{
	char path[96], buf[256], key[16];
	snprintf(path, sizeof(path), "%s/bc.physpages.numa", dir);
	if (get(path, buf, sizeof(buf)) <= 0)
		return -1;
	if (nid < 0)
		strcpy(key, "total=");
	else
		snprintf(key, sizeof(key), " N%d=", nid);
	const char *p = strstr(buf, key);
	if (!p)
		return -1;
	long v = 0;
	for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

KTEST(bc, physpages_files_default_max_and_the_roots_are_read_only)
{
	bc_mount();
	char buf[64];
	EXPECT_EQ(put(PP(BC, "barrier"), "0"), -EACCES);
	EXPECT_EQ(put(PP(BC, "limit"), "0"), -EACCES);
	get(PP(BC, "barrier"), buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	EXPECT_GE(get_num(PP(BC, "held")), 0);
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	get(PP(BC "/b", "limit"), buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(get_num(PP(BC "/b", "failcnt")), 0);
	get(PP(BC "/b", "numa"), buf, sizeof(buf));
	EXPECT_EQ(strncmp(buf, "total=0 N0=0", 12), 0);
	EXPECT_EQ(put(PP(BC "/b", "limit"), "100"), -EINVAL); // below the barrier (max)
	EXPECT_EQ(put(PP(BC "/b", "barrier"), "-1"), -EINVAL);
	EXPECT_EQ(put(PP(BC "/b", "barrier"), "50"), 2);
	EXPECT_EQ(put(PP(BC "/b", "limit"), "100"), 3);
	EXPECT_EQ(put(PP(BC "/b", "barrier"), "200"), -EINVAL); // above the limit
	EXPECT_EQ(put(PP(BC "/b", "limit"), "max"), 3);
	get(PP(BC "/b", "limit"), buf, sizeof(buf));
	EXPECT_STREQ(buf, "max\n");
	EXPECT_EQ(get_num(PP(BC "/b", "barrier")), 50);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, physpages_held_is_the_heaps_pages_and_returns_to_0)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/b");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	void *p = alloc_pages_worth(h, 64);
	void *q = heap_alloc(h, 100, 16); // a small block: one more page
	EXPECT_NE(p, NULL);
	EXPECT_NE(q, NULL);
	u64 mapped = heap_mapped_pages(h);
	EXPECT_GE(mapped, 65);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), (long)mapped);
	EXPECT_EQ(numa_figure(BC "/b", -1), (long)mapped);
	long sum = 0;
	int nid;
	for_each_online_node(nid) {
		EXPECT_EQ(numa_figure(BC "/b", nid), (long)heap_node_pages(h, nid));
		sum += numa_figure(BC "/b", nid);
	}
	EXPECT_EQ(sum, (long)mapped);
	heap_free(h, p);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), (long)heap_mapped_pages(h));
	EXPECT_LT(get_num(PP(BC "/b", "held")), 64);
	heap_destroy(h);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(get_num(PP(BC "/b", "maxheld")), (long)mapped);
	EXPECT_EQ(numa_figure(BC "/b", -1), 0);
	leave(out);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, physpages_past_the_barrier_an_allocation_fails_and_failcnt_counts)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	EXPECT_EQ(put(PP(BC "/b", "barrier"), "40"), 2);
	int out = enter(BC "/b");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	void *blocks[64];
	int n = 0;
	while (n < 64 && (blocks[n] = alloc_pages_worth(h, 1)))
		n++;
	EXPECT_LT(n, 64); // refused, not killed: we are still here
	EXPECT_EQ(get_num(PP(BC "/b", "held")), (long)heap_mapped_pages(h));
	EXPECT_LE(get_num(PP(BC "/b", "held")), 40);
	EXPECT_GE(get_num(PP(BC "/b", "held")), 39); // stopped within a page run
	EXPECT_EQ(get_num(PP(BC "/b", "failcnt")), 1);
	EXPECT_EQ(alloc_pages_worth(h, 8), NULL);   // a run past it: refused whole
	EXPECT_EQ(get_num(PP(BC "/b", "failcnt")), 2);
	EXPECT_LE(get_num(PP(BC "/b", "held")), 40); // nothing of it left charged
	heap_free(h, blocks[--n]);
	void *again = alloc_pages_worth(h, 1); // room again
	EXPECT_NE(again, NULL);
	heap_free(h, again);
	while (n > 0)
		heap_free(h, blocks[--n]);
	heap_destroy(h);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(get_num(PP(BC "/b", "failcnt")), 2); // frees do not reset it
	leave(out);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, physpages_are_uncharged_to_the_container_charged_after_a_move)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/a", 0755), 0);
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/a");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	void *p = alloc_pages_worth(h, 16);
	ASSERT_NE(p, NULL);
	long in_a = get_num(PP(BC "/a", "held"));
	EXPECT_GE(in_a, 16);
	leave(out);
	out = enter(BC "/b");
	void *q = alloc_pages_worth(h, 8); // charged to b, where we are now
	ASSERT_NE(q, NULL);
	EXPECT_EQ(get_num(PP(BC "/a", "held")), in_a);
	EXPECT_EQ(get_num(PP(BC "/a", "held")) + get_num(PP(BC "/b", "held")),
		  (long)heap_mapped_pages(h));
	heap_free(h, p); // freed from b, uncharged from a
	EXPECT_EQ(get_num(PP(BC "/a", "held")), 0);
	EXPECT_GE(get_num(PP(BC "/b", "held")), 8);
	leave(out);
	EXPECT_EQ(sys_rmdir(BC "/a"), 0);          // nothing charged there now
	EXPECT_EQ(sys_rmdir(BC "/b"), -EBUSY);     // q's pages keep b
	heap_destroy(h);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// As a charged file does: a shell that grew its heap in a container and
// left keeps that container until the pages are freed.
KTEST(bc, physpages_a_charged_page_keeps_its_container_rmdir_ebusy_until_freed)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/b");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	void *p = alloc_pages_worth(h, 4); // a shell's heap, grown while inside
	ASSERT_NE(p, NULL);
	leave(out);
	long held = get_num(PP(BC "/b", "held"));
	EXPECT_GE(held, 4);
	EXPECT_EQ(sys_rmdir(BC "/b"), -EBUSY); // no task, no child: the pages
	heap_destroy(h);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

KTEST(bc, physpages_the_release_agent_runs_when_the_last_charged_page_is_freed)
{
	bc_mount();
	EXPECT_GT(put(BC "/release_agent", "true"), 0);
	ASSERT_EQ(sys_mkdir(BC "/r", 0755), 0);
	EXPECT_GT(put(BC "/r/notify_on_release", "1"), 0);
	int out = enter(BC "/r");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	void *p = alloc_pages_worth(h, 2);
	ASSERT_NE(p, NULL);
	int before = atomic_read(&container_releases);
	leave(out);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before); // the pages still hold it
	heap_destroy(h);
	for (int i = 0; i < 2000 && atomic_read(&container_releases) == before; i++)
		sleep_ns(5 * MS); // the worker's spawn of the agent: up to 10 s
	EXPECT_EQ(atomic_read(&container_releases), before + 1);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before + 1); // once
	EXPECT_EQ(sys_rmdir(BC "/r"), 0);
	EXPECT_EQ(put(BC "/release_agent", ""), 0);
	bc_umount();
}

static long status_figure(pid_t pid, const char *key);

// A kernel stack is uncharged at its task's exit, though freed at the
// reap: a zombie keeps no container, as for the other subsystems, and
// shows no pages in /proc/PID/status.
KTEST(bc, physpages_a_zombies_kernel_stack_is_uncharged_at_exit_and_rmdir_works)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/z", 0755), 0);
	volatile int stop = 0;
	int out = enter(BC "/z");
	struct task *t = test_spawn("bc_zombie", sleeper, (void *)&stop, NULL); // charged to z
	leave(out);
	ASSERT_NE(t, NULL);
	EXPECT_EQ(get_num(PP(BC "/z", "held")), KSTACK_SIZE / PAGE_SIZE);
	EXPECT_EQ(status_figure(t->pid, "VmRSS:"), KSTACK_SIZE / 1024);
	EXPECT_EQ(sys_rmdir(BC "/z"), -EBUSY); // a live member
	stop = 1;
	for (int i = 0; i < 400 && task_state_char(t) != 'Z'; i++)
		sleep_ns(5 * MS);
	EXPECT_EQ(task_state_char(t), 'Z');
	EXPECT_EQ(get_num(PP(BC "/z", "held")), 0);
	EXPECT_EQ(status_figure(t->pid, "VmRSS:"), 0);
	EXPECT_EQ(sys_rmdir(BC "/z"), 0);
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	bc_umount();
}

KTEST(bc, physpages_migration_moves_pages_and_keeps_their_charge)
{
	if (nodes_weight(&node_online_map) < 2) {
		ktest_skip("one node");
		return;
	}
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/b");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	nodemask_t n0, n1;
	nodes_clear(&n0);
	nodes_clear(&n1);
	node_set(0, &n0);
	node_set(1, &n1);
	heap_set_nodes(h, &n0);
	void *p = alloc_pages_worth(h, 32);
	ASSERT_NE(p, NULL);
	long held = get_num(PP(BC "/b", "held"));
	EXPECT_EQ(numa_figure(BC "/b", 0), held);
	leave(out); // moved by someone else, from elsewhere: the charge stays b's
	EXPECT_EQ(heap_migrate(h, &n1), 0);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), held);
	EXPECT_EQ(numa_figure(BC "/b", 0), 0);
	EXPECT_EQ(numa_figure(BC "/b", 1), held);
	heap_destroy(h);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(numa_figure(BC "/b", 1), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// The figure after "key" in /proc/pid/status, or -1.
static long status_figure(pid_t pid, const char *key)
{
	char path[48], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (get(path, buf, sizeof(buf)) <= 0)
		return -1;
	const char *p = strstr(buf, key);
	if (!p)
		return -1;
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	long v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

// Issue 16: a container's held is its tasks' pages (/proc/PID/status
// VmRSS: heap and kernel stack) plus the ramfs pages they wrote; a spawn
// past the barrier is ENOMEM, a write ENOSPC, a pipe ENOMEM.
KTEST(bc, physpages_held_is_the_tasks_pages_plus_the_ramfs_pages_they_wrote)
{
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int fds[2], status = -1;
	ASSERT_EQ(sys_pipe(fds), 0); // (made in the root: charged there)
	int out = enter(BC "/b");
	int fd = sys_open("/tmp/bc_pp_file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	static char chunk[PAGE_SIZE];
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(sys_write(fd, chunk, sizeof(chunk)), (long)sizeof(chunk));
	sys_close(fd);
	char *argv[] = {"memhog", "-t", "30", "4", NULL};
	int saved = sys_dup(1);
	sys_dup2(fds[1], 1);
	pid_t pid = sys_spawn("memhog", argv, NULL); // in b
	sys_dup2(saved, 1);
	sys_close(saved);
	sys_close(fds[1]);
	leave(out);
	ASSERT_GT(pid, 0);
	char line[256];
	EXPECT_GT(sys_read(fds[0], line, sizeof(line) - 1), 0); // it holds 4 MiB now
	sleep_ns(200 * MS); // (its last frees and flush)
	long rss_kb = status_figure(pid, "VmRSS:");
	EXPECT_GE(rss_kb, 4 * 1024 + 16);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), rss_kb / 4 + 3);
	EXPECT_EQ(sys_kill(pid, SIGKILL), 0);
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	sys_close(fds[0]);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 3); // the file's pages stay

	// Past the barrier: no room for a kernel stack, a pipe or a page.
	EXPECT_EQ(put(PP(BC "/b", "barrier"), "3"), 1);
	out = enter(BC "/b");
	char *true_argv[] = {"true", NULL};
	EXPECT_EQ(sys_spawn("true", true_argv, NULL), -ENOMEM);
	EXPECT_EQ(sys_pipe(fds), -ENOMEM);
	fd = sys_open("/tmp/bc_pp_file", O_WRONLY | O_APPEND, 0);
	EXPECT_GE(fd, 0);
	EXPECT_EQ(sys_write(fd, chunk, sizeof(chunk)), -ENOSPC);
	sys_close(fd);
	leave(out);
	EXPECT_EQ(get_num(PP(BC "/b", "failcnt")), 3);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 3);
	EXPECT_EQ(sys_unlink("/tmp/bc_pp_file"), 0);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}

// The diagnostics a leak needs: bc_report_pages finds every page charged
// to a container, and freeing a page still charged is a reported bug
// (the count it leaves behind would keep the container busy for good).
KTEST(bc, physpages_every_charged_page_is_found_and_a_charged_free_is_reported)
{
	ktest_expect_reports();
	bc_mount();
	ASSERT_EQ(sys_mkdir(BC "/b", 0755), 0);
	int out = enter(BC "/b");
	struct task_heap *h = heap_create();
	ASSERT_NE(h, NULL);
	void *p = alloc_pages_worth(h, 5);
	ASSERT_NE(p, NULL);
	void *page = alloc_page(GFP_KERNEL);
	ASSERT_NE(page, NULL);
	EXPECT_EQ(bc_charge_pages(page, 0), 0);
	leave(out);
	long held = get_num(PP(BC "/b", "held"));
	EXPECT_EQ(held, (long)heap_mapped_pages(h) + 1);
	EXPECT_EQ(bc_report_pages("/b", NULL, 2), held);
	EXPECT_EQ(bc_report_pages("/nosuch", NULL, 2), 0);
	struct page *pg = virt_to_page(page);
	EXPECT_EQ(pg->bc_pid, (u32)current->pid);
	struct container_subsys_state *css = pg->bc_charge;
	ASSERT_NE(css, NULL);
	u64 reports = kernel_reports;
	free_page(page); // not uncharged: reported, and the count stays
	EXPECT_EQ(kernel_reports, reports + 1);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), held);
	EXPECT_EQ(bc_report_pages("/b", NULL, 0), held - 1);
	bc_uncharge_css(css, 1, pg->node); // what the free should have done
	heap_destroy(h);
	EXPECT_EQ(get_num(PP(BC "/b", "held")), 0);
	EXPECT_EQ(bc_report_pages("/b", NULL, 0), 0);
	EXPECT_EQ(sys_rmdir(BC "/b"), 0);
	bc_umount();
}
