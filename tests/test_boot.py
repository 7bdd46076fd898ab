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


def test_help_lists_commands():
    out = guest.run("help")
    for cmd in ("help", "echo", "poweroff"):
        assert cmd in out, "help does not mention %r: %r" % (cmd, out)


def test_echo():
    out = guest.run("echo hello world")
    assert out == "hello world", "echo printed %r" % out


def test_unknown_command_not_found():
    out = guest.run("nosuchcommand")
    assert "not found" in out, "unknown command printed %r" % out
    # The console is still usable afterwards.
    assert guest.run("echo still here") == "still here"


def test_empty_line_gives_prompt_again():
    assert guest.run("") == ""


def test_poweroff_exits_with_guest_success():
    with Corral(cpus=2, nodes=2, mem=512) as c:
        status = c.poweroff()
        assert status == 0, "poweroff: scripts/qemu status %r, want 0 (QEMU exit 33)" % status
