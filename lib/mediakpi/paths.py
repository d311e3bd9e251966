"""Every path the workbook uses, anchored on the project root.

Notebooks run with the kernel's working directory wherever JupyterLab or papermill put it; nothing here depends on it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .periods import Period

PACKAGE_DIR = Path(__file__).resolve().parent


def find_project_root(start: Path | None = None) -> Path:
    """The folder holding pyproject.toml and notebooks/ (env MEDIAKPI_ROOT wins)."""
    env = os.environ.get("MEDIAKPI_ROOT")
    if env:
        return Path(env).resolve()
    for candidate in [start or Path.cwd(), PACKAGE_DIR]:
        for folder in [candidate, *candidate.parents]:
            if (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir():
                return folder
    return PACKAGE_DIR.parent.parent


PROJECT_ROOT = find_project_root(PACKAGE_DIR)
CONFIG_DIR = PROJECT_ROOT / "config"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


# While a run stages a period (staging.py), these name the period and its staging folder; notebook kernels inherit them.
ENV_STAGED_PERIOD = "MEDIAKPI_STAGED_PERIOD"
ENV_STAGED_FOLDER = "MEDIAKPI_STAGED_FOLDER"


def staged_folder(processed_root: Path, period: str) -> Path | None:
    """The staging folder standing in for `processed_root/period` in this process, if any."""
    folder = os.environ.get(ENV_STAGED_FOLDER)
    if not folder or os.environ.get(ENV_STAGED_PERIOD) != period:
        return None
    path = Path(folder)
    return path if path.parent == Path(processed_root) else None


def resolve(path: str | os.PathLike, base: Path = PROJECT_ROOT) -> Path:
    """A path as given on the command line or in a notebook parameter, made absolute against the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (base / p).resolve()


@dataclass(frozen=True)
class Workspace:
    """Where one run reads and writes: `data/raw`, `data/processed`, `reports` (docs/specs/data-contract.md)."""

    data_dir: Path
    reports_dir: Path

    @classmethod
    def of(cls, data_dir: str | os.PathLike = "data", reports_dir: str | os.PathLike = "reports") -> "Workspace":
        return cls(resolve(data_dir), resolve(reports_dir))

    @property
    def raw_root(self) -> Path:
        return self.data_dir / "raw"

    @property
    def processed_root(self) -> Path:
        return self.data_dir / "processed"

    def raw(self, month: str) -> Path:
        return self.raw_root / month

    def processed(self, period: str | Period) -> Path:
        """data/processed/<period>/, or the run's staging folder while a run stages that period (staging.py)."""
        return staged_folder(self.processed_root, str(period)) or self.processed_root / str(period)

    def published(self, period: str | Period) -> Path:
        """data/processed/<period>/ as published, whatever is being staged."""
        return self.processed_root / str(period)

    def reports(self, period: str | Period) -> Path:
        return self.reports_dir / str(period)

    def raw_months(self) -> list[str]:
        """Month folders present under data/raw, oldest first."""
        from .periods import MONTH_RE

        if not self.raw_root.is_dir():
            return []
        return sorted(p.name for p in self.raw_root.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name))
