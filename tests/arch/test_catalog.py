"""The catalog is the one home of every table between stages, the stage registry the one home of who reads what:
run on two demo months, each stage writes exactly the datasets and columns the catalog gives it and reads (through
`catalog.load`, wrapped while it runs) only the datasets the registry declares for it; `load` / `save` behave as
documented."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from mediakpi import catalog, stages
from mediakpi.paths import Workspace

WRITERS = [s for s in stages.names() if stages.get(s).outputs]   # 05_report writes pages, no dataset


@pytest.fixture(scope="module")
def demo_months(tmp_path_factory):
    """Two demo months processed in-process, every stage in turn: the files each stage added, and the datasets it
    read through catalog.load, per (month, stage): (dataset, read from this month's folder or an earlier one)."""
    from mediakpi.demo import write_demo

    root = tmp_path_factory.mktemp("catalog")
    ws = Workspace(root / "data", root / "reports")
    write_demo(ws.raw_root, months=2)
    added: dict[tuple[str, str], set[str]] = {}
    reads: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    real_load = catalog.load
    for month in ws.raw_months():
        for stage in stages.names():
            before = set(p.name for p in ws.processed(month).glob("*")) if ws.processed(month).is_dir() else set()
            seen: set[tuple[str, bool]] = set()

            def load(folder, name, *args, _seen=seen, _month=month, **kwargs):
                _seen.add((name, Path(folder).resolve() == ws.processed(_month).resolve()))
                return real_load(folder, name, *args, **kwargs)

            catalog.load = load   # try_load and history.read_months call it too
            try:
                stages.run_stage(stage, ws, month)
            finally:
                catalog.load = real_load
            added[(month, stage)] = {p.name for p in ws.processed(month).glob("*")} - before
            reads[(month, stage)] = seen
    return ws, added, reads


@pytest.mark.slow
def test_each_stage_writes_exactly_its_datasets_with_the_declared_columns(demo_months):
    ws, added, _ = demo_months
    by_file = {d.file: d for d in catalog.datasets().values()}
    for (month, stage), files in added.items():
        unknown = sorted(f for f in files if f not in by_file)
        assert not unknown, f"{stage} wrote files the catalog does not know: {unknown}"
        wrong_stage = sorted(f for f in files if by_file[f].stage != stage)
        assert not wrong_stage, f"{stage} wrote datasets the catalog gives to another stage: {wrong_stage}"
        missing = sorted(n for n in catalog.stage_outputs(stage) if catalog.get(n).file not in files)
        assert not missing, f"{stage} did not write {missing} for {month}"
        for f in files:
            ds = by_file[f]
            if ds.kind == "parquet":
                frame = catalog.load(ws.processed(month), ds.name)
                assert catalog.problems(ds.name, frame) == [], (month, stage)


@pytest.mark.slow
def test_each_stage_reads_only_the_datasets_the_registry_declares(demo_months):
    _, _, reads = demo_months
    for (month, stage), seen in reads.items():
        declared = stages.get(stage)
        now = sorted(n for n, here in seen if here and n not in declared.inputs)
        assert not now, f"{stage} read {now} of {month} without declaring them (stages.py, its `inputs`)"
        before = sorted(n for n, here in seen if not here and n not in declared.earlier)
        assert not before, f"{stage} read {before} of earlier months without declaring them (stages.py, `earlier`)"
    # and the declarations are not wishful: every declared input is read by its stage in one of the two months
    for stage in stages.names():
        read = {n for (m, s), seen in reads.items() if s == stage for n, here in seen if here}
        unused = sorted(set(stages.get(stage).inputs) - read)
        assert not unused, f"{stage} declares {unused} as inputs but never read them on the demo months"


def test_strict_save_refuses_an_undeclared_column_and_a_missing_one(tmp_path, monkeypatch):
    monkeypatch.setenv(catalog.STRICT_ENV, "1")
    good = catalog.conform(pd.DataFrame({"post_id": ["p1"], "source_row": [3]}), catalog.columns("flags"))
    catalog.save(tmp_path, "flags", good)
    with pytest.raises(catalog.SchemaMismatch, match="not in the catalog.*surprise"):
        catalog.save(tmp_path, "flags", good.assign(surprise=pd.Series(dtype="float64")))
    with pytest.raises(catalog.SchemaMismatch, match="declared columns missing.*message"):
        catalog.save(tmp_path, "flags", good.drop(columns=["message"]))
    with pytest.raises(catalog.SchemaMismatch, match="flags.source_row"):
        catalog.save(tmp_path, "flags", good.assign(source_row=good["source_row"].astype("string")))
    monkeypatch.setenv(catalog.STRICT_ENV, "0")
    with pytest.warns(UserWarning, match="surprise"):
        catalog.save(tmp_path, "flags", good.assign(surprise=1.0))


def test_configuration_driven_columns_are_known():
    assert "内容运营" in catalog.get("scorecard").known()          # one column per dimension (assessment.yaml)
    assert "five_sec_rate" in catalog.get("posts").known()          # a platform-specific metric (platforms.yaml)
    for new in (("posts", "visibility"), ("indicator_scores", "status"), ("scorecard", "grade_status"),
                ("scorecard", "coverage"), ("account_month", "days_held")):
        assert new[1] in catalog.get(new[0]).known(), new


def test_load_names_the_file_and_the_stage_when_missing_or_broken(tmp_path):
    with pytest.raises(catalog.DatasetMissing) as missing:
        catalog.load(tmp_path, "posts_clean")
    assert missing.value.path.name == "posts_clean.parquet" and "02_clean" in missing.value.message
    (tmp_path / "posts_clean.parquet").write_bytes(b"not parquet")
    with pytest.raises(catalog.DatasetUnreadable) as broken:
        catalog.load(tmp_path, "posts_clean")
    assert "posts_clean.parquet" in broken.value.message and "02_clean" in broken.value.message
    notes: list[str] = []
    assert catalog.try_load(tmp_path, "posts_clean", notes) is None and len(notes) == 1


def test_save_is_atomic_and_json_round_trips(tmp_path):
    catalog.save(tmp_path, "score_meta", {"period": "2026-10", "人数": 3})
    assert catalog.load(tmp_path, "score_meta") == {"period": "2026-10", "人数": 3}
    assert json.loads((tmp_path / "score_meta.json").read_text(encoding="utf-8"))["人数"] == 3
    frame = catalog.empty(catalog.columns("score_ledger"))
    catalog.save(tmp_path, "score_ledger", frame)
    assert not list(tmp_path.glob("*.tmp"))


def test_load_reads_only_wanted_columns_and_fills_declared_ones(tmp_path):
    frame = pd.DataFrame({"period": ["2026-10"], "operator": ["张伟"], "kind": ["bonus"], "item": ["x"],
                          "points": [1.0], "detail": ["d"], "rule": ["adjustment"]}).astype(catalog.LEDGER)
    catalog.save(tmp_path, "score_ledger", frame)
    assert list(catalog.load(tmp_path, "score_ledger", columns=["operator", "nope"]).columns) == ["operator"]
    pd.DataFrame({"operator": ["张伟"]}).to_parquet(tmp_path / "score_ledger.parquet")
    filled = catalog.load(tmp_path, "score_ledger", fill=True)
    assert list(filled.columns) == ["operator", *[c for c in catalog.LEDGER if c != "operator"]]
    assert str(filled["points"].dtype) == "float64"
