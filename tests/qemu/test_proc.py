"""Processes, demand-zero and copy-on-write in QEMU: every user program on
every memory size (one CPU) and on every CPU (128M). After each `run`,
the free frames of every zone must be what they were before it, and no
address space, region, process or user frame may be left, and no process
may still own the FPU. The FPU is saved with FNSAVE on the 486 and the
Pentium, with FXSAVE (and SSE on) on the Pentium III and qemu32."""
import re

import pytest

from kmem import CPUS, MEMS

CELLS = [(m, "qemu32") for m in MEMS] + \
        [("128M", c) for c in CPUS if c != "qemu32"]

PROGRAMS = ["hello", "cowtest", "zerotest", "forktree", "oomtest", "fputest",
            "layout", "mmaptest"]

# CPU model: (FPU save format, whether SSE is on)
FPU_FORMAT = {"486": ("FNSAVE", False), "pentium": ("FNSAVE", False),
              "pentium3": ("FXSAVE", True), "qemu32": ("FXSAVE", True)}

SEGV_MODES = {
    "null": "no region at this address",
    "unmapped": "no region at this address",
    "text": "write to program text",
    "rodata": "write to read-only region",
    "kread": "user access to kernel half",
    "kwrite": "user access to kernel half",
    "guard": "stack overflow into the guard gap",
    "none": "access to a region without rights",
    "readonly": "write to read-only region",
    "munmap": "no region at this address",
    "gpf": "general protection fault",
    "step": "debug",
    "divide": "divide error",
    "fpe": "x87 floating-point error",
}

SEGFAULT = re.compile(r"^segfault: pid (\d+) \((\S+)\) addr 0x([0-9a-f]{8}) "
                      r"ip 0x([0-9a-f]{8}): (.+)$", re.M)

LEFT_ZERO = ("nr_user_frames", "nr_mm", "nr_vma", "nr_proc",
             "nr_proc_kstack", "nr_fpu_owner")


def vmstat(k):
    out = k.cmd("vmstat")
    return {name: int(v) for name, v in re.findall(r"^(\w+) (\d+)$", out,
                                                   re.M)}


def run(k, line, timeout=None):
    """`run LINE`; check that it left nothing behind; return the output and
    the change of every vmstat counter."""
    before = vmstat(k)
    out = k.cmd("run " + line, **({"timeout": timeout} if timeout else {}))
    after = vmstat(k)
    for key in before:
        if key.startswith("nr_free_"):
            assert after[key] == before[key], \
                f"run {line}: {key} {before[key]} -> {after[key]}\n{out}"
    for key in LEFT_ZERO:
        assert after[key] == 0, f"run {line}: {key} = {after[key]}\n{out}"
    assert after["nr_page_table"] == before["nr_page_table"], out
    assert after["nr_slab"] == before["nr_slab"], out
    delta = {key: after[key] - before[key] for key in before}
    return out, delta


def check_fpu_boot(k, cpu):
    fmt, sse = FPU_FORMAT[cpu]
    assert re.search(r"^cpu: .*, FPU yes, FXSR (yes|no), SSE (yes|no)\s*$",
                     k.boot_log, re.M), k.boot_log
    m = re.search(r"^fpu: x87, (FNSAVE 108|FXSAVE 512)-byte areas(, SSE on)?"
                  r", lazy switch \(CR0.TS, #NM\)\s*$", k.boot_log, re.M)
    assert m and m.group(1).startswith(fmt), k.boot_log
    assert bool(m.group(2)) == sse, k.boot_log


def check_fputest(out, d, cpu, one_cpu=True):
    m = re.search(r"fputest: 3 workers, (x87|x87 \+ SSE), "
                  r"(\d+)/(\d+)/(\d+) rounds of \d+ steps, "
                  r"switched out (\d+)/(\d+)/(\d+) times", out)
    assert m, out
    assert (m.group(1) == "x87 + SSE") == FPU_FORMAT[cpu][1], out
    rounds = [int(m.group(i)) for i in (2, 3, 4)]
    switches = [int(m.group(i)) for i in (5, 6, 7)]
    assert min(rounds) >= 200 and sum(switches) >= 8, out
    assert d["fork"] == 3
    if not one_cpu:
        return          # each worker may keep a CPU of its own
    # the workers took the FPU from each other while it held their
    # registers: an owner's state saved, the next one's loaded
    assert d["fpu_save"] >= 8, (d, out)
    assert d["fpu_restore"] >= d["fpu_save"], (d, out)
    assert d["fpu_trap"] >= d["fpu_restore"], (d, out)


def check_program(k, prog, mem, cpu="qemu32", one_cpu=True):
    out, d = run(k, prog)
    assert "PASS" in out and "FAIL" not in out, out
    assert f"{prog} exited with status 0" in out, out
    assert not SEGFAULT.search(out), out
    if prog == "cowtest":
        assert "cowtest: kernel write after fork stayed in the child" in out
        m = re.search(r"cowtest: (\d+) copies, (\d+) reuses", out)
        assert int(m.group(1)) >= 32 and int(m.group(2)) >= 32, out
        assert d["fork"] == 2      # the copy-on-write test, the kernel write
        assert d["pgfault_cow_copy"] >= 32 and d["pgfault_cow_reuse"] >= 32
    elif prog == "zerotest":
        m = re.search(r"zerotest: (\d+) pages mapped, (\d+) written", out)
        pages, written = int(m.group(1)), int(m.group(2))
        assert pages >= (2048 if mem != "16M" else 512), out
        assert d["pgfault_zero_page"] >= pages
        assert written <= d["pgfault_demand_zero"] <= written + 16
        assert "zerotest: kernel writes got their own frames" in out, out
    elif prog == "forktree":
        assert d["fork"] == 15 and d["fork_fail"] == 0
        assert d["fork_refused"] == 0
        assert d["pgfault_cow_copy"] > 0
    elif prog == "oomtest":
        assert re.search(r"oomtest: refused after \d+ MiB", out), out
        assert d["oom_kill"] == 0
    elif prog == "hello":
        assert "hello from pid" in out
    elif prog == "fputest":
        check_fputest(out, d, cpu, one_cpu)
    return out, d


def check_segv(k, mode):
    out, d = run(k, "segv " + mode)
    lines = SEGFAULT.findall(out)
    assert len(lines) == 1, out
    pid, prog, addr, ip, reason = lines[0]
    assert prog == "segv" and reason == SEGV_MODES[mode], out
    assert "exited with status" not in out, out
    assert d["segfault"] == 1 and d["oom_kill"] == 0
    if mode == "null":
        assert addr == "00000000"
    if mode in ("kread", "kwrite"):
        assert addr == "c0100000"
    if mode == "unmapped":
        assert addr == "70000000"
    assert 0x08048000 <= int(ip, 16) < 0x08050000


@pytest.mark.parametrize("mem,cpu", CELLS)
def test_programs_and_segfaults(boot, mem, cpu):
    k = boot(mem=mem, cpu=cpu)
    assert "proc: " in k.boot_log
    check_fpu_boot(k, cpu)
    out = k.cmd("selftest proc")
    assert "4 passed, 0 failed" in out, out
    for prog in PROGRAMS:
        check_program(k, prog, mem, cpu)
    for mode in SEGV_MODES:
        check_segv(k, mode)
    out, d = run(k, "segv efault")
    assert "PASS" in out and "segv exited with status 0" in out, out
    assert d["segfault"] == 0
    # the kernel and the next programs go on after all that; fputest's new
    # process must find a clean FPU although segv fpe died with an x87
    # exception pending in it
    check_program(k, "cowtest", mem)
    check_program(k, "fputest", mem, cpu)
    k.halt()


OOM_KILLED = re.compile(r"^Out of memory: Killed process (\d+) \((\S+)\) "
                        r"total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:0kB, "
                        r"shmem-rss:(\d+)kB, UID:0 pgtables:(\d+)kB "
                        r"oom_score_adj:0\s*$", re.M)


def check_oom_alone(k, mode):
    """oomtest MODE runs out of memory alone: the killer takes it, with
    Linux's line, and nothing else."""
    out, d = run(k, "oomtest " + mode)
    m = re.search(r"oomtest: (\d+) MiB mapped, touching", out)
    assert m, out
    kills = OOM_KILLED.findall(out)
    assert len(kills) == 1 and kills[0][1] == "oomtest", out
    total_vm, anon, shmem, pgtables = (int(x) for x in kills[0][2:])
    assert total_vm >= int(m.group(1)) * 1024, out
    assert 0 < anon <= total_vm and shmem == 0 and pgtables >= 4, out
    assert not SEGFAULT.search(out) and "exited with status" not in out, out
    assert d["oom_kill"] == 1 and d["segfault"] == 0


@pytest.mark.parametrize("mem", ["16M", "128M", "1G"])
def test_out_of_memory_in_a_fault_and_in_fork(boot, mem):
    # (3584M: one address space cannot hold all the memory)
    k = boot(mem=mem)
    # alone, the process that runs out is the largest: it is the victim,
    # from a ring-3 fault and from a kernel copy in a system call
    check_oom_alone(k, "kill")
    check_oom_alone(k, "copy")
    # memory full, then fork until refused: -ENOMEM, nothing leaked
    out, d = run(k, "oomtest fork")
    assert re.search(r"fork refused \(-12\) after \d+ children", out), out
    assert "PASS" in out and "oomtest exited with status 0" in out, out
    # one fork refused, after a reclaim and one more try; where memory ran
    # out first (process record, kernel stack or address space copy)
    # depends on the state of the lists
    assert d["fork_refused"] == 1 and d["fork_fail"] <= 2
    assert d["oom_kill"] == 0 and d["segfault"] == 0
    check_program(k, "forktree", mem)
    k.halt()


def test_faultbench(boot):
    k = boot(mem="128M", cpu="pentium3")
    out, d = run(k, "faultbench")
    assert "PASS" in out and "faultbench exited with status 0" in out, out
    for name in ("demand-zero", "zero-page", "cow-copy", "cow-reuse",
                 "fork-exit-wait", "brk-touch"):
        m = re.search(rf"faultbench: {name} (\d+)", out)
        assert m and int(m.group(1)) > 0, (name, out)
    # 5 x 1024 demand-zero + 5 x 256 copies + 5 x 1024 brk pages at least
    assert d["pgfault_demand_zero"] >= 5 * 1024 + 5 * 1024
    assert d["pgfault_zero_page"] >= 5 * 1024
    assert d["pgfault_cow_copy"] >= 5 * 256
    assert d["pgfault_cow_reuse"] >= 5 * 256
    assert d["fork"] == 10
    k.halt()


@pytest.mark.parametrize("cpu", ["qemu32", "486"])
def test_nowp(boot, cpu):
    """With CR0.WP left clear ("nowp": ring 0 writes through read-only
    entries, as on a 386), copy_to_user takes the copy-on-write and
    demand-zero faults in software: a kernel write after fork stays in the
    child and the zero page stays zero. The programs pass as with WP."""
    k = boot(mem="128M", cpu=cpu, cmdline="nowp")
    assert "CR0.WP off (nowp)" in k.boot_log, k.boot_log
    assert re.search(r" wp off ", k.cmd("vmm")), k.log
    for prog in ("cowtest", "zerotest", "forktree"):
        out, d = check_program(k, prog, "128M", cpu)
        if prog != "forktree":
            # the child's write into the shared page, the zero-page and
            # never-touched pages: each fault taken by copy_to_user
            assert d["pgfault_soft_wp"] >= (1 if prog == "cowtest" else 2)
    out, d = run(k, "faultbench")
    assert "PASS" in out and "faultbench exited with status 0" in out, out
    assert d["pgfault_cow_copy"] >= 5 * 256 and d["fork"] == 10
    out, d = run(k, "segv efault")
    assert "PASS" in out and d["segfault"] == 0, out
    k.halt()


def test_preemption_and_ctrl_c(boot):
    """Three processes that never yield all run (the tick preempts them);
    Ctrl-C at the console ends them and frees everything."""
    k = boot()
    before = vmstat(k)
    k._type("run spin\r")
    pids = set()
    for _ in range(3):
        k.child.expect(r"spin: pid (\d+) alive", timeout=60)
        pids.add(k.child.match.group(1))
    assert len(pids) == 3
    k.interrupt()
    k.child.expect("run: spin interrupted", timeout=30)
    k._expect_prompt(30)
    after = vmstat(k)
    for key in before:
        if key.startswith("nr_free_"):
            assert after[key] == before[key], key
    for key in LEFT_ZERO:
        assert after[key] == 0, key
    assert "hello from pid" in k.cmd("run hello")
    k.halt()


def test_no387(boot):
    """With the FPU treated as absent (CR0.EM), a floating-point
    instruction ends the process with a segfault line; the kernel and
    integer programs go on."""
    k = boot(cpu="pentium3", cmdline="no387", method="elf")
    assert re.search(r"^fpu: none \(CR0.EM\): a floating-point instruction "
                     r"ends the process \(no387\)\s*$", k.boot_log, re.M), \
        k.boot_log
    out = k.cmd("selftest proc")
    assert "PASS proc.fpu_handover" in out and "4 passed, 0 failed" in out
    for line in ("fputest", "segv fpe"):
        out, d = run(k, line)
        lines = SEGFAULT.findall(out)
        assert len(lines) == 1, out
        assert lines[0][4] == ("floating-point instruction: no FPU and no "
                               "math emulation"), out
        assert lines[0][2] == lines[0][3], out    # addr is the instruction
        assert "exited with status" not in out, out
        assert d["segfault"] == 1 and d["fpu_restore"] == 0, (d, out)
        assert d["fpu_trap"] == 1, (d, out)
    check_program(k, "forktree", "128M")
    k.halt()


def test_run_ps_and_errors(boot):
    k = boot()
    out = k.cmd("run")
    for prog in PROGRAMS + ["segv", "spin", "faultbench"]:
        assert f" {prog}" in out, out
    assert "run: no program 'nosuch'" in k.cmd("run nosuch")
    out, _ = run(k, "hello one two")
    assert re.search(r"hello from pid \d+: \[hello\] \[one\] \[two\]", out)
    out = k.cmd("ps")
    assert re.search(r"^\s+PID\s+PPID\s+STATE", out, re.M), out
    assert re.search(r"^\s+0\s+0\s+running .* kernel$", out, re.M), out
    assert len(out.strip().splitlines()) == 2, out
    out = k.cmd("run segv nothing")
    assert "FAIL: unknown mode 'nothing'" in out
    assert "segv exited with status 1" in out
    k.halt()


UFUZZ = re.compile(r"ufuzz: seed (\d+): (\d+) children, (\d+) calls each: "
                   r"(\d+) exited, (\d+) segfault, (\d+) oom, "
                   r"(\d+) fork refused")


def check_ufuzz(k, seed, children=200, calls=500):
    """Random ring-3 system calls and accesses: every child ends by exit or
    a kill the kernel reported, and nothing is left behind (run())."""
    # (at 1 GiB a child's populated MAP_SHARED mapping may zero most of
    # memory: a run takes tens of seconds there)
    out, d = run(k, f"ufuzz {seed} {children} {calls}", timeout=300)
    m = UFUZZ.search(out)
    assert m and "ufuzz: PASS" in out, out
    exited, segv, oom, refused = (int(m.group(i)) for i in (4, 5, 6, 7))
    assert exited + segv + oom + refused == children, out
    assert refused == 0, out
    # every kill is reported on the console, one line per child
    assert len(SEGFAULT.findall(out)) == segv + oom, out
    assert d["segfault"] == segv + oom, out
    assert "panic" not in out.lower(), out
    return exited, segv, oom


@pytest.mark.parametrize("mem,seeds", [("16M", (1, 2, 3)), ("1G", (4,))])
def test_random_system_calls_from_ring3(boot, mem, seeds):
    k = boot(mem=mem)
    ends = [check_ufuzz(k, seed) for seed in seeds]
    # the moves really vary: some children live to the end, some are killed
    assert sum(e[0] for e in ends) > 0 and sum(e[1] for e in ends) > 0, ends
    # and the kernel still runs programs correctly afterwards
    check_program(k, "cowtest", mem)
    k.halt()


@pytest.mark.parametrize("prog", ["cowtest", "forktree", "oomtest"])
def test_run_n_copies_side_by_side(boot, prog):
    """`run -n 8 PROG`: eight copies at once, each ending by itself, and
    nothing left behind (run() checks the free counts)."""
    k = boot(mem="128M")
    out, d = run(k, f"-n 8 {prog}", timeout=300)
    assert out.count(f"{prog} exited with status 0") == 8, out
    assert "FAIL" not in out and not SEGFAULT.search(out), out
    k.halt()


def test_run_n_refuses_bad_counts(boot):
    k = boot(mem="16M")
    for arg, msg in (("0", "run: -n takes 1 to 8 copies"),
                     ("9", "run: -n takes 1 to 8 copies"),
                     ("x", "run: -n N PROG [ARGS]")):
        out = k.cmd(f"run -n {arg} hello")
        assert msg in out and "hello exited" not in out, out
    out = k.cmd("run -n 2")
    assert "run: -n N PROG [ARGS]" in out, out
    k.halt()
