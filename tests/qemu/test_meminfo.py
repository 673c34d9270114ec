"""The boot-time memory map and meminfo at each -m of the boot matrix.

QEMU's firmware map (SeaBIOS) at -m M, for M below 3.5 GiB: usable
[0, 0x9fc00) and [0x100000, M - 128 KiB), reserved 0x9fc00-0x9ffff,
0xf0000-0xfffff, the top 128 KiB of RAM and 0xfffc0000-0xffffffff.  At
-m 3584M QEMU keeps 3 GiB below 4 GiB and puts 512 MiB at 4 GiB, which a
kernel without PAE drops.

The map is the same whether QEMU's own Multiboot loader (method="elf")
or GRUB (method="iso") passes SeaBIOS's E820 table on.
"""
import re

import pytest

import e820maps as em
from kmem import MEMS
from test_e820 import check_zones

MIB = 1 << 20


def firmware_map(mem):
    ram = int(mem[:-1]) * (1024 if mem.endswith("G") else 1) * MIB
    low = min(ram, 3 << 30)
    out = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
           (0x100000, low - 0x20000 - 0x100000, 1), (low - 0x20000, 0x20000, 2),
           (0xfffc0000, 0x40000, 2)]
    if ram > low:
        out.append((em.GIB4, ram - low, 1))
    return out


MEMINFO_LINE = re.compile(r"^([A-Za-z0-9_()]+:) *(\d+) kB$")


def parse_meminfo(text):
    vals = {}
    for line in text.split("\n"):
        m = MEMINFO_LINE.match(line)
        if not m:
            continue
        # Linux's layout, "%-16s%8lu kB": name and colon padded to 16
        # columns, the value right-aligned in 8
        assert line == f"{m.group(1):<16}{int(m.group(2)):>8} kB", line
        vals[m.group(1)[:-1]] = int(m.group(2))
    return vals


def buddy_free_pages(text):
    """Free pages per zone from /proc/buddyinfo lines."""
    free = {}
    for m in re.finditer(r"^Node 0, zone +(\S+)((?: +\d+)+)\s*$", text, re.M):
        counts = [int(c) for c in m.group(2).split()]
        free[m.group(1)] = sum(c << o for o, c in enumerate(counts))
    return free


@pytest.mark.parametrize("method", ["elf", "iso"])
@pytest.mark.parametrize("mem", MEMS)
def test_boot_map(boot, mem, method):
    k = boot(mem=mem, method=method)
    out = k.cmd("e820")
    fw = em.parse_lines(out, "BIOS-e820:")
    assert fw == firmware_map(mem)
    cleaned = em.parse_lines(out, "e820:")
    assert cleaned == em.clean(fw)
    if mem == "3584M":
        assert ("e820: dropped [mem 0x0000000100000000-0x000000011fffffff] usable"
                in out)
        assert "e820: 512 MiB of RAM above 4 GiB unused (no PAE)" in out
    zones = em.parse_zones(check_zones(k, cleaned))
    vals = parse_meminfo(k.cmd("meminfo"))
    managed = sum(z[3] for z in zones.values())
    free = sum(z[4] for z in zones.values())
    assert vals["MemTotal"] == managed * 4
    assert vals["MemFree"] == free * 4
    assert vals["HighTotal"] == zones["HighMem"][3] * 4
    assert vals["LowTotal"] + vals["HighTotal"] == vals["MemTotal"]
    assert vals["LowFree"] + vals["HighFree"] == vals["MemFree"]
    for name in ("Slab", "PageTables", "VmallocUsed", "VmallocTotal"):
        assert name in vals
    assert vals["VmallocTotal"] == (0xFF800000 - 0xF8800000) // 1024
    # the direct map reaches the top of low memory (boot log)
    low_top = min(em.usable_pfns(cleaned)[-1][1], em.LOWMEM_PFN) * 4096
    assert (f"bootmem: direct map of low memory: [mem 0x{0:016x}-"
            f"0x{low_top - 1:016x}]") in k.boot_log
    # meminfo, kmeminfo and buddyinfo agree, zone by zone, in one quiet
    # moment
    buddy = buddy_free_pages(k.cmd("buddyinfo"))
    meminfo2 = k.cmd("meminfo")
    zones2 = em.parse_zones(k.cmd("kmeminfo"))
    for name, pages in buddy.items():
        assert pages == zones2[name][4], (name, pages, zones2[name][4])
    assert sum(buddy.values()) * 4 == parse_meminfo(meminfo2)["MemFree"]
    k.halt()


def test_memmap_draws_this_boot(boot):
    k = boot(mem="128M", method="elf")
    text = k.cmd("memmap")
    for holder in ("low 64 KiB (frame 0, BIOS data)", "kernel image",
                   "mem_map (page descriptors)", "early page tables"):
        assert holder in text, holder
    assert re.search(r"^0xc0000000 \+-+\+$", text, re.M)
    assert re.search(r"^0xf8800000 \+-+\+$", text, re.M)
    assert "vmalloc area" in text and "kmap window" in text
    assert re.search(r"^0xf8400000 \+-+\+$", text, re.M)
    assert "kernel stacks (a guard page below each)" in text
    # the mem_map box sits where bootmem said it put mem_map
    m = re.search(r"mem_map at \[mem 0x([0-9a-f]{16})-", k.boot_log)
    assert m
    assert f"0x{int(m.group(1), 16):09x} +" in text
    # the closing line: every table early paging made went back at boot
    made = re.search(r"^(\d+) early page tables, replaced by the VMM's: "
                     r"(\d+) given back to the buddy allocator$", text, re.M)
    freed = re.search(r"vmm: (\d+) early page tables given back", k.boot_log)
    assert made and freed
    assert int(made.group(1)) > 0
    assert int(made.group(1)) == int(made.group(2)) == int(freed.group(1))
    k.halt()


@pytest.mark.parametrize("mem", MEMS)
def test_selftest_bootmem(boot, mem):
    k = boot(mem=mem, method="elf")
    out = k.cmd("selftest bootmem")
    assert re.search(r"^memblock: selftest wants 4096 bytes after boot, refused "
                     r"\(caller selftest_bootmem_memblock_record_consistent"
                     r"\+0x[0-9a-f]+/0x[0-9a-f]+\)$", out, re.M)
    assert "4 passed, 0 failed" in out, out
    k.halt()
