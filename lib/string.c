// String and memory helpers (see lib/string.h for the interface).
//
// Build note: this file must be compiled with
// -fno-tree-loop-distribute-patterns (the Makefile adds it for lib/string.c),
// otherwise gcc recognises the byte loops below as memcpy/memset and turns
// them into calls to themselves.
//
// memcpy and memset move eight bytes at a time with "rep movsq/stosq" and
// finish the last n % 8 bytes with "rep movsb/stosb". Under QEMU TCG each
// iteration of a rep instruction costs about the same whatever its width,
// so this is ~6x faster than bytes (memcpy_4k_ns in lib/string_bench.c).
// The other helpers are byte loops on purpose: they are easy to read and
// fast enough for a teaching kernel.
#include "lib/string.h"
#include "kernel/errno.h"

// An 8-byte word that may sit at any address and alias anything.
typedef u64 __attribute__((may_alias, aligned(1))) unaligned_u64;

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq\n\t"
			 "mov %3, %%rcx\n\t"
			 "rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(words)
			 : "r"(bytes)
			 : "memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	u64 pattern = 0x0101010101010101ULL * (u8)c;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep stosq\n\t"
			 "mov %3, %%rcx\n\t"
			 "rep stosb"
			 : "+D"(dst), "+c"(words)
			 : "a"(pattern), "r"(bytes)
			 : "memory");
	return ret;
}

// Copies forwards when dst is below src (each word is read before the
// copy's writes reach it), backwards otherwise, so that overlapping bytes
// are read before they are overwritten.
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n % 8) {
		n--;
		d[n] = s[n];
	}
	while (n) {
		n -= 8;
		*(unaligned_u64 *)(d + n) = *(const unaligned_u64 *)(s + n);
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;
	return dst;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

// As in C, the terminating NUL counts as part of the string: strchr(s, 0)
// returns a pointer to it.
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

// The value of digit character c, or 16+ if it is not a digit in any base
// up to 16.
static unsigned digit_value(char c)
{
	if (isdigit(c))
		return c - '0';
	if (isxdigit(c))
		return tolower(c) - 'a' + 10;
	return 99;
}

// Parses an unsigned number with no sign; the common core of kstrto*().
static int parse_ull(const char *s, unsigned base, unsigned long long *res)
{
	unsigned long long val = 0;
	bool overflow = false;
	const char *digits;

	if (base == 0) {
		if (s[0] == '0' && tolower(s[1]) == 'x' && isxdigit(s[2]))
			base = 16;
		else if (s[0] == '0')
			base = 8;
		else
			base = 10;
	}
	if (base < 2 || base > 16)
		return -EINVAL;
	if (base == 16 && s[0] == '0' && tolower(s[1]) == 'x')
		s += 2;

	for (digits = s; digit_value(*s) < base; s++) {
		unsigned d = digit_value(*s);

		if (val > (~0ULL - d) / base)
			overflow = true;
		val = val * base + d;
	}
	if (s == digits)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	*res = val;
	return 0;
}

int kstrtoull(const char *s, unsigned base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return parse_ull(s, base, res);
}

int kstrtoll(const char *s, unsigned base, long long *res)
{
	unsigned long long val;
	int err;

	if (s[0] == '-') {
		err = parse_ull(s + 1, base, &val);
		if (err)
			return err;
		if (val > (unsigned long long)__LONG_LONG_MAX__ + 1)
			return -ERANGE;
		*res = (long long)(0 - val);
		return 0;
	}
	err = kstrtoull(s, base, &val);
	if (err)
		return err;
	if (val > (unsigned long long)__LONG_LONG_MAX__)
		return -ERANGE;
	*res = (long long)val;
	return 0;
}

int kstrtoint(const char *s, unsigned base, int *res)
{
	long long val;
	int err = kstrtoll(s, base, &val);

	if (err)
		return err;
	if (val < -__INT_MAX__ - 1 || val > __INT_MAX__)
		return -ERANGE;
	*res = (int)val;
	return 0;
}
