"""memset's memory_migrate under running tasks (issue 13 items 6 and 8),
and task heaps as large as memory (issue 14).

Pages move by fault-and-wait (mm/vmap.c): a task that touches a page in
flight waits for its copy, so mems may flip while members run, spawn,
write to the console and exit. These tests flip mems from one shell line
(the shell has no loops: a line of `echo 0 > mems; echo 1 > mems; ...`
runs flips milliseconds apart) while background jobs work in the memset.

MIGRATE_STRESS_SECONDS (default 20) and MIGRATE_STRESS_TOPOLOGY ("4/2",
or "8/4") make test_memory_migrate_stress a long run by hand; it prints
the flips done and the pages moved (/proc/vmstat pgmigrate_success).
"""

import os
import re
import time

from corral import Corral

# What the kernel prints when its own checks fail: none may appear.
KERNEL_REPORTS = re.compile(
    r"KERNEL TRAP|BUG|WARN|panic|written to after it was freed|double free|"
    r"not a heap address|memset: .*error")


def no_kernel_report(g):
    m = KERNEL_REPORTS.search(g.log)
    assert not m, "kernel report on the console:\n" + g.log[max(0, m.start() - 500):m.start() + 3000]


def run(g, cmd, timeout=30):
    """g.run without the NULs `head /dev/zero` sprinkles over the console."""
    return g.run(cmd, timeout=timeout).replace("\0", "").strip()


def vmstat(g, name):
    m = re.search(r"\b%s (\d+)$" % name, run(g, "cat /proc/vmstat"), re.M)
    assert m, "no %s in /proc/vmstat" % name
    return int(m.group(1))


def node_pages(g, pid):
    out = g.run("cat /proc/%s/numa" % pid)
    pages = dict((int(n), int(p)) for n, p in re.findall(r"node (\d+): (\d+) pages", out))
    assert pages, "no node lines in /proc/%s/numa: %r" % (pid, out)
    return pages


def start_bg(g, cmd):
    out = g.run(cmd + " &")
    m = re.search(r"\[\d+\] (\d+)", out)
    assert m, "no job pid from %r: %r" % (cmd, out)
    return m.group(1)


def flip_line(mems_file, a, b, flips):
    """One shell line writing a, then b, to mems_file, flips times each."""
    return "; ".join(["echo %s > %s; echo %s > %s" % (a, mems_file, b, mems_file)] * flips)


def wait_pages(g, pid, want):
    """Wait until pid's heap has at least want pages (it is still touching)."""
    pages = {}
    for _ in range(100):
        pages = node_pages(g, pid)
        if sum(pages.values()) >= want:
            return pages
        g.run("sleep 0.1")
    raise AssertionError("pid %s never reached %d pages: %r" % (pid, want, pages))


def test_memory_migrate_while_the_task_writes_to_the_console():
    """Issue 13 item 8's report: `head -n 1 /dev/zero` in a migrating memset
    writes to the console while mems flip; before, #PF in uart_write."""
    with Corral(cpus=4, nodes=2, mem=1024) as g:
        g.run("mkdir /c; mount -t container -o memset none /c; mkdir /c/z")
        g.run("echo 0-1 > /c/z/memset.mems; echo 1 > /c/z/memset.memory_migrate")
        g.run("echo $$ > /c/z/tasks; head -n 1 /dev/zero & echo $$ > /c/tasks")
        pid = run(g, "cat /c/z/tasks").split()[0]
        before = vmstat(g, "pgmigrate_success")
        for _ in range(4):
            g.run(flip_line("/c/z/memset.mems", 0, 1, 50), timeout=120)
        assert run(g, "cat /c/z/tasks").split() == [pid]  # still running
        pages = node_pages(g, pid)
        assert pages.get(0, 0) == 0 and pages.get(1, 0) > 0, pages
        assert vmstat(g, "pgmigrate_success") >= before + 200 * pages[1]
        g.run("kill %s; wait" % pid)
        no_kernel_report(g)
        assert g.poweroff() == 0


def memory_migrate_stress(cpus, nodes, seconds):
    """Members run, spawn, write to the console and exit while mems flip
    between two node sets; at the end every page of every holder is where
    its memset says. Returns (flips, pages moved)."""
    half = nodes // 2
    a = "0" if half == 1 else "0-%d" % (half - 1)
    b = str(half) if nodes - half == 1 else "%d-%d" % (half, nodes - 1)
    with Corral(cpus=cpus, nodes=nodes, mem=1024) as g:
        g.run("mkdir /c; mount -t container -o memset none /c; mkdir /c/z")
        g.run("echo 0-%d > /c/z/memset.mems; echo 1 > /c/z/memset.memory_migrate" % (nodes - 1))
        # The workers: short-lived tasks that allocate, spawn, print, exit.
        work = ["echo worker $$", "memhog -t 0 2", "spawnmany -t 0 4", "cat /proc/self/status",
                "echo 12345 | wc -c", "ls /proc", "memhog -t 0 1", "head -n 3 /proc/meminfo"]
        g.run("echo '%s' > /tmp/w.sh" % "; ".join(work))
        g.run("echo $$ > /c/z/tasks")
        holders = [start_bg(g, "memhog 4"), start_bg(g, "memhog 1")]
        for pid in holders:
            wait_pages(g, pid, 250)
        before = vmstat(g, "pgmigrate_success")
        flips, end = 0, time.time() + seconds
        while time.time() < end:
            line = ("sh /tmp/w.sh & A=$!; sh /tmp/w.sh & B=$!; %s; wait $A $B"
                    % flip_line("/c/z/memset.mems", a, b, 10))
            out = g.run(line, timeout=300)
            assert "memset.mems" not in out, out  # every write succeeded
            flips += 20
        # Let the workers of the last line finish (the holders stay).
        for _ in range(300):
            # The shell, the holders and this cat (a member too) are left.
            if len(g.run("cat /c/z/tasks").split()) <= 2 + len(holders):
                break
            g.run("sleep 0.2")
        g.run("echo %s > /c/z/memset.mems" % b)
        flips += 1
        nb = set(range(half, nodes))
        for pid in holders:
            pages = node_pages(g, pid)
            assert all(n in nb for n, p in pages.items() if p), (pid, pages)
            assert sum(pages.values()) >= 250, (pid, pages)
        moved = vmstat(g, "pgmigrate_success") - before
        assert vmstat(g, "pgmigrate_fail") == 0
        g.run("kill %s; echo $$ > /c/tasks" % " ".join(holders))
        no_kernel_report(g)
        assert g.poweroff() == 0
        print("memory_migrate stress %d CPUs/%d nodes, %d s: %d flips, %d pages moved"
              % (cpus, nodes, seconds, flips, moved))
        return flips, moved


def test_memory_migrate_stress():
    seconds = int(os.environ.get("MIGRATE_STRESS_SECONDS", "20"))
    cpus, nodes = (int(x) for x in os.environ.get("MIGRATE_STRESS_TOPOLOGY", "4/2").split("/"))
    flips, moved = memory_migrate_stress(cpus, nodes, seconds)
    assert flips >= 20 and moved > 0


def test_a_move_that_cannot_get_pages_fails_enomem_and_the_task_stays():
    """Issue 13 item 6: `echo PID > tasks` of a migrating memset whose node
    is full is ENOMEM from the write; the task keeps its container and its
    pages. (Before: status 0, `memset: migrating ...: error -12`.)"""
    with Corral(cpus=4, nodes=2, mem=1024) as g:
        g.run("mkdir /c; mount -t container -o memset none /c; mkdir /c/n0 /c/n1")
        g.run("echo 0 > /c/n0/memset.mems; echo 1 > /c/n1/memset.mems")
        g.run("echo 1 > /c/n1/memset.memory_migrate")
        g.run("echo $$ > /c/n0/tasks")
        pid = start_bg(g, "memhog 64")
        pages = wait_pages(g, pid, 16384)
        assert pages.get(0) >= 16384, pages
        # Fill node 1 (512 MiB) but for some 30 MiB, from a task of n1.
        g.run("echo $$ > /c/n1/tasks")
        filler = start_bg(g, "memhog 470")
        wait_pages(g, filler, 470 * 256)
        g.run("echo $$ > /c/tasks")
        out, status = g.run_status("echo %s > /c/n1/tasks" % pid)
        assert status != 0 and "Cannot allocate memory" in out, (status, out)
        assert pid in g.run("cat /c/n0/tasks").split()
        assert pid not in g.run("cat /c/n1/tasks").split()
        assert node_pages(g, pid).get(0) >= 16384
        assert vmstat(g, "pgmigrate_fail") >= 1
        g.run("kill %s; wait %s" % (filler, filler))
        assert g.run("echo %s > /c/n1/tasks" % pid) == ""  # now it can
        pages = node_pages(g, pid)
        assert pages.get(1, 0) >= 16384 and pages.get(0, 0) == 0, pages
        g.run("kill %s; wait" % pid)
        no_kernel_report(g)


def test_memhog_600_fits_in_1_gib():
    """Issue 14: a task heap holds what `free` says is free (before: a
    512 MiB cap per task)."""
    with Corral(cpus=4, nodes=2, mem=1024) as g:
        out = g.run("memhog -t 0 600", timeout=120)
        pages = dict((int(n), int(p)) for n, p in re.findall(r"node (\d+): (\d+) pages", out))
        assert sum(pages.values()) >= 600 * 256, out
        out, status = g.run_status("memhog -t 0 2000", timeout=120)
        assert status == 1 and "memhog: malloc: Cannot allocate memory" in out, out
        no_kernel_report(g)


def test_spawnmany_10000_sleeping_tasks_fit_in_1_gib():
    """Issue 14: 10,000 sleeping tasks (before: ENOMEM at ~2,044, each task
    reserving 512 MiB of a 1 TiB address area)."""
    with Corral(cpus=4, nodes=2, mem=1024) as g:
        out = g.run("spawnmany -t 600 10000", timeout=600)
        assert out.splitlines()[-1] == "spawned 10000", out[-500:]
        assert int(g.run("ps | wc -l")) > 10000
        no_kernel_report(g)
