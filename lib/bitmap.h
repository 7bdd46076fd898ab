// Bitmaps: arrays of unsigned long holding nbits bits, bit 0 being the
// lowest bit of word 0, as in Linux's <linux/bitmap.h>.
//
// set_bit()/clear_bit()/test_and_set_bit() are atomic (safe against other
// CPUs changing other bits of the same word); __set_bit()/__clear_bit()
// are not and need the caller's lock. The bitmap_*() operations are never
// atomic. They look only at the first nbits bits: whatever lies beyond
// them in the last word is ignored by the tests and may be overwritten by
// the operations.
//
// The list format used by cpusets ("0-3,5,7-8") is read by
// bitmap_parselist() and written by bitmap_print_list():
//   list  := ""  |  range ("," range)*
//   range := N  |  N "-" M        (decimal, N <= M < nbits)
// Leading and trailing whitespace (so a trailing "\n") is ignored; nothing
// else is: empty ranges ("1,,2", "1,"), signs, spaces inside and Linux's
// ":used/group" stride syntax are rejected.
#ifndef LIB_BITMAP_H
#define LIB_BITMAP_H

#include "kernel/types.h"

#define BITS_PER_LONG 64
#define BITS_TO_LONGS(nbits) (((nbits) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
// The bits of the last word that belong to a bitmap of nbits bits.
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))
#define DECLARE_BITMAP(name, nbits) unsigned long name[BITS_TO_LONGS(nbits)]

static inline void set_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

// Atomically sets bit nr and returns whether it was set already.
static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long m = BIT_MASK(nr);
	return (__atomic_fetch_or(&addr[BIT_WORD(nr)], m, __ATOMIC_SEQ_CST) & m) != 0;
}

static inline void __set_bit(unsigned int nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned int nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return (READ_ONCE(addr[BIT_WORD(nr)]) & BIT_MASK(nr)) != 0;
}

// Number of bits set in w.
static inline unsigned int hweight_long(unsigned long w)
{
	// __builtin_popcountl would need libgcc without -mpopcnt; this is the
	// classic SWAR count: pairs, nibbles, bytes, then sum the bytes.
	w = w - ((w >> 1) & 0x5555555555555555UL);
	w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (w * 0x0101010101010101UL) >> 56;
}

void bitmap_zero(unsigned long *dst, unsigned int nbits);
void bitmap_fill(unsigned long *dst, unsigned int nbits);
void bitmap_copy(unsigned long *dst, const unsigned long *src,
		 unsigned int nbits);
// and/andnot return whether the result has any bit set.
bool bitmap_and(unsigned long *dst, const unsigned long *a,
		const unsigned long *b, unsigned int nbits);
void bitmap_or(unsigned long *dst, const unsigned long *a,
	       const unsigned long *b, unsigned int nbits);
bool bitmap_andnot(unsigned long *dst, const unsigned long *a,
		   const unsigned long *b, unsigned int nbits);
bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned int nbits);
// True if every bit of a is also in b.
bool bitmap_subset(const unsigned long *a, const unsigned long *b,
		   unsigned int nbits);
bool bitmap_intersects(const unsigned long *a, const unsigned long *b,
		       unsigned int nbits);
bool bitmap_empty(const unsigned long *src, unsigned int nbits);
unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits);

// The index of the first set (or clear) bit at or after offset, or size if
// there is none.
unsigned int find_next_bit(const unsigned long *addr, unsigned int size,
			   unsigned int offset);
unsigned int find_next_zero_bit(const unsigned long *addr, unsigned int size,
				unsigned int offset);
static inline unsigned int find_first_bit(const unsigned long *addr,
					  unsigned int size)
{
	return find_next_bit(addr, size, 0);
}

// Parses the list format into maskp (all nbits bits are rewritten). Returns
// 0, -EINVAL on bad syntax or a reversed range ("3-1"), or -ERANGE for a
// bit >= nbits; the first error from the left wins. On error maskp is left
// unchanged.
int bitmap_parselist(const char *buf, unsigned long *maskp, int nbits);
// Writes the canonical list ("0-2,5"; "" for an empty mask) into buf with
// snprintf semantics: returns the full length, NUL-terminates if size > 0.
int bitmap_print_list(char *buf, size_t size, const unsigned long *maskp,
		      int nbits);

#endif
