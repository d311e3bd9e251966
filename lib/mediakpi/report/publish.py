"""Publish a period's reports: index, team report, data-quality page, one private scorecard per person, HR workbook.

Reads only data/processed/ (this period, earlier periods for movers and trends) and the list of periods already in
the reports folder (for the archive). Writes only into `out_dir`: the runner passes a staging folder and swaps it into
reports/<period>/ afterwards. Plain Jinja2 rendering in one process, no kernel per page.

Every input is optional: a missing or unreadable table becomes a Chinese notice in the page that needed it.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from .. import background, catalog, fmt, plotting
from ..content.settings import load_content_config
from ..labels import LANGS, labels as all_labels
from ..paths import Workspace
from ..periods import Period, previous_period
from . import excel, insights
from .html import href, render, table, unique_filenames
from .inputs import (MAX_ROWS, Inputs, PlanView, PublishResult, archive, dimension_columns, grade_class, monthly_scorecards,
                     posts_of, scorecard_of)
from .person import PeopleData, person_context
from .team import (calibration_context, content_context, content_figures, data_problem_line, needs_help,
                   quality_context, ranking_basis_note, ranking_rows, scoreboard_frame, summary_context, team_drivers,
                   trend_context)
from .workbook import workbook_parts

SHARE_DIR = "share"   # reports/<period>/share/<姓名>.html: one self-contained page per person, and nothing else


def publish(ws: Workspace, period: str | Period, out_dir: Path, lang: str = "zh") -> PublishResult:
    """Render every page of `period` into `out_dir` (created if needed). See the module docstring."""
    if lang not in LANGS:
        raise ValueError(f"不支持的语言 {lang!r}：请用 {' 或 '.join(LANGS)}。")
    t0 = time.perf_counter()
    p = Period.parse(period)
    period = p.text
    out_dir = Path(out_dir)
    (out_dir / "people").mkdir(parents=True, exist_ok=True)
    lab = all_labels(lang)
    # the content charts are drawn on the second core while this process renders the pages (issue 18; forked before
    # any table is loaded, see mediakpi.background), after seaborn, the chart module and the CJK font are loaded
    # once: both processes need them
    from ..content import charts as _content_chart_module  # noqa: F401

    plotting.setup()
    content_charts = background.forked(content_figures, ws, period, lab)
    inputs = Inputs(ws, period, lab)
    result = PublishResult(period, out_dir)
    now = pd.Timestamp.now(tz="Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    common = {"period_label": f"{period}（{lab.get(f'period.{p.kind}', p.kind)}）" if lang == "zh"
              else f"{period} ({lab.get(f'period.{p.kind}', p.kind)})", "generated_at": now}

    scorecard = inputs.get("scorecard")
    if scorecard is not None and not {"operator", "total"} <= set(scorecard.columns):
        inputs.notices["scorecard"] = lab["report.unreadable"].format(file=catalog.file_name("scorecard"))
        scorecard = None
    if scorecard is not None:
        scorecard = scorecard[scorecard["operator"].notna()].drop_duplicates("operator", keep="first")
        scorecard = scorecard.assign(operator=scorecard["operator"].astype(str)).reset_index(drop=True)
    indicators = inputs.get("indicator_scores")
    dims = dimension_columns(scorecard, indicators) if scorecard is not None else []
    previous = scorecard_of(ws, previous_period(period))
    last_month = p.months[-1]
    history = monthly_scorecards(ws, last_month)
    names = list(scorecard["operator"]) if scorecard is not None else []
    stems = unique_filenames(names)
    t_load = time.perf_counter()

    # Team-level pages.
    meta = inputs.meta()
    plan = PlanView.of(meta, p.kind, lab)
    quality = quality_context(inputs, lab)
    summary = summary_context(scorecard, previous, inputs, lab, plan)
    board = ranking = calibration = weak = None
    if scorecard is not None:
        frame = scoreboard_frame(scorecard, dims)
        frame["grade"] = [insights.grade_text(g, str(st), lab)
                          for g, st in zip(frame.get("grade", [None] * len(frame)), insights.grade_status(frame))]
        links = [href("people", stems[n] + ".html") for n in frame["operator"]]
        board = table(frame, lab, ["operator", "rank", "total", "grade", *dims], limit=len(frame), links=links)
        if board is not None:
            for r in board.rows:  # a dimension that did not count shows as such
                for j, c in enumerate(board.columns):
                    if c in dims and r[j] == fmt.DASH:
                        r[j] = lab["report.dimension.not_counted"]
        ranking = ranking_rows(scorecard, dims, previous, stems, lab, indicators)
        # a team weakness is read from final results only: a provisional one is mostly a gap in the records
        final = scorecard[(insights.grade_status(scorecard) == "final").to_numpy()]
        weak = insights.weak_spot(insights.evidenced(final, indicators, dims), dims, plan.bar, lab) \
            if len(final) else None
        calibration = calibration_context(scorecard, inputs.get("qualitative_reviews"), plan, lab)
    month_label = lab["report.month_label"].format(month=int(last_month[5:7])) if p.kind == "month" else period
    help_rows, basis_note, drivers_team, team_change = [], None, [], None
    if scorecard is not None:
        help_rows = needs_help(scorecard, previous, inputs.get("score_insights"), stems, lab, month_label)
        basis_note = ranking_basis_note(scorecard, dims, lab)
        drivers_team = team_drivers(inputs.get("score_drivers"), lab)
        if previous is not None:
            both = scorecard[["operator", "total"]].merge(previous[["operator", "total"]], on="operator")
            if len(both):
                team_change = fmt.signed(float((pd.to_numeric(both["total_x"], errors="coerce")
                                                - pd.to_numeric(both["total_y"], errors="coerce")).mean()),
                                         fmt.POINTS)
    dist = meta.get("distribution") if isinstance(meta.get("distribution"), dict) else {}
    if dist.get("message"):
        summary["messages"].append(str(dist["message"]))
    scoring_notes = [str(x) for x in (meta.get("warnings") or []) if x] if scorecard is not None else []
    scoring_sources = [str(x) for x in (meta.get("sources") or []) if x] if p.kind != "month" else []
    team_ctx = dict(common, root="", quality=quality, summary=summary, scoreboard=board, ranking=ranking,
                    weak_spot=weak, cutoffs=plan.cutoffs, problem_line=data_problem_line(quality, lab),
                    calibration=calibration, dims=dims, help=help_rows, basis_note=basis_note,
                    team_drivers=drivers_team, team_change=team_change,
                    scoring_notes=scoring_notes, scoring_sources=scoring_sources,
                    scoreboard_messages=inputs.notice("scorecard"), trend=trend_context(ws, p, lab, plan),
                    content=content_context(inputs, lab, content_charts.result()), growth=table(inputs.get("account_month"), lab, [
                        "platform", "account", "operator", "month", "followers_start", "followers_end",
                        "followers_gained", "followers_lost", "net_growth", "growth_rate"], limit=MAX_ROWS))
    _write(out_dir / "team.html", render("team.html", lang, **team_ctx), result)
    _write(out_dir / "quality.html", render("quality.html", lang, **dict(common, root="", quality=quality,
                                                                         problem_line=data_problem_line(quality, lab))),
           result)
    if scorecard is not None:
        ordered = scoreboard_frame(scorecard, [])
        names = list(ordered["operator"])
        grades = list(ordered["grade"]) if "grade" in ordered.columns else [None] * len(names)
        statuses = [str(x) for x in insights.grade_status(ordered)]
    else:
        grades, statuses = [], []
    people = [{"name": n, "href": href("people", stems[n] + ".html"),
               "grade": insights.grade_text(g, st, lab), "grade_class": grade_class(g) if st == "final" else "x"}
              for n, g, st in zip(names, grades, statuses)]
    _write(out_dir / "index.html", render("index.html", lang, **dict(
        common, root="", people=people, archive=archive(ws, period, lab), quality_status=quality["status"],
        team_line=" · ".join(f"{c['label']} {c['value']}" for c in summary["cards"][:2]) or lab["report.title.team"],
        quality_line=data_problem_line(quality, lab) or quality["summary"])), result)  # the team page's count
    t_team = time.perf_counter()

    # One private page per person.
    if scorecard is not None:
        data = PeopleData.of(inputs, posts_of(inputs), previous, history, lab, ws, period)
        data.grade_statuses = {str(k): str(v) for k, v in zip(scorecard["operator"], insights.grade_status(scorecard))}
        n = int(pd.to_numeric(scorecard["total"], errors="coerce").notna().sum())
        for _, row in scorecard.iterrows():
            name = row["operator"]
            ctx = person_context(name, row, n, dims, inputs, data, lab, plan, month_label)
            path = out_dir / "people" / f"{stems[name]}.html"
            page = render("person.html", lang, **dict(common, root="../", **ctx))
            _write(path, page, result)
            result.people[name] = path
            # the share bundle a lead sends: the page alone (styles and charts inlined, no link to anyone else's data)
            share = out_dir / SHARE_DIR / f"{stems[name]}.html"
            _write(share, page, result)
            result.shares[name] = share
    # A staging folder reused from an earlier run must not keep the scorecard of someone no longer scored.
    written = {p.resolve() for p in [*result.people.values(), *result.shares.values()]}
    for folder in ("people", SHARE_DIR):
        for stale in (out_dir / folder).glob("*"):
            if stale.is_file() and stale.resolve() not in written:
                stale.unlink()
    t_people = time.perf_counter()

    # The HR workbook.
    if scorecard is not None:
        sheets, blocks = workbook_parts(scorecard, indicators, dims, plan, inputs, lab, previous,
                                        load_content_config().appeal_days)
        result.excel = excel.write_scoreboard(out_dir / "scoreboard.xlsx", sheets, note=lab["report.excel.note"],
                                              note_title=lab["report.excel.about"], note_blocks=blocks,
                                              yes_no=(lab["report.yes"], lab["report.no"]))
    t_excel = time.perf_counter()

    result.messages = list(dict.fromkeys(inputs.notices.values()))
    result.seconds = {"load": t_load - t0, "team": t_team - t_load, "people": t_people - t_team,
                      "excel": t_excel - t_people, "total": t_excel - t0}
    return result


def _write(path: Path, text: str, result: PublishResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.pages.append(path)
