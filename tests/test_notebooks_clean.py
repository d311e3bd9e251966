"""The notebooks: the five stages plus 00_explore (outside the batch), committed without outputs, title first, literal
parameters second (issue 2)."""
import ast
from pathlib import Path

import nbformat
import pytest

from mediakpi.stages import names

STAGES = names()

NB_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))


def test_the_five_stages_are_there():
    stems = [p.stem for p in NOTEBOOKS]
    assert [s for s in stems if s in STAGES] == STAGES
    assert set(stems) - set(STAGES) == {"00_explore"}   # exploration, never run by the batch


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_stored_outputs(path):
    nb = nbformat.read(path, as_version=4)
    stored = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not stored, f"{path.name}: cells {stored} carry outputs; run `nbstripout {path}` (make setup installs the git filter)"
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_title_then_literal_parameters(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params = nb.cells[1]
    assert "parameters" in params.metadata.get("tags", [])
    tree = ast.parse(params.source)
    for node in tree.body:  # only `name = literal` lines: derived values belong in the next cell
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
    names = {n.targets[0].id for n in tree.body}
    # a stage has one period; 00_explore a range of months (start, end)
    assert {"period", "data_dir"} <= names if path.stem in STAGES else {"start", "end", "data_dir"} <= names
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert nb.metadata["kernelspec"]["name"] == "mediakpi"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_thin_notebook(path):
    nb = nbformat.read(path, as_version=4)
    code = sum(len(c.source) for c in nb.cells if c.cell_type == "code")
    # a stage notebook shows its steps and what each produced (issue 17), in calls into lib/: still short
    assert code < 6000, f"{path.name} has {code} characters of code: logic worth testing belongs in lib/"
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in nb.cells if c.cell_type == "code"
                   for line in c.source.splitlines())
