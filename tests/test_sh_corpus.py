"""The shell against dash (issue 15): every script of tests/sh/*.sh runs
under the host's /bin/dash and under Corral's sh in the guest, each as
`sh t.sh` in a folder that holds only t.sh, with stdin from /dev/null;
stdout+stderr and the exit status must be the same.

One guest boot for the whole corpus: each script is typed as one
`printf 'ESCAPED' > /tmp/shc/NAME/t.sh` line (no raw tabs or quotes
reach the line editor), then a single loop in the guest runs them all,
each between marker lines that this test splits the console log on.
user/host/sh_diff.py runs the same comparison against the host build.
"""

import os
import re
import shutil
import subprocess
import tempfile

from corral import Corral, default_signals

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "sh")


def corpus():
    names = sorted(n[:-3] for n in os.listdir(CORPUS) if n.endswith(".sh"))
    return [(n, open(os.path.join(CORPUS, n + ".sh"), "rb").read()) for n in names]


def run_dash(script):
    d = tempfile.mkdtemp(prefix="shc.")
    try:
        with open(os.path.join(d, "t.sh"), "wb") as f:
            f.write(script)
        env = {"PATH": "/usr/bin:/bin", "HOME": "/"}
        p = subprocess.run(["dash", "t.sh"], cwd=d, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30, env=env, preexec_fn=default_signals)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def printf_escape(data):
    """data as printf(1) format pieces (one per byte) for inside single
    quotes: no newline, tab, quote or byte outside printable ASCII."""
    out = []
    for b in data:
        c = chr(b)
        if c == "\\":
            out.append("\\\\")
        elif c == "%":
            out.append("%%")
        elif c == "\n":
            out.append("\\n")
        elif b < 32 or b > 126 or c == "'":
            out.append("\\%03o" % b)
        else:
            out.append(c)
    return out


def upload(g, name, script):
    g.run("mkdir -p /tmp/shc/%s" % name)
    pieces = printf_escape(script)
    redirect = ">"
    while True:
        chunk = ""
        while pieces and len(chunk) < 900:
            chunk += pieces.pop(0)
        out = g.run("printf '%s' %s /tmp/shc/%s/t.sh" % (chunk, redirect, name))
        assert out == "", "upload of %s: %r" % (name, out)
        redirect = ">>"
        if not pieces:
            break


def test_corpus_matches_dash():
    scripts = corpus()
    assert len(scripts) >= 150, "the corpus has %d scripts" % len(scripts)
    want = {name: run_dash(script) for name, script in scripts}
    with Corral(cpus=2, nodes=1) as g:
        for name, script in scripts:
            upload(g, name, script)
        # (the markers are split in the typed line, so that its echo does
        # not match them)
        g.sendline("for d in /tmp/shc/*; do cd $d; echo \"@@@BEG\"\"IN ${d##*/}\"; "
                   "sh t.sh </dev/null 2>&1; echo \"@@@STA\"\"TUS $?\"; done; "
                   "echo @@@ALL\"\"DONE")
        g.expect(r"@@@ALLDONE\r*\n", timeout=600)
        log = g.before.replace("\r", "")
    got = {}
    for m in re.finditer(r"@@@BEGIN (\S+)\n(.*?)@@@STATUS (\d+)\n", log, re.S):
        got[m.group(1)] = (int(m.group(3)), m.group(2))
    failures = []
    for name, _ in scripts:
        if got.get(name) != want[name]:
            failures.append("%s:\n  dash:   %r\n  corral: %r" % (name, want[name], got.get(name)))
    assert not failures, "%d of %d scripts differ:\n%s" % (
        len(failures), len(scripts), "\n".join(failures))
