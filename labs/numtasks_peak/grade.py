# The grader of lab numtasks_peak: its ktests (tests/kernel/labs/).
TOTAL = 100
POINTS = {
    "lab_peak.reads_zero_in_a_new_container": 10,
    "lab_peak.is_not_in_the_root": 10,
    "lab_peak.keeps_the_highest_usage": 30,
    "lab_peak.counts_the_tasks_below": 30,
    "lab_peak.counts_a_task_moved_in": 10,
    "lab_peak.is_read_only": 10,
}


def grade(g):
    g.ktest_scores("lab_peak.*", POINTS)
