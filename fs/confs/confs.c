// The container filesystem ("container", alias "cgroup"): one directory
// per container of a hierarchy, one synthetic file per control file.
//
//   mount -t container -o cpuset,cpuacct none /containers/cpu
//
// Directories are tree-style (fs/vfs.h): containers live in the dcache;
// control files are lookup-style (made afresh at each lookup). There is
// one superblock per hierarchy, shared by every mount of it
// (hierarchy->sb); when the last mount goes the superblock is freed and
// the hierarchy is dropped (kept alive by the core while it has child
// containers; a later mount of the same set rebuilds the tree from it).
//
// Inodes: a directory's private is its container (a reference, dropped
// at evict); a file's is its cftype, and it reaches the container through
// its parent directory, which its dentry keeps. So a control file kept
// open after rmdir still reads (and writes ENODEV).
// Locking: the core's container_mutex guards the tree while it is built
// and hierarchy->sb; the VFS holds the directory inode locks around the
// callbacks.
#include "fs/internal.h"
#include "fs/procfs/procfs.h"
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/slab.h"

static const struct inode_operations confs_dir_iops;
static const struct file_operations confs_dir_fops;

// A control file's inode: private is its cftype; its container is its
// directory's (the open file's dentry holds its parent, whose inode
// holds the container).
static struct container *file_container(struct file *f)
{
	return f->path.dentry->parent->inode->private;
}

static int confs_show(struct file *f, struct seq_buf *s)
{
	return container_file_read(file_container(f), f->inode->private, s);
}

static int confs_store(struct file *f, const char *buf, size_t len)
{
	return container_file_write(file_container(f), f->inode->private, buf, len);
}

static const struct synth_ops confs_synth_ops = {
	.show = confs_show,
	.store = confs_store,
};

static void confs_dir_evict(struct inode *inode)
{
	if (inode->private)
		container_put(inode->private);
}

static struct inode *confs_dir_inode(struct super_block *sb, struct container *c)
{
	struct inode *inode = inode_new(sb, S_IFDIR | 0755);
	if (!inode)
		return NULL;
	inode->iop = &confs_dir_iops;
	inode->fop = &confs_dir_fops;
	container_get(c);
	inode->private = c;
	return inode;
}

// Control files are not kept in the dcache: each lookup of one makes a
// short-lived dentry and inode (as procfs does), and readdir lists them
// from the core's table before the sub-containers. So mkdir and rmdir
// cost one directory, however many files the bound subsystems have.
static int confs_lookup(struct inode *dir, struct dentry *d)
{
	const struct cftype *cft = container_file_lookup(dir->private, d->name, d->namelen);
	if (!cft)
		return 0; // negative: a sub-container is found in the dcache instead
	u32 mode = S_IFREG | (container_file_writable(dir->private, cft) ? 0644 : 0444);
	struct inode *inode = synth_inode_new(dir->sb, mode, &confs_synth_ops, (void *)cft);
	if (!inode)
		return -ENOMEM;
	d_add(d, inode);
	return 0;
}

// Positions: 0 ".", 1 "..", then the control files (2 + index), then the
// sub-containers (CHILD_POS + their dcache position, which starts at 2).
#define CHILD_POS (1L << 32)

static int confs_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;
	struct container *c = dir->inode->private;
	if (!dir_emit_dots(f, ctx))
		return 0;
	char name[CONTAINER_NAME_MAX + 1];
	const struct cftype *cft;
	while (ctx->pos < CHILD_POS) {
		cft = container_file(c, (int)(ctx->pos - 2), name, sizeof(name));
		if (!cft) {
			ctx->pos = CHILD_POS + 2;
			break;
		}
		if (!ctx->emit(ctx, name, strlen(name), dir->inode->ino * 64 + ctx->pos, DT_REG))
			return 0;
		ctx->pos++;
	}
	// The sub-containers: dcache_readdir from their own positions (>= 2,
	// so it does not list "." and ".." again), shifted back afterwards.
	ctx->pos -= CHILD_POS;
	int err = dcache_readdir(f, ctx);
	ctx->pos += CHILD_POS;
	return err;
}

static const struct file_operations confs_dir_fops = {.iterate = confs_iterate};

// Build the directories below top (container_mutex held, sb not mounted):
// a pre-order walk with a cursor, the dentry d following the container c,
// so a tree of any depth costs no stack.
static int confs_build(struct dentry *top_d, struct container *top)
{
	struct dentry *d = top_d;
	struct container *c = top;
	for (;;) {
		struct container *next = NULL;
		if (!list_empty(&c->children)) {
			next = list_first_entry(&c->children, struct container, sibling);
		} else {
			// Up past every last child, then across to the next sibling.
			while (c != top && c->sibling.next == &c->parent->children) {
				c = c->parent;
				d = d->parent;
			}
			if (c == top)
				return 0;
			next = list_next_entry(c, sibling);
			d = d->parent;
		}
		struct inode *inode = confs_dir_inode(d->sb, next);
		struct dentry *nd = inode ? d_create_pinned(d, next->name, inode) : NULL;
		if (!nd)
			return -ENOMEM;
		c = next;
		d = nd;
	}
}

// ---- directory operations ----

// d's name as a C string for the core (which checks it). The path walk
// has refused names over NAME_MAX already.
_Static_assert(CONTAINER_NAME_MAX >= NAME_MAX, "a VFS name fits a container name");
static void container_name_of(struct dentry *d, char name[CONTAINER_NAME_MAX + 1])
{
	memcpy(name, d->name, d->namelen);
	name[d->namelen] = '\0';
}

static int confs_mkdir(struct inode *dir, struct dentry *d, u32 mode)
{
	(void)mode;
	char name[CONTAINER_NAME_MAX + 1];
	struct container *c;
	container_name_of(d, name);
	int err = container_mkdir(dir->private, name, &c);
	if (err)
		return err;
	struct inode *inode = confs_dir_inode(dir->sb, c);
	if (!inode) {
		container_rmdir(c);
		return -ENOMEM;
	}
	d_instantiate(d, inode);
	return 0;
}

static int confs_rmdir(struct inode *dir, struct dentry *d)
{
	(void)dir;
	return container_rmdir(d->inode->private);
}

static int confs_rename(struct inode *odir, struct dentry *old, struct inode *ndir,
			struct dentry *new)
{
	if (!S_ISDIR(old->inode->mode))
		return -ENOTDIR;
	if (odir != ndir)
		return -EIO; // as Linux: containers move only within their parent
	if (new->inode)
		return -EEXIST;
	char name[CONTAINER_NAME_MAX + 1];
	container_name_of(new, name);
	return container_rename(old->inode->private, name);
}

// No create or unlink: the VFS answers EACCES and EPERM, as for any
// filesystem without them.
static const struct inode_operations confs_dir_iops = {
	.lookup = confs_lookup,
	.mkdir = confs_mkdir,
	.rmdir = confs_rmdir,
	.rename = confs_rename,
	.evict = confs_dir_evict,
};

// ---- mounting ----

static int confs_mount(struct file_system_type *type, const char *source,
		       const char *options, struct super_block **out)
{
	(void)source;
	struct hierarchy *h;
	int err = container_mount(options, &h);
	if (err)
		return err;
	container_lock();
	struct super_block *sb = h->sb;
	if (sb && atomic_inc_not_zero(&sb->refcnt)) { // not one being freed
		container_unlock();
		container_umount(h); // the superblock holds the hierarchy already
		*out = sb;
		return 0;
	}
	err = -ENOMEM;
	sb = sb_alloc(type, SB_UNCHARGED); // control files: see fs/vfs.h
	if (!sb)
		goto fail;
	sb->fs_info = h;
	struct inode *root = confs_dir_inode(sb, &h->top);
	if (root)
		sb->root = d_make_root(root);
	if (!sb->root || (err = confs_build(sb->root, &h->top))) {
		err = err ? err : -ENOMEM;
		sb->fs_info = NULL;
		container_unlock();
		sb_put(sb);
		container_umount(h);
		return err;
	}
	h->sb = sb;
	container_unlock();
	*out = sb;
	return 0;
fail:
	container_unlock();
	container_umount(h);
	return err;
}

static void confs_kill_sb(struct super_block *sb)
{
	struct hierarchy *h = sb->fs_info;
	if (!h)
		return;
	container_lock();
	if (h->sb == sb)
		h->sb = NULL;
	container_unlock();
	container_umount(h);
}

// /proc/mounts: the hierarchy's subsystems, whatever -o said.
static void confs_show_options(struct super_block *sb, struct seq_buf *s)
{
	if (sb->fs_info)
		container_show_options(sb->fs_info, s);
	else
		seq_printf(s, "rw");
}

struct file_system_type confs_type = {
	.name = "container",
	.mount = confs_mount,
	.kill_sb = confs_kill_sb,
	.show_options = confs_show_options,
};

struct file_system_type cgroup_fs_type = {
	.name = "cgroup",
	.mount = confs_mount,
	.kill_sb = confs_kill_sb,
	.show_options = confs_show_options,
};

// Boot stage (kernel/init.c, after fs_init and container_init).
void confs_init(void)
{
	int err = register_filesystem(&confs_type);
	if (!err)
		err = register_filesystem(&cgroup_fs_type);
	if (!err)
		err = proc_create("containers", proc_containers_show, NULL);
	if (!err)
		err = proc_create_task_file("container", proc_container_show);
	if (!err) // Linux's names for the same two files
		err = proc_create("cgroups", proc_cgroups_show, NULL);
	if (!err)
		err = proc_create_task_file("cgroup", proc_container_show);
	if (err)
		panic("confs_init: error %d", err);
}
