"""QEMU tests of the buddy allocator across the boot matrix.

- `selftest buddy` passes every case on every memory size and CPU;
- `buddyinfo` has Linux's /proc/buddyinfo format to the column, the zones
  the memory size implies, and agrees with `buddystat`'s free counts;
- `stress buddy N SEED` passes, and afterwards `buddyinfo` is exactly what
  it was before (the run gave every frame back, fully coalesced).
"""
import re

import pytest

from kmem import CPUS, MEMS

BUDDYINFO_LINE = re.compile(r"^Node 0, zone ([ A-Za-z]{8}) ((?:[ \d]{6} ){11})$")
SELFTEST_CASES = 10


def buddyinfo(k):
    """{zone: [11 counts]} from `buddyinfo`, checking every line's form."""
    zones = {}
    for line in k.cmd("buddyinfo").splitlines():
        m = BUDDYINFO_LINE.match(line)
        assert m, f"not a /proc/buddyinfo line: {line!r}"
        name = m.group(1)
        assert name == name.strip().rjust(8), f"zone name not right-aligned: {line!r}"
        fields = [m.group(2)[i * 7:i * 7 + 6] for i in range(11)]
        for f in fields:
            assert f == f.strip().rjust(6), f"count not right-aligned: {line!r}"
        zones[name.strip()] = [int(f) for f in fields]
    return zones


def expected_zones(mem):
    mib = int(mem[:-1]) * (1024 if mem.endswith("G") else 1)
    if mib <= 16:
        return ["DMA"]
    if mib <= 896:
        return ["DMA", "Normal"]
    return ["DMA", "Normal", "HighMem"]


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("mem", MEMS)
def test_selftest_buddy(boot, mem, cpu):
    k = boot(mem=mem, cpu=cpu)
    out = k.cmd("selftest buddy")
    lines = out.splitlines()
    fails = [l for l in lines if l.startswith("FAIL")]
    assert not fails, out
    assert len([l for l in lines if l.startswith("PASS buddy.")]) == SELFTEST_CASES, out
    assert lines[-1] == f"{SELFTEST_CASES} passed, 0 failed", out
    # the misuse case's refusals are reported, one line each
    assert re.search(r"^buddy: double free of pfn 0x[0-9a-f]+ order 0 in zone "
                     r"\w+ \(caller selftest_buddy_misuse_refused"
                     r"\+0x[0-9a-f]+/0x[0-9a-f]+\)$", out, re.M), out
    assert re.search(r"^buddy: free of pfn 0x[0-9a-f]+ order 0 outside every "
                     r"zone \(caller selftest_buddy_misuse_refused"
                     r"\+0x[0-9a-f]+/0x[0-9a-f]+\)$", out, re.M), out
    k.halt()


@pytest.mark.parametrize("mem", MEMS)
def test_buddyinfo_matches_zones(boot, mem):
    k = boot(mem=mem)
    info = buddyinfo(k)
    assert list(info) == expected_zones(mem)
    stat = k.cmd("buddystat")
    for name, counts in info.items():
        m = re.search(rf"^zone {name:<7} pfns \S+ present \d+ managed (\d+) free (\d+)$",
                      stat, re.M)
        assert m, stat
        managed, free = int(m.group(1)), int(m.group(2))
        assert sum(c << o for o, c in enumerate(counts)) == free
        assert 0 < free <= managed
    k.halt()


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("mem", MEMS)
def test_stress_buddy_restores_buddyinfo(boot, mem, cpu):
    k = boot(mem=mem, cpu=cpu)
    before = k.cmd("buddyinfo")
    out = k.cmd("stress buddy 20000 7")
    assert "stress buddy: ok" in out, out
    m = re.search(r"^stress buddy: 20000 ops seed 7: (\d+) allocs, (\d+) frees", out, re.M)
    assert m and int(m.group(1)) == int(m.group(2)) > 1000, out
    for z in re.findall(r"^stress buddy: zone \w+ free (\d+) before, (\d+) after$", out, re.M):
        assert z[0] == z[1], out
    assert k.cmd("buddyinfo") == before
    # a second seed, then selftest: still exactly the boot-time numbers
    assert "stress buddy: ok" in k.cmd("stress buddy 5000 12345")
    assert k.cmd("selftest buddy").splitlines()[-1].endswith(" 0 failed")
    assert k.cmd("buddyinfo") == before
    k.halt()


def test_stress_usage(boot):
    k = boot(mem="128M")
    assert "usage: stress buddy [N [SEED [all]]]" in k.cmd("stress buddy 12x")
    # the fourth word, if any, is "all"
    assert "usage: stress buddy [N [SEED [all]]]" in \
        k.cmd("stress buddy 10 1 every")
    assert "usage: stress buddy [N [SEED [all]]]" in \
        k.cmd("stress buddy 10 1 all more")
    assert "stress: no subsystem 'nope'" in k.cmd("stress nope")
    k.halt()
