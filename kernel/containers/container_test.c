// Tests of the container core, the container filesystem, cpuset and
// memset: through the kernel API and through the files, as a user would.
// Each test mounts what it needs under /tmp and unmounts it at the end, so
// every test starts with all subsystems in the dummy hierarchy.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

// ---- helpers ----

static bool line_in(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p;) {
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

// ---- mounting and hierarchies ----

KTEST(container, mount_same_set_shows_same_hierarchy_and_busy_subsys_fails)
{
	SKIP_UNLESS_FREE("cpuset,memset");
	struct hierarchy *h1, *h2, *h3;
	ASSERT_EQ(container_mount("cpuset", &h1), 0);
	EXPECT_EQ(container_mount(",cpuset,", &h2), 0); // empty tokens ignored
	EXPECT_EQ(h1, h2);
	EXPECT_EQ(container_mount("cpuset,memset", &h3), -EBUSY);
	EXPECT_EQ(container_mount("nosuch", &h3), -EINVAL);
	EXPECT_EQ(container_mount("cpuset,nosuch", &h3), -EINVAL);
	ASSERT_EQ(container_mount("memset", &h3), 0);
	EXPECT_NE(h1->id, h3->id);
	container_umount(h3);
	container_umount(h2);
	container_umount(h1);
	// Unmounted: a new set including cpuset binds it again.
	ASSERT_EQ(container_mount("cpuset,memset", &h1), 0);
	container_umount(h1);
}

KTEST(container, proc_containers_lists_each_subsystem_and_its_hierarchy)
{
	SKIP_UNLESS_FREE("cpuset,memset"); // cpuset's line is checked too
	MOUNT_OR_SKIP("/tmp/ct_proc", "memset");
	char buf[512], want[64];
	ASSERT_GT(get("/proc/containers", buf, sizeof(buf)), 0);
	EXPECT_TRUE(!strncmp(buf, "#subsys_name\thierarchy\tnum_containers\tenabled\n", 46));
	struct hierarchy *h = container_subsys_by_name("memset")->hierarchy;
	snprintf(want, sizeof(want), "memset\t%d\t1\t1", h->id);
	EXPECT_TRUE(line_in(buf, want));
	EXPECT_EQ(sys_mkdir("/tmp/ct_proc/a", 0755), 0);
	get("/proc/containers", buf, sizeof(buf));
	snprintf(want, sizeof(want), "memset\t%d\t2\t1", h->id);
	EXPECT_TRUE(line_in(buf, want));
	EXPECT_TRUE(line_in(buf, "cpuset\t0\t1\t1"));
	EXPECT_EQ(sys_rmdir("/tmp/ct_proc/a"), 0);
	unmount_at("/tmp/ct_proc");
}

KTEST(container, proc_cgroups_has_linux_columns_and_same_rows)
{
	SKIP_UNLESS_FREE("cpuset,memset"); // cpuset's row is checked too
	MOUNT_OR_SKIP("/tmp/ct_cg", "memset");
	char a[512], b[512], want[64];
	ASSERT_GT(get("/proc/cgroups", a, sizeof(a)), 0);
	ASSERT_GT(get("/proc/containers", b, sizeof(b)), 0);
	EXPECT_TRUE(!strncmp(a, "#subsys_name\thierarchy\tnum_cgroups\tenabled\n", 43));
	EXPECT_STREQ(strchr(a, '\n'), strchr(b, '\n')); // the rows are the same
	struct hierarchy *h = container_subsys_by_name("memset")->hierarchy;
	snprintf(want, sizeof(want), "memset\t%d\t1\t1", h->id);
	EXPECT_TRUE(line_in(a, want));
	EXPECT_TRUE(line_in(a, "cpuset\t0\t1\t1")); // bound nowhere: hierarchy 0
	unmount_at("/tmp/ct_cg");
}

KTEST(container, proc_pid_cgroup_is_proc_pid_container)
{
	SKIP_UNLESS_FREE("cpuset,cpuacct,memset"); // memset's absence is checked
	MOUNT_OR_SKIP("/tmp/ct_pc", "cpuset,cpuacct");
	EXPECT_EQ(sys_mkdir("/tmp/ct_pc/a", 0755), 0);
	char a[256], b[256], want[64];
	struct hierarchy *h = container_subsys_by_name("cpuset")->hierarchy;
	ASSERT_GT(get("/proc/self/cgroup", a, sizeof(a)), 0);
	ASSERT_GT(get("/proc/self/container", b, sizeof(b)), 0);
	EXPECT_STREQ(a, b);
	snprintf(want, sizeof(want), "%d:cpuset,cpuacct:/", h->id);
	EXPECT_TRUE(line_in(a, want));
	EXPECT_FALSE(strstr(a, "memset") != NULL); // bound nowhere: not listed
	EXPECT_EQ(sys_rmdir("/tmp/ct_pc/a"), 0);
	unmount_at("/tmp/ct_pc");
}

KTEST(container, cgroup_procs_is_the_tasks_file)
{
	MOUNT_OR_SKIP("/tmp/ct_procs", "cpuacct");
	EXPECT_EQ(sys_mkdir("/tmp/ct_procs/a", 0755), 0);
	char a[64], b[64], self[16];
	snprintf(self, sizeof(self), "%d\n", current->pid);
	EXPECT_EQ(put("/tmp/ct_procs/a/cgroup.procs", "0"), 1); // 0: the writer
	ASSERT_GT(get("/tmp/ct_procs/a/cgroup.procs", a, sizeof(a)), 0);
	ASSERT_GT(get("/tmp/ct_procs/a/tasks", b, sizeof(b)), 0);
	EXPECT_STREQ(a, self);
	EXPECT_STREQ(a, b);
	EXPECT_EQ(put("/tmp/ct_procs/cgroup.procs", "x"), -EINVAL);
	EXPECT_EQ(put("/tmp/ct_procs/cgroup.procs", "0"), 1);
	ASSERT_EQ(get("/tmp/ct_procs/a/cgroup.procs", a, sizeof(a)), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_procs/a"), 0);
	unmount_at("/tmp/ct_procs");
}

KTEST(container, mounts_lists_a_hierarchy_with_its_subsystems)
{
	SKIP_UNLESS_FREE("cpuacct,cpuset");
	ASSERT_EQ(sys_mkdir("/tmp/ct_mnt", 0755), 0);
	ASSERT_EQ(sys_mount("none", "/tmp/ct_mnt", "container", ",cpuacct,cpuset"), 0);
	char *buf = kmalloc(4096, GFP_KERNEL);
	ASSERT_TRUE(buf != NULL);
	EXPECT_GT(get("/proc/mounts", buf, 4096), 0);
	EXPECT_TRUE(line_in(buf, "none /tmp/ct_mnt container rw,cpuset,cpuacct 0 0"));
	EXPECT_EQ(sys_umount("/tmp/ct_mnt"), 0);
	get("/proc/mounts", buf, 4096);
	EXPECT_FALSE(strstr(buf, "/tmp/ct_mnt") != NULL);
	kfree(buf);
	EXPECT_EQ(sys_rmdir("/tmp/ct_mnt"), 0);
}

KTEST(container, unmount_with_children_keeps_them_for_the_next_mount)
{
	SKIP_UNLESS_FREE("cpuset,memset"); // memset is mounted with it below
	MOUNT_OR_SKIP("/tmp/ct_keep", "cpuset");
	EXPECT_EQ(sys_mkdir("/tmp/ct_keep/kept", 0755), 0);
	EXPECT_EQ(put("/tmp/ct_keep/kept/cpuset.cpus", "0"), 1);
	EXPECT_EQ(sys_umount("/tmp/ct_keep"), 0);
	char self[256];
	get("/proc/self/container", self, sizeof(self));
	EXPECT_TRUE(strstr(self, ":cpuset:/\n") != NULL); // alive and confining: listed
	struct hierarchy *h;
	EXPECT_EQ(container_mount("cpuset,memset", &h), -EBUSY); // still bound
	ASSERT_EQ(sys_mount("none", "/tmp/ct_keep", "cgroup", "cpuset"), 0); // the alias
	char buf[64];
	EXPECT_EQ(get("/tmp/ct_keep/kept/cpuset.cpus", buf, sizeof(buf)), 2);
	EXPECT_STREQ(buf, "0\n");
	EXPECT_EQ(sys_rmdir("/tmp/ct_keep/kept"), 0);
	unmount_at("/tmp/ct_keep");
	ASSERT_EQ(container_mount("cpuset,memset", &h), 0); // released at last
	container_umount(h);
}

// ---- the filesystem's rules and errors ----

KTEST(container, directory_files_and_errors_of_the_table)
{
	MOUNT_OR_SKIP("/tmp/ct_fs", "cpuset");
	struct kstat st;
	EXPECT_EQ(sys_stat("/tmp/ct_fs/tasks", &st), 0);
	EXPECT_EQ(sys_stat("/tmp/ct_fs/notify_on_release", &st), 0);
	EXPECT_EQ(sys_stat("/tmp/ct_fs/release_agent", &st), 0);
	EXPECT_EQ(sys_stat("/tmp/ct_fs/cpuset.cpus", &st), 0);
	EXPECT_EQ(sys_mkdir("/tmp/ct_fs/a", 0755), 0);
	EXPECT_EQ(sys_stat("/tmp/ct_fs/a/release_agent", &st), -ENOENT); // root only
	EXPECT_EQ(sys_stat("/tmp/ct_fs/a/cpuset.cpu_exclusive", &st), 0);
	EXPECT_EQ(sys_mkdir("/tmp/ct_fs/a", 0755), -EEXIST);
	EXPECT_EQ(sys_open("/tmp/ct_fs/a/file", O_CREAT | O_WRONLY, 0644), -EACCES);
	EXPECT_EQ(sys_unlink("/tmp/ct_fs/a/tasks"), -EPERM);
	EXPECT_EQ(put("/tmp/ct_fs/a/tasks", "12x"), -EINVAL);
	EXPECT_EQ(put("/tmp/ct_fs/a/tasks", ""), -EINVAL);
	EXPECT_EQ(put("/tmp/ct_fs/a/tasks", "99999"), -ESRCH);
	EXPECT_EQ(put("/tmp/ct_fs/a/notify_on_release", "2"), -EINVAL);
	EXPECT_EQ(put("/tmp/ct_fs/a/notify_on_release", "1\n"), 2);
	// Children inherit notify_on_release at mkdir.
	EXPECT_EQ(sys_mkdir("/tmp/ct_fs/a/b", 0755), 0);
	char buf[64];
	get("/tmp/ct_fs/a/b/notify_on_release", buf, sizeof(buf));
	EXPECT_STREQ(buf, "1\n");
	EXPECT_EQ(sys_rmdir("/tmp/ct_fs/a"), -EBUSY); // a child
	// A control file kept open across rmdir: writes give ENODEV.
	int fd = sys_open("/tmp/ct_fs/a/b/notify_on_release", O_WRONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_fs/a/b"), 0);
	EXPECT_EQ(sys_write(fd, "0", 1), -ENODEV);
	sys_close(fd);
	// Rename within the parent; the old name is gone.
	EXPECT_EQ(sys_rename("/tmp/ct_fs/a", "/tmp/ct_fs/z"), 0);
	EXPECT_EQ(sys_stat("/tmp/ct_fs/z/tasks", &st), 0);
	EXPECT_EQ(sys_stat("/tmp/ct_fs/a", &st), -ENOENT);
	EXPECT_EQ(sys_rmdir("/tmp/ct_fs/z"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_fs/z"), -ENOENT);
	unmount_at("/tmp/ct_fs");
}

KTEST(container, tasks_move_spawn_inherits_exit_removes)
{
	MOUNT_OR_SKIP("/tmp/ct_tasks", "cpuset");
	ASSERT_EQ(sys_mkdir("/tmp/ct_tasks/a", 0755), 0);
	ASSERT_EQ(put("/tmp/ct_tasks/a/cpuset.cpus", "0"), 1);
	volatile int stop = 0;
	struct task *t = test_spawn("ct_sleeper", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ct_tasks/a/tasks", t->pid), 0);
	char buf[256], want[16];
	snprintf(want, sizeof(want), "%d", t->pid);
	get("/tmp/ct_tasks/a/tasks", buf, sizeof(buf));
	EXPECT_TRUE(line_in(buf, want));
	get("/tmp/ct_tasks/tasks", buf, sizeof(buf));
	EXPECT_FALSE(line_in(buf, want));
	EXPECT_EQ(sys_rmdir("/tmp/ct_tasks/a"), -EBUSY); // a task
	// A task the member spawns starts in the same container: here the
	// test itself moves in, spawns, and moves back.
	EXPECT_GT(put("/tmp/ct_tasks/a/tasks", "0"), 0);
	struct task *child = test_spawn("ct_child", sleeper, (void *)&stop, NULL);
	EXPECT_GT(putpid("/tmp/ct_tasks/tasks", current->pid), 0);
	ASSERT_NE(child, NULL);
	struct hierarchy *h = container_subsys_by_name("cpuset")->hierarchy;
	EXPECT_STREQ(task_container(child, h)->name, "a");
	EXPECT_EQ(container_task_count(task_container(child, h)), 2);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(test_reap(child, 2000 * MS), 0);
	get("/tmp/ct_tasks/a/tasks", buf, sizeof(buf));
	EXPECT_STREQ(buf, "");
	EXPECT_EQ(sys_rmdir("/tmp/ct_tasks/a"), 0);
	unmount_at("/tmp/ct_tasks");
}

KTEST(container, hierarchies_are_independent_and_proc_shows_each)
{
	SKIP_UNLESS_FREE("cpuset,memset");
	MOUNT_OR_SKIP("/tmp/ct_h1", "cpuset");
	if (test_mount("/tmp/ct_h2", "memset")) {
		unmount_at("/tmp/ct_h1");
		return;
	}
	ASSERT_EQ(sys_mkdir("/tmp/ct_h1/x", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/ct_h2/y", 0755), 0);
	put("/tmp/ct_h1/x/cpuset.cpus", "0");
	put("/tmp/ct_h2/y/memset.mems", "0");
	volatile int stop = 0;
	struct task *t = test_spawn("ct_indep", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ct_h1/x/tasks", t->pid), 0);
	char path[64], buf[256], want[64];
	snprintf(path, sizeof(path), "/proc/%d/container", t->pid);
	get(path, buf, sizeof(buf));
	int id1 = container_subsys_by_name("cpuset")->hierarchy->id;
	int id2 = container_subsys_by_name("memset")->hierarchy->id;
	snprintf(want, sizeof(want), "%d:cpuset:/x", id1);
	EXPECT_TRUE(line_in(buf, want));
	snprintf(want, sizeof(want), "%d:memset:/", id2);
	EXPECT_TRUE(line_in(buf, want));
	EXPECT_GT(putpid("/tmp/ct_h2/y/tasks", t->pid), 0);
	get(path, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%d:memset:/y", id2);
	EXPECT_TRUE(line_in(buf, want));
	snprintf(want, sizeof(want), "%d:cpuset:/x", id1);
	EXPECT_TRUE(line_in(buf, want)); // unchanged by the other move
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_h1/x"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/ct_h2/y"), 0);
	unmount_at("/tmp/ct_h1");
	unmount_at("/tmp/ct_h2");
}

KTEST(container, css_reference_keeps_the_container_until_put)
{
	SKIP_UNLESS_FREE("memset");
	struct hierarchy *h;
	ASSERT_EQ(container_mount("memset", &h), 0);
	struct container *c;
	ASSERT_EQ(container_mkdir(&h->top, "held", &c), 0);
	EXPECT_EQ(container_mkdir(&h->top, "held", NULL), -EEXIST);
	struct container_subsys_state *css = container_css(c, container_subsys_by_name("memset")->subsys_id);
	css_get(css);
	EXPECT_EQ(container_rmdir(c), -EBUSY);
	css_put(css);
	EXPECT_EQ(container_rmdir(c), 0);
	container_umount(h);
}

KTEST(container, release_agent_runs_once_per_release)
{
	MOUNT_OR_SKIP("/tmp/ct_rel", "cpuset");
	EXPECT_GT(put("/tmp/ct_rel/release_agent", "true"), 0);
	char buf[64];
	get("/tmp/ct_rel/release_agent", buf, sizeof(buf));
	EXPECT_STREQ(buf, "true\n");
	ASSERT_EQ(sys_mkdir("/tmp/ct_rel/r", 0755), 0);
	put("/tmp/ct_rel/r/cpuset.cpus", "0");
	EXPECT_GT(put("/tmp/ct_rel/r/notify_on_release", "1"), 0);
	int before = atomic_read(&container_releases);
	volatile int stop = 0;
	struct task *t = test_spawn("ct_rel", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ct_rel/r/tasks", t->pid), 0);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before); // not empty yet
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	for (int i = 0; i < 2000 && atomic_read(&container_releases) == before; i++)
		sleep_ns(5 * MS); // the worker's spawn of the agent: up to 10 s
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before + 1);
	EXPECT_EQ(sys_rmdir("/tmp/ct_rel/r"), 0);
	sleep_ns(50 * MS);
	EXPECT_EQ(atomic_read(&container_releases), before + 1); // removed: no agent
	unmount_at("/tmp/ct_rel");
}

// Writes are copied in whole before they are parsed: a short one on the
// stack, a long one (64 bytes and more) in a buffer of its own.
KTEST(container, short_and_long_writes_arrive_whole_and_nul_is_refused)
{
	MOUNT_OR_SKIP("/tmp/ct_wr", "cpuset");
	char agent[120], buf[160];
	memset(agent, 0, sizeof(agent));
	for (int i = 0; i < 100; i++)
		agent[i] = (char)('a' + i % 26);
	EXPECT_EQ(put("/tmp/ct_wr/release_agent", agent), 100);
	get("/tmp/ct_wr/release_agent", buf, sizeof(buf));
	EXPECT_EQ(strlen(buf), 101); // with its newline
	EXPECT_EQ(memcmp(buf, agent, 100), 0);
	EXPECT_EQ(put("/tmp/ct_wr/release_agent", "/bin/x\n"), 7);
	get("/tmp/ct_wr/release_agent", buf, sizeof(buf));
	EXPECT_STREQ(buf, "/bin/x\n");
	int fd = sys_open("/tmp/ct_wr/tasks", O_WRONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_write(fd, "0\0" "1", 3), -EINVAL);
	static char long_nul[100];
	memset(long_nul, '0', sizeof(long_nul));
	long_nul[50] = 0;
	EXPECT_EQ(sys_write(fd, long_nul, sizeof(long_nul)), -EINVAL);
	sys_close(fd);
	get("/tmp/ct_wr/release_agent", buf, sizeof(buf));
	EXPECT_STREQ(buf, "/bin/x\n"); // nothing else changed
	unmount_at("/tmp/ct_wr");
}

// ---- cpuset ----

KTEST(cpuset, rules_and_errnos)
{
	MOUNT_OR_SKIP("/tmp/cs", "cpuset");
	char buf[64], all[64];
	cpumask_print(all, sizeof(all), &cpu_online_mask);
	get("/tmp/cs/cpuset.cpus", buf, sizeof(buf));
	EXPECT_TRUE(!strncmp(buf, all, strlen(all)));
	EXPECT_EQ(put("/tmp/cs/cpuset.cpus", "0"), -EACCES); // the root: read-only
	get("/tmp/cs/cpuset.cpu_exclusive", buf, sizeof(buf));
	EXPECT_STREQ(buf, "1\n");
	ASSERT_EQ(sys_mkdir("/tmp/cs/a", 0755), 0);
	get("/tmp/cs/a/cpuset.cpus", buf, sizeof(buf));
	EXPECT_STREQ(buf, "\n"); // a new child has no CPUs
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "0-63"), -ERANGE);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "0-99"), -ERANGE);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "1-"), -EINVAL);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "x"), -EINVAL);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "0,0\n"), 4);
	get("/tmp/cs/a/cpuset.cpus", buf, sizeof(buf));
	EXPECT_STREQ(buf, "0\n");
	ASSERT_EQ(sys_mkdir("/tmp/cs/a/b", 0755), 0);
	EXPECT_EQ(put("/tmp/cs/a/b/cpuset.cpus", "0"), 1);
	if (cpumask_weight(&cpu_online_mask) >= 2) {
		EXPECT_EQ(put("/tmp/cs/a/b/cpuset.cpus", "1"), -EACCES); // not in a
		EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "1"), -EBUSY);    // b has 0
	}
	if (cpumask_weight(&cpu_online_mask) >= 3) {
		EXPECT_EQ(put("/tmp/cs/a/cpuset.cpus", "0,1,2"), 5);
		get("/tmp/cs/a/cpuset.cpus", buf, sizeof(buf));
		EXPECT_STREQ(buf, "0-2\n"); // canonical
	}
	// Exclusive: b only under an exclusive a; a sibling may not overlap.
	EXPECT_EQ(put("/tmp/cs/a/b/cpuset.cpu_exclusive", "1"), -EACCES);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpu_exclusive", "1"), 1);
	EXPECT_EQ(put("/tmp/cs/a/b/cpuset.cpu_exclusive", "1"), 1);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpu_exclusive", "0"), -EBUSY);
	EXPECT_EQ(put("/tmp/cs/a/cpuset.cpu_exclusive", "2"), -EINVAL);
	ASSERT_EQ(sys_mkdir("/tmp/cs/s", 0755), 0);
	EXPECT_EQ(put("/tmp/cs/s/cpuset.cpus", "0"), -EINVAL); // overlaps exclusive a
	// Attaching to an empty cpuset, emptying one with tasks: ENOSPC.
	volatile int stop = 0;
	struct task *t = test_spawn("cs_rules", sleeper, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_EQ(putpid("/tmp/cs/s/tasks", t->pid), -ENOSPC);
	EXPECT_GT(putpid("/tmp/cs/a/b/tasks", t->pid), 0);
	EXPECT_EQ(put("/tmp/cs/a/b/cpuset.cpus", ""), -ENOSPC);
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(put("/tmp/cs/a/b/cpuset.cpus", "\n"), 1); // empty, no tasks: fine
	EXPECT_EQ(sys_rmdir("/tmp/cs/s"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/cs/a/b"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/cs/a"), 0);
	unmount_at("/tmp/cs");
}

KTEST(cpuset, a_running_task_is_moved_when_its_cpus_change)
{
	int ncpu = cpumask_weight(&cpu_online_mask);
	MOUNT_OR_SKIP("/tmp/cs_move", "cpuset");
	ASSERT_EQ(sys_mkdir("/tmp/cs_move/m", 0755), 0);
	int last = NR_CPUS - 1;
	while (!cpumask_test_cpu(last, &cpu_online_mask))
		last--;
	char list[16];
	snprintf(list, sizeof(list), "%d", last);
	ASSERT_GT(put("/tmp/cs_move/m/cpuset.cpus", list), 0);
	volatile int stop = 0;
	struct task *t = test_spawn("cs_spin", spinner, (void *)&stop, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/cs_move/m/tasks", t->pid), 0);
	EXPECT_TRUE(cpumask_test_cpu(last, &t->cpus_allowed));
	EXPECT_EQ(cpumask_weight(&t->cpus_allowed), 1);
	sleep_ns(20 * MS);
	EXPECT_EQ(READ_ONCE(t->cpu), last);
	if (ncpu >= 2) {
		int first = cpumask_first(&cpu_online_mask);
		snprintf(list, sizeof(list), "%d", first);
		EXPECT_GT(put("/tmp/cs_move/m/cpuset.cpus", list), 0);
		EXPECT_EQ(READ_ONCE(t->cpu), first); // moved before the write returned
		char path[48], buf[512];
		snprintf(path, sizeof(path), "/proc/%d/status", t->pid);
		get(path, buf, sizeof(buf));
		char want[48];
		snprintf(want, sizeof(want), "Cpus_allowed_list:\t%d", first);
		EXPECT_TRUE(line_in(buf, want));
	}
	stop = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(sys_rmdir("/tmp/cs_move/m"), 0);
	unmount_at("/tmp/cs_move");
}

// ---- memset ----

struct alloc_probe {
	volatile int go, done;
	int nid;
};

static int alloc_on_go(void *arg)
{
	struct alloc_probe *p = arg;
	while (!p->go)
		sleep_ns(MS);
	struct page *pg = alloc_page(GFP_KERNEL);
	p->nid = pg ? page_to_nid(pg) : -1;
	if (pg)
		free_page(pg);
	p->done = 1;
	return 0;
}

KTEST(memset, members_allocate_only_from_its_nodes)
{
	MOUNT_OR_SKIP("/tmp/ms", "memset");
	ASSERT_EQ(sys_mkdir("/tmp/ms/m", 0755), 0);
	EXPECT_EQ(put("/tmp/ms/cpuset.mems", "0"), -EACCES); // no such file
	EXPECT_EQ(put("/tmp/ms/memset.mems", "0"), -EACCES); // the root
	EXPECT_EQ(put("/tmp/ms/m/memset.mems", "63"), -ERANGE);
	EXPECT_EQ(put("/tmp/ms/m/memset.memory_migrate", "3"), -EINVAL);
	int last = first_node(&node_online_map);
	for (int n = 0; n < MAX_NUMNODES; n++)
		if (node_isset(n, &node_online_map))
			last = n;
	char list[16];
	snprintf(list, sizeof(list), "%d", last);
	ASSERT_GT(put("/tmp/ms/m/memset.mems", list), 0);
	struct alloc_probe p = {0, 0, -2};
	struct task *t = test_spawn("ms_probe", alloc_on_go, &p, NULL);
	ASSERT_NE(t, NULL);
	EXPECT_GT(putpid("/tmp/ms/m/tasks", t->pid), 0);
	EXPECT_TRUE(node_isset(last, &t->mems_allowed));
	EXPECT_EQ(nodes_weight(&t->mems_allowed), 1);
	p.go = 1;
	EXPECT_EQ(test_reap(t, 2000 * MS), 0);
	EXPECT_EQ(p.nid, last);
	EXPECT_EQ(sys_rmdir("/tmp/ms/m"), 0);
	unmount_at("/tmp/ms");
}

// ---- SMP stress: concurrent attach, spawn, exit, mkdir, rmdir, mount ----

struct stress {
	volatile int stop;
	int id;
	atomic_t ops;
};

static int stress_child(void *arg)
{
	(void)arg;
	return 0;
}

static u32 stress_rand(u32 *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 8;
}

static int stress_worker(void *arg)
{
	struct stress *st = arg;
	u32 seed = 7 + current->pid;
	char path[64], dir[64];
	while (!st->stop) {
		int k = stress_rand(&seed) % 4;
		snprintf(dir, sizeof(dir), "/tmp/ct_stress/d%u", stress_rand(&seed) % 4);
		switch (stress_rand(&seed) % 6) {
		case 5: { // bind and unbind other subsystems meanwhile
			struct hierarchy *h;
			if (container_mount("bc,numtasks", &h) == 0)
				container_umount(h);
			break;
		}
		case 0:
			sys_mkdir(dir, 0755);
			snprintf(path, sizeof(path), "%s/cpuset.cpus", dir);
			put(path, "0");
			snprintf(path, sizeof(path), "%s/memset.mems", dir);
			put(path, "0");
			break;
		case 1:
			sys_rmdir(dir);
			break;
		case 2:
			snprintf(path, sizeof(path), "%s/tasks", dir);
			put(path, "0");
			break;
		case 3: {
			pid_t pid = kernel_spawn("ct_stress_child", stress_child, NULL);
			if (pid > 0)
				do_waitpid(pid, NULL, 0);
			break;
		}
		default:
			put(k ? "/tmp/ct_stress/tasks" : "/tmp/ct_stress/d0/tasks", "0");
			break;
		}
		atomic_inc(&st->ops);
	}
	put("/tmp/ct_stress/tasks", "0");
	return 0;
}

KTEST(container, smp_stress_keeps_every_count_exact)
{
	MOUNT_OR_SKIP("/tmp/ct_stress", "cpuset,memset");
	struct stress st = {0};
	struct task *w[8];
	int n = MIN(8, 2 * cpumask_weight(&cpu_online_mask));
	for (int i = 0; i < n; i++)
		w[i] = test_spawn("ct_stress", stress_worker, &st, NULL);
	sleep_ns(400 * MS);
	st.stop = 1;
	for (int i = 0; i < n; i++)
		if (w[i])
			EXPECT_EQ(test_reap(w[i], 5000 * MS), 0);
	EXPECT_GT(atomic_read(&st.ops), n);
	kprintf("# %d operations by %d workers\n", atomic_read(&st.ops), n);
	// Every task is in exactly one container: the counts add up to the
	// members of the top plus the children, and every child is empty now.
	struct hierarchy *h = container_subsys_by_name("cpuset")->hierarchy;
	int members = container_task_count(&h->top);
	struct container *c;
	container_lock();
	list_for_each_entry(c, &h->top.children, sibling)
		members += container_task_count(c);
	container_unlock();
	int alive = 0;
	pid_t pids[256];
	int np = task_pids(pids, 256);
	for (int i = 0; i < np; i++) {
		struct task *t = task_find_get(pids[i]);
		if (t) {
			char s = task_state_char(t);
			alive += s != 'Z' && s != 'X' && s != 'N';
			task_put(t);
		}
	}
	EXPECT_EQ(members, alive);
	char dir[32];
	for (int i = 0; i < 4; i++) {
		snprintf(dir, sizeof(dir), "/tmp/ct_stress/d%d", i);
		int r = sys_rmdir(dir);
		EXPECT_TRUE(r == 0 || r == -ENOENT);
	}
	EXPECT_EQ(h->nr_containers, 1);
	unmount_at("/tmp/ct_stress");
	struct hierarchy *h2;
	ASSERT_EQ(container_mount("cpuset,memset", &h2), 0); // all released
	container_umount(h2);
}
