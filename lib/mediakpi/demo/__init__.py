"""Demo and scale data: a realistic team's raw platform downloads, written the way the platforms write them.

- `write_demo` : a 6-10 person team, 12 months, every platform and layout, with the messiness real folders have.
- `write_scaled` / `write_scaled_history` : the benchmark team (200 operators, 2,000 accounts, 1M posts).

See docs/demo.md. This package never imports the ingest: it is built from the spec, independently of the parser.
"""
from .generator import DemoSummary, write_demo

__all__ = ["DemoSummary", "write_demo"]
from .scale import ScaledSummary, scaled_team, write_scaled, write_scaled_history

__all__ += ["ScaledSummary", "scaled_team", "write_scaled", "write_scaled_history"]
