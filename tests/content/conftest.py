"""Fixtures for the content tests (builders live in content_fixtures.py, a module name unique to this folder)."""
from .content_fixtures import posts, workspace  # noqa: F401
