"""The 21 indicators of the assessment plan, each a function of (inputs, window) → one row per person.

A window is a Period (a month, or the whole quarter/year for indicators recomputed over it). Every row carries actual,
target, achievement, score, applicable, a one-line Chinese explanation and the inputs it used; a not-applicable row
says why (its weight goes to the other indicators of its dimension, see aggregate.py).
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from .. import catalog

from ..periods import Period
from . import functions as F
from .config import AssessmentConfig, Indicator
from .targets import account_target, baseline_index, static_target, trailing_baseline

# The columns of Inputs.all_posts (current and earlier posts): what the baselines and strategy_uplift read
ALL_POSTS_COLUMNS = ["platform", "account", "operator", "post_id", "published_at", "views", "likes", "comments",
                     "shares", "saves", "zaikan", "followers_gained", "completion_rate"]

ROW_COLUMNS = ["operator", "indicator", "actual", "target", "achievement", "score", "applicable", "explanation",
               "inputs", "reason_na"]


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
        cache = self.__dict__.setdefault("_monthly", {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

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
        am = pd.concat(frames, ignore_index=True)
        return am.drop_duplicates(["platform", "account", "month"], keep="last").reset_index(drop=True)


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


def _row(op, name, actual=np.nan, target=np.nan, score=np.nan, explanation="", inputs="", achievement=None):
    if achievement is None:
        achievement = F.achievement(actual, target) if pd.notna(actual) and pd.notna(target) else np.nan
    return {"operator": op, "indicator": name, "actual": actual, "target": target, "achievement": achievement,
            "score": float(score), "applicable": True, "explanation": explanation, "inputs": inputs, "reason_na": None}


def _na(op, name, reason, inputs=""):
    return {"operator": op, "indicator": name, "actual": np.nan, "target": np.nan, "achievement": np.nan,
            "score": np.nan, "applicable": False,
            "explanation": f"{reason}，不适用，权重分给本维度其他指标", "inputs": inputs, "reason_na": reason}


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
    return posts[win.contains(ts).fillna(False)]


def monthly_post_metric(posts: pd.DataFrame, func) -> pd.DataFrame:
    """platform, account, month, value: func(group of one account-month's posts) for every account-month."""
    if posts.empty:
        return pd.DataFrame(columns=["platform", "account", "month", "value"])
    p = posts.copy()
    p["month"] = pd.to_datetime(p["published_at"]).dt.strftime("%Y-%m")
    out = [{"platform": k[0], "account": k[1], "month": k[2], "value": func(g)}
           for k, g in p.groupby(["platform", "account", "month"], dropna=True)]
    return pd.DataFrame(out, columns=["platform", "account", "month", "value"])


WIS_COLUMNS = ("likes", "saves", "zaikan", "comments", "shares")


def wis_rate(g: pd.DataFrame, w: dict) -> float:
    """Weighted interactions ÷ views over a set of posts."""
    inter = sum(float(w.get(c, 0)) * _col(g, c).fillna(0).sum() for c in WIS_COLUMNS)
    views = _col(g, "views").sum()
    return inter / views if views > 0 else np.nan


def _month_key(published_at: pd.Series) -> pd.Series:
    """YYYY-MM of each timestamp (its own wall time, like .dt.strftime("%Y-%m")), formatted once per distinct month
    instead of once per post."""
    ts = pd.to_datetime(published_at)
    code = ts.dt.year * 100 + ts.dt.month
    names = {c: f"{int(c) // 100:04d}-{int(c) % 100:02d}" for c in code.dropna().unique()}
    return code.map(names)


def _wis_sums(posts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """keys + inter (weighted interactions, the weights applied later) per group: the summed columns of wis_rate.
    One groupby over all posts replaces a Python call of wis_rate per group."""
    def num(c):  # numeric columns as they are (a group sum skips missing values: fillna(0) then sum), else coerced
        s = posts[c]
        plain = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        return s if plain else _col(posts, c)

    summed = [c for c in (*WIS_COLUMNS, "views") if c in posts.columns]
    frame = pd.DataFrame({**{k: posts[k] for k in keys}, **{c: num(c) for c in summed},
                          "cr": _col(posts, "completion_rate")})
    g = frame.groupby(keys, dropna=True, sort=True)
    out = g[summed].sum().astype("float64")
    for c in (*WIS_COLUMNS, "views"):
        if c not in out.columns:  # an absent column counts as 0 (wis_rate's fillna(0); views sum to 0: no rate)
            out[c] = 0.0
    out["cr_mean"] = g["cr"].mean()
    out["cr_n"] = g["cr"].count()
    return out


def _wis_of(sums: pd.DataFrame, w: dict) -> tuple[pd.Series, pd.Series]:
    """(weighted interactions, rate) from _wis_sums, in wis_rate's order of terms."""
    inter = 0
    for c in WIS_COLUMNS:
        inter = inter + float(w.get(c, 0)) * sums[c]
    views = sums["views"]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = (inter / views).where(views > 0, np.nan)
    return inter, rate


def monthly_post_stats(posts: pd.DataFrame, w: dict) -> dict[str, pd.DataFrame]:
    """The per account-month tables of the trailing baselines in one pass over the posts:
    {"completion": mean completion rate, "wis": wis_rate} as platform, account, month, value — the same values as
    monthly_post_metric with those functions, vectorised (that one calls Python per account-month)."""
    if posts.empty:
        e = pd.DataFrame(columns=["platform", "account", "month", "value"])
        return {"completion": e, "wis": e}
    p = pd.DataFrame({c: posts[c] for c in ("platform", "account")})
    p["month"] = _month_key(posts["published_at"])
    for c in (*WIS_COLUMNS, "views", "completion_rate"):
        if c in posts.columns:
            p[c] = posts[c]
    sums = _wis_sums(p, ["platform", "account", "month"])
    _, rate = _wis_of(sums, w)
    return {"completion": sums["cr_mean"].rename("value").reset_index(),
            "wis": rate.rename("value").reset_index()}


def account_post_stats(posts: pd.DataFrame, w: dict) -> tuple[pd.DataFrame, pd.Series]:
    """Per operator × platform × account (sorted): completion-rate mean and count, views, wis rate; and per operator
    the wis rate over all their posts. What content_quality and interaction read, computed once for the team."""
    cols = ["operator", "platform", "account", "cr_mean", "cr_n", "views", "rate"]
    if posts.empty or "operator" not in posts.columns:
        return pd.DataFrame(columns=cols), pd.Series(dtype=float)
    sums = _wis_sums(posts, ["operator", "platform", "account"])
    sums["rate"] = _wis_of(sums, w)[1]
    per_op = _wis_sums(posts, ["operator"])
    return sums.reset_index()[cols], _wis_of(per_op, w)[1]


def growth_stats(am: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of account_month rows (keys, sorted): the month-first non-missing followers_start, and the sum and
    count of non-missing net_growth — what follower_growth reads, computed once for the team."""
    cols = keys + ["start", "net", "n_net"]
    if am.empty:
        return pd.DataFrame(columns=cols)
    d = pd.DataFrame({**{k: am[k] for k in keys}, "month": am["month"],
                      "start": pd.to_numeric(am["followers_start"], errors="coerce").astype("float64"),
                      "net": pd.to_numeric(am["net_growth"], errors="coerce").astype("float64")})
    d = d.sort_values("month", kind="stable")
    g = d.groupby(keys, dropna=True, sort=True)
    out = pd.DataFrame({"start": g["start"].first(), "net": g["net"].sum(), "n_net": g["net"].count()})
    return out.reset_index()[cols]


def _score(spec: Indicator, actual, target, cap):
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


# ----- 内容运营 --------------------------------------------------------------------------------------------------

def content_quality(inp: Inputs, win: Period, cfg: AssessmentConfig, spec: Indicator, op: str, ctx: dict):
    name = "内容质量"
    p = spec.params
    qr = ctx.mine("quality_reviews", op)
    review = _col(qr, "score").dropna()
    stats = ctx.mine("account_stats", op)  # one row per account of the person (account_post_stats)
    base = ctx.index("base_completion")
    cr_parts, notes = [], []
    for plat, acc, cr_mean, n in zip(stats["platform"], stats["account"], stats["cr_mean"], stats["cr_n"]):
        if n == 0:
            continue
        tgt, src = account_target(spec.target, cfg.baseline, op, plat, acc, base)
        if pd.isna(tgt) or tgt <= 0:
            continue
        cr_parts.append((cr_mean, tgt, int(n)))
        notes.append(f"{acc}完播率{pct(cr_mean)}/目标{pct(tgt)}（{src}）")
    parts, text = [], []
    if len(review):
        parts.append((p.get("review_share", 0.6), F.rubric(review.mean())))
        text.append(f"内部评审{len(review)}篇均分{review.mean():.1f}")
    if cr_parts:
        n = sum(c[2] for c in cr_parts)
        ach = sum(c[0] / c[1] * c[2] for c in cr_parts) / n
        cr_score = float(F.linear(ach, 1.0, cap=cfg.scale.cap))
        parts.append((p.get("completion_share", 0.4), cr_score))
        text.append("；".join(notes) + f"，完播达成{cr_score:.1f}分")
    if not parts:
        return _na(op, name, f"{wlabel(win)}无内容质量评审，也无完播率数据", "quality_reviews, posts_clean")
    wsum = sum(w for w, _ in parts)
    score = sum(w * s for w, s in parts) / wsum
    rs, cs = p.get("review_share", 0.6), p.get("completion_share", 0.4)
    mix = (f"评审{rs:.0%}+完播{cs:.0%}" if len(parts) == 2
           else ("仅评审" if len(review) else "仅完播率") + "（另一部分无数据）")
    return _row(op, name, actual=review.mean() if len(review) else cr_parts[0][0], score=score,
                achievement=score / 100, explanation=f"{'；'.join(text)}；{mix}，得分{sc(score)}",
                inputs="quality_reviews, posts_clean")


def post_counts(posts: pd.DataFrame) -> tuple[dict[str, tuple[int, int, int, int]], dict[str, pd.Series]]:
    """Per operator: (posts, posts marked original or not, original, viral), and the rule kind (text before ：/（) of
    each of their viral posts in post order. One pass for the team instead of per-person frames."""
    if posts.empty or "operator" not in posts.columns:
        return {}, {}
    flag = posts["is_original"] if "is_original" in posts.columns else pd.Series(pd.NA, index=posts.index)
    known = flag.notna().to_numpy(dtype=bool)
    orig = np.zeros(len(posts), dtype=bool)
    orig[known] = flag[known].astype(bool).to_numpy(dtype=bool)
    viral = (posts["viral"].fillna(False).astype(bool).to_numpy(dtype=bool) if "viral" in posts.columns
             else np.zeros(len(posts), dtype=bool))
    d = pd.DataFrame({"n": 1, "known": known, "orig": orig, "viral": viral}, index=posts.index)
    g = d.groupby(posts["operator"], sort=False).sum()
    counts = {op: (int(n), int(k), int(o), int(v)) for op, n, k, o, v in
              zip(g.index, g["n"], g["known"], g["orig"], g["viral"])}
    kinds = {}
    if "viral_rule" in posts.columns and viral.any():
        rules = posts.loc[viral, "viral_rule"].dropna().astype(str)
        kind = rules.map({r: re.split(r"[：:（(]", r)[0].strip() for r in rules.unique()})  # once per distinct rule
        kinds = {op: k for op, k in kind.groupby(posts.loc[rules.index, "operator"], sort=False)}
    return counts, kinds


def original_ratio(inp, win, cfg, spec, op, ctx):
    name = "内容原创比例"
    n_posts, n_known, orig, _ = ctx.cached("post_counts", lambda: post_counts(ctx["posts_win"]))[0].get(op, (0, 0, 0, 0))
    if n_posts == 0:
        return _na(op, name, f"{wlabel(win)}无发布内容", "posts_clean")
    if n_known == 0:
        return _na(op, name, f"{wlabel(win)}发布{n_posts}条，排期表均未标注是否原创", "posts_clean, content_calendar")
    ratio = orig / n_known
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, ratio, tgt, cfg.scale.cap))
    return _row(op, name, ratio, tgt, score,
                f"{wlabel(win)}已标注{n_known}条，原创{orig}条，原创比例{pct(ratio)}，目标{pct(tgt)}"
                f"（门槛{pct(spec.params.get('threshold'))}=60分，挑战{pct(spec.params.get('stretch'))}=120分），得分{sc(score)}",
                "posts_clean.is_original")


def calendar_counts(cal: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per operator: (planned items due — on time, late or missed —, of which on time), for the whole team."""
    if cal.empty or "operator" not in cal.columns:
        return {}
    due = cal["status"].isin(["on_time", "late", "missed"]).to_numpy(dtype=bool)
    d = pd.DataFrame({"due": due, "on": due & (cal["status"] == "on_time").fillna(False).to_numpy(dtype=bool)},
                     index=cal.index)
    g = d.groupby(cal["operator"], sort=False).sum()
    return {op: (int(a), int(b)) for op, a, b in zip(g.index, g["due"], g["on"])}


def on_time_rate(inp, win, cfg, spec, op, ctx):
    name = "内容按时发布率"
    n_due, on = ctx.cached("calendar_counts", lambda: calendar_counts(ctx["calendar_win"])).get(op, (0, 0))
    if n_due == 0:
        return _na(op, name, f"{wlabel(win)}内容排期表中无到期的计划内容", "calendar_match")
    rate = on / n_due
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, rate, tgt, cfg.scale.cap))
    return _row(op, name, rate, tgt, score,
                f"{wlabel(win)}计划发布{n_due}条，按时发布{on}条，按时率{pct(rate)}，目标{pct(tgt, 0)}，得分{sc(score)}",
                "calendar_match")


def viral_count(inp, win, cfg, spec, op, ctx):
    name = "爆款内容数量"
    counts, kinds_by_op = ctx.cached("post_counts", lambda: post_counts(ctx["posts_win"]))
    n_posts, _, _, n = counts.get(op, (0, 0, 0, 0))
    if n_posts == 0:
        return _na(op, name, f"{wlabel(win)}无发布内容", "posts_clean")
    tgt, _ = static_target(spec.target, op, months=len(win.months))
    score = float(_score(spec, n, tgt, cfg.scale.cap))
    rules = ""
    kinds = kinds_by_op.get(op)
    if n and kinds is not None:
        rules = "（" + "，".join(f"{k}{c}条" for k, c in kinds.value_counts().items()) + "）" if len(kinds) else ""
    return _row(op, name, n, tgt, score,
                f"{wlabel(win)}发布{n_posts}条，爆款{n}条{rules}，目标{num(tgt)}条，得分{sc(score)}", "posts_clean.viral")


def interaction(inp, win, cfg, spec, op, ctx):
    name = "内容互动情况"
    w = spec.params
    if w != ctx["wis_weights"]:  # the precomputed rates use the configured weights; other weights: compute here
        posts = ctx.mine("posts_win", op)
        stats, rate_all = account_post_stats(posts, w)
        rate_all = rate_all.get(op, np.nan)
    else:
        stats, rate_all = ctx.mine("account_stats", op), ctx["operator_wis"].get(op, np.nan)
    base = ctx.index("base_wis")
    parts, notes = [], []
    for plat, acc, rate, views in zip(stats["platform"], stats["account"], stats["rate"], stats["views"]):
        if pd.isna(rate):
            continue
        tgt, src = account_target(spec.target, cfg.baseline, op, plat, acc, base)
        if pd.isna(tgt) or tgt <= 0:
            continue
        parts.append((rate / tgt, views))
        notes.append(f"{acc}加权互动率{pct(rate, 2)}/目标{pct(tgt, 2)}（{src}）")
    if not parts:
        return _na(op, name, f"{wlabel(win)}无带阅读/播放量的发布内容", "posts_clean")
    total_views = sum(v for _, v in parts)
    ach = sum(a * v for a, v in parts) / total_views
    score = float(F.linear(ach, 1.0, cap=cfg.scale.cap))
    return _row(op, name, rate_all, np.nan, score,
                "；".join(notes) + f"；按播放量加权达成{pct(ach)}，得分{sc(score)}"
                f"（点赞×{w.get('likes', 1)}+收藏/在看×{w.get('saves', 2)}+评论×{w.get('comments', 3)}+转发×{w.get('shares', 4)}）",
                "posts_clean", achievement=ach)


# ----- 用户运营 --------------------------------------------------------------------------------------------------

def follower_growth(inp, win, cfg, spec, op, ctx):
    name = "粉丝增长率"
    am = ctx["account_month_win"]
    mine = ctx.mine("account_month_win", op)
    if mine.empty:
        accs = ctx["accounts"]
        keys = set(map(tuple, accs.loc[accs["operator"] == op, ["platform", "account"]].to_numpy()))
        mine = am[[(p, a) in keys for p, a in zip(am["platform"], am["account"])]] if not am.empty else am
        stats = growth_stats(mine, ["platform", "account"])
    else:
        stats = ctx.mine("growth_stats", op)  # the same per-account figures, computed once for the team
    base_net, base_growth = ctx.index("base_net"), ctx.index("base_growth")
    parts, notes = [], []
    for plat, acc, start, net, n_net in zip(stats["platform"], stats["account"], stats["start"], stats["net"],
                                            stats["n_net"]):
        if n_net == 0:
            continue
        if pd.isna(start) or start <= 0:
            # No follower total in the exports (e.g. Douyin, XHS): the net new followers summed from the posts,
            # against the account's own trailing median of the same figure; without enough history, not scored.
            hit = base_net.get((plat, acc))
            if hit is None or hit["n_months"] < cfg.baseline.min_months or hit["baseline"] <= 0:
                continue
            uplift = spec.target.baseline.uplift
            tgt = float(hit["baseline"]) * len(win.months) * (1 + uplift)
            s = float(F.linear(float(net), tgt, cap=cfg.scale.cap))
            parts.append(s)
            notes.append(f"{acc}无期初粉丝总数，按作品涨粉计净增{num(net)}，目标{num(tgt)}"
                         f"（近{int(hit['n_months'])}月中位数{num(hit['baseline'])}×{1 + uplift:g}），{sc(s)}分")
            continue
        rate = net / start
        tgt, src = account_target(spec.target, cfg.baseline, op, plat, acc, base_growth, months=len(win.months))
        s = float(_score(spec, rate, tgt, cfg.scale.cap))
        parts.append(s)
        notes.append(f"{acc}净增{num(net)}/期初{num(start)}={pct(rate, 2)}，目标{pct(tgt, 2)}（{src}），{sc(s)}分")
    if not parts:
        why = ("账号粉丝表中没有期初粉丝总数（只有作品涨粉数），无法计算增长率" if not mine.empty
               else "无账号粉丝数据")
        return _na(op, name, f"{wlabel(win)}{why}", "account_month")
    score = float(np.mean(parts))
    expl = "；".join(notes) + (f"；{len(parts)}个账号平均，得分{sc(score)}" if len(parts) > 1 else "")
    return _row(op, name, np.nan, np.nan, score, expl, "account_month", achievement=score / 100)


def _community(ctx, op):
    return ctx.mine("community_win", op)


def activity(inp, win, cfg, spec, op, ctx):
    name = "用户活跃度"
    c = _community(ctx, op)
    dau, members = _col(c, "avg_daily_active"), _col(c, "members_start")
    ok = dau.notna() & (members > 0)
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无社群日活记录", "community")
    rate = dau[ok].sum() / members[ok].sum()
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, rate, tgt, cfg.scale.cap))
    return _row(op, name, rate, tgt, score,
                f"{wlabel(win)}{ok.sum()}个社群日均活跃{num(dau[ok].sum())}人/成员{num(members[ok].sum())}人，"
                f"日活率{pct(rate)}，目标{pct(tgt)}，得分{sc(score)}", "community")


def retention(inp, win, cfg, spec, op, ctx):
    name = "用户留存率"
    p = spec.params
    c = _community(ctx, op)
    lost, start = _col(c, "members_lost"), _col(c, "members_start")
    ok = lost.notna() & (start > 0)
    if ok.any():
        ret = 1 - lost[ok].sum() / start[ok].sum()
        tgt, _ = static_target(spec.target, op)
        score = float(_score(spec, ret, tgt, cfg.scale.cap))
        return _row(op, name, ret, tgt, score,
                    f"{wlabel(win)}社群流失{num(lost[ok].sum())}人/期初{num(start[ok].sum())}人，留存率{pct(ret)}，"
                    f"目标{pct(tgt)}，得分{sc(score)}", "community")
    mine = ctx.mine("account_month_win", op)
    lost, start = _col(mine, "followers_lost"), _col(mine, "followers_start")
    ok = lost.notna() & (start > 0)
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无社群流失记录，也无粉丝取关数据", "community, account_month")
    ret = 1 - lost[ok].sum() / start[ok].sum()
    t0, t1, t2 = p.get("follower_threshold", 0.97), p.get("follower_target", 0.99), p.get("follower_stretch", 0.998)
    score = float(F.bands(ret, t0, t1, t2, cap=cfg.scale.cap))
    return _row(op, name, ret, t1, score,
                f"{wlabel(win)}无社群记录，按粉丝计：取关{num(lost[ok].sum())}/期初{num(start[ok].sum())}，留存率{pct(ret, 2)}，"
                f"目标{pct(t1)}（门槛{pct(t0)}），得分{sc(score)}", "account_month")


def conversion(inp, win, cfg, spec, op, ctx):
    name = "用户转化率"
    c = ctx.mine("conversions_win", op)
    reached, conv = _col(c, "reached"), _col(c, "converted")
    ok = reached > 0
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无用户转化记录", "conversions")
    rate = conv[ok].sum() / reached[ok].sum()
    tr = _col(c, "target_rate")[ok]
    if tr.notna().any():
        tgt = float((tr * reached[ok]).sum() / reached[ok][tr.notna()].sum())
        src = "表内目标"
    else:
        tgt, src = static_target(spec.target, op)
    score = float(_score(spec, rate, tgt, cfg.scale.cap))
    paths = "、".join(c.loc[ok, "path"].dropna().astype(str).unique()[:3]) if "path" in c.columns else ""
    return _row(op, name, rate, tgt, score,
                f"{wlabel(win)}{paths}触达{num(reached[ok].sum())}人，转化{num(conv[ok].sum())}人，转化率{pct(rate, 2)}，"
                f"目标{pct(tgt, 2)}（{src}），得分{sc(score)}", "conversions")


def core_users(inp, win, cfg, spec, op, ctx):
    name = "核心用户贡献度"
    c = _community(ctx, op)
    core, total = _col(c, "core_interactions"), _col(c, "total_interactions")
    ok = core.notna() & (total > 0)
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}社群记录中无核心用户互动数据", "community")
    share = core[ok].sum() / total[ok].sum()
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, share, tgt, cfg.scale.cap))
    return _row(op, name, share, tgt, score,
                f"{wlabel(win)}核心用户互动{num(core[ok].sum())}/总互动{num(total[ok].sum())}，占比{pct(share)}，"
                f"目标{pct(tgt)}，得分{sc(score)}", "community")


# ----- 平台与活动运营 -----------------------------------------------------------------------------------------------

def campaign_achievement(inp, win, cfg, spec, op, ctx):
    name = "活动目标达成率"
    c = ctx.mine("campaigns_win", op)
    tgt_col, act = _col(c, "target"), _col(c, "actual")
    ok = act.notna() & tgt_col.notna()
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无活动记录", "campaigns")
    scale, _ = static_target(spec.target, op)
    scores = F.linear(act[ok], tgt_col[ok] * scale, cap=cfg.scale.cap)
    budget = _col(c, "budget")[ok]
    weights = budget if budget.notna().all() and budget.sum() > 0 else pd.Series(1.0, index=scores.index)
    score = float((scores * weights).sum() / weights.sum())
    items = "；".join(f"{n}{num(a)}/{num(t)}" for n, a, t in zip(c.loc[ok, "campaign"], act[ok], tgt_col[ok]))
    how = "按预算加权" if weights is budget else "等权"
    return _row(op, name, float((act[ok] / tgt_col[ok].where(tgt_col[ok] != 0)).mean()), 1.0, score,
                f"{wlabel(win)}{ok.sum()}个活动：{items}，{how}平均得分{sc(score)}", "campaigns", achievement=score / 100)


def campaign_roi(inp, win, cfg, spec, op, ctx):
    name = "活动ROI"
    c = ctx.mine("campaigns_win", op)
    cost, rev = _col(c, "cost"), _col(c, "revenue")
    ok = (cost > 0) & rev.notna()
    if not ok.any():
        return _na(op, name, f"{wlabel(win)}无带成本和收入的活动（不涉及直接转化）", "campaigns")
    roi = (rev[ok].sum() - cost[ok].sum()) / cost[ok].sum()
    troi = _col(c, "target_roi")[ok]
    if troi.notna().any():
        tgt, src = float((troi * cost[ok]).sum() / cost[ok][troi.notna()].sum()), "活动表目标"
    else:
        tgt, src = static_target(spec.target, op)
    score = float(_score(spec, roi, tgt, cfg.scale.cap))
    return _row(op, name, roi, tgt, score,
                f"{wlabel(win)}收入{num(rev[ok].sum())}元、成本{num(cost[ok].sum())}元，ROI {roi:.2f}，目标{tgt:.2f}（{src}，"
                f"{spec.params.get('threshold_ratio', 0.5):g}倍=60分），得分{sc(score)}", "campaigns")


def partnership_quality(inp, win, cfg, spec, op, ctx):
    name = "合作项目完成质量与效率"
    p = spec.params
    d = ctx.mine("partnerships_win", op)
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无合作项目记录", "partnerships")
    q = _col(d, "quality_score").dropna()
    due = pd.to_datetime(d["due_date"], errors="coerce") if "due_date" in d.columns else pd.Series(pd.NaT, index=d.index)
    done = pd.to_datetime(d["delivered_date"], errors="coerce") if "delivered_date" in d.columns else pd.Series(pd.NaT, index=d.index)
    judged = due.notna() & done.notna()
    parts, text = [], []
    if len(q):
        parts.append((p.get("quality_share", 0.5), float(F.rubric(q.mean()))))
        text.append(f"质量评分均值{q.mean():.1f}")
    if judged.any():
        ontime = float((done[judged] <= due[judged]).mean())
        parts.append((p.get("on_time_share", 0.5), 100 * ontime))
        text.append(f"按期交付{int((done[judged] <= due[judged]).sum())}/{int(judged.sum())}")
    if not parts:
        return _na(op, name, f"{wlabel(win)}合作项目无质量评分和交付日期", "partnerships")
    score = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
    return _row(op, name, q.mean() if len(q) else np.nan, np.nan, score,
                f"{wlabel(win)}{len(d)}个合作项目：{'，'.join(text)}，得分{sc(score)}", "partnerships",
                achievement=score / 100)


def media_exposure(inp, win, cfg, spec, op, ctx):
    name = "媒体曝光量"
    c, d = ctx.mine("campaigns_win", op), ctx.mine("partnerships_win", op)
    ci, di = _col(c, "media_impressions"), _col(d, "media_impressions")
    if ci.notna().sum() + di.notna().sum() == 0:
        return _na(op, name, f"{wlabel(win)}活动和合作记录中无媒体曝光量", "campaigns, partnerships")
    actual = ci.sum() + di.sum()
    ct = _col(c, "media_impressions_target")
    if ct.notna().any():
        tgt, src = float(ct.sum()), "活动表目标"
    else:
        tgt, src = static_target(spec.target, op, months=len(win.months))
    score = float(_score(spec, actual, tgt, cfg.scale.cap))
    return _row(op, name, actual, tgt, score,
                f"{wlabel(win)}媒体曝光{num(actual)}，目标{num(tgt)}（{src}），得分{sc(score)}", "campaigns, partnerships")


def partner_growth(inp, win, cfg, spec, op, ctx):
    name = "合作资源拓展数量与质量"
    d = ctx.mine("partnerships_win", op)
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无合作项目记录", "partnerships")
    new = d["is_new_partner"].fillna(False).astype(bool) if "is_new_partner" in d.columns else pd.Series(False, index=d.index)
    rating = _col(d, "partner_rating")
    min_r = spec.params.get("min_rating", 3)
    qualified = new & (rating.isna() | (rating >= min_r))
    n_new = d.loc[new, "partner"].nunique()
    n = d.loc[qualified, "partner"].nunique()
    tgt, _ = static_target(spec.target, op, months=len(win.months))
    score = float(_score(spec, n, tgt, cfg.scale.cap))
    return _row(op, name, n, tgt, score,
                f"{wlabel(win)}新合作方{n_new}家，其中评级≥{min_r}（或未评级）{n}家，目标{num(tgt)}家，得分{sc(score)}",
                "partnerships")


# ----- 数据分析与优化 ----------------------------------------------------------------------------------------------

def reports(inp, win, cfg, spec, op, ctx):
    name = "数据报告及时性与质量"
    p = spec.params
    d = ctx.mine("data_reports_win", op)
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无应交数据报告", "data_reports")
    due = pd.to_datetime(d["due_date"], errors="coerce")
    sub = pd.to_datetime(d["submitted_date"], errors="coerce") if "submitted_date" in d.columns else pd.Series(pd.NaT, index=d.index)
    missing = int(sub.isna().sum())
    late_days = ((sub - due).dt.days.clip(lower=0)).fillna(0)
    days = float(late_days.sum())
    timely = float(F.deduction(days * p.get("per_day_late", 10) + missing * p.get("per_missing", 25), 1.0))
    q = _col(d, "quality_score").dropna()
    if len(q):
        qs = float(F.rubric(q.mean()))
        ts, qsh = p.get("timeliness_share", 0.5), p.get("quality_share", 0.5)
        score = (ts * timely + qsh * qs) / (ts + qsh)
        qtext = f"；质量评分均值{q.mean():.1f}；及时{int(ts * 100)}%+质量{int(qsh * 100)}%"
    else:
        score, qtext = timely, "；无质量评分，仅按及时性"
    return _row(op, name, days, 0.0, score,
                f"{wlabel(win)}应交{len(d)}份，逾期共{days:g}天、未交{missing}份，及时性100−{p.get('per_day_late', 10):g}×{days:g}"
                f"−{p.get('per_missing', 25):g}×{missing}={timely:.0f}{qtext}，得分{sc(score)}", "data_reports",
                achievement=score / 100)


def suggestions(inp, win, cfg, spec, op, ctx):
    name = "优化建议数量及采纳率"
    p = spec.params
    d = ctx.mine("suggestions_win", op)
    tgt, _ = static_target(spec.target, op, months=len(win.months))
    if d.empty:
        if "suggestions" in ctx["present"]:
            score = 0.0
            return _row(op, name, 0, tgt, score, f"{wlabel(win)}未提交优化建议，目标{num(tgt)}条，得分0.0", "suggestions")
        return _na(op, name, f"{wlabel(win)}无优化建议记录表", "suggestions")
    n = len(d)
    adopted = int(d["adopted"].fillna(False).astype(bool).sum()) if "adopted" in d.columns else 0
    count_score = float(F.linear(n, tgt, cap=cfg.scale.cap))
    if n >= p.get("min_for_adoption", 3):
        rate = adopted / n
        ad_score = float(F.linear(rate, p.get("adoption_target", 0.5), cap=cfg.scale.cap))
        cs = p.get("count_share", 0.5)
        score = cs * count_score + (1 - cs) * ad_score
        extra = f"，采纳{adopted}条（{pct(rate)}，目标{pct(p.get('adoption_target', 0.5), 0)}，{sc(ad_score)}分）；各占一半"
    else:
        score, extra = count_score, f"，采纳{adopted}条；不足{p.get('min_for_adoption', 3)}条只按数量计"
    return _row(op, name, n, tgt, score,
                f"{wlabel(win)}提交建议{n}条（目标{num(tgt)}条，{sc(count_score)}分）{extra}，得分{sc(score)}", "suggestions")


METRIC_ALIASES = {"views": ["阅读", "播放", "观看", "views", "阅读量", "播放量"], "likes": ["点赞", "likes"],
                  "comments": ["评论", "comments"], "shares": ["转发", "分享", "shares"], "saves": ["收藏", "saves"],
                  "completion_rate": ["完播", "completion"], "followers_gained": ["涨粉", "关注", "粉丝"],
                  "wis": ["互动", "engagement"]}


METRIC_NAMES = {"views": "阅读/播放量", "likes": "点赞", "comments": "评论", "shares": "转发/分享", "saves": "收藏",
                "completion_rate": "完播率", "followers_gained": "涨粉", "wis": "加权互动率"}


def _short(x: float, metric: str) -> str:
    return pct(x) if metric in ("completion_rate", "wis") else num(x)


def metric_of(text) -> str | None:
    if text is None or pd.isna(text):
        return "views"
    t = str(text).lower()
    for col, words in METRIC_ALIASES.items():
        if any(w.lower() in t for w in words):
            return col
    return None


def strategy_uplift(inp, win, cfg, spec, op, ctx):
    name = "策略迭代后关键指标改善幅度"
    p = spec.params
    d = ctx.mine("suggestions_all", op)
    if d.empty or "effective_date" not in d.columns:
        return _na(op, name, f"{wlabel(win)}无已实施的策略调整", "suggestions")
    eff = pd.to_datetime(d["effective_date"], errors="coerce")
    adopted = d["adopted"].fillna(False).astype(bool) if "adopted" in d.columns else pd.Series(True, index=d.index)
    d = d[adopted & in_window_dates(eff, win)]
    if d.empty:
        return _na(op, name, f"{wlabel(win)}无已实施的策略调整", "suggestions")
    posts = ctx["posts_all"]
    days = pd.Timedelta(days=p.get("window_days", 14))
    min_posts = p.get("min_posts", 5)
    ups, notes, skipped = [], [], []
    for _, s in d.iterrows():
        metric = metric_of(s.get("target_metric"))
        scope = posts
        if pd.notna(s.get("account")):
            scope = scope[scope["account"] == s["account"]]
        elif pd.notna(s.get("platform")):
            scope = scope[scope["platform"] == s["platform"]]
        else:
            scope = scope[scope["operator"] == op]
        t0 = pd.Timestamp(s["effective_date"]).tz_localize(win.start.tz)
        ts = pd.to_datetime(scope["published_at"]) if not scope.empty else pd.Series(dtype="datetime64[ns, Asia/Shanghai]")
        before, after = scope[(ts >= t0 - days) & (ts < t0)], scope[(ts >= t0) & (ts < t0 + days)]
        if metric is None or len(before) < min_posts or len(after) < min_posts:
            skipped.append(f"「{str(s['suggestion'])[:12]}」前后各需≥{min_posts}条（{len(before)}/{len(after)}）"
                           if metric else f"「{str(s['suggestion'])[:12]}」目标指标无法识别")
            continue
        if metric == "wis":
            vb = (before.apply(lambda r: wis_rate(r.to_frame().T, ctx["wis_weights"]), axis=1)).median()
            va = (after.apply(lambda r: wis_rate(r.to_frame().T, ctx["wis_weights"]), axis=1)).median()
        else:
            vb, va = _col(before, metric).median(), _col(after, metric).median()
        if not vb or pd.isna(vb) or pd.isna(va):
            skipped.append(f"「{str(s['suggestion'])[:12]}」调整前指标为0或缺失")
            continue
        up = (va - vb) / vb
        ups.append(up)
        notes.append(f"「{str(s['suggestion'])[:12]}」{METRIC_NAMES.get(metric, metric)}中位数{_short(vb, metric)}→"
                     f"{_short(va, metric)}（{up:+.1%}）")
    if not ups:
        return _na(op, name, "策略调整前后样本不足：" + "；".join(skipped), "suggestions, posts_clean")
    uplift = float(np.mean(ups))
    tgt, _ = static_target(spec.target, op)
    score = float(_score(spec, uplift, tgt, cfg.scale.cap))
    return _row(op, name, uplift, tgt, score,
                f"{'；'.join(notes)}（前后各{days.days}天），平均改善{uplift:+.1%}，目标{pct(tgt, 0)}，得分{sc(score)}",
                "suggestions, posts_clean")


# ----- 综合能力与协作 ----------------------------------------------------------------------------------------------

CRITERIA = {"专业能力": "professional", "职业素养": "conduct", "团队协作": "teamwork"}


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    """Alias → role (manager / peer / self) from config/team_tables.yaml `rater_roles`."""
    raw = catalog.team_tables_config().rater_roles   # read once, validated, by the catalog
    return {str(a).strip().lower(): role for role, aliases in raw.items() for a in aliases}


def role_of(text) -> str | None:
    if text is None or pd.isna(text):
        return None
    return _roles().get(str(text).strip().lower())


def review_mix(reviews: pd.DataFrame, column: str, mix: dict[str, float]) -> tuple[float, str]:
    """Rater-mix weighted 1–5 rating for one person; roles absent are re-weighted. Returns (rating, explanation)."""
    role = reviews["_role"] if "_role" in reviews.columns else reviews["rater_role"].map(role_of)
    r = reviews.assign(_role=role, _v=_col(reviews, column)).dropna(subset=["_v"])
    r = r[r["_role"].notna()]
    if r.empty:
        return np.nan, ""
    by = r.groupby("_role")["_v"].mean()
    return _mix(list(by.index), by.to_numpy(dtype=float), mix)


_ROLE_NAMES = {"manager": "上级", "peer": "同事", "self": "自评"}


def _mix(roles: list[str], means: np.ndarray, mix: dict[str, float]) -> tuple[float, str]:
    """The rater-mix rating of one person from the mean rating per role (roles sorted)."""
    w = np.array([mix.get(k, 0) for k in roles], dtype=float)
    if w.sum() <= 0:
        return np.nan, ""
    rating = float((means * w).sum() / w.sum())
    text = "+".join(f"{_ROLE_NAMES[k]}{m:.2f}×{x / w.sum():.0%}" for k, m, x in zip(roles, means, w))
    return rating, text


def review_mix_all(reviews: pd.DataFrame, column: str, mix: dict[str, float]) -> dict[str, tuple[float, str]]:
    """review_mix for every operator at once: {operator: (rating, explanation)}; operators without a usable rating
    are absent. One groupby for the team instead of one per person."""
    if reviews.empty:
        return {}
    role = reviews["_role"] if "_role" in reviews.columns else reviews["rater_role"].map(role_of)
    r = pd.DataFrame({"operator": reviews["operator"], "_role": role, "_v": _col(reviews, column)})
    r = r.dropna(subset=["_v"])
    r = r[r["_role"].notna()]
    by = r.groupby(["operator", "_role"])["_v"].mean()
    per_op: dict[str, tuple[list, list]] = {}
    for (op, role_name), v in by.items():  # sorted by operator then role, like review_mix's groupby
        roles, means = per_op.setdefault(op, ([], []))
        roles.append(role_name)
        means.append(v)
    return {op: _mix(roles, np.array(means, dtype=float), mix) for op, (roles, means) in per_op.items()}


def qualitative(inp, win, cfg, spec, op, ctx, criterion: str):
    rv = ctx.mine("reviews_win", op)
    if rv.empty:
        return _na(op, criterion, f"{wlabel(win)}无综合能力评价（考核周期 {win.text}）", "qualitative_reviews")
    table = ctx.cached(f"mix:{criterion}", lambda: review_mix_all(ctx["reviews_win"], CRITERIA[criterion], cfg.rater_mix))
    rating, text = table.get(op, (np.nan, ""))
    if pd.isna(rating):
        return _na(op, criterion, f"{win.text}评价中无可识别的评价人角色或{criterion}评分", "qualitative_reviews")
    score = float(F.rubric(rating, 5))
    return _row(op, criterion, rating, np.nan, score,
                f"{wlabel(win)}{criterion}评分 {text} = {rating:.2f}，×20得分{sc(score)}", "qualitative_reviews",
                achievement=score / 100)


REGISTRY = {
    "内容质量": content_quality, "内容原创比例": original_ratio, "内容按时发布率": on_time_rate,
    "爆款内容数量": viral_count, "内容互动情况": interaction,
    "粉丝增长率": follower_growth, "用户活跃度": activity, "用户留存率": retention, "用户转化率": conversion,
    "核心用户贡献度": core_users,
    "活动目标达成率": campaign_achievement, "活动ROI": campaign_roi, "合作项目完成质量与效率": partnership_quality,
    "媒体曝光量": media_exposure, "合作资源拓展数量与质量": partner_growth,
    "数据报告及时性与质量": reports, "优化建议数量及采纳率": suggestions, "策略迭代后关键指标改善幅度": strategy_uplift,
    "专业能力": lambda *a: qualitative(*a, criterion="专业能力"),
    "职业素养": lambda *a: qualitative(*a, criterion="职业素养"),
    "团队协作": lambda *a: qualitative(*a, criterion="团队协作"),
}


# ----- window context and the driver -----------------------------------------------------------------------------

def _date_window(df: pd.DataFrame, cols: list[str], win: Period) -> pd.DataFrame:
    if df.empty:
        return df
    when = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    for c in cols:
        if c in df.columns:
            when = when.fillna(pd.to_datetime(df[c], errors="coerce"))
    return df[in_window_dates(when, win)]


def _calendar_with_operator(inp: Inputs) -> pd.DataFrame:
    cm = inp.calendar_match
    if cm.empty:
        return cm
    owners = inp.accounts().drop_duplicates(["platform", "account"]).rename(columns={"operator": "_owner"})
    cm = cm.merge(owners, on=["platform", "account"], how="left")
    op = cm["operator"] if "operator" in cm.columns else pd.Series(pd.NA, index=cm.index)
    return cm.assign(operator=op.fillna(cm["_owner"])).drop(columns="_owner")


class Context(dict):
    """The window's tables by name; `mine(name, op)` gives one person's rows (split once per table)."""

    def mine(self, name: str, op: str) -> pd.DataFrame:
        splits = self.setdefault("_splits", {})
        if name not in splits:
            df = self[name]
            splits[name] = ({k: g for k, g in df.groupby("operator", sort=False)}
                            if not df.empty and "operator" in df.columns else {}, df.iloc[0:0])
        groups, empty = splits[name]
        return groups.get(op, empty)

    def cached(self, key: str, build):
        """A team-wide table built once per window (e.g. every person's review mix)."""
        cache = self.setdefault("_cached", {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def index(self, name: str) -> dict:
        """A baseline table as a {(platform, account): row} dict (built once; see targets.baseline_index)."""
        cache = self.setdefault("_indexes", {})
        if name not in cache:
            cache[name] = baseline_index(self[name])
        return cache[name]


def window_context(inp: Inputs, win: Period, cfg: AssessmentConfig) -> Context:
    t = inp.tables
    rule = cfg.baseline
    first = win.months[0]
    allp = inp.all_posts()
    posts_win = posts_in(inp.posts, win)
    if "operator" in posts_win.columns and not posts_win.empty and not posts_win["operator"].isna().any():
        posts_win = posts_win.reset_index(drop=True)  # what the merge below gives when every post has its operator
    elif "operator" in posts_win.columns and not posts_win.empty:
        owners = inp.accounts().drop_duplicates(["platform", "account"]).rename(columns={"operator": "_owner"})
        posts_win = posts_win.merge(owners, on=["platform", "account"], how="left")
        posts_win = posts_win.assign(operator=posts_win["operator"].fillna(posts_win["_owner"])).drop(columns="_owner")
    before = allp
    wis_w = cfg.indicators["内容互动情况"].params if "内容互动情况" in cfg.indicators else {}
    am_all = inp.all_account_month()
    hist_growth = am_all.assign(value=pd.to_numeric(am_all.get("growth_rate"), errors="coerce")) if not am_all.empty \
        else pd.DataFrame(columns=["platform", "account", "month", "value"])
    cal = _calendar_with_operator(inp)
    cal_win = cal[in_window_dates(cal["planned_at"], win)] if not cal.empty else cal
    am_win = am_all[am_all["month"].isin(win.months)] if not am_all.empty else am_all
    if not am_win.empty and am_win["operator"].isna().any():
        owners = inp.accounts().drop_duplicates(["platform", "account"]).rename(columns={"operator": "_owner"})
        am_win = am_win.merge(owners, on=["platform", "account"], how="left")
        am_win = am_win.assign(operator=am_win["operator"].fillna(am_win["_owner"])).drop(columns="_owner")
    reviews = t.get("qualitative_reviews", pd.DataFrame())
    reviews_win = reviews_for(reviews, win)
    if not reviews_win.empty and "rater_role" in reviews_win.columns:
        reviews_win = reviews_win.assign(_role=reviews_win["rater_role"].map(role_of))  # once, not per person
    stats, op_wis = account_post_stats(posts_win, wis_w)
    monthly = inp.monthly(f"posts:{sorted(wis_w.items())}", lambda: monthly_post_stats(before, wis_w))
    return Context({
        "accounts": inp.accounts(),
        "posts_win": posts_win,
        "posts_all": allp,
        "wis_weights": wis_w,
        "account_stats": stats,
        "operator_wis": op_wis,
        "growth_stats": growth_stats(am_win, ["operator", "platform", "account"]),
        "base_completion": trailing_baseline(monthly["completion"], first, rule),
        "base_wis": trailing_baseline(monthly["wis"], first, rule),
        "base_growth": trailing_baseline(hist_growth, first, rule),
        "base_net": trailing_baseline(am_all.assign(value=pd.to_numeric(am_all.get("net_growth"), errors="coerce"))
                                      if not am_all.empty else hist_growth, first, rule),
        "calendar_win": cal_win,
        "account_month_win": am_win,
        "quality_reviews": _date_window(t.get("quality_reviews", pd.DataFrame()), ["review_date"], win),
        "community_win": rows_for_month_table(t.get("community", pd.DataFrame()), win, inp.period),
        "conversions_win": rows_for_month_table(t.get("conversions", pd.DataFrame()), win, inp.period),
        "campaigns_win": _date_window(t.get("campaigns", pd.DataFrame()), ["end_date", "start_date"], win),
        "partnerships_win": _date_window(t.get("partnerships", pd.DataFrame()), ["delivered_date", "due_date", "start_date"], win),
        "data_reports_win": _date_window(t.get("data_reports", pd.DataFrame()), ["due_date"], win),
        "suggestions_win": _date_window(t.get("suggestions", pd.DataFrame()), ["submitted_date"], win),
        "suggestions_all": t.get("suggestions", pd.DataFrame()),
        "reviews_win": reviews_win,
        "present": {k for k, v in t.items() if not v.empty},
    })


def compute_indicators(inp: Inputs, win: Period, cfg: AssessmentConfig, names: list[str] | None = None) -> pd.DataFrame:
    """One row per person × indicator for the window (all configured indicators, or `names`)."""
    ctx = window_context(inp, win, cfg)
    rows = []
    for name, spec in cfg.indicators.items():
        if names is not None and name not in names:
            continue
        for op in inp.people:
            try:
                rows.append(REGISTRY[name](inp, win, cfg, spec, op, ctx))
            except Exception as exc:  # bad input never crashes the whole run: the indicator says why
                rows.append(_na(op, name, f"计算出错（{type(exc).__name__}: {exc}），请检查输入数据"))
    out = pd.DataFrame(rows, columns=ROW_COLUMNS)
    out["period"] = win.text
    out["dimension"] = out["indicator"].map({k: v.dimension for k, v in cfg.indicators.items()})
    out["core_aux"] = out["indicator"].map({k: v.role for k, v in cfg.indicators.items()})
    out["weight"] = out["indicator"].map({k: v.weight / 100 for k, v in cfg.indicators.items()})
    return out
