#!/usr/bin/python3
"""Tests of bench/results.py: one section rewritten, the others kept.

Run by `make test-host` (and alone: /usr/bin/python3 bench/test_results.py).
"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402


class SectionTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "RESULTS.md")
        self.dec = os.path.join(self.dir.name, "decisions.md")
        with open(self.dec, "w") as fh:
            fh.write("<!-- edit me\nnot copied -->\n- variant A: 1.2 ns\n")

    def tearDown(self):
        self.dir.cleanup()

    def read(self):
        with open(self.path) as fh:
            return fh.read()

    def test_new_file_has_every_section_and_the_decisions(self):
        results.update(self.path, "bench", "## make bench\n\nfig 1",
                       self.dec)
        text = self.read()
        got = results.parse_sections(text)
        self.assertEqual(got["bench"], "## make bench\n\nfig 1")
        for name, cmd, _ in results.SECTIONS:
            self.assertIn(name, got)
            self.assertIn("`%s`" % cmd, text)
        self.assertIn("Not measured yet: run `make bench-qemu`.",
                      got["bench-qemu"])
        self.assertIn("- variant A: 1.2 ns", text)
        self.assertNotIn("not copied", text)
        self.assertNotIn("edit me", text)

    def test_rewriting_one_section_keeps_the_others(self):
        results.update(self.path, "bench", "bench v1", self.dec)
        results.update(self.path, "bench-callgrind", "cg v1\n| a | b |",
                       self.dec)
        results.update(self.path, "bench-peers", "peers v1", self.dec)
        results.update(self.path, "bench", "bench v2\nline 2", self.dec)
        got = results.parse_sections(self.read())
        self.assertEqual(got["bench"], "bench v2\nline 2")
        self.assertEqual(got["bench-callgrind"], "cg v1\n| a | b |")
        self.assertEqual(got["bench-peers"], "peers v1")

    def test_sections_keep_their_order(self):
        results.update(self.path, "bench-peers", "p", self.dec)
        results.update(self.path, "bench", "b", self.dec)
        text = self.read()
        pos = [text.index("<!-- section: %s -->" % n)
               for n, _, _ in results.SECTIONS]
        self.assertEqual(pos, sorted(pos))

    def test_rewrite_is_idempotent(self):
        results.update(self.path, "bench", "b", self.dec)
        first = self.read()
        results.update(self.path, "bench", "b", self.dec)
        self.assertEqual(self.read(), first)

    def test_decisions_follow_their_source(self):
        results.update(self.path, "bench", "b", self.dec)
        with open(self.dec, "w") as fh:
            fh.write("- variant B: 3 %\n")
        results.update(self.path, "bench-qemu", "q", self.dec)
        text = self.read()
        self.assertIn("- variant B: 3 %", text)
        self.assertNotIn("variant A", text)
        self.assertEqual(results.parse_sections(text)["bench"], "b")

    def test_refresh_keeps_every_section(self):
        results.update(self.path, "bench", "b", self.dec)
        results.update(self.path, "bench-qemu", "q", self.dec)
        with open(self.dec, "w") as fh:
            fh.write("- variant C\n")
        results.update(self.path, None, "", self.dec)
        text = self.read()
        got = results.parse_sections(text)
        self.assertEqual((got["bench"], got["bench-qemu"]), ("b", "q"))
        self.assertIn("- variant C", text)

    def test_unknown_section_is_kept(self):
        results.update(self.path, "bench", "b", self.dec)
        with open(self.path, "a") as fh:
            fh.write("<!-- section: extra -->\nx\n<!-- end: extra -->\n")
        results.update(self.path, "bench", "b2", self.dec)
        got = results.parse_sections(self.read())
        self.assertEqual(got["extra"], "x")
        self.assertEqual(got["bench"], "b2")

    def test_unterminated_section_does_not_swallow_the_next(self):
        text = ("<!-- section: bench -->\nhalf\n"
                "<!-- section: bench-qemu -->\nq\n<!-- end: bench-qemu -->\n")
        got = results.parse_sections(text)
        self.assertNotIn("bench", got)
        self.assertEqual(got["bench-qemu"], "q")

    def test_no_temporary_file_is_left(self):
        results.update(self.path, "bench", "b", self.dec)
        self.assertEqual(sorted(os.listdir(self.dir.name)),
                         ["RESULTS.md", "decisions.md"])

    def test_header_records_the_machine(self):
        info = results.host_info((0.5, 0.25, 0.125), self.path)
        lines = "\n".join(results.header("make bench", info, 11, "-O2"))
        self.assertIn("| repetitions | 11 |", lines)
        self.assertIn("| flags | `-O2` |", lines)
        self.assertIn("0.50 / 0.25 / 0.12", lines)
        self.assertIn("| CPU | %s (%d CPUs) |" % (results.cpu_model(),
                                                  os.cpu_count()), lines)
        self.assertRegex(lines, r"\| date \| \d{4}-\d\d-\d\d \d\d:\d\d UTC")


    def test_commit_is_dirty_but_not_for_the_results_file(self):
        top = self.dir.name

        def git(*args):
            subprocess.run(["git", "-C", top, "-c", "user.name=t",
                            "-c", "user.email=t@t"] + list(args),
                           check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        git("init", "-q")
        results.update(self.path, "bench", "b", self.dec)
        git("add", "RESULTS.md", "decisions.md")
        git("commit", "-q", "-m", "x")
        clean = results.commit(self.path, top)
        self.assertRegex(clean, r"^[0-9a-f]{7,}$")
        results.update(self.path, "bench", "b2", self.dec)
        self.assertEqual(results.commit(self.path, top), clean)
        with open(self.dec, "a") as fh:
            fh.write("- one more\n")
        self.assertEqual(results.commit(self.path, top), clean + "-dirty")


if __name__ == "__main__":
    unittest.main()
