"""The notebooks' interactive views (ipywidgets): 04_content's filter (platform, account and person dropdowns that
redraw tables and charts) and 03_score's what-if (sliders for the dimension weights and a person picker that re-rank
the team live).

Interactive only (called when a notebook's `interactive` parameter is True); nothing in batch depends on them, since
exported HTML cannot call back into Python.
"""
from __future__ import annotations

import pandas as pd

from ..labels import label
from ..periods import Period
from ..scoring.aggregate import rescore
from ..scoring.plan import DIMENSIONS, AssessmentConfig
from ..scoring.whatif import whatif_table
from .views import readable


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

    from ..content import charts as ch

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


def whatif_widget(indicator_scores: pd.DataFrame, config: AssessmentConfig, adjustments: pd.DataFrame | None = None):
    import ipywidgets as W
    from IPython.display import display

    everyone = label("score.whatif.all")

    period_kind = "month"
    periods = indicator_scores["period"].dropna().unique() if "period" in indicator_scores else []
    if len(periods):
        period_kind = Period.parse(str(periods[0])).kind
    defaults = config.weights_for(period_kind)
    base = rescore(indicator_scores, defaults, config, adjustments)
    sliders = {d: W.FloatSlider(value=defaults.get(d, 0), min=0, max=60, step=1, description=d,
                                style={"description_width": "8em"}, continuous_update=False) for d in DIMENSIONS}
    people = sorted(indicator_scores["operator"].dropna().unique())
    picker = W.Dropdown(options=[everyone] + people, description=label("score.whatif.person"))
    reset = W.Button(description=label("score.whatif.reset"))
    info = W.HTML()
    title = W.HTML(f"<b>{label('score.whatif.title')}</b>")
    out = W.Output()

    def refresh(*_):
        weights = {d: s.value for d, s in sliders.items()}
        total = sum(weights.values())
        info.value = f"权重合计 {total:g}（按比例归一）" + ("" if abs(total - 100) < 1e-6 else "：合计不是 100，已自动按比例换算")
        table = whatif_table(indicator_scores, weights, config, adjustments, base)
        out.clear_output(wait=True)
        with out:
            if picker.value != everyone:
                row = table[table["operator"] == picker.value]
                display(readable(row))
                rows = indicator_scores[indicator_scores["operator"] == picker.value]
                display(readable(rows, ["dimension", "indicator", "score", "status", "explanation"]))
            else:
                display(readable(table))

    def do_reset(_):
        for d, s in sliders.items():
            s.value = defaults.get(d, 0)

    for s in sliders.values():
        s.observe(refresh, names="value")
    picker.observe(refresh, names="value")
    reset.on_click(do_reset)
    refresh()
    return W.VBox([title, W.HBox([W.VBox(list(sliders.values())), W.VBox([picker, reset, info])]), out])
