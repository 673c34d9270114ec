"""pytest fixtures for the QEMU tests.

    def test_something(boot):
        k = boot(mem="128M", cpu="qemu32", cmdline="")
        out = k.cmd("buddyinfo")
        k.halt()

`bochs` boots the same way in Bochs (tests/qemu/bochs.py). Every kernel
a test boots is killed at the end of the test if still alive.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from bochs import BochsKernel  # noqa: E402
from kmem import ELF, ISO, Kernel  # noqa: E402


def machine_fixture(name, machine):
    """A fixture that boots machines of this class and kills, at the end of
    the test, every one still alive."""
    @pytest.fixture(name=name)
    def fixture():
        kernels = []

        def _boot(**kw):
            k = machine(**kw)
            kernels.append(k)
            return k

        yield _boot
        for k in kernels:
            k.kill()
    return fixture


boot = machine_fixture("boot", Kernel)            # QEMU (kmem.py)
bochs = machine_fixture("bochs", BochsKernel)     # Bochs (bochs.py)


def pytest_sessionstart(session):
    for path in (ISO, ELF):
        if not os.path.exists(path):
            raise pytest.UsageError(f"{path} missing: run `make iso` first")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "soak: the long soak run (make test-soak MINUTES=N)")


def pytest_collection_modifyitems(config, items):
    """The long soak runs only when asked for (SOAK_MINUTES, make
    test-soak): otherwise it is deselected, not collected as a skip."""
    if os.environ.get("SOAK_MINUTES"):
        return
    soak = [i for i in items if "soak" in i.keywords]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [i for i in items if "soak" not in i.keywords]
