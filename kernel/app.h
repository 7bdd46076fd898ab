// Apps as tasks: starting a registered app (sys_spawn, in
// kernel/syscall.h), the per-task app state (heap and newlib reent, freed
// when the task exits), and the shell that init runs.
//
//   sys_spawn(app, argv, envp)   a new task running app's main(argc, argv)
//   app_lookup(name)             the registered app (APP() in user/), or NULL
//   app_init_main(cmd)           init's job: the shell (see below)
//   app_run(argv)                spawn an app and wait for it (init's bench)
//   app_heap_*(t, ...)           another task's heap, safely (procfs, memset)
//
// An app task's heap is made by the spawner and handed over before the
// task starts; the task builds its newlib state in it (user/libc/start.c).
// task_release_app_state() -- called by the task code when the task exits
// -- destroys the heap, and with it everything the app allocated.
//
// Locking: app_state_lock (a spinlock) guards task->heap against the exit
// path; the app_heap_* calls take a reference on the heap under it
// (heap_get), so a heap another task is using outlives its task's exit.
// The task itself uses its heap without the lock.
#ifndef KERNEL_APP_H
#define KERNEL_APP_H

#include "kernel/types.h"
#include "lib/cpumask.h"

struct task;
struct kabi_app;

#define APP_ARG_MAX (128 * 1024) // argv + envp strings and pointers

const struct kabi_app *app_lookup(const char *name);

// If the `sh` app is registered: with cmd NULL or empty, run the
// interactive shell on the console and start a new one whenever it exits
// (never returns); otherwise run `sh -c cmd`, wait for it and return its
// exit status (0..255, or 128 + the signal that killed it). -ENOENT
// without an `sh` app, -errno if it cannot be started.
int app_init_main(const char *init_cmd);
// Spawns the app argv[0] with argv (and the shell's default environment)
// and waits for it: its exit status (0..255, or 128 + the signal that
// killed it), or -errno if it could not be started (-ENOENT: no such app).
int app_run(char *const argv[]);

// The heap figures of task t (0 if it has no heap): bytes the app holds
// (/proc/<pid>/status VmAllocated), its pages on node nid
// (/proc/<pid>/numa). Task context, no spinlock held; t referenced.
u64 app_heap_allocated_bytes(struct task *t);
u64 app_heap_node_pages(struct task *t, int nid);
// Moves t's heap pages onto the nodes of *to (memset's memory_migrate):
// 0, or heap_migrate()'s error; 0 if t has no heap.
int app_heap_migrate(struct task *t, const nodemask_t *to);
// The same in two steps (heap_migrate_prepare in mm/task_heap.h), for a
// caller that must move several tasks or none: t's heap, referenced and
// prepared, or NULL if t has no heap, or ERR_PTR(-ENOMEM) with nothing
// changed. Then app_heap_migrate_finish(h, commit) exactly once.
struct task_heap *app_heap_migrate_prepare(struct task *t, const nodemask_t *to);
void app_heap_migrate_finish(struct task_heap *h, bool commit);

#endif
