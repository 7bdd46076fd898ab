// Tests for lib/lz4.c: hand-made blocks, one rule of the format each, and
// every way a block can be malformed. (The boot of the compressed ISO
// kernel decompresses a real one: every ISO boot in `make test`.)
#include "kernel/ktest.h"
#include "lib/lz4.h"
#include "lib/string.h"

static long decode(const u8 *src, unsigned long len, char *out, unsigned long cap)
{
	return lz4_decompress((u8 *)out, cap, src, len);
}

KTEST(lz4, literals_then_a_match_then_the_last_literals)
{
	// "abc", then 9 bytes from 3 back (overlapping: repeats "abc"), then "xyzxy".
	static const u8 block[] = {0x35, 'a', 'b', 'c', 3, 0, 0x50, 'x', 'y', 'z', 'x', 'y'};
	char out[32] = {0};
	EXPECT_EQ(decode(block, sizeof(block), out, sizeof(out)), 17);
	EXPECT_STREQ(out, "abcabcabcabcxyzxy");
}

KTEST(lz4, length_extensions_add_up)
{
	// 1 literal, then a match of 4 + 15 + 255 + 10 = 284 bytes 1 back, then
	// 15 + 5 = 20 literals.
	u8 block[64];
	unsigned long n = 0;
	block[n++] = 0x1F;
	block[n++] = 'z';
	block[n++] = 1;
	block[n++] = 0;
	block[n++] = 255;
	block[n++] = 10;
	block[n++] = 0xF0;
	block[n++] = 5;
	for (int i = 0; i < 20; i++)
		block[n++] = (u8)('a' + i);
	static char out[400];
	memset(out, 0, sizeof(out));
	ASSERT_EQ(decode(block, n, out, sizeof(out)), 1 + 284 + 20);
	for (int i = 0; i < 285; i++)
		if (out[i] != 'z')
			EXPECT_EQ(i, -1); // the first byte that is wrong
	EXPECT_EQ(memcmp(out + 285, "abcdefghijklmnopqrst", 20), 0);
	EXPECT_EQ(out[305], 0);
}

KTEST(lz4, an_empty_last_sequence_ends_the_block)
{
	static const u8 block[] = {0x10, 'q', 1, 0, 0x00};
	char out[8] = {0};
	EXPECT_EQ(decode(block, sizeof(block), out, sizeof(out)), 5);
	EXPECT_STREQ(out, "qqqqq");
}

KTEST(lz4, malformed_blocks_are_refused)
{
	static const u8 offset_zero[] = {0x10, 'a', 0, 0, 0x00};
	static const u8 before_start[] = {0x10, 'a', 2, 0, 0x00};
	static const u8 cut_in_offset[] = {0x10, 'a', 1};
	static const u8 cut_in_length[] = {0xF0, 255};
	static const u8 cut_in_literals[] = {0x50, 'a', 'b'};
	char out[16];
	EXPECT_EQ(decode(offset_zero, sizeof(offset_zero), out, sizeof(out)), -1);
	EXPECT_EQ(decode(before_start, sizeof(before_start), out, sizeof(out)), -1);
	EXPECT_EQ(decode(cut_in_offset, sizeof(cut_in_offset), out, sizeof(out)), -1);
	EXPECT_EQ(decode(cut_in_length, sizeof(cut_in_length), out, sizeof(out)), -1);
	EXPECT_EQ(decode(cut_in_literals, sizeof(cut_in_literals), out, sizeof(out)), -1);
}

KTEST(lz4, output_never_goes_past_the_buffer)
{
	static const u8 long_match[] = {0x1F, 'a', 1, 0, 20, 0x00}; // 1 + 39 bytes
	static const u8 long_literals[] = {0x60, '1', '2', '3', '4', '5', '6'};
	char out[16];
	memset(out, '#', sizeof(out));
	EXPECT_EQ(decode(long_match, sizeof(long_match), out, 8), -1);
	EXPECT_EQ(out[8], '#');
	EXPECT_EQ(decode(long_literals, sizeof(long_literals), out, 5), -1);
	EXPECT_EQ(out[5], '#');
	EXPECT_EQ(decode(long_match, sizeof(long_match), out, 0), -1);
}
