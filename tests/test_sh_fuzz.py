"""Random scripts never hang or crash the shell (issue 15): scripts of
random tokens of the grammar (user/host/sh_fuzz.py's generator, which the
host fuzz loop runs for minutes against the ASan build) run in one guest,
each by `sh FILE` under a time limit of the guest's own `timeout`-less
loop: the test only needs every script to end and the shell to answer
after them, with no kernel error report in the console log."""

import os
import random
import re
import sys

from corral import Corral

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "user", "host"))
import sh_fuzz  # noqa: E402
from test_sh_corpus import upload  # noqa: E402

KERNEL_ERRORS = re.compile(r"KERNEL PANIC|BUG|WARNING|page fault|poison|double free")


def test_random_scripts_end_and_the_shell_survives():
    rnd = random.Random(15)
    scripts = []
    while len(scripts) < 40:
        s = sh_fuzz.gen_script(rnd)
        # no endless loops, no exec/exit of the shell that runs the loop
        # below (each script runs in its own sh, but a `while true` would
        # never end: the host loop allows those, this one cannot wait)
        if re.search(r"\b(while|until)\b", s):
            continue
        scripts.append(s.encode())
    with Corral(cpus=2, nodes=1) as g:
        for i, s in enumerate(scripts):
            upload(g, "f%02d" % i, s)
        g.sendline("for d in /tmp/shc/f*; do cd $d; sh t.sh </dev/null >/dev/null 2>&1; "
                   "echo \"@@@F\"\"UZZ ${d##*/} $?\"; done; echo @@@FUZZ\"\"DONE")
        g.expect(r"@@@FUZZDONE\r*\n", timeout=300)
        out = g.before
        g.expect_prompt()
        assert g.run("echo alive") == "alive"
        log = g.log() if callable(getattr(g, "log", None)) else ""
    ran = re.findall(r"@@@FUZZ (f\d+) (\d+)", out)
    assert len(ran) == len(scripts), "only %d of %d scripts ended:\n%s" % (
        len(ran), len(scripts), out[-2000:])
    bad = [m.group(0) for m in KERNEL_ERRORS.finditer(log or "")]
    assert not bad, "kernel error reports: %s" % bad[:5]
