"""Drive a Corral guest from Python: boot it in QEMU and talk to its shell.

    from corral import Corral, run_init

    with Corral(cpus=4, nodes=2) as c:          # boots to the prompt
        assert c.run("echo hello world") == "hello world"
        out, status = c.run_status("ls /nope")   # status: the shell's $?
        assert c.poweroff() == 0                 # scripts/qemu status

    status, out = run_init("echo hi", cpus=1, nodes=1)

Every session goes through scripts/qemu (the one launcher), so the topology
options mean what they mean there. The serial output of each session is kept
in memory (Corral.log, Corral.tail()) and written to build/logs/e2e/.

A kernel error report on a session's console -- a "BUG: " or "WARNING: "
line (kernel/panic.h's report_bug, WARN_ON), a KERNEL PANIC or KERNEL
TRAP -- fails the test that was running (tests/run.py scans every session
the test used), unless the test declared it with expect_reports(PATTERN).

Python 3 standard library + pexpect only.
"""

import os
import re
import signal
import subprocess
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.path.join(ROOT, "scripts", "qemu")
LOG_DIR = os.path.join(ROOT, "build", "logs", "e2e")

# The shell's prompt is "corral:CWD# ".
PROMPT = r"corral:[^\r\n]*# "

# Name used for the next session's log file; tests/run.py sets it to the
# running test ("test_boot.test_echo"). Sessions are also recorded here so
# the runner can show the serial tail of a failed test and kill leftovers.
log_name = "session"
sessions = []
_log_names = {}
_marks = 0

# The two topologies every shell and app test runs on.
SMALL = dict(cpus=1, nodes=1, mem=256)
NUMA = dict(cpus=4, nodes=2, mem=1024)


# Kernel error reports (see the module comment); the tests that cause them
# on purpose declare them here. tests/run.py empties the list per test.
REPORT_RE = re.compile(r"BUG: |WARNING: |\*\*\* KERNEL (?:PANIC|TRAP)")
expected_reports = []


def expect_reports(pattern):
    """The running test deliberately causes kernel error reports whose line
    matches the regex PATTERN: they do not fail it."""
    expected_reports.append(re.compile(pattern))


def report_lines(text):
    """The kernel error report lines in TEXT that no test expects."""
    return [line for line in text.split("\n")
            if REPORT_RE.search(line)
            and not any(p.search(line) for p in expected_reports)]


class _ReportCursor:
    """Mixin: hands out the console's report lines once each (take_reports)."""

    _scanned = 0

    def take_reports(self):
        """Unexpected report lines printed since the last call (whole lines,
        or everything once the guest has exited)."""
        text = self.log
        end = len(text) if not self.alive() else text.rfind("\n") + 1
        if end <= self._scanned:
            return []
        new, self._scanned = text[self._scanned:end], end
        return report_lines(new)


class BootError(AssertionError):
    """The guest did not reach the prompt (or QEMU ended early)."""


class _Tee:
    """pexpect logfile_read target: keeps the text and copies it to a file."""

    def __init__(self, path):
        self.chunks = []
        self.file = None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self.file = open(path, "w", encoding="utf-8", errors="replace")
        except OSError:
            self.file = None

    def write(self, s):
        self.chunks.append(s)
        if self.file:
            self.file.write(s)

    def flush(self):
        if self.file:
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()
            self.file = None

    def text(self):
        return "".join(self.chunks)


def _log_path():
    n = _log_names.get(log_name, 0)
    _log_names[log_name] = n + 1
    name = log_name if n == 0 else "%s.%d" % (log_name, n)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return os.path.join(LOG_DIR, name + ".log")


def _normalise(text):
    return text.replace("\r\n", "\n").replace("\r", "")


def qemu_args(cpus=4, nodes=2, mem=1024, iso=False, append="", node_mem=None,
              dist=None, single=False, qemu_timeout=None, serial_raw=True,
              extra=None):
    """The scripts/qemu argument list for a topology.

    node_mem: list of MiB sizes, or the "A,B,..." string.
    dist: {(src, dst): val} or the "0-1=30,..." string.
    extra: a list of raw QEMU arguments (passed after "--").
    """
    args = ["--cpus", str(cpus), "--nodes", str(nodes), "--mem", str(mem),
            "--iso" if iso else "--kernel"]
    if node_mem is not None:
        if not isinstance(node_mem, str):
            node_mem = ",".join(str(int(x)) for x in node_mem)
        args += ["--node-mem", node_mem]
    if dist is not None:
        if not isinstance(dist, str):
            dist = ",".join("%d-%d=%d" % (s, d, v)
                            for (s, d), v in sorted(dist.items()))
        args += ["--dist", dist]
    if append:
        args += ["--append", append]
    if single:
        args.append("--single")
    if serial_raw:
        args.append("--serial-raw")
    if qemu_timeout is not None:
        args += ["--timeout", str(qemu_timeout)]
    if extra:
        args += ["--"] + [str(x) for x in extra]
    return args


def init_cmdline(cmd):
    """The kernel command-line word that runs CMD as init: init="CMD".

    The kernel's parser takes double quotes as grouping only (no escapes),
    so CMD itself cannot contain a double quote. With --iso, GRUB also
    backslash-escapes ' and \\ on the way, so prefer the -kernel path for
    commands that contain them.
    """
    if '"' in cmd:
        raise ValueError("init command may not contain a double quote: %r" % cmd)
    if "\n" in cmd or "\r" in cmd:
        raise ValueError("init command must be one line: %r" % cmd)
    return 'init="%s"' % cmd


class Corral(_ReportCursor):
    """One QEMU running Corral, booted to the shell prompt."""

    def __init__(self, cpus=4, nodes=2, mem=1024, iso=False, append="",
                 node_mem=None, dist=None, timeout=120, single=False,
                 qemu_timeout=3600, extra=None):
        self.topology = dict(cpus=cpus, nodes=nodes, mem=mem, iso=iso)
        self.args = qemu_args(cpus=cpus, nodes=nodes, mem=mem, iso=iso,
                              append=append, node_mem=node_mem, dist=dist,
                              single=single, qemu_timeout=qemu_timeout,
                              extra=extra)
        self.status = None
        self.log_path = _log_path()
        self._tee = _Tee(self.log_path)
        sessions.append(self)
        self.child = pexpect.spawn(
            QEMU, self.args, cwd=ROOT, encoding="utf-8",
            codec_errors="replace", timeout=timeout, echo=False,
            dimensions=(50, 250))
        self.child.logfile_read = self._tee
        self.started = time.monotonic()
        try:
            self.child.expect(PROMPT, timeout=timeout)
        except pexpect.TIMEOUT:
            self.close()
            raise BootError("no prompt within %s s (%s)" % (timeout, self.describe()))
        except pexpect.EOF:
            self._reap()
            raise BootError("QEMU ended before the prompt, scripts/qemu status %s (%s)"
                            % (self.status, self.describe()))
        self.boot_seconds = time.monotonic() - self.started

    # -- information -------------------------------------------------------

    def describe(self):
        t = self.topology
        return "%s cpus=%d nodes=%d mem=%d" % ("iso" if t["iso"] else "kernel",
                                               t["cpus"], t["nodes"], t["mem"])

    @property
    def log(self):
        """All serial output so far (\\r\\n normalised to \\n)."""
        return _normalise(self._tee.text())

    def tail(self, lines=30):
        return "\n".join(self.log.rstrip("\n").split("\n")[-lines:])

    def alive(self):
        return self.child.isalive()

    # -- talking to the shell ----------------------------------------------

    def sendline(self, line=""):
        """Type LINE and Enter (a carriage return, as a terminal sends)."""
        self.child.send(line + "\r")

    def send(self, text):
        self.child.send(text)

    def send_ctrl_c(self):
        self.child.send("\x03")

    def expect(self, pattern, timeout=30):
        """pexpect's expect; returns the index. .match and .before are set."""
        return self.child.expect(pattern, timeout=timeout)

    @property
    def match(self):
        return self.child.match

    @property
    def before(self):
        return _normalise(self.child.before or "")

    def expect_prompt(self, timeout=30):
        self.child.expect(PROMPT, timeout=timeout)
        return _normalise(self.child.before)

    def run(self, cmd, timeout=30):
        """Run CMD at the prompt and return what it printed.

        The text between the echoed command line and the next prompt, with
        \\r\\n turned into \\n, the echo removed and one final newline
        dropped: run("echo hello world") == "hello world".
        """
        if "\n" in cmd or "\r" in cmd:
            raise ValueError("run() takes one line: %r" % cmd)
        self.sendline(cmd)
        try:
            out = self.expect_prompt(timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("%r: no prompt within %s s" % (cmd, timeout))
        except pexpect.EOF:
            self._reap()
            raise AssertionError("%r: QEMU exited (scripts/qemu status %s)"
                                 % (cmd, self.status))
        # Drop the echoed line (the first line; it is the command as typed).
        nl = out.find("\n")
        out = "" if nl < 0 else out[nl + 1:]
        if out.endswith("\n"):
            out = out[:-1]
        return out

    def last_status(self, timeout=30):
        """The shell's $? (the status of the last command line)."""
        out = self.run("echo $?", timeout=timeout)
        try:
            return int(out)
        except ValueError:
            raise AssertionError("echo $? printed %r" % out)

    def run_status(self, cmd, timeout=30):
        """Run CMD at the prompt: (what it printed, its exit status)."""
        out = self.run(cmd, timeout=timeout)
        return out, self.last_status()

    def type_and_read(self, keys, seconds=0.5):
        """Send keys (no Enter) and return, raw, what the guest printed in
        the next `seconds` (for checking what the line editor displays)."""
        start = len(self._tee.text())
        self.send(keys)
        self.child.expect(pexpect.TIMEOUT, timeout=seconds)
        return self._tee.text()[start:]

    def mark(self, timeout=30):
        """Resynchronise after raw input: clear the line (Ctrl-U), run a
        unique echo and wait for its output and the prompt after it."""
        global _marks
        _marks += 1
        word = "sync%dmark" % _marks
        self.send("\x15\r")
        self.sendline("echo %s" % word)
        self.child.expect(r"\n%s\r*\n" % word, timeout=timeout)
        self.expect_prompt(timeout=timeout)

    def poweroff(self, timeout=30):
        """Send `poweroff`, wait for QEMU to exit; return scripts/qemu's status
        (0 = the guest powered off with success)."""
        self.sendline("poweroff")
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self.close()
            raise AssertionError("poweroff: QEMU still running after %s s" % timeout)
        self._reap()
        return self.status

    def wait_exit(self, timeout=60):
        """Wait for QEMU to exit by itself; return scripts/qemu's status."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self._reap()
        return self.status

    # -- ending ------------------------------------------------------------

    def _reap(self):
        try:
            self.child.close(force=True)
        except Exception:
            pass
        if self.status is None:
            st = self.child.exitstatus
            if st is None and self.child.signalstatus is not None:
                st = 128 + self.child.signalstatus
            self.status = st
        self._tee.close()

    def close(self):
        """Kill QEMU (and scripts/qemu around it) if still running."""
        if self.child.isalive():
            # pexpect made the launcher a session (and group) leader;
            # `timeout --foreground` keeps QEMU in that group.
            for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 2.0)):
                try:
                    os.killpg(self.child.pid, sig)
                except (ProcessLookupError, PermissionError):
                    break
                end = time.monotonic() + wait
                while self.child.isalive() and time.monotonic() < end:
                    time.sleep(0.05)
                if not self.child.isalive():
                    break
        self._reap()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            if self.child.isalive():
                self.close()
        except Exception:
            pass


def default_signals():
    """preexec_fn for a host dash the tests compare against: SIGINT and
    SIGQUIT at their defaults, as a terminal's shell starts it. A test run
    started in the background of a non-interactive shell inherits them
    ignored, and a script cannot trap a signal ignored on entry."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def check(g, cmd, want, status=0, timeout=30):
    """Run cmd on guest g; its output must be want (a string, or a compiled
    regex that must match all of it) and its exit status status. Returns the
    output."""
    out, st = g.run_status(cmd, timeout=timeout)
    ok = out == want if isinstance(want, str) else want.fullmatch(out) is not None
    assert ok, "%s: %r printed %r, want %r" % (g.describe(), cmd, out,
                                               want if isinstance(want, str) else want.pattern)
    assert st == status, "%s: %r: status %d, want %d (output %r)" % (
        g.describe(), cmd, st, status, out)
    return out


def check_soon(g, cmd, want, timeout=10.0):
    """Run cmd on guest g every 0.2 s until its output is want (a string),
    for up to timeout seconds: for a state that other tasks reach on their
    own time (a spawn, an exit, a move), which a loaded host may delay.
    Asserts that it came; returns the output."""
    deadline = time.monotonic() + timeout
    while True:
        out = g.run(cmd)
        if out == want or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert out == want, "%s: %r printed %r, want %r (waited %.0f s)" % (
        g.describe(), cmd, out, want, timeout)
    return out


class _InitRun(_ReportCursor):
    """What tests/run.py needs to show the serial tail of a run_init()."""

    def __init__(self, desc, text):
        self._desc = desc
        self._text = text
        self.status = None

    def describe(self):
        return self._desc

    @property
    def log(self):
        return self._text

    def tail(self, lines=30):
        return "\n".join(self._text.rstrip("\n").split("\n")[-lines:])

    def alive(self):
        return False

    def close(self):
        pass


def run_init(cmd, timeout=120, append="", **topology):
    """Boot with init="CMD" (the shell runs CMD, then powers off with its exit
    status) and return (scripts/qemu status, serial output).

    Status 0 means CMD succeeded, 1 that it failed, 124 a timeout, 3 a crash.
    topology: cpus, nodes, mem, iso, node_mem, dist, single.
    """
    kargs = init_cmdline(cmd)
    if append:
        kargs = append + " " + kargs
    args = qemu_args(append=kargs, serial_raw=False, qemu_timeout=timeout,
                     **topology)
    path = _log_path()
    proc = subprocess.run([QEMU] + args, cwd=ROOT, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout + 30)
    out = _normalise(proc.stdout.decode("utf-8", "replace"))
    err = proc.stderr.decode("utf-8", "replace")
    rec = _InitRun("run_init %r: scripts/qemu %s" % (cmd, " ".join(args)), out + err)
    rec.status = proc.returncode
    sessions.append(rec)
    try:
        os.makedirs(LOG_DIR, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(out + err)
    except OSError:
        pass
    return proc.returncode, out
