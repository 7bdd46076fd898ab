// The app versions of libc names the kernel also defines (see
// user/libc/app_names.h, forced into this file too: the definitions below
// are libc_snprintf, libc_vsnprintf and libc_sched_yield).
//
// newlib's snprintf.o and vsnprintf.o cannot be linked (their public
// names clash with the kernel's), so these do what they do: format into
// the caller's buffer through a string FILE with newlib's _svfprintf_r.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "user/libc/libc.h"

int _svfprintf_r(struct _reent *r, FILE *f, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct _reent *r = _REENT;
	FILE f;
	f._flags = __SWR | __SSTR;
	f._flags2 = 0;
	f._bf._base = f._p = (unsigned char *)buf;
	f._bf._size = f._w = n > 0 ? n - 1 : 0;
	f._file = -1;
	int ret = _svfprintf_r(r, &f, fmt, ap);
	if (ret < EOF)
		r->_errno = EOVERFLOW;
	if (n > 0)
		*f._p = 0;
	return ret;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ret = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return ret;
}

int sched_yield(void) { return LIBC_RESULT(sys_sched_yield()); }
