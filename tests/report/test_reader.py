"""Issue 16, tested as a reader: every page at 390×844 phone emulation (DevTools device-metrics override) in headless
Chromium through Playwright, with no horizontal scroll of the page, no internal name in the visible text, chart text at
least 11 CSS px, and screenshots of the team page and one person page at phone and desktop width."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from mediakpi.paths import Workspace
from mediakpi.report.publish import publish
from .report_fixture import PLATFORMS, make_processed

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow,  # renders every page at phone width
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")]
SHOTS = Path(tempfile.gettempdir()) / "mediakpi-reader-screenshots"

# What must never reach a reader: snake_case names, config paths, platform codes.
LEAKS = [re.compile(r"\b[a-z]+_[a-z0-9_]+\b(?!\.[a-z]{2,4}\b)"),  # snake_case, not a file's name (tendency_1.xlsx)
         re.compile(r"config/|\.ya?ml\b|\.parquet\b"),
         re.compile(r"(?<![A-Za-z])(team|platform|account|operator|person)(?![A-Za-z])"),  # level and scope codes
         re.compile(r"(?<![A-Za-z])(" + "|".join(PLATFORMS) + r")(?![A-Za-z])")]  # also next to Chinese text

SCAN_JS = """() => {
  const out = {scroll: document.documentElement.scrollWidth, text: document.body.innerText, small: []};
  for (const svg of document.querySelectorAll('svg.chart')) {
    const vb = svg.viewBox.baseVal; const k = svg.getBoundingClientRect().width / vb.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * k;
      if (px < 11) out.small.push(['svg', t.textContent, px]);
    }
  }
  out.imgs = [];
  for (const img of document.querySelectorAll('figure img')) {
    out.imgs.push([img.alt, img.src, img.getBoundingClientRect().width / img.naturalWidth]);
  }
  return out;
}"""


def png_min_text_px(src: str) -> float | None:
    """The `min-text-px=` note plotting.to_data_uri writes into a chart's PNG."""
    import base64
    import io

    from PIL import Image

    info = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).info
    m = re.search(r"min-text-px=([0-9.]+)", str(info.get("Description", "")))
    return float(m.group(1)) if m else None


def leaks(text: str) -> list[str]:
    return [m.group(0) for rx in LEAKS for m in rx.finditer(text)]


def test_leak_scan_catches_internal_names():
    assert leaks("阅读 views_median 与 config/platforms.yaml，bilibili、douyin抖音") == [
        "views_median", "config/", ".yaml", "bilibili", "douyin"]
    assert leaks("张伟 93.4 · 内容运营 B（暂定）· 青禾TV/tendency_1790784000.xlsx") == []


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("reader")
    ws = Workspace(root / "data", root / "reports")
    people = make_processed(ws, "2026-10", n_people=6)
    result = publish(ws, "2026-10", root / "out")
    return result, people


def test_every_page_reads_on_a_phone(pages):
    from playwright.sync_api import sync_playwright

    result, people = pages
    out = result.out_dir
    all_pages = [out / "index.html", out / "team.html", out / "quality.html", *sorted((out / "people").glob("*.html"))]
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    shots = {out / "team.html", result.people[people[0]]}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            for kind, (w, h, mobile) in {"phone": (390, 844, True), "desktop": (1280, 900, False)}.items():
                page = browser.new_page()
                cdp = page.context.new_cdp_session(page)
                cdp.send("Emulation.setDeviceMetricsOverride",
                         {"width": w, "height": h, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile})
                for path in all_pages:
                    page.goto(path.as_uri())
                    got = page.evaluate(SCAN_JS)
                    rel = path.relative_to(out)
                    assert got["scroll"] <= w, (kind, rel, got["scroll"])
                    assert leaks(got["text"]) == [], (rel, leaks(got["text"]))
                    if kind == "phone":
                        assert got["small"] == [], (rel, got["small"])
                        # PNG charts: the smallest text in image px (recorded in the PNG by plotting.legible) times
                        # the scale the browser shows the image at.
                        for alt, src, scale in got["imgs"]:
                            px = png_min_text_px(src)
                            assert px is not None, (rel, alt, "chart not made legible")
                            assert px * min(scale, 1.0) >= 10.9, (rel, alt, px, scale)
                    if path in shots:
                        name = f"{'person' if path.parent.name == 'people' else path.stem}_{kind}.png"
                        page.screenshot(path=str(SHOTS / name), full_page=True)
                page.close()
        finally:
            browser.close()
    print(f"\nscreenshots: {SHOTS}")


def test_first_screens_say_what_matters(pages):
    result, people = pages
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    first = team[:team.index("成绩总表")]
    for what in ("本期排名", "等级线：S ≥ 110", "全队共同短板", "最弱维度", "较上期"):
        assert what in first, what
    person = result.people[people[0]].read_text(encoding="utf-8")
    head = person[:person.index("指标明细")]
    for what in ("总分", "排名（共", "较上期", "等级线", "优势（达到目标", "待改进（低于目标", "下月"):
        assert what in head, what
    assert person.index("待改进（低于目标") < person.index("各维度得分")


def test_units_and_status_in_indicator_tables(pages):
    result, people = pages
    texts = [p.read_text(encoding="utf-8") for p in result.people.values()]
    joined = "\n".join(texts)
    assert re.search(r"\d+\.\d%", joined)             # rates as percent
    assert "缺少数据" in joined and "不适用" in joined  # missing-input and not-applicable rows say so
    assert 'class="na missing_input"' in joined
    assert "近6月" in joined and "上月（变化）" in joined


def test_provisional_grade_shows_as_such(pages):
    result, _ = pages
    team = (result.out_dir / "team.html").read_text(encoding="utf-8")
    assert "（暂定）" in team


def test_posts_are_cards_linked_to_the_post(pages):
    result, people = pages
    person = result.people[people[0]].read_text(encoding="utf-8")  # people[0] runs the WeChat account
    assert '<li class="post"><p class="ptitle"><a href="https://mp.weixin.qq.com/s/fixture0x' in person
    assert 'rel="noopener noreferrer"' in person and "按“相对基准”排序" in person
