// Deliberate crashes for the scheduler's debug checks; like kernel/
// crash_test.c they run only when named (ktest=crash_sched.NAME), and
// each must end in a panic whose message names the mistake.
#include "kernel/mutex.h"
#include "kernel/task_test_util.h"

KTEST(crash_sched, schedule_with_a_spinlock_held)
{
	static DEFINE_SPINLOCK(held);
	spin_lock(&held);
	schedule(); // panics: "scheduling while atomic ... (last taken: held)"
	spin_unlock(&held);
	ktest_fail(__FILE__, __LINE__, "schedule() with a spinlock held did not panic");
}

KTEST(crash_sched, sleep_with_preemption_disabled)
{
	preempt_disable();
	sleep_ns(MS); // panics: "scheduling while atomic ... preempt_count 1"
	preempt_enable();
	ktest_fail(__FILE__, __LINE__, "sleeping with preemption disabled did not panic");
}

static int __attribute__((noreturn)) lock_forever(void *arg)
{
	mutex_lock(arg);
	for (;;)
		sleep_ns(NSEC_PER_SEC);
}

KTEST(crash_sched, mutex_unlock_by_a_task_that_does_not_own_it)
{
	static DEFINE_MUTEX(theirs);
	struct task *t = test_spawn("owner", lock_forever, &theirs, NULL);
	ASSERT_TRUE(t);
	while (!mutex_is_locked(&theirs))
		sleep_ns(MS);
	mutex_unlock(&theirs); // panics: "unlocked by init/1, owner owner/N"
	ktest_fail(__FILE__, __LINE__, "unlocking another task's mutex did not panic");
}

KTEST(crash_sched, mutex_locked_twice_by_its_owner)
{
	static DEFINE_MUTEX(mine);
	mutex_lock(&mine);
	mutex_lock(&mine); // panics: "locks it again (deadlock)"
	ktest_fail(__FILE__, __LINE__, "relocking a mutex did not panic");
}

KTEST(crash_sched, spinlock_taken_twice_on_one_cpu)
{
	static DEFINE_SPINLOCK(twice);
	spin_lock(&twice);
	spin_lock(&twice); // panics: "spinlock twice: recursive lock on cpu N"
	ktest_fail(__FILE__, __LINE__, "taking a spinlock twice did not panic");
}
