"""Kept for existing imports: the schemas and file names now live in mediakpi/catalog.py (the one home of every
dataset in data/processed/<period>/). New code imports the catalog."""
from __future__ import annotations

from .catalog import (ACCOUNT_DAILY, BOOL, FLOAT, INDICATOR_SCORES, INT, PLATFORMS, POSTS, POSTS_EXTRA, QUARANTINE,
                      SCORECARD_BASE, STRING, TIMESTAMP, conform, datasets, empty, team_file, team_table_dtypes,
                      team_tables)


def __getattr__(name: str):
    if name == "FILES":  # computed on use: the team tables' files come from config/team_tables.yaml
        return {n: d.file for n, d in datasets().items()}
    raise AttributeError(name)


__all__ = ["ACCOUNT_DAILY", "BOOL", "FLOAT", "INDICATOR_SCORES", "INT", "PLATFORMS", "POSTS", "POSTS_EXTRA",
           "QUARANTINE", "SCORECARD_BASE", "STRING", "TIMESTAMP", "conform", "empty", "team_file",
           "team_table_dtypes", "team_tables"]  # FILES is computed on use (__getattr__)
