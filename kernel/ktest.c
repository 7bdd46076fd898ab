// The ktest runner: walks the .ktests section, runs matching tests, prints
// TAP and a closing "N passed, N failed" line. A test that crashes the
// kernel is reported through ktest_abort_report() from the panic path.
// Also runs KBENCH benchmarks from .kbenches.
//
// Both run at boot in init (the `ktest` and `bench` command-line words) or
// from the shell through the ktest and bench apps (ktest_run_from_app,
// kbench_run_from_app). Their output always goes to the console, like
// the boot run's. One run at a time: the counters below are global.
#include "kernel/ktest.h"
#include "kernel/atomic.h"
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/task.h"
#include "mm/slab.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const struct ktest __ktests_start[], __ktests_end[];
extern const struct kbench __kbenches_start[], __kbenches_end[];

// State of the run in progress; tests may call ktest_fail from any CPU.
// The run itself is owned by whoever set `busy` (one run at a time).
static int busy;
static const struct ktest *running;
static int running_index;
static int test_failures; // failures recorded in the running test
static char skip_reason[160]; // non-empty: the running test skipped itself
static bool expects_reports; // the running test called ktest_expect_reports()
static int passed, failed, skipped;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_add_fetch(&test_failures, 1, __ATOMIC_SEQ_CST);
	kprintf("# %s:%d: %s\n", file, line, msg);
}

void ktest_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	if (!skip_reason[0])
		strcpy(skip_reason, "skipped");
}

// Glob match with '*'.
static bool glob(const char *p, const char *s)
{
	if (*p == 0)
		return *s == 0;
	if (*p == '*')
		return glob(p + 1, s) || (*s && glob(p, s + 1));
	return *s && *p == *s && glob(p + 1, s + 1);
}

// Suites named "crash*" deliberately bring the kernel down (to test the
// fatal-trap report); they run only when a pattern names them.
static bool ktest_selected(const char *pattern, const char *name)
{
	if (strncmp(name, "crash", 5) == 0 && (!pattern || strncmp(pattern, "crash", 5) != 0))
		return false;
	return ktest_match(pattern, name);
}

bool ktest_match(const char *pattern, const char *name)
{
	if (!pattern || !*pattern)
		return true;
	char one[128];
	while (*pattern) { // comma-separated alternatives
		size_t n = strcspn(pattern, ",");
		if (n && n < sizeof(one) - 2) {
			memcpy(one, pattern, n);
			one[n] = 0;
			if (!strchr(one, '*')) // a plain word is a prefix
				strcat(one, "*");
			if (glob(one, name))
				return true;
		}
		pattern += n;
		if (*pattern == ',')
			pattern++;
	}
	return false;
}

int ktest_run(const char *pattern)
{
	char name[128];
	int total = 0;
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		snprintf(name, sizeof(name), "%s.%s", t->suite, t->name);
		total += ktest_selected(pattern, name);
	}
	passed = failed = skipped = 0;
	kprintf("TAP version 13\n1..%d\n", total);
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		snprintf(name, sizeof(name), "%s.%s", t->suite, t->name);
		if (!ktest_selected(pattern, name))
			continue;
		test_failures = 0;
		skip_reason[0] = '\0';
		expects_reports = false;
		running_index++;
		running = t;
		u64 reports = READ_ONCE(kernel_reports);
		t->fn();
		reports = READ_ONCE(kernel_reports) - reports;
		if (reports && !expects_reports)
			ktest_fail(__FILE__, __LINE__, "%llu kernel error report(s) during this test",
				   (unsigned long long)reports);
		running = NULL;
		if (test_failures == 0 && skip_reason[0]) {
			skipped++;
			kprintf("ok %d - %s # SKIP %s\n", running_index, name, skip_reason);
		} else if (test_failures == 0) {
			passed++;
			kprintf("ok %d - %s\n", running_index, name);
		} else {
			failed++;
			kprintf("not ok %d - %s\n", running_index, name);
		}
	}
	if (skipped)
		kprintf("# %d skipped (see the SKIP lines: each says why)\n", skipped);
	kprintf("%d passed, %d failed\n", passed, failed);
	running_index = 0;
	return failed;
}

void ktest_expect_reports(void)
{
	expects_reports = true;
	kprintf("%s\n", KTEST_EXPECTS_REPORTS);
}

void ktest_abort_report(void)
{
	if (!running)
		return;
	kprintf("not ok %d - %s.%s # crashed\n", running_index, running->suite, running->name);
	kprintf("# test suite stopped: the kernel cannot continue after this crash\n");
	kprintf("%d passed, %d failed\n", passed, failed + 1);
}

void kbench_report(const char *name, u64 value_milli, const char *unit)
{
	kprintf("%s %llu.%03llu %s\n", name, (unsigned long long)(value_milli / 1000),
		(unsigned long long)(value_milli % 1000), unit);
}

int kbench_run(const char *pattern)
{
	int n = 0;
	for (const struct kbench *b = __kbenches_start; b < __kbenches_end; b++) {
		if (!ktest_match(pattern, b->name))
			continue;
		b->fn();
		n++;
	}
	return n;
}

// A run from an app task (the ktest and bench apps): refused with -EBUSY
// while another run is in progress, since the counters are shared.
static bool run_claim(void)
{
	return __atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE) == 0;
}

static void run_release(void)
{
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

// A run from an app, in a task of its own (the "ktest" task) that first
// leaves the app's containers for the top of every hierarchy: the tests
// and benchmarks then see no limit of the user's. The app waits for it;
// if the app is killed meanwhile, the run goes on, and whichever of the
// two finishes last frees this and ends the run (busy), so no second run
// starts while this one still uses the counters.
struct app_run {
	atomic_t refs; // the app's and the run task's
	const char *pattern; // a copy, owned here
	bool bench;
	int result;
};

static void app_run_put(struct app_run *r)
{
	if (atomic_dec_and_test(&r->refs)) {
		kfree((void *)r->pattern);
		kfree(r);
		run_release();
	}
}

static int app_run_task(void *arg)
{
	struct app_run *r = arg;
	int err = container_attach_roots(current);
	if (err)
		kprintf("# could not leave the app's containers (error %d): "
			"its limits apply to the run\n", err);
	r->result = r->bench ? kbench_run(r->pattern) : ktest_run(r->pattern);
	app_run_put(r);
	return 0;
}

static int run_in_own_task(const char *pattern, bool bench)
{
	if (!run_claim())
		return -EBUSY;
	struct app_run *r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		run_release();
		return -ENOMEM;
	}
	r->pattern = pattern ? kstrdup(pattern, GFP_KERNEL) : NULL;
	if (pattern && !r->pattern) {
		kfree(r);
		run_release();
		return -ENOMEM;
	}
	r->bench = bench;
	atomic_set(&r->refs, 2);
	pid_t pid = kernel_spawn(bench ? "kbench" : "ktest", app_run_task, r);
	if (pid < 0) {
		atomic_set(&r->refs, 1);
		app_run_put(r);
		return pid;
	}
	pid_t w = do_waitpid(pid, NULL, 0);
	int result = w == pid ? r->result : (w < 0 ? w : -EINTR);
	app_run_put(r);
	return result;
}

int ktest_run_from_app(const char *pattern) { return run_in_own_task(pattern, false); }

int kbench_run_from_app(const char *pattern) { return run_in_own_task(pattern, true); }
