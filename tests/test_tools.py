"""The everyday tools on Corral itself (issues 14 and 15): a sample of the
text and file tools in pipelines, write errors reported at exit, GNU's
messages for bad options, libcgroup's cgexec/cgclassify/lscgroup on a
mounted hierarchy, and numactl running commands with CPU and memory
policy. Every check runs on two guests booted once for the module: 1 CPU/1
node and 4 CPUs/2 nodes (-kernel). (tests/test_tools_host.py compares the
tools with GNU coreutils on the host build.)
"""

import re

from corral import NUMA, SMALL, Corral, check, check_soon

guests = []


def setup_module():
    for topo in (SMALL, NUMA):
        guests.append(Corral(**topo))


def teardown_module():
    for g in guests:
        g.close()


def numa(g):
    return g.topology["nodes"] > 1


def try_help(prog):
    return "Try '%s --help' for more information." % prog


# ---- text and file tools ------------------------------------------------------

def test_text_tools_in_pipelines():
    for g in guests:
        g.run("mkdir -p /tmp/tt; echo 'b:2:x' > /tmp/tt/t; echo 'a:10:y' >> /tmp/tt/t; "
              "echo 'c:1:z' >> /tmp/tt/t")
        check(g, "seq 10 | sort -rn | head -n 3", "10\n9\n8")
        check(g, "sort -t: -k2n /tmp/tt/t | cut -d: -f1", "c\nb\na")
        check(g, "echo hello world | tr a-z A-Z | sed 's/WORLD/there/'", "HELLO there")
        check(g, "printf 'a\\na\\nb\\n' | uniq -c", "      2 a\n      1 b")
        check(g, "seq 1 3 | xargs -n 2 echo", "1 2\n3")
        check(g, "echo x y | xargs -I {} echo '<{}>'", "<x y>")
        check(g, "seq 100 | tail -n 2", "99\n100")
        check(g, "seq 3 | tee /tmp/tt/copy | wc -l; cat /tmp/tt/copy", "3\n1\n2\n3")
        check(g, "seq 2 | tee -a /tmp/tt/copy > /dev/null; wc -l < /tmp/tt/copy", "5")
        check(g, "sed -n '2,3p' /tmp/tt/t", "a:10:y\nc:1:z")
        check(g, "sed -e '1d' -e 's/:.*//' /tmp/tt/t", "a\nc")
        check(g, "expr 6 \\* 7", "42")
        check(g, "expr length abcd; expr 1 / 0", "4\nexpr: division by zero", status=2)
        check(g, "env printf '%s=%03d\\n' a 5 b 6", "a=005\nb=006")
        check(g, "env test 3 -gt 2; echo $?; env [ a = b ]; echo $?", "0\n1")
        check(g, "basename /a/b/c.txt .txt; dirname /a/b/c.txt", "c\n/a/b")
        check(g, "yes | head -n 2", "y\ny")
        check(g, "seq -s , 5", "1,2,3,4,5")
        check(g, "env echo -e 'a\\tb'; env echo -n x; env echo", "a\tb\nx")
        check(g, "head -c 3 /tmp/tt/t", "b:2")
        check(g, "grep -q a /tmp/tt/t; echo $?; grep -q q /tmp/tt/t; echo $?", "0\n1")
        # -s: no message about an unreadable file; the status still says 2
        check(g, "grep -s a /tmp/tt/none /tmp/tt/t; echo $?", "/tmp/tt/t:a:10:y\n2")
        check(g, "grep a /tmp/tt/none; echo $?",
              "grep: /tmp/tt/none: No such file or directory\n2")


def test_file_and_system_tools():
    for g in guests:
        g.run("mkdir -p /tmp/cp/src/sub; echo one > /tmp/cp/src/f; echo two > /tmp/cp/src/sub/g")
        check(g, "cp -r /tmp/cp/src /tmp/cp/dst; ls -R /tmp/cp/dst",
              "/tmp/cp/dst:\nf\nsub\n\n/tmp/cp/dst/sub:\ng")
        check(g, "cat /tmp/cp/dst/sub/g", "two")
        check(g, "seq 1000 > /tmp/cp/big; ls -lh /tmp/cp/big",
              re.compile(r"-\S+\s+1\s+3\.9K /tmp/cp/big"))
        # tail -f prints what is appended until it is killed.
        g.run("echo a > /tmp/cp/log; tail -f /tmp/cp/log > /tmp/cp/seen & "
              "sleep 0.5; echo b >> /tmp/cp/log; sleep 2.5; kill $!; wait $!")
        check(g, "cat /tmp/cp/seen", "a\nb")
        check(g, "cp /tmp/cp/src /tmp/cp/x",
              "cp: -r not specified; omitting directory '/tmp/cp/src'", status=1)
        check(g, "cp /tmp/cp/nope /tmp/cp/x",
              "cp: cannot stat '/tmp/cp/nope': No such file or directory", status=1)
        check(g, "cp /tmp/cp/src/f", "cp: missing destination file operand after "
              "'/tmp/cp/src/f'\n" + try_help("cp"), status=1)
        check(g, "uname; uname -srm", "Corral\nCorral 0.1 x86_64")
        check(g, "uname -a", re.compile(r"Corral corral 0\.1 #1 .* x86_64 Corral"))
        check(g, "date -d @86400 '+%Y-%m-%d %H:%M:%S'", "1970-01-02 00:00:00")
        check(g, "date", re.compile(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}"))
        check(g, "which ls nosuchapp", "ls", status=1)
        check(g, "free -h", re.compile(r"\s+total\s+used\s+free\nMem:\s+\d+(\.\d)?Mi"
                                       r"\s+\d+(\.\d)?Mi\s+\d+(\.\d)?Mi"))


# ---- errors -------------------------------------------------------------------

def test_a_failed_write_is_reported_at_exit():
    for g in guests:
        # /proc/loadavg refuses writes: the app's output cannot be written.
        check(g, "wc -l /proc/uptime > /proc/loadavg",
              "wc: write error: Invalid argument", status=1)
        check(g, "seq 3 > /proc/loadavg", "seq: write error: Invalid argument", status=1)
        check(g, "sort /proc/uptime > /proc/loadavg",
              "sort: write error: Invalid argument", status=1)
        # The case: the container whose file was the output went
        # away while the writer waited.
        g.run("mkdir -p /tmp/wcg; mount -t cgroup -o cpuacct none /tmp/wcg; mkdir /tmp/wcg/c")
        out = g.run("sleep 1 | wc -l > /tmp/wcg/c/notify_on_release & rmdir /tmp/wcg/c; "
                    "wait $!; echo status=$?")
        assert out.endswith("wc: write error: No such device\nstatus=1"), \
            "%s: %r" % (g.describe(), out)
        g.run("umount /tmp/wcg")
        # A reader that leaves is not an error to report.
        check(g, "seq 100000 | head -n 1", "1")


def test_bad_options_read_as_gnu_prints_them():
    for g in guests:
        check(g, "sort -q", "sort: invalid option -- 'q'\n" + try_help("sort"), status=2)
        check(g, "wc -q /dev/null", "wc: invalid option -- 'q'\n" + try_help("wc"), status=1)
        check(g, "uname --bogus", "uname: unrecognized option '--bogus'\n" + try_help("uname"),
              status=1)
        check(g, "cut -f", "cut: option requires an argument -- 'f'\n" + try_help("cut"),
              status=1)
        check(g, "grep -j x /dev/null", "grep: invalid option -- 'j'\n"
              "Usage: grep [OPTION]... PATTERNS [FILE]...\n" + try_help("grep"), status=2)
        check(g, "tr", "tr: missing operand\n" + try_help("tr"), status=1)
        check(g, "mkdir", "mkdir: missing operand\n" + try_help("mkdir"), status=1)
        check(g, "rm -x /tmp/nope", "rm: invalid option -- 'x'\n" + try_help("rm"), status=1)


# ---- libcgroup's tools ----------------------------------------------------------

def test_lscgroup_cgexec_cgclassify():
    for g in guests:
        last = g.topology["cpus"] - 1
        d = "/sys/fs/cgroup/tt"
        g.run("mkdir -p %s; mount -t cgroup -o cpuset,cpuacct none %s; "
              "mkdir -p %s/batch/x %s/other; echo %d > %s/batch/cpuset.cpus; "
              "echo %d > %s/batch/x/cpuset.cpus; echo 0 > %s/other/cpuset.cpus"
              % (d, d, d, d, last, d, last, d, d))
        check(g, "lscgroup cpuset:/",
              "cpuset,cpuacct:/\ncpuset,cpuacct:/batch\ncpuset,cpuacct:/batch/x\n"
              "cpuset,cpuacct:/other")
        check(g, "lscgroup -g cpuacct:/batch", "cpuset,cpuacct:/batch\ncpuset,cpuacct:/batch/x")
        # The command runs inside; cgexec and the shell stay where they were.
        check(g, "cgexec -g cpuset,cpuacct:/batch cat /proc/self/cgroup",
              re.compile(r"(.*\n)?\d+:cpuset,cpuacct:/batch(\n.*)*"))
        check(g, "cgexec -g cpuset:batch grep Cpus_allowed_list /proc/self/status",
              "Cpus_allowed_list:\t%d" % last)
        check(g, "cat /proc/$$/cgroup", re.compile(r"(.*\n)?\d+:cpuset,cpuacct:/(\n.*)*"))
        check(g, "cat %s/batch/tasks" % d, "")
        # The command never runs while cgexec is there too, even when it
        # must wait for a busy CPU to leave: the tasks are the spinners
        # and the command.
        g.run("cgexec -g cpuset:/batch spin 30 & s1=$!; cgexec -g cpuset:/batch spin 30 & s2=$!")
        check_soon(g, "cat %s/batch/tasks | wc -l" % d, "2")
        for _ in range(3):
            check(g, "cgexec -g cpuset:/batch cat %s/batch/tasks | wc -l" % d, "3")
        g.run("kill $s1 $s2; wait")
        # Killing cgexec kills the command, as libcgroup's (it execs).
        g.run("cgexec -g cpuset:/batch spin 100 & p=$!")
        check_soon(g, "cat %s/batch/tasks | wc -l" % d, "1")
        g.run("kill -9 $p; wait")
        check_soon(g, "cat %s/batch/tasks" % d, "")
        check(g, "cgexec -g '*:/batch/x' spin 0.2; cat %s/batch/x/cpuacct.usage" % d,
              re.compile(r"[1-9]\d*"))
        check(g, "cgexec -g cpuset:/batch sh -c 'exit 3'", "", status=3)
        # Errors.
        check(g, "cgexec -g cpuset:/nope true",
              re.compile(r"cgexec: cannot move pid \d+ to cpuset,cpuacct:/nope: "
                         r"No such file or directory"), status=1)
        check(g, "cgexec -g numtasks:/ true", "cgexec: controller 'numtasks' is not mounted",
              status=1)
        check(g, "cgexec -g cpuset:/batch nosuchapp",
              "cgexec: nosuchapp: No such file or directory", status=127)
        check(g, "cgexec true", re.compile(r"Usage: cgexec (.|\n)*"), status=1)
        check(g, "cgexec -g cpuset true",
              "cgexec: wrong -g argument 'cpuset': expected SUBSYS[,SUBSYS]:PATH", status=1)
        # cgclassify moves running tasks.
        pid = g.run("sleep 30 &").split()[-1]
        check(g, "cgclassify -g cpuset:/other %s; cat %s/other/tasks" % (pid, d), pid)
        check(g, "cgclassify -g cpuset:/batch 99999",
              "cgclassify: cannot move pid 99999 to cpuset,cpuacct:/batch: No such process",
              status=1)
        check(g, "cgclassify -g cpuset:/batch abc", "cgclassify: invalid pid 'abc'", status=1)
        g.run("kill %s; wait %s" % (pid, pid))


# ---- numactl --------------------------------------------------------------------

def memhog_pages(out):
    return {int(n): int(p) for n, p in re.findall(r"node (\d+): (\d+) pages", out)}


def test_numactl_runs_commands_with_a_policy():
    for g in guests:
        nodes = g.topology["nodes"]
        last_node = nodes - 1
        pages = memhog_pages(g.run("numactl --membind=%d memhog -t 0 8" % last_node))
        assert pages.get(last_node, 0) >= 2048 and \
            all(p == 0 for n, p in pages.items() if n != last_node), "%s: %r" % (g.describe(), pages)
        pages = memhog_pages(g.run("numactl -p %d memhog -t 0 8" % last_node))
        assert pages.get(last_node, 0) >= 2048, "%s: %r" % (g.describe(), pages)
        if numa(g):
            pages = memhog_pages(g.run("numactl --interleave=all memhog -t 0 8"))
            assert min(pages.values()) >= 900, "%s: interleave gave %r" % (g.describe(), pages)
            check(g, "numactl --cpunodebind=1 grep Cpus_allowed_list /proc/self/status",
                  "Cpus_allowed_list:\t2-3")
            check(g, "numactl -C 1 -i 0,1 numactl --show",
                  "policy: interleave\npreferred node: current\ninterleavemask: 0 1\n"
                  "physcpubind: 1\nnodebind: 0\nmembind: 0 1")
        check(g, "numactl --physcpubind=0 grep Cpus_allowed_list /proc/self/status",
              "Cpus_allowed_list:\t0")
        check(g, "numactl -m 0 numactl -s",
              "policy: bind\npreferred node: current\nphyscpubind: %s\nnodebind: %s\nmembind: 0"
              % (" ".join(str(c) for c in range(g.topology["cpus"])),
                 " ".join(str(n) for n in range(nodes))))
        # The policy is the command's: the shell keeps the default.
        check(g, "numactl -s | head -n 1", "policy: default")
        check(g, "numactl --membind=5 true",
              re.compile(r"numactl: node argument 5 is out of range\n<5> is invalid\n"
                         r"usage: numactl (.|\n)*"), status=1)
        check(g, "numactl -C 9 true", re.compile(r"numactl: cpu argument 9 is out of range(.|\n)*"),
              status=1)
        check(g, "numactl nosuchapp",
              "numactl: execution of `nosuchapp': No such file or directory", status=1)
        check(g, "numactl -m 0 sh -c 'exit 4'", "", status=4)


def test_every_app_reports_an_unknown_option_as_gnu_does():
    # -Z is an operand for these (as in GNU: echo, printf, expr, test print
    # or use it; kill reads it as a signal), or they are not tools (sh, top,
    # the test helpers).
    operand = {"echo", "true", "false", "printf", "expr", "test", "[", "kill", "sh", "top",
               "pingpong"}
    for g in guests:
        out = g.run("help")
        apps = re.findall(r"^  (\S+) ", out.split("Apps", 1)[1], re.M)
        bad = []
        for a in apps:
            if a in operand or a.startswith("__"):
                continue
            out = g.run("%s -Z </dev/null 2>&1 >/dev/null; echo status=$?" % a)
            if not re.fullmatch(r"%s: invalid option -- 'Z'\n(.|\n)*status=[1-9]\d*"
                                % re.escape(a), out):
                bad.append("%s: %r" % (a, out))
        assert not bad, "%s:\n%s" % (g.describe(), "\n".join(bad))
