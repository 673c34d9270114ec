"""Soak: rounds of random user programs, random ring-3 system calls
(ufuzz), a fork bomb ended by Ctrl-C, out
of memory (oomtest, oomtest fork) and the buddy and slab stress loops, at
16 MiB and at 1 GiB, and on 4 CPUs (multi-threaded TCG: the virtual CPUs
run at once) with programs eight at a time, tlbtest and the stress loops
on every CPU besides. After every round the free frames of every zone must
be what they were after boot, and no process, address space, region, user
frame, page table or slab page may be left.

SOAK_MINUTES (`make test-soak MINUTES=N`) runs rounds for N minutes on
each memory size; without it (the normal QEMU run) each size runs one
short round. The long run is marked `soak`. SOAK_SEED picks the round's
programs and stress seeds (printed, to replay a failure)."""
import os
import random
import re
import time

import pytest

from test_console import expect, send_ctrl_c
from test_proc import (LEFT_ZERO, SEGV_MODES, check_program, check_segv,
                       check_ufuzz, vmstat)

MINUTES = float(os.environ.get("SOAK_MINUTES", "0") or 0)
SEED = int(os.environ.get("SOAK_SEED", "0") or 0) or random.randrange(1 << 30)

# programs that run to an end by themselves, with their own checks
PROGRAMS = ["hello", "cowtest", "zerotest", "forktree", "fputest"]
# stress operations per round, per loop
STRESS_OPS = 20000


def check_round(k, base, what):
    """Nothing of the round may be left: free counts as after boot."""
    now = vmstat(k)
    for key in base:
        if key.startswith("nr_free_"):
            assert now[key] == base[key], \
                f"{what}: {key} {base[key]} -> {now[key]}\n{k.log[-4000:]}"
    for key in LEFT_ZERO:
        assert now[key] == 0, f"{what}: {key} = {now[key]}"
    for key in ("nr_page_table", "nr_slab"):
        assert now[key] == base[key], \
            f"{what}: {key} {base[key]} -> {now[key]}"


def random_programs(k, rng, mem, n, smp):
    for _ in range(n):
        if rng.random() < 0.3:
            check_segv(k, rng.choice(sorted(SEGV_MODES)))
        else:
            check_program(k, rng.choice(PROGRAMS), mem,
                          "pentium3" if smp else "qemu32", not smp)


def fork_bomb(k):
    k._type("run forkbomb\r")
    expect(k, "forkbomb: fork refused", 300)
    time.sleep(0.5)
    send_ctrl_c(k)
    expect(k, "run: forkbomb interrupted", 60)
    k._expect_prompt(60)


def out_of_memory(k):
    out = k.cmd("run oomtest")
    assert re.search(r"oomtest: refused after \d+ MiB", out), out
    assert "oomtest exited with status 0" in out, out
    out = k.cmd("run oomtest fork")
    assert re.search(r"fork refused \(-12\) after \d+ children", out), out
    assert "oomtest exited with status 0" in out, out


def stress(k, what, seed, where=""):
    out = k.cmd(f"stress {what} {STRESS_OPS} {seed}{where}", timeout=600)
    assert re.search(rf"stress {what}: {STRESS_OPS} ops seed {seed}: ",
                     out) or where, out
    assert f"stress {what}: ok" in out, out


def side_by_side(k, rng, base, n):
    """Eight copies of a program at once, tlbtest, the stress loops on
    every CPU: the rounds' SMP part."""
    prog = rng.choice(["cowtest", "forktree", "fputest"])
    out = k.cmd(f"run -n 8 {prog}", timeout=600)
    assert out.count("PASS") == 8 and "FAIL" not in out, out
    check_round(k, base, f"round {n}: run -n 8 {prog}")
    out = k.cmd("run tlbtest cow 10 & tlbtest unmap 5", timeout=600)
    assert out.count("PASS") == 2 and "FAIL" not in out, out
    check_round(k, base, f"round {n}: tlbtest")
    for what in ("buddy", "slab"):
        stress(k, what, rng.randrange(1, 1 << 30), " all")
        check_round(k, base, f"round {n}: stress {what} all")


def soak_round(k, rng, mem, base, n, smp):
    random_programs(k, rng, mem, 6, smp)
    check_round(k, base, f"round {n}: programs")
    # (at 1 GiB a child's populated MAP_SHARED mapping may zero most of
    # memory: fewer children keep a round within its time)
    check_ufuzz(k, rng.randrange(1, 1 << 30), 200 if mem == "16M" else 50)
    check_round(k, base, f"round {n}: ufuzz")
    fork_bomb(k)
    check_round(k, base, f"round {n}: forkbomb")
    out_of_memory(k)
    check_round(k, base, f"round {n}: oomtest")
    for what in ("buddy", "slab"):
        stress(k, what, rng.randrange(1, 1 << 30))
        check_round(k, base, f"round {n}: stress {what}")
    if smp:
        side_by_side(k, rng, base, n)


def soak(boot, mem, minutes, smp=None):
    rng = random.Random(f"{SEED}-{mem}-{smp}")
    print(f"soak {mem}, {smp or 1} CPUs: seed {SEED}, {minutes} minutes")
    k = boot(mem=mem, **({"method": "elf", "cpu": "pentium3", "smp": smp}
                         if smp else {}))
    base = vmstat(k)
    deadline = time.monotonic() + minutes * 60
    rounds = 0
    while True:
        soak_round(k, rng, mem, base, rounds, smp)
        rounds += 1
        if time.monotonic() >= deadline:
            break
    print(f"soak {mem}, {smp or 1} CPUs: {rounds} rounds")
    k.halt()


@pytest.mark.parametrize("mem,smp", [("16M", None), ("1G", None),
                                     ("16M", 4)])
def test_soak_short(boot, mem, smp):
    soak(boot, mem, 0, smp)


@pytest.mark.soak
@pytest.mark.parametrize("mem,smp", [("16M", None), ("1G", None),
                                     ("16M", 4), ("1G", 4)])
def test_soak(boot, mem, smp):
    soak(boot, mem, MINUTES, smp)
