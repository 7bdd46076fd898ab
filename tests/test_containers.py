"""Containers through the shell (step 6): the container filesystem, cpusets
and memsets, on 4 CPUs/2 nodes (one shared guest), 1 CPU, and 4 nodes.
"""

import re

from corral import Corral

guest = None


def setup_module():
    global guest
    guest = Corral(cpus=4, nodes=2, mem=1024)


def teardown_module():
    if guest is not None:
        guest.close()


def run(cmd, c=None, timeout=30):
    return (c or guest).run(cmd, timeout=timeout)


def status_field(pid, field, c=None):
    out = run("cat /proc/%s/status" % pid, c)
    m = re.search(r"^%s:\s*(.*)$" % re.escape(field), out, re.M)
    assert m, "no %s in /proc/%s/status: %r" % (field, pid, out)
    return m.group(1).strip()


def node_pages(pid, c=None):
    out = run("cat /proc/%s/numa" % pid, c)
    pages = dict((int(n), int(p)) for n, p in re.findall(r"node (\d+): (\d+) pages", out))
    assert pages, "no node lines in /proc/%s/numa: %r" % (pid, out)
    return pages


def start_bg(cmd, c=None):
    out = run(cmd + " &", c)
    m = re.search(r"\[\d+\] (\d+)", out)
    assert m, "no job pid from %r: %r" % (cmd, out)
    return m.group(1)


def test_mount_lists_hierarchies_and_errors():
    run("mkdir -p /containers/cpu /containers/mem")
    assert run("mount -t container -o cpuset none /containers/cpu") == ""
    assert run("mount -t cgroup -o memset none /containers/mem") == ""
    mounts = run("mount")
    assert re.search(r"/containers/cpu container .*cpuset", mounts), mounts
    assert re.search(r"/containers/mem cgroup .*memset", mounts), mounts
    out = run("cat /proc/containers")
    assert out.splitlines()[0].split() == ["#subsys_name", "hierarchy", "num_containers",
                                           "enabled"], out
    assert re.search(r"^cpuset\s+\d+\s+1\s+1$", out, re.M), out
    run("mkdir -p /tmp/x")
    out = run("mount -t container -o cpuset,memset none /tmp/x")
    assert "Device or resource busy" in out, out
    out = run("mount -t container -o nosuch none /tmp/x")
    assert "Invalid argument" in out, out
    assert sorted(run("ls /containers/cpu").split()) == [
        "cgroup.procs", "cpuset.cpu_exclusive", "cpuset.cpus", "notify_on_release",
        "release_agent", "tasks"]


def test_cpuset_pins_spin_and_moves_it_when_cpus_change():
    run("mkdir /containers/cpu/batch /containers/mem/batch")
    assert run("echo 2-3 > /containers/cpu/batch/cpuset.cpus") == ""
    assert run("echo 1 > /containers/mem/batch/memset.mems") == ""
    out = run("echo 0-7 > /containers/cpu/batch/cpuset.cpus")
    assert out == "sh: write error: Numerical result out of range", out
    assert run("cat /containers/cpu/batch/cpuset.cpus") == "2-3"
    pid = start_bg("spin 60")
    assert run("echo %s > /containers/cpu/batch/tasks; echo %s > /containers/mem/batch/tasks"
               % (pid, pid)) == ""
    assert status_field(pid, "Cpus_allowed_list") == "2-3"
    assert status_field(pid, "Mems_allowed_list") == "1"
    assert status_field(pid, "Cpu") in ("2", "3")
    assert status_field(pid, "Node") == "1"
    out = run("ps")
    assert re.search(r"^\s*%s\s+\d+\s+[23]\s+1\s+R\s+\S+ spin$" % pid, out, re.M), out
    out = run("cat /proc/%s/container" % pid)
    assert re.search(r"^\d+:cpuset:/batch$", out, re.M), out
    assert re.search(r"^\d+:memset:/batch$", out, re.M), out
    assert run("cat /containers/cpu/batch/tasks") == pid
    assert pid not in run("cat /containers/cpu/tasks").split()
    # Shrink the cpuset: the spinning task is on CPU 3 when the write returns.
    assert run("echo 3 > /containers/cpu/batch/cpuset.cpus; grep Cpu: /proc/%s/status"
               % pid) == "Cpu:\t3"
    assert status_field(pid, "Cpus_allowed_list") == "3"
    out = run("rmdir /containers/cpu/batch")
    assert out == "rmdir: /containers/cpu/batch: Device or resource busy", out
    run("kill %s; wait" % pid)
    assert run("cat /containers/cpu/batch/tasks") == ""  # an exited task leaves
    assert run("rmdir /containers/cpu/batch /containers/mem/batch") == ""


def test_error_texts_of_the_table():
    c = "/containers/cpu"
    run("mkdir %s/e" % c)
    cases = [
        ("echo abc > %s/tasks" % c, "sh: write error: Invalid argument"),
        ("echo 4242 > %s/tasks" % c, "sh: write error: No such process"),
        ("echo $$ > %s/e/tasks" % c, "sh: write error: No space left on device"),
        ("mkdir %s/e" % c, "mkdir: %s/e: File exists" % c),
        ("touch %s/e/newfile" % c, "touch: %s/e/newfile: Permission denied" % c),
        ("rm %s/e/tasks" % c, "rm: %s/e/tasks: Operation not permitted" % c),
        ("echo 0 > %s/cpuset.cpus" % c, "sh: write error: Permission denied"),
        ("echo 1-x > %s/e/cpuset.cpus" % c, "sh: write error: Invalid argument"),
    ]
    for cmd, want in cases:
        out = run(cmd)
        assert out == want, "%s: got %r, want %r" % (cmd, out, want)
    run("mkdir %s/e/sub" % c)
    assert run("rmdir %s/e" % c) == "rmdir: %s/e: Device or resource busy" % c
    assert run("echo 0-1 > %s/e/cpuset.cpus; echo 1 > %s/e/sub/cpuset.cpus" % (c, c)) == ""
    assert run("echo 0 > %s/e/cpuset.cpus" % c) == "sh: write error: Device or resource busy"
    assert run("echo 1 > %s/e/sub/cpuset.cpu_exclusive" % c) == \
        "sh: write error: Permission denied"
    run("rmdir %s/e/sub %s/e" % (c, c))
    assert run("ls %s" % c).split().count("e") == 0


def test_memhog_placement_and_migration():
    m = "/containers/mem"
    run("mkdir %s/n1 %s/n0" % (m, m))
    run("echo 1 > %s/n1/memset.mems; echo 0 > %s/n0/memset.mems" % (m, m))
    # memhog started from a shell inside the memset of node 1.
    out = run("echo $$ > %s/n1/tasks; memhog -t 0 8; echo $$ > %s/tasks" % (m, m))
    pages = dict((int(n), int(p)) for n, p in re.findall(r"node (\d+): (\d+) pages", out))
    assert pages.get(1, 0) >= 2048 and pages.get(0, 0) == 0, out
    # A holder on node 0, then migrate: every page ends up on node 1.
    assert run("cat %s/n0/memset.memory_migrate" % m) == "0"
    run("echo 1 > %s/n0/memset.memory_migrate" % m)
    assert run("cat %s/n0/memset.memory_migrate" % m) == "1"
    run("echo $$ > %s/n0/tasks" % m)
    pid = start_bg("memhog 8")
    run("echo $$ > %s/tasks" % m)
    for _ in range(50):
        pages = node_pages(pid)
        if pages.get(0, 0) >= 2048:
            break
        run("sleep 0.1")
    assert pages.get(0, 0) >= 2048 and pages.get(1, 0) == 0, pages
    assert run("echo 1 > %s/n0/memset.mems" % m) == ""
    pages = node_pages(pid)
    assert pages.get(1, 0) >= 2048 and pages.get(0, 0) == 0, pages
    assert status_field(pid, "Mems_allowed_list") == "1"
    run("kill %s; wait" % pid)
    assert run("rmdir %s/n0 %s/n1" % (m, m)) == ""


def test_release_agent_runs_once_with_the_path():
    c = "/containers/cpu"
    run("echo 'echo released $1 >> /tmp/released' > /tmp/agent.sh")
    run("echo 'sh /tmp/agent.sh' > %s/release_agent" % c)
    assert run("cat %s/release_agent" % c) == "sh /tmp/agent.sh"
    run("mkdir -p %s/r/inner; echo 0 > %s/r/cpuset.cpus; echo 0 > %s/r/inner/cpuset.cpus"
        % (c, c, c))
    run("echo 1 > %s/r/inner/notify_on_release" % c)
    pid = start_bg("spin 30")
    run("echo %s > %s/r/inner/tasks" % (pid, c))
    run("kill %s; wait" % pid)
    for _ in range(30):
        if "released" in run("cat /tmp/released"):
            break
        run("sleep 0.1")
    run("sleep 0.3")
    assert run("cat /tmp/released") == "released /r/inner"
    run("rmdir %s/r/inner %s/r" % (c, c))


def test_umount_keeps_children_and_remount_shows_them():
    run("mkdir /containers/cpu/kept")
    assert run("umount /containers/cpu") == ""
    assert "/containers/cpu" not in run("mount")
    assert run("mount -t container -o cpuset none /containers/cpu") == ""
    assert "kept" in run("ls /containers/cpu").split()
    assert run("rmdir /containers/cpu/kept") == ""


def test_one_cpu_topology():
    with Corral(cpus=1, nodes=1, mem=256) as c:
        run("mkdir /c; mount -t container -o cpuset,memset none /c", c)
        assert run("cat /c/cpuset.cpus; cat /c/memset.mems", c) == "0\n0"
        run("mkdir /c/a; echo 0 > /c/a/cpuset.cpus; echo 0 > /c/a/memset.mems", c)
        assert run("echo 1 > /c/a/cpuset.cpus", c) == \
            "sh: write error: Numerical result out of range"
        pid = start_bg("spin 30", c)
        assert run("echo %s > /c/a/tasks; cat /c/a/tasks" % pid, c) == pid
        assert run("cat /proc/%s/container" % pid, c).endswith(":cpuset,memset:/a")
        run("kill %s; wait; rmdir /c/a; umount /c" % pid, c)


def test_four_node_topology_memset_per_node():
    with Corral(cpus=4, nodes=4, mem=1024) as c:
        run("mkdir /m; mount -t container -o memset,cpuset none /m", c)
        assert run("cat /m/memset.mems", c) == "0-3"
        for node in range(4):
            run("mkdir /m/n%d; echo %d > /m/n%d/memset.mems; echo %d > /m/n%d/cpuset.cpus"
                % (node, node, node, node, node), c)
            out = run("echo $$ > /m/n%d/tasks; memhog -t 0 4; echo $$ > /m/tasks" % node, c)
            pages = dict((int(n), int(p)) for n, p in
                         re.findall(r"node (\d+): (\d+) pages", out))
            assert pages.get(node, 0) >= 1024, (node, out)
            assert sum(pages.values()) == pages[node], (node, out)
        run("rmdir /m/n0 /m/n1 /m/n2 /m/n3; umount /m", c)
