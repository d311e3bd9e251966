"""Content-performance analysis (04_content): what worked, where, when and why.

    from mediakpi.content import analyse_period, charts
    result = analyse_period(Workspace.of(), "2026-10")     # writes the content_* tables, returns ContentResult
    charts.heatmap(result)                                 # matplotlib Figures

Modules by question: overview (posts, overview with MoM/YoY, publishing, video, decay), timing (best time),
formats, topics, charts (the before/after test of a suggestion is the core's strategy.py; the ipywidgets filter
is lab/widgets.py). Rates come from mediakpi.metrics; public
indices from mediakpi.indices.
"""
from .analyse import TABLES, ContentResult, analyse_period, analyse_posts, load_result, write_tables
from .settings import ContentConfig, load_content_config

_CHART_NAMES = {"all_charts", "heatmap", "formats_chart", "topics_chart", "viral_chart", "trend_chart",
                "overview_chart", "video_chart"}


def __getattr__(name):
    """Charts (and matplotlib) are imported on first use, so batch analysis starts fast."""
    if name == "charts" or name in _CHART_NAMES:
        import importlib

        charts = importlib.import_module(f"{__name__}.charts")
        return charts if name == "charts" else getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ContentResult", "ContentConfig", "TABLES", "analyse_period", "analyse_posts", "load_result", "write_tables",
           "load_content_config", "charts", "all_charts", "heatmap", "formats_chart", "topics_chart",
           "viral_chart", "trend_chart", "overview_chart", "video_chart"]
