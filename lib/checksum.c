// See checksum.h.
#include "lib/checksum.h"

uint32_t checksum32(const void *p, unsigned long n)
{
	const unsigned char *b = p;
	uint32_t h = FNV32_OFFSET_BASIS;
	for (; n >= 4; n -= 4, b += 4) {
		uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			     (uint32_t)b[3] << 24;
		h = (h ^ w) * FNV32_PRIME;
	}
	for (; n; n--, b++)
		h = (h ^ *b) * FNV32_PRIME;
	return h;
}
