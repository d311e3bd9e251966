"""What every indicator module shares: the registry, the loaded inputs, row constructors and vectorised helpers.

An indicator is a function of (inputs, window, config, spec, operator, context) → one row, registered with
`@indicator(name, dimension, inputs, params)`: that decorator is the single definition of the indicator (its Chinese
name as the plan spells it, its dimension, the tables it reads, its parameters with their defaults).
config/assessment.yaml refers to it by name and may override the parameters; config.py validates the YAML against it.

Every row has a `status`: `scored`, `not_applicable` (the duty did not exist: its weight goes to the other indicators
of its dimension) or `missing_input` (the duty existed but its record was not provided: its weight stays and scores
nothing, so a missing record never raises a score), with its `reason` and the tables to fill in.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...labels import label
from ...metrics import interactions, load_metrics
from ...periods import Period
from .. import functions as F
from ..plan import DIMENSIONS
from ..targets import account_target, baseline_index, static_target, trailing_baseline  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from ..plan import Target


# The columns of Inputs.all_posts (current and earlier posts): what the baselines and strategy_uplift read
ALL_POSTS_COLUMNS = ["platform", "account", "operator", "post_id", "published_at", "views", "likes", "comments",
                     "shares", "saves", "zaikan", "danmaku", "coins", "recommends", "followers_gained",
                     "completion_rate", "mature"]

ROW_COLUMNS = ["operator", "indicator", "actual", "target", "achievement", "score", "applicable", "explanation",
               "inputs", "reason_na", "status", "reason", "scored_share", "missing_tables", "n_evidence"]
STATUSES = ("scored", "not_applicable", "missing_input")


# ----- the registry ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorDef:
    """One indicator as the code defines it (the registry entry)."""

    name: str
    dimension: str
    inputs: tuple[str, ...]
    params: Mapping[str, float]           # parameter -> default
    compute: Callable


REGISTRY: dict[str, IndicatorDef] = {}


def indicator(name: str, dimension: str, inputs: tuple[str, ...] | list[str] = (), params: dict | None = None):
    """Register an indicator function under the plan's Chinese name (the one definition of that indicator)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r} for indicator {name!r}")

    def deco(fn):
        if name in REGISTRY:
            raise ValueError(f"indicator {name!r} registered twice")
        REGISTRY[name] = IndicatorDef(name, dimension, tuple(inputs), MappingProxyType(dict(params or {})), fn)
        return fn
    return deco


@dataclass(frozen=True)
class Spec:
    """An indicator as configured for this run: the registry's name and defaults merged with the YAML's settings."""

    name: str
    dimension: str
    function: str
    params: Mapping[str, float]
    target: "Target"


def spec_for(name: str, ind) -> Spec:
    """The Spec of YAML indicator `ind` (config.Indicator) named `name`: registry defaults, then the YAML's params."""
    d = REGISTRY[name]
    return Spec(name, d.dimension, ind.function, MappingProxyType({**d.params, **ind.params}), ind.target)


def msg(key: str, **values) -> str:
    """A user-facing message from config/labels/score.yaml, with its {placeholders} filled."""
    return label(f"score.msg.{key}").format(**values)


@dataclass
class Inputs:
    """Everything a period's scoring reads, already loaded (see pipeline.load_inputs)."""

    period: Period
    roster: pd.DataFrame
    posts: pd.DataFrame                 # posts_clean of the period (all snapshots' posts, any publish date)
    account_month: pd.DataFrame
    calendar_match: pd.DataFrame
    tables: dict[str, pd.DataFrame]     # team tables by name
    hist_posts: pd.DataFrame = field(default_factory=pd.DataFrame)          # earlier processed posts_clean
    hist_account_month: pd.DataFrame = field(default_factory=pd.DataFrame)  # earlier processed account_month
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)               # 02_clean's flags.parquet
    people: list[str] = field(default_factory=list)

    def accounts(self) -> pd.DataFrame:
        """operator, platform, account: from the roster, else from the posts / account table."""
        if "_accounts" not in self.__dict__:
            self.__dict__["_accounts"] = self._accounts()
        return self.__dict__["_accounts"]

    def _accounts(self) -> pd.DataFrame:
        if not self.roster.empty:
            r = self.roster.rename(columns={"name": "operator"})[["operator", "platform", "account"]]
        else:
            parts = [d[["operator", "platform", "account"]] for d in (self.posts, self.account_month) if not d.empty]
            r = pd.concat(parts) if parts else pd.DataFrame(columns=["operator", "platform", "account"])
        return r.dropna(subset=["operator"]).drop_duplicates().reset_index(drop=True)

    def monthly(self, key: str, build) -> pd.DataFrame:
        """A per-account-month table built once per Inputs (baselines of every window of a rollup reuse it)."""
        return self.cached(f"monthly:{key}", build)

    def cached(self, key: str, build):
        """A value derived from these inputs, built once (the window's posts, its flagged posts, ...): several steps
        of a run read the same derived table, and each derivation over a million-post month costs seconds."""
        cache = self.__dict__.setdefault("_cached", {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def posts_of(self, win: Period) -> pd.DataFrame:
        """posts_in(self.posts, win), built once per window (the context, the adjustments, the flagged posts and the
        fairness context all start from it). Treat it as read-only."""
        return self.cached(f"posts_in:{win.text}", lambda: posts_in(self.posts, win))

    def all_posts(self) -> pd.DataFrame:
        if "_all_posts" not in self.__dict__:
            self.__dict__["_all_posts"] = self._all_posts()
        return self.__dict__["_all_posts"]

    def _all_posts(self) -> pd.DataFrame:
        """Current and earlier posts, one row per post (the current period's snapshot wins); ALL_POSTS_COLUMNS only."""
        frames = [d[[c for c in ALL_POSTS_COLUMNS if c in d.columns]] for d in (self.hist_posts, self.posts)
                  if not d.empty]
        if not frames:
            return self.posts
        # concat(frames).drop_duplicates(keys, keep="last"), with the duplicates found on the key columns alone so
        # that the full-width concatenation is never held twice (a 1M-post month plus a year of history)
        keys = ["platform", "account", "post_id"]
        dup = pd.concat([d[keys] for d in frames], ignore_index=True).duplicated(keep="last").to_numpy()
        parts, at = [], 0
        for d in frames:
            parts.append(d[~dup[at:at + len(d)]])
            at += len(d)
        return pd.concat(parts, ignore_index=True)

    def all_account_month(self) -> pd.DataFrame:
        frames = [d for d in (self.hist_account_month, self.account_month) if not d.empty]
        if not frames:
            return self.account_month
        # the newest table speaks for a month; all its rows stay (one per holder: a hand-over keeps both holders)
        am = pd.concat([d.assign(_src=i) for i, d in enumerate(frames)], ignore_index=True)
        newest = am.groupby(["platform", "account", "month"], dropna=False)["_src"].transform("max")
        return am[am["_src"] == newest].drop(columns="_src").reset_index(drop=True)


# ----- helpers ---------------------------------------------------------------------------------------------------

def wlabel(win: Period) -> str:
    return f"{win.index}月" if win.kind == "month" else ("本季度" if win.kind == "quarter" else "本年")


def pct(x: float, digits: int = 1) -> str:
    return "—" if x is None or pd.isna(x) else f"{x * 100:.{digits}f}%"


def num(x: float) -> str:
    if x is None or pd.isna(x):
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.2f}"


def sc(x: float) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.1f}"


def _row(op, name, actual=np.nan, target=np.nan, score=np.nan, explanation="", inputs="", achievement=None,
         scored_share: float = 1.0, missing_tables: str = "", n_evidence=np.nan):
    """A scored row. `scored_share` < 1 when part of the indicator's inputs was missing (that part scored nothing);
    `missing_tables` names the tables to fill in for it."""
    if achievement is None:
        achievement = F.achievement(actual, target) if pd.notna(actual) and pd.notna(target) else np.nan
    return {"operator": op, "indicator": name, "actual": actual, "target": target, "achievement": achievement,
            "score": float(score), "applicable": True, "explanation": explanation, "inputs": inputs, "reason_na": None,
            "status": "scored", "reason": None, "scored_share": float(scored_share),
            "missing_tables": missing_tables or None, "n_evidence": n_evidence}


def _na(op, name, reason, inputs=""):
    """Not applicable: the duty did not exist this period; the weight goes to the dimension's other indicators."""
    return {"operator": op, "indicator": name, "actual": np.nan, "target": np.nan, "achievement": np.nan,
            "score": np.nan, "applicable": False, "explanation": msg("not_applicable", reason=reason), "inputs": inputs,
            "reason_na": reason, "status": "not_applicable", "reason": reason, "scored_share": 0.0,
            "missing_tables": None, "n_evidence": np.nan}


def _missing(op, name, reason, tables: str, inputs=""):
    """Missing input: the duty existed but its record was not provided. The weight stays and scores nothing (never
    raises anyone's score); `tables` (comma-separated table codes) are the ones to fill in."""
    return {"operator": op, "indicator": name, "actual": np.nan, "target": np.nan, "achievement": np.nan,
            "score": np.nan, "applicable": True, "explanation": msg("missing_input", reason=reason,
                                                                     tables=table_titles(tables)),
            "inputs": inputs or tables, "reason_na": None, "status": "missing_input", "reason": reason,
            "scored_share": 0.0, "missing_tables": tables, "n_evidence": np.nan}


def table_titles(tables: str | None) -> str:
    """Chinese titles of comma-separated table codes (team tables by their template title, exports by label)."""
    if not tables:
        return ""
    from ... import catalog
    known = catalog.team_tables()
    out = []
    for t in [x.strip() for x in str(tables).split(",") if x.strip()]:
        out.append(known[t].get("title", t) if t in known else label(f"score.table.{t}"))
    return "、".join(dict.fromkeys(out))


def shrink(score: float, n: int, k: float) -> tuple[float, float]:
    """A rate indicator's score from n posts shrunk toward the target (100) by the evidence n/(n+k): returns
    (shrunk score, evidence weight). k = 0 turns it off."""
    if k <= 0 or pd.isna(score):
        return score, 1.0
    w = n / (n + k)
    return w * score + (1 - w) * 100.0, w


def _naive(ts: pd.Timestamp) -> pd.Timestamp:
    return ts.tz_localize(None)


def in_window_dates(s: pd.Series, win: Period) -> pd.Series:
    s = pd.to_datetime(s, errors="coerce")
    if getattr(s.dt, "tz", None) is not None:
        return win.contains(s.dt.tz_convert(win.start.tz)).fillna(False)
    return ((s >= _naive(win.start)) & (s < _naive(win.end))).fillna(False)


_MONTH_IN_TEXT = re.compile(r"(\d{4})\D{0,3}?(\d{1,2})")


def _norm_month(text) -> str | None:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    m = _MONTH_IN_TEXT.search(str(text))
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    return f"{m[1]}-{int(m[2]):02d}"


def rows_for_month_table(df: pd.DataFrame, win: Period, data_period: Period) -> pd.DataFrame:
    """Rows of a monthly team table (community, conversions) that belong to the window: by 月份, else by the month
    folder in source_file, else (a one-month run) the run's month."""
    if df.empty:
        return df
    month = df["month"].map(_norm_month) if "month" in df.columns else pd.Series(None, index=df.index)
    if "source_file" in df.columns:
        folder = df["source_file"].astype("string").str.extract(r"(\d{4}-\d{2})", expand=False)
        month = month.fillna(folder.map(_norm_month, na_action="ignore"))
    if data_period.kind == "month":
        month = month.fillna(data_period.text)
    return df[month.isin(win.months)]


_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def norm_period(text) -> str | None:
    """A review's 考核周期 as YYYY-MM, YYYY-Qn or YYYY: accepts 2026-10, 2026年10月, 2026.10, 2026/10, 2026-Q3,
    2026Q3, 2026年第三季度, 2026年Q3, 2026, 2026年, 2026年度."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    t = str(text).strip().upper().replace(" ", "")
    for cn, d in _CN_DIGITS.items():
        t = t.replace(f"第{cn}季度", f"Q{d}").replace(f"{cn}季度", f"Q{d}")
    if m := re.fullmatch(r"(\d{4})(?:年|-|/|\.)?(?:第)?Q([1-4])(?:季度)?", t):
        return f"{m[1]}-Q{m[2]}"
    if m := re.fullmatch(r"(\d{4})(?:年|-|/|\.)(\d{1,2})月?", t):
        return f"{m[1]}-{int(m[2]):02d}" if 1 <= int(m[2]) <= 12 else None
    if m := re.fullmatch(r"(\d{4})(?:年度?|年)?", t):
        return m[1]
    return None


def reviews_for(reviews: pd.DataFrame, win: Period) -> pd.DataFrame:
    """Qualitative-review rows whose 考核周期 is exactly the window (a month, quarter or year)."""
    if reviews.empty:
        return reviews
    return reviews[reviews["period"].map(norm_period, na_action="ignore") == win.text]


def _mine(df: pd.DataFrame, op: str) -> pd.DataFrame:
    return df[df["operator"] == op] if not df.empty and "operator" in df.columns else df.iloc[0:0]


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    """A column as float64 (NA → NaN; text that is not a number → NaN); all-NaN when the column is absent."""
    if name not in df.columns:
        return pd.Series(np.nan, index=df.index)
    s = df[name]
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=df.index)
    return pd.to_numeric(s, errors="coerce").astype("float64")


def posts_in(posts: pd.DataFrame, win: Period) -> pd.DataFrame:
    if posts.empty or "published_at" not in posts.columns:
        return posts.iloc[0:0]
    ts = pd.to_datetime(posts["published_at"])
    keep = win.contains(ts).fillna(False).to_numpy(dtype=bool)
    if keep.all():  # the usual month: every post in it (filtering a million rows of text columns still costs)
        return posts.copy(deep=False)
    return posts[keep]


def monthly_post_metric(posts: pd.DataFrame, func) -> pd.DataFrame:
    """platform, account, month, value: func(group of one account-month's posts) for every account-month."""
    if posts.empty:
        return pd.DataFrame(columns=["platform", "account", "month", "value"])
    p = posts.copy()
    p["month"] = pd.to_datetime(p["published_at"]).dt.strftime("%Y-%m")
    out = [{"platform": k[0], "account": k[1], "month": k[2], "value": func(g)}
           for k, g in p.groupby(["platform", "account", "month"], dropna=True)]
    return pd.DataFrame(out, columns=["platform", "account", "month", "value"])


def weighted_interactions(posts: pd.DataFrame) -> pd.Series:
    """Per post: the weighted interactions by the metric dictionary (config/metrics.yaml, the one definition:
    likes×1 + saves/在看×2 + comments×3 + shares×4 over the components of the platform's interaction set)."""
    return interactions(posts, load_metrics(), weighted=True)


def wis_formula() -> str:
    """The weighted-interaction formula as the metric dictionary defines it, for explanations."""
    md = load_metrics()
    return msg("wis_formula", terms="+".join(f"{md.column_name(c)}×{w:g}" for c, w in md.weighted_interactions.items()))


def wis_rate(g: pd.DataFrame, w=None) -> float:
    """The weighted interaction rate of a set of posts: Σ weighted interactions ÷ Σ views over the posts that have
    both (metrics.group_rate's rule). `w` is ignored (kept for callers of the old signature)."""
    wi, views = weighted_interactions(g), _col(g, "views")
    ok = wi.notna() & (views > 0)
    big = ~(views < noise_floor())                 # under the noise floor: its views count, its interactions do not
    return float(wi[ok & big].sum() / views[ok].sum()) if ok.any() else np.nan


def _month_key(published_at: pd.Series) -> pd.Series:
    """YYYY-MM of each timestamp (its own wall time, like .dt.strftime("%Y-%m")), formatted once per distinct month
    instead of once per post."""
    ts = pd.to_datetime(published_at)
    code = ts.dt.year * 100 + ts.dt.month
    names = {c: f"{int(c) // 100:04d}-{int(c) % 100:02d}" for c in code.dropna().unique()}
    return code.map(names)


def noise_floor() -> float:
    """Views below which a post is noise, not evidence (config/quality.yaml fraud.min_views: "a 14-view post with 2
    likes is noise"): such posts weigh by their views in every rate, add nothing to the evidence count n of the
    small-sample rule and make no baseline. The one home of the floor for scoring."""
    from ...clean.config import load_quality_config
    return float(load_quality_config().fraud.min_views)


def _wis_rows(posts: pd.DataFrame) -> pd.DataFrame:
    """Per post, what _wis_sums adds up: inter (weighted interactions) and views where the post has both, else 0,
    the completion rate weighted by the post's views (cr_w, cr_v: a 30-play clip weighs 30 plays, not one vote), the
    completion rate itself, 1, and `ev` (1 when the post is above the noise floor: evidence). Under the floor a post
    adds its views and nothing else to a rate."""
    wi, views = weighted_interactions(posts), _col(posts, "views")
    ok = (wi.notna() & (views > 0)).to_numpy()
    cr = _col(posts, "completion_rate")
    cr = cr.where((cr >= 0) & (cr <= 1))             # an impossible rate is no rate (plausibility: 0–1)
    has_v = (cr.notna() & (views > 0)).to_numpy()
    ev = ~(views < noise_floor()).to_numpy()          # unknown views count as evidence (no floor to apply)
    # a post under the noise floor keeps its exposure and brings nothing (like a flagged post): it can never lift a
    # rate, only dilute it by its few views
    return pd.DataFrame({"inter": wi.where(ok & ev, 0.0), "views": views.where(ok, 0.0), "cr": cr,
                         "cr_w": (cr * views).where(has_v & ev, 0.0), "cr_v": views.where(has_v, 0.0),
                         "cr_ev": (cr.notna().to_numpy() & ev).astype("int64"), "one": 1, "ev": ev.astype("int64")})


def _wis_sums(posts: pd.DataFrame, keys: list[str], rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """keys + inter (weighted interactions) and views summed over the posts having both, the completion-rate mean
    and count, and the number of posts, per group: one groupby for the team. `rows`: _wis_rows(posts) when the
    caller already has it (two groupings of the same posts compute it once)."""
    rows = _wis_rows(posts) if rows is None else rows
    frame = pd.DataFrame({**{k: posts[k] for k in keys}, **{c: rows[c] for c in rows.columns}})
    g = frame.groupby(keys, dropna=True, sort=True)
    out = g[["inter", "views"]].sum().astype("float64")
    cw = g[["cr_w", "cr_v"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):   # exposure-weighted; posts without views: the plain mean
        out["cr_mean"] = (cw["cr_w"] / cw["cr_v"]).where(cw["cr_v"] > 0, g["cr"].mean())
    out["cr_n"] = g["cr"].count()
    out["cr_ev"] = g["cr_ev"].sum()
    out["n_posts"] = g["one"].sum()
    out["n_ev"] = g["ev"].sum()
    return out


def _wis_of(sums: pd.DataFrame) -> pd.Series:
    """The weighted rate from _wis_sums (NaN without views)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums["inter"] / sums["views"]).where(sums["views"] > 0, np.nan)


def monthly_post_stats(posts: pd.DataFrame, w=None) -> dict[str, pd.DataFrame]:
    """The per account-month tables of the trailing baselines in one pass over the posts:
    {"completion": mean completion rate, "wis": wis_rate} as platform, account, month, value — the same values as
    monthly_post_metric with those functions, vectorised."""
    if posts.empty:
        e = pd.DataFrame(columns=["platform", "account", "month", "value"])
        return {"completion": e, "wis": e}
    # posts below the noise floor make no baseline (a month of 30-play clips is not the account's norm)
    views = _col(posts, "views")
    big = ~(views < noise_floor()).to_numpy()
    p = posts[big] if not big.all() else posts
    if p.empty:
        e = pd.DataFrame(columns=["platform", "account", "month", "value"])
        return {"completion": e, "wis": e}
    p = p.assign(month=_month_key(p["published_at"]))
    sums = _wis_sums(p, ["platform", "account", "month"])
    return {"completion": sums["cr_mean"].rename("value").reset_index(),
            "wis": _wis_of(sums).rename("value").reset_index()}


def account_post_stats(posts: pd.DataFrame, w=None) -> tuple[pd.DataFrame, pd.Series]:
    """Per operator × platform × account (sorted): completion-rate mean and count, views, posts, weighted rate; and
    per operator the weighted rate over all their posts. What content_quality and interaction read, once for the team."""
    cols = ["operator", "platform", "account", "cr_mean", "cr_n", "views", "n_posts", "rate", "cr_ev", "n_ev"]
    if posts.empty or "operator" not in posts.columns:
        return pd.DataFrame(columns=cols), pd.Series(dtype=float)
    rows = _wis_rows(posts)  # per post once, grouped twice
    sums = _wis_sums(posts, ["operator", "platform", "account"], rows)
    sums["rate"] = _wis_of(sums)
    per_op = _wis_sums(posts, ["operator"], rows)
    return sums.reset_index()[cols], _wis_of(per_op)


def growth_stats(am: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of account_month rows (keys, sorted): the month-first non-missing followers_start, and the sum and
    count of non-missing net_growth — what follower_growth reads, computed once for the team."""
    cols = keys + ["start", "net", "n_net", "days_held"]
    if am.empty:
        return pd.DataFrame(columns=cols)
    held = pd.to_numeric(am["days_held"], errors="coerce").astype("float64") if "days_held" in am.columns \
        else pd.Series(np.nan, index=am.index)
    d = pd.DataFrame({**{k: am[k] for k in keys}, "month": am["month"],
                      "start": pd.to_numeric(am["followers_start"], errors="coerce").astype("float64"),
                      "net": pd.to_numeric(am["net_growth"], errors="coerce").astype("float64"), "held": held})
    d = d.sort_values("month", kind="stable")
    g = d.groupby(keys, dropna=True, sort=True)
    out = pd.DataFrame({"start": g["start"].first(), "net": g["net"].sum(), "n_net": g["net"].count(),
                        "days_held": g["held"].sum(min_count=1)})
    return out.reset_index()[cols]


def _score(spec: Spec, actual, target, cap):
    p = spec.params
    if spec.function == "linear":
        return F.linear(actual, target, cap=cap)
    if spec.function == "inverse":
        return F.inverse(actual, target, cap=cap)
    if spec.function == "bands":
        if "threshold_ratio" in p:
            t0, t2 = target * p["threshold_ratio"], target * p.get("stretch_ratio", 1.0)
        else:
            t0, t2 = p.get("threshold", target), p.get("stretch", target)
        return F.bands(actual, min(t0, target), target, max(t2, target), cap=cap)
    return F.rubric(actual, p.get("scale", 100), cap=cap)
