// Moving data: read, write, lseek, getdents, ioctl.
//
// A file's position is shared by every descriptor and task holding the
// file; for seekable files (regular files, directories) f->pos_lock makes
// each call's read-modify-write of it atomic, so two writers to one
// shared file (a shell's "> log 2>&1") never overwrite each other.
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"

static bool file_seekable(struct file *f)
{
	u32 mode = f->inode->mode;
	return S_ISREG(mode) || S_ISDIR(mode);
}

ssize_t sys_read(int fd, void *buf, size_t n)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	ssize_t r;
	if (!(f->mode & FMODE_READ))
		r = -EBADF;
	else if (!buf && n)
		r = -EFAULT;
	else if (S_ISDIR(f->inode->mode))
		r = -EISDIR;
	else if (!f->fop->read)
		r = -EINVAL;
	else if (file_seekable(f)) {
		mutex_lock(&f->pos_lock);
		off_t pos = f->pos;
		r = f->fop->read(f, buf, n, &pos);
		f->pos = pos;
		mutex_unlock(&f->pos_lock);
	} else {
		off_t pos = 0;
		r = f->fop->read(f, buf, n, &pos);
	}
	fput(f);
	return r;
}

ssize_t sys_write(int fd, const void *buf, size_t n)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	ssize_t r;
	if (!(f->mode & FMODE_WRITE))
		r = -EBADF;
	else if (!buf && n)
		r = -EFAULT;
	else if (!f->fop->write)
		r = -EINVAL;
	else if (file_seekable(f)) {
		mutex_lock(&f->pos_lock);
		off_t pos = f->pos;
		r = f->fop->write(f, buf, n, &pos);
		f->pos = pos;
		mutex_unlock(&f->pos_lock);
	} else {
		off_t pos = 0;
		r = f->fop->write(f, buf, n, &pos);
	}
	fput(f);
	return r;
}

static off_t generic_llseek(struct file *f, off_t off, int whence)
{
	off_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = (off_t)f->inode->size; break;
	default: return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

off_t sys_lseek(int fd, off_t off, int whence)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	mutex_lock(&f->pos_lock);
	off_t r = f->fop->llseek ? f->fop->llseek(f, off, whence)
				 : generic_llseek(f, off, whence);
	mutex_unlock(&f->pos_lock);
	fput(f);
	return r;
}

// getdents fills a kernel buffer first: iterate callbacks may then run
// under spinlocks (dcache_readdir does), and the caller's buffer is
// written only once the listing is done.
struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t len, used;
	bool refused; // a record did not fit
};

static bool getdents_emit(struct dir_context *dc, const char *name, size_t len, u64 ino,
			  unsigned type)
{
	struct getdents_ctx *g = container_of(dc, struct getdents_ctx, ctx);
	size_t reclen = ALIGN_UP(offsetof(struct kdirent, d_name) + len + 1, 8);
	if (g->used + reclen > g->len) {
		g->refused = true;
		return false;
	}
	struct kdirent *de = (struct kdirent *)(g->buf + g->used);
	de->d_ino = ino;
	de->d_reclen = (u16)reclen;
	de->d_type = (u8)type;
	memcpy(de->d_name, name, len);
	memset(de->d_name + len, 0, reclen - offsetof(struct kdirent, d_name) - len);
	g->used += reclen;
	return true;
}

#define GETDENTS_MAX 32768 // bytes listed per call at most

ssize_t sys_getdents(int fd, void *buf, size_t len)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	ssize_t r = 0;
	struct getdents_ctx g = {.ctx = {.emit = getdents_emit}, .len = MIN(len, GETDENTS_MAX)};
	if (!S_ISDIR(f->inode->mode) || !f->fop->iterate)
		r = -ENOTDIR;
	else if (!buf)
		r = -EFAULT;
	else if (!(g.buf = kmalloc(g.len ? g.len : 1, GFP_KERNEL)))
		r = -ENOMEM;
	if (r) {
		fput(f);
		return r;
	}
	mutex_lock(&f->pos_lock);
	g.ctx.pos = f->pos;
	r = f->fop->iterate(f, &g.ctx);
	f->pos = g.ctx.pos;
	mutex_unlock(&f->pos_lock);
	if (r == 0 && g.used == 0 && g.refused)
		r = -EINVAL; // not even one record fits
	else if (r == 0) {
		memcpy(buf, g.buf, g.used);
		r = (ssize_t)g.used;
	}
	kfree(g.buf);
	fput(f);
	return r;
}

int sys_ioctl(int fd, unsigned long req, long arg)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int r = f->fop->ioctl ? f->fop->ioctl(f, req, arg) : -ENOTTY;
	fput(f);
	return r;
}
