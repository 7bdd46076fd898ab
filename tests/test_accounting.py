"""cpuacct, numtasks and bc through the shell (step 7), on 4 CPUs/2 nodes
with three hierarchies at once: cpuset+cpuacct, memset, numtasks+bc.
"""

import re

from corral import Corral

guest = None


def setup_module():
    global guest
    guest = Corral(cpus=4, nodes=2, mem=1024)
    run("mkdir -p /h/cpu /h/mem /h/lim")
    assert run("mount -t container -o cpuset,cpuacct none /h/cpu") == ""
    assert run("mount -t container -o memset none /h/mem") == ""
    assert run("mount -t container -o numtasks,bc none /h/lim") == ""


def teardown_module():
    if guest is not None:
        guest.close()


def run(cmd, timeout=30):
    return guest.run(cmd, timeout=timeout)


def num(path):
    out = run("cat " + path)
    assert re.fullmatch(r"\d+", out), "%s: %r" % (path, out)
    return int(out)


def start_bg(cmd):
    out = run(cmd + " &")
    m = re.search(r"\[\d+\] (\d+)", out)
    assert m, "no job pid from %r: %r" % (cmd, out)
    return m.group(1)


def kill_members(path):
    pids = run("cat " + path).split()
    if pids:
        run("kill " + " ".join(pids))
    run("wait")


def test_cpuacct_counts_only_while_a_member_and_parents_include_children():
    run("mkdir -p /h/cpu/p/c; echo 0-3 > /h/cpu/p/cpuset.cpus; echo 0-3 > /h/cpu/p/c/cpuset.cpus")
    assert num("/h/cpu/p/c/cpuacct.usage") == 0
    pid = start_bg("spin 30")
    run("sleep 0.3")
    assert num("/h/cpu/p/c/cpuacct.usage") == 0  # not a member yet
    run("echo %s > /h/cpu/p/c/tasks" % pid)
    run("sleep 1")
    child = num("/h/cpu/p/c/cpuacct.usage")
    parent = num("/h/cpu/p/cpuacct.usage")
    assert child > 300 * 10**6, child
    assert parent >= child, (parent, child)
    load = num("/h/cpu/p/c/cpuacct.load")
    assert 1 <= load <= 100, load
    run("echo %s > /h/cpu/tasks" % pid)  # out: the figures stop moving
    percpu = [int(x) for x in run("cat /h/cpu/p/c/cpuacct.usage_percpu").split()]
    assert len(percpu) == 4, percpu
    assert sum(percpu) == num("/h/cpu/p/c/cpuacct.usage")
    assert run("echo 7 > /h/cpu/p/c/cpuacct.usage") == "sh: write error: Invalid argument"
    assert run("echo 0 > /h/cpu/p/c/cpuacct.usage_percpu") == \
        "sh: write error: Invalid argument"
    assert run("echo 0 > /h/cpu/p/c/cpuacct.usage") == ""
    assert num("/h/cpu/p/c/cpuacct.usage") == 0
    out = run("top -n 1 -c /h/cpu")
    assert re.search(r"/p/c\b", out), out
    run("kill %s; wait" % pid)
    assert run("rmdir /h/cpu/p/c /h/cpu/p") == ""


def test_numtasks_limits_spawn_and_the_rest_of_the_system_still_spawns():
    assert run("cat /h/lim/numtasks.max") == "max"
    run("echo 1000 > /h/lim/numtasks.max; mkdir /h/lim/g")
    assert run("cat /h/lim/g/numtasks.shares") == \
        "res=numtasks,min_shares=-3,max_shares=-3,child_shares_divisor=100"
    assert run("echo min_shares=5,max_shares=2 > /h/lim/g/numtasks.shares") == \
        "sh: write error: Invalid argument"
    assert run("echo max_shares=1 > /h/lim/g/numtasks.shares") == ""  # 1000 * 1/100 = 10
    run("echo $$ > /h/lim/g/tasks")
    # The shell and spawnmany count: 8 children fit under 10.
    out = run("spawnmany 20")
    assert out.splitlines() == ["spawned 8",
                                "spawnmany: spawn: Resource temporarily unavailable"], out
    run("sleep 30 &")  # the 10th
    out = run("cat /dev/null")
    assert out == "sh: spawn: Resource temporarily unavailable", out
    assert run("echo still here") == "still here"
    run("echo $$ > /h/lim/tasks")
    assert run("cat /dev/null; echo $?") == "0"  # outside the group spawns work
    stats = run("cat /h/lim/g/numtasks.stats").splitlines()
    assert stats == ["numtasks: Current usage 9", "numtasks: Number of successes 10",
                     "numtasks: Number of failures 2",
                     "numtasks: Number of forkrate failures 0"], stats
    # Moving a task in always succeeds, even past the limit.
    run("echo $$ > /h/lim/g/tasks; echo $$ > /h/lim/tasks")
    pid = start_bg("sleep 30")
    assert run("echo %s > /h/lim/g/tasks" % pid) == ""
    assert run("head -n 1 /h/lim/g/numtasks.stats") == "numtasks: Current usage 10"
    kill_members("/h/lim/g/tasks")
    for _ in range(20):
        if run("head -n 1 /h/lim/g/numtasks.stats") == "numtasks: Current usage 0":
            break
        run("sleep 0.1")
    assert run("head -n 1 /h/lim/g/numtasks.stats") == "numtasks: Current usage 0"
    assert run("rmdir /h/lim/g") == ""
    run("echo max > /h/lim/numtasks.max")


def test_bc_barrier_failcnt_and_files_keep_the_container():
    run("mkdir /h/lim/f")
    assert num("/h/lim/f/bc.numfiles.barrier") == 256
    assert num("/h/lim/f/bc.numfiles.limit") == 512
    assert run("echo 600 > /h/lim/f/bc.numfiles.barrier") == "sh: write error: Invalid argument"
    assert run("echo 1 > /h/lim/f/bc.numfiles.held") == "sh: write error: Invalid argument"
    assert run("echo 10 > /h/lim/f/bc.numfiles.barrier") == ""
    # fd 4 (charged to the root) is the way back out without an open in f.
    run("exec 4> /h/lim/tasks; echo $$ > /h/lim/f/tasks; exec 3< /dev/null")
    out = run("fdhog 20; echo $$ >&4")
    assert out.splitlines() == ["opened 9", "fdhog: open: Too many open files in system"], out
    assert num("/h/lim/f/bc.numfiles.maxheld") == 10
    assert num("/h/lim/f/bc.numfiles.failcnt") == 1
    # The shell moved out, fdhog exited: the shell's fd 3 still holds f.
    assert num("/h/lim/f/bc.numfiles.held") == 1
    assert run("rmdir /h/lim/f") == "rmdir: /h/lim/f: Device or resource busy"
    run("exec 3<&-; exec 4>&-")
    assert num("/h/lim/f/bc.numfiles.held") == 0
    assert run("rmdir /h/lim/f") == ""


def test_fdhog_reports_the_refused_open():
    run("mkdir /h/lim/q; echo 3 > /h/lim/q/bc.numfiles.barrier; echo $$ > /h/lim/q/tasks")
    out = run("fdhog 5")
    run("echo $$ > /h/lim/tasks")
    assert "opened 3" in out and "fdhog: open: Too many open files in system" in out, out
    assert run("rmdir /h/lim/q") == ""


def test_combined_three_hierarchies_with_a_workload_each():
    run("mkdir /h/cpu/w /h/mem/w /h/lim/w")
    run("echo 2-3 > /h/cpu/w/cpuset.cpus; echo 1 > /h/mem/w/memset.mems")
    run("echo max_shares=5 > /h/lim/w/numtasks.shares; echo 1000 > /h/lim/numtasks.max")
    run("echo $$ > /h/cpu/w/tasks; echo $$ > /h/mem/w/tasks; echo $$ > /h/lim/w/tasks")
    spin = start_bg("spin 30")
    hog = start_bg("memhog 16")
    fds = start_bg("fdhog 5")
    run("echo $$ > /h/cpu/tasks; echo $$ > /h/mem/tasks; echo $$ > /h/lim/tasks")
    run("sleep 1")
    for pid in (spin, hog, fds):
        out = run("cat /proc/%s/container" % pid)
        assert re.search(r"^\d+:cpuset,cpuacct:/w$", out, re.M), out
        assert re.search(r"^\d+:memset:/w$", out, re.M), out
        assert re.search(r"^\d+:numtasks,bc:/w$", out, re.M), out
        assert run("grep allowed /proc/%s/status" % pid) == \
            "Cpus_allowed_list:\t2-3\nMems_allowed_list:\t1"
    assert sorted(run("cat /h/cpu/w/tasks").split()) == sorted([spin, hog, fds])
    assert num("/h/cpu/w/cpuacct.usage") > 500 * 10**6
    # CPUs 0-1 saw only the shell's moments in w before it was moved off.
    percpu = [int(x) for x in run("cat /h/cpu/w/cpuacct.usage_percpu").split()]
    assert percpu[0] + percpu[1] < sum(percpu) // 100, percpu
    assert run("head -n 1 /h/lim/w/numtasks.stats") == "numtasks: Current usage 3"
    assert num("/h/lim/w/bc.numfiles.held") >= 5
    pages = dict((int(n), int(p)) for n, p in
                 re.findall(r"node (\d+): (\d+) pages", run("cat /proc/%s/numa" % hog)))
    assert pages.get(1, 0) >= 4096 and pages.get(0, 0) == 0, pages
    run("kill %s %s %s; wait" % (spin, hog, fds))
    assert num("/h/lim/w/bc.numfiles.held") == 0
    assert run("rmdir /h/cpu/w /h/mem/w /h/lim/w") == ""
    run("echo max > /h/lim/numtasks.max")


def test_fork_bomb_script_in_a_limited_group_cannot_exhaust_the_machine():
    run("echo 1000 > /h/lim/numtasks.max; mkdir /h/lim/bomb")
    assert run("echo max_shares=2 > /h/lim/bomb/numtasks.shares") == ""  # 20 tasks
    # Each level leaves two sleepers and recurses until a spawn is refused;
    # then every sh level exits and the sleepers fill the group.
    run("echo 'sleep 30 & sleep 30 & sh /tmp/bomb.sh' > /tmp/bomb.sh")
    out = run("echo $$ > /h/lim/bomb/tasks; sh /tmp/bomb.sh; echo $$ > /h/lim/tasks",
              timeout=60)
    assert "Resource temporarily unavailable" in out, out
    stats = run("cat /h/lim/bomb/numtasks.stats").splitlines()
    usage = int(stats[0].split()[-1])
    failures = int(stats[2].split()[-1])
    assert 0 < usage <= 20 and failures >= 1, stats
    assert run("cat /dev/null; echo $?") == "0"  # the rest of the system spawns
    assert run("spawnmany 5").splitlines()[0] == "spawned 5"
    kill_members("/h/lim/bomb/tasks")
    run("kill " + " ".join(run("cat /h/lim/tasks").split()[-5:]))  # spawnmany's five
    for _ in range(20):
        if run("head -n 1 /h/lim/bomb/numtasks.stats") == "numtasks: Current usage 0":
            break
        run("sleep 0.1")
    assert run("rmdir /h/lim/bomb") == ""
    run("echo max > /h/lim/numtasks.max")
