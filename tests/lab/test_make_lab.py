"""`make lab` starts JupyterLab safely wherever the README's other commands work (issue 17 item 4)."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mediakpi.lab.server import lab_argv
from mediakpi.paths import PROJECT_ROOT

from .labserver import running_lab

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


def test_make_lab_calls_the_safe_launcher():
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recipe and "-m mediakpi.lab" in recipe.group(1)
    assert "jupyter lab" not in recipe.group(1)   # never the bare command, which refuses root and binds as it likes


@pytest.mark.parametrize("root", [True, False])
def test_allow_root_only_as_root(root):
    argv = lab_argv(8888, is_root=root, open_browser=False)
    assert ("--allow-root" in argv) is root
    assert "--ServerApp.ip=127.0.0.1" in argv and "--no-browser" in argv
    assert not any("token" in a.lower() for a in argv)   # the token travels in the environment, not in `ps`


def test_lab_serves_the_notebooks_with_the_project_kernel():
    with running_lab() as lab:
        status, listing = lab.get("/api/contents/notebooks")
        assert status == 200
        names = {item["name"] for item in listing["content"]}
        assert {"01_ingest.ipynb", "03_score.ipynb", "04_content.ipynb", "05_report.ipynb"} <= names
        status, nb = lab.get("/api/contents/notebooks/03_score.ipynb")
        assert status == 200 and nb["content"]["metadata"]["kernelspec"]["name"] == "mediakpi"
        status, specs = lab.get("/api/kernelspecs")
        assert specs["default"] == "mediakpi"
        assert specs["kernelspecs"]["mediakpi"]["spec"]["display_name"] == "Python (mediakpi)"
        assert Path(specs["kernelspecs"]["mediakpi"]["spec"]["argv"][0]).resolve() == Path(sys.executable).resolve()
        # the token is required, and the server listens on the loopback interface only
        assert lab.get("/api/contents/notebooks", token=False)[0] in (401, 403)
        port = int(lab.url.rsplit(":", 1)[1])
        other = _non_loopback_address()
        if other:
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((other, port)) != 0, f"JupyterLab answers on {other}, not only on 127.0.0.1"


def _non_loopback_address() -> str | None:
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return next((a for a in out if "." in a and not a.startswith("127.")), None)


def test_a_kernel_finds_the_package_and_the_data_from_any_folder(tmp_path):
    """What a notebook's first cells rely on, from a kernel whose working directory is not the project."""
    code = ("import os; os.chdir(os.environ['HOME_DIR']); from mediakpi.paths import PROJECT_ROOT, Workspace; "
            "print(PROJECT_ROOT); print(Workspace.of('data').data_dir)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={"HOME_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    root, data = out.stdout.split()
    assert Path(root) == PROJECT_ROOT and Path(data) == PROJECT_ROOT / "data"
