"""An ipywidgets filter for 04_content.ipynb: platform, account and person dropdowns that redraw tables and charts.

Interactive only (call it when the notebook's `interactive` parameter is True); nothing in batch depends on it, since
exported HTML cannot call back into Python.
"""
from __future__ import annotations

import pandas as pd

from ..labels import label
from ..views import readable


# what the filter shows of the overview and of the ranked posts (the full tables are in result.overview / .posts)
ACCOUNT_COLUMNS = ["platform", "account", "operator", "posts", "views", "interactions", "engagement_rate",
                   "viral_posts", "viral_rate", "net_growth", "views_mom", "engagement_rate_mom"]
POST_COLUMNS = ["platform", "account", "operator", "position", "rank_in_account", "title", "published_at", "format",
                "views", "interactions", "engagement_rate", "viral", "viral_rule"]


def _options(values) -> list[tuple[str, object]]:
    opts = sorted({str(v) for v in values if not pd.isna(v)})
    return [(label("content.widget.all"), None)] + [(o, o) for o in opts]


def filter_widget(result, charts: tuple[str, ...] = ("trend_chart", "heatmap", "formats_chart")):
    """A VBox with three dropdowns and an Output area showing the filtered overview, top/bottom posts and charts."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from . import charts as ch

    posts = result.posts
    platform = w.Dropdown(options=[(label("content.widget.all"), None)]
                          + [(label(f"platform.{p}"), p) for p in sorted(posts["platform"].dropna().unique())],
                          description=label("content.widget.platform"))
    account = w.Dropdown(options=_options(posts["account"]), description=label("content.widget.account"))
    operator = w.Dropdown(options=_options(posts["operator"]), description=label("content.widget.operator"))
    out = w.Output()

    def redraw(*_):
        sel = posts
        for col, dd in (("platform", platform), ("account", account), ("operator", operator)):
            if dd.value is not None:
                sel = sel[(sel[col] == dd.value).fillna(False)]
        out.clear_output(wait=True)
        with out:
            ov = result.overview
            acc = ov[(ov["level"] == "account")
                     & ov["account"].isin(sel["account"].dropna().unique())]
            display(readable(acc, ACCOUNT_COLUMNS))
            ranked = sel[sel["position"].notna()].sort_values(["account", "rank_in_account"])
            display(readable(ranked.assign(position=[label(f"content.position.{p}") for p in ranked["position"]]),
                             POST_COLUMNS))
            for name in charts:
                fn = getattr(ch, name)
                if name == "heatmap":
                    fig = fn(result, platform.value, account.value)
                elif name == "trend_chart":
                    fig = fn(result, platform.value, account.value, operator.value)
                elif name == "formats_chart":
                    fig = fn(result, platform.value)
                else:
                    fig = fn(result)
                display(fig)
                plt.close(fig)

    def on_platform(change):
        accs = posts if change["new"] is None else posts[(posts["platform"] == change["new"]).fillna(False)]
        account.options = _options(accs["account"])
        redraw()

    platform.observe(on_platform, names="value")
    account.observe(redraw, names="value")
    operator.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([platform, account, operator]), out])
