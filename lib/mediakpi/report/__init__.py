"""Reports readers open: index, team report, data-quality page, private scorecards, the HR workbook."""
from .build import PublishResult, publish

__all__ = ["PublishResult", "publish"]
