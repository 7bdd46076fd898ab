// fs_init: the boot stage that builds the file namespace (kernel/init.c
// calls it after the scheduler is up):
//   /      ramfs
//   /tmp   a second ramfs
//   /dev   devfs (console, null, zero, kmsg)
//   /proc  procfs
//   /sys/fs/cgroup  an empty directory of /, where Linux users mount
//          container (cgroup) hierarchies
// and opens /dev/console as fds 0, 1, 2 of the kernel's fs context, which
// every task spawned from the kernel inherits.
#include "fs/devfs/devfs.h"
#include "fs/internal.h"
#include "fs/procfs/procfs.h"
#include "kernel/printk.h"

extern struct file_system_type ramfs_type;

static void fs_check(int err, const char *what)
{
	if (err < 0)
		panic("fs_init: %s: error %d", what, err);
}

void fs_init(void)
{
	dcache_init();
	inode_cache_init();
	file_cache_init();
	fs_check(register_filesystem(&ramfs_type), "register ramfs");
	fs_check(do_mount("rootfs", "/", "ramfs", NULL), "mount /");
	fs_ctx_init_kernel();
	fs_check(devfs_init(), "devfs");
	fs_check(procfs_init(), "procfs");

	static const char *const mounts[][3] = {
		{"tmpfs", "/tmp", "ramfs"},
		{"devfs", "/dev", "devfs"},
		{"proc", "/proc", "proc"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		fs_check(sys_mkdir(mounts[i][1], 0755), mounts[i][1]);
		fs_check(do_mount(mounts[i][0], mounts[i][1], mounts[i][2], NULL), mounts[i][1]);
	}
	static const char *const dirs[] = {"/sys", "/sys/fs", "/sys/fs/cgroup"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		fs_check(sys_mkdir(dirs[i], 0755), dirs[i]);
	for (int fd = 0; fd < 3; fd++)
		fs_check(sys_open("/dev/console", O_RDWR, 0), "open /dev/console");
	pr_info("fs: / ramfs, /tmp ramfs, /dev devfs, /proc proc\n");
}
