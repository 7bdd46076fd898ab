// Mount racing rmdir (issue 13 item 6): a mount that succeeds is on a
// directory that is still linked, so it can always be unmounted by its
// path; an rmdir of a directory being mounted on either wins (the mount
// fails ENOENT) or loses (EBUSY).
#include "fs/fs_test.h"
#include "kernel/task_test_util.h"

struct rmdir_racer {
	volatile int stop;
	volatile long removed, busy;
	volatile int mounted; // the mount loop's wins so far
};

// Removes and recreates the mountpoint as fast as it can. On a slow or
// loaded machine a mount can take longer than a round, and every mount
// could lose (CI once saw 400 of 400 refused), leaving the winning path
// untested; so when no mount has won for 64 rounds the racer pauses a
// millisecond.
static int rmdir_racer(void *p)
{
	struct rmdir_racer *r = p;
	int seen = 0;
	for (unsigned round = 1; !r->stop; round++) {
		int err = sys_rmdir("/tmp/mnt_race/d");
		if (err == 0)
			r->removed++;
		else if (err == -EBUSY)
			r->busy++;
		sys_mkdir("/tmp/mnt_race/d", 0755);
		if (round % 64 == 0) {
			if (r->mounted == seen)
				sleep_ns(MS);
			seen = r->mounted;
		}
	}
	return 0;
}

KTEST(mount, a_mount_racing_rmdir_is_always_reachable_and_unmountable)
{
	FS_LEAK_CHECK_BEGIN();
	ASSERT_EQ(sys_mkdir("/tmp/mnt_race", 0755), 0);
	ASSERT_EQ(sys_mkdir("/tmp/mnt_race/d", 0755), 0);
	static struct rmdir_racer r;
	memset(&r, 0, sizeof(r));
	cpumask_t other = cpu_online_mask;
	if (cpumask_weight(&other) > 1)
		cpumask_clear_cpu(smp_processor_id(), &other);
	struct task *t = test_spawn("rmdir_racer", rmdir_racer, &r, &other);
	ASSERT_NE(t, NULL);
	for (int ms = 0; r.removed == 0 && ms < 1000; ms++) // the racer has started
		sleep_ns(MS);
	// At least 400 tries, and on until the mount has won a few times (or
	// 10 s have passed, when the EXPECT below reports it).
	int mounted = 0, lost = 0, refused = 0;
	u64 deadline = clock_ns() + 10000 * MS;
	for (int i = 0; i < 400 || (mounted < 5 && clock_ns() < deadline); i++) {
		int err = sys_mount("none", "/tmp/mnt_race/d", "ramfs", NULL);
		if (err == -ENOENT) { // removed under us: fine, nothing mounted
			refused++;
			continue;
		}
		if (err)
			continue; // no directory at that moment
		mounted++;
		r.mounted = mounted;
		// The racer cannot remove a mountpoint: our mount is still there.
		if (sys_umount("/tmp/mnt_race/d") != 0)
			lost++;
	}
	r.stop = 1;
	EXPECT_EQ(test_reap(t, 5000 * MS), 0);
	printk("# %d mounted, %d refused, racer removed %ld, busy %ld\n", mounted, refused,
	       r.removed, r.busy);
	EXPECT_EQ(lost, 0);
	EXPECT_GT(mounted, 0);
	sys_rmdir("/tmp/mnt_race/d");
	EXPECT_EQ(sys_rmdir("/tmp/mnt_race"), 0);
	FS_LEAK_CHECK_END();
}
