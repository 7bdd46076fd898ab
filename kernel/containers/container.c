// The generic process-container core: hierarchies, containers, css_sets,
// attach, the spawn/exit hooks, control files and the release agent. It
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
//     is referenced, rmdir is EBUSY -- that is how "has tasks" is checked.
//
// Locks, in the order they are taken:
//   container_mutex   hierarchies (list, binding, mounts), the trees
//                     (children, names, flags), subsystem state changed
//                     through control files, attach, release_agent text
//   task->lock, rq lock   t->css_set is written under both
//                     (sched_set_css_set), so the scheduler's accounting
//                     hook sees a live css_set under the rq lock
//   css_set_lock      the css_set list and every css_set refcount;
//                     t->css_set is also written under it
//   release_lock      release_list
// Refcounts: css_set.refcnt (css_set_lock): one per task, owned by the
// task from cgroup_fork to cgroup_release. css.refcnt (atomic): one per
// css_set holding it, plus css_get users. container.refcnt (atomic): the
// tree's own (dropped by rmdir), confs inodes, queued release checks.
#include "kernel/containers/container.h"
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

#define PATH_MAX_CONTAINER 4096
#ifndef IS_ERR_OR_NULL
#define IS_ERR_OR_NULL(p) (!(p) || IS_ERR(p))
#endif

static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long m = BIT_MASK(nr);
	return (__atomic_fetch_or(&addr[BIT_WORD(nr)], m, __ATOMIC_SEQ_CST) & m) != 0;
}

extern struct container_subsys *const __container_subsys_start[];
extern struct container_subsys *const __container_subsys_end[];

static struct container_subsys *subsys[CONTAINER_SUBSYS_MAX];
int container_subsys_count;

static struct mutex container_mutex;
static struct spinlock css_set_lock;
static struct spinlock release_lock;
static LIST_HEAD(css_set_list);  // css_set_lock
static LIST_HEAD(release_list);  // release_lock
static struct wait_queue release_wq;
static bool release_worker_started;

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

static void container_queue_release(struct container *c);

void css_get(struct container_subsys_state *css) { atomic_inc(&css->refcnt); }

void css_put(struct container_subsys_state *css)
{
	if (atomic_dec_and_test(&css->refcnt))
		container_queue_release(css->container);
}

void container_get(struct container *c) { atomic_inc(&c->refcnt); }

static void container_free(struct container *c)
{
	struct hierarchy *h = c->hierarchy;
	for (int i = 0; i < container_subsys_count; i++)
		if (c->subsys[i] && (h->subsys_bits & (1UL << i)))
			subsys[i]->destroy(subsys[i], c);
	kfree(c);
}

void container_put(struct container *c)
{
	if (atomic_dec_and_test(&c->refcnt)) {
		if (!c->parent)
			panic("container_put: the top of hierarchy %d freed", c->hierarchy->id);
		container_free(c);
	}
}

// ---- css_sets -----------------------------------------------------------

static void css_set_get_locked(struct css_set *cs) { cs->refcnt++; }

static void css_set_put(struct css_set *cs)
{
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	if (--cs->refcnt > 0 || cs == &init_css_set) {
		spin_unlock_irqrestore(&css_set_lock, f);
		return;
	}
	list_del(&cs->list);
	spin_unlock_irqrestore(&css_set_lock, f);
	for (int i = 0; i < container_subsys_count; i++)
		css_put(cs->subsys[i]);
	kfree(cs);
}

// The css_set equal to old but with c's css for the subsystems of c's
// hierarchy, referenced (found or made). container_mutex held.
static struct css_set *find_css_set(struct css_set *old, struct container *c)
{
	struct container_subsys_state *want[CONTAINER_SUBSYS_MAX];
	unsigned long bits = c->hierarchy->subsys_bits;
	for (int i = 0; i < container_subsys_count; i++)
		want[i] = (bits & (1UL << i)) ? c->subsys[i] : old->subsys[i];
	size_t n = container_subsys_count * sizeof(want[0]);

	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *cs;
	list_for_each_entry(cs, &css_set_list, list) {
		if (!memcmp(cs->subsys, want, n)) {
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

struct container *task_container(struct task *t, struct hierarchy *h)
{
	int id = hierarchy_first_subsys(h);
	return id < 0 ? &h->top : task_css(t, id)->container;
}

bool container_is_descendant(struct container *c, struct container *ancestor)
{
	for (; c; c = c->parent)
		if (c == ancestor)
			return true;
	return false;
}

// ---- task hooks ----------------------------------------------------------

int cgroup_fork(struct task *child)
{
	struct task *parent = current;
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *cs = (parent && parent->css_set) ? parent->css_set : &init_css_set;
	css_set_get_locked(cs);
	child->css_set = cs;
	spin_unlock_irqrestore(&css_set_lock, f);
	for (int i = 0; i < container_subsys_count; i++) {
		if (!subsys[i]->fork)
			continue;
		int err = subsys[i]->fork(subsys[i], child);
		if (err) {
			while (--i >= 0)
				if (subsys[i]->fork && subsys[i]->fork_failed)
					subsys[i]->fork_failed(subsys[i], child);
			child->css_set = NULL;
			css_set_put(cs);
			return err;
		}
	}
	return 0;
}

void cgroup_post_fork(struct task *child) { (void)child; }

void cgroup_fork_failed(struct task *child)
{
	if (!child->css_set)
		return;
	for (int i = container_subsys_count - 1; i >= 0; i--)
		if (subsys[i]->fork && subsys[i]->fork_failed)
			subsys[i]->fork_failed(subsys[i], child);
	struct css_set *cs = child->css_set;
	child->css_set = NULL;
	css_set_put(cs);
}

void cgroup_exit(struct task *t)
{
	for (int i = 0; i < container_subsys_count; i++)
		if (subsys[i]->exit)
			subsys[i]->exit(subsys[i], t);
}

void cgroup_release(struct task *t)
{
	if (!t->css_set)
		return;
	for (int i = 0; i < container_subsys_count; i++)
		if (subsys[i]->release)
			subsys[i]->release(subsys[i], t);
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *cs = t->css_set;
	t->css_set = NULL; // an attach racing with the reap sees it gone
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

static int attach_locked(struct container *c, struct task *t)
{
	if (test_bit(CONT_REMOVED, &c->flags))
		return -ENODEV;
	if (!task_is_member(t) || t->is_idle)
		return -ESRCH;
	struct hierarchy *h = c->hierarchy;
	struct container *old = task_container(t, h);
	if (old == c)
		return 0;
	for (int i = 0; i < container_subsys_count; i++) {
		if (!(h->subsys_bits & (1UL << i)) || !subsys[i]->can_attach)
			continue;
		int err = subsys[i]->can_attach(subsys[i], c, t);
		if (err)
			return err;
	}
	// Hold the old set: t may be reaped meanwhile and drop its own.
	unsigned long f = spin_lock_irqsave(&css_set_lock);
	struct css_set *oldcs = task_css_set(t);
	css_set_get_locked(oldcs);
	spin_unlock_irqrestore(&css_set_lock, f);
	struct css_set *ncs = find_css_set(oldcs, c);
	if (!ncs) {
		css_set_put(oldcs);
		return -ENOMEM;
	}
	// Swap under task->lock and the rq lock (see the top), and under
	// css_set_lock so it cannot race with cgroup_release's read.
	bool swapped = sched_swap_css_set(t, oldcs, ncs, &css_set_lock);
	if (!swapped) { // reaped meanwhile: nothing moved
		css_set_put(ncs);
		css_set_put(oldcs);
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
	int err = attach_locked(c, t);
	container_unlock();
	return err;
}

int container_attach_pid(struct container *c, pid_t pid)
{
	if (pid < 0)
		return -ESRCH;
	struct task *t = pid ? task_find_get(pid) : current;
	if (!t)
		return -ESRCH;
	if (!pid)
		task_get(t);
	int err = container_attach(c, t);
	task_put(t);
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
	atomic_set(&c->refcnt, 1);
}

struct container *container_lookup_child(struct container *parent, const char *name)
{
	struct container *c;
	list_for_each_entry(c, &parent->children, sibling)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int container_mkdir(struct container *parent, const char *name, struct container **out)
{
	if (!*name || strlen(name) > CONTAINER_NAME_MAX)
		return *name ? -ENAMETOOLONG : -EINVAL;
	container_lock();
	int err = 0;
	struct container *c = NULL;
	if (test_bit(CONT_REMOVED, &parent->flags)) {
		err = -ENODEV;
		goto out;
	}
	if (container_lookup_child(parent, name)) {
		err = -EEXIST;
		goto out;
	}
	struct hierarchy *h = parent->hierarchy;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		err = -ENOMEM;
		goto out;
	}
	container_init_struct(c, h, parent, name);
	for (int i = 0; i < container_subsys_count; i++) {
		if (!(h->subsys_bits & (1UL << i)))
			continue;
		struct container_subsys_state *css = subsys[i]->create(subsys[i], c);
		if (IS_ERR_OR_NULL(css)) {
			err = css ? (int)PTR_ERR(css) : -ENOMEM;
			while (--i >= 0)
				if (c->subsys[i])
					subsys[i]->destroy(subsys[i], c);
			kfree(c);
			c = NULL;
			goto out;
		}
		css->container = c;
		atomic_set(&css->refcnt, 0);
		c->subsys[i] = css;
	}
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

static bool container_busy(struct container *c)
{
	if (!list_empty(&c->children))
		return true;
	for (int i = 0; i < container_subsys_count; i++)
		if (c->subsys[i] && atomic_read(&c->subsys[i]->refcnt) > 0)
			return true;
	return false;
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
	if (!err) {
		set_bit(CONT_REMOVED, &c->flags);
		list_del_init(&c->sibling);
		c->hierarchy->nr_containers--;
		if (parent->parent)
			container_get(parent); // it may be removed once we unlock
	}
	container_unlock();
	if (!err) {
		if (parent->parent) {
			container_queue_release(parent); // its last child may be gone
			container_put(parent);
		}
		container_put(c); // the tree's reference
	}
	return err;
}

int container_rename(struct container *c, const char *newname)
{
	if (!*newname || strlen(newname) > CONTAINER_NAME_MAX || strchr(newname, '/'))
		return *newname ? -ENAMETOOLONG : -EINVAL;
	container_lock();
	int err = 0;
	if (!c->parent)
		err = -EBUSY;
	else if (test_bit(CONT_REMOVED, &c->flags))
		err = -ENOENT;
	else if (strcmp(c->name, newname) && container_lookup_child(c->parent, newname))
		err = -EEXIST;
	else
		strlcpy(c->name, newname, sizeof(c->name));
	container_unlock();
	return err;
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

void container_umount(struct hierarchy *h)
{
	container_lock();
	if (--h->mounts > 0 || !list_empty(&h->top.children)) {
		container_unlock();
		return;
	}
	// Only the top is left, so every task is in the top: its css are the
	// root css, which go back to the dummy hierarchy unchanged.
	for (int i = 0; i < container_subsys_count; i++)
		if (h->subsys_bits & (1UL << i))
			bind_subsys(subsys[i], &dummy_hierarchy);
	list_del(&h->list);
	container_unlock();
	kfree(h); // (a top is never queued for release: nothing points here)
}

// ---- control files -----------------------------------------------------------

static int tasks_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	int n;
	pid_t *pids = container_pids(c, &n); // creation order; pids may be reused
	if (!pids)
		return -ENOMEM;
	for (int i = 1; i < n; i++) { // insertion sort: small lists
		pid_t v = pids[i];
		int j = i;
		for (; j > 0 && pids[j - 1] > v; j--)
			pids[j] = pids[j - 1];
		pids[j] = v;
	}
	for (int i = 0; i < n; i++)
		seq_printf(s, "%d\n", pids[i]);
	kfree(pids);
	return 0;
}

// Strict decimal parse of a whole string into *out (0 or -EINVAL).
int container_parse_long(const char *buf, long *out)
{
	const char *p = buf;
	bool neg = *p == '-';
	if (neg || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	long v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (__LONG_MAX__ - (*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*p - '0');
	}
	if (*p)
		return -EINVAL;
	*out = neg ? -v : v;
	return 0;
}

static int tasks_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long pid;
	int err = container_parse_long(buf, &pid);
	if (err == -ERANGE)
		return -ESRCH;
	if (err)
		return err;
	if (pid < 0 || pid > __INT_MAX__)
		return -ESRCH;
	struct task *t = pid ? task_find_get((pid_t)pid) : current;
	if (!t)
		return -ESRCH;
	if (!pid)
		task_get(t);
	err = attach_locked(c, t); // container_mutex held by the file write
	task_put(t);
	return err;
}

static int notify_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%d\n", test_bit(CONT_NOTIFY_ON_RELEASE, &c->flags) ? 1 : 0);
	return 0;
}

static int notify_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long v;
	if (container_parse_long(buf, &v) || (v != 0 && v != 1))
		return -EINVAL;
	if (v)
		set_bit(CONT_NOTIFY_ON_RELEASE, &c->flags);
	else
		clear_bit(CONT_NOTIFY_ON_RELEASE, &c->flags);
	return 0;
}

static int agent_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%s\n", c->hierarchy->release_agent);
	return 0;
}

static int agent_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	if (strlen(buf) >= RELEASE_AGENT_MAX)
		return -EINVAL;
	strlcpy(c->hierarchy->release_agent, buf, RELEASE_AGENT_MAX);
	return 0;
}

static const struct cftype core_files[] = {
	{.name = "tasks", .read = tasks_read, .write = tasks_write},
	{.name = "notify_on_release", .read = notify_read, .write = notify_write},
	{.name = "release_agent", .read = agent_read, .write = agent_write,
	 .flags = CFT_ONLY_ON_ROOT},
	{0},
};

static bool cft_applies(struct container *c, const struct cftype *cft)
{
	if ((cft->flags & CFT_ONLY_ON_ROOT) && c->parent)
		return false;
	if ((cft->flags & CFT_NOT_ON_ROOT) && !c->parent)
		return false;
	return true;
}

const struct cftype *container_file(struct container *c, int idx, char *name, size_t len,
				    struct container_subsys **ssp)
{
	int k = 0;
	for (const struct cftype *cft = core_files; cft->name; cft++) {
		if (!cft_applies(c, cft))
			continue;
		if (k++ == idx) {
			strlcpy(name, cft->name, len);
			if (ssp)
				*ssp = NULL;
			return cft;
		}
	}
	unsigned long bits = c->hierarchy->subsys_bits;
	for (int i = 0; i < container_subsys_count; i++) {
		if (!(bits & (1UL << i)) || !subsys[i]->files)
			continue;
		for (const struct cftype *cft = subsys[i]->files; cft->name; cft++) {
			if (!cft_applies(c, cft))
				continue;
			if (k++ == idx) {
				snprintf(name, len, "%s.%s", subsys[i]->name, cft->name);
				if (ssp)
					*ssp = subsys[i];
				return cft;
			}
		}
	}
	return NULL;
}

int container_file_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	if (!cft->read)
		return -EINVAL;
	container_lock();
	int err = test_bit(CONT_REMOVED, &c->flags) ? -ENODEV : cft->read(c, cft, s);
	container_unlock();
	return err;
}

int container_file_write(struct container *c, const struct cftype *cft, const char *buf,
			 size_t len)
{
	if (!cft->write)
		return -EINVAL;
	char *kbuf = kmalloc(len + 1, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	memcpy(kbuf, buf, len);
	kbuf[len] = '\0';
	if (len && kbuf[len - 1] == '\n')
		kbuf[len - 1] = '\0';
	if (strlen(kbuf) != (len && buf[len - 1] == '\n' ? len - 1 : len)) {
		kfree(kbuf); // an embedded NUL
		return -EINVAL;
	}
	container_lock();
	int err = test_bit(CONT_REMOVED, &c->flags) ? -ENODEV : cft->write(c, cft, kbuf);
	container_unlock();
	kfree(kbuf);
	return err;
}

// ---- release notification -------------------------------------------------------

// Queue c for a release check if it asks to be notified. Any context
// that may take a spinlock; the worker decides.
static void container_queue_release(struct container *c)
{
	if (!c || !c->parent || !test_bit(CONT_NOTIFY_ON_RELEASE, &c->flags) ||
	    test_bit(CONT_REMOVED, &c->flags))
		return;
	if (test_and_set_bit(CONT_RELEASE_QUEUED, &c->flags))
		return;
	container_get(c);
	unsigned long f = spin_lock_irqsave(&release_lock);
	list_add_tail(&c->release_list, &release_list);
	spin_unlock_irqrestore(&release_lock, f);
	if (release_worker_started)
		wake_up(&release_wq);
}

static bool release_pending(void)
{
	unsigned long f = spin_lock_irqsave(&release_lock);
	bool r = !list_empty(&release_list);
	spin_unlock_irqrestore(&release_lock, f);
	return r;
}

// Spawn the agent: its command line split at spaces, then the path.
static bool run_release_agent(const char *agent, const char *path)
{
	char line[RELEASE_AGENT_MAX];
	strlcpy(line, agent, sizeof(line));
	char *argv[17];
	int argc = 0;
	for (char *p = line; *p && argc < 15;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (!argc)
		return false;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	char *envp[] = {"PATH=/", NULL};
	pid_t pid = sys_spawn(argv[0], argv, envp);
	if (pid < 0)
		pr_warn("container: release agent '%s': error %d\n", argv[0], pid);
	return pid > 0;
}

atomic_t container_releases; // agents started (tests)

static int agents_running; // the worker's own

static int release_worker(void *arg)
{
	(void)arg;
	for (;;) {
		// Sleep until a release is queued; poll (to reap agents that
		// finished) only while some are running.
		// Interruptible (it shows as S, and stays out of the load
		// average); a kernel thread ignores kills, as in Linux.
		WRITE_ONCE(current->kill_pending, 0);
		struct wait_entry we;
		wait_entry_init(&we);
		prepare_to_wait(&release_wq, &we, TASK_INTERRUPTIBLE);
		if (!release_pending()) {
			if (agents_running)
				schedule_until(clock_ns() + 100000000ULL);
			else
				schedule();
		}
		finish_wait(&release_wq, &we);
		while (agents_running && sys_waitpid(-1, NULL, WNOHANG) > 0)
			agents_running--;
		for (;;) {
			unsigned long f = spin_lock_irqsave(&release_lock);
			struct container *c =
				list_first_entry_or_null(&release_list, struct container, release_list);
			if (c)
				list_del_init(&c->release_list);
			spin_unlock_irqrestore(&release_lock, f);
			if (!c)
				break;
			char agent[RELEASE_AGENT_MAX], path[1024];
			bool run = false;
			container_lock();
			clear_bit(CONT_RELEASE_QUEUED, &c->flags);
			if (!test_bit(CONT_REMOVED, &c->flags) && !container_busy(c) &&
			    test_bit(CONT_NOTIFY_ON_RELEASE, &c->flags)) {
				strlcpy(agent, c->hierarchy->release_agent, sizeof(agent));
				run = agent[0] && container_path(c, path, sizeof(path)) > 0;
			}
			container_unlock();
			if (run) {
				atomic_inc(&container_releases);
				agents_running += run_release_agent(agent, path);
			}
			container_put(c);
		}
	}
	return 0;
}

// ---- /proc -------------------------------------------------------------------

static void seq_subsys_names(struct seq_buf *s, unsigned long bits)
{
	bool first = true;
	for (int i = 0; i < container_subsys_count; i++) {
		if (bits & (1UL << i)) {
			seq_printf(s, "%s%s", first ? "" : ",", subsys[i]->name);
			first = false;
		}
	}
}

int proc_container_show(struct task *t, struct seq_buf *s)
{
	char *path = kmalloc(PATH_MAX_CONTAINER, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	container_lock();
	struct hierarchy *h;
	list_for_each_entry(h, &hierarchy_list, list) {
		seq_printf(s, "%d:", h->id);
		seq_subsys_names(s, h->subsys_bits);
		if (container_path(task_container(t, h), path, PATH_MAX_CONTAINER) < 0)
			strcpy(path, "?");
		seq_printf(s, ":%s\n", path);
	}
	container_unlock();
	kfree(path);
	return 0;
}

int proc_containers_show(struct seq_buf *s)
{
	seq_printf(s, "#subsys_name\thierarchy\tnum_containers\tenabled\n");
	container_lock();
	for (int i = 0; i < container_subsys_count; i++) {
		struct hierarchy *h = subsys[i]->hierarchy;
		seq_printf(s, "%s\t%d\t%d\t1\n", subsys[i]->name, h->id, h->nr_containers);
	}
	container_unlock();
	return 0;
}

// ---- boot --------------------------------------------------------------------------

void container_init(void)
{
	mutex_init(&container_mutex, "container_mutex");
	spin_lock_init(&css_set_lock, "css_set_lock");
	spin_lock_init(&release_lock, "container_release_lock");
	wait_queue_init(&release_wq, "container_release");
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
		atomic_set(&css->refcnt, 1); // init_css_set's
		dummy_hierarchy.top.subsys[i] = css;
		dummy_hierarchy.subsys_bits |= 1UL << i;
		init_css_set.subsys[i] = css;
	}
}

void container_late_init(void)
{
	struct task *t = kthread_create("container_release", release_worker, NULL);
	if (IS_ERR(t))
		panic("container: cannot start the release worker");
	release_worker_started = true;
}
