// procfs: /proc, files generated from the kernel's state when read.
//
// A lookup-style filesystem over a tree of registered entries:
//   proc_create("meminfo", show, NULL)        /proc/meminfo
//   proc_create("sys/fs/file-nr", show, NULL) directories made as needed
//   proc_create_task_file("status", show)     /proc/<pid>/status for every task
// plus /proc/<pid>/ for every task and /proc/self, the caller's own. A
// task file's show() gets the task (referenced for the call). Contents are
// made with the synthetic-file helper (fs/vfs.h): whole at open, so a
// task that exits while its file is being read leaves a consistent copy.
// Registration may happen at any time (entries are never removed).
#ifndef FS_PROCFS_PROCFS_H
#define FS_PROCFS_PROCFS_H

#include "fs/vfs.h"

struct task;

int proc_create(const char *path, int (*show)(struct seq_buf *s),
		int (*store)(const char *buf, size_t len));
int proc_create_task_file(const char *name, int (*show)(struct task *t, struct seq_buf *s));

extern struct file_system_type procfs_type;
int procfs_init(void);
int proc_system_files_init(void); // system.c
int proc_task_files_init(void);   // task.c

#endif
