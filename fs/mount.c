// Filesystem types and mounts.
//
// The registry maps a name ("ramfs", "container") to a file_system_type;
// register_filesystem() adds one at boot. A mount attaches a superblock's
// root at a directory (the mountpoint) of another mount; mounting again on
// the same place stacks on top, and the path walk sees the topmost. Each
// mount references its parent mount, its mountpoint dentry, its root and
// its superblock.
//
// A mount is busy while anything other than the mount list holds it: a
// path (open file, cwd) or a child mount. Unmounting a busy mount gives
// -EBUSY, so the tree below a mount is never taken away from a user.
//
// Locks: namespace_mutex serialises mount and umount; mount_lock (a
// spinlock, taken before dcache_lock) guards the mount list and
// dentry->mounted, and is what the path walk takes to cross a mountpoint.
// A mount holds the mountpoint's parent directory's lock and then the
// mountpoint's own inode lock (both taken before namespace_mutex) from
// checking that the mountpoint is still linked to counting itself in
// `mounted`: rename checks `mounted` under the parent's lock and rmdir
// under the victim's, so neither can remove a mountpoint a mount is being
// attached to (else the mount would sit on an unlinked directory, shown
// as "?" and impossible to unmount).
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"

static LIST_HEAD(fs_types);
static DEFINE_SPINLOCK(fs_types_lock); // fs_types

static LIST_HEAD(mount_list); // in mount order
static DEFINE_SPINLOCK(mount_lock);
static DEFINE_MUTEX(namespace_mutex);
struct mount *root_mount;

void mount_lock_acquire(void) { spin_lock(&mount_lock); }
void mount_lock_release(void) { spin_unlock(&mount_lock); }

int register_filesystem(struct file_system_type *type)
{
	struct file_system_type *t;
	int err = 0;
	spin_lock(&fs_types_lock);
	list_for_each_entry(t, &fs_types, list) {
		if (strcmp(t->name, type->name) == 0)
			err = -EEXIST;
	}
	if (!err)
		list_add_tail(&type->list, &fs_types);
	spin_unlock(&fs_types_lock);
	return err;
}

struct file_system_type *get_filesystem(const char *name)
{
	struct file_system_type *t, *found = NULL;
	spin_lock(&fs_types_lock);
	list_for_each_entry(t, &fs_types, list) {
		if (strcmp(t->name, name) == 0)
			found = t;
	}
	spin_unlock(&fs_types_lock);
	return found;
}

struct mount *mntget(struct mount *m)
{
	atomic_inc(&m->refcnt);
	return m;
}

// The last reference goes only after umount took the mount off the list.
// A mount holds a reference on its parent mount, so the last put of a
// mount may free a whole chain of parents: a loop, not a recursion (mounts
// nest as deep as a user stacks them).
void mntput(struct mount *m)
{
	while (m && atomic_dec_and_test(&m->refcnt)) {
		struct mount *parent = m->parent;
		dput(m->root);
		if (m->mountpoint)
			dput(m->mountpoint);
		sb_put(m->sb);
		kfree(m->source);
		kfree(m->options);
		kfree(m);
		m = parent;
	}
}

struct mount *lookup_mnt_locked(struct mount *parent, struct dentry *d)
{
	struct mount *m;
	assert_held(&mount_lock);
	list_for_each_entry(m, &mount_list, list) {
		if (m->parent == parent && m->mountpoint == d)
			return m;
	}
	return NULL;
}

struct mount *lookup_mnt(struct mount *parent, struct dentry *d)
{
	spin_lock(&mount_lock);
	struct mount *m = lookup_mnt_locked(parent, d);
	if (m)
		mntget(m);
	spin_unlock(&mount_lock);
	return m;
}

// Lock d's parent directory, the one d is in once the lock is held (a
// rename may move d meanwhile); returns it, referenced.
static struct dentry *lock_parent_dir(struct dentry *d)
{
	for (;;) {
		dcache_lock_acquire();
		struct dentry *p = dget(d->parent);
		dcache_lock_release();
		mutex_lock(&p->inode->lock);
		if (READ_ONCE(d->parent) == p)
			return p;
		mutex_unlock(&p->inode->lock);
		dput(p);
	}
}

static char *kstrdup_or_empty(const char *s)
{
	return kstrdup(s ? s : "", GFP_KERNEL);
}

int do_mount(const char *source, const char *target, const char *fstype,
	     const char *options)
{
	if (!fstype || !target)
		return -EINVAL;
	struct file_system_type *type = get_filesystem(fstype);
	if (!type)
		return -ENODEV;

	struct path where = {NULL, NULL};
	if (root_mount) {
		int err = path_lookup(target, LOOKUP_DIRECTORY, &where);
		if (err)
			return err;
		// A lookup-style entry is made afresh by every lookup: a mount
		// on it could never be found again.
		if (!(where.dentry->flags & DCACHE_HASHED) &&
		    where.dentry != where.mnt->root) {
			path_put(&where);
			return -EINVAL;
		}
	} else if (strcmp(target, "/") != 0) {
		return -ENOENT;
	}

	struct mount *m = kzalloc(sizeof(*m), GFP_KERNEL);
	char *src = kstrdup_or_empty(source ? source : fstype);
	char *opts = kstrdup_or_empty(options);
	struct super_block *sb = NULL;
	int err = (m && src && opts) ? 0 : -ENOMEM;
	if (!err)
		err = type->mount(type, source, options, &sb);
	if (err) {
		kfree(m);
		kfree(src);
		kfree(opts);
		if (where.dentry)
			path_put(&where);
		return err;
	}
	// A mountpoint other than a mount's root must still be linked.
	struct dentry *dir = where.dentry && where.dentry != where.mnt->root
				     ? lock_parent_dir(where.dentry) : NULL;
	if (dir && !(READ_ONCE(where.dentry->flags) & DCACHE_HASHED)) {
		mutex_unlock(&dir->inode->lock);
		dput(dir);
		sb_put(sb);
		kfree(m);
		kfree(src);
		kfree(opts);
		path_put(&where);
		return -ENOENT;
	}
	atomic_set(&m->refcnt, 1); // being mounted
	m->sb = sb;
	m->root = dget(sb->root);
	m->source = src;
	m->options = opts;

	// The mountpoint may have been removed since the lookup (a racing
	// rmdir): a mount there could never be reached or unmounted. Its lock
	// is held from this check until the mount is linked (mounted++), and
	// rmdir checks `mounted` and removes under the same lock.
	struct inode *mp = where.dentry ? where.dentry->inode : NULL;
	if (mp) {
		mutex_lock(&mp->lock);
		if (!(READ_ONCE(where.dentry->flags) & DCACHE_HASHED) &&
		    where.dentry != where.mnt->root) {
			mutex_unlock(&mp->lock);
			if (dir) {
				mutex_unlock(&dir->inode->lock);
				dput(dir);
			}
			path_put(&where);
			mntput(m); // drops the superblock the type made
			return -ENOENT;
		}
	}
	mutex_lock(&namespace_mutex);
	spin_lock(&mount_lock);
	if (where.dentry) {
		m->parent = where.mnt;          // where's references move
		m->mountpoint = where.dentry;   // to the mount
		where.dentry->mounted++;
	} else {
		root_mount = mntget(m); // the root mount is never unmounted
	}
	list_add_tail(&m->list, &mount_list);
	spin_unlock(&mount_lock);
	mutex_unlock(&namespace_mutex);
	if (mp)
		mutex_unlock(&mp->lock);
	if (dir) {
		mutex_unlock(&dir->inode->lock);
		dput(dir);
	}
	return 0;
}

int sys_mount(const char *source, const char *target, const char *fstype,
	      const char *options)
{
	return do_mount(source, target, fstype, options);
}

// True if something beyond the mount list and one caller's path holds m.
bool mount_is_busy(struct mount *m)
{
	return atomic_read(&m->refcnt) > 2;
}

int sys_umount(const char *target)
{
	struct path p;
	int err = path_lookup(target, 0, &p);
	if (err)
		return err;
	struct mount *m = p.mnt;
	if (p.dentry != m->root) {
		path_put(&p);
		return -EINVAL;
	}
	if (m == root_mount) {
		path_put(&p);
		return -EBUSY;
	}
	mutex_lock(&namespace_mutex);
	spin_lock(&mount_lock);
	if (mount_is_busy(m)) {
		err = -EBUSY;
	} else {
		list_del(&m->list);
		m->mountpoint->mounted--;
	}
	spin_unlock(&mount_lock);
	mutex_unlock(&namespace_mutex);
	path_put(&p);
	if (!err)
		mntput(m); // the mount list's reference
	return err;
}

int mounts_show(struct seq_buf *s)
{
	struct mount **all = NULL, *m;
	int n = 0, cap = 0;
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	for (;;) { // snapshot the list, referenced, then print unlocked
		spin_lock(&mount_lock);
		int count = (int)list_count(&mount_list);
		if (count <= cap) {
			list_for_each_entry(m, &mount_list, list)
				all[n++] = mntget(m);
			spin_unlock(&mount_lock);
			break;
		}
		spin_unlock(&mount_lock);
		kfree(all);
		cap = count + 4;
		all = kmalloc(cap * sizeof(*all), GFP_KERNEL);
		if (!all) {
			kfree(path);
			return -ENOMEM;
		}
	}
	for (int i = 0; i < n; i++) {
		m = all[i];
		struct path where = {m, m->root};
		if (d_path(&where, path, PATH_MAX) < 0)
			strlcpy(path, "?", PATH_MAX);
		seq_printf(s, "%s %s %s ", m->source, path, m->sb->type->name);
		if (m->sb->type->show_options)
			m->sb->type->show_options(m->sb, s);
		else
			seq_printf(s, "rw%s%s", m->options[0] ? "," : "", m->options);
		seq_printf(s, " 0 0\n");
		mntput(m);
	}
	kfree(all);
	kfree(path);
	return 0;
}
