"""Platform layouts from config/platforms.yaml: validated on load, header normalisation and signature matching."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..config import ConfigError, load_yaml, pydantic_message
from ..paths import CONFIG_DIR
from ..platforms import name_lookup, platform_code
from ..catalog import PLATFORMS

FORMS = ("int", "float", "fraction", "percent", "seconds", "stars", "fen", "text", "id", "url", "datetime", "date")
NUMERIC_FORMS = ("int", "float", "fraction", "percent", "seconds", "stars", "fen")


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    headers: list[str]
    form: Literal[FORMS]  # type: ignore[valid-type]
    sentinels: list[str] = []


class KeepRows(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str
    values: list[str]


class NotApplicable(BaseModel):
    """Metrics that are not measured for some formats: stored as null on rows whose `format` cell contains one of
    `formats` (keywords, NFKC, case-insensitive). `values`: only these exported values are read as "not measured"
    (e.g. [0]: an exported 0 on a 图文 note); empty = whatever the export wrote."""
    model_config = ConfigDict(extra="forbid")
    columns: list[str]
    formats: list[str]
    values: list[float] = []


class MetricFromSheet(BaseModel):
    """The metric is named only by the sheet's name (Xiaohongshu 近30日 trend sheets: `净涨粉趋势` with the header
    日期 | 数值): `column` is the layout column holding the value; `sheets` maps a sheet name (NFKC, without spaces) to
    the canonical column it becomes (declared in `columns`, where its form is given)."""
    model_config = ConfigDict(extra="forbid")
    column: str
    sheets: dict[str, str]


class LayoutSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: Literal[tuple(PLATFORMS)]  # type: ignore[valid-type]
    title: str
    target: Literal["posts", "account_daily", "ignore"]
    priority: int = 1
    signature: list[str]
    signature_any: list[str] = []          # at least one of these must be found too (one metric per file)
    confirm_platform_by_roster: bool = False   # the file names no platform: the account folder's roster decides
    keep_rows: KeepRows | None = None
    not_applicable: list[NotApplicable] = []
    metric_from_sheet: MetricFromSheet | None = None
    columns: dict[str, ColumnSpec]

    @model_validator(mode="after")
    def _check(self) -> "LayoutSpec":
        missing = [c for c in self.signature if c not in self.columns]
        if missing:
            raise ValueError(f"signature 里的 {missing} 没有在 columns 中定义")
        if self.keep_rows and self.keep_rows.column not in self.columns:
            raise ValueError(f"keep_rows.column {self.keep_rows.column!r} 没有在 columns 中定义")
        missing = [c for c in self.signature_any if c not in self.columns]
        if missing:
            raise ValueError(f"signature_any 里的 {missing} 没有在 columns 中定义")
        for na in self.not_applicable:
            unknown = [c for c in [*na.columns, "format"] if c not in self.columns]
            if unknown:
                raise ValueError(f"not_applicable 里的 {unknown} 没有在 columns 中定义")
        ms = self.metric_from_sheet
        if ms is not None:
            if ms.column not in self.columns:
                raise ValueError(f"metric_from_sheet.column {ms.column!r} 没有在 columns 中定义")
            if ms.column not in self.signature:
                raise ValueError(f"metric_from_sheet.column {ms.column!r} 必须写进 signature（否则认不出数值列）")
            unknown = sorted({c for c in ms.sheets.values() if c not in self.columns})
            if unknown:
                raise ValueError(f"metric_from_sheet.sheets 指向的 {unknown} 没有在 columns 中定义（请在 columns 里写明 form）")
            bad = sorted({c for c in ms.sheets.values() if c in (ms.column, "date", "published_at")})
            if bad:
                raise ValueError(f"metric_from_sheet.sheets 不能指向 {bad}")
        if self.target == "posts" and "published_at" not in self.columns:
            raise ValueError("作品类版式必须定义 published_at（发布时间）列")
        if self.target == "account_daily" and "date" not in self.columns:
            raise ValueError("账号日数据版式必须定义 date（日期）列")
        return self


class Hint(BaseModel):
    """A known file that is not used: recognised by sheet names, explained with a message."""
    model_config = ConfigDict(extra="forbid")
    sheet_names: list[str]
    message: str


class Matter(BaseModel):
    """Words that, in an unrecognised file's sheet names or first rows, mean it may hold figures the score uses."""
    model_config = ConfigDict(extra="forbid")
    name: str
    words: list[str]
    used_by: str


class Unrecognised(BaseModel):
    model_config = ConfigDict(extra="forbid")
    matters: list[Matter] = []


class PlatformsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    hints: list[Hint] = []
    unrecognised: Unrecognised = Unrecognised()
    header_scan_rows: int = 20
    placeholders: list[str]
    summary_markers: list[str] = []
    platform_names: dict[Literal[tuple(PLATFORMS)], list[str]]  # type: ignore[valid-type]
    layouts: dict[str, LayoutSpec]


_SPACE_RE = re.compile(r"\s+")
_UNIT_RE = re.compile(r"[\(\[]([^()\[\]]{1,8})[\)\]]$")


def norm_header(text: object) -> str:
    """Header text for comparison: NFKC (full width -> half width), no BOM, no white space, lower case."""
    if isinstance(text, str):
        return _norm_header(text)
    s = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    return _SPACE_RE.sub("", s).lower()


@lru_cache(maxsize=65536)
def _norm_header(text: str) -> str:
    # cached: header detection and delimiter sniffing see the same few hundred header texts in every file
    s = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    return _SPACE_RE.sub("", s).lower()


def norm_series(s):
    """norm_header for a whole column, vectorised."""
    t = s.astype("string").str.normalize("NFKC").str.replace("\ufeff", "", regex=False)
    return t.str.replace(r"\s+", "", regex=True).str.lower().fillna("")


def split_unit(header: str) -> tuple[str, str | None]:
    """`平均观看时长(s)` -> (`平均观看时长`, `s`); the header is already normalised."""
    m = _UNIT_RE.search(header)
    if m and m.start() > 0:
        return header[: m.start()], m.group(1)
    return header, None


@dataclass
class Layout:
    id: str
    spec: LayoutSpec
    lookup: dict[str, str]  # normalised header -> canonical column

    @property
    def platform(self) -> str:
        return self.spec.platform


@dataclass(eq=False)
class Registry:
    config: PlatformsConfig
    layouts: list[Layout]
    platform_lookup: dict[str, str]
    placeholders: frozenset[str]

    def layout(self, layout_id: str) -> Layout:
        return next(l for l in self.layouts if l.id == layout_id)

    def sheet_metric(self, layout_id: str, sheet: str) -> str | None:
        """The canonical column a sheet's name stands for in a `metric_from_sheet` layout (None: not listed)."""
        ms = self.layout(layout_id).spec.metric_from_sheet
        if ms is None:
            return None
        return _sheet_lookup(self, layout_id).get(norm_header(sheet))

    def platform_code(self, name: object) -> str | None:
        """A roster platform name (any case, any width) -> platform code, or None (mediakpi.platforms, with the names
        of this registry's platforms.yaml)."""
        return platform_code(name, self.platform_lookup)


@lru_cache(maxsize=64)
def _sheet_lookup(registry: Registry, layout_id: str) -> dict[str, str]:
    ms = registry.layout(layout_id).spec.metric_from_sheet
    return {norm_header(k): v for k, v in (ms.sheets if ms else {}).items()}


def _build(config: PlatformsConfig, path: Path) -> Registry:
    layouts = []
    for lid, spec in config.layouts.items():
        lookup: dict[str, str] = {}
        for col, cs in spec.columns.items():
            for h in cs.headers:
                key = norm_header(h)
                if key in lookup and lookup[key] != col:
                    raise ConfigError(
                        f"配置文件 {path.name}：版式 {lid} 的表头 {h!r} 同时指向 {lookup[key]} 和 {col}，请只保留一个。")
                lookup[key] = col
        layouts.append(Layout(lid, spec, lookup))
    plat = name_lookup(config.platform_names)
    return Registry(config, layouts, plat, frozenset(norm_header(p) for p in config.placeholders))


@lru_cache(maxsize=8)
def load_registry(path: str | None = None) -> Registry:
    """Load and validate config/platforms.yaml (raises ConfigError with a Chinese message)."""
    p = Path(path) if path else CONFIG_DIR / "platforms.yaml"
    data = load_yaml(p)
    try:
        config = PlatformsConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(pydantic_message(p, exc)) from None
    return _build(config, p)


def match_headers(lookup: dict[str, str], headers: list[str], normalised: bool = False) -> dict[str, tuple[int, str | None]]:
    """Canonical column -> (position in `headers`, unit from the header or None); first match wins."""
    found: dict[str, tuple[int, str | None]] = {}
    for i, raw in enumerate(headers):
        h = raw if normalised else norm_header(raw)
        if not h:
            continue
        col = lookup.get(h)
        unit = None
        if col is None:
            base, unit = split_unit(h)
            col = lookup.get(base)
        if col is not None and col not in found:
            found[col] = (i, unit)
    return found
