// Bitmap operations and the "0-3,5" list format (see lib/bitmap.h).
//
// The word-wise operations handle full words in a loop and then the last,
// partial word under BITMAP_LAST_WORD_MASK, so bits past nbits never leak
// into a result.
#include "lib/bitmap.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "kernel/errno.h"

// Number of whole words, and whether a partial word follows.
#define FULL_WORDS(nbits) ((nbits) / BITS_PER_LONG)
#define HAS_TAIL(nbits) ((nbits) % BITS_PER_LONG != 0)

void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		dst[i] = ~0UL;
	if (HAS_TAIL(nbits))
		dst[i] = BITMAP_LAST_WORD_MASK(nbits);
}

void bitmap_copy(unsigned long *dst, const unsigned long *src,
		 unsigned int nbits)
{
	memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

bool bitmap_and(unsigned long *dst, const unsigned long *a,
		const unsigned long *b, unsigned int nbits)
{
	unsigned long any = 0;
	unsigned int i;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		any |= (dst[i] = a[i] & b[i]);
	if (HAS_TAIL(nbits))
		any |= (dst[i] = a[i] & b[i]) & BITMAP_LAST_WORD_MASK(nbits);
	return any != 0;
}

void bitmap_or(unsigned long *dst, const unsigned long *a,
	       const unsigned long *b, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < BITS_TO_LONGS(nbits); i++)
		dst[i] = a[i] | b[i];
}

bool bitmap_andnot(unsigned long *dst, const unsigned long *a,
		   const unsigned long *b, unsigned int nbits)
{
	unsigned long any = 0;
	unsigned int i;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		any |= (dst[i] = a[i] & ~b[i]);
	if (HAS_TAIL(nbits))
		any |= (dst[i] = a[i] & ~b[i]) & BITMAP_LAST_WORD_MASK(nbits);
	return any != 0;
}

bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		if (a[i] != b[i])
			return false;
	if (HAS_TAIL(nbits))
		return ((a[i] ^ b[i]) & BITMAP_LAST_WORD_MASK(nbits)) == 0;
	return true;
}

bool bitmap_subset(const unsigned long *a, const unsigned long *b,
		   unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		if (a[i] & ~b[i])
			return false;
	if (HAS_TAIL(nbits))
		return (a[i] & ~b[i] & BITMAP_LAST_WORD_MASK(nbits)) == 0;
	return true;
}

bool bitmap_intersects(const unsigned long *a, const unsigned long *b,
		       unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		if (a[i] & b[i])
			return true;
	if (HAS_TAIL(nbits))
		return (a[i] & b[i] & BITMAP_LAST_WORD_MASK(nbits)) != 0;
	return false;
}

bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return find_first_bit(src, nbits) >= nbits;
}

unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < FULL_WORDS(nbits); i++)
		w += hweight_long(src[i]);
	if (HAS_TAIL(nbits))
		w += hweight_long(src[i] & BITMAP_LAST_WORD_MASK(nbits));
	return w;
}

// Shared by find_next_bit and find_next_zero_bit: invert is 0 to look for
// set bits, ~0UL to look for clear ones.
static unsigned int find_next(const unsigned long *addr, unsigned int size,
			      unsigned int offset, unsigned long invert)
{
	unsigned long word;
	unsigned int bit;

	if (offset >= size)
		return size;
	// The first word, with the bits below offset masked off.
	word = (addr[BIT_WORD(offset)] ^ invert) & (~0UL << (offset % BITS_PER_LONG));
	bit = offset - offset % BITS_PER_LONG;
	while (!word) {
		bit += BITS_PER_LONG;
		if (bit >= size)
			return size;
		word = addr[BIT_WORD(bit)] ^ invert;
	}
	bit += __builtin_ctzl(word);
	return bit < size ? bit : size;
}

unsigned int find_next_bit(const unsigned long *addr, unsigned int size,
			   unsigned int offset)
{
	return find_next(addr, size, offset, 0);
}

unsigned int find_next_zero_bit(const unsigned long *addr, unsigned int size,
				unsigned int offset)
{
	return find_next(addr, size, offset, ~0UL);
}

// Reads a decimal number at *p (stopping at end). Values too large for an
// unsigned long saturate at ULONG_MAX, which is out of range anyway.
// Returns -EINVAL if there is no digit.
static int parse_number(const char **p, const char *end, unsigned long *val)
{
	const char *start = *p;
	unsigned long v = 0;

	for (; *p < end && isdigit(**p); (*p)++) {
		unsigned d = **p - '0';

		v = v > (~0UL - d) / 10 ? ~0UL : v * 10 + d;
	}
	if (*p == start)
		return -EINVAL;
	*val = v;
	return 0;
}

// Walks the list in [p, end). With maskp NULL it only checks the syntax
// and the ranges; otherwise it also sets each range's bits in maskp.
static int parse_list(const char *p, const char *end, unsigned long *maskp,
		      unsigned long nbits)
{
	if (p == end)
		return 0; // the empty list
	for (;;) {
		unsigned long first, last, bit;

		if (parse_number(&p, end, &first))
			return -EINVAL;
		last = first;
		if (p < end && *p == '-') {
			p++;
			if (parse_number(&p, end, &last))
				return -EINVAL;
		}
		if (p < end && *p != ',')
			return -EINVAL; // junk after a range
		if (first > last)
			return -EINVAL;
		if (last >= nbits)
			return -ERANGE;
		for (bit = first; maskp && bit <= last; bit++)
			__set_bit(bit, maskp);
		if (p == end)
			return 0;
		p++; // the ','; a range must follow it
	}
}

int bitmap_parselist(const char *buf, unsigned long *maskp, int nbits)
{
	const char *end = buf + strlen(buf);
	int err;

	if (nbits < 0)
		return -EINVAL;
	while (buf < end && isspace(*buf))
		buf++;
	while (end > buf && isspace(end[-1]))
		end--;

	// Validate first so that a bad list leaves maskp untouched.
	err = parse_list(buf, end, NULL, nbits);
	if (err)
		return err;
	bitmap_zero(maskp, nbits);
	return parse_list(buf, end, maskp, nbits);
}

int bitmap_print_list(char *buf, size_t size, const unsigned long *maskp,
		      int nbits)
{
	unsigned int first, last, n = nbits > 0 ? nbits : 0;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (first = find_first_bit(maskp, n); first < n;
	     first = find_next_bit(maskp, n, last + 1)) {
		// Once buf is full, keep counting with a zero-sized buffer.
		char *at = len < size ? buf + len : NULL;
		size_t room = len < size ? size - len : 0;

		last = find_next_zero_bit(maskp, n, first) - 1;
		if (first == last)
			len += snprintf(at, room, "%s%u", len ? "," : "", first);
		else
			len += snprintf(at, room, "%s%u-%u", len ? "," : "",
					first, last);
	}
	return (int)len;
}
