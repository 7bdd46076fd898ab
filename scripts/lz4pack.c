// scripts/lz4pack IN OUT: compresses IN into one LZ4 block (lib/lz4.h has
// the format) for the compressed ISO kernel (scripts/mkiso), and prints
// IN's checksum32 (lib/checksum.h) as 0xXXXXXXXX, for the boot stub to
// check its output against. A build-host tool, built by scripts/pack-kernel
// with the host's gcc together with lib/checksum.c.
//
// Greedy parsing with one step of lazy matching, as lz4's high-compression
// mode does: at each position find the longest match among the last
// MAX_CHAIN positions with the same 4-byte hash (a hash-chain over a 64 KiB
// window); if the next position has a longer one, emit a literal instead.
// The format's end rules are kept: the last 5 bytes are literals, and no
// match starts within 12 bytes of the end.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/checksum.h"

#define MIN_MATCH 4
#define WINDOW 65535
#define HASH_BITS 17
#define MAX_CHAIN 512
#define LAST_LITERALS 5
#define MF_LIMIT 12

static const uint8_t *in;
static size_t n;
static int32_t *head, *prev; // hash chains: newest position per hash, then older ones

static uint32_t hash4(size_t i)
{
	uint32_t v;
	memcpy(&v, in + i, 4);
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void insert(size_t i)
{
	uint32_t h = hash4(i);
	prev[i] = head[h];
	head[h] = (int32_t)i;
}

// The longest match for position i (its length, 0 if under MIN_MATCH).
static size_t best_match(size_t i, size_t *offset)
{
	size_t best = 0, limit = n - LAST_LITERALS - i;
	int chain = MAX_CHAIN;
	for (int32_t j = head[hash4(i)]; j >= 0 && i - (size_t)j <= WINDOW && chain--; j = prev[j]) {
		size_t len = 0;
		while (len < limit && in[j + len] == in[i + len])
			len++;
		if (len > best) {
			best = len;
			*offset = i - (size_t)j;
			if (len == limit)
				break;
		}
	}
	return best >= MIN_MATCH ? best : 0;
}

static uint8_t *out;
static size_t out_len;

static void put_length(size_t len)
{
	for (; len >= 255; len -= 255)
		out[out_len++] = 255;
	out[out_len++] = (uint8_t)len;
}

static void put_sequence(size_t lit_start, size_t lit_len, size_t match_len, size_t offset)
{
	size_t ml = match_len ? match_len - MIN_MATCH : 0;
	out[out_len++] = (uint8_t)((lit_len >= 15 ? 15 : lit_len) << 4 | (ml >= 15 ? 15 : ml));
	if (lit_len >= 15)
		put_length(lit_len - 15);
	memcpy(out + out_len, in + lit_start, lit_len);
	out_len += lit_len;
	if (!match_len)
		return;
	out[out_len++] = (uint8_t)offset;
	out[out_len++] = (uint8_t)(offset >> 8);
	if (ml >= 15)
		put_length(ml - 15);
}

static void compress(void)
{
	size_t lit = 0, i = 0;
	while (n >= MF_LIMIT && i + MF_LIMIT <= n) {
		size_t off = 0, len = best_match(i, &off);
		insert(i);
		if (len) { // lazy: a longer match one byte on wins
			size_t off2 = 0;
			if (i + 1 + MF_LIMIT <= n && best_match(i + 1, &off2) > len) {
				i++;
				continue;
			}
			put_sequence(lit, i - lit, len, off);
			for (size_t k = i + 1; k < i + len && k + 4 <= n; k++)
				insert(k);
			i += len;
			lit = i;
		} else {
			i++;
		}
	}
	put_sequence(lit, n - lit, 0, 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: lz4pack IN OUT\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = (size_t)ftell(f);
	rewind(f);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "lz4pack: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	in = buf;
	head = malloc(sizeof(*head) << HASH_BITS);
	prev = malloc(sizeof(*prev) * (n ? n : 1));
	out = malloc(n + n / 255 + 16); // the worst case: all literals
	if (!head || !prev || !out) {
		fprintf(stderr, "lz4pack: out of memory\n");
		return 1;
	}
	memset(head, 0xff, sizeof(*head) << HASH_BITS);
	compress();
	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	printf("0x%08x\n", checksum32(in, n));
	return 0;
}
