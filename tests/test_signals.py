"""Signals an app can catch (issues 14 and 15): Ctrl-C during the `wait`
builtin ends only `wait` (status 130, the background jobs keep running);
Ctrl-C on a foreground pipeline ends all of it and no background job;
`trap` actions for INT and TERM run and the shell goes on; an interactive
shell survives INT and TERM sent to itself; a script's background jobs
ignore SIGINT; `trap ''` is inherited; a C app catches and ignores
signals with signal()/sigaction(). On 1 CPU/1 node and 4 CPUs/2 nodes.
(The kernel side: ktests signal.*; scripts with traps: tests/sh/trap_*.)"""

import re
import time

from corral import Corral, check, check_soon

guests = []


def setup_module():
    guests.append(Corral(cpus=1, nodes=1))
    guests.append(Corral(cpus=4, nodes=2))


def teardown_module():
    for g in guests:
        g.close()


def started_pid(out):
    m = re.fullmatch(r"\[\d+\] (\d+)", out)
    assert m, "a background job's notice, got %r" % out
    return m.group(1)


def running(g, pid):
    return g.run("kill -0 %s 2>/dev/null && echo yes || echo no" % pid) == "yes"


def end_jobs(g):
    """Kill every job of the guest's shell and reap them (a failed test
    must not leave jobs for the next one's `wait`)."""
    pids = re.findall(r"^\s*(\d+)\s+%s\s" % g.run("echo $$"), g.run("ps"), re.M)
    for pid in pids:
        g.run("kill -KILL %s 2>/dev/null" % pid)
    g.run("jobs >/dev/null")


def names_in_ps(g):
    return [line.split()[-1] for line in g.run("ps").splitlines()[1:]]


def test_ctrl_c_during_wait_interrupts_only_wait():
    for g in guests:
        end_jobs(g)
        pid = started_pid(g.run("sleep 100 &"))
        g.sendline("wait; echo not reached")
        time.sleep(1.0)
        g.send_ctrl_c()
        out = g.expect_prompt(timeout=10).split("\n", 1)[1]  # (not the echo)
        assert "not reached" not in out, "%s: the rest of the line ran:\n%s" % (g.describe(), out)
        assert g.last_status() == 130
        check(g, "jobs", re.compile(r"\[\d+\]\+ Running  sleep 100"))
        assert running(g, pid), "%s: Ctrl-C during wait killed the job" % g.describe()
        # Ctrl-Z during wait does not stop the shell (it takes Ctrl-C
        # itself, and ignores SIGTSTP as shells do).
        g.sendline("wait %1")
        time.sleep(0.5)
        g.send("\x1a")
        time.sleep(0.3)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        assert running(g, pid)
        # The job is still the shell's to wait for.
        check(g, "kill %s; wait %s" % (pid, pid), "", status=143)
        check(g, "jobs", "")


def test_ctrl_c_ends_a_foreground_pipeline_and_spares_background_jobs():
    for g in guests:
        end_jobs(g)
        bg = started_pid(g.run("sleep 100 &"))
        g.sendline("sleep 100 | cat")
        time.sleep(1.0)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        names = names_in_ps(g)
        assert "cat" not in names, "%s: cat survived Ctrl-C: %s" % (g.describe(), names)
        assert names.count("sleep") == 1, "%s: ps shows %s" % (g.describe(), names)
        assert running(g, bg)
        g.run("kill %s; wait" % bg)


def test_ctrl_c_or_z_on_a_job_throws_away_what_was_typed_ahead():
    """As a Linux tty flushes its input on Ctrl-C and Ctrl-Z: a line typed
    while the job ran is not run, even one the shell had read ahead (it
    polls the console for Ctrl-C between the loop's rounds)."""
    for g in guests:
        for key, status in (("\x03", 130), ("\x1a", 148)):
            end_jobs(g)
            g.sendline("for i in 1 2 3 4; do sleep 0.3; done; spin 30")
            g.sendline("echo typed-ahead")
            time.sleep(2.5)
            start = len(g.log)
            g.send(key)
            g.expect_prompt(timeout=10)
            assert g.last_status() == status, (key, g.last_status())
            check(g, "echo after", "after")
            assert "typed-ahead" not in g.log[start:], g.log[start:]
            g.run("kill -9 %1 2>/dev/null; wait")
            assert "spin" not in names_in_ps(g)


def test_trap_int_runs_its_action_and_the_shell_goes_on():
    for g in guests:
        end_jobs(g)
        check(g, "trap 'echo got INT' INT; kill -INT $$; echo after", "got INT\nafter")
        check(g, "trap", "trap -- 'echo got INT' INT")
        check(g, "false; kill -INT $$; echo $?", "got INT\n0")
        check(g, "trap - INT; trap", "")


def test_ctrl_c_ends_a_trap_that_keeps_sending_its_own_signal():
    for g in guests:
        end_jobs(g)
        g.sendline("i=0; trap 'i=$((i+1)); kill -INT $$' INT; kill -INT $$; echo not reached")
        time.sleep(1.0)
        g.send_ctrl_c()
        out = g.expect_prompt(timeout=20).split("\n", 1)[1]
        assert "not reached" not in out, out
        assert g.last_status() == 130
        assert int(g.run("echo $i")) > 1
        check(g, "trap - INT; echo $((1 + 1))", "2")


def test_an_interactive_shell_survives_int_and_term_sent_to_itself():
    for g in guests:
        end_jobs(g)
        check(g, "kill -TERM $$; kill -INT $$; kill -QUIT $$; echo alive", "alive")
        # ...and the commands it starts do not inherit that: they die of them.
        check(g, "sh -c 'kill -TERM $$; echo not reached'", "", status=143)
        check(g, "sh -c 'kill -INT $$; echo not reached'", "", status=130)


def test_trap_term_in_a_script_and_the_default_without_one():
    for g in guests:
        end_jobs(g)
        g.run("printf 'trap \"echo bye\" TERM\\nkill -TERM $$\\necho still here\\n' > /tmp/term.sh")
        check(g, "sh /tmp/term.sh", "bye\nstill here")
        g.run("printf 'kill -TERM $$\\necho not reached\\n' > /tmp/term2.sh")
        check(g, "sh /tmp/term2.sh", "", status=143)
        g.run("printf 'trap \"echo bye; exit 7\" HUP\\nkill -HUP $$\\necho not reached\\n' > /tmp/hup.sh")
        check(g, "sh /tmp/hup.sh", "bye", status=7)


def test_background_jobs_of_a_script_ignore_sigint():
    for g in guests:
        end_jobs(g)
        g.run("printf 'sleep 100 &\\necho $!\\n' > /tmp/bg.sh")
        pid = g.run("sh /tmp/bg.sh")
        assert pid.isdigit(), pid
        check(g, "kill -INT %s" % pid, "")
        time.sleep(0.3)
        assert running(g, pid), "%s: a script's background job died of SIGINT" % g.describe()
        check(g, "kill -TERM %s" % pid, "")
        check_soon(g, "kill -0 %s 2>/dev/null && echo yes || echo no" % pid, "no")
        # At the prompt (job control), a background job keeps the default.
        pid = started_pid(g.run("sleep 100 &"))
        check(g, "kill -INT %s; wait %s" % (pid, pid), "", status=130)


def test_ctrl_c_during_a_scripts_wait_ends_the_script_not_its_background_job():
    for g in guests:
        end_jobs(g)
        g.run("printf 'sleep 100 &\\necho $!\\nwait\\necho not reached\\n' > /tmp/bgw.sh")
        g.sendline("sh /tmp/bgw.sh")
        g.expect(r"\n(\d+)\r*\n", timeout=10)
        pid = g.match.group(1)
        time.sleep(0.5)
        g.send_ctrl_c()
        out = g.expect_prompt(timeout=10)
        assert "not reached" not in out, out
        assert g.last_status() == 130
        assert running(g, pid), "%s: the script's background job died of its Ctrl-C" % g.describe()
        g.run("kill %s" % pid)


def test_trap_ignore_is_inherited_by_commands():
    for g in guests:
        end_jobs(g)
        pid = started_pid(g.run("trap '' INT; sleep 100 &"))
        check(g, "kill -INT %s; kill -INT $$; echo shell alive" % pid, "shell alive")
        time.sleep(0.3)
        assert running(g, pid), "%s: trap '' INT was not inherited" % g.describe()
        check(g, "trap", "trap -- '' INT")
        check(g, "trap - INT; trap", "")
        g.run("kill %s; wait" % pid)


def test_a_c_app_catches_and_ignores_signals():
    for g in guests:
        end_jobs(g)
        out = g.run("__sigtest > /tmp/sig.out &")
        pid = started_pid(out)
        for _ in range(50):
            if "waiting in pid" in g.run("cat /tmp/sig.out"):
                break
            time.sleep(0.1)
        check(g, "cat /tmp/sig.out",
              "signal(SIGKILL): Invalid argument\n"
              "raise(SIGUSR1): handler ran 1 time(s)\n"
              "SIGINT was default; waiting in pid %s" % pid)
        check(g, "kill -TERM %s" % pid, "")  # ignored
        time.sleep(0.3)
        assert running(g, pid)
        check(g, "kill -INT %s; wait %s" % (pid, pid), "")  # caught: exits 0
        check(g, "cat /tmp/sig.out",
              "signal(SIGKILL): Invalid argument\n"
              "raise(SIGUSR1): handler ran 1 time(s)\n"
              "SIGINT was default; waiting in pid %s\n"
              "caught SIGINT 1 time(s), SIGTERM 0: sleep cut short" % pid)
