"""Open the published pages in headless Chromium as a reader would, and save screenshots to look at.

How each check works, and why it is reliable:

- Console errors: Chromium is run with `--enable-logging=stderr --v=0 --dump-dom`; every console message of the page,
  whatever its level, is logged to stderr as `INFO:CONSOLE…`. Our pages have no script, so any console line is the
  browser complaining (a blocked resource, a Content-Security-Policy violation, a parse problem): the test allows none.
  The pages also carry a CSP (`default-src 'none'; img-src data:`), so a network load would be blocked *and* logged.
- No network: the DOM Chromium built (`--dump-dom`) is parsed with lxml; no element may carry an http(s) or
  protocol-relative URL in src/href, images must be `data:` URIs, and there must be no script, iframe, object, embed,
  external stylesheet, `@import` or `url(http…)`.
- Missing glyphs (tofu boxes): every visible character of the rendered DOM (SVG labels included) must be in the cmap
  of at least one font installed for fontconfig, which is where Chromium looks for fallbacks; a character no installed
  font covers is exactly what Chromium draws as a box. At least one family of the CSS font stack must be installed.
- Screenshots at desktop (1280 px) and phone (390 px) width are written to a folder printed at the end.

The test skips with the reason when no Chromium is installed (scripts/ensure-browser.sh installs it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import html as lxml_html

from mediakpi.paths import Workspace
from mediakpi.report.publish import publish
from .report_fixture import make_processed

CSS_FAMILIES = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans CJK JP",
                "WenQuanYi Micro Hei"]
SCREENSHOTS = Path(os.environ.get("MEDIAKPI_SCREENSHOTS", Path(tempfile.gettempdir()) / "mediakpi-report-screenshots"))
SIZES = {"desktop": "1280,2000", "phone": "390,2000"}


def chromium() -> str | None:
    for name in (os.environ.get("MEDIAKPI_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


CHROMIUM = chromium()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed: run scripts/ensure-browser.sh (as root)")]


def run_chromium(url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
           f"--user-data-dir={profile}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def network_problems(dom: str) -> list[str]:
    doc = lxml_html.fromstring(dom)
    problems = []
    for tag in ("script", "iframe", "object", "embed", "base"):
        problems += [f"<{tag}>" for _ in doc.iter(tag)]
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("src", "href", "srcset", "poster", "data", "xlink:href", "{http://www.w3.org/1999/xlink}href"):
            value = (el.get(attr) or "").strip().lower()
            if (el.tag == "a" and attr == "href" and value.startswith(("http:", "https:"))
                    and "noreferrer" in (el.get("rel") or "")):
                continue  # a link the reader may follow to the post itself (issue 16): navigation, never a load
            if value.startswith(("http:", "https:", "//", "ftp:")):
                problems.append(f"{el.tag} {attr}={value[:60]}")
        if el.tag == "img" and not (el.get("src") or "").startswith("data:image/"):
            problems.append(f"img src={(el.get('src') or '')[:60]}")
        if el.tag == "link" and "stylesheet" in (el.get("rel") or "").lower():
            problems.append("external stylesheet")
    for style in doc.iter("style"):
        text = (style.text or "").lower()
        if "@import" in text or "url(" in text and ("http" in text.split("url(", 1)[1][:10]):
            problems.append("style loads a URL")
    return problems


@lru_cache(maxsize=1)
def installed_coverage() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    out = subprocess.run(["fc-list", "--format=%{file}\n"], capture_output=True, text=True).stdout
    covered: set[int] = set()
    for path in sorted(set(out.split())):
        try:  # the first face of a collection: the faces of one collection share their character set
            covered.update(TTFont(path, fontNumber=0, lazy=True).getBestCmap() or {})
        except Exception:  # noqa: BLE001 - a font fontTools cannot read simply covers nothing
            continue
    return frozenset(covered)


def missing_glyphs(dom: str) -> set[str]:
    doc = lxml_html.fromstring(dom)
    for bad in doc.xpath("//style|//script"):
        bad.drop_tree()
    text = doc.text_content()
    covered = installed_coverage()
    return {ch for ch in set(text)
            if unicodedata.category(ch)[0] not in {"C", "Z"} and ord(ch) not in covered}


def installed_families() -> set[str]:
    out = subprocess.run(["fc-list", "--format=%{family}\n"], capture_output=True, text=True).stdout
    return {f.strip() for line in out.splitlines() for f in line.split(",")}


# ------------------------------------------------------------------------------------------------------- tests

def test_the_checks_catch_a_bad_page(tmp_path):
    """The detectors themselves: a page with a script, a remote image and an unassigned character is flagged."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>坏\U0001E900</p>'
                    '<img src="https://example.invalid/x.png"><script>console.error("boom")</script></body></html>',
                    encoding="utf-8")
    proc = run_chromium(page.as_uri(), tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert any("boom" in line for line in console_lines(proc.stderr))
    problems = network_problems(proc.stdout)
    assert "<script>" in problems and any("example.invalid" in p for p in problems)
    assert missing_glyphs(proc.stdout) == {"\U0001E900"}


def test_pages_in_chromium(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    ws = Workspace(root / "data", root / "reports")
    people = make_processed(ws, "2026-Q3", n_people=5)
    import pandas as pd

    from mediakpi import catalog
    posts_path = ws.processed("2026-Q3") / catalog.file_name("content_posts")
    posts = pd.read_parquet(posts_path)
    posts.loc[1, "title"] = "秋天第一杯奶茶🧋✨ 打卡 #城市漫游 عربى \u200b测试"
    posts.loc[1, "viral"] = True
    posts.to_parquet(posts_path)
    out = root / "staging"
    result = publish(ws, "2026-Q3", out)
    pages = [out / "index.html", out / "team.html", out / "quality.html", result.people[people[-1]]]

    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)

    def check(job):
        # One Chromium run per page and width: it logs the console, dumps the DOM and takes the screenshot.
        i, page, kind = job
        name = f"{page.parent.name}_{page.stem}_{kind}.png" if page.parent != out else f"{page.stem}_{kind}.png"
        target = SCREENSHOTS / name
        proc = run_chromium(page.as_uri(), root / f"profile-{i}-{kind}", "--enable-logging=stderr", "--v=0",
                            "--dump-dom", f"--screenshot={target}", f"--window-size={SIZES[kind]}")
        return page, proc, target

    jobs = [(i, page, kind) for i, page in enumerate(pages) for kind in SIZES]
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        outcomes = list(pool.map(check, jobs))

    assert installed_families() & set(CSS_FAMILIES), "no family of the CSS font stack is installed"
    for page, proc, shot in outcomes:
        rel = page.relative_to(out)
        assert proc.returncode == 0, (rel, proc.stderr[-500:])
        assert "<main>" in proc.stdout, rel
        assert console_lines(proc.stderr) == [], (rel, console_lines(proc.stderr))
        assert network_problems(proc.stdout) == [], (rel, network_problems(proc.stdout))
        assert missing_glyphs(proc.stdout) == set(), (rel, missing_glyphs(proc.stdout))
        assert shot.is_file() and shot.stat().st_size > 5000, shot
    print(f"\nscreenshots ({len(pages) * len(SIZES)}): {SCREENSHOTS}")
