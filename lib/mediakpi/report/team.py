"""The team page's parts (ranking, summary, calibration, content, trend) and the data-quality page's."""
from __future__ import annotations

import pandas as pd

from .. import fmt, plotting
from ..paths import Workspace
from ..periods import Period
from . import charts, insights
from .html import col_label, href, table
from .inputs import MAX_ROWS, VIRAL_ROWS, Inputs, PlanView, grade_class, is_true, metric_unit, posts_of, scorecard_of, text_of
from .inputs import BEST_TIME_COLUMNS, FORMAT_COLUMNS, OVERVIEW_COLUMNS, TOPIC_COLUMNS
from .posts import in_period, label_ratio, post_cards, with_ratio


# --------------------------------------------------------------------------------------------------- team parts

def quality_context(inputs: Inputs, lab: dict[str, str]) -> dict:
    dq = inputs.get("data_quality")
    notes = inputs.get("data_quality_notes")
    manifest = inputs.get("manifest")
    quarantine = inputs.get("quarantine")
    status = dq["status"].astype(str) if dq is not None and "status" in dq.columns else pd.Series(dtype=str)
    levels = notes["level"].astype(str) if notes is not None and "level" in notes.columns else pd.Series(dtype=str)
    n_err = int((status == "error").sum() + (levels == "error").sum())
    n_warn = int((status == "warn").sum() + (levels == "warn").sum())
    n_accounts = int((status != "ok").sum())
    n_quarantined = len(quarantine) if quarantine is not None else 0
    missing_core = [k for k in ("data_quality", "manifest") if k in inputs.notices]
    problem = bool(n_err or n_warn or n_quarantined or missing_core)
    if problem:
        summary = lab["report.quality.summary"].format(errors=n_err, warns=n_warn, accounts=n_accounts)
        if n_quarantined:
            summary += f" {lab['report.card.quarantined']}：{n_quarantined}。"
    else:
        summary = lab["report.quality.all_ok"]
    important = None
    if notes is not None:
        order = {"error": 0, "warn": 1, "info": 2}
        imp = notes.assign(_o=levels.map(order).fillna(3)).sort_values("_o", kind="stable")
        imp = imp[imp["_o"] < 2]
        important = table(imp, lab, ["level", "scope", "subject", "message"], limit=10)
    manifest_cols = ["path", "kind", "platform", "account", "rows_read", "rows_kept", "rows_quarantined",
                     "duplicates_merged", "message"]
    if manifest is not None:
        manifest = manifest.rename(columns={c: "path" for c in ("relative_path", "file", "source_file")
                                            if c in manifest.columns and "path" not in manifest.columns})
        manifest = manifest.rename(columns={c: "kind" for c in ("recognised_as", "recognized_as", "type")
                                            if c in manifest.columns and "kind" not in manifest.columns})
    files = len(manifest) if manifest is not None else None
    # Problems that can change a score: errors and warnings, except about files that were not exports at all.
    not_exports = set()
    if manifest is not None and {"path", "kind"} <= set(manifest.columns):
        not_exports = set(manifest.loc[manifest["kind"].astype(str) == "unrecognised", "path"].astype(str))
    score_problems = 0
    if notes is not None:
        subject = notes["subject"].astype(str) if "subject" in notes.columns else pd.Series("", index=notes.index)
        score_problems = int((levels.isin(["error", "warn"]) & ~subject.isin(not_exports)).sum())
    score_problems += int((status == "error").sum())
    account_cols = ["platform", "account", "operator", "status", "files", "posts", "posts_in_period",
                    "quarantined_rows", "flags", "missing_download", "note"]
    if dq is not None:  # columns other stages add later (e.g. private works) show when they have a label
        account_cols += [c for c in dq.columns if c not in account_cols and col_label(c, lab) != c]
    return {
        "score_problems": score_problems,
        "problem": problem,
        "status": "error" if n_err else ("warn" if problem else "ok"),
        "summary": summary,
        "notes": important,
        "cards": [
            {"label": lab["report.card.files"], "value": fmt.count(files)},
            {"label": lab["report.card.errors"], "value": str(n_err)},
            {"label": lab["report.card.warnings"], "value": str(n_warn)},
            {"label": lab["report.card.quarantined"], "value": str(n_quarantined)},
        ],
        "notes_full": table(notes, lab, ["level", "scope", "subject", "message"], limit=MAX_ROWS),
        "notes_messages": inputs.notice("data_quality_notes"),
        "accounts": table(dq, lab, account_cols, limit=MAX_ROWS),
        "accounts_messages": inputs.notice("data_quality"),
        "manifest": table(manifest, lab, manifest_cols, limit=MAX_ROWS),
        "manifest_messages": inputs.notice("manifest"),
        "quarantine": table(quarantine, lab, ["source_file", "source_row", "table", "reason", "values"], limit=MAX_ROWS),
        "quarantine_messages": inputs.notice("quarantine"),
    }


def summary_context(scorecard: pd.DataFrame | None, previous: pd.DataFrame | None, inputs: Inputs,
                    lab: dict[str, str], plan: "PlanView") -> dict:
    if scorecard is None:
        return {"cards": [], "grades": [], "distribution": None, "movers": None,
                "messages": inputs.notice("scorecard")}
    totals = pd.to_numeric(scorecard["total"], errors="coerce")
    cards = [
        {"label": lab["report.card.people"], "value": str(len(scorecard))},
        {"label": lab["report.card.mean"], "value": fmt.score(totals.mean())},
        {"label": lab["report.card.median"], "value": fmt.score(totals.median())},
        {"label": lab["report.card.range"], "value": f"{fmt.score(totals.max())} / {fmt.score(totals.min())}"},
    ]
    grades = []
    if "grade" in scorecard.columns:
        counts = scorecard["grade"].astype(str).value_counts()
        order = sorted(counts.index, key=lambda g: ("SABCD".find(g[:1]) if g[:1] in "SABCD" else 9, g))
        grades = [{"grade": g, "cls": grade_class(g), "count": int(counts[g]),
                   "share": fmt.percent(counts[g] / len(scorecard), 0)} for g in order]
    movers = None
    if previous is not None:
        prev = previous[["operator", "total"]].rename(columns={"total": "previous"})
        m = scorecard[["operator", "total"]].merge(prev, on="operator", how="inner")
        m["change"] = pd.to_numeric(m["total"], errors="coerce") - pd.to_numeric(m["previous"], errors="coerce")
        m = m.dropna(subset=["change"])
        if not m.empty:
            up = m[m["change"] > 0].nlargest(3, "change")
            down = m[m["change"] < 0].nsmallest(3, "change")
            both = pd.concat([up, down])
            both["change"] = [fmt.signed(v, fmt.POINTS) for v in both["change"]]
            movers = table(both, lab, ["operator", "previous", "total", "change"])
    return {"cards": cards, "grades": grades, "movers": movers, "messages": [],
            "distribution": charts.score_distribution(totals, lab["report.chart.score"], lab["report.chart.people"],
                                                      plan.grades)}


def ranking_rows(scorecard: pd.DataFrame, dims: list[str], previous: pd.DataFrame | None, stems: dict[str, str],
                 lab: dict[str, str], indicators: pd.DataFrame | None = None) -> list[dict]:
    """The team page's first table: rank, name (linked), total, grade (暂定 where provisional), change against last
    period, strongest and weakest dimension (among dimensions with at least one scored indicator)."""
    evidence = insights.evidenced(scorecard, indicators, dims).set_index("operator")
    prev = {}
    if previous is not None:
        prev = dict(zip(previous["operator"].astype(str), pd.to_numeric(previous["total"], errors="coerce")))
    frame = scoreboard_frame(scorecard, dims)
    statuses = insights.grade_status(frame)
    rows = []
    for (_, r), st in zip(frame.iterrows(), statuses):
        name = str(r["operator"])
        strong, weak = insights.extremes(evidence.loc[name], dims)
        rank = fmt.num(r.get("rank"))
        rows.append({
            "rank": str(int(rank)) if rank is not None else fmt.DASH, "name": name,
            "href": href("people", stems[name] + ".html"), "total": fmt.score(r.get("total")),
            "grade": insights.grade_text(r.get("grade"), str(st), lab), "status": str(st),
            # on the ranking the letter and its status stack, so 暂定 does not widen the column on a phone
            "grade_letter": text_of(r.get("grade")) if st != "withheld" else fmt.DASH,
            "grade_note": lab[f"report.grade_status.{st}"] if st in ("provisional", "withheld") else "",
            "grade_class": grade_class(r.get("grade")) if st == "final" else "x",
            "change": fmt.signed(fmt.num(r.get("total")) - prev[name], fmt.POINTS)
            if name in prev and fmt.num(r.get("total")) is not None and not pd.isna(prev[name]) else fmt.DASH,
            "coverage": fmt.percent(fmt.num(r.get("coverage")), 0) if fmt.num(r.get("coverage")) is not None
            else fmt.DASH,
            "strong": f"{strong} {fmt.score(r.get(strong))}" if strong else fmt.DASH,
            "weak": f"{weak} {fmt.score(r.get(weak))}" if weak and weak != strong else fmt.DASH,
        })
    return rows


def calibration_context(scorecard: pd.DataFrame, reviews: pd.DataFrame | None, plan: PlanView,
                        lab: dict[str, str]) -> dict:
    """For HR: each rater's mean rating against the team's, the grade distribution against the guideline, and whose
    grade is provisional or withheld."""
    raters = insights.rater_means(reviews)
    rater_table = None
    if raters is not None:
        raters = raters.assign(difference=[fmt.signed(v) for v in raters["difference"]])
        rater_table = table(raters, lab, ["rater", "rater_role", "people", "mean_rating", "team_mean", "difference"],
                            limit=MAX_ROWS)
    dist = insights.grade_distribution(scorecard, plan.max_top_share)
    top, cap = dist.attrs["top_share"], dist.attrs["max_top_share"]
    guide = lab["report.calibration.guideline"].format(
        top=fmt.percent(top, 0) if top is not None else fmt.DASH, cap=fmt.percent(cap, 0),
        verdict=lab["report.calibration.over" if top is not None and top > cap + 1e-9 else "report.calibration.within"])
    statuses = insights.grade_status(scorecard)
    pending = [{"name": n, "status": lab[f"report.grade_status.{st}"],
                "coverage": fmt.percent(fmt.num(c), 0) if fmt.num(c) is not None else fmt.DASH}
               for n, st, c in zip(scorecard["operator"], statuses,
                                   scorecard["coverage"] if "coverage" in scorecard.columns else [None] * len(scorecard))
               if st != "final"]
    return {"raters": rater_table, "distribution": table(dist, lab, ["grade", "count", "share"]), "guideline": guide,
            "pending": pending}


def data_problem_line(quality: dict, lab: dict[str, str]) -> str | None:
    """The team page's one line about data problems that change scores (details on quality.html)."""
    n = quality["score_problems"]
    return lab["report.quality.line"].format(n=n) if n else None


def scoreboard_frame(scorecard: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    cols = [c for c in ["operator", "rank", "total", "grade", "grade_status", "coverage"] if c in scorecard.columns]
    cols += dims
    frame = scorecard[cols].copy()
    if "rank" in frame.columns:
        frame = frame.sort_values(["rank", "operator"], na_position="last", kind="stable")
    else:
        frame = frame.sort_values("total", ascending=False, kind="stable")
    return frame.reset_index(drop=True)


# the content tables the four charts below draw from (content_posts, a row per post, is not one of them)
FIGURE_TABLES = {"overview", "best_time", "formats", "topics"}


def content_figures(ws: Workspace, period: str, lab: dict[str, str] | None = None) -> dict[str, str]:
    """Charts drawn by the content stage's own functions (mediakpi.content.charts) from its written tables, as data
    URIs; {} when 04_content has not run for the period. A table that cannot be read or a chart that fails raises:
    the report renders what content wrote and does not hide a broken stage behind a missing chart."""
    from ..content import charts as content_charts
    from ..content.analyse import load_result

    result = load_result(ws, period, only=FIGURE_TABLES)
    if result is None:
        return {}
    out = {}
    for name in ("viral_chart", "heatmap", "formats_chart", "topics_chart"):
        fn = getattr(content_charts, name)
        if name == "viral_chart":
            top = content_charts.max_bars(result)
            ov = result.overview
            total = int((ov["level"] == "account").sum()) if ov is not None and "level" in ov.columns else 0
            note = (lab or {}).get("report.chart.top_accounts")  # said under the chart when accounts were left out
            if total > top and note:
                out["viral_chart_note"] = note.format(n=top, total=total)
            out[name] = plotting.to_data_uri(plotting.legible(fn(result, top=top, say_top=False)))
        else:
            out[name] = plotting.to_data_uri(plotting.legible(fn(result)))
    return out


def non_empty_columns(frame: pd.DataFrame, preferred: list[str]) -> list[str]:
    cols = [c for c in preferred if c in frame.columns] or list(frame.columns)
    return [c for c in cols if frame[c].notna().any()]


def content_context(inputs: Inputs, lab: dict[str, str], figures: dict[str, str] | None = None) -> dict:
    figures = figures or {}
    sections = []
    posts = posts_of(inputs)
    # Viral posts, as cards (title first), strongest against their account's baseline first.
    if posts is not None and "viral" in posts.columns:
        viral = in_period(posts)
        viral = viral[is_true(viral["viral"])]
        viral = label_ratio(with_ratio(viral).sort_values("_ratio", ascending=False, na_position="last")
                             .head(VIRAL_ROWS))
        cards = post_cards(viral, lab)
        for card, op in zip(cards, viral["operator"].tolist() if "operator" in viral.columns else [None] * len(cards)):
            card["where"] = " · ".join(x for x in (text_of(op), card["where"]) if x)
        title = lab["report.section.viral"]
        if not cards:
            title += f"（{lab['report.empty'].format(what=lab['report.section.viral'])}）"
        note = lab["report.post.viral_note"]
        if len(posts) and is_true(in_period(posts)["viral"]).sum() > VIRAL_ROWS:
            note += " " + lab["report.truncated"].format(n=VIRAL_ROWS, total=int(is_true(in_period(posts)["viral"]).sum()))
        sections.append({"title": title, "chart": figures.get("viral_chart"), "table": None, "cards": cards,
                         "note": " ".join(x for x in (figures.get("viral_chart_note") if figures.get("viral_chart")
                                                      else None, note) if x)})
    # Platform overview.
    overview = inputs.get("content_overview")
    if overview is not None:
        if "level" in overview.columns and overview["level"].isin(["team", "platform"]).any():
            overview = overview[overview["level"].isin(["team", "platform"])]
        sections.append({"title": lab["report.section.overview"], "chart": None,
                         "table": table(overview, lab, non_empty_columns(overview, OVERVIEW_COLUMNS), limit=30)})
    # Best time: the content stage's heatmap; without it the table of its slots.
    best = inputs.get("content_best_time")
    if figures.get("heatmap") or best is not None:
        shown = best is not None and not figures.get("heatmap")  # the table stands in for a missing heatmap
        if shown and {"median_value", "metric"} <= set(best.columns):
            # formatted for the rows the table shows (the slots of a big month run to tens of thousands)
            head = best.head(12)
            text = [fmt.value(v, metric_unit(m, lab)) for v, m in zip(head["median_value"], head["metric"])]
            best = best.assign(median_value=text + [fmt.DASH] * (len(best) - len(text)))
        sections.append({"title": lab["report.section.best_time"], "chart": figures.get("heatmap"),
                         "table": table(best, lab, BEST_TIME_COLUMNS, limit=12) if shown else None})
    # Formats and topics: the content stage's charts and tables (each median in its metric's unit).
    for key, title_key, chart_key, preferred in (
            ("content_formats", "report.section.formats", "formats_chart", FORMAT_COLUMNS),
            ("content_topics", "report.section.topics", "topics_chart", TOPIC_COLUMNS)):
        frame = inputs.get(key)
        if frame is None:
            continue
        if "metric_median" in frame.columns and "metric" in frame.columns:
            frame = frame.assign(metric_median=[fmt.value(v, metric_unit(m, lab))
                                                for v, m in zip(frame["metric_median"], frame["metric"])])
        sections.append({"title": lab[title_key], "chart": figures.get(chart_key),
                         "table": table(frame, lab, non_empty_columns(frame, preferred), limit=30)})
    messages = []
    if not sections:
        messages = inputs.notice("content_posts", "posts_clean") or [
            lab["report.empty"].format(what=lab["report.what.content"])]
    return {"sections": sections, "messages": messages}


def trend_context(ws: Workspace, period: Period, lab: dict[str, str], plan: "PlanView") -> dict | None:
    if period.kind == "month":
        return None
    rows = []
    for month in period.months:
        frame = scorecard_of(ws, month)
        if frame is not None:
            rows.append(pd.DataFrame({"month": month, "total": pd.to_numeric(frame["total"], errors="coerce")}))
    if not rows:
        return {"chart": None, "table": None,
                "messages": [lab["report.empty"].format(what=lab["report.what.history"])]}
    frame = pd.concat(rows, ignore_index=True)
    summary = frame.groupby("month")["total"].agg(count="count", mean="mean", median="median").reset_index()
    return {"chart": charts.team_trend(frame, lab["report.chart.month"], lab["report.chart.score"], plan.grades,
                                       lab["report.chart.mean_line"], lab["report.chart.range_band"]),
            "table": table(summary, lab, ["month", "count", "mean", "median"]), "messages": []}


# ------------------------------------------------------------------------------------------------- person parts


HELP_DROP = 5.0   # a drop of this many points against last period puts a person on the team's first screen


def needs_help(scorecard: pd.DataFrame, previous: pd.DataFrame | None, account: pd.DataFrame | None,
               stems: dict[str, str], lab: dict[str, str], month: str) -> list[dict]:
    """The team page's first list: each person graded C or D, provisional, or down HELP_DROP points or more, with
    why (the reasons that apply) and what to help with: their largest gap (dimension, indicator and its cause, from
    the score's own account)."""
    prev = {} if previous is None else dict(zip(previous["operator"].astype(str),
                                                 pd.to_numeric(previous["total"], errors="coerce")))
    gaps = {}
    if account is not None and {"operator", "kind"} <= set(account.columns):
        first = account[(account["kind"] == "gap")].sort_values(["operator", "order"]).drop_duplicates("operator")
        gaps = {str(r["operator"]): r for r in first.to_dict("records")}
    out = []
    for (_, r), st in zip(scoreboard_frame(scorecard, []).iterrows(), insights.grade_status(scoreboard_frame(
            scorecard, []))):
        name, total = str(r["operator"]), fmt.num(r.get("total"))
        why = []
        grade = text_of(r.get("grade"))
        if st != "withheld" and grade[:1] in ("C", "D"):
            why.append(lab["report.help.grade"].format(grade=grade))
        if st == "provisional":
            why.append(lab["report.help.provisional"].format(
                coverage=fmt.percent(fmt.num(r.get("coverage")), 0)))
        before = prev.get(name)
        if total is not None and before is not None and not pd.isna(before) and total - before <= -HELP_DROP:
            why.append(lab["report.help.drop"].format(change=fmt.signed(total - before, fmt.POINTS)))
        if not why:
            continue
        gap = gaps.get(name)
        what = ""
        if gap is not None:
            what = lab["report.help.what"].format(dimension=text_of(gap.get("dimension")),
                                                  indicator=text_of(gap.get("indicator")),
                                                  points=fmt.score(gap.get("points")),
                                                  action=insights.gap(gap, lab, month))
        out.append({"name": name, "href": href("people", stems[name] + ".html") if name in stems else None,
                    "why": "、".join(why), "what": what})
    return out


def ranking_basis_note(scorecard: pd.DataFrame, dims: list[str], lab: dict[str, str]) -> str | None:
    """A note when people are ranked on different bases: not everyone was scored on the same dimensions."""
    if not dims:
        return None
    bases = scorecard[[d for d in dims if d in scorecard.columns]].notna().apply(tuple, axis=1)
    if bases.nunique() <= 1:
        return None
    full = int((bases.map(sum) == len(dims)).sum())
    return lab["report.ranking.bases"].format(n=len(scorecard) - full, total=len(scorecard),
                                              kinds=int(bases.nunique()))


def team_drivers(drivers: pd.DataFrame | None, lab: dict[str, str], top: int = 3) -> list[str]:
    """Why the team's mean total moved: each part of the change (score_drivers) averaged over the people scored in
    both periods, the largest first."""
    if drivers is None or drivers.empty or not {"operator", "item", "kind", "points"} <= set(drivers.columns):
        return []
    n = drivers["operator"].nunique()
    mean = drivers.groupby(["kind", "item"], sort=False)["points"].sum() / n
    mean = mean[mean.abs() > 1e-9]
    order = mean.abs().sort_values(ascending=False).index[:top]
    return insights.driver_lines([{"kind": k, "item": i, "points": mean[(k, i)]} for k, i in order], lab, top)
