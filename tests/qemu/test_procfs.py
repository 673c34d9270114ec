"""The /proc-format commands on a running kernel: meminfo, zoneinfo and
vmstat agree with each other and with kmeminfo, their fields come in
Linux's order (tests/data/linux/), and `maps`/`status` of a program
running in the background (`run grow ... &`) show its regions and a
resident size that grows as it touches its heap."""
import os
import re
import time

from test_meminfo import parse_meminfo
import e820maps as em

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "linux")


def linux_keys(name):
    """The keys of a Linux sample, in its order (awk's $1 without ':')."""
    with open(os.path.join(DATA, name)) as f:
        return [re.split(r"[:\s]", line.strip(), 1)[0]
                for line in f if line.strip()]


def in_linux_order(keys, sample):
    order = linux_keys(sample)
    at = 0
    for key in keys:
        assert key in order[at:], f"{key} not after {order[at - 1]!r}"
        at = order.index(key, at) + 1


def parse_vmstat(text):
    return [(n, int(v)) for n, v in re.findall(r"^(\w+) (\d+)$", text, re.M)]


def parse_zoneinfo(text):
    """name -> {field: value} for every "Node 0, zone" block."""
    zones, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^Node 0, zone +(\S+)$", line)
        if m:
            cur = zones.setdefault(m.group(1), {"lines": []})
            continue
        cur["lines"].append(line)
        m = re.match(r"^\s+(pages free|min|low|high|spanned|present|managed|"
                     r"start_pfn:|count:|high:|batch:|cpu:|nr_free_pages)\s+(\d+)$",
                     line)
        if m:
            key = m.group(1).rstrip(":")
            if key in ("count", "batch", "cpu") or (key == "high" and
                                                      "pcp_cpu" in cur):
                cur.setdefault("pcp_" + key, []).append(int(m.group(2)))
            else:
                cur[key] = int(m.group(2))
    return zones


def test_meminfo_zoneinfo_vmstat_agree(boot):
    k = boot(mem="128M")
    k.cmd("run hello")
    meminfo = k.cmd("meminfo")
    zoneinfo = k.cmd("zoneinfo")
    kmem = em.parse_zones(k.cmd("kmeminfo"))
    vmstat = parse_vmstat(k.cmd("vmstat"))
    vals = parse_meminfo(meminfo)
    keys = [line.split(":")[0] for line in meminfo.splitlines() if line]
    assert keys == list(vals), meminfo      # every line in Linux's layout
    in_linux_order(keys, "meminfo")
    zones = parse_zoneinfo(zoneinfo)
    assert list(zones) == ["DMA", "Normal", "HighMem"], zoneinfo
    populated = {n: z for n, z in zones.items() if z["managed"]}
    # MemFree is the zones' free pages; MemTotal their managed pages
    assert vals["MemFree"] == sum(z["pages free"] for z in zones.values()) * 4
    assert vals["MemTotal"] == sum(z["managed"] for z in zones.values()) * 4
    assert vals["HighTotal"] + vals["LowTotal"] == vals["MemTotal"]
    assert vals["HighFree"] + vals["LowFree"] == vals["MemFree"]
    assert vals["HighTotal"] == zones["HighMem"]["managed"] * 4
    assert vals["SReclaimable"] + vals["SUnreclaim"] == vals["Slab"]
    assert vals["KReclaimable"] == vals["SReclaimable"]
    assert vals["SwapTotal"] == vals["SwapFree"] == 0
    # MemAvailable as si_mem_available(): free - reserve + reclaimable slab
    free = vals["MemFree"] // 4
    reserve = sum(min(z["high"], z["managed"]) for z in zones.values())
    wlow = sum(z["low"] for z in zones.values())
    recl = vals["SReclaimable"] // 4
    assert vals["MemAvailable"] == max(0, free - reserve + recl -
                                       min(recl // 2, wlow)) * 4
    for name, z in zones.items():
        start, end, present, managed, nfree = kmem[name]
        assert (z["spanned"], z["present"], z["managed"], z["pages free"]) \
            == (end - start, present, managed, nfree), name
        assert z["min"] < z["low"] < z["high"] or not z["managed"], name
        if not z["managed"]:
            assert "  pagesets" not in z["lines"], name
            continue
        assert z["start_pfn"] == start and z["nr_free_pages"] == nfree
        assert z["pcp_cpu"] == [0], z           # one CPU online
        assert z["pcp_count"][0] <= z["pcp_high"][0], z
        assert z["pcp_batch"][0] > 0, z
    first = next(iter(populated.values()))
    assert "  per-node stats" in first["lines"]
    assert sum("  per-node stats" in z["lines"] for z in zones.values()) == 1
    # vmstat: Linux's counters in Linux's order, kmem386's after them
    names = [n for n, _ in vmstat]
    linux = names[:names.index("oom_kill") + 1]
    in_linux_order(linux, "vmstat")
    v = dict(vmstat)
    assert v["nr_free_pages"] * 4 == vals["MemFree"]
    assert v["nr_free_pages"] == sum(v[f"nr_free_{n}"] for n in populated)
    assert v["nr_slab_reclaimable"] * 4 == vals["SReclaimable"]
    assert v["nr_page_table_pages"] * 4 == vals["PageTables"]
    assert v["nr_kernel_stack"] == vals["KernelStack"]
    assert v["pgmajfault"] == 0
    # running a program counts its faults and its frames in and out
    k.cmd("run hello")
    after = dict(parse_vmstat(k.cmd("vmstat")))
    faults = sum(after[n] - v[n] for n in ("pgfault_demand_zero",
                                           "pgfault_zero_page",
                                           "pgfault_image"))
    assert after["pgfault"] - v["pgfault"] >= faults > 0
    allocs = sum(after[n] - v[n] for n in ("pgalloc_dma", "pgalloc_normal",
                                           "pgalloc_high"))
    assert allocs > 0 and after["pgfree"] - v["pgfree"] > 0
    k.halt()


def status(k, pid):
    out = k.cmd(f"status {pid}")
    vals = {}
    for line in out.splitlines():
        m = re.match(r"^(\w+):\t(.*)$", line)
        assert m, line
        vals[m.group(1)] = m.group(2)
        if line.endswith(" kB"):
            # Linux's "VmRSS:\t%8lu kB"
            assert re.match(r"^\w+:\t[ \d]{8} kB$", line), line
    return vals


def kb(vals, key):
    return int(vals[key].split()[0])


def test_maps_and_status_of_a_running_program(boot):
    k = boot(mem="128M")
    assert "status: no process 99" in k.cmd("status 99")
    assert "usage: maps PID" in k.cmd("maps")
    out = k.cmd("run grow 100 5 200 &")
    pid = int(re.search(r"^\[(\d+)\] grow$", out, re.M).group(1))
    first = status(k, pid)
    assert first["Name"] == "grow" and first["Pid"] == str(pid)
    assert first["PPid"] == "0" and first["State"] == "R (running)"
    rss0 = kb(first, "VmRSS")
    # it touches a heap page every 5 ticks: VmRSS grows while we look
    deadline = time.time() + 60
    while True:
        st = status(k, pid)
        if kb(st, "VmRSS") >= rss0 + 40 or time.time() > deadline:
            break
        time.sleep(0.5)
    assert kb(st, "VmRSS") >= rss0 + 40, (first, st)
    assert kb(st, "VmHWM") >= kb(st, "VmRSS")
    assert kb(st, "VmPeak") >= kb(st, "VmSize")
    assert kb(st, "VmData") >= 100 * 4              # the heap
    assert kb(st, "RssShmem") == 4                  # the shared page
    assert kb(st, "RssAnon") == kb(st, "VmRSS") - 4
    assert kb(st, "VmExe") > 0 and kb(st, "VmStk") >= 4
    assert kb(st, "VmPTE") >= 8                     # image and stack tables
    assert kb(st, "RssFile") == kb(st, "VmSwap") == 0
    meminfo = parse_meminfo(k.cmd("meminfo"))
    assert meminfo["Shmem"] >= 4 and meminfo["Committed_AS"] >= 100 * 4
    maps = k.cmd(f"maps {pid}").splitlines()
    lines = [re.match(r"^([0-9a-f]{8})-([0-9a-f]{8}) ([r-][w-][x-][ps]) "
                      r"([0-9a-f]{8}) 00:00 0 (.*)$", m) for m in maps]
    assert all(lines), maps
    regions = [(int(m.group(1), 16), int(m.group(2), 16), m.group(3),
                int(m.group(4), 16), m.group(5).strip()) for m in lines]
    for line, r in zip(maps, regions):
        if r[4]:                                    # the name's column
            assert line.index(r[4]) == 49, line
    starts = [r[0] for r in regions]
    assert starts == sorted(starts)
    text = [r for r in regions if r[2] == "r-xp"]
    assert text and text[0][4] == "grow", regions
    assert text[0][0] >= 0x08048000 and text[0][3] % 4096 == 0, regions
    heap = [r for r in regions if r[4] == "[heap]"]
    assert len(heap) == 1 and heap[0][2] == "rw-p"
    assert heap[0][1] - heap[0][0] >= 100 * 4096
    stack = [r for r in regions if r[4] == "[stack]"]
    assert len(stack) == 1 and stack[0][2] == "rw-p"
    # the stack top is randomised: page-aligned, at most 8 MiB below the
    # kernel half (USER_STACK_RND_PAGES)
    assert 0xc0000000 - 2048 * 4096 < stack[0][1] <= 0xc0000000
    assert stack[0][1] % 4096 == 0
    anon = [r for r in regions if not r[4]]
    assert any(r[2] == "rw-s" for r in anon), regions   # MAP_SHARED
    assert any(r[2] == "rw-p" for r in anon), regions   # MAP_PRIVATE
    # VmSize is the regions' pages
    assert kb(status(k, pid), "VmSize") == \
        sum(r[1] - r[0] for r in regions) // 1024
    # it ends by itself; the next run reaps it and nothing is left
    deadline = time.time() + 120
    while "grow" in k.cmd("ps") and time.time() < deadline:
        if re.search(rf"^\s*{pid}\s+0 zombie", k.cmd("ps"), re.M):
            break
        time.sleep(1)
    assert "exited with status 0" in k.cmd("run hello")
    assert "no process" in k.cmd(f"status {pid}")
    v = dict(parse_vmstat(k.cmd("vmstat")))
    assert v["nr_proc"] == v["nr_mm"] == v["nr_user_frames"] == 0
    assert parse_meminfo(k.cmd("meminfo"))["Shmem"] == 0
    k.halt()
