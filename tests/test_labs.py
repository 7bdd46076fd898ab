"""The labs' structure (labs/README.md), without booting: each lab has a
handout, a grader whose points add up to its TOTAL, and a solution patch
that applies to main's starting point; the grader refuses an unknown lab.
`make labs-check` (CI, after `make test`) is what proves the graders give
full marks with the solutions and less without them.
"""

import importlib.util
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LABS = os.path.join(ROOT, "labs")


def labs():
    return sorted(d for d in os.listdir(LABS)
                  if os.path.isfile(os.path.join(LABS, d, "grade.py")))


def load(lab):
    spec = importlib.util.spec_from_file_location("lab_" + lab,
                                                  os.path.join(LABS, lab, "grade.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_at_least_four_labs_each_with_handout_grader_and_solution():
    names = labs()
    assert len(names) >= 4, names
    for lab in names:
        for f in ("README.md", "grade.py", "solution.patch"):
            assert os.path.isfile(os.path.join(LABS, lab, f)), (lab, f)
        assert os.path.isdir(os.path.join(LABS, lab, "tests")), lab
        mod = load(lab)
        assert mod.TOTAL == 100, (lab, mod.TOTAL)
        assert sum(mod.POINTS.values()) <= mod.TOTAL, lab  # (the rest: boots)
        # Every ktest the grader scores is defined in the lab's tests.
        src = ""
        for base, _, files in os.walk(os.path.join(LABS, lab, "tests")):
            for f in files:
                with open(os.path.join(base, f)) as fh:
                    src += fh.read()
        for name in mod.POINTS:
            suite, test = name.split(".")
            assert "KTEST(%s, %s)" % (suite, test) in src, (lab, name)


def test_solutions_apply_to_the_starting_points():
    """main + files/ + start.patch + solution.patch, in a copy of the
    sources that the patches touch."""
    for lab in labs():
        d = os.path.join(LABS, lab)
        tmp = tempfile.mkdtemp(prefix="corral-lab-")
        try:
            for top in ("kernel", "arch", "mm", "fs", "lib"):
                shutil.copytree(os.path.join(ROOT, top), os.path.join(tmp, top))
            if os.path.isdir(os.path.join(d, "files")):
                shutil.copytree(os.path.join(d, "files"), tmp, dirs_exist_ok=True)
            for p in ("start.patch", "solution.patch"):
                if os.path.exists(os.path.join(d, p)):
                    cmd = (["patch", "-p1", "-s", "-f", "-i"] if shutil.which("patch")
                           else ["git", "apply", "-p1"])  # (as labs/grade.py)
                    r = subprocess.run(cmd + [os.path.join(d, p)],
                                       cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                    assert r.returncode == 0, (lab, p, r.stdout.decode())
        finally:
            shutil.rmtree(tmp)


def test_grade_refuses_an_unknown_lab():
    r = subprocess.run(["python3", os.path.join(LABS, "grade.py"), "nosuchlab"],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode()
    assert r.returncode != 0
    assert "no lab 'nosuchlab'" in out and "freezer" in out, out
    r = subprocess.run(["python3", os.path.join(LABS, "grade.py")],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert r.returncode == 2, r.stdout
