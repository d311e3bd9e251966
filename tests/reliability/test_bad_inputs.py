"""Issue 9: every bad input ends in a clear message or a quarantined row, never a traceback, and the counts add up."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from mediakpi import catalog
from mediakpi.paths import Workspace

from .corpus import CASES, MONTH

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

CJK = re.compile(r"[\u4e00-\u9fff]")


def _run_month(tmp_path: Path, build) -> tuple[Workspace, str | None]:
    from mediakpi.stages import run_stage

    ws = Workspace.of(tmp_path / "data", tmp_path / "reports")
    month_dir = ws.raw(MONTH)
    month_dir.mkdir(parents=True)
    named = build(month_dir)
    for stage in ("01_ingest", "02_clean", "03_score"):
        run_stage(stage, ws, MONTH)
    return ws, named


def _entries(ws: Workspace) -> list[dict]:
    data = json.loads((ws.processed(MONTH) / catalog.file_name("manifest")).read_text(encoding="utf-8"))
    return data["files"] if isinstance(data, dict) else data


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_explained_and_reconciled(tmp_path, case):
    ws, named = _run_month(tmp_path, case.build)
    out = ws.processed(MONTH)
    entries = _entries(ws)
    for e in entries:
        assert e["rows_read"] == e["rows_kept"] + e["rows_quarantined"] + e["duplicates_merged"], e
        assert e["message"] and "Traceback" not in e["message"], e
    on_disk = {str(p.relative_to(ws.raw(MONTH))) for p in ws.raw(MONTH).rglob("*") if p.is_file()}
    assert {e["path"] for e in entries} == on_disk
    entry = next((e for e in entries if e["path"] == named), None) if named else None
    if named:
        assert entry is not None, f"{named} missing from the manifest"
    posts = pd.read_parquet(out / catalog.file_name("posts"))
    quarantine = pd.read_parquet(out / catalog.file_name("quarantine"))
    notes = pd.read_parquet(out / catalog.file_name("data_quality_notes"))
    clean = pd.read_parquet(out / catalog.file_name("posts_clean"))
    from_file = quarantine[quarantine["source_file"] == named] if named else quarantine.iloc[0:0]
    for reason in quarantine["reason"]:
        assert CJK.search(reason) and "Traceback" not in reason

    if case.expect == "message":
        assert entry["rows_kept"] == 0 and CJK.search(entry["message"]), entry
    elif case.expect == "ok":
        if named:
            assert entry["rows_kept"] >= 1, entry
        assert len(posts) >= 1
    elif case.expect == "quarantine":
        assert len(from_file) >= 1, (entry, quarantine)
    elif case.expect == "quarantine_or_null":
        kept = posts[posts["source_file"] == named]
        assert len(from_file) >= 1 or kept[["views", "published_at"]].isna().any().any(), (entry, kept)
    elif case.expect == "quarantine_or_flag":
        flagged = clean[(clean["source_file"] == named) & clean["flagged"]]
        assert len(from_file) >= 1 or len(flagged) >= 1, (entry, clean[["title", "views", "flag_reasons"]])
    elif case.expect == "note":
        serious = notes[notes["level"].isin(["error", "warn"])]
        assert len(serious) >= 1 and serious["message"].map(lambda m: bool(CJK.search(m))).all()
    elif case.expect == "ok_or_message":
        assert entry["message"]


@pytest.mark.parametrize("title", [
    "🎾🔥 网球有故事｜温网 👀",
    '=HYPERLINK("http://x","点我")',
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "\u202eabc\u200b零宽\u200d字符",
])
def test_untrusted_titles_are_kept_as_exported(tmp_path, title):
    from .corpus import DOUYIN, douyin_row, roster, write_xlsx

    def build(m):
        roster(m)
        write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(title=title)])
        return "品牌号/抖音.xlsx"

    ws, _ = _run_month(tmp_path, build)
    posts = pd.read_parquet(ws.processed(MONTH) / catalog.file_name("posts"))
    assert posts["title"].tolist() == [title.strip()]


def test_duplicate_download_is_merged_not_double_counted(tmp_path):
    from .corpus import good_douyin, roster

    def build(m):
        roster(m)
        good_douyin(m)
        good_douyin(m, "抖音作品列表 (1).xlsx")

    ws, _ = _run_month(tmp_path, build)
    posts = pd.read_parquet(ws.processed(MONTH) / catalog.file_name("posts"))
    assert len(posts) == 2
    assert sum(e["duplicates_merged"] for e in _entries(ws)) == 2
