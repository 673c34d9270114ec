"""QEMU tests of page_poison and init_on_free (include/mm/page_debug.h).

- booted with either option (or both), on a machine with HighMem, every
  selftest passes: the options find no write after free of their own;
- with page_poison, `pagepoison` writes into a freed frame on purpose
  and the next allocation of that frame reports it in one exact line,
  in Normal and in HighMem;
- without it, `pagepoison` refuses and nothing is reported.
"""
import re

import pytest

REPORT = re.compile(
    r"^buddy: write after free in pfn 0x([0-9a-f]+) in zone (\w+) at offset "
    r"0x123: found 42 aa aa aa aa aa aa aa, 1 bytes differ from poison aa$",
    re.M)
WROTE = re.compile(r"^pagepoison: wrote 0x42 at offset 0x123 of freed pfn "
                   r"0x([0-9a-f]+) \((\w+)\)$", re.M)


@pytest.mark.parametrize("cmdline", ["page_poison", "init_on_free",
                                     "page_poison init_on_free"])
def test_selftest_with_option(boot, cmdline):
    k = boot(mem="1G", cmdline=cmdline)
    on = {w: ("on" if w in cmdline.split() else "off")
          for w in ("page_poison", "init_on_free")}
    assert (f"page_debug: page_poison {on['page_poison']}, "
            f"init_on_free {on['init_on_free']}") in k.boot_log
    out = k.cmd("selftest")
    assert not [l for l in out.splitlines() if l.startswith("FAIL")], out
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    assert "write after free" not in k.boot_log + out
    k.halt()


def test_write_after_free_reported(boot):
    k = boot(mem="1G", cmdline="page_poison")
    out = k.cmd("pagepoison")
    wrote = WROTE.findall(out)
    found = REPORT.findall(out)
    assert [z for _, z in wrote] == ["Normal", "HighMem"], out
    assert found == wrote, out
    assert "pagepoison: 2 write(s) after free found, 0" in out, out
    assert "write after free" not in k.cmd("selftest buddy")
    k.halt()


def test_pagepoison_refused_when_off(boot):
    k = boot()
    assert "page_debug:" not in k.boot_log
    out = k.cmd("pagepoison")
    assert "pagepoison: page_poison is off (boot with page_poison)" in out
    assert "write after free" not in out
    k.halt()
