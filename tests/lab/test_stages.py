"""One stage registry for the notebooks, the runner's batch, backfill and the benchmark (issue 14 item 6, first half)."""
from __future__ import annotations

import json
import re
import shutil

import nbformat
import pandas as pd
import pytest

from mediakpi import stages
from mediakpi.lab import views
from mediakpi.cli import main as cli_main
from mediakpi.paths import CONFIG_DIR, NOTEBOOKS_DIR, Workspace

from .conftest import MONTHS

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


def notebook_steps(stage: str) -> tuple[list[str], list[str]]:
    """The stage names passed to stages.start(...) and the step names passed to run.step(...), in cell order."""
    nb = nbformat.read(NOTEBOOKS_DIR / f"{stage}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return re.findall(r'stages\.start\("([^"]+)"', code), re.findall(r'run\.step\("([^"]+)"\)', code)


STAGES = stages.names()


@pytest.mark.parametrize("stage", STAGES)
def test_each_notebook_runs_the_registry_steps_in_order(stage):
    started, steps = notebook_steps(stage)
    assert started == [stage]
    assert steps == stages.REGISTRY[stage].step_names


def test_steps_out_of_order_are_refused(demo_store):
    run = stages.start("03_score", demo_store, MONTHS[-1])
    with pytest.raises(stages.StageOrderError, match="load"):
        run.step("score")
    run.step("load")
    run.step("score")
    run.step("save")
    with pytest.raises(stages.StageOrderError):
        run.step("save")
    assert run.done == ["load", "score", "save"]


def test_backfill_honours_config(demo_store, tmp_path):
    """backfill scores with the --config the notebooks honour (it ignored it before)."""
    data = tmp_path / "data"
    shutil.copytree(demo_store.raw(MONTHS[0]), data / "raw" / MONTHS[0])
    plan = (CONFIG_DIR / "assessment.yaml").read_text(encoding="utf-8")
    other = plan.replace("month:   {内容运营: 30, 用户运营: 25", "month:   {内容运营: 40, 用户运营: 15", 1)
    assert other != plan
    config = tmp_path / "plan.yaml"
    config.write_text(other, encoding="utf-8")
    assert cli_main(["backfill", "--period", MONTHS[1], "--months", "1", "--data-dir", str(data),
                     "--config", str(config)]) == 0
    meta = json.loads((Workspace.of(data).processed(MONTHS[0]) / "score_meta.json").read_text(encoding="utf-8"))
    assert meta["dimension_weights"]["内容运营"] == 40 and meta["dimension_weights"]["用户运营"] == 15


def test_views_add_up(demo_store):
    folder = demo_store.processed(MONTHS[-1])
    posts = pd.read_parquet(folder / "posts_clean.parquet")
    funnel = views.post_funnel(posts)
    left, aside = funnel.iloc[:, 1].tolist(), funnel.iloc[:, 2].tolist()
    assert left[0] == len(posts) and left[1] == int(posts["in_period"].sum())
    assert all(a >= b for a, b in zip(left[:-1], left[1:]))
    assert [left[0] - x for x in left[1:]] == list(pd.Series(aside[1:]).cumsum())
    assert left[-1] == int((posts["in_period"] & posts["mature"] & ~posts["flagged"] & posts["viral"]).sum())
    flags = pd.read_parquet(folder / "flags.parquet")
    assert views.flag_counts(flags).iloc[:, 2].sum() == int(flags["in_period"].fillna(False).sum())
    card = pd.read_parquet(folder / "scorecard.parquet")
    assert views.grade_counts(card).iloc[:, 1].sum() == len(card)
    ind = pd.read_parquet(folder / "indicator_scores.parquet")
    assert views.not_applicable(ind).iloc[:, 1].sum() == int((~ind["applicable"]).sum())
    cal = pd.read_parquet(folder / "calendar_match.parquet")
    assert views.calendar_status(cal).iloc[:, 1].sum() == int(cal["in_period"].sum())
    assert views.score_histogram(card, {"A": 100.0}).axes


def test_ingest_views_reconcile(demo_store):
    run = stages.start("01_ingest", Workspace.of(demo_store.data_dir, demo_store.reports_dir), MONTHS[-1])
    manifest = run.step("read")
    by_kind = views.files_by_kind(manifest)
    assert by_kind.iloc[:, 1].sum() == len(manifest)
    assert by_kind.iloc[:, 2].sum() == manifest["rows_read"].sum()
    assert views.posts_by_platform(run.result.posts).iloc[:, 2].sum() == len(run.result.posts)
    assert views.quarantine_reasons(run.result.quarantine).iloc[:, 2].sum() == len(run.result.quarantine)
    assert run.done == ["read"]   # nothing saved: the store's month is untouched
