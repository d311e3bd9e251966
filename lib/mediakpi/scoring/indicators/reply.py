"""用户运营, replies to users (duty 2): reply rate, median first-reply time in working hours, share within the SLA.

All three read one item table, `replies.reply_items` over the team table 互动与舆情记录 (its rules: docs/replies.md),
built once per window and written by the score stage as reply_items.parquet, so the pages show the very items scored.
- `params.enabled: 0` in config/assessment.yaml switches an indicator off for a team that does not keep the log
  (not applicable, its weight goes to the dimension's other indicators).
- Switched on and the log missing: missing input (the grade becomes 暂定 with 请补充), never not applicable; likewise
  a person holding accounts with no item of theirs in the log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...replies import in_window, load_replies_config, reply_items, summary
from ..targets import static_target
from .base import _missing, _na, _row, _score, indicator, num, pct, sc, wlabel

TABLE = "interactions"
OFF = "本团队的考核方案未启用互动与舆情记录（params.enabled = 0）"


def period_items(inp, win) -> pd.DataFrame:
    """The window's reply items (one row per item and person answering for it): what the indicators score and the
    score stage writes as reply_items.parquet."""
    log = inp.tables.get(TABLE, pd.DataFrame())
    items = reply_items(log, inp.roster, inp.period, load_replies_config())
    return in_window(items, win, inp.period).reset_index(drop=True)


def window_items(inp, win, ctx) -> pd.DataFrame:
    return ctx.cached("reply_items", lambda: period_items(inp, win))


def _mine(inp, win, spec, op, ctx):
    """(the person's items, None) or (None, the not-applicable / missing-input row)."""
    if not float(spec.params.get("enabled", 1)):
        return None, _na(op, spec.name, OFF, TABLE)
    if TABLE not in ctx["present"]:
        return None, _missing(op, spec.name, f"{wlabel(win)}没有互动与舆情记录", TABLE)
    items = window_items(inp, win, ctx)
    mine = items[items["operator"] == op] if not items.empty else items
    if mine.empty:
        accs = ctx["accounts"]
        if accs.empty or not (accs["operator"] == op).any():
            return None, _na(op, spec.name, f"{wlabel(win)}名下没有账号", TABLE)
        return None, _missing(op, spec.name, f"{wlabel(win)}互动与舆情记录中没有本人负责账号的条目", TABLE)
    return mine, None


def _scored(inp, win, cfg, spec, op, ctx, figure: str, describe, target_text) -> dict:
    """The person's `figure` of replies.summary scored against the indicator's target; `describe(summary, items)`
    opens the explanation, `target_text(target)` shows the target. A non-finite figure (more than half the items
    unanswered, for the median) scores the floor. Lower-is-better (inverse) figures report score ÷ 100 as achievement."""
    mine, row = _mine(inp, win, spec, op, ctx)
    if row is not None:
        return row
    s = summary(mine)
    tgt, src = static_target(spec.target, op)
    actual = s[figure]
    finite = bool(np.isfinite(actual))
    score = float(_score(spec, actual, tgt, cfg.scale.cap)) if finite else float(cfg.scale.floor)
    return _row(
        op,
        spec.name,
        actual if finite else np.nan,
        tgt,
        score,
        f"{wlabel(win)}{describe(s, mine)}，目标{target_text(tgt)}（{src}），得分{sc(score)}",
        TABLE,
        achievement=score / 100 if spec.function == "inverse" or not finite else None,
        n_evidence=s["n"],
    )


def _rate_text(s: dict, mine: pd.DataFrame) -> str:
    return f"需回复{s['n']}条，已回复{s['answered']}条，回复率{pct(s['rate'])}"


def _sla_text(s: dict, mine: pd.DataFrame) -> str:
    late, missed = s["answered"] - s["within_sla"], s["n"] - s["answered"]
    return f"{s['n']}条中{s['within_sla']}条在时限内首次回复（超时{late}条，未回复{missed}条），及时率{pct(s['sla_share'])}"


@indicator("用户回复率", "用户运营", inputs=(TABLE, "roster"), params={"enabled": 1})
def reply_rate(inp, win, cfg, spec, op, ctx):
    """Items answered ÷ items that needed an answer (every logged item; duplicates once)."""
    return _scored(inp, win, cfg, spec, op, ctx, "rate", _rate_text, pct)


@indicator("首次回复时长", "用户运营", inputs=(TABLE, "roster"), params={"enabled": 1})
def first_reply_median(inp, win, cfg, spec, op, ctx):
    """Median first-reply time in working hours (an unanswered item is slower than any reply)."""
    unit = "个工作小时" if load_replies_config().sla.basis == "working_hours" else "小时"

    def describe(s, m):
        med = s["median_hours"]
        shown = f"{num(round(med, 2))}{unit}" if np.isfinite(med) else "超过一半未回复"
        return f"{s['n']}条的首次回复时长中位数{shown}"

    return _scored(inp, win, cfg, spec, op, ctx, "median_hours", describe, lambda t: f"≤{num(t)}{unit}")


@indicator("回复及时率", "用户运营", inputs=(TABLE, "roster"), params={"enabled": 1})
def within_sla(inp, win, cfg, spec, op, ctx):
    """Share of the items answered within their deadline (config/replies.yaml `sla`)."""
    return _scored(inp, win, cfg, spec, op, ctx, "sla_share", _sla_text, pct)
