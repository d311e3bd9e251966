"""Find the tables in a sheet: the header row (scanning the first rows for the most known headers), side-by-side tables
split at blank spacer columns, and the data rows below (blank, summary, note and by-design rows set aside, counted)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..catalog import team_tables
from .dates import parse_datetimes, range_in_text
from .grid import Sheet
from .layouts import Registry, match_headers, norm_header, split_unit


@dataclass
class Candidate:
    kind: str                 # "platform" | "team"
    id: str                   # layout id or team table name
    lookup: dict[str, str]
    required: list[str]
    target: str               # posts | account_daily | ignore | <team table>
    platform: str | None = None
    any_of: tuple[str, ...] = ()  # at least one of these must be found too (signature_any)


@dataclass
class Table:
    sheet: str
    candidate: Candidate
    header_row: int                       # 0-based row in the sheet
    headers: list[str]                    # raw header texts of the segment
    columns: dict[str, tuple[int, str | None]]  # canonical -> (position within segment, unit)
    data: pd.DataFrame                    # raw text cells of the kept data rows (positional columns, sheet row index)
    title_texts: list[str]                # non-empty cells above the header (title rows, banners)
    ignored: dict[str, int] = field(default_factory=dict)  # reason -> rows set aside by design (not records)
    notes: list[str] = field(default_factory=list)

    @property
    def date_range(self):
        return range_in_text(self.title_texts)


@lru_cache(maxsize=4)
def candidates(registry: Registry) -> list[Candidate]:
    out = [Candidate("platform", lay.id, lay.lookup, list(lay.spec.signature), lay.spec.target, lay.platform,
                     tuple(lay.spec.signature_any)) for lay in registry.layouts]
    for name, spec in team_tables().items():
        lookup: dict[str, str] = {}
        required = []
        for col, cs in spec["columns"].items():
            for h in [cs["header"], col, *cs.get("aliases", [])]:
                lookup.setdefault(norm_header(h), col)
            if cs.get("required"):
                required.append(col)
        out.append(Candidate("team", name, lookup, required, name))
    return out


@lru_cache(maxsize=4)
def known_headers(registry: Registry) -> frozenset[str]:
    return frozenset(h for c in candidates(registry) for h in c.lookup)


@lru_cache(maxsize=4)
def _longest_header(registry: Registry) -> int:
    """A cell much longer than every known header cannot be one (titles, captions): not worth normalising. Generous
    (×4 + 8) because the raw text may carry spaces, a unit such as `(次)` or full-width forms."""
    return 4 * max((len(h) for h in known_headers(registry)), default=0) + 8


class _HeaderCells:
    """What a raw cell text is as a header: 0 not a known header, 1 a known header once its unit is split off
    (`播放量(次)`), 2 a known header as it is. Decided once per distinct text and remembered: the thousands of files
    of a month repeat the same header and data texts, and header finding and delimiter sniffing look at every cell
    of the first rows of every file (norm_header and split_unit per cell were ~10 % of ingest's reading time)."""

    LIMIT = 500_000   # distinct texts remembered (titles are many); forgotten all at once beyond it

    def __init__(self, registry: Registry):
        self.known = known_headers(registry)
        self.longest = _longest_header(registry)
        self.kinds: dict[str, int] = {}

    def count(self, row: list[str], exact: bool) -> int:
        """Cells of `row` that are known headers (exact: as they are; else also with a unit split off)."""
        get, n, floor = self.kinds.get, 0, 2 if exact else 1
        for cell in row:
            k = get(cell)
            if k is None:
                k = self._kind(cell)
            if k >= floor:
                n += 1
        return n

    def _kind(self, cell: str) -> int:
        k = 0
        if cell and len(cell) <= self.longest:
            h = norm_header(cell)
            k = 2 if h in self.known else (1 if split_unit(h)[0] in self.known else 0)
        if len(self.kinds) >= self.LIMIT:
            self.kinds.clear()
        self.kinds[cell] = k
        return k


@lru_cache(maxsize=4)
def _header_cells(registry: Registry) -> _HeaderCells:
    return _HeaderCells(registry)


@lru_cache(maxsize=4)
def header_score(registry: Registry):
    cells = _header_cells(registry)

    def score(row: list[str]) -> int:
        """Known headers in a row, as they are (how delimiter sniffing compares its candidates)."""
        return cells.count(row, exact=True)
    return score


def best_candidate(registry: Registry, headers: list[str]) -> tuple[Candidate | None, dict, int]:
    """The candidate (layout or team table) whose headers match this row best -> (candidate, columns, score).

    Cached per distinct header row: thousands of files share a handful of header rows. Rows with fewer than two
    possible headers (data rows, titles) are turned away before the cache, so they do not crowd it."""
    if _header_cells(registry).count(headers, exact=False) < 2:
        return None, {}, 0
    cand, cols, score = _best_candidate(registry, tuple(headers))
    return cand, dict(cols), score


@lru_cache(maxsize=4096)
def _best_candidate(registry: Registry, headers: tuple[str, ...]) -> tuple[Candidate | None, dict, int]:
    best: tuple[Candidate | None, dict, tuple] = (None, {}, (0, 0))
    normed = [norm_header(h) for h in headers]
    known = known_headers(registry)
    if sum(1 for h in normed if h in known or split_unit(h)[0] in known) < 2:
        return None, {}, 0
    for cand in candidates(registry):
        found = match_headers(cand.lookup, normed, normalised=True)
        if not all(r in found for r in cand.required):
            continue
        if cand.any_of and not any(a in found for a in cand.any_of):
            continue
        key = (len(found), len(cand.required))
        if key > best[2]:
            best = (cand, found, key)
    return best[0], best[1], best[2][0]


@lru_cache(maxsize=4)
def _summary_markers(registry: Registry) -> frozenset[str]:
    return frozenset(norm_header(m) for m in registry.config.summary_markers)


def _segments(nonblank: np.ndarray) -> list[tuple[int, int]]:
    """Runs of columns that hold something (a column blank in every row is a spacer between side-by-side tables)."""
    used = nonblank.any(axis=0).tolist()
    segs, start = [], None
    for j, u in enumerate(used + [False]):
        if u and start is None:
            start = j
        elif not u and start is not None:
            segs.append((start, j))
            start = None
    return segs


def _stripped(cells: pd.DataFrame) -> np.ndarray:
    """The sheet's cells as stripped text ("" for empty), as a 2-D object array.

    One vectorised call over the flattened grid: per-column pandas calls cost more than the work itself on the many
    small files of a month, and the table logic below works on plain numpy arrays for the same reason."""
    arr = cells.to_numpy(dtype=object)
    flat = arr.ravel().tolist()
    try:  # the readers give str cells: one list comprehension (str.strip is what pandas' .str.strip calls)
        done = [c.strip() for c in flat]
    except AttributeError:  # a frame built elsewhere may hold None/NaN: pandas' null-aware path
        done = pd.Series(flat, dtype=object).str.strip().fillna("").tolist()
    out = np.empty(len(done), dtype=object)
    out[:] = done
    return out.reshape(arr.shape)


def _matching(values: np.ndarray, wanted: frozenset[str] | set[str], short: int | None = None) -> np.ndarray:
    """values whose normalised text (norm_header) is in `wanted`; normalised once per distinct value."""
    hits = {v for v in set(values.tolist()) if (short is None or len(v) <= short) and norm_header(v) in wanted}
    if not hits:
        return np.zeros(len(values), dtype=bool)
    return pd.Series(values, dtype=object).isin(hits).to_numpy()


def find_tables(sheet: Sheet, registry: Registry) -> list[Table]:
    cells = sheet.cells
    if cells.empty:
        return []
    text = _stripped(cells)
    nonblank = text != ""
    scan = min(registry.config.header_scan_rows, len(text))
    found: list[tuple[int, int, int, Candidate, dict, int]] = []  # (c0, c1, row, cand, cols, score)
    for c0, c1 in _segments(nonblank):
        best = None
        for r in range(scan):
            row = text[r, c0:c1].tolist()
            if sum(1 for x in row if x) < 2:
                continue
            cand, cols, sc = best_candidate(registry, row)
            if cand is not None and (best is None or sc > best[5]):
                best = (c0, c1, r, cand, cols, sc)
        if best:
            found.append(best)
    # a table with an accidental blank column: neighbouring segments with the same header row and candidate merge
    merged: list[list] = []
    for f in found:
        if merged and merged[-1][3].id == f[3].id and merged[-1][2] == f[2]:
            prev = merged[-1]
            row = text[f[2], prev[0]:f[1]].tolist()
            cand, cols, sc = best_candidate(registry, row)
            if cand is not None and cand.id == f[3].id:
                merged[-1] = [prev[0], f[1], f[2], cand, cols, sc]
                continue
        merged.append(list(f))
    return [_table(sheet, text, nonblank, registry, *m[:5]) for m in merged]


def _table(sheet: Sheet, text: np.ndarray, nonblank: np.ndarray, registry: Registry, c0: int, c1: int, hr: int,
           cand: Candidate, cols: dict) -> Table:
    headers = text[hr, c0:c1].tolist()
    titles = [x for x in text[:hr, :].ravel().tolist() if x]
    body = sheet.cells.iloc[hr + 1:, c0:c1]
    btext = text[hr + 1:, c0:c1]
    bnon = nonblank[hr + 1:, c0:c1]
    n = len(btext)
    ignored: dict[str, int] = {}
    notes: list[str] = []
    keep = bnon.any(axis=1)  # blank rows (trailing, after a rowspan header, whitespace only) are not records

    # a repeated header row inside the data (files pasted together)
    if n:
        rep = (btext == np.array(headers, dtype=object)).all(axis=1)
        if rep.any():
            ignored["重复的表头行"] = int((rep & keep).sum())
            keep &= ~rep

    # where a second block starts below a blank row (distribution blocks such as 性别分布, notes): the table ends
    key_col = cols.get("published_at", cols.get("date"))
    blank_row = ~bnon.any(axis=1)
    filled = np.flatnonzero(~blank_row)
    # a block can only start after a blank row between two filled rows; without one there is nothing to look for
    # (this skips the date parse for almost every file)
    if key_col is not None and filled.size and blank_row[filled[0]:filled[-1]].any():
        ts, bad = parse_datetimes(pd.Series(btext[:, key_col[0]], dtype=object), registry.placeholders)
        seen_data, after_blank, cut = False, False, None
        blank_l, ok_l = blank_row.tolist(), ts.notna().tolist()
        for i in range(n):
            if blank_l[i]:
                after_blank = seen_data
                continue
            if ok_l[i]:
                seen_data = True
                after_blank = False
                continue
            if after_blank:
                cut = i
                break
        if cut is not None:
            nrest = int(keep[cut:].sum())
            if nrest:
                label = next((x for x in btext[cut].tolist() if x), "")
                ignored[f"表格下方的其他区块（从第 {hr + 2 + cut} 行“{label[:20]}”起）"] = nrest
            keep[cut:] = False

    # summary rows (合计/累计/全部 totals), by their first non-empty cell (summary markers are short words)
    if n and cand.kind == "platform":
        first_cell = btext[np.arange(n), bnon.argmax(axis=1)]
        summ = _matching(first_cell, _summary_markers(registry), short=12) & keep
        if summ.any():
            ignored["合计/汇总行"] = int(summ.sum())
            keep &= ~summ

    # by-design rows (per-channel rows that overlap the 全部 row)
    if cand.kind == "platform":
        spec = registry.layout(cand.id).spec
        if spec.keep_rows and spec.keep_rows.column in cols:
            pos = cols[spec.keep_rows.column][0]
            ok = _matching(btext[:, pos], {norm_header(v) for v in spec.keep_rows.values})
            drop = keep & ~ok
            if drop.any():
                ignored[f"分渠道明细行（渠道之间有重叠，不能相加，只用“{'/'.join(spec.keep_rows.values)}”行）"] = int(drop.sum())
            keep &= ok

    # note rows: a single filled cell and no date where one is needed
    if key_col is not None and n:
        note = (bnon.sum(axis=1) == 1) & (btext[:, key_col[0]] == "") & keep
        if note.any():
            ignored["说明文字行"] = int(note.sum())
            keep &= ~note

    if cand.kind == "platform" and registry.layout(cand.id).spec.metric_from_sheet is not None:
        cols, keep = _metric_from_sheet(registry, cand, sheet.name, cols, keep, ignored)
    return Table(sheet.name, cand, hr, headers, cols, body[keep], titles, ignored, notes)


def _metric_from_sheet(registry: Registry, cand: Candidate, sheet: str, cols: dict, keep: np.ndarray,
                       ignored: dict[str, int]) -> tuple[dict, np.ndarray]:
    """A layout whose metric is the sheet's name (`净涨粉趋势`: 日期 | 数值): the value column becomes that metric's
    column. A sheet name the layout does not list: its rows are set aside (counted, named), not guessed."""
    spec = registry.layout(cand.id).spec
    ms = spec.metric_from_sheet
    metric = registry.sheet_metric(cand.id, sheet)
    cols = dict(cols)
    pos = cols.pop(ms.column)
    if metric is None:
        n = int(keep.sum())
        if n:
            ignored[f"工作表“{sheet}”不是已知的指标（config/platforms.yaml 中 {cand.id}.metric_from_sheet.sheets 没有它）"] = n
        return cols, np.zeros_like(keep)
    cols[metric] = pos
    return cols, keep
