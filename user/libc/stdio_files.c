// Where stdio's FILEs live: in the task's own struct _reent (newlib side
// of user/libc). Replaces newlib's findfp.c and fwalk.c.
//
// newlib (3.3) hands out every fopen()ed FILE from a list hung off the
// *global* reent, in memory from the opener's malloc, and fflush(NULL),
// exit() and the "flush line-buffered output before reading" rule walk
// only that global list. With per-task heaps that would leave other tasks
// pointing into a dead task's heap, and an app's own stdout would never be
// flushed before it reads stdin. So here each task's FILEs hang off its own
// reent (stdin/stdout/stderr first, in reent->__sf[]), and a walk of "all
// files" (_fwalk on _GLOBAL_REENT) means all files of the calling task.
//
// Adapted from newlib's libc/stdio/findfp.c and fwalk.c:
// Copyright (c) 1990 The Regents of the University of California.
// All rights reserved. Redistribution and use in source and binary forms
// are permitted provided that the above copyright notice and this
// paragraph are duplicated in all such forms and that any documentation,
// advertising materials, and other materials related to such distribution
// and use acknowledge that the software was developed by the University of
// California, Berkeley. The name of the University may not be used to
// endorse or promote products derived from this software without specific
// prior written permission. THIS SOFTWARE IS PROVIDED ``AS IS'' AND
// WITHOUT ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, WITHOUT
// LIMITATION, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
// PARTICULAR PURPOSE.
#include <errno.h>
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/lock.h>

#include "user/libc/libc.h"

// newlib's internal stdio interface (libc/stdio/local.h, not installed).
_READ_WRITE_RETURN_TYPE __sread(struct _reent *, void *, char *, _READ_WRITE_BUFSIZE_TYPE);
_READ_WRITE_RETURN_TYPE __swrite(struct _reent *, void *, const char *,
				 _READ_WRITE_BUFSIZE_TYPE);
_fpos_t __sseek(struct _reent *, void *, _fpos_t, int);
int __sclose(struct _reent *, void *);
FILE *__sfp(struct _reent *);
void __sinit(struct _reent *);
struct _glue *__sfmoreglue(struct _reent *, int n);
int _fwalk(struct _reent *, int (*)(FILE *));
int _fwalk_reent(struct _reent *, int (*)(struct _reent *, FILE *));
void __sfp_lock_acquire(void);
void __sfp_lock_release(void);
void __sinit_lock_acquire(void);
void __sinit_lock_release(void);
void __fp_lock_all(void);
void __fp_unlock_all(void);
void _cleanup(void);

#define NDYNAMIC 4 // FILEs added to a task's list at a time

__LOCK_INIT_RECURSIVE(static, __sfp_recursive_mutex);
__LOCK_INIT_RECURSIVE(static, __sinit_recursive_mutex);

void __sfp_lock_acquire(void) { __lock_acquire_recursive(__sfp_recursive_mutex); }
void __sfp_lock_release(void) { __lock_release_recursive(__sfp_recursive_mutex); }
void __sinit_lock_acquire(void) { __lock_acquire_recursive(__sinit_recursive_mutex); }
void __sinit_lock_release(void) { __lock_release_recursive(__sinit_recursive_mutex); }

// Walks of "every file" on the global reent mean the calling task's files.
static struct _reent *walk_target(struct _reent *ptr)
{
	return ptr == _GLOBAL_REENT ? _REENT : ptr;
}

static void std(FILE *fp, int flags, int file)
{
	fp->_p = 0;
	fp->_r = 0;
	fp->_w = 0;
	fp->_flags = flags;
	fp->_flags2 = 0;
	fp->_file = file;
	fp->_bf._base = 0;
	fp->_bf._size = 0;
	fp->_lbfsize = 0;
	memset(&fp->_mbstate, 0, sizeof(_mbstate_t));
	fp->_cookie = fp;
	fp->_read = __sread;
	fp->_write = __swrite;
	fp->_seek = __sseek;
	fp->_close = NULL; // closing stdin/stdout/stderr leaves fds 0-2 open
	__lock_init_recursive(fp->_lock);
}

// stdin and stdout decide their buffering on first use (stdio's
// __smakebuf): line-buffered if isatty() (the console), else fully
// buffered. stderr is unbuffered.
void __sinit(struct _reent *s)
{
	__sinit_lock_acquire();
	if (s->__sdidinit) {
		__sinit_lock_release();
		return;
	}
	s->__cleanup = _cleanup_r;
	s->__sglue._next = NULL;
	s->__sglue._niobs = 3;
	s->__sglue._iobs = &s->__sf[0];
	std(s->_stdin, __SRD, 0);
	std(s->_stdout, __SWR, 1);
	std(s->_stderr, __SRW | __SNBF, 2);
	s->__sdidinit = 1;
	__sinit_lock_release();
}

struct glue_with_file {
	struct _glue glue;
	FILE file;
};

struct _glue *__sfmoreglue(struct _reent *d, int n)
{
	struct glue_with_file *g = _malloc_r(d, sizeof(*g) + (n - 1) * sizeof(FILE));
	if (!g)
		return NULL;
	g->glue._next = NULL;
	g->glue._niobs = n;
	g->glue._iobs = &g->file;
	memset(&g->file, 0, n * sizeof(FILE));
	return &g->glue;
}

// A free FILE from d's own list (grown from d's heap as needed).
FILE *__sfp(struct _reent *d)
{
	FILE *fp;
	int n;
	struct _glue *g;

	if (!d->__sdidinit)
		__sinit(d);
	__sfp_lock_acquire();
	for (g = &d->__sglue;; g = g->_next) {
		for (fp = g->_iobs, n = g->_niobs; --n >= 0; fp++)
			if (fp->_flags == 0)
				goto found;
		if (g->_next == NULL && (g->_next = __sfmoreglue(d, NDYNAMIC)) == NULL)
			break;
	}
	__sfp_lock_release();
	d->_errno = ENOMEM;
	return NULL;

found:
	fp->_file = -1;  // no file
	fp->_flags = 1;  // reserve this slot; caller sets real flags
	fp->_flags2 = 0;
	__lock_init_recursive(fp->_lock);
	__sfp_lock_release();

	fp->_p = NULL;
	fp->_w = 0;
	fp->_r = 0;
	fp->_bf._base = NULL;
	fp->_bf._size = 0;
	fp->_lbfsize = 0;
	memset(&fp->_mbstate, 0, sizeof(_mbstate_t));
	fp->_ub._base = NULL;
	fp->_ub._size = 0;
	fp->_lb._base = NULL;
	fp->_lb._size = 0;
	return fp;
}

int _fwalk(struct _reent *ptr, int (*function)(FILE *))
{
	int ret = 0;
	// Safe without the list lock: nodes are only added at the end.
	for (struct _glue *g = &walk_target(ptr)->__sglue; g; g = g->_next) {
		FILE *fp = g->_iobs;
		for (int n = g->_niobs; --n >= 0; fp++)
			if (fp->_flags != 0 && fp->_flags != 1 && fp->_file != -1)
				ret |= function(fp);
	}
	return ret;
}

int _fwalk_reent(struct _reent *ptr, int (*function)(struct _reent *, FILE *))
{
	int ret = 0;
	ptr = walk_target(ptr);
	for (struct _glue *g = &ptr->__sglue; g; g = g->_next) {
		FILE *fp = g->_iobs;
		for (int n = g->_niobs; --n >= 0; fp++)
			if (fp->_flags != 0 && fp->_flags != 1 && fp->_file != -1)
				ret |= function(ptr, fp);
	}
	return ret;
}

// Flush and close every FILE of ptr's task (exit).
void _cleanup_r(struct _reent *ptr) { _fwalk_reent(ptr, _fclose_r); }

void _cleanup(void) { _cleanup_r(_REENT); }

static int fp_lock(FILE *fp)
{
	if (!(fp->_flags2 & __SNLK))
		_flockfile(fp);
	return 0;
}

static int fp_unlock(FILE *fp)
{
	if (!(fp->_flags2 & __SNLK))
		_funlockfile(fp);
	return 0;
}

void __fp_lock_all(void)
{
	__sfp_lock_acquire();
	_fwalk(_REENT, fp_lock);
}

void __fp_unlock_all(void)
{
	_fwalk(_REENT, fp_unlock);
	__sfp_lock_release();
}
