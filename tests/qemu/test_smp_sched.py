"""Processes on every CPU (multi-threaded TCG: the virtual CPUs really run
at once): the programs side by side on 2 and 4 CPUs with every free count
back at baseline, processes spread over the CPUs and moving between them,
TLB shootdowns that keep a stale entry from being used on another CPU,
Ctrl-C reaching processes that run on other CPUs (the OOM killer's case
is test_oom.py's, on 4 CPUs as well)."""
import re
import time

import pytest

from test_console import expect, send_ctrl_c, check_nothing_left
from test_proc import SEGFAULT, run, vmstat

CPU_STATS = re.compile(r"^cpu(\d+): .*, online(?:, boot)?, ticks (\d+), "
                       r"ipis (\d+), shootdowns (\d+) sent (\d+) answered "
                       r"\((\d+) pages, (\d+) full, (\d+) lazy\)$", re.M)
PS_LINE = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\w+)\s+(\d+)\s+\d+\s+\d+\s+\d+ "
                     r"(\S+)$", re.M)


def shootdowns(k):
    """{cpu: (sent, answered, pages, full, lazy)} from `cpus`."""
    return {int(m.group(1)): tuple(int(m.group(i)) for i in range(4, 9))
            for m in CPU_STATS.finditer(k.cmd("cpus"))}


def check_ok(out, prog, copies):
    assert out.count("PASS") == copies and "FAIL" not in out, out
    assert out.count(f"{prog} exited with status 0") == copies, out
    assert not SEGFAULT.search(out), out


@pytest.mark.parametrize("n,mem", [(2, "128M"), (4, "16M"), (4, "1G")])
def test_programs_side_by_side_on_every_cpu(boot, n, mem):
    k = boot(method="elf", cpu="pentium3", mem=mem, smp=n)
    assert f"smp: {n} of {n} CPUs online" in k.boot_log
    # (zerotest counts the machine's free frames: it runs alone)
    for prog in ("cowtest", "forktree", "fputest"):
        out, d = run(k, f"-n 8 {prog}", timeout=600)
        check_ok(out, prog, 8)
        if prog == "forktree":
            assert d["fork"] == 8 * 15 and d["fork_fail"] == 0
    # eight processes that each map memory until mmap refuses: with room
    # for all, each is refused cleanly; at 16 MiB they crowd each other
    # out (some get nothing, memory promised to several runs out and the
    # OOM killer ends one), and either way nothing is left behind (run())
    out, d = run(k, "-n 8 oomtest", timeout=600)
    passed = len(re.findall(r"oomtest: refused after \d+ MiB", out))
    ended = out.count("oomtest exited with status ") + d["oom_kill"]
    assert ended == 8 and d["segfault"] == 0, out
    if mem != "16M":
        assert passed == 8 and d["oom_kill"] == 0, out
    out = k.cmd("selftest vmm")
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    k.halt()


def test_processes_spread_and_move(boot):
    k = boot(method="elf", cpu="pentium3", smp=4)
    before = vmstat(k)
    k.cmd("run -n 2 spin &")            # six processes that never yield
    for _ in range(6):                  # each says once that it is alive
        expect(k, r"spin: pid \d+ alive\r*\n", 60)
    time.sleep(0.5)
    # at one moment the three APs each run a spinner (the boot CPU runs
    # the shell while it answers `ps`); over time every CPU has run one
    ran, busy = set(), False
    deadline = time.time() + 30
    while time.time() < deadline and not (busy and len(ran) == 4):
        rows = [m for m in PS_LINE.finditer(k.cmd("ps"))
                if m.group(5) == "spin"]
        ran |= {int(m.group(4)) for m in rows}
        busy |= {int(m.group(4)) for m in rows
                 if m.group(3) == "running"} == {1, 2, 3}
        time.sleep(0.2)
    assert busy and ran == {0, 1, 2, 3}, (busy, ran)
    k._type("run hello\r")              # waits for the spinners too
    time.sleep(1)
    send_ctrl_c(k)
    expect(k, r"run: hello interrupted", 30)
    k._expect_prompt(30)
    assert "spin" not in k.cmd("ps")
    check_nothing_left(k, before)
    # six spinners on four CPUs, a slice each 50 ms: each was switched in
    # and out several times (how many depends on the host's speed)
    out = k.cmd("cpus")
    m = re.search(r"^sched: (\d+) context switches", out, re.M)
    assert m and int(m.group(1)) > 2 * 6, out
    k.halt()


@pytest.mark.parametrize("n", [2, 4])
def test_shootdown_keeps_stale_entries_from_use(boot, n):
    """tlbtest moves itself between CPUs 1 and 0 (user/tlbtest.c): a page
    written on CPU 1 is made copy-on-write, unmapped or read-only on CPU 0
    while CPU 1 idles with the address space still loaded; back on CPU 1
    the access must fault.  Without the shootdown it would not."""
    k = boot(method="elf", cpu="pentium3", smp=n)
    first = shootdowns(k)
    for mode, rounds in (("cow", 40), ("unmap", 15), ("mprotect", 15)):
        out, d = run(k, f"tlbtest {mode} {rounds}", timeout=300)
        assert f"tlbtest {mode}: {rounds} rounds" in out, out
        assert "PASS" in out and "tlbtest exited with status 0" in out, out
        kills = SEGFAULT.findall(out)
        if mode == "cow":
            assert not kills and d["pgfault_cow_copy"] >= rounds, (d, out)
        else:
            reason = ("no region at this address" if mode == "unmap"
                      else "write to read-only region")
            assert len(kills) == rounds, out
            assert all(kk[4] == reason for kk in kills), out
    last = shootdowns(k)
    sent = sum(last[c][0] - first[c][0] for c in last)
    lazy = sum(last[c][4] - first[c][4] for c in last)
    # every round left CPU 1 lazy with the space and ended that there
    assert sent >= 70 and lazy >= 70, (first, last)
    # side by side, every CPU busy: the same guarantees
    out, _ = run(k, "-n 2 tlbtest cow 10", timeout=300)
    check_ok(out, "tlbtest", 2)
    k.halt()

