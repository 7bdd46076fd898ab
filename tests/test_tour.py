"""The guided tour (docs/tour/) stays true to the code.

Two checks, each of which fails naming what is wrong:

  - Every example in a tour chapter runs as written on a freshly booted
    guest (4 CPUs, 2 nodes, 1 GiB) and prints what the chapter shows. The
    convention and the runner are tests/test_docs.py's (check_file:
    prompt lines `corral:/# CMD` followed by the expected output, `...`
    for what varies); each chapter gets its own guest, booted as `make
    run` boots it: GRUB and the ISO. Chapter 1, which describes both
    loaders, also runs on `qemu -kernel` (multiboot 1). tests/run.py fails
    a test whose guest printed a kernel error report.
  - Every code reference in the tour exists. A reference is a code span
    (`...` in backquotes) that names a path of the repository under one of
    its source folders -- `mm/slab.c`, `arch/x86/boot.S` -- optionally
    followed by `: NAME` -- `kernel/containers/cpuset.c: cpus_write`. The
    file must exist, and NAME must be defined in it: a function definition
    (a line starting with a non-blank that has `NAME(` and is not a
    prototype), a `#define NAME`, a `struct/enum/union NAME {`, an
    assembly label `NAME:`, or a Python `def NAME`/`class NAME`.

The tour's chapters are docs/tour/[0-9]*.md; docs/tour/README.md is the
index and must link to every one of them.
"""

import os
import re

import corral
import test_docs

ROOT = corral.ROOT
TOUR = "docs/tour"
# Where code lives; a code span starting with one of these is a reference.
SOURCE_DIRS = ("arch/", "kernel/", "mm/", "fs/", "lib/", "user/", "tests/", "scripts/")
SOURCE_FILES = ("Makefile", "linker.ld")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
REFERENCE = re.compile(r"^(?P<path>[\w./-]+)(?::\s*(?P<name>\w+)(?:\(\))?)?$")


def chapters():
    """The chapters' paths relative to ROOT, in order."""
    names = sorted(f for f in os.listdir(os.path.join(ROOT, TOUR))
                   if re.match(r"^\d.*\.md$", f))
    return [TOUR + "/" + f for f in names]


def tour_files():
    return [TOUR + "/README.md"] + chapters()


# ---- references ------------------------------------------------------------------

def references(text, name="doc"):
    """(where, path, NAME or None) for every code reference in text."""
    refs = []
    for lineno, line in enumerate(text.split("\n"), 1):
        for span in CODE_SPAN.findall(line):
            m = REFERENCE.match(span.strip())
            if not m:
                continue
            path = m.group("path")
            if not (path.startswith(SOURCE_DIRS) or path in SOURCE_FILES):
                continue
            refs.append(("%s:%d" % (name, lineno), path, m.group("name")))
    return refs


def definition_regexes(name):
    n = re.escape(name)
    return [
        re.compile(r"^\S.*\b%s\(.*$" % n, re.M),                      # a function
        re.compile(r"^\s*#\s*define\s+%s\b" % n, re.M),               # a macro
        re.compile(r"^(?:typedef\s+)?(?:struct|enum|union)\s+%s\s*\{" % n, re.M),
        re.compile(r"^\s*%s:" % n, re.M),                              # an asm label
        re.compile(r"^\s*(?:def|class)\s+%s\b" % n, re.M),            # Python
    ]


def defines(text, path, name):
    """Does the file's text define name?"""
    function, *others = definition_regexes(name)
    for m in function.finditer(text):
        line = m.group(0).rstrip()
        # A prototype (ends in ';') only counts in a header.
        if not line.endswith(";") or path.endswith(".h"):
            return True
    return any(r.search(text) for r in others)


def broken_references(text, name="doc"):
    """A message for every reference of text that does not exist."""
    bad = []
    for where, path, func in references(text, name):
        full = os.path.join(ROOT, path)
        if not os.path.isfile(full):
            bad.append("%s: `%s`: no such file" % (where, path))
            continue
        if func:
            with open(full, encoding="utf-8", errors="replace") as f:
                if not defines(f.read(), path, func):
                    bad.append("%s: `%s: %s`: %s does not define %s"
                               % (where, path, func, path, func))
    return bad


# ---- the tests -------------------------------------------------------------------

def test_tour_reference_check_can_fail():
    """The reference checker finds a missing file and a missing definition,
    and accepts functions, macros, structs, labels and header prototypes."""
    doc = "\n".join([
        "Open `kernel/sched.c: sched_tick` and `mm/slab.c`.",
        "Then `kernel/no_such_file.c: f` and `kernel/sched.c: no_such_function`.",
        "Not references: `echo 2-3 > cpuset.cpus`, `/proc/self`, `make run`.",
    ])
    refs = references(doc, "t")
    assert [(p, n) for _, p, n in refs] == [
        ("kernel/sched.c", "sched_tick"), ("mm/slab.c", None),
        ("kernel/no_such_file.c", "f"), ("kernel/sched.c", "no_such_function")], refs
    bad = broken_references(doc, "t")
    assert bad == ["t:2: `kernel/no_such_file.c`: no such file",
                   "t:2: `kernel/sched.c: no_such_function`: kernel/sched.c does not "
                   "define no_such_function"], bad
    assert defines("static void foo(int x)\n{\n}\n", "a.c", "foo")
    assert not defines("void foo(int x);\n", "a.c", "foo")
    assert defines("void foo(int x);\n", "a.h", "foo")
    assert not defines("\tfoo(1);\n", "a.c", "foo")
    assert not defines("static void foobar(int x)\n", "a.c", "foo")
    assert defines("#define KTEST(suite, name) \\\n", "a.h", "KTEST")
    assert defines("struct css_set {\n", "a.h", "css_set")
    assert defines("_start:\n\tcli\n", "a.S", "_start")
    assert defines("def run_init(cmd):\n", "a.py", "run_init")


def test_tour_references_exist():
    """Every `path` and `path: NAME` the tour names is a file of the
    repository that defines NAME."""
    bad = []
    count = 0
    for name in tour_files():
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
        count += len(references(text, name))
        bad += broken_references(text, name)
    assert not bad, "broken references in the tour:\n" + "\n".join(bad)
    assert count >= 100, "only %d references in the tour" % count


def test_tour_chapters_are_indexed_and_end_with_things_to_try():
    """The index links to every chapter; every chapter names code and has a
    "Things to try" section as its last, with examples in it."""
    with open(os.path.join(ROOT, TOUR, "README.md"), encoding="utf-8") as f:
        index = f.read()
    names = chapters()
    assert len(names) == 6, names
    bad = []
    for name in names:
        base = os.path.basename(name)
        if "](%s)" % base not in index:
            bad.append("%s: not linked from %s/README.md" % (name, TOUR))
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
        if len(references(text, name)) < 10:
            bad.append("%s: names fewer than 10 files or functions" % name)
        headings = re.findall(r"^## (.*)$", text, re.M)
        if not headings or headings[-1] != "Things to try":
            bad.append("%s: its last section is not \"Things to try\"" % name)
            continue
        last = text[text.rindex("## Things to try"):]
        if not any(isinstance(it, test_docs.Example) for it in test_docs.parse(last, name)):
            bad.append("%s: \"Things to try\" has no example" % name)
    assert not bad, "\n".join(bad)


def test_tour_links_lead_to_pages_and_headings_that_exist():
    """Every relative link of the tour names a file (and a heading of it)."""
    bad = []
    for name in tour_files():
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
        for target in test_docs.LINK.findall(text):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            full = os.path.normpath(os.path.join(ROOT, os.path.dirname(name),
                                                 path or os.path.basename(name)))
            if not os.path.exists(full):
                bad.append("%s: link to %s: no such file" % (name, target))
            elif anchor and full.endswith(".md"):
                with open(full, encoding="utf-8") as f:
                    if anchor not in test_docs.heading_anchors(f.read()):
                        bad.append("%s: link to %s: no such heading" % (name, target))
    assert not bad, "\n".join(bad)


def _chapter_test(name, iso):
    def test():
        test_docs.check_file(name, iso=iso)
    base = re.sub(r"[^A-Za-z0-9]", "_", os.path.basename(name)[:-3])
    test.__name__ = "test_tour_%s_%s" % (base, "iso" if iso else "kernel")
    test.__doc__ = "Every example in %s runs as written on a fresh guest (%s)." % (
        name, "GRUB ISO" if iso else "qemu -kernel")
    return test


for _name in chapters() if os.path.isdir(os.path.join(ROOT, TOUR)) else []:
    for _iso in (True, False) if os.path.basename(_name).startswith("01") else (True,):
        _t = _chapter_test(_name, _iso)
        globals()[_t.__name__] = _t
