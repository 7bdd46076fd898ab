"""Containers nested deep, through the shell (issue 13, item 3): a hierarchy
with every subsystem, LEVELS deep, on 1 CPU/1 node and 4 CPUs/2 nodes --
mkdir, the shell moved to the bottom, a spawn there, every control file
read there, its path in /proc, umount and mount again (the container
filesystem rebuilt that deep), rmdir back up. Any kernel path that
recursed once per level would overflow its 16 KiB stack long before.

The shell has no loops, so the command lines are generated here, a chunk
of levels per line (a path per system call stays under PATH_MAX). The
kernel test container_depth.ten_thousand_levels_on_every_subsystem does
10,000 levels through the kernel API; here LEVELS is what the shell can
type in a modest time under TCG (each level is a cd and two writes).
"""

import re
import time

from corral import NUMA, SMALL, Corral

LEVELS = 10000
CHUNK = 500          # levels per mkdir -p / cd / rmdir -p line
PER_LINE = 60        # levels set up per line (cd + cpuset.cpus + memset.mems)
FILES = ["tasks", "notify_on_release", "cpuset.cpus", "cpuset.cpu_exclusive",
         "memset.mems", "memset.mem_exclusive", "memset.memory_migrate",
         "cpuacct.usage", "cpuacct.usage_percpu", "cpuacct.load", "numtasks.shares",
         "numtasks.stats", "bc.numfiles.held", "bc.numfiles.maxheld",
         "bc.numfiles.minheld", "bc.numfiles.barrier", "bc.numfiles.limit",
         "bc.numfiles.failcnt", "cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us",
         "cpu.stat"]
KERNEL_ERRORS = ("after it was freed", "double free", "not an object", "WARN", "BUG",
                 "Double fault", "#PF", "panic")


def check(g, cmd, want="", timeout=120):
    out = g.run(cmd, timeout=timeout)
    assert out == want, "%s: %r printed %r, want %r" % (g.describe(), cmd[:80], out[-300:],
                                                       want)
    return out


def chunk_path(n):
    return "/".join(["d"] * n)


def deep_round_trip(topo):
    timings = {}
    with Corral(timeout=180, **topo) as g:
        check(g, "mkdir -p /deep; mount -t container none /deep; cd /deep")
        t0 = time.monotonic()
        for _ in range(LEVELS // CHUNK):
            # mkdir CHUNK levels, then give each its CPU and node, going down.
            check(g, "mkdir -p " + chunk_path(CHUNK))
            for _ in range(CHUNK // PER_LINE):
                check(g, "cd d;echo 0 >cpuset.cpus;echo 0 >memset.mems;" * PER_LINE)
            rest = CHUNK % PER_LINE
            if rest:
                check(g, "cd d;echo 0 >cpuset.cpus;echo 0 >memset.mems;" * rest)
        timings["mkdir"] = time.monotonic() - t0

        # At the bottom: the shell moves in, spawns there, reads every file.
        pid = g.run("echo $$")
        check(g, "echo $$ > tasks")
        out = g.run("cat tasks")
        assert pid in out.split(), out
        check(g, "cat cpuset.cpus memset.mems", "0\n0")  # cat: spawned here
        out = g.run("cat " + " ".join(FILES))
        assert "No such file" not in out and "rror" not in out, out[-500:]
        assert "numtasks: Current usage" in out, out[-500:]
        out = g.run("cat /proc/$$/container")
        m = re.search(r"^\d+:cpuset,memset,cpuacct,numtasks,bc,cpu:(\S*)$", out, re.M)
        assert m, out[:200]
        assert m.group(1) == "/d" * LEVELS, len(m.group(1))

        # Back to the top; umount and mount again: the tree is rebuilt.
        check(g, "echo $$ > /deep/tasks; cd /")
        t0 = time.monotonic()
        check(g, "umount /deep")
        check(g, "mount -t container none /deep")
        timings["remount"] = time.monotonic() - t0
        check(g, "cd /deep")
        for _ in range(LEVELS // CHUNK):
            check(g, "cd " + chunk_path(CHUNK))
        check(g, "cat cpuset.cpus memset.mems", "0\n0")  # set before the umount
        names = g.run("ls").split()
        assert "tasks" in names and "d" not in names, names  # the bottom

        # rmdir back up, CHUNK levels per rmdir -p.
        t0 = time.monotonic()
        for _ in range(LEVELS // CHUNK):
            check(g, "cd " + "/".join([".."] * CHUNK))
            check(g, "rmdir -p " + chunk_path(CHUNK))
        timings["rmdir"] = time.monotonic() - t0
        check(g, "cd /")
        assert "d" not in g.run("ls /deep").split()
        check(g, "umount /deep")
        for bad in KERNEL_ERRORS:
            assert bad not in g.log, "%s on the console: %s" % (bad, g.tail())
        assert g.poweroff() == 0
    print("depth %d on %d CPUs/%d nodes: mkdir+setup %.1f s, umount+mount %.1f s, "
          "rmdir %.1f s" % (LEVELS, topo["cpus"], topo["nodes"], timings["mkdir"],
                            timings["remount"], timings["rmdir"]))


def test_ten_thousand_levels_one_cpu():
    deep_round_trip(SMALL)


def test_ten_thousand_levels_four_cpus_two_nodes():
    deep_round_trip(NUMA)
