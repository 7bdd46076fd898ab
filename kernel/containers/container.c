// The generic process-container core: hierarchies, containers, css_sets,
// attach and the spawn/exit hooks (the control files are in
// container_files.c, release notification in container_release.c). It
// never names a subsystem; cpuset, memset, cpuacct, numtasks and bc plug in
// through struct container_subsys (container.h).
//
// Model (as in Linux cgroup v1):
//   - every subsystem is bound to exactly one hierarchy: a mounted one, or
//     the dummy hierarchy (id 0) whose only container is its top;
//   - a task points to one css_set: one css per subsystem. Its container in
//     hierarchy h is the container of the css of any subsystem bound to h
//     (every mounted hierarchy has at least one);
//   - a css is referenced by every css_set that contains it, and by
//     css_get() users (bc's charged files); while any css of a container
//     is referenced other than by an exited set, rmdir is EBUSY -- that
//     is how "has tasks" is checked;
//   - an exiting task moves to the exited ("dead") twin of its set: it
//     keeps its css (numtasks counts it until it is reaped) but no longer
//     uses them, so its exit alone can empty a container (release, rmdir),
//     as Linux's cgroup_exit; the reap only drops the last references.
//
// Locks, in the order they are taken:
//   container_mutex   hierarchies (list, binding, mounts), the trees
//                     (children, names, flags), subsystem state changed
//                     through control files, attach, release_agent text;
//                     a spawn takes it in cgroup_post_fork (outside any
//                     lock), a memset write holds members' heap locks
//                     inside it
//   task->lock, rq lock   t->css_set is written under both
//                     (sched_swap_css_set), so the scheduler's accounting
//                     hook sees a live css_set under the rq lock
//   css_set_lock      the css_set list and every css_set refcount, each
//                     css's dead_refs (and its refcnt compared with them);
//                     t->css_set is also written under it, so readers of
//                     another task's set (task_container) take it, also
//                     inside tasklist_lock (container_pids); held across
//                     the subsystems' release callbacks (their own
//                     spinlocks nest inside it)
//   release_lock      release_list
// Refcounts (who owns each reference is also written at each count):
//   css_set.refcnt (css_set_lock): one per task, owned by the task from
//     cgroup_fork to cgroup_release, plus transient gets.
//   css.refcnt (atomic): one per css_set holding it (dead_refs of them
//     exited sets'), plus css_get users; each pins its container.
//   container.refcnt (atomic): the tree's own (dropped by rmdir; for a
//     top, by the unlinking of its hierarchy), one per child until that
//     child is freed, one per reference to one of its css, one per confs
//     directory inode, one per queued release check, plus transient gets. So a parent outlives every
//     child, and a hierarchy (freed with its top) outlives every
//     container in it. container_put frees a whole chain of ancestors
//     whose counts reach zero in a loop, not by recursion.
#include "kernel/containers/container.h"
#include "kernel/containers/internal.h"
#include "kernel/app.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"


extern struct container_subsys *const __container_subsys_start[];
extern struct container_subsys *const __container_subsys_end[];

static struct container_subsys *subsys[CONTAINER_SUBSYS_MAX];
int container_subsys_count;

static struct mutex container_mutex;
static struct spinlock css_set_lock;
static LIST_HEAD(css_set_list);  // css_set_lock

LIST_HEAD(hierarchy_list); // container_mutex: mounted or kept-alive hierarchies
struct hierarchy dummy_hierarchy;
static struct css_set init_css_set;

struct container_subsys *container_subsys_by_id(int id)
{
	return id >= 0 && id < container_subsys_count ? subsys[id] : NULL;
}

struct container_subsys *container_subsys_by_name(const char *name)
{
	for (int i = 0; i < container_subsys_count; i++)
		if (!strcmp(subsys[i]->name, name))
			return subsys[i];
	return NULL;
}

void container_lock(void) { mutex_lock(&container_mutex); }
void container_unlock(void) { mutex_unlock(&container_mutex); }
bool container_locked(void) { return mutex_owned(&container_mutex); }

// ---- css and container references ---------------------------------------

void css_get(struct container_subsys_state *css)
{
	atomic_inc(&css->refcnt);
	if (!css->root)
		container_get(css->container); // the reference pins it
}

// Drop a reference on css. If that was its last use, its container is
// returned with the reference's pin still held: the caller queues the
// container's release check and then drops the pin. Else NULL (pin gone).
static struct container *css_put_unused(struct container_subsys_state *css)
{
	// A root css is never released (and its container changes when the
	// subsystem is rebound, so it is not read here).
	if (css->root) {
		atomic_dec(&css->refcnt);
		return NULL;
	}
	// Compared with dead_refs under css_set_lock, so that an exited set
	// freed meanwhile (which drops one of each) cannot hide the moment
	// the last user goes.
	struct container *c = css->container;
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	bool unused = atomic_dec_return(&css->refcnt) == css->dead_refs;
	spin_unlock_irqrestore(&css_set_lock, f);
	if (unused)
		return c;
	container_put(c); // the reference's pin (c may go now)
	return NULL;
}

void css_put(struct container_subsys_state *css)
{
	struct container *c = css_put_unused(css);
	if (c) {
		container_queue_release(c);
		container_put(c); // the reference's pin (c may go now)
	}
}

void container_get(struct container *c) { atomic_inc(&c->refcnt); }

atomic_t container_count;                      // containers allocated, tops included
atomic_t container_css_count[CONTAINER_SUBSYS_MAX]; // css made by create(), roots excluded

// Free c, whose last reference is gone: every css it has is destroyed
// (c->subsys says which: the hierarchy's bindings may have changed since
// mkdir, and a top's root css went back to the dummy hierarchy unbound).
// A top frees its hierarchy, which was unlinked when its count could
// reach zero. The reference c held on its parent is the caller's to drop.
static void container_free(struct container *c)
{
	for (int i = 0; i < container_subsys_count; i++) {
		if (c->subsys[i]) {
			subsys[i]->destroy(subsys[i], c);
			atomic_dec(&container_css_count[i]);
		}
	}
	atomic_dec(&container_count);
	if (c->parent)
		kfree(c);
	else
		kfree(c->hierarchy); // its top is inside it
}

void container_put(struct container *c)
{
	// Each free drops the reference c held on its parent: a loop, so a
	// chain of 10,000 removed ancestors costs no stack.
	while (c && atomic_dec_and_test(&c->refcnt)) {
		struct container *parent = c->parent;
		if (c->hierarchy == &dummy_hierarchy)
			panic("container_put: the dummy hierarchy's top freed");
		container_free(c);
		c = parent;
	}
}

// ---- css_sets -----------------------------------------------------------

static void css_set_get_locked(struct css_set *cs)
{
	assert_held(&css_set_lock);
	cs->refcnt++;
}

static void css_set_put(struct css_set *cs)
{
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	if (--cs->refcnt > 0 || cs == &init_css_set) {
		spin_unlock_irqrestore(&css_set_lock, f);
		return;
	}
	list_del(&cs->list);
	if (!cs->dead) {
		struct css_set *twin = cs->dead_twin;
		spin_unlock_irqrestore(&css_set_lock, f);
		// The css of one hierarchy all belong to one container: queue its
		// release check once, after all of them are put. (Queued after the
		// first, the check could run between two puts, find the container
		// empty, and be queued again by the second: the agent twice.)
		struct container *unused[CONTAINER_SUBSYS_MAX];
		int n = 0;
		for (int i = 0; i < container_subsys_count; i++) {
			struct container *c = css_put_unused(cs->subsys[i]);
			int k = 0;
			while (c && k < n && unused[k] != c)
				k++;
			if (c && k < n)
				container_put(c); // already listed: its pin
			else if (c)
				unused[n++] = c;
		}
		for (int k = 0; k < n; k++) {
			container_queue_release(unused[k]);
			container_put(unused[k]); // the reference's pin
		}
		kfree(cs);
		if (twin)
			css_set_put(twin); // cs's reference (an exited set: no deeper)
		return;
	}
	// An exited set: its references were not uses, so dropping them
	// changes no container's emptiness (refcnt - dead_refs stays).
	for (int i = 0; i < container_subsys_count; i++) {
		atomic_dec(&cs->subsys[i]->refcnt);
		if (!cs->subsys[i]->root)
			cs->subsys[i]->dead_refs--;
	}
	spin_unlock_irqrestore(&css_set_lock, f);
	for (int i = 0; i < container_subsys_count; i++)
		if (!cs->subsys[i]->root)
			container_put(cs->subsys[i]->container);
	kfree(cs);
}

// Gives live set cs its exited twin (same css, dead) in cs->dead_twin,
// with a reference of cs's, unless it has one: false for ENOMEM. Made
// under css_set_lock alone (exit does not take container_mutex), and
// looked up again before it is added.
static bool css_set_make_twin(struct css_set *cs)
{
	size_t n = container_subsys_count * sizeof(cs->subsys[0]);
	struct css_set *ncs = NULL;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&css_set_lock);
		struct css_set *x = cs->dead_twin;
		if (!x) {
			list_for_each_entry(x, &css_set_list, list)
				if (x->dead && !memcmp(x->subsys, cs->subsys, n))
					break;
			if (&x->list == &css_set_list)
				x = NULL;
			if (x) {
				css_set_get_locked(x); // cs's
				cs->dead_twin = x;
			}
		}
		if (!x && ncs) {
			for (int i = 0; i < container_subsys_count; i++) {
				css_get(ncs->subsys[i]);
				if (!ncs->subsys[i]->root)
					ncs->subsys[i]->dead_refs++;
			}
			list_add(&ncs->list, &css_set_list);
			cs->dead_twin = ncs; // its one reference: cs's
			x = ncs;
			ncs = NULL;
		}
		spin_unlock_irqrestore(&css_set_lock, f);
		kfree(ncs); // (a twin was found meanwhile)
		if (x)
			return true;
		ncs = kzalloc(sizeof(*ncs), GFP_KERNEL);
		if (!ncs)
			return false;
		memcpy(ncs->subsys, cs->subsys, n);
		ncs->dead = true;
		ncs->refcnt = 1;
	}
}

// The css_set equal to old but with c's css for the subsystems of c's
// hierarchy, referenced (found or made). container_mutex held.
static struct css_set *find_css_set(struct css_set *old, struct container *c)
{
	assert_mutex_held(&container_mutex);
	struct container_subsys_state *want[CONTAINER_SUBSYS_MAX];
	unsigned long bits = c->hierarchy->subsys_bits;
	for (int i = 0; i < container_subsys_count; i++)
		want[i] = (bits & (1UL << i)) ? c->subsys[i] : old->subsys[i];
	size_t n = container_subsys_count * sizeof(want[0]);

	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *cs;
	list_for_each_entry(cs, &css_set_list, list) {
		if (!cs->dead && !memcmp(cs->subsys, want, n)) {
			css_set_get_locked(cs);
			spin_unlock_irqrestore(&css_set_lock, f);
			return cs;
		}
	}
	spin_unlock_irqrestore(&css_set_lock, f);

	struct css_set *ncs = kzalloc(sizeof(*ncs), GFP_KERNEL);
	if (!ncs)
		return NULL;
	memcpy(ncs->subsys, want, n);
	ncs->refcnt = 1;
	for (int i = 0; i < container_subsys_count; i++)
		css_get(want[i]);
	f = spin_lock_irqsave(&css_set_lock);
	// Under container_mutex nobody else makes a set for this c: no race.
	list_add(&ncs->list, &css_set_list);
	spin_unlock_irqrestore(&css_set_lock, f);
	return ncs;
}

// t's css_set. The caller holds css_set_lock, or t's rq lock (the swap
// takes both), or t cannot change sets (t is current, or not yet visible,
// or container_mutex is held and t is not being reaped).
static struct css_set *task_css_set(struct task *t)
{
	return t->css_set ? t->css_set : &init_css_set;
}

struct container_subsys_state *task_css(struct task *t, int subsys_id)
{
	return task_css_set(t)->subsys[subsys_id];
}

static int hierarchy_first_subsys(struct hierarchy *h)
{
	return h->subsys_bits ? __builtin_ctzl(h->subsys_bits) : -1;
}

// Under css_set_lock: a racing reap (cgroup_release) or attach may free
// t's css_set as soon as it is unlinked from t.
struct container *task_container(struct task *t, struct hierarchy *h)
{
	int id = hierarchy_first_subsys(h);
	if (id < 0)
		return &h->top;
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct container *c = task_css_set(t)->subsys[id]->container;
	spin_unlock_irqrestore(&css_set_lock, f);
	return c;
}

// ---- task hooks ----------------------------------------------------------

// Undoes the fork hooks of the first n subsystems (last first) and drops
// child's css_set: a refused or failed spawn.
static void fork_undo(struct task *child, int n)
{
	while (--n >= 0)
		if (subsys[n]->fork && subsys[n]->fork_failed)
			subsys[n]->fork_failed(subsys[n], child);
	struct css_set *cs = child->css_set;
	child->css_set = NULL;
	css_set_put(cs);
}

int cgroup_fork(struct task *child)
{
	struct task *parent = current;
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *cs = (parent && parent->css_set) ? parent->css_set : &init_css_set;
	css_set_get_locked(cs);
	child->css_set = cs;
	spin_unlock_irqrestore(&css_set_lock, f);
	for (int i = 0; i < container_subsys_count; i++) {
		int err = subsys[i]->fork ? subsys[i]->fork(subsys[i], child) : 0;
		if (err) {
			fork_undo(child, i);
			return err;
		}
	}
	return 0;
}

// Does child have a non-root css of a subsystem with a post_fork hook? A
// root css's state is read-only (the root's masks are every CPU and node),
// so a child of the roots has nothing to re-read and takes no mutex. (An
// attach that moves child meanwhile applies its new css itself.)
static bool post_fork_needed(struct task *child)
{
	bool any = false;
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	for (int i = 0; i < container_subsys_count && child->css_set; i++)
		any |= subsys[i]->post_fork && !child->css_set->subsys[i]->root;
	spin_unlock_irqrestore(&css_set_lock, f);
	return any;
}

// child is on the task list now, where a cpuset.cpus or memset.mems write
// would find it; but it copied its parent's masks before (task_create's
// inherit), maybe before such a write changed them. Under container_mutex,
// which every such write holds from its change to its last member, the
// subsystems re-read what they gave it: a write either saw child on the
// list or finished before this re-read.
void cgroup_post_fork(struct task *child)
{
	if (!post_fork_needed(child))
		return;
	bool locked = container_locked(); // (a spawn by a container_mutex holder)
	if (!locked)
		container_lock();
	for (int i = 0; i < container_subsys_count; i++)
		if (subsys[i]->post_fork && child->css_set && !task_css(child, i)->root)
			subsys[i]->post_fork(subsys[i], child);
	if (!locked)
		container_unlock();
}

void cgroup_fork_failed(struct task *child)
{
	if (child->css_set)
		fork_undo(child, container_subsys_count);
}

// Is cs a live set with a css other than a root's (one an exit leaves)?
static bool css_set_to_leave(struct css_set *cs)
{
	bool roots_only = true;
	for (int i = 0; cs && i < container_subsys_count; i++)
		roots_only = roots_only && cs->subsys[i]->root;
	return cs && !cs->dead && !roots_only;
}

// t (current) has exited: it moves to the exited twin of its set, so it
// no longer uses its containers -- the last task leaving one makes it
// empty now, not when t is reaped, which may be much later. (Without
// memory for the twin, t stays where it is until then.)
static void css_set_exit(struct task *t)
{
	// Most exits leave only roots: one look, under css_set_lock alone.
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	bool leave = css_set_to_leave(t->css_set);
	spin_unlock_irqrestore(&css_set_lock, f);
	while (leave) {
		// The move, under the locks a swap takes. The twin has the same
		// css as cs: t's load stays in its group and its time goes to the
		// same css, so there is no group to move and nothing to charge
		// first (as sched_swap_css_set would). t's set may have changed
		// since the last look (an attach): look again.
		f = sched_lock_current_css(&css_set_lock);
		struct css_set *cs = t->css_set, *twin = NULL;
		leave = css_set_to_leave(cs);
		if (leave) {
			twin = cs->dead_twin;
			css_set_get_locked(twin ? twin : cs); // t's, or ours for the making
			if (twin)
				t->css_set = twin;
		}
		sched_unlock_current_css(&css_set_lock, f);
		if (twin) {
			css_set_put(cs); // t's reference, now on twin
			return;
		}
		if (leave) {
			leave = css_set_make_twin(cs); // then move; else t stays in cs
			css_set_put(cs);
		}
	}
}

void cgroup_exit(struct task *t)
{
	for (int i = 0; i < container_subsys_count; i++)
		if (subsys[i]->exit)
			subsys[i]->exit(subsys[i], t);
	if (t == current)
		css_set_exit(t);
}

void cgroup_release(struct task *t)
{
	if (!t->css_set)
		return;
	// The release callbacks and the end of t's membership are one step
	// under css_set_lock, so an attach racing with the reap either swapped
	// t's set before (the callbacks see the new set; the attach callback
	// moves t's share from the old) or finds it gone and moves nothing.
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	for (int i = 0; i < container_subsys_count; i++)
		if (subsys[i]->release)
			subsys[i]->release(subsys[i], t);
	struct css_set *cs = t->css_set;
	t->css_set = NULL;
	spin_unlock_irqrestore(&css_set_lock, f);
	css_set_put(cs);
}

// A task counts as a member from spawn until it exits (a zombie has left
// its containers' tasks files, though it is charged until reaped).
static bool task_is_member(struct task *t)
{
	char s = task_state_char(t);
	return s != 'Z' && s != 'X' && s != 'N';
}

// ---- attach ---------------------------------------------------------------

// The move of t into c will not happen: undo the can_attach of the
// subsystems of c's hierarchy below id n (they all returned 0).
static void cancel_attach(struct container *c, struct task *t, int n)
{
	unsigned long bits = c->hierarchy->subsys_bits;
	for (int i = 0; i < n && i < container_subsys_count; i++)
		if ((bits & (1UL << i)) && subsys[i]->can_attach && subsys[i]->cancel_attach)
			subsys[i]->cancel_attach(subsys[i], c, t);
}

int container_attach_locked(struct container *c, struct task *t)
{
	assert_mutex_held(&container_mutex);
	if (test_bit(CONT_REMOVED, &c->flags))
		return -ENODEV;
	if (!task_is_member(t) || t->is_idle)
		return -ESRCH;
	struct hierarchy *h = c->hierarchy;
	struct container *old = task_container(t, h);
	if (old == c)
		return 0;
	// Kernel services stay in the roots, as Linux refuses to move kernel
	// threads (EINVAL): the release worker, the reaper, and init (pid 1) --
	// except init moving itself, which is how the in-kernel tests run.
	if (c->parent && (t->kthread || (t == init_task && t != current)))
		return -EINVAL;
	int err = 0, i;
	for (i = 0; i < container_subsys_count && !err; i++)
		if ((h->subsys_bits & (1UL << i)) && subsys[i]->can_attach)
			err = subsys[i]->can_attach(subsys[i], c, t);
	if (err) {
		cancel_attach(c, t, i - 1); // those before the one that refused
		return err;
	}
	// Hold the old set: t may be reaped meanwhile and drop its own.
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *oldcs = task_css_set(t);
	css_set_get_locked(oldcs);
	spin_unlock_irqrestore(&css_set_lock, f);
	if (oldcs->dead) { // exited meanwhile
		css_set_put(oldcs);
		return -ESRCH;
	}
	struct css_set *ncs = find_css_set(oldcs, c);
	if (!ncs) {
		css_set_put(oldcs);
		cancel_attach(c, t, container_subsys_count);
		return -ENOMEM;
	}
	// Swap under task->lock and the rq lock (see the top), and under
	// css_set_lock so it cannot race with cgroup_release's read.
	bool swapped = sched_swap_css_set(t, oldcs, ncs, &css_set_lock);
	if (!swapped) { // reaped meanwhile: nothing moved
		css_set_put(ncs);
		css_set_put(oldcs);
		cancel_attach(c, t, container_subsys_count);
		return -ESRCH;
	}
	for (int i = 0; i < container_subsys_count; i++)
		if ((h->subsys_bits & (1UL << i)) && subsys[i]->attach)
			subsys[i]->attach(subsys[i], c, old, t);
	css_set_put(oldcs); // t's reference, now on ncs
	css_set_put(oldcs); // ours
	return 0;
}

int container_attach(struct container *c, struct task *t)
{
	container_lock();
	int err = container_attach_locked(c, t);
	container_unlock();
	return err;
}

int container_attach_roots(struct task *t)
{
	int err = 0;
	container_lock();
	struct hierarchy *h;
	list_for_each_entry(h, &hierarchy_list, list) {
		int e = container_attach_locked(&h->top, t);
		if (e && !err)
			err = e;
	}
	container_unlock();
	return err;
}

int container_attach_pid_locked(struct container *c, pid_t pid)
{
	if (pid < 0)
		return -ESRCH;
	struct task *t = pid ? task_find_get(pid) : current;
	if (!t)
		return -ESRCH;
	if (!pid)
		task_get(t);
	int err = container_attach_locked(c, t);
	task_put(t);
	return err;
}

int container_attach_pid(struct container *c, pid_t pid)
{
	container_lock();
	int err = container_attach_pid_locked(c, pid);
	container_unlock();
	return err;
}

// ---- the tree -------------------------------------------------------------

static void container_init_struct(struct container *c, struct hierarchy *h,
				  struct container *parent, const char *name)
{
	strlcpy(c->name, name, sizeof(c->name));
	c->parent = parent;
	c->hierarchy = h;
	INIT_LIST_HEAD(&c->children);
	INIT_LIST_HEAD(&c->sibling);
	INIT_LIST_HEAD(&c->release_list);
	atomic_set(&c->refcnt, 1); // the tree's (for a top: its hierarchy's link)
	atomic_inc(&container_count);
}

struct container *container_lookup_child(struct container *parent, const char *name)
{
	struct container *c;
	list_for_each_entry(c, &parent->children, sibling)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

// 0 for a usable container name, else -EINVAL or -ENAMETOOLONG.
static int container_name_check(const char *name)
{
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return strlen(name) > CONTAINER_NAME_MAX ? -ENAMETOOLONG : 0;
}

int container_mkdir(struct container *parent, const char *name, struct container **out)
{
	int err = container_name_check(name);
	if (err)
		return err;
	container_lock();
	err = 0;
	struct container *c = NULL;
	if (test_bit(CONT_REMOVED, &parent->flags)) {
		err = -ENODEV;
		goto out;
	}
	if (container_lookup_child(parent, name)) {
		err = -EEXIST;
		goto out;
	}
	if (parent->path_len + 1 + strlen(name) > CONTAINER_PATH_MAX) {
		err = -ENAMETOOLONG; // its release agent could not be given its path
		goto out;
	}
	struct hierarchy *h = parent->hierarchy;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		err = -ENOMEM;
		goto out;
	}
	container_init_struct(c, h, parent, name);
	c->path_len = parent->path_len + 1 + strlen(name);
	for (int i = 0; i < container_subsys_count; i++) {
		if (!(h->subsys_bits & (1UL << i)))
			continue;
		struct container_subsys_state *css = subsys[i]->create(subsys[i], c);
		if (IS_ERR_OR_NULL(css)) {
			err = css ? (int)PTR_ERR(css) : -ENOMEM;
			c->parent = NULL; // (holds no reference on it yet)
			while (--i >= 0) {
				if (c->subsys[i]) {
					subsys[i]->destroy(subsys[i], c);
					atomic_dec(&container_css_count[i]);
				}
			}
			atomic_dec(&container_count);
			kfree(c);
			c = NULL;
			goto out;
		}
		css->container = c;
		atomic_set(&css->refcnt, 0);
		css->dead_refs = 0;
		c->subsys[i] = css;
		atomic_inc(&container_css_count[i]);
	}
	container_get(parent); // c's, dropped when c is freed
	if (test_bit(CONT_NOTIFY_ON_RELEASE, &parent->flags))
		set_bit(CONT_NOTIFY_ON_RELEASE, &c->flags);
	list_add_tail(&c->sibling, &parent->children);
	h->nr_containers++;
	for (int i = 0; i < container_subsys_count; i++)
		if (c->subsys[i] && subsys[i]->populate)
			subsys[i]->populate(subsys[i], c);
out:
	container_unlock();
	if (out)
		*out = err ? NULL : c;
	return err;
}

static bool hierarchy_unlink_if_unused(struct hierarchy *h);
static size_t longest_path_below(struct container *c);

static bool is_last_child(struct container *c)
{
	return c->sibling.next == &c->parent->children;
}

bool container_busy(struct container *c)
{
	assert_mutex_held(&container_mutex);
	if (!list_empty(&c->children))
		return true;
	bool busy = false;
	unsigned long f = spin_lock_irqsave(&css_set_lock); // refcnt and dead_refs together
	for (int i = 0; i < container_subsys_count; i++)
		if (c->subsys[i] && atomic_read(&c->subsys[i]->refcnt) > c->subsys[i]->dead_refs)
			busy = true;
	spin_unlock_irqrestore(&css_set_lock, f);
	return busy;
}

int container_rmdir(struct container *c)
{
	container_lock();
	int err = 0;
	if (!c->parent)
		err = -EBUSY;
	else if (test_bit(CONT_REMOVED, &c->flags))
		err = -ENOENT;
	else if (container_busy(c))
		err = -EBUSY;
	struct container *parent = c->parent;
	struct hierarchy *unlinked = NULL;
	if (!err) {
		set_bit(CONT_REMOVED, &c->flags);
		list_del_init(&c->sibling);
		c->hierarchy->nr_containers--;
		// The last child of an unmounted hierarchy (only the kernel's own
		// callers can reach one): the hierarchy goes, as at umount.
		if (!parent->parent && hierarchy_unlink_if_unused(c->hierarchy))
			unlinked = c->hierarchy;
	}
	container_unlock();
	if (!err) {
		container_queue_release(parent); // its last child may be gone (c pins it)
		container_put(c); // the tree's reference
		if (unlinked)
			container_put(&unlinked->top); // its link's
	}
	return err;
}

// Rename c; its path and every descendant's change length by the same.
static void container_rename_locked(struct container *c, const char *newname)
{
	size_t old_len = strlen(c->name), new_len = strlen(newname);
	strlcpy(c->name, newname, sizeof(c->name));
	struct container *pos;
	container_for_each_descendant_pre(pos, c)
		pos->path_len = pos->path_len - old_len + new_len;
}

int container_rename(struct container *c, const char *newname)
{
	int err = container_name_check(newname);
	if (err)
		return err;
	container_lock();
	err = 0;
	if (!c->parent)
		err = -EBUSY;
	else if (test_bit(CONT_REMOVED, &c->flags))
		err = -ENOENT;
	else if (strcmp(c->name, newname) && container_lookup_child(c->parent, newname))
		err = -EEXIST;
	else if (c->path_len - strlen(c->name) + strlen(newname) + longest_path_below(c) >
		 CONTAINER_PATH_MAX)
		err = -ENAMETOOLONG;
	else
		container_rename_locked(c, newname);
	container_unlock();
	return err;
}

size_t container_path_len(struct container *c)
{
	return c->parent ? c->path_len : 1; // "/"
}

char *container_path_alloc(struct container *c)
{
	assert_mutex_held(&container_mutex);
	size_t n = container_path_len(c);
	char *buf = kmalloc(n + 1, GFP_KERNEL);
	if (buf && container_path(c, buf, n + 1) < 0) {
		kfree(buf);
		buf = NULL; // (cannot happen: the size is exact)
	}
	return buf;
}

// The length of the longest path below c, relative to c ("/x/y" below c:
// 4), 0 if c has no children. container_mutex held.
static size_t longest_path_below(struct container *c)
{
	size_t longest = c->path_len;
	struct container *pos;
	container_for_each_descendant_pre(pos, c)
		longest = MAX(longest, pos->path_len);
	return longest - c->path_len;
}

struct container *container_next_descendant_pre(struct container *pos, struct container *root)
{
	assert_mutex_held(&container_mutex);
	if (!pos)
		return root;
	if (!list_empty(&pos->children))
		return list_first_entry(&pos->children, struct container, sibling);
	for (; pos != root; pos = pos->parent)
		if (!is_last_child(pos))
			return list_next_entry(pos, sibling);
	return NULL;
}

int container_path(struct container *c, char *buf, size_t len)
{
	if (!len)
		return -ERANGE;
	if (!c->parent) {
		if (len < 2)
			return -ERANGE;
		strcpy(buf, "/");
		return 1;
	}
	// Build from the end backwards, then move to the front.
	size_t pos = len - 1;
	buf[pos] = '\0';
	for (; c->parent; c = c->parent) {
		size_t n = strlen(c->name);
		if (pos < n + 1)
			return -ERANGE;
		pos -= n;
		memcpy(buf + pos, c->name, n);
		buf[--pos] = '/';
	}
	size_t total = len - 1 - pos;
	memmove(buf, buf + pos, total + 1);
	return (int)total;
}

struct count_arg {
	struct container *c;
	int n;
	pid_t *pids;
	int max;
};

static bool count_member(struct task *t, void *arg)
{
	struct count_arg *a = arg;
	if (!t->is_idle && task_is_member(t) && task_container(t, a->c->hierarchy) == a->c) {
		if (a->pids && a->n < a->max)
			a->pids[a->n] = t->pid;
		a->n++;
	}
	return true;
}

pid_t *container_pids(struct container *c, int *n)
{
	int max = nr_tasks() + 16;
	pid_t *pids = kmalloc(max * sizeof(pid_t), GFP_KERNEL);
	if (!pids)
		return NULL;
	struct count_arg a = {c, 0, pids, max};
	for_each_task(count_member, &a);
	*n = MIN(a.n, max);
	return pids;
}

struct container_subsys_state *task_css_get(struct task *t, int id)
{
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct container_subsys_state *css = task_css_set(t)->subsys[id];
	css_get(css);
	spin_unlock_irqrestore(&css_set_lock, f);
	return css;
}

int container_task_count(struct container *c)
{
	struct count_arg a = {c, 0, NULL, 0};
	for_each_task(count_member, &a);
	return a.n;
}

int container_css_set_count(void)
{
	int n = 0;
	struct css_set *cs;
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	list_for_each_entry(cs, &css_set_list, list)
		n++;
	spin_unlock_irqrestore(&css_set_lock, f);
	return n;
}

// ---- hierarchies and mounting -----------------------------------------------

static void bind_subsys(struct container_subsys *ss, struct hierarchy *to)
{
	struct hierarchy *from = ss->hierarchy;
	int id = ss->subsys_id;
	struct container_subsys_state *css = from->top.subsys[id];
	from->top.subsys[id] = NULL;
	from->subsys_bits &= ~(1UL << id);
	to->top.subsys[id] = css;
	to->subsys_bits |= 1UL << id;
	css->container = &to->top;
	ss->hierarchy = to;
	if (ss->bind)
		ss->bind(ss, &to->top);
}

static int parse_subsys_list(const char *options, unsigned long *bits, char *agent,
			     size_t agent_len)
{
	*bits = 0;
	if (!options)
		options = "";
	const char *p = options;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char tok[64];
		if (n >= sizeof(tok) && strncmp(p, "release_agent=", 14))
			return -EINVAL;
		if (n > 0) {
			if (!strncmp(p, "release_agent=", 14)) {
				size_t an = n - 14;
				if (an >= agent_len)
					return -EINVAL;
				memcpy(agent, p + 14, an);
				agent[an] = '\0';
			} else {
				memcpy(tok, p, n);
				tok[n] = '\0';
				struct container_subsys *ss = container_subsys_by_name(tok);
				if (ss)
					*bits |= 1UL << ss->subsys_id;
				else if (strcmp(tok, "all"))
					return -EINVAL;
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (!*bits)
		*bits = (1UL << container_subsys_count) - 1;
	return 0;
}

int container_mount(const char *options, struct hierarchy **out)
{
	unsigned long bits;
	char agent[RELEASE_AGENT_MAX] = "";
	int err = parse_subsys_list(options, &bits, agent, sizeof(agent));
	if (err)
		return err;
	container_lock();
	struct hierarchy *h;
	list_for_each_entry(h, &hierarchy_list, list) {
		if (h->subsys_bits == bits) {
			h->mounts++;
			if (agent[0])
				strlcpy(h->release_agent, agent, sizeof(h->release_agent));
			*out = h;
			container_unlock();
			return 0;
		}
	}
	err = -EBUSY;
	for (int i = 0; i < container_subsys_count; i++)
		if ((bits & (1UL << i)) && subsys[i]->hierarchy != &dummy_hierarchy)
			goto fail;
	unsigned long ids = 0;
	list_for_each_entry(h, &hierarchy_list, list)
		ids |= 1UL << h->id;
	int id = 1;
	while (id <= CONTAINER_MAX_HIERARCHIES && (ids & (1UL << id)))
		id++;
	if (id > CONTAINER_MAX_HIERARCHIES)
		goto fail;
	err = -ENOMEM;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		goto fail;
	h->id = id;
	container_init_struct(&h->top, h, NULL, "");
	h->nr_containers = 1;
	h->mounts = 1;
	strlcpy(h->release_agent, agent, sizeof(h->release_agent));
	for (int i = 0; i < container_subsys_count; i++)
		if (bits & (1UL << i))
			bind_subsys(subsys[i], h);
	// Keep the list sorted by id (the /proc files list it in order).
	struct hierarchy *pos;
	struct list_head *before = &hierarchy_list;
	list_for_each_entry(pos, &hierarchy_list, list) {
		if (pos->id > id) {
			before = &pos->list;
			break;
		}
	}
	list_add_tail(&h->list, before);
	*out = h;
	err = 0;
fail:
	container_unlock();
	return err;
}

// An unmounted hierarchy with no children left is unlinked: its
// subsystems go back to the dummy hierarchy (only the top is left, so every
// task is in the top: its css are the root css, which move unchanged) and
// it leaves the list. The caller then drops the link's reference on the top;
// removed containers still referenced (a queued release check, an open
// directory) keep the hierarchy until they are freed. container_mutex held.
static bool hierarchy_unlink_if_unused(struct hierarchy *h)
{
	if (h->mounts > 0 || !list_empty(&h->top.children) || list_empty(&h->list))
		return false;
	for (int i = 0; i < container_subsys_count; i++)
		if (h->subsys_bits & (1UL << i))
			bind_subsys(subsys[i], &dummy_hierarchy);
	list_del_init(&h->list);
	return true;
}

void container_umount(struct hierarchy *h)
{
	container_lock();
	h->mounts--;
	bool unlinked = hierarchy_unlink_if_unused(h);
	container_unlock();
	if (unlinked)
		container_put(&h->top);
}

// ---- boot --------------------------------------------------------------------------

void container_init(void)
{
	mutex_init(&container_mutex, "container_mutex");
	spin_lock_init(&css_set_lock, "css_set_lock");
	container_release_init();
	container_init_struct(&dummy_hierarchy.top, &dummy_hierarchy, NULL, "");
	dummy_hierarchy.nr_containers = 1;
	INIT_LIST_HEAD(&dummy_hierarchy.list);
	init_css_set.refcnt = 1; // never freed
	list_add(&init_css_set.list, &css_set_list);

	int n = (int)(__container_subsys_end - __container_subsys_start);
	if (n > CONTAINER_SUBSYS_MAX)
		panic("container: %d subsystems, at most %d", n, CONTAINER_SUBSYS_MAX);
	for (int i = 0; i < n; i++) {
		struct container_subsys *ss = __container_subsys_start[i];
		ss->subsys_id = i;
		ss->hierarchy = &dummy_hierarchy;
		subsys[i] = ss;
		container_subsys_count = i + 1;
		struct container_subsys_state *css = ss->create(ss, &dummy_hierarchy.top);
		if (IS_ERR_OR_NULL(css))
			panic("container: cannot create the root state of %s", ss->name);
		css->container = &dummy_hierarchy.top;
		css->root = true;
		atomic_set(&css->refcnt, 1); // init_css_set's
		dummy_hierarchy.top.subsys[i] = css;
		dummy_hierarchy.subsys_bits |= 1UL << i;
		init_css_set.subsys[i] = css;
	}
}

