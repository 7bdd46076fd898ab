# The grader of lab freezer: ktests of freezer.state (tests/kernel/labs/),
# then one boot where the shell freezes and thaws a spinning app.
TOTAL = 100
POINTS = {
    "lab_freezer.state_reads_thawed": 10,
    "lab_freezer.state_is_not_in_the_root": 5,
    "lab_freezer.state_takes_frozen_and_thawed": 10,
    "lab_freezer.state_rejects_other_values": 10,
    "lab_freezer.kernel_task_keeps_it_freezing": 10,
}

# `spin 60` in /c/f; @name lines mark what the next line is.
SCRIPT = "; ".join([
    "mkdir /c", "mount -t container -o freezer,cpuacct none /c", "mkdir /c/f",
    "spin 60 & echo $! > /c/f/tasks", "sleep 1",
    "echo FROZEN > /c/f/freezer.state", "sleep 1",
    "echo @state", "cat /c/f/freezer.state",
    "echo @u1", "cat /c/f/cpuacct.usage", "sleep 1", "echo @u2", "cat /c/f/cpuacct.usage",
    "echo THAWED > /c/f/freezer.state", "echo @state2", "cat /c/f/freezer.state",
    "sleep 1", "echo @u3", "cat /c/f/cpuacct.usage",
    "echo FROZEN > /c/f/freezer.state", "sleep 1", "kill $!", "wait",
    "echo @tasks", "cat /c/f/tasks", "echo @end",
])


def marks(out):
    """{"state": "FROZEN", ...}: the line after each @name line."""
    lines = [l.strip() for l in out.splitlines()]
    got = {}
    for i, l in enumerate(lines):
        if l.startswith("@") and l[1:].isalnum():
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            got[l[1:]] = "" if nxt.startswith("@") else nxt
    return got


def num(s):
    return int(s) if s.isdigit() else None


def grade(g):
    g.ktest_scores("lab_freezer.*", POINTS)
    st, out = g.run_init(SCRIPT, timeout=120)
    m = marks(out)
    g.log("e2e: status %d, %s" % (st, " ".join("%s=%s" % kv for kv in sorted(m.items()))))
    u1, u2, u3 = num(m.get("u1", "")), num(m.get("u2", "")), num(m.get("u3", ""))
    g.result("frozen_state_reads_frozen", m.get("state") == "FROZEN", 10)
    # Frozen: the spinning app gets no CPU time over a second.
    g.result("frozen_app_does_not_run", m.get("state") == "FROZEN" and
             u1 is not None and u1 == u2, 20, "usage %s then %s" % (u1, u2))
    # Thawed: it runs again (at least 10 ms of the next second).
    g.result("thawed_app_runs_again", m.get("state2") == "THAWED" and u2 is not None and
             u3 is not None and u3 - u2 > 10 * 1000 * 1000, 15, "usage %s then %s" % (u2, u3))
    # A frozen app can still be killed: it leaves, the shell goes on.
    g.result("frozen_app_can_be_killed", m.get("tasks") == "" and "end" in m and st == 0, 10,
             "status %d, tasks %r" % (st, m.get("tasks")))
