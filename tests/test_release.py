"""Release agents through the shell (issue 13, item 10), on 1 CPU/1 node and
4 CPUs/2 nodes: a container emptied while the system is idle is released
at once (before, the last task's zombie waited for some unrelated spawn or
wait to be reaped; now a task's exit alone empties its containers, as in
Linux, and orphans are reaped at once anyway); a path of more than 1024 bytes is released; an agent
command line keeps every word; kernel threads and init cannot be moved
into a child container (EINVAL, as Linux).

Timing is printed, not asserted: the agent and the task that empties the
container print /proc/uptime on the console.
"""

import re
import time

from corral import NUMA, SMALL, Corral

guests = []
KERNEL_ERRORS = ("after it was freed", "double free", "not an object", "WARN", "BUG",
                 "#PF", "panic")
AGENT = "cat /proc/uptime > /dev/console; echo released $1 > /dev/console"


def setup_module():
    for topo in (SMALL, NUMA):
        g = Corral(**topo)
        guests.append(g)
        check(g, "mkdir -p /r; mount -t container -o numtasks,cpuacct none /r")
        check(g, "echo '%s' > /tmp/agent.sh" % AGENT)
        check(g, "echo 'sh /tmp/agent.sh' > /r/release_agent")


def teardown_module():
    for g in guests:
        for bad in KERNEL_ERRORS:
            assert bad not in g.log, "%s on the console of %s" % (bad, g.describe())
        g.close()


def check(g, cmd, want="", timeout=30):
    out = g.run(cmd, timeout=timeout)
    assert out == want, "%s: %r printed %r, want %r" % (g.describe(), cmd[:100], out, want)
    return out


def empty_later(g, path, delay="2"):
    """Move a task into path that leaves it (exits) after delay seconds,
    printing 'exit-at UPTIME' first; nobody waits for it (an orphan), and
    the shell is back at its prompt long before (2 s: even on a loaded
    host, whose stalls could hold the prompt back past a shorter delay and
    mix 'exit-at' into the command's output)."""
    check(g, "sh -c 'echo $$ > %s/tasks; sh -c \"sleep %s; echo exit-at > /dev/console; "
             "cat /proc/uptime > /dev/console\" &'" % (path, delay))


def released_after(g, name, timeout=10):
    """Wait, typing nothing, for the agent's line for container name;
    return the time from the task's exit to the agent (s, from uptime)."""
    g.expect(r"exit-at\s+([\d.]+) [\d.]+\s+([\d.]+) [\d.]+\s+released (\S+)[\r\n]",
             timeout=timeout)
    exit_at, agent_at, path = g.match.group(1), g.match.group(2), g.match.group(3)
    assert path == name, (path, name)
    g.sendline("")  # a fresh prompt: back in step with the shell
    g.expect_prompt()
    return float(agent_at) - float(exit_at)


def test_an_idle_system_runs_the_agent_at_once():
    for g in guests:
        check(g, "mkdir /r/idle; echo 1 > /r/idle/notify_on_release")
        empty_later(g, "/r/idle")
        latency = released_after(g, "/idle")
        print("%s: release %.0f ms after the last task exited"
              % (g.describe(), latency * 1000))
        check(g, "rmdir /r/idle")


def test_a_zombie_nobody_has_reaped_yet_does_not_hold_the_release():
    # A background job of the shell, which reaps it only before its next
    # prompt: it exits while the shell waits for input, so it stays a
    # zombie until then. Its exit alone releases the container (Linux).
    for g in guests:
        check(g, "mkdir /r/bg; echo 1 > /r/bg/notify_on_release")
        out = g.run("sh -c 'echo $$ > /r/bg/tasks; sleep 2; echo exit-at > /dev/console; "
                    "cat /proc/uptime > /dev/console' &")
        assert re.match(r"\[\d+\] \d+$", out), out
        latency = released_after(g, "/bg")
        print("%s: release %.0f ms after a not yet reaped job exited"
              % (g.describe(), latency * 1000))
        g.run("wait")
        check(g, "rmdir /r/bg")


def test_a_path_over_1024_bytes_is_released():
    for g in guests:
        names = ["%c" % (ord("a") + i) * 200 for i in range(6)]
        path = "/" + "/".join(names) + "/k"
        check(g, "mkdir -p /r%s; echo 1 > /r%s/notify_on_release" % (path, path))
        empty_later(g, "/r" + path)
        released_after(g, path)
        check(g, "rmdir /r%s" % path)
        for i in range(len(names), 0, -1):
            check(g, "rmdir /r/" + "/".join(names[:i]))


def test_the_agent_gets_every_word_of_its_command_line():
    for g in guests:
        check(g, "echo 'echo words $# > /dev/console' > /tmp/words.sh")
        words = " ".join("w%d" % i for i in range(30))
        check(g, "echo 'sh /tmp/words.sh %s' > /r/release_agent" % words)
        check(g, "mkdir /r/w; echo 1 > /r/w/notify_on_release")
        # In and out: empty at once. The agent may print before the
        # shell's next prompt or after it.
        out = g.run("sh -c 'echo $$ > /r/w/tasks'")
        m = re.fullmatch(r"(?:words (\d+))?", out)
        assert m, out
        if not m.group(1):
            g.expect(r"words (\d+)[\r\n]", timeout=10)
            m = g.match
            g.sendline("")  # a fresh prompt: back in step with the shell
            g.expect_prompt()
        assert m.group(1) == "31", m.group(0)  # 30 words and the path
        check(g, "rmdir /r/w; echo 'sh /tmp/agent.sh' > /r/release_agent")
        out = g.run("echo '%s' > /r/release_agent" % ("x" * 300))
        assert "Invalid argument" in out, out  # too long: refused, not cut
        assert g.run("cat /r/release_agent") == "sh /tmp/agent.sh"


def test_kernel_threads_and_init_stay_in_the_root():
    for g in guests:
        check(g, "mkdir /r/kt")
        ps = g.run("ps")
        pids = [line.split()[0] for line in ps.splitlines()
                if line.split() and line.split()[-1] in ("container_release", "reaper")]
        assert len(pids) == 2, ps
        for pid in pids + ["1"]:
            out = g.run("echo %s > /r/kt/tasks" % pid)
            assert "Invalid argument" in out, (pid, out)
            check(g, "echo %s > /r/tasks" % pid)  # where they are: fine
        check(g, "cat /r/kt/tasks", "")
        check(g, "rmdir /r/kt")
