"""Differential tests of the everyday tools against GNU coreutils (and GNU
sed/grep), on the host build (user/host/build.sh: the apps of user/ linked
against glibc, with ASan and UBSan).

Each case runs the same argv with the same stdin in a fresh folder holding
the same files, once as `corral APP ARGS` and once as the GNU tool (called
with argv[0] = APP, so messages start the same), with LC_ALL=C and TZ=UTC;
stdout, stderr and the exit status must be identical. No QEMU is booted.
"""

import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.environ.get("CORRAL_HOST_OUT", "/tmp/corral-host-tools")
CORRAL = os.path.join(OUT, "corral")

ENV = {"LC_ALL": "C", "TZ": "UTC", "PATH": "/usr/bin:/bin",
       "ASAN_OPTIONS": "detect_leaks=0", "HOME": "/nonexistent"}

# The files every case finds in its folder.
FILES = {
    "nums": "10\n9\n100\n-3\n2.5\n9\n0\n",
    "words": "pear\napple\nfig\napple\nPear\nbanana\nfig\nfig\n",
    "table": "b:2:x\na:10:y\nc:1:z\na:2:w\n",
    "text": "one two three\nfour five\n\nsix seven eight nine\nten\n",
    "empty": "",
    "nonl": "no newline at end",
    "dir/a": "A\n",
    "dir/sub/b": "B\n",
}


def setup_module():
    subprocess.run(["sh", os.path.join(ROOT, "user/host/build.sh")],
                   env=dict(os.environ, OUT=OUT), check=True,
                   stdout=subprocess.DEVNULL)


def _fixture(d):
    for name, text in FILES.items():
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def _run(argv, stdin, gnu):
    d = tempfile.mkdtemp(prefix="corral-tools.")
    try:
        _fixture(d)
        if gnu:
            exe = shutil.which(argv[0], path="/usr/bin:/bin")
            assert exe, "no GNU %s on the host" % argv[0]
            cmd, kw = argv, {"executable": exe}
        else:
            cmd, kw = [CORRAL] + argv, {}
        p = subprocess.run(cmd, input=stdin.encode(), cwd=d, env=ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30, **kw)
        return p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace"), p.returncode
    finally:
        shutil.rmtree(d)


def check_cases(cases):
    """cases: (argv, stdin) pairs (stdin may be omitted). All are run; the
    differences are reported together."""
    bad = []
    for case in cases:
        argv, stdin = (case, "") if isinstance(case, list) else case
        want = _run(argv, stdin, gnu=True)
        got = _run(argv, stdin, gnu=False)
        if "ERROR: AddressSanitizer" in got[1] or "runtime error:" in got[1]:
            bad.append("%r: sanitizer report:\n%s" % (argv, got[1]))
        elif got != want:
            bad.append("%r stdin=%r\n  GNU:    %r\n  corral: %r" %
                       (argv, stdin, want, got))
    assert not bad, "%d of %d cases differ:\n" % (len(bad), len(cases)) + \
        "\n".join(bad)


def test_printf():
    check_cases([
        ["printf", "%d\n", "abc", "12x", "7"],
        ["printf", "%5.2f|%-5s|%x|%o|%X\n", "3.14159", "ab", "255", "8", "255"],
        ["printf", "%s-%s\n", "a", "b", "c"],
        ["printf", "a\\tb\\101\\n"],
        ["printf", "%b\n", "a\\tb\\0101", "x\\cy"],
        ["printf", "%c%c\n", "hello", "w"],
        ["printf", "%05d|%+d|% d|%-4d|\n", "42", "5", "7", "3"],
        ["printf", "%*d|%.*s|\n", "6", "42", "2", "abcdef"],
        ["printf", "%d %d\n", "'A", "0x1f", "010"],
        ["printf", "%e %g %G\n", "12345.678", "0.0001", "1e20"],
        ["printf", "%z\n", "1"],
        ["printf"],
        ["printf", "no args %%\n"],
        ["printf", "%s\n"],
        ["printf", "%u\n", "-1"],
        ["printf", "x\\c", "y"],
    ])


def test_test():
    check_cases([
        ["test"], ["test", ""], ["test", "a"], ["test", "!", "a"],
        ["test", "-n", ""], ["test", "-z", ""], ["test", "a", "=", "a"],
        ["test", "a", "!=", "a"], ["test", "1", "-eq", "1"],
        ["test", "2", "-lt", "10"], ["test", "abc", "-eq", "1"],
        ["test", "1", "-eq"], ["test", "a", "b", "c"],
        ["test", "-f", "nums"], ["test", "-d", "dir"], ["test", "-d", "nums"],
        ["test", "-e", "missing"], ["test", "-s", "empty"], ["test", "-s", "nums"],
        ["test", "(", "a", ")"], ["test", "!", "(", "a", "=", "b", ")"],
        ["test", "a", "=", "a", "-a", "b", "=", "c"],
        ["test", "a", "=", "a", "-o", "b", "=", "c"],
        ["test", "!", "!", "!", "x", "=", "x"],
        ["test", "-x"], ["test", "-q", "x"], ["test", " 12 ", "-gt", "3"],
        ["test", "a", "<", "b"], ["test", "(", "a", "-a"],
        ["[", "1", "=", "1", "]"], ["[", "1", "=", "1"], ["[", "]"],
        ["[", "-z", "", "]"], ["[", "x", "-o", "", "]"],
    ])


def test_sort():
    check_cases([
        ["sort", "words"], ["sort", "-r", "words"], ["sort", "-u", "words"],
        ["sort", "-f", "words"], ["sort", "-n", "nums"], ["sort", "-rn", "nums"],
        ["sort", "-nu", "nums"], ["sort", "-t:", "-k2", "table"],
        ["sort", "-t:", "-k2n", "table"], ["sort", "-t", ":", "-k2,2n", "-k1,1r", "table"],
        ["sort", "-k2", "text"], ["sort", "-k1.2,1.3", "words"],
        ["sort", "missing"], ["sort", "-k"], ["sort", "-k", "x", "words"],
        ["sort", "-q"], ["sort", "nums", "words"], ["sort", "words", "-r"],
        ["sort", "--", "words"], ["sort", "nonl", "empty"],
        (["sort"], "b\na\nc"), (["sort", "-n", "-k2", "-t", " "], "x 10\ny 9\nz 9\n"),
        ["sort", "-t", "ab", "words"],
    ])


def test_uniq():
    check_cases([
        (["uniq"], "a\na\nb\nc\nc\nc\na\n"), (["uniq", "-c"], "a\na\nb\nc\nc\nc\na\n"),
        (["uniq", "-d"], "a\na\nb\nc\nc\nc\na\n"), (["uniq", "-u"], "a\na\nb\nc\nc\nc\na\n"),
        (["uniq", "-i", "-c"], "A\na\nb\n"), ["uniq", "words"], ["uniq", "missing"],
        ["uniq", "-x"], ["uniq", "a", "b", "c"], (["uniq", "-cd"], "x\nx\ny\n"),
        (["uniq"], "no newline\nno newline"),
    ])


def test_cut():
    check_cases([
        ["cut", "-d:", "-f2", "table"], ["cut", "-d", ":", "-f", "1,3", "table"],
        ["cut", "-d:", "-f2-", "table"], ["cut", "-d:", "-f-2", "table"],
        ["cut", "-c1-3", "words"], ["cut", "-c", "2,4-", "text"],
        ["cut", "-b1", "words"], ["cut", "-d", " ", "-f2", "text"],
        ["cut", "-s", "-d", " ", "-f2", "text"], ["cut", "table"], ["cut", "-f0", "table"],
        ["cut", "-f3-1", "table"], ["cut", "-c1", "-d:", "table"],
        ["cut", "-d", "ab", "-f1", "table"], ["cut", "-f1", "missing"],
        ["cut", "-f", "x", "table"], (["cut", "-f2"], "a\tb\tc\nnone\n"),
        ["cut", "-c1", "-f1", "table"],
    ])


def test_tr():
    check_cases([
        (["tr", "a-z", "A-Z"], "Hello World\n"), (["tr", "-d", "lo"], "Hello World\n"),
        (["tr", "-s", " "], "a   b    c\n"), (["tr", "-s", "a-z", "A-Z"], "aabbcc dd\n"),
        (["tr", "[:lower:]", "[:upper:]"], "abc xyz\n"), (["tr", "-d", "[:digit:]"], "a1b22c333\n"),
        (["tr", "-c", "a-z\\n", "_"], "ab1 cd!\n"), (["tr", "-cd", "a-z"], "ab1 cd!\n"),
        (["tr", "abc", "x"], "aabbcc\n"), (["tr", "\\n", " "], "a\nb\nc\n"),
        (["tr", "-ds", "a", "b"], "aabbbc\n"), ["tr"], ["tr", "a"], ["tr", "-d"],
        ["tr", "-x", "a", "b"], (["tr", "z-a", "x"], "q"), ["tr", "-d", "a", "b"],
        (["tr", "[:foo:]", "x"], "q"),
    ])


def test_tail():
    check_cases([
        ["tail", "text"], ["tail", "-n", "2", "text"], ["tail", "-n2", "words"],
        ["tail", "-n", "+3", "words"], ["tail", "-3", "words"], ["tail", "-c", "5", "text"],
        ["tail", "-c", "+5", "nonl"], ["tail", "-n", "1", "nonl"], ["tail", "-n", "0", "text"],
        ["tail", "missing"], ["tail", "-n", "x", "text"], ["tail", "-n", "1", "nums", "words"],
        (["tail", "-n", "2"], "a\nb\nc\n"), ["tail", "empty"], ["tail", "-j"],
        ["tail", "-n", "1", "nums", "missing"],
    ])


def test_tee_seq_yes_basename_dirname():
    check_cases([
        (["tee"], "a\nb\n"), (["tee", "out"], "x\n"), (["tee", "-a", "nums"], "x\n"),
        (["tee", "dir/nope/x"], "x\n"), ["tee", "-y"],
        ["seq", "3"], ["seq", "2", "5"], ["seq", "1", "2", "9"], ["seq", "5", "-2", "-3"],
        ["seq", "-w", "8", "10"], ["seq", "-s", ",", "4"], ["seq", "0.5", "0.25", "1.5"],
        ["seq", "-3", "-1"], ["seq"], ["seq", "a"], ["seq", "1", "0", "3"],
        ["seq", "1", "2", "3", "4"], ["seq", "5", "1"],
        ["basename", "/usr/lib/x.so", ".so"], ["basename", "/a/b/"], ["basename", "/"],
        ["basename", "x"], ["basename"], ["basename", "a", "b", "c"], ["basename", "x.c", "x.c"],
        ["dirname", "/usr/lib/x.so"], ["dirname", "x"], ["dirname", "/"], ["dirname", "a/b/", "//x"],
        ["dirname"],
    ])


def test_sed():
    check_cases([
        ["sed", "s/p/P/", "words"], ["sed", "s/p/P/g", "words"], ["sed", "s/a/_/2", "words"],
        ["sed", "-n", "s/fig/FIG/p", "words"], ["sed", "s/APPLE/x/I", "words"],
        ["sed", "-n", "2p", "words"], ["sed", "2d", "words"], ["sed", "$d", "words"],
        ["sed", "-n", "$p", "words"], ["sed", "2,4d", "words"], ["sed", "-n", "/fig/p", "words"],
        ["sed", "/apple/,/fig/d", "words"], ["sed", "/fig/!d", "words"], ["sed", "3q", "words"],
        ["sed", "-n", "=", "words"], ["sed", "-e", "s/a/A/", "-e", "s/e/E/", "words"],
        ["sed", "s/a/A/;s/e/E/", "words"], ["sed", "s/\\(p\\)\\(e\\)/\\2\\1/", "words"],
        ["sed", "-E", "s/(a|e)+/<&>/g", "words"], ["sed", "s/x*/-/g", "words"],
        ["sed", "s/b*/-/g", "words"], ["sed", "s|/|:|g", "dir/a"],
        ["sed", "y/abc/xyz/", "words"], ["sed", "2i\\\ninserted", "words"],
        ["sed", "2a appended", "words"], ["sed", "2,3c changed", "words"],
        ["sed", "-n", "/apple/{p;p}", "words"], ["sed", "n;d", "words"],
        ["sed", "$!N;s/\\n/+/", "words"], ["sed", "s/a/b", "words"], ["sed", "k", "words"],
        ["sed", "s/a/b/q", "words"], ["sed", "p", "missing"], 
        ["sed", "s/[0-9][0-9]*/<&>/g", "nums"], ["sed", "s/^/> /", "text"],
        ["sed", "s/$/ </", "nonl"], ["sed", "0p", "words"],
        ["sed", "-n", "2,1p", "words"], ["sed", "-n", "/pear/,2p", "words"],
        ["sed", "-n", "$=", "text", "words"], (["sed", "s/o/0/g"], "foo\nboo"),
        ["sed", "s/e/\\n/", "words"], ["sed", "s/.*/[&]/", "empty"],
    ])


def test_grep():
    check_cases([
        ["grep", "fig", "words"], ["grep", "-c", "fig", "words"], ["grep", "-v", "fig", "words"],
        ["grep", "-i", "pear", "words"], ["grep", "-n", "a", "words"], ["grep", "-q", "fig", "words"],
        ["grep", "-q", "kiwi", "words"], ["grep", "-E", "^(a|b)", "words"],
        ["grep", "-e", "fig", "words"], ["grep", "-e", "fig", "-e", "^a", "words"],
        ["grep", "-c", "fig\npear", "words"], ["grep", "fig", "words", "missing"],
        ["grep", "-y", "fig", "words"], ["grep", "-j", "fig", "words"], ["grep"],
        ["grep", "fig", "words", "text"], ["grep", "kiwi", "missing"],
    ])


def test_expr():
    check_cases([
        ["expr", "1", "+", "2"], ["expr", "7", "-", "10"], ["expr", "3", "*", "4"],
        ["expr", "7", "/", "2"], ["expr", "7", "%", "3"], ["expr", "1", "/", "0"],
        ["expr", "a", "+", "1"], ["expr", "1", "+"], ["expr"], ["expr", "2", "<", "10"],
        ["expr", "b", "<", "a"], ["expr", "abc", "=", "abc"], ["expr", "0", "|", "x"],
        ["expr", "0", "&", "x"], ["expr", "", "|", "0"], ["expr", "abcdef", ":", "abc"],
        ["expr", "abcdef", ":", "a\\(.*\\)f"], ["expr", "abc", ":", "x"],
        ["expr", "length", "hello"], ["expr", "substr", "hello", "2", "3"],
        ["expr", "index", "hello", "lo"], ["expr", "match", "hello", "h.l"],
        ["expr", "(", "1", "+", "2", ")", "*", "3"], ["expr", "(", "1"], ["expr", "1", "2"],
        ["expr", "0"], ["expr", "--", "5"], ["expr", "1", "+", "2", "*", "3"],
    ])


def test_xargs_which_uname_date():
    check_cases([
        (["xargs"], "a b\nc\n"), (["xargs", "-n", "2"], "1 2 3 4 5\n"),
        (["xargs", "-I", "{}", "echo", "<{}>"], "x\n y z\n"),
        (["xargs", "echo", "pre"], "'a b' \"c d\" e\\ f\n"), (["xargs"], ""),
        (["xargs", "-r", "echo", "x"], ""), (["xargs", "-t", "echo"], "a\n"),
        (["xargs", "-0"], "a b\0c\0"), (["xargs", "false"], "a\n"),
        (["xargs", "-n", "0"], "a"), (["xargs", "-q"], ""), (["xargs"], "'a\n"),
        ["which", "sort", "nonexistent-tool"], ["which"], ["which", "-a", "sh"],
        ["uname"], ["uname", "-s"], ["uname", "-m", "-s"], ["uname", "-q"], ["uname", "x"],
        ["uname", "-srm"],
        ["date", "-d", "@0"], ["date", "-u", "-d", "@86461", "+%Y-%m-%d %H:%M:%S %s %j"],
        ["date", "-d", "@1000000000", "-R"], ["date", "-d", "@1000000000", "-I"],
        ["date", "-q"], ["date", "-d", "junk"], ["date", "+%Y", "extra"],
    ])


def test_cp_ls_head_echo_wc():
    check_cases([
        ["cp", "nums", "copy"], ["cp", "nums", "dir"], ["cp", "nums", "words", "dir"],
        ["cp", "nums", "words", "nums"], ["cp", "dir", "x"], ["cp", "-r", "dir", "x"],
        ["cp", "-r", "dir", "dir/sub"], ["cp", "missing", "x"], ["cp"], ["cp", "nums"],
        ["cp", "nums", "nums"], ["cp", "-j", "a", "b"], ["cp", "nums", "dir/none/x"],
        ["ls", "-R", "dir"], ["ls", "-R"], ["ls", "dir", "nums"],
        ["ls", "-j"], ["ls", "dir/sub", "dir"],
        ["head", "-c", "5", "text"], ["head", "-c5", "nonl"], ["head", "-n", "2", "words"],
        ["head", "-3", "words"], ["head", "-n", "x", "words"], ["head", "missing"],
        ["head", "-n", "1", "words", "nums"], ["head", "-k"], (["head", "-c", "3"], "abcdef"),
        ["echo", "a", "b"], ["echo", "-n", "a"], ["echo", "-e", "a\\tb\\n\\x41\\0101"],
        ["echo", "-e", "x\\cy", "z"], ["echo", "-E", "a\\tb"], ["echo", "-x", "a"],
        ["echo", "-neE", "a\\n"], ["echo", "--", "a"], ["echo"],
        ["wc", "-l", "words"], ["wc", "-q"], ["wc", "--lines", "words"],
    ])


def test_wc():
    check_cases([
        ["wc", "words"], ["wc", "words", "nums"], ["wc", "-l", "words"], ["wc", "-lw", "words"],
        ["wc", "-c", "words", "text"], (["wc"], "a b\nc\n"), ["wc", "empty"], ["wc", "nonl"],
        ["wc", "-w", "text", "missing"],
    ])


def test_more_options_and_edge_cases():
    """Options in combination, GNU extensions (sed's hold space, ADDR,+N,
    l, intervals), and the corners of each syntax."""
    check_cases([
 ["sort", "-k2,2", "-k1", "text"], ["sort", "-b", "-k2", "text"], ["sort", "-t:", "-k3", "-r", "table"],
 ["sort", "-n", "-r", "-u", "nums"], (["sort", "-k1.2n"], "a10\nb9\nc100\n"), (["sort", "-n"], "  5\n-1\n  -2\nx\n1.5\n"),
 ["sort", "-o", "out", "words"], (["sort", "-t", ",", "-k2,2n", "-k1,1"], "a,3\nb,1\nc,3\nd,2\n"),
 (["sort", "-rk2"], "x 1\ny 2\n"), (["sort", "-f", "-u"], "a\nA\nb\nB\n"),
 ["uniq", "-c", "words"], (["uniq", "-u", "-c"], "a\na\nb\n"),
 ["cut", "-c", "-3", "words"], ["cut", "-d:", "-f", "2,2,1", "table"], ["cut", "-f", "1-2,2-3", "-d:", "table"],
 (["tr", "-s", "\\n"], "a\n\n\nb\n"), (["tr", "a-c", "A-"], "abc"), (["tr", "-d", "\\000-\\037"], "a\tb\n"),
 (["tr", "[:upper:][:lower:]", "[:lower:][:upper:]"], "Hello\n"), (["tr", "-c", "[:alnum:]", "\\n"], "ab, cd!\n"),
 ["sed", "-n", "/p/{s/p/P/;p}", "words"], ["sed", "1!G;h;$!d", "words"], ["sed", "s/\\(.\\)\\(.\\)/\\2\\1/g", "words"],
 ["sed", "-E", "s/([a-z]+)/[\\1]/2", "text"], ["sed", "/^$/d", "text"], ["sed", "-n", "/two/,$p", "text"],
 ["sed", "2,+1d", "words"], ["sed", "$a\\\nEND", "words"], ["sed", "s/./X/3g", "words"], ["sed", "=", "nonl"],
 ["sed", "-n", "l", "text"], ["sed", "s/a\\|e/_/g", "words"], ["sed", "s/[[:space:]]/_/g", "text"],
 ["sed", "s/e\\+/E/", "words"], ["sed", "s/p\\{2\\}/PP/", "words"], ["sed", "y/ab/c/", "words"],
 ["printf", "%5s|%-5s|%.2s\n", "ab", "cd", "efgh"], ["printf", "%i %o %#x %#o\n", "42", "8", "255", "8"],
 ["printf", "%s %s %s\n", "a", "b"], ["printf", "%10.3e|\n", "1234.5"], ["printf", "\\x41\\x4a\\x7\n"],
 ["printf", "%%d\n"], ["printf", "%-+5d|\n", "3"], ["printf", "%c\n", ""], ["printf", "%d\n", "-0x10"],
 ["printf", "%d\n", " 12"], ["printf", "%.3d\n", "7"], ["printf", "%b", "a\\nb\\\\c\n"], ["printf", "\\101\\060\n"],
 ["seq", "1", "0.3", "2"], ["seq", "-w", "-5", "5"], ["seq", "10", "-3", "1"], ["seq", "1e2", "1e2"], ["seq", "-s", "", "3"],
 ["expr", "5", ">", "3", "&", "2"], ["expr", "abc", "<", "abd"], ["expr", "10", "-", "-5"], ["expr", "-5", "%", "3"],
 ["expr", "x", "=", "x", "|", "y"], ["expr", "substr", "abc", "0", "1"], ["expr", "index", "abc", "z"],
 ["expr", "aaa", ":", "a*"], ["expr", "abc", ":", "\\(b\\)"], ["expr", "abc", ":", "b"], ["expr", "(", ")"],
 ["expr", "1", "+", "a"],
 ["test", "-n"], ["test", "-z"], ["test", "!"], ["test", "(", ")"], ["test", "x", "-a"], ["test", "1", "-lt", "2", "-a", "3", "-gt", "4"],
 ["test", "nums", "-nt", "words"], ["test", "-e", "dir", "-o", "-e", "none"], ["test", "=", "=", "="], ["test", "-f"],
 ["head", "-n", "0", "words"], ["head", "-c", "0", "words"], ["head", "-n2", "-c3", "words"],
 ["tail", "-n", "+1", "nonl"], ["tail", "-c", "3", "nonl"], ["tail", "-n", "2", "empty", "nonl"], ["tail", "+2", "words"],
 (["xargs", "-n", "1"], "a b  c\n\n d"), (["xargs", "-I", "X", "echo", "X", "X"], "1\n2\n"), (["xargs", "echo"], "a\\\nb\n"),
 ["basename", "-a", "x/y"], ["basename", "--", "-x"], ["dirname", "a//b//"], ["dirname", "///"], ["basename", "//"],
 ["echo", "-e", "\\0101\\x4g"], ["echo", "-e", "a\\\\b"], ["echo", "-ne", "x\\ny"], ["echo", "-", "-n"],
 ["uniq", "-d", "-u", "words"], ["cut", "-d", ":", "-f", "1", "-s", "nonl"],
        ["sed", "s/p\\{1,\\}/<&>/", "words"], ["sed", "-E", "s/p{2}|g$/_/", "words"],
        ["sed", "s/x\\{2,1\\}/y/", "words"], ["sed", "s/p\\{2/y/", "words"],
        ["grep", "-E", "^[a-z]{4}$", "words"], ["grep", "-c", "p\\{2\\}", "words"],
        ["sed", "x;$G", "words"], ["sed", "-n", "h;n;G;p", "words"],
        ["basename", "-s", ".c", "a.c", "b/c.c"],
    ])
