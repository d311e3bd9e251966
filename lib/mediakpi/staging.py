"""data/processed/<period>/ written through a staging folder and swapped in whole, like the reports.

A run (the runner's notebooks, `mediakpi backfill`) writes a period's tables into `data/processed/.staging-<period>-<pid>/`
and, only when every stage it ran succeeded, exchanges that folder with `data/processed/<period>/` in one atomic
rename (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames). So a failed run, or one killed with SIGKILL half way,
leaves the last good month as it was; its staging folder is removed by the next run of any period (no clean-up by
hand); and a published month folder is always a whole one, so backfill never skips a half-written month.

While a period is staged, `Workspace.processed(period)` is the staging folder: the stages of the same run read each
other's outputs there, while earlier months (baselines, trends) come from their published folders. The mapping travels
in two environment variables, so that the notebook kernels the runner starts see it too. The staging folder starts
with the published folder's files (hard links: nothing is copied, and every write replaces a file, never changes one
in place) except the datasets of the stages about to run, so a partial run keeps the other stages' outputs and a
full run starts clean (a team table gone from this month's raw folder does not linger).
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from . import catalog

from .paths import ENV_STAGED_FOLDER as ENV_FOLDER, ENV_STAGED_PERIOD as ENV_PERIOD, staged_folder

PREFIX = ".staging-"


def exchange(staging: Path, target: Path) -> None:
    """Put `staging` at `target`; the old `target` (if any) ends at `staging` (then removed by the caller)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.replace(staging, target)
        return
    if _renameat2_exchange(staging, target):
        return
    old = staging.with_name(staging.name + ".old")  # fallback: two renames; a kill between them leaves `old`
    os.replace(target, old)
    os.replace(staging, target)
    os.replace(old, staging)


def _renameat2_exchange(a: Path, b: Path) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def remove_stale(processed_root: Path) -> None:
    """Staging folders left by runs that were killed (their process is gone)."""
    if not processed_root.is_dir():
        return
    for folder in sorted(processed_root.glob(f"{PREFIX}*")):
        period, _, pid = folder.name[len(PREFIX):].split(".")[0].rpartition("-")
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        target = processed_root / period
        if folder.name.endswith(".old") and not target.exists():  # killed between the fallback's two renames
            os.replace(folder, target)
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def staged(ws, period: str, stages: list[str]):
    """Run the block with `ws.processed(period)` pointing at a fresh staging folder; publish it when the block ends
    without an exception, drop it otherwise. `stages`: the stages the block runs (their datasets start absent)."""
    root = ws.processed_root
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(root)
    target = root / period
    staging = root / f"{PREFIX}{period}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    rewritten = {catalog.get(n).file for s in stages for n in catalog.stage_outputs(s)}
    if target.is_dir():
        for src in target.iterdir():
            if src.is_file() and src.name not in rewritten and not src.name.endswith(".tmp"):
                try:
                    os.link(src, staging / src.name)
                except OSError:  # a file system without hard links
                    shutil.copy2(src, staging / src.name)
    saved = {k: os.environ.get(k) for k in (ENV_PERIOD, ENV_FOLDER)}
    os.environ[ENV_PERIOD], os.environ[ENV_FOLDER] = period, str(staging)
    try:
        yield staging
        exchange(staging, target)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(staging, ignore_errors=True)  # after an exchange: the previous month's folder


__all__ = ["staged", "staged_folder", "exchange", "remove_stale", "ENV_PERIOD", "ENV_FOLDER"]
