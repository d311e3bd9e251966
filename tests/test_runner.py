"""The runner's guarantees, on tiny notebooks (fast): checks before anything runs, failure keeps what was published,
one run per period at a time, and the run record."""
import json
from pathlib import Path

import nbformat
import pytest

from mediakpi.bench import floor_notebooks
from mediakpi.runner import RunError, ensure_kernel, period_lock, run_period
from mediakpi.paths import Workspace
from mediakpi.stages import names

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

STAGES = names()

STAGES_FAST = ["01_ingest", "03_score", "05_report"]


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "data" / "raw" / "2026-10").mkdir(parents=True)
    nbs = floor_notebooks(tmp_path / "nb", STAGES)
    return tmp_path, nbs


def _run(tmp, nbs, **kw):
    return run_period("2026-10", tmp / "data", tmp / "reports", notebooks=nbs, stages=STAGES_FAST,
                      progress=False, echo=lambda s: None, **kw)


def _break(nbs: Path, stage: str, source: str = "raise ValueError('故意的错误')") -> None:
    path = nbs / f"{stage}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def test_run_publishes_and_keeps_a_run_record(project):
    tmp, nbs = project
    result = _run(tmp, nbs)
    assert result.index_html == tmp / "reports" / "2026-10" / "index.html" and result.index_html.is_file()
    runs = tmp / "reports" / "2026-10" / "runs"
    assert sorted(p.name for p in runs.glob("*.ipynb")) == [f"{s}.ipynb" for s in STAGES_FAST]
    record = json.loads((runs / "run_record.json").read_text(encoding="utf-8"))
    assert record["parameters"]["01_ingest"]["period"] == "2026-10"
    assert set(record["timings_seconds"]) == set(STAGES_FAST)
    assert "pandas" in record["packages"] and "git_commit" in record
    nb = nbformat.read(runs / "03_score.ipynb", as_version=4)
    assert nb.metadata["mediakpi"]["period"] == "2026-10"
    # papermill injected the parameters as a cell of their own
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert not list((tmp / "reports").glob(".staging-*"))


def test_failing_stage_stops_the_chain_and_keeps_published_reports(project):
    tmp, nbs = project
    _run(tmp, nbs)
    published = tmp / "reports" / "2026-10" / "index.html"
    published.write_text("<p>last good report</p>", encoding="utf-8")
    _break(nbs, "03_score")
    with pytest.raises(RunError) as err:
        _run(tmp, nbs)
    message = str(err.value)
    assert err.value.exit_code == 1
    assert "03_score" in message and "ValueError" in message and "故意的错误" in message and "单元格" in message
    assert published.read_text(encoding="utf-8") == "<p>last good report</p>"
    kept = next((tmp / "reports" / ".failed").glob("2026-10-*/03_score.ipynb"))
    assert str(kept) in message and kept.with_suffix(".html").is_file()
    # written once at the end of the run (runner.register_engine), with the failing cell's traceback in it
    import nbformat

    outputs = [o for c in nbformat.read(kept, as_version=4).cells for o in c.get("outputs", [])]
    assert any(o.get("output_type") == "error" and o.get("ename") == "ValueError" for o in outputs)
    assert not (kept.parent / "05_report.ipynb").exists(), "the chain must stop at the failing stage"
    assert not list((tmp / "reports").glob(".staging-*"))


@pytest.mark.parametrize("period", ["2026-13", "10/2026", "2026-10'; import os; os.system('id') #"])
def test_bad_period_is_refused_before_any_kernel(project, period):
    tmp, nbs = project
    with pytest.raises(RunError, match="YYYY-MM") as err:
        run_period(period, tmp / "data", tmp / "reports", notebooks=nbs, progress=False, echo=lambda s: None)
    assert err.value.exit_code == 2
    assert not (tmp / "reports").exists()


def test_missing_parameters_cell_is_an_error(project):
    tmp, nbs = project
    path = nbs / "02_clean.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, path)
    with pytest.raises(RunError, match="parameters"):
        _run(tmp, nbs)


def test_unknown_parameter_is_an_error(project):
    tmp, nbs = project
    path = nbs / "05_report.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "period = '2026-10'\ndata_dir = 'data'"  # no reports_dir / out_dir / lang
    nbformat.write(nb, path)
    with pytest.raises(RunError, match="没有参数"):
        _run(tmp, nbs)


def test_period_without_raw_data_is_a_clear_message(project):
    tmp, nbs = project
    with pytest.raises(RunError, match="没有原始数据") as err:
        run_period("2025-01", tmp / "data", tmp / "reports", notebooks=nbs, progress=False, echo=lambda s: None)
    assert err.value.exit_code == 2


def test_two_runs_of_one_period_are_refused(project):
    tmp, nbs = project
    ws = Workspace.of(tmp / "data", tmp / "reports")
    with period_lock(ws, "2026-10"):
        with pytest.raises(RunError, match="正在被另一个运行处理") as err:
            _run(tmp, nbs)
    assert err.value.exit_code == 4
    _run(tmp, nbs)  # the lock is released afterwards


def test_kernel_runs_this_python():
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    name = ensure_kernel()
    assert Path(KernelSpecManager().get_kernel_spec(name).argv[0]).resolve() == Path(sys.executable).resolve()


def test_independent_stages_are_grouped():
    from mediakpi.stages import groups

    assert groups(STAGES) == [["01_ingest"], ["02_clean"], ["03_score", "04_content"], ["05_report"]]
    assert groups(STAGES, parallel=False) == [[s] for s in STAGES]


def test_side_by_side_stages_fail_cleanly(tmp_path):
    (tmp_path / "data" / "raw" / "2026-10").mkdir(parents=True)
    nbs = floor_notebooks(tmp_path / "nb", STAGES)
    _break(nbs, "04_content", "raise KeyError('缺少列')")
    with pytest.raises(RunError, match="04_content") as err:
        run_period("2026-10", tmp_path / "data", tmp_path / "reports", notebooks=nbs, progress=False,
                   echo=lambda s: None, stages=["01_ingest", "03_score", "04_content", "05_report"])
    assert "KeyError" in str(err.value)
    kept = next((tmp_path / "reports" / ".failed").glob("2026-10-*"))
    assert (kept / "03_score.ipynb").is_file() and not (kept / "05_report.ipynb").exists()


def test_hostile_path_values_stay_values(tmp_path):
    """Parameters are injected as literals (papermill escapes them), never evaluated as code."""
    hostile = tmp_path / 'd"; open("PWNED", "w").close() #'
    (hostile / "raw" / "2026-10").mkdir(parents=True)
    nbs = floor_notebooks(tmp_path / "nb", STAGES)
    path = nbs / "01_ingest.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("from pathlib import Path\nassert Path(data_dir).is_dir(), data_dir"))
    nbformat.write(nb, path)
    run_period("2026-10", hostile, tmp_path / "reports", notebooks=nbs, stages=STAGES_FAST, progress=False,
               echo=lambda s: None)
    from mediakpi.paths import PROJECT_ROOT

    assert not (PROJECT_ROOT / "PWNED").exists() and not (tmp_path / "PWNED").exists()
    with pytest.raises(RunError, match="控制字符"):
        run_period("2026-10", str(tmp_path / "a\nb"), tmp_path / "reports", notebooks=nbs, progress=False)


def test_kernels_are_not_interrupted_at_shutdown(tmp_path):
    """jupyter_client's shutdown_kernel sends SIGINT before the shutdown request; papermill's kernels are idle by then
    (or were interrupted already by a timeout), and a kernel busy with a late message logged "[IPKernelApp] ERROR |
    KeyboardInterrupt caught in kernel" on successful runs (issue 13). The runner's kernel manager skips that
    interrupt: a SIGINT handler installed by the notebook must never run."""
    import papermill as pm

    from mediakpi.runner import private_kernel_manager

    marker = tmp_path / "sigint.txt"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        f"def _mark(*args):\n    open({str(marker)!r}, 'a').write('SIGINT')\n"
        "get_ipython().kernel.saved_sigint_handler = _mark   # ipykernel installs it when the cell ends")]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    sockets = tmp_path / "sockets"
    sockets.mkdir(mode=0o700)
    pm.execute_notebook(str(tmp_path / "nb.ipynb"), str(tmp_path / "out.ipynb"), kernel_name=ensure_kernel(),
                        progress_bar=False, kernel_manager_class=private_kernel_manager(sockets))
    assert not marker.exists()


def test_successful_run_prints_no_kernel_interrupt(project, capfd):
    tmp, nbs = project
    _run(tmp, nbs)
    err = capfd.readouterr().err
    assert "KeyboardInterrupt" not in err, err
