// Tests of the torture suite's pieces that run without a torture run: the
// torture= option and the baseline counts (kernel/torture.h).
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/torture.h"
#include "kernel/torture_internal.h"
#include "lib/string.h"
#include "mm/slab.h"

KTEST(torture, option_takes_seconds_seed_workers_and_notop)
{
	struct torture_params p;
	ASSERT_EQ(torture_parse("60", &p), 0);
	EXPECT_EQ(p.seconds, 60);
	EXPECT_EQ(p.seed, 0);
	EXPECT_EQ(p.workers, 0);
	EXPECT_FALSE(p.no_top_writes);
	EXPECT_EQ(p.only_op, -1);
	ASSERT_EQ(torture_parse("300,1234,6,notop", &p), 0);
	EXPECT_EQ(p.seconds, 300);
	EXPECT_EQ(p.seed, 1234);
	EXPECT_EQ(p.workers, 6);
	EXPECT_TRUE(p.no_top_writes);
	ASSERT_EQ(torture_parse("10,7,notop", &p), 0);
	EXPECT_EQ(p.seed, 7);
	EXPECT_TRUE(p.no_top_writes);
}

KTEST(torture, option_refuses_zero_garbage_and_too_many_workers)
{
	struct torture_params p;
	EXPECT_EQ(torture_parse("0", &p), -EINVAL);
	EXPECT_EQ(torture_parse("", &p), -EINVAL);
	EXPECT_EQ(torture_parse("x", &p), -EINVAL);
	EXPECT_EQ(torture_parse("10,,2", &p), -EINVAL);
	EXPECT_EQ(torture_parse("10,1,2,3", &p), -EINVAL);
	EXPECT_EQ(torture_parse("10,1,999", &p), -EINVAL);
	EXPECT_EQ(torture_parse("10,-1", &p), -EINVAL);
}

KTEST(torture, option_only_names_one_operation)
{
	struct torture_params p;
	ASSERT_EQ(torture_parse("60,5,0,only=sh", &p), 0);
	EXPECT_EQ(p.seconds, 60);
	EXPECT_EQ(p.seed, 5);
	EXPECT_EQ(p.only_op, OP_SH);
	EXPECT_FALSE(p.no_top_writes);
	ASSERT_EQ(torture_parse("60,5,notop,only=mkdir", &p), 0);
	EXPECT_EQ(p.only_op, OP_MKDIR);
	EXPECT_TRUE(p.no_top_writes);
	ASSERT_EQ(torture_parse("60,only=console", &p), 0);
	EXPECT_EQ(p.only_op, OP_CONSOLE);
	EXPECT_EQ(torture_parse("60,5,only=nosuch", &p), -EINVAL);
	EXPECT_EQ(torture_parse("60,5,only=", &p), -EINVAL);
	EXPECT_EQ(torture_parse("only=sh", &p), -EINVAL);
}

// The same PRNG state makes the same script (SEED= repeats them);
// another makes another; each starts in the worker's folder and fits.
KTEST(torture, sh_scripts_repeat_with_the_seed)
{
	static struct torture_worker w;
	static char a[SH_SCRIPT_MAX], b[SH_SCRIPT_MAX];
	w.id = 3;
	int same = 0;
	for (u64 seed = 1; seed <= 20; seed++) {
		w.rng = splitmix(seed) | 1;
		size_t na = torture_sh_generate(&w, a);
		w.rng = splitmix(seed) | 1;
		size_t nb = torture_sh_generate(&w, b);
		EXPECT_EQ(na, nb);
		EXPECT_EQ(memcmp(a, b, na), 0);
		EXPECT_LT(na, (size_t)SH_SCRIPT_MAX);
		EXPECT_EQ(strlen(a), na);
		EXPECT_EQ(strncmp(a, "cd /tmp/tsh_w3 || exit 99\n", 26), 0);
		w.rng = splitmix(seed + 1000) | 1;
		torture_sh_generate(&w, b);
		same += !strcmp(a, b);
	}
	EXPECT_LE(same, 1);
}

// The counts see an object that is not given back, and nothing else.
KTEST(torture, counts_see_a_leaked_object_and_its_return)
{
	static struct torture_counts before, after;
	torture_counts_take(&before);
	void *leak = kmalloc(1000, GFP_KERNEL); // kmalloc-1024
	ASSERT_TRUE(leak != NULL);
	torture_counts_take(&after);
	EXPECT_EQ(torture_counts_compare(&before, &after, TORTURE_OBJECTS, false), 0);
	EXPECT_GE(torture_counts_compare(&before, &after, TORTURE_MEMORY, false), 1);
	kfree(leak);
	torture_counts_take(&after);
	EXPECT_EQ(torture_counts_compare(&before, &after, TORTURE_OBJECTS | TORTURE_MEMORY, false), 0);
}

// A cache that grew shows which objects are new, with the text in them.
KTEST(torture, the_leak_report_names_the_new_objects)
{
	static struct torture_counts before, after;
	torture_slab_prepare();
	torture_counts_take(&before);
	torture_slab_snapshot(&before);
	char *leak[2];
	for (int i = 0; i < 2; i++) {
		leak[i] = kmalloc(1500, GFP_KERNEL); // kmalloc-2048
		ASSERT_TRUE(leak[i] != NULL);
		strcpy(leak[i] + 100, "the leaked one");
	}
	torture_counts_take(&after);
	EXPECT_GE(torture_slab_report(&before, &after), 2); // (and prints them)
	for (int i = 0; i < 2; i++)
		kfree(leak[i]);
	torture_counts_take(&after);
	EXPECT_EQ(torture_slab_report(&before, &after), 0); // no cache grew
	torture_slab_release();
}
