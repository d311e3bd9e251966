"""Issue 23: what the reader sees is what was scored. Every person's numbers are read back from the team page, the
person page, the share bundle and the workbook, and compared with the score's own tables (scorecard,
score_insights, score_posts, score_post_figures); the person page links to nothing with others' data."""
import html
import re

import pandas as pd
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from mediakpi import fmt
from mediakpi.labels import labels

from .conftest import PERIOD


def _text(node) -> str:
    return re.sub(r"\s+", " ", html.unescape(node.get_text(" ", strip=True)))


def test_every_page_tells_the_score_of_every_person(published):
    ws, result, people = published
    folder = ws.processed(PERIOD)
    card = pd.read_parquet(folder / "scorecard.parquet").set_index("operator")
    insights = pd.read_parquet(folder / "score_insights.parquet")
    posts = pd.read_parquet(folder / "score_posts.parquet")
    figures = pd.read_parquet(folder / "score_post_figures.parquet")
    lab = labels("zh")

    team = BeautifulSoup((result.out_dir / "team.html").read_text(encoding="utf-8"), "html.parser")
    ranking = {}
    for tr in team.select("table.ranking tbody tr"):
        cells = [_text(td) for td in tr.find_all("td")]
        ranking[cells[1]] = cells
    wb = load_workbook(result.excel)
    board = wb["成绩总表"]
    head = [c.value for c in board[1]]
    book = {row[0]: dict(zip(head, row)) for row in board.iter_rows(min_row=2, values_only=True)}

    for name in people:
        src = card.loc[name]
        total = fmt.score(src["total"])
        # the team page's ranking: total and coverage
        assert ranking[name][2] == total, name
        assert ranking[name][3] == fmt.percent(src["coverage"], 0)
        # the workbook
        assert abs(book[name]["总分"] - float(src["total"])) < 1e-9
        # the person page and its share copy: the same page
        page_text = result.people[name].read_text(encoding="utf-8")
        assert result.shares[name].read_text(encoding="utf-8") == page_text
        page = BeautifulSoup(page_text, "html.parser")
        assert _text(page.select_one(".cards .card .big")) == total
        # strengths and gaps: the score's own, in its order
        first = page.select_one("section.first")
        lists = {ul["class"][1]: [_text(li) for li in ul.find_all("li")] for ul in first.select("ul.insights")}
        mine = insights[insights["operator"] == name]
        for kind, cls in (("strength", "good"), ("gap", "gap")):
            expected = mine[mine["kind"] == kind].sort_values("order")["indicator"].tolist()
            shown = lists.get(cls, [])
            assert len(shown) == len(expected), (name, kind)
            for line, ind in zip(shown, expected):
                assert line.startswith(ind), (line, ind)
        # best and weakest posts: the score's ranked counted posts
        titles = [_text(p) for p in page.select("li.post .ptitle")]
        want = posts[posts["operator"] == name].sort_values(["side", "order"], ascending=[True, True])
        want = [t if len(t) <= 120 else t[:120] + "…" for t in
                pd.concat([want[want["side"] == "best"], want[want["side"] == "weakest"]])["title"].astype(str)]
        assert titles == [html.unescape(t) for t in want] or titles == want, name
        # 本人内容概况: the counted-post figures
        fig = figures[(figures["operator"] == name) & (figures["level"] == "operator")]
        if len(fig):
            assert fmt.count(int(fig["posts"].iloc[0]), lab["report.unit.posts"]) in page_text
        # privacy: no link to the index, team or quality page, or to another person's page
        hrefs = [a["href"] for a in page.find_all("a", href=True)]
        assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs


def test_the_share_folder_holds_one_page_per_person_and_nothing_else(published):
    _, result, people = published
    share = result.out_dir / "share"
    assert sorted(p.name for p in share.iterdir()) == sorted(p.name for p in result.shares.values())
    assert set(result.shares) == set(people)
    for path in result.shares.values():
        text = path.read_text(encoding="utf-8")
        assert "runs/" not in text and "team.html" not in text and "index.html" not in text
