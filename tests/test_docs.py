"""Every example in README.md and docs/*.md runs as written.

The examples follow one convention (docs/testing.md explains it to readers):

  - In a fenced block, a line that starts with the shell's prompt,
    `corral:DIR# `, is a command typed at the Corral shell. The lines after
    it, up to the next prompt line or the end of the block, are exactly what
    it prints. A line that starts with `> ` right after a command continues
    it (the shell's second prompt).
  - A line `$ CMD` in a fenced block is a command run on the host, with
    bash, from the repository root; the lines after it are what it prints
    (stdout and stderr together), by the same rules.
  - In expected output, a line that is only `...` stands for any number of
    lines (none too), and `...` inside a line for any text within the line:
    pids, times, free memory and other figures that vary are written so.
  - A ```python block is run on the host from the repository root with
    PYTHONPATH=tests, and must exit with status 0.
  - Fenced blocks without a prompt line are syntax or instructions
    (`make run`), not examples; a block with one must start with one.
  - `<!-- docs-test: new guest -->` between blocks: the blocks after it get a
    freshly booted guest.

Each file's guest examples run, in the file's order, in one guest booted
fresh for that file (4 CPUs, 2 nodes, 1 GiB), so an example may build on
the ones above it in its own file but never on another file's. A kernel
error report on a guest's console fails the file too (tests/run.py checks
every guest a test used).
"""

import functools
import os
import re
import subprocess
import sys

import corral

ROOT = corral.ROOT
TOPOLOGY = dict(cpus=4, nodes=2, mem=1024)
PROMPT_LINE = re.compile(r"^corral:[^#\n]*# (.*)$")
HOST_LINE = re.compile(r"^\$ (.*)$")
NEW_GUEST = "<!-- docs-test: new guest -->"

def doc_files():
    """README.md, then docs/*.md in name order (paths relative to ROOT)."""
    files = ["README.md"]
    docs = os.path.join(ROOT, "docs")
    if os.path.isdir(docs):
        files += ["docs/" + f for f in sorted(os.listdir(docs)) if f.endswith(".md")]
    return files


# ---- parsing -------------------------------------------------------------------

class Example:
    """One command and what it must print.

    kind: "guest" or "host"; lines: the command (a guest command may have
    continuation lines); want: the expected output lines; where: file:line."""

    def __init__(self, kind, lines, where):
        self.kind = kind
        self.lines = lines
        self.want = []
        self.where = where

    def __repr__(self):
        return "%s %s %r" % (self.where, self.kind, self.lines)


def parse(text, name="doc"):
    """A document's checked content, in order: Example objects, ("python",
    source, where) tuples and the string "new guest"."""
    items = []
    fence = None     # the fence that opened the current block, or None
    lang = ""
    block = []       # (lineno, line) of the current block
    for lineno, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if fence is None:
            m = re.match(r"^(\s*)(```+|~~~+)\s*([\w+-]*)", line)
            if m:
                fence, lang, block = m.group(2), m.group(3), []
                indent = len(m.group(1))
            elif stripped == NEW_GUEST:
                items.append("new guest")
            continue
        if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            items += parse_block(lang, block, name)
            fence = None
            continue
        block.append((lineno, line[indent:] if line[:indent].strip() == "" else line))
    if fence is not None:
        raise AssertionError("%s: a fenced block is not closed" % name)
    return items


def parse_block(lang, block, name):
    if lang == "python":
        src = "\n".join(line for _, line in block) + "\n"
        return [("python", src, "%s:%d" % (name, block[0][0] if block else 0))]
    items = []
    cur = None
    if not any(PROMPT_LINE.match(line) or HOST_LINE.match(line) for _, line in block):
        return []  # syntax or instructions, not an example
    for lineno, line in block:
        gm = PROMPT_LINE.match(line)
        hm = HOST_LINE.match(line)
        if gm or hm:
            cur = Example("guest" if gm else "host", [(gm or hm).group(1)],
                          "%s:%d" % (name, lineno))
            items.append(cur)
        elif cur is None:
            raise AssertionError("%s:%d: an example block must start with a command, not %r"
                                 % (name, lineno, line))
        elif cur.kind == "guest" and not cur.want and line.startswith("> "):
            cur.lines.append(line[2:])
        else:
            cur.want.append(line)
    return items


# ---- matching -------------------------------------------------------------------

def line_regex(pattern):
    parts = pattern.rstrip().split("...")
    return re.compile(".*?".join(re.escape(p) for p in parts) + r"\s*")


def output_matches(want, got):
    """Does the list of lines got match the expected lines want?"""
    want = [w.rstrip() for w in want]
    got = [g.rstrip() for g in got]
    regexes = [None if w == "..." else line_regex(w) for w in want]

    @functools.lru_cache(maxsize=None)
    def match(i, j):  # want[i:] against got[j:]
        if i == len(want):
            return j == len(got)
        if want[i] == "...":
            return any(match(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and regexes[i].fullmatch(got[j]) is not None \
            and match(i + 1, j + 1)
    return match(0, 0)


def split_lines(text):
    return [] if text == "" else text.split("\n")


# ---- running ---------------------------------------------------------------------

def run_guest(g, ex):
    """Type ex's lines at g's prompt; what they printed, as lines."""
    for line in ex.lines:
        g.sendline(line)
    try:
        out = g.expect_prompt(timeout=120)
    except Exception as e:
        raise AssertionError("%s: %r: no prompt after it (%s)" % (ex.where, ex.lines[0], e))
    lines = out.split("\n")
    # Drop the echoed command (and continuation) lines and the final newline.
    lines = lines[len(ex.lines):]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def run_host(ex):
    proc = subprocess.run(["bash", "-c", ex.lines[0]], cwd=ROOT, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    text = corral._normalise(proc.stdout.decode("utf-8", "replace"))
    return split_lines(text[:-1] if text.endswith("\n") else text)


def run_python(src, where):
    env = dict(os.environ, PYTHONPATH="tests")
    proc = subprocess.run([sys.executable, "-"], input=src.encode(), cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, "%s: the python example exited %d:\n%s" % (
        where, proc.returncode, proc.stdout.decode("utf-8", "replace"))


def check_file(name, **topology):
    """Run every example of one file; at least one must be there. topology
    overrides TOPOLOGY's guest options (tests/test_tour.py: iso=True)."""
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        items = parse(f.read(), name)
    assert any(not isinstance(it, str) for it in items), "%s: no checked example" % name
    guest = None
    try:
        for it in items:
            if it == "new guest":
                if guest:
                    guest.close()
                guest = None
            elif isinstance(it, tuple):
                run_python(it[1], it[2])
            else:
                if it.kind == "host":
                    got = run_host(it)
                else:
                    if guest is None:
                        guest = corral.Corral(**dict(TOPOLOGY, **topology))
                    got = run_guest(guest, it)
                assert output_matches(it.want, got), (
                    "%s: %r printed\n%s\nwant\n%s" % (it.where, "\n".join(it.lines),
                                                     "\n".join(got), "\n".join(it.want)))
    finally:
        if guest:
            guest.close()


# ---- the tests -------------------------------------------------------------------

def test_docs_examples_are_checked_and_can_fail():
    """The parser and matcher themselves: a wrong output is caught, "..."
    matches what it should and only that, blocks without a prompt are
    skipped."""
    doc = "\n".join([
        "Text.", "```", "make run   # not an example", "```",
        "```", "corral:/# echo hi", "hi", "corral:/tmp# ls", "...", "x",
        "$ echo host", "host", "```",
        NEW_GUEST,
        "```python", "print(1)", "```",
        "  ```", "  corral:/# cat f", "  node 0 free: ... MB", "  ```",
    ])
    items = parse(doc, "t")
    kinds = [it if isinstance(it, str) else (it[0] if isinstance(it, tuple) else it.kind)
             for it in items]
    assert kinds == ["guest", "guest", "host", "new guest", "python", "guest"], kinds
    echo, ls, host = items[0], items[1], items[2]
    assert echo.lines == ["echo hi"] and echo.want == ["hi"] and echo.where == "t:6"
    assert ls.lines == ["ls"] and ls.want == ["...", "x"]
    assert host.lines == ["echo host"] and host.want == ["host"]
    assert items[5].want == ["node 0 free: ... MB"]
    assert output_matches(["hi"], ["hi"])
    assert not output_matches(["hi"], ["ho"])
    assert not output_matches(["hi"], ["hi", "extra"])
    assert not output_matches(["hi"], [])
    assert output_matches([], [])
    assert output_matches(["...", "x"], ["x"])
    assert output_matches(["...", "x"], ["a", "b", "x"])
    assert not output_matches(["...", "x"], ["x", "a"])
    assert output_matches(["node 0 free: ... MB"], ["node 0 free: 501 MB"])
    assert not output_matches(["node 0 free: ... MB"], ["node 0 free: 501 kB"])
    assert not output_matches(["node 0 free: ... MB"], ["node 1 free: 501 MB"])
    assert output_matches(["a b "], ["a b"])  # trailing blanks do not count
    assert heading_anchors("# T\n## What keeps a container alive\n```\n# not one\n```\n"
                           "## /proc\n### cpuset: which CPUs\n") == {
        "t", "what-keeps-a-container-alive", "proc", "cpuset-which-cpus"}
    try:
        parse("```\noutput first\ncorral:/# echo\n```\n", "t")
        raise RuntimeError("text before the first command was accepted")
    except AssertionError as e:
        assert "t:2" in str(e), e
    # A command continued on "> " lines.
    cont = parse("```\ncorral:/# for i in 1 2\n> do echo $i; done\n1\n2\n```\n", "t")
    assert cont[0].lines == ["for i in 1 2", "do echo $i; done"] and cont[0].want == ["1", "2"]


LINK = re.compile(r"\]\(([^()\s]*)\)")


def heading_anchors(text):
    """The anchors GitHub makes for a page's headings ("## What keeps it"
    -> "what-keeps-it")."""
    anchors = set()
    fenced = False
    for line in text.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        m = None if fenced else re.match(r"^#+\s+(.*?)\s*$", line)
        if m:
            slug = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
            anchors.add(slug)
    return anchors


def test_docs_links_lead_to_pages_and_headings_that_exist():
    """Every relative link of README.md and docs/*.md names a file of the
    repository (and a heading of it, for #anchors), no page sends its
    reader to the design document, which is not in the repository, and no
    page keeps a merge conflict's markers."""
    bad = []
    for name in doc_files():
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
        if "DESIGN.md" in text:
            bad.append("%s: mentions DESIGN.md" % name)
        if re.search(r"^(<<<<<<<|>>>>>>>) ", text, re.M):
            bad.append("%s: a merge conflict's markers are left in it" % name)
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            path, _, anchor = target.partition("#")
            full = os.path.normpath(os.path.join(ROOT, os.path.dirname(name), path or
                                                 os.path.basename(name)))
            if not os.path.exists(full):
                bad.append("%s: link to %s: no such file" % (name, target))
            elif anchor and full.endswith(".md"):
                with open(full, encoding="utf-8") as f:
                    if anchor not in heading_anchors(f.read()):
                        bad.append("%s: link to %s: no such heading" % (name, target))
    assert not bad, "\n".join(bad)


def _file_test(name):
    def test():
        check_file(name)
    test.__name__ = "test_" + re.sub(r"[^A-Za-z0-9]", "_", name.lower())
    test.__doc__ = "Every example in %s runs as written on a fresh guest." % name
    return test


for _name in doc_files():
    _t = _file_test(_name)
    globals()[_t.__name__] = _t
