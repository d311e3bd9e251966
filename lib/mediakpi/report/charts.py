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

from .. import fmt, plotting

SVG_FONT = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans CJK JP", '
            '"WenQuanYi Micro Hei", sans-serif')
ACCENT = "#2f6db5"
GRID = "#c9d2de"
FIG_W = 5.2  # inches; with plotting.DPI (110) about 570 px wide (plotting.legible keeps text readable on phones)


def _fmt(x: float) -> str:
    return f"{x:.1f}"


# ----------------------------------------------------------------------------------------------------- inline SVG

def radar_svg(names: Sequence[str], values: Sequence[float], max_value: float = 120.0,
              ref: float = 100.0, size: int = 300, ref_label: str = "") -> Markup:
    """A dimension radar of the dimensions that counted (the caller leaves the others out: a dimension that did not
    count is not a zero), one axis each, a polygon of the scores, a dashed ring at `ref` (the target) labelled
    `ref_label`. Text is 20 units in a 600-unit-wide drawing: at least 11 CSS px on a 390-px phone."""
    n = len(names)
    if n == 0:
        return Markup("")
    pad = 150  # room for a seven-character dimension name at either side
    w = size + 2 * pad
    cx, cy, r = w / 2, size / 2 + 50, size / 2 - 10
    h = size + 100

    def point(i: int, v: float) -> tuple[float, float]:
        ang = -math.pi / 2 + 2 * math.pi * i / n
        rr = r * max(0.0, min(v, max_value)) / max_value
        return cx + rr * math.cos(ang), cy + rr * math.sin(ang)

    parts = [f'<svg class="chart radar" viewBox="0 0 {w:.0f} {h:.0f}" role="img" '
             f'font-family=\'{SVG_FONT}\' font-size="20">']
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
    vals = [float(v) for v in values]
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
        top = y + dy - (20 if math.sin(ang) < -0.5 else 0)  # two lines: the name, then the score
        parts.append(str(Markup('<text x="{}" y="{}" text-anchor="{}" fill="#223">{}'
                                '<tspan x="{}" dy="20" font-weight="600">{}</tspan></text>').format(
            _fmt(x), _fmt(top), anchor, name, _fmt(x), fmt.score(vals[i]))))
    if ref_label:
        parts.append(str(Markup('<text x="{}" y="{}" fill="#b35c00">- - {}</text>').format(8, h - 8, ref_label)))
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_svg(points: Sequence[tuple[str, float]], ref: float = 100.0, width: int = 440, height: int = 230,
              ref_label: str = "") -> Markup:
    """A small line chart of (label, score) pairs, oldest first, with a dashed line at `ref` labelled `ref_label`.
    Month labels are thinned so that they never overlap (at most one per 70 units); text is 16 units in a 440-unit
    drawing (at least 11 CSS px on a phone)."""
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
             f'font-family=\'{SVG_FONT}\' font-size="16">']
    for tick in np.arange(lo, hi + 0.1, 10 if hi - lo <= 60 else 20):
        _, y = xy(0, tick)
        parts.append(f'<line x1="{left}" y1="{_fmt(y)}" x2="{width - right}" y2="{_fmt(y)}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end" fill="#667">{tick:.0f}</text>')
    _, yr = xy(0, ref)
    parts.append(f'<line x1="{left}" y1="{_fmt(yr)}" x2="{width - right}" y2="{_fmt(yr)}" stroke="#e08a2c" '
                 f'stroke-dasharray="5 4"/>')
    if ref_label:
        parts.append(str(Markup('<text x="{}" y="{}" text-anchor="end" fill="#b35c00">{}</text>').format(
            width - right, _fmt(yr - 4), ref_label)))
    line = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (xy(i, v) for i, (_, v) in enumerate(pts)))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    step = max(1, math.ceil(len(pts) / max(1, pw // 70)))
    for i, (lab, v) in enumerate(pts):
        x, y = xy(i, v)
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" fill="{ACCENT}"/>')
        if (len(pts) - 1 - i) % step:  # the newest month always labelled, then every `step`-th: no overlaps
            continue
        parts.append(str(Markup('<text x="{}" y="{}" text-anchor="middle" fill="#223">{}</text>').format(
            _fmt(x), _fmt(y - 8), fmt.score(v))))
        parts.append(str(Markup('<text x="{}" y="{}" text-anchor="middle" fill="#667">{}</text>').format(
            _fmt(x), height - 12, lab)))
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline_svg(values: Sequence[float | None], width: int = 84, height: int = 24) -> Markup:
    """A tiny line of an indicator's last months (oldest first; None where it was not scored), the newest point
    marked; empty when fewer than two values are known. Decorative: the numbers are in the table next to it."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None and not pd.isna(v)]
    if len(known) < 2:
        return Markup("")
    lo, hi = min(v for _, v in known), max(v for _, v in known)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)
    pts = [(2 + (width - 4) * i / n, height - 3 - (height - 6) * (v - lo) / span) for i, v in known]
    line = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pts)
    x, y = pts[-1]
    return Markup(f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
                  f'aria-hidden="true"><polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="1.5"/>'
                  f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.5" fill="{ACCENT}"/></svg>')


# ------------------------------------------------------------------------------------------------ matplotlib PNGs

def _fig(height: float = 3.0):
    import matplotlib.pyplot as plt

    plotting.setup()
    return plt.subplots(figsize=(FIG_W, height))


def score_distribution(totals: pd.Series, xlabel: str, ylabel: str, grades: dict[str, float]) -> str | None:
    """Histogram of total scores with each grade's lower bound drawn and labelled (`A≥100`)."""
    vals = pd.to_numeric(totals, errors="coerce").dropna()
    if vals.empty:
        return None
    fig, ax = _fig(2.8)
    bins = np.arange(0, 125, 5)
    ax.hist(vals.clip(0, 120), bins=bins, color=ACCENT, edgecolor="white")
    lo = max(0, min(vals.min(), min(grades.values(), default=100)) - 10)
    ax.set_xlim(lo, 121)
    ax.yaxis.get_major_locator().set_params(integer=True)
    top = ax.get_ylim()[1]
    for g, edge in sorted(grades.items(), key=lambda kv: kv[1]):
        ax.axvline(edge, color="#e08a2c", linestyle="--", linewidth=1)
        ax.text(edge, top, f"{g}≥{fmt.plain(edge)}", color="#b35c00", ha="center", va="bottom")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return plotting.to_data_uri(plotting.legible(fig))


def team_trend(frame: pd.DataFrame, xlabel: str, ylabel: str, grades: dict[str, float], mean_label: str,
               band_label: str) -> str | None:
    """Mean (and min–max band) of total score per month, with labelled grade lines and a legend; month labels
    thinned so that they never overlap."""
    if frame.empty or frame["month"].nunique() < 1:
        return None
    g = frame.groupby("month")["total"].agg(["mean", "min", "max"]).sort_index()
    fig, ax = _fig(2.8)
    x = np.arange(len(g))
    ax.fill_between(x, g["min"], g["max"], color=ACCENT, alpha=0.15, label=band_label)
    ax.plot(x, g["mean"], marker="o", color=ACCENT, label=mean_label)
    for grade, edge in grades.items():
        if g["min"].min() - 10 <= edge <= g["max"].max() + 10:
            ax.axhline(edge, color="#e08a2c", linestyle="--", linewidth=1)
            ax.text(x[-1] + 0.4, edge, f"{grade}≥{fmt.plain(edge)}", color="#b35c00", va="center")
    step = max(1, int(np.ceil(len(g) / 4)))
    keep = x[::-1][::step][::-1]
    ax.set_xticks(keep, [str(g.index[i]) for i in keep])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower left", frameon=False)
    return plotting.to_data_uri(plotting.legible(fig))
