"""cpuacct, numtasks and bc through the shell (step 7): every rule, format
and errno of DESIGN.md §7 for the three, on two guests booted once for the
module, 1 CPU/1 node and 4 CPUs/2 nodes, each with three hierarchies at
once: cpuset+cpuacct at /h/cpu, memset at /h/mem, numtasks+bc at /h/lim.
The combined scenario (a workload in a container of each) and the 10 s
load window run on 4 CPUs/2 nodes only.
"""

import re

from corral import NUMA, SMALL, Corral

guests = []


def setup_module():
    for topo in (SMALL, NUMA):
        g = Corral(**topo)
        guests.append(g)
        run(g, "mkdir -p /h/cpu /h/mem /h/lim")
        assert run(g, "mount -t container -o cpuset,cpuacct none /h/cpu") == ""
        assert run(g, "mount -t container -o memset none /h/mem") == ""
        assert run(g, "mount -t container -o numtasks,bc none /h/lim") == ""


def teardown_module():
    for g in guests:
        g.close()


def numa_guest():
    return [g for g in guests if g.topology["nodes"] > 1][0]


def run(g, cmd, timeout=30):
    return g.run(cmd, timeout=timeout)


def num(g, path):
    out = run(g, "cat " + path)
    assert re.fullmatch(r"\d+", out), "%s: %s: %r" % (g.describe(), path, out)
    return int(out)


def start_bg(g, cmd):
    out = run(g, cmd + " &")
    m = re.search(r"\[\d+\] (\d+)", out)
    assert m, "%s: no job pid from %r: %r" % (g.describe(), cmd, out)
    return m.group(1)


def kill_members(g, path):
    pids = run(g, "cat " + path).split()
    if pids:
        run(g, "kill " + " ".join(pids))
    run(g, "wait")


def wait_for(g, cmd, want, tries=30):
    """Run cmd until it prints want (tasks exit and are reaped on their own
    time); return what it printed last."""
    for _ in range(tries):
        out = run(g, cmd)
        if out == want:
            break
        run(g, "sleep 0.1")
    return out


def all_cpus(g):
    return run(g, "cat /h/cpu/cpuset.cpus")


def new_cpu_container(g, path):
    """mkdir path (and its parents) under /h/cpu with every CPU."""
    cpus = all_cpus(g)
    parts = path.strip("/").split("/")
    for i in range(1, len(parts) + 1):
        d = "/h/cpu/" + "/".join(parts[:i])
        run(g, "mkdir -p %s; echo %s > %s/cpuset.cpus" % (d, cpus, d))


def write_error(text):
    return "sh: write error: " + text


EINVAL = write_error("Invalid argument")
EACCES = write_error("Permission denied")


def app_lines(out):
    """out's lines without the kernel's log lines the console interleaves
    (bc logs a container's first refused open: "[ t] bc: open refused ...")."""
    return [l for l in out.splitlines() if not re.match(r"\[ *\d+\.\d+\] ", l)]

# ---- cpuacct ---------------------------------------------------------------


def test_cpuacct_counts_only_while_a_member_and_parents_include_children():
    for g in guests:
        new_cpu_container(g, "p/c")
        assert num(g, "/h/cpu/p/c/cpuacct.usage") == 0
        pid = start_bg(g, "spin 30")
        run(g, "sleep 0.3")
        assert num(g, "/h/cpu/p/c/cpuacct.usage") == 0  # not a member yet
        run(g, "echo %s > /h/cpu/p/c/tasks" % pid)
        run(g, "sleep 1")
        run(g, "echo %s > /h/cpu/tasks" % pid)  # out: the figures stop moving
        child = num(g, "/h/cpu/p/c/cpuacct.usage")
        parent = num(g, "/h/cpu/p/cpuacct.usage")
        assert child > 300 * 10**6, (g.describe(), child)
        assert parent >= child, (g.describe(), parent, child)
        run(g, "sleep 0.2")
        assert num(g, "/h/cpu/p/c/cpuacct.usage") == child  # spinning outside
        load = num(g, "/h/cpu/p/c/cpuacct.load")
        assert 1 <= load <= 100, (g.describe(), load)
        run(g, "kill %s; wait" % pid)
        assert run(g, "rmdir /h/cpu/p/c") == ""
        assert num(g, "/h/cpu/p/cpuacct.usage") == parent  # kept the child's time
        assert run(g, "rmdir /h/cpu/p") == ""


def test_cpuacct_per_cpu_figures_add_up_and_show_where_it_ran():
    for g in guests:
        ncpu = g.topology["cpus"]
        last = ncpu - 1
        run(g, "mkdir /h/cpu/pin; echo %d > /h/cpu/pin/cpuset.cpus" % last)
        pid = start_bg(g, "spin 30")
        # A task moved in runs on as a member where it was until the cpuset
        # moves it, and that time counts there: reset once it has moved.
        run(g, "echo %s > /h/cpu/pin/tasks; sleep 0.1; echo 0 > /h/cpu/pin/cpuacct.usage; "
               "sleep 0.5; echo %s > /h/cpu/tasks" % (pid, pid))
        percpu = [int(x) for x in run(g, "cat /h/cpu/pin/cpuacct.usage_percpu").split()]
        assert len(percpu) == ncpu, (g.describe(), percpu)
        assert sum(percpu) == num(g, "/h/cpu/pin/cpuacct.usage"), percpu
        assert percpu[last] > 100 * 10**6, (g.describe(), percpu)
        assert all(v == 0 for v in percpu[:last]), (g.describe(), percpu)
        run(g, "kill %s; wait" % pid)
        assert run(g, "rmdir /h/cpu/pin") == ""


def test_cpuacct_resets_to_zero_only_and_other_files_are_read_only():
    for g in guests:
        new_cpu_container(g, "r")
        pid = start_bg(g, "spin 30")
        run(g, "echo %s > /h/cpu/r/tasks; sleep 0.2; echo %s > /h/cpu/tasks" % (pid, pid))
        assert num(g, "/h/cpu/r/cpuacct.usage") > 0
        for bad in ("7", "-1", "zero", "0x0"):
            assert run(g, "echo %s > /h/cpu/r/cpuacct.usage" % bad) == EINVAL, bad
        assert run(g, "echo 0 > /h/cpu/r/cpuacct.usage_percpu") == EINVAL
        assert run(g, "echo 0 > /h/cpu/r/cpuacct.load") == EINVAL
        assert run(g, "echo 0 > /h/cpu/r/cpuacct.usage") == ""
        assert num(g, "/h/cpu/r/cpuacct.usage") == 0
        assert set(run(g, "cat /h/cpu/r/cpuacct.usage_percpu").split()) == {"0"}
        run(g, "echo %s > /h/cpu/r/tasks; sleep 0.2; echo %s > /h/cpu/tasks" % (pid, pid))
        assert num(g, "/h/cpu/r/cpuacct.usage") > 0  # counting goes on
        run(g, "kill %s; wait" % pid)
        assert run(g, "rmdir /h/cpu/r") == ""


def test_top_c_shows_each_container_with_its_tasks_and_cpu():
    for g in guests:
        new_cpu_container(g, "t/busy")
        new_cpu_container(g, "t/idle")
        pid = start_bg(g, "spin 30")
        run(g, "echo %s > /h/cpu/t/busy/tasks" % pid)
        out = run(g, "top -n 1 -d 0.5 -c /h/cpu")
        rows = dict((m.group(1), (int(m.group(2)), float(m.group(3)))) for m in
                    re.finditer(r"^(\S+)\s+(\d+)\s+(\d+\.\d)\s+-$", out, re.M))  # MEM: no bc
        assert set(rows) >= {"/", "/t", "/t/busy", "/t/idle"}, out
        assert rows["/t/busy"][0] == 1 and rows["/t/idle"][0] == 0, out
        assert rows["/t"][0] == 1, out  # tasks count the subtree
        assert rows["/t/busy"][1] > 50, out
        assert rows["/t/idle"][1] == 0, out
        assert rows["/t"][1] > 50, out
        # A hierarchy without cpuacct shows no CPU figure (bc: a MEM one).
        assert re.search(r"^/\s+\d+\s+-\s+\d+K$", run(g, "top -n 1 -d 0.1 -c /h/lim"), re.M)
        run(g, "kill %s; wait" % pid)
        assert run(g, "rmdir /h/cpu/t/busy /h/cpu/t/idle /h/cpu/t") == ""


def test_cpuacct_load_is_one_busy_cpu_over_the_last_10_s():
    g = numa_guest()
    new_cpu_container(g, "long")
    pid = start_bg(g, "spin 30")
    run(g, "echo %s > /h/cpu/long/tasks" % pid)
    run(g, "sleep 11", timeout=40)
    load = num(g, "/h/cpu/long/cpuacct.load")
    # A full CPU less what the shell's moments on its CPU took: never more.
    assert 85 <= load <= 100, load
    run(g, "kill %s; wait" % pid)
    assert run(g, "rmdir /h/cpu/long") == ""


# ---- numtasks --------------------------------------------------------------


def test_numtasks_files_and_their_errors():
    for g in guests:
        assert run(g, "cat /h/lim/numtasks.max") == "max"
        run(g, "mkdir /h/lim/e")
        assert run(g, "cat /h/lim/e/numtasks.max") == \
            "cat: /h/lim/e/numtasks.max: No such file or directory"
        assert run(g, "cat /h/lim/e/numtasks.shares") == \
            "res=numtasks,min_shares=dontcare,max_shares=dontcare,child_shares_divisor=100"
        assert run(g, "cat /h/lim/e/numtasks.stats").splitlines() == [
            "numtasks: Current usage 0", "numtasks: Number of successes 0",
            "numtasks: Number of failures 0", "numtasks: Number of forkrate failures 0"]
        for bad in ("min_shares=5,max_shares=2", "max_shares=101", "max_shares=x",
                    "bogus=1", "max_shares=1,", "child_shares_divisor=0"):
            assert run(g, "echo %s > /h/lim/e/numtasks.shares" % bad) == EINVAL, bad
        assert run(g, "echo max_shares=5 > /h/lim/numtasks.shares") == EACCES  # root
        assert run(g, "echo 1 > /h/lim/e/numtasks.stats") == EINVAL
        for bad in ("-2", "lots"):
            assert run(g, "echo %s > /h/lim/numtasks.max" % bad) == EINVAL, bad
        assert run(g, "echo 5000 > /h/lim/numtasks.max; cat /h/lim/numtasks.max") == "5000"
        assert run(g, "echo -1 > /h/lim/numtasks.max; cat /h/lim/numtasks.max") == "max"
        assert run(g, "echo child_shares_divisor=10,max_shares=7 > /h/lim/e/numtasks.shares") == ""
        assert run(g, "cat /h/lim/e/numtasks.shares") == \
            "res=numtasks,min_shares=dontcare,max_shares=7,child_shares_divisor=10"
        assert run(g, "rmdir /h/lim/e") == ""


def test_numtasks_limits_spawn_and_the_rest_of_the_system_still_spawns():
    for g in guests:
        run(g, "echo 1000 > /h/lim/numtasks.max; mkdir /h/lim/g")
        assert run(g, "echo max_shares=1 > /h/lim/g/numtasks.shares") == ""  # 1000/100 = 10
        run(g, "echo $$ > /h/lim/g/tasks")
        # The shell and spawnmany count: 8 children fit under 10.
        out = run(g, "spawnmany 20")
        assert out.splitlines() == ["spawned 8",
                                    "spawnmany: spawn: Resource temporarily unavailable"], out
        run(g, "sleep 30 &")  # the 10th
        out = run(g, "cat /dev/null")
        assert out == "sh: spawn: Resource temporarily unavailable", out
        assert run(g, "echo still here") == "still here"
        run(g, "echo $$ > /h/lim/tasks")
        assert run(g, "cat /dev/null; echo $?") == "0"  # outside the group spawns work
        stats = run(g, "cat /h/lim/g/numtasks.stats").splitlines()
        assert stats == ["numtasks: Current usage 9", "numtasks: Number of successes 10",
                         "numtasks: Number of failures 2",
                         "numtasks: Number of forkrate failures 0"], stats
        # Moving a task in always succeeds, even past the limit.
        run(g, "echo $$ > /h/lim/g/tasks; echo $$ > /h/lim/tasks")
        pid = start_bg(g, "sleep 30")
        assert run(g, "echo %s > /h/lim/g/tasks" % pid) == ""
        assert run(g, "head -n 1 /h/lim/g/numtasks.stats") == "numtasks: Current usage 10"
        kill_members(g, "/h/lim/g/tasks")
        assert wait_for(g, "head -n 1 /h/lim/g/numtasks.stats",
                        "numtasks: Current usage 0") == "numtasks: Current usage 0"
        assert run(g, "rmdir /h/lim/g") == ""
        run(g, "echo max > /h/lim/numtasks.max")


def test_numtasks_nested_limit_is_the_share_of_the_parents():
    for g in guests:
        run(g, "echo 200 > /h/lim/numtasks.max; mkdir -p /h/lim/n/m")
        # n: 200 * 10/100 = 20, divided in 4ths; m: 1 of them = 5.
        assert run(g, "echo max_shares=10,child_shares_divisor=4 > /h/lim/n/numtasks.shares") == ""
        assert run(g, "echo max_shares=1 > /h/lim/n/m/numtasks.shares") == ""
        assert run(g, "echo max_shares=5 > /h/lim/n/m/numtasks.shares") == EINVAL  # > 4
        out = run(g, "echo $$ > /h/lim/n/m/tasks; spawnmany 10; echo $$ > /h/lim/tasks")
        assert out.splitlines() == ["spawned 3",
                                    "spawnmany: spawn: Resource temporarily unavailable"], out
        assert run(g, "head -n 1 /h/lim/n/numtasks.stats") == "numtasks: Current usage 3"
        kill_members(g, "/h/lim/n/m/tasks")
        assert wait_for(g, "head -n 1 /h/lim/n/numtasks.stats",
                        "numtasks: Current usage 0") == "numtasks: Current usage 0"
        assert run(g, "rmdir /h/lim/n/m /h/lim/n") == ""
        run(g, "echo max > /h/lim/numtasks.max")


def test_fork_bomb_script_in_a_limited_group_cannot_exhaust_the_machine():
    for g in guests:
        run(g, "echo 1000 > /h/lim/numtasks.max; mkdir /h/lim/bomb")
        assert run(g, "echo max_shares=2 > /h/lim/bomb/numtasks.shares") == ""  # 20 tasks
        # Each level leaves two sleepers and recurses until a spawn is refused;
        # then every sh level exits and the sleepers fill the group.
        run(g, "echo 'sleep 30 & sleep 30 & sh /tmp/bomb.sh' > /tmp/bomb.sh")
        out = run(g, "echo $$ > /h/lim/bomb/tasks; sh /tmp/bomb.sh; echo $$ > /h/lim/tasks",
                  timeout=60)
        assert "Resource temporarily unavailable" in out, out
        stats = run(g, "cat /h/lim/bomb/numtasks.stats").splitlines()
        usage = int(stats[0].split()[-1])
        failures = int(stats[2].split()[-1])
        assert 0 < usage <= 20 and failures >= 1, stats
        assert run(g, "cat /dev/null; echo $?") == "0"  # the rest of the system spawns
        assert run(g, "spawnmany 5").splitlines()[0] == "spawned 5"
        kill_members(g, "/h/lim/bomb/tasks")
        run(g, "kill " + " ".join(run(g, "cat /h/lim/tasks").split()[-5:]))  # spawnmany's
        wait_for(g, "head -n 1 /h/lim/bomb/numtasks.stats", "numtasks: Current usage 0")
        assert run(g, "rmdir /h/lim/bomb") == ""
        run(g, "echo max > /h/lim/numtasks.max")


# ---- bc --------------------------------------------------------------------


def test_bc_files_and_their_errors():
    for g in guests:
        big = "9223372036854775807"
        assert run(g, "cat /h/lim/bc.numfiles.barrier /h/lim/bc.numfiles.limit") == \
            big + "\n" + big
        run(g, "mkdir /h/lim/e")
        assert num(g, "/h/lim/e/bc.numfiles.barrier") == 256
        assert num(g, "/h/lim/e/bc.numfiles.limit") == 512
        for f in ("held", "maxheld", "minheld", "failcnt"):
            assert num(g, "/h/lim/e/bc.numfiles." + f) == 0, f
            assert run(g, "echo 1 > /h/lim/e/bc.numfiles." + f) == EINVAL, f
        assert run(g, "echo 600 > /h/lim/e/bc.numfiles.barrier") == EINVAL  # > limit
        assert run(g, "echo 100 > /h/lim/e/bc.numfiles.limit") == EINVAL   # < barrier
        assert run(g, "echo -1 > /h/lim/e/bc.numfiles.barrier") == EINVAL
        assert run(g, "echo 1000 > /h/lim/e/bc.numfiles.limit; "
                      "echo 1000 > /h/lim/e/bc.numfiles.barrier") == ""
        assert run(g, "rmdir /h/lim/e") == ""


def test_bc_barrier_failcnt_and_files_keep_the_container():
    for g in guests:
        run(g, "mkdir /h/lim/f")
        assert run(g, "echo 10 > /h/lim/f/bc.numfiles.barrier") == ""
        # fd 4 is a way back out opened before (an open in f would do too: control
        # files are not charged).
        run(g, "exec 4> /h/lim/tasks; echo $$ > /h/lim/f/tasks; exec 3< /dev/null")
        out = run(g, "fdhog 20; echo $$ >&4")
        assert app_lines(out) == ["opened 9",
                                    "fdhog: open: Too many open files in system"], out
        assert num(g, "/h/lim/f/bc.numfiles.maxheld") == 10
        assert num(g, "/h/lim/f/bc.numfiles.failcnt") == 1
        # The shell moved out, fdhog exited: the shell's fd 3 still holds f.
        assert num(g, "/h/lim/f/bc.numfiles.held") == 1
        assert run(g, "cat /h/lim/f/tasks") == ""
        assert run(g, "rmdir /h/lim/f") == "rmdir: /h/lim/f: Device or resource busy"
        run(g, "exec 3<&-; exec 4>&-")
        assert num(g, "/h/lim/f/bc.numfiles.held") == 0
        assert num(g, "/h/lim/f/bc.numfiles.maxheld") == 10
        assert run(g, "rmdir /h/lim/f") == ""


def test_bc_a_file_outlives_its_exited_opener():
    for g in guests:
        run(g, "mkdir /h/lim/x; exec 4> /h/lim/tasks; echo $$ > /h/lim/x/tasks")
        # The inner sh opens /dev/null in x for sleep's stdin, and exits.
        run(g, "sh -c 'sleep 30 < /dev/null &'; echo $$ >&4; exec 4>&-")
        pids = run(g, "cat /h/lim/x/tasks").split()
        assert len(pids) == 1, pids  # the sleep
        run(g, "echo %s > /h/lim/tasks" % pids[0])
        assert run(g, "cat /h/lim/x/tasks") == ""
        assert num(g, "/h/lim/x/bc.numfiles.held") == 1
        assert run(g, "rmdir /h/lim/x") == "rmdir: /h/lim/x: Device or resource busy"
        run(g, "kill %s" % pids[0])
        assert wait_for(g, "cat /h/lim/x/bc.numfiles.held", "0") == "0"
        assert run(g, "rmdir /h/lim/x") == ""


def test_bc_release_agent_runs_once_when_the_last_charged_file_closes():
    for g in guests:
        run(g, "echo 'echo released $1 >> /tmp/bc_released' > /tmp/bc_agent.sh")
        run(g, "echo 'sh /tmp/bc_agent.sh' > /h/lim/release_agent")
        run(g, "mkdir /h/lim/rel; echo 1 > /h/lim/rel/notify_on_release")
        run(g, "exec 4> /h/lim/tasks; echo $$ > /h/lim/rel/tasks; exec 3< /dev/null; "
               "echo $$ >&4; exec 4>&-")
        run(g, "sleep 0.3")
        assert run(g, "cat /tmp/bc_released") == \
            "cat: /tmp/bc_released: No such file or directory"  # fd 3 holds it
        run(g, "exec 3<&-")
        assert wait_for(g, "cat /tmp/bc_released", "released /rel") == "released /rel"
        run(g, "sleep 0.3")
        assert run(g, "cat /tmp/bc_released") == "released /rel"  # once
        assert run(g, "rmdir /h/lim/rel") == ""
        run(g, "echo '' > /h/lim/release_agent")


def test_fdhog_reports_the_refused_open():
    for g in guests:
        run(g, "mkdir /h/lim/q; echo 3 > /h/lim/q/bc.numfiles.barrier")
        out = run(g, "exec 4> /h/lim/tasks; echo $$ > /h/lim/q/tasks; fdhog 5; echo $$ >&4")
        run(g, "exec 4>&-")
        assert app_lines(out) == ["opened 3",
                                    "fdhog: open: Too many open files in system"], out
        assert num(g, "/h/lim/q/bc.numfiles.failcnt") == 1
        assert run(g, "rmdir /h/lim/q") == ""


# ---- all at once -------------------------------------------------------------


def test_combined_three_hierarchies_with_a_workload_each():
    g = numa_guest()
    run(g, "mkdir /h/cpu/w /h/mem/w /h/lim/w")
    run(g, "echo 2-3 > /h/cpu/w/cpuset.cpus; echo 1 > /h/mem/w/memset.mems")
    run(g, "echo max_shares=5 > /h/lim/w/numtasks.shares; echo 1000 > /h/lim/numtasks.max")
    run(g, "echo $$ > /h/cpu/w/tasks; echo $$ > /h/mem/w/tasks; echo $$ > /h/lim/w/tasks")
    spin = start_bg(g, "spin 30")
    hog = start_bg(g, "memhog 16")
    fds = start_bg(g, "fdhog 5")
    run(g, "echo $$ > /h/cpu/tasks; echo $$ > /h/mem/tasks; echo $$ > /h/lim/tasks")
    run(g, "sleep 1")
    for pid in (spin, hog, fds):
        out = run(g, "cat /proc/%s/container" % pid)
        assert re.search(r"^\d+:cpuset,cpuacct:/w$", out, re.M), out
        assert re.search(r"^\d+:memset:/w$", out, re.M), out
        assert re.search(r"^\d+:numtasks,bc:/w$", out, re.M), out
        assert run(g, "grep allowed /proc/%s/status" % pid) == \
            "Cpus_allowed_list:\t2-3\nMems_allowed_list:\t1"
    assert sorted(run(g, "cat /h/cpu/w/tasks").split()) == sorted([spin, hog, fds])
    for h in ("mem", "lim"):
        assert run(g, "cat /h/%s/w/tasks" % h) == run(g, "cat /h/cpu/w/tasks")
    assert num(g, "/h/cpu/w/cpuacct.usage") > 500 * 10**6
    # CPUs 0-1 saw only the shell's moments in w before it was moved off.
    percpu = [int(x) for x in run(g, "cat /h/cpu/w/cpuacct.usage_percpu").split()]
    assert percpu[0] + percpu[1] < sum(percpu) // 100, percpu
    assert 1 <= num(g, "/h/cpu/w/cpuacct.load") <= 200
    assert run(g, "head -n 1 /h/lim/w/numtasks.stats") == "numtasks: Current usage 3"
    # fdhog's 5 opens, and the /dev/null the shell opened (in w) as each
    # background job's stdin, as POSIX asks.
    assert num(g, "/h/lim/w/bc.numfiles.held") == 5 + 3
    assert num(g, "/h/lim/w/bc.numfiles.failcnt") == 0
    pages = dict((int(n), int(p)) for n, p in
                 re.findall(r"node (\d+): (\d+) pages", run(g, "cat /proc/%s/numa" % hog)))
    assert pages.get(1, 0) >= 4096 and pages.get(0, 0) == 0, pages
    out = run(g, "top -n 1 -d 0.3 -c /h/cpu")
    assert re.search(r"^/w\s+3\s+\d+\.\d\s+-$", out, re.M), out
    run(g, "kill %s %s %s; wait" % (spin, hog, fds))
    assert wait_for(g, "cat /h/lim/w/bc.numfiles.held", "0") == "0"
    assert wait_for(g, "head -n 1 /h/lim/w/numtasks.stats",
                    "numtasks: Current usage 0") == "numtasks: Current usage 0"
    assert run(g, "rmdir /h/cpu/w /h/mem/w /h/lim/w") == ""
    run(g, "echo max > /h/lim/numtasks.max")

