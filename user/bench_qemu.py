#!/usr/bin/python3
"""make bench-qemu: boot kmem386 with a deterministic clock (-icount
shift=0: one TSC cycle per guest instruction), run faultbench and print
its figures against the targets of the performance plan."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests",
                                "qemu"))
from kmem import Kernel  # noqa: E402

TARGETS = {"demand-zero": 1940, "zero-page": 600, "cow-copy": 2790,
           "cow-reuse": 630, "fork-exit-wait": 137000, "brk-touch": 1930}

k = Kernel(mem="256M", cpu="pentium3",
           extra=("-icount", "shift=0,sleep=off",
                  "-rtc", "base=2024-01-01T00:00:00,clock=vm"))
try:
    out = k.cmd("run faultbench")
    k.halt()
finally:
    k.kill()
print(out, end="")
bad = 0
for name, target in TARGETS.items():
    m = re.search(rf"faultbench: {name} (\d+)", out)
    if not m:
        print(f"bench-qemu: no figure for {name}")
        bad += 1
        continue
    v = int(m.group(1))
    print(f"bench-qemu: {name:15s} {v:8d} instructions (target <= {target}) "
          f"{'ok' if v <= target else 'OVER'}")
sys.exit(1 if bad or "PASS" not in out else 0)
