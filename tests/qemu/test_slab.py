"""QEMU tests of the slab layer and kmalloc.

- `selftest slab` passes every case on a spread of matrix cells (the
  smallest and largest memory, each CPU once, and with slab_debug), and the
  debug cases print the exact report lines;
- `slabinfo` has Linux's /proc/slabinfo 2.1 format to the column;
- `stress slab N SEED` passes on every memory size and gives every frame
  back (the buddy free counts are the same before and after);
- `slab_debug` on the command line turns debug on for every cache;
- `kmeminfo` carries the kmalloc waste lines;
- on 4 CPUs every cache without debug has a magazine per CPU and a depot
  (kmem_cache_cpu's objects), and selftest, a stress run on every CPU and
  processes on every CPU leave every count where it was.
"""
import re

import pytest

from kmem import MEMS
from test_proc import run

SELFTEST_CASES = 9
SLABINFO_HEADER = [
    "slabinfo - version: 2.1",
    "# name            <active_objs> <num_objs> <objsize> <objperslab> "
    "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
    "slabdata <active_slabs> <num_slabs> <sharedavail>",
]
# "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu"
SLABINFO_LINE = re.compile(
    r"^(\S.{16}|\S{17,}) ([ \d]{5}\d) ([ \d]{5}\d) ([ \d]{5}\d) ([ \d]{3}\d) "
    r"([ \d]{3}\d) : tunables ([ \d]{3}\d) ([ \d]{3}\d) ([ \d]{3}\d) : "
    r"slabdata ([ \d]{5}\d) ([ \d]{5}\d) ([ \d]{5}\d)$")
KMALLOC = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192]
ADDR = r"0x[0-9a-f]{8}"


def caller(fn):
    """A report's caller as %pS names it, inside the function @fn."""
    return rf"{fn}\+0x[0-9a-f]+/0x[0-9a-f]+"


def slabinfo(k):
    """{name: (active, num, objsize, per_slab, pages, active_slabs, slabs)}."""
    lines = k.cmd("slabinfo").splitlines()
    assert lines[:2] == SLABINFO_HEADER, lines[:2]
    caches = {}
    for line in lines[2:]:
        m = SLABINFO_LINE.match(line)
        assert m, f"not a /proc/slabinfo line: {line!r}"
        name = m.group(1).rstrip()
        assert line.startswith(name.ljust(17) + " "), line
        nums = [int(g) for g in m.groups()[1:]]
        assert nums[5:8] == [0, 0, 0] and nums[10] == 0, line
        caches[name] = tuple(nums[0:5] + nums[8:10])
    return caches


@pytest.mark.parametrize("mem,cpu,cmdline", [
    ("16M", "486", ""),
    ("128M", "qemu32", ""),
    ("1G", "pentium", "slab_debug"),
    ("3584M", "pentium3", ""),
])
def test_selftest_slab(boot, mem, cpu, cmdline):
    k = boot(mem=mem, cpu=cpu, cmdline=cmdline)
    out = k.cmd("selftest slab")
    lines = out.splitlines()
    fails = [l for l in lines if l.startswith("FAIL")]
    assert not fails, out
    assert len([l for l in lines if l.startswith("PASS slab.")]) == SELFTEST_CASES, out
    assert lines[-1] == f"{SELFTEST_CASES} passed, 0 failed", out
    # the debug cases' reports, one line each, exactly
    for what, off, found in [
            ("red zone overwritten", "60", "41 bb bb bb bb bb bb bb"),
            ("red zone overwritten", "-1", "00"),
            ("double free", "-8", "cc cc cc cc cc cc cc cc"),
            ("use after free", "7", "00 6b 6b 6b 6b 6b 6b 6b")]:
        pat = (rf"^slab: {what} in cache selftest-debug: object {ADDR} "
               rf"offset {off} bytes {found} "
               rf"\(caller {caller('debug_misuse_case')}\)$")
        assert len(re.findall(pat, out, re.M)) == 1, (pat, out)
    assert re.search(rf"^slab: free of an object of cache selftest-debug in "
                     rf"cache selftest-other: object {ADDR} offset 0 bytes - "
                     rf"\(caller {caller('debug_misuse_case')}\)$", out,
                     re.M), out
    assert re.search(rf"^slab: kmem_cache_destroy of cache selftest-live "
                     rf"refused: 1 objects still live "
                     rf"\(caller {caller('selftest_slab_shrink_and_destroy')}\)$",
                     out, re.M), out
    assert len(re.findall(r"^kmalloc: kfree of a foreign pointer ", out,
                          re.M)) == 3, out
    assert k.cmd("slabstat").splitlines()[-1] == "slab: check ok (0 violations)"
    k.halt()


def test_slabinfo_format(boot):
    k = boot(mem="128M")
    caches = slabinfo(k)
    for size in KMALLOC:
        name = f"kmalloc-{size}"
        assert name in caches, caches
        active, num, objsize, per, pages, aslabs, slabs = caches[name]
        assert objsize == size            # no debug: no red zones
        assert active <= num == per * slabs
        assert aslabs <= slabs
        # waste per slab at most 1/8
        assert (pages * 4096 - per * objsize) * 8 <= pages * 4096, name
    assert "kmem_cache" in caches
    k.halt()


def test_slab_debug_from_command_line(boot):
    k = boot(mem="128M", cmdline="slab_debug")
    assert "slab: 13 kmalloc caches, 8..8192 bytes, debug on" in k.boot_log
    caches = slabinfo(k)
    for size in KMALLOC:
        # 8-byte red zones on both sides, the 4-byte last-free word after them
        assert caches[f"kmalloc-{size}"][2] >= size + 20, caches
    out = k.cmd("selftest slab")
    assert "PASS slab.boot_debug_flag" in out
    k.halt()
    k = boot(mem="128M")
    assert "slab: 13 kmalloc caches, 8..8192 bytes, debug off" in k.boot_log
    k.halt()


@pytest.mark.parametrize("mem", MEMS)
def test_stress_slab_gives_everything_back(boot, mem):
    k = boot(mem=mem)
    # a first short run shrinks the caches the boot left, so buddyinfo
    # afterwards is the state every later run must come back to
    assert k.cmd("stress slab 100 1").splitlines()[-1] == "stress slab: ok"
    before = k.cmd("buddyinfo")
    out = k.cmd("stress slab 20000 7")
    assert out.splitlines()[-1] == "stress slab: ok", out
    m = re.search(r"^stress slab: 20000 ops seed 7: (\d+) allocs, (\d+) frees, "
                  r"(\d+) reallocs, (\d+) refused for lack of memory, "
                  r"(\d+) checks, (\d+) frames released by shrink$", out, re.M)
    assert m, out
    allocs, frees = int(m.group(1)), int(m.group(2))
    assert allocs == frees and allocs > 5000, out
    zones = re.findall(r"^stress slab: zone (\S+) free (\d+) before, (\d+) after$",
                       out, re.M)
    assert zones and all(b == a for _, b, a in zones), out
    assert k.cmd("buddyinfo") == before
    assert k.cmd("slabstat").splitlines()[-1] == "slab: check ok (0 violations)"
    k.halt()


def test_stress_slab_with_debug(boot):
    k = boot(mem="128M", cmdline="slab_debug")
    out = k.cmd("stress slab 10000 99")
    assert out.splitlines()[-1] == "stress slab: ok", out
    assert "slab:" not in out.replace("stress slab:", ""), out
    k.halt()


def test_kmeminfo_kmalloc_lines(boot):
    k = boot(mem="128M")
    k.cmd("stress slab 2000 3")
    out = k.cmd("kmeminfo")
    req = re.search(r"^KmallocRequested:( *)(\d+) kB$", out, re.M)
    waste = re.search(r"^KmallocWaste:( *)(\d+) kB$", out, re.M)
    assert req and waste, out
    assert len("KmallocWaste:" + waste.group(1) + waste.group(2)) == 16 + 8
    assert int(req.group(2)) > 0
    assert re.search(r"^Slab:\s+\d+ kB$", k.cmd("meminfo"), re.M), out
    k.halt()


BOOT_CACHES = ("kmem_cache", "kmem_slab", "kmem_cache_cpu")


@pytest.mark.parametrize("cmdline", ["", "slab_debug"])
def test_magazines_on_every_cpu(boot, cmdline):
    """Each cache without debug has CPUs + 1 magazines (the depot's too);
    objects in magazines count as free, so after selftest, stress on every
    CPU and eight forktrees every cache's active objects are what they
    were, and the checker finds nothing (shrink and stress have fetched
    the other CPUs' magazines by their kick)."""
    n = 4
    k = boot(method="elf", mem="128M", cpu="pentium3", smp=n,
             cmdline=cmdline)
    before = slabinfo(k)
    served = [c for c in before if c not in BOOT_CACHES]
    if cmdline:
        assert "kmem_cache_cpu" not in before, before
    else:
        assert before["kmem_cache_cpu"][0] == len(served) * (n + 1), before
    out = k.cmd("selftest slab")
    assert out.splitlines()[-1] == f"{SELFTEST_CASES} passed, 0 failed", out
    out = k.cmd("stress slab 20000 7 all", timeout=600)
    assert out.splitlines()[-1] == "stress slab: ok", out
    assert "did not" not in out, out
    out, _ = run(k, "-n 8 forktree", timeout=600)
    assert out.count("forktree exited with status 0") == 8, out
    k.cmd("stress slab 100 1")          # shrinks every cache, asks every CPU
    after = slabinfo(k)
    for name in served:
        assert after[name][0] == before[name][0], (name, before, after)
    assert k.cmd("slabstat").splitlines()[-1] == \
        "slab: check ok (0 violations)"
    k.halt()
