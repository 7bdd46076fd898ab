"""The forkshell's tree printer (user/sh_forkshell.c) on the host build: a
forkshell gets its command as text printed from the parsed tree, so every
script of the shell corpus (tests/sh/*.sh) is run as `{ SCRIPT } & wait $!`
-- the whole script printed and parsed again in a new sh -- under dash and
under the host build of Corral's sh (user/host/sh_diff.py --forkshell);
output and exit status must be identical. No QEMU is booted."""

import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.environ.get("CORRAL_HOST_OUT", "/tmp/corral-host-forkshell")


def test_every_corpus_script_means_the_same_printed_into_a_forkshell():
    subprocess.run(["sh", os.path.join(ROOT, "user/host/build.sh")],
                   env=dict(os.environ, OUT=OUT), check=True,
                   stdout=subprocess.DEVNULL)
    p = subprocess.run(["python3", os.path.join(ROOT, "user/host/sh_diff.py"), "-v",
                        "--forkshell"],
                       env=dict(os.environ, CORRAL_HOST=os.path.join(OUT, "corral")),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, out[-6000:]
    assert re.search(r" 0 failed(, \d+ skipped)?$", out.rstrip()), out[-6000:]
