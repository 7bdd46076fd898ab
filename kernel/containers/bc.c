// bc (BeanCounters): open files charged to containers (OpenVZ's
// numfile resource, UBC vocabulary).
//
//   bc.numfiles.held     files charged now
//   bc.numfiles.maxheld  the most ever held
//   bc.numfiles.minheld  the least held since creation: 0, as a container
//                        starts empty (UBC resets it each accounting
//                        period; Corral has none)
//   bc.numfiles.barrier  the soft limit: an open by an app fails (ENFILE)
//                        when held has reached it
//   bc.numfiles.limit    the hard limit: what kernel threads' opens may
//                        reach (barrier <= limit)
//   bc.numfiles.failcnt  refused opens
// Root: unlimited (LONG_MAX, as UBC prints it) and read-only (mode 0444,
// a write EACCES: CFT_READONLY_ON_ROOT): the root has no limit files, as
// in Linux, so no write can stop the whole system from opening files. New: barrier 256, limit 512. Values
// are counts: past 64 bits ERANGE, negative or not a number EINVAL.
//
// Barrier and limit, as UBC has them: the barrier is the bound for
// ordinary allocations, the limit the bound for those that must not fail
// lightly. Corral has no users or capabilities, so "privileged" means the
// kernel's own threads (task->kthread: the release worker, kernel
// services): their opens are refused only at the limit. Every app's open
// stops at the barrier. Control files are not charged at all (the
// container filesystem is SB_UNCHARGED, fs/vfs.h): a task whose
// container's barrier is 0 can still write its pid to another tasks file
// to leave. Neither bound is checked for files opened before the bc
// root existed.
//
// The refusal is ENFILE ("Too many open files in system"), as UBC
// returns it and as a Linux app expects a table-full error to read; what
// makes it the container's and not the machine's is said twice: failcnt
// counts it, and the first refusal in a container logs
// "bc: open refused in PATH: bc.numfiles.barrier N reached" (once per
// container, as Linux's pids controller logs its first refused fork).
//
// Every struct file is charged when file_alloc() makes it (fs/file.c),
// to the creating task's bc container, and uncharged when its last
// reference goes -- to that same container, wherever the task went. The
// file holds a css reference (f->charge), so rmdir is EBUSY until it is
// closed; the last close of a notify_on_release container's files queues
// the release agent (the core's css_put).
//
// Locking: bc_lock (a spinlock) guards every counter; barrier and limit
// are written with container_mutex held too.
#include "kernel/containers/container.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/slab.h"

#define BC_UNLIMITED __LONG_MAX__

struct bc {
	struct container_subsys_state css;
	long held, maxheld, barrier, limit, failcnt;
	bool logged; // the first refusal was logged
};

static struct container_subsys bc_subsys;
static struct spinlock bc_lock;
static bool bc_ready; // the root state exists (files opened earlier in boot are not charged)

static struct bc *css_bc(struct container_subsys_state *css)
{
	return container_of(css, struct bc, css);
}

static struct bc *c_bc(struct container *c)
{
	return css_bc(container_css(c, bc_subsys.subsys_id));
}

// Say in the kernel log that an open was refused by bc's own bound, the
// first time it happens in bc's container.
static void log_refusal(struct bc *bc, bool hard, long bound)
{
	char path[128];
	bool locked = container_locked(); // (an open under container_mutex)
	if (!locked)
		container_lock();
	if (container_path(bc->css.container, path, sizeof(path)) < 0)
		strcpy(path, "(a deep container)");
	if (!locked)
		container_unlock();
	pr_info("bc: open refused in %s: bc.numfiles.%s %ld reached "
		"(ENFILE: the container's bound, not the system's)\n",
		path, hard ? "limit" : "barrier", bound);
}

// The hooks of fs/file.c.
int bc_charge_file(struct file *f)
{
	f->charge = NULL;
	if (!bc_ready)
		return 0;
	struct task *t = current;
	bool hard = t->kthread; // the limit; apps: the barrier
	struct container_subsys_state *css = task_css_get(t, bc_subsys.subsys_id);
	struct bc *bc = css_bc(css);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long bound = hard ? bc->limit : bc->barrier;
	if (bc->held >= bound) {
		bc->failcnt++;
		bool log = !bc->logged;
		bc->logged = true;
		spin_unlock_irqrestore(&bc_lock, fl);
		if (log)
			log_refusal(bc, hard, bound);
		css_put(css);
		return -ENFILE;
	}
	bc->held++;
	if (bc->held > bc->maxheld)
		bc->maxheld = bc->held;
	spin_unlock_irqrestore(&bc_lock, fl);
	f->charge = css; // the file owns this reference
	return 0;
}

void bc_uncharge_file(struct file *f)
{
	struct container_subsys_state *css = f->charge;
	if (!css)
		return;
	f->charge = NULL;
	struct bc *bc = css_bc(css);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	bc->held--;
	spin_unlock_irqrestore(&bc_lock, fl);
	css_put(css);
}

static struct container_subsys_state *bc_create(struct container_subsys *ss,
						struct container *c)
{
	(void)ss;
	struct bc *bc = kzalloc(sizeof(*bc), GFP_KERNEL);
	if (!bc)
		return NULL;
	if (c->parent) {
		bc->barrier = 256;
		bc->limit = 512;
	} else {
		bc->barrier = bc->limit = BC_UNLIMITED;
		if (!bc_ready) {
			spin_lock_init(&bc_lock, "bc_lock");
			bc_ready = true;
		}
	}
	return &bc->css;
}

static void bc_destroy(struct container_subsys *ss, struct container *c)
{
	kfree(css_bc(container_css(c, ss->subsys_id)));
}

enum { HELD, MAXHELD, MINHELD, BARRIER, LIMIT, FAILCNT };

static int bc_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	struct bc *bc = c_bc(c);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long v[] = {bc->held, bc->maxheld, 0 /* minheld */, bc->barrier, bc->limit, bc->failcnt};
	spin_unlock_irqrestore(&bc_lock, fl);
	seq_printf(s, "%ld\n", v[cft->private]);
	return 0;
}

static int bc_write(struct container *c, const struct cftype *cft, const char *buf)
{
	long long v;
	int err = kstrtoll(buf, 10, &v); // (never the root's: CFT_READONLY_ON_ROOT)
	if (err)
		return err; // -ERANGE past 64 bits, else -EINVAL
	if (v < 0)
		return -EINVAL;
	struct bc *bc = c_bc(c);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long barrier = cft->private == BARRIER ? v : bc->barrier;
	long limit = cft->private == LIMIT ? v : bc->limit;
	err = barrier > limit ? -EINVAL : 0;
	if (!err) {
		bc->barrier = barrier;
		bc->limit = limit;
	}
	spin_unlock_irqrestore(&bc_lock, fl);
	return err;
}

static const struct cftype bc_files[] = {
	{.name = "numfiles.held", .read = bc_read, .private = HELD},
	{.name = "numfiles.maxheld", .read = bc_read, .private = MAXHELD},
	{.name = "numfiles.minheld", .read = bc_read, .private = MINHELD},
	{.name = "numfiles.barrier", .read = bc_read, .write = bc_write, .private = BARRIER,
	 .flags = CFT_READONLY_ON_ROOT},
	{.name = "numfiles.limit", .read = bc_read, .write = bc_write, .private = LIMIT,
	 .flags = CFT_READONLY_ON_ROOT},
	{.name = "numfiles.failcnt", .read = bc_read, .private = FAILCNT},
	{0},
};

static struct container_subsys bc_subsys = {
	.name = "bc",
	.create = bc_create,
	.destroy = bc_destroy,
	.files = bc_files,
};
CONTAINER_SUBSYS(bc_subsys, 5);
