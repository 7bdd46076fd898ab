# The grader of lab bugfix: its ktests, then a short seeded torture run
# (whose mounts include numtasks_lab: start.patch adds it to the suite).
TOTAL = 100
POINTS = {
    "lab_ntlab.counts_spawns_and_reaps": 15,
    "lab_ntlab.shares_limit_spawns": 15,
    "lab_ntlab.siblings_come_and_go": 20,
}
TORTURE = ["scripts/torture", "--duration", "20", "--seed", "17", "--cpus", "2",
           "--nodes", "1", "--mem", "256"]


def grade(g):
    # (the bug may hang the boot: a short timeout)
    g.ktest_scores("lab_ntlab.*", POINTS, timeout=45)
    import os
    import signal
    import subprocess
    # The run takes ~20 s plus boot; the bug may hang it: stop it (its
    # whole process group, QEMU included) after 120 s.
    proc = subprocess.Popen(TORTURE, cwd=g.tree, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        stdout, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, _ = proc.communicate()
        stdout += b"\ntorture: timed out after 120 s (hung?)\n"
    out = stdout.decode("utf-8", "replace").replace("\r", "")
    last = (out.strip().splitlines() or ["(no output)"])[-1]
    g.log("torture: " + last)
    g.result("torture_seed17_20s", proc.returncode == 0 and "torture: PASS" in out, 50,
             "see build/labs/%s/build/logs/torture-c2-n1.log" % g.tree.split("/labs/")[-1])
