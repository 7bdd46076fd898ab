#!/usr/bin/env python3
"""Differential test of the shell on the host: each tests/sh/*.sh runs under
/bin/dash and under the host build of Corral's sh (user/host/build.sh), each
in an empty folder, as `SH t.sh`; stdout+stderr and the exit status must be
the same.  Usage: sh_diff.py [-v] [--forkshell] [NAME_SUBSTRING...]

--forkshell runs each script as `{ SCRIPT } & wait $!`: Corral's sh hands
the whole script to a forkshell, as text made by its tree printer
(user/sh_forkshell.c), so this checks that the printed text means what
the script meant. A script that cannot mean the same in a background job
on the host says so with a comment "sh_diff: not in a background job"."""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORRAL = os.environ.get("CORRAL_HOST", "/tmp/corral-host/corral")


def run(argv, script):
    d = tempfile.mkdtemp(prefix="shdiff.")
    try:
        with open(os.path.join(d, "t.sh"), "w") as f:
            f.write(script)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/root",
               "ASAN_OPTIONS": "detect_leaks=1"}
        p = subprocess.run(argv + ["t.sh"], cwd=d, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30, env=env)
        return p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    forkshell = "--forkshell" in args
    args = [a for a in args if a not in ("-v", "--forkshell")]
    names = sorted(f for f in os.listdir(os.path.join(ROOT, "tests/sh")) if f.endswith(".sh"))
    if args:
        names = [n for n in names if any(a in n for a in args)]
    bad = skipped = 0
    for n in names:
        script = open(os.path.join(ROOT, "tests/sh", n)).read()
        if forkshell:
            if "sh_diff: not in a background job" in script:
                skipped += 1
                continue  # (the script says why)
            script = "{\n" + script + "\n} &\nwait $!\n"
        want = run(["dash"], script)
        got = run([CORRAL, "sh"], script)
        if want != got:
            bad += 1
            print("FAIL %s" % n)
            if verbose:
                print("  dash (%s):\n%s" % (want[0], want[1]))
                print("  corral (%s):\n%s" % (got[0], got[1]))
    print("%d scripts, %d failed%s" % (len(names) - skipped, bad,
                                       ", %d skipped" % skipped if skipped else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
