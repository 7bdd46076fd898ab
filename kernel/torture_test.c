// Tests of the torture suite's pieces that run without a torture run: the
// torture= option and the baseline counts (kernel/torture.h).
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/torture.h"
#include "mm/slab.h"

KTEST(torture, option_takes_seconds_seed_workers_and_notop)
{
	struct torture_params p;
	ASSERT_EQ(torture_parse("60", &p), 0);
	EXPECT_EQ(p.seconds, 60);
	EXPECT_EQ(p.seed, 0);
	EXPECT_EQ(p.workers, 0);
	EXPECT_FALSE(p.no_top_writes);
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
