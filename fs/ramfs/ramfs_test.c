// Tests of ramfs: file data of any size, truncation, stat fields, unlink
// while open, rename, many files, deep trees, concurrent use.
#include "fs/fs_test.h"
#include "fs/ramfs/page_tree.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

KTEST(ramfs, write_then_read_back)
{
	FS_LEAK_CHECK_BEGIN();
	char buf[32];
	ASSERT_EQ(fs_test_write_file("/tmp/rf_a", "hello, ramfs"), 12);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_a", buf, sizeof(buf)), 12);
	EXPECT_STREQ(buf, "hello, ramfs");
	EXPECT_EQ(sys_unlink("/tmp/rf_a"), 0);
	FS_LEAK_CHECK_END();
}

// A file larger than one page-tree node covers (2 MiB), written in odd
// chunks and read back in others; its pages go back when it is removed.
KTEST(ramfs, large_file_round_trips_and_frees_its_pages)
{
	FS_LEAK_CHECK_BEGIN();
	const size_t size = 3 * 1024 * 1024 + 123, chunk = 10000;
	char *buf = kmalloc(chunk, GFP_KERNEL);
	ASSERT_TRUE(buf != NULL);
	u64 free_before = nr_free_pages();
	int fd = sys_open("/tmp/rf_big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = MIN(chunk, size - off);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)((off + i) * 7 + (off + i) / 4096);
		ASSERT_EQ(sys_write(fd, buf, n), (long)n);
	}
	struct kstat st;
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, size);
	EXPECT_EQ(st.st_blocks, (size + 4095) / 4096 * 8);
	EXPECT_LE(nr_free_pages() + (size + 4095) / 4096, free_before);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	size_t off = 0, bad = 0;
	long n;
	while ((n = sys_read(fd, buf, 4096 - 7)) > 0) {
		for (long i = 0; i < n; i++, off++)
			bad += buf[i] != (char)(off * 7 + off / 4096);
	}
	EXPECT_EQ(off, size);
	EXPECT_EQ(bad, 0);
	sys_close(fd);
	EXPECT_EQ(sys_unlink("/tmp/rf_big"), 0);
	kfree(buf);
	drain_local_pages();
	EXPECT_GE(nr_free_pages() + 64, free_before); // per-CPU lists may hold a few
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, sparse_file_reads_zeros_in_holes)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/tmp/rf_sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	const off_t far = 10LL * 1024 * 1024 * 1024; // 10 GiB: a 3-level tree
	EXPECT_EQ(sys_lseek(fd, far, SEEK_SET), far);
	EXPECT_EQ(sys_write(fd, "end", 3), 3);
	struct kstat st;
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, far + 3);
	EXPECT_EQ(st.st_blocks, 8); // one data page
	char buf[16];
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(sys_lseek(fd, far - 8, SEEK_SET), far - 8);
	EXPECT_EQ(sys_read(fd, buf, 16), 11);
	EXPECT_EQ(memcmp(buf, "\0\0\0\0\0\0\0\0end", 11), 0);
	sys_close(fd);
	EXPECT_EQ(sys_unlink("/tmp/rf_sparse"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, truncate_shrinks_and_extends_with_zeros)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/tmp/rf_trunc", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	char buf[8192];
	memset(buf, 'a', sizeof(buf));
	ASSERT_EQ(sys_write(fd, buf, sizeof(buf)), 8192);
	EXPECT_EQ(sys_ftruncate(fd, 100), 0);
	struct kstat st;
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 100);
	EXPECT_EQ(st.st_blocks, 8);
	EXPECT_EQ(sys_ftruncate(fd, 5000), 0);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_read(fd, buf, sizeof(buf)), 5000);
	size_t bad = 0;
	for (int i = 0; i < 5000; i++)
		bad += buf[i] != (i < 100 ? 'a' : 0);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(sys_ftruncate(fd, -1), -EINVAL);
	EXPECT_EQ(sys_ftruncate(fd, 0), 0);
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_blocks, 0);
	sys_close(fd);
	fd = sys_open("/tmp/rf_trunc", O_RDONLY, 0);
	EXPECT_EQ(sys_ftruncate(fd, 0), -EINVAL); // not open for writing
	sys_close(fd);
	EXPECT_EQ(sys_unlink("/tmp/rf_trunc"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, o_trunc_empties_and_o_append_appends)
{
	FS_LEAK_CHECK_BEGIN();
	char buf[32];
	ASSERT_EQ(fs_test_write_file("/tmp/rf_app", "first"), 5);
	int fd = sys_open("/tmp/rf_app", O_WRONLY | O_APPEND, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_write(fd, "+more", 5), 5); // at the end regardless
	sys_close(fd);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_app", buf, sizeof(buf)), 10);
	EXPECT_STREQ(buf, "first+more");
	fd = sys_open("/tmp/rf_app", O_WRONLY | O_TRUNC, 0);
	sys_close(fd);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_app", buf, sizeof(buf)), 0);
	EXPECT_EQ(sys_unlink("/tmp/rf_app"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, stat_fields_make_ls_l_meaningful)
{
	FS_LEAK_CHECK_BEGIN();
	struct kstat d, f, f2, parent;
	ASSERT_EQ(sys_mkdir("/tmp/rf_st", 0750), 0);
	ASSERT_EQ(sys_stat("/tmp/rf_st", &d), 0);
	EXPECT_EQ(d.st_mode, S_IFDIR | 0750);
	EXPECT_EQ(d.st_nlink, 2);
	ASSERT_EQ(sys_mkdir("/tmp/rf_st/sub1", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/rf_st/sub2", 0755), 0);
	ASSERT_EQ(fs_test_write_file("/tmp/rf_st/f", "12345"), 5);
	ASSERT_EQ(fs_test_write_file("/tmp/rf_st/f2", ""), 0);
	ASSERT_EQ(sys_stat("/tmp/rf_st", &parent), 0);
	EXPECT_EQ(parent.st_nlink, 4); // ., its entry, two subdirectories' ..
	EXPECT_GE(parent.st_mtime_ns, d.st_mtime_ns);
	ASSERT_EQ(sys_stat("/tmp/rf_st/f", &f), 0);
	ASSERT_EQ(sys_stat("/tmp/rf_st/f2", &f2), 0);
	EXPECT_EQ(f.st_mode, S_IFREG | 0644);
	EXPECT_EQ(f.st_nlink, 1);
	EXPECT_EQ(f.st_size, 5);
	EXPECT_EQ(f.st_blocks, 8);
	EXPECT_NE(f.st_ino, f2.st_ino);
	EXPECT_EQ(f.st_dev, f2.st_dev);
	EXPECT_GT(f.st_mtime_ns, 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_st/sub1"), 0);
	ASSERT_EQ(sys_stat("/tmp/rf_st", &parent), 0);
	EXPECT_EQ(parent.st_nlink, 3);
	EXPECT_EQ(sys_rmdir("/tmp/rf_st/sub2"), 0);
	EXPECT_EQ(sys_unlink("/tmp/rf_st/f"), 0);
	EXPECT_EQ(sys_unlink("/tmp/rf_st/f2"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_st"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, unlinked_open_file_keeps_its_data_until_last_close)
{
	FS_LEAK_CHECK_BEGIN();
	long inodes = inodes_count();
	int fd = sys_open("/tmp/rf_unl", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	int fd2 = sys_open("/tmp/rf_unl", O_RDONLY, 0);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(sys_write(fd, "still here", 10), 10);
	EXPECT_EQ(sys_unlink("/tmp/rf_unl"), 0);
	struct kstat st;
	EXPECT_EQ(sys_stat("/tmp/rf_unl", &st), -ENOENT);
	EXPECT_FALSE(fs_test_dir_has("/tmp", "rf_unl"));
	EXPECT_EQ(sys_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_nlink, 0);
	EXPECT_EQ(sys_write(fd, "!", 1), 1);
	char buf[16] = {0};
	EXPECT_EQ(sys_read(fd2, buf, sizeof(buf)), 11);
	EXPECT_STREQ(buf, "still here!");
	// A new file of that name is another file.
	ASSERT_EQ(fs_test_write_file("/tmp/rf_unl", "new"), 3);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(inodes_count(), inodes + 2); // fd2's and the new file's
	EXPECT_EQ(sys_close(fd2), 0);
	EXPECT_EQ(inodes_count(), inodes + 1); // gone with the last close
	EXPECT_EQ(sys_unlink("/tmp/rf_unl"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, rename_moves_replaces_and_refuses)
{
	FS_LEAK_CHECK_BEGIN();
	char buf[16];
	struct kstat st;
	ASSERT_EQ(sys_mkdir("/tmp/rf_mv", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/rf_mv/d1", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/rf_mv/d2", 0755), 0);
	ASSERT_EQ(fs_test_write_file("/tmp/rf_mv/a", "A"), 1);
	ASSERT_EQ(fs_test_write_file("/tmp/rf_mv/b", "B"), 1);
	// A plain move, into another directory.
	EXPECT_EQ(sys_rename("/tmp/rf_mv/a", "/tmp/rf_mv/d1/a2"), 0);
	EXPECT_EQ(sys_stat("/tmp/rf_mv/a", &st), -ENOENT);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_mv/d1/a2", buf, sizeof(buf)), 1);
	// Over an existing file: the old one is replaced.
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d1/a2", "/tmp/rf_mv/b"), 0);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_mv/b", buf, sizeof(buf)), 1);
	EXPECT_STREQ(buf, "A");
	// Onto itself: nothing happens.
	EXPECT_EQ(sys_rename("/tmp/rf_mv/b", "/tmp/rf_mv/b"), 0);
	EXPECT_EQ(sys_stat("/tmp/rf_mv/b", &st), 0);
	// Errors.
	EXPECT_EQ(sys_rename("/tmp/rf_mv/missing", "/tmp/rf_mv/x"), -ENOENT);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/b", "/tmp/rf_mv/nodir/x"), -ENOENT);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d1", "/tmp/rf_mv/d1/in"), -EINVAL);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d1", "/tmp/rf_mv/b"), -ENOTDIR);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/b", "/tmp/rf_mv/d1"), -EISDIR);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/.", "/tmp/rf_mv/x"), -EINVAL);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/b/", "/tmp/rf_mv/x"), -ENOTDIR);
	ASSERT_EQ(fs_test_write_file("/tmp/rf_mv/d2/f", ""), 0);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d1", "/tmp/rf_mv/d2"), -ENOTEMPTY);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d2/f", "/tmp/rf_mv/d2/.."), -EINVAL);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d2/f", "/tmp/rf_mv"), -EISDIR);
	EXPECT_EQ(sys_unlink("/tmp/rf_mv/d2/f"), 0);
	// A directory over an empty directory, with its contents; and the
	// link counts follow.
	ASSERT_EQ(fs_test_write_file("/tmp/rf_mv/d1/inside", "i"), 1);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d1", "/tmp/rf_mv/d2"), 0);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_mv/d2/inside", buf, sizeof(buf)), 1);
	EXPECT_EQ(sys_stat("/tmp/rf_mv", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	EXPECT_EQ(sys_mkdir("/tmp/rf_mv/d3", 0755), 0);
	EXPECT_EQ(sys_rename("/tmp/rf_mv/d2", "/tmp/rf_mv/d3/d2"), 0);
	EXPECT_EQ(sys_stat("/tmp/rf_mv", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	EXPECT_EQ(sys_stat("/tmp/rf_mv/d3", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	// A long name (beyond the inline buffer), then back to a short one.
	const char *longname = "/tmp/rf_mv/a_name_much_longer_than_forty_bytes_to_need_kmalloc";
	EXPECT_EQ(sys_rename("/tmp/rf_mv/b", longname), 0);
	EXPECT_EQ(fs_test_read_file(longname, buf, sizeof(buf)), 1);
	EXPECT_EQ(sys_rename(longname, "/tmp/rf_mv/c"), 0);
	EXPECT_EQ(fs_test_read_file("/tmp/rf_mv/c", buf, sizeof(buf)), 1);
	EXPECT_EQ(sys_unlink("/tmp/rf_mv/c"), 0);
	EXPECT_EQ(sys_unlink("/tmp/rf_mv/d3/d2/inside"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_mv/d3/d2"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_mv/d3"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_mv"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, rename_keeps_open_files_and_cwd_working)
{
	FS_LEAK_CHECK_BEGIN();
	char cwd[64];
	ASSERT_EQ(sys_mkdir("/tmp/rf_rc", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/rf_rc/in", 0755), 0);
	ASSERT_EQ(sys_chdir("/tmp/rf_rc/in"), 0);
	int fd = sys_open("f", O_RDWR | O_CREAT, 0644);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_rename("/tmp/rf_rc", "/tmp/rf_rc2"), 0);
	EXPECT_GT(sys_getcwd(cwd, sizeof(cwd)), 0);
	EXPECT_STREQ(cwd, "/tmp/rf_rc2/in");
	EXPECT_EQ(sys_write(fd, "ok", 2), 2);
	sys_close(fd);
	struct kstat st;
	EXPECT_EQ(sys_stat("../in/f", &st), 0);
	EXPECT_EQ(st.st_size, 2);
	EXPECT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_unlink("/tmp/rf_rc2/in/f"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_rc2/in"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_rc2"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(ramfs, many_files_in_one_directory)
{
	FS_LEAK_CHECK_BEGIN();
	const int n = 2000;
	char name[48];
	ASSERT_EQ(sys_mkdir("/tmp/rf_many", 0755), 0);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/tmp/rf_many/file-%d", i);
		int fd = sys_open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		ASSERT_GE(fd, 0);
		sys_write(fd, name, strlen(name));
		sys_close(fd);
	}
	EXPECT_EQ(fs_test_count_entries("/tmp/rf_many"), n + 2);
	char buf[48];
	for (int i = 0; i < n; i += 97) {
		snprintf(name, sizeof(name), "/tmp/rf_many/file-%d", i);
		EXPECT_EQ(fs_test_read_file(name, buf, sizeof(buf)), (long)strlen(name));
		EXPECT_STREQ(buf, name);
	}
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/tmp/rf_many/file-%d", i);
		ASSERT_EQ(sys_unlink(name), 0);
	}
	EXPECT_EQ(sys_rmdir("/tmp/rf_many"), 0);
	FS_LEAK_CHECK_END();
}

// A tree deeper than any path can name from the root, built and removed
// with relative paths.
KTEST(ramfs, deep_directories)
{
	FS_LEAK_CHECK_BEGIN();
	const int depth = 2500; // "/d" * 2500 = 5000 bytes > PATH_MAX
	ASSERT_EQ(sys_mkdir("/tmp/rf_deep", 0755), 0);
	ASSERT_EQ(sys_chdir("/tmp/rf_deep"), 0);
	for (int i = 0; i < depth; i++) {
		ASSERT_EQ(sys_mkdir("d", 0755), 0);
		ASSERT_EQ(sys_chdir("d"), 0);
	}
	ASSERT_EQ(fs_test_write_file("leaf", "deep"), 4);
	char cwd[64];
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), -ERANGE);
	char *big = kmalloc(8192, GFP_KERNEL);
	EXPECT_EQ(sys_getcwd(big, 8192), 13 + 2 * depth);
	kfree(big);
	EXPECT_EQ(sys_unlink("leaf"), 0);
	for (int i = 0; i < depth; i++) {
		ASSERT_EQ(sys_chdir(".."), 0);
		ASSERT_EQ(sys_rmdir("d"), 0);
	}
	EXPECT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_deep"), 0);
	FS_LEAK_CHECK_END();
}

// Removing a deep tree at once (umount) must not recurse on the stack.
KTEST(ramfs, umount_frees_a_deep_tree)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(sys_mkdir("/tmp/rf_um", 0755), 0);
	ASSERT_EQ(sys_mount("none", "/tmp/rf_um", "ramfs", NULL), 0);
	ASSERT_EQ(sys_chdir("/tmp/rf_um"), 0);
	for (int i = 0; i < 3000; i++) {
		ASSERT_EQ(sys_mkdir("d", 0755), 0);
		ASSERT_EQ(fs_test_write_file("f", "x"), 1);
		ASSERT_EQ(sys_chdir("d"), 0);
	}
	ASSERT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_umount("/tmp/rf_um"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/rf_um"), 0);
	FS_LEAK_CHECK_END();
}

// ---- concurrency (needs tasks) ----

struct conc_arg {
	int cpu;
	int rounds;
	int errors;
};

static int conc_worker(void *p)
{
	struct conc_arg *a = p;
	cpumask_t mask = CPU_MASK_NONE;
	cpumask_set_cpu(a->cpu, &mask);
	sched_setaffinity(0, &mask);
	char name[48];
	for (int r = 0; r < a->rounds; r++) {
		snprintf(name, sizeof(name), "/tmp/rf_conc/c%d-%d", a->cpu, r % 16);
		int fd = sys_open(name, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			a->errors++;
			continue;
		}
		if (sys_write(fd, name, 8) != 8)
			a->errors++;
		sys_close(fd);
		if (r % 16 == 15) { // remove this batch
			for (int k = 0; k < 16; k++) {
				snprintf(name, sizeof(name), "/tmp/rf_conc/c%d-%d", a->cpu, k);
				if (sys_unlink(name) != 0)
					a->errors++;
			}
		}
		// Shared names: everyone races to make and remove these.
		snprintf(name, sizeof(name), "/tmp/rf_conc/shared%d", r % 4);
		fd = sys_open(name, O_RDWR | O_CREAT, 0644);
		if (fd >= 0)
			sys_close(fd);
		else
			a->errors++;
		int u = sys_unlink(name);
		if (u != 0 && u != -ENOENT)
			a->errors++;
	}
	return 0;
}

KTEST(ramfs, concurrent_create_unlink_from_all_cpus_in_one_directory)
{
	FS_LEAK_CHECK_BEGIN();
	static struct conc_arg args[NR_CPUS];
	pid_t pids[NR_CPUS];
	int n = 0, cpu;
	ASSERT_EQ(sys_mkdir("/tmp/rf_conc", 0755), 0);
	for_each_cpu(cpu, &cpu_online_mask) {
		args[n] = (struct conc_arg){.cpu = cpu, .rounds = 400};
		pids[n] = kernel_spawn("rf_conc", conc_worker, &args[n]);
		ASSERT_GT(pids[n], 0);
		n++;
	}
	for (int i = 0; i < n; i++) {
		int status = -1;
		EXPECT_EQ(do_waitpid(pids[i], &status, 0), pids[i]);
		EXPECT_EQ(status, 0);
		EXPECT_EQ(args[i].errors, 0);
	}
	EXPECT_EQ(fs_test_count_entries("/tmp/rf_conc"), 2);
	EXPECT_EQ(sys_rmdir("/tmp/rf_conc"), 0);
	FS_LEAK_CHECK_END();
}

// File pages come from the writer's allowed nodes.
struct node_write {
	int nid;
	int err;
};

static int write_on_node(void *arg)
{
	struct node_write *w = arg;
	nodemask_t only = NODE_MASK_NONE;
	node_set(w->nid, &only);
	set_mems_allowed(current, &only);
	char *buf = kmalloc(4096, GFP_KERNEL);
	memset(buf, 'n', 4096);
	int fd = sys_open("/tmp/rf_node", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 16; i++)
		if (sys_write(fd, buf, 4096) != 4096)
			w->err++;
	sys_close(fd);
	kfree(buf);
	return 0;
}

KTEST(ramfs, file_pages_come_from_the_writers_allowed_nodes)
{
	FS_LEAK_CHECK_BEGIN();
	int nid;
	for_each_online_node(nid) {
		struct node_write w = {.nid = nid};
		pid_t pid = kernel_spawn("rf_node", write_on_node, &w);
		ASSERT_GT(pid, 0);
		int status;
		EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
		EXPECT_EQ(w.err, 0);
		struct path p;
		ASSERT_EQ(path_lookup("/tmp/rf_node", 0, &p), 0);
		struct page_tree *t = p.dentry->inode->private;
		int wrong = 0;
		for (u64 i = 0; i < 16; i++) {
			void *page = page_tree_lookup(t, i);
			wrong += !page || page_to_nid(page) != nid;
		}
		EXPECT_EQ(wrong, 0);
		path_put(&p);
		EXPECT_EQ(sys_unlink("/tmp/rf_node"), 0);
	}
	FS_LEAK_CHECK_END();
}

// The diagnostics the torture suite uses on a page charged to a container
// that stays busy: which file holds it, and whether that file is linked.
KTEST(ramfs, page_owner_names_the_file_that_holds_a_page)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/tmp/rf_owner", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	char chunk[PAGE_SIZE] = {1};
	EXPECT_EQ(sys_write(fd, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
	EXPECT_EQ(sys_lseek(fd, 600 * PAGE_SIZE, SEEK_SET), 600 * PAGE_SIZE); // height 2
	EXPECT_EQ(sys_write(fd, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
	struct path p;
	ASSERT_EQ(path_lookup("/tmp/rf_owner", 0, &p), 0);
	struct inode *inode = p.dentry->inode;
	void *page = page_tree_lookup(inode->private, 600);
	ASSERT_NE(page, NULL);
	char want[64], got[96];
	snprintf(want, sizeof(want), "in ramfs inode %llu (size %llu, nlink 1,",
		 (unsigned long long)inode->ino, (unsigned long long)inode->size);
	ramfs_page_owner(page, got, sizeof(got));
	EXPECT_EQ(strncmp(got, want, strlen(want)), 0);
	path_put(&p);
	EXPECT_EQ(sys_unlink("/tmp/rf_owner"), 0); // open still: nlink 0
	ramfs_page_owner(page, got, sizeof(got));
	EXPECT_NE(strstr(got, "nlink 0,"), NULL);
	void *other = alloc_page(GFP_KERNEL);
	ASSERT_NE(other, NULL);
	ramfs_page_owner(other, got, sizeof(got));
	EXPECT_STREQ(got, "in no ramfs file");
	free_page(other);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}
