"""The benchmark's memory sampling counts the whole process tree (a child's memory included)."""
import sys

from mediakpi.bench import run_sampled
import pytest

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

CHILD_HOLDS_300MB = """
import subprocess, sys
code = "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1.0)"
subprocess.run([sys.executable, "-c", code], check=True)
print("done")
"""


def test_run_sampled_sees_memory_of_child_processes():
    proc, peak = run_sampled([sys.executable, "-c", CHILD_HOLDS_300MB], interval=0.02)
    assert proc.returncode == 0 and proc.stdout.strip() == "done"
    assert peak > 300 * 2**20


def test_run_sampled_reports_failure():
    proc, _ = run_sampled([sys.executable, "-c", "import sys; sys.exit('boom')"])
    assert proc.returncode == 1 and "boom" in proc.stderr
