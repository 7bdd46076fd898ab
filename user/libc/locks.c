// newlib's locks, backed by kernel mutexes (kernel side of user/libc).
//
// newlib is built with --enable-newlib-retargetable-locking: it calls the
// nine __retarget_lock_* functions on locks it names through _LOCK_T, a
// pointer to `struct __lock`, which is ours to define. The static locks
// (__lock___sfp_recursive_mutex, ...) guard newlib's global state; the
// dynamic ones (one per FILE) are created with __retarget_lock_init*.
// All of them must be defined here together, or the link finds newlib's
// single-threaded dummies as duplicates.
//
// A recursive lock is a mutex plus a depth: the owner (mutex_owned) may
// take it again. If a task is killed holding one, the kernel releases the
// mutex (mutex_release_all) and the next owner resets the depth.
//
// Dynamic locks of an app come from its own heap, so the locks of FILEs a
// killed app never closed go away with the heap.
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/task.h"
#include "mm/slab.h"
#include "mm/task_heap.h"

struct __lock {
	struct mutex mutex;
	int depth;    // recursive locks: acquisitions by the owner (owner only)
	bool on_heap; // allocated from the creating task's heap, else kmalloc
};
typedef struct __lock *_LOCK_T;

#define STATIC_LOCK(name)                                                    \
	struct __lock name = {MUTEX_INIT(name.mutex, #name), 0, false}

STATIC_LOCK(__lock___sinit_recursive_mutex);
STATIC_LOCK(__lock___sfp_recursive_mutex);
STATIC_LOCK(__lock___atexit_recursive_mutex);
STATIC_LOCK(__lock___at_quick_exit_mutex);
STATIC_LOCK(__lock___malloc_recursive_mutex);
STATIC_LOCK(__lock___env_recursive_mutex);
STATIC_LOCK(__lock___tz_mutex);
STATIC_LOCK(__lock___dd_hash_mutex);
STATIC_LOCK(__lock___arc4random_mutex);

void __retarget_lock_init(_LOCK_T *lock);
void __retarget_lock_init_recursive(_LOCK_T *lock);
void __retarget_lock_close(_LOCK_T lock);
void __retarget_lock_close_recursive(_LOCK_T lock);
void __retarget_lock_acquire(_LOCK_T lock);
void __retarget_lock_acquire_recursive(_LOCK_T lock);
int __retarget_lock_try_acquire(_LOCK_T lock);
int __retarget_lock_try_acquire_recursive(_LOCK_T lock);
void __retarget_lock_release(_LOCK_T lock);
void __retarget_lock_release_recursive(_LOCK_T lock);

// newlib cannot handle a failed init: a NULL lock is then simply never
// taken (the dynamic locks guard one task's own FILEs).
void __retarget_lock_init(_LOCK_T *lock)
{
	struct task *t = current;
	struct __lock *l;
	if (t && t->heap) {
		l = heap_alloc(t->heap, sizeof(*l), 16);
		if (l)
			l->on_heap = true;
	} else {
		l = kmalloc(sizeof(*l), GFP_KERNEL);
		if (l)
			l->on_heap = false;
	}
	if (l) {
		mutex_init(&l->mutex, "newlib");
		l->depth = 0;
	}
	*lock = l;
}

void __retarget_lock_init_recursive(_LOCK_T *lock) { __retarget_lock_init(lock); }

void __retarget_lock_close(_LOCK_T lock)
{
	if (!lock)
		return;
	if (!lock->on_heap)
		kfree(lock);
	else if (current->heap)
		heap_free(current->heap, lock); // reports a lock of another heap
}

void __retarget_lock_close_recursive(_LOCK_T lock) { __retarget_lock_close(lock); }

void __retarget_lock_acquire(_LOCK_T lock)
{
	if (lock)
		mutex_lock(&lock->mutex);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	if (!lock)
		return 0;
	return mutex_trylock(&lock->mutex) ? 0 : EBUSY;
}

void __retarget_lock_release(_LOCK_T lock)
{
	if (lock)
		mutex_unlock(&lock->mutex);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	if (!lock)
		return;
	if (mutex_owned(&lock->mutex)) {
		lock->depth++;
		return;
	}
	mutex_lock(&lock->mutex);
	lock->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	if (!lock)
		return 0;
	if (mutex_owned(&lock->mutex)) {
		lock->depth++;
		return 0;
	}
	if (!mutex_trylock(&lock->mutex))
		return EBUSY;
	lock->depth = 1;
	return 0;
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	if (!lock)
		return;
	if (--lock->depth == 0)
		mutex_unlock(&lock->mutex);
}
