"""User-facing labels, Chinese by default, English with lang="en".

One place: every YAML file in config/labels/ (one per area, merged on load; a key defined twice is an error).
Each entry is `key: {zh: …, en: …}`. Unknown keys fall back to the key itself, so a missing label is visible, not fatal.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .config import parse_yaml

from .paths import CONFIG_DIR

LANGS = ("zh", "en")


@lru_cache(maxsize=None)
def _table(folder: str = str(CONFIG_DIR / "labels")) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = parse_yaml(fh) or {}
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"label {key!r} is defined twice (second time in {path.name})")
            merged[key] = value if isinstance(value, dict) else {"zh": str(value), "en": str(value)}
    return merged


def label(key: str, lang: str = "zh") -> str:
    entry = _table().get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("zh") or key


def labels(lang: str = "zh") -> dict[str, str]:
    """All labels in one language, for templates."""
    return {k: (v.get(lang) or v.get("zh") or k) for k, v in _table().items()}
