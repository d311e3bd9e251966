"""Account-level downloads that name no platform, and files nobody recognises: what the roster says about a file's
platform, and what an unrecognised file looks like and whether anything in it could matter for the score.

Douyin's 数据总览 trend files (日期 | 总粉丝量) and Xiaohongshu's 近30日 sheets (日期 | 数值) carry no platform word and are
renamed freely, so their layouts say `confirm_platform_by_roster`: the account folder's platform in the roster must be
the layout's platform. An unrecognised file is described (sheets, size, first cells) and, when its sheet names or
first rows hold follower, exposure or interaction words (`unrecognised.matters` in config/platforms.yaml), it is never
called ignorable.
"""
from __future__ import annotations

from ..labels import label
from .grid import Sheet
from .layouts import Registry, norm_header


def roster_platform_problem(registry: Registry, layout_id: str, folder: str | None,
                            folder_platforms: set[str]) -> str | None:
    """Why a file of a `confirm_platform_by_roster` layout is not read (None: it is read).

    The file names no platform, so the account folder's roster rows decide: a folder the roster lists under other
    platforms only cannot hold this platform's download. A folder not in the roster (read as usual, with its own
    message) or a file at the month's top level (the platform's only account) are left to the usual rules."""
    lay = registry.layout(layout_id)
    if not lay.spec.confirm_platform_by_roster or not folder or not folder_platforms:
        return None
    if lay.platform in folder_platforms:
        return None
    mine = label(f"platform.{lay.platform}")
    theirs = "、".join(sorted(label(f"platform.{p}") for p in folder_platforms))
    return (f"这个文件看起来是“{lay.spec.title}”（文件里没有写平台），但花名册里账号文件夹“{folder}”是{theirs}账号，"
            f"没有{mine}账号，无法确认平台，整个文件未读取：请把它放进对应{mine}账号的文件夹，或在花名册补上该{mine}账号。")


def _first_cells(sheet: Sheet, rows: int) -> list[str]:
    cells = sheet.cells
    out: list[str] = []
    for r in range(min(rows, len(cells))):
        vals = [str(v).strip() for v in cells.iloc[r].tolist() if str(v).strip()]
        if len(vals) >= 2 or (vals and not out):
            out = vals
            if len(vals) >= 2:
                break
    return out


def _matters(registry: Registry, texts: list[str]) -> list[tuple[str, list[str], str]]:
    """(kind, words found, indicators) for each `unrecognised.matters` entry whose words occur in `texts`."""
    conf = registry.config.unrecognised
    normed = [norm_header(t) for t in texts if t]
    hits = []
    for m in conf.matters:
        found = [w for w in m.words if any(norm_header(w) in t for t in normed)]
        if found:
            hits.append((m.name, found, m.used_by))
    return hits


def describe_unrecognised(registry: Registry, sheets: list[Sheet]) -> str:
    """The message for a file in which no layout and no team table was found: what it looks like (sheets, rows, the
    first header-like cells) and whether it holds series the score uses (never 「可以忽略」 when it does)."""
    scan = registry.config.header_scan_rows
    texts: list[str] = []
    looks = []
    for sh in sheets[:6]:
        first = _first_cells(sh, scan)
        texts.append(sh.name)
        for r in range(min(scan, len(sh.cells))):
            texts.extend(str(v) for v in sh.cells.iloc[r].tolist() if str(v).strip() and len(str(v)) <= 40)
        head = "、".join(x[:20] for x in first[:6]) + ("…" if len(first) > 6 else "")
        looks.append(f"工作表“{sh.name}”{len(sh.cells)} 行" + (f"，开头是“{head}”" if head else "，是空的"))
    more = f"等 {len(sheets)} 个工作表" if len(sheets) > 6 else ""
    shape = "；".join(looks) + more if looks else "没有任何单元格"
    opening = (f"没有认出这是哪个平台的导出或哪张团队表格（前 {scan} 行里没有一组认识的表头）。文件内容：{shape}。")
    hits = _matters(registry, texts)
    if hits:
        what = "；".join(f"{name}（{'、'.join(words[:4])}），用于{used}" for name, words, used in hits)
        return (opening + f"其中有与计分有关的数据：{what}。请不要忽略这个文件：如果是新版导出，请在 "
                "config/platforms.yaml 里补充这个版式或表头别名后重新运行。")
    return opening + "其中没有粉丝、曝光、播放或互动类的数据，不影响计分；如果它确实是平台导出，请在 config/platforms.yaml 补充表头别名，否则可以忽略。"


__all__ = ["roster_platform_problem", "describe_unrecognised"]
