// LZ4 block decompression. See lz4.h.
//
// A block is a list of sequences. Each starts with a token byte: its high
// four bits are the number of literal bytes that follow, its low four the
// length of the match after them, minus 4. A nibble of 15 means the length
// goes on in the next bytes, each adding its value, until one below 255.
// After the literals come a 16-bit little-endian offset (1-65535 bytes back
// from the output position) and the match length's extra bytes. The last
// sequence has literals only: the block ends after them.
//
// Under QEMU TCG every guest loop iteration costs, so copies move four
// bytes at a time where they can; a match closer than four bytes overlaps
// its own output and is copied byte by byte, which is what makes such a
// match repeat a pattern.
#include "lib/lz4.h"

// Reads a length extension; false if the block ends first.
static bool read_length(const u8 **ip, const u8 *iend, unsigned long *len)
{
	u8 b;
	do {
		if (*ip >= iend)
			return false;
		b = *(*ip)++;
		*len += b;
	} while (b == 255);
	return true;
}

static void copy_forward(u8 *d, const u8 *s, unsigned long n, bool words)
{
	if (words)
		for (; n >= 4; n -= 4, d += 4, s += 4)
			__builtin_memcpy(d, s, 4); // a single 32-bit move
	while (n--)
		*d++ = *s++;
}

long lz4_decompress(u8 *dst, unsigned long dst_cap, const u8 *src, unsigned long src_len)
{
	const u8 *ip = src, *iend = src + src_len;
	u8 *op = dst, *oend = dst + dst_cap;
	while (ip < iend) {
		unsigned token = *ip++;
		unsigned long len = token >> 4;
		if (len == 15 && !read_length(&ip, iend, &len))
			return -1;
		if (len > (unsigned long)(iend - ip) || len > (unsigned long)(oend - op))
			return -1;
		copy_forward(op, ip, len, true);
		op += len;
		ip += len;
		if (ip == iend) // the last sequence: literals only
			break;
		if (iend - ip < 2)
			return -1;
		unsigned long offset = ip[0] | (unsigned long)ip[1] << 8;
		ip += 2;
		if (offset == 0 || offset > (unsigned long)(op - dst))
			return -1;
		len = token & 15;
		if (len == 15 && !read_length(&ip, iend, &len))
			return -1;
		len += 4;
		if (len > (unsigned long)(oend - op))
			return -1;
		copy_forward(op, op - offset, len, offset >= 4);
		op += len;
	}
	return op - dst;
}
