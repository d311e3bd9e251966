"""Public account indices (清博/gsdata), shown as context next to the team's own scores, never inside them.

Formulas and worked examples: docs/specs/scoring-anchors-extract.md §1.1–1.2.

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
from .ownership import whole_months
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
_INPUT_COLUMNS = ("views", "zaikan", "likes", "shares", "comments", "followers_gained")
_HEAD_COLUMNS = ["reads", "zaikan", "likes", "shares"]


def _numeric(posts: pd.DataFrame, col: str) -> pd.Series:
    if col not in posts.columns:  # not exported: counts as 0 in the sums, and the note names it
        return pd.Series(np.nan, index=posts.index, dtype="float64")
    return pd.to_numeric(posts[col], errors="coerce").astype("float64")


def _lead_mask(posts: pd.DataFrame) -> np.ndarray:
    """True for the lead (头条) article of each push: posts of one account sharing a publish minute form a push, its
    first row by source_row is the lead. For all accounts at once: sort, then keep the first of every (platform,
    account, minute)."""
    frame = pd.DataFrame({"platform": posts["platform"].array, "account": posts["account"].array,
                          "_push": posts["published_at"].dt.floor("min").array})  # default index: row positions
    order = ["platform", "account", "_push"]
    if "source_row" in posts.columns:
        frame["_row"] = posts["source_row"].array
        order.append("_row")
    frame = frame.sort_values(order, kind="stable")
    lead = np.zeros(len(frame), dtype=bool)
    lead[frame.index[~frame.duplicated(["platform", "account", "_push"], keep="first")]] = True
    return lead


def _follower_inputs(account_month: pd.DataFrame | None) -> pd.DataFrame:
    """Per (platform, account): the last known followers_end (by month) and the summed net_growth (NaN if none)."""
    am = account_month if account_month is not None else pd.DataFrame()
    if am.empty or not {"platform", "account"}.issubset(am.columns):
        return pd.DataFrame(columns=["platform", "account", "followers", "follower_gain"])
    if "month" in am.columns:   # the account's whole months, whoever held it (account_month has a row per holder)
        am = whole_months(am).sort_values("month", kind="stable")
    frame = pd.DataFrame({"followers": _numeric(am, "followers_end"), "follower_gain": _numeric(am, "net_growth")})
    g = frame.groupby([am["platform"], am["account"]], sort=False)  # an account without a name matches no post
    return pd.DataFrame({"followers": g["followers"].last(), "follower_gain": g["follower_gain"].sum(min_count=1)}) \
        .rename_axis(["platform", "account"]).reset_index()


def _absent(known: dict[str, int], columns: dict[str, str]) -> list[str]:
    """The dictionary names of `columns` (value column -> name) with no value for the account."""
    return [name for col, name in columns.items() if known[col] == 0]


def account_indices(posts: pd.DataFrame, account_month: pd.DataFrame | None, period: str,
                    md: MetricDictionary | None = None) -> pd.DataFrame:
    """One row per account and applicable index: platform, account, operator, index, value, inputs (text), note.

    `posts` are the period's posts (in_period rows of posts_clean). WeChat gets WCI V14.2 (a, current) and (b);
    Weibo gets BCI; Bilibili gets BVCI (followers from account_month, else the note says so). Other platforms have no
    public formula and get no row.

    The inputs (sums, maxima, counts, lead-article sums) are computed for every account with one groupby; only the
    index formulas themselves run per account (on a handful of numbers each).
    """
    md = md or load_metrics()
    days = Period.parse(period).days
    cols = ["platform", "account", "operator", "index", "value", "inputs", "note"]
    rows: list[dict] = []
    if posts is None or posts.empty:
        return pd.DataFrame(columns=cols)
    values = pd.DataFrame({c: _numeric(posts, c) for c in _INPUT_COLUMNS}, index=posts.index)
    values["reads"] = views_for_index(posts, md).astype("float64")  # WeChat reads, 10万+ as the index's value
    # lead-article values (0 for the other articles), summed per account below like everything else
    wechat = (posts["platform"] == "wechat").fillna(False).to_numpy()  # only WeChat's index uses lead articles
    lead = np.zeros(len(posts), dtype=bool)
    lead[np.flatnonzero(wechat)] = _lead_mask(
        posts.loc[wechat, [c for c in ("platform", "account", "published_at", "source_row") if c in posts.columns]])
    for col in _HEAD_COLUMNS:
        values[f"head_{col}"] = values[col].where(lead, 0.0)
    g = values.groupby([posts["platform"], posts["account"]], dropna=False, sort=True)
    accounts = g.size().rename("n").reset_index()
    # one record (plain dict) per account, all from the same groupby, so they line up row by row
    sums = g.sum().to_dict("records")                 # missing values count as 0
    maxes = g.max().fillna(0.0).to_dict("records")    # an account without any value: 0
    known = g.count().to_dict("records")              # 0: the column is absent or empty for the account
    operators = posts["operator"].groupby([posts["platform"], posts["account"]], dropna=False, sort=True).first()
    followers = accounts[["platform", "account"]].merge(_follower_inputs(account_month), how="left",
                                                        on=["platform", "account"]).to_dict("records")

    for i, (platform, account, n) in enumerate(accounts.itertuples(index=False, name=None)):
        n = int(n)
        s, m = sums[i], maxes[i]
        base = {"platform": platform, "account": account, "operator": operators.iloc[i]}
        if platform == "wechat":
            head = {c: s[f"head_{c}"] for c in _HEAD_COLUMNS}
            missing = _absent(known[i], {"reads": "views", "zaikan": "zaikan", "likes": "likes", "shares": "shares"})
            note = ("导出中缺少 " + "、".join(md.column_name(c) for c in missing) + "，按 0 计入" if missing else "")
            note += ("；" if note else "") + "头条按同一推送时间的第一篇计"
            kwargs = dict(d=days, n=n, reads=float(s["reads"]), zaikan=float(s["zaikan"]), likes=float(s["likes"]),
                          shares=float(s["shares"]), head_reads=float(head["reads"]),
                          head_zaikan=float(head["zaikan"]), head_likes=float(head["likes"]),
                          head_shares=float(head["shares"]), max_reads=float(m["reads"]),
                          max_zaikan=float(m["zaikan"]), max_likes=float(m["likes"]), max_shares=float(m["shares"]))
            inputs = (f"d={days}, n={n}, R={kwargs['reads']:.0f}, Z={kwargs['zaikan']:.0f}, L={kwargs['likes']:.0f}, "
                      f"RE={kwargs['shares']:.0f}, Rt={kwargs['head_reads']:.0f}, Rmax={kwargs['max_reads']:.0f}")
            for variant, name in (("a", "wci_v14_2"), ("b", "wci_v14_2_b")):
                res = wci_v14_2(**kwargs, variant=variant)
                rows.append({**base, "index": INDEX_NAMES[name], "value": round(res["wci"], 2), "inputs": inputs,
                             "note": note})
        elif platform == "weibo":
            missing = _absent(known[i], {"shares": "shares", "comments": "comments", "likes": "likes"})
            kw = dict(posts=n, shares=float(s["shares"]), comments=float(s["comments"]), likes=float(s["likes"]))
            rows.append({**base, "index": INDEX_NAMES["bci"], "value": round(bci(**kw), 2),
                         "inputs": f"发博={n}, 转发={kw['shares']:.0f}, 评论={kw['comments']:.0f}, 点赞={kw['likes']:.0f}",
                         "note": ("导出中缺少 " + "、".join(md.column_name(c) for c in missing) + "，按 0 计入")
                         if missing else ""})
        elif platform == "bilibili":
            follower_count = float(followers[i].get("followers", np.nan))
            follower_gain = float(followers[i].get("follower_gain", np.nan))
            note = []
            if np.isnan(follower_count):
                note.append("缺少粉丝总数（账号粉丝数据未导出），X4 按 0 计")
            if np.isnan(follower_gain):
                follower_gain = float(s["followers_gained"])
                note.append("粉丝净增取作品涨粉量之和")
            kw = dict(videos=n, plays_per_day=float(s["views"]) / days, comments_per_day=float(s["comments"]) / days,
                      followers=0.0 if np.isnan(follower_count) else follower_count, follower_gain=follower_gain)
            rows.append({**base, "index": INDEX_NAMES["bvci"], "value": round(bvci(**kw), 2),
                         "inputs": (f"X1={n}, X2={kw['plays_per_day']:.1f}/天, X3={kw['comments_per_day']:.1f}/天, "
                                    f"X4={kw['followers']:.0f}, X5={kw['follower_gain']:.0f}"),
                         "note": "；".join(note)})
    return pd.DataFrame(rows, columns=cols)
