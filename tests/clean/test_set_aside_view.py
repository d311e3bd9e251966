"""02_clean's first chart (issue 24): what each rule set aside, from the step's own tables."""
from __future__ import annotations

import pandas as pd

from mediakpi.labels import label
from mediakpi.lab import views


def test_set_aside_counts_come_from_the_posts_and_flags():
    posts = pd.DataFrame({"post_id": list("abcdef"), "in_period": [True, True, True, True, False, False],
                          "mature": [True, True, True, False, True, False],
                          "flagged": [True, False, True, False, True, False], "viral": [False] * 6})
    flags = pd.DataFrame({"post_id": ["a", "a", "c", "e"], "check": ["negative_count", "fraud_interactions_per_view",
                                                                  "negative_count", "negative_count"],
                          "in_period": [True, True, True, False]})
    t = views.set_aside(posts, flags)
    got = dict(zip(t[label("lab.rule")], t[label("lab.set_aside")]))
    assert got[label("lab.aside.in_period")] == 2 and got[label("lab.aside.mature")] == 1
    assert got[label("lab.aside.flagged")] == 2
    assert got[label("lab.flagged_by") + label("quality.check.negative_count")] == 2      # a and c, not e
    assert got[label("lab.flagged_by") + label("quality.check.fraud_interactions_per_view")] == 1
    fig = views.set_aside_chart(posts, flags)
    bars = [p.get_width() for p in fig.axes[0].patches]
    assert bars == t[label("lab.set_aside")].tolist()
