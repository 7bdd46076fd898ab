"""Figures that are true (issue 14), on 1 CPU/1 node and 4 CPUs/2 nodes: the
load averages of /proc/loadavg, uptime and top are Linux's decayed 1/5/15-
minute averages (0.00 on an idle system, rising in that order under load),
top never shows one task above 100% of a CPU, `q` quits top, and `top -c`
on a directory outside a container hierarchy is an error.
"""

import re

from corral import NUMA, SMALL, Corral, check

guests = []

LOADAVG = re.compile(r"(\d+\.\d\d) (\d+\.\d\d) (\d+\.\d\d) (\d+)/(\d+) (\d+)")


def setup_module():
    for topo in (SMALL, NUMA):
        guests.append(Corral(**topo))


def teardown_module():
    for g in guests:
        g.close()


def loadavg(g):
    out = g.run("cat /proc/loadavg")
    m = LOADAVG.fullmatch(out)
    assert m, "%s: /proc/loadavg is %r" % (g.describe(), out)
    return [float(m.group(i)) for i in (1, 2, 3)], int(m.group(4)), int(m.group(5))


def spin_all(g, seconds, extra=1):
    """One spinning task per CPU, plus extra."""
    n = g.topology["cpus"] + extra
    g.run(" ".join(["spin %d &" % seconds] * n))
    return n


def top_rows(out):
    """top's task rows as (pid, %cpu, name)."""
    rows = re.findall(r"^\s*(\d+)\s+(\d+\.\d)\s+\d+\s+\d+\s+\S+\s+(\S+)$", out, re.M)
    assert rows, "no task rows in top's output: %r" % out
    return [(int(p), float(c), n) for p, c, n in rows]


# First, while the guests have done nothing yet.
def test_an_idle_system_shows_load_average_0():
    for g in guests:
        # Every 5-second sample of the last 12 s saw nothing runnable (the
        # sleep sleeps): all three averages are 0.00; the reader itself is
        # the one running task.
        g.run("sleep 12", timeout=60)
        loads, running, total = loadavg(g)
        assert loads == [0.0, 0.0, 0.0], "%s: idle load %s" % (g.describe(), loads)
        assert running >= 1 and total >= running, (running, total)
        out = g.run("uptime")
        assert re.search(r"load average: 0\.00, 0\.00, 0\.00$", out), out


def test_load_averages_rise_under_load_fastest_for_1_minute():
    for g in guests:
        n = spin_all(g, 30)  # (killed below)
        g.run("sleep 12", timeout=60)
        loads, running, _ = loadavg(g)
        # Two or three samples of n runnable tasks: 1-minute n*(1-e^(-10/60))
        # = 0.153n or more (0.13n: a sample may catch a spinner mid-move
        # between CPUs); the longer averages move more slowly.
        assert loads[0] >= 0.13 * n and loads[0] <= n, "%s: %s" % (g.describe(), loads)
        assert loads[0] > loads[1] > loads[2] > 0, "%s: %s" % (g.describe(), loads)
        assert running >= n, "%s: %d running, %d spinning" % (g.describe(), running, n)
        out = g.run("uptime")
        assert re.search(r"load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$", out), out
        g.run("kill %s; wait" % " ".join("%%%d" % (i + 1) for i in range(n)), timeout=60)


def test_top_never_shows_a_task_above_100_percent_of_a_cpu():
    for g in guests:
        n = spin_all(g, 30, extra=2)
        for cmd in ("top -n 1 -d 0", "top -n 1 -d 0", "top -n 1 -d 0.5", "top -b -n 2 -d 0.2"):
            out = check(g, cmd, re.compile(r"(?s)top - up .*"), timeout=60)
            rows = top_rows(out)
            over = [r for r in rows if r[1] > 100.0]
            assert not over, "%s: %r shows %s above 100%%:\n%s" % (g.describe(), cmd, over, out)
            spins = [r for r in rows if r[2] == "spin"]
            assert len(spins) >= n, out
        g.run("kill %s; wait" % " ".join("%%%d" % (i + 1) for i in range(n)), timeout=60)


def test_q_quits_top():
    for g in guests:
        g.sendline("top -d 0.3")
        g.expect(r"PID +%CPU", timeout=30)
        g.expect(r"PID +%CPU", timeout=30)  # a second frame: it is looping
        g.send("q")
        g.expect_prompt(timeout=30)
        assert g.last_status() == 0
        # The console is cooked again for the next command.
        check(g, "echo after top", "after top")


def test_top_c_outside_a_hierarchy_is_an_error():
    for g in guests:
        check(g, "top -c /tmp -n 1 -d 0", "top: /tmp: not in a container hierarchy", status=1)
        check(g, "top -c /proc -n 1 -d 0", "top: /proc: not in a container hierarchy", status=1)
        check(g, "top -c /nonexistent -n 1 -d 0",
              "top: /nonexistent: No such file or directory", status=1)
        check(g, "mkdir -p /h && mount -t container -o cpuacct none /h && mkdir /h/a", "")
        out = check(g, "top -c /h -n 1 -d 0", re.compile(r"(?s)top - up .*"))
        assert re.search(r"^/\s+\d+\s+\d+\.\d\s+-$", out, re.M), out  # MEM: no bc here
        assert re.search(r"^/a\s+0\s+0\.0\s+-$", out, re.M), out
        check(g, "top -c /h/a -n 1 -d 0", re.compile(r"(?s)top - up .*"))  # a container in it
        check(g, "rmdir /h/a; umount /h", "")
