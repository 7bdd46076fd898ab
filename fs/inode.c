// Inodes: the files themselves, with their attributes and operations.
//
// There is no inode cache: an inode lives while something references it
// (the dentries naming it, files without a dentry such as pipes, and
// short-term iget() users). The last iput() calls the filesystem's evict
// callback to free its data (ramfs pages, procfs nothing) and frees the
// inode. Since an unlinked but open file's dentry still references its
// inode, the data outlives the unlink until the last close.
#include "fs/internal.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct kmem_cache *inode_cache;
static atomic_t nr_inodes;
static atomic64_t next_ino = ATOMIC64_INIT(1);

void inode_cache_init(void)
{
	inode_cache = kmem_cache_create("inode", sizeof(struct inode), 0, 0);
}

long inodes_count(void) { return atomic_read(&nr_inodes); }

struct inode *inode_new(struct super_block *sb, u32 mode)
{
	struct inode *inode = kmem_cache_alloc(inode_cache, GFP_KERNEL);
	if (!inode)
		return NULL;
	memset(inode, 0, sizeof(*inode));
	inode->ino = atomic64_inc_return(&next_ino);
	inode->mode = mode;
	inode->sb = sb;
	inode->nlink = S_ISDIR(mode) ? 2 : 1;
	inode->mtime_ns = clock_ns();
	atomic_set(&inode->refcnt, 1);
	mutex_init(&inode->lock, "inode");
	atomic_inc(&nr_inodes);
	return inode;
}

struct inode *iget(struct inode *inode)
{
	atomic_inc(&inode->refcnt);
	return inode;
}

void iput(struct inode *inode)
{
	if (!inode || !atomic_dec_and_test(&inode->refcnt))
		return;
	if (inode->iop && inode->iop->evict)
		inode->iop->evict(inode);
	kmem_cache_free(inode_cache, inode);
	atomic_dec(&nr_inodes);
}

void inode_touch(struct inode *inode) { inode->mtime_ns = clock_ns(); }

void inode_stat(struct inode *inode, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = inode->ino;
	st->st_mode = inode->mode;
	st->st_nlink = inode->nlink;
	st->st_size = inode->size;
	st->st_blocks = inode->blocks;
	st->st_mtime_ns = inode->mtime_ns;
	st->st_dev = inode->sb ? inode->sb->dev : 0;
	st->st_rdev = inode->rdev;
}
