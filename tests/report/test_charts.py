"""Report charts (issue 16): no overlapping labels, not-applicable dimensions left out, text legible on a phone."""
import re

import matplotlib
import pandas as pd

from mediakpi import plotting
from mediakpi.report import charts

matplotlib.use("Agg")


def test_trend_labels_never_overlap():
    points = [(f"2026-{m:02d}" if m <= 12 else f"2027-{m - 12:02d}", 60.0 + m) for m in range(1, 19)]
    svg = str(charts.trend_svg(points, ref_label="目标线 100"))
    months = [float(x) for x, _ in re.findall(r'<text x="([0-9.]+)" y="([0-9.]+)" text-anchor="middle" fill="#667">', svg)]
    assert len(months) >= 3 and "2027-06" in svg  # the newest month is always labelled
    assert min(b - a for a, b in zip(months, months[1:])) >= 70  # "2026-01" at 16 units is about 62 units wide
    assert "目标线 100" in svg


def test_radar_draws_only_what_it_is_given():
    svg = str(charts.radar_svg(["内容运营", "用户运营", "综合能力与协作"], [90.0, 80.0, 70.0], ref_label="目标线 100"))
    assert "平台与活动运营" not in svg and svg.count("<circle") == 3


def test_png_charts_are_legible_on_a_phone():
    uri = charts.score_distribution(pd.Series([66.5, 73.6, 75.5, 82.8, 86.2, 87.1, 91.0]), "得分", "人数",
                                    {"S": 110, "A": 100, "B": 85, "C": 70})
    assert uri
    import base64
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    small = float(re.search(r"min-text-px=([0-9.]+)", img.info["Description"]).group(1))
    # shown PHONE_CONTENT_PX wide, the smallest text is at least 11 CSS px
    assert small * plotting.PHONE_CONTENT_PX / img.size[0] >= 10.9, (small, img.size)


def test_post_card_shows_a_lower_bound_as_such():
    from mediakpi.labels import labels
    from mediakpi.report.posts import post_cards

    frame = pd.DataFrame({"title": ["微博热帖"], "platform": ["weibo"], "account": ["青禾茶事"], "views": [100000],
                          "likes": [1753], "views_lower_bound": [True], "viral": [pd.NA], "vs_baseline": ["4.17×"],
                          "post_id": ["h:2e2d"]})
    card = post_cards(frame, labels("zh"))[0]
    assert "阅读/播放 10万+次" in card["numbers"] and "点赞 1,753次" in card["numbers"]
    assert card["where"].startswith("微博") and card["url"] is None and card["viral"] is None
