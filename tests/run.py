#!/usr/bin/env python3
"""Run Corral's end-to-end tests.

    tests/run.py [FILTER ...] [-x] [-l]

Imports every tests/test_*.py and runs each top-level function named test_*
(in file order). A module that defines setup_module()/teardown_module() has
them called around its tests (to share one booted guest). With FILTER
arguments, only tests whose module or function name contains one of them
run (`tests/run.py boot`). -x stops at the first failure; -l lists the
selected tests without running them.

A test also fails if a guest it used (its own, or its module's shared one)
printed a kernel error report while it ran (tests/corral.py: a "BUG: " or
"WARNING: " line, a KERNEL PANIC or TRAP) that it did not declare with
corral.expect_reports().

Prints "ok" or "FAIL" per test -- with the assertion message and the tail of
the serial log of the guests it used on failure -- then a summary; exits 1
if anything failed. Python 3 standard library + pexpect only.
"""

import importlib
import inspect
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corral  # noqa: E402

TAIL_LINES = 25


def discover():
    mods = []
    for fn in sorted(os.listdir(HERE)):
        if fn.startswith("test_") and fn.endswith(".py"):
            mods.append(fn[:-3])
    return mods


def test_functions(mod):
    funcs = [f for name, f in vars(mod).items()
             if name.startswith("test_") and inspect.isfunction(f)
             and f.__module__ == mod.__name__]
    return sorted(funcs, key=lambda f: f.__code__.co_firstlineno)


def selected(modname, funcname, filters):
    if not filters:
        return True
    return any(flt in modname or flt in funcname for flt in filters)


def describe_failure(exc):
    """The message plus where it was raised in the test code."""
    tb = traceback.extract_tb(exc.__traceback__)
    # Prefer the innermost frame in a test_*.py file, else in a helper here.
    where = ""
    for pick in (lambda b: b.startswith("test_"), lambda b: b != "run.py"):
        for fr in reversed(tb):
            base = os.path.basename(fr.filename)
            if os.path.dirname(os.path.abspath(fr.filename)) == HERE and pick(base):
                where = "%s:%d: %s" % (base, fr.lineno, (fr.line or "").strip())
                break
        if where:
            break
    if isinstance(exc, AssertionError):
        msg = str(exc) or "assertion failed"
    else:
        msg = "%s: %s" % (type(exc).__name__, exc)
    lines = [msg]
    if where:
        lines.append("at " + where)
    if not isinstance(exc, AssertionError):
        lines.append("".join(traceback.format_exception(
            type(exc), exc, exc.__traceback__)).rstrip())
    return "\n".join(lines)


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.split("\n"))


def show_serial(sess_list):
    for s in sess_list:
        try:
            tail = s.tail(TAIL_LINES)
        except Exception:
            continue
        path = getattr(s, "log_path", None)
        print("  --- serial tail (%s)%s ---" % (s.describe(),
                                                ", " + os.path.relpath(path) if path else ""))
        print(indent(tail if tail.strip() else "(no output)"))


def kill_sessions(sess_list):
    for s in sess_list:
        try:
            if s.alive():
                s.close()
        except Exception:
            pass


def check_reports(sess_list):
    """Raise if a session printed an undeclared kernel error report."""
    found = []
    for s in sess_list:
        try:
            found += ["%s: %s" % (s.describe(), line) for line in s.take_reports()]
        except Exception:
            continue
    if found:
        raise AssertionError("kernel error report(s) on the console during this test:\n"
                             + "\n".join(found[:10]))


def main(argv):
    stop_first = "-x" in argv
    list_only = "-l" in argv
    filters = [a for a in argv if a not in ("-x", "-l")]
    if any(a.startswith("-") for a in filters) or "-h" in argv:
        print(__doc__.strip())
        return 2

    plan = []
    for modname in discover():
        try:
            mod = importlib.import_module(modname)
        except Exception as e:
            plan.append((modname, None, e))
            continue
        funcs = [f for f in test_functions(mod) if selected(modname, f.__name__, filters)]
        if funcs:
            plan.append((modname, mod, funcs))

    ntests = sum(len(x[2]) if x[1] else 1 for x in plan)
    if ntests == 0:
        print("no tests match %s" % " ".join(filters))
        return 2
    if list_only:
        for modname, mod, funcs in plan:
            if mod is None:
                print("%s (import error: %s)" % (modname, funcs))
            else:
                for f in funcs:
                    print("%s.%s" % (modname, f.__name__))
        return 0

    passed = failed = 0
    failures = []
    t_all = time.monotonic()
    try:
        for modname, mod, funcs in plan:
            if mod is None:
                failed += 1
                failures.append(modname)
                print("FAIL %s (import)" % modname)
                print(indent(describe_failure(funcs)))
                if stop_first:
                    break
                continue

            mark = len(corral.sessions)
            shared = []
            setup_error = None
            if hasattr(mod, "setup_module"):
                corral.log_name = "%s.setup_module" % modname
                try:
                    mod.setup_module()
                except Exception as e:
                    setup_error = e
                shared = corral.sessions[mark:]

            for f in funcs:
                name = "%s.%s" % (modname, f.__name__)
                if setup_error is not None:
                    failed += 1
                    failures.append(name)
                    print("FAIL %s (setup_module)" % name)
                    print(indent(describe_failure(setup_error)))
                    continue
                corral.log_name = name
                before = len(corral.sessions)
                del corral.expected_reports[:]
                t0 = time.monotonic()
                try:
                    f()
                    ok, err = True, None
                    check_reports(shared + corral.sessions[before:])
                except KeyboardInterrupt:
                    raise
                except BaseException as e:  # SystemExit from a test is a failure too
                    ok, err = False, e
                dt = time.monotonic() - t0
                mine = corral.sessions[before:]
                for s in shared + mine:  # a failed test's reports are its own
                    try:
                        s.take_reports()
                    except Exception:
                        pass
                if ok:
                    passed += 1
                    print("ok   %s (%.1f s)" % (name, dt))
                else:
                    failed += 1
                    failures.append(name)
                    print("FAIL %s (%.1f s)" % (name, dt))
                    print(indent(describe_failure(err)))
                    show_serial([s for s in shared if s not in mine] + mine)
                # A test's own guests do not outlive it.
                kill_sessions(mine)
                sys.stdout.flush()
                if not ok and stop_first:
                    break

            if hasattr(mod, "teardown_module") and setup_error is None:
                corral.log_name = "%s.teardown_module" % modname
                try:
                    mod.teardown_module()
                except Exception as e:
                    failed += 1
                    failures.append("%s.teardown_module" % modname)
                    print("FAIL %s.teardown_module" % modname)
                    print(indent(describe_failure(e)))
            kill_sessions(corral.sessions[mark:])
            if failures and stop_first:
                break
    except KeyboardInterrupt:
        print("\ninterrupted")
        failed += 1
    finally:
        kill_sessions(corral.sessions)

    print("%d passed, %d failed (%.1f s)" % (passed, failed, time.monotonic() - t_all))
    if failures:
        print("failed: " + " ".join(failures))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
