"""A corpus of bad inputs (issue 9): each case writes one month folder that is wrong in one way.

Every case must end in a clear message (manifest entry, quarantined row or data-quality note) or a clear error for
configs — never a traceback — and the manifest must still reconcile.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl

MONTH = "2026-10"
DOUYIN = ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率", "2s跳出率",
          "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量"]
ROSTER = [["姓名", "平台", "账号", "工号", "岗位"], ["张伟", "抖音", "品牌号", "E01", "运营"],
          ["李娜", "小红书", "品牌号", "E02", "运营"]]


def douyin_row(title="新品开箱", when="2026-10-12 20:15:00", views="12000", likes="560", **over) -> list[str]:
    row = dict(zip(DOUYIN, [title, when, "1-3min视频", "公开", views, "0.21", "0.55", "-", "0.31", "18.5", likes,
                            "40", "33", "80", "120", "15"]))
    row.update(over)
    return [row[h] for h in DOUYIN]


def write_xlsx(path: Path, rows: list[list], banner: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if banner:
        ws.append([banner])
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for cell in row:  # text stays text: a title starting with "=" is not a formula in a platform export
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding="utf-8-sig", sep=",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(sep.join(f'"{c}"' if (sep in str(c) or "\n" in str(c) or '"' in str(c)) and not str(c).startswith('"')
                              else str(c) for c in r) for r in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def roster(month: Path, rows=ROSTER) -> None:
    write_xlsx(month / "花名册.xlsx", rows)


def good_douyin(month: Path, name="抖音作品列表.xlsx") -> Path:
    return write_xlsx(month / "品牌号" / name, [DOUYIN, douyin_row(), douyin_row("第二条", "2026-10-15 12:00:00")])


@dataclass
class Case:
    name: str
    build: Callable[[Path], str | None]  # writes into the month folder; returns the file that must be named, if any
    expect: str = "message"  # message: the file's manifest entry explains; quarantine: a row is quarantined; note: a data-quality note


CASES: list[Case] = []


def case(name: str, expect: str = "message"):
    def deco(fn):
        CASES.append(Case(name, fn, expect))
        return fn
    return deco


@case("empty_csv")
def _(m):
    roster(m); (m / "品牌号").mkdir(parents=True, exist_ok=True); (m / "品牌号" / "抖音.csv").write_bytes(b""); return "品牌号/抖音.csv"

@case("empty_xlsx_zero_bytes")
def _(m):
    roster(m); (m / "品牌号").mkdir(parents=True, exist_ok=True); (m / "品牌号" / "抖音.xlsx").write_bytes(b""); return "品牌号/抖音.xlsx"

@case("header_only_csv")
def _(m):
    roster(m); write_csv(m / "品牌号" / "抖音.csv", [DOUYIN]); return "品牌号/抖音.csv"

@case("header_only_xlsx")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN]); return "品牌号/抖音.xlsx"

@case("truncated_xlsx")
def _(m):
    roster(m); p = good_douyin(m); p.write_bytes(p.read_bytes()[:700]); return "品牌号/抖音作品列表.xlsx"

@case("json_error_body_as_xlsx")
def _(m):
    roster(m); (m / "品牌号").mkdir(parents=True, exist_ok=True)
    (m / "品牌号" / "笔记列表明细表.xlsx").write_text(json.dumps({"code": 401, "msg": "登录已过期"}, ensure_ascii=False), encoding="utf-8")
    return "品牌号/笔记列表明细表.xlsx"

@case("html_error_page_as_xls")
def _(m):
    roster(m); (m / "品牌号").mkdir(parents=True, exist_ok=True)
    (m / "品牌号" / "user_analysis.xls").write_text("<html><body><h1>502 Bad Gateway</h1></body></html>", encoding="utf-8")
    return "品牌号/user_analysis.xls"

@case("gb18030_csv_still_reads", expect="ok")
def _(m):
    roster(m); write_csv(m / "品牌号" / "抖音.csv", [DOUYIN, douyin_row()], encoding="gb18030"); return "品牌号/抖音.csv"

@case("utf16_csv_still_reads", expect="ok")
def _(m):
    roster(m); write_csv(m / "品牌号" / "抖音.csv", [DOUYIN, douyin_row()], encoding="utf-16", sep="\t"); return "品牌号/抖音.csv"

@case("binary_garbage_csv")
def _(m):
    roster(m); (m / "品牌号").mkdir(parents=True, exist_ok=True)
    (m / "品牌号" / "data.csv").write_bytes(bytes(range(256)) * 40); return "品牌号/data.csv"

@case("unknown_layout")
def _(m):
    roster(m); write_csv(m / "品牌号" / "别的表.csv", [["甲", "乙", "丙"], ["1", "2", "3"]]); return "品牌号/别的表.csv"

@case("text_in_number_column", expect="quarantine_or_null")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(views="很多"), douyin_row("正常", "2026-10-13 10:00:00")]); return "品牌号/抖音.xlsx"

@case("negative_count", expect="quarantine_or_flag")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(views="-5")]); return "品牌号/抖音.xlsx"

@case("absurd_value", expect="quarantine_or_flag")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(views="999999999999999")]); return "品牌号/抖音.xlsx"

@case("future_date", expect="quarantine_or_flag")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(when="2031-01-01 10:00:00")]); return "品牌号/抖音.xlsx"

@case("unparseable_date", expect="quarantine_or_null")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(when="昨天"), douyin_row()]); return "品牌号/抖音.xlsx"

@case("duplicated_columns", expect="ok_or_message")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN + ["播放量"], douyin_row() + ["99"]]); return "品牌号/抖音.xlsx"

@case("title_50000_chars", expect="ok")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(title="长" * 50_000)]); return "品牌号/抖音.xlsx"

@case("emoji_title", expect="ok")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(title="🎾🔥 网球有故事｜温网 👀")]); return "品牌号/抖音.xlsx"

@case("rtl_and_zero_width_title", expect="ok")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(title="\u202eabc\u200b零宽\u200d字符\ufeff")]); return "品牌号/抖音.xlsx"

@case("formula_like_title", expect="ok")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(title='=HYPERLINK("http://x","点我")')]); return "品牌号/抖音.xlsx"

@case("html_like_title", expect="ok")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(title="<script>alert(1)</script><img src=x onerror=alert(2)>")]); return "品牌号/抖音.xlsx"

@case("only_a_roster", expect="note")
def _(m):
    roster(m); return None

@case("roster_unknown_platform", expect="note")
def _(m):
    roster(m, ROSTER + [["王芳", "脸书", "海外号", "E03", "运营"]]); good_douyin(m); return "花名册.xlsx"

@case("account_folder_not_in_roster", expect="note")
def _(m):
    roster(m); write_xlsx(m / "神秘账号" / "抖音.xlsx", [DOUYIN, douyin_row()]); return "神秘账号/抖音.xlsx"

@case("roster_missing_required_column", expect="message")
def _(m):
    write_xlsx(m / "花名册.xlsx", [["姓名", "平台"], ["张伟", "抖音"]]); good_douyin(m); return "花名册.xlsx"

@case("roster_header_only", expect="note")
def _(m):
    write_xlsx(m / "花名册.xlsx", [ROSTER[0]]); good_douyin(m); return None

@case("stray_txt")
def _(m):
    roster(m); good_douyin(m); (m / "说明.txt").write_text("这个月的数据晚了两天", encoding="utf-8"); return "说明.txt"

@case("png_image")
def _(m):
    roster(m); good_douyin(m); (m / "品牌号" / "截图.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64); return "品牌号/截图.png"

@case("docx_zip_not_xlsx")
def _(m):
    roster(m); good_douyin(m); buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    (m / "品牌号" / "周报.docx").write_bytes(buf.getvalue()); return "品牌号/周报.docx"

@case("banner_lines_only")
def _(m):
    roster(m); write_csv(m / "品牌号" / "小红书.csv", [["最多导出排序后前1000条笔记"], ["数据来源概况"]]); return "品牌号/小红书.csv"

@case("percent_over_100", expect="quarantine_or_flag")
def _(m):
    roster(m); row = douyin_row(); row[DOUYIN.index("完播率")] = "250%"
    write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, row]); return "品牌号/抖音.xlsx"

@case("blank_row_in_the_middle", expect="ok")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音.xlsx", [DOUYIN, douyin_row(), [""] * len(DOUYIN), douyin_row("后一条", "2026-10-20 09:00:00")]); return "品牌号/抖音.xlsx"

@case("semicolon_delimited", expect="ok")
def _(m):
    roster(m); write_csv(m / "品牌号" / "抖音.csv", [DOUYIN, douyin_row()], sep=";"); return "品牌号/抖音.csv"

@case("calendar_bad_date", expect="quarantine")
def _(m):
    roster(m); good_douyin(m)
    write_xlsx(m / "内容排期.xlsx", [["计划发布时间", "平台", "账号", "标题", "负责人", "是否原创"],
                                   ["下周", "抖音", "品牌号", "新品开箱", "张伟", "是"],
                                   ["2026-10-12 20:00", "抖音", "品牌号", "第二条", "张伟", "是"]]); return "内容排期.xlsx"

@case("campaign_negative_target", expect="quarantine")
def _(m):
    roster(m); good_douyin(m)
    write_xlsx(m / "活动.xlsx", [["活动名称", "负责人", "开始日期", "目标值", "实际值"],
                                ["双十一预热", "张伟", "2026-10-20", "-100", "50"]]); return "活动.xlsx"

@case("review_rating_out_of_range", expect="quarantine")
def _(m):
    roster(m); good_douyin(m)
    write_xlsx(m / "综合评价.xlsx", [["被评价人", "考核周期", "评价人", "评价人角色", "专业能力", "职业素养", "团队协作"],
                                  ["张伟", "2026-10", "主管甲", "上级", "7", "4", "4"]]); return "综合评价.xlsx"

@case("duplicate_download_does_not_double_count", expect="ok")
def _(m):
    roster(m); good_douyin(m); good_douyin(m, "抖音作品列表 (1).xlsx"); return "品牌号/抖音作品列表 (1).xlsx"

@case("top_level_export_ambiguous")
def _(m):
    roster(m, ROSTER + [["王芳", "抖音", "第二个号", "E03", "运营"]])
    write_xlsx(m / "抖音作品列表.xlsx", [DOUYIN, douyin_row()]); return "抖音作品列表.xlsx"

@case("roster_csv_gbk_with_fullwidth_platform", expect="ok")
def _(m):
    write_csv(m / "花名册.csv", [["姓名", "平台", "账号"], ["张伟", "ＤＯＵＹＩＮ", "品牌号"]], encoding="gb18030"); good_douyin(m); return None

@case("symlink_to_a_system_file")
def _(m):
    roster(m); good_douyin(m)
    (m / "品牌号" / "passwd.csv").symlink_to("/etc/passwd"); return "品牌号/passwd.csv"

@case("header_only_export")
def _(m):
    roster(m); write_xlsx(m / "品牌号" / "抖音作品列表.xlsx", [DOUYIN]); return "品牌号/抖音作品列表.xlsx"

@case("private_work_zero_views_with_likes", expect="ok")
def _(m):
    roster(m)
    write_xlsx(m / "品牌号" / "抖音作品列表.xlsx", [DOUYIN, douyin_row(), douyin_row("草稿", views="0", likes="5", 审核状态="自见")])
    return "品牌号/抖音作品列表.xlsx"
