// pid 1, "init": the first task, started by kmain once the scheduler runs.
// It does what the boot command line asks -- run the in-kernel tests, run
// the benchmarks (the bench app), run init="CMD" in the shell, or the
// interactive shell --
// and powers off when that ends, with success if it did. It
// runs as an ordinary task, so tests may sleep, spawn and wait. Orphaned
// tasks are handed to init, but the kernel reaps them (task.c).
#include "kernel/app.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/ktest.h"
#include "kernel/torture.h"
#include "kernel/panic.h"
#include "kernel/task.h"

int init_main(void *arg)
{
	(void)arg;
	if (cmdline.ktest) {
		int failed = ktest_run(cmdline.ktest_pattern);
		poweroff(failed == 0);
	}
	if (cmdline.bench) {
		// The bench app prints the KBENCH figures and then its own (as
		// apps see the kernel); without apps, the KBENCH ones alone.
		char *const argv[] = {"bench", cmdline.bench_pattern[0] ? cmdline.bench_pattern : NULL,
				      NULL};
		int status = app_run(argv);
		if (status == -ENOENT)
			status = kbench_run(cmdline.bench_pattern) >= 0 ? 0 : 1;
		poweroff(status == 0);
	}
	if (cmdline.torture[0]) {
		struct torture_params p;
		if (torture_parse(cmdline.torture, &p)) {
			kprintf("torture: FAIL: bad torture=%s (SECONDS[,SEED[,WORKERS]])\n",
				cmdline.torture);
			poweroff(false);
		}
		poweroff(torture_run(&p) == 0);
	}
	int status = app_init_main(cmdline.init); // init="CMD": its exit status
	if (status == -ENOENT)
		console_main();
	poweroff(status == 0);
}

void init_task_start(void)
{
	struct task *t = task_create_init(init_main, NULL);
	if (IS_ERR(t))
		panic("cannot create init: error %ld", PTR_ERR(t));
	task_start(t);
}
