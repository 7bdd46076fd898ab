// Tests of the VFS core: path walk, descriptors, the open-file table,
// mounts and the errno of every failing operation.
#include "fs/fs_test.h"
#include "fs/internal.h"
#include "lib/printf.h"
#include "kernel/task.h"
#include "mm/slab.h"

long fs_test_count_entries(const char *path)
{
	int fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	char *buf = kmalloc(4096, GFP_KERNEL);
	long count = 0, n;
	while ((n = sys_getdents(fd, buf, 4096)) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent *de = (struct kdirent *)(buf + off);
			count++;
			off += de->d_reclen;
		}
	}
	kfree(buf);
	sys_close(fd);
	return n < 0 ? n : count;
}

bool fs_test_dir_has(const char *path, const char *name)
{
	int fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return false;
	char *buf = kmalloc(4096, GFP_KERNEL);
	bool found = false;
	long n;
	while (!found && (n = sys_getdents(fd, buf, 4096)) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent *de = (struct kdirent *)(buf + off);
			if (strcmp(de->d_name, name) == 0)
				found = true;
			off += de->d_reclen;
		}
	}
	kfree(buf);
	sys_close(fd);
	return found;
}

KTEST(vfs, open_missing_file_fails_enoent)
{
	FS_LEAK_CHECK_BEGIN();
	EXPECT_EQ(sys_open("/tmp/vfs_no_such", O_RDONLY, 0), -ENOENT);
	EXPECT_EQ(sys_open("/no_dir/x", O_RDONLY, 0), -ENOENT);
	EXPECT_EQ(sys_open("", O_RDONLY, 0), -ENOENT);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, open_creat_makes_file_and_excl_fails_eexist)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/tmp/vfs_creat", O_RDWR | O_CREAT | O_EXCL, 0644);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_open("/tmp/vfs_creat", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
	fd = sys_open("/tmp/vfs_creat", O_RDWR | O_CREAT, 0644); // exists: fine
	EXPECT_GE(fd, 0);
	sys_close(fd);
	EXPECT_EQ(sys_unlink("/tmp/vfs_creat"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, open_directory_for_writing_fails_eisdir)
{
	FS_LEAK_CHECK_BEGIN();
	EXPECT_EQ(sys_open("/tmp", O_WRONLY, 0), -EISDIR);
	EXPECT_EQ(sys_open("/tmp", O_RDWR, 0), -EISDIR);
	EXPECT_EQ(sys_open("/tmp", O_RDONLY | O_CREAT, 0), -EISDIR);
	EXPECT_EQ(sys_open("/tmp/", O_RDONLY | O_CREAT, 0), -EISDIR);
	int fd = sys_open("/tmp", O_RDONLY, 0);
	EXPECT_GE(fd, 0);
	char c;
	EXPECT_EQ(sys_read(fd, &c, 1), -EISDIR);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, walking_through_a_file_fails_enotdir)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_file", "x"), 1);
	EXPECT_EQ(sys_open("/tmp/vfs_file/x", O_RDONLY, 0), -ENOTDIR);
	EXPECT_EQ(sys_open("/tmp/vfs_file/", O_RDONLY, 0), -ENOTDIR);
	EXPECT_EQ(sys_open("/tmp/vfs_file", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_file/d", 0755), -ENOTDIR);
	EXPECT_EQ(sys_chdir("/tmp/vfs_file"), -ENOTDIR);
	EXPECT_EQ(sys_unlink("/tmp/vfs_file/"), -ENOTDIR);
	EXPECT_EQ(sys_unlink("/tmp/vfs_file"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, names_longer_than_255_fail_enametoolong)
{
	FS_LEAK_CHECK_BEGIN();
	char path[300];
	strcpy(path, "/tmp/");
	for (int i = 0; i < 255; i++)
		path[5 + i] = 'a';
	path[260] = 0;
	int fd = sys_open(path, O_RDWR | O_CREAT, 0644); // exactly 255: fine
	EXPECT_GE(fd, 0);
	sys_close(fd);
	EXPECT_TRUE(fs_test_dir_has("/tmp", path + 5));
	EXPECT_EQ(sys_unlink(path), 0);
	path[260] = 'a';
	path[261] = 0;
	EXPECT_EQ(sys_open(path, O_RDWR | O_CREAT, 0644), -ENAMETOOLONG);
	EXPECT_EQ(sys_mkdir(path, 0755), -ENAMETOOLONG);
	EXPECT_EQ(sys_stat(path, &(struct kstat){0}), -ENAMETOOLONG);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, paths_of_4096_bytes_fail_enametoolong)
{
	FS_LEAK_CHECK_BEGIN();
	char *path = kmalloc(PATH_MAX + 8, GFP_KERNEL);
	ASSERT_TRUE(path != NULL);
	// "/./././...": valid components, 4095 bytes is the longest path.
	for (int i = 0; i < PATH_MAX - 1; i++)
		path[i] = i % 2 ? '.' : '/';
	path[PATH_MAX - 1] = 0;
	struct kstat st;
	EXPECT_EQ(sys_stat(path, &st), 0);
	path[PATH_MAX - 1] = '/';
	path[PATH_MAX] = 0;
	EXPECT_EQ(sys_stat(path, &st), -ENAMETOOLONG);
	kfree(path);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, dot_and_dotdot_walk_and_root_dotdot_is_root)
{
	FS_LEAK_CHECK_BEGIN();
	struct kstat root, st;
	ASSERT_EQ(sys_stat("/", &root), 0);
	ASSERT_EQ(sys_mkdir("/tmp/vfs_dots", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/vfs_dots/a", 0755), 0);
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_dots/f", "hi"), 2);
	EXPECT_EQ(sys_stat("/tmp/vfs_dots/./a/../f", &st), 0);
	EXPECT_EQ(st.st_size, 2);
	EXPECT_EQ(sys_stat("/../../..", &st), 0);
	EXPECT_EQ(st.st_ino, root.st_ino);
	EXPECT_EQ(sys_stat("//tmp///vfs_dots//f", &st), 0);
	EXPECT_EQ(sys_stat("/tmp/vfs_dots/a/../../vfs_dots/a/.", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(sys_unlink("/tmp/vfs_dots/f"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_dots/a"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_dots"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, mounts_are_crossed_down_and_up)
{
	FS_LEAK_CHECK_BEGIN();
	struct kstat root, tmp, tmp_dotdot, proc_dotdot;
	ASSERT_EQ(sys_stat("/", &root), 0);
	ASSERT_EQ(sys_stat("/tmp", &tmp), 0);
	EXPECT_NE(tmp.st_dev, root.st_dev); // /tmp is the mounted ramfs's root
	ASSERT_EQ(sys_stat("/tmp/..", &tmp_dotdot), 0);
	EXPECT_EQ(tmp_dotdot.st_ino, root.st_ino);
	EXPECT_EQ(tmp_dotdot.st_dev, root.st_dev);
	ASSERT_EQ(sys_stat("/proc/../dev/../tmp/.", &proc_dotdot), 0);
	EXPECT_EQ(proc_dotdot.st_ino, tmp.st_ino);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, relative_paths_start_at_cwd)
{
	FS_LEAK_CHECK_BEGIN();
	char cwd[64];
	ASSERT_EQ(sys_mkdir("/tmp/vfs_cwd", 0755), 0);
	ASSERT_EQ(sys_chdir("/tmp/vfs_cwd"), 0);
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), 13);
	EXPECT_STREQ(cwd, "/tmp/vfs_cwd");
	EXPECT_EQ(fs_test_write_file("rel", "abc"), 3);
	struct kstat st;
	EXPECT_EQ(sys_stat("/tmp/vfs_cwd/rel", &st), 0);
	EXPECT_EQ(sys_chdir(".."), 0);
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), 5);
	EXPECT_STREQ(cwd, "/tmp");
	EXPECT_EQ(sys_stat("vfs_cwd/rel", &st), 0);
	EXPECT_EQ(sys_chdir(".."), 0); // up across the mount
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), 2);
	EXPECT_STREQ(cwd, "/");
	EXPECT_EQ(sys_getcwd(cwd, 3), 2);
	EXPECT_EQ(sys_chdir("tmp/vfs_cwd"), 0);
	EXPECT_EQ(sys_getcwd(cwd, 5), -ERANGE);
	EXPECT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_unlink("/tmp/vfs_cwd/rel"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_cwd"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, getcwd_of_removed_directory_fails_enoent)
{
	FS_LEAK_CHECK_BEGIN();
	char cwd[64];
	ASSERT_EQ(sys_mkdir("/tmp/vfs_gone", 0755), 0);
	ASSERT_EQ(sys_chdir("/tmp/vfs_gone"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_gone"), 0);
	EXPECT_EQ(sys_getcwd(cwd, sizeof(cwd)), -ENOENT);
	EXPECT_EQ(sys_open("x", O_RDWR | O_CREAT, 0644), -ENOENT); // no new entries
	EXPECT_EQ(sys_mkdir("y", 0755), -ENOENT);                  // in a removed dir
	EXPECT_EQ(sys_chdir("/"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, bad_descriptors_fail_ebadf)
{
	FS_LEAK_CHECK_BEGIN();
	char c;
	EXPECT_EQ(sys_close(-1), -EBADF);
	EXPECT_EQ(sys_close(200), -EBADF);
	EXPECT_EQ(sys_close(100000), -EBADF);
	EXPECT_EQ(sys_read(77, &c, 1), -EBADF);
	EXPECT_EQ(sys_write(77, &c, 1), -EBADF);
	EXPECT_EQ(sys_lseek(77, 0, SEEK_SET), -EBADF);
	EXPECT_EQ(sys_fstat(77, &(struct kstat){0}), -EBADF);
	EXPECT_EQ(sys_dup(77), -EBADF);
	EXPECT_EQ(sys_dup2(77, 78), -EBADF);
	EXPECT_EQ(sys_getdents(77, &c, 1), -EBADF);
	EXPECT_EQ(sys_ioctl(77, 0, 0), -EBADF);
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_write(fd, "x", 1), -EBADF); // not open for writing
	EXPECT_EQ(sys_dup2(fd, -1), -EBADF);
	EXPECT_EQ(sys_dup2(fd, FD_MAX_DEFAULT), -EBADF);
	sys_close(fd);
	fd = sys_open("/dev/null", O_WRONLY, 0);
	EXPECT_EQ(sys_read(fd, &c, 1), -EBADF); // not open for reading
	EXPECT_EQ(sys_close(fd), 0);
	EXPECT_EQ(sys_close(fd), -EBADF); // twice
	FS_LEAK_CHECK_END();
}

KTEST(vfs, dup_shares_the_file_and_its_offset)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/tmp/vfs_dup", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	long files = files_count();
	int fd2 = sys_dup(fd);
	EXPECT_GT(fd2, fd);
	EXPECT_EQ(files_count(), files); // same file, one more reference
	EXPECT_EQ(sys_write(fd, "abc", 3), 3);
	EXPECT_EQ(sys_write(fd2, "def", 3), 3);
	EXPECT_EQ(sys_lseek(fd2, 0, SEEK_CUR), 6);
	EXPECT_EQ(sys_close(fd), 0);
	char buf[8] = {0};
	EXPECT_EQ(sys_lseek(fd2, 0, SEEK_SET), 0);
	EXPECT_EQ(sys_read(fd2, buf, 8), 6);
	EXPECT_STREQ(buf, "abcdef");
	EXPECT_EQ(sys_close(fd2), 0);
	EXPECT_EQ(sys_unlink("/tmp/vfs_dup"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, dup2_replaces_the_target_and_same_fd_is_a_no_op)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_dup2", "hello"), 5);
	int a = sys_open("/tmp/vfs_dup2", O_RDONLY, 0);
	int b = sys_open("/dev/zero", O_RDONLY, 0);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	long files = files_count();
	EXPECT_EQ(sys_dup2(a, b), b); // /dev/zero's file is closed
	EXPECT_EQ(files_count(), files - 1);
	char buf[8] = {0};
	EXPECT_EQ(sys_read(b, buf, 5), 5);
	EXPECT_STREQ(buf, "hello");
	EXPECT_EQ(sys_dup2(a, a), a);
	EXPECT_EQ(sys_dup2(a, 200), 200);
	EXPECT_EQ(sys_close(200), 0);
	EXPECT_EQ(sys_close(a), 0);
	EXPECT_EQ(sys_close(b), 0);
	EXPECT_EQ(sys_unlink("/tmp/vfs_dup2"), 0);
	FS_LEAK_CHECK_END();
}

// Opens /dev/null until it fails: the number opened; fds[] gets them.
static int open_until_full(int *fds, int max, int *err)
{
	int n = 0, fd;
	while ((fd = sys_open("/dev/null", O_RDONLY, 0)) >= 0 && n < max)
		fds[n++] = fd;
	*err = fd;
	return n;
}

KTEST(vfs, descriptors_run_out_at_the_soft_limit_1024_with_emfile)
{
	FS_LEAK_CHECK_BEGIN();
	static int fds[FD_MAX_CEILING];
	unsigned long lim[2], saved[2];
	ASSERT_EQ(sys_getrlimit(RLIMIT_NOFILE, saved), 0);
	EXPECT_EQ(saved[0], FD_MAX_DEFAULT);
	EXPECT_EQ(saved[1], FD_MAX_CEILING);
	int err, n = open_until_full(fds, FD_MAX_CEILING, &err);
	EXPECT_EQ(err, -EMFILE);
	EXPECT_EQ(fds[n - 1], FD_MAX_DEFAULT - 1); // the table was filled up
	EXPECT_EQ(sys_dup(fds[0]), -EMFILE);
	EXPECT_EQ(sys_dup2(fds[0], FD_MAX_DEFAULT), -EBADF);
	int p[2];
	EXPECT_EQ(sys_pipe(p), -EMFILE);
	// Raised to the hard limit: 4096, then EMFILE again.
	lim[0] = lim[1] = FD_MAX_CEILING;
	ASSERT_EQ(sys_setrlimit(RLIMIT_NOFILE, lim), 0);
	int more = open_until_full(fds + n, FD_MAX_CEILING - n, &err);
	EXPECT_EQ(err, -EMFILE);
	EXPECT_EQ(fds[n + more - 1], FD_MAX_CEILING - 1);
	EXPECT_EQ(sys_dup2(fds[0], FD_MAX_CEILING), -EBADF);
	// Lowered below what is open: those stay usable, no new ones.
	lim[0] = lim[1] = 16;
	ASSERT_EQ(sys_setrlimit(RLIMIT_NOFILE, lim), 0);
	EXPECT_EQ(sys_close(fds[n + more - 1]), 0);
	EXPECT_EQ(sys_open("/dev/null", O_RDONLY, 0), -EMFILE);
	for (int i = 0; i < n + more - 1; i++)
		sys_close(fds[i]);
	ASSERT_EQ(sys_setrlimit(RLIMIT_NOFILE, saved), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, setrlimit_refuses_soft_above_hard_and_hard_above_4096)
{
	unsigned long saved[2], lim[2];
	ASSERT_EQ(sys_getrlimit(RLIMIT_NOFILE, saved), 0);
	lim[0] = 2000, lim[1] = 1500;
	EXPECT_EQ(sys_setrlimit(RLIMIT_NOFILE, lim), -EINVAL);
	lim[0] = 1024, lim[1] = FD_MAX_CEILING + 1;
	EXPECT_EQ(sys_setrlimit(RLIMIT_NOFILE, lim), -EPERM);
	lim[0] = lim[1] = RLIM_INFINITY;
	EXPECT_EQ(sys_setrlimit(RLIMIT_NOFILE, lim), -EPERM);
	EXPECT_EQ(sys_getrlimit(0, lim), -EINVAL); // only RLIMIT_NOFILE exists
	ASSERT_EQ(sys_getrlimit(RLIMIT_NOFILE, lim), 0);
	EXPECT_EQ(lim[0], saved[0]);
	EXPECT_EQ(lim[1], saved[1]);
}

KTEST(vfs, open_file_table_counts_files_in_file_nr)
{
	FS_LEAK_CHECK_BEGIN();
	char buf[64];
	long before = files_count();
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(files_count(), before + 1);
	// file-nr's own open file is counted too while it is generated.
	ASSERT_GT(fs_test_read_file("/proc/sys/fs/file-nr", buf, sizeof(buf)), 0);
	char want[64];
	snprintf(want, sizeof(want), "%ld\t0\t%d\n", before + 2, FILES_MAX);
	EXPECT_STREQ(buf, want);
	sys_close(fd);
	EXPECT_EQ(files_count(), before);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, mkdir_rmdir_unlink_errors)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(sys_mkdir("/tmp/vfs_d", 0755), 0);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_d", 0755), -EEXIST);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_d/", 0755), -EEXIST);
	EXPECT_EQ(sys_mkdir("/", 0755), -EEXIST);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_d/.", 0755), -EEXIST);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_nope/x", 0755), -ENOENT);
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_d/f", "x"), 1);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_d/f", 0755), -EEXIST);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d"), -ENOTEMPTY);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d/f"), -ENOTDIR);
	EXPECT_EQ(sys_unlink("/tmp/vfs_d"), -EISDIR);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d/."), -EINVAL);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d/.."), -ENOTEMPTY);
	EXPECT_EQ(sys_rmdir("/"), -EBUSY);
	EXPECT_EQ(sys_rmdir("/tmp"), -EBUSY); // a mountpoint
	EXPECT_EQ(sys_unlink("/tmp/vfs_d/missing"), -ENOENT);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d/missing"), -ENOENT);
	EXPECT_EQ(sys_unlink("/tmp/vfs_d/f"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d/"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_d"), -ENOENT);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, rename_across_mounts_fails_exdev)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_x", "x"), 1);
	EXPECT_EQ(sys_rename("/tmp/vfs_x", "/vfs_x"), -EXDEV);
	EXPECT_EQ(sys_rename("/tmp/vfs_x", "/dev/vfs_x"), -EXDEV);
	EXPECT_EQ(sys_unlink("/tmp/vfs_x"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, mount_stacks_and_umount_restores)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(sys_mkdir("/tmp/vfs_mnt", 0755), 0);
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_mnt/under", "u"), 1);
	ASSERT_EQ(sys_mount("none", "/tmp/vfs_mnt", "ramfs", "size=1"), 0);
	struct kstat st;
	EXPECT_EQ(sys_stat("/tmp/vfs_mnt/under", &st), -ENOENT); // covered
	EXPECT_EQ(fs_test_write_file("/tmp/vfs_mnt/over", "o"), 1);
	ASSERT_EQ(sys_mount("none", "/tmp/vfs_mnt", "ramfs", NULL), 0); // stacked
	EXPECT_EQ(sys_stat("/tmp/vfs_mnt/over", &st), -ENOENT);
	char buf[2048];
	ASSERT_GT(fs_test_read_file("/proc/mounts", buf, sizeof(buf)), 0);
	EXPECT_TRUE(strstr(buf, "none /tmp/vfs_mnt ramfs rw,size=1 0 0\n") != NULL);
	EXPECT_TRUE(strstr(buf, "none /tmp/vfs_mnt ramfs rw 0 0\n") != NULL);
	EXPECT_EQ(sys_umount("/tmp/vfs_mnt"), 0);
	EXPECT_EQ(sys_stat("/tmp/vfs_mnt/over", &st), 0);
	EXPECT_EQ(sys_unlink("/tmp/vfs_mnt/over"), 0);
	EXPECT_EQ(sys_umount("/tmp/vfs_mnt"), 0);
	EXPECT_EQ(sys_stat("/tmp/vfs_mnt/under", &st), 0);
	EXPECT_EQ(sys_umount("/tmp/vfs_mnt"), -EINVAL); // not a mount any more
	EXPECT_EQ(sys_unlink("/tmp/vfs_mnt/under"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_mnt"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, umount_of_a_busy_mount_fails_ebusy)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(sys_mkdir("/tmp/vfs_busy", 0755), 0);
	ASSERT_EQ(sys_mount("none", "/tmp/vfs_busy", "ramfs", NULL), 0);
	int fd = sys_open("/tmp/vfs_busy/f", O_RDWR | O_CREAT, 0644);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_umount("/tmp/vfs_busy"), -EBUSY); // an open file
	EXPECT_EQ(sys_rmdir("/tmp/vfs_busy"), -EBUSY);  // a mountpoint
	sys_close(fd);
	EXPECT_EQ(sys_chdir("/tmp/vfs_busy"), 0);
	EXPECT_EQ(sys_umount("/tmp/vfs_busy"), -EBUSY); // a cwd
	EXPECT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_mkdir("/tmp/vfs_busy/sub", 0755), 0);
	ASSERT_EQ(sys_mount("none", "/tmp/vfs_busy/sub", "ramfs", NULL), 0);
	EXPECT_EQ(sys_umount("/tmp/vfs_busy"), -EBUSY); // a mount below
	EXPECT_EQ(sys_umount("/tmp/vfs_busy/sub"), 0);
	EXPECT_EQ(sys_umount("/tmp/vfs_busy"), 0); // takes f and sub with it
	EXPECT_EQ(sys_umount("/"), -EBUSY);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_busy"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, mount_errors)
{
	FS_LEAK_CHECK_BEGIN();
	EXPECT_EQ(sys_mount("none", "/tmp", "nosuchfs", NULL), -ENODEV);
	EXPECT_EQ(sys_mount("none", "/tmp/vfs_nodir", "ramfs", NULL), -ENOENT);
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_mfile", "x"), 1);
	EXPECT_EQ(sys_mount("none", "/tmp/vfs_mfile", "ramfs", NULL), -ENOTDIR);
	EXPECT_EQ(sys_umount("/tmp/vfs_mfile"), -EINVAL);
	EXPECT_EQ(sys_umount("/tmp/vfs_nodir"), -ENOENT);
	EXPECT_EQ(sys_unlink("/tmp/vfs_mfile"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, lseek_positions_and_errors)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/tmp/vfs_seek", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_write(fd, "0123456789", 10), 10);
	EXPECT_EQ(sys_lseek(fd, -3, SEEK_END), 7);
	char c;
	EXPECT_EQ(sys_read(fd, &c, 1), 1);
	EXPECT_EQ(c, '7');
	EXPECT_EQ(sys_lseek(fd, -2, SEEK_CUR), 6);
	EXPECT_EQ(sys_lseek(fd, -1, SEEK_SET), -EINVAL);
	EXPECT_EQ(sys_lseek(fd, 0, 42), -EINVAL);
	EXPECT_EQ(sys_lseek(fd, 100, SEEK_SET), 100); // past the end is fine
	EXPECT_EQ(sys_read(fd, &c, 1), 0);
	sys_close(fd);
	int p[2];
	ASSERT_EQ(sys_pipe(p), 0);
	EXPECT_EQ(sys_lseek(p[0], 0, SEEK_SET), -ESPIPE);
	sys_close(p[0]);
	sys_close(p[1]);
	EXPECT_EQ(sys_unlink("/tmp/vfs_seek"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, getdents_lists_in_pieces_and_checks_its_arguments)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(sys_mkdir("/tmp/vfs_ls", 0755), 0);
	char name[32];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/tmp/vfs_ls/file%02d", i);
		ASSERT_EQ(fs_test_write_file(name, ""), 0);
	}
	int fd = sys_open("/tmp/vfs_ls", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	char buf[64]; // room for about two records at once
	EXPECT_EQ(sys_getdents(fd, buf, 8), -EINVAL); // no record fits
	int count = 0, seen[40] = {0};
	long n;
	while ((n = sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent *de = (struct kdirent *)(buf + off);
			EXPECT_EQ(de->d_reclen % 8, 0);
			if (strncmp(de->d_name, "file", 4) == 0) {
				int i = (de->d_name[4] - '0') * 10 + de->d_name[5] - '0';
				seen[i]++;
				EXPECT_EQ(de->d_type, DT_REG);
			} else {
				EXPECT_EQ(de->d_type, DT_DIR);
			}
			count++;
			off += de->d_reclen;
		}
	}
	EXPECT_EQ(n, 0);
	EXPECT_EQ(count, 42);
	for (int i = 0; i < 40; i++)
		EXPECT_EQ(seen[i], 1);
	EXPECT_EQ(sys_lseek(fd, 0, SEEK_SET), 0); // rewind
	EXPECT_GT(sys_getdents(fd, buf, sizeof(buf)), 0);
	sys_close(fd);
	fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_EQ(sys_getdents(fd, buf, sizeof(buf)), -ENOTDIR);
	sys_close(fd);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/tmp/vfs_ls/file%02d", i);
		EXPECT_EQ(sys_unlink(name), 0);
	}
	EXPECT_EQ(fs_test_count_entries("/tmp/vfs_ls"), 2);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_ls"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, ioctl_on_a_non_terminal_fails_enotty)
{
	FS_LEAK_CHECK_BEGIN();
	int fd = sys_open("/dev/null", O_RDONLY, 0);
	EXPECT_EQ(sys_ioctl(fd, CONSOLE_SET_RAW, 1), -ENOTTY);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, filesystem_without_create_refuses_eacces)
{
	FS_LEAK_CHECK_BEGIN();
	EXPECT_EQ(sys_open("/dev/newfile", O_RDWR | O_CREAT, 0644), -EACCES);
	EXPECT_EQ(sys_mkdir("/dev/newdir", 0755), -EACCES);
	EXPECT_EQ(sys_unlink("/dev/null"), -EPERM);
	EXPECT_EQ(sys_rename("/dev/null", "/dev/null2"), -EPERM);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, stat_and_fstat_agree)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(fs_test_write_file("/tmp/vfs_st", "12345"), 5);
	struct kstat a, b;
	int fd = sys_open("/tmp/vfs_st", O_RDONLY, 0);
	EXPECT_EQ(sys_stat("/tmp/vfs_st", &a), 0);
	EXPECT_EQ(sys_fstat(fd, &b), 0);
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(a.st_dev, b.st_dev);
	EXPECT_EQ(b.st_size, 5);
	EXPECT_EQ(b.st_mode, S_IFREG | 0644);
	sys_close(fd);
	EXPECT_EQ(sys_stat("/dev/console", &a), 0);
	EXPECT_EQ(a.st_mode & S_IFMT, S_IFCHR);
	EXPECT_NE(a.st_rdev, 0);
	EXPECT_EQ(sys_unlink("/tmp/vfs_st"), 0);
	FS_LEAK_CHECK_END();
}

KTEST(vfs, null_pointers_fail_efault_not_crash)
{
	FS_LEAK_CHECK_BEGIN();
	struct kstat st;
	EXPECT_EQ(sys_open(NULL, O_RDONLY, 0), -EFAULT);
	EXPECT_EQ(sys_stat(NULL, &st), -EFAULT);
	EXPECT_EQ(sys_stat("/", NULL), -EFAULT);
	EXPECT_EQ(sys_mkdir(NULL, 0755), -EFAULT);
	EXPECT_EQ(sys_rename(NULL, "/tmp/x"), -EFAULT);
	EXPECT_EQ(sys_rename("/tmp/x", NULL), -EFAULT);
	EXPECT_EQ(sys_chdir(NULL), -EFAULT);
	EXPECT_EQ(sys_getcwd(NULL, 10), -EFAULT);
	EXPECT_EQ(sys_pipe(NULL), -EFAULT);
	EXPECT_EQ(sys_mount(NULL, NULL, "ramfs", NULL), -EINVAL);
	EXPECT_EQ(sys_umount(NULL), -EFAULT);
	int fd = sys_open("/dev/zero", O_RDWR, 0);
	EXPECT_EQ(sys_read(fd, NULL, 10), -EFAULT);
	EXPECT_EQ(sys_write(fd, NULL, 10), -EFAULT);
	EXPECT_EQ(sys_fstat(fd, NULL), -EFAULT);
	sys_close(fd);
	fd = sys_open("/", O_RDONLY, 0);
	EXPECT_EQ(sys_getdents(fd, NULL, 100), -EFAULT);
	sys_close(fd);
	FS_LEAK_CHECK_END();
}

// What a spawned task sees: the parent's fds 0-2 and cwd, nothing else.
struct inherit_result {
	int fd;        // a descriptor >= 3 open in the parent
	int fstat_fd;  // the child's fstat of it: -EBADF expected
	long write1;   // a write to fd 1 (the parent's pipe)
	char cwd[64];
};

static int inherit_child(void *arg)
{
	struct inherit_result *r = arg;
	struct kstat st;
	r->fstat_fd = sys_fstat(r->fd, &st);
	r->write1 = sys_write(1, "via fd 1", 8);
	sys_getcwd(r->cwd, sizeof(r->cwd));
	return 0;
}

KTEST(vfs, spawned_task_inherits_fds_0_to_2_and_cwd_only)
{
	FS_LEAK_CHECK_BEGIN();
	static struct inherit_result r;
	int p[2];
	ASSERT_EQ(sys_mkdir("/tmp/vfs_inh", 0755), 0);
	ASSERT_EQ(sys_chdir("/tmp/vfs_inh"), 0);
	ASSERT_EQ(sys_pipe(p), 0);
	r.fd = p[0];
	int saved1 = sys_dup(1);
	ASSERT_EQ(sys_dup2(p[1], 1), 1);
	pid_t pid = kernel_spawn("inherit", inherit_child, &r);
	ASSERT_EQ(sys_dup2(saved1, 1), 1);
	ASSERT_GT(pid, 0);
	int status;
	EXPECT_EQ(do_waitpid(pid, &status, 0), pid);
	EXPECT_GE(r.fd, 3);
	EXPECT_EQ(r.fstat_fd, -EBADF);
	EXPECT_EQ(r.write1, 8);
	EXPECT_STREQ(r.cwd, "/tmp/vfs_inh");
	char buf[16] = {0};
	EXPECT_EQ(sys_read(p[0], buf, sizeof(buf)), 8);
	EXPECT_STREQ(buf, "via fd 1");
	sys_close(saved1);
	sys_close(p[0]);
	sys_close(p[1]);
	EXPECT_EQ(sys_chdir("/"), 0);
	EXPECT_EQ(sys_rmdir("/tmp/vfs_inh"), 0);
	FS_LEAK_CHECK_END();
}
