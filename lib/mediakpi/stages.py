"""The library call behind each stage notebook, in one place (the notebooks make the same calls).

Used where the stages run without kernels: `mediakpi backfill` (earlier months for baselines and trends) and the
scale benchmark. Imports are lazy so that running one stage loads only what it needs.
"""
from __future__ import annotations

from pathlib import Path

from .paths import Workspace


def run_stage(name: str, ws: Workspace, period: str, out_dir: Path | None = None, lang: str = "zh"):
    """Run stage `name` (01_ingest … 05_report) for `period`; returns that stage's result object."""
    if name == "01_ingest":
        from .ingest import ingest_period
        return ingest_period(ws, period)
    if name == "02_clean":
        from .clean import clean_period
        return clean_period(ws, period)
    if name == "03_score":
        from .scoring import score_period
        return score_period(ws, period)
    if name == "04_content":
        from .content import analyse_period
        return analyse_period(ws, period)
    if name == "05_report":
        from .report import publish
        return publish(ws, period, out_dir or ws.reports(period), lang=lang)
    raise ValueError(f"unknown stage {name!r}")


BACKFILL_STAGES = ["01_ingest", "02_clean", "03_score"]


def backfill(ws: Workspace, period: str, months: int = 11, force: bool = False, echo=print) -> list[str]:
    """The `months` months before `period` that have raw data, each processed in-process (ingest, clean, score: no
    kernels, no reports) for baselines and trends, through a staging folder (staging.py). A month already published
    with a scorecard is skipped unless `force`: a published folder is always a whole one. Returns the months run."""
    import time

    from . import catalog
    from .periods import Period, previous_months
    from .staging import staged

    first = Period.parse(period).months[0]
    done = []
    for month in [m for m in previous_months(first, months) if ws.raw(m).is_dir()]:
        if not force and catalog.path(ws.published(month), "scorecard").is_file():
            continue
        started = time.perf_counter()
        with staged(ws, month, BACKFILL_STAGES):
            for stage in BACKFILL_STAGES:
                run_stage(stage, ws, month)
        echo(f"历史月份 {month} 已处理（{time.perf_counter() - started:.1f}s）")
        done.append(month)
    return done
