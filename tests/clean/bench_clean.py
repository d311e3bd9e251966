"""Benchmark (not a test): time 02_clean on a processed folder and print figures.

    .venv/bin/python tests/clean/bench_clean.py DATA_DIR [PERIOD] [--profile]

DATA_DIR holds processed/<period>/ as 01_ingest wrote it (e.g. a mediakpi.demo.write_scaled run after ingest), with
earlier months' posts.parquet for the viral baselines. Prints wall and CPU seconds of clean_period (reading, checking,
writing) and the process's peak memory; with --profile, a pyinstrument profile of the run as well.
"""
import resource
import sys
import time


def main(data_dir: str, period: str = "2026-10", profile: bool = False) -> None:
    from mediakpi.clean import clean_period
    from mediakpi.paths import Workspace

    ws = Workspace.of(data_dir, data_dir.rstrip("/") + "-reports")
    profiler = None
    if profile:
        from pyinstrument import Profiler
        profiler = Profiler()
        profiler.start()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    res = clean_period(ws, period)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"02_clean {period}: {len(res.posts):,} posts, {len(res.calendar_match):,} calendar items, "
          f"{len(res.data_quality):,} accounts")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s, peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--profile"]
    if not args:
        sys.exit(__doc__)
    main(args[0], args[1] if len(args) > 1 else "2026-10", "--profile" in sys.argv)
