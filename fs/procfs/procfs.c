// procfs: the tree of entries, lookup and listing. See procfs.h.
//
// Every lookup makes a fresh inode and dentry (SB_NOCACHE), so nothing
// here outlives its users and /proc/<pid> of an exited task simply stops
// being found. The inode says what it shows: inode->private is the entry,
// and for /proc/<pid> and its files inode->private_id is the pid.
//
// proc_lock (a mutex) guards the entry lists against registrations.
#include "fs/procfs/procfs.h"
#include "kernel/errno.h"
#include "kernel/task.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

enum proc_kind { PROC_DIR, PROC_FILE, PROC_PID_DIR, PROC_TASK_FILE };

struct proc_entry {
	const char *name;
	enum proc_kind kind;
	int (*show)(struct seq_buf *s);
	int (*store)(const char *buf, size_t len);
	int (*show_task)(struct task *t, struct seq_buf *s);
	struct list_head children; // PROC_DIR
	struct list_head sibling;
	u64 ino;
};

#define PROC_ROOT_INO 1
#define PROC_PID_POS (1 << 20)  // listing positions from here are pids
#define PROC_PID_INO(pid) (((u64)(pid) << 16) | 0x8000)

static DEFINE_MUTEX(proc_lock);
static struct proc_entry proc_root = {
	.name = "/", .kind = PROC_DIR,
	.children = LIST_HEAD_INIT(proc_root.children), .ino = PROC_ROOT_INO,
};
static struct proc_entry pid_dir = { // describes every /proc/<pid>
	.name = "<pid>", .kind = PROC_PID_DIR,
	.children = LIST_HEAD_INIT(pid_dir.children),
};
static u64 next_entry_ino = 2;

static const struct inode_operations proc_dir_iops;
static const struct file_operations proc_dir_fops;
static const struct synth_ops proc_file_ops, proc_task_file_ops;

// ---- registration ----

static struct proc_entry *entry_find(struct proc_entry *dir, const char *name, size_t len)
{
	struct proc_entry *e;
	list_for_each_entry(e, &dir->children, sibling) {
		if (strlen(e->name) == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

static struct proc_entry *entry_add(struct proc_entry *dir, const char *name, size_t len,
				    enum proc_kind kind)
{
	struct proc_entry *e = kzalloc(sizeof(*e) + len + 1, GFP_KERNEL);
	if (!e)
		return NULL;
	char *copy = (char *)(e + 1);
	memcpy(copy, name, len);
	e->name = copy;
	e->kind = kind;
	e->ino = next_entry_ino++;
	INIT_LIST_HEAD(&e->children);
	list_add_tail(&e->sibling, &dir->children);
	return e;
}

int proc_create(const char *path, int (*show)(struct seq_buf *s),
		int (*store)(const char *buf, size_t len))
{
	int err = 0;
	struct proc_entry *dir = &proc_root;
	mutex_lock(&proc_lock);
	for (;;) {
		size_t len = strcspn(path, "/");
		if (len == 0 || len > NAME_MAX) {
			err = -EINVAL;
			break;
		}
		struct proc_entry *e = entry_find(dir, path, len);
		if (path[len] == 0) { // the file itself
			if (e) {
				err = -EEXIST;
			} else if (!(e = entry_add(dir, path, len, PROC_FILE))) {
				err = -ENOMEM;
			} else {
				e->show = show;
				e->store = store;
			}
			break;
		}
		if (!e && !(e = entry_add(dir, path, len, PROC_DIR))) {
			err = -ENOMEM;
			break;
		}
		if (e->kind != PROC_DIR) {
			err = -ENOTDIR;
			break;
		}
		dir = e;
		path += len + 1;
	}
	mutex_unlock(&proc_lock);
	return err;
}

int proc_create_task_file(const char *name, int (*show)(struct task *t, struct seq_buf *s))
{
	int err = 0;
	mutex_lock(&proc_lock);
	size_t len = strlen(name);
	struct proc_entry *e;
	if (entry_find(&pid_dir, name, len))
		err = -EEXIST;
	else if (!(e = entry_add(&pid_dir, name, len, PROC_TASK_FILE)))
		err = -ENOMEM;
	else
		e->show_task = show;
	mutex_unlock(&proc_lock);
	return err;
}

// ---- inodes ----

static struct inode *proc_inode(struct super_block *sb, struct proc_entry *e, pid_t pid)
{
	struct inode *inode;
	switch (e->kind) {
	case PROC_DIR:
	case PROC_PID_DIR:
		inode = inode_new(sb, S_IFDIR | 0555);
		if (inode) {
			inode->iop = &proc_dir_iops;
			inode->fop = &proc_dir_fops;
		}
		break;
	case PROC_FILE:
		inode = synth_inode_new(sb, S_IFREG | (e->store ? 0644 : 0444), &proc_file_ops, e);
		break;
	default:
		inode = synth_inode_new(sb, S_IFREG | 0444, &proc_task_file_ops, e);
	}
	if (inode) {
		inode->private = e;
		inode->private_id = pid;
		inode->ino = e->kind == PROC_PID_DIR ? PROC_PID_INO(pid)
		           : e->kind == PROC_TASK_FILE ? PROC_PID_INO(pid) + e->ino
						  : e->ino;
	}
	return inode;
}

static bool task_exists(pid_t pid)
{
	struct task *t = task_find_get(pid);
	if (t)
		task_put(t);
	return t != NULL;
}

// "123" -> 123; anything else -> 0.
static pid_t name_to_pid(const char *name, size_t len)
{
	pid_t pid = 0;
	if (len == 0 || len > 6 || name[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit(name[i]))
			return 0;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static pid_t current_pid(void)
{
	struct task *t = current;
	return t ? t->pid : 0;
}

static int proc_lookup(struct inode *dir, struct dentry *d)
{
	struct proc_entry *parent = dir->private, *e = NULL;
	pid_t pid = (pid_t)dir->private_id;
	if (parent == &proc_root) {
		pid_t p = d->namelen == 4 && memcmp(d->name, "self", 4) == 0
				  ? current_pid()
				  : name_to_pid(d->name, d->namelen);
		if (p > 0 && task_exists(p)) {
			e = &pid_dir;
			pid = p;
		}
	}
	if (!e) {
		mutex_lock(&proc_lock);
		e = entry_find(parent, d->name, d->namelen);
		mutex_unlock(&proc_lock);
	}
	// No negative dentry, as Linux's proc_lookup: the name cannot exist,
	// so creating it fails ENOENT too (open O_CREAT, mkdir), where a
	// filesystem that merely lacks create() says EACCES.
	if (!e || (parent == &pid_dir && !task_exists(pid)))
		return -ENOENT;
	struct inode *inode = proc_inode(dir->sb, e, pid);
	if (!inode)
		return -ENOMEM;
	d_add(d, inode);
	return 0;
}

static const struct inode_operations proc_dir_iops = {.lookup = proc_lookup};

// ---- listing ----

static int pid_compare(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

static void sort_pids(pid_t *v, int n) // insertion sort: n is small
{
	for (int i = 1; i < n; i++) {
		pid_t x = v[i];
		int j = i;
		for (; j > 0 && pid_compare(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int list_pids(struct dir_context *ctx)
{
	int max = nr_tasks() + 16;
	pid_t *pids = kmalloc(max * sizeof(pid_t), GFP_KERNEL);
	if (!pids)
		return -ENOMEM;
	int n = task_pids(pids, max);
	sort_pids(pids, n);
	char name[12];
	for (int i = 0; i < n; i++) {
		if (PROC_PID_POS + pids[i] < ctx->pos)
			continue;
		int len = snprintf(name, sizeof(name), "%d", pids[i]);
		if (!ctx->emit(ctx, name, len, PROC_PID_INO(pids[i]), DT_DIR))
			break;
		ctx->pos = PROC_PID_POS + pids[i] + 1;
	}
	kfree(pids);
	return 0;
}

// Positions: 0 ".", 1 "..", 2.. the entries in registration order, then
// (in the root) "self" and the pids, each at PROC_PID_POS + pid.
static int proc_iterate(struct file *f, struct dir_context *ctx)
{
	struct proc_entry *dir = f->inode->private, *e;
	pid_t pid = (pid_t)f->inode->private_id;
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, PROC_ROOT_INO, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	off_t i = 2;
	bool full = false;
	mutex_lock(&proc_lock);
	list_for_each_entry(e, &dir->children, sibling) {
		if (i++ < ctx->pos)
			continue;
		u64 ino = e->kind == PROC_TASK_FILE ? PROC_PID_INO(pid) + e->ino : e->ino;
		if (!ctx->emit(ctx, e->name, strlen(e->name), ino,
			       e->kind == PROC_DIR ? DT_DIR : DT_REG)) {
			full = true;
			break;
		}
		ctx->pos = i;
	}
	mutex_unlock(&proc_lock);
	if (full || dir != &proc_root)
		return 0;
	if (ctx->pos < PROC_PID_POS) {
		pid_t self = current_pid();
		if (self > 0 && !ctx->emit(ctx, "self", 4, PROC_PID_INO(self), DT_DIR))
			return 0;
		ctx->pos = PROC_PID_POS;
	}
	return list_pids(ctx);
}

static const struct file_operations proc_dir_fops = {.iterate = proc_iterate};

// ---- file contents ----

static int proc_file_show(struct file *f, struct seq_buf *s)
{
	struct proc_entry *e = f->inode->private;
	return e->show ? e->show(s) : 0;
}

static int proc_file_store(struct file *f, const char *buf, size_t len)
{
	struct proc_entry *e = f->inode->private;
	return e->store ? e->store(buf, len) : -EINVAL;
}

static int proc_task_file_show(struct file *f, struct seq_buf *s)
{
	struct proc_entry *e = f->inode->private;
	struct task *t = task_find_get((pid_t)f->inode->private_id);
	if (!t)
		return -ESRCH;
	int err = e->show_task(t, s);
	task_put(t);
	return err;
}

static const struct synth_ops proc_file_ops = {.show = proc_file_show, .store = proc_file_store};
static const struct synth_ops proc_task_file_ops = {.show = proc_task_file_show};

// ---- mounting ----

static struct super_block *proc_sb;

static int procfs_mount(struct file_system_type *type, const char *source, const char *options,
			struct super_block **out)
{
	(void)type, (void)source, (void)options;
	if (!proc_sb)
		return -ENODEV;
	sb_get(proc_sb);
	*out = proc_sb;
	return 0;
}

struct file_system_type procfs_type = {
	.name = "proc",
	.mount = procfs_mount,
};

int procfs_init(void)
{
	proc_sb = sb_alloc(&procfs_type, SB_NOCACHE);
	if (!proc_sb)
		return -ENOMEM;
	struct inode *root = proc_inode(proc_sb, &proc_root, 0);
	if (!root)
		return -ENOMEM;
	proc_sb->root = d_make_root(root);
	if (!proc_sb->root)
		return -ENOMEM;
	int err = register_filesystem(&procfs_type);
	if (!err)
		err = proc_system_files_init();
	if (!err)
		err = proc_task_files_init();
	return err;
}
