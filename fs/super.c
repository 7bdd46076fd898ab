// Superblocks: one instance of a filesystem.
//
// A superblock is made by its filesystem's mount callback (sb_alloc) and
// referenced by each mount of it, plus any hold the filesystem keeps (a
// filesystem whose instances are shared, like the container fs, can hand
// the same superblock to several mounts). The last sb_put() unlinks the
// whole dentry tree (evicting the inodes), lets the filesystem free its
// state (kill_sb) and frees the superblock.
#include "fs/internal.h"
#include "mm/slab.h"

static atomic_t next_dev = ATOMIC_INIT(1);

struct super_block *sb_alloc(struct file_system_type *type, unsigned flags)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return NULL;
	sb->type = type;
	sb->flags = flags;
	sb->dev = atomic_inc_return(&next_dev);
	atomic_set(&sb->refcnt, 1);
	return sb;
}

void sb_get(struct super_block *sb) { atomic_inc(&sb->refcnt); }

void sb_put(struct super_block *sb)
{
	if (!atomic_dec_and_test(&sb->refcnt))
		return;
	if (sb->root) {
		d_prune_children(sb->root);
		dput(sb->root);
	}
	if (sb->type->kill_sb)
		sb->type->kill_sb(sb);
	kfree(sb);
}
