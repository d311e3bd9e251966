"""mediakpi.background: a value computed in a forked child, or in the caller when the child cannot give it."""
import os
import time

import pytest

from mediakpi import background


def _pid_and_square(x):
    return os.getpid(), x * x


def test_value_comes_from_a_child_process(monkeypatch):
    monkeypatch.setattr(background, "_cores", lambda: 2)
    job = background.forked(_pid_and_square, 7)
    pid, value = job.result()
    assert value == 49
    if background.sys.platform.startswith("linux"):
        assert pid != os.getpid()


def test_one_core_computes_in_the_caller(monkeypatch):
    monkeypatch.setattr(background, "_cores", lambda: 1)
    job = background.forked(_pid_and_square, 3)
    assert job.pid is None
    assert job.result() == (os.getpid(), 9)


_calls = []


def _fails(x):
    _calls.append(os.getpid())
    raise ValueError(f"broken chart {x}")


def test_an_error_in_the_child_is_raised_by_the_caller(monkeypatch):
    monkeypatch.setattr(background, "_cores", lambda: 2)
    _calls.clear()
    job = background.forked(_fails, 5)
    with pytest.raises(ValueError, match="broken chart 5"):
        job.result()
    assert _calls == [os.getpid()]  # the caller's own attempt (the child's is in the child's memory)


def _slow_in_child(parent):
    if os.getpid() != parent:
        time.sleep(60)
    return "done"


def test_a_child_that_does_not_answer_is_killed_and_the_caller_computes(monkeypatch):
    monkeypatch.setattr(background, "_cores", lambda: 2)
    started = time.perf_counter()
    job = background.forked(_slow_in_child, os.getpid(), timeout=1.0)
    assert job.result() == "done"
    assert time.perf_counter() - started < 30
