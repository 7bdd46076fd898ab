// Helpers shared by the file-system tests (fs/*_test.c, fs/*/*_test.c).
//
// FS_LEAK_CHECK_BEGIN/END bracket a test: the live inodes, dentries,
// files and pipes must be back to their starting counts at the end.
#ifndef FS_FS_TEST_H
#define FS_FS_TEST_H

#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "lib/string.h"

struct fs_counts {
	long inodes, dentries, files, pipes;
};

static inline struct fs_counts fs_counts_now(void)
{
	return (struct fs_counts){inodes_count(), dentries_count(), files_count(), pipes_count()};
}

#define FS_LEAK_CHECK_BEGIN() struct fs_counts fs_before_ = fs_counts_now()
#define FS_LEAK_CHECK_END()                                                  \
	do {                                                                 \
		struct fs_counts fs_after_ = fs_counts_now();                \
		EXPECT_EQ(fs_after_.inodes, fs_before_.inodes);              \
		EXPECT_EQ(fs_after_.dentries, fs_before_.dentries);          \
		EXPECT_EQ(fs_after_.files, fs_before_.files);                \
		EXPECT_EQ(fs_after_.pipes, fs_before_.pipes);                \
	} while (0)

// Write a whole file (created or truncated); bytes written or -errno.
static inline long fs_test_write_file(const char *path, const char *data)
{
	int fd = sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	long n = sys_write(fd, data, strlen(data));
	sys_close(fd);
	return n;
}

// Read a whole file into buf (NUL-terminated); bytes read or -errno.
static inline long fs_test_read_file(const char *path, char *buf, size_t size)
{
	int fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	size_t got = 0;
	for (;;) {
		long n = sys_read(fd, buf + got, size - 1 - got);
		if (n <= 0) {
			sys_close(fd);
			buf[got] = 0;
			return n < 0 ? n : (long)got;
		}
		got += (size_t)n;
		if (got == size - 1) {
			sys_close(fd);
			buf[got] = 0;
			return (long)got;
		}
	}
}

// Number of entries getdents lists in a directory (with . and ..), or -errno.
long fs_test_count_entries(const char *path);
// True if the directory at path lists name.
bool fs_test_dir_has(const char *path, const char *name);

#endif
