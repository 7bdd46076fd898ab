// Tests of /proc: formats, reads at any offset, tasks that come and go.
#include "fs/fs_test.h"
#include "fs/procfs/procfs.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "lib/printf.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

static char pbuf[8192];

static long proc_read(const char *path)
{
	return fs_test_read_file(path, pbuf, sizeof(pbuf));
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

KTEST(procfs, meminfo_has_total_and_free_in_kb)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_GT(proc_read("/proc/meminfo"), 0);
	const char *t = strstr(pbuf, "MemTotal:");
	const char *f = strstr(pbuf, "MemFree:");
	ASSERT_TRUE(t && f);
	unsigned long long total = 0, free = 0;
	const char *p = t + 9;
	while (*p == ' ')
		p++;
	while (isdigit(*p))
		total = total * 10 + (*p++ - '0');
	EXPECT_EQ(strncmp(p, " kB\n", 4), 0);
	p = f + 8;
	while (*p == ' ')
		p++;
	while (isdigit(*p))
		free = free * 10 + (*p++ - '0');
	EXPECT_GT(total, 0);
	EXPECT_LE(free, total);
	EXPECT_EQ(strchr(t, '\n') - t, 16 + 8 + 3); // Linux's "%-16s%8lu kB" 
	FS_LEAK_CHECK_END();
}

KTEST(procfs, self_status_describes_the_reader)
{
	FS_LEAK_CHECK_BEGIN();
	struct task *t = current;
	if (!t || t->pid == 0) { // the runner is not a task: nothing to see
		EXPECT_EQ(proc_read("/proc/self/status"), -ENOENT);
		return;
	}
	ASSERT_GT(proc_read("/proc/self/status"), 0);
	char want[64];
	snprintf(want, sizeof(want), "Pid:\t%d\n", t->pid);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	snprintf(want, sizeof(want), "Name:\t%s\n", t->name);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	EXPECT_TRUE(strstr(pbuf, "State:\tR (running)\n") != NULL);
	FS_LEAK_CHECK_END();
}

static volatile int spin_stop;

static int proc_subject(void *arg)
{
	(void)arg;
	while (!READ_ONCE(spin_stop))
		sleep_ns(NSEC_PER_MSEC);
	return 3;
}

KTEST(procfs, pid_status_cmdline_numa_of_another_task)
{
	FS_LEAK_CHECK_BEGIN();
	spin_stop = 0;
	pid_t pid = kernel_spawn("subject", proc_subject, NULL);
	ASSERT_GT(pid, 0);
	char path[64], want[96];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT_GT(proc_read(path), 0);
	snprintf(want, sizeof(want), "Name:\tsubject\n");
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	snprintf(want, sizeof(want), "Pid:\t%d\n", pid);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	snprintf(want, sizeof(want), "PPid:\t%d\n", current ? current->pid : 0);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	EXPECT_TRUE(strstr(pbuf, "\nState:\t") != NULL);
	EXPECT_TRUE(strstr(pbuf, "\nCpu:\t") != NULL);
	char cpus[64], mems[64];
	cpumask_print(cpus, sizeof(cpus), &cpu_online_mask);
	nodemask_print(mems, sizeof(mems), &node_online_map);
	snprintf(want, sizeof(want), "Cpus_allowed_list:\t%s\n", cpus);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	snprintf(want, sizeof(want), "Mems_allowed_list:\t%s\n", mems);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	EXPECT_TRUE(strstr(pbuf, "\nVmAllocated:\t") != NULL);
	EXPECT_TRUE(strstr(pbuf, "\nSumExecRuntime:\t") != NULL);

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	EXPECT_EQ(proc_read(path), 8);
	EXPECT_STREQ(pbuf, "subject");
	snprintf(path, sizeof(path), "/proc/%d/numa", pid);
	ASSERT_GT(proc_read(path), 0);
	EXPECT_EQ(count_lines(pbuf), nodes_weight(&node_online_map));
	EXPECT_EQ(strncmp(pbuf, "node 0: 0 pages\n", 16), 0);

	snprintf(path, sizeof(path), "%d", pid);
	EXPECT_TRUE(fs_test_dir_has("/proc", path));
	snprintf(path, sizeof(path), "/proc/%d", pid);
	EXPECT_TRUE(fs_test_dir_has(path, "status"));
	EXPECT_TRUE(fs_test_dir_has(path, "cmdline"));
	EXPECT_TRUE(fs_test_dir_has(path, "numa"));
	spin_stop = 1;
	int status;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 3 << 8);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	EXPECT_EQ(proc_read(path), -ENOENT);
	snprintf(path, sizeof(path), "%d", pid);
	EXPECT_FALSE(fs_test_dir_has("/proc", path));
	FS_LEAK_CHECK_END();
}

KTEST(procfs, a_task_exiting_mid_read_leaves_a_consistent_copy)
{
	FS_LEAK_CHECK_BEGIN();
	spin_stop = 0;
	pid_t pid = kernel_spawn("exiter", proc_subject, NULL);
	ASSERT_GT(pid, 0);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	int fd = sys_open(path, O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	char first[16];
	EXPECT_EQ(sys_read(fd, first, 10), 10);
	spin_stop = 1;
	int status;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid); // gone and reaped
	long n = sys_read(fd, pbuf, sizeof(pbuf) - 1);
	EXPECT_GT(n, 0);
	pbuf[n > 0 ? n : 0] = 0;
	char want[32];
	snprintf(want, sizeof(want), "Pid:\t%d\n", pid);
	EXPECT_TRUE(strstr(pbuf, want) != NULL);
	EXPECT_EQ(memcmp(first, "Name:\texit", 10), 0);
	// Reading again from the start finds no task.
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_read(fd, pbuf, 10), -ESRCH);
	sys_close(fd);
	EXPECT_EQ(sys_open(path, O_RDONLY, 0), -ENOENT);
	FS_LEAK_CHECK_END();
}

KTEST(procfs, reads_of_any_size_at_any_offset_agree)
{
	FS_LEAK_CHECK_BEGIN();
	static char whole[4096], pieces[4096];
	long len = fs_test_read_file("/proc/nodes", whole, sizeof(whole));
	ASSERT_GT(len, 0);
	int fd = sys_open("/proc/nodes", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	long got = 0, n;
	while ((n = sys_read(fd, pieces + got, 1 + got % 3)) > 0)
		got += n;
	EXPECT_EQ(got, len);
	EXPECT_EQ(memcmp(whole, pieces, len), 0);
	EXPECT_EQ(sys_lseek(fd, len - 5, SEEK_SET), len - 5);
	EXPECT_EQ(sys_read(fd, pieces, 100), 5);
	EXPECT_EQ(memcmp(pieces, whole + len - 5, 5), 0);
	EXPECT_EQ(sys_lseek(fd, len + 10, SEEK_SET), len + 10);
	EXPECT_EQ(sys_read(fd, pieces, 100), 0);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(procfs, nodes_lists_each_node_then_distances)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_GT(proc_read("/proc/nodes"), 0);
	int nodes = nodes_weight(&node_online_map);
	EXPECT_EQ(count_lines(pbuf), 2 * nodes);
	char want[128];
	cpumask_t mask;
	char list[64];
	node_to_cpumask(0, &mask);
	cpumask_print(list, sizeof(list), &mask);
	snprintf(want, sizeof(want), "node 0 cpus %s size_kb %llu free_kb ", list,
		 node_total_pages(0) * 4);
	EXPECT_EQ(strncmp(pbuf, want, strlen(want)), 0);
	EXPECT_TRUE(strstr(pbuf, "distances 0: 10") != NULL);
	if (nodes == 2)
		EXPECT_TRUE(strstr(pbuf, "distances 1: 20 10\n") != NULL);
	FS_LEAK_CHECK_END();
}

KTEST(procfs, system_files_have_their_formats)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_GT(proc_read("/proc/cpuinfo"), 0);
	int cpus = 0;
	for (const char *p = pbuf; (p = strstr(p, "processor\t: ")); p++)
		cpus++;
	EXPECT_EQ(cpus, cpumask_weight(&cpu_online_mask));
	ASSERT_GT(proc_read("/proc/uptime"), 0);
	EXPECT_EQ(count_lines(pbuf), 1);
	EXPECT_TRUE(strchr(pbuf, '.') != NULL);
	ASSERT_GT(proc_read("/proc/loadavg"), 0);
	EXPECT_EQ(count_lines(pbuf), 1);
	EXPECT_TRUE(strchr(pbuf, '/') != NULL);
	ASSERT_GT(proc_read("/proc/zoneinfo"), 0);
	EXPECT_TRUE(strstr(pbuf, "Node 0, zone ") != NULL);
	EXPECT_TRUE(strstr(pbuf, "pages free") != NULL);
	ASSERT_GT(proc_read("/proc/mounts"), 0);
	EXPECT_TRUE(strstr(pbuf, "rootfs / ramfs rw 0 0\n") != NULL);
	EXPECT_TRUE(strstr(pbuf, "tmpfs /tmp ramfs rw 0 0\n") != NULL);
	EXPECT_TRUE(strstr(pbuf, "devfs /dev devfs rw 0 0\n") != NULL);
	EXPECT_TRUE(strstr(pbuf, "proc /proc proc rw 0 0\n") != NULL);
	FS_LEAK_CHECK_END();
}

KTEST(procfs, listing_and_missing_entries)
{
	FS_LEAK_CHECK_BEGIN();
	EXPECT_TRUE(fs_test_dir_has("/proc", "meminfo"));
	EXPECT_TRUE(fs_test_dir_has("/proc", "nodes"));
	EXPECT_TRUE(fs_test_dir_has("/proc", "sys"));
	EXPECT_TRUE(fs_test_dir_has("/proc/sys", "fs"));
	EXPECT_TRUE(fs_test_dir_has("/proc/sys/fs", "file-nr"));
	EXPECT_TRUE(fs_test_dir_has("/proc", "1")); // init
	struct kstat st;
	EXPECT_EQ(sys_stat("/proc/nosuch", &st), -ENOENT);
	EXPECT_EQ(sys_stat("/proc/99999", &st), -ENOENT);
	EXPECT_EQ(sys_stat("/proc/007", &st), -ENOENT);
	EXPECT_EQ(sys_stat("/proc/1/nosuch", &st), -ENOENT);
	EXPECT_EQ(sys_stat("/proc/meminfo", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 0444);
	EXPECT_EQ(sys_open("/proc/newfile", O_RDWR | O_CREAT, 0644), -ENOENT); // as Linux
	EXPECT_EQ(sys_open("/proc/1/newfile", O_WRONLY | O_CREAT | O_TRUNC, 0644), -ENOENT);
	EXPECT_EQ(sys_mkdir("/proc/newdir", 0755), -ENOENT);
	EXPECT_EQ(sys_stat("/proc/newfile", &st), -ENOENT); // nothing was left behind
	EXPECT_EQ(sys_unlink("/proc/meminfo"), -EPERM);
	int fd = sys_open("/proc/meminfo", O_WRONLY, 0);
	EXPECT_EQ(sys_write(fd, "x", 1), -EINVAL); // a read-only file
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

// The helper for other filesystems: a registered file whose store()
// gets whole writes and whose errors come back from write().
static int test_value = 42;
static int test_show(struct seq_buf *s)
{
	seq_printf(s, "%d\n", test_value);
	return 0;
}
static int test_store(const char *buf, size_t len)
{
	int v;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0 || kstrtoint(buf, 10, &v) < 0)
		return -EINVAL;
	if (v < 0)
		return -ERANGE;
	test_value = v;
	return 0;
}

KTEST(procfs, synthetic_file_store_gets_whole_writes_and_reports_errors)
{
	FS_LEAK_CHECK_BEGIN();
	static bool registered;
	if (!registered) {
		ASSERT_EQ(proc_create("sys/test/value", test_show, test_store), 0);
		registered = true;
	}
	EXPECT_EQ(proc_create("sys/test/value", test_show, test_store), -EEXIST);
	EXPECT_EQ(proc_create("meminfo/x", test_show, NULL), -ENOTDIR);
	int fd = sys_open("/proc/sys/test/value", O_RDWR, 0);
	ASSERT_GE(fd, 0);
	char buf[16] = {0};
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 3);
	EXPECT_STREQ(buf, "42\n");
	EXPECT_EQ(sys_write(fd, "1234\n", 5), 5);
	EXPECT_EQ(test_value, 1234);
	EXPECT_EQ(sys_write(fd, "12x", 3), -EINVAL);
	EXPECT_EQ(sys_write(fd, "-5", 2), -ERANGE);
	EXPECT_EQ(test_value, 1234);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 5); // regenerated
	EXPECT_STREQ(buf, "1234\n");
	sys_close(fd);
	test_value = 42;
	FS_LEAK_CHECK_END();
}
