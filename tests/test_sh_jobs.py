"""Job control (issue 15): Ctrl-Z stops the foreground job, `jobs` lists
it Stopped, `fg`/`bg` continue it; `kill -STOP`/`-CONT` work on any task;
a stopped task shows T in ps, stays counted in its container's tasks and
dies of a kill."""

import re
import subprocess
import time

from corral import Corral, check, default_signals
from test_sh_corpus import printf_escape

guests = []


def setup_module():
    guests.append(Corral(cpus=2, nodes=1))


def teardown_module():
    for g in guests:
        g.close()


def state_of(g, name, pid=r"\d+"):
    out = g.run("ps")
    m = re.search(r"^\s*(%s)\s.*\s([RSDTNZX])\s.*\s%s$" % (pid, name), out, re.M)
    assert m, "%s: no %s in ps:\n%s" % (g.describe(), name, out)
    return m.group(1), m.group(2)


def spin_running(g):
    return re.search(r"\s[RS]\s.*\sspin$", g.run("ps"), re.M)


def until(g, pred, what, tries=50):
    """Poll pred(g) every 0.2 s (a task starts or dies on its own time on
    a loaded host), up to 10 s; assert it came true."""
    for _ in range(tries):
        if pred(g):
            return
        time.sleep(0.2)
    assert pred(g), "%s: %s" % (g.describe(), what)


def test_ctrl_z_stops_the_foreground_job_and_fg_bg_continue_it():
    for g in guests:
        g.sendline("spin 100")
        time.sleep(1.0)
        g.send("\x1a")  # Ctrl-Z
        g.expect(r"\[(\d+)\]\+ Stopped  spin 100\r*\n", timeout=10)
        g.expect_prompt()
        assert g.last_status() == 148
        pid, state = state_of(g, "spin")
        assert state == "T", "spin is %s after Ctrl-Z" % state
        check(g, "jobs", re.compile(r"\[\d+\]\+ Stopped  spin 100"))
        out = g.run("bg")
        assert re.fullmatch(r"\[\d+\] spin 100 &", out), out
        time.sleep(0.3)
        assert state_of(g, "spin")[1] in "RS"
        # fg brings it back; Ctrl-C then ends it.
        g.sendline("fg")
        g.expect(r"spin 100\r*\n")
        time.sleep(0.5)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        assert " spin" not in g.run("ps")


def test_kill_stop_and_cont_on_any_task():
    for g in guests:
        out = g.run("spin 100 &")
        pid = re.fullmatch(r"\[\d+\] (\d+)", out).group(1)
        check(g, "kill -STOP %s" % pid, "")
        time.sleep(0.3)
        assert state_of(g, "spin", pid) == (pid, "T")
        check(g, "grep State /proc/%s/status" % pid, "State:\tT (stopped)")
        check(g, "kill -CONT %s" % pid, "")
        time.sleep(0.3)
        assert state_of(g, "spin", pid)[1] in "RS"
        # a stopped task dies of a kill
        check(g, "kill -STOP %s; kill -9 %s; wait %s; echo $?" % (pid, pid, pid), "137")
        assert not re.search(r"^\s*%s\s" % pid, g.run("ps"), re.M)


def test_kill_of_a_background_command_with_parameters_reaches_it():
    """$! is the command itself, as in dash (where the subshell execs it),
    not a shell waiting for it: a kill leaves no orphan running."""
    for g in guests:
        g.run("t=100; n=100")
        out = g.run("spin $t & p=$!; echo $p")
        pid = out.splitlines()[-1]
        assert state_of(g, "spin", pid)[0] == pid
        check(g, "kill $p; wait $p; echo $?", "143")
        assert " spin" not in g.run("ps")
        # A pipeline's last command too, and words that are quoted.
        g.run("spin \"$t\" | spin ${n:-1} & p=$!")
        pid = g.run("echo $p")
        assert state_of(g, "spin", pid)[1] in "RS"
        check(g, "kill $p", "")

        def gone(g):
            m = re.search(r"^\s*%s\s.*\s([RSDTNZX])\s" % pid, g.run("ps"), re.M)
            return not m or m.group(1) == "Z"
        until(g, gone, "spin %s lives on" % pid)
        g.run("kill %1 2>/dev/null; wait")
        assert " spin" not in g.run("ps")
        # Words whose expansion may change the shell stay in a subshell,
        # as dash's do: ${x=...} assigns there only.
        check(g, "unset x; true ${x=5} & wait; echo \"[$x]\"", re.compile(r"\[\d+\] \d+\n\[\]"))
        # A forkshell passes the kill on to the app it runs, as dash's
        # subshell would have exec'd it: kill $! (SIGTERM or SIGKILL) and
        # kill %N leave no spin behind.
        for kill in ("kill $p", "kill -9 $p", "kill %1"):
            g.run("spin $(echo 100) & p=$!")
            until(g, spin_running, "no spin running")
            g.run(kill)
            until(g, lambda g: not spin_running(g), "spin lives on after " + kill)
            g.run("wait")
        # So does sh -c to its last command, which busybox sh and bash
        # exec (after ; and &&, in { } and ( )); a kill while an earlier
        # one runs leaves that one, and so does one with a trap set, which
        # busybox forks.
        ends = ("'spin 100'", "'true; spin 100'", "'x=100; true && spin $x'",
                "'cd /; (spin 100)'", "\"$(printf 'true\\n{ spin 100; } # last\\n')\"")
        leaves = ("'spin 100; true'", "'trap \"echo bye\" EXIT; spin 100'")
        for text in ends + leaves:
            g.run("sh -c %s & p=$!" % text)
            until(g, spin_running, "no spin running")
            g.run("kill $p")
            if text in ends:
                until(g, lambda g: not spin_running(g), "spin lives on after kill of sh -c " + text)
            else:
                g.run("wait $p; sleep 0.3")
                pid, state = state_of(g, "spin")
                assert state in "RS", "sh -c %s: spin %s" % (text, state)
                g.run("kill %s" % pid)
            g.run("wait")


def sh_tasks(g):
    """The pids of the tasks named sh."""
    return re.findall(r"^\s*(\d+)\s.*\ssh$", g.run("ps"), re.M)


def test_ctrl_c_ends_a_pipeline_of_two_compound_stages():
    # The first stage is a forkshell (a new sh task) running at the same
    # time as the loop in the prompt's shell: Ctrl-C ends both.
    for g in guests:
        before = sh_tasks(g)
        g.sendline("while :; do echo y; done | while read l; do :; done; echo not-reached")
        time.sleep(1.5)
        g.send_ctrl_c()
        out = g.expect_prompt(timeout=10)
        assert not re.search(r"^not-reached", out, re.M), out
        assert g.last_status() == 130
        assert sh_tasks(g) == before, "a forkshell outlived Ctrl-C:\n" + g.run("ps")
        # The same with an app as the last stage: the console's Ctrl-C
        # ends cat, and the shell ends the forkshell.
        g.sendline("yes_f() { while :; do echo y; done; }; yes_f | cat > /dev/null")
        time.sleep(1.5)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        assert sh_tasks(g) == before, "a forkshell outlived Ctrl-C:\n" + g.run("ps")
        # The files that carried the forkshells' state are gone.
        check(g, "ls -a /tmp | grep shfs", "", status=1)


def test_jobs_with_a_background_function():
    # A background function is a forkshell: it sees unexported variables,
    # and jobs, $!, fg, Ctrl-Z, bg, kill and wait treat it as any job.
    for g in guests:
        g.run("x=7; f() { echo \"f sees $x\" > /tmp/fjob; while :; do :; done; }")
        out = g.run("f &")
        m = re.fullmatch(r"\[(\d+)\] (\d+)", out)
        assert m, "`f &` printed %r" % out
        job, pid = m.group(1), m.group(2)
        check(g, "echo $!", pid)
        check(g, "jobs", "[%s]+ Running  f" % job)
        time.sleep(0.5)
        check(g, "cat /tmp/fjob", "f sees 7")
        assert pid in sh_tasks(g)
        g.sendline("fg %%%s" % job)
        g.expect(r"\nf\r*\n")
        time.sleep(0.5)
        g.send("\x1a")  # Ctrl-Z
        g.expect(r"\[%s\]\+ Stopped  f\r*\n" % job, timeout=10)
        g.expect_prompt()
        assert g.last_status() == 148
        assert state_of(g, "sh", pid) == (pid, "T")
        check(g, "bg", "[%s] f &" % job)
        time.sleep(0.3)
        assert state_of(g, "sh", pid)[1] in "RS"
        check(g, "kill %%%s; wait %%%s" % (job, job), "", status=143)
        check(g, "jobs", "")
        assert pid not in sh_tasks(g)
        # In the foreground again, Ctrl-C ends it.
        out = g.run("f &")
        job, pid = re.fullmatch(r"\[(\d+)\] (\d+)", out).groups()
        g.sendline("fg")
        g.expect(r"\nf\r*\n")
        time.sleep(0.5)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        check(g, "jobs", "")
        assert pid not in sh_tasks(g)


def test_a_forkshell_of_the_prompt_words_errors_as_the_prompt():
    # A stage run by a forkshell speaks as the prompt does, not as a script.
    for g in guests:
        direct = g.run("nosuch_cmd; echo x > /nonexistent/f")
        staged = g.run("{ nosuch_cmd; echo x > /nonexistent/f; } 2>&1 | cat")
        assert direct == staged, "prompt: %r, stage: %r" % (direct, staged)
        assert direct.startswith("sh: nosuch_cmd: not found"), direct
        check(g, "f() { echo x > /nonexistent/f; }; "
                 "f 2>/tmp/ferr & wait $!; echo $?; cat /tmp/ferr",
              re.compile(r"\[\d+\] \d+\n1\nsh: /nonexistent/f: No such file or directory"))


FORKSHELL_SIGNALS = r"""trap '' INT
{ trap - INT; sh -c 'trap "echo caught" INT; kill -INT $$; echo after'; } | cat
{ sh -c 'trap "echo caught" INT; kill -INT $$; echo still ignored'; } | cat
f() { trap - INT; sh -c 'trap "echo caught in bg" INT; kill -INT $$; echo bg ignores'; }
f & wait
"""


def test_forkshells_keep_ignored_signals_as_dash_subshells_do():
    # A stage inherits `trap '' INT` (and may undo it); a background job of
    # a script starts with INT ignored for good (POSIX, no job control).
    # Compared with dash on the host (the host build's spawn resets INT, so
    # the corpus cannot hold this).
    want = subprocess.run(["dash", "-c", FORKSHELL_SIGNALS], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=30,
                          preexec_fn=default_signals).stdout.decode()
    assert want == "caught\nafter\nstill ignored\nbg ignores\n", want
    for g in guests:
        g.run("printf '%s' > /tmp/fsig.sh" % "".join(printf_escape(FORKSHELL_SIGNALS.encode())))
        check(g, "sh /tmp/fsig.sh", want.rstrip("\n"))
