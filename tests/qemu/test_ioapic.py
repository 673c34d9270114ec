"""Device interrupts through the IO-APIC (arch/i386/ioapic.c, irq.c), and
the 8259 PIC where the kernel keeps it: `noapic`, a CPU without a local
APIC.

Every command reaches the kernel through the serial port's receive
interrupt, so a boot that gets to the prompt and answers commands has
working IRQ 4 routing; Ctrl-C of `run spin` shows it again while ring 3
runs.  The routing itself is read back from the IO-APIC by `cpus`, and
`interrupts` shows which controller counted the IRQs on which CPU.
"""
import re

import pytest

IOAPIC_LINE = re.compile(r"^IOAPIC\[0\]: apic_id \d+, version 0x[0-9a-f]+, "
                         r"address 0xfec00000, GSI 0-23$", re.M)
VIA_IOAPIC = re.compile(r"^ioapic: device interrupts go through the IO-APIC "
                        r"to APIC id 0, vectors 0x20-0x2f; the 8259 is "
                        r"masked", re.M)
# QEMU's firmware sends ISA IRQ 0 to GSI 2 (MADT override, MP entry)
TIMER_OVERRIDE = "ioapic: ISA IRQ 0 -> GSI 2, edge, active high"
# /proc/interrupts: "%3d: " then "%10u " per CPU, " %14s", "  name"
IRQ_ROW = re.compile(r"^ +(\d+): ((?: +\d+ )+) +(IO-APIC-edge|IO-APIC-level|"
                     r"XT-PIC)  (\S*)$", re.M)


def routing(out, irq):
    """`cpus`' line for one ISA IRQ, as its fields."""
    m = re.search(r"^irq %d: GSI (\d+) \(IOAPIC\[(\d+)\] pin (\d+)\), "
                  r"vector (0x[0-9a-f]+), dest apic (\d+) (physical|logical),"
                  r" (edge|level), active (high|low), (masked|unmasked)$"
                  % irq, out, re.M)
    assert m, out
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)),
            int(m.group(4), 16), int(m.group(5)), m.group(6), m.group(7),
            m.group(8), m.group(9))


def interrupts(k):
    """{irq: ([count per CPU], type, name)} and the CPU header."""
    out = k.cmd("interrupts")
    header = out.splitlines()[0].split()
    rows = {int(m.group(1)): ([int(c) for c in m.group(2).split()],
                              m.group(3), m.group(4))
            for m in IRQ_ROW.finditer(out)}
    return header, rows, out


def ctrl_c_spin(k):
    """Start `run spin`, wait for its processes, end them with Ctrl-C."""
    k._type("run spin\r")
    k.child.expect(r"spin: pid (\d+) alive", timeout=120)
    k.interrupt()
    k.child.expect("run: spin interrupted", timeout=60)
    k._expect_prompt(60)


def runs_commands(k):
    assert "hello exited with status 0" in k.cmd("run hello")
    out = k.cmd("selftest", timeout=600)
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    assert "PASS irq.routing_invariants" in out
    assert "PASS irq.mask_round_trip" in out
    ctrl_c_spin(k)


def boot_log(k):
    return k.boot_log.replace("\r", "")


def assert_ioapic_routing(k):
    log = boot_log(k)
    assert IOAPIC_LINE.search(log), log
    assert VIA_IOAPIC.search(log), log
    assert TIMER_OVERRIDE in log
    out = k.cmd("cpus")
    assert "device interrupts: IO-APIC" in out
    assert IOAPIC_LINE.search(out), out
    # keyboard and serial: own GSI and pin, vector 0x20 + IRQ, unmasked
    for irq in (1, 4):
        assert routing(out, irq) == (irq, 0, irq, 0x20 + irq, 0, "physical",
                                     "edge", "high", "unmasked"), out
    # the PIT's line follows the override; the APIC timer ticks instead
    assert routing(out, 0) == (2, 0, 2, 0x20, 0, "physical", "edge", "high",
                               "masked"), out


@pytest.mark.parametrize("cpu", ["pentium3", "qemu32"])
@pytest.mark.parametrize("n", [1, 2])
def test_isa_irqs_through_ioapic(boot, cpu, n):
    k = boot(method="elf", cpu=cpu, smp=n)
    assert f"smp: {n} of {n} CPU" in k.boot_log
    assert_ioapic_routing(k)
    header, before, _ = interrupts(k)
    assert header == [f"CPU{i}" for i in range(n)]
    assert before[4][1:] == ("IO-APIC-edge", "serial")
    assert before[1][1:] == ("IO-APIC-edge", "i8042")
    runs_commands(k)
    _, after, out = interrupts(k)
    # the serial line's interrupts all reach the boot CPU
    assert after[4][0][0] > before[4][0][0] + 10, out
    assert all(c == 0 for c in after[4][0][1:]), out
    assert re.search(r"^LOC: " + r" +\d+ " * n + "$", out, re.M), out
    assert re.search(r"^ERR: +0$", out, re.M), out
    k.halt()


def test_nosmp_keeps_ioapic(boot):
    """As in Linux, one CPU still takes device interrupts through the
    IO-APIC."""
    k = boot(method="elf", cmdline="nosmp", smp=2)
    assert "smp: 1 of 1 CPU online" in k.boot_log
    assert_ioapic_routing(k)
    assert "hello exited with status 0" in k.cmd("run hello")
    k.halt()


def test_mp_table_ioapic(boot):
    """Without ACPI the MP table lists the IO-APIC and the timer's pin."""
    k = boot(method="elf", smp=2, extra=["-machine", "acpi=off"])
    assert "smp: MP table at" in k.boot_log
    assert_ioapic_routing(k)
    ctrl_c_spin(k)
    k.halt()


def assert_pic_kept(k, why):
    assert f"ioapic: {why}: device interrupts stay on the 8259 PIC" \
        in k.boot_log
    assert "IOAPIC[" not in k.boot_log
    assert "phys=0xfec00000" not in k.cmd("vmallocinfo")
    out = k.cmd("cpus")
    assert "device interrupts: 8259 PIC" in out
    assert "irq 4: 8259 master IR4, vector 0x24, unmasked" in out
    assert "irq 1: 8259 master IR1, vector 0x21, unmasked" in out
    assert "2 passed, 0 failed" in k.cmd("selftest irq")


def test_noapic_keeps_pic(boot):
    k = boot(method="elf", cmdline="noapic", smp=2)
    assert_pic_kept(k, "noapic")
    assert "smp: 2 of 2 CPUs online" in k.boot_log
    _, before, _ = interrupts(k)
    assert before[4][1:] == ("XT-PIC", "serial")
    ctrl_c_spin(k)
    _, after, out = interrupts(k)
    assert after[4][0][0] > before[4][0][0], out
    k.halt()


def test_486_keeps_pic(boot):
    """No local APIC: the PIC and the PIT's IRQ 0, counted as XT-PIC."""
    k = boot(method="elf", cpu="486")
    assert_pic_kept(k, "no local APIC")
    assert "irq 0: 8259 master IR0, vector 0x20, unmasked" in k.cmd("cpus")
    _, before, _ = interrupts(k)
    assert before[0][1:] == ("XT-PIC", "timer")
    assert "hello exited with status 0" in k.cmd("run hello")
    _, after, out = interrupts(k)
    assert after[0][0][0] > before[0][0][0], out
    assert "LOC:" not in out
    ctrl_c_spin(k)
    k.halt()


def test_pentium_either_way(boot):
    """QEMU's Pentium has a local APIC: whichever controller the kernel
    chooses, the console and ring 3 work."""
    k = boot(method="elf", cpu="pentium", smp=2)
    log = boot_log(k)
    assert VIA_IOAPIC.search(log) or \
        "device interrupts stay on the 8259 PIC" in log, log
    assert "hello exited with status 0" in k.cmd("run hello")
    ctrl_c_spin(k)
    k.halt()
