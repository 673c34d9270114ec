"""Code addresses named as symbol+offset/size: the kernel's symbol table
(`selftest core`), a misuse report's caller, and the panic paths' EIP and
call trace, whose every frame is checked against the ELF's own symbols."""
import re
import subprocess

from kmem import ELF, EXIT_PANIC

SYM = r"([A-Za-z_][\w.]*)\+0x([0-9a-f]+)/0x([0-9a-f]+)"
FRAME = re.compile(r"^ \[<([0-9a-f]{8})>\] " + SYM + r"$")


def elf_functions():
    """{name: (start, size)} of the kernel ELF's text symbols; size None
    for an assembly label, which the ELF gives no size."""
    out = subprocess.run(["nm", "-S", ELF], check=True, capture_output=True,
                         text=True).stdout
    funcs = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "Tt":
            funcs[f[3]] = (int(f[0], 16), int(f[1], 16))
        elif len(f) == 3 and f[1] in "Tt":
            funcs[f[2]] = (int(f[0], 16), None)
    return funcs


def call_trace(log):
    """The frames after "Call trace:" as (address, name, offset, size)."""
    lines = log[log.index("Call trace:"):].splitlines()[1:]
    frames = []
    for line in filter(None, lines):
        m = FRAME.match(line)
        if not m:
            break
        frames.append((int(m.group(1), 16), m.group(2), int(m.group(3), 16),
                       int(m.group(4), 16)))
    return frames


def check_frames(frames):
    """Every frame's name, offset and size agree with the ELF: the return
    address lies in the function or just past its end (%pB)."""
    funcs = elf_functions()
    for addr, name, off, size in frames:
        start, fsize = funcs[name]
        assert addr == start + off, (hex(addr), name, off)
        assert size == fsize or fsize is None, (name, size, fsize)
        assert 0 < off <= size, (name, off, size)


def test_selftest_core_kallsyms(boot):
    k = boot(method="elf")
    out = k.cmd("selftest core")
    assert "PASS core.kallsyms" in out, out
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    k.halt()


def test_double_vfree_names_the_shell_command(boot):
    """The report names its caller by function: the shell command that
    freed twice."""
    k = boot(method="elf")
    addr = re.search(r"vmalloc: (0x[0-9a-f]{8})", k.cmd("vmalloc 4096"))
    assert addr, k.log
    assert k.cmd(f"vfree {addr.group(1)}").strip() == ""
    out = k.cmd(f"vfree {addr.group(1)}")
    m = re.search(rf"^vfree: bad address {addr.group(1)}: not a vmalloc "
                  rf"area \(caller {SYM}\)$", out, re.M)
    assert m, out
    assert m.group(1) == "cmd_vfree", out
    start, size = elf_functions()["cmd_vfree"]
    assert int(m.group(3), 16) == size and 0 < int(m.group(2), 16) < size
    k.halt()


def test_panic_call_trace_names_functions(boot):
    k = boot(method="elf")
    assert k.send_and_exit("panic testing") == EXIT_PANIC
    frames = call_trace(k.log)
    names = [f[1] for f in frames]
    assert names[:3] == ["cmd_panic", "shell_exec", "shell_run"], k.log
    assert "---[ end kernel panic ]---" in k.log
    check_frames(frames)


def test_kernel_fault_names_eip(boot):
    k = boot(method="elf")
    assert k.send_and_exit("vmfault null") == EXIT_PANIC
    m = re.search(rf"^EIP is at {SYM}\s*$", k.log, re.M)
    assert m and m.group(1) == "cmd_vmfault", k.log
    eip = int(re.search(r"eip 0x([0-9a-f]{8}) \(kernel mode\)",
                        k.log).group(1), 16)
    start, size = elf_functions()["cmd_vmfault"]
    assert eip == start + int(m.group(2), 16) and int(m.group(3), 16) == size
    names = [f[1] for f in call_trace(k.log)]
    assert names[:2] == ["shell_exec", "shell_run"], k.log


def test_kernel_stack_overflow_trace_stays_on_its_stack(boot):
    """The double fault's trace walks the overflowing stack from the guard
    page up: the recursion's frames, then the shell that started it; no
    frame outside that stack, no second fault."""
    k = boot(method="elf")
    assert k.send_and_exit("vmfault kstack") == EXIT_PANIC
    assert re.search(r"^EIP is at kstack_recurse\+0x[0-9a-f]+/0x[0-9a-f]+",
                     k.log, re.M), k.log
    frames = call_trace(k.log)
    names = [f[1] for f in frames]
    deep = names.index("shell_exec")
    assert deep >= 8 and set(names[:deep]) == {"kstack_recurse"}, k.log
    assert len(frames) <= 32
    check_frames(frames)
    assert "panic while panicking" not in k.log
