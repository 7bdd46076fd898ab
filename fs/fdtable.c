// Per-task descriptor tables, their limit, and working directories.
//
// task->fs_ctx points to the task's struct fs_context: an array of
// max_fds file pointers (each slot holds a reference), the task's
// RLIMIT_NOFILE and the cwd (a referenced path). The array starts with
// FD_TABLE_MIN slots and doubles when an fd below the limit needs a slot
// past its end (Linux's expand_files), so ten thousand sleeping tasks do
// not each hold a 1024-slot table. Code running without a task, or in a
// task that has no context (idle tasks, early boot, tests before tasks
// exist), uses the kernel's own context, whose fds 0-2 are the console
// once devfs is up. A spawned task gets a new table sharing its parent's
// fds 0-2, its parent's cwd and limits (fs_task_fork); fs_task_exit
// closes everything.
//
// Locking: ctx->lock (a spinlock) guards every field of a context; the
// array is allocated and freed outside it and swapped in under it.
#include "fs/devfs/devfs.h"
#include "fs/internal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/slab.h"

#define FD_TABLE_MIN 64

static struct fs_context kernel_fs_ctx;

static void fs_ctx_setup(struct fs_context *ctx, struct file **fd, int slots)
{
	ctx->fd = fd;
	ctx->max_fds = slots;
	ctx->nofile_cur = FD_MAX_DEFAULT;
	ctx->nofile_max = FD_MAX_CEILING;
}

static struct fs_context *fs_ctx_alloc(void)
{
	struct fs_context *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	struct file **fd = kzalloc(FD_TABLE_MIN * sizeof(struct file *), GFP_KERNEL);
	if (!ctx || !fd) {
		kfree(ctx);
		kfree(fd);
		return NULL;
	}
	fs_ctx_setup(ctx, fd, FD_TABLE_MIN);
	spin_lock_init(&ctx->lock, "fs_ctx");
	return ctx;
}

void fs_ctx_init_kernel(void)
{
	struct file **fd = kzalloc(FD_TABLE_MIN * sizeof(struct file *), GFP_KERNEL);
	if (!fd)
		panic("fs: no memory for the kernel's fd table");
	fs_ctx_setup(&kernel_fs_ctx, fd, FD_TABLE_MIN);
	spin_lock_init(&kernel_fs_ctx.lock, "fs_ctx.kernel");
	root_path(&kernel_fs_ctx.cwd);
}

// Make room in ctx->fd for fd `want`, which is below the limit: the table
// doubles (enough times) unless another caller grew it meanwhile.
// ctx->lock not held (the allocation may sleep). 0 or -ENOMEM.
static int fd_table_grow(struct fs_context *ctx, int want)
{
	int slots = FD_TABLE_MIN;
	while (slots <= want)
		slots *= 2;
	struct file **fd = kzalloc(slots * sizeof(struct file *), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	spin_lock(&ctx->lock);
	struct file **old = NULL;
	if (ctx->max_fds < slots) {
		memcpy(fd, ctx->fd, ctx->max_fds * sizeof(struct file *));
		old = ctx->fd;
		ctx->fd = fd;
		ctx->max_fds = slots;
		fd = NULL;
	}
	spin_unlock(&ctx->lock);
	kfree(old);
	kfree(fd);
	return 0;
}

// The number of fds the soft limit allows (a lowered limit leaves the
// fds above it open, as Linux does, but gives no new ones).
static int fd_limit(struct fs_context *ctx)
{
	assert_held(&ctx->lock);
	return ctx->nofile_cur < FD_MAX_CEILING ? (int)ctx->nofile_cur : FD_MAX_CEILING;
}

struct fs_context *fs_ctx_current(void)
{
	struct task *t = current;
	if (t && t->fs_ctx)
		return t->fs_ctx;
	return &kernel_fs_ctx;
}

struct file *fget(int fd)
{
	struct fs_context *ctx = fs_ctx_current();
	struct file *f = NULL;
	if (fd < 0)
		return NULL;
	spin_lock(&ctx->lock);
	if (fd < ctx->max_fds && ctx->fd[fd])
		f = file_get(ctx->fd[fd]);
	spin_unlock(&ctx->lock);
	return f;
}

int fd_install(struct file *f)
{
	struct fs_context *ctx = fs_ctx_current();
	for (;;) {
		spin_lock(&ctx->lock);
		int limit = fd_limit(ctx), fd;
		int end = ctx->max_fds < limit ? ctx->max_fds : limit;
		for (fd = 0; fd < end && ctx->fd[fd]; fd++)
			;
		if (fd < end)
			ctx->fd[fd] = f;
		spin_unlock(&ctx->lock);
		if (fd < end)
			return fd;
		if (fd >= limit)
			return -EMFILE;
		int err = fd_table_grow(ctx, fd);
		if (err)
			return err;
	}
}

int sys_close(int fd)
{
	struct fs_context *ctx = fs_ctx_current();
	struct file *f = NULL;
	if (fd < 0)
		return -EBADF;
	spin_lock(&ctx->lock);
	if (fd < ctx->max_fds) {
		f = ctx->fd[fd];
		ctx->fd[fd] = NULL;
	}
	spin_unlock(&ctx->lock);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

int sys_dup(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int nfd = fd_install(f);
	if (nfd < 0)
		fput(f);
	return nfd;
}

// newfd at or past the soft limit is EBADF, as Linux's dup2.
int sys_dup2(int fd, int newfd)
{
	struct fs_context *ctx = fs_ctx_current();
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (newfd == fd) { // changes nothing
		fput(f);
		return newfd;
	}
	for (;;) {
		spin_lock(&ctx->lock);
		if (newfd < 0 || newfd >= fd_limit(ctx)) {
			spin_unlock(&ctx->lock);
			fput(f);
			return -EBADF;
		}
		if (newfd < ctx->max_fds)
			break; // with ctx->lock held
		spin_unlock(&ctx->lock);
		int err = fd_table_grow(ctx, newfd);
		if (err) {
			fput(f);
			return err;
		}
	}
	struct file *old = ctx->fd[newfd];
	ctx->fd[newfd] = f;
	spin_unlock(&ctx->lock);
	if (old)
		fput(old);
	return newfd;
}

int sys_getrlimit(int resource, unsigned long lim[2])
{
	if (resource != RLIMIT_NOFILE)
		return -EINVAL;
	struct fs_context *ctx = fs_ctx_current();
	spin_lock(&ctx->lock);
	lim[0] = ctx->nofile_cur;
	lim[1] = ctx->nofile_max;
	spin_unlock(&ctx->lock);
	return 0;
}

// As Linux for a privileged caller: soft above hard is EINVAL, a hard
// limit above the ceiling (fs.nr_open) EPERM; lowering leaves the fds
// already open in place.
int sys_setrlimit(int resource, const unsigned long lim[2])
{
	if (resource != RLIMIT_NOFILE)
		return -EINVAL;
	if (lim[0] > lim[1])
		return -EINVAL;
	if (lim[1] > FD_MAX_CEILING)
		return -EPERM;
	struct fs_context *ctx = fs_ctx_current();
	spin_lock(&ctx->lock);
	ctx->nofile_cur = lim[0];
	ctx->nofile_max = lim[1];
	spin_unlock(&ctx->lock);
	return 0;
}

// The cwd of the current task, referenced. A task made before fs_init
// has none: it works from the root.
void cwd_path(struct path *out)
{
	struct fs_context *ctx = fs_ctx_current();
	spin_lock(&ctx->lock);
	*out = ctx->cwd;
	if (out->dentry)
		path_get(out);
	spin_unlock(&ctx->lock);
	if (!out->dentry)
		root_path(out);
}

// Replace the cwd with p (taking over the caller's reference).
void set_cwd(struct path *p)
{
	struct fs_context *ctx = fs_ctx_current();
	spin_lock(&ctx->lock);
	struct path old = ctx->cwd;
	ctx->cwd = *p;
	spin_unlock(&ctx->lock);
	if (old.dentry)
		path_put(&old);
}

int fs_task_fork(struct task *child, struct task *parent)
{
	struct fs_context *pctx =
		parent && parent->fs_ctx ? parent->fs_ctx : &kernel_fs_ctx;
	struct fs_context *ctx = fs_ctx_alloc();
	if (!ctx)
		return -ENOMEM;
	spin_lock(&pctx->lock);
	for (int fd = 0; fd < 3 && fd < pctx->max_fds; fd++)
		if (pctx->fd[fd])
			ctx->fd[fd] = file_get(pctx->fd[fd]);
	ctx->nofile_cur = pctx->nofile_cur;
	ctx->nofile_max = pctx->nofile_max;
	ctx->cwd = pctx->cwd;
	if (ctx->cwd.dentry)
		path_get(&ctx->cwd);
	spin_unlock(&pctx->lock);
	child->fs_ctx = ctx;
	return 0;
}

void fs_task_exit(struct task *t)
{
	console_task_exit(t);
	struct fs_context *ctx = t->fs_ctx;
	if (!ctx)
		return;
	t->fs_ctx = NULL;
	for (int fd = 0; fd < ctx->max_fds; fd++)
		if (ctx->fd[fd])
			fput(ctx->fd[fd]);
	if (ctx->cwd.dentry)
		path_put(&ctx->cwd);
	kfree(ctx->fd);
	kfree(ctx);
}
