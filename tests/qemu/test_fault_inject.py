"""Fault injection (`fault`, fail_page_alloc=, failslab=) in the kernel.

- Under injected page and slab failures at three rates, `selftest`, every
  user program that ends by itself and `stress buddy` / `stress slab` end without a panic; each
  failure surfaces as a refusal, -ENOMEM or a clean kill, and after
  `fault off` every zone's nr_free_* is back at its baseline.
- The same seed and the same commands inject the same number of failures.
- Boot options arm injection only once boot is done.
"""
import re

import pytest

# Every program that ends by itself (spin, flood and forkbomb run until a
# Ctrl-C; test_console.py drives them), segv in each of its ways to die.
PROGRAMS = ("hello", "cowtest", "forktree", "zerotest", "oomtest",
            "fputest", "faultbench", "layout", "mmaptest", "segv null",
            "segv unmapped",
            "segv text", "segv rodata", "segv kread", "segv kwrite",
            "segv guard", "segv readonly")
RATES = (("1", "1"), ("10", "3"), ("50", "1"))     # (P, N)


def vmstat(k):
    out = k.cmd("vmstat")
    return {n: int(v) for n, v in re.findall(r"^(\w+) (\d+)$", out, re.M)}


def free_counts(k):
    # stress slab shrinks every cache first and gives back what it took
    assert k.cmd("stress slab 100 1").splitlines()[-1] == "stress slab: ok"
    return {n: v for n, v in vmstat(k).items() if n.startswith("nr_free_")}


def workload(k):
    outs = [k.cmd("selftest")]
    for prog in PROGRAMS:
        outs.append(k.cmd("run " + prog))
    outs.append(k.cmd("stress buddy 3000 5"))
    outs.append(k.cmd("stress slab 3000 5"))
    return "\n".join(outs)


def injected(k):
    out = k.cmd("fault")
    return {kind: int(n) for kind, n in
            re.findall(r"^(page|slab) calls=\d+ injected=(\d+)$", out, re.M)}


def test_workload_under_injection(boot):
    # a fixed layout, so that a seed hits the same allocations every run
    # (user page tables and stack pages depend on the layout)
    k = boot(mem="128M", cmdline="norandmaps")
    workload(k)                                 # caches to steady state
    base = free_counts(k)
    for p, n in RATES:
        k.cmd(f"fault page {p} {n} -1 {p}{n}")
        k.cmd(f"fault slab {p} {n} -1 {n}{p}")
        out = workload(k)
        assert "PANIC" not in out, out
        k.cmd("fault off")
        counts = injected(k)
        assert counts["page"] > 0 and counts["slab"] > 0, (p, n, counts)
        assert free_counts(k) == base, (p, n, out)
    assert "0 failed" in k.cmd("selftest")
    k.halt()


def test_same_seed_same_failures(boot):
    k = boot(mem="128M")
    seen = []
    for _ in range(2):
        before = injected(k)
        k.cmd("fault page 20 1 -1 4242 zone=Normal order=0")
        k.cmd("stress buddy 2000 9")
        k.cmd("fault off")
        after = injected(k)
        seen.append(after["page"] - before["page"])
    assert seen[0] == seen[1] and seen[0] > 0, seen
    k.halt()


def test_filters_and_times(boot):
    k = boot(mem="128M")
    out = k.cmd("fault slab 100 1 3 1 cache=kmalloc-64")
    assert "slab probability=100 interval=1 times=3 seed=1 cache=kmalloc-64" in out, out
    out = k.cmd("stress slab 2000 3")
    assert out.splitlines()[-1] == "stress slab: ok", out
    out = k.cmd("fault")
    assert re.search(r"^slab calls=\d+ injected=3$", out, re.M), out
    assert re.search(r"^page calls=0 injected=0$", out, re.M), out
    assert "fault usage" not in k.cmd("fault off slab")
    assert "usage: fault" in k.cmd("fault page 101 1 -1")
    assert "usage: fault" in k.cmd("fault page 10 1 -1 7 zone=Nowhere")
    k.halt()


def test_boot_options(boot):
    k = boot(mem="128M", cmdline="fail_page_alloc=5,2,-1,77 failslab=3,1,10")
    assert "page probability=5 interval=2 times=-1 seed=77" in k.boot_log, \
        k.boot_log
    out = k.cmd("fault")
    assert "slab probability=3 interval=1 times=10 seed=0" in out, out
    # nothing injected during boot: the counters start at zero
    assert "page calls=0 injected=0\r" in k.boot_log, k.boot_log
    k.cmd("fault off")
    k.halt()
