"""Limits a user can reach, through the shell: numbers at the boundary
(issue 13 item 5), a root with no limit files (item 7), control files that
need no charge (item 9), numtasks shares with an unlimited root and read
as words (issue 14), and ktest/bench in a used system (item 11). Every
check runs on 1 CPU/1 node and 4 CPUs/2 nodes (-kernel), one guest each
for the module; each test mounts what it needs under /lim and leaves the
guest as it found it.
"""

import re

from corral import NUMA, SMALL, Corral, check

guests = []

ERANGE = "sh: write error: Numerical result out of range"
EINVAL = "sh: write error: Invalid argument"
EACCES = "sh: write error: Permission denied"


def setup_module():
    for topo in (SMALL, NUMA):
        guests.append(Corral(**topo))


def teardown_module():
    for g in guests:
        g.close()


def mount(g, d, opts):
    check(g, "mkdir -p %s && mount -t container -o %s none %s" % (d, opts, d), "")


def umount(g, d):
    check(g, "umount %s && rmdir %s" % (d, d), "")


def cleanup(g):
    """Whatever a failed test left: the shell back in the roots, the
    containers removed, the hierarchies unmounted (errors ignored)."""
    for d in ("/lim", "/lim/cpu", "/lim/nb"):
        g.run("echo $$ > %s/tasks" % d)
    g.run("kill %1 %2 %3; wait")
    for d in ("/lim", "/lim/cpu", "/lim/nb"):
        g.run("echo max > %s/numtasks.max" % d)
        g.run("rmdir %s/k %s/p/c %s/p %s/b" % (d, d, d, d))
    for d in ("/lim/cpu", "/lim/nb", "/lim"):
        g.run("umount %s" % d)
        g.run("rmdir %s" % d)
    g.run("rm -f /tmp/lim7 /tmp/lim9 /tmp/bench_oc; rmdir /tmp/nt")


def each_guest(test):
    """Run test(g) on every guest, cleaning up after a failure."""
    def run_all():
        for g in guests:
            try:
                test(g)
            except BaseException:
                cleanup(g)
                raise
    run_all.__name__ = test.__name__
    return run_all


def without_kernel_lines(out):
    """out without the kernel's log lines ("[    2.738673] ...") that the
    console interleaves with an app's output."""
    return "\n".join(l for l in out.split("\n") if not re.match(r"\[ *\d+\.\d+\] ", l))


# ---- numbers at the boundary ------------------------------------------------

@each_guest
def test_item5_a_huge_numtasks_max_and_full_shares_do_not_stop_spawns(g):
    mount(g, "/lim", "numtasks")
    check(g, "echo 100000000000000000 > /lim/numtasks.max", "")
    check(g, "mkdir /lim/k && echo max_shares=100 > /lim/k/numtasks.shares", "")
    check(g, "echo $$ > /lim/k/tasks", "")
    # cat is an app: a spawn in k (every one failed with EAGAIN before).
    check(g, "cat /lim/k/notify_on_release", "0")
    check(g, "echo 9223372036854775807 > /lim/numtasks.max; ls /lim/k | grep -c '^tasks$'", "1")
    check(g, "grep 'of failures' /lim/k/numtasks.stats", "numtasks: Number of failures 0")
    check(g, "echo $$ > /lim/tasks; rmdir /lim/k; echo max > /lim/numtasks.max", "")
    umount(g, "/lim")


@each_guest
def test_numbers_past_64_bits_are_erange_garbage_and_empty_einval(g):
    mount(g, "/lim", "numtasks,bc,cpuacct")
    check(g, "mkdir /lim/k", "")
    for f, key in (("numtasks.max", ""), ("k/numtasks.shares", "max_shares="),
                   ("k/bc.numfiles.barrier", ""), ("k/bc.numfiles.limit", ""),
                   ("k/cpuacct.usage", ""), ("k/notify_on_release", ""),
                   ("k/tasks", "")):
        check(g, "echo %s99999999999999999999 > /lim/%s" % (key, f), ERANGE, status=1)
        check(g, "echo %s12x > /lim/%s" % (key, f), EINVAL, status=1)
        check(g, "echo %s > /lim/%s" % (key, f), EINVAL, status=1)
    check(g, "cat /lim/numtasks.max /lim/k/bc.numfiles.barrier", "max\n256")
    check(g, "rmdir /lim/k", "")
    umount(g, "/lim")


# ---- numtasks: shares with an unlimited root, read as words ------------------

@each_guest
def test_shares_limit_a_child_without_a_root_max_and_read_dontcare(g):
    mount(g, "/lim", "numtasks")
    check(g, "cat /lim/numtasks.max", "max")
    check(g, "mkdir -p /lim/p/c && cat /lim/p/c/numtasks.shares",
          "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100")
    # An unlimited root counts as PID_MAX (32768) tasks: p gets 327,
    # c 1/100 of that: 3 (the shell and two jobs).
    check(g, "echo max_shares=1 > /lim/p/numtasks.shares", "")
    check(g, "echo max_shares=1,min_shares=-3 > /lim/p/c/numtasks.shares", "")
    check(g, "cat /lim/p/c/numtasks.shares",
          "res=numtasks,min_shares=dontcare,max_shares=1,child_shares_divisor=100")
    check(g, "echo $$ > /lim/p/c/tasks", "")
    g.run("sleep 60 &")
    g.run("sleep 60 &")
    out = g.run("sleep 60 &")
    assert "Resource temporarily unavailable" in out, "%s: %r" % (g.describe(), out)
    check(g, "echo $$ > /lim/tasks", "")  # out first: kill is an app, and c is full
    g.run("kill %1 %2; wait")
    check(g, "grep 'of failures' /lim/p/c/numtasks.stats", "numtasks: Number of failures 1")
    check(g, "rmdir /lim/p/c /lim/p", "")
    umount(g, "/lim")


# ---- the root has no limits; control files need no charge -------------------

@each_guest
def test_item7_the_roots_limit_files_are_read_only_and_the_shell_opens_on(g):
    mount(g, "/lim", "numtasks,bc")
    check(g, "echo 0 > /lim/bc.numfiles.barrier", EACCES, status=1)
    check(g, "echo 0 > /lim/bc.numfiles.limit", EACCES, status=1)
    check(g, "echo child_shares_divisor=1 > /lim/numtasks.shares", EACCES, status=1)
    check(g, "cat /lim/bc.numfiles.barrier", "9223372036854775807")
    check(g, "echo hi > /tmp/lim7 && cat /tmp/lim7 && rm /tmp/lim7", "hi")
    check(g, "echo 5000 > /lim/numtasks.max && echo max > /lim/numtasks.max", "")
    umount(g, "/lim")


@each_guest
def test_item9_a_member_past_its_barrier_opens_a_tasks_file_to_leave(g):
    mount(g, "/lim", "bc")
    check(g, "echo lim9 > /tmp/lim9", "")
    check(g, "mkdir /lim/b && echo 0 > /lim/b/bc.numfiles.barrier", "")
    check(g, "echo $$ > /lim/b/tasks", "")
    out, st = g.run_status("cat /tmp/lim9")
    assert without_kernel_lines(out) == "cat: /tmp/lim9: Too many open files in system", out
    assert st == 1, st
    check(g, "cat /lim/b/bc.numfiles.failcnt", "1")   # a control file: no charge
    check(g, "echo $$ > /lim/tasks", "")             # the way out
    check(g, "cat /tmp/lim9", "lim9")
    out = g.run("dmesg | grep 'bc: open refused'")
    assert re.fullmatch(r"\[ *\d+\.\d+\] bc: open refused in /b: bc\.numfiles\.barrier 0 "
                        r"reached \(ENFILE: the container's bound, not the system's\)",
                        out), "%s: %r" % (g.describe(), out)
    check(g, "rmdir /lim/b && rm /tmp/lim9", "")
    umount(g, "/lim")


# ---- ktest and bench in a used system ----------------------------------------

# The suites that mount hierarchies or use /tmp and tasks; the timing-
# sensitive scheduler suites are left to scripts/ktest-run.
SUITES = ("container,cpuset,memset,cpuacct,numtasks,bc,control_files,vfs,ramfs,devfs,"
          "procfs,pipe,task,app")


def used_session(g):
    """Hierarchies mounted, the shell in a child of each with limits, a
    release agent set, /tmp paths the tests also use."""
    mount(g, "/lim/cpu", "cpuset")
    mount(g, "/lim/nb", "numtasks,bc")
    check(g, "mkdir /lim/cpu/k /lim/nb/k && echo 0 > /lim/cpu/k/cpuset.cpus", "")
    check(g, "echo max_shares=50 > /lim/nb/k/numtasks.shares", "")
    check(g, "echo 100 > /lim/nb/k/bc.numfiles.barrier", "")
    check(g, "echo $$ > /lim/cpu/k/tasks; echo $$ > /lim/nb/k/tasks", "")
    check(g, "echo true > /lim/cpu/release_agent", "")
    check(g, "mkdir /tmp/nt; touch /tmp/bench_oc", "")


def end_session(g):
    check(g, "echo $$ > /lim/cpu/tasks; echo $$ > /lim/nb/tasks", "")
    check(g, "rmdir /lim/cpu/k /lim/nb/k /tmp/nt; rm /tmp/bench_oc", "")
    umount(g, "/lim/cpu")
    umount(g, "/lim/nb")
    check(g, "rmdir /lim", "")


@each_guest
def test_item11_ktest_after_use_skips_what_is_in_use_and_leaves_no_trace(g):
    used_session(g)
    tmp = g.run("ls /tmp")
    container = g.run("cat /proc/$$/container")
    out, st = g.run_status("ktest " + SUITES, timeout=900)
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out[-3000:]
    assert st == 0 and "not ok" not in out, out[-3000:]
    # Honest skips, each naming what it could not use ...
    assert re.search(r"^ok \d+ - cpuset\.\w+ # SKIP cpuset is in use by hierarchy \d+ "
                     r"\(not the tests'\)$", out, re.M), out[-3000:]
    assert re.search(r"^ok \d+ - numtasks\.\w+ # SKIP numtasks is in use", out, re.M)
    assert re.search(r"^# \d+ skipped ", out, re.M), out[-3000:]
    # ... while the free subsystems' tests ran, outside the shell's
    # cpuset (CPU 0) and numtasks/bc limits.
    assert re.search(r"^ok \d+ - memset\.\w+$", out, re.M), out[-3000:]
    assert re.search(r"^ok \d+ - cpuacct\.\w+$", out, re.M), out[-3000:]
    # Nothing left behind.
    check(g, "ls /tmp", tmp)
    check(g, "cat /lim/cpu/release_agent", "true")
    check(g, "cat /proc/$$/container", container)
    check(g, "ls /lim/cpu /lim/nb | grep -c '^k$'", "2")
    end_session(g)


def test_item11_bench_with_every_subsystem_mounted_says_what_it_skipped():
    g = guests[-1]
    mount(g, "/lim", "cpuset,memset,cpuacct,numtasks,bc")
    out = g.run("bench accounting_overhead,container; ls /tmp", timeout=600)
    assert " 0.000 " not in out and "-100.0 %" not in out, out
    assert "# open_close_us_bc: skipped: bc is in use by hierarchy" in out, out
    assert "# container_mkdir_rmdir_us: skipped: cpuset is in use" in out, out
    assert not re.search(r"^(ct_|nt$|bcm$|container_bench|accounting_bench)", out, re.M), out
    umount(g, "/lim")
