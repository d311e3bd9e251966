"""Start `make lab`'s JupyterLab (mediakpi.lab.server) for a test, on a free port of 127.0.0.1 with a token, and stop it."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mediakpi.lab.server import HOST, lab_argv, lab_env, write_settings_overrides
from mediakpi.paths import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    proc: subprocess.Popen
    log: Path

    def get(self, path: str, token: bool = True) -> tuple[int, object]:
        req = urllib.request.Request(self.url + path)
        if token:
            req.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                body = resp.read()
                return resp.status, json.loads(body) if body[:1] in b"{[" else body.decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, None


@contextlib.contextmanager
def running_lab(root: Path = PROJECT_ROOT, env_extra: dict[str, str] | None = None, timeout: float = 120):
    """JupyterLab as `make lab` starts it (same command line, same environment), without a browser."""
    port = free_port()
    write_settings_overrides()
    env, token = lab_env("test-" + os.urandom(8).hex())
    env.update(env_extra or {})
    runtime = Path(tempfile.mkdtemp(prefix="mediakpi-lab-test-"))
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(runtime / "workspaces")   # no tabs restored from, or saved to, ~/.jupyter
    log = runtime / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(lab_argv(port, root, open_browser=False), env=env, cwd=root, stdout=out,
                                stderr=subprocess.STDOUT)
    lab = Lab(f"http://{HOST}:{port}", token, proc, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if lab.get("/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield lab
    finally:
        proc.terminate()   # jupyter_server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
