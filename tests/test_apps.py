"""The apps of DESIGN.md §8 (step 5): each one's main behaviour and at
least one error in the `PROG: CONTEXT: strerror text` form, with glibc's
wording. Runs every check on two guests booted once for the module:
1 CPU/1 node and 4 CPUs/2 nodes (-kernel).
"""

import re
import time

from corral import NUMA, SMALL, Corral, check, check_soon

guests = []


def setup_module():
    for topo in (SMALL, NUMA):
        guests.append(Corral(**topo))


def teardown_module():
    for g in guests:
        g.close()


def numa(g):
    return g.topology["nodes"] > 1


def app_names(g):
    out = g.run("help")
    assert "Apps" in out, out
    return re.findall(r"^  (\S+) ", out.split("Apps", 1)[1], re.M)


# ---- every app --------------------------------------------------------------

def test_every_design_app_is_registered():
    want = ("cat ls mkdir rmdir rm mv touch mount umount ps kill sleep grep wc head "
            "dmesg free numactl taskset top uptime poweroff ktest bench spin memhog "
            "fdhog spawnmany sh").split()
    for g in guests:
        names = app_names(g)
        missing = [a for a in want if a not in names]
        assert not missing, "%s: apps missing from help: %s" % (g.describe(), missing)


def test_every_app_prints_help():
    for g in guests:
        for a in app_names(g):
            if a in ("true", "false", "echo"):
                continue   # as in coreutils' sh builtins: --help is an operand
            out, st = g.run_status(a + " --help")
            # "usage: a" (ours) or "Usage: a" (as GNU coreutils prints it)
            assert out.lower().startswith("usage: " + a), "%s: %s --help printed %r" % (
                g.describe(), a, out)
            assert st == 0, "%s: %s --help: status %d" % (g.describe(), a, st)


# ---- files ------------------------------------------------------------------

def test_mkdir_touch_ls():
    for g in guests:
        check(g, "mkdir -p /tmp/fa/b/c; touch /tmp/fa/f; echo hello > /tmp/fa/g; ls /tmp/fa",
              "b\nf\ng")
        check(g, "ls -l /tmp/fa", re.compile(r"d\S+\s+\d+\s+\d+ b\n-\S+\s+1\s+0 f\n-\S+\s+1\s+6 g"))
        check(g, "ls /", re.compile(r"(.*\n)?dev\n(.*\n)?proc\n(.*\n)?tmp"))
        check(g, "mkdir /tmp/fa", "mkdir: /tmp/fa: File exists", status=1)
        check(g, "mkdir /tmp/nope/x", "mkdir: /tmp/nope/x: No such file or directory", status=1)
        check(g, "ls /tmp/nope", "ls: /tmp/nope: No such file or directory", status=1)
        check(g, "ls /tmp/fa/g/x", "ls: /tmp/fa/g/x: Not a directory", status=1)
        check(g, "touch /tmp/nope/x", "touch: /tmp/nope/x: No such file or directory", status=1)


def test_rm_rmdir_mv():
    for g in guests:
        g.run("mkdir -p /tmp/fr/d/e; echo x > /tmp/fr/d/e/f; echo y > /tmp/fr/y")
        check(g, "rmdir /tmp/fr/d", "rmdir: /tmp/fr/d: Directory not empty", status=1)
        check(g, "rm /tmp/fr/d", "rm: /tmp/fr/d: Is a directory", status=1)
        check(g, "rm -r /tmp/fr/d; ls /tmp/fr", "y")
        check(g, "mv /tmp/fr/y /tmp/fr/z; cat /tmp/fr/z; ls /tmp/fr", "y\nz")
        check(g, "mkdir /tmp/fr/sub; mv /tmp/fr/z /tmp/fr/sub; ls /tmp/fr/sub", "z")
        check(g, "rm /tmp/fr/sub/z; rmdir /tmp/fr/sub; ls /tmp/fr", "")
        check(g, "rm /tmp/fr/nope", "rm: /tmp/fr/nope: No such file or directory", status=1)
        check(g, "rmdir /tmp/fr/nope", "rmdir: /tmp/fr/nope: No such file or directory",
              status=1)
        check(g, "mv /tmp/fr/nope /tmp/fr/x",
              "mv: /tmp/fr/nope -> /tmp/fr/x: No such file or directory", status=1)


def test_cat_head_wc_grep():
    for g in guests:
        g.run("mkdir -p /tmp/ft; echo alpha > /tmp/ft/a; echo beta >> /tmp/ft/a; "
              "echo Gamma >> /tmp/ft/a; echo delta > /tmp/ft/b")
        check(g, "cat /tmp/ft/a /tmp/ft/b", "alpha\nbeta\nGamma\ndelta")
        check(g, "echo piped | cat", "piped")
        check(g, "cat /tmp/ft/nope", "cat: /tmp/ft/nope: No such file or directory", status=1)
        check(g, "cat /tmp", "cat: /tmp: Is a directory", status=1)
        check(g, "head -n 2 /tmp/ft/a", "alpha\nbeta")
        check(g, "head -n 1 < /tmp/ft/a", "alpha")
        check(g, "head -n x /tmp/ft/a", "head: invalid number of lines: 'x'", status=1)
        check(g, "wc -l /tmp/ft/a", "3 /tmp/ft/a")
        check(g, "wc -l < /tmp/ft/a", "3")
        check(g, "echo a b c | wc -w", "3")
        check(g, "wc /tmp/ft/nope", "wc: /tmp/ft/nope: No such file or directory", status=1)
        check(g, "grep eta /tmp/ft/a", "beta")
        check(g, "grep -v eta /tmp/ft/a", "alpha\nGamma")
        check(g, "grep -c a /tmp/ft/a", "3")
        check(g, "grep -v -c eta /tmp/ft/a", "2")
        check(g, "grep -i gamma /tmp/ft/a", "Gamma")
        check(g, "grep -E 'alp|del' /tmp/ft/a /tmp/ft/b", "/tmp/ft/a:alpha\n/tmp/ft/b:delta")
        check(g, "grep zzz /tmp/ft/a", "", status=1)
        check(g, "grep x /tmp/ft/nope", "grep: /tmp/ft/nope: No such file or directory",
              status=2)


def test_mount_and_umount_ramfs():
    for g in guests:
        check(g, "mkdir -p /tmp/mnt; mount -t ramfs none /tmp/mnt; echo in > /tmp/mnt/x; "
                 "cat /tmp/mnt/x", "in")
        check(g, "mount | grep /tmp/mnt", "none /tmp/mnt ramfs rw 0 0")
        check(g, "umount /tmp/mnt; ls /tmp/mnt", "")
        check(g, "mount -t nofs none /tmp/mnt", "mount: /tmp/mnt: No such device", status=1)
        check(g, "umount /tmp/nope", "umount: /tmp/nope: No such file or directory", status=1)
        check(g, "mount", re.compile(r"(?s).*^proc /proc proc rw 0 0$.*", re.M))


# ---- tasks ------------------------------------------------------------------

def test_ps_columns():
    for g in guests:
        out = g.run("ps")
        lines = out.split("\n")
        assert re.fullmatch(r"\s*PID\s+PPID\s+CPU\s+NODE\s+STATE\s+TIME\s+NAME", lines[0]), lines[0]
        assert re.search(r"^\s+1\s+0\s+\d+\s+\d+\s+S\s+\d+:\d\d\.\d\d init$", out, re.M), out
        sh = g.run("echo $$")
        assert re.search(r"^\s+%s\s+1\s+\d+\s+\d+\s+S\s+\S+ sh$" % sh, out, re.M), out
        assert re.search(r"^\s+\d+\s+%s\s+\d+\s+\d+\s+R\s+\S+ ps$" % sh, out, re.M), out
        check(g, "ps -z", "ps: invalid option -- 'z'\nusage: ps [-e | -A | -ef | aux]", status=1)


def test_kill_and_sleep():
    for g in guests:
        out = g.run("sleep 30 &")
        pid = out.split()[-1]
        check(g, "kill -9 %s; wait %s" % (pid, pid), "", status=137)
        out = g.run("sleep 30 &")
        pid = out.split()[-1]
        check(g, "kill %s; wait %s" % (pid, pid), "", status=143)
        check(g, "kill -9 99999", "kill: 99999: No such process", status=1)
        check(g, "kill abc", "kill: abc: Invalid argument", status=1)
        t = time.monotonic()
        check(g, "sleep 0.5", "")
        assert time.monotonic() - t >= 0.45, "sleep 0.5 returned early"
        check(g, "sleep abc", "sleep: invalid time interval 'abc'\n"
              "Try 'sleep --help' for more information.", status=1)


def test_taskset():
    for g in guests:
        ncpu = g.topology["cpus"]
        mask = "%x" % ((1 << ncpu) - 1)
        check(g, "taskset -p 1", "pid 1's current affinity mask: %s" % mask)
        last = ncpu - 1
        check(g, "taskset -c %d sh -c 'grep Cpus_allowed_list /proc/$$/status'" % last,
              "Cpus_allowed_list:\t%d" % last)
        check(g, "taskset -c 9 true", "taskset: failed to set affinity: Invalid argument",
              status=1)
        check(g, "taskset -p 99999",
              "taskset: failed to get pid 99999's affinity: No such process", status=1)


def test_proc_status_cpu_lines():
    for g in guests:
        ncpu, nodes = g.topology["cpus"], g.topology["nodes"]
        cpus = "0" if ncpu == 1 else "0-%d" % (ncpu - 1)
        mems = "0" if nodes == 1 else "0-%d" % (nodes - 1)
        check(g, "grep -E 'Cpu|allowed' /proc/$$/status",
              re.compile(r"Cpu:\t\d+\nCpus_allowed_list:\t%s\nMems_allowed_list:\t%s"
                         % (cpus, mems)))


def test_top_one_shot():
    for g in guests:
        out = check(g, "top -n 1 -d 0.2", re.compile(r"(?s).*"))
        assert re.search(r"^\s*PID\s+%CPU\s+CPU\s+NODE\s+STATE\s+NAME$", out, re.M), out
        assert re.search(r"^\s*1\s+\d+\.\d\s+\d+\s+\d+\s+S\s+init$", out, re.M), out
        assert re.search(r"^\s*\d+\s+\d+\.\d\s+\d+\s+\d+\s+R\s+top$", out, re.M), out
        check(g, "top -n x", "top: x: Invalid argument", status=1)


def test_top_shows_a_spinning_task_busy():
    g = guests[1]
    pid = g.run("spin 5 &").split()[-1]
    out = g.run("top -n 1 -d 0.5")
    g.run("kill %s; wait" % pid)
    m = re.search(r"^\s*%s\s+(\d+\.\d)\s+\d+\s+\d+\s+R\s+spin$" % pid, out, re.M)
    assert m and float(m.group(1)) > 50, "spin is not shown busy:\n%s" % out


# ---- system -----------------------------------------------------------------

def test_free_and_uptime_and_dmesg():
    for g in guests:
        mem = g.topology["mem"]
        out = g.run("free -m")
        m = re.fullmatch(r"\s+total\s+used\s+free\nMem:\s+(\d+)\s+(\d+)\s+(\d+)", out)
        assert m, out
        total, used, free = map(int, m.groups())
        # Each figure is rounded down to MiB on its own, as Linux's free does.
        assert mem - 16 <= total <= mem and abs(used + free - total) <= 1, out
        check(g, "free -z", "free: invalid option -- 'z'\n"
              "Try 'free --help' for more information.", status=1)
        check(g, "uptime", re.compile(r" up \d+ min,  load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d"))
        check(g, "uptime x", "uptime: extra operand 'x'\n"
              "Try 'uptime --help' for more information.", status=1)
        out = g.run("dmesg | head -n 1")
        assert re.fullmatch(r"\[\s*\d+\.\d+\] Corral booting.*", out), out


def test_numactl_hardware():
    for g in guests:
        out = g.run("numactl --hardware")
        if numa(g):
            want = [r"available: 2 nodes \(0-1\)",
                    r"node 0 cpus: 0 1", r"node 0 size: 5\d\d MB", r"node 0 free: \d+ MB",
                    r"node 1 cpus: 2 3", r"node 1 size: 5\d\d MB", r"node 1 free: \d+ MB",
                    r"node distances:", r"node   0   1 ?", r"  0:  10  20 ?", r"  1:  20  10 ?"]
        else:
            want = [r"available: 1 nodes \(0\)", r"node 0 cpus: 0",
                    r"node 0 size: 2\d\d MB", r"node 0 free: \d+ MB",
                    r"node distances:", r"node   0 ?", r"  0:  10 ?"]
        lines = out.split("\n")
        assert len(lines) == len(want), "%s:\n%s" % (g.describe(), out)
        for line, w in zip(lines, want):
            assert re.fullmatch(w, line), "%s: %r does not match %r" % (g.describe(), line, w)
        check(g, "numactl --bogus", re.compile(r"numactl: unrecognized option '--bogus'\nusage: numactl(.|\n)*"), status=1)


def test_env():
    for g in guests:
        check(g, "env | grep HOME", "HOME=/")
        check(g, "env -i A=1 B=2 env", "A=1\nB=2")
        check(g, "env -z", "env: invalid option -- 'z'\n"
              "Try 'env --help' for more information.", status=125)


# ---- ktest and bench --------------------------------------------------------

def test_ktest_from_the_shell():
    for g in guests:
        out = check(g, "ktest string", re.compile(r"(?s)TAP version 13\n1\.\.\d+\n.*"))
        m = re.search(r"^(\d+) passed, 0 failed$", out, re.M)
        assert m and int(m.group(1)) >= 10, out[-500:]
        assert "not ok" not in out, out
        check(g, "ktest nosuchsuite", "TAP version 13\n1..0\n0 passed, 0 failed")


def test_bench_prints_name_value_unit():
    for g in guests:
        out = check(g, "bench getpid_ns,open_close_us", re.compile(r"(?s).*"))
        lines = [l for l in out.split("\n") if not l.startswith("#")]
        assert re.fullmatch(r"getpid_ns \d+\.\d{3} ns", lines[-2]), out
        assert any(re.fullmatch(r"open_close_us \d+\.\d{3} us", l) for l in lines[:-2]), out
        assert re.fullmatch(r"open_close_us \d+\.\d{3} us", lines[-1]), out


# ---- workload tools ---------------------------------------------------------

def test_spin():
    for g in guests:
        t = time.monotonic()
        check(g, "spin 0.5", "")
        assert time.monotonic() - t >= 0.45
        check(g, "spin abc", "spin: abc: Invalid argument", status=1)


def test_memhog_prints_pages_per_node():
    for g in guests:
        out = check(g, "memhog -t 0 8", re.compile(r"(node \d+: \d+ pages\n?)+"))
        pages = dict((int(a), int(b)) for a, b in re.findall(r"node (\d+): (\d+) pages", out))
        assert sorted(pages) == list(range(g.topology["nodes"])), out
        assert sum(pages.values()) >= 2048, out
        check(g, "memhog abc", "memhog: abc: Invalid argument", status=1)
        # It allocates by the MiB, so it says how far it got before failing.
        check(g, "memhog 100000", re.compile(r"memhog: allocated \d+ MiB\n"
                                             r"memhog: malloc: Cannot allocate memory"), status=1)


def test_memhog_holds_until_killed():
    g = guests[1]
    g.sendline("memhog 4")
    g.expect(r"node 1: \d+ pages\r*\n", timeout=30)
    time.sleep(0.3)
    g.send_ctrl_c()
    g.expect_prompt(timeout=10)
    assert g.last_status() == 130


def meminfo_free_kb(g):
    out = g.run("grep MemFree /proc/meminfo")
    m = re.fullmatch(r"MemFree:\s+(\d+) kB", out)
    assert m, out
    return int(m.group(1))


def test_leaking_app_leaves_nothing_behind():
    for g in guests:
        g.run("__leaktest")   # the first run may grow slab caches and page tables
        before = meminfo_free_kb(g)
        for _ in range(5):
            check(g, "__leaktest", re.compile(r".*"))
        check(g, "memhog -t 0 16", re.compile(r"(?s).*"))
        after = meminfo_free_kb(g)
        # Five runs leak 5 MiB and memhog holds 16 MiB if exit frees nothing.
        assert abs(before - after) <= 256, "%s: MemFree %d kB before, %d kB after" % (
            g.describe(), before, after)


def test_fdhog_reports_the_limit():
    for g in guests:
        check(g, "fdhog 1100", re.compile(r"opened 1021\nfdhog: open: Too many open files"),
              status=1)
        g.sendline("fdhog 5")
        g.expect(r"opened 5\r*\n")
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        check(g, "fdhog x", re.compile(r"usage: fdhog(.|\n)*"), status=1)


def test_spawnmany_returns_and_children_sleep():
    for g in guests:
        check(g, "spawnmany 3", "spawned 3")
        check(g, "ps | grep -c ' sleep$'", "3")
        for pid in re.findall(r"^\s*(\d+)\s.* sleep$", g.run("ps"), re.M):
            g.run("kill %s" % pid)
        check_soon(g, "ps | grep -c ' sleep$'", "0")
        check(g, "spawnmany -t 0.2 2", "spawned 2")
        check_soon(g, "ps | grep -c ' sleep$'", "0")
        check(g, "spawnmany x", "spawnmany: x: Invalid argument", status=1)


def test_errors_go_to_stderr():
    failing = ["ls /nope", "cat /nope", "mkdir /tmp", "rmdir /nope", "rm /nope",
               "mv /nope /x", "touch /nope/x", "mount -t nofs none /tmp", "umount /nope",
               "kill -9 99999", "sleep abc", "grep x /nope", "wc /nope", "head /nope",
               "free -z", "taskset -p 99999", "top -n x", "spin abc", "memhog abc",
               "spawnmany x", "ps -z", "uptime x", "dmesg x", "env -z", "numactl --bogus",
               "fdhog x"]
    for g in guests:
        for cmd in failing:
            # Nothing on stdout before the status; the message on stderr.
            out = g.run("%s 2>/tmp/stderr; echo status=$?; cat /tmp/stderr" % cmd)
            first, _, err = out.partition("\n")
            assert re.fullmatch(r"status=[1-9]\d*", first), "%s: %r printed %r" % (
                g.describe(), cmd, out)
            prog = cmd.split()[0]
            assert err.startswith(prog + ": ") or err.startswith("usage: " + prog), \
                "%s: %r wrote %r to stderr" % (g.describe(), cmd, err)
