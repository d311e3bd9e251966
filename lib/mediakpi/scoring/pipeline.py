"""score_period: read a period's processed tables, score every person, write the score files (I/O at the edges)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from .. import catalog, ownership
from . import account
from ..history import earlier_tables
from ..paths import Workspace
from ..periods import Period
from .aggregate import dimension_factor, dimension_table, distribution_check, force_distribution, rescore
from .config import load_assessment
from .plan import DIMENSION_CODES, DIMENSIONS, AssessmentConfig
from .fairness import fairness_context, main_platforms
from .functions import bonus as bonus_fn
from .indicators import (ALL_POSTS_COLUMNS, CRITERIA, Inputs, attribute_raters, compute_indicators, fake_engagement,
                         is_private, msg, norm_period, review_mix, reviews_for, set_aside_flags, table_titles)
from .provenance import own_judgements
from .rollup import combine_adjustments, rollup_rows

TEAM_TABLES = ["roster", "content_calendar", "campaigns", "community", "conversions", "data_reports", "suggestions",
               "quality_reviews", "qualitative_reviews", "partnerships"]
POST_COLUMNS = {**catalog.POSTS, "snapshot_at": catalog.TIMESTAMP, "zaikan": catalog.INT, "in_period": "boolean",
                "mature": "boolean", "is_original": "boolean", "viral": "boolean", "viral_rule": "string", "private": "boolean",
                "visibility": "string"}
# The post columns scoring reads (posts_clean has ~60; reading only these keeps a 1M-post month and its history small)
POST_READ = {c: t for c, t in POST_COLUMNS.items()
             if c in {"platform", "account", "operator", "post_id", "title", "published_at", "snapshot_at", "views",
                      "likes", "comments", "shares", "saves", "zaikan", "danmaku", "coins", "recommends",
                      "followers_gained", "completion_rate", "is_original", "viral", "viral_rule", "in_period",
                      "mature", "visibility", "private"}}
# Earlier months' posts feed only the trailing baselines and the strategy uplift (Inputs.all_posts): fewer columns still
HISTORY_READ = {c: t for c, t in POST_READ.items() if c in ALL_POSTS_COLUMNS}
FLAG_READ = {"platform": "string", "account": "string", "post_id": "string", "title": "string", "check": "string",
             "level": "string", "message": "string"}
# calendar_match (one row per planned item: ~a million at scale) as scoring reads it: the holder, the planned time and
# the match status; content_calendar only for who appears in it (the stray-name check) and whether it was provided
CALENDAR_READ = {c: t for c, t in catalog.columns("calendar_match").items()
                 if c in {"platform", "account", "operator", "planned_at", "status"}}
TEAM_READ = {"content_calendar": {"operator": "string"}}
LEDGER = catalog.LEDGER


@dataclass
class ScoreResult:
    period: str
    scorecard: pd.DataFrame
    indicator_scores: pd.DataFrame
    ledger: pd.DataFrame
    meta: dict
    warnings: list[str] = field(default_factory=list)


# ----- reading ---------------------------------------------------------------------------------------------------

def _read(folder, name: str, columns: dict, warnings: list[str], what: str, only: bool = False) -> pd.DataFrame:
    """Dataset `name` (catalog), with `columns` added when absent; `only`: read just those columns."""
    try:
        df = catalog.load(folder, name, columns=list(columns) if only else None)
    except catalog.DatasetMissing as exc:
        warnings.append(f"未找到 {exc.path.name}（{what}）：依赖它的指标记为不适用。")
        return catalog.empty(columns)
    except catalog.DatasetError as exc:  # a broken file must not crash the run
        warnings.append(f"{exc.message}（{what}：依赖它的指标记为不适用）")
        return catalog.empty(columns)
    for col, dtype in columns.items():
        if col not in df.columns:
            df[col] = pd.Series(pd.NA, index=df.index, dtype=dtype)
    return df


def load_inputs(ws: Workspace, period: str | Period, cfg: AssessmentConfig) -> tuple[Inputs, list[str]]:
    """Everything scoring reads for one period, from data/processed/<period>/ and earlier processed months."""
    p = period if isinstance(period, Period) else Period.parse(period)
    folder = ws.processed(p.text)
    warnings: list[str] = []
    posts = _read(folder, "posts_clean", POST_READ, warnings, "清洗后的帖子", only=True)
    am = _read(folder, "account_month", catalog.columns("account_month"), warnings, "账号月度粉丝")
    cm = _read(folder, "calendar_match", CALENDAR_READ, [], "排期匹配", only=True)
    flags = _read(folder, "flags", FLAG_READ, [], "数据质量标记", only=True)
    # earlier months' flags too: an impossible post of the baseline months makes no baseline
    hist_flags = earlier_tables(ws, p.text, "flags", cfg.baseline.months, columns=list(FLAG_READ))
    if not hist_flags.empty:
        flags = pd.concat([flags, hist_flags.drop(columns="history_month", errors="ignore")], ignore_index=True)
    tables = {}
    for t in TEAM_TABLES:
        tables[t] = _read(folder, t, TEAM_READ[t], [], t, only=True) if t in TEAM_READ \
            else _read(folder, t, catalog.columns(t), [], t)
    tables["_quarantine"] = _read(folder, "quarantine", catalog.columns("quarantine"), [], "隔离的行")
    tables["qualitative_reviews_quarantined"] = quarantined_reviews(tables["_quarantine"])
    roster = tables["roster"]
    hist_posts = earlier_tables(ws, p.text, "posts_clean", cfg.baseline.months, columns=HISTORY_READ,
                                warnings=warnings)
    hist_posts = hist_posts.drop(columns="history_month", errors="ignore")
    hist_am = earlier_tables(ws, p.text, "account_month", cfg.baseline.months)
    people = ownership.active_people(roster, p)
    left = sorted(set(roster["name"].dropna().astype(str)) - set(people))
    if left:
        warnings.append(f"花名册中{'、'.join(left)}的负责期间不在本期内（负责结束日期早于期初或开始日期晚于期末），本期不评分。")
    no_roster = not people
    if no_roster:
        found = pd.concat([posts["operator"], am["operator"]]).dropna().unique()
        people = sorted(str(x) for x in found)
    if not people and p.kind != "month":  # a rollup without its own tables: the people of its scored sub-periods
        for sub in (p.months if p.kind == "quarter" else p.quarters + p.months):
            card = catalog.try_load(ws.processed(sub), "scorecard", columns=["operator"])
            if card is not None and "operator" in card.columns:
                people += [str(x) for x in card["operator"].dropna()]
        people = sorted(set(people))
    if no_roster:
        warnings.append("本期没有花名册（或花名册中无人在岗）：按导出数据和已评分的子周期中的负责人评分"
                        + ("。" if people else "，但也没有找到任何负责人，无人可评分。"))
    known = set(people)
    for t in TEAM_TABLES[1:]:
        df = tables[t]
        if df.empty or "operator" not in df.columns:
            continue
        stray = sorted({str(x) for x in df["operator"].dropna().unique()} - known)
        if stray:
            title = catalog.team_tables()[t].get("title", t)
            warnings.append(f"{title}中有不在花名册里的负责人：{'、'.join(stray[:10])}"
                            f"{'等' if len(stray) > 10 else ''}，这些行未计入评分。请核对姓名是否与花名册一致。")
    inp = Inputs(period=p, roster=roster, posts=posts, account_month=am, calendar_match=cm, tables=tables,
                 hist_posts=hist_posts.drop(columns="history_month", errors="ignore"),
                 hist_account_month=hist_am.drop(columns="history_month", errors="ignore"), people=people,
                 flags=flags)
    return inp, warnings


# ----- adjustments: bonus, deductions, veto, a rollup's own review -----------------------------------------------

def _reason(rows: pd.DataFrame, column: str) -> str | None:
    """The reason written for a bonus or deduction: 加减分原因, else the rater's 评语, on the rows that carry it."""
    hit = rows[pd.to_numeric(rows[column], errors="coerce").fillna(0) > 0] if column in rows.columns else rows.iloc[0:0]
    for c in ("adjustment_reason", "comment"):
        if c in hit.columns:
            text = hit[c].dropna().astype(str).str.strip()
            text = text[text != ""]
            if len(text):
                return "；".join(dict.fromkeys(text))
    return None


def quarantined_reviews(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The 综合能力评价 rows ingest quarantined (a required cell blank or unreadable), as operator, period, veto,
    violations (the raw text of those cells): a row that cannot be read whole must not take its veto or its violations
    with it (a veto that cannot be read keeps the cap). Read from quarantine.parquet's JSON of the original cells."""
    import json

    cols = ["operator", "period", "veto", "violations", "source_row"]
    if quarantine is None or quarantine.empty or "table" not in quarantine.columns:
        return pd.DataFrame(columns=cols)
    q = quarantine[(quarantine["table"] == "qualitative_reviews").to_numpy(dtype=bool)]
    if q.empty:
        return pd.DataFrame(columns=cols)
    spec = catalog.team_tables()["qualitative_reviews"]["columns"]
    names = {}
    for col in ("operator", "period", "veto", "violations"):
        for h in [spec[col]["header"], *spec[col].get("aliases", [])]:
            names["".join(str(h).split()).lower()] = col
    out = []
    for values, row in zip(q["values"], q["source_row"]):
        try:
            cells = json.loads(values) if isinstance(values, str) else {}
        except ValueError:
            continue
        rec = {"source_row": row}
        for h, v in cells.items():
            col = names.get("".join(str(h).split()).lower())
            if col and col not in rec:
                rec[col] = None if v is None else str(v).strip()
        out.append(rec)
    return pd.DataFrame(out).reindex(columns=cols)


def _quarantined_adjustments(q: pd.DataFrame, op: str, win: Period) -> tuple[bool, float, str | None]:
    """(veto, violations, raw veto text) from the person's quarantined review rows of the window: a veto cell that
    reads yes or cannot be read keeps the cap; violations that read as a number count."""
    from ..ingest.numbers import _FALSE

    if q is None or q.empty:
        return False, 0.0, None
    mine = q[(q["operator"].astype("string").str.strip() == op).fillna(False).to_numpy(dtype=bool)]
    mine = mine[(mine["period"].map(norm_period) == win.text).to_numpy(dtype=bool)] if not mine.empty else mine
    veto, raw, n = False, None, 0.0
    for v, k in zip(mine["veto"], mine["violations"]):
        t = "" if v is None or pd.isna(v) else str(v).strip().lower()
        if t and t not in _FALSE:
            veto, raw = True, str(v)
        x = pd.to_numeric(pd.Series([k]), errors="coerce").iloc[0]
        if pd.notna(x) and x > n:
            n = float(x)
    return veto, n, raw


def _unreadable_cell(rows: pd.DataFrame, column: str) -> str | None:
    """The raw text of a `column` cell of these rows that ingest could not read (`unread_cells` names it), else None
    (ingest.team.UNREAD marks such cells)."""
    if rows.empty or "unread_cells" not in rows.columns:
        return None
    u = rows["unread_cells"].astype("string").fillna("")
    hit = u.str.contains(rf"(?:^|；){column}=", regex=True).fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return None
    return u[hit].str.extract(rf"{column}=([^；]*)", expand=False).iloc[0]


def _unreadable_veto(rows: pd.DataFrame) -> str | None:
    """A veto that cannot be read keeps the cap: the raw text of an unreadable 重大违规 cell, else None."""
    return _unreadable_cell(rows, "veto")


def adjustments(inp: Inputs, win: Period, cfg: AssessmentConfig, with_review: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per person for the window: bonus, deduction, veto (and review_score for a rollup's own review); plus ledger rows.

    Bonus points and violations are facts recorded once per person: when several raters fill them in, the largest
    value counts (not the sum). A discretionary bonus counts only with its reason (加减分原因 or 评语); a deduction
    always counts (a missing reason never helps) and the ledger asks for the reason. Every row names its reason."""
    rv = inp.tables.get("qualitative_reviews", pd.DataFrame())
    rv = attribute_raters(reviews_for(rv, win), inp.roster)
    posts = inp.posts_of(win)
    rows, ledger = [], []
    items = cfg.bonus.items
    n_viral = {}  # per person, the window's viral posts (counted once for the team, not one scan per person)
    if win.kind == "month" and not posts.empty and "viral" in posts.columns:
        viral = posts["viral"].fillna(False).astype(bool)
        n_viral = {k: int(v) for k, v in viral.groupby(posts["operator"], sort=False).sum().items()}
    for op in inp.people:
        mine = rv[rv["operator"] == op] if not rv.empty else rv
        b_parts, reasons = [], []
        it = items.get("review_points")
        # provenance: a discretionary bonus comes from the manager's rows only (the rater's name decides the role)
        boss = mine[(mine["_role"] == "manager").to_numpy(dtype=bool)] if not mine.empty else mine
        if not mine.empty:
            other = mine[(mine["_role"] != "manager").to_numpy(dtype=bool)
                         & (pd.to_numeric(mine["bonus_points"], errors="coerce").fillna(0) > 0).to_numpy(dtype=bool)]
            for rater, role in zip(other["rater"] if "rater" in other.columns else [None] * len(other), other["_role"]):
                what = "加分"
                text = msg("self_review_dropped", rater=rater, what=what) if role == "self" \
                    else msg("not_manager_adjustment", rater=rater, what=what)
                ledger.append((op, "not_counted", "评价加分", 0.0, text))
        if it is not None and it.enabled and not boss.empty:
            mine_all, mine = mine, boss
            pts = pd.to_numeric(mine["bonus_points"], errors="coerce").max()
            if pd.notna(pts) and pts > 0:
                pts = float(pts) if it.cap is None else min(float(pts), it.cap)
                why = _reason(mine, "bonus_points")
                if why:
                    b_parts.append(pts)
                    reasons.append(msg("bonus_reason", pts=f"{pts:g}", reason=why))
                    ledger.append((op, "bonus", "评价加分", pts, msg("bonus_detail", win=win.text, pts=f"{pts:g}", reason=why)))
                else:
                    ledger.append((op, "bonus", "评价加分", 0.0, msg("bonus_no_reason", win=win.text, pts=f"{pts:g}")))
            mine = mine_all
        it = items.get("viral_posts")
        # viral bonus per month only (a rollup averages its months' bonuses; counting the window again would double it)
        if it is not None and it.enabled and win.kind == "month" and not posts.empty and "viral" in posts.columns:
            n = n_viral.get(op, 0)
            pts = float(bonus_fn(n, it.per_event, it.cap))
            if pts > 0:
                b_parts.append(pts)
                reasons.append(f"爆款{n}条加{pts:g}分")
                ledger.append((op, "bonus", "爆款加分", pts, f"爆款{n}条×{it.per_event:g}分（上限{it.cap}）"))
        raw_bonus = sum(b_parts)
        bonus = min(raw_bonus, cfg.bonus.total_cap)
        if raw_bonus > bonus:
            ledger.append((op, "bonus", "加分封顶", bonus - raw_bonus, f"加分合计{raw_bonus:g}，封顶{cfg.bonus.total_cap:g}"))
        ded = 0.0
        v = cfg.deductions.get("violations")
        q_veto, q_n, q_raw = _quarantined_adjustments(inp.tables.get("qualitative_reviews_quarantined"), op, win)
        if v is not None and (not mine.empty or q_n > 0):
            n = pd.to_numeric(mine["violations"], errors="coerce").max() if not mine.empty else np.nan
            n = q_n if q_n > 0 and not (pd.notna(n) and n >= q_n) else n
            if _unreadable_cell(mine, "violations") is not None and not (pd.notna(n) and n >= 1):
                n = 1.0   # an unreadable 违规次数 never beats a recorded one: counted as one, and the ledger says so
                ledger.append((op, "deduction", "违规次数（无法识别）", 0.0,
                               f"违规次数一栏无法识别（原值 {_unreadable_cell(mine, 'violations')}），按1次计，请核对"))
            if pd.notna(n) and n > 0:
                ded = n * v.per_event if v.cap is None else min(n * v.per_event, v.cap)
                why = _reason(mine, "violations") or msg("reason_missing")
                reasons.append(msg("deduction_reason", pts=f"{ded:g}", reason=why))
                ledger.append((op, "deduction", "违规扣分", -ded, f"{win.text}违规{int(n)}次×{v.per_event:g}分：{why}"))
        veto = bool(not mine.empty and mine["veto"].fillna(False).astype(bool).any())
        unread = _unreadable_veto(mine)
        if q_veto and not veto and not unread:   # the row was quarantined, its veto cell still counts
            unread = q_raw
        if unread and not veto:
            veto = True
            reasons.append(msg("veto_unreadable", raw=unread))
            ledger.append((op, "veto", "重大违规（无法识别）", 0.0, msg("veto_unreadable", raw=unread)))
        if veto and not unread:
            why = _reason(mine.assign(_v=mine["veto"].fillna(False).astype(int)), "_v") or msg("reason_missing")
            reasons.append(f"重大违规：{why}")
            ledger.append((op, "veto", "重大违规", 0.0,
                           f"{win.text}评价记录重大违规：等级最高为{cfg.veto.grade_cap}（{why}）"))
        row = {"operator": op, "bonus": bonus, "deduction": float(ded), "veto": veto,
               "adjustment_reasons": "；".join(reasons) or None}
        if with_review:
            ratings = [review_mix(mine, c, cfg.rater_mix)[0] for c in CRITERIA.values()] if not mine.empty else []
            ratings = [r for r in ratings if pd.notna(r)]
            row["review_score"] = float(np.mean(ratings)) * 20 if ratings else np.nan
        rows.append(row)
    adj = pd.DataFrame(rows, columns=["operator", "bonus", "deduction", "veto", "adjustment_reasons"]
                       + (["review_score"] if with_review else []))
    led = pd.DataFrame(ledger, columns=["operator", "kind", "item", "points", "detail"]).assign(period=win.text)
    return adj, led


# ----- scoring a period (recursive for rollups) ------------------------------------------------------------------

def _from_disk(ws: Workspace, period: str, people: list[str]):
    folder = ws.processed(period)
    rows, card = catalog.try_load(folder, "indicator_scores"), catalog.try_load(folder, "scorecard")
    if rows is None or card is None:
        return None
    rows = rows[rows["operator"].isin(people)]
    for col in ("actual", "target", "achievement", "core_aux", "inputs", "reason_na", "explanation", "status",
                "reason", "scored_share", "missing_tables", "n_evidence"):
        if col not in rows.columns:
            rows[col] = pd.NA
    adj = card.reindex(columns=["operator", "bonus", "deduction", "veto"])
    adj = adj[adj["operator"].isin(people)]
    adj = adj.assign(bonus=adj["bonus"].fillna(0.0), deduction=adj["deduction"].fillna(0.0),
                     veto=adj["veto"].fillna(False).astype(bool))
    return rows, adj


def period_rows(inp: Inputs, p: Period, cfg: AssessmentConfig, ws: Workspace | None = None):
    """Indicator rows, adjustments, ledger and the list of sources for period `p` scored from `inp`.

    A month is computed from the data; a quarter averages its months (each read from data/processed/<month>/ when it
    was already scored there, else computed from `inp`), a year its quarters likewise."""
    if p.kind == "month":
        rows = compute_indicators(inp, p, cfg)
        adj, led = adjustments(inp, p, cfg)
        return rows, adj, led, [f"{p.text}: 由本期数据计算"]
    subs = p.months if p.kind == "quarter" else p.quarters
    sub_rows, sub_adj, ledgers, sources = [], [], [], []
    for s in subs:
        disk = _from_disk(ws, s, inp.people) if ws is not None else None
        if disk is not None:
            r, a = disk
            sources.append(f"{s}: 读取已有评分")
            l = pd.DataFrame(columns=["operator", "kind", "item", "points", "detail", "period"])
        else:
            r, a, l, src = period_rows(inp, Period.parse(s), cfg, ws)
            sources.extend(src)
        sub_rows.append(r)
        sub_adj.append(a)
        ledgers.append(l)
    recomputed = compute_indicators(inp, p, cfg, names=cfg.rollup.recompute)
    sub = pd.concat(sub_rows, ignore_index=True)
    sub = sub[sub["indicator"].isin(list(cfg.indicators))]  # earlier scores made with another config: today's plan
    sub = sub.assign(dimension=sub["indicator"].map({k: v.dimension for k, v in cfg.indicators.items()}))
    if p.kind == "quarter":  # months scored with another plan: today's weights (a year reuses its quarters' shares)
        sub = sub.assign(weight=sub["indicator"].map({k: v.weight / 100 for k, v in cfg.indicators.items()}))
    rows = rollup_rows(sub, recomputed, p.text, cfg)
    rows = rows.assign(core_aux=rows["indicator"].map({k: v.role for k, v in cfg.indicators.items()}))
    own, own_led = adjustments(inp, p, cfg, with_review=True)
    share = (cfg.rollup.quarter if p.kind == "quarter" else cfg.rollup.year).review_share / 100
    adj = combine_adjustments(pd.concat(sub_adj, ignore_index=True), own, cfg.bonus.total_cap, share)
    led = pd.concat([*ledgers, own_led], ignore_index=True)
    return rows, adj, led, sources


def flagged_posts(inp: Inputs, win: Period) -> pd.DataFrame:
    """The window's published posts flagged as suspected fake engagement: operator, platform, account, title (found
    once per window: the scorecard and the ledger both read it)."""
    return inp.cached(f"flagged_posts:{win.text}", lambda: _flagged_posts(inp, win))


def _flagged_posts(inp: Inputs, win: Period) -> pd.DataFrame:
    posts = inp.posts_of(win)
    if posts.empty:
        return pd.DataFrame(columns=["operator", "platform", "account", "title", "check"])
    hit = (fake_engagement(posts, inp.flags) & ~is_private(posts)).to_numpy()
    cols = [c for c in ("operator", "platform", "account", "post_id", "title") if c in posts.columns]
    out = posts.loc[hit, cols].copy()  # the few flagged rows of the five columns, not the whole window filtered
    f = set_aside_flags(inp.flags)
    checks = (f.assign(_k=f["platform"].astype(str) + "\x1f" + f["account"].astype(str) + "\x1f" + f["post_id"].astype(str))
              .groupby("_k")["check"].agg(lambda c: ",".join(dict.fromkeys(c.astype(str)))) if len(f) else {})
    key = out["platform"].astype(str) + "\x1f" + out["account"].astype(str) + "\x1f" + out["post_id"].astype(str) \
        if "post_id" in out.columns else pd.Series("", index=out.index)
    out["check"] = key.map(checks) if len(out) else pd.Series(dtype=object)
    if "title" not in out.columns:
        out["title"] = out.get("post_id")
    out["title"] = out["title"].fillna(out.get("post_id"))
    return out.reset_index(drop=True)


def build_scorecard(rows: pd.DataFrame, adj: pd.DataFrame, cfg: AssessmentConfig, kind: str, period: str,
                    inp: Inputs | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Scorecard, enriched indicator rows (effective weight, contribution) and the distribution check."""
    weights = cfg.weights_for(kind)
    card = rescore(rows, weights, cfg, adj)
    for d in DIMENSIONS:  # the contract's five dimension columns, even when nobody could be scored on one
        if d not in card.columns:
            card[d] = np.nan
    _, coverage, rows = dimension_table(rows, cfg)
    dims = [d for d in DIMENSIONS if d in card.columns]
    # dimension weight actually used (re-weighted at the total)
    cov_op = coverage.reindex(index=card["operator"], columns=dims)
    W = pd.DataFrame({d: card[d].notna().to_numpy() * weights.get(d, 0)
                      * dimension_factor(cov_op[d].to_numpy(dtype=float), cfg) for d in dims})
    Wn = W.div(W.sum(axis=1).where(W.sum(axis=1) > 0), axis=0)
    Wn.index = card["operator"]
    adj_i = adj.set_index("operator") if adj is not None and len(adj) else pd.DataFrame()
    share = adj_i["review_share"] if "review_share" in adj_i.columns else pd.Series(dtype=float)
    # Wn.at[operator, dimension] for every row (NaN when either is unknown), as one numpy lookup
    r = Wn.index.get_indexer(rows["operator"].astype(object))
    c = Wn.columns.get_indexer(rows["dimension"].astype(object))
    vals = Wn.to_numpy(dtype=float)
    dw = vals[np.clip(r, 0, None), np.clip(c, 0, None)] if vals.size else np.full(len(rows), np.nan)
    rows["dimension_weight"] = np.where((r >= 0) & (c >= 0), dw, np.nan)
    keep = 1 - rows["operator"].map(share).fillna(0.0).to_numpy(dtype=float)
    rows["contribution"] = (rows["effective_weight"] * rows["score"].fillna(0) * np.nan_to_num(rows["dimension_weight"])
                            * keep)
    # notes on what was re-weighted
    notes = []
    # per person: which dimensions have no score, which indicators do not apply (looked up, not filtered per person)
    na_card = card[dims].isna().groupby(card["operator"], sort=False).all() if dims else None
    no_total = card["total"].isna().groupby(card["operator"], sort=False).all()
    not_app = rows.loc[~rows["applicable"].fillna(False).astype(bool)]
    na_by_op = not_app.groupby("operator", sort=False)["indicator"].agg(list).to_dict() if len(not_app) else {}
    for op in card["operator"]:
        na_dims = [d for d in dims if na_card.at[op, d]] if dims else []
        na_ind = na_by_op.get(op, [])
        parts = []
        shrunk = [d for d in dims if d not in na_dims and op in coverage.index and d in coverage.columns
                  and pd.notna(coverage.at[op, d]) and coverage.at[op, d] < cfg.min_dimension_coverage - 1e-9]
        if shrunk:
            parts.append(msg("dimension_shrunk", dims="、".join(
                f"{d}（适用{coverage.at[op, d]:.0%}，按{float(dimension_factor(coverage.at[op, d], cfg)):.0%}权重计入）"
                for d in shrunk), min=f"{cfg.min_dimension_coverage:.0%}"))
        if na_dims:
            parts.append("不适用维度：" + "、".join(f"{d}（覆盖{coverage.at[op, d]:.0%}，权重{weights.get(d, 0):g}分给其他维度）"
                                              if op in coverage.index and d in coverage.columns and pd.notna(coverage.at[op, d])
                                              else d for d in na_dims))
        if na_ind:
            parts.append("不适用指标：" + "、".join(na_ind))
        if no_total.get(op, True):
            parts = ["本期没有任何维度有可计分的数据，无法评分；请检查此人的账号导出和团队表格"]
        notes.append("；".join(parts) if parts else "全部指标适用")
    card["reweight_note"] = notes
    # the tables to fill in for missing inputs, per person (codes and their Chinese titles)
    gaps = rows.loc[rows["missing_tables"].notna(), ["operator", "missing_tables"]] if "missing_tables" in rows else None
    need = {}
    if gaps is not None and len(gaps):
        for op, t in zip(gaps["operator"], gaps["missing_tables"]):
            need.setdefault(op, []).extend(x.strip() for x in str(t).split(",") if x.strip())
    codes = [",".join(dict.fromkeys(need.get(op, []))) or None for op in card["operator"]]
    card["missing_tables"] = pd.array(codes, dtype="string")
    card["missing_note"] = pd.array([msg("fill_in", tables=table_titles(c)) if c else None for c in codes],
                                    dtype="string")
    if inp is not None:
        fl = flagged_posts(inp, Period.parse(period))
        by = fl.groupby("operator")["title"].agg(lambda t: "；".join(t.astype(str))) if len(fl) else pd.Series(dtype=object)
        cnt = fl.groupby("operator").size() if len(fl) else pd.Series(dtype=int)
        card["flagged_posts"] = card["operator"].map(cnt).fillna(0).astype("Int64").to_numpy()
        card["flagged_titles"] = pd.array(card["operator"].map(by).to_numpy(dtype=object), dtype="string")
    cov = coverage.reindex(card["operator"])
    for d in dims:
        card[f"coverage_{DIMENSION_CODES[d]}"] = cov[d].to_numpy() if d in cov.columns else np.nan
    if adj is not None and len(adj):
        extra = adj.set_index("operator").reindex(card["operator"])
        for c in ("bonus", "deduction", "veto", "review_score", "review_share", "adjustment_reasons"):
            if c in extra.columns:
                card[c] = extra[c].to_numpy()
    for c, default in (("bonus", 0.0), ("deduction", 0.0), ("veto", False)):
        if c not in card.columns:
            card[c] = default
        card[c] = card[c].fillna(default)
    card["veto"] = card["veto"].astype(bool)
    card["period"] = period
    card, demoted = force_distribution(card, cfg)
    dist = distribution_check(card["grade"], cfg)
    if demoted:
        dist["forced"] = True
        dist["demoted"] = demoted
    if inp is not None:
        win = Period.parse(period)
        mp = main_platforms(inp.posts_of(win), inp.accounts())
        card = card.merge(fairness_context(card, mp, cfg.fairness.min_cohort), on="operator", how="left")
    card = card.sort_values(["rank", "operator"], na_position="last").reset_index(drop=True)
    card.columns.name = None
    order = {name: i for i, name in enumerate(cfg.indicators)}
    people = {name: i for i, name in enumerate(card["operator"])}
    rows = rows.assign(_o=rows["operator"].map(people), _i=rows["indicator"].map(order)).sort_values(["_o", "_i"])
    rows = rows.drop(columns=["_o", "_i"]).reset_index(drop=True)
    base = list(catalog.SCORECARD_BASE)
    card = card[base + dims + [c for c in card.columns if c not in base + dims]]
    card = card.astype({k: v for k, v in catalog.SCORECARD_BASE.items()})
    extras = ["core_aux", "inputs", "reason_na", "scored_share", "missing_tables", "n_evidence", "effective_weight",
              "dimension_weight", "contribution"]
    rows = catalog.conform(rows, catalog.INDICATOR_SCORES,
                          {"core_aux": "string", "inputs": "string", "reason_na": "string", "scored_share": "float64",
                           "missing_tables": "string", "n_evidence": "float64",
                           "effective_weight": "float64", "dimension_weight": "float64", "contribution": "float64"})
    rows = rows[list(catalog.INDICATOR_SCORES) + [c for c in extras if c in rows.columns]]
    return card, rows, dist


# the rule behind each kind of ledger row (the `rule` column; a set-aside post names its plausibility checks)
LEDGER_RULES = {"bonus": "adjustment", "deduction": "adjustment", "veto": "veto", "flagged": "fraud_flag",
                "missing_input": "missing_input", "not_counted": "provenance", "left_out": "ingest_quarantine",
                "distribution": "forced_distribution"}


def _left_out_rows(inp: Inputs) -> list[tuple]:
    """One ledger row per team-table row ingest quarantined that names a person being scored (负责人/被评价人 in
    the original cells): what was not counted, with ingest's reason."""
    import json

    q = inp.tables.get("_quarantine")
    if q is None or q.empty:
        return []
    heads = {}
    for name, spec in catalog.team_tables().items():
        if "operator" in spec["columns"]:
            cs = spec["columns"]["operator"]
            heads[name] = {"".join(str(h).split()).lower() for h in [cs["header"], *cs.get("aliases", [])]}
    people, out = set(inp.people), []
    for table, values, reason, src, row in zip(q["table"], q["values"], q["reason"], q["source_file"], q["source_row"]):
        if table not in heads or not isinstance(values, str):
            continue
        try:
            cells = json.loads(values)
        except ValueError:
            continue
        who = next((str(v).strip() for h, v in cells.items() if "".join(str(h).split()).lower() in heads[table]
                    and v is not None), None)
        if who in people:
            title = catalog.team_tables()[table].get("title", table)
            out.append((who, "left_out", title, 0.0, f"{src} 第{row}行未计入：{reason}", "ingest_quarantine"))
    return out


def score_inputs(inp: Inputs, period: str | Period, cfg: AssessmentConfig, ws: Workspace | None = None,
                 load_warnings: list[str] | None = None) -> ScoreResult:
    """Score already-loaded inputs (pure apart from reading earlier scores from `ws` for rollups); `load_warnings`
    (what load_inputs said) come first in the result's warnings."""
    p = period if isinstance(period, Period) else Period.parse(period)
    cfg.check_people(inp.people)
    if not inp.__dict__.get("_provenance_done"):   # judgements about oneself set aside once (provenance.py)
        inp.tables, prov = own_judgements(inp.tables)
        inp.__dict__["_provenance_done"] = True
        inp.cached("provenance_ledger", lambda: prov)
    rows, adj, led, sources = period_rows(inp, p, cfg, ws)
    card, rows, dist = build_scorecard(rows, adj, cfg, p.kind, p.text, inp)
    extra = []
    for op, codes in zip(card["operator"], card["missing_tables"]):
        for code in ([] if pd.isna(codes) else str(codes).split(",")):
            extra.append((op, "missing_input", table_titles(code), 0.0, msg("ledger_missing", table=table_titles(code))))
    if "flagged_posts" in card.columns and p.kind == "month":
        fl = flagged_posts(inp, p)
        for op, title, check in zip(fl["operator"], fl["title"], fl["check"]):
            rules = [c for c in str(check).split(",") if c and c != "nan"]
            if any(c.startswith("fraud") for c in rules) or not rules:
                extra.append((op, "flagged", "疑似刷量", 0.0, msg("ledger_flagged", title=str(title))))
            impossible = [c for c in rules if not c.startswith("fraud")]
            if impossible:
                extra.append((op, "set_aside", "数据不可能", 0.0,
                              msg("set_aside_post", title=str(title), rule="、".join(impossible)),
                              "plausibility:" + ",".join(impossible)))
    extra.extend(inp.cached("provenance_ledger", lambda: []))
    if p.kind == "month":
        extra.extend(_left_out_rows(inp))
    if extra:
        extra = [e if len(e) == 6 else (*e, None) for e in extra]
        led = pd.concat([led, pd.DataFrame(extra, columns=["operator", "kind", "item", "points", "detail", "rule"])],
                        ignore_index=True)
    led = led.assign(period=led["period"].fillna(p.text) if "period" in led else p.text)
    rule = led["rule"] if "rule" in led.columns else pd.Series(None, index=led.index, dtype=object)
    led["rule"] = rule.astype(object).where(rule.notna(), led["kind"].map(LEDGER_RULES))
    ledger = catalog.conform(led, LEDGER)
    if dist.get("forced"):
        extra = pd.DataFrame([{"period": p.text, "operator": o, "kind": "distribution", "item": "强制分布",
                               "points": 0.0, "detail": "按配置强制分布，等级调整为B", "rule": "forced_distribution"}
                              for o in dist["demoted"]])
        ledger = pd.concat([ledger, catalog.conform(extra, LEDGER)], ignore_index=True)
    warnings = list(load_warnings or [])
    if dist["message"]:
        warnings.append(dist["message"])
    if not inp.people:
        warnings.append("没有可评分的人员。")
    meta = {"period": p.text, "kind": p.kind, "config": cfg.source, "config_hash": cfg.digest,
            "dimension_weights": cfg.weights_for(p.kind),
            "indicator_weights": {k: v.weight for k, v in cfg.indicators.items()},
            "distribution": dist, "sources": sources, "people": len(inp.people), "warnings": warnings,
            **account.plan_facts(cfg)}
    return ScoreResult(p.text, card, rows, ledger, meta, warnings)


def score_period(ws: Workspace, period: str, config: AssessmentConfig | None = None) -> ScoreResult:
    """Score a month, quarter or year from data/processed/<period>/ and write scorecard.parquet,
    indicator_scores.parquet, score_ledger.parquet and score_meta.json there."""
    cfg = config or load_assessment()
    p = Period.parse(period)
    inp, warnings = load_inputs(ws, p, cfg)
    res = score_inputs(inp, p, cfg, ws, warnings)
    write_result(ws, res)
    return res


def write_result(ws: Workspace, res: ScoreResult) -> Path:
    """scorecard, indicator_scores, score_ledger and score_meta of `res` saved in data/processed/<period>/ through the
    catalog; the folder."""
    folder = ws.processed(res.period)
    catalog.save(folder, "scorecard", res.scorecard)
    catalog.save(folder, "indicator_scores", res.indicator_scores)
    catalog.save(folder, "score_ledger", res.ledger)
    catalog.save(folder, "score_meta", res.meta)
    # the score's own account of each person, from the tables just saved (issue 23)
    for name, frame in account.from_disk(ws, res).items():
        catalog.save(folder, name, frame)
    return folder
