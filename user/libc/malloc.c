// malloc and friends on the task's own heap (newlib side of user/libc).
//
// newlib's allocator (mallocr.c) keeps one global arena grown with sbrk,
// which cannot serve several tasks with separate, freeable heaps. Every
// entry point is replaced here -- the app-facing names and the reentrant
// _malloc_r family newlib's own code calls -- and all of them go to the
// current task's heap (mm/task_heap.c) through kabi.c. Whatever a task
// allocated is freed when it exits, with the heap. If any object of
// newlib's allocator still got linked in, the duplicate symbols would
// stop the link.
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "user/libc/libc.h"

#define PAGE_SIZE 4096

int posix_memalign(void **out, size_t align, size_t size);
void *_valloc_r(struct _reent *r, size_t size);
void *_pvalloc_r(struct _reent *r, size_t size);
int _malloc_trim_r(struct _reent *r, size_t pad);

static void *heap_alloc_or_enomem(struct _reent *r, size_t size, size_t align)
{
	void *p = kabi_heap_alloc(size, align);
	if (!p)
		r->_errno = ENOMEM;
	return p;
}

// ---- The reentrant family (newlib's internal callers) ----

void *_malloc_r(struct _reent *r, size_t size) { return heap_alloc_or_enomem(r, size, 16); }

void _free_r(struct _reent *r, void *p)
{
	(void)r;
	kabi_heap_free(p);
}

void *_calloc_r(struct _reent *r, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		r->_errno = ENOMEM;
		return NULL;
	}
	void *p = _malloc_r(r, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *_realloc_r(struct _reent *r, void *p, size_t size)
{
	void *q = kabi_heap_realloc(p, size);
	if (!q && size)
		r->_errno = ENOMEM;
	return q;
}

void *_memalign_r(struct _reent *r, size_t align, size_t size)
{
	if (align & (align - 1)) {
		r->_errno = EINVAL;
		return NULL;
	}
	return heap_alloc_or_enomem(r, size, align);
}

void *_valloc_r(struct _reent *r, size_t size) { return _memalign_r(r, PAGE_SIZE, size); }

void *_pvalloc_r(struct _reent *r, size_t size)
{
	return _memalign_r(r, PAGE_SIZE, (size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1));
}

size_t _malloc_usable_size_r(struct _reent *r, void *p)
{
	(void)r;
	return kabi_heap_usable_size(p);
}

// Freed page runs go back to the system at once: nothing to trim.
int _malloc_trim_r(struct _reent *r, size_t pad)
{
	(void)r;
	(void)pad;
	return 0;
}

// ---- What apps call ----

void *malloc(size_t size) { return _malloc_r(_REENT, size); }
void free(void *p) { _free_r(_REENT, p); }
void *calloc(size_t n, size_t size) { return _calloc_r(_REENT, n, size); }
void *realloc(void *p, size_t size) { return _realloc_r(_REENT, p, size); }
void *memalign(size_t align, size_t size) { return _memalign_r(_REENT, align, size); }
void *valloc(size_t size) { return _valloc_r(_REENT, size); }
void *pvalloc(size_t size) { return _pvalloc_r(_REENT, size); }
size_t malloc_usable_size(void *p) { return _malloc_usable_size_r(_REENT, p); }

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = kabi_heap_alloc(size, align);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

// newlib's statistics calls belong to its own allocator: here they report
// nothing (the heap's figures are in /proc/<pid>/status).
struct mallinfo mallinfo(void) { return (struct mallinfo){0}; }
void malloc_stats(void) {}
int mallopt(int param, int value)
{
	(void)param;
	(void)value;
	return 0;
}
int malloc_trim(size_t pad) { return _malloc_trim_r(_REENT, pad); }
