// Tests for lib/printf.c: every conversion, flag, width/precision form and
// length modifier, and the truncation rules.
//
// The formats go through format() below, which is deliberately not marked
// __attribute__((format)): several tests use combinations gcc's -Wformat
// rightly frowns on ("%-05d", "%y") to check what they print.
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"

static char out[128];

static int format(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	return n;
}

// Checks both the text and the returned length.
#define EXPECT_FORMAT(want, ...)                                             \
	do {                                                                 \
		int n_ = format(__VA_ARGS__);                                \
		EXPECT_STREQ(out, want);                                     \
		EXPECT_EQ(n_, (int)strlen(want));                            \
	} while (0)

KTEST(printf, plain_text_is_copied)
{
	EXPECT_FORMAT("hello, world", "hello, world");
	EXPECT_FORMAT("", "");
}

KTEST(printf, percent_percent_prints_one_percent)
{
	EXPECT_FORMAT("100%", "100%%");
	EXPECT_FORMAT("%%", "%%%%");
}

KTEST(printf, d_and_i_print_signed_decimal)
{
	EXPECT_FORMAT("42 -42 0", "%d %d %d", 42, -42, 0);
	EXPECT_FORMAT("-7", "%i", -7);
	EXPECT_FORMAT("-2147483648 2147483647", "%d %d", -2147483647 - 1,
		      2147483647);
}

KTEST(printf, u_prints_unsigned_decimal)
{
	EXPECT_FORMAT("4294967295", "%u", -1);
	EXPECT_FORMAT("0", "%u", 0);
}

KTEST(printf, x_and_X_print_hex_in_lower_and_upper_case)
{
	EXPECT_FORMAT("deadbeef", "%x", 0xdeadbeef);
	EXPECT_FORMAT("DEADBEEF", "%X", 0xdeadbeef);
	EXPECT_FORMAT("0", "%x", 0);
}

KTEST(printf, o_prints_octal)
{
	EXPECT_FORMAT("755", "%o", 0755);
	EXPECT_FORMAT("0", "%o", 0);
}

KTEST(printf, p_prints_0x_and_unpadded_lowercase_hex)
{
	EXPECT_FORMAT("0xffffffff80001000", "%p", (void *)0xffffffff80001000UL);
	EXPECT_FORMAT("0x1234", "%p", (void *)0x1234);
	EXPECT_FORMAT("0x0", "%p", NULL);
	EXPECT_FORMAT("  0xab", "%6p", (void *)0xab);
}

KTEST(printf, s_prints_string)
{
	EXPECT_FORMAT("[cpuset]", "[%s]", "cpuset");
	EXPECT_FORMAT("[]", "[%s]", "");
}

KTEST(printf, s_prints_null_as_parenthesised_null)
{
	EXPECT_FORMAT("(null)", "%s", (char *)NULL);
}

KTEST(printf, s_precision_truncates_the_string)
{
	EXPECT_FORMAT("abc", "%.3s", "abcdef");
	EXPECT_FORMAT("ab", "%.3s", "ab");
	EXPECT_FORMAT("", "%.0s", "abc");
	EXPECT_FORMAT("ab", "%.*s", 2, "abcdef");
}

KTEST(printf, s_precision_does_not_read_past_it)
{
	char unterminated[3] = { 'x', 'y', 'z' };

	EXPECT_FORMAT("xyz", "%.3s", unterminated);
}

KTEST(printf, s_width_pads_on_the_left_or_right)
{
	EXPECT_FORMAT("   ab", "%5s", "ab");
	EXPECT_FORMAT("ab   |", "%-5s|", "ab");
	EXPECT_FORMAT("  abc", "%5.3s", "abcdef");
}

KTEST(printf, c_prints_a_character_with_width)
{
	EXPECT_FORMAT("x", "%c", 'x');
	EXPECT_FORMAT("  x", "%3c", 'x');
	EXPECT_FORMAT("x  |", "%-3c|", 'x');
}

KTEST(printf, hh_length_truncates_to_char)
{
	EXPECT_FORMAT("-1 255 ff", "%hhd %hhu %hhx", 255, 255, 0x1ff);
	EXPECT_FORMAT("44", "%hhd", 300);
}

KTEST(printf, h_length_truncates_to_short)
{
	EXPECT_FORMAT("-1 65535 ffff", "%hd %hu %hx", 65535, 65535, 0x1ffff);
}

KTEST(printf, l_length_prints_long)
{
	EXPECT_FORMAT("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	EXPECT_FORMAT("18446744073709551615", "%lu", ~0UL);
	EXPECT_FORMAT("ffffffffffffffff", "%lx", ~0UL);
	EXPECT_FORMAT("1777777777777777777777", "%lo", ~0UL);
}

KTEST(printf, ll_length_prints_long_long)
{
	EXPECT_FORMAT("-9223372036854775808", "%lld", -9223372036854775807LL - 1);
	EXPECT_FORMAT("18446744073709551615", "%llu", ~0ULL);
	EXPECT_FORMAT("FFFFFFFFFFFFFFFF", "%llX", ~0ULL);
	EXPECT_FORMAT("123456789012", "%lli", 123456789012LL);
}

KTEST(printf, z_length_prints_size_t)
{
	EXPECT_FORMAT("18446744073709551615", "%zu", (size_t)-1);
	EXPECT_FORMAT("-1", "%zd", (ssize_t)-1);
	EXPECT_FORMAT("1000", "%zx", (size_t)0x1000);
}

KTEST(printf, minus_flag_left_justifies)
{
	EXPECT_FORMAT("42   |", "%-5d|", 42);
	EXPECT_FORMAT("-42  |", "%-5d|", -42);
}

KTEST(printf, zero_flag_pads_with_zeros_after_the_sign)
{
	EXPECT_FORMAT("00042", "%05d", 42);
	EXPECT_FORMAT("-0042", "%05d", -42);
	EXPECT_FORMAT("0x002a", "%#06x", 42);
	EXPECT_FORMAT("00ff", "%04x", 255);
}

KTEST(printf, zero_flag_is_ignored_with_minus)
{
	EXPECT_FORMAT("42   |", "%-05d|", 42);
}

KTEST(printf, zero_flag_is_ignored_with_precision)
{
	EXPECT_FORMAT("  042", "%05.3d", 42);
}

KTEST(printf, plus_flag_shows_the_sign_of_signed_values)
{
	EXPECT_FORMAT("+5 -5 +0", "%+d %+d %+d", 5, -5, 0);
	EXPECT_FORMAT("5", "%+u", 5); // unsigned: no sign
}

KTEST(printf, space_flag_leaves_room_for_the_sign)
{
	EXPECT_FORMAT(" 5 -5", "% d % d", 5, -5);
	EXPECT_FORMAT("+5", "%+ d", 5); // '+' wins over ' '
	EXPECT_FORMAT("-005", "% 04d", -5);
	EXPECT_FORMAT(" 005", "% 04d", 5);
}

KTEST(printf, hash_flag_adds_base_prefix)
{
	EXPECT_FORMAT("0xff 0XFF 0777", "%#x %#X %#o", 255, 255, 0777);
	EXPECT_FORMAT("0 0", "%#x %#o", 0, 0); // no prefix for zero
	EXPECT_FORMAT("0", "%#.0o", 0);
	EXPECT_FORMAT("00012", "%#.5o", 012);
}

KTEST(printf, width_pads_with_spaces_and_never_truncates)
{
	EXPECT_FORMAT("   42", "%5d", 42);
	EXPECT_FORMAT("12345678", "%3d", 12345678);
	EXPECT_FORMAT("   ff", "%5x", 255);
}

KTEST(printf, star_width_comes_from_the_arguments)
{
	EXPECT_FORMAT("   42", "%*d", 5, 42);
	EXPECT_FORMAT("42   |", "%*d|", -5, 42); // negative means '-'
	EXPECT_FORMAT("  ab", "%*s", 4, "ab");
}

KTEST(printf, precision_sets_the_minimum_number_of_digits)
{
	EXPECT_FORMAT("007", "%.3d", 7);
	EXPECT_FORMAT("-007", "%.3d", -7);
	EXPECT_FORMAT("  007", "%5.3d", 7);
	EXPECT_FORMAT("00ff", "%.4x", 255);
	EXPECT_FORMAT("12345", "%.2d", 12345);
}

KTEST(printf, zero_precision_prints_no_digits_for_zero)
{
	EXPECT_FORMAT("[]", "[%.0d]", 0);
	EXPECT_FORMAT("[]", "[%.d]", 0);
	EXPECT_FORMAT("[   ]", "[%3.0x]", 0);
	EXPECT_FORMAT("[+]", "[%+.0d]", 0);
}

KTEST(printf, star_precision_comes_from_the_arguments)
{
	EXPECT_FORMAT("0042", "%.*d", 4, 42);
	EXPECT_FORMAT("42", "%.*d", -1, 42); // negative means none
	EXPECT_FORMAT("  0042", "%*.*d", 6, 4, 42);
}

KTEST(printf, unknown_conversion_is_copied_unchanged)
{
	EXPECT_FORMAT("a%yb", "a%yb");
	EXPECT_FORMAT("end%", "end%");
}

KTEST(printf, truncation_returns_the_full_length_and_terminates)
{
	char buf[5];
	int n = snprintf(buf, sizeof(buf), "%s-%d", "cpu", 123);

	EXPECT_EQ(n, 7);
	EXPECT_STREQ(buf, "cpu-");
}

KTEST(printf, exact_fit_is_not_truncated)
{
	char buf[4];

	EXPECT_EQ(snprintf(buf, sizeof(buf), "abc"), 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(snprintf(buf, sizeof(buf), "abcd"), 4);
	EXPECT_STREQ(buf, "abc");
}

KTEST(printf, size_one_writes_only_the_nul)
{
	char buf[2] = "x";

	EXPECT_EQ(snprintf(buf, 1, "%d", 12345), 5);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(buf[1], '\0'); // from the initialiser, untouched
}

KTEST(printf, size_zero_writes_nothing_and_counts)
{
	char buf[2] = "x";

	EXPECT_EQ(snprintf(buf, 0, "%s", "abcdef"), 6);
	EXPECT_EQ(buf[0], 'x');
	EXPECT_EQ(snprintf(NULL, 0, "%05d", 1), 5);
}

KTEST(printf, many_conversions_in_one_format)
{
	EXPECT_FORMAT("cpu 3: 12% of 0x1000 [idle]",
		      "cpu %d: %u%% of %#x [%s]", 3, 12, 0x1000, "idle");
}
