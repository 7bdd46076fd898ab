// Tests for lib/bitmap.c and lib/cpumask.h: bit operations, the list
// format's parse/print round trips and canonical form, and each error
// case with the errno it must give.
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "lib/cpumask.h"
#include "lib/string.h"

static char text[256];

// Parses s into a cpumask, returning the error; on success text holds the
// mask printed back.
static int cpus_round_trip(const char *s)
{
	cpumask_t mask;
	int err = cpumask_parselist(s, &mask);

	text[0] = '\0';
	if (!err)
		cpumask_print(text, sizeof(text), &mask);
	return err;
}

KTEST(bitmap, set_clear_and_test_single_bits)
{
	DECLARE_BITMAP(map, 130) = { 0 };

	set_bit(0, map);
	set_bit(64, map);
	__set_bit(129, map);
	EXPECT_TRUE(test_bit(0, map));
	EXPECT_TRUE(test_bit(64, map));
	EXPECT_TRUE(test_bit(129, map));
	EXPECT_FALSE(test_bit(1, map));
	EXPECT_EQ(map[1], 1);
	clear_bit(64, map);
	__clear_bit(0, map);
	EXPECT_FALSE(test_bit(64, map));
	EXPECT_FALSE(test_bit(0, map));
	EXPECT_EQ(bitmap_weight(map, 130), 1);
}

KTEST(bitmap, test_and_set_bit_returns_the_old_bit)
{
	DECLARE_BITMAP(map, 70) = { 0 };

	EXPECT_FALSE(test_and_set_bit(66, map));
	EXPECT_TRUE(test_and_set_bit(66, map));
	EXPECT_TRUE(test_bit(66, map));
	EXPECT_EQ(map[1], 4);
	EXPECT_EQ(map[0], 0);
}

KTEST(bitmap, fill_sets_only_the_first_nbits)
{
	DECLARE_BITMAP(map, 70);

	bitmap_fill(map, 70);
	EXPECT_EQ(map[0], ~0UL);
	EXPECT_EQ(map[1], 0x3f);
	EXPECT_EQ(bitmap_weight(map, 70), 70);
	bitmap_zero(map, 70);
	EXPECT_TRUE(bitmap_empty(map, 70));
}

KTEST(bitmap, hweight_counts_bits)
{
	EXPECT_EQ(hweight_long(0), 0);
	EXPECT_EQ(hweight_long(~0UL), 64);
	EXPECT_EQ(hweight_long(0x8000000000000001UL), 2);
	EXPECT_EQ(hweight_long(0xf0f0), 8);
}

KTEST(bitmap, and_or_andnot_combine_and_report_nonempty)
{
	unsigned long a[2] = { 0xf0, 1 }, b[2] = { 0x3c, 0 }, d[2];

	EXPECT_TRUE(bitmap_and(d, a, b, 128));
	EXPECT_EQ(d[0], 0x30);
	EXPECT_EQ(d[1], 0);
	bitmap_or(d, a, b, 128);
	EXPECT_EQ(d[0], 0xfc);
	EXPECT_EQ(d[1], 1);
	EXPECT_TRUE(bitmap_andnot(d, a, b, 128));
	EXPECT_EQ(d[0], 0xc0);
	EXPECT_EQ(d[1], 1);
	// In the low 4 bits a is empty and b has bits 2-3.
	EXPECT_TRUE(bitmap_andnot(d, b, a, 4));
	EXPECT_FALSE(bitmap_andnot(d, a, b, 4));
	EXPECT_FALSE(bitmap_and(d, a, b, 4));
}

KTEST(bitmap, comparisons_ignore_bits_past_nbits)
{
	unsigned long a[1] = { 0x1 }, b[1] = { 0x1 | 1UL << 40 };

	EXPECT_TRUE(bitmap_equal(a, b, 40));
	EXPECT_FALSE(bitmap_equal(a, b, 41));
	EXPECT_TRUE(bitmap_subset(b, a, 40));
	EXPECT_FALSE(bitmap_subset(b, a, 41));
	EXPECT_TRUE(bitmap_subset(a, b, 64));
	EXPECT_FALSE(bitmap_intersects(a, b, 0));
	EXPECT_TRUE(bitmap_intersects(a, b, 1));
	EXPECT_TRUE(bitmap_empty(b, 0));
	EXPECT_EQ(bitmap_weight(b, 40), 1);
}

KTEST(bitmap, find_next_bit_crosses_words_and_returns_size_at_end)
{
	unsigned long map[3] = { 1UL << 63, 0, 1UL << 5 };

	EXPECT_EQ(find_first_bit(map, 192), 63);
	EXPECT_EQ(find_next_bit(map, 192, 64), 133);
	EXPECT_EQ(find_next_bit(map, 192, 134), 192);
	EXPECT_EQ(find_next_bit(map, 130, 64), 130); // bit 133 is past size
	EXPECT_EQ(find_next_bit(map, 192, 500), 192);
}

KTEST(bitmap, find_next_zero_bit_skips_full_words)
{
	unsigned long map[2] = { ~0UL, 0x7 };

	EXPECT_EQ(find_next_zero_bit(map, 128, 0), 67);
	EXPECT_EQ(find_next_zero_bit(map, 66, 0), 66);
}

KTEST(bitmap, parselist_reads_single_bits_and_ranges)
{
	cpumask_t mask;

	ASSERT_EQ(cpumask_parselist("0-3,5,7-8", &mask), 0);
	EXPECT_EQ(mask.bits[0], 0x1af);
	EXPECT_EQ(cpumask_weight(&mask), 7);
}

KTEST(bitmap, parselist_round_trips_canonical_lists)
{
	EXPECT_EQ(cpus_round_trip("0-3,5,7-8"), 0);
	EXPECT_STREQ(text, "0-3,5,7-8");
	EXPECT_EQ(cpus_round_trip("63"), 0);
	EXPECT_STREQ(text, "63");
	EXPECT_EQ(cpus_round_trip("0-63"), 0);
	EXPECT_STREQ(text, "0-63");
}

KTEST(bitmap, print_canonicalises_lists)
{
	EXPECT_EQ(cpus_round_trip("0,1,2"), 0);
	EXPECT_STREQ(text, "0-2");
	EXPECT_EQ(cpus_round_trip("5,0-3"), 0);
	EXPECT_STREQ(text, "0-3,5");
	EXPECT_EQ(cpus_round_trip("0-3,2-6,6"), 0);
	EXPECT_STREQ(text, "0-6");
	EXPECT_EQ(cpus_round_trip("4-4"), 0);
	EXPECT_STREQ(text, "4");
	EXPECT_EQ(cpus_round_trip("007"), 0);
	EXPECT_STREQ(text, "7");
}

KTEST(bitmap, parselist_of_empty_string_gives_empty_mask)
{
	cpumask_t mask;

	mask.bits[0] = ~0UL;
	EXPECT_EQ(cpumask_parselist("", &mask), 0);
	EXPECT_TRUE(cpumask_empty(&mask));
	EXPECT_EQ(cpus_round_trip(" \n"), 0);
	EXPECT_STREQ(text, "");
}

KTEST(bitmap, parselist_trims_whitespace_and_one_newline)
{
	EXPECT_EQ(cpus_round_trip("1-2\n"), 0);
	EXPECT_STREQ(text, "1-2");
	EXPECT_EQ(cpus_round_trip("  1,3 \t\n"), 0);
	EXPECT_STREQ(text, "1,3");
}

KTEST(bitmap, parselist_rejects_open_ended_range)
{
	EXPECT_EQ(cpus_round_trip("1-"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("-1"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("-"), -EINVAL);
}

KTEST(bitmap, parselist_rejects_reversed_range)
{
	EXPECT_EQ(cpus_round_trip("3-1"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("100-1"), -EINVAL); // reversed beats range
}

KTEST(bitmap, parselist_rejects_non_digits)
{
	EXPECT_EQ(cpus_round_trip("a"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("1a"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("+1"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("0x1"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("1-2-3"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("0-7:2/4"), -EINVAL); // no stride syntax
}

KTEST(bitmap, parselist_rejects_empty_ranges)
{
	EXPECT_EQ(cpus_round_trip("1,,2"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("1,"), -EINVAL);
	EXPECT_EQ(cpus_round_trip(",1"), -EINVAL);
	EXPECT_EQ(cpus_round_trip(","), -EINVAL);
}

KTEST(bitmap, parselist_rejects_inner_whitespace)
{
	EXPECT_EQ(cpus_round_trip("1, 2"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("1 -2"), -EINVAL);
	EXPECT_EQ(cpus_round_trip("1\n2"), -EINVAL);
}

KTEST(bitmap, parselist_rejects_bits_past_nbits_with_erange)
{
	EXPECT_EQ(cpus_round_trip("64"), -ERANGE);
	EXPECT_EQ(cpus_round_trip("0-64"), -ERANGE);
	EXPECT_EQ(cpus_round_trip("1,70-80"), -ERANGE);
	EXPECT_EQ(cpus_round_trip("99999999999999999999999"), -ERANGE);
}

KTEST(bitmap, parselist_reports_the_leftmost_error)
{
	EXPECT_EQ(cpus_round_trip("64,a"), -ERANGE);
	EXPECT_EQ(cpus_round_trip("a,64"), -EINVAL);
}

KTEST(bitmap, parselist_failure_leaves_mask_unchanged)
{
	cpumask_t mask = CPU_MASK_NONE;

	cpumask_set_cpu(9, &mask);
	EXPECT_EQ(cpumask_parselist("1-2,x", &mask), -EINVAL);
	EXPECT_EQ(cpumask_parselist("1-2,99", &mask), -ERANGE);
	EXPECT_EQ(mask.bits[0], 1UL << 9);
}

KTEST(bitmap, parselist_stops_at_the_nul)
{
	char buf[] = { '1', '-', '\0', '3', '\0' };
	cpumask_t mask;

	EXPECT_EQ(cpumask_parselist(buf, &mask), -EINVAL);
}

KTEST(bitmap, parselist_with_zero_bits_accepts_only_empty)
{
	unsigned long map[1] = { 0 };

	EXPECT_EQ(bitmap_parselist("", map, 0), 0);
	EXPECT_EQ(bitmap_parselist("0", map, 0), -ERANGE);
}

KTEST(bitmap, list_format_spans_several_words)
{
	DECLARE_BITMAP(map, 130);

	ASSERT_EQ(bitmap_parselist("0,63-65,127-129", map, 130), 0);
	EXPECT_EQ(bitmap_weight(map, 130), 7);
	EXPECT_EQ(bitmap_print_list(text, sizeof(text), map, 130), 15);
	EXPECT_STREQ(text, "0,63-65,127-129");
	EXPECT_EQ(bitmap_parselist("130", map, 130), -ERANGE);
}

KTEST(bitmap, print_list_truncates_like_snprintf)
{
	cpumask_t mask;
	char buf[6];

	ASSERT_EQ(cpumask_parselist("0-3,5,7-8", &mask), 0);
	EXPECT_EQ(cpumask_print(buf, sizeof(buf), &mask), 9);
	EXPECT_STREQ(buf, "0-3,5");
	EXPECT_EQ(cpumask_print(buf, 3, &mask), 9);
	EXPECT_STREQ(buf, "0-");
	EXPECT_EQ(cpumask_print(NULL, 0, &mask), 9);
}

KTEST(bitmap, print_list_of_empty_mask_is_empty_string)
{
	cpumask_t mask = CPU_MASK_NONE;

	text[0] = 'x';
	EXPECT_EQ(cpumask_print(text, sizeof(text), &mask), 0);
	EXPECT_STREQ(text, "");
}

KTEST(bitmap, cpumask_setall_sets_the_first_n_cpus)
{
	cpumask_t mask;

	cpumask_setall(&mask, 4);
	cpumask_print(text, sizeof(text), &mask);
	EXPECT_STREQ(text, "0-3");
	cpumask_setall(&mask, NR_CPUS);
	EXPECT_EQ(cpumask_weight(&mask), NR_CPUS);
	cpumask_setall(&mask, NR_CPUS + 10); // clamped, no overflow
	EXPECT_EQ(cpumask_weight(&mask), NR_CPUS);
	cpumask_setall(&mask, 0);
	EXPECT_TRUE(cpumask_empty(&mask));
	cpumask_clear(&mask);
	EXPECT_TRUE(cpumask_empty(&mask));
}

KTEST(bitmap, cpumask_single_cpu_operations)
{
	cpumask_t mask = CPU_MASK_NONE;

	cpumask_set_cpu(3, &mask);
	cpumask_set_cpu(63, &mask);
	EXPECT_TRUE(cpumask_test_cpu(3, &mask));
	EXPECT_FALSE(cpumask_test_cpu(4, &mask));
	EXPECT_EQ(cpumask_first(&mask), 3);
	EXPECT_EQ(cpumask_next(3, &mask), 63);
	EXPECT_EQ(cpumask_next(63, &mask), NR_CPUS);
	cpumask_clear_cpu(3, &mask);
	EXPECT_EQ(cpumask_first(&mask), 63);
	cpumask_clear(&mask);
	EXPECT_EQ(cpumask_first(&mask), NR_CPUS);
}

KTEST(bitmap, for_each_cpu_visits_cpus_in_order)
{
	cpumask_t mask;
	int cpu, n = 0, seen[4];

	ASSERT_EQ(cpumask_parselist("0,2,40,63", &mask), 0);
	for_each_cpu(cpu, &mask) {
		ASSERT_LT(n, 4);
		seen[n++] = cpu;
	}
	EXPECT_EQ(n, 4);
	EXPECT_EQ(seen[0], 0);
	EXPECT_EQ(seen[1], 2);
	EXPECT_EQ(seen[2], 40);
	EXPECT_EQ(seen[3], 63);

	cpumask_clear(&mask);
	for_each_cpu(cpu, &mask)
		n++;
	EXPECT_EQ(n, 4);
}

KTEST(bitmap, cpumask_set_operations)
{
	cpumask_t a, b, d;

	ASSERT_EQ(cpumask_parselist("0-3", &a), 0);
	ASSERT_EQ(cpumask_parselist("2-5", &b), 0);
	EXPECT_TRUE(cpumask_intersects(&a, &b));
	EXPECT_TRUE(cpumask_and(&d, &a, &b));
	cpumask_print(text, sizeof(text), &d);
	EXPECT_STREQ(text, "2-3");
	EXPECT_TRUE(cpumask_subset(&d, &a));
	EXPECT_FALSE(cpumask_subset(&a, &b));
	cpumask_or(&d, &a, &b);
	cpumask_print(text, sizeof(text), &d);
	EXPECT_STREQ(text, "0-5");
	EXPECT_TRUE(cpumask_andnot(&d, &a, &b));
	cpumask_print(text, sizeof(text), &d);
	EXPECT_STREQ(text, "0-1");
	EXPECT_FALSE(cpumask_andnot(&d, &a, &a));
	cpumask_copy(&d, &a);
	EXPECT_TRUE(cpumask_equal(&d, &a));
	EXPECT_FALSE(cpumask_equal(&d, &b));
}

KTEST(bitmap, nodemask_parse_print_round_trip)
{
	nodemask_t nodes;

	ASSERT_EQ(nodemask_parselist("1,0\n", &nodes), 0);
	EXPECT_EQ(nodemask_print(text, sizeof(text), &nodes), 3);
	EXPECT_STREQ(text, "0-1");
	EXPECT_EQ(nodemask_parselist("64", &nodes), -ERANGE);
	EXPECT_EQ(nodemask_parselist("1-0", &nodes), -EINVAL);
	EXPECT_EQ(nodes_weight(&nodes), 2); // unchanged by the failures
}

KTEST(bitmap, nodemask_operations)
{
	nodemask_t a = NODE_MASK_NONE, b, d;
	int node, n = 0;

	node_set(1, &a);
	node_set(3, &a);
	EXPECT_TRUE(node_isset(3, &a));
	EXPECT_FALSE(node_isset(2, &a));
	EXPECT_EQ(first_node(&a), 1);
	EXPECT_EQ(next_node(1, &a), 3);
	EXPECT_EQ(next_node(3, &a), MAX_NUMNODES);
	for_each_node_mask(node, &a)
		n += node;
	EXPECT_EQ(n, 4);

	nodes_setall(&b, 2);
	EXPECT_TRUE(nodes_and(&d, &a, &b));
	EXPECT_EQ(nodes_weight(&d), 1);
	EXPECT_TRUE(nodes_subset(&d, &a));
	EXPECT_TRUE(nodes_intersects(&a, &b));
	nodes_or(&d, &a, &b);
	nodemask_print(text, sizeof(text), &d);
	EXPECT_STREQ(text, "0-1,3");
	EXPECT_TRUE(nodes_andnot(&d, &a, &b));
	nodemask_print(text, sizeof(text), &d);
	EXPECT_STREQ(text, "3");
	nodes_copy(&d, &b);
	EXPECT_TRUE(nodes_equal(&d, &b));
	node_clear(1, &a);
	node_clear(3, &a);
	EXPECT_TRUE(nodes_empty(&a));
	nodes_clear(&b);
	EXPECT_TRUE(nodes_empty(&b));
}
