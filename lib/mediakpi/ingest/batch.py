"""Ingest's parse pass: the tables found in files -> typed, validated rows. Tables of one layout and header set are
stacked and parsed together (one pass per column, not per file); failing rows go to the quarantine with their cells;
each export's snapshot time is settled from its content."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..distinct import map_distinct
from ..labels import label
from ..periods import TZ, Period
from ..catalog import QUARANTINE, conform, empty
from ..validate import validate
from .dates import as_of_in_text, snapshot_from_name
from .layouts import Registry, norm_header
from .manifest import FileRecord
from .parse import id_text, parse_columns, team_forms, url_id
from .tables import Table
from .team import set_aside_cells


def quarantine_rows(rec: FileRecord, table: Table, reasons: pd.Series, name: str) -> pd.DataFrame:
    if reasons.empty:
        return empty(QUARANTINE)
    raw = table.data.loc[reasons.index]
    heads = [h if h else f"第{i + 1}列" for i, h in enumerate(table.headers)]
    values = [
        json.dumps({h: str(v) for h, v in zip(heads, row) if str(v).strip() != ""}, ensure_ascii=False)
        for row in raw.itertuples(index=False, name=None)
    ]
    sheet = f"[{table.sheet}] " if table.sheet and table.sheet != rec.path.name else ""
    return pd.DataFrame(
        {
            "source_file": rec.rel,
            "source_row": (reasons.index.to_numpy() + 1),
            "table": name,
            "reason": (sheet + reasons.astype(str)).to_numpy(),
            "values": values,
        }
    )


def parse_platform_table(
    table: Table, registry: Registry, groups: np.ndarray | None = None
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
                # `values`: only these exported values mean "not measured" (an exported 0 on a 图文 note)
                m = mask & df[c].isin(rule.values).to_numpy(dtype=bool) if rule.values else mask
                df.loc[m, c] = np.nan


def _ids_not_unique(df: pd.DataFrame, groups: np.ndarray | None) -> set:
    """Groups (source tables) in which one exported id sits on rows with different titles or publish times."""
    ids = df["post_id"]
    has = ids.notna().to_numpy(dtype=bool)
    if not has.any():
        return set()
    key = pd.DataFrame({"g": 0 if groups is None else groups[has], "id": ids[has].to_numpy()})
    rep = key.duplicated(keep=False).to_numpy()  # ids that occur twice in a table: usually none
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
class Pending:
    """A platform table found in a file, waiting to be parsed with the other tables of its layout."""

    rec: FileRecord
    table: Table
    seq: int


def parse_batch(items: list[Pending], registry: Registry) -> tuple[pd.DataFrame, pd.Series, str, list[pd.DataFrame]]:
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
    stacked = Table(
        first.sheet,
        first.candidate,
        0,
        [first.headers[first.columns[c][0]] for c in names],
        {c: (i, first.columns[c][1]) for i, c in enumerate(names)},
        data,
        [],
    )
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

    df = df.assign(
        source_file=per_row(lambda r: r.rel),
        source_row=np.concatenate(rows),
        _file=file_idx,
        _prio=lay.spec.priority,
        _month=per_row(lambda r: r.month),
        _folder=per_row(lambda r: r.folder),
        account=per_row(lambda r: r.folder or "?"),
    )
    df["snapshot_at"] = pd.Series(snaps).reindex(pd.Index(seq)).array  # stays datetime: no Timestamp object per row
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
            bad_parts.append(quarantine_rows(it.rec, it.table, r, target).assign(_seq=int(s)))
    return kept, bad, target, bad_parts


def parse_team_table(table: Table, registry: Registry) -> tuple[pd.DataFrame, pd.Series]:
    name = table.candidate.id
    forms, kinds = team_forms(name)
    cols = {c: p for c, p in table.columns.items() if c in forms}
    table.columns = cols
    cells: dict = {}
    df, _, reasons = parse_columns(table, forms, {}, registry, kinds, cells=cells)
    df, reasons = set_aside_cells(name, df, reasons, cells)   # one bad cell sets aside that cell (ingest.team)
    if "platform" in df.columns:
        names = pd.unique(df["platform"].astype(object))  # once per distinct name (a calendar repeats them)
        lookup = {x: registry.platform_code(x) if isinstance(x, str) else None for x in names}
        codes = df["platform"].astype(object).map(lookup)
        df["platform_name"] = df["platform"]
        df["platform"] = codes.astype("string").fillna(df["platform"].astype("string"))
    return df, reasons


def conform_typed(df: pd.DataFrame, columns: dict, extra: dict | None = None) -> pd.DataFrame:
    """catalog.conform, with absent columns added as typed nulls first (pd.NA cannot be cast to float64)."""
    missing = {c: pd.Series(index=df.index, dtype=t) for c, t in columns.items() if c not in df.columns}
    if missing:
        df = df.assign(**missing)
    return conform(df, columns, extra)


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
