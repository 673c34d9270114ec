"""CPU discovery on QEMU's firmware: the ACPI MADT, the MP table when ACPI
is off, the command line's nosmp and maxcpus=N, and a CPU without a local
APIC.

QEMU (SeaBIOS) provides both tables; with -machine acpi=off only the MP
table is left.  The malformed-table cases are the host tests' (the
firmware's own tables are always well formed, and QEMU recomputes the
checksum of any table added with -acpitable).
"""
import re

import pytest

CPU_LINE = re.compile(r"^cpu(\d+): apic (\d+)(, family \d+ model \d+)?, "
                      r"(online|offline)(, boot)?(, ticks \d+)?$", re.M)


def cpus(k):
    """The `cpus` table as (index, apic id, state) and its source line."""
    out = k.cmd("cpus")
    rows = [(int(m.group(1)), int(m.group(2)), m.group(4))
            for m in CPU_LINE.finditer(out)]
    source = re.search(r"^source: (.*)$", out, re.M).group(1)
    return rows, source


@pytest.mark.parametrize("n", [2, 4])
def test_madt_lists_every_cpu(boot, n):
    k = boot(method="elf", extra=["-smp", str(n)])
    ids = " ".join(str(i) for i in range(n))
    assert re.search(r"smp: ACPI MADT at 0x[0-9a-f]+: %d CPUs \(APIC id %s\),"
                     r" 1 IO-APIC, local APIC at 0xfee00000" % (n, ids),
                     k.boot_log)
    assert f"smp: boot CPU is APIC id 0; {n} CPUs usable, 1 online" \
        in k.boot_log
    rows, source = cpus(k)
    assert rows == [(0, 0, "online")] + [(i, i, "offline")
                                         for i in range(1, n)]
    assert source == "ACPI MADT"
    assert "ioremap: cannot map" not in k.boot_log
    # The table windows are unmapped once read: no ioremap area is left.
    assert "ioremap" not in k.cmd("vmallocinfo")
    k.halt()


def test_mp_table_without_acpi(boot):
    k = boot(method="elf", extra=["-smp", "2", "-machine", "acpi=off"])
    assert re.search(r"smp: MP table at 0x[0-9a-f]+: \d CPUs? \(APIC id 0",
                     k.boot_log)
    rows, source = cpus(k)
    assert rows[0] == (0, 0, "online")
    assert source == "MP table"
    k.halt()


@pytest.mark.parametrize("cmdline,used,why", [
    ("maxcpus=2", 2, "maxcpus"),
    ("maxcpus=0", 1, "maxcpus"),
    ("nosmp", 1, "nosmp"),
])
def test_command_line_limits(boot, cmdline, used, why):
    k = boot(method="elf", cmdline=cmdline, extra=["-smp", "4"])
    assert f"smp: {why}: {used} of 4 CPUs used" in k.boot_log
    rows, _ = cpus(k)
    assert [r[0] for r in rows] == list(range(used))
    k.halt()


def test_malformed_maxcpus_ignored(boot):
    k = boot(method="elf", cmdline="maxcpus=2x", extra=["-smp", "3"])
    assert "smp: maxcpus=2x: not a number, ignored" in k.boot_log
    assert len(cpus(k)[0]) == 3
    k.halt()


def test_no_local_apic(boot):
    k = boot(method="elf", cpu="486")
    assert "smp: no local APIC: one CPU" in k.boot_log
    rows, source = cpus(k)
    assert rows == [(0, 0, "online")]
    assert source == "none"
    assert "ioremap" not in k.cmd("vmallocinfo")
    k.halt()
