"""The kernel in Bochs: a second emulator, with its own BIOS, E820 map,
ACPI tables and CPU models (tests/qemu/bochs.py).  The same checks as
under QEMU: the boot, the in-kernel tests, every program with nothing
left behind, illegal accesses that kill only their process, and the
allocators' stress runs on every CPU at once."""
import re

from test_proc import PROGRAMS, check_fpu_boot, check_program, check_segv, run
from test_smp import check_stress_all
from test_smp_sched import check_ok

# Bochs's CPU models and the QEMU model of the same FPU (test_proc.py)
FPU_AS = {"pentium": "pentium", "p3_katmai": "pentium3", "ryzen": "pentium3"}


def check_e820(k, mem_mib):
    """Bochs's BIOS reports RAM up to an "ACPI data" range at its top:
    the cleaned map is the firmware's, that range kept apart, and all but
    the legacy hole below 1 MiB and the ACPI range is usable."""
    def ranges(prefix):
        return re.findall(rf"^{prefix}: \[mem 0x([0-9a-f]{{16}})-"
                          rf"0x([0-9a-f]{{16}})\] (.+?)\s*$", k.boot_log, re.M)

    firmware, cleaned = ranges("BIOS-e820"), ranges("e820")
    assert firmware and cleaned == firmware, k.boot_log
    acpi = [(int(a, 16), int(b, 16)) for a, b, t in cleaned if t == "ACPI data"]
    assert len(acpi) == 1 and acpi[0][1] + 1 == mem_mib << 20, k.boot_log
    usable = sum(int(b, 16) + 1 - int(a, 16) for a, b, t in cleaned
                 if t == "usable")
    assert (mem_mib << 20) - usable <= 2 << 20, k.boot_log


def check_stress_one(out, what):
    zones = re.findall(rf"^stress {what}: zone \w+ free (\d+) before, "
                       rf"(\d+) after$", out, re.M)
    assert zones and all(a == b for a, b in zones), out
    assert out.rstrip().endswith(f"stress {what}: ok"), out


def test_bochs_pentium_one_cpu(bochs):
    """A Pentium (no FXSR, no SSE) with 128 MiB and one CPU."""
    k = bochs(mem_mib=128, cpu="pentium", smp=1)
    check_e820(k, 128)
    check_fpu_boot(k, FPU_AS["pentium"])
    assert "smp: 1 of 1 CPU online" in k.boot_log, k.boot_log
    out = k.cmd("selftest")
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    assert "FAIL" not in out, out
    for prog in PROGRAMS:
        check_program(k, prog, "128M", FPU_AS["pentium"])
    for mode in ("null", "kwrite", "readonly", "gpf", "divide", "fpe"):
        check_segv(k, mode)
    check_program(k, "fputest", "128M", FPU_AS["pentium"])
    before = k.cmd("buddyinfo")
    for what in ("buddy", "slab"):
        check_stress_one(k.cmd(f"stress {what} 20000 3"), what)
    assert k.cmd("buddyinfo") == before
    k.halt()


def test_bochs_pentium3_four_cpus_highmem(bochs):
    """Four Pentium III CPUs found in Bochs's ACPI MADT, 1 GiB (HighMem
    above 896 MiB, where user pages come from): programs side by side,
    TLB shootdowns, and both allocators stressed on every CPU at once."""
    k = bochs(mem_mib=1024, cpu="p3_katmai", smp=4)
    check_e820(k, 1024)
    check_fpu_boot(k, FPU_AS["p3_katmai"])
    assert "smp: 4 of 4 CPUs online" in k.boot_log, k.boot_log
    assert re.search(r"^smp: ACPI MADT at 0x[0-9a-f]+: 4 CPUs", k.boot_log,
                     re.M), k.boot_log
    m = re.search(r"^HighTotal:\s+(\d+) kB$", k.cmd("meminfo"), re.M)
    assert m and int(m.group(1)) >= 120 * 1024, m
    assert "ping: 3 of 3 CPUs answered" in k.cmd("cpus ping all")
    # before any program has left blocks on the CPUs' lists, which the
    # drain after each run merges back: then the shape returns as well
    before = k.cmd("buddyinfo")
    for what in ("buddy", "slab"):
        out = k.cmd(f"stress {what} 5000 7 all", timeout=600)
        check_stress_all(out, what, 4, 5000, 7)
        assert k.cmd("buddyinfo") == before
    for prog in ("cowtest", "forktree", "zerotest", "fputest"):
        check_program(k, prog, "1024M", FPU_AS["p3_katmai"], one_cpu=False)
    out, d = run(k, "-n 8 cowtest", timeout=600)
    check_ok(out, "cowtest", 8)
    assert d["fork"] == 16
    out, _ = run(k, "tlbtest cow 10", timeout=600)
    check_ok(out, "tlbtest", 1)
    # interrupts, processes, shared memory (the buddy, slab and vmm suites
    # walk every frame, for minutes under Bochs: the first test runs them,
    # at 128 MiB; QEMU runs them at every size)
    for suite in ("irq", "proc", "shm"):
        out = k.cmd(f"selftest {suite}", timeout=600)
        assert re.search(r"^[1-9]\d* passed, 0 failed$", out, re.M), out
    k.halt()


def test_bochs_ryzen_two_cpus(bochs):
    """Bochs's Zen model (AuthenticAMD, family 0xf + 0x8): CPUID read with
    its extended family, both CPUs brought up, and the FPU, fork and the
    slab layer working on each."""
    k = bochs(mem_mib=256, cpu="ryzen", smp=2)
    assert re.search(r"^cpu: family 23 AuthenticAMD, .*FXSR yes, SSE yes",
                     k.boot_log, re.M), k.boot_log
    assert "smp: 2 of 2 CPUs online" in k.boot_log, k.boot_log
    check_fpu_boot(k, FPU_AS["ryzen"])      # FXSAVE and SSE, as a P III
    out, _ = run(k, "-n 4 cowtest", timeout=600)
    check_ok(out, "cowtest", 4)
    check_program(k, "fputest", "256M", FPU_AS["ryzen"], one_cpu=False)
    out = k.cmd("stress slab 20000 5 all", timeout=600)
    check_stress_all(out, "slab", 2, 20000, 5)
    k.halt()
