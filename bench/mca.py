#!/usr/bin/python3
"""kmem386 fast paths under llvm-mca (`make bench-mca`).

For each workload, runs the -O2 kmem worker (build/host/bench) under gdb,
lets the timed loop warm up (WARMUP calls of its allocation function),
then single-steps exactly one iteration: from the allocation function's
entry, through the allocation, the free and the loop's own instructions,
back to the same entry.  That dynamic sequence, one executed instruction
per line, is handed to llvm-mca for an AMD and an Intel model, so a fast
path can be judged for both microarchitectures on any machine, and the
figures are the same on every run of the same binary.

What llvm-mca models and what it does not: branches are perfectly
predicted and the program counter is ignored (the trace is straight-line
code); a `call` is rewritten as `push` + `jmp` (llvm-mca gives calls an
arbitrary 100-cycle latency); caches always hit.  By default loads and
stores are assumed not to alias, so a value passed through memory (the
hot list's count, stored by the free and loaded by the next allocation)
is no dependency; the column "mem-ordered" reruns with -noalias=false,
where every load waits for all older stores: the truth lies between.

This file is also the gdb script: gdb runs it with MCA_ENTRY and MCA_OUT
set, and it writes the trace as JSON lines.

    mca.py [--build DIR] [--results FILE] [--cflags FLAGS]

The traces (.s, one instruction per line with its function+offset) and
llvm-mca's full reports stay in build/bench/mca/.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import gdb      # only inside gdb, as its script
except ImportError:
    gdb = None

# (label, worker arguments, the function whose entry starts an iteration)
WORKLOADS = [
    ("null pair (hot loop)", ["hot", "null", "16"], "null_alloc_pages"),
    ("hot 16 MiB", ["hot", "kmem", "16"], "alloc_pages"),
    ("hot 2048 MiB", ["hot", "kmem", "2048"], "alloc_pages"),
    ("kmem-kernel hot 256 MiB", ["hot", "kmem-kernel", "256"],
     "alloc_pages"),
    ("null pair (lifo64 loop)", ["lifo64", "null", "256"], "null_kmalloc"),
    ("lifo64 256 MiB", ["lifo64", "kmem", "256"], "kmalloc"),
]
CPUS = ["znver3", "sapphirerapids"]
OPS = "20000"           # the worker's timed pairs; the trace needs few
WARMUP = 1000           # loop iterations before the one traced
ITERATIONS = 100        # llvm-mca -iterations
MAX_STEPS = 5000        # an iteration longer than this is a slow path


# ---- inside gdb ---------------------------------------------------------

def gdb_trace():
    """Step one loop iteration; write one {"at", "insn"} JSON per line."""
    entry, path = os.environ["MCA_ENTRY"], os.environ["MCA_OUT"]
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    # bench_start() reads the clock first: set-up (pre-fragmenting, the
    # live objects of lifo64) is over when the clock is first read.
    gdb.execute("break clock_gettime")
    gdb.execute("run")
    gdb.execute("delete")
    bp = gdb.Breakpoint(entry)
    bp.ignore_count = WARMUP
    gdb.execute("continue")
    bp.delete()
    start = int(gdb.parse_and_eval("$pc"))
    rows = []
    while True:
        line = gdb.execute("x/i $pc", to_string=True)
        m = re.match(r"=>\s+0x[0-9a-f]+ <([^>]+)>:\s+(.*)", line.strip())
        if not m:
            raise RuntimeError("cannot parse: " + line)
        rows.append({"at": m.group(1), "insn": m.group(2)})
        gdb.execute("stepi", to_string=True)
        if int(gdb.parse_and_eval("$pc")) == start:
            break
        if len(rows) > MAX_STEPS:
            raise RuntimeError("no return to %s in %d steps"
                               % (entry, MAX_STEPS))
    with open(path, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    gdb.execute("kill")


# ---- the driver ---------------------------------------------------------

def trace(worker, args, entry):
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        env = dict(os.environ, MCA_ENTRY=entry, MCA_OUT=tmp.name)
        p = subprocess.run(["gdb", "-batch", "-nx", "-x",
                            os.path.abspath(__file__), "--args", worker] +
                           args + [OPS], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        with open(tmp.name) as fh:
            rows = [json.loads(ln) for ln in fh if ln.strip()]
    if not rows:
        sys.exit("bench-mca: no trace for %s:\n%s"
                 % (" ".join(args), p.stdout[-2000:]))
    return rows


def assembly(rows):
    """llvm-mca input lines and, for each, the index of its trace row.

    gdb's `<sym+off>` annotations and `# address` comments go; a call
    becomes the push of its return address and a jump."""
    lines, origin = [], []
    for i, r in enumerate(rows):
        insn = re.sub(r"\s*#.*$", "", r["insn"])
        insn = re.sub(r"\s*<[^>]*>", "", insn).strip()
        m = re.match(r"call[q]?\s+(0x[0-9a-f]+)$", insn)
        if m:
            for s in ("pushq  $0x0", "jmp    " + m.group(1)):
                lines.append(s)
                origin.append(i)
        else:
            lines.append(insn)
            origin.append(i)
    return lines, origin


def mca(lines, cpu, noalias=True):
    with tempfile.NamedTemporaryFile("w", suffix=".s") as src:
        src.write("\n".join(lines) + "\n")
        src.flush()
        p = subprocess.run(["llvm-mca", "-mcpu=" + cpu,
                            "-iterations=%d" % ITERATIONS,
                            "-noalias=" + ("true" if noalias else "false"),
                            "-bottleneck-analysis", src.name],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    if p.returncode != 0:
        sys.exit("bench-mca: llvm-mca -mcpu=%s failed:\n%s"
                 % (cpu, p.stderr[-2000:]))
    return p.stdout


def summary(out):
    """llvm-mca's summary figures, its bottleneck report and its critical
    sequence, as [(instruction index, dependency note)]."""
    def num(key):
        m = re.search(r"^%s:\s+([\d.]+)" % re.escape(key), out, re.M)
        return float(m.group(1)) if m else None
    chain, pressure = [], []
    for line in out.splitlines():
        m = re.match(r"\s*\+----[<>]\s*(\d+)\.\s+(.*?)(?:\s+## (.*))?$",
                     line)
        if m:
            chain.append((int(m.group(1)), m.group(3) or ""))
        m = re.match(r"\s+- (\w+)\s+\[ ([\d.]+)% \]$", line)
        if m and m.group(1) != "Register":
            pressure.append((float(m.group(2)), m.group(1)))
    regs = re.search(r"- Register Dependencies \[ ([\d.]+)%", out)
    neck = []
    if regs and float(regs.group(1)) > 0:
        neck.append("registers %s %%" % regs.group(1))
    if pressure:
        top = max(pressure)
        neck.append("%s %.2f %%" % (top[1], top[0]))
    return {"cycles": num("Total Cycles") / ITERATIONS,
            "rthroughput": num("Block RThroughput"), "chain": chain,
            "bottleneck": ", ".join(neck) or "none"}


def longest_run(chain, rows, origin):
    """The longest run of the critical sequence linked by registers (a
    true dependency chain, not resource interference), as text."""
    best, cur = [], []
    for k, (idx, note) in enumerate(chain):
        if k > 0 and note.startswith("REGISTER"):
            cur = cur or [(chain[k - 1][0], "")]
            cur.append((idx, note.split()[-1]))
            if len(cur) > len(best):
                best = list(cur)
        else:
            cur = []
    out = []
    for idx, reg in best:
        r = rows[origin[idx]]
        insn = re.sub(r"\s*#.*$", "", r["insn"])
        insn = re.sub(r"\s+", " ", re.sub(r"\s*<[^>]*>", "", insn)).strip()
        out.append("%s`%s` `%s`" % ("(%s) " % reg if reg else "", r["at"],
                                    insn))
    return " -> ".join(out) if out else "none reported"


def analyse(build):
    worker = os.path.join(build, "host", "bench")
    keep = os.path.join(build, "bench", "mca")
    os.makedirs(keep, exist_ok=True)
    table, chains = [], []
    for label, args, entry in WORKLOADS:
        rows = trace(worker, args, entry)
        lines, origin = assembly(rows)
        name = "-".join(args)
        with open(os.path.join(keep, name + ".s"), "w") as fh:
            fh.write("".join("%-60s # %s\n" % (ln, rows[o]["at"])
                             for ln, o in zip(lines, origin)))
        runs = []
        for cpu in CPUS:
            outs = [mca(lines, cpu), mca(lines, cpu, noalias=False)]
            with open(os.path.join(keep, "%s-%s.txt" % (name, cpu)),
                      "w") as fh:
                fh.write("\n\n".join(outs))
            s, m = summary(outs[0]), summary(outs[1])
            table.append((label, cpu, len(rows), s, m))
            runs.append((cpu, longest_run(s["chain"], rows, origin)))
            print("%-26s %-15s %4d insns %7.2f cycles %6.2f mem-ordered"
                  % (label, cpu, len(rows), s["cycles"], m["cycles"]),
                  flush=True)
        if runs[0][1] == runs[1][1]:
            chains.append("- %s, both models: %s." % (label, runs[0][1]))
        else:
            chains.append("- %s: %s." % (label, "; ".join(
                "%s: %s" % r for r in runs)))
    return table, chains


def markdown(table, chains):
    out = ["One steady-state iteration of each loop (alloc + free + the "
           "loop's own instructions), recorded instruction by instruction "
           "under gdb after %d warm-up iterations of the -O2 worker, run "
           "through llvm-mca -iterations=%d. `cycles/iter`: llvm-mca's "
           "total cycles / iterations, with loads and stores assumed not "
           "to alias (its default); `IPC`: traced instructions / those "
           "cycles; `mem-ordered`: the same with -noalias=false (every "
           "load waits for all older stores), an upper bound; `bottleneck`: "
           "-bottleneck-analysis's share of cycles lost to register "
           "dependencies and its most pressed resource. Calls are modelled "
           "as push + jmp, branches as perfectly predicted, every access "
           "as an L1 hit. Traces and llvm-mca's full reports: "
           "build/bench/mca/." % (WARMUP, ITERATIONS),
           "",
           "| workload | CPU model | insns/iter | cycles/iter | IPC | "
           "Block RThroughput | mem-ordered cycles/iter | bottleneck |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for label, cpu, n, s, m in table:
        out.append("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %s |" % (
            label, cpu, n, s["cycles"], n / s["cycles"], s["rthroughput"],
            m["cycles"], s["bottleneck"]))
    out += ["", "Longest dependency chain: the longest run of llvm-mca's "
            "critical sequence (-bottleneck-analysis) whose links are "
            "registers (named in parentheses); function+offset in the "
            "worker, AT&T syntax:", ""]
    return out + chains


def tool_version(cmd, key):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return next((ln.strip() for ln in p.stdout.splitlines() if key in ln),
                "unknown")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import results
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--results", default=results.DEFAULT_PATH)
    ap.add_argument("--cflags", default="-")
    args = ap.parse_args()
    for tool, pkg in (("gdb", "gdb"), ("llvm-mca", "llvm")):
        if not shutil.which(tool):
            sys.exit("bench-mca: %s is missing (apt-get install %s)"
                     % (tool, pkg))
    t0, load0 = time.time(), os.getloadavg()
    table, chains = analyse(args.build)
    info = results.host_info(load0, args.results)
    text = results.header("make bench-mca", info, "1 traced iteration",
                          args.cflags, [
                              ("tool", tool_version(["llvm-mca", "--version"],
                                                    "version")),
                              ("tracer", tool_version(["gdb", "--version"],
                                                      "GNU gdb")),
                              ("duration",
                               "%.0f s" % (time.time() - t0))])
    results.update(args.results, "bench-mca",
                   "\n".join(text + markdown(table, chains)))
    print("written: %s (section bench-mca)" % args.results)


if gdb is not None:
    gdb_trace()
elif __name__ == "__main__":
    main()
