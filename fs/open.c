// Opening files and the calls about a file's identity and place: open,
// stat, fstat, ftruncate, chdir, getcwd. (close, dup, dup2: fdtable.c.)
#include "fs/internal.h"
#include "lib/string.h"

static const struct file_operations no_fops;

// O_CREAT: find or make the last component under its directory's lock.
static int open_create(const char *path, int flags, int mode, struct path *out)
{
	struct nameidata nd;
	int err = path_lookup_parent(path, &nd);
	if (err)
		return err;
	if (nd.last_type != LAST_NORM) { // "/", ".", "..": a directory
		path_put(&nd.parent);
		return path_lookup(path, 0, out);
	}
	if (nd.trailing_slash) {
		path_put(&nd.parent);
		return -EISDIR;
	}
	struct dentry *dir = nd.parent.dentry;
	struct inode *dir_inode = dir->inode;
	mutex_lock(&dir_inode->lock);
	struct dentry *d = lookup_in_dir(dir, nd.last, nd.last_len, true, &err);
	if (d && d->inode) {
		if (flags & O_EXCL)
			err = -EEXIST;
	} else if (d && dir_inode->nlink == 0) {
		err = -ENOENT; // the directory was removed
	} else if (d) {
		const struct inode_operations *iop = dir_inode->iop;
		err = iop && iop->create ? iop->create(dir_inode, d, S_IFREG | (mode & 07777))
					 : -EACCES;
		if (!err && !(dir->sb->flags & SB_NOCACHE))
			d_link(d);
		if (!err)
			inode_touch(dir_inode);
	}
	mutex_unlock(&dir_inode->lock);
	if (!err) {
		out->mnt = mntget(nd.parent.mnt);
		out->dentry = d; // lookup's reference
		follow_mounts(out);
	} else if (d) {
		dput(d);
	}
	path_put(&nd.parent);
	return err;
}

static int do_truncate(struct inode *inode, u64 size)
{
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (!inode->iop || !inode->iop->setsize)
		return size == inode->size ? 0 : -EINVAL;
	mutex_lock(&inode->lock);
	int err = inode->iop->setsize(inode, size);
	if (!err)
		inode_touch(inode);
	mutex_unlock(&inode->lock);
	return err;
}

int sys_open(const char *path, int flags, int mode)
{
	int acc = flags & O_ACCMODE;
	if (acc == O_ACCMODE)
		return -EINVAL;
	struct path p;
	int err = (flags & O_CREAT) ? open_create(path, flags, mode, &p)
				    : path_lookup(path, 0, &p);
	if (err)
		return err;
	struct inode *inode = p.dentry->inode;
	if (S_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC))))
		err = -EISDIR;
	else if (!S_ISDIR(inode->mode) && (flags & O_DIRECTORY))
		err = -ENOTDIR;
	else if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(inode->mode))
		err = do_truncate(inode, 0);
	if (err) {
		path_put(&p);
		return err;
	}
	struct file *f = file_alloc(&p, inode, flags, inode->fop ? inode->fop : &no_fops, &err);
	path_put(&p);
	if (!f)
		return err;
	int fd = fd_install(f);
	if (fd < 0)
		fput(f);
	return fd;
}

int sys_stat(const char *path, struct kstat *st)
{
	if (!st)
		return -EFAULT;
	struct path p;
	int err = path_lookup(path, 0, &p);
	if (err)
		return err;
	inode_stat(p.dentry->inode, st);
	path_put(&p);
	return 0;
}

int sys_fstat(int fd, struct kstat *st)
{
	if (!st)
		return -EFAULT;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	inode_stat(f->inode, st);
	fput(f);
	return 0;
}

int sys_ftruncate(int fd, off_t len)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int err = -EINVAL;
	if (len >= 0 && (f->mode & FMODE_WRITE))
		err = do_truncate(f->inode, (u64)len);
	fput(f);
	return err;
}

int sys_chdir(const char *path)
{
	struct path p;
	int err = path_lookup(path, LOOKUP_DIRECTORY, &p);
	if (err)
		return err;
	set_cwd(&p);
	return 0;
}

int sys_getcwd(char *buf, size_t size)
{
	if (!buf)
		return -EFAULT;
	struct path p;
	cwd_path(&p);
	int n = d_path(&p, buf, size);
	path_put(&p);
	return n;
}
