"""E820 maps for the QEMU tests: reading tests/data, a reference cleaner,
and the memmap= command line that makes the kernel boot on a given map.

The reference cleaner works on elementary intervals between all entry
boundaries (no sweep, no cleverness): each interval gets the most
restrictive type among the entries covering it, then equal neighbours
merge, except type-12 persistent memory, which Linux never merges (type 7
merges with its own kind).  It is what
the kernel's mm/e820.c must agree with.  The reference memmap= applier
follows Linux's parse_memmap_one() in command-line order.
"""
import os
import re

DATA = os.path.join(os.path.dirname(__file__), "..", "data")

USABLE, RESERVED, ACPI, NVS, UNUSABLE, PMEM, PERSISTENT = 1, 2, 3, 4, 5, 7, 12
NAMES = {"usable": USABLE, "reserved": RESERVED, "ACPI data": ACPI,
         "ACPI NVS": NVS, "unusable": UNUSABLE}
RANK = {USABLE: 1, ACPI: 2, NVS: 3, RESERVED: 4, UNUSABLE: 5, PMEM: 6,
        PERSISTENT: 7}
GIB4 = 1 << 32
PAGE = 4096
DMA_PFN, LOWMEM_PFN = 0x1000, 0x38000

NEW = re.compile(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (.+?)\s*$")
OLD = re.compile(r"BIOS-e820: ([0-9a-f]+) - ([0-9a-f]+) \((.+?)\)\s*$")


def type_of(name):
    m = re.match(r"(?:persistent \()?type (\d+)\)?$", name)
    return int(m.group(1)) if m else NAMES[name]


def load(name):
    """The map of tests/data/NAME.txt as (addr, size, type) tuples."""
    out = []
    with open(os.path.join(DATA, name + ".txt")) as f:
        for line in f:
            m = NEW.search(line)
            if m:
                a, last = int(m.group(1), 16), int(m.group(2), 16)
                out.append((a, last - a + 1, type_of(m.group(3))))
                continue
            m = OLD.search(line)
            if m:
                a, end = int(m.group(1), 16), int(m.group(2), 16)
                out.append((a, end - a, type_of(m.group(3))))
    return out


def clean(entries):
    """Reference cleaning: [(addr, size, type)] sorted, disjoint, merged."""
    ents = []
    for a, s, t in entries:
        if s == 0:
            continue
        t = t if t in RANK else RESERVED
        end = a + s
        if end > 1 << 64:
            if t == USABLE:
                continue
            end = 1 << 64
        ents.append((a, end, t))
    points = sorted({p for a, e, _ in ents for p in (a, e)})
    out = []
    for lo, hi in zip(points, points[1:]):
        cover = [t for a, e, t in ents if a <= lo and hi <= e]
        if not cover:
            continue
        t = max(cover, key=lambda x: RANK[x])
        if (out and out[-1][2] == t and out[-1][0] + out[-1][1] == lo and
                t != PERSISTENT):
            out[-1] = (out[-1][0], out[-1][1] + hi - lo, t)
        else:
            out.append((lo, hi - lo, t))
    return out


SUFFIX = {"k": 10, "m": 20, "g": 30}
SEPARATOR = {"@": USABLE, "$": RESERVED, "#": ACPI, "!": PERSISTENT}


def memparse(text):
    """A memmap= number: 0x-hex, 0-octal or decimal, then K, M or G."""
    m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|0[0-7]+|[0-9]+)([kKmMgG]?)", text)
    v = int(m.group(1), 0) if not re.fullmatch(r"0[0-7]+", m.group(1)) \
        else int(m.group(1), 8)
    return v << SUFFIX.get(m.group(2).lower(), 0)


def apply_memmap(entries, values):
    """The map after memmap= values (each may hold comma-separated items),
    in order, as Linux applies them: exactmap empties the map, SIZE@ADDR,
    SIZE$ADDR, SIZE#ADDR and SIZE!ADDR append, and SIZE alone removes the
    usable RAM at and above SIZE from the entries there are so far."""
    out = list(entries)
    for value in values:
        for item in value.split(","):
            if item == "exactmap":
                out = []
                continue
            m = re.fullmatch(r"([^@$#!]+)(?:([@$#!])(.+))?", item)
            size = memparse(m.group(1))
            if m.group(2):
                out.append((memparse(m.group(3)), size, SEPARATOR[m.group(2)]))
                continue
            cut = []
            for a, s, t in out:
                if t == USABLE:
                    if a >= size:
                        continue
                    s = min(s, size - a)
                cut.append((a, s, t))
            out = cut
    return out


def usable_pfns(cleaned):
    """Usable frames below 4 GiB, whole frames only, as [start, end) pairs."""
    out = []
    for a, s, t in cleaned:
        if t != USABLE or a >= GIB4:
            continue
        start = -(-a // PAGE)
        end = min(a + s, GIB4) // PAGE
        if start < end:
            out.append((start, end))
    return out


def zone_of(pfn):
    return 0 if pfn < DMA_PFN else 1 if pfn < LOWMEM_PFN else 2


def zone_present(ranges):
    """Frames per zone (DMA, Normal, HighMem) and each zone's [first, last+1)."""
    present, span = [0, 0, 0], [None, None, None]
    bounds = [(0, DMA_PFN), (DMA_PFN, LOWMEM_PFN), (LOWMEM_PFN, 1 << 32)]
    for z, (zlo, zhi) in enumerate(bounds):
        for s, e in ranges:
            lo, hi = max(s, zlo), min(e, zhi)
            if lo >= hi:
                continue
            present[z] += hi - lo
            span[z] = (span[z][0] if span[z] else lo, hi)
    return present, span


def cut_to_ram(entries, ram_top):
    """Usable RAM below 4 GiB cut at ram_top (what QEMU really has);
    reserved ranges and RAM above 4 GiB (dropped anyway) stay."""
    out = []
    for a, s, t in entries:
        if t == USABLE and a < GIB4:
            end = min(a + s, ram_top)
            if a >= end:
                continue
            s = end - a
        out.append((a, s, t))
    return out


def as_memmap(entries):
    """The memmap= words for a map, and the map the kernel will see
    (memmap= knows only usable, reserved and ACPI data: the other types
    are passed as reserved)."""
    words, seen = ["memmap=exactmap"], []
    for a, s, t in entries:
        if t == USABLE:
            sep = "@"
        elif t == ACPI:
            sep = "#"
        else:
            sep, t = "$", RESERVED
        words.append(f"memmap={s:#x}{sep}{a:#x}")
        seen.append((a, s, t))
    return " ".join(words), seen


LINE = re.compile(r"^(\S+) \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.+)$", re.M)


def parse_lines(text, prefix):
    """The "<prefix> [mem ...] type" lines of a console text."""
    out = []
    for m in LINE.finditer(text.replace("\r", "")):
        if m.group(1) != prefix:
            continue
        a, last = int(m.group(2), 16), int(m.group(3), 16)
        out.append((a, last - a + 1, type_of(m.group(4))))
    return out


ZONE = re.compile(r"^Zone (\S+)\s+pfn \[0x([0-9a-f]+), 0x([0-9a-f]+)\) "
                  r"present (\d+) managed (\d+) free (\d+)$", re.M)


def parse_zones(meminfo):
    """kmeminfo's zone lines: name -> (start, end, present, managed, free)."""
    return {m.group(1): (int(m.group(2), 16), int(m.group(3), 16),
                         int(m.group(4)), int(m.group(5)), int(m.group(6)))
            for m in ZONE.finditer(meminfo.replace("\r", ""))}


BOX_AT = re.compile(r"^0x([0-9a-f]{9}) \+-+\+$")
BOX = re.compile(r"^ +\| (\S+) +(\S*) +(.*?) *\| ")


def reserved_pfns(memmap_text):
    """Frames of usable RAM that `memmap` shows held by a boot reservation
    (not those given back to the buddy allocator since)."""
    lines = memmap_text.split("\n")
    starts, boxes = [], []
    for i, line in enumerate(lines):
        m = BOX_AT.match(line)
        if not m:
            continue
        starts.append(int(m.group(1), 16))
        b = BOX.match(lines[i + 1]) if i + 1 < len(lines) else None
        boxes.append(b.groups() if b else None)
        if int(m.group(1), 16) == GIB4:
            break
    held = set()
    for (start, end), box in zip(zip(starts, starts[1:]), boxes):
        if (box and box[0] == "usable" and box[2] != "free" and
                not box[2].endswith("(given back)")):
            held.update(range(start // PAGE, -(-end // PAGE)))
    return held
