"""Public account indices (清博/gsdata), shown as context next to the team's own scores, never inside them.

Formulas and worked examples: ../shared/spec/scoring-anchors.md §1.1–1.2.

- WCI V14.2 (WeChat), variant "a" (gsdata's current usage page: reads 0.70, 在看 0.09, 点赞 0.06, 转发 0.15, ×1.2)
  and variant "b" (earlier V14.x re-implementations: reads 0.85, 在看 0.09, 点赞 0.06, no shares, same ×1.2).
- WCI V2.0 (historic, reads 80 % / likes 20 %).
- BCI (Weibo) and BVCI V2.0 (Bilibili).

The weights below are the published formulas themselves (changing one would no longer give "WCI V14.2"), so they
are module constants rather than team settings; what the team may tune (the 10万+ stand-in value, the interaction
definitions) lives in config/metrics.yaml.

`account_indices(posts, account_month, period)` computes the applicable index per account from post-level data over
the whole period (a quarter's WCI is recomputed from its posts, never averaged from months).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .metrics import MetricDictionary, load_metrics, views_for_index
from .periods import Period

# --- published weights -------------------------------------------------------------------------------------------
WCI_V14_2_BLOCKS = {"O": 0.6, "A": 0.2, "H": 0.1, "P": 0.1}
WCI_V14_2_SIGNALS = {
    # signal: (weight, multiplier inside the log)
    "a": {"reads": (0.70, 1), "zaikan": (0.09, 10), "likes": (0.06, 10), "shares": (0.15, 10)},
    "b": {"reads": (0.85, 1), "zaikan": (0.09, 10), "likes": (0.06, 10)},
}
WCI_V14_2_SCALE = {"a": 1.2 * 10, "b": 1.2 * 10}
WCI_V2 = {"reads": 0.8, "likes": 0.2, "total": 0.40, "average": 0.45, "max": 0.15, "scale": 10}
BCI = {"activity": 0.2, "reach": 0.8, "shares": 0.4, "comments": 0.4, "likes": 0.2, "scale": 160}
BVCI = {"videos": 0.15, "plays_per_day": 0.25, "comments_per_day": 0.30, "followers": 0.18, "follower_gain": 0.12,
        "scale": 100}

INDEX_NAMES = {"wci_v14_2": "WCI V14.2", "wci_v14_2_b": "WCI V14.2(b)", "wci_v2": "WCI V2.0", "bci": "BCI",
               "bvci": "BVCI V2.0"}


def _ln1(x: float) -> float:
    return math.log(max(float(x), 0.0) + 1.0)


def _wci_block(values: dict[str, float], variant: str) -> float:
    return sum(w * _ln1(k * values.get(sig, 0.0)) for sig, (w, k) in WCI_V14_2_SIGNALS[variant].items())


def wci_v14_2(*, d: float, n: float, reads: float, zaikan: float, likes: float, shares: float = 0.0,
              head_reads: float, head_zaikan: float, head_likes: float, head_shares: float = 0.0,
              max_reads: float, max_zaikan: float, max_likes: float, max_shares: float = 0.0,
              variant: str = "a") -> dict[str, float]:
    """WCI V14.2 with its four blocks: O (overall, per day), A (per article), H (lead articles, per day), P (peaks).

    Returns {"O", "A", "H", "P", "wci"}. With n == 0 the index is 0 (no articles, nothing to spread).
    """
    if variant not in WCI_V14_2_SIGNALS:
        raise ValueError(f"unknown WCI V14.2 variant {variant!r} (use 'a' or 'b')")
    if d <= 0:
        raise ValueError("d (days in the period) must be positive")
    if n <= 0:
        return {"O": 0.0, "A": 0.0, "H": 0.0, "P": 0.0, "wci": 0.0}
    totals = {"reads": reads, "zaikan": zaikan, "likes": likes, "shares": shares}
    heads = {"reads": head_reads, "zaikan": head_zaikan, "likes": head_likes, "shares": head_shares}
    maxes = {"reads": max_reads, "zaikan": max_zaikan, "likes": max_likes, "shares": max_shares}
    blocks = {
        "O": _wci_block({k: v / d for k, v in totals.items()}, variant),
        "A": _wci_block({k: v / n for k, v in totals.items()}, variant),
        "H": _wci_block({k: v / d for k, v in heads.items()}, variant),
        "P": _wci_block(maxes, variant),
    }
    inner = sum(WCI_V14_2_BLOCKS[b] * v for b, v in blocks.items())
    return {**blocks, "wci": inner ** 2 * WCI_V14_2_SCALE[variant]}


def wci_v2(*, reads: float, likes: float, n: float, max_reads: float, max_likes: float) -> float:
    """WCI V2.0: (0.8·[0.40 ln(R+1)+0.45 ln(R/n+1)+0.15 ln(Rmax+1)] + 0.2·[same for likes])² × 10."""
    if n <= 0:
        return 0.0
    w = WCI_V2

    def part(total: float, top: float) -> float:
        return w["total"] * _ln1(total) + w["average"] * _ln1(total / n) + w["max"] * _ln1(top)

    return (w["reads"] * part(reads, max_reads) + w["likes"] * part(likes, max_likes)) ** 2 * w["scale"]


def bci(*, posts: float, shares: float, comments: float, likes: float) -> float:
    """BCI (微博传播指数) = (0.2·ln(posts+1) + 0.8·[0.4 ln(reposts+1) + 0.4 ln(comments+1) + 0.2 ln(likes+1)]) × 160."""
    w = BCI
    reach = w["shares"] * _ln1(shares) + w["comments"] * _ln1(comments) + w["likes"] * _ln1(likes)
    return (w["activity"] * _ln1(posts) + w["reach"] * reach) * w["scale"]


def bvci(*, videos: float, plays_per_day: float, comments_per_day: float, followers: float,
         follower_gain: float) -> float:
    """BVCI V2.0 (B站) = [0.15 ln(X1+1) + 0.25 ln(X2+1) + 0.30 ln(X3+1) + 0.18 ln(X4+1) + 0.12 ln(X5+1)] × 100.

    A negative follower change counts as 0 (the log of a loss is undefined in the published formula)."""
    w = BVCI
    return (w["videos"] * _ln1(videos) + w["plays_per_day"] * _ln1(plays_per_day)
            + w["comments_per_day"] * _ln1(comments_per_day) + w["followers"] * _ln1(followers)
            + w["follower_gain"] * _ln1(max(follower_gain, 0.0))) * w["scale"]


# --- from post-level data --------------------------------------------------------------------------------------------
def _sum(s: pd.Series) -> float:
    return float(pd.to_numeric(s, errors="coerce").fillna(0).sum())


def _max(s: pd.Series) -> float:
    v = pd.to_numeric(s, errors="coerce").max()
    return 0.0 if pd.isna(v) else float(v)


def _lead_articles(group: pd.DataFrame) -> pd.DataFrame:
    """The lead (头条) article of each push: posts sharing one publish minute form a push, the first row is the lead."""
    key = group["published_at"].dt.floor("min")
    order = group.assign(_push=key).sort_values(["_push", "source_row"] if "source_row" in group else ["_push"])
    return order.drop_duplicates("_push", keep="first")


def _missing(group: pd.DataFrame, cols: list[str]) -> list[str]:
    return [c for c in cols if c not in group.columns or group[c].isna().all()]


def account_indices(posts: pd.DataFrame, account_month: pd.DataFrame | None, period: str,
                    md: MetricDictionary | None = None) -> pd.DataFrame:
    """One row per account and applicable index: platform, account, operator, index, value, inputs (text), note.

    `posts` are the period's posts (in_period rows of posts_clean). WeChat gets WCI V14.2 (a, current) and (b);
    Weibo gets BCI; Bilibili gets BVCI (followers from account_month, else the note says so). Other platforms have no
    public formula and get no row.
    """
    md = md or load_metrics()
    days = Period.parse(period).days
    cols = ["platform", "account", "operator", "index", "value", "inputs", "note"]
    rows: list[dict] = []
    if posts is None or posts.empty:
        return pd.DataFrame(columns=cols)
    am = account_month if account_month is not None else pd.DataFrame()
    for (platform, account), group in posts.groupby(["platform", "account"], dropna=False, sort=True):
        operator = group["operator"].dropna().iloc[0] if group["operator"].notna().any() else pd.NA
        n = len(group)
        base = {"platform": platform, "account": account, "operator": operator}
        if platform == "wechat":
            g = group.assign(views=views_for_index(group, md))
            head = _lead_articles(g)
            absent = _missing(g, ["views", "zaikan", "likes", "shares"])
            note = ("导出中缺少 " + "、".join(md.column_name(c) for c in absent) + "，按 0 计入" if absent else "")
            note += ("；" if note else "") + "头条按同一推送时间的第一篇计"
            kwargs = dict(d=days, n=n, reads=_sum(g["views"]), zaikan=_sum(g.get("zaikan", pd.Series(dtype=float))),
                          likes=_sum(g["likes"]), shares=_sum(g["shares"]),
                          head_reads=_sum(head["views"]), head_zaikan=_sum(head.get("zaikan", pd.Series(dtype=float))),
                          head_likes=_sum(head["likes"]), head_shares=_sum(head["shares"]),
                          max_reads=_max(g["views"]), max_zaikan=_max(g.get("zaikan", pd.Series(dtype=float))),
                          max_likes=_max(g["likes"]), max_shares=_max(g["shares"]))
            inputs = (f"d={days}, n={n}, R={kwargs['reads']:.0f}, Z={kwargs['zaikan']:.0f}, L={kwargs['likes']:.0f}, "
                      f"RE={kwargs['shares']:.0f}, Rt={kwargs['head_reads']:.0f}, Rmax={kwargs['max_reads']:.0f}")
            for variant, key in (("a", "wci_v14_2"), ("b", "wci_v14_2_b")):
                res = wci_v14_2(**kwargs, variant=variant)
                rows.append({**base, "index": INDEX_NAMES[key], "value": round(res["wci"], 2), "inputs": inputs,
                             "note": note})
        elif platform == "weibo":
            absent = _missing(group, ["shares", "comments", "likes"])
            kw = dict(posts=n, shares=_sum(group["shares"]), comments=_sum(group["comments"]),
                      likes=_sum(group["likes"]))
            rows.append({**base, "index": INDEX_NAMES["bci"], "value": round(bci(**kw), 2),
                         "inputs": f"发博={n}, 转发={kw['shares']:.0f}, 评论={kw['comments']:.0f}, 点赞={kw['likes']:.0f}",
                         "note": ("导出中缺少 " + "、".join(md.column_name(c) for c in absent) + "，按 0 计入")
                         if absent else ""})
        elif platform == "bilibili":
            followers = follower_gain = np.nan
            if not am.empty and {"platform", "account"}.issubset(am.columns):
                acc = am[(am["platform"] == platform) & (am["account"] == account)]
                if "month" in acc.columns:
                    acc = acc.sort_values("month")
                if not acc.empty:
                    followers = pd.to_numeric(acc["followers_end"], errors="coerce").dropna()
                    followers = float(followers.iloc[-1]) if len(followers) else np.nan
                    follower_gain = float(pd.to_numeric(acc["net_growth"], errors="coerce").sum(min_count=1))
            note = []
            if np.isnan(followers):
                note.append("缺少粉丝总数（账号粉丝数据未导出），X4 按 0 计")
            if np.isnan(follower_gain):
                follower_gain = _sum(group["followers_gained"]) if "followers_gained" in group else 0.0
                note.append("粉丝净增取作品涨粉量之和")
            kw = dict(videos=n, plays_per_day=_sum(group["views"]) / days,
                      comments_per_day=_sum(group["comments"]) / days,
                      followers=0.0 if np.isnan(followers) else followers, follower_gain=follower_gain)
            rows.append({**base, "index": INDEX_NAMES["bvci"], "value": round(bvci(**kw), 2),
                         "inputs": (f"X1={n}, X2={kw['plays_per_day']:.1f}/天, X3={kw['comments_per_day']:.1f}/天, "
                                    f"X4={kw['followers']:.0f}, X5={kw['follower_gain']:.0f}"),
                         "note": "；".join(note)})
    return pd.DataFrame(rows, columns=cols)
