"""Benchmark (not a test): time analyse_posts and every chart on a synthetic month of N posts per account.

    .venv/bin/python tests/content/bench_content.py [posts_per_account]
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from content_fixtures import make_account_month, make_calendar_match, make_posts  # noqa: E402


def main(per_account: int = 400) -> None:
    import matplotlib.pyplot as plt
    import pandas as pd

    from mediakpi.content import analyse_posts, charts

    posts = make_posts(per_account=per_account)
    # unique titles (the worst case for topic extraction: every title is segmented)
    posts["title"] = posts["title"] + "（第" + pd.Series(range(len(posts)), index=posts.index).astype("string") + "期）"
    am, cm = make_account_month(), make_calendar_match()
    analyse_posts("2026-10", posts.head(20), account_month=am, calendar_match=cm)  # warm-up: jieba, config
    t0 = time.perf_counter()
    result = analyse_posts("2026-10", posts, account_month=am, calendar_match=cm)
    t1 = time.perf_counter()
    for name in charts.CHARTS:
        plt.close(getattr(charts, name)(result))
    t2 = time.perf_counter()
    print(f"posts in period: {len(result.posts)}; analyse_posts: {t1 - t0:.2f} s; all {len(charts.CHARTS)} charts: "
          f"{t2 - t1:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
