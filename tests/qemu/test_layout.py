"""User address spaces in QEMU: layout randomisation and the fuller mmap.
Layout: each run of a program
gets its own stack top, mmap base and brk start, each inside its range
(Linux i386: 11 bits of stack pages, 8 bits of mmap pages, brk within
32 MiB of the image), a forked child keeps its parent's layout, and
`norandmaps` gives the fixed layout every time.  mmap: user/mmaptest
exercises hints, MAP_FIXED*, madvise and mremap."""
import re

from test_proc import run

PAGE = 4096
PAGE_OFFSET = 0xC0000000
STACK_MAX = 8 << 20
STACK_GUARD = 1 << 20
STACK_RND, MMAP_RND, BRK_RND = 2048, 256, 8192

LAYOUT = re.compile(r"layout: stack 0x([0-9a-f]{8}) mmap 0x([0-9a-f]{8}) "
                    r"brk 0x([0-9a-f]{8}) end 0x([0-9a-f]{8})")


def layout(k):
    out, d = run(k, "layout")
    assert "PASS" in out and "layout exited with status 0" in out, out
    assert d["fork"] == 1, out
    m = LAYOUT.search(out)
    assert m, out
    stack, mmap, brk, end = (int(g, 16) for g in m.groups())
    image_end = (end + PAGE - 1) & ~(PAGE - 1)
    for base in (stack, mmap, brk):
        assert base % PAGE == 0, out
    # each base inside its range, the ranges apart
    assert PAGE_OFFSET - (STACK_RND - 1) * PAGE <= stack <= PAGE_OFFSET, out
    gap = stack - STACK_MAX - STACK_GUARD
    assert gap - (MMAP_RND - 1) * PAGE <= mmap <= gap, out
    assert image_end <= brk <= image_end + (BRK_RND - 1) * PAGE, out
    assert brk < mmap < stack, out
    return stack, mmap, brk, image_end


def test_layout_random(boot):
    k = boot(mem="128M", method="elf")
    assert "random: layout randomisation on" in k.boot_log, k.boot_log
    runs = [layout(k) for _ in range(6)]
    # six draws of 11, 8 and 13 bits: all equal by chance with
    # probability 2^-55, 2^-40, 2^-65
    for i, name in enumerate(("stack", "mmap", "brk")):
        assert len({r[i] for r in runs}) > 1, (name, runs)
    k.halt()


def test_layout_norandmaps(boot):
    k = boot(mem="128M", method="elf", cmdline="norandmaps")
    assert "random: layout randomisation off (norandmaps)" in k.boot_log
    runs = [layout(k) for _ in range(3)]
    assert len(set(runs)) == 1, runs
    stack, mmap, brk, image_end = runs[0]
    assert stack == PAGE_OFFSET
    assert mmap == PAGE_OFFSET - STACK_MAX - STACK_GUARD
    assert brk == image_end
    k.halt()


def test_mmaptest(boot):
    """mmap hints, MAP_FIXED*, madvise and mremap from ring 3: the
    program checks contents and errnos, run() checks that every zone's
    free count is back where it was and nothing is left behind."""
    k = boot(mem="128M", method="elf")
    for _ in range(2):          # two layouts
        out, d = run(k, "mmaptest")
        assert "PASS" in out and "FAIL" not in out, out
        assert "mmaptest exited with status 0" in out, out
        assert d["fork"] == 1 and d["segfault"] == 0, out
        # MAP_FIXED's zero pages, the advice's and the move's growth
        assert d["pgfault_demand_zero"] >= 6, (d, out)
    k.halt()
