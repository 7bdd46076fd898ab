# The grader of lab nice: ktests of the weights and of the CPU shares they
# give (coarse bounds), then the share ratio as `scripts/bench` measures
# it (a figure, not scored).
import re
import subprocess

TOTAL = 100
POINTS = {
    "lab_nice.weights_follow_linux_table": 30,
    "lab_nice.nice_0_gets_three_times_nice_5": 35,
    "lab_nice.nice_19_runs_but_little": 25,
    "lab_nice.equal_nice_share_equally": 10,
}


def grade(g):
    g.ktest_scores("lab_nice.*", POINTS)
    for m in re.finditer(r"^lab_nice: .*$", g.ktest_output, re.M):
        g.log(m.group(0))
    proc = subprocess.run(["scripts/bench", "lab_nice_share_ratio", "--", "--cpus", "2",
                           "--nodes", "1", "--mem", "256"], cwd=g.tree,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
    out = proc.stdout.decode("utf-8", "replace")
    m = re.search(r"^lab_nice_share_ratio\s+\S+\s+\S+", out, re.M)
    g.log("bench: " + (m.group(0) if m else "no figure (status %d)" % proc.returncode)
          + "  (ideal 3.057)")
