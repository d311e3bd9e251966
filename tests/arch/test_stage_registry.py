"""The stage registry (stages.py) is the one list of stages: what each reads and writes and its notebook's
parameters are declared there, and the runner's order and parallel groups, backfill and the notebooks agree with it.
(That each stage reads only what it declares is checked by running it: tests/arch/test_catalog.py.)"""
from __future__ import annotations

import pytest

from mediakpi import catalog, stages
from mediakpi.paths import NOTEBOOKS_DIR, Workspace
from mediakpi.runner import declared_parameters, stage_parameters


def test_every_declared_input_is_a_catalog_dataset_written_by_an_earlier_stage():
    order = stages.names()
    for name in order:
        stage = stages.get(name)
        for dataset in (*stage.inputs, *stage.earlier):
            producer = catalog.get(dataset).stage   # KeyError for a name the catalog does not know
            assert producer in order, (name, dataset, producer)
        for dataset in stage.inputs:
            producer = catalog.get(dataset).stage
            assert order.index(producer) < order.index(name), f"{name} reads {dataset}, written later by {producer}"


def test_every_dataset_is_written_by_a_registered_stage():
    assert {d.stage for d in catalog.datasets().values()} <= set(stages.names())


def test_order_groups_and_backfill_follow_from_what_each_stage_reads():
    assert stages.groups() == [["01_ingest"], ["02_clean"], ["03_score", "04_content"], ["05_report"]]
    assert stages.groups(parallel=False) == [[s] for s in stages.names()]
    assert stages.groups(["01_ingest", "03_score", "05_report"]) == [["01_ingest"], ["03_score"], ["05_report"]]
    assert stages.backfill_stages() == ["01_ingest", "02_clean", "03_score"]


def test_a_stage_reading_what_its_neighbour_writes_leaves_the_group(monkeypatch):
    """Declaring that 04_content reads the scorecard is enough to run it after 03_score instead of beside it."""
    content = stages.get("04_content")
    changed = stages.Stage(content.name, content.steps, (*content.inputs, "scorecard"), content.earlier,
                           content.params)
    monkeypatch.setitem(stages.REGISTRY, "04_content", changed)
    assert stages.groups() == [["01_ingest"], ["02_clean"], ["03_score"], ["04_content"], ["05_report"]]


@pytest.mark.parametrize("name", stages.names())
def test_each_notebook_declares_exactly_the_registry_parameters(name):
    declared = declared_parameters(NOTEBOOKS_DIR / f"{name}.ipynb")
    assert set(declared) == {"period", "data_dir", *stages.get(name).params}


def test_the_runner_passes_each_notebook_its_declared_parameters(tmp_path):
    ws = Workspace(tmp_path / "data", tmp_path / "reports")
    params = {s: stage_parameters(s, "2026-10", ws, tmp_path / "out", "en", None) for s in stages.names()}
    base = {"period": "2026-10", "data_dir": str(ws.data_dir)}
    assert params["01_ingest"] == params["02_clean"] == base
    assert params["03_score"] == {**base, "interactive": False}      # no --config: the notebook's default
    assert params["04_content"] == {**base, "interactive": False}
    assert params["05_report"] == {**base, "reports_dir": str(ws.reports_dir), "out_dir": str(tmp_path / "out"),
                                   "lang": "en"}
    assert stage_parameters("03_score", "2026-10", ws, None, "zh", "plan.yaml")["config"] == "plan.yaml"
    assert stage_parameters("05_report", "2026-10", ws, None, "zh", None)["out_dir"] == ""


def test_start_gives_the_steps_a_period():
    run = stages.start("02_clean", Workspace.of("data"), "2026-10")
    assert isinstance(run.period, stages.Period) and run.period.text == "2026-10"
    with pytest.raises(ValueError, match="unknown stage"):
        stages.start("06_nothing", Workspace.of("data"), "2026-10")
