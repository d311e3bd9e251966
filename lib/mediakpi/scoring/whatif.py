"""What-if: sliders for the dimension weights and a person picker that re-rank the team live (03_score.ipynb with
interactive=True). Nothing else depends on this module; ipywidgets is imported only here."""
from __future__ import annotations

import pandas as pd

from .aggregate import rescore
from .config import DIMENSIONS, AssessmentConfig


def whatif_table(indicator_scores: pd.DataFrame, weights: dict[str, float], config: AssessmentConfig,
                 adjustments: pd.DataFrame | None = None, baseline: pd.DataFrame | None = None) -> pd.DataFrame:
    """The re-ranked team with the change against the configured weights (rank_change > 0 = moved up)."""
    card = rescore(indicator_scores, weights, config, adjustments)
    if baseline is not None:
        old = baseline.set_index("operator")
        card["base_rank"] = card["operator"].map(old["rank"]).astype("Int64")
        card["base_total"] = card["operator"].map(old["total"])
        card["rank_change"] = (card["base_rank"] - card["rank"]).astype("Int64")
    dims = [d for d in DIMENSIONS if d in card.columns]
    cols = ["operator", "total", "grade", "rank"] + [c for c in ("base_total", "base_rank", "rank_change") if c in card.columns] + dims
    return card[cols].sort_values("rank").reset_index(drop=True)


def whatif_widget(indicator_scores: pd.DataFrame, config: AssessmentConfig, adjustments: pd.DataFrame | None = None):
    import ipywidgets as W
    from IPython.display import display

    from ..labels import label
    from ..views import readable

    everyone = label("score.whatif.all")

    period_kind = "month"
    periods = indicator_scores["period"].dropna().unique() if "period" in indicator_scores else []
    if len(periods):
        from ..periods import Period
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
