"""The console under load: a ring-3 program writing megabytes neither stops
the clock nor keeps other processes from their turns, Ctrl-C ends it
promptly, Ctrl-C reaches the shell within a tick under a fork bomb, a
stress run of four billion operations stops on Ctrl-C and gives back all
it held, and the shell's history stops at its oldest entry."""
import re
import time

import pytest

from test_proc import LEFT_ZERO, vmstat

PIT_HZ = 100
FLOOD_BYTES = 4 << 20
FLOOD_RESULT = (r"flood: wrote (-?\d+) bytes in (\d+) ticks, "
                r"counter ran (\d+) ticks")
# only the end of pexpect's buffer is searched: megabytes go through it
WINDOW = 4096


def send_ctrl_c(k):
    """Type Ctrl-C (kmem.Kernel.interrupt())."""
    k.interrupt()


def expect(k, pattern, timeout):
    """Wait for pattern in the output; keep the output in the log."""
    k.child.expect(pattern, timeout=timeout, searchwindowsize=WINDOW)
    k.log += k.child.before + k.child.after
    return k.child.match


def check_nothing_left(k, before):
    after = vmstat(k)
    for key in before:
        if key.startswith("nr_free_"):
            assert after[key] == before[key], (key, before[key], after[key])
    for key in LEFT_ZERO:
        assert after[key] == 0, key
    return {key: after[key] - before[key] for key in before}


def test_big_write_keeps_the_clock_and_the_scheduler(boot):
    k = boot()
    before = vmstat(k)
    k._type("run flood\r")
    expect(k, r"flood 000000 \.", 60)
    start = time.monotonic()
    m = expect(k, FLOOD_RESULT, 600)
    wall = time.monotonic() - start
    wrote, write_ticks, counter_ticks = (int(g) for g in m.groups())
    k._expect_prompt(60)
    assert wrote == FLOOD_BYTES, k.log[-2000:]
    assert "flood exited with status 0" in k.log[-2000:]
    # the tick kept pace with the wall clock (TCG timing is loose: half)
    assert write_ticks >= wall * PIT_HZ / 2, (write_ticks, wall)
    # and the counting child had its turns: about half the CPU
    assert counter_ticks >= write_ticks / 8, (counter_ticks, write_ticks)
    print(f"flood: {wall:.1f} s, {write_ticks} ticks, "
          f"counter {counter_ticks} ticks")
    check_nothing_left(k, before)
    k.halt()


def test_ctrl_c_stops_a_big_write(boot):
    k = boot()
    before = vmstat(k)
    k._type("run flood loop\r")
    expect(k, r"flood 020000 \.", 120)      # over a MiB written
    start = time.monotonic()
    send_ctrl_c(k)
    expect(k, "run: flood interrupted", 30)
    took = time.monotonic() - start
    k._expect_prompt(30)
    assert took < 2, took
    print(f"flood loop: interrupted {took:.2f} s after Ctrl-C")
    check_nothing_left(k, before)
    assert "hello from pid" in k.cmd("run hello")
    k.halt()


def test_ctrl_c_under_a_fork_bomb(boot):
    k = boot()
    before = vmstat(k)
    k._type("run forkbomb\r")
    expect(k, "forkbomb: fork refused", 300)
    time.sleep(2)                   # every process spinning by now
    start = time.monotonic()
    send_ctrl_c(k)
    expect(k, "run: forkbomb interrupted", 60)
    took = time.monotonic() - start
    k._expect_prompt(60)
    ended = time.monotonic() - start
    d = check_nothing_left(k, before)
    print(f"forkbomb: {d['fork']} forks; interrupted after {took:.2f} s, "
          f"all ended after {ended:.2f} s")
    # Every process has a kernel stack from the 341 slots of the stack
    # area: the bomb forks until that refuses it, so a few hundred forks
    # mean every slot was taken and the refusal was reached.
    assert d["fork"] >= 300 and d["fork_refused"] >= 1, d
    assert took < 1, took
    assert ended < 5, ended
    k.halt()


@pytest.mark.parametrize("what", ["buddy", "slab"])
def test_ctrl_c_stops_a_long_stress(boot, what):
    k = boot()
    before = vmstat(k)
    k._type(f"stress {what} 4294967295 5\r")
    time.sleep(3)                   # well into the run
    start = time.monotonic()
    send_ctrl_c(k)
    m = expect(k, rf"stress {what}: interrupted at op (\d+) of 4294967295",
               30)
    took = time.monotonic() - start
    done = int(m.group(1))
    assert done > 0 and done % 256 == 0, done
    m = expect(k, rf"stress {what}: (\d+) ops seed 5: ", 60)
    assert int(m.group(1)) == done
    expect(k, rf"stress {what}: ok", 60)
    k._expect_prompt(60)
    assert took < 2, took
    print(f"stress {what}: interrupted at op {done}, {took:.2f} s after "
          f"Ctrl-C")
    check_nothing_left(k, before)
    k.halt()


def type_keys(k, keys):
    """Type keys and return the output up to the next prompt."""
    k._type(keys)
    return k._expect_prompt(30).replace("\r\n", "\n")


def test_history_stops_at_its_oldest_entry(boot):
    k = boot()
    # twelve lines into an eight-line history: x5 .. x12 are kept
    for i in range(1, 13):
        assert f"x{i}: unknown command" in k.cmd(f"x{i}")
    up, down = "\x1b[A", "\x1b[B"
    out = type_keys(k, up * 20 + "\r")
    assert re.findall(r"x\d+: unknown command", out) == \
        ["x5: unknown command"], out
    # that ran x5 again: now x6 .. x12, x5 are kept, x6 the oldest
    out = type_keys(k, up * 9 + down + "\r")
    assert re.findall(r"x\d+: unknown command", out) == \
        ["x7: unknown command"], out
    out = type_keys(k, up * 3 + down * 3 + "\r")
    assert not re.findall(r"unknown command", out), out
    k.halt()
