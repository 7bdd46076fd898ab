// Pipes: a one-page ring buffer between a read end and a write end.
//
// sys_pipe makes an inode (no name, no superblock) holding a struct pipe
// and two files on it. Readers sleep on rwait while the pipe is empty and
// writers exist; writers sleep on wwait while it is full and readers
// exist. A write of at most PIPE_BUF bytes is atomic: it waits until the
// whole of it fits, so it is never interleaved with another writer's.
// Reading with no writers left gives EOF (0); writing with no readers
// left gives -EPIPE. Sleeps are interruptible: a killed task gets -EINTR
// (or the count moved so far).
//
// p->lock (a mutex: copies may touch app memory) guards the ring and the
// reader/writer counts. The pipe is freed with its inode, when both files
// are gone.
#include "fs/internal.h"
#include "kernel/containers/bc.h"
#include "kernel/wait.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

#define PIPE_SIZE PAGE_SIZE
#define PIPE_BUF PAGE_SIZE // atomic write size

struct pipe {
	struct mutex lock;
	char *buf;
	size_t head;    // index of the first unread byte
	size_t len;     // unread bytes
	int readers, writers;
	struct wait_queue rwait, wwait;
};

static atomic_t nr_pipes;

// Copy n bytes out of / into the ring at index at, wrapping once.
static void ring_copy_out(const struct pipe *p, size_t at, char *dst, size_t n)
{
	size_t first = MIN(n, PIPE_SIZE - at);
	memcpy(dst, p->buf + at, first);
	memcpy(dst + first, p->buf, n - first);
}

static void ring_copy_in(struct pipe *p, size_t at, const char *src, size_t n)
{
	size_t first = MIN(n, PIPE_SIZE - at);
	memcpy(p->buf + at, src, first);
	memcpy(p->buf, src + first, n - first);
}

long pipes_count(void) { return atomic_read(&nr_pipes); }

static int pipe_open(struct inode *inode, struct file *f)
{
	struct pipe *p = inode->private;
	mutex_lock(&p->lock);
	if (f->mode & FMODE_READ)
		p->readers++;
	if (f->mode & FMODE_WRITE)
		p->writers++;
	mutex_unlock(&p->lock);
	return 0;
}

static void pipe_release(struct inode *inode, struct file *f)
{
	struct pipe *p = inode->private;
	mutex_lock(&p->lock);
	if (f->mode & FMODE_READ)
		p->readers--;
	if (f->mode & FMODE_WRITE)
		p->writers--;
	mutex_unlock(&p->lock);
	wake_up(&p->rwait); // EOF for readers
	wake_up(&p->wwait); // EPIPE for writers
}

static ssize_t pipe_read(struct file *f, char *buf, size_t n, off_t *pos)
{
	(void)pos;
	struct pipe *p = f->inode->private;
	if (n == 0)
		return 0;
	for (;;) {
		mutex_lock(&p->lock);
		if (p->len > 0) {
			size_t k = MIN(n, p->len);
			ring_copy_out(p, p->head, buf, k);
			p->head = (p->head + k) % PIPE_SIZE;
			p->len -= k;
			mutex_unlock(&p->lock);
			wake_up(&p->wwait);
			return (ssize_t)k;
		}
		bool eof = p->writers == 0;
		mutex_unlock(&p->lock);
		if (eof)
			return 0;
		if (wait_event_interruptible(&p->rwait,
					     READ_ONCE(p->len) > 0 || READ_ONCE(p->writers) == 0))
			return -EINTR;
	}
}

static ssize_t pipe_write(struct file *f, const char *buf, size_t n, off_t *pos)
{
	(void)pos;
	struct pipe *p = f->inode->private;
	size_t done = 0;
	while (done < n) {
		// Room needed before copying: all of a small write, else a byte.
		size_t need = (done == 0 && n <= PIPE_BUF) ? n : 1;
		mutex_lock(&p->lock);
		if (p->readers == 0) {
			mutex_unlock(&p->lock);
			return done ? (ssize_t)done : -EPIPE;
		}
		size_t space = PIPE_SIZE - p->len;
		if (space >= need) {
			size_t k = MIN(space, n - done);
			ring_copy_in(p, (p->head + p->len) % PIPE_SIZE, buf + done, k);
			p->len += k;
			done += k;
			mutex_unlock(&p->lock);
			wake_up(&p->rwait);
			continue;
		}
		mutex_unlock(&p->lock);
		if (wait_event_interruptible(&p->wwait, PIPE_SIZE - READ_ONCE(p->len) >= need ||
								 READ_ONCE(p->readers) == 0))
			return done ? (ssize_t)done : -EINTR;
	}
	return (ssize_t)done;
}

static void pipe_evict(struct inode *inode)
{
	struct pipe *p = inode->private;
	bc_uncharge_pages(p->buf, 0); // to the maker's container
	free_page(p->buf);
	kfree(p);
	atomic_dec(&nr_pipes);
}

static const struct inode_operations pipe_iops = {.evict = pipe_evict};

const struct file_operations pipe_read_fops = {
	.open = pipe_open,
	.release = pipe_release,
	.read = pipe_read,
	.llseek = noseek_llseek,
};

const struct file_operations pipe_write_fops = {
	.open = pipe_open,
	.release = pipe_release,
	.write = pipe_write,
	.llseek = noseek_llseek,
};

static struct inode *pipe_inode_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p), GFP_KERNEL);
	char *buf = alloc_page(GFP_KERNEL);
	if (buf && bc_charge_pages(buf, 0) < 0) { // past the maker's bc barrier
		free_page(buf);
		buf = NULL;
	}
	struct inode *inode = (p && buf) ? inode_new(NULL, S_IFIFO | 0600) : NULL;
	if (!inode) {
		if (buf) {
			bc_uncharge_pages(buf, 0);
			free_page(buf);
		}
		kfree(p);
		return NULL;
	}
	mutex_init(&p->lock, "pipe");
	wait_queue_init(&p->rwait, "pipe.read");
	wait_queue_init(&p->wwait, "pipe.write");
	p->buf = buf;
	inode->private = p;
	inode->iop = &pipe_iops;
	atomic_inc(&nr_pipes);
	return inode;
}

int sys_pipe(int fds[2])
{
	if (!fds)
		return -EFAULT;
	struct inode *inode = pipe_inode_new();
	if (!inode)
		return -ENOMEM;
	int err;
	struct file *r = file_alloc(NULL, inode, O_RDONLY, &pipe_read_fops, &err);
	struct file *w = r ? file_alloc(NULL, inode, O_WRONLY, &pipe_write_fops, &err) : NULL;
	iput(inode); // the files hold it now
	if (!w) {
		if (r)
			fput(r);
		return err;
	}
	int rfd = fd_install(r);
	if (rfd < 0) {
		fput(r);
		fput(w);
		return rfd;
	}
	int wfd = fd_install(w);
	if (wfd < 0) {
		sys_close(rfd);
		fput(w);
		return wfd;
	}
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}
