"""01_ingest: platform exports and team tables in, typed tables + manifest + quarantine out (docs/ingest.md)."""
from .build import IngestResult, ingest_period, read_export
from .layouts import load_registry
from .team import write_templates

__all__ = ["IngestResult", "ingest_period", "read_export", "write_templates", "load_registry"]
