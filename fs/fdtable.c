// Per-task descriptor tables and working directories.
//
// task->fs_ctx points to the task's struct fs_context: an array of
// max_fds file pointers (each slot holds a reference) and the cwd (a
// referenced path). Code running without a task, or in a task that has no
// context (idle tasks, early boot, tests before tasks exist), uses the
// kernel's own context, whose fds 0-2 are the console once devfs is up.
// A spawned task gets a new table sharing its parent's fds 0-2 and its
// parent's cwd (fs_task_fork); fs_task_exit closes everything.
#include "fs/internal.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct fs_context kernel_fs_ctx;

static struct fs_context *fs_ctx_alloc(int max_fds)
{
	struct fs_context *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	ctx->fd = kzalloc(max_fds * sizeof(struct file *), GFP_KERNEL);
	if (!ctx->fd) {
		kfree(ctx);
		return NULL;
	}
	ctx->max_fds = max_fds;
	spin_lock_init(&ctx->lock, "fs_ctx");
	return ctx;
}

void fs_ctx_init_kernel(void)
{
	static struct file *kernel_fds[FD_MAX_DEFAULT];
	kernel_fs_ctx.fd = kernel_fds;
	kernel_fs_ctx.max_fds = FD_MAX_DEFAULT;
	spin_lock_init(&kernel_fs_ctx.lock, "fs_ctx.kernel");
	root_path(&kernel_fs_ctx.cwd);
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
	if (fd < 0 || fd >= ctx->max_fds)
		return NULL;
	spin_lock(&ctx->lock);
	if (ctx->fd[fd])
		f = file_get(ctx->fd[fd]);
	spin_unlock(&ctx->lock);
	return f;
}

int fd_install(struct file *f)
{
	struct fs_context *ctx = fs_ctx_current();
	int fd;
	spin_lock(&ctx->lock);
	for (fd = 0; fd < ctx->max_fds; fd++) {
		if (!ctx->fd[fd]) {
			ctx->fd[fd] = f;
			break;
		}
	}
	spin_unlock(&ctx->lock);
	return fd < ctx->max_fds ? fd : -EMFILE;
}

int sys_close(int fd)
{
	struct fs_context *ctx = fs_ctx_current();
	struct file *f = NULL;
	if (fd < 0 || fd >= ctx->max_fds)
		return -EBADF;
	spin_lock(&ctx->lock);
	f = ctx->fd[fd];
	ctx->fd[fd] = NULL;
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

int sys_dup2(int fd, int newfd)
{
	struct fs_context *ctx = fs_ctx_current();
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= ctx->max_fds) {
		fput(f);
		return -EBADF;
	}
	if (newfd == fd) {
		fput(f);
		return newfd;
	}
	spin_lock(&ctx->lock);
	struct file *old = ctx->fd[newfd];
	ctx->fd[newfd] = f;
	spin_unlock(&ctx->lock);
	if (old)
		fput(old);
	return newfd;
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
	struct fs_context *ctx = fs_ctx_alloc(FD_MAX_DEFAULT);
	if (!ctx)
		return -ENOMEM;
	spin_lock(&pctx->lock);
	for (int fd = 0; fd < 3 && fd < pctx->max_fds; fd++)
		if (pctx->fd[fd])
			ctx->fd[fd] = file_get(pctx->fd[fd]);
	ctx->cwd = pctx->cwd;
	if (ctx->cwd.dentry)
		path_get(&ctx->cwd);
	spin_unlock(&pctx->lock);
	child->fs_ctx = ctx;
	return 0;
}

void fs_task_exit(struct task *t)
{
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
