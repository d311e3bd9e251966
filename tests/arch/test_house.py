"""House rules a reviewer would otherwise check by eye: no code, configuration or doc cites a file outside the
repository (the specifications it relies on are copied into docs/specs/), test files are named for what they check,
and every Makefile target `.PHONY` names has a rule and a line in `make help`."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT = (".py", ".md", ".yaml", ".yml", ".toml", ".ipynb", ".cfg", ".txt", ".html", ".css", "Makefile", ".sh")
# Spelled in pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join([r"\.\./" + "shared", "/" + "work/", "/" + r"home/\w", "/" + "Users/",
                               "shared/" + "spec/"]))
SPEC_NAMES = re.compile(r"(?<![\w.-])([\w/.-]*?)(data-contract|assessment-plan|scoring-anchors(?:-extract)?|"
                        r"platform-exports|notebook-anchors|report-and-appraisal-anchors)\.md")


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / f for f in out.splitlines() if f.endswith(TEXT) and (ROOT / f).is_file()]


def test_nothing_cites_a_file_outside_the_repository():
    found = []
    for path in tracked():
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}")
    assert not found, "files outside the repository cited (bring the fact into docs/):\n" + "\n".join(found)


def test_specifications_are_cited_by_their_copy_in_docs_specs():
    found = []
    for path in tracked():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("docs/specs/"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for m in SPEC_NAMES.finditer(line):
                if m.group(1) not in ("docs/specs/", "specs/") or not (ROOT / "docs/specs" / f"{m.group(2)}.md").is_file():
                    found.append(f"{rel}:{n}: {m.group(0)}")
    assert not found, "specifications cited other than by their copy in docs/specs/:\n" + "\n".join(found)


def test_test_files_are_named_for_what_they_check():
    bad = [p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")
           if re.search(r"issue\d+|_and_more|_misc|_cases\b", p.stem)]
    assert not bad, f"name these for what they check, not for an issue or 'more': {bad}"


def test_every_phony_target_has_a_rule_and_a_help_line():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", text, flags=re.M).group(1).split()
    rules = set(re.findall(r"^([A-Za-z][\w-]*):", text, flags=re.M))
    helped = set(re.findall(r"^## ([\w-]+):", text, flags=re.M))
    assert sorted(set(phony) - rules) == [], "PHONY targets without a rule"
    assert sorted(set(phony) - helped - {"help"}) == [], "targets without a `## name: …` line for make help"
