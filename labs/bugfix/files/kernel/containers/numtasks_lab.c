// numtasks_lab: a copy of numtasks (kernel/containers/numtasks.c) under
// another name, for lab bugfix (labs/bugfix/README.md). Its files are
// numtasks_lab.shares, numtasks_lab.stats and numtasks_lab.max; they
// behave as numtasks's do (read numtasks.c's comment for the contract).
// This copy has a bug: find it.
//
// numtasks (ResGroups / CKRM's task-count controller): how many tasks a
// container may hold, as a share of its parent's limit.
//
//   numtasks.shares  res=numtasks,min_shares=N,max_shares=N,child_shares_divisor=N
//                    (defaults dontcare, dontcare, 100); written as a comma
//                    list of any of those key=value pairs, where a share is
//                    a count, "dontcare" or -3 (its old spelling, DESIGN.md's).
//                    Read-only in the root (EACCES): the root has no limit
//                    files (as Linux), its limit is numtasks.max
//   numtasks.stats   numtasks: Current usage N / Number of successes N /
//                    Number of failures N / Number of forkrate failures N
//   numtasks.max     the root only: the machine-wide limit; reads "max"
//                    when unlimited, as Linux's pids.max does, and takes
//                    "max", -1 or a count
//
// A container's limit is max_shares * parent's limit / parent's
// child_shares_divisor (its parent's limit when max_shares is dontcare).
// An unlimited root counts as PID_MAX tasks in that arithmetic -- no
// machine holds more, since each task needs a pid -- so a child's shares
// limit it whether or not numtasks.max was set. The arithmetic cannot
// overflow: shares never exceed the parent's divisor, so a limit never
// exceeds its parent's and share_of() works in 128 bits. Usage is hierarchical: a task counts in its
// container and every ancestor, from spawn (the fork callback, which may
// refuse with EAGAIN: a failure) until it is reaped (release). Moving a
// task moves its count and always succeeds, even past a limit.
// min_shares is a guarantee: a spawn in one container may not take a
// slot of its parent's limit that a sibling's min_shares still reserves
// (a container below its own guarantee may always grow to it).
// There is no fork-rate limit: that counter stays 0.
//
// Locking: numtasks_lock (a spinlock) guards every count and parameter;
// it nests inside css_set_lock (release is called under it). Parameters
// are written with container_mutex held too. Attach and release may race:
// the core makes release see t's final css_set (an attach swaps t's set
// either before it, and then moves the count old -> new itself, or not at
// all), and the updates are +1/-1 on the chain each one names, which
// commute, so the counts stay exact.
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/spinlock.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/slab.h"

#define DONT_CARE (-3)
#define UNLIMITED (-1L)
// What an unlimited root's limit counts as in its children's shares.
#define UNLIMITED_BASE ((long)PID_MAX)

struct numtasks {
	struct container_subsys_state css;
	// The parent container's, NULL for a root: cached because spawn and
	// reap walk the chain without container_mutex (see cpuacct.c).
	struct numtasks *parent;
	long min_shares, max_shares, child_divisor;
	struct list_head children; // numtasks of the child containers
	struct list_head sibling;  // in parent->children
	long max;           // root: the limit (UNLIMITED); others unused
	// nt_limit's value, computed from the parent's when nt is made and
	// again, top-down, for c and every descendant after a write to c's
	// shares or max: spawn reads it in O(1), so its walk up the chain
	// costs O(depth), not O(depth^2), and nothing recurses.
	long limit;
	long usage;         // tasks here and below
	long successes, failures; // spawns let in and refused here
};

static struct container_subsys numtasks_subsys;
static struct spinlock numtasks_lock;

static struct numtasks *css_nt(struct container_subsys_state *css)
{
	return container_of(css, struct numtasks, css);
}

static struct numtasks *c_nt(struct container *c)
{
	return css_nt(container_css(c, numtasks_subsys.subsys_id));
}

// shares/divisor of limit (UNLIMITED: of UNLIMITED_BASE), rounded down.
// The product is 128 bits wide and divq takes a 128-bit dividend; the
// quotient fits 64 bits because 0 <= shares <= divisor (shares_write
// keeps it so; a larger one is taken as the whole limit).
static long share_of(long shares, long limit, long divisor)
{
	if (limit == UNLIMITED)
		limit = UNLIMITED_BASE;
	if (shares >= divisor)
		return limit;
	unsigned __int128 prod = (unsigned __int128)(u64)shares * (u64)limit;
	u64 q, r;
	asm("divq %4" : "=a"(q), "=d"(r)
	    : "a"((u64)prod), "d"((u64)(prod >> 64)), "rm"((u64)divisor));
	return (long)q;
}

// The limit of nt (UNLIMITED for none). numtasks_lock held.
static long nt_limit(struct numtasks *nt) { return nt->limit; }

// nt's limit from its parent's (already up to date). numtasks_lock held.
static long limit_from_parent(struct numtasks *nt)
{
	struct numtasks *p = nt->parent;
	if (!p)
		return nt->max;
	long plimit = p->limit;
	if (nt->max_shares == DONT_CARE)
		return plimit;
	return share_of(nt->max_shares, plimit, p->child_divisor);
}

// Recompute the limits of c and its descendants, parents first
// (container_mutex held, so the tree stands still).
static void update_limits(struct container *c)
{
	struct container *pos;
	container_for_each_descendant_pre(pos, c) {
		unsigned long f = spin_lock_irqsave(&numtasks_lock);
		c_nt(pos)->limit = limit_from_parent(c_nt(pos));
		spin_unlock_irqrestore(&numtasks_lock, f);
	}
}

// What nt is guaranteed (min_shares of its parent's limit), 0 for none.
static long nt_guarantee(struct numtasks *nt)
{
	struct numtasks *p = nt->parent;
	if (!p || nt->min_shares == DONT_CARE)
		return 0;
	return share_of(nt->min_shares, nt_limit(p), p->child_divisor);
}

// Would one more task in child (a child of p) take a slot that p keeps for
// the unused guarantees of child's siblings? numtasks_lock held.
static bool eats_guarantees(struct numtasks *p, struct numtasks *child)
{
	long plimit = nt_limit(p);
	if (plimit == UNLIMITED)
		return false;
	// Each guarantee is at most plimit, so stopping the sum at plimit
	// keeps it from overflowing and does not change the answer.
	long reserved = 0;
	struct numtasks *s;
	list_for_each_entry(s, &p->children, sibling) { // (removed ones reserve nothing)
		if (s != child && !test_bit(CONT_REMOVED, &s->css.container->flags))
			reserved += MAX(0L, nt_guarantee(s) - s->usage);
		if (reserved >= plimit)
			return true;
	}
	return p->usage >= plimit - reserved;
}

static void chain_add(struct numtasks *nt, long d)
{
	for (; nt; nt = nt->parent)
		nt->usage += d;
}

static int numtasks_fork(struct container_subsys *ss, struct task *t)
{
	struct numtasks *nt = css_nt(task_css(t, ss->subsys_id));
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	for (struct numtasks *n = nt; n; n = n->parent) {
		long lim = nt_limit(n);
		bool below_guarantee = n->usage < nt_guarantee(n);
		if ((lim != UNLIMITED && n->usage >= lim) ||
		    (!below_guarantee && n->parent && eats_guarantees(n->parent, n))) {
			nt->failures++;
			spin_unlock_irqrestore(&numtasks_lock, f);
			return -EAGAIN;
		}
	}
	chain_add(nt, 1);
	nt->successes++;
	spin_unlock_irqrestore(&numtasks_lock, f);
	return 0;
}

static void uncount(struct container_subsys *ss, struct task *t)
{
	struct numtasks *nt = css_nt(task_css(t, ss->subsys_id));
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	chain_add(nt, -1);
	spin_unlock_irqrestore(&numtasks_lock, f);
}

static void numtasks_attach(struct container_subsys *ss, struct container *c,
			    struct container *old, struct task *t)
{
	(void)t;
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	chain_add(css_nt(container_css(old, ss->subsys_id)), -1);
	chain_add(css_nt(container_css(c, ss->subsys_id)), 1);
	spin_unlock_irqrestore(&numtasks_lock, f);
}

static struct container_subsys_state *numtasks_create(struct container_subsys *ss,
						      struct container *c)
{
	(void)ss;
	struct numtasks *nt = kzalloc(sizeof(*nt), GFP_KERNEL);
	if (!nt)
		return NULL;
	nt->min_shares = nt->max_shares = DONT_CARE;
	nt->child_divisor = 100;
	nt->max = UNLIMITED;
	nt->parent = c->parent ? c_nt(c->parent) : NULL;
	INIT_LIST_HEAD(&nt->children);
	INIT_LIST_HEAD(&nt->sibling);
	if (!c->parent && c->hierarchy->id == 0) {
		spin_lock_init(&numtasks_lock, "numtasks_lab_lock");
		// Boot: every task but the idle ones is spawned after this.
	}
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	nt->limit = limit_from_parent(nt);
	if (nt->parent)
		list_add_tail(&nt->sibling, &nt->parent->children);
	spin_unlock_irqrestore(&numtasks_lock, f);
	return &nt->css;
}

static void numtasks_destroy(struct container_subsys *ss, struct container *c)
{
	// The core has unlinked c from its parent (rmdir): nothing points
	// here any more.
	kfree(css_nt(container_css(c, ss->subsys_id)));
}

// The root's count covers every task; when the subsystem moves between
// hierarchies the root css moves with it, so nothing changes.

// A share as it reads: a count, or "dontcare".
static void seq_share(struct seq_buf *s, const char *key, long v)
{
	if (v == DONT_CARE)
		seq_printf(s, "%s=dontcare", key);
	else
		seq_printf(s, "%s=%ld", key, v);
}

static int shares_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct numtasks *nt = c_nt(c);
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	long mn = nt->min_shares, mx = nt->max_shares, dv = nt->child_divisor;
	spin_unlock_irqrestore(&numtasks_lock, f);
	seq_printf(s, "res=numtasks_lab,");
	seq_share(s, "min_shares", mn);
	seq_share(s, ",max_shares", mx);
	seq_printf(s, ",child_shares_divisor=%ld\n", dv);
	return 0;
}

// A share as written: a count, "dontcare" or -3 (DONT_CARE's old
// spelling). -ERANGE past 64 bits, -EINVAL for anything else.
static int parse_share(const char *buf, long *out)
{
	long long v;
	if (!strcmp(buf, "dontcare")) {
		*out = DONT_CARE;
		return 0;
	}
	int err = kstrtoll(buf, 10, &v);
	if (err)
		return err;
	if (v < 0 && v != DONT_CARE)
		return -EINVAL;
	*out = v;
	return 0;
}

// One "key=value" of a shares write into *mn, *mx, *dv. 0 or -errno.
static int parse_shares_pair(char *tok, long *mn, long *mx, long *dv)
{
	char *eq = strchr(tok, '=');
	if (!eq)
		return -EINVAL;
	*eq = '\0';
	const char *val = eq + 1;
	if (!strcmp(tok, "res")) // what a read starts with: may be written back
		return strcmp(val, "numtasks_lab") ? -EINVAL : 0;
	if (!strcmp(tok, "min_shares"))
		return parse_share(val, mn);
	if (!strcmp(tok, "max_shares"))
		return parse_share(val, mx);
	if (!strcmp(tok, "child_shares_divisor")) {
		long long v;
		int err = kstrtoll(val, 10, &v);
		if (!err && v <= 0)
			err = -EINVAL;
		if (!err)
			*dv = v;
		return err;
	}
	return -EINVAL;
}

static int shares_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	struct numtasks *nt = c_nt(c);
	struct numtasks *p = nt->parent;
	long mn = nt->min_shares, mx = nt->max_shares, dv = nt->child_divisor;
	if (!p) // CFT_READONLY_ON_ROOT keeps the core from calling this
		return -EACCES;
	if (!*buf)
		return -EINVAL;
	char *copy = kstrdup(buf, GFP_KERNEL); // cut into pairs in place
	if (!copy)
		return -ENOMEM;
	int err = 0;
	for (char *q = copy; !err;) {
		char *e = strchr(q, ',');
		if (e)
			*e = '\0';
		err = *q ? parse_shares_pair(q, &mn, &mx, &dv) : -EINVAL; // empty pair
		if (!e)
			break;
		q = e + 1;
	}
	kfree(copy);
	if (err)
		return err;
	if (mn != DONT_CARE && mx != DONT_CARE && mn > mx)
		return -EINVAL;
	if ((mx != DONT_CARE && mx > p->child_divisor) ||
	    (mn != DONT_CARE && mn > p->child_divisor))
		return -EINVAL;
	// A divisor below a child's shares would give it more than this one.
	struct container *ch;
	list_for_each_entry(ch, &c->children, sibling)
		if (c_nt(ch)->max_shares > dv || c_nt(ch)->min_shares > dv)
			return -EINVAL;
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	nt->min_shares = mn;
	nt->max_shares = mx;
	nt->child_divisor = dv;
	spin_unlock_irqrestore(&numtasks_lock, f);
	update_limits(c);
	return 0;
}

static int stats_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct numtasks *nt = c_nt(c);
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	long u = nt->usage, ok = nt->successes, fail = nt->failures;
	spin_unlock_irqrestore(&numtasks_lock, f);
	seq_printf(s, "numtasks: Current usage %ld\n", u);
	seq_printf(s, "numtasks: Number of successes %ld\n", ok);
	seq_printf(s, "numtasks: Number of failures %ld\n", fail);
	seq_printf(s, "numtasks: Number of forkrate failures 0\n"); // no fork-rate limit
	return 0;
}

static int max_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	long m = c_nt(c)->max;
	if (m == UNLIMITED)
		seq_printf(s, "max\n");
	else
		seq_printf(s, "%ld\n", m);
	return 0;
}

static int max_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long long v;
	int err = 0;
	if (!strcmp(buf, "max"))
		v = UNLIMITED;
	else if ((err = kstrtoll(buf, 10, &v)))
		return err; // -ERANGE past 64 bits, else -EINVAL
	else if (v < 0 && v != UNLIMITED)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&numtasks_lock);
	c_nt(c)->max = v;
	spin_unlock_irqrestore(&numtasks_lock, f);
	update_limits(c);
	return 0;
}

static const struct cftype numtasks_files[] = {
	{.name = "shares", .read = shares_read, .write = shares_write,
	 .flags = CFT_READONLY_ON_ROOT}, // the root's limit is numtasks.max
	{.name = "stats", .read = stats_read},
	{.name = "max", .read = max_read, .write = max_write, .flags = CFT_ONLY_ON_ROOT},
	{0},
};

static struct container_subsys numtasks_subsys = {
	.name = "numtasks_lab",
	.create = numtasks_create,
	.destroy = numtasks_destroy,
	.fork = numtasks_fork,
	.fork_failed = uncount,
	.release = uncount,
	.attach = numtasks_attach,
	.files = numtasks_files,
};
CONTAINER_SUBSYS(numtasks_subsys, 9);
