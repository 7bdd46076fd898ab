// String and memory helpers for a kernel without libc.
//
// The mem* and str* functions behave as in ISO C (strlcpy as in BSD/Linux:
// it returns strlen(src), so truncation is "ret >= size"). The ctype helpers
// are ASCII-only. kstrto*() parse integers the way Linux does:
//   - base 0 picks the base from the prefix: "0x"/"0X" hex, "0" octal,
//     otherwise decimal; base 16 also accepts an optional "0x" prefix;
//   - a leading '+' is accepted (and '-' by the signed variants);
//   - one trailing '\n' is accepted, nothing else may follow the digits;
//   - they return 0, -EINVAL for an empty string or bad syntax, or -ERANGE
//     if the value does not fit; *res is written only on success.
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "kernel/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
size_t strlcpy(char *dst, const char *src, size_t size);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);

int kstrtoull(const char *s, unsigned base, unsigned long long *res);
int kstrtoll(const char *s, unsigned base, long long *res);
int kstrtoint(const char *s, unsigned base, int *res);

static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r'); // \t \n \v \f \r
}
static inline int isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline int tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}
static inline int toupper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

#endif
