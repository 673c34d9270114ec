#!/usr/bin/python3
"""kmem386 host benchmark driver (`make bench`, `make bench-callgrind`).

Runs every workload/allocator pair REPS times, each repetition a fresh
worker process (build/host/bench or bench-ALLOC) pinned to one CPU, all
allocators of one workload back to back inside a repetition, so that the
ratio to kmem386 is taken between runs made moments apart.  Prints the
table, the target lines (PASS/MISS, never a failure) and writes
build/bench.json.  With --callgrind, runs each workload once under
callgrind with fewer operations and reports instructions per operation
(build/bench-callgrind.json).  Both also rewrite their section of
bench/RESULTS.md (bench/results.py), keeping the other sections.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import results

POOLS_MIB = [16, 256, 2048]
PAGE_WORKLOADS = ["lifo", "hot", "batch", "mixed"]
SMALL_WORKLOADS = ["lifo64", "kbatch"]  # kbatch: the small-object batch
SMALL_POOL_MIB = 256
SMALL_ALLOCS = ["kmem", "glibc", "jemalloc", "mimalloc", "tcmalloc", "null"]
# The user-space allocators kmalloc is measured against (issue 25's
# targets: lifo64 faster than each, batch >= 1.3 x the fastest).
SMALL_PEERS = ["glibc", "jemalloc", "mimalloc", "tcmalloc"]
PAGE_ALLOCS = ["kmem", "kmem-kernel", "null"]  # kmem: GFP_HIGHUSER
UNIT = {"lifo": "pair", "hot": "pair", "batch": "pair", "mixed": "op",
        "lifo64": "pair", "kbatch": "pair"}
# Operations under callgrind (kbatch: rounds of 100k pairs).
CG_OPS = {"lifo": 100000, "hot": 100000, "batch": 100000, "mixed": 100000,
          "lifo64": 100000, "kbatch": 1}


def worker(build, alloc):
    if alloc in ("kmem", "kmem-kernel", "null"):
        return os.path.join(build, "host", "bench")
    return os.path.join(build, "host", "bench-" + alloc)


def pick_cpu(requested):
    cpus = sorted(os.sched_getaffinity(0))
    if requested is not None:
        return requested
    return 1 if 1 in cpus else cpus[-1]


def run_worker(cmd, cpu):
    def pin():
        os.sched_setaffinity(0, {cpu})
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, preexec_fn=pin)
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d):\n%s" % (" ".join(cmd), p.returncode,
                                                 p.stderr[-2000:]))
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1])


def jobs():
    """(family, workload, pool_mib, [allocs]) in run order."""
    out = []
    for w in PAGE_WORKLOADS:
        allocs = [a for a in PAGE_ALLOCS
                  if w != "mixed" or a != "kmem-kernel"]
        for pool in POOLS_MIB:
            out.append(("page", w, pool, allocs))
    for w in SMALL_WORKLOADS:
        out.append(("small", w, SMALL_POOL_MIB, SMALL_ALLOCS))
    return out


def ops_for(w, ops):
    """The worker's OPS argument: 0 is its default; kbatch counts rounds
    of 100k pairs."""
    if ops == 0 or w != "kbatch":
        return ops
    return max(1, ops // 100000)


def median(xs):
    return statistics.median(xs) if xs else None


def measure(args, cpu):
    raw = {}
    for rep in range(args.reps):
        seed = 0x6b6d656d + rep
        for fam, w, pool, allocs in jobs():
            # Alternate the order so no allocator always runs first.
            for a in (allocs if rep % 2 == 0 else list(reversed(allocs))):
                cmd = [worker(args.build, a), w, a, str(pool),
                       str(ops_for(w, args.ops)), str(seed)]
                r = run_worker(cmd, cpu)
                raw.setdefault((w, pool), {}).setdefault(a, []).append(r)
        print("bench: repetition %d/%d done" % (rep + 1, args.reps),
              file=sys.stderr, flush=True)
    return raw


def summarize(raw):
    rows = []
    for fam, w, pool, allocs in jobs():
        runs = raw[(w, pool)]
        kmem = [r["ns_per_op"] for r in runs["kmem"]]
        for a in allocs:
            ns = [r["ns_per_op"] for r in runs[a]]
            ratios = [x / k for x, k in zip(ns, kmem) if k > 0]
            row = {
                "family": fam,
                "workload": "batch" if w == "kbatch" else w,
                "worker_workload": w,
                "alloc": a,
                "pool_mib": pool,
                "pool_pages": runs["kmem"][0]["pages"],
                "unit": UNIT[w],
                "ops": runs[a][0]["ops"],
                "reps": len(ns),
                "median_ns": median(ns),
                "min_ns": min(ns),
                "max_ns": max(ns),
                "ratio_to_kmem": median(ratios),
                "fails": max(r["fails"] for r in runs[a]),
            }
            if "frag" in runs[a][0]:
                row["frag"] = median([r["frag"] for r in runs[a]])
                row["max_order"] = min(r["max_order"] for r in runs[a])
                row["zones"] = {
                    z: {k: median([r["zones"][z][k] for r in runs[a]])
                        for k in ("free_pages", "frag")}
                    for z in runs[a][0]["zones"]}
            rows.append(row)
        null = [r for r in rows[-len(allocs):] if r["alloc"] == "null"][0]
        for r in rows[-len(allocs):]:
            r["minus_null_ns"] = r["median_ns"] - null["median_ns"]
    return rows


def find(rows, w, pool, a, fam=None):
    for r in rows:
        if r["worker_workload"] == w and r["pool_mib"] == pool and \
                r["alloc"] == a and (fam is None or r["family"] == fam):
            return r
    return None


def metadata(build, rows):
    p = subprocess.run([os.path.join(build, "host", "sizes32")],
                       stdout=subprocess.PIPE, text=True, check=True)
    s = json.loads(p.stdout)
    out = []
    for pool in POOLS_MIB:
        frames = pool << 8
        managed = find(rows, "lifo", pool, "kmem")["pool_pages"]
        zones = s["nr_zones"] * s["sizeof_zone"]
        maps = s["map_bytes"][str(pool)]
        out.append({
            "pool_mib": pool,
            "frames": frames,
            "managed_frames": managed,
            "sizeof_page_i386": s["sizeof_page"],
            "zone_bytes_i386": zones,
            "map_bytes_i386": maps,
            "bytes_per_frame": s["sizeof_page"] + (zones + maps) / managed,
            "bytes_per_managed_frame":
                (s["sizeof_page"] * frames + zones + maps) / managed,
        })
    return s, out


def targets(rows, meta):
    t = []

    def add(name, value, limit, ok, fmt):
        t.append({"target": name, "value": value, "limit": limit,
                  "pass": bool(ok), "text": fmt})

    for pool in POOLS_MIB:
        for w, lim in (("hot", 1.5), ("lifo", 2.0)):
            null = find(rows, w, pool, "null")
            x = 1.0 / null["ratio_to_kmem"]   # median of kmem/null per rep
            kern = find(rows, w, pool, "kmem-kernel")
            xk = kern["ratio_to_kmem"] * x
            add("%s %d MiB" % (w, pool), x, lim, x <= lim,
                "%.2f x the null floor (<= %.1f x); GFP_KERNEL %.2f x"
                % (x, lim, xk))
    for pool in POOLS_MIB:
        k = find(rows, "batch", pool, "kmem")["median_ns"]
        kk = find(rows, "batch", pool, "kmem-kernel")["median_ns"]
        add("batch %d MiB" % pool, k, 20.0, k <= 20.0,
            "%.2f ns per pair (<= 20 ns); GFP_KERNEL %.2f ns" % (k, kk))
    for pool in POOLS_MIB:
        k = find(rows, "mixed", pool, "kmem")["median_ns"]
        add("mixed %d MiB" % pool, k, 8.0, k <= 8.0,
            "%.2f ns per op (<= 8 ns)" % k)
    for pool, lim in ((2048, 0.90), (256, 0.80)):
        f = find(rows, "mixed", pool, "kmem")["frag"]
        add("fragmentation %d MiB" % pool, f, lim, f >= lim,
            "%.1f %% of free memory in order-10 blocks (>= %d %%)"
            % (100 * f, round(100 * lim)))
    # ratio_to_kmem is the median over repetitions of peer ns / kmem ns
    # in the same repetition: above 1, kmalloc was faster.
    for a in SMALL_PEERS:
        r = find(rows, "lifo64", SMALL_POOL_MIB, a)["ratio_to_kmem"]
        add("kmalloc lifo64 vs %s" % a, r, 1.0, r > 1.0,
            "%s time / kmalloc time = %.2f (> 1: kmalloc faster), "
            "median of per-repetition ratios" % (a, r))
    best = min(SMALL_PEERS,
               key=lambda a: find(rows, "kbatch", SMALL_POOL_MIB, a)
               ["ratio_to_kmem"])
    r = find(rows, "kbatch", SMALL_POOL_MIB, best)["ratio_to_kmem"]
    add("kmalloc batch vs fastest (%s)" % best, r, 1.3, r >= 1.3,
        "%s time / kmalloc time = %.2f (>= 1.3), median of "
        "per-repetition ratios" % (best, r))
    worst = max(meta, key=lambda m: m["bytes_per_frame"])
    add("metadata i386 (%d MiB pool)" % worst["pool_mib"],
        worst["bytes_per_frame"], 16.0, worst["bytes_per_frame"] <= 16.0,
        "%.3f bytes per frame: %d descriptor + (%d zone + %d free-map "
        "bytes) / %d managed frames (<= 16)" % (
            worst["bytes_per_frame"], worst["sizeof_page_i386"],
            worst["zone_bytes_i386"], worst["map_bytes_i386"],
            worst["managed_frames"]))
    return t


def notes_of(r):
    notes = []
    if "frag" in r:
        zs = ", ".join("%s %.1f" % (z, 100 * v["frag"])
                       for z, v in r["zones"].items())
        notes.append("frag %.1f %% (%s), max order %d" % (
            100 * r["frag"], zs, r["max_order"]))
    if r["fails"]:
        notes.append("%d failed allocations" % r["fails"])
    return "; ".join(notes)


def print_table(rows, tgts, meta, reps, cpu):
    print("kmem386 host benchmark: %d repetitions, each a fresh process "
          "pinned to CPU %d; ns per pair (lifo, hot, batch, lifo64) or per "
          "op (mixed);\n- null = median minus the null allocator's median "
          "(the allocator's own cost); x kmem = median over repetitions of "
          "ns / kmem's ns in the same repetition;\npage workloads: kmem "
          "allocates with GFP_HIGHUSER (the whole arena), kmem-kernel with "
          "GFP_KERNEL (lowmem); small objects: kmalloc(GFP_KERNEL) on a "
          "%d MiB pool" % (reps, cpu, SMALL_POOL_MIB))
    hdr = "%-6s %-6s %8s  %-11s %7s %7s %7s %7s %6s  %s" % (
        "family", "work", "pool", "alloc", "median", "min", "max",
        "- null", "x kmem", "notes")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        line = "%-6s %-6s %4d MiB  %-11s %7.2f %7.2f %7.2f %7.2f %6.2f  %s" % (
            r["family"], r["workload"], r["pool_mib"], r["alloc"],
            r["median_ns"], r["min_ns"], r["max_ns"], r["minus_null_ns"],
            r["ratio_to_kmem"], notes_of(r))
        print(line.rstrip())
    print()
    print("metadata on i386: struct page %d bytes, struct zone %d bytes "
          "(x %d zones)" % (meta[0]["sizeof_page_i386"],
                            meta[0]["zone_bytes_i386"] // 3, 3))
    for m in meta:
        print("  %4d MiB: %.4f bytes per frame (descriptor + (zones + free "
              "maps %d bytes) / managed frames); all of mem_map + zones + "
              "maps / managed frames: %.4f" % (
                  m["pool_mib"], m["bytes_per_frame"], m["map_bytes_i386"],
                  m["bytes_per_managed_frame"]))
    print()
    print("targets:")
    for t in tgts:
        print("%s  %-36s %s" % ("PASS" if t["pass"] else "MISS",
                                t["target"], t["text"]))


def markdown_bench(rows, tgts, meta, args, cpu, load0, load1):
    """The `bench` section's tables: the terminal table's figures."""
    out = ["Each cell: %d repetitions, each a fresh process pinned to CPU "
           "%d, all allocators of a workload back to back inside a "
           "repetition (order alternated). ns per alloc+free pair (lifo, "
           "hot, batch, lifo64) or per op (mixed); `- null` = median minus "
           "the null allocator's median; `x kmem` = median over "
           "repetitions of (ns / kmem's ns in the same repetition). Page "
           "workloads: kmem allocates with GFP_HIGHUSER, kmem-kernel with "
           "GFP_KERNEL; small objects: kmalloc(GFP_KERNEL) on a %d MiB "
           "pool." % (args.reps, cpu, SMALL_POOL_MIB)]
    if args.ops:
        out[0] += (" Reduced run: %d operations per cell (kbatch %d "
                   "rounds), not the workloads' defaults."
                   % (args.ops, ops_for("kbatch", args.ops)))
    out += ["", "Load average at the end: %.2f." % load1]
    if max(load0, load1) > 1.5:     # as the terminal's note
        out[-1] += (" The machine was busy: times are inflated, ratios "
                    "less so; `make bench-callgrind` counts instructions.")
    out += ["",
            "| family | work | pool | alloc | ops | median ns | min | max "
            "| - null | x kmem | notes |",
            "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: "
            "| ---: | --- |"]
    for r in rows:
        out.append("| %s | %s | %d MiB | %s | %d | %.2f | %.2f | %.2f | "
                   "%.2f | %.2f | %s |" % (
                       r["family"], r["workload"], r["pool_mib"], r["alloc"],
                       r["ops"], r["median_ns"], r["min_ns"], r["max_ns"],
                       r["minus_null_ns"], r["ratio_to_kmem"], notes_of(r)))
    out += ["", "Metadata on i386: struct page %d bytes, struct zone %d "
            "bytes (x 3 zones)." % (meta[0]["sizeof_page_i386"],
                                    meta[0]["zone_bytes_i386"] // 3), "",
            "| pool | bytes per frame (descriptor + (zones + free maps) / "
            "managed frames) | free maps bytes | mem_map + zones + maps / "
            "managed frames |", "| ---: | ---: | ---: | ---: |"]
    for m in meta:
        out.append("| %d MiB | %.4f | %d | %.4f |" % (
            m["pool_mib"], m["bytes_per_frame"], m["map_bytes_i386"],
            m["bytes_per_managed_frame"]))
    out += ["", "Targets:", "", "```"]
    for t in tgts:
        out.append("%s  %-36s %s" % ("PASS" if t["pass"] else "MISS",
                                     t["target"], t["text"]))
    return out + ["```"]


def markdown_callgrind(rows):
    out = ["Instructions per operation (per pair; per op for mixed) in the "
           "timed part only, one run per cell under callgrind; `- null` "
           "subtracts the null allocator's count (the bench loop).", "",
           "| family | work | pool | alloc | ops | Ir/op | - null | top "
           "functions (Ir/op) |",
           "| --- | --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        top = ", ".join("%s %.1f" % (f["function"].split(":")[-1],
                                     f["ir_per_op"])
                        for f in r["top_functions_ir_per_op"][:3])
        out.append("| %s | %s | %d MiB | %s | %d | %.1f | %.1f | %s |" % (
            r["family"], r["workload"], r["pool_mib"], r["alloc"], r["ops"],
            r["ir_per_op"], r["ir_per_op_minus_null"], top))
    return out


def write_section(args, name, title, reps, load0, body, extra=()):
    info = results.host_info(load0, args.results)
    text = results.header(title, info, reps, args.cflags,
                          [("pinned CPU", str(pick_cpu(args.cpu)))] +
                          list(extra))
    results.update(args.results, name, "\n".join(text + body))
    print("written: %s (section %s)" % (args.results, name))


def top_functions(path, ops, n=6):
    """The n functions with the most exclusive Ir, per operation."""
    p = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no",
                        path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    top = []
    for line in p.stdout.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S+)", line)
        if not m or "PROGRAM" in line:
            continue
        ir = int(m.group(1).replace(",", ""))
        top.append({"function": m.group(2), "ir_per_op": round(ir / ops, 1)})
        if len(top) == n:
            break
    return top


def callgrind(args, cpu):
    load0 = os.getloadavg()
    t0 = time.time()
    outdir = os.path.join(args.build, "bench", "callgrind")
    os.makedirs(outdir, exist_ok=True)
    rows = []
    for fam, w, pool, allocs in jobs():
        res = {}
        for a in allocs:
            f = os.path.join(outdir, "%s-%d-%s.out" % (w, pool, a))
            cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   "--callgrind-out-file=" + f,
                   worker(args.build, a), w, a, str(pool), str(CG_OPS[w])]
            r = run_worker(cmd, cpu)
            ir = None
            with open(f) as fh:
                for line in fh:
                    if line.startswith("totals:") or \
                            line.startswith("summary:"):
                        ir = int(line.split()[1])
            if ir is None:
                sys.exit("bench: no totals in " + f)
            res[a] = (ir, r["ops"], top_functions(f, r["ops"]))
        for a in allocs:
            ir, ops, top = res[a]
            rows.append({"family": fam,
                         "workload": "batch" if w == "kbatch" else w,
                         "alloc": a, "pool_mib": pool, "ops": ops,
                         "unit": UNIT[w], "ir": ir, "ir_per_op": ir / ops,
                         "ir_per_op_minus_null":
                             ir / ops - res["null"][0] / res["null"][1],
                         "top_functions_ir_per_op": top})
        print("bench-callgrind: %s %d MiB done" % (w, pool), file=sys.stderr,
              flush=True)
    print("kmem386 instructions per operation (callgrind, timed part only)")
    hdr = "%-6s %-6s %8s  %-11s %8s %9s %9s" % (
        "family", "work", "pool", "alloc", "ops", "Ir/op", "- null")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print("%-6s %-6s %4d MiB  %-11s %8d %9.1f %9.1f" % (
            r["family"], r["workload"], r["pool_mib"], r["alloc"], r["ops"],
            r["ir_per_op"], r["ir_per_op_minus_null"]))
    path = os.path.join(args.build, "bench-callgrind.json")
    with open(path, "w") as fh:
        json.dump({"tool": "callgrind", "commit": git_head(),
                   "results": rows}, fh, indent=1)
    print("\nwritten: " + path)
    vg = subprocess.run(["valgrind", "--version"], stdout=subprocess.PIPE,
                        text=True).stdout.strip()
    write_section(args, "bench-callgrind", "make bench-callgrind", 1, load0,
                  markdown_callgrind(rows),
                  [("tool", vg), ("duration", "%.0f s" % (time.time() - t0))])


def git_head():
    """The commit measured, with "+dirty" if mm/ had uncommitted changes."""
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    try:
        head = subprocess.run(["git", "-C", top, "rev-parse", "--short",
                               "HEAD"], stdout=subprocess.PIPE, text=True,
                              stderr=subprocess.DEVNULL).stdout.strip()
        dirty = subprocess.run(["git", "-C", top, "status", "--porcelain",
                                "--", "mm", "include/mm"],
                               stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL).stdout.strip()
    except OSError:
        return None
    return head + ("+dirty" if dirty else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--cpu", type=int, default=None)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--ops", type=int, default=0,
                    help="operations per timed cell (0: the workloads' "
                    "defaults; kbatch takes OPS / 100000 rounds)")
    ap.add_argument("--cflags", default="-",
                    help="the flags the workers were built with, recorded "
                    "in the results file")
    ap.add_argument("--results", default=results.DEFAULT_PATH,
                    help="the results file whose section is rewritten")
    args = ap.parse_args()
    cpu = pick_cpu(args.cpu)
    if args.callgrind:
        callgrind(args, cpu)
        return
    t0 = time.time()
    loads0 = os.getloadavg()
    load0 = loads0[0]
    raw = measure(args, cpu)
    load1 = os.getloadavg()[0]
    rows = summarize(raw)
    sizes, meta = metadata(args.build, rows)
    tgts = targets(rows, meta)
    print_table(rows, tgts, meta, args.reps, cpu)
    if max(load0, load1) > 1.5:     # this run itself adds about 1
        print("\nnote: the machine was busy (load average %.2f at the start, "
              "%.2f at the end); times are inflated, ratios less so; "
              "`make bench-callgrind` counts instructions instead"
              % (load0, load1))
    doc = {
        "commit": git_head(),
        "host": {"machine": platform.machine(), "cpus": os.cpu_count(),
                 "pinned_cpu": cpu, "python": platform.python_version(),
                 "loadavg_start": load0, "loadavg_end": load1},
        "reps": args.reps,
        "seconds": round(time.time() - t0, 1),
        "results": rows,
        "metadata_i386": {"sizes": sizes, "per_pool": meta},
        "targets": tgts,
    }
    path = os.path.join(args.build, "bench.json")
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
    print("\nwritten: %s (%.0f s)" % (path, doc["seconds"]))
    write_section(args, "bench", "make bench", args.reps, loads0,
                  markdown_bench(rows, tgts, meta, args, cpu, load0, load1),
                  [("duration", "%.0f s" % doc["seconds"])])


if __name__ == "__main__":
    main()
