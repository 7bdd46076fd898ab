// Tests for lib/checksum.c. The values were computed independently (a few
// lines of Python over the same definition); "a" is FNV-1a's own test
// vector, as a tail byte is plain FNV-1a.
#include "kernel/ktest.h"
#include "lib/checksum.h"

KTEST(checksum, known_values)
{
	EXPECT_EQ(checksum32("", 0), 0x811c9dc5);
	EXPECT_EQ(checksum32("a", 1), 0xe40c292c);
	EXPECT_EQ(checksum32("abcd", 4), 0xec7f6f2c);
	EXPECT_EQ(checksum32("abcdefg", 7), 0xb1d210b0);
	EXPECT_EQ(checksum32("corral", 6), 0x5c021d3f);
}

KTEST(checksum, one_changed_bit_changes_it)
{
	char buf[64];
	for (int i = 0; i < 64; i++)
		buf[i] = (char)i;
	u32 h = checksum32(buf, sizeof(buf));
	for (int bit = 0; bit < 64 * 8; bit += 37) {
		buf[bit / 8] ^= (char)(1 << (bit % 8));
		EXPECT_NE(checksum32(buf, sizeof(buf)), h);
		buf[bit / 8] ^= (char)(1 << (bit % 8));
	}
	EXPECT_EQ(checksum32(buf, sizeof(buf)), h);
}
