// In-kernel unit tests (KUnit/uktest style).
//
// KTEST(suite, name) { ... } defines a test and registers it in the
// .ktests linker section; the runner (kernel/ktest.c) walks that section,
// prints one TAP line per test and a closing "N passed, N failed" line.
// EXPECT_* record a failure and go on; ASSERT_* record it and return from
// the test. Both print file:line and the values involved.
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "kernel/types.h"
#include "lib/string.h"

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define KTEST(suite, name)                                                   \
	static void ktest_##suite##_##name(void);                            \
	static const struct ktest ktest_desc_##suite##_##name                \
		__attribute__((section(".ktests"), used, aligned(8))) = {    \
			#suite, #name, ktest_##suite##_##name};              \
	static void ktest_##suite##_##name(void)

// Called by the macros; records a failure of the running test.
void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
// Skip the running test, saying why; the test then returns. It is
// reported "ok N - suite.name # SKIP why" (TAP's skip) and counted in a
// "# N skipped" line before the summary, not as passed; a test that also
// recorded a failure is reported failed. For what a test cannot do here
// and now (a subsystem it needs is mounted by a user), never to hide a bug.
void ktest_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KTEST_CMP_(a, op, b, onfail)                                         \
	do {                                                                 \
		long long ka_ = (long long)(a), kb_ = (long long)(b);        \
		if (!(ka_ op kb_)) {                                         \
			ktest_fail(__FILE__, __LINE__,                       \
				   "expected %s %s %s: %lld vs %lld", #a, #op,   \
				   #b, ka_, kb_);                            \
			onfail;                                              \
		}                                                            \
	} while (0)

#define EXPECT_EQ(a, b) KTEST_CMP_(a, ==, b, (void)0)
#define EXPECT_NE(a, b) KTEST_CMP_(a, !=, b, (void)0)
#define EXPECT_LT(a, b) KTEST_CMP_(a, <, b, (void)0)
#define EXPECT_LE(a, b) KTEST_CMP_(a, <=, b, (void)0)
#define EXPECT_GT(a, b) KTEST_CMP_(a, >, b, (void)0)
#define EXPECT_GE(a, b) KTEST_CMP_(a, >=, b, (void)0)
#define EXPECT_TRUE(x) KTEST_CMP_(!!(x), ==, 1, (void)0)
#define EXPECT_FALSE(x) KTEST_CMP_(!!(x), ==, 0, (void)0)
#define ASSERT_EQ(a, b) KTEST_CMP_(a, ==, b, return)
#define ASSERT_NE(a, b) KTEST_CMP_(a, !=, b, return)
#define ASSERT_LT(a, b) KTEST_CMP_(a, <, b, return)
#define ASSERT_LE(a, b) KTEST_CMP_(a, <=, b, return)
#define ASSERT_GT(a, b) KTEST_CMP_(a, >, b, return)
#define ASSERT_GE(a, b) KTEST_CMP_(a, >=, b, return)
#define ASSERT_TRUE(x) KTEST_CMP_(!!(x), ==, 1, return)
#define ASSERT_FALSE(x) KTEST_CMP_(!!(x), ==, 0, return)

#define KTEST_STR_(a, b, want, onfail)                                       \
	do {                                                                 \
		const char *ka_ = (a), *kb_ = (b);                           \
		if ((strcmp(ka_, kb_) == 0) != (want)) {                     \
			ktest_fail(__FILE__, __LINE__,                       \
				   "expected %s %s %s: \"%s\" vs \"%s\"", #a,    \
				   (want) ? "==" : "!=", #b, ka_, kb_);      \
			onfail;                                              \
		}                                                            \
	} while (0)
#define EXPECT_STREQ(a, b) KTEST_STR_(a, b, 1, (void)0)
#define EXPECT_STRNE(a, b) KTEST_STR_(a, b, 0, (void)0)
#define ASSERT_STREQ(a, b) KTEST_STR_(a, b, 1, return)

// A test that deliberately triggers kernel error reports (a double free,
// a write after free: see report_bug in kernel/panic.h) calls this first.
// Otherwise a report during the test fails it, here and in
// scripts/ktest-run, which looks for the line this prints.
void ktest_expect_reports(void);
#define KTEST_EXPECTS_REPORTS "# this test expects kernel error reports"

// Runs every test whose "suite.name" matches pattern (NULL or "" = all;
// '*' wildcards allowed). Returns the number of failures.
// From an app (below), the tests run in a task of their own that starts
// in the top container of every hierarchy: the app's containers and
// their limits are the user's, not the tests'.
int ktest_run(const char *pattern);

// Benchmarks: KBENCH(name) { ... } returns nothing and reports its figure
// with kbench_report("name", value, "unit"), printed as "name value unit".
struct kbench {
	const char *name;
	void (*fn)(void);
};
#define KBENCH(name)                                                         \
	static void kbench_##name(void);                                     \
	static const struct kbench kbench_desc_##name                        \
		__attribute__((section(".kbenches"), used, aligned(8))) = {  \
			#name, kbench_##name};                               \
	static void kbench_##name(void)
// value is printed with 3 decimals: value_milli / 1000.
void kbench_report(const char *name, u64 value_milli, const char *unit);
int kbench_run(const char *pattern);

// The same from an app (the ktest and bench apps, through user/libc):
// ktest_run's failures or kbench_run's count, or -EBUSY if another run
// from an app is in progress. Task context.
int ktest_run_from_app(const char *pattern);
int kbench_run_from_app(const char *pattern);

// Called on a fatal error: if a test is running, report it as failed
// (crashed) with the summary line, so the result is never silent.
void ktest_abort_report(void);
// True if name ("suite.name") matches a ktest= pattern.
bool ktest_match(const char *pattern, const char *name);

#endif
