#!/usr/bin/python3
"""kmem386 threaded benchmark driver (`make bench-threads`, part of `make bench`).

Runs the threaded workloads of bench/threads.c with threads as CPUs:
order-0 page pairs and kmalloc(64) pairs per thread at 1 and 2 threads,
producer/consumer of pages and of kmalloc(64) objects on 2 threads, and
the shared-lock floor.  kmem runs on the SMP path (mm_smp_prepare(2),
also for one thread), with the threads as CPUs 1 and 2 instead of 0 and
1 (kmem-cpu1: none is the boot CPU, whose set of hot lists is made
apart from the others) and, for reference, on the uniprocessor path (kmem-up); glibc, jemalloc, mimalloc and tcmalloc run the kmalloc
workloads.  Each repetition runs every cell once as a fresh worker
process, the cells in an order reversed every other repetition, so the
ratios (2 threads / 1 thread, a peer's time / kmem's) are taken between
runs made moments apart; figures are medians over repetitions of those
per-repetition ratios.  One thread runs on the first CPU of --cpus, two
threads on the first and the second.  Prints the table and the target
lines (PASS/MISS, never a failure), writes build/bench-threads.json and
rewrites the bench-threads section of bench/RESULTS.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import results

PEERS = ["glibc", "jemalloc", "mimalloc", "tcmalloc"]
TARGET_PEERS = ["jemalloc", "mimalloc", "tcmalloc"]
SCALING_TARGET = 1.9

# (workload, alloc, threads) in run order.
CELLS = (
    [("page", a, n) for a in ("kmem", "kmem-cpu1") for n in (1, 2)] +
    [("page", "kmem-up", 1)] +
    [("kmalloc", a, n) for a in ["kmem"] + PEERS + ["null"] for n in (1, 2)] +
    [("kmalloc", "kmem-up", 1)] +
    [("page-pc", "kmem", 2)] +
    [("kmalloc-pc", a, 2) for a in ["kmem"] + PEERS + ["null"]] +
    [("lock", "kmem", 1), ("lock", "kmem", 2)])

UNIT = {"page": "pair", "kmalloc": "pair", "page-pc": "block",
        "kmalloc-pc": "object", "lock": "op"}


def worker(build, alloc):
    if alloc.startswith("kmem") or alloc == "null":
        return os.path.join(build, "host", "bench-threads")
    return os.path.join(build, "host", "bench-threads-" + alloc)


def pick_cpus(requested):
    """The two CPUs: --cpus A,B, else the first two the process may use."""
    if requested:
        cpus = [int(c) for c in requested.split(",")]
    else:
        cpus = sorted(os.sched_getaffinity(0))[:2]
    if len(cpus) < 2:
        sys.exit("bench-threads: needs two CPUs, has %s" % cpus)
    return cpus[:2]


def run_worker(cmd, cpus):
    def pin():
        os.sched_setaffinity(0, set(cpus))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, preexec_fn=pin)
    if p.returncode != 0:
        sys.exit("bench-threads: %s failed (%d):\n%s" % (
            " ".join(cmd), p.returncode, p.stderr[-2000:]))
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1])


def measure(args, cpus):
    raw = {}
    for rep in range(args.reps):
        order = CELLS if rep % 2 == 0 else list(reversed(CELLS))
        for w, a, n in order:
            cmd = [worker(args.build, a), w, a, str(n), str(args.ops)]
            r = run_worker(cmd, cpus[:n])
            raw.setdefault((w, a, n), []).append(r)
        print("bench-threads: repetition %d/%d done" % (rep + 1, args.reps),
              file=sys.stderr, flush=True)
    return raw


def median(xs):
    return statistics.median(xs) if xs else None


def ratios(xs, ys):
    """Per-repetition x / y, for the runs of one repetition side by side."""
    return [x / y for x, y in zip(xs, ys) if y > 0]


def summarize(raw):
    """One row per cell: medians, and the ratios the targets read."""
    rows = []
    for w, a, n in CELLS:
        runs = raw[(w, a, n)]
        mops = [r["mops"] for r in runs]
        ns = [r["ns_per_op"] for r in runs]
        row = {"workload": w, "alloc": a, "threads": n, "unit": UNIT[w],
               "reps": len(runs), "ops": runs[0]["ops"],
               "median_mops": median(mops), "min_mops": min(mops),
               "max_mops": max(mops), "median_ns": median(ns),
               "cpus": sorted({c for r in runs for c in r["cpus"]}),
               "fails": max(r["fails"] for r in runs)}
        # ns per operation of each thread alone (its own time / its ops).
        per = [[t * n / r["ops"] for t in r["thread_ns"]] for r in runs]
        row["thread_ns"] = [median([p[i] for p in per]) for i in range(n)]
        if (w, a, 1) in raw and n == 2:
            row["scaling"] = median(ratios(
                mops, [r["mops"] for r in raw[(w, a, 1)]]))
        if w == "kmalloc-pc" and a != "kmem":
            row["x_kmem"] = median(ratios(
                ns, [r["ns_per_op"] for r in raw[(w, "kmem", 2)]]))
        if a.startswith("kmem") and w in ("page", "page-pc"):
            row["moved_per_op"] = median([r["moved"] / r["ops"]
                                          for r in runs])
            row["batch"] = runs[0]["batch"]
        rows.append(row)
    return rows


def find(rows, w, a, n):
    for r in rows:
        if (r["workload"], r["alloc"], r["threads"]) == (w, a, n):
            return r
    return None


def targets(rows):
    t = []

    def add(name, value, limit, ok, text):
        t.append({"target": name, "value": value, "limit": limit,
                  "pass": bool(ok), "text": text})

    for w in ("page", "kmalloc"):
        s = find(rows, w, "kmem", 2)["scaling"]
        add("%s pairs, 2 threads / 1" % w, s, SCALING_TARGET,
            s >= SCALING_TARGET,
            "%.2f x one thread's throughput (>= %.1f x)"
            % (s, SCALING_TARGET))
    best = min(TARGET_PEERS,
               key=lambda a: find(rows, "kmalloc-pc", a, 2)["x_kmem"])
    x = find(rows, "kmalloc-pc", best, 2)["x_kmem"]
    add("kmalloc-pc vs fastest (%s)" % best, x, 1.0, x >= 1.0,
        "%s time / kmem time = %.2f (>= 1)" % (best, x))
    return t


def bounds(rows):
    """What limits the kmem figures, from the cells that isolate it."""
    out = []
    null = find(rows, "kmalloc", "null", 2)["scaling"]
    out.append("the empty loop (null) scales %.2f x on these CPUs: what "
               "the machine itself gives a second thread" % null)
    c0 = find(rows, "page", "kmem", 2)["scaling"]
    c1 = find(rows, "page", "kmem-cpu1", 2)["scaling"]
    out.append("page pairs scale %.2f x with the threads as CPUs 0 and 1, "
               "%.2f x as CPUs 1 and 2 (kmem-cpu1): every CPU's hot "
               "lists, the boot CPU's too, lie in frames of their own, "
               "so the two differ only by the machine's noise"
               % (c0, c1))
    for w in ("page", "page-pc"):
        r = find(rows, w, "kmem", 2)
        out.append("%s: %.4f blocks per %s moved between the hot lists "
                   "and the buddy maps (each zone-lock hold moves up to "
                   "%d): %.5f zone-lock holds per %s" % (
                       w, r["moved_per_op"], r["unit"], r["batch"],
                       r["moved_per_op"] / r["batch"], r["unit"]))
    l1 = find(rows, "lock", "kmem", 1)
    l2 = find(rows, "lock", "kmem", 2)
    k1 = find(rows, "kmalloc", "kmem", 1)
    k2 = find(rows, "kmalloc", "kmem", 2)
    pc = find(rows, "kmalloc-pc", "kmem", 2)
    out.append("one lock shared by two CPUs, two take/release pairs per "
               "op (as a kmalloc and its kfree on the cache lock): %.2f "
               "Mops/s at 2 threads, %.2f at 1 (%.2f x); kmalloc pairs "
               "reach %.2f Mpairs/s at 2 threads, %.0f %% of that "
               "floor, and %.2f at 1" % (
                   l2["median_mops"], l1["median_mops"], l2["scaling"],
                   k2["median_mops"],
                   100 * k2["median_mops"] / l2["median_mops"],
                   k1["median_mops"]))
    out.append("kmalloc-pc: %.1f ns per object, the shared-lock floor "
               "%.1f ns per op" % (pc["median_ns"], l2["median_ns"]))
    return out


def cell_name(r):
    return "%s %s x%d" % (r["workload"], r["alloc"], r["threads"])


def notes_of(r):
    notes = []
    if "scaling" in r:
        notes.append("%.2f x 1 thread" % r["scaling"])
    if "x_kmem" in r:
        notes.append("%.2f x kmem's time" % r["x_kmem"])
    if r["threads"] == 2:
        notes.append("per thread %s ns" % " / ".join(
            "%.1f" % x for x in r["thread_ns"]))
    if "moved_per_op" in r:
        notes.append("%.4f blocks moved per %s" % (r["moved_per_op"],
                                                    r["unit"]))
    if r["fails"]:
        notes.append("%d failed allocations" % r["fails"])
    return "; ".join(notes)


def cpus_text(r):
    return "+".join(str(c) for c in r["cpus"])


def print_table(rows, tgts, bnds, reps, cpus):
    print("kmem386 threaded benchmark: %d repetitions, each cell a fresh "
          "process; 1 thread on CPU %d, 2 threads on CPUs %d and %d; "
          "Mops/s of the whole run (pairs, blocks or objects per "
          "microsecond) and ns per operation of wall time; ratios are "
          "medians of per-repetition ratios" % ((reps,) + tuple(
              [cpus[0]] + cpus)))
    hdr = "%-11s %-9s %3s %5s %8s %8s %8s %9s  %s" % (
        "work", "alloc", "thr", "cpus", "Mops/s", "min", "max", "ns/op",
        "notes")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(("%-11s %-9s %3d %5s %8.2f %8.2f %8.2f %9.2f  %s" % (
            r["workload"], r["alloc"], r["threads"], cpus_text(r),
            r["median_mops"], r["min_mops"], r["max_mops"], r["median_ns"],
            notes_of(r))).rstrip())
    print("\nwhat bounds it:")
    for b in bnds:
        print("  " + b)
    print("\ntargets:")
    for t in tgts:
        print("%s  %-36s %s" % ("PASS" if t["pass"] else "MISS",
                                t["target"], t["text"]))


def markdown(rows, tgts, bnds, args, cpus, load1):
    out = ["Each cell: %d repetitions, each a fresh worker process; every "
           "cell runs once per repetition, in an order reversed every "
           "other one. Threads are CPUs of the host model "
           "(host_cpu_enter()), each pinned: one thread on CPU %d, two on "
           "CPUs %d and %d (the `cpus` column: where the threads ran). "
           "kmem runs after mm_smp_prepare(2) (the SMP lock path and "
           "per-CPU hot lists) also for one thread; kmem-cpu1 runs the "
           "threads as CPUs 1 and 2 (mm_smp_prepare(3)), so neither is "
           "the boot CPU; kmem-up is the uniprocessor path. `Mops/s`: "
           "pairs (page, kmalloc), blocks "
           "(page-pc), objects (kmalloc-pc) or ops (lock) per microsecond "
           "over the whole run; `ns/op`: wall time per operation; "
           "`x 1 thread`: median over repetitions of (2-thread Mops/s / "
           "1-thread Mops/s in the same repetition); `x kmem's time`: "
           "median of (peer ns / kmem ns in the same repetition). "
           "Workloads: bench/threads.c." % ((args.reps,) + tuple(
               [cpus[0]] + cpus))]
    if args.ops:
        out[0] += (" Reduced run: %d operations per cell, not the "
                   "workloads' defaults." % args.ops)
    out += ["", "Load average at the end: %.2f." % load1]
    if load1 > 1.5:
        out[-1] += (" The machine was busy: a second thread competes "
                    "with other work for the second CPU, which the empty "
                    "loop's scaling (null) shows.")
    out += ["", "| work | alloc | threads | cpus | ops | Mops/s | min | "
            "max | ns/op | notes |",
            "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: "
            "| --- |"]
    for r in rows:
        out.append("| %s | %s | %d | %s | %d | %.2f | %.2f | %.2f | %.2f "
                   "| %s |" % (r["workload"], r["alloc"], r["threads"],
                               cpus_text(r), r["ops"], r["median_mops"],
                               r["min_mops"], r["max_mops"],
                               r["median_ns"], notes_of(r)))
    out += ["", "What bounds it:", ""] + ["- " + b for b in bnds]
    out += ["", "Targets:", "", "```"]
    for t in tgts:
        out.append("%s  %-36s %s" % ("PASS" if t["pass"] else "MISS",
                                     t["target"], t["text"]))
    return out + ["```"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--cpus", default=None,
                    help="A,B: one thread on A, two on A and B")
    ap.add_argument("--ops", type=int, default=0,
                    help="operations per cell (0: the workloads' defaults)")
    ap.add_argument("--cflags", default="-",
                    help="the flags the workers were built with, recorded "
                    "in the results file")
    ap.add_argument("--results", default=results.DEFAULT_PATH,
                    help="the results file whose section is rewritten")
    args = ap.parse_args()
    cpus = pick_cpus(args.cpus)
    t0 = time.time()
    loads0 = os.getloadavg()
    raw = measure(args, cpus)
    load1 = os.getloadavg()[0]
    rows = summarize(raw)
    tgts = targets(rows)
    bnds = bounds(rows)
    print_table(rows, tgts, bnds, args.reps, cpus)
    seconds = round(time.time() - t0, 1)
    info = results.host_info(loads0, args.results)
    doc = {"commit": info["commit"], "cpu": info["cpu"], "cpus": cpus,
           "reps": args.reps, "seconds": seconds,
           "loadavg_start": loads0[0], "loadavg_end": load1,
           "results": rows, "bounds": bnds, "targets": tgts}
    path = os.path.join(args.build, "bench-threads.json")
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
    print("\nwritten: %s (%.0f s)" % (path, seconds))
    text = results.header("make bench-threads", info, args.reps, args.cflags,
                          [("CPUs used", "1 thread: %d; 2 threads: %d and "
                            "%d" % tuple([cpus[0]] + cpus)),
                           ("duration", "%.0f s" % seconds)])
    results.update(args.results, "bench-threads",
                   "\n".join(text + markdown(rows, tgts, bnds, args, cpus,
                                             load1)))
    print("written: %s (section bench-threads)" % args.results)


if __name__ == "__main__":
    main()
