"""Every chart renders, Chinese included, with "Glyph … missing" turned into an error; widgets build offline."""
import io
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from .content_fixtures import make_account_month, make_calendar_match, make_posts
from mediakpi import plotting
from mediakpi.content import analyse_posts, charts

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def result():
    return analyse_posts("2026-10", make_posts(), account_month=make_account_month(),
                         calendar_match=make_calendar_match())


@pytest.fixture(scope="module")
def empty_result():
    posts = make_posts().iloc[0:0]
    return analyse_posts("2026-10", posts)


def _render_strict(fig):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing.*")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    plt.close(fig)
    assert buf.getbuffer().nbytes > 1000


@pytest.mark.parametrize("name", charts.CHARTS)
def test_chart_renders_without_missing_glyphs(result, name):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing.*")
        fig = getattr(charts, name)(result)
    assert fig.axes and any(ax.get_title() for ax in fig.axes)
    _render_strict(fig)


@pytest.mark.parametrize("name", charts.CHARTS)
def test_chart_on_empty_data_says_so(empty_result, name):
    fig = getattr(charts, name)(empty_result)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("暂无" in t or "没有" in t or "不足" in t for t in texts)
    _render_strict(fig)


def test_filtered_charts(result):
    _render_strict(charts.heatmap(result, "douyin", "城市早知道"))
    _render_strict(charts.trend_chart(result, platform="weibo"))
    _render_strict(charts.formats_chart(result, platform="bilibili"))
    _render_strict(charts.overview_chart(result, by="operator"))


def test_the_glyph_check_can_fail():
    """Control: without the CJK font the same check raises (so the tests above are not vacuous)."""
    plotting.setup()
    fig, ax = plt.subplots()
    ax.set_title("中文标题", fontfamily="DejaVu Sans")
    with pytest.raises(UserWarning, match="(?i)glyph"):
        _render_strict(fig)
    plt.close("all")


def test_filter_widget_builds_and_filters(result):
    pytest.importorskip("ipywidgets")
    from mediakpi.lab.widgets import filter_widget

    box = filter_widget(result, charts=("heatmap",))
    platform, account, operator = box.children[0].children
    assert platform.options[0][1] is None and ("抖音", "douyin") in platform.options
    platform.value = "xiaohongshu"
    assert [v for _, v in account.options] == [None, "小城日记"]
    plt.close("all")
