"""The kernel booted on real machines' memory maps (memmap=exactmap ...).

Each map from tests/data is cut to the RAM QEMU really gives (-m 1G: RAM
up to 0x3ffe0000 below 4 GiB), overlapping and unaligned entries are
added, and the kernel boots with it on the command line (-append, so that
'$' reaches it untouched).  The test checks the map as passed ("user:"
lines), the cleaned map against the reference cleaner, and that the zones
hold exactly the usable frames minus the boot reservations that `memmap`
shows.

QEMU's own firmware map (SeaBIOS, -m 1G): usable [0, 0x9fc00) and
[0x100000, 0x3ffe0000), reserved 0x9fc00-0xfffff (EBDA, ROMs),
0x3ffe0000-0x3fffffff and 0xfffc0000-0xffffffff (BIOS).
"""
import os
import re
import subprocess

import pytest

import e820maps as em
from kmem import ELF

PAGE = 4096

RAM_TOP_1G = 0x3ffe0000

# Entries laid over each real map: overlaps of every kind, unaligned ends.
EXTRA = [
    (0x9f800, 0x1000, em.RESERVED),        # over the end of low RAM, unaligned
    (0x2000000, 0x800, em.ACPI),           # inside usable RAM, half a frame
    (0x2000400, 0x2000, em.RESERVED),      # overlapping that one
    (0x3000000, 0x1000000, em.USABLE),     # usable inside usable
    (0x8000123, 0x10, em.RESERVED),        # 16 bytes in the middle of RAM
    (0x3f000000, 0x800000, em.ACPI),       # ACPI data near the top of lowmem+
    (0x3f400000, 0x100000, em.RESERVED),   # nested in that one
]

MAPS = ["haos-minipc", "vmware-1g", "dell-mm061", "qemu-i440fx-2g",
        "ubuntu-4g-remap", "pc1999-320m", "overlap-unaligned"]


def boot_on_map(boot, entries, mem="1G"):
    cmdline, seen = em.as_memmap(entries)
    k = boot(mem=mem, cmdline=cmdline, method="elf")
    return k, seen


def check_zones(k, cleaned):
    """The zones kmeminfo lists hold the usable frames; returns its text."""
    kmeminfo = k.cmd("kmeminfo")
    zones = em.parse_zones(kmeminfo)
    held = em.reserved_pfns(k.cmd("memmap"))
    usable = em.usable_pfns(cleaned)
    present, span = em.zone_present(usable)
    frames = set()
    for s, e in usable:
        frames.update(range(s, e))
    for z, name in enumerate(["DMA", "Normal", "HighMem"]):
        start, end, pres, managed, free = zones[name]
        assert pres == present[z], (name, pres, present[z])
        if present[z]:
            assert (start, end) == span[z], (name, start, end, span[z])
        want = len([p for p in frames - held if em.zone_of(p) == z])
        assert managed == want, (name, managed, want)
        assert free <= managed
    return kmeminfo


@pytest.mark.parametrize("name", MAPS)
def test_real_map(boot, name):
    entries = em.cut_to_ram(em.load(name), RAM_TOP_1G) + EXTRA
    k, seen = boot_on_map(boot, entries)
    out = k.cmd("e820")
    assert f"user-defined physical RAM map ({len(seen) + 1} memmap= options):" in out
    assert em.parse_lines(out, "user:") == seen
    cleaned = em.clean(seen)
    assert em.parse_lines(out, "e820:") == cleaned
    # the same lines were printed at boot
    assert em.parse_lines(k.boot_log, "e820:") == cleaned
    firmware = em.parse_lines(out, "BIOS-e820:")
    assert (0x100000, RAM_TOP_1G - 0x100000, em.USABLE) in firmware
    above = [e for e in cleaned if e[0] + e[1] > em.GIB4]
    for a, s, t in above:
        lo = max(a, em.GIB4)
        assert (f"e820: dropped [mem 0x{lo:016x}-0x{a + s - 1:016x}]" in out)
    check_zones(k, cleaned)
    k.halt()


def test_exactmap_small(boot):
    """Only 8 MiB usable although QEMU has 128 MiB; unsorted options."""
    entries = [(0x100000, 0x700000, em.USABLE), (0, 0x9fc00, em.USABLE),
               (0x9fc00, 0x400, em.RESERVED), (0xf0000, 0x10000, em.RESERVED),
               (0x400000, 0x1000, em.ACPI)]
    k, seen = boot_on_map(boot, entries, mem="128M")
    out = k.cmd("e820")
    cleaned = em.clean(seen)
    assert em.parse_lines(out, "e820:") == cleaned == [
        (0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
        (0x100000, 0x300000, 1), (0x400000, 0x1000, 3),
        (0x401000, 0x3ff000, 1)]
    kmeminfo = check_zones(k, cleaned)
    zones = em.parse_zones(kmeminfo)
    assert zones["Normal"][2] == 0 and zones["HighMem"][2] == 0
    k.halt()


def test_malformed_memmap_ignored(boot):
    """A bad option is reported and ignored; the good ones apply."""
    k = boot(mem="128M", method="elf",
             cmdline="memmap=1M$0x2000000 memmap=12Q@0 memmap=4K#0x3000000,junk")
    assert "e820: memmap=12Q@0: malformed, ignored" in k.boot_log
    assert "e820: memmap=4K#0x3000000,junk: malformed, ignored" in k.boot_log
    out = k.cmd("e820")
    cleaned = em.parse_lines(out, "e820:")
    assert (0x2000000, 0x100000, em.RESERVED) in cleaned
    assert not [e for e in cleaned if e[2] == em.ACPI]
    assert "user-defined physical RAM map (1 memmap= options):" in out
    k.halt()


def test_memmap_limit_and_persistent(boot):
    """memmap=SIZE cuts the usable RAM the map holds at that point (a
    range added after it stays); memmap=SIZE!ADDR is persistent memory,
    printed as Linux prints it and never used as RAM."""
    options = ["exactmap", "639K@0", "1K$0x9fc00", "64K$0xf0000",
               "511M@1M", "64M!256M", "384M", "16M@448M"]
    k = boot(mem="512M", method="elf",
             cmdline=" ".join("memmap=" + o for o in options))
    out = k.cmd("e820")
    assert "user-defined physical RAM map (8 memmap= options):" in out
    user = em.parse_lines(out, "user:")
    assert user == em.apply_memmap(em.parse_lines(out, "BIOS-e820:"), options)
    assert user == [
        (0, 0x9fc00, em.USABLE), (0x9fc00, 0x400, em.RESERVED),
        (0xf0000, 0x10000, em.RESERVED), (0x100000, 0x17f00000, em.USABLE),
        (0x10000000, 0x4000000, em.PERSISTENT),
        (0x1c000000, 0x1000000, em.USABLE)]
    cleaned = em.parse_lines(out, "e820:")
    assert cleaned == em.clean(user) == [
        (0, 0x9fc00, em.USABLE), (0x9fc00, 0x400, em.RESERVED),
        (0xf0000, 0x10000, em.RESERVED), (0x100000, 0xff00000, em.USABLE),
        (0x10000000, 0x4000000, em.PERSISTENT),
        (0x14000000, 0x4000000, em.USABLE),
        (0x1c000000, 0x1000000, em.USABLE)]
    assert ("e820: [mem 0x0000000010000000-0x0000000013ffffff] persistent "
            "(type 12)") in k.boot_log
    # the zones hold the usable frames and nothing of the persistent range
    check_zones(k, cleaned)
    assert em.parse_zones(k.cmd("kmeminfo"))["Normal"][1] == 0x1d000
    k.halt()


PERCENT = re.compile(r"([^%]+)%([^-+]+)(?:-(\w+))?(?:\+(\w+))?")


def apply_percent(entries, item):
    """SIZE%ADDR-T+U, -T, +U or neither, as Linux's e820__range_update(),
    e820__range_remove() and e820__range_add() do: entry by entry, the
    parts in address order, the first in the entry's place, the others
    appended (types in decimal or 0x-hex here)."""
    m = PERCENT.fullmatch(item)
    size, start = em.memparse(m.group(1)), em.memparse(m.group(2))
    old = int(m.group(3), 0) if m.group(3) else 0
    new = int(m.group(4), 0) if m.group(4) else 0
    if new and not old:
        return entries + [(start, size, new)]
    end = min(start + size, 1 << 64)
    kept, appended = [], []
    for a, s, t in entries:
        lo, hi = max(a, start), min(a + s, end)
        if (old and t != old) or lo >= hi:
            kept.append((a, s, t))
            continue
        parts = [(a, lo - a, t)] + ([(lo, hi - lo, new)] if new else []) + \
            [(hi, a + s - hi, t)]
        parts = [p for p in parts if p[1] > 0]
        kept += parts[:1]
        appended += parts[1:]
    return kept + appended


def apply_options(entries, values):
    """em.apply_memmap, and the "%" items in their place."""
    out = list(entries)
    for value in values:
        for item in value.split(","):
            if "%" in item:
                out = apply_percent(out, item)
            else:
                out = em.apply_memmap(out, [item])
    return out


def test_memmap_percent(boot):
    """memmap=SIZE%ADDR-T+U on the firmware's map: RAM becomes persistent
    memory of type 7 (printed as Linux prints it, never used as RAM), a
    hole in the RAM, ACPI data laid over RAM, the BIOS area taken out
    whatever its type, the reserved top of RAM made ACPI NVS; T equal to
    U is refused."""
    options = ["64M%256M-1+7", "16M%128M-1", "1M%32M+3", "0x10000%0xf0000",
               "0x20000%0x1ffe0000-2+4"]
    k = boot(mem="512M", method="elf",
             cmdline=" ".join("memmap=" + o for o in options + ["64K%0-2+2"]))
    assert ("e820: memmap=64K%0-2+2: old and new type are the same, "
            "ignored") in k.boot_log
    out = k.cmd("e820")
    assert "user-defined physical RAM map (5 memmap= options):" in out
    user = em.parse_lines(out, "user:")
    assert user == apply_options(em.parse_lines(out, "BIOS-e820:"), options)
    M = 1 << 20
    assert user == [
        (0, 0x9fc00, em.USABLE), (0x9fc00, 0x400, em.RESERVED),
        (M, 127 * M, em.USABLE), (0x1ffe0000, 0x20000, em.NVS),
        (0xfffc0000, 0x40000, em.RESERVED), (256 * M, 64 * M, 7),
        (320 * M, 0x1ffe0000 - 320 * M, em.USABLE),
        (144 * M, 112 * M, em.USABLE), (32 * M, M, em.ACPI)]
    cleaned = em.parse_lines(out, "e820:")
    assert cleaned == [
        (0, 0x9fc00, em.USABLE), (0x9fc00, 0x400, em.RESERVED),
        (M, 31 * M, em.USABLE), (32 * M, M, em.ACPI),
        (33 * M, 95 * M, em.USABLE), (144 * M, 112 * M, em.USABLE),
        (256 * M, 64 * M, 7), (320 * M, 0x1ffe0000 - 320 * M, em.USABLE),
        (0x1ffe0000, 0x20000, em.NVS), (0xfffc0000, 0x40000, em.RESERVED)]
    assert cleaned == em.clean(user)    # the reference cleaner agrees
    assert ("e820: [mem 0x0000000010000000-0x0000000013ffffff] persistent "
            "(type 7)") in k.boot_log
    assert re.search(r"\| persistent \(type 7\) +\| 64 MiB", k.cmd("memmap"))
    # the zones hold the usable frames, none of type 7 or of the hole
    check_zones(k, cleaned)
    k.halt()


def test_no_map_from_loader(boot):
    """Without a Multiboot map the kernel builds one from mem_lower and
    mem_upper and says so (e820_nommap makes it ignore QEMU's map)."""
    k = boot(mem="128M", method="elf", cmdline="e820_nommap")
    m = re.search(r"e820: no memory map from the boot loader: built from "
                  r"mem_lower=(\d+) KiB, mem_upper=(\d+) KiB", k.boot_log)
    assert m
    lower, upper = int(m.group(1)) * 1024, int(m.group(2)) * 1024
    assert lower == 0x9fc00 and upper == 0x7fe0000 - 0x100000
    out = k.cmd("e820")
    want = [(0, lower, em.USABLE), (0x100000, upper, em.USABLE)]
    assert em.parse_lines(out, "BIOS-e820:") == want
    assert em.parse_lines(out, "e820:") == want
    check_zones(k, want)
    k.halt()


def test_modules_reserved(boot):
    """Multiboot modules (QEMU -initrd), their list and strings stay
    reserved; the zones leave them out."""
    mods = [os.path.join(em.DATA, n + ".txt") for n in ("vmware-1g", "dell-mm061")]
    k = boot(mem="128M", method="elf", extra=["-initrd", ",".join(mods)])
    text = k.cmd("memmap")
    held = [m.group(1) for m in re.finditer(r"\| usable +DMA +(module[^|]*?) *\|", text)]
    assert held.count("module") == 2
    assert "module list" in held and "module string" in held
    check_zones(k, em.parse_lines(k.cmd("e820"), "e820:"))
    k.halt()


def test_memmap_through_grub(boot):
    """GRUB passes the options too (the ISO's grub.cfg gets the line;
    '$' would be a GRUB variable there, so this uses '@' and '#')."""
    k = boot(mem="128M", method="iso",
             cmdline="memmap=1M#0x2000000 memmap=0x800@0x7fff800")
    out = k.cmd("e820")
    assert "user-defined physical RAM map (2 memmap= options):" in out
    cleaned = em.parse_lines(out, "e820:")
    assert (0x2000000, 0x100000, em.ACPI) in cleaned
    # the usable half-frame at the very top overlaps QEMU's reserved tail:
    # reserved wins, so the cleaned map is the firmware's with the ACPI hole
    assert cleaned == em.clean(em.parse_lines(out, "user:"))
    assert [e for e in cleaned if e[0] <= 0x7fff800 < e[0] + e[1]] == [
        (0x7fe0000, 0x20000, em.RESERVED)]
    check_zones(k, cleaned)
    k.halt()


def kernel_image():
    """The image's physical [start, end), from the ELF's symbols."""
    out = subprocess.run(["nm", ELF], check=True, capture_output=True,
                         text=True).stdout
    sym = {m.group(2): int(m.group(1), 16) - 0xc0000000
           for m in re.finditer(r"^([0-9a-f]+) \w (__kernel_(?:start|end))$",
                                out, re.M)}
    return sym["__kernel_start"], sym["__kernel_end"]


IMAGE_LINE = re.compile(
    r"e820: the map leaves (\d+) of the (\d+) frames of the kernel image "
    r"\[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] outside usable RAM: "
    r"mapped and reserved all the same")


@pytest.mark.parametrize("cmdline,outside", [
    ("memmap=2M$1M", "all"),                       # the whole image reserved
    ("memmap=4K$0x101000", 1),                     # one frame of text
    ("memmap=exactmap memmap=640K@0", "all"),      # RAM below 640 KiB only
    ("memmap=1M", "all"),                          # as mem=1M
    ("memmap=4K$0x1d0000", 1),                     # a frame of .bss
    ("LAST", 1),                                   # the image's last frame
])
def test_map_without_kernel_image(boot, cmdline, outside):
    """A map that leaves (part of) the kernel image out of usable RAM is
    reported in one line; the image stays mapped and reserved, the rest
    of the map is taken as given, and the kernel works on it."""
    start, end = kernel_image()
    if cmdline == "LAST":
        cmdline = f"memmap=4K${end - PAGE:#x}"
    elif "0x1d0000" in cmdline:
        assert start <= 0x1d0000 < end - PAGE   # still inside the image
    k = boot(mem="128M", method="elf", cmdline=cmdline)
    lines = IMAGE_LINE.findall(k.boot_log)
    frames = (end - start + PAGE - 1) // PAGE
    assert lines == [(str(frames if outside == "all" else outside),
                      str(frames), f"{start:016x}", f"{end - 1:016x}")]
    out = k.cmd("e820")
    cleaned = em.parse_lines(out, "e820:")
    user = em.parse_lines(out, "user:")
    assert cleaned == em.clean(user)      # the options applied as given
    memmap = k.cmd("memmap")
    assert "kernel image" in memmap
    check_zones(k, cleaned)
    # below 1 MiB of RAM the buddy and fork cases find no room; these run
    for group in ("bootmem", "vmm"):
        st = k.cmd(f"selftest {group}")
        assert re.search(r"\b[1-9]\d* passed, 0 failed", st), st
    k.halt()


def test_map_with_image_needs_no_line(boot):
    """The firmware's own map holds the image: no such line."""
    k = boot(mem="128M", method="elf", cmdline="memmap=4K$0x2000000")
    assert not IMAGE_LINE.search(k.boot_log)
    k.halt()


def test_many_memmap_ranges(boot):
    """130 one-frame holes in RAM boot (memblock holds whatever ranges the
    parser accepts); past the map's 160 entries each option is refused
    with its name, and the boot goes on."""
    holes = [0x1000000 + i * 0x10000 for i in range(170)]
    opts = [f"memmap=4K${a:#x}" for a in holes]
    k = boot(mem="128M", method="elf", cmdline=" ".join(opts[:130]))
    out = k.cmd("e820")
    assert "user-defined physical RAM map (130 memmap= options):" in out
    cleaned = em.parse_lines(out, "e820:")
    assert len([e for e in cleaned if e[2] == em.USABLE]) == 132
    check_zones(k, cleaned)
    k.halt()
    k = boot(mem="128M", method="elf", cmdline=" ".join(opts))
    firmware = len(em.parse_lines(k.boot_log, "BIOS-e820:"))
    fit = 160 - firmware
    refused = re.findall(r"e820: memmap=(\S+): no room in the map, ignored",
                         k.boot_log)
    assert refused == [o[len("memmap="):] for o in opts[fit:]]
    out = k.cmd("e820")
    assert f"user-defined physical RAM map ({fit} memmap= options):" in out
    check_zones(k, em.parse_lines(out, "e820:"))
    k.halt()
