"""Ingest a period: every file under data/raw/<m>/ for each month m -> the processed tables, manifest and quarantine.

Order of work (so that the manifest's per-file counts are final in one place):
  read every file (by content) -> parse by declared form -> validate with pandera (failing rows quarantined)
  -> assign accounts and operators from the roster -> de-duplicate (newest snapshot wins, merges counted per file)
  -> write. For every file: rows read = rows kept + rows quarantined + duplicates merged.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import catalog
from ..distinct import map_distinct
from ..labels import label
from ..ownership import owner_on
from ..paths import Workspace
from ..periods import TZ, Period
from ..schema import (ACCOUNT_DAILY, INT, POSTS, POSTS_EXTRA, QUARANTINE, STRING, TIMESTAMP, conform, empty,
                      team_table_dtypes, team_tables)
from ..store import release_memory
from ..validate import validate
from .dates import as_of_in_text, snapshot_from_name
from .grid import read_grid
from .layouts import Registry, load_registry, norm_header
from .parse import id_text, parse_columns, stable_id, team_forms, title_day_key, url_id
from .sniff import KIND_MESSAGES, Unreadable, json_error_message, sniff
from .tables import Table, find_tables, header_score

MANIFEST_COLUMNS = catalog.MANIFEST_COLUMNS


@dataclass
class FileRecord:
    index: int
    path: Path
    rel: str
    month: str
    folder: str | None          # account folder (first sub-folder under the month), None at top level
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
    snapshot_rule: str | None = None     # how snapshot_at was found (SNAPSHOT_RULES)
    id_fallback: bool = False            # exported ids repeated on different posts: stable hash used instead
    decided_by: dict[str, int] = field(default_factory=dict)   # rule -> duplicates of this file another row beat
    messages: list[str] = field(default_factory=list)
    rejected: bool = False

    def entry(self) -> dict:
        return {
            "path": self.rel, "sha256": self.sha256 or None, "kind": self.kind, "layout": ",".join(dict.fromkeys(self.layouts)) or None,
            "table": ",".join(dict.fromkeys(self.tables)) or None, "platform": self.platform, "account": self.account,
            "rows_read": self.rows_read, "rows_kept": self.rows_kept, "rows_quarantined": self.rows_quarantined,
            "duplicates_merged": self.duplicates_merged, "rows_ignored": self.rows_ignored,
            "snapshot_at": self.snapshot_at.isoformat() if self.snapshot_at is not None else None,
            "snapshot_rule": self.snapshot_rule, "id_fallback": self.id_fallback,
            "duplicates_decided_by": dict(sorted(self.decided_by.items())) or None,
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


# ------------------------------------------------------------------------------------------------ one table
def _quarantine_rows(rec: FileRecord, table: Table, reasons: pd.Series, name: str) -> pd.DataFrame:
    if reasons.empty:
        return empty(QUARANTINE)
    raw = table.data.loc[reasons.index]
    heads = [h if h else f"第{i + 1}列" for i, h in enumerate(table.headers)]
    values = [json.dumps({h: str(v) for h, v in zip(heads, row) if str(v).strip() != ""}, ensure_ascii=False)
              for row in raw.itertuples(index=False, name=None)]
    sheet = f"[{table.sheet}] " if table.sheet and table.sheet != rec.path.name else ""
    return pd.DataFrame({
        "source_file": rec.rel, "source_row": (reasons.index.to_numpy() + 1), "table": name,
        "reason": (sheet + reasons.astype(str)).to_numpy(), "values": values,
    })


def parse_platform_table(table: Table, registry: Registry, groups: np.ndarray | None = None
                         ) -> tuple[pd.DataFrame, pd.Series, str, str, set]:
    """Typed rows of one platform table (no account yet) -> (frame, parse reasons, target, layout id, groups whose
    exported ids were set aside). `groups`: the source table of each row when tables are stacked (one table: None).

    An exported id (id column or URL) that repeats inside one table on rows with different titles or publish times is
    not an id (a truncated `…#rd` URL on every row): that table's rows get the stable hash instead."""
    lay = registry.layout(table.candidate.id)
    forms = {c: cs.form for c, cs in lay.spec.columns.items()}
    sentinels = {c: cs.sentinels for c, cs in lay.spec.columns.items()}
    kinds = {c: "int" if f == "int" else "float" for c, f in forms.items()}
    df, lower, reasons = parse_columns(table, forms, sentinels, registry, kinds)
    df["platform"] = lay.platform
    df["layout"] = lay.id
    _not_applicable(df, lay.spec.not_applicable)
    not_ids: set = set()
    if lay.spec.target == "posts":
        df["views_lower_bound"] = lower.astype("boolean")
        if "post_id" in df.columns:
            df["post_id"] = ("id:" + df["post_id"].astype("string")).astype("string")
        if "url" in df.columns:
            uid = url_id(df["url"])
            df["post_id"] = df["post_id"].fillna(uid) if "post_id" in df.columns else uid
        if "post_id" in df.columns:
            not_ids = _ids_not_unique(df, groups)
            if not_ids:
                g = pd.Series(0 if groups is None else groups, index=df.index)
                df.loc[g.isin(list(not_ids)).to_numpy(), "post_id"] = pd.NA
        # the text parts of the stable id of rows without one, here in the reader workers rather than in the parent
        no_id = df["post_id"].isna() if "post_id" in df.columns else pd.Series(True, index=df.index)
        if no_id.any() and "published_at" in df.columns:
            title = df.loc[no_id, "title"] if "title" in df.columns else pd.Series(pd.NA, index=df.index[no_id])
            t, when = id_text(title, df.loc[no_id, "published_at"])
            df["_id_title"] = t.reindex(df.index)
            df["_id_when"] = when.reindex(df.index)
    if lay.spec.keep_rows:
        df = df.drop(columns=[lay.spec.keep_rows.column], errors="ignore")
    return df, reasons, lay.spec.target, lay.id, not_ids


def _not_applicable(df: pd.DataFrame, rules) -> None:
    """Metrics that do not apply to a row's format (config `not_applicable`) set to null, per distinct format."""
    if not rules or "format" not in df.columns:
        return
    fmt = df["format"].astype(object)
    for rule in rules:
        cols = [c for c in rule.columns if c in df.columns]
        if not cols:
            continue
        keys = [norm_header(k) for k in rule.formats]
        hit = map_distinct(fmt, lambda f, keys=keys: isinstance(f, str) and any(k in norm_header(f) for k in keys))
        mask = hit.fillna(False).astype(bool).to_numpy()
        if mask.any():
            for c in cols:
                df.loc[mask, c] = np.nan


def _ids_not_unique(df: pd.DataFrame, groups: np.ndarray | None) -> set:
    """Groups (source tables) in which one exported id sits on rows with different titles or publish times."""
    ids = df["post_id"]
    has = ids.notna().to_numpy(dtype=bool)
    if not has.any():
        return set()
    key = pd.DataFrame({"g": 0 if groups is None else groups[has], "id": ids[has].to_numpy()})
    rep = key.duplicated(keep=False).to_numpy()          # ids that occur twice in a table: usually none
    if not rep.any():
        return set()
    k = key[rep]
    for c in ("title", "published_at"):
        if c in df.columns:
            k[c] = df[c][has][rep].to_numpy()
    k = k.drop_duplicates()
    clash = k.duplicated(["g", "id"], keep=False)
    return set(pd.unique(k.loc[clash, "g"]).tolist())


@dataclass
class _Pending:
    """A platform table found in a file, waiting to be parsed with the other tables of its layout."""
    rec: FileRecord
    table: Table
    seq: int


def _parse_batch(items: list[_Pending], registry: Registry) -> tuple[pd.DataFrame, pd.Series, str, list[pd.DataFrame]]:
    """Parse and validate every table of one layout (and one header set) in one pass.

    The tables' mapped columns are stacked into one frame, so each column is parsed once however many files there are
    (per-file pandas calls cost about as much as the parsing itself on small files). Per-file facts (source, snapshot,
    priority, the newest date the table lists) ride along as columns; counts go back to each file. -> (kept rows,
    reasons of the rejected rows, target, quarantine frames tagged with the table's read order `_seq`)."""
    first = items[0].table
    names = list(first.columns)
    blocks, files, rows, seqs, orders = [], [], [], [], []
    for it in items:
        t = it.table
        arr = t.data.to_numpy(dtype=object)
        blocks.append(arr[:, [t.columns[c][0] for c in names]])
        n = len(arr)
        files.append(np.full(n, it.rec.index))
        rows.append(t.data.index.to_numpy() + 1)
        seqs.append(np.full(n, it.seq))
        orders.append(np.arange(n))
    data = pd.DataFrame(np.concatenate(blocks), dtype=object)
    stacked = Table(first.sheet, first.candidate, 0, [first.headers[first.columns[c][0]] for c in names],
                    {c: (i, first.columns[c][1]) for i, c in enumerate(names)}, data, [])
    seq = np.concatenate(seqs)
    df, reasons, target, _, not_ids = parse_platform_table(stacked, registry, seq)
    lay = registry.layout(first.candidate.id)
    file_idx = np.concatenate(files)

    # when each export was taken (per table; the fallback rule needs the newest date inside the table)
    col = "published_at" if target == "posts" else "date"
    newest = df[col].groupby(seq).max() if col in df.columns else pd.Series(dtype=object)
    snaps: dict[int, pd.Timestamp] = {}
    for it in items:
        snap, rule = _snapshot(it.rec, it.table, newest.get(it.seq), target)
        snaps[it.seq] = snap
        if it.rec.snapshot_at is None or snap > it.rec.snapshot_at:
            it.rec.snapshot_at, it.rec.snapshot_rule = snap, rule
        if it.seq in not_ids:
            it.rec.id_fallback = True
            it.rec.messages.append(label("ingest.message.id_not_unique"))

    recs = {it.rec.index: it.rec for it in items}
    fidx = pd.Index(file_idx)

    def per_row(value) -> np.ndarray:
        """A per-file fact (value(record)) spread over the rows of the batch."""
        return pd.Series({i: value(r) for i, r in recs.items()}, dtype=object).reindex(fidx).to_numpy()

    df = df.assign(source_file=per_row(lambda r: r.rel), source_row=np.concatenate(rows), _file=file_idx,
                   _prio=lay.spec.priority, _month=per_row(lambda r: r.month), _folder=per_row(lambda r: r.folder),
                   account=per_row(lambda r: r.folder or "?"))
    df["snapshot_at"] = pd.Series(snaps).reindex(pd.Index(seq)).array   # stays datetime: no Timestamp object per row
    df["_order"] = np.concatenate(orders)
    df["_seq"] = seq
    for c in ("platform", "account", "layout", "source_file"):
        df[c] = df[c].astype("string")
    kept, bad = validate(df, target, reasons)
    # the newest publish time (or day) each table lists, over its valid rows: the second rule of snapshot order
    if col in kept.columns and not kept.empty:
        kept["_newest"] = kept[col].groupby(kept["_seq"].to_numpy()).transform("max")
    else:
        kept["_newest"] = kept[col] if col in kept.columns else pd.NaT

    read = pd.Series(file_idx).value_counts()
    for f, n in read.items():
        recs[int(f)].rows_read += int(n)
    bad_parts = []
    if not bad.empty:
        by_seq = {it.seq: it for it in items}
        bad_seq = pd.Series(seq[bad.index.to_numpy()], index=bad.index)
        for s, idx in bad_seq.groupby(bad_seq, sort=True).groups.items():
            it = by_seq[int(s)]
            it.rec.rows_quarantined += len(idx)
            # the table's own rows (sheet row index) for the original cells
            r = bad.loc[idx]
            r.index = pd.Index(df.loc[idx, "source_row"].to_numpy() - 1)
            bad_parts.append(_quarantine_rows(it.rec, it.table, r, target).assign(_seq=int(s)))
    return kept, bad, target, bad_parts


def parse_team_table(table: Table, registry: Registry) -> tuple[pd.DataFrame, pd.Series]:
    name = table.candidate.id
    forms, kinds = team_forms(name)
    cols = {c: p for c, p in table.columns.items() if c in forms}
    table.columns = cols
    df, _, reasons = parse_columns(table, forms, {}, registry, kinds)
    if "platform" in df.columns:
        names = pd.unique(df["platform"].astype(object))       # once per distinct name (a calendar repeats them)
        lookup = {x: registry.platform_code(x) if isinstance(x, str) else None for x in names}
        codes = df["platform"].astype(object).map(lookup)
        df["platform_name"] = df["platform"]
        df["platform"] = codes.astype("string").fillna(df["platform"].astype("string"))
    return df, reasons


# ------------------------------------------------------------------------------------------------ accounts
def _roster_index(roster: pd.DataFrame) -> pd.DataFrame:
    if roster.empty:
        return pd.DataFrame(columns=["platform", "account", "name", "start_date", "end_date", "_acc", "_month"])
    r = roster.copy()
    r["_acc"] = r["account"].map(norm_header)
    return r


def _assign_operator(df: pd.DataFrame, roster: pd.DataFrame, when: pd.Series) -> pd.Series:
    """Operator by (platform, account) and day: ownership.owner_on (a hand-over splits by date; a day the roster gives
    to two people is nobody's until the roster is fixed, and clean reports both rows)."""
    if roster.empty or df.empty:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    return owner_on(roster, df["platform"], df["account"], when)


# ------------------------------------------------------------------------------------------------ the period
def _walk(ws: Workspace, months: list[str], skipped: list[tuple[str, str, str]] | None = None
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


def _read_file(rec: FileRecord, registry: Registry) -> list[Table]:
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
        names = "、".join(s.name for s in sheets[:6])
        where = f"（工作表：{names}）" if len(sheets) > 1 else ""
        rec.messages.append(f"没有认出这是哪个平台的导出或哪张团队表格：前 {registry.config.header_scan_rows} 行里没有找到认识的表头{where}。"
                            "如果这是新版导出，请在 config/platforms.yaml 里补充表头别名；否则可以忽略。")
    return tables


PARALLEL_MIN_FILES = 300  # below this, starting worker processes (~1 s: they import pandas) costs more than it saves
CHUNKS_PER_WORKER = 8     # chunks of files per worker: balances the load, bounds each worker's text in memory
TABLE_SEQ_STRIDE = 1_000_000  # _seq = file index × stride + table number within the file (file order, then table)
_WORKER_REGISTRY: Registry | None = None


def _worker_init(registry: Registry) -> None:
    global _WORKER_REGISTRY
    gc.disable()  # as in the parent: millions of short-lived cell objects
    _WORKER_REGISTRY = registry


def _read_job(job: tuple, registry: Registry | None = None) -> tuple[FileRecord, list[Table]]:
    """Read one file: checksum, kind, tables found."""
    i, path, rel, month, folder = job
    rec = FileRecord(i, path, rel, month, folder, _sha256(path))
    return rec, _read_file(rec, registry or _WORKER_REGISTRY)


@dataclass
class _Chunk:
    """What reading and parsing a run of files gives: their records (counts filled in) and typed frames only; the
    text cells stay in the process that read them."""
    recs: list[FileRecord]
    platform: dict[str, list[pd.DataFrame]]
    team: dict[str, list[pd.DataFrame]]
    quarantine: list[pd.DataFrame]


def _process_chunk(jobs: list[tuple], registry: Registry | None = None) -> _Chunk:
    """Read, parse and validate a run of files (in a worker process for large months). Tables of one layout and
    header set are parsed together (one pass per layout, not one per file); the result does not depend on how the
    files are cut into chunks: row order is settled later by (file, table, row)."""
    registry = registry or _WORKER_REGISTRY
    out = _Chunk([], {"posts": [], "account_daily": []}, {t: [] for t in team_tables()}, [])
    pending: dict[tuple, list[_Pending]] = {}
    for job in jobs:
        rec, tables = _read_job(job, registry)
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
            pending.setdefault(key, []).append(_Pending(rec, t, seq))
    for items in pending.values():
        df, _, target, bad_parts = _parse_batch(items, registry)
        out.quarantine.extend(bad_parts)
        out.platform[target].append(df)
    return out


def _team_table(rec: FileRecord, t: Table, seq: int, registry: Registry, out: _Chunk) -> None:
    rec.kind = "team_table" if rec.kind != "platform_export" else rec.kind
    rec.tables.append(t.candidate.id)
    df, reasons = parse_team_table(t, registry)
    df = df.assign(source_file=rec.rel, source_row=(df.index.to_numpy() + 1), _file=rec.index, _month=rec.month)
    dtypes = team_table_dtypes(t.candidate.id)
    typed = _conform(df, dtypes, {"platform_name": STRING, "_file": INT, "_month": STRING})
    typed.index = df.index
    kept, bad = validate(typed, t.candidate.id, reasons)
    if "platform" in typed.columns:
        unknown = typed.loc[kept.index, "platform"].dropna()
        unknown = unknown[~unknown.isin(list(registry.config.platform_names))]
        for row, name in list(unknown.items())[:5]:
            rec.messages.append(f"第 {row + 1} 行的平台“{name}”不认识（可写：微信公众号、微博、抖音、小红书、B站、视频号、快手），"
                                f"这一行照常保留，但不会匹配到任何导出。")
    rec.rows_read += len(df)
    rec.rows_quarantined += len(bad)
    if not bad.empty:
        out.quarantine.append(_quarantine_rows(rec, t, bad, t.candidate.id).assign(_seq=seq))
    out.team[t.candidate.id].append(kept)


def _chunks(jobs: list[tuple], n: int) -> list[list[tuple]]:
    """`jobs` cut into `n` runs of about equal total file size (a few big exports weigh as much as many small ones)."""
    if n <= 1 or len(jobs) <= 1:
        return [jobs]
    sizes = np.array([max(1, j[1].stat().st_size) for j in jobs], dtype=np.int64)
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(1, n) * sizes.sum() / n)
    cuts = [0, *sorted(set(int(b) + 1 for b in bounds if 0 <= b < len(jobs) - 1)), len(jobs)]
    return [jobs[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def _process_all(jobs: list[tuple], registry: Registry, workers: int | None, chunks: int | None = None):
    """_Chunk results for every file, in the order of `jobs` whatever the number of workers or chunks (so results
    are deterministic). Reading and parsing dominate large months and are independent per file, so they run in
    worker processes ("spawn": forking a process that already runs pyarrow threads can deadlock) that send back
    typed frames only; if the pool cannot start (e.g. a script without an `if __name__ == "__main__":` guard), the
    files are processed in this process."""
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_MIN_FILES else 1
    runs = _chunks(jobs, chunks if chunks is not None else (workers * CHUNKS_PER_WORKER if workers > 1 else 1))
    if workers > 1 and len(runs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        try:
            with ProcessPoolExecutor(min(workers, len(runs)), mp_context=multiprocessing.get_context("spawn"),
                                     initializer=_worker_init, initargs=(registry,)) as pool:
                yield from pool.map(_process_chunk, runs)
            return
        except (BrokenProcessPool, RuntimeError, OSError):
            pass
    for run in runs:
        yield _process_chunk(run, registry)


def ingest_period(ws: Workspace, period: str, registry: Registry | None = None, write: bool = True,
                  workers: int | None = None, chunks: int | None = None) -> IngestResult:
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


def _ingest_period(ws: Workspace, period: str, registry: Registry | None, write: bool, workers: int | None,
                   chunks: int | None) -> IngestResult:
    per = Period.parse(period)
    registry = registry or load_registry()
    jobs = []
    skipped: list[tuple[str, str, str]] = []
    for i, (p, month, rel) in enumerate(_walk(ws, per.months, skipped)):
        parts = rel.split("/")
        folder = parts[1] if len(parts) > 2 else None  # <month>/<账号>/…/file
        # data-contract.md: paths are relative to the period folder, i.e. to data/raw/<YYYY-MM>/ for a month; a quarter
        # or a year spans several month folders, so there they keep the month in front (2026-07/<账号>/…).
        shown = rel.split("/", 1)[1] if per.kind == "month" else rel
        jobs.append((i, p, shown, month, folder))
    recs: list[FileRecord] = []

    # pass 1: read, parse and validate every file (failing rows quarantined); typed frames only come back
    platform_parts: dict[str, list[pd.DataFrame]] = {"posts": [], "account_daily": []}
    team_parts: dict[str, list[pd.DataFrame]] = {t: [] for t in team_tables()}
    quarantine: list[pd.DataFrame] = []
    seen_sha: dict[str, str] = {}
    for chunk in _process_all(jobs, registry, workers, chunks):
        for rec in chunk.recs:
            recs.append(rec)
            if rec.sha256 in seen_sha:
                rec.messages.insert(0, f"与 {seen_sha[rec.sha256]} 内容完全相同（重复下载），其中的行按重复合并，不会重复计算。")
            else:
                seen_sha[rec.sha256] = rec.rel
        for target, parts in chunk.platform.items():
            platform_parts[target].extend(parts)
        for name, parts in chunk.team.items():
            team_parts[name].extend(parts)
        quarantine.extend(chunk.quarantine)

    # the roster (all months; each file prefers its own month's roster)
    roster = _concat(team_parts["roster"], team_table_dtypes("roster"))
    rindex = _roster_index(roster)

    # pass 2: accounts (per file) and operators (vectorised over all rows)
    messages: list[str] = []
    by_file = {r.index: r for r in recs}
    accounts = _AccountIndex(rindex)
    for target in ("posts", "account_daily"):
        frames = []
        parts = platform_parts.pop(target)
        while parts:  # each part let go once handled: the month is then in memory once, not twice
            df = parts.pop(0)
            if df.empty:
                continue
            plat = df["platform"].iloc[0]
            acc_of: dict[int, str] = {}
            for f in pd.unique(df["_file"]):
                rec = by_file[int(f)]
                acc = accounts.resolve(rec, plat)
                if acc is None:
                    rec.rejected = True
                else:
                    rec.account = acc
                    acc_of[int(f)] = acc
            if len(acc_of) < len(pd.unique(df["_file"])):
                df = df[df["_file"].isin(list(acc_of))]
            if df.empty:
                continue
            frames.append(df.assign(account=df["_file"].map(acc_of).astype("string")))
            del df
        if frames:
            df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
            frames.clear()
            when = df["published_at"] if target == "posts" else df["date"]
            df["operator"] = _assign_operator(df, rindex, when)
            frames = [df]
            del df, when
        platform_parts[target] = frames

    posts = _finish_posts(platform_parts.pop("posts"), by_file)
    release_memory()
    daily = _finish_daily(platform_parts.pop("account_daily"), by_file)
    team = {}
    for name, parts in team_parts.items():
        team[name] = _finish_team(name, parts, by_file)

    for rec in recs:
        if rec.rejected:
            rec.rows_read = 0
            rec.rows_quarantined = 0
            rec.duplicates_merged = 0
            rec.rows_kept = 0
            rec.decided_by = {}
        elif rec.kind in ("platform_export", "team_table") and rec.rows_read == 0 and rec.rows_ignored == 0:
            rec.messages.append(label("ingest.message.no_rows"))   # a header and nothing below it
    for k, (rel, month, why) in enumerate(skipped):   # links that lead outside the month folder: listed, not opened
        shown = rel.split("/", 1)[1] if per.kind == "month" else rel
        rec = FileRecord(len(jobs) + k, ws.raw(month).parent / rel, shown, month, None, "", kind="skipped")
        rec.messages.append(why)
        recs.append(rec)
    for rec in recs:
        if rec.kind == "platform_export" and not rec.rejected and rec.account and rec.folder and not accounts.has(rec.platform, rec.account):
            rec.messages.append(f"账号文件夹“{rec.folder}”不在花名册里（{label('platform.' + rec.platform)}），数据照常读取，负责人为空；请在花名册补上这个账号。")
    quarantine = [q for q in quarantine if not q.empty]
    if quarantine:  # in the order the tables were read (file, then table, then row)
        qdf = pd.concat(quarantine, ignore_index=True).sort_values(["_seq", "source_row"], kind="stable").drop(columns="_seq")
    else:
        qdf = empty(QUARANTINE)
    # only quarantine rows of files that were not rejected as a whole
    rejected = {r.rel for r in recs if r.rejected}
    qdf = _conform(qdf[~qdf["source_file"].isin(rejected)], QUARANTINE)

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
        "posts": len(posts), "account_daily_rows": len(daily),
    }
    messages = _summary(per, recs, totals, roster) + messages
    result = IngestResult(per.text, manifest, totals, messages, posts, daily, qdf, team)
    if write:
        result.out_dir = write_outputs(ws.processed(per.text), result)
    return result


def _conform(df: pd.DataFrame, columns: dict, extra: dict | None = None) -> pd.DataFrame:
    """schema.conform, with absent columns added as typed nulls first (pd.NA cannot be cast to float64)."""
    missing = {c: pd.Series(index=df.index, dtype=t) for c, t in columns.items() if c not in df.columns}
    if missing:
        df = df.assign(**missing)
    return conform(df, columns, extra)


class _AccountIndex:
    """Roster lookups for account resolution, built once (a pandas filter per file cost ~1 ms × thousands of files)."""

    def __init__(self, rindex: pd.DataFrame):
        self.by_key: dict[tuple[str, str], str] = {}
        self.by_platform: dict[str, set[str]] = {}
        if not rindex.empty:
            for plat, acc, name in zip(rindex["platform"], rindex["_acc"], rindex["account"]):
                if pd.isna(plat):
                    continue
                self.by_key.setdefault((plat, acc), str(name))
                self.by_platform.setdefault(plat, set()).add(str(name))

    def resolve(self, rec: FileRecord, platform: str) -> str | None:
        pname = label(f"platform.{platform}")
        if rec.folder:
            return self.by_key.get((platform, norm_header(rec.folder)), rec.folder)
        cands = sorted(self.by_platform.get(platform, ()))
        if len(cands) == 1:
            rec.messages.append(f"文件放在月份文件夹顶层，按花名册归到{pname}唯一的账号“{cands[0]}”。")
            return cands[0]
        if not cands:
            rec.messages.append(f"文件放在月份文件夹顶层，但花名册里没有{pname}账号，无法判断属于哪个账号，整个文件未读取；"
                                f"请把它放进以账号命名的子文件夹。")
        else:
            rec.messages.append(f"文件放在月份文件夹顶层，但花名册里{pname}有 {len(cands)} 个账号（{'、'.join(cands)}），"
                                f"无法判断属于哪个，整个文件未读取；请把它放进对应账号的子文件夹。")
        return None

    def has(self, platform: str | None, account: str | None) -> bool:
        return (platform, norm_header(account)) in self.by_key


# how a file's snapshot_at was found, in the order the rules are tried (the manifest's `snapshot_rule`)
SNAPSHOT_RULES = ("banner", "title_range", "file_name", "newest_post", "month_end")


def _snapshot(rec: FileRecord, table: Table, newest, target: str) -> tuple[pd.Timestamp, str]:
    """When the export was taken, from the file's content and name only (never its modification time, which a copy
    resets): a banner stating it (`数据统计截至2026-03-24` -> the end of that day), the end of a date range in the title
    rows, unix times or a date in the file name; else the first instant after the month folder's month (exports are
    taken at or after month end), and never earlier than the newest date inside the file (`newest`: the table's
    latest publish time or day, None/NaT when none). -> (snapshot, rule of SNAPSHOT_RULES)."""
    stated = as_of_in_text(table.title_texts)
    if stated is not None:
        return stated, "banner"
    rng = table.date_range
    if rng is not None:
        return rng[1] + pd.Timedelta(days=1), "title_range"
    named = snapshot_from_name(rec.path.name)
    if named is not None:
        return named, "file_name"
    snap = Period.parse(rec.month).end
    if newest is not None and not pd.isna(newest):
        if newest.tzinfo is None:
            newest = newest.tz_localize(TZ) + pd.Timedelta(days=1)
        if newest > snap:
            return newest, "newest_post"
    return snap, "month_end"


def _concat(parts: list[pd.DataFrame], dtypes: dict) -> pd.DataFrame:
    """The parts as one frame (the list is left as it is), or an empty typed one."""
    df = _merged(list(parts))
    return empty({**dtypes, "_file": INT, "_month": STRING}) if df is None else df


def _stable_order(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row positions in the order `df.sort_values(keys, kind="stable")` gives (nulls last, NaN counted as null):
    one stable multi-key sort in Arrow (`pyarrow.compute.sort_indices`) over the key columns as they are (text in
    UTF-8 byte order, which is code point order, as Python compares), instead of pandas' multi-key sort or a
    factorize of every text key over a million rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = {}
    for i, k in enumerate(keys):
        col = df[k]
        if pd.api.types.is_string_dtype(col.dtype) or col.dtype == object:
            arr = pa.array(col.astype("string"))
        elif isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(col.dtype):
            v = col.to_numpy(dtype="datetime64[ns]") if getattr(col.dtype, "tz", None) is None \
                else col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            arr = pa.array(v.astype(np.int64), mask=np.isnat(v))
        else:
            v = col.to_numpy(dtype="float64", na_value=np.nan)
            arr = pa.array(v, mask=np.isnan(v))
        arrays[f"k{i}"] = arr
    table = pa.table(arrays)
    order = pc.sort_indices(table, sort_keys=[(name, "ascending") for name in arrays])   # nulls last (default)
    return order.to_numpy().astype(np.intp, copy=False)


# Which of two rows of the same post wins, from the files' content only (never their modification time, which a
# copy resets): the higher-priority layout, the later snapshot (the date the file states, else the month rule), the
# file listing the newer publish time, the larger cumulative counts (views, then the sum of the other counts: they
# only grow between snapshots); when the content cannot tell, the file first in path order (so a byte-identical
# ` (1)` download merges into the file it copies, which the manifest names), and within a file the later row.
# (column, rule name written in the manifest's `duplicates_decided_by`)
POST_ORDER = [("_prio", "layout_priority"), ("snapshot_at", "snapshot_at"), ("_newest", "newest_published"),
              ("_views", "larger_counts"), ("_counts", "larger_counts"), ("_path_rank", "file_order"),
              ("_order", "same_values"), ("_seq", "same_values")]
DAILY_ORDER = [("snapshot_at", "snapshot_at"), ("_newest", "newest_date"), ("_path_rank", "file_order"),
               ("_order", "same_values"), ("_seq", "same_values")]
# cumulative counts that only grow between two snapshots of a post (besides views)
_GROWING = ["likes", "comments", "shares", "saves", "danmaku", "coins", "zaikan", "recommends", "reads"]


def _newest_wins(df: pd.DataFrame, first: np.ndarray, keys: pd.DataFrame, order: list[tuple[str, str]],
                 by_file: dict[int, FileRecord]) -> np.ndarray:
    """Rows (in the sorted order `first`) that lose to a later row of the same key -> mask. Counts each loss in its
    file's `duplicates_merged` and, under the first rule of `order` on which loser and winner differ, in its
    `decided_by` (rows equal on every rule: `same_values`)."""
    n = len(first)
    if n == 0:
        return np.zeros(0, dtype=bool)
    gid = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    _, rev = np.unique(gid[::-1], return_index=True)          # each group's last row, counted from the end
    winner = (n - 1 - rev)[gid]
    dup = winner != np.arange(n)
    if not dup.any():
        return dup
    lose, win = first[dup], first[winner[dup]]
    files = df["_file"].to_numpy()[lose]
    rule = np.full(len(lose), "same_values", dtype=object)
    open_ = np.ones(len(lose), dtype=bool)
    for col, name in order:
        c = df[col]
        x, y = c.take(lose).reset_index(drop=True), c.take(win).reset_index(drop=True)
        same = ((x == y).fillna(False) | (x.isna() & y.isna())).to_numpy(dtype=bool)
        hit = open_ & ~same
        rule[hit] = name
        open_ &= same
        if not open_.any():
            break
    _count_dropped(pd.Series(files), by_file)
    for (f, r), k in pd.Series(1, index=pd.MultiIndex.from_arrays([files, rule])).groupby(level=[0, 1]).sum().items():
        d = by_file[int(f)].decided_by
        d[r] = d.get(r, 0) + int(k)
    return dup


def _count_dropped(dropped: pd.Series, by_file: dict[int, FileRecord]) -> None:
    for f, n in dropped.value_counts().items():
        by_file[int(f)].duplicates_merged += int(n)


def _count_kept(kept: pd.Series, by_file: dict[int, FileRecord]) -> None:
    for f, n in kept.value_counts().items():
        by_file[int(f)].rows_kept += int(n)


def _extra_dtypes(df: pd.DataFrame, registry: Registry, base: dict) -> dict:
    extra = {k: v for k, v in POSTS_EXTRA.items()}
    for k, v in POSTS_EXTRA.items():  # the workbook's extras are always present (typed nulls when no file had them)
        if k not in df.columns:
            df[k] = pd.Series(index=df.index, dtype=v)
    for lay in registry.layouts:
        for col, cs in lay.spec.columns.items():
            if col in base or col in extra or col not in df.columns:
                continue
            extra[col] = catalog.form_dtype(cs.form)
    return extra


def _merged(parts: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The non-empty parts as one frame (None when there is none); the list is emptied, so the caller's reference
    lets go of the parts too and only the merged frame stays in memory."""
    frames = [p for p in parts if not p.empty]
    parts.clear()
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)


def _finish_posts(parts: list[pd.DataFrame], by_file: dict[int, FileRecord]) -> pd.DataFrame:
    registry = load_registry()
    df = _merged(parts)
    if df is None:
        return _conform(empty(POSTS), POSTS)
    if "title" not in df.columns:
        df["title"] = pd.NA
    if "post_id" not in df.columns:
        df["post_id"] = pd.NA
    df["post_id"] = df["post_id"].astype("string")
    # rows without a platform id adopt the id of the same article (title + day) from a file that has one; only
    # accounts with rows of both kinds can adopt anything, so the keys are built for those rows alone
    has = df["post_id"].notna().to_numpy(dtype=bool)
    if has.any() and (~has).any():
        acct = df.groupby(["platform", "account"], sort=False, dropna=False).ngroup().to_numpy()
        both = np.bincount(acct[has], minlength=acct.max() + 1).astype(bool) \
            & np.bincount(acct[~has], minlength=acct.max() + 1).astype(bool)
        mixed = both[acct]
        if mixed.any():
            sub = df.loc[mixed]
            match = title_day_key(sub["platform"], sub["account"], sub["title"], sub["published_at"])
            with_id = has[mixed]
            ids = pd.DataFrame({"_match": match[with_id], "post_id": sub["post_id"][with_id]}).drop_duplicates()
            unique = ids.groupby("_match")["post_id"].nunique()
            ids = ids[ids["_match"].isin(unique[unique == 1].index)].drop_duplicates("_match").set_index("_match")["post_id"]
            adopt = match[~with_id].map(ids).astype("string")
            df.loc[adopt.index, "post_id"] = adopt
    missing = df["post_id"].isna()
    if missing.any():
        text = None
        if {"_id_title", "_id_when"} <= set(df.columns) and df.loc[missing, "_id_when"].notna().all():
            text = (df.loc[missing, "_id_title"].fillna(""), df.loc[missing, "_id_when"])
        df.loc[missing, "post_id"] = stable_id(df.loc[missing, "platform"], df.loc[missing, "account"],
                                               df.loc[missing, "title"], df.loc[missing, "published_at"], text)
        del text
    df = df.drop(columns=[c for c in ("_id_title", "_id_when") if c in df.columns])   # their memory goes now
    release_memory()
    df["_views"] = df["views"].astype("Float64").fillna(-1) if "views" in df.columns else 0
    counts = [c for c in _GROWING if c in df.columns]
    df["_counts"] = df[counts].astype("Float64").sum(axis=1, min_count=1).fillna(-1) if counts else 0
    # newest snapshot last, then the last row per post kept, then the output order: positions only, one row take
    df["_path_rank"] = -df["_file"]
    first = _stable_order(df, [c for c, _ in POST_ORDER])
    keys = df[["platform", "account", "post_id", "published_at", "_file"]].iloc[first]
    dup = _newest_wins(df, first, keys[["platform", "account", "post_id"]], POST_ORDER, by_file)
    kept = keys[~dup]
    rows = first[~dup][_stable_order(kept, ["platform", "account", "published_at", "post_id"])]
    _count_kept(pd.Series(df["_file"].to_numpy()[rows]), by_file)
    # only the columns that are written are taken (not the internal ones): one copy of what stays, not of everything
    extra = _extra_dtypes(df, registry, POSTS)
    df = df[[c for c in {**POSTS, **extra} if c in df.columns]].iloc[rows]
    return _conform(df, POSTS, extra)


def _finish_daily(parts: list[pd.DataFrame], by_file: dict[int, FileRecord]) -> pd.DataFrame:
    registry = load_registry()
    df = _merged(parts)
    if df is None:
        return _conform(empty(ACCOUNT_DAILY), ACCOUNT_DAILY)
    df["_path_rank"] = -df["_file"]
    first = _stable_order(df, [c for c, _ in DAILY_ORDER])
    dup = _newest_wins(df, first, df[["platform", "account", "date"]].iloc[first], DAILY_ORDER, by_file)
    df = df.iloc[first[~dup]]
    df = df.iloc[_stable_order(df, ["platform", "account", "date"])]
    _count_kept(df["_file"], by_file)
    extra = {"snapshot_at": TIMESTAMP, "layout": STRING}
    extra.update({k: v for k, v in _extra_dtypes(df, registry, ACCOUNT_DAILY).items() if k not in POSTS_EXTRA})
    return _conform(df, ACCOUNT_DAILY, extra)


def _finish_team(name: str, parts: list[pd.DataFrame], by_file: dict[int, FileRecord]) -> pd.DataFrame:
    dtypes = team_table_dtypes(name)
    extra = {"platform_name": STRING} if "platform" in dtypes else {}
    df = _merged(parts)
    if df is None:
        return _conform(empty(dtypes), dtypes, extra)
    content = [c for c in dtypes if c not in ("source_file", "source_row")]
    # the same rows in another file (a roster copied into every month, a table saved twice) merge; within one file
    # identical rows are kept (they may be real)
    first_file = df.groupby(content, dropna=False, sort=False)["_file"].transform("first")
    dup = df["_file"] != first_file
    _count_dropped(df.loc[dup, "_file"], by_file)
    df = df[~dup]
    _count_kept(df["_file"], by_file)
    return _conform(df, dtypes, extra)


def _summary(per: Period, recs: list[FileRecord], totals: dict, roster: pd.DataFrame) -> list[str]:
    msgs = [f"{per.text}：共 {totals['files']} 个文件，平台导出 {totals['platform_exports']} 个、团队表格 {totals['team_tables']} 个；"
            f"读取 {totals['rows_read']} 行，保留 {totals['rows_kept']} 行，隔离 {totals['rows_quarantined']} 行，"
            f"重复合并 {totals['duplicates_merged']} 行；作品 {totals['posts']} 条。"]
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
        msgs.append(f"有 {totals['rows_quarantined']} 行数据被隔离（见 quarantine.csv，可用 Excel 打开），原因已逐行写明。")
    return msgs


def write_outputs(out: Path, result: IngestResult) -> Path:
    catalog.save(out, "posts", result.posts)
    catalog.save(out, "account_daily", result.account_daily)
    for name, df in result.team.items():
        catalog.save(out, name, df)
    catalog.save(out, "quarantine", result.quarantine)
    catalog.save(out, "quarantine_csv", result.quarantine)
    doc = {"period": result.period, "totals": result.totals, "messages": result.messages,
           "files": json.loads(result.manifest.to_json(orient="records", force_ascii=False))}
    catalog.save(out, "manifest", doc)
    return out


def read_export(path: str | Path, registry: Registry | None = None) -> tuple[str | None, pd.DataFrame]:
    """Read one platform export (or team table) on its own: (layout id or team table name, typed rows).

    No roster and no de-duplication; rows that would be quarantined are kept and their reasons are in `_problem`.
    Returns (None, empty frame) when the file is not recognised; raises nothing for bad files (see the manifest path).
    """
    registry = registry or load_registry()
    path = Path(path)
    rec = FileRecord(0, path, path.name, "1970-01", None, "")
    tables = _read_file(rec, registry)
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
