// Helpers for the container tests and benchmarks: drive the container
// filesystem the way a user does, through files, and a couple of tasks to
// move around. Paths are absolute; results are what the system calls return.
#ifndef KERNEL_CONTAINERS_CONTAINER_TEST_UTIL_H
#define KERNEL_CONTAINERS_CONTAINER_TEST_UTIL_H

#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/task_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

// Write s to path as `echo s > path` would (O_CREAT | O_TRUNC): write()'s
// result (bytes or -errno), or open's error.
static inline long put(const char *path, const char *s)
{
	int fd = sys_open(path, O_WRONLY | O_TRUNC | O_CREAT, 0644);
	if (fd < 0)
		return fd;
	long r = sys_write(fd, s, strlen(s));
	sys_close(fd);
	return r;
}

// Read path into buf (NUL-terminated): bytes, or -errno.
static inline long get(const char *path, char *buf, size_t size)
{
	int fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	long n = sys_read(fd, buf, size - 1);
	sys_close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

// The leading decimal number in path, or -1 if it cannot be read.
static inline long get_num(const char *path)
{
	char buf[64];
	if (get(path, buf, sizeof(buf)) <= 0)
		return -1;
	long v = 0;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

static inline long putpid(const char *path, pid_t pid)
{
	char b[16];
	snprintf(b, sizeof(b), "%d\n", pid);
	return put(path, b);
}

// mkdir dir and mount a hierarchy with opts (NULL: every subsystem) on it.
static inline int mount_at(const char *dir, const char *opts)
{
	sys_mkdir(dir, 0755);
	return sys_mount("none", dir, "container", opts);
}

static inline void unmount_at(const char *dir)
{
	sys_umount(dir);
	sys_rmdir(dir);
}

// Task bodies: sleep, or spin, until *(volatile int *)arg is set.
static inline int sleeper(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		sleep_ns(2 * MS);
	return 0;
}

static inline int spinner(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		cpu_relax();
	return 0;
}

#endif
