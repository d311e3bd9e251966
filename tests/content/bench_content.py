"""Benchmark (not a test): time 04_content and print figures.

    .venv/bin/python tests/content/bench_content.py [posts_per_account]      # synthetic month: analyse_posts + charts
    .venv/bin/python tests/content/bench_content.py --data DIR [PERIOD]      # analyse_period on a processed folder
                                                                              # (e.g. a mediakpi.demo.write_scaled run)
The second form prints wall and CPU seconds of analysing and writing, and the process's peak memory.
"""
import resource
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


def on_folder(data: str, period: str = "2026-10") -> None:
    from mediakpi.content import analyse_period, write_tables
    from mediakpi.paths import Workspace

    ws = Workspace.of(data, Path(data).parent / "reports")
    t0, c0 = time.perf_counter(), time.process_time()
    result = analyse_period(ws, period, write=False)
    t1, c1 = time.perf_counter(), time.process_time()
    write_tables(ws, result)
    t2, c2 = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"posts in period: {len(result.posts):,}; analyse: {t1 - t0:.2f} s ({c1 - c0:.2f} s CPU); "
          f"write: {t2 - t1:.2f} s ({c2 - c1:.2f} s CPU); peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--data":
        on_folder(*sys.argv[2:4])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
