// devfs: the /dev directory. A tree-style filesystem with one shared
// instance whose entries are the registered devices; see devfs.h.
#include "fs/devfs/devfs.h"
#include "kernel/errno.h"

static struct super_block *devfs_sb;

static int devfs_mount(struct file_system_type *type, const char *source, const char *options,
		       struct super_block **out)
{
	(void)type, (void)source, (void)options;
	if (!devfs_sb)
		return -ENODEV;
	sb_get(devfs_sb);
	*out = devfs_sb;
	return 0;
}

struct file_system_type devfs_type = {
	.name = "devfs",
	.mount = devfs_mount,
};

int devfs_register(const char *name, u32 rdev, const struct file_operations *fop)
{
	struct inode *inode = inode_new(devfs_sb, S_IFCHR | 0666);
	if (!inode)
		return -ENOMEM;
	inode->rdev = rdev;
	inode->fop = fop;
	struct inode *dir = devfs_sb->root->inode;
	mutex_lock(&dir->lock);
	struct dentry *d = d_create_pinned(devfs_sb->root, name, inode);
	mutex_unlock(&dir->lock);
	return d ? 0 : -ENOMEM;
}

static const struct inode_operations devfs_dir_iops; // no create, mkdir, unlink...

int devfs_init(void)
{
	devfs_sb = sb_alloc(&devfs_type, 0); // the instance's own reference
	if (!devfs_sb)
		return -ENOMEM;
	struct inode *root = inode_new(devfs_sb, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->iop = &devfs_dir_iops;
	root->fop = &dcache_dir_fops;
	devfs_sb->root = d_make_root(root);
	if (!devfs_sb->root)
		return -ENOMEM;
	int err = register_filesystem(&devfs_type);
	if (!err)
		err = mem_devs_init();
	if (!err)
		err = console_dev_init();
	return err;
}
