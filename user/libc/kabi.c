// The kernel side of user/libc's boundary (see kabi.h): the kernel's
// values for the translation tables, the calls whose types newlib cannot
// see, and the per-task hooks -- __getreent() and the task's heap.
#include "user/libc/kabi.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/task_heap.h"

#define KABI_VALUE_(name) name,
const int kabi_kernel_errno[KABI_NR_ERRNO] = {KABI_ERRNO_NAMES(KABI_VALUE_)};
const int kabi_kernel_open_flag[KABI_NR_OPEN_FLAGS] = {KABI_OPEN_FLAG_NAMES(KABI_VALUE_)};

_Static_assert(KABI_CONSOLE_SET_RAW == CONSOLE_SET_RAW, "console ioctl");
_Static_assert(KABI_CONSOLE_SET_FG == CONSOLE_SET_FG, "console ioctl");
_Static_assert(KABI_CONSOLE_SET_FG_NOSTOP == CONSOLE_SET_FG_NOSTOP, "console ioctl");
_Static_assert(KABI_CONSOLE_NREAD == CONSOLE_NREAD, "console ioctl");
_Static_assert(KABI_CONSOLE_INTR_COUNT == CONSOLE_INTR_COUNT, "console ioctl");
_Static_assert(sizeof(struct kabi_utsname) == sizeof(struct kutsname), "utsname");
_Static_assert(KABI_SIG_ACTION_DEFAULT == SIG_ACTION_DEFAULT &&
		       KABI_SIG_ACTION_IGNORE == SIG_ACTION_IGNORE &&
		       KABI_SIG_ACTION_CATCH == SIG_ACTION_CATCH,
	       "signal actions");
_Static_assert(KABI_SIG_BLOCK == SIG_BLOCK && KABI_SIG_UNBLOCK == SIG_UNBLOCK &&
		       KABI_SIG_SETMASK == SIG_SETMASK,
	       "sigprocmask");

// ---- Per-task state ----

// newlib's `struct _reent *const _global_impure_ptr` (libc/reent/impure.c).
extern void *const _global_impure_ptr;

// With __DYNAMIC_REENT__ every use of errno, stdin/stdout/stderr and the
// other per-thread state of newlib goes through _REENT = __getreent():
// the running task's own struct _reent (user/libc/start.c). Only code that
// is not an app task (none should call newlib) gets the global one.
void *__getreent(void); // newlib calls it; declared in its sys/reent.h
void *__getreent(void)
{
	struct task *t = current;
	return t && t->libc_reent ? t->libc_reent : _global_impure_ptr;
}

void kabi_set_reent(void *reent) { current->libc_reent = reent; }

static struct task_heap *current_heap(void)
{
	struct task *t = current;
	return t ? t->heap : NULL;
}

void *kabi_heap_alloc(size_t size, size_t align)
{
	struct task_heap *h = current_heap();
	return h ? heap_alloc(h, size, align) : NULL;
}

void kabi_heap_free(void *p)
{
	struct task_heap *h = current_heap();
	if (h)
		heap_free(h, p);
}

void kabi_heap_set_stack(void *base, size_t size)
{
	struct task_heap *h = current_heap();
	if (h)
		heap_set_stack(h, base, size);
}

void kabi_heap_settle(void) { heap_settle_stack(current_heap()); }

void *kabi_heap_realloc(void *p, size_t size)
{
	struct task_heap *h = current_heap();
	return h ? heap_realloc(h, p, size) : NULL;
}

size_t kabi_heap_usable_size(void *p)
{
	struct task_heap *h = current_heap();
	return h ? heap_usable_size(h, p) : 0;
}

// ---- Calls with kernel types ----

static void kabi_copy_stat(struct kabi_stat *out, const struct kstat *st)
{
	out->ino = st->st_ino;
	out->size = st->st_size;
	out->blocks = st->st_blocks;
	out->mtime_ns = st->st_mtime_ns;
	out->mode = st->st_mode;
	out->nlink = st->st_nlink;
	out->dev = st->st_dev;
	out->rdev = st->st_rdev;
}

int kabi_stat(const char *path, struct kabi_stat *out)
{
	struct kstat st;
	int ret = sys_stat(path, &st);
	if (ret >= 0)
		kabi_copy_stat(out, &st);
	return ret;
}

int kabi_fstat(int fd, struct kabi_stat *out)
{
	struct kstat st;
	int ret = sys_fstat(fd, &st);
	if (ret >= 0)
		kabi_copy_stat(out, &st);
	return ret;
}

int kabi_uname(struct kabi_utsname *u)
{
	struct kutsname k;
	int ret = sys_uname(&k);
	if (ret < 0)
		return ret;
	memcpy(u->sysname, k.sysname, KABI_UTS_LEN);
	memcpy(u->nodename, k.nodename, KABI_UTS_LEN);
	memcpy(u->release, k.release, KABI_UTS_LEN);
	memcpy(u->version, k.version, KABI_UTS_LEN);
	memcpy(u->machine, k.machine, KABI_UTS_LEN);
	return 0;
}

_Static_assert(NR_CPUS <= 64, "affinity masks are 64 bits");

int kabi_sched_setaffinity(int pid, unsigned long long mask)
{
	cpumask_t m = CPU_MASK_NONE;
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		if (mask & (1ULL << cpu))
			cpumask_set_cpu(cpu, &m);
	return sys_sched_setaffinity(pid, &m);
}

int kabi_sched_getaffinity(int pid, unsigned long long *mask)
{
	cpumask_t m;
	int ret = sys_sched_getaffinity(pid, &m);
	if (ret < 0)
		return ret;
	*mask = 0;
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpumask_test_cpu(cpu, &m))
			*mask |= 1ULL << cpu;
	return 0;
}

_Static_assert(MAX_NUMNODES <= 64, "node masks are 64 bits");

int kabi_set_mempolicy(int mode, unsigned long long nodes)
{
	nodemask_t m = NODE_MASK_NONE;
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (nodes & (1ULL << nid))
			node_set(nid, &m);
	return sys_set_mempolicy(mode, &m);
}

int kabi_get_mempolicy(int *mode, unsigned long long *nodes)
{
	nodemask_t m;
	int ret = sys_get_mempolicy(mode, &m);
	if (ret < 0)
		return ret;
	*nodes = 0;
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (node_isset(nid, &m))
			*nodes |= 1ULL << nid;
	return 0;
}

int kabi_dirent_next(const void *buf, size_t len, size_t *pos, struct kabi_dirent *out)
{
	size_t at = *pos, head = offsetof(struct kdirent, d_name);
	if (at + head >= len)
		return 0;
	const struct kdirent *d = (const struct kdirent *)((const char *)buf + at);
	if (d->d_reclen <= head || at + d->d_reclen > len)
		return 0; // malformed: stop rather than run off the buffer
	out->ino = d->d_ino;
	out->type = d->d_type;
	out->name = d->d_name;
	*pos = at + d->d_reclen;
	return 1;
}
