"""One call computed on the machine's second core while the caller goes on (issue 18: the report stage).

05_report draws the content charts (matplotlib layout passes, ~1-2 s) and renders every page one after the other on
one core while the other core idles. `forked(fn, *args)` starts `fn(*args)` in a forked child process, which has
everything the parent imported already (no start-up cost), and `.result()` collects its picklable value.

Whatever goes wrong in the child (an exception, a crash, no answer within `timeout`), `.result()` computes the value
in the caller instead, so a broken chart raises the same exception from the same call as before. The child is used
only on Linux with at least two usable cores; it writes nothing to the caller's stdout/stderr and exits with
`os._exit` (no atexit handlers of a Jupyter kernel run twice). Fork early, before big frames are loaded: the child's
resident memory starts as the parent's (shared pages, counted again by a summed-RSS measure).
"""
from __future__ import annotations

import os
import pickle
import select
import sys
import time
from typing import Any, Callable

TIMEOUT = 300.0  # seconds; then the value is computed in the caller


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Forked:
    def __init__(self, fn: Callable[..., Any], *args, timeout: float = TIMEOUT, **kwargs):
        self.fn, self.args, self.kwargs, self.timeout = fn, args, kwargs, timeout
        self.pid: int | None = None
        self.fd: int | None = None
        if not sys.platform.startswith("linux") or _cores() < 2:
            return
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
            code = 1
            try:
                os.close(r)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                sys.stdout = sys.stderr = open(os.devnull, "w")
                import logging
                import warnings

                logging.disable(logging.CRITICAL)
                warnings.simplefilter("ignore")
                data = pickle.dumps(fn(*args, **kwargs), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(w, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent computes the value itself and raises there
                pass
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self.fd = pid, r

    def _collect(self) -> bytes | None:
        chunks, deadline = [], time.monotonic() + self.timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    os.kill(self.pid, 9)
                    return None
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
            self.pid = self.fd = None
        return b"".join(chunks) if status == 0 and chunks else None

    def result(self) -> Any:
        """The child's value; computed here if the child did not give one."""
        if self.pid is not None:
            data = self._collect()
            if data is not None:
                return pickle.loads(data)
        return self.fn(*self.args, **self.kwargs)

    def __del__(self):  # a caller that failed before result(): reap the child
        if self.pid is not None:
            try:
                os.close(self.fd)
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass


def forked(fn: Callable[..., Any], *args, **kwargs) -> Forked:
    """Start fn(*args, **kwargs) in a forked child; `.result()` returns its value (see the module docstring)."""
    return Forked(fn, *args, **kwargs)
