"""02_clean: period assignment, maturity, media type, calendar matching, ownership, cross-table and plausibility
checks, fraud signals, follower growth per month and the data-quality summary. Flags, never drops."""
from .calendar import match_calendar, normalise_title
from .config import QualityConfig, load_quality_config, parse_quality_config
from ..platforms import platform_code
from .crosscheck import account_checks, assign_operators, conflict_notes, normalise_roster
from .period import add_maturity, add_media_type, assign_period, classify_media_type, fill_snapshot
from .plausibility import attach_flags, duplicate_flags, fraud_flags, modified_z, plausibility_flags
from .quality import account_month, data_quality, read_manifest
from .records import FLAGS, NOTES
from .run import POSTS_CLEAN_ADDED, CleanResult, clean_period, clean_tables

__all__ = [
    "CleanResult", "clean_period", "clean_tables", "QualityConfig", "load_quality_config", "parse_quality_config",
    "fill_snapshot", "assign_period", "add_maturity", "add_media_type", "classify_media_type",
    "match_calendar", "normalise_title", "normalise_roster", "platform_code", "assign_operators", "conflict_notes",
    "account_checks",
    "plausibility_flags", "fraud_flags", "duplicate_flags", "attach_flags", "modified_z", "account_month", "data_quality",
    "read_manifest", "FLAGS", "NOTES", "POSTS_CLEAN_ADDED",
]
