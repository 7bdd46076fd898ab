// ramfs: directories and regular files kept in memory.
//
// A tree-style filesystem: the dcache is its directory structure (every
// entry a pinned dentry), so its directory callbacks only say yes or no
// (rmdir and rename over a directory need it empty). A regular file's
// data is a page_tree of pages from the page allocator, taken on the
// writer's allowed nodes and freed when the inode is evicted -- after the
// last unlink and the last close. Each mount is a fresh, empty instance.
// The inode's lock guards its size and pages.
#include "fs/ramfs/page_tree.h"
#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

static const struct inode_operations ramfs_dir_iops, ramfs_file_iops;
static const struct file_operations ramfs_file_fops;

static struct inode *ramfs_inode_new(struct super_block *sb, u32 mode)
{
	struct inode *inode = inode_new(sb, mode);
	if (!inode)
		return NULL;
	if (S_ISDIR(mode)) {
		inode->iop = &ramfs_dir_iops;
		inode->fop = &dcache_dir_fops;
	} else {
		inode->private = kzalloc(sizeof(struct page_tree), GFP_KERNEL);
		if (!inode->private) {
			iput(inode);
			return NULL;
		}
		inode->iop = &ramfs_file_iops;
		inode->fop = &ramfs_file_fops;
	}
	return inode;
}

// ---- directories ----

static int ramfs_create(struct inode *dir, struct dentry *d, u32 mode)
{
	struct inode *inode = ramfs_inode_new(dir->sb, mode);
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

static int ramfs_unlink(struct inode *dir, struct dentry *d)
{
	(void)dir, (void)d;
	return 0;
}

static int ramfs_rmdir(struct inode *dir, struct dentry *d)
{
	(void)dir;
	return d_dir_empty(d) ? 0 : -ENOTEMPTY;
}

static int ramfs_rename(struct inode *odir, struct dentry *old, struct inode *ndir,
			struct dentry *new)
{
	(void)odir, (void)old, (void)ndir;
	if (new->inode && S_ISDIR(new->inode->mode) && !d_dir_empty(new))
		return -ENOTEMPTY;
	return 0;
}

static const struct inode_operations ramfs_dir_iops = {
	.create = ramfs_create,
	.mkdir = ramfs_create,
	.unlink = ramfs_unlink,
	.rmdir = ramfs_rmdir,
	.rename = ramfs_rename,
};

// ---- regular files ----

static void ramfs_update_size(struct inode *inode, u64 size)
{
	struct page_tree *t = inode->private;
	inode->size = size;
	inode->blocks = t->nr_pages * (PAGE_SIZE / 512);
}

static ssize_t ramfs_read(struct file *f, char *buf, size_t n, off_t *pos)
{
	struct inode *inode = f->inode;
	struct page_tree *t = inode->private;
	size_t done = 0;
	mutex_lock(&inode->lock);
	if ((u64)*pos < inode->size)
		n = MIN(n, inode->size - (u64)*pos);
	else
		n = 0;
	while (done < n) {
		u64 off = (u64)*pos + done;
		size_t in_page = off % PAGE_SIZE;
		size_t k = MIN(n - done, PAGE_SIZE - in_page);
		char *page = page_tree_lookup(t, off / PAGE_SIZE);
		if (page)
			memcpy(buf + done, page + in_page, k);
		else
			memset(buf + done, 0, k); // a hole
		done += k;
	}
	mutex_unlock(&inode->lock);
	*pos += done;
	return (ssize_t)done;
}

static ssize_t ramfs_write(struct file *f, const char *buf, size_t n, off_t *pos)
{
	struct inode *inode = f->inode;
	struct page_tree *t = inode->private;
	size_t done = 0;
	mutex_lock(&inode->lock);
	if (f->flags & O_APPEND)
		*pos = (off_t)inode->size;
	while (done < n) {
		u64 off = (u64)*pos + done;
		size_t in_page = off % PAGE_SIZE;
		size_t k = MIN(n - done, PAGE_SIZE - in_page);
		char *page = page_tree_get(t, off / PAGE_SIZE);
		if (!page)
			break;
		memcpy(page + in_page, buf + done, k);
		done += k;
	}
	if (done) {
		ramfs_update_size(inode, MAX(inode->size, (u64)*pos + done));
		inode->mtime_ns = clock_ns();
	}
	mutex_unlock(&inode->lock);
	if (!done && n)
		return -ENOSPC; // out of memory: Linux's tmpfs answer
	*pos += done;
	return (ssize_t)done;
}

// inode->lock held (the VFS takes it).
static int ramfs_setsize(struct inode *inode, u64 size)
{
	struct page_tree *t = inode->private;
	if (size < inode->size) {
		page_tree_truncate(t, (size + PAGE_SIZE - 1) / PAGE_SIZE);
		char *page = size % PAGE_SIZE ? page_tree_lookup(t, size / PAGE_SIZE) : NULL;
		if (page) // zero the cut-off tail: a later extension reads zeros
			memset(page + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
	}
	ramfs_update_size(inode, size);
	return 0;
}

static void ramfs_evict(struct inode *inode)
{
	struct page_tree *t = inode->private;
	page_tree_truncate(t, 0);
	kfree(t);
}

static const struct inode_operations ramfs_file_iops = {
	.setsize = ramfs_setsize,
	.evict = ramfs_evict,
};

static const struct file_operations ramfs_file_fops = {
	.read = ramfs_read,
	.write = ramfs_write,
};

// ---- mounting ----

static int ramfs_mount(struct file_system_type *type, const char *source, const char *options,
		       struct super_block **out)
{
	(void)source, (void)options;
	struct super_block *sb = sb_alloc(type, 0);
	if (!sb)
		return -ENOMEM;
	struct inode *root = ramfs_inode_new(sb, S_IFDIR | 0755);
	if (root)
		sb->root = d_make_root(root);
	if (!sb->root) {
		sb_put(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

struct file_system_type ramfs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
};

// ---- Diagnostics ----

struct page_owner {
	void *page;
	struct inode *inode;
	u64 ino, size;
	u32 nlink;
	int refs;
};

static void find_page(void *obj, size_t size, void *arg)
{
	(void)size;
	struct inode *inode = obj;
	struct page_owner *o = arg;
	if (o->inode || inode->iop != &ramfs_file_iops || !inode->private ||
	    !page_tree_holds(inode->private, o->page))
		return;
	o->inode = inode;
	o->ino = inode->ino;
	o->size = inode->size;
	o->nlink = inode->nlink;
	o->refs = atomic_read(&inode->refcnt);
}

int ramfs_page_owner(void *page, char *buf, size_t len)
{
	struct page_owner o = {.page = page};
	kmem_cache_walk("inode", find_page, &o);
	if (!o.inode)
		return snprintf(buf, len, "in no ramfs file");
	return snprintf(buf, len, "in ramfs inode %llu (size %llu, nlink %u, %d references)",
			(unsigned long long)o.ino, (unsigned long long)o.size, o.nlink, o.refs);
}
