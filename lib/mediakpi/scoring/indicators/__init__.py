"""The 21 indicators of the assessment plan, one module per dimension, each registered once (base.indicator);
this module builds a window's context and runs every configured indicator for every person.

A window is a Period (a month, or the whole quarter/year for indicators recomputed over it).
"""
from __future__ import annotations

import pandas as pd

from ...ownership import owner_on, person_days, whole_months
from ...periods import Period

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..plan import AssessmentConfig
from . import collab, content, data, platform, user  # noqa: F401  (importing registers the indicators)
from .base import (ALL_POSTS_COLUMNS, DIMENSIONS, REGISTRY, ROW_COLUMNS, STATUSES, IndicatorDef, Inputs, Spec, _col,
                   _missing, account_post_stats, baseline_index, growth_stats, in_window_dates,
                   monthly_post_metric, monthly_post_stats, msg, noise_floor, norm_period, posts_in, reviews_for,
                   rows_for_month_table, sc, spec_for, table_titles, trailing_baseline, wis_formula, wis_rate)
from .collab import CRITERIA, attribute_raters, review_mix, review_mix_all
from .data import reports_window

__all__ = ["ALL_POSTS_COLUMNS", "CRITERIA", "DIMENSIONS", "REGISTRY", "ROW_COLUMNS", "STATUSES", "IndicatorDef",
           "Inputs", "Spec", "account_post_stats", "attribute_raters", "set_aside_flags", "compute_indicators", "growth_stats", "monthly_post_metric",
           "monthly_post_stats", "norm_period", "posts_in", "review_mix", "review_mix_all", "reviews_for",
           "table_titles", "wis_rate", "_col", "sc"]

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
    op = cm["operator"] if "operator" in cm.columns else pd.Series(pd.NA, index=cm.index, dtype="string")
    if not op.isna().any():  # every item has its holder already: nothing to look up
        return cm.assign(operator=op)
    return cm.assign(operator=op.fillna(owner_on(inp.roster, cm["platform"], cm["account"], cm["planned_at"])))


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

    def n_posts(self, op: str) -> int:
        """The person's published posts of the window (flagged ones included)."""
        counts = self.cached("n_posts", lambda: _counts_by_operator(self["posts_win"]))
        return counts.get(op, 0)

    def n_evidence(self, op: str) -> int:
        """The person's published posts of the window above the noise floor (base.noise_floor): the n of the
        small-sample rule (posts under the floor add no evidence)."""
        def build():
            p = self["posts_win"]
            if p.empty or "operator" not in p.columns:
                return {}
            ev = ~(_col(p, "views") < noise_floor())
            return {k: int(v) for k, v in ev.groupby(p["operator"], sort=False).sum().items()}
        return self.cached("n_evidence", build).get(op, 0)

    def n_flagged(self, op: str) -> int:
        """The person's posts of the window flagged as suspected fake engagement."""
        return len(self.mine("flagged_win", op))

    def flagged_followers(self, op: str) -> dict:
        """{(platform, account): followers gained by the person's flagged posts of the window}."""
        return self.cached("flagged_followers", lambda: _flagged_followers(self["flagged_win"])).get(op, {})

    def prorate(self, target: float, op: str) -> tuple[float, str]:
        """A count target pro-rated by the share of the window the person held their accounts, and the note."""
        share = self["held_share"].get(op, 1.0)
        if share >= 1 or pd.isna(target):
            return target, ""
        return target * share, msg("prorated", share=f"{share:.0%}")

    def index(self, name: str) -> dict:
        """A baseline table as a {(platform, account): row} dict (built once; see targets.baseline_index)."""
        cache = self.setdefault("_indexes", {})
        if name not in cache:
            cache[name] = baseline_index(self[name])
        return cache[name]


def _counts_by_operator(df: pd.DataFrame) -> dict:
    """{operator: rows}: what len(ctx.mine(name, op)) gives for every person, without splitting the frame."""
    if df.empty or "operator" not in df.columns:
        return {}
    return {k: int(v) for k, v in df.groupby("operator", sort=False).size().items()}


def _flagged_followers(f: pd.DataFrame) -> dict:
    """{operator: {(platform, account): followers gained by their flagged posts}}, for the team at once."""
    if f.empty or "operator" not in f.columns:
        return {}
    sums = _col(f, "followers_gained").fillna(0).groupby([f["operator"], f["platform"], f["account"]]).sum()
    out: dict = {}
    for (op, plat, acc), v in sums.items():
        out.setdefault(op, {})[(plat, acc)] = v
    return out


UNREAD_POST_COLUMNS = ("title", "visibility", "snapshot_at")  # posts_clean columns scoring reads for other uses
from ...clean.counted import (INTERACTION_COLUMNS, fake_engagement, is_private,  # noqa: E402,F401  (one home: clean)
                               set_aside_flags)


def exported_people(inp: Inputs, win: Period) -> set:
    """People whose accounts appear in the period's exports (any post, whatever its date, or a follower row of the
    window): for them no post in the window means nothing was published, not a missing export."""
    seen = set()
    for df in (inp.posts, inp.account_month):
        if not df.empty and {"platform", "account"} <= set(df.columns):
            pairs = pd.DataFrame({c: df[c].astype(str) for c in ("platform", "account")}).drop_duplicates()
            seen |= set(zip(pairs["platform"], pairs["account"]))  # the distinct pairs, not a million rows
    acc = inp.accounts()
    return {op for op, p, a in zip(acc["operator"], acc["platform"].astype(str), acc["account"].astype(str))
            if (p, a) in seen}


def held_shares(inp: Inputs, win: Period) -> dict[str, float]:
    """Per person: the share of the window's days on which they held at least one account (ownership.person_days);
    count targets are pro-rated by it. People not in the roster (no roster at all): the whole window."""
    if inp.roster.empty:
        return {}
    d = person_days(inp.roster, win)
    return {str(o): float(s) for o, s in zip(d["operator"], d["share"])}


def window_context(inp: Inputs, win: Period, cfg: AssessmentConfig) -> Context:
    t = inp.tables
    rule = cfg.baseline
    first = win.months[0]
    allp = inp.all_posts()
    posts_win = inp.posts_of(win)
    if "operator" in posts_win.columns and not posts_win.empty and not posts_win["operator"].isna().any():
        posts_win = posts_win.reset_index(drop=True)  # what the merge below gives when every post has its operator
    elif "operator" in posts_win.columns and not posts_win.empty:
        posts_win = posts_win.reset_index(drop=True)
        posts_win = posts_win.assign(operator=posts_win["operator"].fillna(
            owner_on(inp.roster, posts_win["platform"], posts_win["account"], posts_win["published_at"])))
    # impossible or fraud-flagged posts make no baseline (their month's median is not the account's norm)
    out = fake_engagement(allp, inp.flags) if not allp.empty else None
    before = allp[~out.to_numpy()] if out is not None and out.any() else allp
    private = is_private(posts_win)
    # text no indicator reads (the flagged-posts list takes its titles from inp.posts) is left out of the window's
    # posts before they are filtered: at a million posts, each text column costs a slow Arrow take
    posts_win = posts_win.drop(columns=[c for c in UNREAD_POST_COLUMNS if c in posts_win.columns])
    posts_win = posts_win[~private].reset_index(drop=True) if private.any() else posts_win
    fake = fake_engagement(posts_win, inp.flags)
    flagged_win = posts_win[fake]
    counted = posts_win
    if fake.any():  # interaction: a flagged post keeps its views and brings no interactions (it can only lower the rate)
        zero = [c for c in INTERACTION_COLUMNS if c in posts_win.columns]
        counted = posts_win.copy()
        counted.loc[fake.to_numpy(), zero] = 0
    posts_win = posts_win.assign(fake_engagement=fake)
    am_all = inp.all_account_month()
    am_acc = inp.monthly("account_whole_months", lambda: whole_months(am_all))  # baselines: whole months, any holder
    hist_growth = am_acc.assign(value=pd.to_numeric(am_acc.get("growth_rate"), errors="coerce")) if not am_acc.empty \
        else pd.DataFrame(columns=["platform", "account", "month", "value"])
    cal = _calendar_with_operator(inp)
    cal_win = cal[in_window_dates(cal["planned_at"], win)] if not cal.empty else cal
    am_win = am_all[am_all["month"].isin(win.months)] if not am_all.empty else am_all
    # account_month has one row per holder (clean, ownership.py): a null operator is a vacant or conflicting stretch
    reviews = t.get("qualitative_reviews", pd.DataFrame())
    reviews_win = reviews_for(reviews, win)
    if not reviews_win.empty:
        reviews_win = attribute_raters(reviews_win, inp.roster)  # the rater's name decides the role, once
    stats, op_wis = account_post_stats(counted)
    monthly = inp.monthly("posts", lambda: monthly_post_stats(before))
    return Context({
        "accounts": inp.accounts(),
        "posts_win": posts_win,
        "posts_all": allp,
        "flagged_win": flagged_win,
        "wis_formula": wis_formula(),
        "exported_ops": exported_people(inp, win),
        "held_share": held_shares(inp, win),
        "small_sample_k": cfg.small_sample.k,
        "account_stats": stats,
        "operator_wis": op_wis,
        "growth_stats": growth_stats(am_win, ["operator", "platform", "account"]),
        "base_completion": trailing_baseline(monthly["completion"], first, rule),
        "base_wis": trailing_baseline(monthly["wis"], first, rule),
        "base_growth": trailing_baseline(hist_growth, first, rule),
        "base_net": trailing_baseline(am_acc.assign(value=pd.to_numeric(am_acc.get("net_growth"), errors="coerce"))
                                      if not am_acc.empty else hist_growth, first, rule),
        "calendar_win": cal_win,
        "account_month_win": am_win,
        "quality_reviews": _date_window(t.get("quality_reviews", pd.DataFrame()), ["review_date"], win),
        "community_win": rows_for_month_table(t.get("community", pd.DataFrame()), win, inp.period),
        "conversions_win": rows_for_month_table(t.get("conversions", pd.DataFrame()), win, inp.period),
        "campaigns_win": _date_window(t.get("campaigns", pd.DataFrame()), ["end_date", "start_date"], win),
        "partnerships_win": _date_window(t.get("partnerships", pd.DataFrame()), ["delivered_date", "due_date", "start_date"], win),
        "data_reports_win": reports_window(t.get("data_reports", pd.DataFrame()), win),
        "suggestions_win": _date_window(t.get("suggestions", pd.DataFrame()), ["submitted_date"], win),
        "suggestions_all": t.get("suggestions", pd.DataFrame()),
        "reviews_win": reviews_win,
        "present": {k for k, v in t.items() if not v.empty},
    })


def compute_indicators(inp: Inputs, win: Period, cfg: AssessmentConfig, names: list[str] | None = None) -> pd.DataFrame:
    """One row per person × indicator for the window (all configured indicators, or `names`)."""
    ctx = window_context(inp, win, cfg)
    rows = []
    for name, ind in cfg.indicators.items():
        if names is not None and name not in names:
            continue
        spec = spec_for(name, ind)
        compute = REGISTRY[name].compute
        for op in inp.people:
            try:
                rows.append(compute(inp, win, cfg, spec, op, ctx))
            except Exception as exc:  # bad input never crashes the whole run: the indicator says why
                rows.append(_missing(op, name, msg("error", error=f"{type(exc).__name__}: {exc}"),
                                     ",".join(REGISTRY[name].inputs)))
    out = pd.DataFrame(rows, columns=ROW_COLUMNS)
    out["period"] = win.text
    out["dimension"] = out["indicator"].map({k: v.dimension for k, v in cfg.indicators.items()})
    out["core_aux"] = out["indicator"].map({k: v.role for k, v in cfg.indicators.items()})
    out["weight"] = out["indicator"].map({k: v.weight / 100 for k, v in cfg.indicators.items()})
    return out
