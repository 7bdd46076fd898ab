// Tests for lib/string.c: the mem*/str* functions, the ctype helpers and
// the kstrto*() integer parsers.
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "lib/string.h"

KTEST(string, memcpy_copies_exactly_n_bytes)
{
	char dst[8] = "xxxxxxx";

	EXPECT_EQ(memcpy(dst, "abc", 3), dst);
	EXPECT_STREQ(dst, "abcxxxx");
}

KTEST(string, memset_fills_with_the_low_byte)
{
	unsigned char buf[6] = { 1, 1, 1, 1, 1, 1 };

	EXPECT_EQ(memset(buf + 1, 0x1ab, 4), buf + 1);
	EXPECT_EQ(buf[0], 1);
	EXPECT_EQ(buf[1], 0xab);
	EXPECT_EQ(buf[4], 0xab);
	EXPECT_EQ(buf[5], 1);
}

KTEST(string, memmove_handles_overlap_to_higher_address)
{
	char buf[] = "abcdef";

	memmove(buf + 2, buf, 4);
	EXPECT_STREQ(buf, "ababcd");
}

KTEST(string, memmove_handles_overlap_to_lower_address)
{
	char buf[] = "abcdef";

	memmove(buf, buf + 2, 4);
	EXPECT_STREQ(buf, "cdefef");
}

// The word-at-a-time helpers against a byte-by-byte reference, for every
// length up to 40 at every alignment of source and destination, with guard
// bytes around the destination that must stay untouched.
static u8 ref_buf[64], got_buf[64];

static u8 pattern_byte(int i) { return (u8)(i * 37 + 11); }

KTEST(string, memcpy_and_memset_work_at_every_length_and_alignment)
{
	static u8 src[64];
	for (int i = 0; i < 64; i++)
		src[i] = pattern_byte(i);
	int bad = 0;
	for (int len = 0; len <= 40; len++) {
		for (int so = 0; so < 8; so++) {
			for (int doff = 0; doff < 8; doff++) {
				memset(got_buf, 0xEE, sizeof(got_buf));
				for (int i = 0; i < 64; i++)
					ref_buf[i] = 0xEE;
				for (int i = 0; i < len; i++)
					ref_buf[8 + doff + i] = src[so + i];
				if (memcpy(got_buf + 8 + doff, src + so, len) != got_buf + 8 + doff ||
				    memcmp(got_buf, ref_buf, sizeof(got_buf)) != 0)
					bad++;
			}
		}
		for (int doff = 0; doff < 8; doff++) {
			memset(got_buf, 0xEE, sizeof(got_buf));
			for (int i = 0; i < 64; i++)
				ref_buf[i] = i >= 8 + doff && i < 8 + doff + len ? 0x5C : 0xEE;
			if (memset(got_buf + 8 + doff, 0x15C, len) != got_buf + 8 + doff ||
			    memcmp(got_buf, ref_buf, sizeof(got_buf)) != 0)
				bad++;
		}
	}
	EXPECT_EQ(bad, 0);
}

KTEST(string, memmove_overlapping_by_any_distance_either_way)
{
	int bad = 0;
	for (int len = 0; len <= 40; len++) {
		for (int from = 0; from < 16; from++) {
			for (int to = 0; to < 16; to++) {
				for (int i = 0; i < 64; i++)
					got_buf[i] = ref_buf[i] = pattern_byte(i);
				for (int i = 0; i < len; i++) // through a copy: the reference
					ref_buf[to + i] = pattern_byte(from + i);
				memmove(got_buf + to, got_buf + from, len);
				if (memcmp(got_buf, ref_buf, sizeof(got_buf)) != 0)
					bad++;
			}
		}
	}
	EXPECT_EQ(bad, 0);
}

KTEST(string, memcmp_compares_bytes_as_unsigned)
{
	EXPECT_EQ(memcmp("abc", "abd", 2), 0);
	EXPECT_LT(memcmp("abc", "abd", 3), 0);
	EXPECT_GT(memcmp("\xff", "\x01", 1), 0);
	EXPECT_EQ(memcmp("a", "b", 0), 0);
}

KTEST(string, strlen_and_strnlen_count_to_nul_or_limit)
{
	EXPECT_EQ(strlen(""), 0);
	EXPECT_EQ(strlen("hello"), 5);
	EXPECT_EQ(strnlen("hello", 3), 3);
	EXPECT_EQ(strnlen("hello", 10), 5);
	EXPECT_EQ(strnlen("hello", 0), 0);
}

KTEST(string, strcmp_orders_strings)
{
	EXPECT_EQ(strcmp("abc", "abc"), 0);
	EXPECT_LT(strcmp("abc", "abd"), 0);
	EXPECT_LT(strcmp("ab", "abc"), 0);
	EXPECT_GT(strcmp("abc", "ab"), 0);
	EXPECT_GT(strcmp("\x80", "a"), 0); // unsigned comparison
}

KTEST(string, strncmp_stops_after_n_or_nul)
{
	EXPECT_EQ(strncmp("abcx", "abcy", 3), 0);
	EXPECT_LT(strncmp("abcx", "abcy", 4), 0);
	EXPECT_EQ(strncmp("ab", "ab", 10), 0);
	EXPECT_EQ(strncmp("a", "b", 0), 0);
}

KTEST(string, strcpy_and_strcat_build_a_string)
{
	char buf[16];

	EXPECT_EQ(strcpy(buf, "foo"), buf);
	EXPECT_EQ(strcat(buf, "bar"), buf);
	EXPECT_STREQ(buf, "foobar");
}

KTEST(string, strlcpy_truncates_and_returns_source_length)
{
	char buf[4];

	EXPECT_EQ(strlcpy(buf, "abcdef", sizeof(buf)), 6);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(strlcpy(buf, "ab", sizeof(buf)), 2);
	EXPECT_STREQ(buf, "ab");
}

KTEST(string, strlcpy_with_size_zero_writes_nothing)
{
	char buf[2] = "x";

	EXPECT_EQ(strlcpy(buf, "abc", 0), 3);
	EXPECT_STREQ(buf, "x");
}

KTEST(string, strchr_finds_first_match_or_the_nul)
{
	const char *s = "hello";

	EXPECT_EQ(strchr(s, 'l'), s + 2);
	EXPECT_EQ(strchr(s, 'z'), NULL);
	EXPECT_EQ(strchr(s, '\0'), s + 5);
}

KTEST(string, strrchr_finds_last_match)
{
	const char *s = "hello";

	EXPECT_EQ(strrchr(s, 'l'), s + 3);
	EXPECT_EQ(strrchr(s, 'z'), NULL);
	EXPECT_EQ(strrchr(s, '\0'), s + 5);
}

KTEST(string, strstr_finds_substring)
{
	const char *s = "cpuset.cpus";

	EXPECT_EQ(strstr(s, "cpus"), s);
	EXPECT_EQ(strstr(s, ".cpus"), s + 6);
	EXPECT_EQ(strstr(s, "mems"), NULL);
	EXPECT_EQ(strstr(s, ""), s);
	EXPECT_EQ(strstr("", "a"), NULL);
}

KTEST(string, strspn_and_strcspn_measure_prefixes)
{
	EXPECT_EQ(strspn("0-3,5x", "0123456789-,"), 5);
	EXPECT_EQ(strspn("abc", ""), 0);
	EXPECT_EQ(strcspn("name=value", "="), 4);
	EXPECT_EQ(strcspn("abc", "xyz"), 3);
}

KTEST(string, ctype_helpers_classify_ascii)
{
	EXPECT_TRUE(isdigit('7'));
	EXPECT_FALSE(isdigit('a'));
	EXPECT_TRUE(isspace(' ') && isspace('\t') && isspace('\n'));
	EXPECT_FALSE(isspace('x'));
	EXPECT_TRUE(isalpha('q') && isalpha('Q'));
	EXPECT_FALSE(isalpha('1'));
	EXPECT_TRUE(isxdigit('f') && isxdigit('F') && isxdigit('9'));
	EXPECT_FALSE(isxdigit('g'));
	EXPECT_TRUE(isprint(' ') && isprint('~'));
	EXPECT_FALSE(isprint('\n') || isprint(0x7f));
	EXPECT_EQ(tolower('A'), 'a');
	EXPECT_EQ(tolower('1'), '1');
	EXPECT_EQ(toupper('z'), 'Z');
	EXPECT_EQ(toupper('['), '[');
}

KTEST(string, kstrtoull_parses_in_the_given_base)
{
	unsigned long long v;

	EXPECT_EQ(kstrtoull("1234", 10, &v), 0);
	EXPECT_EQ(v, 1234);
	EXPECT_EQ(kstrtoull("ff", 16, &v), 0);
	EXPECT_EQ(v, 255);
	EXPECT_EQ(kstrtoull("0xFF", 16, &v), 0);
	EXPECT_EQ(v, 255);
	EXPECT_EQ(kstrtoull("17", 8, &v), 0);
	EXPECT_EQ(v, 15);
	EXPECT_EQ(kstrtoull("+5", 10, &v), 0);
	EXPECT_EQ(v, 5);
}

KTEST(string, kstrtoull_base_zero_detects_prefix)
{
	unsigned long long v;

	EXPECT_EQ(kstrtoull("0x1f", 0, &v), 0);
	EXPECT_EQ(v, 31);
	EXPECT_EQ(kstrtoull("010", 0, &v), 0);
	EXPECT_EQ(v, 8);
	EXPECT_EQ(kstrtoull("10", 0, &v), 0);
	EXPECT_EQ(v, 10);
	EXPECT_EQ(kstrtoull("0", 0, &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(kstrtoull("09", 0, &v), -EINVAL); // octal has no 9
}

KTEST(string, kstrtoull_accepts_one_trailing_newline)
{
	unsigned long long v;

	EXPECT_EQ(kstrtoull("42\n", 10, &v), 0);
	EXPECT_EQ(v, 42);
	EXPECT_EQ(kstrtoull("42\n\n", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("42 ", 10, &v), -EINVAL);
}

KTEST(string, kstrtoull_rejects_empty_and_junk_with_einval)
{
	unsigned long long v = 7;

	EXPECT_EQ(kstrtoull("", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("\n", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoull(" 1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("1x", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("-1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("0x", 16, &v), -EINVAL);
	EXPECT_EQ(kstrtoull("12", 1, &v), -EINVAL);
	EXPECT_EQ(v, 7); // untouched on error
}

KTEST(string, kstrtoull_reports_overflow_as_erange)
{
	unsigned long long v = 7;

	EXPECT_EQ(kstrtoull("18446744073709551615", 10, &v), 0);
	EXPECT_EQ(v, ~0ULL);
	EXPECT_EQ(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoull("0x10000000000000000", 0, &v), -ERANGE);
	EXPECT_EQ(v, ~0ULL);
}

KTEST(string, kstrtoll_parses_signs_and_limits)
{
	long long v;

	EXPECT_EQ(kstrtoll("-42", 10, &v), 0);
	EXPECT_EQ(v, -42);
	EXPECT_EQ(kstrtoll("-0x10", 0, &v), 0);
	EXPECT_EQ(v, -16);
	EXPECT_EQ(kstrtoll("9223372036854775807", 10, &v), 0);
	EXPECT_EQ(v, 9223372036854775807LL);
	EXPECT_EQ(kstrtoll("-9223372036854775808", 10, &v), 0);
	EXPECT_EQ(v, -9223372036854775807LL - 1);
	EXPECT_EQ(kstrtoll("9223372036854775808", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoll("-9223372036854775809", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoll("--1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoll("-+1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtoll("-", 10, &v), -EINVAL);
}

KTEST(string, kstrtoint_rejects_values_outside_int)
{
	int v;

	EXPECT_EQ(kstrtoint("2147483647", 10, &v), 0);
	EXPECT_EQ(v, 2147483647);
	EXPECT_EQ(kstrtoint("-2147483648", 10, &v), 0);
	EXPECT_EQ(v, -2147483647 - 1);
	EXPECT_EQ(kstrtoint("2147483648", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoint("-2147483649", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoint("12abc", 10, &v), -EINVAL);
}
