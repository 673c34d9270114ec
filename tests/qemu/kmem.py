"""Drive a kmem386 kernel in QEMU over its serial console.

A Kernel boots the ISO (GRUB) or the ELF (QEMU's own Multiboot loader),
waits for the `mm> ` prompt, sends commands and returns their output. A
panic, a hang or an unexpected exit fails the test with the serial log.
"""
import hashlib
import os
import re
import shutil
import subprocess
import termios
import time

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
ISO = os.path.join(BUILD, "kmem386.iso")
ELF = os.path.join(BUILD, "kmem386.elf")
PROMPT = "mm> "
BOOT_TIMEOUT = int(os.environ.get("KMEM_BOOT_TIMEOUT", "180"))
CMD_TIMEOUT = int(os.environ.get("KMEM_CMD_TIMEOUT", "300"))

# QEMU exit statuses: the kernel writes V to isa-debug-exit, QEMU exits 2V+1.
EXIT_HALT = 1      # V = 0: `halt`
EXIT_PANIC = 3     # V = 1: panic()


class KernelError(AssertionError):
    pass


def iso_with_cmdline(cmdline):
    """An ISO whose grub.cfg passes cmdline (cached by content)."""
    if not cmdline:
        return ISO
    key = hashlib.sha1(cmdline.encode()).hexdigest()[:12]
    out = os.path.join(BUILD, "iso-cache", key + ".iso")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(ELF):
        return out
    work = os.path.join(BUILD, "iso-cache", f"{key}.{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "boot", "grub"))
    shutil.copy(ELF, os.path.join(work, "boot", "kmem386.elf"))
    with open(os.path.join(ROOT, "arch", "i386", "grub.cfg")) as f:
        cfg = f.read()
    # GRUB's script syntax expands $ and treats # specially: quote each word.
    quoted = " ".join("'" + w + "'" for w in cmdline.split())
    cfg = cfg.replace("/boot/kmem386.elf", "/boot/kmem386.elf " + quoted)
    with open(os.path.join(work, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(cfg)
    # Parallel test workers may build the same image: write, then rename.
    tmp = f"{out}.{os.getpid()}.tmp"
    subprocess.run(["grub-mkrescue", "-o", tmp, work], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.replace(tmp, out)
    shutil.rmtree(work, ignore_errors=True)
    return out


class Kernel:
    EMULATOR = "QEMU"

    def __init__(self, mem="128M", cpu="qemu32", cmdline="", method="iso",
                 extra=(), smp=None):
        """smp=N boots N CPUs, each on its own host thread (MTTCG)."""
        self.mem, self.cpu, self.cmdline, self.method = mem, cpu, cmdline, method
        accel = ["-accel", "tcg"]
        if smp is not None:
            accel = ["-accel", "tcg,thread=multi", "-smp", str(smp)]
        args = accel + ["-m", mem, "-cpu", cpu, "-no-reboot",
                "-display", "none", "-monitor", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if method == "iso":
            args += ["-cdrom", iso_with_cmdline(cmdline), "-boot", "d"]
        elif method == "elf":
            args += ["-kernel", ELF]
            if cmdline:
                args += ["-append", cmdline]
        else:
            raise ValueError(method)
        args += list(extra)
        self.argv = ["qemu-system-i386"] + args
        self.log = ""
        self.child = pexpect.spawn(self.argv[0], self.argv[1:],
                                   encoding="latin-1", timeout=BOOT_TIMEOUT,
                                   codec_errors="replace")
        self.child.delaybeforesend = None
        self.exitstatus = None
        self.boot_log = self._expect_prompt(BOOT_TIMEOUT)

    # -- low level -------------------------------------------------------
    def _fail(self, why):
        raise KernelError(f"{why}\n--- qemu: {' '.join(self.argv)}\n"
                          f"--- serial log ---\n{self.log}")

    def _expect_prompt(self, timeout):
        i = self.child.expect([PROMPT, r"PANIC: ", pexpect.EOF,
                               pexpect.TIMEOUT], timeout=timeout)
        self.log += self.child.before + (self.child.after if i < 2 else "")
        if i == 0:
            return self.child.before
        if i == 1:
            try:
                self.child.expect(pexpect.EOF, timeout=20)
                self.log += self.child.before
            except pexpect.TIMEOUT:
                pass
            self._fail("kernel panicked")
        if i == 2:
            self._wait_exit()
            self._fail(f"{self.EMULATOR} exited (status {self.exitstatus})")
        self._fail(f"no prompt within {timeout} s")

    def _wait_exit(self):
        self.child.close()
        self.exitstatus = self.child.exitstatus
        if self.exitstatus is None and self.child.signalstatus is not None:
            self.exitstatus = -self.child.signalstatus
        return self.exitstatus

    def _type(self, text):
        # The 16550 FIFO holds 16 bytes: type in small bursts.
        for i in range(0, len(text), 8):
            self.child.send(text[i:i + 8])
            time.sleep(0.002)

    # -- API -------------------------------------------------------------
    def cmd(self, line, timeout=CMD_TIMEOUT):
        """Run one console command and return its output (no echo, no prompt)."""
        self._type(line + "\r")
        out = self._expect_prompt(timeout)
        out = out.replace("\r\n", "\n").replace("\r", "")
        # drop the echoed command line
        first_nl = out.find("\n")
        echoed = out[:first_nl] if first_nl >= 0 else out
        if line.strip() and line.strip() not in echoed:
            self._fail(f"command echo missing for {line!r}: {echoed!r}")
        return out[first_nl + 1:] if first_nl >= 0 else ""

    def interrupt(self):
        """Type Ctrl-C. QEMU's stdio lets the terminal turn it into SIGINT:
        switch that off on our pty so the byte reaches the serial port."""
        attrs = termios.tcgetattr(self.child.child_fd)
        attrs[3] &= ~termios.ISIG
        termios.tcsetattr(self.child.child_fd, termios.TCSANOW, attrs)
        self.child.send("\x03")

    def send_and_exit(self, line, timeout=60):
        """Type a command that ends the machine; return QEMU's exit status."""
        self._type(line + "\r")
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self.log += self.child.before or ""
            self._fail(f"QEMU did not exit after {line!r}")
        self.log += self.child.before
        return self._wait_exit()

    def halt(self):
        status = self.send_and_exit("halt")
        if status != EXIT_HALT:
            self._fail(f"halt: QEMU exit status {status}, expected {EXIT_HALT}")

    def kill(self):
        if self.child.isalive():
            self.child.terminate(force=True)


# The boot matrix of the test plan: every cell boots and halts cleanly.
MEMS = ["16M", "128M", "1G", "3584M"]
CPUS = ["486", "pentium", "pentium3", "qemu32"]


def parse_table(text, pattern):
    """All regex matches of pattern in text, as tuples."""
    return re.findall(pattern, text, re.M)
