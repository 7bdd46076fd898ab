// The system-wide open-file table.
//
// Every struct file in the system is made by file_alloc() and destroyed
// by the fput() that drops its last reference, so the table is simply the
// count of live files (/proc/sys/fs/file-nr) and these two functions are
// the only places where a file is charged to and uncharged from its
// creator's beancounter (bc_charge_file / bc_uncharge_file, defined by
// kernel/containers/bc.c: required, a missing one is a link error;
// DESIGN.md §6). Files of an SB_UNCHARGED filesystem (the container
// filesystem's control files) are not charged: see fs/vfs.h.
//
// A file references its path (mount and dentry) and its inode; fd slots
// and fget() users reference the file.
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct kmem_cache *file_cache;
static atomic_t nr_files;

void file_cache_init(void)
{
	file_cache = kmem_cache_create("file", sizeof(struct file), 0, 0);
}

long files_count(void) { return atomic_read(&nr_files); }

static void file_free(struct file *f, bool charged)
{
	if (charged)
		bc_uncharge_file(f);
	if (f->path.dentry)
		path_put(&f->path);
	iput(f->inode);
	kmem_cache_free(file_cache, f);
	atomic_dec(&nr_files);
}

struct file *file_alloc(const struct path *path, struct inode *inode, int flags,
			const struct file_operations *fop, int *err)
{
	if (atomic_inc_return(&nr_files) > FILES_MAX) {
		atomic_dec(&nr_files);
		*err = -ENFILE;
		return NULL;
	}
	struct file *f = kmem_cache_alloc(file_cache, GFP_KERNEL);
	if (!f) {
		atomic_dec(&nr_files);
		*err = -ENOMEM;
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	atomic_set(&f->refcnt, 1);
	f->inode = iget(inode);
	if (path) {
		f->path = *path;
		path_get(path);
	}
	f->fop = fop;
	f->flags = flags;
	int acc = flags & O_ACCMODE;
	f->mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
		  (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0);
	mutex_init(&f->pos_lock, "file.pos");

	int e = inode->sb && (inode->sb->flags & SB_UNCHARGED) ? 0 : bc_charge_file(f);
	if (e) {
		file_free(f, false);
		*err = e;
		return NULL;
	}
	e = fop->open ? fop->open(inode, f) : 0;
	if (e) {
		file_free(f, true);
		*err = e;
		return NULL;
	}
	return f;
}

struct file *file_get(struct file *f)
{
	atomic_inc(&f->refcnt);
	return f;
}

void fput(struct file *f)
{
	if (!atomic_dec_and_test(&f->refcnt))
		return;
	if (f->fop->release)
		f->fop->release(f->inode, f);
	file_free(f, true);
}

off_t noseek_llseek(struct file *f, off_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -ESPIPE;
}
