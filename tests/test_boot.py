"""Boot and the minimal console (step 1).

The console tests share one guest (4 CPUs, 2 nodes, -kernel); the boot
tests start their own on the small topology and on the real (GRUB) path.
"""

from corral import Corral

guest = None


def setup_module():
    global guest
    guest = Corral(cpus=4, nodes=2, mem=1024)


def teardown_module():
    if guest is not None:
        guest.close()


def test_boot_kernel_1cpu_1node():
    with Corral(cpus=1, nodes=1, mem=256) as c:
        assert c.run("echo up") == "up"
        status = c.poweroff()
        assert status == 0, "poweroff: scripts/qemu status %r, want 0 (QEMU exit 33)" % status


def test_boot_iso_4cpu_2node():
    with Corral(cpus=4, nodes=2, mem=1024, iso=True) as c:
        assert c.run("echo up") == "up"
        status = c.poweroff()
        assert status == 0, "poweroff: scripts/qemu status %r, want 0 (QEMU exit 33)" % status


def test_iso_kernel_is_compressed_and_a_corrupt_one_is_refused():
    """The ISO carries the kernel LZ4-packed (scripts/pack-kernel); the stub
    checks the size and checksum of what it decompressed and says so on the
    console when the payload is damaged, instead of jumping into garbage."""
    import os
    import subprocess
    import tempfile
    from corral import QEMU, ROOT
    with tempfile.TemporaryDirectory() as tmp:
        packed = os.path.join(tmp, "packed.elf")
        subprocess.run([os.path.join(ROOT, "scripts", "pack-kernel"),
                        os.path.join(ROOT, "build", "corral.elf"), packed], check=True)
        plain = os.path.getsize(os.path.join(ROOT, "build", "corral.elf"))
        assert os.path.getsize(packed) < plain / 2, "packed kernel is not smaller"
        # Damage the payload: one bit of one byte in the middle of the
        # .payload section. Whether it lands in a literal (same size out,
        # other bytes: the checksum sees it) or in a length or an offset.
        out = subprocess.run(["readelf", "-S", "-W", packed], stdout=subprocess.PIPE,
                             encoding="utf-8", check=True).stdout
        line = [l for l in out.splitlines() if " .payload " in l][0]
        fields = line.split("]", 1)[1].split()
        offset, size = int(fields[3], 16), int(fields[4], 16)
        with open(packed, "r+b") as f:
            f.seek(offset + size // 2)
            b = f.read(1)
            f.seek(offset + size // 2)
            f.write(bytes([b[0] ^ 1]))
        iso = os.path.join(tmp, "corrupt.iso")
        subprocess.run([os.path.join(ROOT, "scripts", "mkiso"), "", iso], check=True,
                       env=dict(os.environ, KERNEL=packed, MKISO_PACK="0"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        p = subprocess.run([QEMU, "--iso", "--cpus", "1", "--nodes", "1", "--mem", "256",
                            "--timeout", "5"], env=dict(os.environ, ISO=iso),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           encoding="utf-8", errors="replace")
        assert "corral: the compressed kernel image is corrupt" in p.stdout, p.stdout[-2000:]
        assert "Corral booting" not in p.stdout
        assert p.returncode == 124, "status %r: the stub should halt" % p.returncode


def test_help_lists_commands():
    out = guest.run("help")
    for cmd in ("help", "echo", "poweroff"):
        assert cmd in out, "help does not mention %r: %r" % (cmd, out)


def test_echo():
    out = guest.run("echo hello world")
    assert out == "hello world", "echo printed %r" % out


def test_unknown_command_not_found():
    out = guest.run("nosuchcommand")
    assert out == "sh: nosuchcommand: not found", "unknown command printed %r" % out
    # The console is still usable afterwards.
    assert guest.run("echo still here") == "still here"


def test_empty_line_gives_prompt_again():
    assert guest.run("") == ""


def test_poweroff_exits_with_guest_success():
    with Corral(cpus=2, nodes=2, mem=512) as c:
        status = c.poweroff()
        assert status == 0, "poweroff: scripts/qemu status %r, want 0 (QEMU exit 33)" % status


def _crash(name):
    """Boot with ktest=crash.NAME; return (scripts/qemu status, output)."""
    import subprocess
    from corral import QEMU
    p = subprocess.run([QEMU, "--cpus", "2", "--nodes", "1", "--mem", "256",
                        "--append", "ktest=crash." + name, "--timeout", "60"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       encoding="utf-8", errors="replace")
    return p.returncode, p.stdout


def _assert_report(out, *wanted):
    for w in wanted:
        assert w in out, "crash report lacks %r:\n%s" % (w, out[-3000:])


def test_null_dereference_report_and_failure_status():
    status, out = _crash("null_deref")
    assert status == 1, "status %r, want 1 (guest failure)" % status
    _assert_report(out, "KERNEL TRAP", "#PF page fault", "CR2: 0000000000000000",
                   "RIP:", "RAX:", "R15:", "Backtrace:", "ktest_crash_null_deref",
                   "not ok 1 - crash.null_deref # crashed", "0 passed, 1 failed")


def test_invalid_opcode_report():
    status, out = _crash("invalid_opcode")
    assert status == 1, "status %r, want 1" % status
    _assert_report(out, "#UD invalid opcode", "ktest_crash_invalid_opcode+0x")


def test_panic_report():
    status, out = _crash("panic_message")
    assert status == 1, "status %r, want 1" % status
    _assert_report(out, "KERNEL PANIC", "deliberate panic from a test", "Backtrace:")


def test_a_kernel_error_report_is_seen_and_must_be_declared():
    # The slab double-free test frees twice on purpose: its guest passes,
    # and its console carries the report tests/run.py would fail a test for.
    import corral
    status, out = corral.run_init("true", append="ktest=slab.double_free_is_counted_and_ignored",
                                  cpus=1, nodes=1, mem=256, timeout=60)
    assert status == 0, "status %r, want 0:\n%s" % (status, out[-2000:])
    lines = corral.report_lines(out)
    assert any("BUG: slab kmalloc-32: free of" in l and "double free" in l for l in lines), \
        "no double-free report among %r" % lines
    corral.expect_reports(r"BUG: slab (kmalloc-32|test-tiny): free of .*: double free")
    assert corral.report_lines(out) == [], corral.report_lines(out)
