"""HTML rendering: one Jinja2 environment (autoescape on), the inlined CSS, safe file names, table models.

Templates live in mediakpi/templates/. Nothing in a page is loaded from the network: the CSS is inlined into every page,
charts are `data:` URIs or inline SVG, and there is no script at all. Untrusted text (titles, captions, names,
comments) reaches the templates as plain strings and is escaped by Jinja2; only markup built here from escaped parts
(charts.radar_svg / trend_svg) is marked safe.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from .. import fmt
from ..labels import labels as _labels
from ..paths import TEMPLATES_DIR

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 180


def safe_filename(name: object, fallback: str = "未命名") -> str:
    """A person's name made safe as a file name on Linux, macOS and Windows (Chinese kept as is).

    Path separators, reserved characters and control characters become `_`; leading dots and trailing dots or spaces
    are stripped; Windows device names get a `_` suffix; the result is at most MAX_NAME_BYTES bytes of UTF-8."""
    text = unicodedata.normalize("NFC", "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\t")
    text = _UNSAFE.sub("_", text).strip().lstrip(".").rstrip(". ")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text += "_"
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    return text


def unique_filenames(names: list[str]) -> dict[str, str]:
    """Map each name to a distinct safe file stem (a second `张 三` and `张/三` become `张_三-2`)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        stem = safe_filename(name)
        candidate, k = stem, 2
        while candidate.casefold() in used:
            candidate, k = f"{stem}-{k}", k + 1
        used.add(candidate.casefold())
        out[name] = candidate
    return out


def href(*parts: str) -> str:
    """A relative link with each path part percent-encoded (names may hold spaces, #, ? or %)."""
    return "/".join(quote(p, safe="") for p in parts)


# --------------------------------------------------------------------------------------------------- formatting

# Every number goes through mediakpi.fmt; a column's unit comes from `report.unit.<column>` in config/labels
# (a rate column's unit is `%`, a count's its counting word).

# Columns that hold a change: `_mom`/`_yoy` of a rate is a difference of fractions (percentage points), of anything
# else a relative change (a fraction shown as a signed percent).
CHANGE_SUFFIXES = ("_mom", "_yoy")
# Columns whose text values are codes with a label `report.value.<code>` (or `platform.<code>`).
CODED_COLUMNS = {"kind", "scope", "media_type", "primary_metric", "source", "layout", "status", "level", "table"}
WIDE_COLUMNS = {"title", "explanation", "message", "note", "reason", "values", "comment", "path", "source_file",
                "subject", "viral_rule", "flag_reasons", "account"}
CONFIG_PATH = re.compile(r"config/[\w/.-]+\.ya?ml")  # an analyst's file, named to readers as "the configuration"
NOWRAP_COLUMNS = {"published_at", "review_date", "month", "period", "platform", "format", "level", "status",
                  "operator", "vs_baseline", "change", "metric", "weekday_name", "slot"}
SCORE_COLUMNS = {"total", "score", "previous", "base", "mean_rating", "team_mean", "professional", "conduct",
                 "teamwork"}
MAX_CELL = 300  # characters of one cell shown in a table (a 50,000-character title must not blow up a page)


# statistics written for the analyst, said in plain Chinese to readers (issue 23): a test's verdict, not its numbers
PLAIN_WORDS = [
    (re.compile(r"差异不显著（p=[\d.]+），可能只是波动；效应量 Cliff's δ = -?[\d.]+（[^）]*）"), "前后差异在正常波动范围内"),
    (re.compile(r"差异显著（p=[\d.]+）；效应量 Cliff's δ = (-?[\d.]+)（([^）]*)）"), "前后差异明显，不只是波动"),
    (re.compile(r"[，,；;]?\s*样本 (\d+) vs (\d+) 篇。?"), r"（前后各 \1 篇和 \2 篇）"),
    (re.compile(r"(（[^（）]*）)[。]?；"), r"\1；"),
    (re.compile(r"不适用，权重分给本维度其他指标"), "权重分给本维度其他指标"),
]


def reader_text(text: str, lab: dict[str, str]) -> str:
    """Text written by a stage for people, with config file paths (meant for the analyst) named as "the
    configuration" (配置文件), and statistics jargon in plain words: a reader's page shows no paths and no p-values."""
    if "config/" in text:
        text = CONFIG_PATH.sub(lab["report.config_file"], text)
    for pattern, plain in PLAIN_WORDS:
        text = pattern.sub(plain, text)
    return text


def column_unit(col: str, lab: dict[str, str]) -> str | None:
    """The unit of a column (`report.unit.<col>`), None when the column has none configured."""
    return lab.get(f"report.unit.{col}")


def change_text(col: str, value: object, lab: dict[str, str]) -> str:
    """A `<base>_mom` / `<base>_yoy` cell: percentage points for a rate base, a signed relative percent otherwise."""
    base = col.rsplit("_", 1)[0]
    return fmt.signed_pp(value) if column_unit(base, lab) == fmt.PERCENT else fmt.signed_percent(value)


def cell_text(col: str, value: object, lab: dict[str, str], integral: bool = False) -> str:
    if value is None or value is pd.NA:
        return fmt.DASH
    if isinstance(value, (bool,)) or str(type(value).__name__) == "bool_":
        return lab.get("report.yes" if value else "report.no", str(value))
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return fmt.DASH
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        if col == "platform":
            return lab.get(f"platform.{value}", value)
        if col in {"status", "level"}:
            return lab.get(f"report.status.{value}", lab.get(f"report.value.{value}", value))
        if col in CODED_COLUMNS:
            return lab.get(f"report.value.{value}", lab.get(f"report.col.{value}", value))
        if col == "platforms":  # a list of platform codes joined by 、
            return "、".join(lab.get(f"platform.{x}", x) for x in value.split("、"))
        if col in {"message", "note", "reason", "explanation", "detail"}:
            value = reader_text(value, lab)
        return value if len(value) <= MAX_CELL else value[:MAX_CELL] + "…"
    if col.endswith(CHANGE_SUFFIXES):
        return change_text(col, value, lab)
    if col in SCORE_COLUMNS or not col.isascii():  # totals, indicator scores and the (Chinese-named) dimensions
        return fmt.score(value)
    unit = column_unit(col, lab)
    if unit is not None:
        return fmt.value(value, unit)
    if integral:
        return fmt.count(value)
    return fmt.plain(value, 1)


@dataclass
class Table:
    """A DataFrame prepared for a template: header labels and rows of display strings (escaped by Jinja2)."""

    columns: list[str]
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    total: int = 0
    note: str = ""
    links: list[str | None] = field(default_factory=list)  # per row, an optional link for the first cell

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def classes(self) -> list[str]:
        """Per column: `num` (right-aligned), `wide` (long text: a minimum width, so phones scroll sideways)."""
        return ["num" if n else ("wide" if c in WIDE_COLUMNS else ("nowrap" if c in NOWRAP_COLUMNS else ""))
                for c, n in zip(self.columns, self.numeric)]


def _integral(series: pd.Series) -> bool:
    """A float column that only holds whole numbers (counts read with a null among them) shows without decimals."""
    if not pd.api.types.is_float_dtype(series):
        return False
    vals = series.dropna()
    return bool(len(vals)) and bool(((vals % 1) == 0).all()) and series.name not in {"total", "score"}


def col_label(col: str, lab: dict[str, str]) -> str:
    """A column's header: the report's label, else the content stage's or the quality check's, else the name."""
    return lab.get(f"report.col.{col}") or lab.get(f"content.col.{col}") or lab.get(f"quality.col.{col}") or \
        lab.get(f"score.col.{col}") or col


def table(df: pd.DataFrame | None, lab: dict[str, str], columns: list[str] | None = None, limit: int = 200,
          headers: dict[str, str] | None = None, links: list[str | None] | None = None) -> Table | None:
    """Prepare a frame for display; columns absent from the frame are skipped; None for an empty frame."""
    if df is None or df.empty:
        return None
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    if not cols:
        return None
    shown = df.head(limit)
    integral = [_integral(df[c]) for c in cols]
    columns = [shown[c].tolist() for c in cols]
    rows = [[cell_text(c, v, lab, i) for c, v, i in zip(cols, rec, integral)] for rec in zip(*columns)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols]
    note = ""
    if len(df) > limit:
        note = lab.get("report.truncated", "").format(n=limit, total=len(df))
    return Table(cols, [(headers or {}).get(c) or col_label(c, lab) for c in cols], rows, numeric, len(df), note,
                 list(links[: len(rows)]) if links else [])


def tables_by(df: pd.DataFrame | None, keys: pd.Series, lab: dict[str, str], columns: list[str] | None = None,
              limit: int = 200, headers: dict[str, str] | None = None,
              drop_empty: bool = False) -> dict[str, Table]:
    """`{key: table(group, lab, columns, limit, headers)}` for every group of `df` by `keys` (as str), built in one pass.

    Same tables as calling table() per group, without its per-call pandas overhead (200 people × 6 tables was most of
    the scorecards' time): each column is read and tested once for the whole frame and only the shown cells are
    formatted. Whole-number display is still decided per group, as table() would. `drop_empty` leaves out, per group,
    the columns that are empty in that group (as build._non_empty_columns then table() would)."""
    if df is None or df.empty:
        return {}
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    if not cols:
        return {}
    positions = pd.Series(np.arange(len(df))).groupby(np.asarray(keys.astype(str)), sort=False).indices
    values, numeric, whole, valid = {}, {}, {}, {}
    for c in (list(df.columns) if drop_empty else cols):
        s = df[c]
        values[c] = s.tolist()
        numeric[c] = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        valid[c] = s.notna().to_numpy(dtype=bool)
        if pd.api.types.is_float_dtype(s) and c not in {"total", "score"}:
            whole[c] = ((s % 1) == 0).fillna(False).to_numpy(dtype=bool)  # as _integral, over the whole column
    out: dict[str, Table] = {}
    for key, pos in positions.items():
        gcols = cols
        if drop_empty:
            gcols = [c for c in cols if valid[c][pos].any()] or list(df.columns)
        shown = pos[:limit]
        integral = []
        for c in gcols:
            ok = valid[c][pos]
            integral.append(c in whole and bool(ok.any()) and bool(whole[c][pos][ok].all()))
        rows = [[cell_text(c, values[c][i], lab, f) for c, f in zip(gcols, integral)] for i in shown]
        note = lab.get("report.truncated", "").format(n=limit, total=len(pos)) if len(pos) > limit else ""
        out[str(key)] = Table(gcols, [(headers or {}).get(c) or col_label(c, lab) for c in gcols], rows,
                              [numeric[c] for c in gcols], len(pos), note, [])
    return out


# ---------------------------------------------------------------------------------------------------- rendering

@lru_cache(maxsize=None)
def environment(folder: str = str(TEMPLATES_DIR)) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # compiled templates kept in the user's temp folder, keyed by each template's source checksum: the report
        # kernel skips compiling five templates (~0.1-0.3 s, issue 18)
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.filters.update(num=fmt.score, pct=fmt.percent, signed=fmt.signed, value=fmt.value)
    return env


@lru_cache(maxsize=None)
def stylesheet(folder: str = str(TEMPLATES_DIR)) -> str:
    css = (Path(folder) / "report.css").read_text(encoding="utf-8")
    # The CSS is ours, but keep it from ever closing its <style> element.
    return css.replace("</", "<\\/")


def render(template: str, lang: str = "zh", **context) -> str:
    env = environment()
    lab = _labels(lang)
    return env.get_template(template).render(L=lab, lang=lang, html_lang=lab.get("report.lang", "zh-CN"),
                                             css=Markup(stylesheet()), **context)
