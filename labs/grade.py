#!/usr/bin/env python3
"""Grade a lab: labs/grade.py LAB [--solution]; labs/grade.py --check.

The lab is graded in a scratch copy of this tree, build/labs/LAB (with
--solution: build/labs/LAB-solution), so the tree itself is left alone:

  1. the tree's source files (tracked, plus untracked ones not ignored: a
     student's new files) are copied in; a file whose content changed since
     the last grade gets a fresh mtime, so make rebuilds only what changed;
     build/ is copied in once (then the builds are incremental);
  2. unless `make lab-start` ran in this tree (it leaves labs/LAB/.started),
     the lab's starting point goes in: the files of labs/LAB/files/ that
     do not exist yet, and labs/LAB/start.patch (--check always does
     this: it grades main's starting point);
  3. the grader's own tests, labs/LAB/tests/ (ktests), are copied in over
     whatever is there, so a student cannot edit them;
  4. with --solution, labs/LAB/solution.patch is applied;
  5. the kernel is built and labs/LAB/grade.py's checks run: each is a
     ktest (through scripts/ktest-run) or an end-to-end check (a boot with
     tests/corral.py's run_init) worth some points. One line per check:
         freezer_state_reads_thawed: OK (10/10)
     then "Score: N/M".

--check grades every lab without and with its solution and fails unless
each scores less than full without it and full with it.

Exit status: 0 when the score is full (--check: when every lab behaves).
"""
import filecmp
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABS = os.path.join(ROOT, "labs")


def lab_names():
    return sorted(d for d in os.listdir(LABS)
                  if os.path.isfile(os.path.join(LABS, d, "grade.py")))


def sh(cmd, cwd, quiet=False, **kw):
    """Run cmd (a list) in cwd; its output goes to ours unless quiet."""
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=out, **kw).returncode


def source_files():
    try:
        out = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                             cwd=ROOT, check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        names = [os.path.relpath(os.path.join(b, f), ROOT)
                 for b, ds, fs in os.walk(ROOT) for f in fs
                 if not os.path.relpath(b, ROOT).startswith((".git", "build"))]
    # Scratch trees live in build/ (ignored); labs/ stays out of them.
    return [n for n in names if not n.startswith(("build/", "labs/"))
            and os.path.isfile(os.path.join(ROOT, n))]


def sync_file(src, dst, fresh):
    """Copy src to dst. In a new scratch tree the mtime is kept (the copied
    build/ matches it); later, a changed file gets a new mtime."""
    if os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if fresh:
        shutil.copy2(src, dst)
    else:
        shutil.copyfile(src, dst)
        shutil.copymode(src, dst)


def copy_tree_files(src_dir, dst_root, fresh, only_missing):
    for base, _, files in os.walk(src_dir):
        for f in files:
            src = os.path.join(base, f)
            rel = os.path.relpath(src, src_dir)
            dst = os.path.join(dst_root, rel)
            if only_missing and os.path.exists(dst):
                continue
            sync_file(src, dst, fresh and not only_missing)


def patch(tree, patch_file):
    """Apply patch_file (-p1) in tree: with patch(1) (which takes some
    fuzz), else with git apply (which works outside a repository)."""
    if shutil.which("patch"):
        cmd = ["patch", "-p1", "-s", "-f", "--no-backup-if-mismatch", "-i", patch_file]
    else:
        cmd = ["git", "apply", "-p1", patch_file]
    return sh(cmd, tree, quiet=True) == 0


class LabError(Exception):
    pass


def prepare(lab, solution, always_start):
    """Make build/labs/LAB[-solution] and return its path."""
    tree = os.path.join(ROOT, "build", "labs", lab + ("-solution" if solution else ""))
    fresh = not os.path.isdir(tree)
    os.makedirs(tree, exist_ok=True)
    # Files a patch touched last time are restored from the tree; files
    # the tree no longer has are removed (a deleted test would still be
    # built in).
    listed = os.path.join(tree, ".lab-sources")
    if os.path.exists(listed):
        with open(listed) as f:
            for rel in set(f.read().split()) - set_of_sources():
                if os.path.exists(os.path.join(tree, rel)):
                    os.remove(os.path.join(tree, rel))
    for f in source_files():
        sync_file(os.path.join(ROOT, f), os.path.join(tree, f), fresh)
    with open(listed, "w") as f:
        f.write("\n".join(sorted(set_of_sources())) + "\n")
    if fresh:
        # The tree's objects (newlib among them), so only the lab's
        # changes are compiled. Logs and other scratch trees stay out.
        for entry in os.listdir(os.path.join(ROOT, "build")):
            if entry in ("labs", "logs"):
                continue
            src = os.path.join(ROOT, "build", entry)
            dst = os.path.join(tree, "build", entry)
            if os.path.isdir(src) and not os.path.islink(src):
                shutil.copytree(src, dst, symlinks=True)
            else:
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy2(src, dst, follow_symlinks=False)
    d = os.path.join(LABS, lab)
    # Files a previous grade added (the lab's files, tests, patches' new
    # files) are not in source_files(): drop them so each grade starts
    # from the tree as it is now.
    manifest = os.path.join(tree, ".lab-added")
    if os.path.exists(manifest):
        with open(manifest) as f:
            for rel in f.read().split():
                p = os.path.join(tree, rel)
                if os.path.exists(p) and rel not in set_of_sources():
                    os.remove(p)
    before = set_of_files(tree)
    # A tree where `make lab-start` ran (labs/LAB/.started) is graded as
    # it is: the student's work. Any other tree (main, in labs-check) is
    # graded from the lab's starting point.
    if always_start or not os.path.exists(os.path.join(d, ".started")):
        if os.path.isdir(os.path.join(d, "files")):
            copy_tree_files(os.path.join(d, "files"), tree, fresh, only_missing=True)
        start = os.path.join(d, "start.patch")
        if os.path.exists(start) and not patch(tree, start):
            raise LabError("start.patch does not apply to this tree")
    if os.path.isdir(os.path.join(d, "tests")):
        copy_tree_files(os.path.join(d, "tests"), tree, False, only_missing=False)
    if solution:
        sol = os.path.join(d, "solution.patch")
        if not patch(tree, sol):
            raise LabError("solution.patch does not apply to this tree")
    added = sorted(set_of_files(tree) - before)
    added += [os.path.relpath(os.path.join(b, f), os.path.join(d, "tests"))
              for b, _, fs in os.walk(os.path.join(d, "tests")) for f in fs]
    with open(manifest, "w") as f:
        f.write("\n".join(added) + "\n")
    return tree


_sources = None


def set_of_sources():
    global _sources
    if _sources is None:
        _sources = set(source_files())
    return _sources


def set_of_files(tree):
    out = set()
    for top in ("arch", "kernel", "mm", "fs", "lib", "user", "scripts", "tests"):
        for b, _, fs in os.walk(os.path.join(tree, top)):
            for f in fs:
                out.add(os.path.relpath(os.path.join(b, f), tree))
    return out


class Grader:
    """What a lab's grade.py gets: runs ktests and boots, keeps the score."""

    def __init__(self, tree, lab):
        self.tree = tree
        self.lab = lab
        self.score = 0
        self.total = 0
        self._ktests = None

    def log(self, msg):
        print("  " + msg, flush=True)

    def result(self, name, ok, points, why=""):
        self.total += points
        if ok:
            self.score += points
        print("%s: %s (%d/%d)%s" % (name, "OK" if ok else "FAIL", points if ok else 0,
                                    points, "" if ok or not why else "  -- " + why),
              flush=True)

    def ktests(self, pattern, cpus=2, nodes=1, mem=256, timeout=90):
        """Boot `ktest=pattern`; {"suite.name": "ok" | "fail" | "skip"}, and
        the names of tests during which a kernel error was reported."""
        cmd = ["scripts/ktest-run", "--kernel", "--cpus", str(cpus), "--nodes", str(nodes),
               "--mem", str(mem), "--timeout", str(timeout), "--pattern", pattern]
        proc = subprocess.run(cmd, cwd=self.tree, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        out = proc.stdout.decode("utf-8", "replace").replace("\r", "")
        res = {}
        for m in re.finditer(r"^(ok|not ok) \d+ - (\S+)( # SKIP.*)?$", out, re.M):
            res[m.group(2)] = "skip" if m.group(3) else ("ok" if m.group(1) == "ok" else "fail")
        # ktest-run names the test running at each kernel error report.
        for m in re.finditer(r"kernel error report.*?during (\S+?),", out):
            res[m.group(1)] = "fail"
        if not res:
            tail = "\n".join(out.strip().splitlines()[-15:])
            self.log("ktest boot gave no results:\n" + tail)
        self.ktest_output = out
        self.ktest_log = os.path.relpath(os.path.join(
            self.tree, "build/logs/ktest-kernel-c%d-n%d.log" % (cpus, nodes)), ROOT)
        return res

    def ktest_scores(self, pattern, points, **kw):
        """points: {"suite.name": n}; each test passing gets its points."""
        res = self.ktests(pattern, **kw)
        for name, n in points.items():
            st = res.get(name, "missing")
            self.result(name.replace(".", "_"), st == "ok", n,
                        "" if st == "ok" else "%s, see %s" % (st, self.ktest_log))
        return res

    def run_init(self, cmd, timeout=120, cpus=2, nodes=1, mem=256):
        """Boot the scratch kernel with init="CMD"; (status, console)."""
        sys.path.insert(0, os.path.join(self.tree, "tests"))
        import corral
        corral.ROOT = self.tree
        corral.QEMU = os.path.join(self.tree, "scripts", "qemu")
        st, out = corral.run_init(cmd, timeout=timeout, cpus=cpus, nodes=nodes, mem=mem)
        return st, out.replace("\r", "")


def load(lab):
    spec = importlib.util.spec_from_file_location("lab_" + lab,
                                                  os.path.join(LABS, lab, "grade.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def grade(lab, solution, always_start=False):
    if lab not in lab_names():
        sys.exit("grade: no lab %r (labs: %s)" % (lab, ", ".join(lab_names())))
    t0 = time.time()
    try:
        tree = prepare(lab, solution, always_start)
    except LabError as e:
        # (labs-check: a lab the kernel's changes broke; refresh its patches)
        print("== lab %s%s: %s\nScore: 0/%d" % (lab, " (reference solution)" if solution
                                                else "", e, load(lab).TOTAL), flush=True)
        return -1, load(lab).TOTAL
    print("== lab %s%s, in %s" % (lab, " (reference solution)" if solution else "",
                                   os.path.relpath(tree, ROOT)), flush=True)
    if sh(["make", "-s", "--no-print-directory", "build/corral.elf"], tree, quiet=True) != 0:
        sh(["make", "--no-print-directory", "build/corral.elf"], tree)
        print("build failed\nScore: 0/%d" % load(lab).TOTAL)
        return 0, load(lab).TOTAL
    g = Grader(tree, lab)
    load(lab).grade(g)
    print("Score: %d/%d  (%.0f s)" % (g.score, g.total, time.time() - t0), flush=True)
    return g.score, g.total


def check():
    t0 = time.time()
    bad = []
    rows = []
    for lab in lab_names():
        s0, t = grade(lab, False, True)
        s1, t1 = grade(lab, True, True)
        ok = 0 <= s0 < t and s1 == t1
        rows.append("%-10s without solution %3d/%d, with solution %3d/%d  %s"
                    % (lab, s0, t, s1, t1, "ok" if ok else "WRONG"))
        if not ok:
            bad.append(lab)
    print("== labs-check")
    print("\n".join(rows))
    print("labs-check: %s in %.0f s" % ("FAIL (%s)" % ", ".join(bad) if bad else "PASS",
                                        time.time() - t0))
    return 1 if bad else 0


def main(argv):
    if argv[1:] == ["--check"]:
        return check()
    args = [a for a in argv[1:] if a != "--solution"]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("labs: " + ", ".join(lab_names()), file=sys.stderr)
        return 2
    score, total = grade(args[0], "--solution" in argv[1:])
    return 0 if score == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
