"""One stage registry: each stage's steps, in order, as calls into the stage's own modules (load → steps → save).

The stage notebooks run the steps one cell at a time and show what each produced (`run.step("check")`); `mediakpi
backfill`, the benchmark and tests run them all at once (`run_stage`). Both go through `StageRun`, which refuses a
step out of order, so the batch (papermill running the notebooks), backfill and the benchmark run the same code in the
same order. Imports are lazy so that running one stage loads only what it needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .paths import Workspace, resolve


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[["StageRun"], Any]   # reads and writes run.state; returns what a notebook shows after it


@dataclass(frozen=True)
class Stage:
    name: str
    steps: tuple[Step, ...]

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]


class StageOrderError(RuntimeError):
    """A step asked for out of order (a notebook edited by hand, a cell run twice)."""


@dataclass
class StageRun:
    """One run of one stage for one period: options, the state the steps pass on, the steps done so far."""

    stage: Stage
    ws: Workspace
    period: str
    options: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)

    @property
    def result(self):
        """The stage's result object (IngestResult, CleanResult, ScoreResult, ContentResult, PublishResult)."""
        return self.state.get("result")

    def step(self, name: str):
        """Run step `name`, which must be the next one; returns what it produced for the notebook to show."""
        names = self.stage.step_names
        if len(self.done) == len(names):
            raise StageOrderError(f"{self.stage.name} 的步骤已全部运行：要重新运行请从 stages.start(...) 那个单元格开始。")
        expected = names[len(self.done)]
        if name != expected:
            raise StageOrderError(f"{self.stage.name} 的下一步是 {expected!r}，不是 {name!r}"
                                  f"（顺序：{' → '.join(names)}）：请从 stages.start(...) 那个单元格起依次运行。")
        out = self.stage.steps[len(self.done)].run(self)
        self.done.append(name)
        return out

    def finish(self):
        """Run the remaining steps; the stage's result."""
        for name in self.stage.step_names[len(self.done):]:
            self.step(name)
        return self.result


# ------------------------------------------------------------------------------------------------------ 01_ingest
def _ingest_read(run: StageRun):
    from .ingest import ingest_period

    run.state["result"] = ingest_period(run.ws, run.period, write=False)
    return run.result.manifest


def _ingest_save(run: StageRun):
    from .ingest.build import write_outputs

    run.result.out_dir = write_outputs(run.ws.processed(run.period), run.result)
    return run.result.out_dir


# ------------------------------------------------------------------------------------------------------- 02_clean
def _clean_load(run: StageRun):
    from .clean.run import load_period

    run.state["inputs"] = load_period(run.ws, run.period)
    return run.state["inputs"]


def _clean_check(run: StageRun):
    from .clean import clean_tables

    run.state["result"] = clean_tables(**run.state.pop("inputs"))
    return run.result


def _clean_save(run: StageRun):
    from .clean.run import write_result

    run.result.written = write_result(run.ws, run.result)
    return run.result.written


# ------------------------------------------------------------------------------------------------------- 03_score
def _score_load(run: StageRun):
    from .periods import Period
    from .scoring import load_assessment, load_inputs

    config = run.options.get("config")
    run.state["plan"] = plan = load_assessment(resolve(config) if config else None)
    run.state["inputs"], run.state["warnings"] = load_inputs(run.ws, Period.parse(run.period), plan)
    return run.state["inputs"]


def _score_score(run: StageRun):
    from .scoring import score_inputs

    run.state["result"] = score_inputs(run.state.pop("inputs"), run.period, run.state["plan"], run.ws,
                                       run.state.pop("warnings"))
    return run.result


def _score_save(run: StageRun):
    from .scoring.pipeline import write_result

    return write_result(run.ws, run.result)


# ----------------------------------------------------------------------------------------------------- 04_content
def _content_analyse(run: StageRun):
    from .content import analyse_period

    run.state["result"] = analyse_period(run.ws, run.period, write=False)
    return run.result


def _content_save(run: StageRun):
    from .content import write_tables

    return write_tables(run.ws, run.result)


# ------------------------------------------------------------------------------------------------------ 05_report
def _report_publish(run: StageRun):
    from .report.publish import publish

    out_dir = run.options.get("out_dir") or run.ws.reports(run.period)
    run.state["result"] = publish(run.ws, run.period, Path(out_dir), lang=run.options.get("lang", "zh"))
    return run.result


REGISTRY: dict[str, Stage] = {s.name: s for s in (
    Stage("01_ingest", (Step("read", _ingest_read), Step("save", _ingest_save))),
    Stage("02_clean", (Step("load", _clean_load), Step("check", _clean_check), Step("save", _clean_save))),
    Stage("03_score", (Step("load", _score_load), Step("score", _score_score), Step("save", _score_save))),
    Stage("04_content", (Step("analyse", _content_analyse), Step("save", _content_save))),
    Stage("05_report", (Step("publish", _report_publish),)),
)}


def start(name: str, ws: Workspace, period: str, **options) -> StageRun:
    """A run of stage `name` (01_ingest … 05_report) for `period`; options: config (03_score), out_dir and lang
    (05_report). The notebook then calls run.step(...) for each step in order."""
    from .periods import Period

    if name not in REGISTRY:
        raise ValueError(f"unknown stage {name!r} (known: {', '.join(REGISTRY)})")
    return StageRun(REGISTRY[name], ws, Period.parse(period).text, {k: v for k, v in options.items() if v})


def run_stage(name: str, ws: Workspace, period: str, out_dir: Path | None = None, lang: str = "zh",
              config: str | None = None):
    """Run every step of stage `name` for `period` (backfill, the benchmark, tests); the stage's result object."""
    return start(name, ws, period, out_dir=out_dir, lang=lang, config=config).finish()


BACKFILL_STAGES = ["01_ingest", "02_clean", "03_score"]


def backfill(ws: Workspace, period: str, months: int = 11, force: bool = False, echo=print,
             config: str | None = None) -> list[str]:
    """The `months` months before `period` that have raw data, each processed in-process (ingest, clean, score: no
    kernels, no reports) for baselines and trends, through a staging folder (staging.py), scored with `config` as
    `mediakpi run --config` scores the period itself. A month already published with a scorecard is skipped unless
    `force`: a published folder is always a whole one. Returns the months run."""
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
                run_stage(stage, ws, month, config=config)
        echo(f"历史月份 {month} 已处理（{time.perf_counter() - started:.1f}s）")
        done.append(month)
    return done
