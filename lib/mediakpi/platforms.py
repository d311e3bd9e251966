"""Platform names → platform codes: the one home of `platform_code`.

The accepted names live in config/platforms.yaml (`platform_names`, the roster's accepted spellings of
docs/specs/data-contract.md); the codes themselves and their display labels (`platform.<code>` in config/labels/common.yaml) are
accepted too, so a name the workbook shows can be typed back. Matching ignores case, width (NFKC) and white space:
`抖音`, `Douyin`, `ＸＨＳ`, `b 站` all resolve. Every stage (ingest's team tables, clean's roster and calendar checks,
content's strategy table) calls this function; none keeps its own list.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Mapping

import pandas as pd

from .config import ConfigError, load_yaml
from .paths import CONFIG_DIR
from .catalog import PLATFORMS


def name_key(text: object) -> str:
    """The form two names are compared in: NFKC, case-folded, without any white space ('' for a missing value)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").casefold().split())


def name_lookup(platform_names: Mapping[str, list[str]]) -> dict[str, str]:
    """{name_key(name): code} for the codes, the given names per code and the codes' display labels."""
    from .labels import label

    out: dict[str, str] = {}
    for code in PLATFORMS:
        for lang in ("zh", "en"):
            try:
                out.setdefault(name_key(label(f"platform.{code}", lang)), code)
            except Exception:  # noqa: BLE001 - a missing label only means one spelling fewer
                pass
    for code, names in platform_names.items():
        for n in [code, *names]:
            out[name_key(n)] = code
    for code in PLATFORMS:
        out[code] = code
    return out


@lru_cache(maxsize=4)
def default_lookup(path: str | None = None) -> dict[str, str]:
    """The lookup from config/platforms.yaml's `platform_names` (read once)."""
    p = path or str(CONFIG_DIR / "platforms.yaml")
    data = load_yaml(p) or {}
    names = data.get("platform_names") if isinstance(data, dict) else None
    if not isinstance(names, dict):
        raise ConfigError(f"配置文件 {p}：缺少 platform_names（各平台可接受的名称）。")
    unknown = [k for k in names if k not in PLATFORMS]
    if unknown:
        raise ConfigError(f"配置文件 {p}：platform_names 中的 {', '.join(map(str, unknown))} 不是平台代码"
                          f"（可用：{', '.join(PLATFORMS)}）。")
    return name_lookup({k: [str(x) for x in (v or [])] for k, v in names.items()})


def platform_code(value: object, lookup: Mapping[str, str] | None = None) -> str | None:
    """The platform code for a name as a person writes it (roster, calendar, suggestions …), or None when unknown.

    `lookup`: a name_lookup table (ingest's registry passes the one built from its own platforms.yaml); default:
    config/platforms.yaml."""
    k = name_key(value)
    if not k:
        return None
    return (default_lookup() if lookup is None else lookup).get(k)


def platform_codes(values: pd.Series, lookup: Mapping[str, str] | None = None) -> pd.Series:
    """platform_code for a whole column (each distinct value looked up once); unknown names become <NA>."""
    uniq = pd.unique(values.astype(object))
    found = {v: platform_code(v, lookup) for v in uniq}
    return values.astype(object).map(found).astype("string")


__all__ = ["name_key", "name_lookup", "default_lookup", "platform_code", "platform_codes"]
