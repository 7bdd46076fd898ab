"""BeanCounters physpages (issue 16, second half), through the shell: a
container's bc.physpages.barrier stops its tasks' memory -- malloc returns
NULL (memhog says how far it got), a ramfs write fails with ENOSPC -- and
the charge goes back when the memory is freed: at exit for a heap, at rm
for a file's pages; until then the container cannot be removed. `free`
and `top -c` show a container's memory as its bc.physpages.held. A 4
CPU/2 node guest and a 1 CPU/1 node one; each test mounts bc at /pp and
leaves the guest as it found it.
"""

import re

from corral import NUMA, SMALL, Corral, check

guests = []


def setup_module():
    guests.append(Corral(**NUMA))
    guests.append(Corral(**SMALL))  # (the free and top -c tests run on both)


def teardown_module():
    for g in guests:
        g.close()


def without_kernel_lines(out):
    """out without the kernel's log lines that the console interleaves."""
    return "\n".join(l for l in out.split("\n") if not re.match(r"\[ *\d+\.\d+\] ", l))


def num(g, path):
    return int(check(g, "cat %s" % path, re.compile(r"\d+")))


def setup(g, barrier):
    check(g, "mkdir -p /pp && mount -t container -o bc none /pp", "")
    check(g, "mkdir /pp/m && echo %d > /pp/m/bc.physpages.barrier" % barrier, "")
    check(g, "cat /pp/m/bc.physpages.barrier /pp/m/bc.physpages.limit", "%d\nmax" % barrier)


def teardown(g):
    check(g, "rmdir /pp/m && umount /pp && rmdir /pp", "")


def test_memhog_stops_at_a_64_mib_barrier_and_everything_returns_at_exit():
    g = guests[0]
    setup(g, 16384)  # 64 MiB
    out, st = g.run_status("cgexec -g bc:/m memhog -t 0 200",
                           timeout=120)
    out = without_kernel_lines(out)
    m = re.fullmatch(r"memhog: allocated (\d+) MiB\nmemhog: malloc: Cannot allocate memory",
                     out)
    assert m, out
    # One MiB per malloc: it stops within one run (257 pages) of 64 MiB.
    assert 62 <= int(m.group(1)) <= 63, out
    maxheld = num(g, "/pp/m/bc.physpages.maxheld")
    assert 16384 - 257 <= maxheld <= 16384, maxheld
    assert num(g, "/pp/m/bc.physpages.failcnt") == 1
    check(g, "cat /pp/m/bc.physpages.held", "0")
    check(g, "cat /pp/m/bc.physpages.numa", re.compile(r"total=0 N0=0 N1=0"))
    # Nothing was killed and the rest of the system is untouched.
    check(g, "memhog -t 0 8", re.compile(r"(node \d+: \d+ pages\n?)+"))
    assert g.run("dmesg | grep -c 'bc: page allocation refused'").strip() == "1"
    teardown(g)


def test_yes_into_a_file_stops_with_enospc_at_16_mib_and_rm_uncharges():
    g = guests[0]
    setup(g, 4096)  # 16 MiB
    out, st = g.run_status("cgexec -g bc:/m yes > /tmp/ppf",
                           timeout=300)
    assert without_kernel_lines(out) == "yes: standard output: No space left on device", out
    size = int(check(g, "wc -c < /tmp/ppf", re.compile(r"\d+")))
    assert 4096 * 4096 - 16 * 4096 <= size <= 4096 * 4096, size
    held = num(g, "/pp/m/bc.physpages.held")
    assert held == (size + 4095) // 4096, (held, size)  # the file's pages, still charged
    assert num(g, "/pp/m/bc.physpages.failcnt") >= 1
    check(g, "cat /tmp/ppf > /dev/null; cat /pp/m/bc.physpages.held", str(held))
    check(g, "rm /tmp/ppf", "")
    check(g, "cat /pp/m/bc.physpages.held", "0")
    teardown(g)


def test_the_roots_physpages_bounds_are_read_only():
    g = guests[0]
    check(g, "mkdir -p /pp && mount -t container -o bc none /pp", "")
    out, st = g.run_status("echo 0 > /pp/bc.physpages.barrier")
    assert out == "sh: write error: Permission denied" and st == 1, out
    check(g, "cat /pp/bc.physpages.barrier /pp/bc.physpages.limit", "max\nmax")
    check(g, "cat /pp/bc.physpages.numa", re.compile(r"total=\d+ N0=\d+ N1=\d+"))
    check(g, "umount /pp && rmdir /pp", "")


def test_a_page_charged_to_a_container_keeps_it_until_freed():
    """rmdir is EBUSY while the container holds pages, as while it holds
    files: here a file's page written from inside, uncharged by rm."""
    g = guests[0]
    setup(g, 1024)
    check(g, "cgexec -g bc:/m sh -c 'echo hello > /tmp/ppk'", "")
    check(g, "cat /pp/m/tasks /pp/m/bc.physpages.held", "1")
    check(g, "rmdir /pp/m", "rmdir: /pp/m: Device or resource busy", status=1)
    check(g, "rm /tmp/ppk && cat /pp/m/bc.physpages.held", "0")
    teardown(g)


def start_memhog(g, mib):
    """memhog MIB in /pp/m, holding; returns its pid once it holds it all
    and m's held has stopped moving."""
    g.run("cgexec -g bc:/m memhog %d > /dev/null &" % mib)
    pid, held = None, -1
    for _ in range(100):
        pids = g.run("cat /pp/m/tasks").split()
        if pids:
            pid = pids[0]
            rss = re.search(r"VmRSS:\s+(\d+) kB", g.run("cat /proc/%s/status" % pid))
            now = num(g, "/pp/m/bc.physpages.held")
            if rss and int(rss.group(1)) >= mib * 1024 and now == held:
                return pid
            held = now
        g.run("sleep 0.1")
    raise AssertionError("%s: memhog %d never settled in /pp/m" % (g.describe(), mib))


def stop_memhog(g, pid):
    check(g, "kill %s; wait" % pid, re.compile(r"(?s).*"))
    check(g, "cat /pp/m/bc.physpages.held", "0")


def test_free_shows_a_containers_memory_from_outside_and_inside():
    for g in guests:
        setup(g, 4096)  # 16 MiB
        pid = start_memhog(g, 4)
        held = num(g, "/pp/m/bc.physpages.held")
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", g.run("cat /proc/%s/status" % pid)).group(1))
        assert rss == held * 4, (g.describe(), rss, held)  # its only task: its pages
        check(g, "free -C /pp/m",
              "               total        used        free\n"
              "Mem:           16384%12d%12d" % (held * 4, 16384 - held * 4))
        check(g, "free --container=/pp/m -m",
              "               total        used        free\n"
              "Mem:              16%12d%12d" % (held * 4 >> 10, (16384 - held * 4) >> 10))
        # Inside (lxcfs's way): the container's, free itself included.
        out = check(g, "cgexec -g bc:/m free",
                    re.compile(r"\s+total\s+used\s+free\nMem:\s+16384\s+(\d+)\s+(\d+)"))
        used, free = map(int, out.split()[-2:])
        assert used + free == 16384 and held * 4 < used < held * 4 + 1024, (g.describe(), out)
        # The machine's, from the root or with -C /.
        total = int(re.search(r"MemTotal:\s+(\d+)", g.run("cat /proc/meminfo")).group(1))
        for cmd in ("free", "free -C /", "cgexec -g bc:/m free -C /"):
            out = check(g, cmd, re.compile(r"(?s).*"))
            assert int(out.split()[4]) == total, (g.describe(), cmd, out)
        check(g, "free -C /tmp", "free: /tmp: not a container with bc.physpages", status=1)
        check(g, "free -C", "free: option requires an argument -- 'C'\n"
              "Try 'free --help' for more information.", status=1)
        stop_memhog(g, pid)
        teardown(g)


def test_top_c_shows_each_containers_memory_beside_its_cpu():
    for g in guests:
        setup(g, 4096)
        check(g, "mkdir /pp/m/sub /pp/idle", "")
        pid = start_memhog(g, 2)
        held = num(g, "/pp/m/bc.physpages.held")
        out = check(g, "top -c /pp -n 1 -d 0", re.compile(r"(?s)top - up .*"))
        rows = dict((m.group(1), (int(m.group(2)), int(m.group(3)))) for m in re.finditer(
            r"^(\S+)\s+(\d+)\s+-\s+(\d+)K$", out, re.M))  # (%CPU: no cpuacct here)
        assert rows.get("/m") == (1, held * 4), (g.describe(), out)  # memhog, its pages
        assert rows.get("/m/sub") == (0, 0) and rows.get("/idle") == (0, 0), out
        assert rows["/"][1] > held * 4, out  # the root's own pages and its descendants'
        stop_memhog(g, pid)
        check(g, "rmdir /pp/m/sub /pp/idle", "")
        teardown(g)
