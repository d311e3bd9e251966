"""The month-end runner: five parameterised notebooks through papermill, in order, publishing atomically.

What it guarantees (issue 2 and issue 9):
- parameters are checked before anything runs (period form, unknown parameters, a notebook without a `parameters`
  cell), and so is the scoring config;
- every notebook runs in a kernel of *this* Python (a kernelspec `mediakpi` in this environment, created if missing),
  with the project root as working directory, an execution timeout, and kernels talking over Unix sockets in a
  private 0700 folder (no TCP port other users of the machine could reach);
- a failing stage stops the chain with one short paragraph: notebook, cell, error, and the executed notebook (also
  as HTML) kept for debugging; the reports already published for the period stay untouched, because the new ones are
  written to a staging folder and swapped in only when every stage succeeded;
- two runs of the same period at once are refused (a lock);
- the executed notebooks under reports/<period>/runs/ carry the parameters, package versions, input file hashes, the
  git commit and the timings (run_record.json and each notebook's metadata).
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import stages as registry
from .paths import NOTEBOOKS_DIR, PROJECT_ROOT, Workspace
from .periods import Period
from .staging import exchange, staged

# The stages, their order, which run side by side and each notebook's parameters: the stage registry (stages.py).
KERNEL_NAME = "mediakpi"
DEFAULT_TIMEOUT = 1800  # seconds per cell
LOCK_DIR = ".locks"
PACKAGES = ["pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "papermill", "nbclient", "ipykernel", "pandera",
            "pydantic", "scipy", "jieba", "openpyxl", "xlrd", "python-calamine", "lxml", "jinja2"]


class RunError(RuntimeError):
    """A run that cannot start or did not finish; the message is the one short paragraph a user sees."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class StageTiming:
    stage: str
    seconds: float
    ok: bool


@dataclass
class RunResult:
    period: str
    index_html: Path
    timings: list[StageTiming] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(t.seconds for t in self.timings)


# --------------------------------------------------------------------------------------------------------- checks
def notebook_path(stage: str, notebooks: Path = NOTEBOOKS_DIR) -> Path:
    return Path(notebooks) / f"{stage}.ipynb"


def declared_parameters(path: Path) -> dict[str, Any]:
    """The names and defaults of a notebook's `parameters` cell; a notebook without one is an error."""
    import papermill as pm

    import nbformat

    nb = nbformat.read(path, as_version=4)
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells):
        raise RunError(f"笔记本 {path.name} 没有标记为 parameters 的单元格：请在第二个单元格加上 parameters 标签。", 2)
    return {name: spec["default"] for name, spec in pm.inspect_notebook(str(path)).items()}


def stage_parameters(stage: str, period: str, ws: Workspace, out_dir: Path | None, lang: str,
                     config: str | None) -> dict[str, Any]:
    """The parameters of `stage`'s notebook in a batch run: those the registry declares for it (stages.py)."""
    values = {"period": period, "data_dir": str(ws.data_dir), "interactive": False, "config": config or None,
              "reports_dir": str(ws.reports_dir), "out_dir": str(out_dir) if out_dir else "", "lang": lang}
    return registry.notebook_parameters(stage, values)


def check_parameters(stage: str, params: dict[str, Any], notebooks: Path = NOTEBOOKS_DIR) -> None:
    declared = declared_parameters(notebook_path(stage, notebooks))
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise RunError(f"笔记本 {stage}.ipynb 没有参数 {', '.join(unknown)}：可用参数为 {', '.join(declared)}。", 2)
    for key, value in params.items():
        if not isinstance(value, (str, int, float, bool)):
            raise RunError(f"参数 {key} 的值必须是字符串、数字或布尔值（收到 {type(value).__name__}）。", 2)


def check_rollup_months(p: Period, ws: Workspace, now=None) -> None:
    """A quarter or year is scored only when every one of its months has happened: each month is over (its last day
    has passed) and has its raw folder data/raw/<YYYY-MM>/. Otherwise the run is refused (exit 2) with the missing
    months named: November and December scored as "nothing published" would give everyone D, final (issue 22)."""
    if p.kind == "month":
        return
    import pandas as pd

    now = pd.Timestamp.now(tz="Asia/Shanghai") if now is None else now
    missing = [m for m in p.months
               if not ws.raw(m).is_dir() or pd.Timestamp(f"{m}-01", tz="Asia/Shanghai") + pd.offsets.MonthBegin(1) > now]
    if missing:
        raise RunError(f"周期 {p.text} 还不能评分：{'、'.join(missing)} 尚未结束或没有原始数据（{ws.raw_root} 下缺少对应文件夹）。"
                       f"请等这些月份结束并放入导出后再运行，或先按月运行（如 --period {p.months[0]}）。", 2)


def preflight(period: str, ws: Workspace, config: str | None, lang: str, notebooks: Path = NOTEBOOKS_DIR) -> Period:
    """Everything that can be checked before a kernel starts."""
    from .periods import PeriodError

    try:
        p = Period.parse(period)
    except PeriodError as exc:
        raise RunError(str(exc), 2) from None
    for name, path in (("--data-dir", ws.data_dir), ("--reports-dir", ws.reports_dir)):
        if any(ord(ch) < 32 for ch in str(path)):
            raise RunError(f"{name} 含有控制字符（换行等）：请换一个普通的文件夹路径。", 2)
    if lang not in ("zh", "en"):
        raise RunError(f"--lang 只能是 zh 或 en（收到 {lang!r}）。", 2)
    present = [m for m in p.months if ws.raw(m).is_dir()]
    if not present:
        hint = "先运行 `mediakpi demo` 生成演示数据，" if not ws.raw_months() else ""
        raise RunError(
            f"周期 {p.text} 没有原始数据：{ws.raw_root} 下找不到 {'、'.join(p.months[:3])}{'…' if len(p.months) > 3 else ''} "
            f"文件夹。{hint}或把平台导出放进 {ws.raw(p.months[-1])}/<账号>/。", 2)
    check_rollup_months(p, ws)
    for stage in registry.names():
        if not notebook_path(stage, notebooks).is_file():
            raise RunError(f"找不到笔记本 {notebook_path(stage, notebooks)}。", 2)
        check_parameters(stage, stage_parameters(stage, p.text, ws, ws.reports_dir, lang, config), notebooks)
    try:
        from .scoring import load_assessment
    except ImportError:  # scoring not installed yet
        load_assessment = None
    if load_assessment is not None:
        from .config import ConfigError

        try:
            load_assessment(config)
        except ConfigError as exc:
            raise RunError(str(exc), 2) from None
    return p


# --------------------------------------------------------------------------------------------------------- kernel
def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """A kernelspec that runs this very Python; created in this environment when missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    try:
        spec = ksm.get_kernel_spec(name)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return name
    except NoSuchKernel:
        pass
    try:
        from ipykernel.kernelspec import install

        install(kernel_name=name, display_name="Python (mediakpi)", prefix=sys.prefix)
        spec = KernelSpecManager().get_kernel_spec(name)
    except Exception as exc:  # pragma: no cover - depends on the machine
        raise RunError(
            f"找不到可用的 Jupyter 内核 {name!r}，自动安装也失败了（{exc}）。请在项目目录运行 `make setup`，"
            f"或手动执行：{sys.executable} -m ipykernel install --sys-prefix --name {name}", 3) from None
    if Path(spec.argv[0]).resolve() != Path(sys.executable).resolve():
        raise RunError(
            f"内核 {name!r} 使用的 Python（{spec.argv[0]}）与运行器（{sys.executable}）不同。"
            f"请运行：{sys.executable} -m ipykernel install --sys-prefix --name {name}", 3)
    return name


def private_kernel_manager(socket_dir: Path):
    """A kernel manager class whose kernels listen on Unix sockets inside `socket_dir` (mode 0700)."""
    from jupyter_client import AsyncKernelManager

    class PrivateKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(socket_dir / f"k{os.getpid()}-{id(self)}")
            self.connection_file = str(socket_dir / f"kernel-{os.getpid()}-{id(self)}.json")

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client's shutdown_kernel interrupts the kernel first (SIGINT) in case a cell is still running;
            # papermill shuts kernels down only after the last cell (or after a timeout, whose own interrupt comes
            # earlier), so the SIGINT hit an idle kernel, which logged "[IPKernelApp] ERROR | KeyboardInterrupt
            # caught in kernel" on every successful run. The shutdown request and, failing it, the kill still follow.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return PrivateKernelManager


@contextlib.contextmanager
def quiet_console():
    """No kernel transport chatter, no warning spam from pandas/matplotlib in the runner's console."""
    loggers = {name: logging.getLogger(name).level for name in ("papermill", "traitlets", "nbclient", "asyncio")}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            for name, level in loggers.items():
                logging.getLogger(name).setLevel(level)


# ------------------------------------------------------------------------------------------------------- execution
ENGINE = "mediakpi"


@functools.lru_cache(maxsize=1)
def register_engine() -> str:
    """papermill's nbclient engine, except that the executed notebook is written once, when the run ends (papermill
    also writes it at the end of a failed or timed-out run, which is what reports/.failed/ keeps), instead of before
    and after every cell: the stage notebooks have 7 to 21 cells, and the ~150 intermediate writes (each one
    serialising and validating the whole notebook, figures included) cost the month-end run ~1 s (issue 18)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class OneSaveEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            save = nb_man.save
            nb_man.save = lambda **_: None
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                nb_man.save = save  # Engine.execute_notebook's notebook_complete() then writes it once

    papermill_engines.register(ENGINE, OneSaveEngine)
    return ENGINE


def execute_stage(stage: str, params: dict[str, Any], output: Path, kernel: str, socket_dir: Path,
                  timeout: int, progress: bool, notebooks: Path = NOTEBOOKS_DIR) -> None:
    import papermill as pm

    pm.execute_notebook(
        str(notebook_path(stage, notebooks)), str(output), parameters=params, kernel_name=kernel, cwd=str(PROJECT_ROOT),
        progress_bar=progress, log_output=False, execution_timeout=timeout, start_timeout=120,
        kernel_manager_class=private_kernel_manager(socket_dir), engine_name=register_engine(),
    )


def render_html(ipynb: Path) -> Path:
    """The executed notebook as HTML (inputs shown: this copy is for debugging), next to it."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    body, _ = exporter.from_notebook_node(nbformat.read(ipynb, as_version=4))
    html = ipynb.with_suffix(".html")
    html.write_text(body, encoding="utf-8")
    return html


def failure_message(stage: str, exc: Exception, executed: Path, html: Path | None) -> str:
    cell = getattr(exc, "exec_count", None)
    index = getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = str(getattr(exc, "evalue", exc)).strip().splitlines()
    evalue = evalue[0] if evalue else ""
    where = f"第 {index + 1} 个单元格（执行序号 [{cell}]）" if index is not None else "启动时"
    html_note = f"（HTML：{html}）" if html else ""
    return (f"阶段 {stage} 失败：notebooks/{stage}.ipynb {where}出错：{ename}: {evalue}\n"
            f"已执行的笔记本保存在 {executed}{html_note}。该周期已发布的报告保持不变。")


def run_record(period: str, params: dict[str, dict], timings: list[StageTiming], ws: Workspace) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=5).stdout.strip() or None
    except Exception:
        pass
    inputs = []
    from . import catalog

    data = catalog.try_load(ws.processed(period), "manifest")
    if data is not None:
        inputs = [{"path": e.get("path"), "sha256": e.get("sha256")} for e in data.get("files", [])]
    return {
        "period": period,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": sys.version.split()[0],
        "packages": versions,
        "git_commit": commit,
        "parameters": params,
        "timings_seconds": {t.stage: round(t.seconds, 3) for t in timings},
        "input_files": inputs,
    }


def stamp_notebooks(runs_dir: Path, record: dict) -> None:
    import nbformat

    (runs_dir / "run_record.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in sorted(runs_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nb.metadata["mediakpi"] = record
        nbformat.write(nb, path)


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` with `staging` in one atomic exchange (staging.exchange); the old folder is removed after."""
    exchange(staging, target)
    shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def period_lock(ws: Workspace, period: str):
    from filelock import FileLock, Timeout

    lock_dir = ws.reports_dir / LOCK_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_dir / f"{period}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"周期 {period} 正在被另一个运行处理（锁文件 {lock.lock_file}）：请等它结束后再运行。", 4) from None
    try:
        yield
    finally:
        lock.release()


def run_period(period: str, data_dir: str | Path = "data", reports_dir: str | Path = "reports", *,
               config: str | None = None, lang: str = "zh", timeout: int = DEFAULT_TIMEOUT,
               progress: bool | None = None, echo: Callable[[str], None] = print,
               stages: list[str] | None = None, notebooks: str | Path = NOTEBOOKS_DIR,
               parallel: bool = True) -> RunResult:
    """Run the five stages for a period and publish reports/<period>/ atomically."""
    ws = Workspace.of(data_dir, reports_dir)
    notebooks = Path(notebooks)
    p = preflight(period, ws, config, lang, notebooks)
    kernel = ensure_kernel()
    progress = sys.stdout.isatty() if progress is None else progress
    stages = stages or registry.names()
    with period_lock(ws, p.text), quiet_console():
        ws.reports_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{p.text}-", dir=ws.reports_dir))
        staging.chmod(0o755)  # published reports are readable like any other folder; mkdtemp makes it 0700
        runs = staging / "runs"
        runs.mkdir()
        socket_dir = Path(tempfile.mkdtemp(prefix="mediakpi-kernels-"))  # 0700 by construction
        timings: list[StageTiming] = []
        all_params: dict[str, dict] = {}
        try:
            with staged(ws, p.text, stages):  # data/processed/<period>/ is published only if every stage succeeded
                done = 0
                for group in registry.groups(stages, parallel):
                    for stage in group:
                        all_params[stage] = stage_parameters(stage, p.text, ws, staging, lang, config)
                        echo(f"[{done + 1 + group.index(stage)}/{len(stages)}] {stage} …")

                    def one(stage: str, alone: bool = len(group) == 1) -> tuple[str, float, Exception | None]:
                        started = time.perf_counter()
                        try:
                            execute_stage(stage, all_params[stage], runs / f"{stage}.ipynb", kernel, socket_dir,
                                          timeout, progress and alone, notebooks)
                        except Exception as exc:  # reported below, in stage order
                            return stage, time.perf_counter() - started, exc
                        return stage, time.perf_counter() - started, None

                    if len(group) == 1:
                        outcomes = [one(group[0])]
                    else:
                        with ThreadPoolExecutor(max_workers=len(group)) as pool:
                            outcomes = list(pool.map(one, group))
                    for stage, seconds, error in outcomes:
                        timings.append(StageTiming(stage, seconds, error is None))
                    for stage, seconds, error in outcomes:
                        if error is not None:
                            raise _kept_failure(stage, error, runs / f"{stage}.ipynb", ws, p.text) from None
                        echo(f"      {stage} 完成，用时 {seconds:.1f} 秒")
                    done += len(group)
                stamp_notebooks(runs, run_record(p.text, all_params, timings, ws))
                if not (staging / "index.html").is_file():
                    raise RunError(f"阶段 05_report 没有生成 index.html（{staging}）：报告未发布。", 1)
            swap_in(staging, ws.reports(p.text))
        finally:
            shutil.rmtree(socket_dir, ignore_errors=True)
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return RunResult(p.text, ws.reports(p.text) / "index.html", timings)


def _kept_failure(stage: str, exc: Exception, executed: Path, ws: Workspace, period: str) -> RunError:
    """Move the failed run's notebooks out of staging into reports/.failed/ and build the user's message."""
    failed_dir = ws.reports_dir / ".failed" / f"{period}-{time.strftime('%Y%m%d-%H%M%S')}"
    failed_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(executed.parent, failed_dir, dirs_exist_ok=True)
    kept = failed_dir / executed.name
    html = None
    if kept.is_file():
        try:
            html = render_html(kept)
        except Exception:
            html = None
    if isinstance(exc, RunError):
        return exc
    if type(exc).__name__ == "NoSuchKernel":
        return RunError(f"找不到 Jupyter 内核：{exc}。请运行 `make setup`。", 3)
    return RunError(failure_message(stage, exc, kept, html), 1)
