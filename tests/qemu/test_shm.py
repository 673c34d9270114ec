"""System V shared memory in QEMU: two programs that are not parent and
child exchange data through a segment (one after the other, and side by
side with `run A & B`), `ipcs` shows the segment as Linux's `ipcs -m`
does, a Ctrl-C kill of an attached process detaches it, and the free
frames of every zone come back once the segment is removed and the
programs are gone."""
import re

from test_console import expect, send_ctrl_c
from test_proc import LEFT_ZERO, vmstat

IPCS_HEAD = ("key        shmid      owner      perms      bytes      "
             "nattch     status      ")
IPCS_LINE = re.compile(r"^0x([0-9a-f]{8}) (\d+)\s+root\s+(\d+)\s+(\d+)\s+"
                       r"(\d+)\s*(dest)?\s*$", re.M)


def segments(k):
    out = k.cmd("ipcs")
    assert "------ Shared Memory Segments --------" in out, out
    assert IPCS_HEAD in out, out
    return {int(m.group(1), 16): m.groups() for m in IPCS_LINE.finditer(out)}


def back_to(k, before):
    after = vmstat(k)
    for key in before:
        if key.startswith("nr_free_"):
            assert after[key] == before[key], (key, before[key], after[key])
    for key in LEFT_ZERO:
        assert after[key] == 0, (key, after[key])
    assert after["nr_shmem"] == 0, after
    assert not segments(k)


def test_exchange_between_programs(boot):
    k = boot(mem="32M")
    out = k.cmd("selftest shm")
    assert "PASS shm.shared_by_attach_and_fork" in out, out
    assert "1 passed, 0 failed" in out, out
    base = vmstat(k)
    assert not segments(k)
    out = k.cmd("run shmtest put 4242")
    m = re.search(r"shmtest: put 65536 bytes in segment (\d+) "
                  r"\(key 0x00001092\) by pid (\d+)", out)
    assert m and "shmtest exited with status 0" in out, out
    segs = segments(k)
    assert list(segs) == [0x1092], segs
    key, shmid, perms, size, nattch, dest = segs[0x1092]
    assert (shmid, perms, size, nattch, dest) == \
        (m.group(1), "600", "65536", "0", None), segs
    d = vmstat(k)
    assert d["nr_shmem"] == 16 and d["nr_user_frames"] == 16, d
    out = k.cmd("run shmtest get 4242")
    assert f"shmtest: got 65536 bytes from pid {m.group(2)}, segment " \
        "removed" in out, out
    assert "PASS" in out and "shmtest exited with status 0" in out, out
    back_to(k, base)

    # side by side: neither is the other's parent
    out = k.cmd("run shmtest pong 77 & shmtest ping 77")
    assert re.search(r"shmtest: ping pid \d+: 200 rounds", out), out
    assert re.search(r"shmtest: pong pid \d+: 200 rounds", out), out
    assert out.count("shmtest exited with status 0") == 2, out
    back_to(k, base)

    out = k.cmd("run shmtest errors 99")
    assert "PASS" in out and "shmtest exited with status 0" in out, out
    back_to(k, base)
    k.halt()


def test_kill_detaches(boot):
    k = boot(mem="32M")
    base = vmstat(k)
    k._type("run shmtest hold 5 & shmtest hold 5\r")
    expect(k, r"holds segment \d+", 120)
    expect(k, r"holds segment \d+", 120)
    send_ctrl_c(k)
    expect(k, "run: shmtest interrupted", 60)
    k._expect_prompt(60)
    segs = segments(k)
    assert segs[5][4] == "0" and segs[5][3] == "65536", segs
    assert vmstat(k)["nr_shmem"] == 16
    # the segment outlived its holders; get checks it and removes it
    out = k.cmd("run shmtest get 5")
    assert "PASS" in out, out
    back_to(k, base)
    k.halt()
