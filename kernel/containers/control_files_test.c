// Numbers at the boundary in every writable control file of every
// subsystem (issue 13 item 5): a number past 64 bits is ERANGE (as
// Linux's kstrto*), garbage EINVAL, and a refused write changes nothing.
// The files are found through the core's own table, so a file added
// later is checked too. One hierarchy with every subsystem, under /tmp.
#include "fs/vfs.h"
#include "kernel/containers/container.h"
#include "kernel/containers/container_test_util.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CF "/tmp/ctl_numbers"

// The files that take a list, where "" is the empty set (as in Linux).
static bool takes_a_list(const char *name)
{
	return !strcmp(name, "cpuset.cpus") || !strcmp(name, "memset.mems");
}

// What comes before the number in a file of key=value pairs.
static const char *key_of(const char *name)
{
	return !strcmp(name, "numtasks.shares") ? "max_shares=" : "";
}

// Write each of the values to every writable file of the container at
// dir (c): each must fail with its errno, and leave what the file reads.
static void check_files(struct container *c, const char *dir, bool root)
{
	char name[64], path[128], before[256], after[256];
	const struct cftype *cft;
	int checked = 0;
	for (int i = 0; (cft = container_file(c, i, name, sizeof(name))); i++) {
		if (!cft->write || !strcmp(name, "release_agent")) // a command line
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		EXPECT_GE(get(path, before, sizeof(before)), 0);
		static const struct {
			const char *value;
			int err;
		} cases[] = {
			{"99999999999999999999", -ERANGE},
			{"18446744073709551616", -ERANGE},
			{"12x", -EINVAL},
			{"x", -EINVAL},
			{"", -EINVAL},
		};
		for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
			if (!*cases[k].value && takes_a_list(name))
				continue;
			char value[64];
			snprintf(value, sizeof(value), "%s%s", key_of(name), cases[k].value);
			long r = put(path, value);
			// A root's limit file is read-only whatever is written.
			bool ok = r == cases[k].err || (root && r == -EACCES);
			if (!ok)
				kprintf("# %s <- '%s': %ld, want %d\n", path, value, r,
					cases[k].err);
			EXPECT_TRUE(ok);
		}
		EXPECT_GE(get(path, after, sizeof(after)), 0);
		// The root's usage grows with every CPU's work meanwhile; the
		// child's has no tasks to grow it.
		if (!(root && !strcmp(name, "cpuacct.usage")))
			EXPECT_STREQ(after, before);
		checked++;
	}
	EXPECT_GE(checked, root ? 4 : 10);
}

KTEST(control_files, every_writable_file_says_erange_past_64_bits_and_einval_for_garbage)
{
	MOUNT_OR_SKIP(CF, NULL);
	ASSERT_EQ(sys_mkdir(CF "/a", 0755), 0);
	struct hierarchy *h = container_subsys_by_name("bc")->hierarchy;
	container_lock();
	struct container *a = container_lookup_child(&h->top, "a");
	container_unlock();
	ASSERT_NE(a, NULL);
	check_files(&h->top, CF, true);
	check_files(a, CF "/a", false);
	EXPECT_EQ(sys_rmdir(CF "/a"), 0);
	unmount_at(CF);
}
