// Tests of the cpuset/memset update paths (issue 13 items 4 and 6): a spawn
// racing with a mask write, and writes that cannot do all they say fail
// with ENOMEM and change nothing.
#include "kernel/app.h"
#include "kernel/containers/container_test_util.h"
#include "kernel/sched.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/task_heap.h"

static bool two_nodes_two_cpus(void)
{
	if (nodes_weight(&node_online_map) >= 2 && cpumask_weight(&cpu_online_mask) >= 2)
		return true;
	printk("# skip: needs two nodes and two CPUs\n");
	return false;
}

static bool only_cpu(struct task *t, int cpu)
{
	return cpumask_weight(&t->cpus_allowed) == 1 && cpumask_test_cpu(cpu, &t->cpus_allowed);
}

static unsigned long mems_of(struct task *t) { return READ_ONCE(t->mems_allowed.bits[0]); }

// Waits until no task is left in the container whose tasks file is path.
static void wait_empty(const char *tasks)
{
	char buf[64];
	for (int i = 0; i < 2000; i++) {
		task_reap_dead();
		if (get(tasks, buf, sizeof(buf)) == 0)
			return;
		sleep_ns(MS);
	}
	kprintf("# %s still lists: %s\n", tasks, buf);
}

// ---- A spawn racing with a cpuset.cpus / memset.mems write (item 4) ----

struct race {
	volatile int go, done, stop;
	struct task *child; // referenced
};

static struct task *race_writer; // the task whose spawn the hook races

// Runs inside race_writer's task_create, after the child copied the masks
// and before it is on the task list: the write cannot see the child.
static void race_hook(struct task *child)
{
	(void)child;
	if (current != READ_ONCE(race_writer))
		return;
	race_writer = NULL;
	EXPECT_EQ(put("/tmp/ms_race/r/cpuset.cpus", "1"), 1);
	EXPECT_EQ(put("/tmp/ms_race/r/memset.mems", "1"), 1);
}

static int race_spawner(void *p)
{
	struct race *r = p;
	while (!r->go)
		sleep_ns(MS);
	struct task *c = task_create("race_child", sleeper, (void *)&r->stop);
	if (!IS_ERR(c)) {
		task_get(c);
		task_start(c);
		r->child = c;
	}
	r->done = 1;
	while (!r->stop)
		sleep_ns(MS);
	return 0;
}

KTEST(memset, a_spawn_racing_a_mask_write_gets_the_new_masks)
{
	if (!two_nodes_two_cpus())
		return;
	MOUNT_OR_SKIP("/tmp/ms_race", "cpuset,memset");
	ASSERT_EQ(sys_mkdir("/tmp/ms_race/r", 0755), 0);
	EXPECT_EQ(put("/tmp/ms_race/r/cpuset.cpus", "0"), 1);
	EXPECT_EQ(put("/tmp/ms_race/r/memset.mems", "0"), 1);
	static struct race r;
	memset(&r, 0, sizeof(r));
	struct task *s = test_spawn("race_spawner", race_spawner, &r, NULL);
	ASSERT_NE(s, NULL);
	EXPECT_GT(putpid("/tmp/ms_race/r/tasks", s->pid), 0);
	race_writer = s;
	task_create_window_hook = race_hook;
	r.go = 1;
	for (int i = 0; i < 5000 && !r.done; i++)
		sleep_ns(MS);
	task_create_window_hook = NULL;
	EXPECT_EQ(race_writer, NULL); // the hook ran
	ASSERT_NE(r.child, NULL);
	EXPECT_TRUE(only_cpu(s, 1));
	EXPECT_EQ(mems_of(s), 2);
	// The child copied CPU 0 and node 0, then the write ran without it.
	EXPECT_TRUE(only_cpu(r.child, 1));
	EXPECT_EQ(mems_of(r.child), 2);
	r.stop = 1;
	EXPECT_EQ(test_reap(s, 2000 * MS), 0);
	task_put(r.child);
	wait_empty("/tmp/ms_race/r/tasks");
	EXPECT_EQ(sys_rmdir("/tmp/ms_race/r"), 0);
	unmount_at("/tmp/ms_race");
}

// ---- Writes that cannot do all they say (item 6) ----

// Writes s to path with every allocation of this task failing from the
// control file's own on (the file is opened first, and the write's copy of
// the text -- fs/synth.c -- is let through): write's result.
static long put_failing(const char *path, const char *s)
{
	int fd = sys_open(path, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	u64 before = alloc_failures_injected();
	alloc_fail_inject(1);
	long n = sys_write(fd, s, strlen(s));
	alloc_fail_inject(-1);
	EXPECT_GT(alloc_failures_injected(), before); // something did allocate
	sys_close(fd);
	return n;
}

KTEST(cpuset, a_cpus_write_that_cannot_list_the_members_fails_enomem)
{
	if (!two_nodes_two_cpus())
		return;
	MOUNT_OR_SKIP("/tmp/ms_err", "cpuset");
	ASSERT_EQ(sys_mkdir("/tmp/ms_err/a", 0755), 0);
	EXPECT_EQ(put("/tmp/ms_err/a/cpuset.cpus", "0"), 1);
	volatile int stop = 0;
	struct task *t = test_spawn("ms_sleeper", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ms_err/a/tasks", t->pid), 0);
	EXPECT_EQ(put_failing("/tmp/ms_err/a/cpuset.cpus", "1"), -ENOMEM);
	char buf[32];
	get("/tmp/ms_err/a/cpuset.cpus", buf, sizeof(buf));
	EXPECT_STREQ(buf, "0\n"); // unchanged, as the member's
	EXPECT_TRUE(only_cpu(t, 0));
	EXPECT_EQ(put("/tmp/ms_err/a/cpuset.cpus", "1"), 1); // and it can work
	EXPECT_TRUE(only_cpu(t, 1));
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	wait_empty("/tmp/ms_err/a/tasks");
	EXPECT_EQ(sys_rmdir("/tmp/ms_err/a"), 0);
	unmount_at("/tmp/ms_err");
}

KTEST(memset, a_mems_write_that_cannot_list_the_members_fails_enomem)
{
	if (!two_nodes_two_cpus())
		return;
	MOUNT_OR_SKIP("/tmp/ms_err", "memset");
	ASSERT_EQ(sys_mkdir("/tmp/ms_err/a", 0755), 0);
	EXPECT_EQ(put("/tmp/ms_err/a/memset.mems", "0"), 1);
	volatile int stop = 0;
	struct task *t = test_spawn("ms_sleeper", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ms_err/a/tasks", t->pid), 0);
	EXPECT_EQ(put_failing("/tmp/ms_err/a/memset.mems", "1"), -ENOMEM);
	char buf[32];
	get("/tmp/ms_err/a/memset.mems", buf, sizeof(buf));
	EXPECT_STREQ(buf, "0\n");
	EXPECT_EQ(mems_of(t), 1);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	wait_empty("/tmp/ms_err/a/tasks");
	EXPECT_EQ(sys_rmdir("/tmp/ms_err/a"), 0);
	unmount_at("/tmp/ms_err");
}

// ---- A failed memory_migrate move (item 6) ----

// Takes node nid's free pages until fewer than `left` remain; returns them
// chained through their first word (hog_free gives them back).
static void *hog_node(int nid, u64 left)
{
	nodemask_t m = NODE_MASK_NONE;
	node_set(nid, &m);
	void *hog = NULL;
	while (node_free_pages(nid) >= left) {
		void *pg = alloc_pages_nodemask(&m, 0, 0);
		if (!pg)
			break;
		*(void **)pg = hog;
		hog = pg;
	}
	return hog;
}

static void hog_free(void *hog)
{
	while (hog) {
		void *next = *(void **)hog;
		free_page(hog);
		hog = next;
	}
}

#define MIGRATE_PAGES 64

// A sleeping task with a heap of MIGRATE_PAGES pages on node 0; *h gets
// the heap, referenced (heap_put it).
static struct task *task_with_heap(volatile int *stop, struct task_heap **h)
{
	nodemask_t n0 = NODE_MASK_NONE;
	node_set(0, &n0);
	*h = heap_create();
	if (!*h)
		return NULL;
	heap_set_nodes(*h, &n0);
	void *p = heap_alloc(*h, MIGRATE_PAGES * PAGE_SIZE - 64, 16);
	if (p)
		memset(p, 0x5a, MIGRATE_PAGES * PAGE_SIZE - 64);
	heap_set_nodes(*h, NULL);
	struct task *t = task_create_app("ms_heap", sleeper, (void *)stop, *h);
	if (IS_ERR(t)) {
		heap_destroy(*h);
		return NULL;
	}
	heap_get(*h); // ours; the task's goes when it exits
	task_get(t);
	task_start(t);
	return t;
}

KTEST(memset, a_move_without_room_on_the_nodes_fails_enomem_and_the_task_stays)
{
	if (!two_nodes_two_cpus())
		return;
	MOUNT_OR_SKIP("/tmp/ms_mig", "memset");
	ASSERT_EQ(sys_mkdir("/tmp/ms_mig/a", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ms_mig/b", 0755), 0);
	EXPECT_EQ(put("/tmp/ms_mig/a/memset.mems", "0"), 1);
	EXPECT_EQ(put("/tmp/ms_mig/b/memset.mems", "1"), 1);
	EXPECT_EQ(put("/tmp/ms_mig/b/memset.memory_migrate", "1"), 1);
	volatile int stop = 0;
	struct task_heap *h;
	struct task *t = task_with_heap(&stop, &h);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ms_mig/a/tasks", t->pid), 0);
	u64 pages = heap_mapped_pages(h);
	EXPECT_GE(pages, MIGRATE_PAGES);
	EXPECT_EQ(heap_node_pages(h, 0), pages);
	struct hierarchy *hier = container_subsys_by_name("memset")->hierarchy;

	void *hog = hog_node(1, MIGRATE_PAGES / 2);
	EXPECT_EQ(putpid("/tmp/ms_mig/b/tasks", t->pid), -ENOMEM);
	hog_free(hog);
	EXPECT_STREQ(task_container(t, hier)->name, "a"); // stayed
	EXPECT_EQ(mems_of(t), 1);
	EXPECT_EQ(heap_node_pages(h, 0), pages); // nothing moved

	EXPECT_GT(putpid("/tmp/ms_mig/b/tasks", t->pid), 0); // with room: moves
	EXPECT_STREQ(task_container(t, hier)->name, "b");
	EXPECT_EQ(mems_of(t), 2);
	EXPECT_EQ(heap_node_pages(h, 1), pages);

	// A mems write that would move it back to node 0, without room there.
	hog = hog_node(0, MIGRATE_PAGES / 2);
	EXPECT_EQ(put("/tmp/ms_mig/b/memset.mems", "0"), -ENOMEM);
	hog_free(hog);
	char buf[32];
	get("/tmp/ms_mig/b/memset.mems", buf, sizeof(buf));
	EXPECT_STREQ(buf, "1\n");
	EXPECT_EQ(mems_of(t), 2);
	EXPECT_EQ(heap_node_pages(h, 1), pages);
	EXPECT_EQ(put("/tmp/ms_mig/b/memset.mems", "0"), 1);
	EXPECT_EQ(mems_of(t), 1);
	EXPECT_EQ(heap_node_pages(h, 0), pages);

	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	heap_put(h);
	wait_empty("/tmp/ms_mig/b/tasks");
	EXPECT_EQ(sys_rmdir("/tmp/ms_mig/a"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ms_mig/b"), 0);
	unmount_at("/tmp/ms_mig");
}
