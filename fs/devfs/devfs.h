// devfs: the device directory mounted at /dev.
//
// One instance, shared by every mount of it. Drivers add a character
// device with devfs_register(); the entries cannot be created, removed or
// renamed through the file calls (EACCES / EPERM).
#ifndef FS_DEVFS_DEVFS_H
#define FS_DEVFS_DEVFS_H

#include "fs/vfs.h"

#define MKDEV(major, minor) ((major) << 8 | (minor))

extern struct file_system_type devfs_type;
int devfs_init(void);
int devfs_register(const char *name, u32 rdev, const struct file_operations *fop);

// Drivers (console.c, mem.c).
int console_dev_init(void);
int mem_devs_init(void);

// The console line discipline, for its tests: feed one input byte as if
// it came from the serial port; send echo somewhere else (NULL: the
// console); reset all state (modes, queued input, foreground pid).
void console_input_byte(int c);
void console_set_echo(void (*echo)(const char *s, size_t n));
void console_reset(void);
// Task exit (fs_task_exit): if t is the console's foreground task, drop
// the console's reference to it.
void console_task_exit(struct task *t);

#endif
