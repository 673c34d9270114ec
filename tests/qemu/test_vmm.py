"""The VMM on the real MMU: `selftest vmm` across CPUs, memory sizes and
the 386/no-PSE paths; `pgtable` and `vmallocinfo` output; page tables and
vmalloc pages as meminfo counts them; kernel faults that must panic with
the decoded reason."""
import re

import pytest

from kmem import EXIT_PANIC

# Linux's /proc/vmallocinfo line; the caller is the shell's vmalloc
# command, named as %pS names it (symbol+offset/size).
VMALLOCINFO = re.compile(
    r"^0x([0-9a-f]{8})-0x([0-9a-f]{8}) ([ \d]{7}) "
    r"cmd_vmalloc\+0x[0-9a-f]+/0x[0-9a-f]+ pages=(\d+) vmalloc$", re.M)


def selftest_vmm(k):
    out = k.cmd("selftest vmm")
    assert "FAIL" not in out, out
    assert "8 passed, 0 failed" in out, out
    return out


@pytest.mark.parametrize("mem,cpu,cmdline", [
    ("16M", "486", ""),
    ("128M", "qemu32", ""),
    ("128M", "pentium", "nopse noinvlpg"),
    ("128M", "qemu32", "noinvlpg"),
    ("1G", "pentium3", ""),
])
def test_selftest_vmm(boot, mem, cpu, cmdline):
    k = boot(mem=mem, cpu=cpu, cmdline=cmdline)
    assert "CR0.WP on" in k.boot_log
    if "noinvlpg" in cmdline:
        assert "TLB flush by CR3 reload" in k.boot_log
    else:
        assert "TLB flush by invlpg" in k.boot_log
    if "nopse" in cmdline:
        assert re.search(r"direct map 0 x 4 MiB \+ \d+ x 4 KiB", k.boot_log)
    pge = cpu in ("qemu32", "pentium3") and "noinvlpg" not in cmdline
    assert f"global pages {'on' if pge else 'off'}" in k.boot_log
    selftest_vmm(k)
    k.halt()


def test_highmem_through_vmalloc_and_kmap(boot):
    """With 3584 MiB, vmalloc uses HIGHMEM up, falls back, gives it back."""
    k = boot(mem="3584M")
    out = selftest_vmm(k)
    m = re.search(r"vmm: cycle: (\d+) areas, (\d+) HIGHMEM frames, "
                  r"(\d+) from lower zones", out)
    assert m, out
    assert int(m.group(2)) >= 1024 and int(m.group(3)) > 0
    assert "PASS vmm.kmap_local" in out
    k.halt()


def test_direct_map_uses_large_pages_with_pse(boot):
    k = boot(mem="1G")
    m = re.search(r"direct map (\d+) x 4 MiB \+ (\d+) x 4 KiB", k.boot_log)
    assert m and int(m.group(1)) > 200, k.boot_log
    out = k.cmd("pgtable 0xc8000000")
    assert re.search(r"^PDE\[800\] 0x08000[0-9a-f]{3} pfn 0x08000 P W .*PS",
                     out, re.M), out
    assert "0xc8000000 -> phys 0x08000000 read-write kernel (4 MiB page)" in out
    k.halt()


def test_nopge_leaves_kernel_entries_local(boot):
    k = boot(cmdline="nopge")
    assert "global pages off" in k.boot_log
    out = k.cmd("pgtable 0xc0100000")
    assert " G" not in re.search(r"^PTE\[256\].*$", out, re.M).group(0)
    k.halt()


def test_pgtable_decodes_entries(boot):
    k = boot()
    out = k.cmd("pgtable 0xc0100000")
    pte = re.search(r"^PTE\[256\] 0x([0-9a-f]{8}) pfn 0x00100 (.*)$", out, re.M)
    assert pte, out
    bits = pte.group(2).split()
    assert "P" in bits and "W" not in bits and "G" in bits
    assert "0xc0100000 -> phys 0x00100000 read-only kernel" in out

    out = k.cmd("pgtable 0xc0000010")
    assert "PTE[0] 0x00000000 not present" in out
    assert "0xc0000010: not mapped" in out
    out = k.cmd("pgtable 0")
    assert "PDE[0] 0x00000000 not present" in out

    out = k.cmd("pgtable 0xffc00000")
    pd = re.search(r"directory pfn 0x([0-9a-f]{5})", out).group(1)
    assert re.search(rf"^PDE\[1023\] 0x{pd}[0-9a-f]{{3}} pfn 0x{pd} P W",
                     out, re.M), out

    addr = re.search(r"vmalloc: (0x[0-9a-f]{8})", k.cmd("vmalloc 4096")).group(1)
    out = k.cmd(f"pgtable {addr}")
    assert re.search(r"^PTE\[\d+\] 0x[0-9a-f]{8} pfn 0x[0-9a-f]{5} P W", out,
                     re.M), out
    assert "read-write kernel" in out
    guard = int(addr, 16) + 4096
    assert f"0x{guard:08x}: not mapped" in k.cmd(f"pgtable 0x{guard:x}")
    assert "usage: pgtable ADDR" in k.cmd("pgtable")
    k.halt()


def test_vmallocinfo_format_and_counters(boot):
    k = boot()
    # At boot the areas are the local APIC's registers (arch/i386/lapic.c)
    # and the IO-APIC's (arch/i386/ioapic.c).
    boot_areas = k.cmd("vmallocinfo").strip().splitlines()
    assert len(boot_areas) == 2, boot_areas
    assert re.match(r"0xf8800000-0xf8802000 +8192 \S+ "
                    r"phys=0xfee00000 ioremap$", boot_areas[0])
    assert re.match(r"0xf8802000-0xf8804000 +8192 \S+ "
                    r"phys=0xfec00000 ioremap$", boot_areas[1])
    a = k.cmd("vmalloc 8192")
    b = k.cmd("vmalloc 5000")
    c = k.cmd("vmalloc 1")
    addrs = [re.search(r"vmalloc: (0x[0-9a-f]{8})", x).group(1)
             for x in (a, b, c)]
    out = k.cmd("vmallocinfo")
    rows = VMALLOCINFO.findall(out)
    assert len(rows) == 3, out
    assert [f"0x{r[0]}" for r in rows] == addrs       # sorted by address
    for start, end, size, pages in rows:
        size = int(size)
        assert int(end, 16) - int(start, 16) == size
        assert size == (int(pages) + 1) * 4096         # one guard page
    assert [int(r[3]) for r in rows] == [2, 2, 1]
    assert rows[0][0] == "f8804000" and rows[0][2] == "  12288"

    info = k.cmd("meminfo")
    used = int(re.search(r"^VmallocUsed:\s+(\d+) kB", info, re.M).group(1))
    assert used == 5 * 4
    vmm = k.cmd("vmm")
    tables = int(re.search(r"^pgtables (\d+)", vmm, re.M).group(1))
    ptkb = int(re.search(r"^PageTables:\s+(\d+) kB", info, re.M).group(1))
    assert ptkb == tables * 4

    bad = k.cmd(f"vfree {hex(int(addrs[0], 16) + 4096)}")
    assert "vfree: bad address" in bad and "not its start" in bad
    assert "not a vmalloc area" in k.cmd("vfree 0xc0100000")
    for addr in addrs:
        k.cmd(f"vfree {addr}")
    assert k.cmd("vmallocinfo").strip().splitlines() == boot_areas
    assert "not a vmalloc area" in k.cmd(f"vfree {addrs[0]}")
    assert re.search(r"refused_vfrees 3", k.cmd("vmm"))
    k.halt()


@pytest.mark.parametrize("kind,reason", [
    ("null", r"not-present read at 0x00000000"),
    ("text", r"write to read-only at 0xc01[0-9a-f]{5}"),
    ("guard", r"not-present write at 0xf88[0-9a-f]{5}, .*guard page of area "
              r"0xf88[0-9a-f]{5}-0xf88[0-9a-f]{5}"),
])
def test_kernel_fault_panics_with_reason(boot, kind, reason):
    k = boot()
    status = k.send_and_exit(f"vmfault {kind}")
    assert status == EXIT_PANIC
    assert re.search(r"PANIC: page fault: " + reason, k.log), k.log
    assert re.search(r"eip 0xc01[0-9a-f]{5} \(kernel mode\)", k.log), k.log
    for reg in ("EAX:", "ESP:", "CR2:", "CR3:"):
        assert reg in k.log, reg


KSTACK_OVERFLOW = re.compile(
    r"PANIC: kernel stack overflow: pid 0 \(kernel\) cpu0 "
    r"esp 0x([0-9a-f]{8}) at 0x([0-9a-f]{8}), "
    r"guard page 0x([0-9a-f]{8})-0x([0-9a-f]{8}) "
    r"below kernel stack 0x([0-9a-f]{8})-0x([0-9a-f]{8})")


def test_kernel_stack_overflow_panics_on_double_fault_stack(boot):
    """The shell's kernel stack runs into its guard page: the page fault
    cannot push its frame there, the double fault goes to a task of its own
    and panics naming the process, the CPU and the guard page, with the
    registers of the overflowing code, instead of a triple fault."""
    k = boot()
    status = k.send_and_exit("vmfault kstack")
    assert status == EXIT_PANIC, k.log
    m = KSTACK_OVERFLOW.search(k.log)
    assert m, k.log
    esp, at, g0, g1, s0, s1 = (int(x, 16) for x in m.groups())
    assert 0xF8400000 <= g0 and g1 == s0 and s1 <= 0xF8800000
    assert g1 - g0 == 4096 and s1 - s0 == 8192
    assert g0 <= at < g1
    assert g0 <= esp <= s0 + 64              # at the bottom of the stack
    assert "trap: vector 8 (double fault) error code 0x0" in k.log
    assert re.search(r"EIP: 0008:c01[0-9a-f]{5} ", k.log), k.log
    assert re.search(rf"ESP: {esp:08x}\s", k.log), k.log
    for reg in ("EAX:", "CR2:", "CR3:", "Call trace:",
                "---[ end kernel panic ]---"):
        assert reg in k.log, reg
    assert "panic while panicking" not in k.log


def test_kernel_stack_counters_and_free_after_processes(boot):
    """The shell runs on a kernel stack of its own; processes take one each
    and give it back when reaped: the counters and free frames return."""
    k = boot()
    kst = re.compile(r"^kstacks (\d+) kstack_slots (\d+) kstack_highmem \d+ "
                     r"kstack_allocs (\d+) kstack_frees (\d+) "
                     r"kstack_failed 0 refused_kstack_frees 0\s*$", re.M)
    m = kst.search(k.cmd("vmm"))
    assert m, k.cmd("vmm")
    stacks, slots, allocs, frees = (int(x) for x in m.groups())
    assert (stacks, slots, allocs, frees) == (1, 341, 1, 0)
    free0 = re.findall(r"^nr_free_\w+ \d+$", k.cmd("vmstat"), re.M)
    out = k.cmd("run forktree")
    assert "exited with status 0" in out, out
    m = kst.search(k.cmd("vmm"))
    stacks, slots, allocs, frees = (int(x) for x in m.groups())
    assert stacks == 1 and allocs > 1 and frees == allocs - 1, m.group(0)
    assert re.findall(r"^nr_free_\w+ \d+$", k.cmd("vmstat"), re.M) == free0
    k.halt()
