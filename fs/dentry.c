// The dentry cache: names in directories.
//
// A dentry ties a name in a parent directory to an inode. Tree-style
// filesystems keep every entry here: a linked ("hashed") dentry sits in a
// hash bucket keyed by (parent, name), on its parent's children list and
// holds one reference on itself, the pin, until it is unlinked. The path
// walk finds entries by hash without taking any directory lock. Dentries
// that are not linked (lookup-style filesystems, removed entries still
// open, negative dentries used while creating) live only as long as their
// references and are freed by the last dput().
//
// dcache_lock (a spinlock) guards the hash buckets, every children list,
// d->parent, d->name and the DCACHE_HASHED flag. Changes to a directory's
// entries are also made under the directory inode's lock, so "look up,
// then create" is atomic for callers that hold it.
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"

#define DCACHE_BUCKETS 4096

static DEFINE_SPINLOCK(dcache_lock);
static struct list_head dcache_hash[DCACHE_BUCKETS];
static struct kmem_cache *dentry_cache;
static atomic_t nr_dentries;

void dcache_init(void)
{
	for (int i = 0; i < DCACHE_BUCKETS; i++)
		INIT_LIST_HEAD(&dcache_hash[i]);
	dentry_cache = kmem_cache_create("dentry", sizeof(struct dentry), 0, 0);
}

long dentries_count(void) { return atomic_read(&nr_dentries); }

// FNV-1a over the name, mixed with the parent's address.
u32 d_hash_name(const char *name, size_t len)
{
	u32 h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (u8)name[i]) * 16777619u;
	return h;
}

static struct list_head *d_bucket(const struct dentry *parent, u32 hash)
{
	u64 k = (u64)parent >> 6;
	return &dcache_hash[(hash ^ k ^ (k >> 12)) % DCACHE_BUCKETS];
}

struct dentry *dget(struct dentry *d)
{
	atomic_inc(&d->refcnt);
	return d;
}

static void d_free(struct dentry *d)
{
	if (d->name != d->iname)
		kfree(d->name);
	kmem_cache_free(dentry_cache, d);
	atomic_dec(&nr_dentries);
}

// The last reference to an unlinked dentry frees it and drops what it
// held: its inode and its parent (which may go the same way). Linked
// dentries hold their pin, so a count reaching zero means no one can find
// this dentry any more and no lock is needed.
void dput(struct dentry *d)
{
	while (d && atomic_dec_and_test(&d->refcnt)) {
		BUG_ON(d->flags & DCACHE_HASHED);
		struct dentry *parent = d->parent == d ? NULL : d->parent;
		if (d->inode)
			iput(d->inode);
		d_free(d);
		d = parent;
	}
}

static int d_set_name(struct dentry *d, const char *name, size_t len)
{
	char *buf = d->iname;
	if (len >= DNAME_INLINE) {
		buf = kmalloc(len + 1, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	memcpy(buf, name, len);
	buf[len] = 0;
	d->name = buf;
	d->namelen = len;
	d->hash = d_hash_name(name, len);
	return 0;
}

// A new, negative, unlinked dentry name in parent (referenced), or NULL.
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = kmem_cache_alloc(dentry_cache, GFP_KERNEL);
	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	if (d_set_name(d, name, len) < 0) {
		kmem_cache_free(dentry_cache, d);
		return NULL;
	}
	atomic_set(&d->refcnt, 1);
	INIT_LIST_HEAD(&d->children);
	INIT_LIST_HEAD(&d->child);
	INIT_LIST_HEAD(&d->hash_link);
	d->next_seq = 2; // 0 and 1 are "." and ".."
	d->parent = parent ? dget(parent) : d;
	d->sb = parent ? parent->sb : NULL;
	atomic_inc(&nr_dentries);
	return d;
}

struct dentry *d_make_root(struct inode *inode)
{
	struct dentry *d = d_alloc(NULL, "/", 1);
	if (!d) {
		iput(inode);
		return NULL;
	}
	d->sb = inode->sb;
	d->inode = inode;
	return d;
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	BUG_ON(d->inode);
	d->inode = inode;
}

void dcache_lock_acquire(void) { spin_lock(&dcache_lock); }
void dcache_lock_release(void) { spin_unlock(&dcache_lock); }

// The linked entry name in parent, or NULL; dcache_lock held.
struct dentry *d_lookup_locked(struct dentry *parent, const char *name, size_t len)
{
	u32 hash = d_hash_name(name, len);
	struct dentry *d;
	assert_held(&dcache_lock);
	list_for_each_entry(d, d_bucket(parent, hash), hash_link) {
		if (d->hash == hash && d->parent == parent && d->namelen == len &&
		    memcmp(d->name, name, len) == 0)
			return d;
	}
	return NULL;
}

// The linked entry name in parent, referenced, or NULL.
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len)
{
	spin_lock(&dcache_lock);
	struct dentry *d = d_lookup_locked(parent, name, len);
	if (d)
		dget(d);
	spin_unlock(&dcache_lock);
	return d;
}

static void d_link_locked(struct dentry *d)
{
	struct dentry *parent = d->parent;
	assert_held(&dcache_lock);
	d->seq = parent->next_seq++;
	list_add_tail(&d->child, &parent->children);
	list_add(&d->hash_link, d_bucket(parent, d->hash));
	d->flags |= DCACHE_HASHED;
}

// Link the positive dentry d into its parent and pin it. The caller holds
// the parent inode's lock (or the parent is not reachable yet).
void d_link(struct dentry *d)
{
	BUG_ON(!d->inode);
	dget(d); // the pin
	spin_lock(&dcache_lock);
	d_link_locked(d);
	spin_unlock(&dcache_lock);
}

static void d_unlink_locked(struct dentry *d)
{
	assert_held(&dcache_lock);
	list_del_init(&d->child);
	list_del_init(&d->hash_link);
	d->flags &= ~DCACHE_HASHED;
}

// Unlink d and, first, everything below it. Iterative, so a deep tree
// cannot overflow the stack. The pins are dropped after dcache_lock is
// released (eviction may sleep); victims wait on a list threaded through
// their (now unused) hash_link.
void d_remove_pinned(struct dentry *top)
{
	LIST_HEAD(victims);
	struct dentry *d = top, *n;

	spin_lock(&dcache_lock);
	for (;;) {
		if (!list_empty(&d->children)) {
			d = list_first_entry(&d->children, struct dentry, child);
			continue;
		}
		struct dentry *parent = d->parent;
		if (d->flags & DCACHE_HASHED) {
			d_unlink_locked(d);
			list_add_tail(&d->hash_link, &victims);
		}
		if (d == top || parent == d)
			break;
		d = parent;
	}
	spin_unlock(&dcache_lock);
	list_for_each_entry_safe(d, n, &victims, hash_link) {
		INIT_LIST_HEAD(&d->hash_link);
		dput(d);
	}
}

// Unlink every entry below d, keeping d (a superblock's root at umount).
void d_prune_children(struct dentry *d)
{
	for (;;) {
		spin_lock(&dcache_lock);
		struct dentry *child = list_first_entry_or_null(&d->children, struct dentry, child);
		if (child)
			dget(child);
		spin_unlock(&dcache_lock);
		if (!child)
			return;
		d_remove_pinned(child);
		dput(child);
	}
}

struct dentry *d_create_pinned(struct dentry *parent, const char *name, struct inode *inode)
{
	struct dentry *d = d_alloc(parent, name, strlen(name));
	if (!d) {
		iput(inode);
		return NULL;
	}
	d_instantiate(d, inode);
	d_link(d);
	dput(d);
	return d;
}

bool d_dir_empty(struct dentry *d)
{
	spin_lock(&dcache_lock);
	bool empty = list_empty(&d->children);
	spin_unlock(&dcache_lock);
	return empty;
}

// The dentry's parent, referenced (d->parent may change under rename).
struct dentry *dget_parent(struct dentry *d)
{
	spin_lock(&dcache_lock);
	struct dentry *p = dget(d->parent);
	spin_unlock(&dcache_lock);
	return p;
}

// Rename support: move d (linked) to name in new_parent. longname is a
// kmalloc'd copy of the name when it is DNAME_INLINE bytes or longer (made
// by the caller beforehand, so nothing can fail here), else NULL. The
// caller holds rename_mutex and both directories' locks, and has unlinked
// any entry the move replaces.
void d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len,
	    char *longname)
{
	dget(new_parent);
	spin_lock(&dcache_lock);
	struct dentry *old_parent = d->parent;
	char *old_name = d->name;
	d_unlink_locked(d);
	if (longname) {
		d->name = longname;
	} else {
		memcpy(d->iname, name, len);
		d->iname[len] = 0;
		d->name = d->iname;
	}
	d->namelen = len;
	d->hash = d_hash_name(name, len);
	d->parent = new_parent;
	d_link_locked(d);
	spin_unlock(&dcache_lock);
	if (old_name != d->iname)
		kfree(old_name);
	dput(old_parent);
}

// True if anc is d or one of d's ancestors (within one superblock).
bool d_is_ancestor(struct dentry *anc, struct dentry *d)
{
	bool found = false;
	spin_lock(&dcache_lock);
	for (;;) {
		if (d == anc) {
			found = true;
			break;
		}
		if (d->parent == d)
			break;
		d = d->parent;
	}
	spin_unlock(&dcache_lock);
	return found;
}

// Prepend "/name" components from p up to the global root. A removed
// entry on the way (unlinked, in a tree-style filesystem) gives -ENOENT.
int d_path(const struct path *p, char *buf, size_t size)
{
	if (size < 2)
		return -ERANGE;
	char *end = buf + size, *s = end;
	struct dentry *d = p->dentry;
	struct mount *m = p->mnt;
	int err = 0;

	*--s = 0;
	mount_lock_acquire();
	spin_lock(&dcache_lock);
	while (m) {
		if (d == m->root) {
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		if (!(d->flags & DCACHE_HASHED) && !(d->sb->flags & SB_NOCACHE)) {
			err = -ENOENT;
			break;
		}
		if ((size_t)(s - buf) < d->namelen + 2) {
			err = -ERANGE;
			break;
		}
		s -= d->namelen;
		memcpy(s, d->name, d->namelen);
		*--s = '/';
		d = d->parent;
	}
	spin_unlock(&dcache_lock);
	mount_lock_release();
	if (err)
		return err;
	if (!*s)
		*--s = '/';
	size_t len = end - s;
	memmove(buf, s, len);
	return (int)len; // with the NUL
}

// ---- readdir for tree-style directories ----

// The d_type of an inode's mode.
unsigned mode_to_dtype(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFCHR: return DT_CHR;
	case S_IFIFO: return DT_FIFO;
	default: return DT_REG;
	}
}

// Positions: 0 ".", 1 "..", then each child's seq (creation order), so
// entries added or removed during a listing do not make it skip others.
// ctx->emit only copies into a kernel buffer, so it may run under
// dcache_lock.
bool dir_emit_dots(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->inode->ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *parent = dget_parent(dir);
		bool ok = ctx->emit(ctx, "..", 2, parent->inode->ino, DT_DIR);
		dput(parent);
		if (!ok)
			return false;
		ctx->pos = 2;
	}
	return true;
}

int dcache_readdir(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;
	struct dentry *d;

	if (!dir_emit_dots(f, ctx))
		return 0;
	spin_lock(&dcache_lock);
	list_for_each_entry(d, &dir->children, child) {
		if ((off_t)d->seq < ctx->pos)
			continue;
		if (!ctx->emit(ctx, d->name, d->namelen, d->inode->ino,
			       mode_to_dtype(d->inode->mode)))
			break;
		ctx->pos = d->seq + 1;
	}
	spin_unlock(&dcache_lock);
	return 0;
}

const struct file_operations dcache_dir_fops = {
	.iterate = dcache_readdir,
};
