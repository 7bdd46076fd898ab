"""Job control (issue 15): Ctrl-Z stops the foreground job, `jobs` lists
it Stopped, `fg`/`bg` continue it; `kill -STOP`/`-CONT` work on any task;
a stopped task shows T in ps, stays counted in its container's tasks and
dies of a kill."""

import re
import time

from corral import Corral, check

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
