"""Scripts by path (issue 15): any readable file of shell commands runs by
its path, with arguments, and so may be a container's release_agent."""

import time

from corral import Corral, check


def test_script_by_path_and_as_release_agent():
    with Corral(cpus=2, nodes=1) as g:
        g.run("printf '#!/bin/sh\\necho run $0 \"$@\"\\nexit 3\\n' > /tmp/s.sh")
        check(g, "/tmp/s.sh a 'b c'", "run /tmp/s.sh a b c", status=3)
        g.run("cd /tmp")
        check(g, "./s.sh x", "run ./s.sh x", status=3)
        g.run("cd /")
        check(g, "sh /tmp/s.sh y", "run /tmp/s.sh y", status=3)
        check(g, "/tmp/nosuch.sh", "sh: /tmp/nosuch.sh: not found", status=127)
        # a release agent given as a script's path
        g.run("printf 'echo released \"$1\" >> /tmp/rel\\n' > /tmp/agent.sh")
        g.run("mkdir -p /rc && mount -t container -o cpuacct none /rc")
        g.run("echo /tmp/agent.sh > /rc/release_agent; mkdir /rc/r")
        g.run("echo 1 > /rc/r/notify_on_release")
        out = g.run("spin 30 &")
        pid = out.split()[-1]
        g.run("echo %s > /rc/r/tasks; kill %s; wait" % (pid, pid))
        for _ in range(50):
            if "released" in g.run("cat /tmp/rel 2>/dev/null"):
                break
            time.sleep(0.1)
        check(g, "cat /tmp/rel", "released /r")
