"""Allocation-failure lines under memory pressure: a fork bomb that fills
the machine and spins for seconds prints few `buddy: ... allocation
failed` lines (the user-fault, fork and page-table paths handle their
failures and pass __GFP_NOWARN; any other line is rate limited to a
burst of 10 per 5 s), and Ctrl-C still ends it."""
import math
import re
import time

from test_console import expect, send_ctrl_c

BURST, INTERVAL_S = 10, 5
FAILED = re.compile(r"^buddy: order \d+ allocation failed \(gfp 0x[0-9a-f]+\)",
                    re.M)
SUPPRESSED = re.compile(r"^buddy: (\d+) messages suppressed", re.M)


def test_fork_bomb_prints_few_failure_lines(boot):
    k = boot()
    mark = len(k.log)
    start = time.monotonic()
    k._type("run forkbomb\r")
    expect(k, "forkbomb: fork refused", 300)
    time.sleep(10)                  # every process spinning, some faulting
    send_ctrl_c(k)
    expect(k, "run: forkbomb interrupted", 60)
    k._expect_prompt(60)
    wall = time.monotonic() - start
    out = k.log[mark:].replace("\r", "")
    failed = len(FAILED.findall(out))
    suppressed = sum(int(n) for n in SUPPRESSED.findall(out))
    print(f"forkbomb: {wall:.1f} s, {failed} failure lines, "
          f"{suppressed} suppressed")
    # the guest clock runs no faster than the host's: at most one burst
    # per interval of the wall time, plus the first
    assert failed <= BURST * (1 + math.ceil(wall / INTERVAL_S)), out[-3000:]
    assert "hello from pid" in k.cmd("run hello")
    k.halt()
