"""environment.yml gives conda users the same environment as pyproject.toml."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(req: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req)
    return m[1].lower().replace("_", "-"), m[2].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_norm(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = dict(_norm(r) for r in pip_section if not r.startswith("-e"))
    assert listed == wanted, {"missing in environment.yml": sorted(set(wanted) - set(listed)),
                              "not in pyproject": sorted(set(listed) - set(wanted)),
                              "bounds differ": sorted(k for k in wanted if k in listed and wanted[k] != listed[k])}
    assert any(r.strip() == "-e ." for r in pip_section), "environment.yml must install the project itself"
