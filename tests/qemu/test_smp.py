"""CPUs on QEMU's firmware: discovery (the ACPI MADT, the MP table when
ACPI is off, the command line's nosmp and maxcpus=N, a CPU without a local
APIC, a second and malformed MADT) and bring-up (every usable CPU online,
ticking on its own local APIC timer and answering IPIs, passing selftest,
one that does not start reported and left out), and the allocators on
every CPU at once (`stress buddy|slab N SEED all`).

QEMU (SeaBIOS) provides both tables; with -machine acpi=off only the MP
table is left.  A table added with -acpitable comes after QEMU's own in
the RSDT, and QEMU rewrites its length and checksum fields to fit the
file: what can be malformed that way is its content (an entry that runs
past the table, a table shorter than a MADT's fixed part).  The other
malformed tables, a bad MADT before a good one among them, and every
malformed MP table are the host tests' (tests/host/test_smp_tables.c):
QEMU offers no means to alter the MP table.  Multi-CPU boots run each
virtual CPU on its own host thread (kmem.Kernel's smp=N).
"""
import re
import struct
import time

import pytest

from kmem import EXIT_PANIC
from test_console import expect, send_ctrl_c

CPU_LINE = re.compile(r"^cpu(\d+): apic (\d+)(, family \d+ model \d+)?, "
                      r"(online|offline)(, boot)?"
                      r"(?:, ticks (\d+), ipis (\d+), shootdowns \d+ sent "
                      r"\d+ answered \(\d+ pages, \d+ full, \d+ lazy\))?$",
                      re.M)
PING_LINE = re.compile(r"^ping: cpu(\d+) \(APIC id (\d+)\) answered in "
                       r"(\d+) us$", re.M)
# the caller column (an address, or symbol+offset/size) is not checked
LAPIC_AREA = re.compile(r"^0xf8800000-0xf8802000 +8192 \S+ "
                        r"phys=0xfee00000 ioremap$", re.M)
IOAPIC_AREA = re.compile(r"^0xf8802000-0xf8804000 +8192 \S+ "
                         r"phys=0xfec00000 ioremap$", re.M)


def cpus(k):
    """The `cpus` table as (index, apic id, state) and its source line."""
    out = k.cmd("cpus")
    rows = [(int(m.group(1)), int(m.group(2)), m.group(4))
            for m in CPU_LINE.finditer(out)]
    source = re.search(r"^source: (.*)$", out, re.M).group(1)
    return rows, source


def counters(k):
    """{cpu index: (ticks, ipis)} of the online CPUs."""
    return {int(m.group(1)): (int(m.group(6)), int(m.group(7)))
            for m in CPU_LINE.finditer(k.cmd("cpus"))
            if m.group(4) == "online"}


def kstacks(k):
    return int(re.search(r"^kstacks (\d+)", k.cmd("vmm"), re.M).group(1))


def assert_selftest_passes(k):
    out = k.cmd("selftest", timeout=600)
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    assert "FAIL" not in out


def assert_only_lapic_mapped(k):
    """The firmware-table windows are unmapped once read: the ioremap
    areas left are the local APIC's and the IO-APIC's registers."""
    io = [line for line in k.cmd("vmallocinfo").splitlines()
          if "ioremap" in line]
    assert len(io) == 2 and LAPIC_AREA.match(io[0]) and \
        IOAPIC_AREA.match(io[1]), io


@pytest.mark.parametrize("n", [2, 4])
def test_madt_lists_every_cpu(boot, n):
    k = boot(method="elf", smp=n)
    ids = " ".join(str(i) for i in range(n))
    assert re.search(r"smp: ACPI MADT at 0x[0-9a-f]+: %d CPUs \(APIC id %s\),"
                     r" 1 IO-APIC, local APIC at 0xfee00000" % (n, ids),
                     k.boot_log)
    assert f"smp: boot CPU is APIC id 0; {n} CPUs usable, 1 online" \
        in k.boot_log
    assert re.search(r"smp: %d of %d CPUs online; start-up trampoline "
                     r"\[mem 0x000[0-9a-f]{5}-0x000[0-9a-f]{5}\] given back"
                     % (n, n), k.boot_log)
    rows, source = cpus(k)
    assert rows == [(i, i, "online") for i in range(n)]
    assert source == "ACPI MADT"
    assert "ioremap: cannot map" not in k.boot_log
    assert_only_lapic_mapped(k)
    k.halt()


def test_mp_table_without_acpi(boot):
    k = boot(method="elf", smp=2, extra=["-machine", "acpi=off"])
    assert re.search(r"smp: MP table at 0x[0-9a-f]+: \d CPUs? \(APIC id 0",
                     k.boot_log)
    rows, source = cpus(k)
    assert rows[0] == (0, 0, "online")
    assert all(r[2] == "online" for r in rows)
    assert source == "MP table"
    k.halt()


@pytest.mark.parametrize("cmdline,used,why", [
    ("maxcpus=2", 2, "maxcpus"),
    ("maxcpus=0", 1, "maxcpus"),
    ("nosmp", 1, "nosmp"),
])
def test_command_line_limits(boot, cmdline, used, why):
    k = boot(method="elf", cmdline=cmdline, smp=4)
    assert f"smp: {why}: {used} of 4 CPUs used" in k.boot_log
    assert re.search(r"smp: %d of %d CPUs? online" % (used, used),
                     k.boot_log)
    rows, _ = cpus(k)
    assert rows == [(i, i, "online") for i in range(used)]
    # the CPUs left out never started: no stacks were taken for them
    assert kstacks(k) == 1 + 2 * (used - 1)
    k.halt()


def test_malformed_maxcpus_ignored(boot):
    k = boot(method="elf", cmdline="maxcpus=2x", smp=3)
    assert "smp: maxcpus=2x: not a number, ignored" in k.boot_log
    rows, _ = cpus(k)
    assert rows == [(i, i, "online") for i in range(3)]
    k.halt()


def test_no_local_apic(boot):
    k = boot(method="elf", cpu="486")
    assert "smp: no local APIC: one CPU" in k.boot_log
    assert "lapic:" not in k.boot_log
    assert "smp: 1 of 1 CPU online" in k.boot_log
    rows, source = cpus(k)
    assert rows == [(0, 0, "online")]
    assert source == "none"
    assert "ioremap" not in k.cmd("vmallocinfo")
    assert "ping: no local APIC: no IPIs" in k.cmd("cpus ping")
    # the PIT still ticks
    first = counters(k)[0][0]
    time.sleep(0.5)
    assert counters(k)[0][0] > first
    assert_selftest_passes(k)
    k.halt()


@pytest.mark.parametrize("cpu", ["pentium", "pentium3", "qemu32"])
@pytest.mark.parametrize("n", [2, 4])
def test_aps_tick_and_answer_ipis(boot, cpu, n):
    k = boot(method="elf", cpu=cpu, smp=n)
    assert re.search(r"lapic: local APIC at 0xfee00000 \((fixed|"
                     r"IA32_APIC_BASE)\), id 0, .* the tick moves from the "
                     r"PIT", k.boot_log)
    assert f"smp: {n} of {n} CPUs online" in k.boot_log
    assert "did not start" not in k.boot_log
    # every CPU takes its own ticks
    first = counters(k)
    assert sorted(first) == list(range(n))
    time.sleep(0.5)
    second = counters(k)
    for i in range(n):
        assert second[i][0] > first[i][0], (i, first, second)
        assert second[i][1] == 0
    # one IPI to each AP by APIC id, then one to all others at once
    for how in ("cpus ping", "cpus ping all"):
        out = k.cmd(how)
        assert [(int(m.group(1)), int(m.group(2)))
                for m in PING_LINE.finditer(out)] == \
            [(i, i) for i in range(1, n)], out
        assert f"ping: {n - 1} of {n - 1} CPUs answered" in out
    after = counters(k)
    assert after[0][1] == 0 and all(after[i][1] == 2 for i in range(1, n))
    # each AP has a kernel stack and a double-fault stack
    assert kstacks(k) == 1 + 2 * (n - 1)
    assert_selftest_passes(k)
    assert len(counters(k)) == n
    k.halt()


@pytest.mark.parametrize("cmdline", ["nopse", "nowp nopge", "noinvlpg"])
def test_aps_start_with_paging_options(boot, cmdline):
    """The start-up directory copies the kernel's entry for the first
    4 MiB whatever its form (a page table or a 4 MiB page) and the APs
    take the boot CPU's CR0 and CR4, whichever of WP, PSE and PGE it
    set."""
    k = boot(method="elf", cpu="pentium3", cmdline=cmdline, smp=2)
    assert "smp: 2 of 2 CPUs online" in k.boot_log
    assert "ping: 1 of 1 CPUs answered" in k.cmd("cpus ping")
    k.halt()


def test_ap_that_does_not_start(boot):
    """fail_ap_start=1 sends CPU 1 its INIT but no STARTUP: it is reported,
    left offline, its stacks given back, and the next CPU still starts."""
    k = boot(method="elf", cmdline="fail_ap_start=1", smp=3)
    assert "smp: CPU 1 (APIC id 1) did not start" in k.boot_log
    assert "smp: 2 of 3 CPUs online" in k.boot_log
    rows, _ = cpus(k)
    assert rows == [(0, 0, "online"), (1, 1, "offline"), (2, 2, "online")]
    out = k.cmd("vmm")
    assert re.search(r"^kstacks 3 .* kstack_allocs 5 kstack_frees 2 ", out,
                     re.M), out
    out = k.cmd("cpus ping all")
    assert [int(m.group(1)) for m in PING_LINE.finditer(out)] == [2]
    assert "ping: 1 of 1 CPUs answered" in out
    k.halt()


AP_KSTACK_OVERFLOW = re.compile(
    r"PANIC: kernel stack overflow: pid 0 \(idle/2\) cpu(\d+) "
    r"esp 0x([0-9a-f]{8}) at 0x([0-9a-f]{8}), "
    r"guard page 0x([0-9a-f]{8})-0x([0-9a-f]{8}) "
    r"below kernel stack 0x([0-9a-f]{8})-0x([0-9a-f]{8})")


def test_double_fault_on_an_ap(boot):
    """An AP's kernel stack runs into its guard page (vmfault kstack 2: by
    IPI, in CPU 2's handler): CPU 2's own double-fault task catches it and
    panics naming CPU 2 and the guard below its stack."""
    k = boot(method="elf", cpu="pentium3", smp=4)
    status = k.send_and_exit("vmfault kstack 2")
    assert status == EXIT_PANIC, k.log
    m = AP_KSTACK_OVERFLOW.search(k.log)
    assert m, k.log
    cpu, esp, at, g0, g1, s0, s1 = (int(x, 16) if i else int(x)
                                    for i, x in enumerate(m.groups()))
    assert cpu == 2
    # kernel stack slots: process 0, then each AP's stack and its
    # double-fault stack in start order: CPU 2's stack is slot 3
    assert g0 == 0xF8400000 + 3 * 0x3000 and g1 == s0
    assert s1 - s0 == 8192 and g0 <= at < g1 and g0 <= esp <= s0 + 64
    assert "trap: vector 8 (double fault) error code 0x0" in k.log


def madt(body, oem_table=b"KMEMTEST"):
    """An ACPI table with signature APIC around body (QEMU rewrites the
    length and checksum fields to fit the file)."""
    hdr = struct.pack("<4sIBB6s8sI4sI", b"APIC", 36 + len(body), 1, 0,
                      b"KMEM  ", oem_table, 1, b"KMEM", 1)
    return hdr + body


MADT_FIXED = struct.pack("<II", 0xFEE00000, 1)     # local APIC, PCAT_COMPAT
LAPIC_ENTRY = struct.pack("<BBBBI", 0, 8, 0, 7, 1)  # APIC id 7, enabled

ADDED_MADT = r"0x[0-9a-f]+"


@pytest.mark.parametrize("body,report", [
    pytest.param(MADT_FIXED + LAPIC_ENTRY[:4],
                 r"acpi: MADT at (%s): entry type 0 at offset 44 has "
                 r"length 8 \(table 48 bytes\): ignored" % ADDED_MADT,
                 id="entry-past-the-end"),
    pytest.param(MADT_FIXED[:4],
                 r"acpi: APIC at (%s): length 40 outside \[44, 65536\]: "
                 r"ignored" % ADDED_MADT,
                 id="shorter-than-its-fixed-part"),
    pytest.param(MADT_FIXED + LAPIC_ENTRY,
                 r"acpi: MADT at (%s): another valid MADT, the one at (%s) "
                 r"is used: ignored" % (ADDED_MADT, ADDED_MADT),
                 id="a-second-valid-one"),
])
def test_added_madt_reported_and_qemus_used(boot, tmp_path, body, report):
    """A MADT added after QEMU's own: each defect is reported in its one
    line naming the added table, QEMU's table is the one used, every CPU
    it lists comes up and the console answers."""
    f = tmp_path / "madt.bin"
    f.write_bytes(madt(body))
    k = boot(method="elf", cpu="pentium3", smp=2,
             extra=["-acpitable", f"file={f}"])
    m = re.search(report, k.boot_log)
    assert m, k.boot_log
    used = re.search(r"smp: ACPI MADT at (0x[0-9a-f]+): 2 CPUs \(APIC id "
                     r"0 1\), 1 IO-APIC", k.boot_log)
    assert used, k.boot_log
    # QEMU's table comes first in the RSDT, the added one after it
    assert int(m.group(1), 16) > int(used.group(1), 16)
    if m.lastindex == 2:
        assert m.group(2) == used.group(1)
    assert k.boot_log.count("acpi:") == 1, k.boot_log
    assert "smp: 2 of 2 CPUs online" in k.boot_log
    rows, source = cpus(k)
    assert rows == [(0, 0, "online"), (1, 1, "online")]
    assert source == "ACPI MADT"
    assert "ping: 1 of 1 CPUs answered" in k.cmd("cpus ping")
    k.halt()


STRESS_CPU = (r"^stress {what}: cpu(\d+) ops (\d+) allocs (\d+) frees (\d+) "
              r"(?:reallocs \d+ )?refused (\d+) seed (\d+) (ok|FAILED.*)$")


def check_stress_all(out, what, n, ops, seed):
    """One ok line per CPU with every operation run and everything given
    back, the free counts at their baseline, and the closing ok."""
    rows = re.findall(STRESS_CPU.format(what=what), out, re.M)
    assert [int(r[0]) for r in rows] == list(range(n)), out
    seeds = set()
    for cpu, done, allocs, frees, _refused, s, verdict in rows:
        assert verdict == "ok", out
        assert int(done) == ops and int(allocs) == int(frees) > ops // 4, out
        seeds.add(int(s))
    assert len(seeds) == n and seed in seeds, out
    zones = re.findall(rf"^stress {what}: zone \w+ free (\d+) before, "
                       rf"(\d+) after$", out, re.M)
    assert zones and all(a == b for a, b in zones), out
    assert out.rstrip().endswith(f"stress {what}: ok"), out
    assert "did not drain" not in out, out


@pytest.mark.parametrize("mem,cpu,n", [
    ("16M", "pentium3", 4),
    ("1G", "pentium3", 4),
    ("16M", "pentium", 2),
])
def test_stress_on_every_cpu(boot, mem, cpu, n):
    """Every CPU allocates and frees at once, from its own hot lists,
    each against its own record; the buddy run's shadow is shared, so a
    frame handed to two CPUs would fail it.  Afterwards the hot lists of
    every CPU are drained (the APs by the drain IPI) and every free count
    is what it was."""
    k = boot(method="elf", mem=mem, cpu=cpu, smp=n)
    before = k.cmd("buddyinfo")
    for what in ("buddy", "slab"):
        out = k.cmd(f"stress {what} 20000 7 all", timeout=600)
        check_stress_all(out, what, n, 20000, 7)
        assert k.cmd("buddyinfo") == before
    waits = re.findall(r"waits for other CPUs' hot lists (\d+), timed out "
                       r"(\d+)", k.cmd("buddystat"))
    print(f"{mem} {cpu} x{n}: waits, timed out per zone: {waits}")
    k.halt()


def test_ctrl_c_stops_stress_on_every_cpu(boot):
    """Ctrl-C reaches the boot CPU, which stops every CPU's share: each
    reports what it ran, all is given back and checked."""
    k = boot(method="elf", mem="64M", cpu="pentium3", smp=4)
    before = k.cmd("buddyinfo")
    k._type("stress buddy 4294967295 5 all\r")
    time.sleep(3)
    send_ctrl_c(k)
    m = expect(k, r"stress buddy: interrupted at op (\d+) of 4294967295", 30)
    assert int(m.group(1)) > 0
    expect(k, r"stress buddy: (ok|FAILED[^\r\n]*)", 120)
    k._expect_prompt(60)
    log = k.log.replace("\r", "")
    rows = re.findall(STRESS_CPU.format(what="buddy"), log, re.M)
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3], k.log[-3000:]
    for _cpu, done, allocs, frees, _r, _s, verdict in rows:
        assert verdict == "ok" and 0 < int(done) < 4294967295
        assert allocs == frees
    assert re.search(r"^stress buddy: ok$", log, re.M), log[-3000:]
    assert "did not drain" not in log, log[-3000:]
    assert k.cmd("buddyinfo") == before
    k.halt()
