"""Ingest a period: every file under data/raw/<m>/ for each month m -> the processed tables, manifest and quarantine.

Order of work (so that the manifest's per-file counts are final in one place), one module per pass:
  files.py (walk, read every file by content, in worker processes for large months) -> batch.py (parse by declared
  form, validate with pandera: failing rows quarantined) -> owners.py (accounts and operators from the roster) ->
  dedup.py (newest snapshot wins, merges counted per file) -> manifest.py (per-file records, summary, write).
  For every file: rows read = rows kept + rows quarantined + duplicates merged.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd

from ..labels import label
from ..paths import Workspace
from ..periods import Period
from ..catalog import QUARANTINE, empty, team_table_dtypes, team_tables
from .batch import conform_typed, parse_platform_table, parse_team_table
from .dedup import concat_parts, finish_daily, finish_posts, finish_team
from .files import process_all, read_file, walk
from .layouts import Registry, load_registry
from .manifest import MANIFEST_COLUMNS, FileRecord, IngestResult, summary, write_outputs
from .owners import AccountIndex, assign_accounts, note_unlisted_folders, roster_index
from ..store import release_memory

__all__ = ["IngestResult", "ingest_period", "read_export", "write_outputs"]


def ingest_period(
    ws: Workspace,
    period: str | Period,
    registry: Registry | None = None,
    write: bool = True,
    workers: int | None = None,
    chunks: int | None = None,
) -> IngestResult:
    """Read data/raw/<m>/ for every month of `period` and write the processed tables to ws.processed(period).

    Returns an IngestResult (manifest DataFrame, totals, plain-Chinese messages, the tables). With write=False nothing
    is written (tests, previews). Never writes under data/raw. `workers`: processes that read and parse files in
    parallel (None: one per core when there are at least PARALLEL_MIN_FILES files, else 1); `chunks`: runs of files
    the work is cut into (None: CHUNKS_PER_WORKER per worker). The result depends on neither.
    """
    # millions of short-lived cell objects: the cyclic GC would rescan them again and again (it doubled the run time)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _ingest_period(ws, period, registry, write, workers, chunks)
    finally:
        if enabled:
            gc.enable()


def _ingest_period(
    ws: Workspace, period: str | Period, registry: Registry | None, write: bool, workers: int | None, chunks: int | None
) -> IngestResult:
    per = Period.parse(period)
    registry = registry or load_registry()
    jobs = []
    skipped: list[tuple[str, str, str]] = []
    for i, (p, month, rel) in enumerate(walk(ws, per.months, skipped)):
        parts = rel.split("/")
        folder = parts[1] if len(parts) > 2 else None  # <month>/<账号>/…/file
        # docs/specs/data-contract.md: paths are relative to the period folder, i.e. to data/raw/<YYYY-MM>/ for a month; a quarter
        # or a year spans several month folders, so there they keep the month in front (2026-07/<账号>/…).
        shown = rel.split("/", 1)[1] if per.kind == "month" else rel
        jobs.append((i, p, shown, month, folder))
    recs: list[FileRecord] = []

    # pass 1: read, parse and validate every file (failing rows quarantined); typed frames only come back
    platform_parts: dict[str, list[pd.DataFrame]] = {"posts": [], "account_daily": []}
    team_parts: dict[str, list[pd.DataFrame]] = {t: [] for t in team_tables()}
    quarantine: list[pd.DataFrame] = []
    seen_sha: dict[str, str] = {}
    for chunk in process_all(jobs, registry, workers, chunks):
        for rec in chunk.recs:
            recs.append(rec)
            if rec.sha256 in seen_sha:
                rec.messages.insert(
                    0, f"与 {seen_sha[rec.sha256]} 内容完全相同（重复下载），其中的行按重复合并，不会重复计算。"
                )
            else:
                seen_sha[rec.sha256] = rec.rel
        for target, parts in chunk.platform.items():
            platform_parts[target].extend(parts)
        for name, parts in chunk.team.items():
            team_parts[name].extend(parts)
        quarantine.extend(chunk.quarantine)

    # the roster (all months; each file prefers its own month's roster)
    roster = concat_parts(team_parts["roster"], team_table_dtypes("roster"))
    rindex = roster_index(roster)

    # pass 2: accounts (per file) and operators (vectorised over all rows)
    messages: list[str] = []
    by_file = {r.index: r for r in recs}
    accounts = AccountIndex(rindex)
    assign_accounts(platform_parts, by_file, accounts, rindex)

    posts = finish_posts(platform_parts.pop("posts"), by_file)
    release_memory()
    daily = finish_daily(platform_parts.pop("account_daily"), by_file)
    team = {}
    for name, parts in team_parts.items():
        team[name] = finish_team(name, parts, by_file)

    for rec in recs:
        if rec.rejected:
            rec.rows_read = 0
            rec.rows_quarantined = 0
            rec.duplicates_merged = 0
            rec.rows_kept = 0
            rec.decided_by = {}
            rec.columns_given = {}
        elif rec.kind in ("platform_export", "team_table") and rec.rows_read == 0 and rec.rows_ignored == 0:
            rec.messages.append(label("ingest.message.no_rows"))  # a header and nothing below it
    for k, (rel, month, why) in enumerate(skipped):  # links that lead outside the month folder: listed, not opened
        shown = rel.split("/", 1)[1] if per.kind == "month" else rel
        rec = FileRecord(len(jobs) + k, ws.raw(month).parent / rel, shown, month, None, "", kind="skipped")
        rec.messages.append(why)
        recs.append(rec)
    note_unlisted_folders(recs, accounts)
    quarantine = [q for q in quarantine if not q.empty]
    if quarantine:  # in the order the tables were read (file, then table, then row)
        qdf = (
            pd.concat(quarantine, ignore_index=True)
            .sort_values(["_seq", "source_row"], kind="stable")
            .drop(columns="_seq")
        )
    else:
        qdf = empty(QUARANTINE)
    # only quarantine rows of files that were not rejected as a whole
    rejected = {r.rel for r in recs if r.rejected}
    qdf = conform_typed(qdf[~qdf["source_file"].isin(rejected)], QUARANTINE)

    manifest = pd.DataFrame([r.entry() for r in recs], columns=MANIFEST_COLUMNS)
    totals = {
        "files": len(recs),
        "platform_exports": int((manifest["kind"] == "platform_export").sum()),
        "team_tables": int((manifest["kind"] == "team_table").sum()),
        "unrecognised": int((manifest["kind"] == "unrecognised").sum()),
        "unreadable": int((manifest["kind"] == "unreadable").sum()),
        "skipped": int((manifest["kind"] == "skipped").sum()),
        "rows_read": int(manifest["rows_read"].sum()),
        "rows_kept": int(manifest["rows_kept"].sum()),
        "rows_quarantined": int(manifest["rows_quarantined"].sum()),
        "duplicates_merged": int(manifest["duplicates_merged"].sum()),
        "posts": len(posts),
        "account_daily_rows": len(daily),
    }
    messages = summary(per, recs, totals, roster) + messages
    result = IngestResult(per.text, manifest, totals, messages, posts, daily, qdf, team)
    if write:
        result.out_dir = write_outputs(ws.processed(per.text), result)
    return result


def read_export(path: str | Path, registry: Registry | None = None) -> tuple[str | None, pd.DataFrame]:
    """Read one platform export (or team table) on its own: (layout id or team table name, typed rows).

    No roster and no de-duplication; rows that would be quarantined are kept and their reasons are in `_problem`.
    Returns (None, empty frame) when the file is not recognised; raises nothing for bad files (see the manifest path).
    """
    registry = registry or load_registry()
    path = Path(path)
    rec = FileRecord(0, path, path.name, "1970-01", None, "")
    tables = read_file(rec, registry)
    frames, lid = [], None
    for t in tables:
        if t.candidate.kind == "team":
            df, reasons = parse_team_table(t, registry)
        else:
            if registry.layout(t.candidate.id).spec.target == "ignore":
                continue
            df, reasons, _, _, not_ids = parse_platform_table(t, registry)
            if not_ids:
                rec.messages.append(label("ingest.message.id_not_unique"))
        df["source_row"] = df.index.to_numpy() + 1
        df["_problem"] = reasons
        lid = lid or t.candidate.id
        if t.candidate.id == lid:
            frames.append(df)
    if not frames:
        return None, pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out.attrs["messages"] = rec.messages
    return lid, out
