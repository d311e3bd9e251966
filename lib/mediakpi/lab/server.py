"""`make lab`: JupyterLab on the project, started safely wherever the README's other commands work.

- bound to 127.0.0.1 only, with a token (JUPYTER_TOKEN when set, else a fresh random one), passed to Jupyter through
  the environment so that it does not show in the process list;
- `--allow-root` only when running as root (containers, this project's machines): Jupyter refuses to start as root
  without it, and there is nothing else root changes for a server bound to localhost with a token;
- no network: no news feed, no update check, no extension listing from PyPI, no browser launched on a machine without
  a display; everything JupyterLab needs is in the installed wheel (no `jupyter lab build`);
- the project kernel "Python (mediakpi)" is (re)registered for this very Python first and is the default kernel; the
  notebooks find the package (an editable install) and the data (paths anchored on the project root, `paths.py`)
  from whatever working directory JupyterLab gives their kernel.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ..paths import PROJECT_ROOT

HOST = "127.0.0.1"
# JupyterLab settings defaults for this environment: never fetch the news feed or check for updates (and so never ask)
SETTINGS_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def has_display() -> bool:
    """A browser can be opened here (macOS and Windows always; Linux with an X or Wayland display)."""
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def lab_argv(port: int = 8888, root: Path = PROJECT_ROOT, open_browser: bool | None = None,
             is_root: bool | None = None) -> list[str]:
    """The `jupyter lab` command line (without the token, which goes through the environment)."""
    is_root = (os.geteuid() == 0) if is_root is None and hasattr(os, "geteuid") else bool(is_root)
    open_browser = has_display() if open_browser is None else open_browser
    argv = [sys.executable, "-m", "jupyterlab",
            f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}", "--ServerApp.default_url=/lab/tree/notebooks",
            "--MappingKernelManager.default_kernel_name=mediakpi",
            # nothing fetched from the network: news, update checks, the extension manager's PyPI listing
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly"]
    if not open_browser:
        argv.append("--no-browser")
    if is_root:
        argv.append("--allow-root")
    return argv


def free_port(first: int, tries: int = 50) -> int:
    """`first`, or the next port after it that nothing on 127.0.0.1 listens on (the URL printed must be right)."""
    import socket

    for port in range(first, first + tries):
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"端口 {first}–{first + tries - 1} 都被占用：请用 LAB_PORT=<端口> make lab 另选一个。")


def write_settings_overrides(prefix: Path = Path(sys.prefix)) -> Path:
    """SETTINGS_OVERRIDES merged into this environment's JupyterLab `overrides.json` (its app settings folder)."""
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for plugin, values in SETTINGS_OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2), encoding="utf-8")
    return path


def lab_env(token: str | None = None) -> tuple[dict[str, str], str]:
    """The environment for the server and the token it will require."""
    env = dict(os.environ)
    token = token or env.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    env["JUPYTER_TOKEN"] = token
    # the kernels draw charts inline: a matplotlib backend chosen for scripts (MPLBACKEND=Agg, as the tests set it)
    # would leave every chart cell blank in JupyterLab
    env.pop("MPLBACKEND", None)
    return env, token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mediakpi.lab", description="JupyterLab on the project (make lab)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LAB_PORT", "8888")))
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    from ..runner import RunError, ensure_kernel

    try:
        ensure_kernel()
    except RunError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    write_settings_overrides()
    env, token = lab_env()
    port = free_port(args.port)
    cmd = lab_argv(port, open_browser=False if args.no_browser else None)
    # Jupyter masks a token it got from the environment in its own log: this line is the one to open
    print(f"JupyterLab (this machine only, kernel \"Python (mediakpi)\"; Ctrl-C stops it):\n"
          f"    http://{HOST}:{port}/lab/tree/notebooks?token={token}", flush=True)
    try:
        return subprocess.call(cmd, env=env, cwd=PROJECT_ROOT)
    except KeyboardInterrupt:
        return 130
