"""Reports readers open: files, escaping, privacy of scorecards, graceful degradation, language, archive, size."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from mediakpi import catalog
from mediakpi.report.publish import publish
from mediakpi.report.html import safe_filename, unique_filenames
from .report_fixture import EVIL_COMMENT, EVIL_TITLE, make_processed

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

MAX_PAGE = 5 * 1024 * 1024


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_page_is_written(published):
    ws, result, people = published
    out = result.out_dir
    for name in ("index.html", "team.html", "quality.html", "scoreboard.xlsx"):
        assert (out / name).is_file(), name
    assert sorted(result.people) == sorted(people)
    assert len(list((out / "people").glob("*.html"))) == len(people)
    # Nothing was written outside the staging folder (never into reports/<period>/ directly).
    assert not ws.reports("2026-10").exists()


def test_pages_are_self_contained_and_small(published):
    _, result, _ = published
    for page in _pages(result.out_dir):
        text = page.read_text(encoding="utf-8")
        assert page.stat().st_size < MAX_PAGE, page
        assert "<script" not in text.lower(), page  # no script at all (escaped titles appear as &lt;script)
        # Issue 16: a post card links to the post itself (navigation the reader chooses, never a load); nothing else
        # may point outside the page.
        loads = re.sub(r'<a href="https://[^"]*" rel="noopener noreferrer">', "", text)
        assert not re.search(r'''(?:src|href)\s*=\s*["']?\s*(?:https?:)?//''', loads, re.I), page
        assert "@import" not in text and "url(http" not in text, page
        for src in re.findall(r'<img[^>]+src="([^"]*)"', text):
            assert src.startswith("data:image/"), (page, src[:40])
        assert "Traceback" not in text and "In [" not in text, page


def test_untrusted_text_is_escaped(published):
    _, result, people = published
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    first = (result.people[people[0]]).read_text(encoding="utf-8")
    escaped = html.escape(EVIL_TITLE, quote=False)
    assert EVIL_TITLE not in team and EVIL_TITLE not in first
    assert escaped in first          # the hostile title of person 0's best post shows as text
    assert escaped in team           # ... and in the topic table of the team report
    quality = (result.out_dir / "quality.html").read_text(encoding="utf-8")
    assert "<img src=x" not in quality and "&lt;img src=x onerror=alert(1)&gt;" in quality.replace("&#34;", '"')
    # A person whose name is markup gets an escaped heading and a harmless file name.
    evil = people[-1]
    path = result.people[evil]
    assert "<" not in path.name and ">" not in path.name
    assert evil not in path.read_text(encoding="utf-8")
    assert html.escape(evil) in path.read_text(encoding="utf-8")
    # A formula-like comment is plain text in the page.
    assert str(escape(EVIL_COMMENT)) in first


def test_each_scorecard_holds_only_that_person(published):
    _, result, people = published
    for person, path in result.people.items():
        text = path.read_text(encoding="utf-8")
        assert person in text or html.escape(person) in text
        for other in people:
            if other == person:
                continue
            assert other not in text and html.escape(other) not in text, (person, other)


def test_scorecard_explains_every_indicator(published):
    ws, result, people = published
    ind = pd.read_parquet(ws.processed("2026-10") / catalog.file_name("indicator_scores"))
    person = people[1]
    text = result.people[person].read_text(encoding="utf-8")
    mine = ind[ind["operator"] == person]
    for rec in mine.itertuples():
        assert html.escape(rec.indicator) in text
        assert html.escape(rec.explanation) in text
    if (~mine["applicable"]).any():
        assert "不适用" in text
    card = pd.read_parquet(ws.processed("2026-10") / catalog.file_name("scorecard"))
    row = card[card["operator"] == person].iloc[0]
    assert f"第 {int(row['rank'])} 名" in text and f"排名（共 {len(card)} 人）" in text
    assert f"{row['total']:.1f}" in text
    assert "<svg" in text  # radar and trend


def test_index_links_every_page(published):
    _, result, people = published
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', index))
    assert {"team.html", "quality.html"} <= links
    from urllib.parse import unquote
    targets = {unquote(h) for h in links}
    for person, path in result.people.items():
        assert f"people/{path.name}" in targets, person
    for h in links:  # every relative link resolves inside the staging folder
        if not h.startswith("../"):
            assert (result.out_dir / unquote(h)).is_file(), h


def test_scoring_notes_and_own_content(published):
    _, result, people = published
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    assert "团队不足 10 人：等级分布仅供参考。" in team
    assert "内容质量评审缺少 1 人的记录" in team
    person = result.people[people[1]].read_text(encoding="utf-8")
    assert "本人内容概况" in person


def test_data_quality_comes_first_when_something_is_wrong(published):
    """Issue 16: the data problems that change scores are one line with a count and a link on the first screen; the
    table of notes stays on the quality page."""
    _, result, _ = published
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    line = "有 2 个数据问题可能影响得分。"  # the fixture's error and warning notes (the info note is not counted)
    assert line in team and 'href="quality.html"' in team[team.index(line):team.index(line) + 300]
    assert team.index(line) < team.index("本期排名") + 400 < team.index("成绩总表")
    assert "文件无法打开：请重新下载" not in team
    quality = (result.out_dir / "quality.html").read_text(encoding="utf-8")
    assert "文件无法打开：请重新下载" in quality


def test_archive_lists_published_periods(workspace, tmp_path):
    make_processed(workspace, "2026-10", n_people=3, history=0)
    for p in ("2026-09", "2026-Q3", "2025"):
        (workspace.reports(p)).mkdir(parents=True)
        (workspace.reports(p) / "index.html").write_text("old", encoding="utf-8")
    (workspace.reports_dir / "not-a-period").mkdir()
    (workspace.reports_dir / "2026-08").mkdir()  # no index.html: a failed run, not published
    result = publish(workspace, "2026-10", tmp_path / "out")
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    for p in ("2026-09", "2026-Q3", "2025"):
        assert f'href="../{p}/index.html"' in index
    assert "not-a-period" not in index and "../2026-08/" not in index


def test_quarter_shows_the_trend_across_months(workspace, tmp_path):
    make_processed(workspace, "2026-Q3", n_people=4, history=0)
    result = publish(workspace, "2026-Q3", tmp_path / "out")
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    assert "月度趋势" in team and "成绩来源" in team
    for month in ("2026-07", "2026-08", "2026-09"):
        assert month in team
    assert team.count("data:image/png") >= 2


def test_missing_tables_degrade_gracefully(workspace, tmp_path):
    workspace.processed("2026-10").mkdir(parents=True)
    result = publish(workspace, "2026-10", tmp_path / "out")
    assert result.people == {} and result.excel is None
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    assert "缺少数据" in team and catalog.file_name("scorecard") in team
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert "本期没有个人成绩单" in index
    assert result.messages  # every missing input is reported


def test_partly_missing_and_unreadable_inputs(workspace, tmp_path):
    people = make_processed(workspace, "2026-10", n_people=3, with_content=False)
    folder = workspace.processed("2026-10")
    (folder / catalog.file_name("indicator_scores")).unlink()
    (folder / catalog.file_name("score_posts")).write_bytes(b"this is not parquet")
    (folder / catalog.file_name("data_quality")).write_bytes(b"")
    result = publish(workspace, "2026-10", tmp_path / "out")
    text = result.people[people[0]].read_text(encoding="utf-8")
    assert "缺少数据：指标明细" in text
    assert f"无法读取 {catalog.file_name('score_posts')}" in text
    quality = (result.out_dir / "quality.html").read_text(encoding="utf-8")
    assert f"无法读取 {catalog.file_name('data_quality')}" in quality


def test_english_labels(published, tmp_path):
    ws, _, _ = published
    result = publish(ws, "2026-10", tmp_path / "en", lang="en")
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in team
    assert "Team performance report" in team and "Scoreboard" in team
    assert "团队绩效报告" not in team and "成绩总表" not in team
    with pytest.raises(ValueError):
        publish(ws, "2026-10", tmp_path / "xx", lang="fr")


def test_huge_title_does_not_blow_up_the_page(workspace, tmp_path):
    make_processed(workspace, "2026-10", n_people=2)
    path = workspace.processed("2026-10") / catalog.file_name("content_posts")
    posts = pd.read_parquet(path)
    posts.loc[0, "title"] = "长" * 50_000 + "😀\u200b\u202e"
    posts.loc[0, "viral"] = True
    posts.to_parquet(path)
    posts.to_parquet(workspace.processed("2026-10") / catalog.file_name("posts_clean"))
    result = publish(workspace, "2026-10", tmp_path / "out")
    for page in _pages(result.out_dir):
        assert page.stat().st_size < 200_000, page
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    assert "长" * 120 + "…" in team and "长" * 121 not in team  # post cards show the title's first 120 characters


@pytest.mark.parametrize("name, expected", [
    ("张三", "张三"), ("a/b\\c", "a_b_c"), ("..", "未命名"), ("", "未命名"), ("CON", "CON_"),
    ("<b>赵六</b>", "_b_赵六__b_"), ("  李四. ", "李四"), ("王\u200b五", "王五"), ("x" * 300, "x" * 180),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_unique_filenames_never_collide():
    stems = unique_filenames(["张/三", "张_三", "Ab", "aB", ""])
    assert len(set(s.casefold() for s in stems.values())) == 5


def test_rerun_into_the_same_folder_drops_stale_scorecards(workspace, tmp_path):
    people = make_processed(workspace, "2026-10", n_people=3, with_content=False)
    out = tmp_path / "out"
    publish(workspace, "2026-10", out)
    folder = workspace.processed("2026-10")
    card = pd.read_parquet(folder / catalog.file_name("scorecard"))
    card[card["operator"] != people[0]].to_parquet(folder / catalog.file_name("scorecard"))
    result = publish(workspace, "2026-10", out)
    assert people[0] not in result.people
    assert sorted(p.name for p in (out / "people").glob("*.html")) == sorted(p.name for p in result.people.values())


def test_period_without_any_processed_folder(workspace, tmp_path):
    result = publish(workspace, "2026-Q4", tmp_path / "out")
    for name in ("index.html", "team.html", "quality.html"):
        text = (result.out_dir / name).read_text(encoding="utf-8")
        assert "缺少数据" in text or "本期没有" in text, name
    assert result.people == {}


def test_odd_scorecard_rows(workspace, tmp_path):
    people = make_processed(workspace, "2026-10", n_people=3, with_content=False)
    path = workspace.processed("2026-10") / catalog.file_name("scorecard")
    card = pd.read_parquet(path)
    extra = card.iloc[[0, 1]].copy()
    extra.loc[extra.index[1], "operator"] = None       # a row without a name
    extra.loc[extra.index[0], "total"] = float("nan")   # a duplicate of person 0 without a score
    card = pd.concat([card, extra], ignore_index=True)
    card["rank"] = pd.NA
    card.to_parquet(path)
    result = publish(workspace, "2026-10", tmp_path / "out")
    assert sorted(result.people) == sorted(people)
    text = result.people[people[0]].read_text(encoding="utf-8")
    assert "排名" in text and "—" in text
