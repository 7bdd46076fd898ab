"""The names Linux users type (issue 14), on 1 CPU/1 node and 4 CPUs/2 nodes:
/proc/cgroups, /proc/PID/cgroup, cgroup.procs, /sys/fs/cgroup, the mount
listing of a hierarchy, per-task descriptor limits with `ulimit -n`, ENOENT
for a missing /proc file, and kernel messages that leave the line being
typed readable. Each test undoes its mounts, so the subsystems are free
for the next one.
"""

import re

from corral import NUMA, SMALL, Corral, check

guests = []


def setup_module():
    for topo in (SMALL, NUMA):
        guests.append(Corral(**topo))


def teardown_module():
    for g in guests:
        g.close()


def start_bg(g, cmd):
    out = g.run(cmd + " &")
    m = re.search(r"\[\d+\] (\d+)", out)
    assert m, "%s: no job pid from %r: %r" % (g.describe(), cmd, out)
    return m.group(1)


def subsys_rows(out):
    """/proc/cgroups (or /proc/containers) as {name: (hierarchy, count, enabled)}."""
    rows = {}
    for line in out.splitlines()[1:]:
        f = line.split("\t")
        assert len(f) == 4, "not 4 tab-separated columns: %r" % line
        rows[f[0]] = tuple(int(x) for x in f[1:])
    return rows


# ---- /proc/cgroups, /proc/PID/cgroup, cgroup.procs, /sys/fs/cgroup ----------

def test_sys_fs_cgroup_is_an_empty_directory_to_mount_on():
    for g in guests:
        check(g, "ls /sys/fs", "cgroup")
        check(g, "ls /sys/fs/cgroup", "")
        check(g, "mkdir /sys/fs/cgroup/cpu", "")
        check(g, "mount -t cgroup -o cpuset,cpuacct cgroup /sys/fs/cgroup/cpu", "")
        out = check(g, "ls /sys/fs/cgroup/cpu", re.compile(r"(?s).*"))
        assert "cpuset.cpus" in out.split() and "cgroup.procs" in out.split(), out
        check(g, "umount /sys/fs/cgroup/cpu; rmdir /sys/fs/cgroup/cpu", "")


def test_proc_cgroups_has_linux_header_and_counts():
    for g in guests:
        out = check(g, "cat /proc/cgroups", re.compile(r"(?s).*"))
        assert out.splitlines()[0] == "#subsys_name\thierarchy\tnum_cgroups\tenabled", out
        rows = subsys_rows(out)
        assert sorted(rows) == sorted(["cpuset", "memset", "cpuacct", "numtasks", "bc", "cpu"]), out
        assert all(r == (0, 1, 1) for r in rows.values()), out  # bound nowhere
        check(g, "mkdir -p /c && mount -t cgroup -o cpuacct,numtasks none /c", "")
        check(g, "mkdir /c/a /c/a/b", "")
        rows = subsys_rows(g.run("cat /proc/cgroups"))
        assert rows["cpuacct"][0] > 0 and rows["cpuacct"] == rows["numtasks"], rows
        assert rows["cpuacct"][1:] == (3, 1), rows
        assert rows["cpuset"] == (0, 1, 1), rows
        # Corral's own name for the file has the same rows.
        assert subsys_rows(g.run("cat /proc/containers")) == rows
        check(g, "rmdir /c/a/b /c/a; umount /c", "")


def test_proc_pid_cgroup_lists_each_hierarchy_like_container():
    for g in guests:
        check(g, "mkdir -p /c1 /c2", "")
        check(g, "mount -t cgroup -o cpuset,cpuacct none /c1", "")
        check(g, "mount -t container -o numtasks none /c2", "")
        check(g, "mkdir /c1/grp /c2/grp; echo 0 > /c1/grp/cpuset.cpus", "")
        pid = start_bg(g, "sleep 30")
        check(g, "echo %s > /c1/grp/tasks" % pid, "")
        out = check(g, "cat /proc/%s/cgroup" % pid, re.compile(r"(?s).*"))
        assert out == g.run("cat /proc/%s/container" % pid), out
        lines = out.splitlines()
        assert len(lines) == 2, out  # memset and bc are bound nowhere: not listed
        assert re.fullmatch(r"\d+:cpuset,cpuacct:/grp", lines[0]), out
        assert re.fullmatch(r"\d+:numtasks:/", lines[1]), out
        assert g.run("cat /proc/self/cgroup") == g.run("cat /proc/self/container")
        g.run("kill %s; wait" % pid)
        check(g, "rmdir /c1/grp /c2/grp; umount /c1; umount /c2", "")


def test_unmounted_hierarchy_that_still_confines_is_listed():
    for g in guests:
        check(g, "mkdir -p /m && mount -t container -o cpuset none /m", "")
        check(g, "mkdir /m/kept && echo 0 > /m/kept/cpuset.cpus", "")
        pid = start_bg(g, "sleep 60")
        check(g, "echo %s > /m/kept/cgroup.procs" % pid, "")
        check(g, "umount /m", "")
        assert "/m " not in g.run("mount")
        out = g.run("cat /proc/%s/cgroup" % pid)
        assert re.search(r"^\d+:cpuset:/kept$", out, re.M), out
        assert re.search(r"^Cpus_allowed_list:\s+0$", g.run("cat /proc/%s/status" % pid),
                         re.M)
        g.run("kill %s; wait" % pid)
        check(g, "mount -t container -o cpuset none /m && rmdir /m/kept && umount /m", "")


def test_cgroup_procs_is_the_tasks_file():
    for g in guests:
        check(g, "mkdir -p /c && mount -t cgroup -o cpuacct none /c && mkdir /c/j", "")
        pid = start_bg(g, "sleep 30")
        check(g, "echo %s > /c/j/cgroup.procs" % pid, "")
        check(g, "cat /c/j/cgroup.procs", pid)
        check(g, "cat /c/j/tasks", pid)
        assert pid not in g.run("cat /c/cgroup.procs").split()
        check(g, "echo 99999 > /c/j/cgroup.procs",
              "sh: write error: No such process", status=1)
        check(g, "echo x > /c/j/cgroup.procs", "sh: write error: Invalid argument", status=1)
        g.run("kill %s; wait" % pid)
        check(g, "cat /c/j/cgroup.procs", "")
        check(g, "rmdir /c/j; umount /c", "")


# ---- the mount listing --------------------------------------------------------

def test_mount_lists_a_hierarchy_with_its_subsystems_as_options():
    for g in guests:
        check(g, "mkdir -p /c /all", "")
        check(g, "mount -t container -o ,cpuacct,cpuset none /c", "")
        out = g.run("mount")
        assert "none /c container rw,cpuset,cpuacct 0 0" in out.splitlines(), out
        assert out == g.run("cat /proc/mounts")
        check(g, "umount /c", "")
        # No -o: every subsystem, listed by name as Linux does.
        check(g, "mount -t cgroup cgroup /all", "")
        assert ("cgroup /all cgroup rw,cpuset,memset,cpuacct,numtasks,bc,cpu 0 0"
                in g.run("mount").splitlines())
        check(g, "umount /all", "")
        assert "/all" not in g.run("mount")


# ---- descriptors per task -------------------------------------------------------

def test_descriptors_per_task_1024_by_default_4096_with_ulimit():
    for g in guests:
        check(g, "ulimit -n", "1024")
        check(g, "ulimit -Hn", "4096")
        # fds 0-2 are the console: 1021 more, then EMFILE.
        check(g, "fdhog 1100", "opened 1021\nfdhog: open: Too many open files", status=1)
        check(g, "sh -c 'ulimit -n 4096; ulimit -n; fdhog 4100'",
              "4096\nopened 4093\nfdhog: open: Too many open files", status=1)
        check(g, "ulimit -n", "1024")  # that was another shell's limit
        check(g, "ulimit -n 5000", "sh: ulimit: error setting limit (Operation not permitted)",
              status=2)
        check(g, "ulimit -n lots", "sh: ulimit: lots: bad number", status=2)
        check(g, "sh -c 'ulimit -n 10; fdhog 20'",
              "opened 7\nfdhog: open: Too many open files", status=1)


def test_fdhog_in_a_fresh_bc_container_meets_the_barrier_with_enfile():
    for g in guests:
        check(g, "mkdir -p /b && mount -t container -o bc none /b && mkdir /b/x", "")
        out, st = g.run_status("sh -c 'echo 0 > /b/x/tasks; fdhog 300'")
        # The kernel logs the container's first refusal (a console line).
        out = "\n".join(l for l in out.splitlines() if not re.match(r"\[[ 0-9.]+\] ", l))
        assert (out, st) == ("opened 256\nfdhog: open: Too many open files in system", 1), (
            g.describe(), out, st)
        check(g, "cat /b/x/bc.numfiles.failcnt", "1")
        check(g, "rmdir /b/x; umount /b", "")


# ---- errors and the console ----------------------------------------------------

def test_writing_a_missing_proc_file_is_enoent():
    for g in guests:
        check(g, "echo x > /proc/nonexistent",
              "sh: /proc/nonexistent: No such file or directory", status=1)
        check(g, "echo x > /proc/self/nonexistent",
              "sh: /proc/self/nonexistent: No such file or directory", status=1)
        check(g, "cat /proc/nonexistent",
              "cat: /proc/nonexistent: No such file or directory", status=1)


def test_a_kernel_message_does_not_overwrite_the_line_being_typed():
    for g in guests:
        # A release agent that does not exist: the kernel says so when the
        # container empties, while the shell waits at the prompt.
        check(g, "mkdir -p /r && mount -t container -o cpuacct none /r && mkdir /r/q", "")
        check(g, "echo nosuchagent > /r/release_agent; echo 1 > /r/q/notify_on_release", "")
        # (sh -c reaps the sleep, which is when it leaves its container.)
        start_bg(g, "sh -c 'sleep 2 & echo $! > /r/q/tasks; wait'")
        g.send("echo typ")
        # The message on a line of its own, then the prompt and what was
        # typed so far again, under it.
        g.expect(r"^echo typ\r+\n\[[ 0-9.]+\] container: release agent "
                 r"'nosuchagent'[^\r\n]*\r+\ncorral:[^\r\n]*# echo typ", timeout=30)
        # ...and the line goes on from there.
        g.send("ed\r")
        g.expect(r"\r+\ntyped\r+\n", timeout=10)
        g.expect_prompt()
        g.run("wait")
        check(g, "rmdir /r/q; umount /r", "")
