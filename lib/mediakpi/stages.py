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
