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
    import subprocess
    proc = subprocess.run(TORTURE, cwd=g.tree, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    out = proc.stdout.decode("utf-8", "replace").replace("\r", "")
    last = (out.strip().splitlines() or ["(no output)"])[-1]
    g.log("torture: " + last)
    g.result("torture_seed17_20s", proc.returncode == 0 and "torture: PASS" in out, 50,
             "see build/labs/%s/build/logs/torture-c2-n1.log" % g.tree.split("/labs/")[-1])
