#!/usr/bin/python3
"""make bench-qemu: boot kmem386 with a deterministic clock (-icount
shift=0: one TSC cycle per guest instruction), run faultbench and print
its figures against the targets of the performance plan, and rewrite the
bench-qemu section of bench/RESULTS.md (bench/results.py).

    bench_qemu.py [--results FILE] [--cflags FLAGS] [--cmdline OPTIONS]

With --cmdline (e.g. "nowp") the kernel boots with those options and the
figures are printed only: the results file records the default boot,
and beside it the same figures with each page-debugging option
(DEBUG_OPTIONS: what page_poison and init_on_free cost a fault), and the
same figures on 2 and 4 CPUs (SMP_CPUS) with what TLB shootdowns cost."""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "qemu"))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
from kmem import Kernel  # noqa: E402
import results  # noqa: E402

TARGETS = {"demand-zero": 1940, "zero-page": 600, "cow-copy": 2790,
           "cow-reuse": 630, "fork-exit-wait": 137000, "brk-touch": 1930}

MEM, CPU = "256M", "pentium3"
# boot options whose cost the results file records beside the default
DEBUG_OPTIONS = ("page_poison", "init_on_free")
ICOUNT = ("-icount", "shift=0,sleep=off")
SMP_CPUS = (2, 4)


def section(out, figures, cflags, path, load0, debug, smp):
    """The bench-qemu section: faultbench's figures against the targets."""
    m = re.search(r"median of (\d+)", out)
    qemu = subprocess.run(["qemu-system-i386", "--version"],
                          stdout=subprocess.PIPE, text=True).stdout
    info = results.host_info(load0, path)
    text = results.header(
        "make bench-qemu", info, m.group(1) if m else "-", cflags,
        [("QEMU", "%s, `-cpu %s -m %s %s`" % (
            qemu.splitlines()[0] if qemu else "unknown", CPU, MEM,
            " ".join(ICOUNT)))])
    text += ["Guest instructions per page (fork-exit-wait: per round of "
             "fork, exit and wait with 1 MiB touched); the TSC counts one "
             "cycle per instruction under `-icount shift=0`. Median of "
             "faultbench's repetitions; the target is the performance "
             "plan's.", "",
             "| case | instructions | target | |",
             "| --- | ---: | ---: | --- |"]
    for name, target in TARGETS.items():
        v = figures[name]
        text.append("| %s | %d | <= %d | %s |" % (
            name, v, target, "ok" if v <= target else "OVER"))
    text += ["", "The same cases with a page-debugging boot option (instructions "
             "per page, and the ratio to the default boot above):", "",
             "| case | " + " | ".join(f"`{o}`" for o in debug) + " |",
             "| --- |" + " ---: |" * len(debug)]
    for name in TARGETS:
        text.append("| %s | %s |" % (name, " | ".join(
            "%d (%.2fx)" % (debug[o][name], debug[o][name] / figures[name])
            for o in debug)))
    text += ["", "The same cases with more CPUs (`-smp N`; under `-icount` QEMU "
             "runs the virtual CPUs in turn on one host thread, so the clock "
             "still counts instructions). Instructions per page, the ratio "
             "to one CPU, and the limit of 1.10:", "",
             "| case | " + " | ".join(f"-smp {n}" for n in smp) + " |",
             "| --- |" + " ---: |" * len(smp)]
    for name in TARGETS:
        text.append("| %s | %s |" % (name, " | ".join(
            "%d (%.2fx%s)" % (smp[n][0][name], smp[n][0][name] / figures[name],
                              "" if smp[n][0][name] <= 1.10 * figures[name]
                              else ", OVER")
            for n in smp)))
    text += ["", "TLB shootdowns during those runs (`cpus`: how many, and "
             "their average cost to the sender in TSC cycles, from the first "
             "IPI to the last answer):", ""]
    for n in smp:
        text.append("- -smp %d: %s" % (n, smp[n][1]))
    lines = [ln for ln in out.splitlines() if ln.startswith("faultbench:")]
    text += ["", "faultbench's output:", "", "```"] + lines + ["```"]
    results.update(path, "bench-qemu", "\n".join(text))
    print("written: %s (section bench-qemu)" % path)


ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--results", default=results.DEFAULT_PATH)
ap.add_argument("--cflags", default="-",
                help="the kernel's flags, recorded in the results file")
ap.add_argument("--cmdline", default="",
                help="kernel boot options; the figures are then only printed")
args = ap.parse_args()
load0 = os.getloadavg()


def faultbench(cmdline, cpus=1):
    """Boot with @cmdline on @cpus CPUs, run faultbench; its output and
    figures (None if a figure is missing or the run did not pass)."""
    k = Kernel(mem=MEM, cpu=CPU, cmdline=cmdline,
               extra=ICOUNT + ("-rtc", "base=2024-01-01T00:00:00,clock=vm",
                               "-smp", str(cpus)))
    try:
        out = k.cmd("run faultbench")
        out += k.cmd("cpus")
        k.halt()
    finally:
        k.kill()
    figures = {}
    for name in TARGETS:
        m = re.search(rf"faultbench: {name} (\d+)", out)
        if m:
            figures[name] = int(m.group(1))
        else:
            print(f"bench-qemu: no figure for {name} ({cmdline or 'default'})")
    ok = len(figures) == len(TARGETS) and "PASS" in out
    return out, figures if ok else None


out, figures = faultbench(args.cmdline)
print(out, end="")
if figures is None:
    sys.exit(1)     # a failed run leaves the last good section in place
for name, target in TARGETS.items():
    v = figures[name]
    print(f"bench-qemu: {name:15s} {v:8d} instructions (target <= {target}) "
          f"{'ok' if v <= target else 'OVER'}")
if args.cmdline:
    print(f"bench-qemu: booted with '{args.cmdline}': {args.results} kept")
    sys.exit(0)
debug = {}
for option in DEBUG_OPTIONS:
    _, f = faultbench(option)
    if f is None:
        sys.exit(1)
    debug[option] = f
    print(f"bench-qemu: {option}: " + ", ".join(
        f"{n} {f[n]} ({f[n] / figures[n]:.2f}x)" for n in TARGETS))
smp = {}
for n in SMP_CPUS:
    o, f = faultbench("", n)
    if f is None:
        sys.exit(1)
    m = re.search(r"^tlb: (\d+) shootdowns, (\d+) cycles each", o, re.M)
    cost = (f"{m.group(1)} shootdowns, {m.group(2)} cycles each on average"
            if m else "no figure")
    smp[n] = (f, cost)
    print(f"bench-qemu: -smp {n}: " + ", ".join(
        f"{x} {f[x]} ({f[x] / figures[x]:.2f}x)" for x in TARGETS) +
        f"; tlb: {cost}")
section(out, figures, args.cflags, args.results, load0, debug, smp)
