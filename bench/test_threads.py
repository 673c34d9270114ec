#!/usr/bin/python3
"""Tests of bench/threads.py's statistics: per-repetition ratios, their
medians, the targets and the section it writes.

Run by `make test-host` (and alone: /usr/bin/python3 bench/test_threads.py).
"""

import argparse
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402
import threads  # noqa: E402


def run(w, a, n, mops, ops=1000, thread_ns=None, moved=0, batch=127):
    """One worker's line, as bench/threads.c prints it."""
    ns = ops * 1e3 / mops
    return {"workload": w, "alloc": a, "threads": n, "ops": ops,
            "ns": ns, "ns_per_op": ns / ops, "mops": mops, "fails": 0,
            "moved": moved, "batch": batch,
            "thread_ns": thread_ns or [ns] * n, "cpus": list(range(n))}


def fake_raw(mops_of):
    """Every cell for three repetitions; mops_of(w, a, n, rep) -> Mops/s."""
    raw = {}
    for rep in range(3):
        for w, a, n in threads.CELLS:
            raw.setdefault((w, a, n), []).append(
                run(w, a, n, mops_of(w, a, n, rep)))
    return raw


class StatsTest(unittest.TestCase):
    def test_scaling_is_the_median_of_per_repetition_ratios(self):
        # kmem page pairs, 1 thread: 10, 20, 40; 2 threads: 19, 40, 100.
        # Ratios 1.9, 2.0, 2.5 -> median 2.0; the ratio of the medians
        # (40 / 20) would be the same here, so make them differ:
        # 2 threads 19, 100, 40 -> ratios 1.9, 5.0, 1.0 -> median 1.9,
        # while medians 40 / 20 = 2.0.
        one = {0: 10.0, 1: 20.0, 2: 40.0}
        two = {0: 19.0, 1: 100.0, 2: 40.0}

        def mops(w, a, n, rep):
            if (w, a) == ("page", "kmem"):
                return one[rep] if n == 1 else two[rep]
            return 10.0 * n
        rows = threads.summarize(fake_raw(mops))
        r = threads.find(rows, "page", "kmem", 2)
        self.assertAlmostEqual(r["scaling"], 1.9)
        self.assertAlmostEqual(r["median_mops"], 40.0)
        self.assertNotIn("scaling", threads.find(rows, "page", "kmem", 1))
        self.assertNotIn("scaling", threads.find(rows, "page-pc", "kmem", 2))

    def test_peer_ratio_is_its_time_over_kmem_time(self):
        def mops(w, a, n, rep):
            if w == "kmalloc-pc":
                return {"kmem": 4.0, "mimalloc": 8.0, "jemalloc": 2.0,
                        "tcmalloc": 1.0}.get(a, 3.0)
            return 10.0 * n
        rows = threads.summarize(fake_raw(mops))
        # mimalloc twice kmem's throughput: half its time.
        self.assertAlmostEqual(
            threads.find(rows, "kmalloc-pc", "mimalloc", 2)["x_kmem"], 0.5)
        self.assertAlmostEqual(
            threads.find(rows, "kmalloc-pc", "jemalloc", 2)["x_kmem"], 2.0)
        t = {x["target"]: x for x in threads.targets(rows)}
        pc = t["kmalloc-pc vs fastest (mimalloc)"]
        self.assertFalse(pc["pass"])
        self.assertAlmostEqual(pc["value"], 0.5)

    def test_targets_pass_and_miss_at_their_limits(self):
        def mops(w, a, n, rep):
            if w == "page" and a == "kmem":
                return 10.0 * (1.9 if n == 2 else 1.0)
            if w == "kmalloc" and a == "kmem":
                return 10.0 * (1.89 if n == 2 else 1.0)
            if w == "kmalloc-pc":
                return 5.0 if a == "kmem" else 4.0
            return 10.0 * n
        t = {x["target"]: x for x in threads.targets(
            threads.summarize(fake_raw(mops)))}
        self.assertTrue(t["page pairs, 2 threads / 1"]["pass"])
        self.assertFalse(t["kmalloc pairs, 2 threads / 1"]["pass"])
        pc = [x for name, x in t.items() if name.startswith("kmalloc-pc")]
        self.assertEqual(len(pc), 1)
        self.assertTrue(pc[0]["pass"])
        self.assertAlmostEqual(pc[0]["value"], 1.25)

    def test_glibc_is_not_a_target_peer(self):
        def mops(w, a, n, rep):
            if w == "kmalloc-pc":
                return 100.0 if a == "glibc" else 5.0
            return 10.0 * n
        t = threads.targets(threads.summarize(fake_raw(mops)))
        self.assertTrue(t[-1]["pass"])
        self.assertNotIn("glibc", t[-1]["target"])

    def test_thread_ns_is_each_threads_time_per_operation(self):
        raw = fake_raw(lambda w, a, n, rep: 10.0 * n)
        for r in raw[("kmalloc", "glibc", 2)]:
            r["ops"] = 2000                  # 1000 per thread
            r["thread_ns"] = [50000.0, 100000.0]
        row = threads.find(threads.summarize(raw), "kmalloc", "glibc", 2)
        self.assertEqual(row["thread_ns"], [50.0, 100.0])

    def test_moved_blocks_per_operation(self):
        raw = fake_raw(lambda w, a, n, rep: 10.0 * n)
        for r in raw[("page-pc", "kmem", 2)]:
            r["moved"] = 2000
        rows = threads.summarize(raw)
        self.assertAlmostEqual(
            threads.find(rows, "page-pc", "kmem", 2)["moved_per_op"], 2.0)
        self.assertTrue(any("page-pc: 2.0000 blocks" in b
                            for b in threads.bounds(rows)))


class SectionTest(unittest.TestCase):
    def test_section_written_and_others_kept(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "RESULTS.md")
            results.update(path, "bench", "bench figures")
            rows = threads.summarize(fake_raw(
                lambda w, a, n, rep: 10.0 * n))
            args = argparse.Namespace(reps=3, ops=0)
            body = threads.markdown(rows, threads.targets(rows),
                                    threads.bounds(rows), args, [0, 1], 0.5)
            results.update(path, "bench-threads", "\n".join(body))
            with open(path) as fh:
                got = results.parse_sections(fh.read())
        self.assertEqual(got["bench"], "bench figures")
        sec = got["bench-threads"]
        self.assertIn("| page | kmem | 2 | 0+1 | 1000 | 20.00 |", sec)
        self.assertIn("| kmalloc-pc | tcmalloc | 2 | 0+1 |", sec)
        self.assertIn("one thread on CPU 0, two on CPUs 0 and 1", sec)
        self.assertIn("PASS  page pairs, 2 threads / 1", sec)
        self.assertIn("kmem-cpu1 runs the threads as CPUs 1 and 2", sec)


if __name__ == "__main__":
    unittest.main()
