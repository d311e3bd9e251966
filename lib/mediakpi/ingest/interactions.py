"""WeChat Official Accounts comment payloads (JSON saved from the comment API) as rows of the team table 互动与舆情记录.

The comment API (per article) answers `{"errcode": 0, "total": N, "comment": [{"user_comment_id", "openid",
"create_time", "content", "comment_type", "reply": {"content", "create_time"}}]}`. A saved file may hold one such
answer, a list of them, or any object that nests them (e.g. `{"articles": [{"title", "url", "comment": [...]}]}`):
every list under a key `comment` whose items carry `user_comment_id` or `create_time` is read, with the `url` /
`title` of the object around it. The rows become one sheet with the table's Chinese headers, so they go through the
same table recognition, cell parsing, validation, quarantine and de-duplication as a hand-filled 互动与舆情记录.

`openid` (a person's identifier) is not kept. The account is the account folder the file sits in (the roster's 账号);
a file at the top of the month folder gets an empty 账号, so its rows are quarantined with the table's usual reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..periods import TZ
from .grid import Sheet

HEADERS = ["平台", "账号", "类型", "内容", "收到时间", "首次回复时间", "处理结果", "来源链接", "平台编号"]
PLATFORM_NAME = "微信公众号"
SHEET_NAME = "微信公众号评论接口"


def _when(v) -> str:
    """A unix time (seconds, as number or text) -> `YYYY-MM-DD HH:MM:SS` in Beijing time; anything else as text."""
    if v is None or v == "":
        return ""
    try:
        secs = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not 0 < secs < 1e11:
        return str(v)
    return pd.Timestamp(secs, unit="s", tz="UTC").tz_convert(TZ).strftime("%Y-%m-%d %H:%M:%S")


def _is_comment(x) -> bool:
    return isinstance(x, dict) and ("user_comment_id" in x or "create_time" in x)


def _comment_lists(obj, context: dict | None = None):
    """(comments, context) for every comment list nested in `obj`; context: the enclosing url / title."""
    context = context or {}
    if isinstance(obj, list):
        for x in obj:
            yield from _comment_lists(x, context)
        return
    if not isinstance(obj, dict):
        return
    here = {**context, **{k: obj[k] for k in ("url", "title", "link") if isinstance(obj.get(k), str)}}
    for key, value in obj.items():
        if key == "comment" and isinstance(value, list) and any(_is_comment(c) for c in value):
            yield [c for c in value if isinstance(c, dict)], here
        elif isinstance(value, (dict, list)):
            yield from _comment_lists(value, here)


def comment_rows(payload, account: str | None) -> list[list[str]]:
    """The comment payload as text rows under HEADERS (one row per comment)."""
    rows = []
    for comments, ctx in _comment_lists(payload):
        link = ctx.get("url") or ctx.get("link") or ""
        for c in comments:
            reply = c.get("reply") if isinstance(c.get("reply"), dict) else {}
            replied = (
                _when(reply.get("create_time")) if reply and (reply.get("content") or reply.get("create_time")) else ""
            )
            outcome = "；".join(
                x for x in ("已精选" if str(c.get("comment_type", "")) == "1" else "", "已回复" if replied else "") if x
            )
            rows.append(
                [
                    PLATFORM_NAME,
                    account or "",
                    "评论",
                    str(c.get("content") or ""),
                    _when(c.get("create_time")),
                    replied,
                    outcome,
                    link,
                    str(c.get("user_comment_id") or ""),
                ]
            )
    return rows


def comment_sheets(path: Path, account: str | None) -> list[Sheet] | None:
    """The file as one sheet of 互动与舆情记录 when it is a WeChat comment payload, else None (not ours)."""
    try:
        payload = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, OSError):
        return None
    if not any(True for _ in _comment_lists(payload)):
        return None
    rows = comment_rows(payload, account)
    cells = pd.DataFrame([HEADERS, *rows], dtype=object)
    notes = [] if account else ["评论文件放在月份文件夹顶层，不知道属于哪个公众号：请放进以账号命名的子文件夹。"]
    return [Sheet(SHEET_NAME, cells, notes)]
