"""acpi_reclaim: the frames of the map's "ACPI data" ranges (E820 type 3)
go to the page allocator after CPU discovery, when the option asks for
it; "ACPI NVS" (type 4) is never touched.  QEMU's firmware reports its
tables as reserved, so the ranges are made with memmap= (SIZE#ADDR: ACPI
data; SIZE%ADDR-1+4: usable retyped as ACPI NVS)."""
import re

import pytest

from test_proc import run, vmstat

RANGES = "memmap=2M#101M memmap=1M%104M-1+4"
DATA = "[mem 0x06500000-0x066fffff]"
NVS = "[mem 0x0000000006800000-0x00000000068fffff]"


def mem_total(k):
    return int(re.search(r"^MemTotal: +(\d+) kB", k.cmd("meminfo"),
                         re.M).group(1))


@pytest.mark.parametrize("smp", [None, 2])
def test_acpi_data_reclaimed_nvs_untouched(boot, smp):
    extra = {"method": "elf", "cpu": "pentium3", "smp": smp} if smp else {}
    kept = boot(cmdline=RANGES, **extra)
    assert "acpi: 2048 KiB of ACPI data stay reserved (acpi_reclaim gives " \
           "them back)" in kept.boot_log, kept.boot_log
    out = kept.cmd("memmap")
    assert "ACPI data [mem 0x0000000006500000-0x00000000066fffff]: " \
           "reserved" in out, out
    assert f"ACPI NVS  {NVS}: the firmware's, never touched" in out, out
    total_kept = mem_total(kept)
    kept.halt()

    k = boot(cmdline=RANGES + " acpi_reclaim", **extra)
    assert f"acpi: ACPI data {DATA}: 512 frames given to the page " \
           f"allocator" in k.boot_log, k.boot_log
    out = k.cmd("memmap")
    assert "ACPI data [mem 0x0000000006500000-0x00000000066fffff]: " \
           "reclaimed (acpi_reclaim), 512 frames in the page allocator" \
        in out, out
    assert f"ACPI NVS  {NVS}: the firmware's, never touched" in out, out
    assert mem_total(k) - total_kept == 2048
    # the frames are ordinary ones now: allocated, freed, checked
    out = k.cmd("stress buddy 20000 5")
    assert "stress buddy: ok" in out, out
    out, _ = run(k, "oomtest")
    assert "oomtest exited with status 0" in out, out
    out = k.cmd("selftest buddy")
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    assert vmstat(k)["nr_free_pages"] > 0
    k.halt()
