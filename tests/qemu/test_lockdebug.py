"""The `lockdebug` boot option: the kernel says it checks the locks, and
the buddy, slab and VMM selftests and a stress run take every mm lock
under its checks without one report (recursion, foreign release or
order inversion)."""

BANNER = ("lockdebug: checking recursion, foreign releases and the mm "
          "lock order")


def reports(text):
    """Every lockdebug line but the banner: each is a report."""
    return [line for line in text.splitlines()
            if line.startswith("lockdebug: ") and line != BANNER]


def test_lockdebug_selftests_report_nothing(boot):
    k = boot(mem="64M", cmdline="lockdebug")
    assert BANNER in k.boot_log
    out = k.boot_log
    for group in ("buddy", "slab", "vmm"):
        st = k.cmd(f"selftest {group}")
        assert st.splitlines()[-1].endswith(" 0 failed"), st
        out += st
    out += k.cmd("stress buddy 2000 7")
    assert reports(out) == [], reports(out)
    k.halt()


def test_no_lockdebug_by_default(boot):
    k = boot(mem="64M")
    assert "lockdebug:" not in k.boot_log
    k.halt()
