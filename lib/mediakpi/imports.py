"""Import-time costs of third-party packages that the stage kernels do not need (issue 18: the demo month's kernels).

Two libraries import a heavy module only for something mediakpi never uses, and fall back cleanly when it is missing:
jieba imports `pkg_resources` (setuptools' deprecated resource API, ~0.25 s) only to open its own data files, which it
otherwise opens by path; pandera, when it registers its pandas backends on the first validation, imports `hypothesis`
(~0.3 s; installed with the dev tools) only for its data-synthesis strategies. `without(...)` hides such a module for
the duration of one import, and only if nothing has imported it yet: later imports of it work as usual.
"""
from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def without(*names: str):
    """Make `import name` raise ImportError inside the block, for each name not imported yet."""
    hidden = [n for n in names if n not in sys.modules]
    for n in hidden:
        sys.modules[n] = None  # the import system's "not available" marker
    try:
        yield
    finally:
        for n in hidden:
            if sys.modules.get(n, 0) is None:
                del sys.modules[n]
