"""The stage registry: each stage's steps, what it reads and writes, and its notebook's parameters, in one place.

For each stage (in run order):
- `steps`: calls into the stage's own modules (load → steps → save). The stage notebooks run the steps one cell at a
  time and show what each produced (`run.step("check")`); `mediakpi backfill`, the benchmark and tests run them all at
  once (`run_stage`). Both go through `StageRun`, which refuses a step out of order, so the batch (papermill running
  the notebooks), backfill and the benchmark run the same code in the same order;
- `inputs`: the catalog datasets it reads from this period's folder; `earlier`: those it reads from earlier months'
  published folders (baselines, trends, month-on-month). `outputs` are the catalog's (each dataset names the stage
  that writes it). `tests/arch/test_catalog.py` runs every stage on demo months with `catalog.load` wrapped and fails
  on a dataset a stage read without declaring it here;
- `params`: its notebook's parameters besides `period` and `data_dir` (the runner passes exactly these).

Derived from it, never written again: the runner's order and which stages run side by side (`groups`: a stage joins
the running group when it reads nothing the group writes), the months backfill processes (`backfill_stages`: what
later months read as history), the picture in docs/architecture.md (`describe`; `python -m mediakpi.stages`), the
benchmark's stage list and the tests'. Imports of the stage packages are lazy so that running one stage loads only
what it needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import catalog
from .paths import Workspace, resolve
from .periods import Period


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[["StageRun"], Any]   # reads and writes run.state; returns what a notebook shows after it


@dataclass(frozen=True)
class Stage:
    name: str
    steps: tuple[Step, ...]
    inputs: tuple[str, ...] = ()    # datasets of this period's folder it reads (catalog names)
    earlier: tuple[str, ...] = ()   # datasets it reads from earlier months' published folders
    params: tuple[str, ...] = ()    # notebook parameters besides period and data_dir

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    @property
    def outputs(self) -> list[str]:
        """The datasets it writes (the catalog's: each dataset names its stage)."""
        return catalog.stage_outputs(self.name)


class StageOrderError(RuntimeError):
    """A step asked for out of order (a notebook edited by hand, a cell run twice)."""


@dataclass
class StageRun:
    """One run of one stage for one period: options, the state the steps pass on, the steps done so far."""

    stage: Stage
    ws: Workspace
    period: Period
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
    from .scoring import load_assessment, load_inputs

    config = run.options.get("config")
    run.state["plan"] = plan = load_assessment(resolve(config) if config else None)
    run.state["inputs"], run.state["warnings"] = load_inputs(run.ws, run.period, plan)
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


# Declaring a dataset a stage reads is one line: its catalog name in that stage's `inputs` (this period) or `earlier`
# (earlier months). A team table is read like any dataset: its name (config/team_tables.yaml's key) goes here too.
REGISTRY: dict[str, Stage] = {s.name: s for s in (
    Stage("01_ingest", (Step("read", _ingest_read), Step("save", _ingest_save))),
    Stage("02_clean", (Step("load", _clean_load), Step("check", _clean_check), Step("save", _clean_save)),
          inputs=("posts", "account_daily", "manifest", "quarantine", "roster", "content_calendar"),
          earlier=("posts", "account_daily")),
    Stage("03_score", (Step("load", _score_load), Step("score", _score_score), Step("save", _score_save)),
          inputs=("posts_clean", "account_month", "calendar_match", "flags", "quarantine",
                  "roster", "content_calendar", "campaigns", "community", "conversions", "data_reports",
                  "suggestions", "quality_reviews", "qualitative_reviews", "partnerships"),
          earlier=("posts_clean", "account_month", "flags", "scorecard", "indicator_scores"),
          params=("interactive", "config")),
    Stage("04_content", (Step("analyse", _content_analyse), Step("save", _content_save)),
          inputs=("posts", "posts_clean", "account_month", "calendar_match", "suggestions", "flags"),
          earlier=("posts", "posts_clean", "account_month"),
          params=("interactive",)),
    Stage("05_report", (Step("publish", _report_publish),),
          inputs=("manifest", "quarantine", "account_month", "data_quality",
                  "data_quality_notes", "scorecard", "indicator_scores", "score_ledger", "score_meta",
                  "score_insights", "score_drivers", "score_posts", "score_post_figures",
                  "content_posts", "content_overview", "content_best_time", "content_formats", "content_topics",
                  "quality_reviews", "qualitative_reviews", "roster"),
          earlier=("scorecard", "indicator_scores"),
          params=("reports_dir", "out_dir", "lang")),
)}


def names() -> list[str]:
    """The stages in run order."""
    return list(REGISTRY)


def get(name: str) -> Stage:
    if name not in REGISTRY:
        raise ValueError(f"unknown stage {name!r} (known: {', '.join(REGISTRY)})")
    return REGISTRY[name]


def producers(name: str) -> set[str]:
    """The stages whose outputs stage `name` reads from this period's folder."""
    return {catalog.get(d).stage for d in get(name).inputs} - {name}


def groups(stages: list[str] | None = None, parallel: bool = True) -> list[list[str]]:
    """`stages` (default: all) in registry order, consecutive ones that read nothing the others write grouped to run
    side by side (03_score and 04_content both read only what 01_ingest and 02_clean wrote)."""
    out: list[list[str]] = []
    for stage in [s for s in REGISTRY if s in (stages or REGISTRY)]:
        if parallel and out and not producers(stage) & set(out[-1]) \
                and not any(stage in producers(s) for s in out[-1]):
            out[-1].append(stage)
        else:
            out.append([stage])
    return out


def backfill_stages() -> list[str]:
    """The stages backfill runs for an earlier month: those writing what any stage reads from earlier months, and
    the stages they read from, in run order (01_ingest, 02_clean, 03_score)."""
    wanted = {catalog.get(d).stage for s in REGISTRY.values() for d in s.earlier}
    while True:
        more = wanted | {p for s in wanted for p in producers(s)}
        if more == wanted:
            break
        wanted = more
    return [s for s in REGISTRY if s in wanted]


def notebook_parameters(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """The parameters stage `name`'s notebook takes, from `values` (a value None is left to the notebook's default)."""
    keys = ("period", "data_dir", *get(name).params)
    missing = [k for k in keys if k not in values]
    if missing:
        raise KeyError(f"no value for the parameters {missing} of {name}")
    return {k: values[k] for k in keys if values[k] is not None}


def start(name: str, ws: Workspace, period: str | Period, **options) -> StageRun:
    """A run of stage `name` (01_ingest … 05_report) for `period`; options: config (03_score), out_dir and lang
    (05_report). The notebook then calls run.step(...) for each step in order. From here down `period` is a Period."""
    return StageRun(get(name), ws, Period.parse(period), {k: v for k, v in options.items() if v})


def run_stage(name: str, ws: Workspace, period: str | Period, out_dir: Path | None = None, lang: str = "zh",
              config: str | None = None):
    """Run every step of stage `name` for `period` (backfill, the benchmark, tests); the stage's result object."""
    return start(name, ws, period, out_dir=out_dir, lang=lang, config=config).finish()


def backfill(ws: Workspace, period: str, months: int = 11, force: bool = False, echo=print,
             config: str | None = None) -> list[str]:
    """The `months` months before `period` that have raw data, each processed in-process (ingest, clean, score: no
    kernels, no reports) for baselines and trends, through a staging folder (staging.py), scored with `config` as
    `mediakpi run --config` scores the period itself. A month already published with a scorecard is skipped unless
    `force`: a published folder is always a whole one. Returns the months run."""
    import time

    from .periods import previous_months
    from .staging import staged

    first = Period.parse(period).months[0]
    done = []
    for month in [m for m in previous_months(first, months) if ws.raw(m).is_dir()]:
        if not force and catalog.path(ws.published(month), "scorecard").is_file():
            continue
        started = time.perf_counter()
        with staged(ws, month, backfill_stages()):
            for stage in backfill_stages():
                run_stage(stage, ws, month, config=config)
        echo(f"历史月份 {month} 已处理（{time.perf_counter() - started:.1f}s）")
        done.append(month)
    return done


# ------------------------------------------------------------------------------------------------ documentation
DOC_BEGIN, DOC_END = "<!-- catalog:begin (generated by `python -m mediakpi.stages`) -->", "<!-- catalog:end -->"


def describe() -> str:
    """The stages and datasets as a mermaid picture (who writes what, who reads what) plus one table row per dataset
    with the stages reading it (docs/architecture.md); all of it from the registry and the catalog."""
    datasets = catalog.datasets()
    team = set(catalog.team_tables_config().tables)
    node = {stage: "s" + stage[1:] for stage in REGISTRY}
    lines = ["```mermaid", "flowchart LR"]
    lines += [f"  {node[stage]}[[{stage}]]" for stage in REGISTRY]
    writers = [s for s in REGISTRY if [n for n in get(s).outputs if n not in team]]
    for stage in writers:
        files = "<br/>".join(datasets[n].file for n in get(stage).outputs if n not in team)
        lines.append(f"  {node[stage]} --> {node[stage]}_out[(\"{files}\")]")
    team_writer = {datasets[n].stage for n in team}
    for stage in sorted(team_writer):
        lines.append(f"  {node[stage]} --> team[(\"team tables: {len(team)} files<br/>config/team_tables.yaml\")]")
    # who reads what: this period's folder (staged during a run) and, dotted, earlier months' published folders
    for source in writers:
        readers = [s for s in REGISTRY if any(datasets[d].stage == source and d not in team for d in get(s).inputs)]
        lines += [f"  {node[source]}_out --> {node[r]}" for r in readers]
    lines += [f"  team --> {node[s]}" for s in REGISTRY if any(d in team for d in get(s).inputs)]
    later = [node[s] for s in REGISTRY if get(s).earlier]
    lines += [f"  earlier[(\"earlier months<br/>data/processed/&lt;month&gt;/\")] -.-> {' & '.join(later)}",
              "```", "",
              "| dataset | file in data/processed/&lt;period&gt;/ | written by | read by (this period; earlier months) | "
              "what it holds |", "|---|---|---|---|---|"]
    for name, d in datasets.items():
        now = [s for s in REGISTRY if name in get(s).inputs]
        before = [s for s in REGISTRY if name in get(s).earlier]
        read = ", ".join(now) + ("; " + ", ".join(before) if before else "")
        lines.append(f"| `{name}` | `{d.file}` | {d.stage} | {read or '—'} | {d.description} |")
    return "\n".join(lines)


def write_doc(path: Path) -> bool:
    """Replace the generated block of `path` with describe(); True when the file changed."""
    text = Path(path).read_text(encoding="utf-8")
    head, rest = text.split(DOC_BEGIN, 1)
    _, tail = rest.split(DOC_END, 1)
    new = f"{head}{DOC_BEGIN}\n{describe()}\n{DOC_END}{tail}"
    if new != text:
        Path(path).write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m mediakpi.stages: refresh the picture in docs/architecture.md
    from .paths import PROJECT_ROOT

    print("updated" if write_doc(PROJECT_ROOT / "docs" / "architecture.md") else "up to date")
