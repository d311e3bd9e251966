"""Report-only charts.

Team-level charts are matplotlib PNGs embedded as `data:` URIs (plotting.setup / plotting.to_data_uri). Per-person charts
(the dimension radar and the score trend) are small inline SVGs built here: no matplotlib figure per person, so 200
scorecards render in seconds, stay sharp when printed and weigh a few kilobytes. Every text placed in an SVG is escaped.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from markupsafe import Markup

from .. import plotting

SVG_FONT = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans CJK JP", '
            '"WenQuanYi Micro Hei", sans-serif')
ACCENT = "#2f6db5"
GRID = "#c9d2de"
FIG_W = 6.4  # inches; with plotting.DPI (110) about 700 px wide


def _fmt(x: float) -> str:
    return f"{x:.1f}"


# ----------------------------------------------------------------------------------------------------- inline SVG

def radar_svg(names: Sequence[str], values: Sequence[float | None], max_value: float = 120.0,
              ref: float = 100.0, size: int = 300, na_label: str = "—") -> Markup:
    """A dimension radar: one axis per dimension, a polygon of the scores, a dashed ring at `ref` (the target).

    A value of None (dimension not applicable) is drawn at the centre and its label says so via the caller's name."""
    n = len(names)
    if n == 0:
        return Markup("")
    pad = 130
    w = size + 2 * pad
    cx, cy, r = w / 2, size / 2 + 50, size / 2 - 10
    h = size + 100

    def point(i: int, v: float) -> tuple[float, float]:
        ang = -math.pi / 2 + 2 * math.pi * i / n
        rr = r * max(0.0, min(v, max_value)) / max_value
        return cx + rr * math.cos(ang), cy + rr * math.sin(ang)

    parts = [f'<svg class="chart radar" viewBox="0 0 {w:.0f} {h:.0f}" role="img" '
             f'font-family=\'{SVG_FONT}\' font-size="17">']
    for level in (30, 60, 90, 120):
        if level > max_value:
            continue
        ring = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    ring = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, ref) for i in range(n)))
    parts.append(f'<polygon points="{ring}" fill="none" stroke="#e08a2c" stroke-width="1.5" stroke-dasharray="5 4"/>')
    for i in range(n):
        x, y = point(i, max_value)
        parts.append(f'<line x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" stroke="{GRID}"/>')
    vals = [float(v) if v is not None and not pd.isna(v) else 0.0 for v in values]
    poly = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, v) for i, v in enumerate(vals)))
    parts.append(f'<polygon points="{poly}" fill="{ACCENT}" fill-opacity="0.25" stroke="{ACCENT}" stroke-width="2"/>')
    for i, v in enumerate(vals):
        x, y = point(i, v)
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" fill="{ACCENT}"/>')
    for i, name in enumerate(names):
        ang = -math.pi / 2 + 2 * math.pi * i / n
        x, y = cx + (r + 14) * math.cos(ang), cy + (r + 14) * math.sin(ang)
        anchor = "middle" if abs(math.cos(ang)) < 0.3 else ("start" if math.cos(ang) > 0 else "end")
        dy = -6 if math.sin(ang) < -0.5 else (18 if math.sin(ang) > 0.5 else 5)
        v = values[i]
        score = na_label if v is None or pd.isna(v) else f"{float(v):.1f}"
        top = y + dy - (18 if math.sin(ang) < -0.5 else 0)  # two lines: the name, then the score
        parts.append(str(Markup('<text x="{}" y="{}" text-anchor="{}" fill="#223">{}'
                                '<tspan x="{}" dy="18" font-weight="600">{}</tspan></text>').format(
            _fmt(x), _fmt(top), anchor, name, _fmt(x), score)))
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_svg(points: Sequence[tuple[str, float]], ref: float = 100.0, width: int = 480, height: int = 220) -> Markup:
    """A small line chart of (label, score) pairs, oldest first, with a dashed line at `ref`."""
    pts = [(str(k), float(v)) for k, v in points if v is not None and not pd.isna(v)]
    if not pts:
        return Markup("")
    left, right, top, bottom = 40, 16, 20, 34
    vals = [v for _, v in pts] + [ref]
    lo = max(0.0, math.floor(min(vals) / 10) * 10 - 10)
    hi = min(130.0, math.ceil(max(vals) / 10) * 10 + 10)
    if hi <= lo:
        hi = lo + 10
    pw, ph = width - left - right, height - top - bottom

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (pw * (i + 0.5) / len(pts))
        return x, top + ph * (1 - (v - lo) / (hi - lo))

    parts = [f'<svg class="chart trend" viewBox="0 0 {width} {height}" role="img" '
             f'font-family=\'{SVG_FONT}\' font-size="14">']
    for tick in np.arange(lo, hi + 0.1, 10 if hi - lo <= 60 else 20):
        _, y = xy(0, tick)
        parts.append(f'<line x1="{left}" y1="{_fmt(y)}" x2="{width - right}" y2="{_fmt(y)}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end" fill="#667">{tick:.0f}</text>')
    _, yr = xy(0, ref)
    parts.append(f'<line x1="{left}" y1="{_fmt(yr)}" x2="{width - right}" y2="{_fmt(yr)}" stroke="#e08a2c" '
                 f'stroke-dasharray="5 4"/>')
    line = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (xy(i, v) for i, (_, v) in enumerate(pts)))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    step = max(1, math.ceil(len(pts) / 8))
    for i, (lab, v) in enumerate(pts):
        x, y = xy(i, v)
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" fill="{ACCENT}"/>')
        parts.append(str(Markup('<text x="{}" y="{}" text-anchor="middle" fill="#223">{}</text>').format(
            _fmt(x), _fmt(y - 8), f"{v:.1f}")))
        if i % step == 0 or i == len(pts) - 1:
            parts.append(str(Markup('<text x="{}" y="{}" text-anchor="middle" fill="#667">{}</text>').format(
                _fmt(x), height - 12, lab)))
    parts.append("</svg>")
    return Markup("".join(parts))


# ------------------------------------------------------------------------------------------------ matplotlib PNGs

def _fig(height: float = 3.0):
    import matplotlib.pyplot as plt

    plotting.setup()
    return plt.subplots(figsize=(FIG_W, height))


def score_distribution(totals: pd.Series, xlabel: str, ylabel: str) -> str | None:
    """Histogram of total scores with the grade-band edges; a data URI, or None when there is nothing to draw."""
    vals = pd.to_numeric(totals, errors="coerce").dropna()
    if vals.empty:
        return None
    fig, ax = _fig(2.8)
    bins = np.arange(0, 125, 5)
    ax.hist(vals.clip(0, 120), bins=bins, color=ACCENT, edgecolor="white")
    for edge in (70, 85, 100, 110):
        ax.axvline(edge, color="#e08a2c", linestyle="--", linewidth=1)
    ax.set_xlim(max(0, vals.min() - 10), 121)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return plotting.to_data_uri(fig)


def team_trend(frame: pd.DataFrame, xlabel: str, ylabel: str) -> str | None:
    """Mean (and min–max band) of total score per month; frame has columns month, total."""
    if frame.empty or frame["month"].nunique() < 1:
        return None
    g = frame.groupby("month")["total"].agg(["mean", "min", "max"]).sort_index()
    fig, ax = _fig(2.8)
    x = np.arange(len(g))
    ax.fill_between(x, g["min"], g["max"], color=ACCENT, alpha=0.15)
    ax.plot(x, g["mean"], marker="o", color=ACCENT)
    ax.axhline(100, color="#e08a2c", linestyle="--", linewidth=1)
    ax.set_xticks(x, list(g.index))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return plotting.to_data_uri(fig)


def best_time_heatmap(frame: pd.DataFrame, value: str, weekdays: list[str], xlabel: str) -> str | None:
    """A weekday × hour heatmap of `value`; frame has columns weekday (0 = Monday) and hour."""
    import seaborn as sns

    if frame.empty or not {"weekday", "hour", value} <= set(frame.columns):
        return None
    f = frame.assign(weekday=pd.to_numeric(frame["weekday"], errors="coerce"),
                     hour=pd.to_numeric(frame["hour"], errors="coerce"),
                     v=pd.to_numeric(frame[value], errors="coerce")).dropna(subset=["weekday", "hour", "v"])
    if f.empty:
        return None
    grid = f.pivot_table(index="weekday", columns="hour", values="v", aggfunc="mean")
    grid = grid.reindex(index=range(7), columns=range(24))
    fig, ax = _fig(2.9)
    sns.heatmap(grid, ax=ax, cmap="Blues", cbar=True, linewidths=0.3, linecolor="white")
    ax.set_yticks(np.arange(7) + 0.5, weekdays, rotation=0)
    ax.set_xticks(np.arange(0, 24, 3) + 0.5, [str(h) for h in range(0, 24, 3)], rotation=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    return plotting.to_data_uri(fig)


def bar_chart(labels_: Sequence[str], values: Sequence[float], xlabel: str, top: int = 12) -> str | None:
    """Horizontal bars, largest first (formats, topics)."""
    s = pd.Series(pd.to_numeric(pd.Series(list(values)), errors="coerce").to_numpy(), index=[str(x) for x in labels_])
    s = s.dropna().sort_values(ascending=False).head(top)
    if s.empty:
        return None
    fig, ax = _fig(0.6 + 0.32 * len(s))
    ax.barh(range(len(s)), s.to_numpy()[::-1], color=ACCENT)
    ax.set_yticks(range(len(s)), [t[:18] for t in s.index[::-1]])
    ax.set_xlabel(xlabel)
    return plotting.to_data_uri(fig)
