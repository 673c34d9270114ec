#!/usr/bin/python3
"""bench/RESULTS.md: the one generated file of benchmark figures.

Each benchmark target owns one section of the file, between the markers
`<!-- section: NAME -->` and `<!-- end: NAME -->`.  Writing a section
keeps every other section as it was, rebuilds the file's header and
copies in the list of decisions from bench/decisions.md (kept by hand),
so the file as a whole is always generated.  The file is written to a
temporary file in the same directory and renamed over the old one, so a
reader never sees half of it.

Used as a module by bench/run.py and user/bench_qemu.py; from the shell
(bench/peers.sh):

    results.py --section bench-peers --body FILE [--reps N] [--flags F]
    results.py --refresh     (make bench-decisions: recopy decisions.md)
"""

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DEFAULT_PATH = os.path.join(HERE, "RESULTS.md")
DECISIONS = os.path.join(HERE, "decisions.md")

# Section name -> the command that regenerates it; also the file's order.
SECTIONS = [
    ("bench", "make bench",
     "host timing: medians over repetitions, ratios within each repetition"),
    ("bench-callgrind", "make bench-callgrind",
     "host instructions per operation (callgrind)"),
    ("bench-mca", "make bench-mca",
     "one loop iteration of the fast paths under llvm-mca, AMD and Intel "
     "models"),
    ("bench-qemu", "make bench-qemu",
     "page-fault costs in the kernel under QEMU's instruction clock"),
    ("bench-peers", "make bench-peers",
     "kmem386 beside five public buddy allocators (../shared/bench-peers)"),
    ("bench-threads", "make bench-threads",
     "threads as CPUs: 1 and 2 threads, producer/consumer, beside glibc, "
     "jemalloc, mimalloc and tcmalloc"),
]

BEGIN_RE = re.compile(r"^<!-- section: ([\w.-]+) -->$")
END_FMT = "<!-- end: %s -->"


def parse_sections(text):
    """Return {name: body} for every well-formed section of text.

    body is the text between the two marker lines, without them.  A
    section whose end marker is missing is dropped (it would otherwise
    swallow the sections after it)."""
    out = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = BEGIN_RE.match(lines[i])
        if not m:
            i += 1
            continue
        name = m.group(1)
        try:
            j = lines.index(END_FMT % name, i + 1)
        except ValueError:
            i += 1
            continue
        out[name] = "\n".join(lines[i + 1:j]).strip("\n")
        i = j + 1
    return out


def decisions_text(path=DECISIONS):
    """The hand-kept decisions list, without its HTML comments."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return "(bench/decisions.md is missing)"
    return re.sub(r"<!--.*?-->", "", text, flags=re.S).strip("\n")


def render(sections, decisions):
    """The whole file from {name: body} and the decisions text."""
    out = [
        "# kmem386 benchmark results",
        "",
        "<!-- Generated file: do not edit it by hand. Each section is "
        "rewritten by its command, which keeps the other sections; the "
        "decisions list is copied from bench/decisions.md. -->",
        "",
        "Generated; never edited by hand. Each section below is rewritten "
        "by one command, which keeps the others:",
        "",
    ]
    for name, cmd, what in SECTIONS:
        out.append("- `%s`: %s (section `%s`)" % (cmd, what, name))
    out += ["",
            "The decisions list is copied from `bench/decisions.md`, the "
            "file to edit, by each of these commands and by `make "
            "bench-decisions`. A commit ending in `-dirty` had uncommitted "
            "changes (other than this file) when it was measured.",
            "",
            "## Variants measured and not taken",
            "",
            decisions,
            ""]
    names = [n for n, _, _ in SECTIONS]
    names += sorted(n for n in sections if n not in names)
    for name in names:
        body = sections.get(name)
        out += ["<!-- section: %s -->" % name]
        if body is None:
            cmd = dict((n, c) for n, c, _ in SECTIONS).get(name, name)
            out += ["## %s" % name, "",
                    "Not measured yet: run `%s`." % cmd]
        else:
            out += [body]
        out += [END_FMT % name, ""]
    return "\n".join(out)


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".RESULTS.", dir=d)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def update(path, name, body, decisions_path=DECISIONS):
    """Replace (or add) section name of the file at path with body; with
    name None, only rebuild the header and the decisions list."""
    try:
        with open(path) as fh:
            sections = parse_sections(fh.read())
    except FileNotFoundError:
        sections = {}
    if name is not None:
        sections[name] = body.strip("\n")
    write_atomic(path, render(sections, decisions_text(decisions_path)))


def _run(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return ""
    return p.stdout.strip() if p.returncode == 0 else ""


def commit(results_path=DEFAULT_PATH, top=TOP):
    """`git describe --always --dirty`, where the results file itself does
    not count as a change (writing one section must not mark the next
    one dirty)."""
    desc = _run(["git", "-C", top, "describe", "--always"]) or "unknown"
    rel = os.path.relpath(os.path.abspath(results_path), top)
    status = _run(["git", "-C", top, "status", "--porcelain",
                   "--untracked-files=no", "--", ".",
                   ":(exclude)" + rel])
    return desc + ("-dirty" if status else "")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_release():
    deb = ""
    try:
        with open("/etc/debian_version") as fh:
            deb = "Debian " + fh.read().strip()
    except OSError:
        pass
    return "Linux %s%s" % (platform.release(), ", " + deb if deb else "")


def host_info(load_start=None, results_path=DEFAULT_PATH):
    """What every section records about the machine and the tree."""
    if load_start is None:
        load_start = os.getloadavg()
    return {
        "commit": commit(results_path),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "compiler": (_run(["gcc", "--version"]).splitlines() or
                     ["unknown"])[0],
        "os": os_release(),
        "date": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
        "load": load_start,
    }


def header(title, info, reps, flags, extra=()):
    """The section's title and its facts, as markdown lines."""
    load = info["load"]
    if isinstance(load, (tuple, list)):
        load = " / ".join("%.2f" % x for x in load)
    lines = [
        "## %s" % title,
        "",
        "| | |",
        "| --- | --- |",
        "| commit | `%s` |" % info["commit"],
        "| date | %s |" % info["date"],
        "| CPU | %s (%d CPUs) |" % (info["cpu"], info["cpus"]),
        "| compiler | %s |" % info["compiler"],
        "| flags | `%s` |" % flags,
        "| OS | %s |" % info["os"],
        "| load average at the start (1 / 5 / 15 min) | %s |" % load,
        "| repetitions | %s |" % reps,
    ]
    for k, v in extra:
        lines.append("| %s | %s |" % (k, v))
    return lines + [""]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refresh", action="store_true",
                    help="keep every section, recopy the decisions")
    ap.add_argument("--section")
    ap.add_argument("--title", default=None)
    ap.add_argument("--body", help="markdown file with the section's tables")
    ap.add_argument("--reps", default="-")
    ap.add_argument("--flags", default="-")
    ap.add_argument("--load", default=None,
                    help="load average at the start (default: now)")
    ap.add_argument("--extra", action="append", default=[],
                    help="KEY=VALUE line for the facts table")
    ap.add_argument("--results", default=DEFAULT_PATH)
    a = ap.parse_args()
    if a.refresh:
        update(a.results, None, "")
        print("written: %s (decisions)" % a.results, file=sys.stderr)
        return
    if not a.section or not a.body:
        ap.error("--section and --body are needed, or --refresh")
    with open(a.body) as fh:
        body = fh.read()
    load = a.load.split() if a.load else None
    if load:
        load = [float(x) for x in load[:3]]
    info = host_info(load, a.results)
    extra = [kv.split("=", 1) for kv in a.extra]
    text = header(a.title or a.section, info, a.reps, a.flags, extra)
    update(a.results, a.section, "\n".join(text) + "\n" + body)
    print("written: %s (section %s)" % (a.results, a.section),
          file=sys.stderr)


if __name__ == "__main__":
    main()
