"""Boot foundation: every cell of the boot matrix reaches the prompt and
halts cleanly; the ELF boots through QEMU's own Multiboot loader too; the
shell and the panic path behave."""
import re
import time

import pytest

from kmem import CPUS, EXIT_PANIC, MEMS


@pytest.mark.parametrize("mem", MEMS)
@pytest.mark.parametrize("cpu", CPUS)
def test_boot_matrix(boot, mem, cpu):
    k = boot(mem=mem, cpu=cpu)
    assert "kmem386: ready" in k.boot_log
    out = k.cmd("cpu")
    family = {"486": "family 4", "pentium": "family 5",
              "pentium3": "family 6", "qemu32": "family 6"}[cpu]
    assert family in out
    k.halt()


@pytest.mark.parametrize("family,model,vendor", [
    (23, 49, "AuthenticAMD"),      # Zen 2: base family 0xf + extended 0x8
    (6, 207, "GenuineIntel"),      # a Xeon: model 0xf, extended model 0xc
    (15, 2, "GenuineIntel"),       # a Pentium 4: no extended bits at all
])
def test_cpuid_family_and_model_with_extended_bits(boot, family, model,
                                                   vendor):
    """CPUID leaf 1 as the SDM says to read it: the extended family is
    added to a base family of 0xf, the extended model is the model's high
    nibble in families 6 and 0xf."""
    k = boot(method="elf", mem="64M", smp=2,
             cpu=f"qemu32,vendor={vendor},family={family},model={model}")
    assert re.search(rf"^cpu: family {family} {vendor}, ", k.boot_log,
                     re.M), k.boot_log
    assert f"family {family}, vendor {vendor}" in k.cmd("cpu")
    assert re.search(rf"^cpu0: apic 0, family {family} model {model}, ",
                     k.cmd("cpus"), re.M)
    k.halt()


def test_elf_boots_with_multiboot_loader(boot):
    k = boot(mem="128M", method="elf", cmdline="hello=world")
    assert "kmem386: ready" in k.boot_log
    k.halt()


def test_help_lists_commands(boot):
    k = boot()
    out = k.cmd("help")
    for name in ("help", "uptime", "ticks", "reboot", "halt", "panic",
                 "selftest"):
        assert f"  {name} " in out, name
    assert "unknown command" in k.cmd("no-such-command")
    k.halt()


def test_ticks_advance(boot):
    k = boot()
    first = int(k.cmd("ticks").strip())
    time.sleep(0.5)     # QEMU's virtual clock follows the host's
    out = k.cmd("uptime")
    second = int(k.cmd("ticks").strip())
    assert second > first
    assert "ticks at 100 Hz" in out
    k.halt()


def test_core_selftest(boot):
    k = boot()
    out = k.cmd("selftest core")
    assert "PASS core.parse_numbers" in out
    assert "0 failed" in out
    k.halt()


def test_panic_prints_reason_and_registers(boot):
    k = boot()
    status = k.send_and_exit("panic testing")
    assert status == EXIT_PANIC
    assert "PANIC: requested from the console: testing" in k.log
    for reg in ("EAX:", "ESP:", "CR0:", "CR3:", "Call trace:"):
        assert reg in k.log, reg
