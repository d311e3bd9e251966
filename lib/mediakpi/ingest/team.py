"""Team tables: empty templates with the Chinese headers of config/team_tables.yaml (xlsx + csv)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..schema import team_tables

_EXAMPLES = {
    "roster": ["张三", "微信公众号", "示例公众号", "E001", "新媒体运营", "2026-01-01", ""],
}


def template_frame(table: str) -> pd.DataFrame:
    cols = team_tables()[table]["columns"]
    return pd.DataFrame(columns=[cs["header"] for cs in cols.values()])


def write_templates(folder: str | Path) -> list[Path]:
    """Write one empty template per team table as `<标题>.xlsx` and `<标题>.csv` (UTF-8 with BOM, opens in Excel).

    The xlsx has the headers on row 1 (bold, frozen) and a second sheet `说明` listing each column: header, type,
    required, accepted aliases. Returns the written paths.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {"text": "文字", "int": "整数", "float": "数字", "rating": "评分（数字）", "bool": "是/否",
             "date": "日期（如 2026-10-08）", "datetime": "日期时间（如 2026-10-08 20:00）"}
    written = []
    for name, spec in team_tables().items():
        title = spec["title"]
        frame = template_frame(name)
        csv_path = folder / f"{title}.csv"
        frame.to_csv(csv_path, index=False, encoding="utf-8-sig")
        wb = Workbook()
        ws = wb.active
        ws.title = title[:31].replace("（", "(").replace("）", ")")
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for i, h in enumerate(frame.columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, 2 * len(h) + 4)
        info = wb.create_sheet("说明")
        info.append(["表头", "类型", "必填", "也接受的表头", "取值范围"])
        for cs in spec["columns"].values():
            rng = cs.get("range")
            rtxt = "" if not rng else f"{'' if rng[0] is None else rng[0]} ~ {'' if rng[1] is None else rng[1]}"
            info.append([cs["header"], kinds[cs["type"]], "是" if cs.get("required") else "", "、".join(map(str, cs.get("aliases", []))), rtxt])
        xlsx_path = folder / f"{title}.xlsx"
        wb.save(xlsx_path)
        written += [xlsx_path, csv_path]
    return written
