#!/usr/bin/env python3
"""Drive the shell's line editor through a pty (the host stand-in for the
serial console): prints PASS name / FAIL name lines for test.sh.
usage: test_edit.py /tmp/corral-host/corral"""
import os
import random
import re
import sys
import time

import pexpect

CORRAL = sys.argv[1]
PROMPT = re.compile(rb"corral:[^\r\n]*# ")
results = []


def shell():
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=0"
    p = pexpect.spawn(CORRAL, ["sh"], env=env, timeout=5)
    p.expect(PROMPT)
    return p


def case(name):
    def wrap(fn):
        p = None
        try:
            p = shell()
            fn(p)
            print("PASS", name, flush=True)
        except Exception as e:  # noqa: BLE001 - any failure fails the case
            print("FAIL", name, repr(e)[:300], flush=True)
            if p is not None:
                print("  output:", repr(p.before)[-300:], flush=True)
        finally:
            if p is not None and p.isalive():
                p.terminate(force=True)
        return fn
    return wrap


def run(p, keys, expect):
    p.send(keys)
    p.expect(expect)
    p.expect(PROMPT)


@case("edit-basic")
def _(p):
    run(p, b"echo hello\r", b"\r\nhello\r\n")


@case("edit-backspace")
def _(p):
    run(p, b"echo abcX\x7f\r", b"\r\nabc\r\n")


@case("edit-ctrl-u")
def _(p):
    p.send(b"garbage\x15echo clean\r")
    p.expect(b"\r\nclean\r\n")
    assert b"not found" not in p.before


@case("edit-ctrl-c-line")
def _(p):
    p.send(b"echo nope\x03")
    p.expect(rb"\^C")
    p.expect(PROMPT)
    run(p, b"echo $?\r", b"\r\n130\r\n")


@case("edit-left-insert")
def _(p):
    run(p, b"echo ac\x1b[Db\r", b"\r\nabc\r\n")


@case("edit-home-end")
def _(p):
    run(p, b"cho x\x01e\x05y\r", b"\r\nxy\r\n")


@case("edit-history-up")
def _(p):
    run(p, b"echo first\r", b"\r\nfirst\r\n")
    run(p, b"\x1b[A\r", b"\r\nfirst\r\n")


@case("edit-history-up-down")
def _(p):
    run(p, b"echo one\r", b"one\r\n")
    run(p, b"echo two\r", b"two\r\n")
    run(p, b"\x1b[A\x1b[A\x1b[B\r", b"\r\ntwo\r\n")
    run(p, b"echo new\x1b[A\x1b[B\r", b"\r\nnew\r\n")


@case("edit-unknown-escapes")
def _(p):
    run(p, b"echo x\x1b[5~\x1b[1;5Cy\x1bOPz\r", b"\r\nxyz\r\n")


@case("edit-half-escape")
def _(p):
    run(p, b"echo p\x1b\r", b"\r\np\r\n")
    run(p, b"echo q\x1b[12\r", b"\r\nq\r\n")


@case("edit-control-bytes")
def _(p):
    run(p, b"echo q\x00\x07\x1c\x1d\x04\tr\r", b"\r\nqr\r\n")


@case("edit-crlf-once")
def _(p):
    p.send(b"echo one\r\n")
    p.expect(b"one\r\n")
    p.expect(PROMPT)
    p.send(b"echo two\r")
    p.expect(b"two\r\n")
    p.expect(PROMPT)
    assert b"corral" not in p.before


@case("edit-line-too-long")
def _(p):
    p.send(b"echo " + b"x" * 5000 + b"\r")
    p.expect(b"sh: line too long", timeout=20)
    p.expect(PROMPT)
    run(p, b"echo ok\r", b"\r\nok\r\n")


@case("edit-ctrl-c-job")
def _(p):
    p.send(b"sleep 100\r")
    time.sleep(0.5)
    p.send(b"\x03")
    p.expect(PROMPT, timeout=3)
    run(p, b"echo $?\r", b"\r\n130\r\n")


@case("edit-ctrl-c-pipeline")
def _(p):
    p.send(b"sleep 100 | sleep 100\r")
    time.sleep(0.5)
    p.send(b"\x03")
    p.expect(PROMPT, timeout=3)
    run(p, b"echo $?\r", b"\r\n130\r\n")


@case("edit-ctrl-c-wait")
def _(p):
    p.send(b"sleep 100 &\r")
    p.expect(rb"\[1\] \d+")
    p.expect(PROMPT)
    p.send(b"wait\r")
    time.sleep(0.5)
    p.send(b"\x03")
    p.expect(PROMPT, timeout=3)
    run(p, b"echo alive\r", b"\r\nalive\r\n")


@case("edit-job-done")
def _(p):
    p.send(b"sleep 0.2 &\r")
    p.expect(rb"\[1\] \d+\r\n")
    p.expect(PROMPT)
    time.sleep(0.6)
    p.send(b"\r")
    p.expect(rb"\[1\]\+ Done  sleep 0\.2")
    p.expect(PROMPT)


@case("edit-cat-reads-console")
def _(p):
    p.send(b"cat\r")
    time.sleep(0.3)
    p.send(b"typed\r")
    p.expect(b"typed\r\ntyped")
    p.sendeof()
    p.expect(PROMPT)
    run(p, b"echo back\r", b"\r\nback\r\n")


@case("edit-random-bytes")
def _(p):
    rng = random.Random(1)
    for _ in range(20):
        junk = bytes(b for b in rng.randbytes(500) if b not in (4, 10, 13))  # (4: Ctrl-D)
        p.send(junk)
        p.send(b"\x03")
        p.expect(PROMPT)
    run(p, b"echo alive\r", b"\r\nalive\r\n")


@case("edit-ctrl-w")
def _(p):
    run(p, b"echo one two\x17three\r", b"\r\none three\r\n")


@case("edit-ctrl-d-empty-line-exits")
def _(p):
    p.send(b"echo x\x01\x04\x04\x04\x04\x04\x04\r")   # Ctrl-D deletes on a non-empty line
    p.expect(PROMPT)
    p.send(b"\x04")
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 0, p.exitstatus


@case("edit-tab-completes-commands-and-paths")
def _(p):
    run(p, b"mkdir -p tabdir/sub; touch tabdir/file1\r", b"\r\n")
    run(p, b"ech\t tab-done\r", b"\r\ntab-done\r\n")         # one command
    run(p, b"ls tabd\tsu\t\r", b"\r\n")                         # tabdir/ then sub/
    run(p, b"echo tabdir/fi\t\r", b"\r\ntabdir/file1\r\n")      # a file
    p.send(b"echo tabdir/\t\t")                                  # two matches: listed
    p.expect(b"tabdir/file1  tabdir/sub/")
    p.send(b"\x03")
    p.expect(PROMPT)


@case("edit-exit")
def _(p):
    p.send(b"exit 3\r")
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 3, p.exitstatus
