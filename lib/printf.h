// Formatted output into a buffer: vsnprintf() and snprintf().
//
// C99 semantics: at most size bytes are written, the result is always
// NUL-terminated when size > 0, and the return value is the length the
// whole output would have had (so "ret >= size" means it was truncated).
//
// Conversions: %d %i %u %x %X %o %c %s %p %%.
//   flags:     '-' (left-justify), '0' (zero-pad), '+' and ' ' (sign of
//              signed conversions), '#' (0 prefix for %o, 0x/0X for %x/%X)
//   width, precision: decimal or '*' (taken from the arguments; a negative
//              '*' width means '-', a negative precision means none)
//   lengths:   hh h l ll z (and t, for ptrdiff_t)
// %s prints "(null)" for NULL. %p prints "0x" and the address in lowercase
// hex without leading zeros ("0x0" for NULL), like "%#lx" would. An unknown
// conversion such as "%y" is copied to the output unchanged.
// There is no floating point: the kernel is built without it.
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include "kernel/types.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
