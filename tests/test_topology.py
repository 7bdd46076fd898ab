"""The kernel sees the machine QEMU was told to build (step 2).

Each test boots one topology with the NUMA and ACPI tests (ktest=numa,
acpi,smp,page_alloc), then compares what the kernel printed at boot with
the flags given to scripts/qemu: CPUs online, nodes, each node's CPUs and
memory, the distance table, and each node's allocation fallback order
(printed by numa.fallback_order_starts_local_and_is_sorted_by_distance).
The tests also boot machines without ACPI and with a corrupt or partial
SRAT, which must give a warning and a safe fallback, never a crash.
"""

import os
import re
import struct
import subprocess

from corral import QEMU, ROOT

PATTERN = "numa,acpi,smp,page_alloc"


def _boot(cpus, nodes, mem, node_mem=None, dist=None, extra=(), pattern=PATTERN):
    args = [QEMU, "--cpus", str(cpus), "--nodes", str(nodes), "--mem", str(mem),
            "--append", "ktest=" + pattern, "--timeout", "120"]
    if node_mem:
        args += ["--node-mem", ",".join(str(m) for m in node_mem)]
    if dist:
        args += ["--dist", ",".join("%d-%d=%d" % (s, d, v) for (s, d), v in sorted(dist.items()))]
    if extra:
        args += ["--"] + list(extra)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       encoding="utf-8", errors="replace")
    out = p.stdout.replace("\r", "")
    assert p.returncode == 0, "scripts/qemu status %d, want 0:\n%s" % (p.returncode, out[-3000:])
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), "ktest failures:\n" + out[-3000:]
    return out


def _cpu_list(first, count):
    if count == 1:
        return str(first)
    return "%d-%d" % (first, first + count - 1)


def _parse(out):
    """What the kernel reported: cpus online, node lines, distances, fallbacks."""
    m = re.search(r"smp: (\d+) of (\d+) CPUs online", out)
    assert m, "no smp line:\n" + out[:2000]
    online = int(m.group(1))
    m = re.search(r"topology: cpus=(\d+) nodes=(\d+)", out)
    assert m, "no topology line:\n" + out[:2000]
    assert int(m.group(1)) == online
    nnodes = int(m.group(2))
    cpus_of = dict((int(n), c) for n, c in re.findall(r"\] node (\d+) cpus: (\S+)", out))
    mib_of = dict((int(n), int(s)) for n, s in
                  re.findall(r"\] node (\d+): cpus \S+, (\d+) MiB, \d+ MiB free", out))
    m = re.search(r"node distances: (.*)", out)
    dist = [[int(v) for v in row.split(",")] for row in m.group(1).split()]
    fallback = dict((int(n), [int(v) for v in order.split(",")])
                    for n, order in re.findall(r"^# node (\d+) fallback: (\S+)", out, re.M))
    return online, nnodes, cpus_of, mib_of, dist, fallback


def _check(out, cpus, node_mem, dist=None, exact_fallback=None):
    """Compare with scripts/qemu's rules: CPUs split evenly, the first
    (cpus % nodes) nodes one more; distances 10 local, 20 remote unless
    given (mirrored)."""
    nodes = len(node_mem)
    online, nnodes, cpus_of, mib_of, got_dist, fallback = _parse(out)
    assert online == cpus, "%d CPUs online, want %d" % (online, cpus)
    assert nnodes == nodes, "%d nodes, want %d" % (nnodes, nodes)
    first = 0
    for n in range(nodes):
        count = cpus // nodes + (1 if n < cpus % nodes else 0)
        assert cpus_of.get(n) == _cpu_list(first, count), \
            "node %d cpus %r, want %s" % (n, cpus_of.get(n), _cpu_list(first, count))
        first += count
        # Node 0 loses the BIOS areas below 1 MiB to the memory map.
        assert node_mem[n] - 2 <= mib_of[n] <= node_mem[n], \
            "node %d has %d MiB, want %d" % (n, mib_of[n], node_mem[n])
    want = [[10 if i == j else 20 for j in range(nodes)] for i in range(nodes)]
    for (s, d), v in (dist or {}).items():
        want[s][d] = want[d][s] = v
    assert got_dist == want, "distances %r, want %r" % (got_dist, want)
    assert sorted(fallback) == list(range(nodes)), "fallback lines: %r" % fallback
    for n, order in fallback.items():
        assert order[0] == n and sorted(order) == list(range(nodes)), (n, order)
        assert [want[n][x] for x in order] == sorted(want[n]), \
            "node %d falls back %r, not by distance %r" % (n, order, want[n])
    for n, order in (exact_fallback or {}).items():
        assert fallback[n] == order, "node %d falls back %r, want %r" % (n, fallback[n], order)


def test_one_cpu_one_node():
    _check(_boot(1, 1, 256), 1, [256])


def test_four_cpus_two_nodes():
    _check(_boot(4, 2, 1024), 4, [512, 512])


def test_three_cpus_two_nodes_uneven():
    _check(_boot(3, 2, 1024), 3, [512, 512])


def test_four_cpus_four_nodes_unequal_memory_and_distances():
    # From node 0 the nearest is 2, then 3, then 1: fallback is not
    # simply "the next node".
    dist = {(0, 1): 40, (0, 2): 20, (0, 3): 30, (1, 2): 30, (1, 3): 20, (2, 3): 40}
    node_mem = [128, 256, 384, 256]
    out = _boot(4, 4, 1024, node_mem=node_mem, dist=dist)
    _check(out, 4, node_mem, dist,
           exact_fallback={0: [0, 2, 3, 1], 1: [1, 3, 2, 0], 2: [2, 0, 1, 3], 3: [3, 1, 0, 2]})


def test_more_nodes_than_cpus_leaves_memory_only_nodes():
    node_mem = [256, 256, 256, 256]
    out = _boot(2, 4, 1024)
    online, nnodes, cpus_of, mib_of, _, fallback = _parse(out)
    assert online == 2 and nnodes == 4, (online, nnodes)
    assert sorted(fallback) == [0, 1, 2, 3]
    for n in range(4):
        assert node_mem[n] - 2 <= mib_of[n] <= node_mem[n], (n, mib_of)


def test_without_acpi_one_cpu_and_one_node():
    out = _boot(2, 2, 512, extra=["-no-acpi"])
    assert "acpi: no RSDP found: one CPU, one node" in out
    online, nnodes, _, mib_of, dist, _ = _parse(out)
    assert (online, nnodes, dist) == (1, 1, [[10]]), (online, nnodes, dist)
    assert 508 <= mib_of[0] <= 512, mib_of


def _srat(cpu_domains, mem_ranges, corrupt=False):
    """An SRAT body (no header: QEMU's -acpitable adds it and the checksum)."""
    body = struct.pack("<IQ", 1, 0)  # table revision, reserved
    for apic_id, dom in cpu_domains:
        body += struct.pack("<BBBBIB3sI", 0, 16, dom, apic_id, 1, 0, b"\0\0\0", 0)
    for base, length, dom in mem_ranges:
        body += struct.pack("<BBIHQQIIQ", 1, 40, dom, 0, base, length, 0, 1, 0)
    if corrupt:
        body += struct.pack("<BB", 0, 0)  # an entry of length 0
    return body


def _acpitable(name, body):
    path = os.path.join(ROOT, "build", "logs", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(body)
    return ["-acpitable", "sig=SRAT,rev=3,data=" + path]


MIB = 1 << 20


def test_srat_without_slit_gives_default_distances():
    # QEMU is told one node; our SRAT puts CPU 1 and the upper half of
    # memory in domain 1, and there is no SLIT: remote distance is 20.
    body = _srat([(0, 0), (1, 1)], [(0, 256 * MIB, 0), (256 * MIB, 256 * MIB, 1)])
    out = _boot(2, 1, 512, extra=_acpitable("srat-2nodes.bin", body))
    online, nnodes, cpus_of, mib_of, dist, _ = _parse(out)
    assert (online, nnodes) == (2, 2), (online, nnodes)
    assert cpus_of == {0: "0", 1: "1"}, cpus_of
    assert dist == [[10, 20], [20, 10]], dist


def test_corrupt_srat_is_ignored_with_a_warning():
    body = _srat([(0, 0), (1, 1)], [(0, 256 * MIB, 0), (256 * MIB, 256 * MIB, 1)],
                 corrupt=True)
    out = _boot(2, 1, 512, extra=_acpitable("srat-corrupt.bin", body))
    assert re.search(r"acpi: SRAT: entry at offset \d+ has a bad length, table ignored", out), \
        out[:3000]
    online, nnodes, cpus_of, _, dist, _ = _parse(out)
    assert (online, nnodes, dist) == (2, 1, [[10]]), (online, nnodes, dist)
    assert cpus_of == {0: "0-1"}, cpus_of
