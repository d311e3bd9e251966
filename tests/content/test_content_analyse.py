"""analyse_period end to end on a tiny workspace: the files, MoM/YoY, missing and broken inputs, config errors."""
import pandas as pd
import pytest
import yaml

from .content_fixtures import build_workspace
from mediakpi import catalog
from mediakpi.config import ConfigError
from mediakpi.content import TABLES, analyse_period, charts, load_result
from mediakpi.content.settings import load_content_config
from mediakpi.paths import CONFIG_DIR, Workspace

pytestmark = pytest.mark.slow  # left out by `make test-fast` (tiers: tests/conftest.py)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """One analysed workspace shared by the read-only checks below (analysis is the slow part)."""
    ws = build_workspace(tmp_path_factory.mktemp("content"))
    sug = pd.DataFrame({"operator": ["李四"], "submitted_date": pd.to_datetime(["2026-09-20"]),
                        "suggestion": ["抖音改为晚上发"], "adopted": [True],
                        "effective_date": pd.to_datetime(["2026-10-10"]), "platform": ["抖音"],
                        "account": [None], "target_metric": ["互动率"], "source_file": ["建议.xlsx"], "source_row": [2]})
    sug.to_parquet(ws.processed("2026-10") / catalog.team_file("suggestions"))
    return ws, analyse_period(ws, "2026-10")


def test_writes_every_content_table(analysed):
    workspace, result = analysed
    folder = workspace.processed("2026-10")
    for key, table in result.tables().items():
        frame = pd.read_parquet(folder / catalog.file_name(key))
        assert list(frame.columns) == list(table.columns) and len(frame) == len(table), key
    posts = pd.read_parquet(folder / catalog.file_name("content_posts"))
    assert {"title", "platform", "account", "operator", "viral", "viral_rule", "engagement_rate", "er_denominator",
            "url"} <= set(posts.columns)
    assert str(posts["viral"].dtype) == "boolean"
    assert len(posts) == 60  # in_period posts only
    assert len(result.strategy) == 1 and len(result.summary) >= 4


def test_load_result_gives_back_tables_summary_and_charts(analysed, tmp_path):
    workspace, result = analysed
    back = load_result(workspace, "2026-10")
    assert back.summary == result.summary and back.notes == result.notes
    assert len(back.posts) == len(result.posts) and list(back.best_time.columns) == list(result.best_time.columns)
    import matplotlib.pyplot as plt

    for name in charts.CHARTS:
        plt.close(getattr(charts, name)(back))
    assert load_result(Workspace.of(tmp_path / "d", tmp_path / "r"), "2026-10") is None


def test_month_on_month_and_year_on_year_from_earlier_months(analysed):
    workspace, result = analysed
    team = result.overview[result.overview["level"] == "team"].iloc[0]
    prev = pd.read_parquet(workspace.processed("2026-09") / catalog.file_name("posts_clean"))
    prev = prev[prev["in_period"]]
    assert team["posts_mom"] == pytest.approx(0.0)  # 60 vs 60
    assert team["views_mom"] == pytest.approx((team["views"] - prev["views"].sum()) / prev["views"].sum())
    assert pd.notna(team["views_yoy"]) and pd.notna(team["net_growth_yoy"])
    assert not any("环比" in n or "同比" in n for n in result.notes)


def test_quarter_rolls_up_months(workspace):
    # Q3 has only September processed: a partial quarter is not compared, and the note says which months are missing
    qfolder = workspace.processed("2026-Q4")
    qfolder.mkdir()
    pd.read_parquet(workspace.processed("2026-10") / catalog.file_name("posts_clean")).to_parquet(
        qfolder / catalog.file_name("posts_clean"))
    result = analyse_period(workspace, "2026-Q4", write=False)
    assert result.indices["value"].notna().all() and not result.indices.empty
    assert any("2026-07、2026-08" in n and "不计环比" in n for n in result.notes)
    assert result.overview["views_mom"].isna().all()


def test_missing_inputs_do_not_crash(tmp_path):
    ws = Workspace.of(tmp_path / "data", tmp_path / "reports")
    ws.processed("2026-10").mkdir(parents=True)
    result = analyse_period(ws, "2026-10")
    assert any("posts_clean.parquet" in n for n in result.notes)
    assert result.posts.empty and len(result.summary) == 1   # one line saying there is nothing to analyse
    for key in TABLES.values():
        assert (ws.processed("2026-10") / catalog.file_name(key)).is_file()


def test_broken_input_file_is_reported_not_raised(workspace):
    (workspace.processed("2026-10") / catalog.file_name("calendar_match")).write_bytes(b"{\"error\": 1}")
    result = analyse_period(workspace, "2026-10", write=False)
    assert any("calendar_match.parquet" in n and "无法读取" in n for n in result.notes)
    assert result.publishing["on_time_rate"].isna().all()


def test_content_config_errors_are_chinese_and_name_the_key(tmp_path):
    data = yaml.safe_load((CONFIG_DIR / "content.yaml").read_text(encoding="utf-8"))
    data["best_time"]["metric"] = "luck"
    path = tmp_path / "content.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="best_time.metric"):
        load_content_config(path)
    data["best_time"] = {"hour_bins": [0, 12, 6, 24]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="hour_bins"):
        load_content_config(path)
