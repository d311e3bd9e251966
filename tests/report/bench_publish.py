"""Benchmark (not a test): how long publish() takes with many scorecards, and how big the pages get.

    .venv/bin/python tests/report/bench_publish.py [people=200] [period=2026-10]

Prints the phase timings of PublishResult.seconds, the time per scorecard and the largest page. The target from the
brief: 200 scorecards add at most ~10 s (the `people` phase), every page under 5 MB.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mediakpi.paths import Workspace  # noqa: E402
from mediakpi.report.publish import publish  # noqa: E402
from report_fixture import make_processed  # noqa: E402


def main(n: int = 200, period: str = "2026-10") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = Workspace(root / "data", root / "reports")
        t = time.perf_counter()
        make_processed(ws, period, n_people=n, history=6)
        print(f"fixture: {n} people, {time.perf_counter() - t:.1f} s")
        publish(ws, period, root / "warmup")  # imports and font set-up, paid once per process
        result = publish(ws, period, root / "out")
        s = result.seconds
        pages = sorted(result.pages, key=lambda p: p.stat().st_size)
        print("phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in s.items()))
        print(f"scorecards: {len(result.people)} in {s['people']:.2f} s = {1000 * s['people'] / max(1, n):.1f} ms each")
        print(f"largest page: {pages[-1].name} {pages[-1].stat().st_size / 1024:.0f} KiB; "
              f"team.html {(result.out_dir / 'team.html').stat().st_size / 1024:.0f} KiB; "
              f"scoreboard.xlsx {result.excel.stat().st_size / 1024:.0f} KiB")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2] if len(sys.argv) > 2 else "2026-10")
