// Generic process containers: the core (container.c) and the interface
// its subsystems implement. This is the 2006 "generic process containers"
// design that became Linux cgroups, with Linux's vocabulary:
//
//   container   a node in one hierarchy (a directory in the container fs)
//   hierarchy   a tree of containers with a set of subsystems bound to it;
//               up to CONTAINER_MAX_HIERARCHIES mounted at once, plus the
//               dummy hierarchy that holds every unmounted subsystem
//   css         container_subsys_state: one subsystem's state for one
//               container (cpuset's CPU list, bc's counters...)
//   css_set     the shared, refcounted set of css a task points to, one
//               per subsystem; tasks with the same memberships share one
//
// The core knows nothing about any subsystem: they register a struct
// container_subsys with CONTAINER_SUBSYS() and are called back.
#ifndef KERNEL_CONTAINERS_CONTAINER_H
#define KERNEL_CONTAINERS_CONTAINER_H

#include "kernel/atomic.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "lib/seq_buf.h"

#define CONTAINER_SUBSYS_MAX 8
#define CONTAINER_MAX_HIERARCHIES 8
#define CONTAINER_NAME_MAX 255
#define RELEASE_AGENT_MAX 256
// The longest container path ("/a/b", relative to its hierarchy): a
// mkdir or rename past it is ENAMETOOLONG, so that every container's path
// fits its release agent's command line (APP_ARG_MAX). At two bytes a
// level ("/d") that is 32,768 levels.
#define CONTAINER_PATH_MAX 65536

struct task;
struct container;
struct container_subsys;
struct hierarchy;

struct container_subsys_state {
	struct container *container;
	// References: one per css_set that points here (live or exited),
	// plus css_get() users (a bc-charged file holds one). Each pins the
	// container (container_get), except on a root css, whose container
	// is a top that changes when the subsystem is rebound.
	atomic_t refcnt;
	// Of refcnt, those of exited css_sets (zombies': css_set_lock). The
	// css is in use -- rmdir EBUSY, no release -- while refcnt > dead_refs;
	// the put that makes them equal queues a release check.
	int dead_refs;
	bool root; // a hierarchy's top: never released, moves when rebound
};

// A control file. The core names it "<subsys>.<name>" (core files: bare).
struct cftype {
	const char *name;
	// Generate the whole content into s; return 0 or -errno.
	int (*read)(struct container *c, const struct cftype *cft, struct seq_buf *s);
	// buf is the whole write, NUL-terminated, one trailing '\n' removed.
	// Called with container_mutex held. Return 0 or -errno.
	int (*write)(struct container *c, const struct cftype *cft, const char *buf);
	unsigned flags;
	long private;
};
#define CFT_ONLY_ON_ROOT 1
#define CFT_NOT_ON_ROOT 2
// A limit: the root has none (as Linux's root cgroup has no limit files),
// so in the root the file reads, shows mode 0444 and a write is EACCES
// (what writing a file that Linux's root lacks gives).
#define CFT_READONLY_ON_ROOT 4

struct container_subsys {
	const char *name;
	int subsys_id; // assigned at registration
	// Allocate state for a new container (parent's css via c->parent).
	struct container_subsys_state *(*create)(struct container_subsys *ss,
						  struct container *c);
	void (*destroy)(struct container_subsys *ss, struct container *c);
	// May t move into c? 0 or -errno; nothing has changed yet. May set
	// aside what attach needs (then cancel_attach undoes it if the move
	// does not happen after all).
	int (*can_attach)(struct container_subsys *ss, struct container *c, struct task *t);
	// can_attach returned 0 but the move was refused or failed later.
	void (*cancel_attach)(struct container_subsys *ss, struct container *c, struct task *t);
	// t has moved from old to c (cannot fail).
	void (*attach)(struct container_subsys *ss, struct container *c,
		       struct container *old, struct task *t);
	// t is being spawned into its parent's containers; may refuse (-errno).
	int (*fork)(struct container_subsys *ss, struct task *t);
	// t, spawned, is now on the task list that updates walk: re-read
	// whatever fork copied from the parent (container_mutex held, so no
	// control-file write is half-way). Linux's cgroup_post_fork.
	void (*post_fork)(struct container_subsys *ss, struct task *t);
	// A spawn that fork() accepted was abandoned: undo fork().
	void (*fork_failed)(struct container_subsys *ss, struct task *t);
	void (*exit)(struct container_subsys *ss, struct task *t);    // t exited
	// t reaped; called with css_set_lock held (so no attach moves t
	// meanwhile): must not sleep.
	void (*release)(struct container_subsys *ss, struct task *t);
	// Add control files beyond files[] (rarely needed).
	int (*populate)(struct container_subsys *ss, struct container *c);
	// The subsystem moved to another hierarchy whose top is root.
	void (*bind)(struct container_subsys *ss, struct container *root);
	const struct cftype *files; // NULL-name terminated
	struct hierarchy *hierarchy; // where it is bound (core-owned)
};

// Registration: CONTAINER_SUBSYS(cpuset_subsys, 1) in the subsystem's
// file. The digit orders the registry (the linker sorts the sections by
// name), which is the order subsystems are listed in: cpuset 1, memset 2,
// cpuacct 3, numtasks 4, bc 5.
#define CONTAINER_SUBSYS(ss, order)                                           \
	static struct container_subsys *const container_subsys_ptr_##ss      \
		__attribute__((section(".container_subsys." #order), used)) = &ss

#define CONT_REMOVED 0          // rmdir'ed; control-file writes give ENODEV
#define CONT_NOTIFY_ON_RELEASE 1
#define CONT_RELEASE_QUEUED 2

struct container {
	char name[CONTAINER_NAME_MAX + 1];
	struct container *parent;       // NULL for a hierarchy's top
	size_t path_len;                // of its path ("/a/b": 4; top: 0), container_mutex
	struct hierarchy *hierarchy;
	struct list_head sibling;       // in parent->children
	struct list_head children;
	struct container_subsys_state *subsys[CONTAINER_SUBSYS_MAX];
	unsigned long flags;            // CONT_* bits (atomic bitops)
	// References: one while in the tree (dropped by rmdir; a top's, by
	// the unlinking of its hierarchy), one per child until that child is
	// freed, one per reference to one of its css (css.refcnt), one per
	// confs directory inode, one per queued release check, plus transient
	// container_get()s. Freed (and every css destroyed) at
	// zero, so an open control file keeps its css readable, a parent
	// outlives its children and a hierarchy (freed with its top) outlives
	// every container in it.
	atomic_t refcnt;
	struct list_head release_list;  // queued for the release agent
};

// Alive from mount until its top is freed: on hierarchy_list while mounted
// or while it has children, then kept by the removed containers still
// referenced (their references pin the top, which is inside it).
struct hierarchy {
	int id;                         // 0 = the dummy hierarchy
	unsigned long subsys_bits;      // bit i: subsystem id i is bound here
	struct container top;
	int nr_containers;              // including top
	int mounts;                     // active mounts (superblocks) of it
	void *sb;                       // the container fs superblock, if mounted
	char release_agent[RELEASE_AGENT_MAX];
	struct list_head list;          // in the hierarchy list
};

struct css_set {
	int refcnt; // one per task pointing here, plus transient gets (css_set_lock)
	// The set of exited tasks (zombies) with these css: they still hold
	// them (numtasks counts a task until it is reaped, cpuacct charges its
	// last slice), but no longer use them, so their containers are empty
	// (released, and rmdir works, at exit, as in Linux). Never changes.
	bool dead;
	// A live set's exited twin, once one of its tasks has exited: the set
	// owns one reference on it (css_set_lock), dropped when the set is
	// freed, so a task that spawns and reaps in a loop neither searches
	// the set list nor allocates at each exit. NULL in an exited set.
	struct css_set *dead_twin;
	struct container_subsys_state *subsys[CONTAINER_SUBSYS_MAX];
	struct list_head list; // in the css_set list, for lookup/sharing
};

// ---- core API (all return 0 or -errno) --------------------------------
void container_init(void);      // boot: root css of each subsystem
void container_late_init(void); // once tasks exist: the release worker
extern int container_subsys_count;
struct container_subsys *container_subsys_by_id(int id);
struct container_subsys *container_subsys_by_name(const char *name);

// Mounting: parse "cpuset,cpuacct" (NULL or empty: all subsystems) into
// a hierarchy, reusing the one with exactly that set. *out gets a
// reference (mounts++); container_umount drops it.
int container_mount(const char *options, struct hierarchy **out);
void container_umount(struct hierarchy *h);

int container_mkdir(struct container *parent, const char *name, struct container **out);
int container_rmdir(struct container *c);
int container_rename(struct container *c, const char *newname);
void container_get(struct container *c);
void container_put(struct container *c);
struct container *container_lookup_child(struct container *parent, const char *name);
int container_attach(struct container *c, struct task *t);
int container_attach_pid(struct container *c, pid_t pid); // 0: current
// Move t into the top container of every hierarchy: where the in-kernel
// tests and benchmarks run from an app start, outside the user's
// containers and their limits. 0 or the first -errno (t is moved out of
// every hierarchy it could be).
int container_attach_roots(struct task *t);

// Membership: which container of hierarchy h is t in.
struct container *task_container(struct task *t, struct hierarchy *h);
struct container_subsys_state *task_css(struct task *t, int subsys_id);
static inline struct container_subsys_state *container_css(struct container *c, int id)
{
	return c->subsys[id];
}
void css_get(struct container_subsys_state *css);
void css_put(struct container_subsys_state *css);
int container_path(struct container *c, char *buf, size_t len); // "/a/b"
// The same in a kmalloc'd buffer of the right size (kfree it), NULL for
// ENOMEM; and its length. container_mutex held (names stay put); O(depth).
char *container_path_alloc(struct container *c);
size_t container_path_len(struct container *c);
// Pre-order walk of root's subtree, root first, with a cursor (Linux's
// css_next_descendant_pre): no recursion, however deep the tree.
// container_mutex held throughout the walk.
struct container *container_next_descendant_pre(struct container *pos, struct container *root);
#define container_for_each_descendant_pre(pos, root)                          \
	for ((pos) = container_next_descendant_pre(NULL, (root)); (pos);         \
	     (pos) = container_next_descendant_pre((pos), (root)))
int container_task_count(struct container *c);
// The pids of c's member tasks: a kmalloc'd array (kfree it) of *n, or
// NULL for ENOMEM. A snapshot: tasks may come and go meanwhile.
pid_t *container_pids(struct container *c, int *n);
// t's css of subsystem id, referenced (css_put it): safe against a
// concurrent attach freeing t's old css_set.
struct container_subsys_state *task_css_get(struct task *t, int id);
// A flag file's value: "0" or "1" (kstrtoll's syntax); -ERANGE past 64
// bits, else -EINVAL.
int container_parse_bool(const char *buf, bool *out);
extern atomic_t container_releases; // release agents started (tests)
int container_css_set_count(void);   // css_sets alive (leak checks)
// Live objects, for leak checks: containers (tops included) and, per
// subsystem id, the css its create() made (root css excluded).
extern atomic_t container_count;
extern atomic_t container_css_count[CONTAINER_SUBSYS_MAX];

// Control files: the core's own plus each bound subsystem's. Iterate
// with idx = 0, 1, ... until NULL; full name written to name.
const struct cftype *container_file(struct container *c, int idx, char *name, size_t len);
// The control file of c named name[0..len) ("tasks", "cpuset.cpus"), or NULL.
const struct cftype *container_file_lookup(struct container *c, const char *name, size_t len);
int container_file_read(struct container *c, const struct cftype *cft, struct seq_buf *s);
// May cft be written in c (it has a write, and c is not a root where the
// file is read-only)? Its mode is 0644 if so, else 0444.
bool container_file_writable(struct container *c, const struct cftype *cft);
int container_file_write(struct container *c, const struct cftype *cft, const char *buf,
			 size_t len);

// Locking helpers for the filesystem and subsystems.
void container_lock(void);
void container_unlock(void);
bool container_locked(void);

// Task hooks, called by kernel/task.c.
int cgroup_fork(struct task *child);      // join the parent's css_set
void cgroup_fork_failed(struct task *child);
void cgroup_exit(struct task *t);         // exit callbacks; leaves tasks files
void cgroup_release(struct task *t);      // reaped: drop the css_set

// /proc
int proc_container_show(struct task *t, struct seq_buf *s);
int proc_containers_show(struct seq_buf *s);
int proc_cgroups_show(struct seq_buf *s);
// The mount options of a hierarchy as /proc/mounts lists them.
void container_show_options(struct hierarchy *h, struct seq_buf *s);
extern struct list_head hierarchy_list; // mounted/alive hierarchies
extern struct hierarchy dummy_hierarchy;

#endif
