// bc (BeanCounters): open files and memory pages charged to containers
// (OpenVZ's numfile and physpages resources, UBC vocabulary).
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
// reference goes -- to that same container (f->charge), wherever the task
// went. rmdir is EBUSY until it is closed; the last close of a
// notify_on_release container's files queues the release agent.
//
// References: a bc state holds one reference on its css (css_get) for
// each resource whose held is above 0, taken by the charge that raises
// held from 0 and dropped by the uncharge that brings it back (css_put:
// the core's busy check and release queueing then see it). So every
// charged file and page keeps its container, and one reference covers
// them all: the charges of the hot paths touch only bc_lock.
//
// Locking: bc_lock (a spinlock) guards every counter; a charge takes it
// inside current->lock (which keeps current's css_set, and so its css,
// in place: see bc_try_charge); barrier and limit are written with
// container_mutex held too.
// physpages: the same six files (bc.physpages.*), in 4 KiB pages, for
// the memory allocated on a task's behalf: its heap pages (mm/task_heap.c),
// its kernel stack (kernel/task.c, charged by the spawner: a spawn past the
// barrier is ENOMEM), the ramfs data pages it writes (fs/ramfs/page_tree.c:
// ENOSPC) and the buffers of the pipes it makes (fs/pipe.c).
// Barrier and limit default to unlimited in every container and read
// "max" then (a write of "max" sets it back); the root's are read-only.
// Past the barrier an app's allocation fails cleanly (malloc NULL), a
// kernel thread's past the limit; failcnt counts, nothing is killed.
// bc.physpages.numa: "total=N N0=N N1=N ..." (memcg's memory.numa_stat),
// the held pages per online node.
//
// A charged page records its css in its struct page (page->bc_charge),
// as a file does in f->charge: it is uncharged to that container when
// freed, wherever its task went, and until then the container cannot be
// removed (rmdir EBUSY). So rmdir's rule is exact: a container goes only
// when it has no task (zombies do not count), no child, and 0 in both
// bc.*.held -- each container's held counts its own charges only, never
// its children's (which make it busy anyway). The last uncharge of an emptied notify_on_release
// container queues the release agent, as the last close does.
// A kernel stack is uncharged when its task exits (kernel/task.c, as
// Linux's exit_task_stack_account), though freed at the reap: a zombie
// holds no charge, so only-zombies still lets rmdir go ahead.
// A shell that moves itself into a container and out again leaves the
// heap pages it grew there charged there, keeping it busy until it frees
// them (docs/containers.md says how to avoid it: cgexec).
// Migration (heap_migrate) hands the charge to the new page
// (bc_move_page_charge). Refusals of pages are logged once per container
// without its path: the page hooks run under a heap's lock, which nests
// inside container_mutex.
//
#include "kernel/containers/container.h"
#include "kernel/containers/bc.h"
#include "arch/x86/trap.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/zone.h"
#include "mm/slab.h"

#define BC_UNLIMITED __LONG_MAX__

enum { NUMFILES, PHYSPAGES, BC_NR };

struct bc_res {
	long held, maxheld, barrier, limit, failcnt;
	bool logged; // the first refusal was logged
};

struct bc {
	struct container_subsys_state css;
	struct bc_res res[BC_NR];
	long node_pages[MAX_NUMNODES]; // physpages held, per node
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

// A refused charge: what to log.
struct bc_refusal {
	struct container_subsys_state *log; // referenced: the container's first refusal
	long bound;
	bool hard; // the limit (a kernel thread's), else the barrier
};

// Charge n units (n > 0) of resource r to the current task's container:
// its css, or NULL when the bound (the barrier; the limit for kernel
// threads) would be passed (*why says which; why->log is referenced when
// this was the container's first refusal). nid >= 0: pages on that node.
// current->css_set cannot change while current->lock is held (it is
// written under it, sched_swap_css_set), and it references its css: so
// the charge takes no css_set_lock and, unless held was 0, no reference.
static struct container_subsys_state *bc_try_charge(int r, long n, int nid,
						    struct bc_refusal *why)
{
	bool hard = current->kthread;
	unsigned long fl = spin_lock_irqsave(&current->lock);
	struct container_subsys_state *css = task_css(current, bc_subsys.subsys_id);
	struct bc *bc = css_bc(css);
	struct bc_res *res = &bc->res[r];
	spin_lock(&bc_lock);
	long bound = hard ? res->limit : res->barrier;
	bool ok = res->held <= bound - n;
	if (ok) {
		if (res->held == 0)
			css_get(css); // held > 0 holds the container
		res->held += n;
		if (res->held > res->maxheld)
			res->maxheld = res->held;
		if (nid >= 0)
			bc->node_pages[nid] += n;
	} else {
		res->failcnt++;
		why->log = res->logged ? NULL : css;
		if (why->log)
			css_get(css);
		res->logged = true;
		why->bound = bound;
		why->hard = hard;
	}
	spin_unlock(&bc_lock);
	spin_unlock_irqrestore(&current->lock, fl);
	return ok ? css : NULL;
}

// Undo a charge of n units of r to css; the last unit drops the
// container's reference (and may queue its release check).
static void bc_uncharge(struct container_subsys_state *css, int r, long n, int nid)
{
	struct bc *bc = css_bc(css);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	bc->res[r].held -= n;
	bool last = bc->res[r].held == 0;
	if (nid >= 0)
		bc->node_pages[nid] -= n;
	spin_unlock_irqrestore(&bc_lock, fl);
	if (last)
		css_put(css);
}

// The hooks of fs/file.c.
int bc_charge_file(struct file *f)
{
	f->charge = NULL;
	if (!bc_ready)
		return 0;
	struct bc_refusal why;
	struct container_subsys_state *css = bc_try_charge(NUMFILES, 1, -1, &why);
	if (!css) {
		if (why.log) {
			log_refusal(css_bc(why.log), why.hard, why.bound);
			css_put(why.log);
		}
		return -ENFILE;
	}
	f->charge = css;
	return 0;
}

void bc_uncharge_file(struct file *f)
{
	struct container_subsys_state *css = f->charge;
	if (!css)
		return;
	f->charge = NULL;
	bc_uncharge(css, NUMFILES, 1, -1);
}

// The page hooks (kernel/containers/bc.h).
int bc_charge_current(long n, int nid, struct container_subsys_state **cssp)
{
	*cssp = NULL;
	if (!bc_ready)
		return 0;
	struct bc_refusal why;
	struct container_subsys_state *css = bc_try_charge(PHYSPAGES, n, nid, &why);
	if (!css) {
		if (why.log) {
			pr_info("bc: page allocation refused for pid %d (%s): bc.physpages.%s %ld "
				"reached (the container's bound, not the system's)\n",
				current->pid, current->name, why.hard ? "limit" : "barrier",
				why.bound);
			css_put(why.log);
		}
		return -ENOMEM;
	}
	*cssp = css;
	return 0;
}

void bc_uncharge_css(struct container_subsys_state *css, long n, int nid)
{
	if (css)
		bc_uncharge(css, PHYSPAGES, n, nid);
}

int bc_charge_pages(void *addr, unsigned order)
{
	struct page *pg = virt_to_page(addr);
	pg->bc_charge = NULL;
	pg->bc_site = __builtin_return_address(0);
	pg->bc_pid = (u32)current->pid;
	return bc_charge_current(1L << order, pg->node, &pg->bc_charge);
}

void bc_uncharge_pages(void *addr, unsigned order)
{
	struct page *pg = virt_to_page(addr);
	struct container_subsys_state *css = pg->bc_charge;
	if (!css)
		return;
	pg->bc_charge = NULL;
	bc_uncharge_css(css, 1L << order, pg->node);
}

void bc_move_page_charge(void *from, void *to)
{
	struct page *old = virt_to_page(from), *fresh = virt_to_page(to);
	struct container_subsys_state *css = old->bc_charge;
	old->bc_charge = NULL;
	fresh->bc_charge = css; // the reference goes with it
	fresh->bc_site = old->bc_site;
	fresh->bc_pid = old->bc_pid;
	if (!css || old->node == fresh->node)
		return;
	struct bc *bc = css_bc(css);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	bc->node_pages[old->node]--;
	bc->node_pages[fresh->node]++;
	spin_unlock_irqrestore(&bc_lock, fl);
}

long bc_report_pages(const char *cpath, void **pages, int max)
{
	char path[128];
	long found = 0;
	struct container_subsys_state *last = NULL;
	bool match = false;
	bool locked = container_locked();
	if (!locked)
		container_lock(); // container_path's names stay put
	int nid;
	for_each_online_node(nid) {
		struct pglist_data *pgdat = NODE_DATA(nid);
		bool valid = false;
		for (u64 pfn = pgdat->node_start_pfn; pfn < pgdat->node_end_pfn; pfn++) {
			struct page *pg = pfn_to_page(pfn);
			if (pfn == pgdat->node_start_pfn || pfn % MAX_ORDER_NR_PAGES == 0)
				valid = pfn_block_initialized(pfn);
			if (!valid)
				continue;
			// Unlocked reads: a snapshot, good enough for a report.
			struct container_subsys_state *css = READ_ONCE(pg->bc_charge);
			if (!css || (pg->flags & (PG_slab | PG_tail)))
				continue;
			if (css != last) {
				last = css;
				match = container_path(css->container, path, sizeof(path)) >= 0 &&
					!strcmp(path, cpath);
			}
			if (!match)
				continue;
			if (found++ < max) {
				if (pages)
					pages[found - 1] = page_address(pg);
				char site[128];
				symbolize((u64)pg->bc_site, site, sizeof(site));
				pr_info("bc: %s: page pfn %#llx node %d (%s) charged by pid %u at %s\n",
					cpath, pfn, pg->node,
					pg->flags & (PG_buddy | PG_pcp) ? "free!" : "in use", pg->bc_pid,
					site);
			}
		}
	}
	if (!locked)
		container_unlock();
	return found;
}

long bc_physpages_held(struct container_subsys_state *css)
{
	struct bc *bc = css_bc(css);
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long n = bc->res[PHYSPAGES].held;
	spin_unlock_irqrestore(&bc_lock, fl);
	return n;
}

static struct container_subsys_state *bc_create(struct container_subsys *ss,
						struct container *c)
{
	(void)ss;
	struct bc *bc = kzalloc(sizeof(*bc), GFP_KERNEL);
	if (!bc)
		return NULL;
	bc->res[PHYSPAGES].barrier = bc->res[PHYSPAGES].limit = BC_UNLIMITED;
	if (c->parent) {
		bc->res[NUMFILES].barrier = 256;
		bc->res[NUMFILES].limit = 512;
	} else {
		bc->res[NUMFILES].barrier = bc->res[NUMFILES].limit = BC_UNLIMITED;
		if (!bc_ready) {
			spin_lock_init(&bc_lock, "bc_lock");
			bc_ready = true;
		}
	}
	return &bc->css;
}

static void bc_destroy(struct container_subsys *ss, struct container *c)
{
	// Every charge held a reference on the css: none is left.
	struct bc *bc = css_bc(container_css(c, ss->subsys_id));
	WARN_ON(bc->res[NUMFILES].held || bc->res[PHYSPAGES].held);
	kfree(bc);
}

// cft->private: the resource times 8 plus the file.
enum { HELD, MAXHELD, MINHELD, BARRIER, LIMIT, FAILCNT };
#define BCF(r, f) ((r) * 8 + (f))

static int bc_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	struct bc *bc = c_bc(c);
	int r = cft->private / 8, f = cft->private % 8;
	struct bc_res *res = &bc->res[r];
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long v[] = {res->held, res->maxheld, 0 /* minheld */, res->barrier, res->limit, res->failcnt};
	spin_unlock_irqrestore(&bc_lock, fl);
	if (r == PHYSPAGES && (f == BARRIER || f == LIMIT) && v[f] == BC_UNLIMITED)
		seq_printf(s, "max\n");
	else
		seq_printf(s, "%ld\n", v[f]);
	return 0;
}

static int bc_write(struct container *c, const struct cftype *cft, const char *buf)
{
	int r = cft->private / 8, f = cft->private % 8;
	long long v;
	int err;
	if (r == PHYSPAGES && (!strcmp(buf, "max") || !strcmp(buf, "max\n")))
		v = BC_UNLIMITED;
	else if ((err = kstrtoll(buf, 10, &v))) // (never the root's: CFT_READONLY_ON_ROOT)
		return err; // -ERANGE past 64 bits, else -EINVAL
	if (v < 0)
		return -EINVAL;
	struct bc_res *res = &c_bc(c)->res[r];
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long barrier = f == BARRIER ? v : res->barrier;
	long limit = f == LIMIT ? v : res->limit;
	err = barrier > limit ? -EINVAL : 0;
	if (!err) {
		res->barrier = barrier;
		res->limit = limit;
	}
	spin_unlock_irqrestore(&bc_lock, fl);
	return err;
}

static int bc_read_numa(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	struct bc *bc = c_bc(c);
	long node[MAX_NUMNODES];
	unsigned long fl = spin_lock_irqsave(&bc_lock);
	long total = bc->res[PHYSPAGES].held;
	memcpy(node, bc->node_pages, sizeof(node));
	spin_unlock_irqrestore(&bc_lock, fl);
	seq_printf(s, "total=%ld", total);
	int nid;
	for_each_online_node(nid)
		seq_printf(s, " N%d=%ld", nid, node[nid]);
	seq_printf(s, "\n");
	return 0;
}

#define BC_FILES(r)                                                                     \
	{.name = #r ".held", .read = bc_read, .private = BCF(r##_R, HELD)},                  \
	{.name = #r ".maxheld", .read = bc_read, .private = BCF(r##_R, MAXHELD)},            \
	{.name = #r ".minheld", .read = bc_read, .private = BCF(r##_R, MINHELD)},            \
	{.name = #r ".barrier", .read = bc_read, .write = bc_write,                          \
	 .private = BCF(r##_R, BARRIER), .flags = CFT_READONLY_ON_ROOT},                     \
	{.name = #r ".limit", .read = bc_read, .write = bc_write,                            \
	 .private = BCF(r##_R, LIMIT), .flags = CFT_READONLY_ON_ROOT},                       \
	{.name = #r ".failcnt", .read = bc_read, .private = BCF(r##_R, FAILCNT)}

#define numfiles_R NUMFILES
#define physpages_R PHYSPAGES

static const struct cftype bc_files[] = {
	BC_FILES(numfiles),
	BC_FILES(physpages),
	{.name = "physpages.numa", .read = bc_read_numa},
	{0},
};

static struct container_subsys bc_subsys = {
	.name = "bc",
	.create = bc_create,
	.destroy = bc_destroy,
	.files = bc_files,
};
CONTAINER_SUBSYS(bc_subsys, 5);
