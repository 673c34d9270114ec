"""Drive a kmem386 kernel in Bochs, a second x86 emulator, over COM1.

Bochs implements the CPU, the BIOS and the chipset apart from QEMU: its
BIOS builds its own E820 map (with an "ACPI data" range) and its own
ACPI and MP tables, and its CPU models are stricter.  A boot that works
in both is closer to one that works on hardware.

A BochsKernel offers the console API of kmem.Kernel (cmd(), halt(),
kill()).  Bochs runs as fast as it can (`clock: sync=none`): guest time
follows the instructions it executes.  COM1 is a TCP socket Bochs
listens on; Bochs waits for the connection before it starts the CPU, so
no byte of the boot log is lost.  Bochs has no isa-debug-exit: `halt`
ends with the kernel's "halted" line, and the test then ends Bochs.

Debian's Bochs is built with its debugger, which stops before the first
instruction: a command file answers it with `c`.  Its text display then
draws the screen on a pseudo-terminal of its own, which a thread here
reads and throws away: unread, it fills and stops the machine.
"""
import os
import re
import shutil
import socket
import tempfile
import threading
import time

import pexpect
import pexpect.fdpexpect

from kmem import BOOT_TIMEOUT, ISO, Kernel, KernelError

BOCHS_SHARE = "/usr/share/bochs"
SCREEN = re.compile(rb'connected to screen "(/dev/pts/\d+)"')


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drain(fd):
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass


class _SerialSocket(pexpect.fdpexpect.fdspawn):
    """COM1's socket: a reset (Bochs gone) reads as the end of the file,
    as QEMU's closed terminal does."""

    def read_nonblocking(self, size=1, timeout=-1):
        try:
            return super().read_nonblocking(size, timeout)
        except ConnectionResetError:
            self.flag_eof = True
            raise pexpect.EOF("Bochs closed COM1") from None


class BochsKernel(Kernel):
    EMULATOR = "Bochs"

    def __init__(self, mem_mib=128, cpu="pentium", smp=1, iso=ISO):
        self.mem, self.cpu, self.smp = mem_mib, cpu, smp
        self.dir = tempfile.mkdtemp(prefix="kmem386-bochs.")
        self.port = _free_port()
        rc = os.path.join(self.dir, "bochsrc")
        with open(rc, "w") as f:
            f.write(f"""memory: guest={mem_mib}, host={min(mem_mib, 2048)}
romimage: file={BOCHS_SHARE}/BIOS-bochs-latest
vgaromimage: file={BOCHS_SHARE}/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path={os.path.abspath(iso)}, status=inserted
boot: cdrom
com1: enabled=1, mode=socket-server, dev=localhost:{self.port}
display_library: term
log: {self.dir}/bochs.log
cpu: model={cpu}, count={smp}, ips=50000000
clock: sync=none
""")
        dbg = os.path.join(self.dir, "debugger.rc")
        with open(dbg, "w") as f:
            f.write("c\n")
        self.argv = ["bochs", "-q", "-f", rc, "-rc", dbg]
        self.log = ""
        self.exitstatus = None
        # Bochs's own terminal: its messages and, after a Bochs panic, its
        # debugger.  Read on a thread so that it never blocks Bochs.
        self.proc = pexpect.spawn(self.argv[0], self.argv[1:], timeout=60)
        self.proc.delaybeforesend = None
        try:
            self.proc.expect(SCREEN)
        except (pexpect.EOF, pexpect.TIMEOUT):
            self.log = (self.proc.before or b"").decode(errors="replace")
            self._fail("Bochs did not start its display")
        screen = os.open(self.proc.match.group(1).decode(),
                         os.O_RDONLY | os.O_NOCTTY)
        for fd in (screen, self.proc.child_fd):
            threading.Thread(target=_drain, args=(fd,), daemon=True).start()
        self.sock = self._connect()
        self.child = _SerialSocket(
            self.sock.fileno(), encoding="latin-1", timeout=BOOT_TIMEOUT,
            codec_errors="replace")
        self.child.delaybeforesend = None
        self.boot_log = self._expect_prompt(BOOT_TIMEOUT)

    def _connect(self):
        deadline = time.time() + 60
        while True:
            try:
                return socket.create_connection(("127.0.0.1", self.port))
            except OSError:
                if time.time() > deadline or not self.proc.isalive():
                    self._fail("Bochs did not open COM1")
                time.sleep(0.1)

    def _fail(self, why):
        tail = ""
        try:
            with open(os.path.join(self.dir, "bochs.log"),
                      errors="replace") as f:
                tail = "".join(f.readlines()[-30:])
        except OSError:
            pass
        raise KernelError(f"{why}\n--- bochs: {' '.join(self.argv)} "
                          f"({self.cpu}, {self.mem} MiB, {self.smp} CPUs)"
                          f"\n--- serial log ---\n{self.log}"
                          f"\n--- bochs.log ---\n{tail}")

    def _wait_exit(self):
        """COM1 closed: Bochs is on its way out (a Bochs panic or a triple
        fault it does not reset from)."""
        deadline = time.time() + 10
        while self.proc.isalive() and time.time() < deadline:
            time.sleep(0.1)
        self.exitstatus = self.proc.exitstatus
        if self.exitstatus is None and self.proc.signalstatus is not None:
            self.exitstatus = -self.proc.signalstatus
        return self.exitstatus

    def halt(self):
        """`halt`: the kernel says "halted" and stops; Bochs is ended."""
        self._type("halt\r")
        try:
            self.child.expect(r"halted\r?\n", timeout=60)
        except (pexpect.TIMEOUT, pexpect.EOF):
            self.log += self.child.before or ""
            self._fail("no 'halted' after halt")
        self.log += self.child.before + self.child.after
        self.kill()

    def kill(self):
        if self.proc.isalive():
            self.proc.terminate(force=True)
        try:
            self.sock.close()
        except (AttributeError, OSError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
