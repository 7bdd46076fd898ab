// Forced into every app and newlib-side libc file (gcc -include, see
// user/user.mk): libc names that the kernel also defines.
//
// Apps are linked into the kernel image, so a libc function and a kernel
// function of the same name are one symbol, and the kernel's object file
// wins over newlib's archive member without a word. For the string
// functions that is harmless (same semantics), but the kernel's snprintf
// knows no floating point and its sched_yield returns nothing. These
// declarations give the app's calls another symbol name (an asm label on
// the first declaration; newlib's later ones inherit it), which
// user/libc/names.c defines.
#ifndef USER_LIBC_APP_NAMES_H
#define USER_LIBC_APP_NAMES_H

int snprintf(char *buf, __SIZE_TYPE__ n, const char *fmt, ...) __asm__("libc_snprintf");
int vsnprintf(char *buf, __SIZE_TYPE__ n, const char *fmt, __builtin_va_list ap)
	__asm__("libc_vsnprintf");
int sched_yield(void) __asm__("libc_sched_yield");

#endif
