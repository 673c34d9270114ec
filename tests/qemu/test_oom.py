"""The out-of-memory killer in QEMU: two memory hogs of different sizes
and a small worker run side by side (`run A & B & C`) on a machine too
small for both hogs. When the second hog's faults find no frame, the
killer takes the largest process, the first hog, though it is not the
one that faulted, with Linux's line; the second hog and the worker go
on, the worker prints its result, and afterwards every zone's free count
is back at its baseline and nothing is left (the hogs' System V board
included)."""
import math
import re

import pytest

from test_proc import LEFT_ZERO, OOM_KILLED, SEGFAULT, vmstat

WORK_MIB = 2


def work_sum(mib):
    """The sum oomhog's worker prints: bytes (i * 7 + (i >> 12)) & 0xff."""
    n = mib << 20
    return sum((i * 7 + (i >> 12)) & 0xff for i in range(n)) & 0xffffffff


# (32M on 4 CPUs: the victim may be running on another CPU when chosen;
# it ends there, at its next return to ring 3)
@pytest.mark.parametrize("mem,smp", [("16M", None), ("32M", None),
                                     ("128M", None), ("32M", 4)])
def test_largest_hog_is_killed(boot, mem, smp):
    k = boot(mem=mem, **({"method": "elf", "cpu": "pentium3", "smp": smp}
                         if smp else {}))
    base = vmstat(k)
    free_mib = base["nr_free_pages"] * 4096 / (1 << 20)
    # each alone fits (and passes mmap's check), the two together do not
    # (rounded up: 60 % + 50 % of what is free, whatever the slack); the
    # smaller one and the worker fit once the larger is gone
    big, small = math.ceil(free_mib * 0.6), math.ceil(free_mib * 0.5)
    out = k.cmd(f"run oomhog 0 3 {big} & oomhog 1 3 {small} & "
                f"oomhog 2 3 {WORK_MIB}")
    after = vmstat(k)
    held = dict((int(mib), int(pid)) for pid, mib in
                re.findall(r"oomhog: pid (\d+) holds (\d+) MiB", out))
    assert set(held) == {big, small}, out
    kills = OOM_KILLED.findall(out)
    assert len(kills) == 1, out
    pid, name, total_vm, anon, shmem, pgtables = kills[0]
    assert int(pid) == held[big] and name == "oomhog", out
    assert int(anon) >= big * 1024 and int(total_vm) >= int(anon), out
    # one 4 KiB page table per 4 MiB of the hog at least
    assert int(shmem) == 4 and int(pgtables) >= 4 * (big // 4), out
    # the killer's line comes after the big hog held its memory and
    # before the small hog could hold all of its own
    assert out.index(f"holds {big} MiB") < out.index("Out of memory") < \
        out.index(f"holds {small} MiB"), out
    m = re.search(r"oomhog: pid \d+ worked on 2 MiB, sum (\d+)", out)
    assert m and int(m.group(1)) == work_sum(WORK_MIB), out
    assert out.count("oomhog exited with status 0") == 2, out
    assert not SEGFAULT.search(out), out
    assert after["oom_kill"] - base["oom_kill"] == 1
    for key in base:
        if key.startswith("nr_free_"):
            assert after[key] == base[key], (key, base[key], after[key])
    for key in LEFT_ZERO + ("nr_shmem",):
        assert after[key] == 0, (key, after[key])
    assert not re.search(r"^0x", k.cmd("ipcs"), re.M)
    k.halt()
