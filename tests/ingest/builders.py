"""Tiny fixture writers that imitate the platforms' files (CSV in any encoding, BIFF .xls, .xlsx, HTML-as-.xls)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

ROSTER = [["姓名", "平台", "账号", "工号", "岗位", "负责开始日期", "负责结束日期"]]

DOUYIN_HEAD = ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率", "2s跳出率",
               "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量"]
XHS_HEAD = ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论", "收藏", "涨粉", "分享",
            "人均观看时长", "弹幕"]
BILI_HEAD = ["视频标题", "发布时间", "播放量", "游客播放占比", "粉丝观看率", "封标点击率", "粉丝点击率", "游客点击率",
             "3秒跳出率", "粉丝3秒跳出率", "游客3秒跳出率", "互动率", "粉丝互动率", "游客互动率", "涨粉量", "播转粉率",
             "取关量", "点赞量", "点赞率", "评论量", "评论率", "弹幕量", "弹幕率", "收藏量", "收藏率", "投币量", "投币率",
             "转发量", "转发率", "平均播放进度"]
CHANNELS_HEAD = ["视频描述", "视频ID", "发布时间", "完播率", "平均播放时长", "播放量", "推荐", "喜欢", "评论量", "分享量",
                 "关注量", "转发聊天和朋友圈", "设为铃声", "设为状态", "设为朋友圈封面"]
WX2022_HEAD = ["内容标题", "发表时间", "总阅读人数", "总阅读次数", "总分享人数", "总分享次数", "阅读后关注人数", "送达人数",
               "公众号消息阅读次数", "送达阅读率", "首次分享次数", "分享产生阅读次数", "首次分享率", "每次分享带来阅读次数",
               "阅读完成率", "内容url"]
WX2025_HEAD = ["数据来源概况", "内容标题", "发表日期", "阅读人数", "分享人数", "阅读后关注人数", "送达人数", "送达完成率",
               "阅读完成率", "内容url"]


def douyin_row(title="视频一", when="2026-10-05 12:00:00", views="1000", **kw) -> list[str]:
    base = dict(zip(DOUYIN_HEAD, [title, when, "1-3min视频", "公开", views, "0.02", "0.4", "-", "0.33", "20.0", "50",
                                  "5", "3", "7", "132", "4"]))
    base.update(kw)
    return [base[h] for h in DOUYIN_HEAD]


def bili_row(title="视频一", when="2026年10月05日 12:40:34", views="1000", **kw) -> list[str]:
    vals = {h: "1" for h in BILI_HEAD}
    vals.update({"视频标题": title, "发布时间": when, "播放量": views, "游客播放占比": "35.2%", "封标点击率": "4星",
                 "3秒跳出率": "<0.1%", "平均播放进度": "45.5%"})
    vals.update(kw)
    return [vals[h] for h in BILI_HEAD]


def channels_row(desc="视频描述", vid="export/v1", when="2026/10/5", views="500", **kw) -> list[str]:
    vals = dict(zip(CHANNELS_HEAD, [desc, vid, when, "4.41%", "14.73秒", views, "3", "10", "2", "1", "1", "2", "0", "0", "0"]))
    vals.update(kw)
    return [vals[h] for h in CHANNELS_HEAD]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]] | list[list], merge: list[str] | None = None,
               numeric: bool = False) -> Path:
    from openpyxl import Workbook
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(sheets, list):
        sheets = {"Sheet1": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r, start=1):
                v = _num(v) if numeric else v
                if v is None or v == "":
                    continue
                cell = ws.cell(i, j, v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # text, as the platforms write it (openpyxl would make it a formula)
        for rng in merge or []:
            ws.merge_cells(rng)
    wb.save(path)
    return path


def _num(v):
    if isinstance(v, str):
        try:
            f = float(v)
            return int(f) if f.is_integer() else f
        except ValueError:
            return v
    return v


def write_xls(path: Path, sheets: dict[str, list[list]] | list[list], numeric: bool = True) -> Path:
    """Genuine BIFF8 via xlwt (numbers written as numbers, like the WeChat backend's xlslib files)."""
    import xlwt
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(sheets, list):
        sheets = {"New Sheet1": sheets}
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if v is None or v == "":
                    continue
                ws.write(i, j, _num(v) if numeric else v)
    wb.save(str(path))
    return path


def write_user_growth_html(path: Path, rows: list[list], bom: bool = False) -> Path:
    """WeChat 用户分析 → 用户增长: an HTML table (class tb) saved as .xls, header with rowspan=2 (an empty <tr>)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    heads = ["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"]
    th = "".join(f'<th rowspan="2">{h}</th>' for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
            f'<table class="tb"><tr><td colspan="5">用户增长</td></tr><tr>{th}</tr><tr></tr>{body}</table></body></html>')
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + html.encode("utf-8"))
    return path


def wechat_tendency_rows(start="2026.10.01", end="2026.10.31") -> list[list]:
    """内容分析 下载数据明细: column A empty, three tables B:D, F:J, L:P, title row above each, then the header row."""
    t1 = [["日期", "渠道", "阅读人数"], ["2026-10-01", "全部", "10"], ["2026-10-01", "朋友圈", "6"],
          ["2026-10-01", "公众号消息", "7"]]
    t2 = [["日期", "分享人数", "跳转阅读原文人数", "微信收藏人数", "发表篇数"], ["2026-10-01", "2", "0", "1", "1"]]
    t3 = [["传播渠道", "发表日期", "内容标题", "阅读人数", "阅读人数占比"],
          ["全部", "20261001", "十月第一篇", "10", "1"],
          ["朋友圈", "20261001", "十月第一篇", "6", "0.6"],
          ["公众号消息", "20261001", "十月第一篇", "7", "0.7"],
          ["全部", "20261003", "十月第二篇", "20", "1"]]
    n = max(len(t1), len(t2), len(t3))
    rows = [["", f"数据趋势概况({start}-{end})", "", "", "", "", "", "", "", "", "", f"数据来源概况({start}-{end})"], []]
    for i in range(n):
        r = [""]
        r += t1[i] if i < len(t1) else ["", "", ""]
        r += [""]
        r += t2[i] if i < len(t2) else ["", "", "", "", ""]
        r += [""]
        r += t3[i] if i < len(t3) else ["", "", "", "", ""]
        rows.append(r)
    return rows
