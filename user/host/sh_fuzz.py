#!/usr/bin/env python3
"""Random scripts for the shell (issue 15): streams of random tokens of the
grammar, run by the host build (ASan/UBSan) with a time limit. A crash, a
sanitizer report or a hang is a failure. Usage: sh_fuzz.py [SECONDS] [SEED]
The same generator (gen_script) feeds the guest test tests/test_sh_fuzz.py."""
import os
import random
import subprocess
import sys
import tempfile
import time

CORRAL = os.environ.get("CORRAL_HOST", "/tmp/corral-host/corral")

TOKENS = [
    "if", "then", "else", "elif", "fi", "while", "until", "do", "done", "for", "in",
    "case", "esac", ";;", "{", "}", "(", ")", "!", "&&", "||", "|", ";", "&", "\n",
    "<", ">", ">>", "<<", "<<-", "<&", ">&", "2>&1", "<>", "EOF", "-",
    "x", "y", "i", "f()", "f", "echo", "true", "false", ":", "test", "[", "]", "read",
    "set", "shift", "local", "return", "break", "continue", "eval", "exit", "trap",
    "export", "unset", "printf", "cd", "wait", "exec", "alias", "command", "type",
    "$x", "${x}", "${x:-w}", "${x#*}", "${#x}", "${x%%?}", "${x:=v}", "${x?e}", "$@", "$*",
    '"$@"', "$#", "$?", "$$", "$!", "$1", "${10}", "$(", "`", "$((", "))", "1", "0", "+",
    "*", "/", "%", "<<=", "x=1", "y=$x", "'q'", '"d"', "\\", "\\\n", "#c", "~", "*.sh",
    "?", "[a-z]", "[!", "'", '"', "$", "${", "}", "a b", "--", "-e", "-n", "=", "-eq",
]


def gen_script(rnd, n=None):
    n = n or rnd.randrange(1, 60)
    return " ".join(rnd.choice(TOKENS) for _ in range(n)) + "\n"


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rnd = random.Random(seed)
    env = {"PATH": "/usr/bin:/bin", "ASAN_OPTIONS": "detect_leaks=1:exitcode=99",
           "UBSAN_OPTIONS": "halt_on_error=1:exitcode=98"}
    d = tempfile.mkdtemp(prefix="shfuzz.")
    end = time.time() + seconds
    runs = bad = 0
    while time.time() < end:
        script = gen_script(rnd)
        runs += 1
        try:
            p = subprocess.run([CORRAL, "sh", "-c", script], cwd=d, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10,
                               env=env)
            err = p.stderr.decode(errors="replace")
            if p.returncode < 0 or p.returncode in (98, 99) or "Sanitizer" in err or \
                    "runtime error" in err:
                bad += 1
                print("FAIL (status %d): %r\n%s" % (p.returncode, script, err[-2000:]))
        except subprocess.TimeoutExpired:
            # a loop the tokens made (while true; do ...) is allowed to run
            # forever only if it is a loop: report the rest
            if "while" not in script and "until" not in script:
                bad += 1
                print("HANG: %r" % script)
    print("%d scripts, %d failed" % (runs, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
