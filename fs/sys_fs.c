// Changing the namespace: mkdir, rmdir, unlink, rename.
//
// Each call finds the parent directory, locks it (inode->lock), looks the
// last name up under that lock and asks the filesystem, which may refuse
// with its own errno. On success the VFS does the bookkeeping itself:
// linking or unlinking dentries, link counts (a directory has 2 + its
// subdirectories, a file 1), directory mtimes. So a filesystem's callbacks
// only decide and keep their private state.
//
// Lock order: rename_mutex, then a parent directory before its child (the
// ancestor first when rename locks two directories; two unrelated ones by
// address, which is safe because rename_mutex admits one rename at once).
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"

static DEFINE_MUTEX(rename_mutex);

int sys_mkdir(const char *path, int mode)
{
	struct nameidata nd;
	int err = path_lookup_parent(path, &nd);
	if (err)
		return err;
	if (nd.last_type != LAST_NORM) {
		path_put(&nd.parent);
		return -EEXIST;
	}
	struct dentry *dir = nd.parent.dentry;
	struct inode *dir_inode = dir->inode;
	mutex_lock(&dir_inode->lock);
	struct dentry *d = lookup_in_dir(dir, nd.last, nd.last_len, true, &err);
	if (d && d->inode) {
		err = -EEXIST;
	} else if (d && dir_inode->nlink == 0) {
		err = -ENOENT; // the directory was removed
	} else if (d) {
		const struct inode_operations *iop = dir_inode->iop;
		err = iop && iop->mkdir ? iop->mkdir(dir_inode, d, S_IFDIR | (mode & 07777))
					: -EACCES;
		if (!err) {
			if (!(dir->sb->flags & SB_NOCACHE))
				d_link(d);
			dir_inode->nlink++;
			inode_touch(dir_inode);
		}
	}
	mutex_unlock(&dir_inode->lock);
	if (d)
		dput(d);
	path_put(&nd.parent);
	return err;
}

// rmdir and unlink: the shared part.
static int do_remove(const char *path, bool is_rmdir)
{
	struct nameidata nd;
	int err = path_lookup_parent(path, &nd);
	if (err)
		return err;
	switch (nd.last_type) {
	case LAST_DOT: err = is_rmdir ? -EINVAL : -EISDIR; break;
	case LAST_DOTDOT: err = is_rmdir ? -ENOTEMPTY : -EISDIR; break;
	case LAST_ROOT: err = is_rmdir ? -EBUSY : -EISDIR; break;
	}
	if (err) {
		path_put(&nd.parent);
		return err;
	}
	struct dentry *dir = nd.parent.dentry;
	struct inode *dir_inode = dir->inode;
	mutex_lock(&dir_inode->lock);
	struct dentry *d = lookup_in_dir(dir, nd.last, nd.last_len, false, &err);
	if (!d)
		goto out_unlock;
	struct inode *inode = d->inode;
	bool isdir = S_ISDIR(inode->mode);
	if (is_rmdir && !isdir)
		err = -ENOTDIR;
	else if (!is_rmdir && isdir)
		err = -EISDIR;
	else if (!is_rmdir && nd.trailing_slash)
		err = -ENOTDIR;
	if (err)
		goto out_put;

	// The busy check and the removal under the victim's lock, which a
	// mount holds from its own check (still linked?) to linking the mount
	// (fs/mount.c): one of the two sees the other.
	mutex_lock(&inode->lock);
	const struct inode_operations *iop = dir_inode->iop;
	if (READ_ONCE(d->mounted))
		err = -EBUSY;
	else if (is_rmdir)
		err = iop && iop->rmdir ? iop->rmdir(dir_inode, d) : -EPERM;
	else
		err = iop && iop->unlink ? iop->unlink(dir_inode, d) : -EPERM;
	if (!err) {
		d_remove_pinned(d);
		if (isdir) {
			inode->nlink = 0;
			dir_inode->nlink--;
		} else {
			inode->nlink--;
		}
		inode_touch(dir_inode);
	}
	mutex_unlock(&inode->lock);
out_put:
	dput(d);
out_unlock:
	mutex_unlock(&dir_inode->lock);
	path_put(&nd.parent);
	return err;
}

int sys_rmdir(const char *path) { return do_remove(path, true); }
int sys_unlink(const char *path) { return do_remove(path, false); }

// Lock the directories of a rename: the ancestor first.
static void lock_two_dirs(struct dentry *a, struct dentry *b)
{
	if (a == b) {
		mutex_lock(&a->inode->lock);
		return;
	}
	bool a_first = d_is_ancestor(a, b) ||
		       (!d_is_ancestor(b, a) && (uintptr_t)a->inode < (uintptr_t)b->inode);
	mutex_lock(a_first ? &a->inode->lock : &b->inode->lock);
	mutex_lock(a_first ? &b->inode->lock : &a->inode->lock);
}

static void unlock_two_dirs(struct dentry *a, struct dentry *b)
{
	mutex_unlock(&a->inode->lock);
	if (a != b)
		mutex_unlock(&b->inode->lock);
}

static int rename_check(struct nameidata *o, struct dentry *old, struct nameidata *n,
			struct dentry *new)
{
	bool isdir = S_ISDIR(old->inode->mode);
	if (old->mounted || (new->inode && new->mounted))
		return -EBUSY;
	if (!isdir && (o->trailing_slash || n->trailing_slash))
		return -ENOTDIR;
	if (new->inode && isdir && !S_ISDIR(new->inode->mode))
		return -ENOTDIR;
	if (new->inode && !isdir && S_ISDIR(new->inode->mode))
		return -EISDIR;
	if (isdir && d_is_ancestor(old, n->parent.dentry))
		return -EINVAL; // into itself or a subdirectory of itself
	if (new->inode && d_is_ancestor(new, old))
		return -ENOTEMPTY; // over a directory that contains old
	return 0;
}

static int rename_locked(struct nameidata *o, struct nameidata *n, char *longname)
{
	struct dentry *odir = o->parent.dentry, *ndir = n->parent.dentry;
	int err = 0;
	struct dentry *old = lookup_in_dir(odir, o->last, o->last_len, false, &err);
	if (!old)
		return err;
	struct dentry *new = lookup_in_dir(ndir, n->last, n->last_len, true, &err);
	if (!new) {
		dput(old);
		return err;
	}
	if (old == new)
		goto out; // the same entry: nothing to do
	err = ndir->inode->nlink == 0 ? -ENOENT : 0; // into a removed directory
	if (err)
		goto out;
	err = rename_check(o, old, n, new);
	if (err)
		goto out;
	const struct inode_operations *iop = odir->inode->iop;
	struct inode *victim = new->inode;
	if (victim)
		mutex_lock(&victim->lock);
	err = iop && iop->rename ? iop->rename(odir->inode, old, ndir->inode, new) : -EPERM;
	if (!err) {
		bool isdir = S_ISDIR(old->inode->mode);
		if (victim) {
			d_remove_pinned(new);
			victim->nlink = isdir ? 0 : victim->nlink - 1;
			if (isdir)
				ndir->inode->nlink--;
		}
		d_move(old, ndir, n->last, n->last_len, longname);
		longname = NULL;
		if (isdir && odir != ndir) {
			odir->inode->nlink--;
			ndir->inode->nlink++;
		}
		inode_touch(odir->inode);
		inode_touch(ndir->inode);
	}
	if (victim)
		mutex_unlock(&victim->lock);
out:
	kfree(longname);
	dput(old);
	dput(new);
	return err;
}

int sys_rename(const char *from, const char *to)
{
	struct nameidata o, n;
	int err = path_lookup_parent(from, &o);
	if (err)
		return err;
	err = path_lookup_parent(to, &n);
	if (err) {
		path_put(&o.parent);
		return err;
	}
	char *longname = NULL;
	if (o.last_type == LAST_ROOT || n.last_type == LAST_ROOT)
		err = -EBUSY;
	else if (o.last_type != LAST_NORM || n.last_type != LAST_NORM)
		err = -EINVAL;
	else if (o.parent.mnt != n.parent.mnt)
		err = -EXDEV;
	else if (n.last_len >= DNAME_INLINE) {
		longname = kmalloc(n.last_len + 1, GFP_KERNEL);
		if (!longname)
			err = -ENOMEM;
		else {
			memcpy(longname, n.last, n.last_len);
			longname[n.last_len] = 0;
		}
	}
	if (!err) {
		mutex_lock(&rename_mutex);
		lock_two_dirs(o.parent.dentry, n.parent.dentry);
		err = rename_locked(&o, &n, longname);
		unlock_two_dirs(o.parent.dentry, n.parent.dentry);
		mutex_unlock(&rename_mutex);
	}
	path_put(&o.parent);
	path_put(&n.parent);
	return err;
}
