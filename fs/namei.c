// The path walk: from a string to a (mount, dentry) path.
//
// Absolute paths start at the global root, relative ones at the task's
// cwd. "." stays, ".." goes to the parent, and mounts are crossed both
// ways: stepping onto a mountpoint continues at the mounted root, and ".."
// from a mount's root continues from its mountpoint. The global root's
// ".." is itself.
//
// Two kinds of step. Whatever the dcache can answer -- linked entries of
// tree-style filesystems, ".", "..", mounts -- is walked in stretches with
// mount_lock and dcache_lock held and no references taken on the way
// (walk_cached), which is what makes opening a file cheap. A name in a
// lookup-style directory (procfs) is a step through the filesystem's
// lookup callback, which may sleep, with references (walk_fs_component).
//
// Limits: a component longer than NAME_MAX or a path of PATH_MAX bytes or
// more (with its NUL) gives -ENAMETOOLONG; "" gives -ENOENT. A walk
// through a non-directory gives -ENOTDIR, a missing name -ENOENT.
#include "fs/internal.h"
#include "lib/string.h"

void path_get(const struct path *p)
{
	mntget(p->mnt);
	dget(p->dentry);
}

void path_put(const struct path *p)
{
	dput(p->dentry);
	mntput(p->mnt);
}

void root_path(struct path *out)
{
	out->mnt = root_mount;
	out->dentry = root_mount->root;
	path_get(out);
}

void follow_mounts(struct path *p)
{
	while (READ_ONCE(p->dentry->mounted)) {
		struct mount *m = lookup_mnt(p->mnt, p->dentry);
		if (!m)
			return;
		path_put(p);
		p->mnt = m; // lookup_mnt's reference
		p->dentry = dget(m->root);
	}
}

struct dentry *lookup_in_dir(struct dentry *dir, const char *name, size_t len,
			     bool negative_ok, int *err)
{
	struct dentry *d = d_lookup(dir, name, len);
	if (d)
		return d;
	const struct inode_operations *iop = dir->inode->iop;
	if (!negative_ok && !(iop && iop->lookup)) {
		*err = -ENOENT;
		return NULL;
	}
	d = d_alloc(dir, name, len);
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	if (iop && iop->lookup) {
		int e = iop->lookup(dir->inode, d);
		if (e < 0) {
			dput(d);
			*err = e;
			return NULL;
		}
	}
	if (!d->inode && !negative_ok) {
		dput(d);
		*err = -ENOENT;
		return NULL;
	}
	return d;
}

// ---- the cached walk: no references on the way ----

static void follow_mounts_locked(struct path *p)
{
	struct mount *m;
	while (p->dentry->mounted && (m = lookup_mnt_locked(p->mnt, p->dentry))) {
		p->mnt = m;
		p->dentry = m->root;
	}
}

static void follow_dotdot_locked(struct path *p)
{
	while (p->dentry == p->mnt->root) {
		if (!p->mnt->parent)
			return; // the global root
		p->dentry = p->mnt->mountpoint;
		p->mnt = p->mnt->parent;
	}
	p->dentry = p->dentry->parent;
	follow_mounts_locked(p);
}

#define WALK_CACHED_MAX 64 // components per stretch with the locks held
#define WALK_NEEDS_FS 1    // walk_cached stopped at a lookup-style directory

// Step through the components of *sp (up to stop) that the dcache alone
// can answer: ".", "..", mounts and linked entries. It holds mount_lock
// and dcache_lock for the whole stretch instead of taking references at
// every step; only the place where it stops is referenced (and p's old
// place released). Returns 0, -errno, or WALK_NEEDS_FS when the next
// component must be asked of a lookup-style filesystem.
static int walk_cached(struct path *p, const char **sp, const char *stop)
{
	struct path cur = *p;
	const char *s = *sp;
	int ret = 0;
	mount_lock_acquire();
	dcache_lock_acquire();
	for (int steps = 0; *s && s != stop && steps < WALK_CACHED_MAX; steps++) {
		size_t len = strcspn(s, "/");
		struct inode *dir = cur.dentry->inode;
		if (len > NAME_MAX) {
			ret = -ENAMETOOLONG;
			break;
		}
		if (!S_ISDIR(dir->mode)) {
			ret = -ENOTDIR;
			break;
		}
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			follow_dotdot_locked(&cur);
		} else if (len != 1 || s[0] != '.') {
			struct dentry *d = d_lookup_locked(cur.dentry, s, len);
			if (!d) {
				ret = dir->iop && dir->iop->lookup ? WALK_NEEDS_FS : -ENOENT;
				break;
			}
			cur.dentry = d;
			follow_mounts_locked(&cur);
		}
		s += len;
		while (*s == '/')
			s++;
	}
	bool moved = cur.dentry != p->dentry || cur.mnt != p->mnt;
	if (moved)
		path_get(&cur);
	dcache_lock_release();
	mount_lock_release();
	if (moved) {
		path_put(p);
		*p = cur;
	}
	*sp = s;
	return ret;
}

// One step through a lookup-style filesystem: the component at *sp.
static int walk_fs_component(struct path *p, const char **sp)
{
	const char *s = *sp;
	size_t len = strcspn(s, "/");
	int err;
	struct dentry *d = lookup_in_dir(p->dentry, s, len, false, &err);
	if (!d)
		return err;
	dput(p->dentry);
	p->dentry = d;
	follow_mounts(p);
	s += len;
	while (*s == '/')
		s++;
	*sp = s;
	return 0;
}

// The last component of path (NULL for "/"), its length in *len.
static const char *last_component(const char *path, size_t total, size_t *len)
{
	const char *end = path + total;
	while (end > path && end[-1] == '/')
		end--;
	const char *start = end;
	while (start > path && start[-1] != '/')
		start--;
	*len = end - start;
	return start == end ? NULL : start;
}

static int last_type(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

// Walk path into *p (referenced on success). With nd, stop before the
// last component and describe it in nd instead. Mostly cached stretches;
// a step through the filesystem where the dcache cannot answer.
static int path_walk(const char *path, struct path *p, struct nameidata *nd)
{
	if (!path)
		return -EFAULT;
	size_t total = strnlen(path, PATH_MAX);
	if (total >= PATH_MAX)
		return -ENAMETOOLONG;
	if (total == 0 || !root_mount)
		return -ENOENT;
	if (path[0] == '/') {
		root_path(p);
		follow_mounts(p); // something may be mounted on "/" itself
	} else {
		cwd_path(p);
	}
	size_t last_len = 0;
	const char *last = nd ? last_component(path, total, &last_len) : NULL;
	bool trailing_slash = path[total - 1] == '/';
	if (last && last_len > NAME_MAX) {
		path_put(p);
		return -ENAMETOOLONG;
	}

	const char *s = path;
	while (*s == '/')
		s++;
	int err = 0;
	while (!err && *s && s != last) {
		err = walk_cached(p, &s, last);
		if (err == WALK_NEEDS_FS)
			err = walk_fs_component(p, &s);
	}
	if (!err && nd) {
		if (!S_ISDIR(p->dentry->inode->mode)) {
			err = -ENOTDIR;
		} else {
			nd->last = last ? last : s;
			nd->last_len = last_len;
			nd->last_type = last ? last_type(last, last_len) : LAST_ROOT;
			nd->trailing_slash = last && trailing_slash;
			nd->parent = *p;
			return 0;
		}
	}
	if (!err && trailing_slash && !S_ISDIR(p->dentry->inode->mode))
		err = -ENOTDIR;
	if (err)
		path_put(p);
	return err;
}

int path_lookup(const char *path, unsigned flags, struct path *out)
{
	int err = path_walk(path, out, NULL);
	if (err)
		return err;
	if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(out->dentry->inode->mode)) {
		path_put(out);
		return -ENOTDIR;
	}
	return 0;
}

int path_lookup_parent(const char *path, struct nameidata *nd)
{
	struct path p;
	return path_walk(path, &p, nd);
}
