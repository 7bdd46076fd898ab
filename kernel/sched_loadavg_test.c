// Tests of the load average (kernel/sched.c): its arithmetic through
// sched_loadavg_fold, and /proc/loadavg's format. Sampling itself is
// every 5 s on the tick; the e2e tests watch it on a running system.
#include "fs/fs_test.h"
#include "kernel/ktest.h"
#include "kernel/sched_internal.h"
#include "lib/string.h"

#define FIXED_1 2048
// The hundredths /proc/loadavg prints for a fixed-point load.
static unsigned long hundredths(unsigned long load)
{
	return ((load + FIXED_1 / 200) * 100) >> 11;
}

KTEST(loadavg, one_busy_task_for_a_minute_reaches_63_percent_of_1)
{
	unsigned long l[3] = {0, 0, 0};
	for (int i = 0; i < 12; i++) // 12 samples of 5 s
		sched_loadavg_fold(l, 1, 1);
	// 1 - 1/e after one time constant; 1 - e^(-1/5), 1 - e^(-1/15).
	EXPECT_GE(hundredths(l[0]), 62);
	EXPECT_LE(hundredths(l[0]), 64);
	EXPECT_GE(hundredths(l[1]), 17);
	EXPECT_LE(hundredths(l[1]), 19);
	EXPECT_GE(hundredths(l[2]), 6);
	EXPECT_LE(hundredths(l[2]), 7);
	EXPECT_LT(l[2], l[1]);
	EXPECT_LT(l[1], l[0]);
}

KTEST(loadavg, steady_load_converges_to_it_and_idle_decays_to_zero)
{
	unsigned long l[3] = {0, 0, 0};
	for (int i = 0; i < 2000; i++)
		sched_loadavg_fold(l, 3, 1);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(hundredths(l[i]), 300);
	for (int i = 0; i < 2000; i++)
		sched_loadavg_fold(l, 0, 1);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(hundredths(l[i]), 0);
}

KTEST(loadavg, missed_samples_fold_as_if_taken_one_by_one)
{
	unsigned long a[3] = {4 * FIXED_1, 4 * FIXED_1, 4 * FIXED_1}, b[3];
	memcpy(b, a, sizeof(a));
	for (int i = 0; i < 30; i++)
		sched_loadavg_fold(a, 1, 1);
	sched_loadavg_fold(b, 1, 30);
	for (int i = 0; i < 3; i++) {
		EXPECT_LE(hundredths(a[i]), hundredths(b[i]) + 2);
		EXPECT_LE(hundredths(b[i]), hundredths(a[i]) + 2);
	}
}

KTEST(loadavg, proc_loadavg_has_linux_format)
{
	char buf[128];
	ASSERT_GT(fs_test_read_file("/proc/loadavg", buf, sizeof(buf)), 0);
	// "0.00 0.00 0.00 1/23 45\n"
	const char *p = buf;
	for (int i = 0; i < 3; i++) {
		while (*p >= '0' && *p <= '9')
			p++;
		EXPECT_EQ(*p++, '.');
		EXPECT_TRUE(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9');
		p += 2;
		EXPECT_EQ(*p++, ' ');
	}
	EXPECT_TRUE(strchr(p, '/') != NULL);
	EXPECT_EQ(buf[strlen(buf) - 1], '\n');
}
