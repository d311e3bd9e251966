"""What a file really is (by its bytes, never its name) and how its text is encoded."""
from __future__ import annotations

import codecs
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
MOJIBAKE_MARKS = ("锟斤拷", "\ufffd", "烫烫烫", "屯屯屯")


class Unreadable(Exception):
    """A file that cannot be read; the message is plain Chinese for a team lead."""


@dataclass
class Sniffed:
    kind: str  # xls | xlsx | html | json | text | empty | pdf | image | docx | zip | binary | lockfile
    head: bytes


def sniff(path: Path) -> Sniffed:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if path.name.startswith("~$"):
        return Sniffed("lockfile", head)
    if not head.strip(b" \t\r\n\x00"):
        return Sniffed("empty", head)
    if head.startswith(OLE2):
        return Sniffed("xls", head)
    if head.startswith(ZIP):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return Sniffed("xlsx", head)  # truncated: the reader reports it
        if any(n.startswith("xl/") for n in names):
            return Sniffed("xlsx", head)
        if any(n.startswith("word/") for n in names):
            return Sniffed("docx", head)
        return Sniffed("zip", head)
    if head.startswith(b"%PDF"):
        return Sniffed("pdf", head)
    if head[:8].startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")):
        return Sniffed("image", head)
    text = _peek_text(head)
    stripped = text.lstrip("\ufeff \t\r\n").lower()
    if stripped.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta", "<head", "<body")) or "<table" in stripped[:2000]:
        return Sniffed("html", head)
    if stripped.startswith(("{", "[")):
        return Sniffed("json", head)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and head.count(b"\x00") < len(head) // 4:
        return Sniffed("binary", head)
    return Sniffed("text", head)


def _peek_text(head: bytes) -> str:
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        if enc == "utf-16" and not (head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head[1:2] == b"\x00"):
            continue
        try:
            return head.decode(enc, errors="strict")
        except UnicodeDecodeError:
            continue
    return head.decode("latin-1")


def decode_candidates(data: bytes) -> list[tuple[str, str]]:
    """Every plausible decoding of a text file, best guess first: (encoding label, text)."""
    out: list[tuple[str, str]] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            out.append(("utf-16", data.decode("utf-16")))
        except UnicodeDecodeError:
            pass
    elif len(data) > 2 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        try:
            out.append(("utf-16-le", data.decode("utf-16-le")))
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        out.append((enc, text))
        if enc == "utf-8-sig":
            break  # valid UTF-8 is never re-tried as GB18030
    if not out:
        out.append(("gb18030(有无法识别的字节)", data.decode("gb18030", errors="replace")))
    return out


def has_mojibake(text: str) -> bool:
    return any(m in text for m in MOJIBAKE_MARKS)


def json_error_message(path: Path) -> str:
    """Plain-Chinese reason for a JSON body saved with a spreadsheet name."""
    raw = path.read_bytes()
    detail = ""
    try:
        obj = json.loads(raw.decode("utf-8-sig", errors="replace"))
        if isinstance(obj, dict):
            for key in ("msg", "errmsg", "message", "error", "err_msg", "error_msg", "base_resp"):
                if key in obj and obj[key]:
                    detail = str(obj[key])[:80]
                    break
    except ValueError:
        pass
    ext = path.suffix or "（无扩展名）"
    why = f"（平台返回：{detail}）" if detail else ""
    return f"这个 {ext} 文件其实是平台返回的错误信息{why}，不是导出表格；请到后台重新下载。"


KIND_MESSAGES = {
    "empty": "文件是空的（0 字节或只有空白），可能下载中断；请重新下载。",
    "lockfile": "这是 Excel 打开文件时留下的临时锁文件（~$ 开头），可以删除，已跳过。",
    "pdf": "这是 PDF 文件，不是导出表格，已跳过。",
    "image": "这是图片文件，不是导出表格，已跳过。",
    "docx": "这是 Word 文档，不是导出表格，已跳过。",
    "zip": "这是压缩包，请解压后把里面的表格放进月份文件夹。",
    "binary": "无法识别的二进制文件，不是导出表格，已跳过。",
}
