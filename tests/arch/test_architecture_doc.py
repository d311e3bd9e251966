"""docs/architecture.md shows the stages and the catalog as they are: its generated block equals stages.describe(),
and every dataset of the catalog is listed there (and nothing else)."""
from __future__ import annotations

import re
from pathlib import Path

from mediakpi import catalog, stages
from mediakpi.paths import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "architecture.md"


def test_the_picture_is_generated_from_the_catalog():
    text = DOC.read_text(encoding="utf-8")
    block = text.split(stages.DOC_BEGIN, 1)[1].split(stages.DOC_END, 1)[0].strip()
    assert block == stages.describe(), "docs/architecture.md is stale: run `python -m mediakpi.stages`"


def test_the_doc_lists_exactly_the_catalog_datasets():
    text = DOC.read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z_]+)` \| `([^`]+)` \| (\d\d_[a-z]+) \|", text, flags=re.M)
    assert listed == [(n, d.file, d.stage) for n, d in catalog.datasets().items()]


def test_recipes_are_there():
    text = DOC.read_text(encoding="utf-8")
    for recipe in ("### Add a platform", "### Add an indicator", "### Add a table", "### Add a report section"):
        assert recipe in text


def test_the_rooms_of_the_package_are_all_listed():
    """The tree of lib/mediakpi/ in docs/architecture.md names every top-level module and package, and nothing else."""
    import mediakpi

    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- rooms:begin -->", 1)[1].split("<!-- rooms:end -->", 1)[0]
    listed = set(re.findall(r"[├└]── ([\w]+(?:\.py|/))", block))
    package = PROJECT_ROOT / "lib" / "mediakpi"
    rooms = {p.name for p in package.glob("*.py") if p.name != "__init__.py"}
    rooms |= {p.name + "/" for p in package.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
              and any(p.glob("*.py")) or p.name == "templates"}
    assert Path(mediakpi.__file__).parent == package
    assert sorted(rooms - listed) == [], "rooms missing from docs/architecture.md's tree"
    assert sorted(listed - rooms) == [], "rooms listed in docs/architecture.md that no longer exist"
