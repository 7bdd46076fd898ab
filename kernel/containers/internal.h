// Shared between the container core's files (container.c, the tree and
// css_sets; container_files.c, the control files; container_release.c,
// release notification). Not for subsystems.
#ifndef KERNEL_CONTAINERS_INTERNAL_H
#define KERNEL_CONTAINERS_INTERNAL_H

#include "kernel/containers/container.h"

// Move t into c; container_mutex held. 0 or -errno (can_attach's refusal,
// -ESRCH for an exited task, -ENODEV for a removed container).
int container_attach_locked(struct container *c, struct task *t);
int container_attach_pid_locked(struct container *c, pid_t pid); // 0: current
// c has children or a referenced css (so tasks); container_mutex held.
bool container_busy(struct container *c);
// Queue c for the release agent if it asks to be notified (any context).
void container_queue_release(struct container *c);
void container_release_init(void);
// Tests: while held (nesting), the worker leaves queued checks queued, so
// a test can act on a container whose check is pending; each check the
// worker finishes (agent run or not, reference dropped) counts here.
void container_release_hold(bool hold);
extern atomic_t container_release_checks;
extern atomic_t container_release_requests;

#endif
