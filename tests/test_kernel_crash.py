"""The kernel's debug checks end in a readable report (steps 2 and 3).

Each test boots a guest with ktest=SUITE.NAME, naming one deliberate crash
(crash suites run only when named), and checks that the guest powered off
with the failure status and that the report says what went wrong: a
kernel stack overflow names the stack and its task and still reaches the
code that started the recursion; the scheduler's checks name the mistake.
"""

import subprocess

from corral import QEMU


def _crash(name, cpus=2):
    """Boot with ktest=NAME; return (scripts/qemu status, output)."""
    p = subprocess.run([QEMU, "--cpus", str(cpus), "--nodes", "1", "--mem", "256",
                        "--append", "ktest=" + name, "--timeout", "60"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       encoding="utf-8", errors="replace")
    return p.returncode, p.stdout.replace("\r", "")


def _assert_report(status, out, *wanted):
    assert status == 1, "status %r, want 1 (guest failure):\n%s" % (status, out[-3000:])
    for w in wanted:
        assert w in out, "crash report lacks %r:\n%s" % (w, out[-3000:])


def test_task_stack_overflow_is_a_double_fault_naming_the_task():
    status, out = _crash("crash.stack_overflow")
    _assert_report(status, out, "#DF double fault",
                   "RSP is in the guard page of task stack (of init/1): stack overflow",
                   "Task: init/1", "times)", "ktest_run+0x",
                   "not ok 1 - crash.stack_overflow # crashed", "0 passed, 1 failed")


def test_overflow_of_a_named_kernel_stack_names_it():
    status, out = _crash("crash_mm.kstack_overflow_report_names_the_stack")
    _assert_report(status, out, "#DF double fault",
                   "RSP is in the guard page of crash-test-stack: stack overflow",
                   "ktest_crash_mm_kstack_overflow_report_names_the_stack+0x")


def test_schedule_with_a_spinlock_held_panics():
    status, out = _crash("crash_sched.schedule_with_a_spinlock_held")
    _assert_report(status, out, "KERNEL PANIC", "scheduling while atomic: init/1",
                   "spinlocks held 1 (last taken: held)")


def test_sleep_with_preemption_disabled_panics():
    status, out = _crash("crash_sched.sleep_with_preemption_disabled")
    _assert_report(status, out, "KERNEL PANIC", "scheduling while atomic", "preempt_count 1")


def test_spinlock_taken_twice_panics():
    status, out = _crash("crash_sched.spinlock_taken_twice_on_one_cpu")
    _assert_report(status, out, "KERNEL PANIC", "spinlock twice: recursive lock on cpu")


def test_mutex_unlock_by_a_non_owner_panics():
    status, out = _crash("crash_sched.mutex_unlock_by_a_task_that_does_not_own_it")
    _assert_report(status, out, "KERNEL PANIC", "unlocked by init/1, owner owner/")


def test_mutex_locked_twice_by_its_owner_panics():
    status, out = _crash("crash_sched.mutex_locked_twice_by_its_owner")
    _assert_report(status, out, "KERNEL PANIC", "locks it again (deadlock)")
