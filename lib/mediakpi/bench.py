"""`mediakpi bench`: the figures behind the README's performance section (issue 2 speed, issue 3, issue 8).

It prints a table; nothing here is a pass/fail test. Measured in one run on the same machine:
1. the floor: five papermill kernels that only import pandas, matplotlib and seaborn and draw one chart, through the
   same runner (same kernel, same transport), against the demo month run end to end (target ≤ 1.2× the floor, issue 18);
2. the scale month: 200 operators, 2,000 accounts, 1,000,000 posts in the platforms' own layouts (generated once
   under the work dir), each stage's library call timed in its own process with the peak memory of its process tree,
   then the whole month through `mediakpi run` as a user runs it (issue 18's targets: ≤ 60 s end to end, ≤ 2 GB for all
   its processes together), ingest against `pandas.read_csv` of the same rows (≤ 3×), 200 scorecards (≤ 10 s),
   what-if re-ranking of 200 people as the slider does it (`scoring.whatif.whatif_table`, < 50 ms; quick part), and
   DuckDB querying the processed store as it is (`processed/*/posts.parquet`, the period from the folder name)
   against pandas.
3. the read floor of the scale month (issue 26): every file read into cells by the fastest readers the project
   depends on, in ingest's process layout (`read_floor`), right before ingest; target ingest ≤ 2.5× it.
Every process is measured by `measure`: wall seconds, CPU seconds (user + sys of its process tree) and the peak of the
tree's summed RSS. The run ends with issue 26's targets side by side (`targets_table`), to copy into the README.
`mediakpi bench --compare BEFORE AFTER` checks that two period folders hold equal tables (speed work keeps outputs).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import catalog
from .paths import PROJECT_ROOT, Workspace

FLOOR_SOURCE = """import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import seaborn as sns
fig, ax = plt.subplots()
sns.lineplot(x=[1, 2, 3], y=[1, 4, 9], ax=ax)
plt.close(fig)
"""


def floor_notebooks(folder: Path, stages: list[str]) -> Path:
    """Five notebooks with the runner's parameters that only import pandas/matplotlib/seaborn and draw one chart."""
    from .runner import stage_parameters

    folder.mkdir(parents=True, exist_ok=True)
    ws = Workspace.of("data", "reports")
    for stage in stages:
        params = stage_parameters(stage, "2026-10", ws, ws.reports_dir, "zh", None)
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "mediakpi", "display_name": "Python (mediakpi)", "language": "python"}
        param_cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in params.items()))
        param_cell.metadata["tags"] = ["parameters"]
        body = FLOOR_SOURCE
        if stage == "05_report":
            body += (
                "from pathlib import Path\nPath(out_dir).mkdir(parents=True, exist_ok=True)\n"
                "(Path(out_dir) / 'index.html').write_text('<p>floor</p>')\n"
            )
        nb.cells = [nbformat.v4.new_markdown_cell(f"# floor {stage}"), param_cell, nbformat.v4.new_code_cell(body)]
        nbformat.write(nb, folder / f"{stage}.ipynb")
    return folder


def _row(name: str, seconds: float, note: str = "") -> str:
    return f"  {name:<38} {seconds:>8.2f} s  {note}"


def bench_floor_vs_demo(work: Path, echo=print) -> dict:
    """Demo month end to end vs the five-kernel floor, through the same runner."""
    from .demo import write_demo
    from .runner import run_period
    from .stages import backfill, names

    data, reports = work / "demo-data", work / "demo-reports"
    if not Workspace.of(data).raw_months():
        write_demo(data / "raw")
    month = Workspace.of(data).raw_months()[-1]
    # as `make demo` does: earlier months processed first (baselines, trends); not part of the timed run
    backfill(Workspace.of(data), month)
    floor_dir = floor_notebooks(work / "floor-notebooks", names())
    # warm-up (imports in the OS page cache), then one measured run each
    run_period(
        month, data, work / "floor-reports", notebooks=floor_dir, echo=lambda s: None, progress=False, parallel=False
    )
    t0 = time.perf_counter()
    run_period(
        month, data, work / "floor-reports", notebooks=floor_dir, echo=lambda s: None, progress=False, parallel=False
    )
    floor = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run_period(month, data, reports, echo=lambda s: None, progress=False)
    demo = time.perf_counter() - t0
    echo("Demo month vs the five-kernel floor")
    echo(_row("floor (5 kernels, import + 1 chart)", floor))
    for t in result.timings:
        echo(_row(f"demo {t.stage}", t.seconds))
    echo(_row("demo month end to end", demo, f"ratio {demo / floor:.2f}× (target ≤ 1.2×)"))
    return {"floor": floor, "demo": demo, "ratio": demo / floor}


def bench_scale(work: Path, posts: int, accounts: int, operators: int, echo=print) -> dict:
    """The 1,000,000-post month: its read floor, every stage's library call (what its notebook calls), each in a
    fresh process, then the month through `mediakpi run`."""
    import pandas as pd

    from .demo import write_scaled, write_scaled_history

    data = work / "scale-data"
    ws = Workspace.of(data, work / "scale-reports")
    month = "2026-10"
    t0 = time.perf_counter()
    if not ws.raw(month).is_dir():
        write_scaled(ws.raw_root, month=month, operators=operators, accounts=accounts, posts=posts)
        write_scaled_history(ws.processed_root, month=month)
    gen = time.perf_counter() - t0
    made = f"generated in {gen:.1f} s" if gen >= 0.5 else f"generated earlier under {data}"
    echo(f"Scale month: {posts:,} posts, {accounts:,} accounts, {operators} operators ({made})")

    # the read floor first, then ingest right after it: the pair back to back, so that both see the same machine
    floor = bench_read_floor(ws, month)
    echo(
        _row(
            "read floor: every file into cells",
            floor["seconds"],
            f"{floor['cpu']:.1f} s CPU; {floor['files']:,} files, {floor['rows']:,} rows, {floor['cells']:,} cells; "
            f"csv/calamine/lxml, {floor['workers']} processes; peak {floor['peak'] / 2**30:.2f} GB",
        )
    )

    # Each stage in a fresh process, as the real run gives each stage its own kernel: its peak memory (that of its
    # whole process tree: ingest's reader workers included) is then the stage's own.
    stage_times: dict[str, float] = {}
    cpus: dict[str, float] = {}
    peaks: dict[str, int] = {}
    people: dict = {}
    from .stages import names

    for name in names():
        out = _stage_in_process(name, ws, month)
        stage_times[name], peaks[name], cpus[name] = out["seconds"], out["peak"], out["cpu"]
        people = out.get("people") or people
    total = sum(stage_times.values())
    ref_csv = work / "reference.csv"
    posts_df = catalog.load(ws.processed(month), "posts")
    posts_df.drop(columns=["published_at"]).astype(str).to_csv(ref_csv, index=False)
    del posts_df
    t = time.perf_counter()
    pd.read_csv(ref_csv, dtype=str)
    read_csv = time.perf_counter() - t
    for name in stage_times:
        echo(
            _row(
                name,
                stage_times[name],
                f"{cpus[name]:.1f} s CPU (process tree, imports included); "
                f"peak {peaks[name] / 2**30:.2f} GB (process tree)",
            )
        )
    echo(_row("sum of the stages", total, "each stage's library call in its own process"))

    # The month end to end as a user runs it: `mediakpi run` (five papermill kernels, 03 and 04 side by side,
    # charts, the report), with the memory of the runner, its kernels and ingest's workers summed while it runs.
    run = measure(
        [
            sys.executable,
            "-m",
            "mediakpi.cli",
            "run",
            "--period",
            month,
            "--data-dir",
            str(ws.data_dir),
            "--reports-dir",
            str(ws.reports_dir),
            "--no-progress",
        ]
    )
    if run.proc.returncode != 0:
        raise RuntimeError(
            f"bench: mediakpi run failed at scale:\n{run.proc.stdout[-2000:]}\n{run.proc.stderr[-2000:]}"
        )
    echo(
        _row(
            "mediakpi run, end to end",
            run.seconds,
            f"target ≤ 60 s; {run.cpu:.1f} s CPU; peak {run.peak / 2**30:.2f} GB, all processes together "
            "(target ≤ 2 GB)",
        )
    )
    echo(f"  load average after the run: {os.getloadavg()[0]:.1f} (the figures assume an otherwise idle machine)")
    if people:
        echo(_row(f"{people['count']} per-person scorecards (no kernel each)", people["seconds"], "target ≤ 10 s"))
    echo(
        _row(
            "pandas.read_csv of the same rows",
            read_csv,
            f"ingest / read_csv = {stage_times['01_ingest'] / read_csv:.1f}× (issue 18's target ≤ 3×)",
        )
    )
    # the processed store as an established engine reads it as it is: DuckDB over processed/*/posts.parquet, the
    # scale month and its twelve months of history, the period taken from the folder name
    history = bench_history(ws.data_dir, repeat=1, echo=echo)
    return {
        "stages": stage_times,
        "cpu": cpus,
        "total": total,
        "peaks": peaks,
        "run_seconds": run.seconds,
        "run_cpu": run.cpu,
        "run_peak_bytes": run.peak,
        "read_csv": read_csv,
        "history": history,
        "floor": floor,
    }


def targets_table(demo: dict | None, scale: dict | None, load: tuple[float, float]) -> list[str]:
    """Issue 26's targets side by side, as one block to copy into the README (wall seconds unless marked CPU)."""

    def row(what: str, figure: str, target: str, met: bool | None) -> str:
        mark = "" if met is None else ("yes" if met else "NO")
        return f"| {what} | {figure} | {target} | {mark} |"

    out = [
        "Targets (issue 26), this run; wall seconds unless marked CPU (user + sys of the process tree)",
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end; {os.cpu_count()} cores",
        "",
        "| what | measured | target | met? |",
        "|---|---|---|---|",
    ]
    if scale:
        f, ingest, icpu = scale["floor"], scale["stages"]["01_ingest"], scale["cpu"]["01_ingest"]
        out.append(
            row(
                "read floor: the scale month's files into cells (csv module, calamine, lxml; ingest's processes)",
                f"{f['seconds']:.1f} s ({f['cpu']:.1f} s CPU)",
                "—",
                None,
            )
        )
        out.append(
            row(
                "ingest / read floor",
                f"{ingest:.1f} s / {f['seconds']:.1f} s = {ingest / f['seconds']:.2f}× "
                f"(CPU {icpu:.1f} / {f['cpu']:.1f} = {icpu / f['cpu']:.2f}×)",
                "≤ 2.5×",
                ingest / f["seconds"] <= 2.5,
            )
        )
        out.append(
            row(
                "1M-post month through `mediakpi run`",
                f"{scale['run_seconds']:.1f} s ({scale['run_cpu']:.1f} s CPU)",
                "≤ 60 s",
                scale["run_seconds"] <= 60,
            )
        )
        out.append(
            row(
                "peak of its whole process tree",
                f"{scale['run_peak_bytes'] / 2**30:.2f} GB",
                "≤ 2 GB",
                scale["run_peak_bytes"] <= 2 * 2**30,
            )
        )
        stages = ", ".join(
            f"{k[3:]} {v:.1f} s ({scale['cpu'][k]:.1f} CPU, {scale['peaks'][k] / 2**30:.2f} GB)"
            for k, v in scale["stages"].items()
        )
        out.append(row("each stage in its own process", stages, "—", None))
    if demo:
        out.append(
            row(
                "demo month / five-kernel floor",
                f"{demo['demo']:.1f} s / {demo['floor']:.1f} s = {demo['ratio']:.2f}×",
                "≤ 1.2×",
                demo["ratio"] <= 1.2,
            )
        )
    return out


_STAGE_CODE = """
import json, sys, time
from pathlib import Path
from mediakpi.paths import Workspace
name, data, reports, month = sys.argv[1:5]
ws = Workspace.of(data, reports)
from mediakpi.stages import run_stage
t = time.perf_counter()
res = run_stage(name, ws, month)
seconds = time.perf_counter() - t
people = {"count": len(res.people), "seconds": res.seconds.get("people")} if name == "05_report" else None
print(json.dumps({"seconds": seconds, "people": people}))
"""


@dataclass
class Measured:
    """One command's run: its result, wall seconds, CPU seconds (user + sys of the process and of every descendant
    it waited for: ingest's workers, the kernels) and the peak of its process tree's summed RSS."""

    proc: subprocess.CompletedProcess
    seconds: float
    cpu: float
    peak: int


def measure(cmd: list[str], interval: float = 0.05, **kwargs) -> Measured:
    """Run `cmd`, sampling the resident memory of its whole process tree (the process, its worker processes and
    kernels) every `interval` seconds. Summed RSS counts shared library pages once per process, so it errs on the
    high side. CPU comes from the kernel's accounting of waited-for children (`getrusage(RUSAGE_CHILDREN)` before and
    after): on a machine shared with other work it is the steadier figure, wall time the one a user waits."""
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs) as proc:
        peak = 0
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
            time.sleep(interval)
        out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(subprocess.CompletedProcess(cmd, proc.returncode, out, err), seconds, cpu, peak)


def run_sampled(cmd: list[str], interval: float = 0.05, **kwargs) -> tuple[subprocess.CompletedProcess, int]:
    """`measure`, as (completed process, peak of the summed RSS in bytes)."""
    m = measure(cmd, interval, **kwargs)
    return m.proc, m.peak


def _stage_in_process(name: str, ws: Workspace, month: str) -> dict:
    """Run one stage's library call in a fresh Python process; its time (imports excluded) and the peak memory of
    its process tree (ingest's reader workers included)."""
    import json

    m = measure([sys.executable, "-c", _STAGE_CODE, name, str(ws.data_dir), str(ws.reports_dir), month])
    if m.proc.returncode != 0:
        raise RuntimeError(f"bench stage {name} failed:\n{m.proc.stderr[-3000:]}")
    out = json.loads(m.proc.stdout.strip().splitlines()[-1])
    out.update(peak=m.peak, cpu=m.cpu)
    return out


# ------------------------------------------------------------------------------------------------ the read floor
def _floor_text(data: bytes) -> tuple[int, int]:
    """A text export into cells: the encoding from the first bytes (a BOM, else UTF-8 if the file decodes, else
    GB18030), the banner lines above the header skipped (the first of the first 30 lines with the most delimiters),
    then the whole file by the csv module (text cells, no type inference). -> (rows, cells).

    The csv module, not a columnar reader: polars (`read_csv`, no type inference, one thread) took the same CPU on
    these 5,349 files (3.2 s against 3.1 s, docs/ingest.md "Speed at scale (issue 26)"), so it is no dependency."""
    import csv
    import io

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    text = text.removeprefix("\ufeff")
    head = text[:65536].split("\n")[:30]
    delim = max((",", "\t", ";"), key=lambda d: max((line.count(d) for line in head), default=0))
    counts = [line.count(delim) for line in head]
    skip = counts.index(max(counts)) if counts else 0
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))[skip:]
    return len(rows), sum(len(r) for r in rows)


def _floor_file(path: Path) -> tuple[int, int]:
    """One file into cells with the fastest reader for its kind (by its first bytes) -> (rows, cells)."""
    from .ingest.sniff import OLE2, ZIP

    data = path.read_bytes()
    if data.startswith((ZIP, OLE2)):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        rows = cells = 0
        for name in wb.sheet_names:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            rows += len(grid)
            cells += sum(len(r) for r in grid)
        return rows, cells
    if b"<table" in data[:4096].lower():
        from lxml import html

        doc = html.fromstring(data)
        texts = [td.text_content() for td in doc.iter("td", "th")]
        return sum(1 for _ in doc.iter("tr")), len(texts)
    return _floor_text(data)


def _floor_run(paths: list[Path]) -> tuple[int, int, int]:
    rows = cells = 0
    for p in paths:
        r, c = _floor_file(p)
        rows += r
        cells += c
    return len(paths), rows, cells


def read_floor(data_dir: Path, month: str, workers: int | None = None) -> dict:
    """Every file of data/raw/<month>/ read into cells by the fastest readers the project depends on (the csv module
    for text, python-calamine for xlsx and BIFF xls, lxml for HTML "xls"), in ingest's process layout: the same walk,
    the same runs of files of about equal size (`files.cut_runs`, `CHUNKS_PER_WORKER` per worker), one spawned worker
    process per core. No checksum, no table finding, no parsing: the least any reader of these files must do."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .ingest.files import CHUNKS_PER_WORKER, PARALLEL_MIN_FILES, cut_runs, walk

    ws = Workspace.of(data_dir)
    jobs = [(i, p, rel, m, None) for i, (p, m, rel) in enumerate(walk(ws, [month]))]
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_MIN_FILES else 1
    runs = [[j[1] for j in run] for run in cut_runs(jobs, workers * CHUNKS_PER_WORKER if workers > 1 else 1)]
    t = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(_floor_run, runs))
    else:
        parts = [_floor_run(run) for run in runs]
    seconds = time.perf_counter() - t
    files, rows, cells = (sum(x) for x in zip(*parts)) if parts else (0, 0, 0)
    return {"seconds": seconds, "files": files, "rows": rows, "cells": cells, "workers": workers}


_FLOOR_CODE = """
import json, sys
from pathlib import Path
from mediakpi.bench import read_floor
print(json.dumps(read_floor(Path(sys.argv[1]), sys.argv[2])))
"""


def bench_read_floor(ws: Workspace, month: str) -> dict:
    """The read floor in a fresh process (as ingest runs in its own): wall from the pool's start to the last file,
    CPU and peak of the process tree."""
    import json

    m = measure([sys.executable, "-c", _FLOOR_CODE, str(ws.data_dir), month])
    if m.proc.returncode != 0:
        raise RuntimeError(f"bench read floor failed:\n{m.proc.stderr[-3000:]}")
    out = json.loads(m.proc.stdout.strip().splitlines()[-1])
    out.update(cpu=m.cpu, peak=m.peak, process_seconds=m.seconds)
    return out


def bench_people_and_whatif(work: Path, echo=print) -> dict:
    """What-if re-ranking of 200 people: what one slider move in 03_score computes (`whatif_table`: re-score,
    re-rank and the change against the configured weights)."""
    import numpy as np
    import pandas as pd

    from .scoring import load_assessment
    from .scoring.whatif import whatif_table

    plan = load_assessment()
    rng = np.random.default_rng(1)
    rows = []
    dims = {}
    for dim in plan.dimensions:
        dims[dim.name] = dim.weight
        for ind in dim.indicators:
            for person in range(200):
                rows.append(
                    {
                        "period": "2026-10",
                        "operator": f"员工{person:03d}",
                        "dimension": dim.name,
                        "indicator": ind.name,
                        "score": float(rng.uniform(40, 120)),
                        "weight": ind.weight,
                        "applicable": bool(rng.random() > 0.15),
                    }
                )
    scores = pd.DataFrame(rows)
    base = whatif_table(scores, dims, plan)  # warm; the configured ranking the widget compares against
    times = []
    for _ in range(20):
        t = time.perf_counter()
        whatif_table(
            scores, {k: v * (1.1 if i == 0 else 1) for i, (k, v) in enumerate(dims.items())}, plan, baseline=base
        )
        times.append(time.perf_counter() - t)
    med = sorted(times)[len(times) // 2]
    echo(
        _row(
            "what-if re-rank, 200 people (median)",
            med,
            f"{med * 1000:.1f} ms (target < 50 ms; load average {os.getloadavg()[0]:.1f})",
        )
    )
    return {"whatif_ms": med * 1000}


EXPLORE_COLUMNS = ["platform", "account", "operator", "published_at", "format", "views", "likes", "comments", "shares"]


def bench_history(data_dir: Path, table: str = "posts", repeat: int = 3, echo=print) -> dict:
    """Many months of the processed store, as 00_explore loads them: pandas (`history.load_history`, pyarrow reading
    each month's file) against DuckDB (SQL over the same Parquet files as they are), for (1) loading the explore
    columns of every month with the month as a column and (2) views per person and month. Best of `repeat`."""
    import duckdb

    from .history import load_history

    ws = Workspace.of(data_dir)
    months = sorted(p.name for p in ws.processed_root.iterdir() if (p / f"{table}.parquet").is_file())
    glob = str(ws.processed_root / "*" / f"{table}.parquet")
    cols = ", ".join(EXPLORE_COLUMNS)
    period = "regexp_extract(filename, '([0-9]{4}-[0-9]{2})/[^/]+$', 1) AS period"

    def best(fn) -> tuple[float, object]:
        times, out = [], None
        for _ in range(repeat):
            t = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t)
        return min(times), out

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    pd_load, frame = best(lambda: load_history(ws, months[0], months[-1], table, columns=EXPLORE_COLUMNS))
    duck_load, dframe = best(
        lambda: con.execute(f"SELECT {cols}, {period} FROM read_parquet('{glob}', filename=true)").df()
    )
    pd_agg, _ = best(
        lambda: (
            load_history(ws, months[0], months[-1], table, columns=["operator", "views"])
            .groupby(["period", "operator"], observed=True)["views"]
            .sum()
        )
    )
    duck_agg, _ = best(
        lambda: con.execute(
            f"SELECT {period}, operator, sum(views) AS views FROM read_parquet('{glob}', filename=true) GROUP BY ALL"
        ).df()
    )
    rows = len(frame)
    assert rows == len(dframe), (rows, len(dframe))
    echo(f"History: {len(months)} months of {table}.parquet, {rows:,} rows ({months[0]} … {months[-1]})")
    echo(_row("pandas: load explore columns", pd_load))
    echo(_row("DuckDB: load explore columns", duck_load, f"{duck_load / pd_load:.2f}× pandas"))
    echo(_row("pandas: views per person and month", pd_agg))
    echo(_row("DuckDB: views per person and month", duck_agg, f"{duck_agg / pd_agg:.2f}× pandas"))
    return {
        "months": len(months),
        "rows": rows,
        "pandas_load": pd_load,
        "duckdb_load": duck_load,
        "pandas_agg": pd_agg,
        "duckdb_agg": duck_agg,
    }


def compare_processed(before: Path, after: Path, echo=print) -> list[str]:
    """Every catalog dataset present in both period folders, compared: Parquet and CSV tables with
    `pandas.testing.assert_frame_equal` (values, dtypes, column order, index), JSON documents for equality.
    -> the datasets that differ (with the first difference), [] when all are equal. Datasets present in only one
    folder are listed as differences too."""
    import json

    import pandas as pd

    diffs: list[str] = []
    for name, ds in catalog.datasets().items():
        a, b = Path(before) / ds.file, Path(after) / ds.file
        if not a.is_file() and not b.is_file():
            continue
        if a.is_file() != b.is_file():
            diffs.append(f"{name}: only in {'before' if a.is_file() else 'after'}")
            continue
        if ds.kind == "json":
            da, db = json.loads(a.read_text(encoding="utf-8")), json.loads(b.read_text(encoding="utf-8"))
            if da != db:
                keys = [k for k in sorted(set(da) | set(db)) if da.get(k) != db.get(k)] if isinstance(da, dict) else []
                diffs.append(f"{name}: JSON differs (keys {keys[:8]})")
            else:
                echo(f"  equal  {ds.file}")
            continue
        fa, fb = catalog.load(before, name), catalog.load(after, name)
        try:
            pd.testing.assert_frame_equal(fa, fb)
        except AssertionError as exc:
            diffs.append(f"{name}: {str(exc).strip().splitlines()[0][:300]}")
            continue
        echo(f"  equal  {ds.file} ({len(fa):,} rows × {fa.shape[1]} columns)")
    for d in diffs:
        echo(f"  DIFFERS {d}")
    return diffs


def main(args: argparse.Namespace) -> int:
    if getattr(args, "compare", None):
        before, after = (Path(x) for x in args.compare)
        print(f"Comparing every dataset of {before} (before) with {after} (after), assert_frame_equal:")
        return 1 if compare_processed(before, after) else 0
    work = Path(args.work_dir)
    if not work.is_absolute():
        work = PROJECT_ROOT / work
    work.mkdir(parents=True, exist_ok=True)
    if getattr(args, "history", None):
        bench_history(Path(args.history))
        return 0
    start = os.getloadavg()[0]
    print(
        f"mediakpi bench on {os.cpu_count()} cores, Python {sys.version.split()[0]}; work dir {work}; "
        f"load average {start:.1f}"
    )
    demo = bench_floor_vs_demo(work)
    bench_people_and_whatif(work)
    scale = None if args.skip_scale else bench_scale(work, args.posts, args.accounts, args.operators)
    print()
    for line in targets_table(demo, scale, (start, os.getloadavg()[0])):
        print(line)
    return 0
