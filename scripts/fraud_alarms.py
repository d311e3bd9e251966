"""Fraud (疑似刷量) alarms on the demo history: how many fire, and how many of them are the planted fake-engagement post.

The demo generator (mediakpi.demo) plants exactly one fake-engagement post (茶园日记, Douyin, last month: likes 85 %,
comments 25 %, shares 30 %, saves 40 % of its views; `DemoSummary.messiness["fraud_like_post"]`). Every other alarm
is a false alarm. The demo's 12 months are ingested and cleaned once; the flags are then computed on each month's
posts (those published in the month, public) with config/quality.yaml's rules and with the rules before issue 13
(`min_views: 0`, `wilson_z: 0`, `min_fold: 2`: the robust z and a 2-fold distance alone).

    .venv/bin/python scripts/fraud_alarms.py [workdir]
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pandas as pd

from mediakpi import catalog
from mediakpi.clean import clean_period
from mediakpi.clean.config import load_quality_config
from mediakpi.clean.plausibility import fraud_flags
from mediakpi.demo import write_demo
from mediakpi.ingest import ingest_period
from mediakpi.paths import Workspace


def main(work: Path) -> None:
    ws = Workspace.of(work / "data", work / "reports")
    summary = write_demo(ws.raw_root, overwrite=True)
    planted = {re.search(r"《(.*)》", w).group(1) for w in summary.messiness.get("fraud_like_post", [])}
    cfg = load_quality_config()
    # before issue 13: no evidence rules, and the ratio 2× off the account's median was enough
    off = cfg.model_copy(update={"fraud": cfg.fraud.model_copy(update={"min_views": 0, "wilson_z": 0.0, "min_fold": 2.0})})
    rows = []
    for month in summary.months:
        ingest_period(ws, month)
        clean_period(ws, month, cfg)
        posts = catalog.load(ws.processed(month), "posts_clean")
        posts = posts[posts["in_period"]].reset_index(drop=True)
        for name, c in (("before", off), ("after", cfg)):
            f = fraud_flags(posts, c)
            hit = posts.merge(f[["platform", "account", "post_id"]].drop_duplicates(), on=["platform", "account", "post_id"])
            is_planted = hit["title"].fillna("").str.startswith(tuple(planted))   # 作品名称 = title + body
            true = int(is_planted.sum())
            rows.append({"month": month, "rules": name, "posts": len(posts), "alarms": len(hit), "true": true,
                         "false": len(hit) - true,
                         "false_examples": "; ".join(f"{a}/{int(v)} views/{int(l)} likes"
                                                     for a, v, l in hit.loc[~is_planted,
                                                                            ["account", "views", "likes"]]
                                                     .fillna(-1).head(3).itertuples(index=False))})
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(df.to_string(index=False))
    tot = df.groupby("rules")[["posts", "alarms", "true", "false"]].sum()
    tot["false_alarm_rate_per_1000_posts"] = (1000 * tot["false"] / tot["posts"]).round(2)
    print(tot.to_string())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="fraud-alarms-")))
