"""Ingest's file pass: walk the month folders, read each file by its content (sniff, grid, table finder), and run the
read and parse of runs of files in worker processes for large months; only typed frames come back."""

from __future__ import annotations

import gc
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..labels import label
from ..paths import Workspace
from ..catalog import INT, STRING, team_table_dtypes, team_tables
from ..validate import validate
from .account_files import describe_unrecognised
from .batch import Pending, conform_typed, parse_batch, parse_team_table, quarantine_rows
from .grid import read_grid
from .layouts import Registry
from .manifest import FileRecord
from .sniff import KIND_MESSAGES, Unreadable, json_error_message, sniff
from .tables import Table, find_tables, header_score
from .team import UNREAD


def walk(
    ws: Workspace, months: list[str], skipped: list[tuple[str, str, str]] | None = None
) -> list[tuple[Path, str, str]]:
    """(path, month, path relative to data/raw) of every file of the period's month folders, in a stable order.

    Symbolic links are not opened when they lead outside the month folder (or nowhere), and linked folders are not
    followed: each is appended to `skipped` as (relative path, month, reason) for the manifest."""
    files = []
    for month in months:
        root = ws.raw(month)
        if not root.is_dir():
            continue
        real_root = root.resolve()
        for dirpath, dirnames, filenames in os.walk(root):
            links = [d for d in dirnames if not d.startswith(".") and os.path.islink(os.path.join(dirpath, d))]
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
            names = sorted([*filenames, *links])
            for fn in names:
                if fn.startswith(".") or fn in ("Thumbs.db", "desktop.ini"):
                    continue
                p = Path(dirpath) / fn
                rel = str(p.relative_to(root.parent)).replace(os.sep, "/")
                if p.is_symlink():
                    why = _link_problem(p, real_root, fn in links)
                    if why:
                        if skipped is not None:
                            skipped.append((rel, month, why))
                        continue
                files.append((p, month, rel))
    return files


def _link_problem(p: Path, real_root: Path, is_dir: bool) -> str | None:
    """Why a symbolic link in a month folder is not opened (None: it stays inside the folder and is read)."""
    if is_dir:
        return label("ingest.message.link_dir")
    try:
        target = p.resolve(strict=True)
    except (OSError, RuntimeError):
        return label("ingest.message.link_broken")
    if not target.is_relative_to(real_root) or not target.is_file():
        return label("ingest.message.link_outside").replace("{target}", str(target))
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_file(rec: FileRecord, registry: Registry) -> list[Table]:
    sn = sniff(rec.path)
    if sn.kind in KIND_MESSAGES:
        rec.kind = "unreadable" if sn.kind in ("empty",) else "unrecognised"
        rec.messages.append(KIND_MESSAGES[sn.kind])
        return []
    if sn.kind == "json":
        rec.kind = "unreadable"
        rec.messages.append(json_error_message(rec.path))
        return []
    try:
        sheets = read_grid(rec.path, sn, header_score(registry))
    except Unreadable as exc:
        rec.kind = "unreadable"
        rec.messages.append(str(exc))
        return []
    tables: list[Table] = []
    for sh in sheets:
        found = find_tables(sh, registry)
        if found:
            rec.messages.extend(sh.notes)
        tables.extend(found)
    if not tables:
        rec.kind = "unrecognised"
        for hint in registry.config.hints:
            if any(any(h in s.name for h in hint.sheet_names) for s in sheets):
                rec.messages.append(hint.message)
                return []
        rec.messages.append(describe_unrecognised(registry, sheets))
    return tables


PARALLEL_MIN_FILES = 300  # below this, starting worker processes (~1 s: they import pandas) costs more than it saves
CHUNKS_PER_WORKER = 8  # chunks of files per worker: balances the load, bounds each worker's text in memory
TABLE_SEQ_STRIDE = 1_000_000  # _seq = file index × stride + table number within the file (file order, then table)
_WORKER_REGISTRY: Registry | None = None


def _worker_init(registry: Registry) -> None:
    global _WORKER_REGISTRY
    gc.disable()  # as in the parent: millions of short-lived cell objects
    _WORKER_REGISTRY = registry


def _registry(registry: Registry | None) -> Registry:
    """The registry passed in, else the one this worker process was started with."""
    registry = registry or _WORKER_REGISTRY
    if registry is None:
        raise RuntimeError("ingest worker used before _worker_init")
    return registry


def read_job(job: tuple, registry: Registry | None = None) -> tuple[FileRecord, list[Table]]:
    """Read one file: checksum, kind, tables found."""
    i, path, rel, month, folder = job
    rec = FileRecord(i, path, rel, month, folder, _sha256(path))
    return rec, read_file(rec, _registry(registry))


@dataclass
class Chunk:
    """What reading and parsing a run of files gives: their records (counts filled in) and typed frames only; the
    text cells stay in the process that read them."""

    recs: list[FileRecord]
    platform: dict[str, list[pd.DataFrame]]
    team: dict[str, list[pd.DataFrame]]
    quarantine: list[pd.DataFrame]


def process_chunk(jobs: list[tuple], registry: Registry | None = None) -> Chunk:
    """Read, parse and validate a run of files (in a worker process for large months). Tables of one layout and
    header set are parsed together (one pass per layout, not one per file); the result does not depend on how the
    files are cut into chunks: row order is settled later by (file, table, row)."""
    registry = _registry(registry)
    out = Chunk([], {"posts": [], "account_daily": []}, {t: [] for t in team_tables()}, [])
    pending: dict[tuple, list[Pending]] = {}
    for job in jobs:
        rec, tables = read_job(job, registry)
        out.recs.append(rec)
        for number, t in enumerate(tables, start=1):
            seq = rec.index * TABLE_SEQ_STRIDE + number
            ign = sum(t.ignored.values())
            rec.rows_ignored += ign
            if ign:
                rec.messages.append("；".join(f"{k} {v} 行未计入" for k, v in t.ignored.items()) + "。")
            if t.candidate.kind == "team":
                _team_table(rec, t, seq, registry, out)
                continue
            lay = registry.layout(t.candidate.id)
            rec.kind = "platform_export"
            rec.layouts.append(lay.id)
            rec.platform = rec.platform or lay.platform
            if lay.spec.target == "ignore":
                rec.rows_ignored += len(t.data)
                rec.messages.append(f"“{lay.spec.title}”表（{len(t.data)} 行）按设计不入库。")
                continue
            # parsed below, together with every other table of the same layout and header set
            key = (lay.id, tuple((c, t.headers[pos], unit) for c, (pos, unit) in t.columns.items()))
            pending.setdefault(key, []).append(Pending(rec, t, seq))
    for items in pending.values():
        df, _, target, bad_parts = parse_batch(items, registry)
        out.quarantine.extend(bad_parts)
        out.platform[target].append(df)
    return out


def _team_table(rec: FileRecord, t: Table, seq: int, registry: Registry, out: Chunk) -> None:
    rec.kind = "team_table" if rec.kind != "platform_export" else rec.kind
    rec.tables.append(t.candidate.id)
    df, reasons = parse_team_table(t, registry)
    df = df.assign(source_file=rec.rel, source_row=(df.index.to_numpy() + 1), _file=rec.index, _month=rec.month)
    dtypes = team_table_dtypes(t.candidate.id)
    typed = conform_typed(df, dtypes, {"platform_name": STRING, "_file": INT, "_month": STRING})
    typed.index = df.index
    kept, bad = validate(typed, t.candidate.id, reasons)
    if "platform" in typed.columns:
        unknown = typed.loc[kept.index, "platform"].dropna()
        unknown = unknown[~unknown.isin(list(registry.config.platform_names))]
        for row, name in list(unknown.items())[:5]:
            rec.messages.append(
                f"第 {row + 1} 行的平台“{name}”不认识（可写：微信公众号、微博、抖音、小红书、B站、视频号、快手），"
                f"这一行照常保留，但不会匹配到任何导出。"
            )
    rec.rows_read += len(df)
    if UNREAD in kept.columns and kept[UNREAD].notna().any():
        for row, what in list(zip(kept.index[kept[UNREAD].notna()] + 1, kept[UNREAD].dropna()))[:5]:
            rec.messages.append(f"第 {row} 行有无法识别的格子（{what}）：该格不计，这一行的其他格照常计入。")
    rec.rows_quarantined += len(bad)
    if not bad.empty:
        out.quarantine.append(quarantine_rows(rec, t, bad, t.candidate.id).assign(_seq=seq))
    out.team[t.candidate.id].append(kept)


def cut_runs(jobs: list[tuple], n: int) -> list[list[tuple]]:
    """`jobs` cut into `n` runs of about equal total file size (a few big exports weigh as much as many small ones)."""
    if n <= 1 or len(jobs) <= 1:
        return [jobs]
    sizes = np.array([max(1, j[1].stat().st_size) for j in jobs], dtype=np.int64)
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(1, n) * sizes.sum() / n)
    cuts = [0, *sorted(set(int(b) + 1 for b in bounds if 0 <= b < len(jobs) - 1)), len(jobs)]
    return [jobs[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def process_all(jobs: list[tuple], registry: Registry, workers: int | None, chunks: int | None = None):
    """Chunk results for every file, in the order of `jobs` whatever the number of workers or chunks (so results
    are deterministic). Reading and parsing dominate large months and are independent per file, so they run in
    worker processes ("spawn": forking a process that already runs pyarrow threads can deadlock) that send back
    typed frames only; if the pool cannot start (e.g. a script without an `if __name__ == "__main__":` guard), the
    files are processed in this process."""
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_MIN_FILES else 1
    runs = cut_runs(jobs, chunks if chunks is not None else (workers * CHUNKS_PER_WORKER if workers > 1 else 1))
    if workers > 1 and len(runs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(
                min(workers, len(runs)),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(registry,),
            ) as pool:
                yield from pool.map(process_chunk, runs)
            return
        except (BrokenProcessPool, RuntimeError, OSError):
            pass
    for run in runs:
        yield process_chunk(run, registry)
