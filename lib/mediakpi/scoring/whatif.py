"""What-if: the team re-ranked under other dimension weights (the table behind lab/widgets.py's sliders, and the
benchmark's what-if figure)."""
from __future__ import annotations

import pandas as pd

from .aggregate import rescore
from .plan import DIMENSIONS, AssessmentConfig


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
