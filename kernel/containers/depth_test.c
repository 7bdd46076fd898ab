// A hierarchy 10,000 levels deep with every subsystem bound: mkdir, a task
// moved to the bottom, a spawn there (refused, then let in, by a numtasks
// limit set half way up), every control file read at the bottom, its
// /proc path, the container filesystem mounted (built 10,000 deep), walked
// and remounted, then rmdir back up -- on 16 KiB stacks, so any path that
// recursed once per level would overflow. Prints how long each step took.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"

#define DEPTH 10000
#define DEEP_DIR "/tmp/ct_deep"

// Write buf to c's control file name through the core (as a file write).
static int cwrite(struct container *c, const char *name, const char *buf)
{
	const struct cftype *cft = container_file_lookup(c, name, strlen(name));
	if (!cft)
		return -ENOENT;
	return container_file_write(c, cft, buf, strlen(buf));
}

// Read every control file of c; the number read, or -errno.
static int read_every_file(struct container *c)
{
	char name[CONTAINER_NAME_MAX + 1];
	const struct cftype *cft;
	int n = 0;
	for (int idx = 0; (cft = container_file(c, idx, name, sizeof(name))); idx++) {
		struct seq_buf s = SEQ_BUF_INIT;
		int err = container_file_read(c, cft, &s);
		seq_buf_free(&s);
		if (err)
			return err;
		n++;
	}
	return n;
}

static u64 ms_since(u64 t0) { return (clock_ns() - t0) / MS; }

// The path part of the line of /proc/PID/container for the hierarchy
// whose subsystems start with first: its length, or -1.
static long proc_path_len(pid_t pid, const char *first)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/container", pid);
	size_t size = 2 * DEPTH + 4096;
	char *buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -1;
	long len = -1;
	if (get(path, buf, size) > 0) {
		char *line = strstr(buf, first);
		char *colon = line ? strchr(line, ':') : NULL;
		char *end = colon ? strchr(colon, '\n') : NULL;
		if (end)
			len = end - colon - 1;
	}
	kfree(buf);
	return len;
}

// chdir DEPTH levels down from DEEP_DIR, 1,000 at a time (a path per
// system call stays under PATH_MAX), and read the bottom's tasks file.
static bool walk_down_and_find(pid_t pid)
{
	static char chunk[2 * 1000 + 1];
	for (int i = 0; i < 1000; i++)
		memcpy(chunk + 2 * i, "d/", 2);
	chunk[2 * 1000 - 1] = '\0';
	bool found = sys_chdir(DEEP_DIR) == 0;
	for (int i = 0; found && i < DEPTH / 1000; i++)
		found = sys_chdir(chunk) == 0;
	char buf[256], want[16];
	snprintf(want, sizeof(want), "%d\n", pid);
	found = found && get("tasks", buf, sizeof(buf)) > 0 && strstr(buf, want);
	sys_chdir("/");
	return found;
}

static int exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

KTEST(container_depth, ten_thousand_levels_on_every_subsystem)
{
	SKIP_UNLESS_FREE(NULL);
	SKIP_UNLESS_FREE(NULL);
	struct kstat st;
	if (sys_stat(DEEP_DIR, &st) == 0) {
		ktest_skip("%s exists (not the tests')", DEEP_DIR);
		return;
	}
	int containers = atomic_read(&container_count);
	struct hierarchy *h;
	ASSERT_EQ(container_mount(NULL, &h), 0); // every subsystem
	u64 t0 = clock_ns();
	struct container *c = &h->top, *mid = NULL;
	for (int i = 0; i < DEPTH; i++) {
		ASSERT_EQ(container_mkdir(c, "d", &c), 0);
		ASSERT_EQ(cwrite(c, "cpuset.cpus", "0"), 0);
		ASSERT_EQ(cwrite(c, "memset.mems", "0"), 0);
		if (i == DEPTH / 2)
			mid = c;
	}
	u64 mkdir_ms = ms_since(t0);
	struct container *bottom = c;
	EXPECT_EQ(container_path_len(bottom), 2 * DEPTH);

	// A numtasks limit half way up applies at the bottom.
	EXPECT_EQ(cwrite(&h->top, "numtasks.max", "1000"), 0);
	EXPECT_EQ(cwrite(mid, "numtasks.shares", "max_shares=0"), 0);
	t0 = clock_ns();
	EXPECT_EQ(container_attach(bottom, current), 0);
	u64 attach_ms = ms_since(t0);
	t0 = clock_ns();
	struct task *t = task_create("deep", exit_at_once, NULL);
	u64 refused_us = (clock_ns() - t0) / 1000;
	EXPECT_TRUE(IS_ERR(t) && PTR_ERR(t) == -EAGAIN);
	if (!IS_ERR(t))
		task_discard(t);
	EXPECT_EQ(cwrite(mid, "numtasks.shares", "max_shares=-3"), 0);
	t0 = clock_ns();
	t = test_spawn("deep", exit_at_once, NULL, NULL);
	u64 spawn_us = (clock_ns() - t0) / 1000;
	ASSERT_NE(t, NULL);
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);

	// Every file at the bottom and at the top; the path in /proc.
	t0 = clock_ns();
	EXPECT_GT(read_every_file(bottom), 10);
	EXPECT_GT(read_every_file(&h->top), 10);
	EXPECT_EQ(proc_path_len(current->pid, "cpuset"), 2 * DEPTH);
	u64 read_ms = ms_since(t0);

	// The container filesystem: built 10,000 deep at mount, walked,
	// dropped at umount, built again.
	EXPECT_EQ(sys_mkdir(DEEP_DIR, 0755), 0);
	t0 = clock_ns();
	EXPECT_EQ(sys_mount("none", DEEP_DIR, "container", NULL), 0);
	u64 mount_ms = ms_since(t0);
	EXPECT_TRUE(walk_down_and_find(current->pid));
	t0 = clock_ns();
	EXPECT_EQ(sys_umount(DEEP_DIR), 0);
	u64 umount_ms = ms_since(t0);
	EXPECT_EQ(sys_mount("none", DEEP_DIR, "container", NULL), 0);
	EXPECT_TRUE(walk_down_and_find(current->pid));
	EXPECT_EQ(sys_umount(DEEP_DIR), 0);
	sys_rmdir(DEEP_DIR);

	// Back up: leave, then rmdir from the bottom.
	EXPECT_EQ(container_attach(&h->top, current), 0);
	EXPECT_EQ(cwrite(&h->top, "numtasks.max", "max"), 0);
	t0 = clock_ns();
	while (c->parent) {
		struct container *parent = c->parent;
		ASSERT_EQ(container_rmdir(c), 0);
		c = parent;
	}
	u64 rmdir_ms = ms_since(t0);
	container_umount(h);
	EXPECT_EQ(atomic_read(&container_count), containers);
	kprintf("# depth %d: mkdir %llu ms, attach %llu ms, spawn refused %llu us, "
		"spawn %llu us, reads %llu ms, mount %llu ms, umount %llu ms, rmdir %llu ms\n",
		DEPTH, mkdir_ms, attach_ms, refused_us, spawn_us, read_ms, mount_ms, umount_ms,
		rmdir_ms);
}
