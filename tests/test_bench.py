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


CHILD_BURNS_CPU = """
import subprocess, sys
code = "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.6: pass"
subprocess.run([sys.executable, "-c", code], check=True)
"""


def test_measure_counts_the_cpu_of_child_processes():
    from mediakpi.bench import measure

    m = measure([sys.executable, "-c", CHILD_BURNS_CPU], interval=0.02)
    assert m.proc.returncode == 0
    assert m.cpu >= 0.6 and m.seconds > 0


def test_read_floor_reads_every_cell_the_ingest_reads(tmp_path):
    """The floor reads the same files as ingest (its walk) and at least every cell ingest finds in them: a banner
    line above the header is skipped, the rest of each grid counted."""
    from mediakpi.bench import read_floor
    from mediakpi.ingest.grid import read_grid
    from mediakpi.ingest.layouts import load_registry
    from mediakpi.ingest.sniff import sniff
    from mediakpi.ingest.tables import header_score
    from mediakpi.demo import write_demo
    from mediakpi.paths import Workspace

    write_demo(tmp_path / "raw", end_month="2026-10", months=1)
    ws = Workspace.of(tmp_path)
    floor = read_floor(tmp_path, "2026-10", workers=1)
    files = [p for p in (tmp_path / "raw" / "2026-10").rglob("*") if p.is_file()]
    assert floor["files"] == len(files) > 10
    score = header_score(load_registry())
    rows = 0
    for p in files:
        sn = sniff(p)
        if sn.kind in ("xlsx", "xls", "html", "text"):
            rows += sum(len(s.cells) for s in read_grid(p, sn, score))
    # the comment-API JSON files (互动与舆情记录) have no grid: ingest reads them whole with json, the floor as text lines
    from mediakpi.bench import _floor_file

    json_rows = sum(_floor_file(p)[0] for p in files if sniff(p).kind == "json")
    assert rows * 0.9 <= floor["rows"] - json_rows <= rows  # banner lines of text files are the only rows left out
    assert ws.raw("2026-10").is_dir()


def test_targets_table_puts_every_target_side_by_side():
    from mediakpi.bench import targets_table

    scale = {
        "floor": {"seconds": 10.0, "cpu": 12.0},
        "stages": {"01_ingest": 30.0, "02_clean": 20.0},
        "cpu": {"01_ingest": 40.0, "02_clean": 19.0},
        "peaks": {"01_ingest": 2**30, "02_clean": 2**31},
        "run_seconds": 70.0,
        "run_cpu": 90.0,
        "run_peak_bytes": 3 * 2**30,
    }
    lines = targets_table({"demo": 12.0, "floor": 10.0, "ratio": 1.2}, scale, (1.0, 2.0))
    text = "\n".join(lines)
    assert "30.0 s / 10.0 s = 3.00×" in text and "≤ 2.5× | NO" in text
    assert "70.0 s (90.0 s CPU) | ≤ 60 s | NO" in text and "3.00 GB | ≤ 2 GB | NO" in text
    assert "1.20× | ≤ 1.2× | yes" in text
