"""The shell (step 5, DESIGN.md §8): syntax, errors, line editing, Ctrl-C,
background jobs, robustness against bad input, and init="CMD".

Every interactive check runs on two guests booted once for the module:
1 CPU/1 node and 4 CPUs/2 nodes (-kernel). The init="CMD" tests boot
their own (small) guests.
"""

import random
import re
import time

from corral import NUMA, SMALL, Corral, check, run_init

guests = []


def setup_module():
    for topo in (SMALL, NUMA):
        guests.append(Corral(**topo))


def teardown_module():
    for g in guests:
        g.close()


# ---- syntax ------------------------------------------------------------------

def test_quoting_and_escapes():
    for g in guests:
        check(g, r"""echo 'a  b' "c  d" e\ f 'it''s' "q\"q" \$HOME '$HOME' x\\y""",
              r'a  b c  d e f its q"q $HOME $HOME x\y')
        check(g, r"""echo "a|b;c&d>e" 'f<g#h'""", "a|b;c&d>e f<g#h")


def test_variables():
    for g in guests:
        check(g, "X=hello; echo $X ${X}-there \"$X\" '$X'", "hello hello-there hello $X")
        check(g, "echo [$UNSET_VARIABLE]", "[]")
        pid = g.run("echo $$")
        assert pid.isdigit() and int(pid) > 1, "%s: $$ is %r" % (g.describe(), pid)
        check(g, "sh -c 'echo $$'", re.compile(r"\d+"))
        assert g.run("sh -c 'echo $$'") != pid, "a child shell has the same $$"
        # Only exported variables reach apps.
        check(g, "LOCALV=1; export EXPV=2; sh -c 'echo [$LOCALV] [$EXPV]'", "[] [2]")
        check(g, "ONEOFF=3 sh -c 'echo $ONEOFF'; echo [$ONEOFF]", "3\n[]")
        check(g, "env | grep EXPV", "EXPV=2")


def test_exit_status_variable():
    for g in guests:
        check(g, "true; echo $?; false; echo $?", "0\n1")
        check(g, "sh -c 'exit 7'; echo $?", "7")
        check(g, "false", "", status=1)


def test_and_or_and_sequence():
    for g in guests:
        check(g, "true && echo a; false && echo b; false || echo c; true || echo d", "a\nc")
        check(g, "false && echo x || echo y", "y")
        check(g, "echo 1; echo 2 ; echo 3", "1\n2\n3")


def test_pipelines():
    for g in guests:
        check(g, "echo a b c | wc -w", "3")
        check(g, "echo one; echo two | cat | cat | grep t", "one\ntwo")
        check(g, "echo x | grep y", "", status=1)   # the last command's status
        check(g, "echo x | false | true", "")


def test_redirections():
    for g in guests:
        check(g, "mkdir -p /tmp/rd; echo one > /tmp/rd/f; echo two >> /tmp/rd/f; cat /tmp/rd/f",
              "one\ntwo")
        check(g, "echo new > /tmp/rd/f; cat < /tmp/rd/f", "new")
        check(g, "ls /nope 2> /tmp/rd/err; cat /tmp/rd/err",
              "ls: /nope: No such file or directory")
        check(g, "ls /nope 2>&1 | grep -c 'No such file'", "1")
        check(g, "ls /nope > /tmp/rd/both 2>&1; cat /tmp/rd/both",
              "ls: /nope: No such file or directory")
        check(g, "ls /nope 2>/dev/null", "", status=1)
        check(g, "echo to-stderr 1>&2 | grep -c x", "to-stderr\n0", status=1)
        check(g, "echo nine 9> /tmp/rd/nine >&9; cat /tmp/rd/nine", "nine")


def test_exec_keeps_fd_open_in_the_shell():
    for g in guests:
        check(g, "exec 3> /tmp/fd3", "")
        check(g, "echo first >&3; echo second 1>&3", "")
        check(g, "exec 3>&-; cat /tmp/fd3", "first\nsecond")
        check(g, "echo closed >&3", "sh: 3: Bad file descriptor", status=1)


def test_comments():
    for g in guests:
        check(g, "echo a # not this", "a")
        check(g, "# only a comment", "")
        check(g, "echo a#b '#c'", "a#b #c")


def test_cd_pwd_and_prompt():
    for g in guests:
        check(g, "mkdir -p /tmp/cdt/sub; cd /tmp/cdt/sub; pwd", "/tmp/cdt/sub")
        g.sendline("echo in-sub")
        g.expect(r"in-sub\r*\n")
        g.expect(r"corral:/tmp/cdt/sub# ")
        check(g, "cd ..; pwd; cd; pwd", "/tmp/cdt\n/")
        check(g, "cd /nope", "sh: cd: can't cd to /nope", status=2)


def test_sh_c_and_scripts():
    for g in guests:
        check(g, "sh -c 'echo in -c; exit 4'", "in -c", status=4)
        check(g, "echo 'echo script $1 $2' > /tmp/s1; echo 'exit 5' >> /tmp/s1; sh /tmp/s1 A B",
              "script A B", status=5)
        check(g, "sh /nope", "sh: 0: cannot open /nope: No such file", status=2)
        # A syntax error ends a script (POSIX, non-interactive).
        check(g, "echo 'echo before' > /tmp/s2; echo \"echo 'bad\" >> /tmp/s2; "
                 "echo 'echo after' >> /tmp/s2; sh /tmp/s2",
              "before\n/tmp/s2: 4: Syntax error: Unterminated quoted string", status=2)


def test_apps_inherit_cwd_and_environment():
    for g in guests:
        check(g, "cd /tmp; export INHERITED=yes; sh -c 'pwd; echo $INHERITED'; cd /",
              "/tmp\nyes")
        check(g, "mkdir -p /tmp/cw; cd /tmp/cw; touch here; ls; cd /", "here")


def test_init_starts_a_new_shell_when_it_exits():
    for g in guests:
        old = g.run("echo $$")
        g.sendline("exit 4")
        g.expect_prompt(timeout=15)
        new = g.run("echo $$")
        assert new != old and new.isdigit(), "%s: shell pid %s, then %s" % (
            g.describe(), old, new)
        check(g, "ps | grep -c ' sh$'", "1")


def test_not_found_is_127():
    for g in guests:
        check(g, "nosuchcommand", "sh: nosuchcommand: not found", status=127)
        check(g, "nosuch | cat; echo $?", "sh: nosuch: not found\n0")
        check(g, "exec nosuch", "sh: exec: nosuch: not found", status=127)
        check(g, "echo still alive", "still alive")   # the shell survived


def test_syntax_errors_are_status_2():
    for g in guests:
        for cmd, what in (("| echo a", '"|" unexpected'),
                          ("echo a ;;", '";;" unexpected'),
                          ("echo >", "newline unexpected"),
                          ("if true; then echo x; fi fi", '"fi" unexpected'),
                          ("echo ${X", "Missing '}'"),
                          ("echo (a)", 'word unexpected (expecting ")")')):
            check(g, cmd, "sh: Syntax error: " + what, status=2)
        check(g, "echo ok", "ok")


def test_unfinished_commands_continue_on_the_next_line():
    for g in guests:
        # An open quote, a trailing |, && or an if without fi: the shell
        # asks for more with PS2 ("> ") and runs the whole when complete.
        for first, rest, want in (("echo 'abc", "def'", "abc\ndef"),
                                  ("echo a |", "cat", "a"),
                                  ("true &&", "echo and", "and"),
                                  ("if true; then", "echo in-if; fi", "in-if"),
                                  ("cat <<EOF", "here\nEOF", "here")):
            g.sendline(first)
            for line in rest.split("\n"):
                g.expect(r"\n> ")
                g.sendline(line)
            g.expect(r"\n%s\r*\n" % re.escape(want.split("\n")[-1]))
            g.expect_prompt()
        # Ctrl-C abandons an unfinished command.
        g.sendline("echo 'never")
        g.expect(r"\n> ")
        g.send_ctrl_c()
        g.expect_prompt()
        check(g, "echo fresh", "fresh")


def test_write_error_on_failed_redirected_write():
    for g in guests:
        check(g, "echo x > /proc/1/status", "sh: write error: Invalid argument", status=1)
        check(g, "echo x > /nodir/file", "sh: /nodir/file: No such file or directory",
              status=1)
        # A name /proc does not have cannot be made there, as on Linux.
        check(g, "echo x > /proc/nosuch", "sh: /proc/nosuch: No such file or directory",
              status=1)
        # A script words them as dash does.
        check(g, "sh -c 'echo x > /nodir/file'",
              "sh: 1: cannot create /nodir/file: Directory nonexistent", status=2)
        check(g, "mkdir /proc/newdir", "mkdir: /proc/newdir: No such file or directory",
              status=1)


def test_builtins_help():
    for g in guests:
        for b in ("cd", "exit", "export", "wait", "jobs", "pwd", "exec", "unset", "source"):
            out, st = g.run_status(b + " --help")
            assert out.startswith("usage: " + b), "%s: %s --help printed %r" % (
                g.describe(), b, out)
            assert st == 0, "%s --help: status %d" % (b, st)


# ---- line editing ----------------------------------------------------------

def expect_output(g, text, what):
    try:
        g.expect(r"\n%s\r*\n" % re.escape(text), timeout=20)
        g.expect_prompt()
    except Exception:
        raise AssertionError("%s: %s: no line %r in:\n%s" % (g.describe(), what, text, g.tail(8)))


def test_line_editing():
    for g in guests:
        g.send("echo abX\x7fc\r")
        expect_output(g, "abc", "backspace")
        g.send("echo garbage\x15echo clean\r")
        expect_output(g, "clean", "Ctrl-U")
        g.send("echo ac\x1b[Db\r")
        expect_output(g, "abc", "left arrow then insert")
        g.run("echo from-history")
        g.send("\x1b[A\r")
        expect_output(g, "from-history", "up arrow")
        g.send("echo partial\x03")
        g.expect_prompt()
        assert g.last_status() == 130, "Ctrl-C on a half-typed line: status not 130"
        check(g, "echo after", "after")


def test_tab_completion_ctrl_w_and_ctrl_d():
    for g in guests:
        g.run("mkdir -p /tmp/tabt/sub; touch /tmp/tabt/file1")
        g.send("ech\t tab-done\r")            # a command name (the echo builtin)
        expect_output(g, "tab-done", "Tab on a command name")
        g.send("echo /tmp/tabt/fi\t\r")       # a path
        expect_output(g, "/tmp/tabt/file1", "Tab on a path")
        g.send("echo one two\x17three\r")     # Ctrl-W deletes a word
        expect_output(g, "one three", "Ctrl-W")
        # Ctrl-D on an empty line ends this shell; init starts another.
        old = g.run("echo $$")
        g.send("\x04")
        g.expect_prompt(timeout=15)
        new = g.run("echo $$")
        assert new != old, "%s: Ctrl-D did not end the shell (pid %s)" % (g.describe(), new)


def render(text):
    """What a terminal shows on the cursor's row after text, for the
    sequences the line editor uses (CR, BS, ESC[nD, ESC[nC, ESC[K):
    (row contents, cursor column)."""
    row, col, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        m = re.match(r"\x1b\[(\d*)([CDK])", text[i:])
        if m:
            n = int(m.group(1) or 1)
            if m.group(2) == "D":
                col = max(0, col - n)
            elif m.group(2) == "C":
                col += n
            else:
                del row[col:]
            i += len(m.group(0))
            continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row, col = [], 0
        elif ch == "\b":
            col = max(0, col - 1)
        elif ch >= " ":
            row.extend(" " * (col - len(row)))
            row[col:col + 1] = [ch]
            col += 1
        i += 1
    return "".join(row), col


def test_line_editor_display():
    prompt = "corral:/# "
    # (echoed: what must have been shown on the way, so that a line shown
    # empty is the editor's doing, not a guest slow to echo anything)
    for keys, shown, cursor, echoed in (
            ("echo ac\x1b[Db", "echo abc", len("echo ab"), ""),
            ("echo abcdef\x1b[D\x1b[D\x1b[D\x7f", "echo abdef", len("echo ab"), ""),
            ("echo 123\x01\x1b[C\x1b[CX\x05Y", "ecXho 123Y", len("ecXho 123Y"), ""),
            ("echo abc\x1b[D\x1b[D\x1b[3~", "echo ac", len("echo a"), ""),
            ("echo 12345\x1b[D\x1b[D\x0b", "echo 123", len("echo 123"), ""),
            ("junk\x15", "", 0, "junk")):
        for g in guests:
            g.run("cd /")
            out = g.type_and_read(keys, seconds=0.1)
            deadline = time.monotonic() + 5   # wait for all of it, under load too
            while ((render(prompt + out)[0] != prompt + shown or echoed not in out)
                   and time.monotonic() < deadline):
                out += g.type_and_read("", seconds=0.1)
            assert echoed in out, "%s: keys %r: %r never shown (output %r)" % (
                g.describe(), keys, echoed, out)
            row, col = render(prompt + out)
            assert (row, col) == (prompt + shown, len(prompt) + cursor), \
                "%s: keys %r show %r with the cursor at %d, want %r at %d (output %r)" % (
                    g.describe(), keys, row, col, prompt + shown, len(prompt) + cursor, out)
            g.send("\x05\x15\r")   # to the end, clear, Enter: an empty line
            g.expect_prompt()


# ---- Ctrl-C and jobs -------------------------------------------------------

def no_task_named(g, name):
    out = g.run("ps")
    assert not re.search(r" %s$" % name, out, re.M), "%s: %s still running:\n%s" % (
        g.describe(), name, out)


def test_ctrl_c_kills_foreground_spin():
    for g in guests:
        g.sendline("spin 100")
        time.sleep(1.0)   # spin is running and owns the console
        g.send_ctrl_c()
        try:
            g.expect_prompt(timeout=10)
        except Exception:
            raise AssertionError("%s: no prompt after Ctrl-C on spin:\n%s" % (
                g.describe(), g.tail(5)))
        assert g.last_status() == 130
        no_task_named(g, "spin")
        check(g, "echo $$", re.compile(r"\d+"))   # the same shell answers


def test_ctrl_c_kills_a_whole_pipeline_and_a_script():
    for g in guests:
        g.sendline("spin 100 | spin 100 | cat")
        time.sleep(1.0)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        assert g.last_status() == 130
        no_task_named(g, "spin")
        no_task_named(g, "cat")
        g.run("echo 'spin 100' > /tmp/cc; echo 'echo not-reached' >> /tmp/cc")
        g.sendline("sh /tmp/cc")
        time.sleep(1.0)
        g.send_ctrl_c()
        out = g.expect_prompt(timeout=10)
        assert "not-reached" not in out, "Ctrl-C did not end the script: %r" % out
        no_task_named(g, "spin")


def test_ctrl_c_ends_a_pipeline_whose_last_stage_is_done():
    # ls ends at once; head still reads the console: Ctrl-C must reach it.
    for g in guests:
        g.sendline("head | ls /dev")
        time.sleep(1.0)
        g.send_ctrl_c()
        g.expect_prompt(timeout=10)
        no_task_named(g, "head")
        check(g, "echo after", "after")


def test_ctrl_c_ends_a_loop_of_builtins_and_typed_ahead_text_is_kept():
    for g in guests:
        g.sendline("while :; do :; done; echo not-reached")
        time.sleep(1.0)
        g.send_ctrl_c()
        out = g.expect_prompt(timeout=10)
        assert not re.search(r"^not-reached$", out, re.M), out
        assert g.last_status() == 130
        # typed while a loop runs: kept for the next prompt
        g.sendline("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done")
        time.sleep(0.3)
        g.send("echo typed-ahead\r")
        g.expect(r"\ntyped-ahead\r*\n", timeout=60)
        g.expect_prompt()
        check(g, "echo $i", "20000")


def test_ctrl_c_reaches_the_children_of_the_foreground_app():
    # taskset, env and sh -c run their command as a child: Ctrl-C must not
    # leave it running (the kernel passes a SIGINT death on to children).
    for g in guests:
        for cmd in ("taskset -c 0 spin 100", "env A=1 spin 100",
                    "sh -c 'sh -c \"spin 100 | cat\"'"):
            g.sendline(cmd)
            time.sleep(1.0)
            g.send_ctrl_c()
            g.expect_prompt(timeout=10)
            assert g.last_status() == 130, "%s: %r: status after Ctrl-C" % (g.describe(), cmd)
            no_task_named(g, "spin")
            no_task_named(g, "cat")


def test_background_job_pid_jobs_kill_wait():
    for g in guests:
        out = g.run("spin 30 &")
        m = re.fullmatch(r"\[(\d+)\] (\d+)", out)
        assert m, "%s: `spin 30 &` printed %r" % (g.describe(), out)
        job, pid = m.group(1), m.group(2)
        check(g, "echo $!", pid)
        check(g, "jobs", "[%s]+ Running  spin 30" % job)
        ps = g.run("ps")
        assert re.search(r"^\s*%s\s+\d+\s+\d+\s+\d+\s+[RS]\s+\S+ spin$" % pid, ps, re.M), ps
        check(g, "kill %%%s; wait %%%s" % (job, job), "", status=143)
        check(g, "jobs", "")
        no_task_named(g, "spin")


def test_wait_for_background_jobs():
    for g in guests:
        # Both still running at the prompts before wait (a job that ends
        # sooner is announced Done and forgotten there, as in dash).
        g.run("sleep 3 &")
        g.run("sh -c 'sleep 1; exit 3' &")
        check(g, "wait $!", "", status=3)
        check(g, "wait", "")
        check(g, "wait 99999", "", status=127)   # (dash says nothing either)
        # A finished job is announced once, before a prompt.
        out = g.run("true &")
        time.sleep(1)
        out += "\n" + g.run("echo next")
        out += "\n" + g.run("echo again")
        assert len(re.findall(r"^\[\d+\]\+ Done  true$", out, re.M)) == 1, out
        assert "next\n" in out and out.endswith("again"), out


def test_background_pipeline_and_kill_9():
    for g in guests:
        out = g.run("spin 30 | cat &")
        assert re.fullmatch(r"\[\d+\] \d+", out), out
        spin = g.run("ps | grep ' spin$'")
        pid = spin.split()[0]
        # Killing spin ends the job: cat reads EOF from the pipe and exits.
        out = g.run("kill -9 %s; sleep 0.3" % pid) + "\n" + g.run("jobs")
        assert re.search(r"^\[\d+\]\+ Done  spin 30 \| cat$", out, re.M), out
        no_task_named(g, "spin")
        no_task_named(g, "cat")


# ---- robustness ------------------------------------------------------------

def test_overlong_line_is_rejected():
    for g in guests:
        g.sendline("echo " + "x" * 10000)
        try:
            g.expect(r"sh: line too long\r*\n", timeout=60)
            g.expect_prompt()
        except Exception:
            raise AssertionError("%s: no `line too long`:\n%s" % (g.describe(), g.tail(3)[-300:]))
        assert g.last_status() == 2
        check(g, "echo ok", "ok")
        out = g.run("echo " + "y" * 4000)   # 4005 bytes: within 4 KiB
        assert out == "y" * 4000, "%s: a 4005-byte line printed %d bytes" % (
            g.describe(), len(out))


def test_random_bytes_then_echo_works():
    rnd = random.Random(5)
    for g in guests:
        for _ in range(3):
            junk = "".join(chr(rnd.randrange(1, 256)) for _ in range(1000))
            junk = junk.replace("\x03", "").replace("\x04", "")
            g.send(junk)
            g.send_ctrl_c()   # (the junk may have left a quote open: "> ")
            g.mark(timeout=60)
        # The junk's carriage returns ran lines, some with a `&`: reap
        # those jobs, whose notices would come before a later prompt.
        g.run("wait", timeout=60)
        check(g, "echo ok", "ok")
        assert g.alive()


def test_control_characters_and_half_escape_sequences():
    for g in guests:
        for junk in ("\x1b", "\x1b[", "\x1b[1;", "\x1bO", "\x1b[999999999999D",
                     "\x1b[3~\x1b[H\x1b[F", "\x00\x01\x02\x05\x06\x07\x0b\x0c\x0e\x1a\x1c\x1f",
                     "\x7f" * 20, "\x1b[A" * 120 + "\x1b[B" * 130):
            g.send(junk)
            g.send_ctrl_c()
            g.mark()
        check(g, "echo ok", "ok")


def test_unbalanced_quotes_then_echo_works():
    for g in guests:
        # An open quote asks for more lines; Ctrl-C gives up on them.
        for cmd in ("echo 'one", 'echo "two\''):
            g.sendline(cmd)
            g.expect(r"\n> ")
            g.sendline("more")
            g.expect(r"\n> ")
            g.send_ctrl_c()
            g.expect_prompt()
            assert g.last_status() == 130
        check(g, "echo ok", "ok")


# ---- init="CMD" ------------------------------------------------------------

def test_init_cmd_success_powers_off_with_success():
    status, out = run_init("echo from init; true", timeout=60, **SMALL)
    assert status == 0, "status %r (want 0: QEMU exit 33)\n%s" % (status, out[-500:])
    assert "from init" in out


def test_init_cmd_failure_powers_off_with_failure():
    for cmd, text in (("false", None), ("exit 3", None),
                      ("nosuchcommand", "sh: 1: nosuchcommand: not found"),
                      ("echo 'unbalanced", "sh: 1: Syntax error: Unterminated quoted string")):
        status, out = run_init(cmd, timeout=60, **SMALL)
        assert status == 1, "init=%r: status %r (want 1: QEMU exit 35)\n%s" % (
            cmd, status, out[-500:])
        if text:
            assert text in out, "init=%r: no %r in:\n%s" % (cmd, text, out[-500:])


def test_init_cmd_on_numa_runs_pipelines():
    status, out = run_init("numactl --hardware | grep -c cpus", timeout=60, **NUMA)
    assert status == 0, out[-500:]
    assert re.search(r"^2$", out, re.M), out[-500:]
