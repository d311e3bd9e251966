"""Ingest's manifest: one record per file (kind, layouts, the counts rows read = kept + quarantined + merged, the
snapshot rule, messages), the period's summary in plain Chinese, and the writing of every output of the stage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import catalog
from ..periods import Period


MANIFEST_COLUMNS = catalog.MANIFEST_COLUMNS


@dataclass
class FileRecord:
    index: int
    path: Path
    rel: str
    month: str
    folder: str | None  # account folder (first sub-folder under the month), None at top level
    sha256: str
    kind: str = "unrecognised"
    layouts: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    platform: str | None = None
    account: str | None = None
    rows_read: int = 0
    rows_quarantined: int = 0
    rows_ignored: int = 0
    duplicates_merged: int = 0
    rows_kept: int = 0
    snapshot_at: pd.Timestamp | None = None
    snapshot_rule: str | None = None  # how snapshot_at was found (SNAPSHOT_RULES)
    id_fallback: bool = False  # exported ids repeated on different posts: stable hash used instead
    decided_by: dict[str, int] = field(default_factory=dict)  # rule -> duplicates of this file another row beat
    columns_given: dict[str, int] = field(default_factory=dict)  # account_daily column -> values this file gave
    messages: list[str] = field(default_factory=list)
    rejected: bool = False

    def entry(self) -> dict:
        return {
            "path": self.rel,
            "sha256": self.sha256 or None,
            "kind": self.kind,
            "layout": ",".join(dict.fromkeys(self.layouts)) or None,
            "table": ",".join(dict.fromkeys(self.tables)) or None,
            "platform": self.platform,
            "account": self.account,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_quarantined": self.rows_quarantined,
            "duplicates_merged": self.duplicates_merged,
            "rows_ignored": self.rows_ignored,
            "snapshot_at": self.snapshot_at.isoformat() if self.snapshot_at is not None else None,
            "snapshot_rule": self.snapshot_rule,
            "id_fallback": self.id_fallback,
            "duplicates_decided_by": dict(sorted(self.decided_by.items())) or None,
            "columns_given": dict(sorted(self.columns_given.items())) or None,
            "message": " ".join(dict.fromkeys(m for m in self.messages if m)) or "已读取。",
        }


@dataclass
class IngestResult:
    period: str
    manifest: pd.DataFrame
    totals: dict
    messages: list[str]
    posts: pd.DataFrame
    account_daily: pd.DataFrame
    quarantine: pd.DataFrame
    team: dict[str, pd.DataFrame]
    out_dir: Path | None = None


def summary(per: Period, recs: list[FileRecord], totals: dict, roster: pd.DataFrame) -> list[str]:
    msgs = [
        f"{per.text}：共 {totals['files']} 个文件，平台导出 {totals['platform_exports']} 个、团队表格 {totals['team_tables']} 个；"
        f"读取 {totals['rows_read']} 行，保留 {totals['rows_kept']} 行，隔离 {totals['rows_quarantined']} 行，"
        f"重复合并 {totals['duplicates_merged']} 行；作品 {totals['posts']} 条。"
    ]
    if not recs:
        msgs.append(f"没有找到任何文件：请把导出文件放进 data/raw/<月份>/ 下（{', '.join(per.months)}）。")
    else:
        present = {r.month for r in recs}
        absent = [m for m in per.months if m not in present]
        if absent:
            msgs.append(f"这些月份没有任何文件：{'、'.join(absent)}。")
    if roster.empty:
        msgs.append("没有找到花名册（表头 姓名/平台/账号），作品的负责人将为空。")
    bad = [r for r in recs if r.kind in ("unreadable", "unrecognised", "skipped") or r.rejected]
    for r in bad[:20]:
        msgs.append(f"⚠ {r.rel}：{r.entry()['message']}")
    if len(bad) > 20:
        msgs.append(f"……另有 {len(bad) - 20} 个文件未读取，详见 ingest_manifest.json。")
    if totals["rows_quarantined"]:
        msgs.append(
            f"有 {totals['rows_quarantined']} 行数据被隔离（见 quarantine.csv，可用 Excel 打开），原因已逐行写明。"
        )
    return msgs


def write_outputs(out: Path, result: IngestResult) -> Path:
    catalog.save(out, "posts", result.posts)
    catalog.save(out, "account_daily", result.account_daily)
    for name, df in result.team.items():
        catalog.save(out, name, df)
    catalog.save(out, "quarantine", result.quarantine)
    catalog.save(out, "quarantine_csv", result.quarantine)
    doc = {
        "period": result.period,
        "totals": result.totals,
        "messages": result.messages,
        "files": json.loads(result.manifest.to_json(orient="records", force_ascii=False)),
    }
    catalog.save(out, "manifest", doc)
    return out
