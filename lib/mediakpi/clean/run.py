"""02_clean for one period: read what 01_ingest wrote, check, flag, summarise, write. Never drops a row, never crashes
on bad input: every problem ends as a line in data_quality_notes."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import catalog
from ..history import posts_before, read_months
from ..paths import Workspace
from ..store import release_memory
from ..periods import TZ, Period, month_shift
from .calendar import match_calendar, normalise_titles
from .config import QualityConfig, load_quality_config
from .crosscheck import account_checks, assign_operators, conflict_notes, normalise_roster
from .period import add_maturity, add_media_type, add_private, assign_period, fill_snapshot, private_mask
from .plausibility import attach_flags, duplicate_flags, fraud_flags, plausibility_flags
from .quality import account_month, account_notes, data_quality, prior_totals, read_manifest
from .records import FLAGS, NOTES, concat_flags, conform, note, notes_frame
from .viral import flag_viral, history_columns

POSTS_CLEAN_ADDED = catalog.POSTS_CLEAN_ADDED   # the columns 02_clean adds to posts (schema in the catalog)


@dataclass
class CleanResult:
    """What 02_clean produced for a period (the DataFrames as written) and plain-Chinese summary lines."""

    period: str
    posts: pd.DataFrame
    account_month: pd.DataFrame
    calendar_match: pd.DataFrame
    flags: pd.DataFrame
    data_quality: pd.DataFrame
    notes: pd.DataFrame
    summary: list[str] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No error-level note."""
        return not (self.notes["level"] == "error").any()


# ---------------------------------------------------------------- reading, tolerant
def _safe_conform(df: pd.DataFrame, columns: dict[str, str], extra: dict[str, str], table: str,
                  notes: list[dict]) -> pd.DataFrame:
    """catalog.conform, column by column: a missing contract column or one that cannot take its dtype becomes a note
    (and nulls) instead of an exception. Unknown extra columns are kept as they are."""
    missing = [c for c in columns if c not in df.columns]
    if missing and not df.empty:
        notes.append(note("warn", "table", table, f"{table} 缺少列 {', '.join(missing)}：已按空值处理。"))
    fixed = df.copy(deep=False)   # copy-on-write (pandas 3): shallow is enough
    for col, dtype in {**columns, **{k: v for k, v in extra.items() if k in df.columns}}.items():
        if col not in fixed.columns:
            continue
        try:
            fixed[col] = fixed[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            if dtype.startswith("datetime"):
                conv = pd.to_datetime(fixed[col], errors="coerce")
                if "Asia" in dtype and conv.dt.tz is None:
                    conv = conv.dt.tz_localize(TZ)
            elif dtype in (catalog.INT, catalog.FLOAT):
                conv = pd.to_numeric(fixed[col], errors="coerce")
            else:
                conv = fixed[col].astype("string")
            bad = int((conv.isna() & fixed[col].notna()).sum())
            notes.append(note("error", "table", table,
                              f"{table} 的列 {col} 类型不对（应为 {dtype}：{exc}）；{bad} 个值无法转换，已按空值处理。"
                              "请重新运行 01_ingest。"))
            fixed[col] = conv.astype(dtype)
    out = conform(fixed, columns, extra)
    others = [c for c in df.columns if c not in out.columns]
    for c in others:
        out[c] = df[c].reset_index(drop=True)
    return out


def _read_parquet(folder: Path, table: str, notes: list[dict], required: bool) -> pd.DataFrame | None:
    try:
        return catalog.load(folder, table)
    except catalog.DatasetMissing as exc:
        if required:
            notes.append(note("warn", "table", exc.path.name, f"{exc.message}按空表处理。"))
    except catalog.DatasetError as exc:
        notes.append(note("error", "table", exc.path.name, f"{exc.message}（已按空表处理）"))
    return None


def _validate_hook(df: pd.DataFrame, table: str, notes: list[dict]) -> None:
    """Re-check a table against ingest's pandera schemas (`mediakpi.validate.failing_rows`): rows that fail now were
    changed after ingest or written by something else. They are kept (02_clean never drops) and reported."""
    if df.empty:
        return
    try:
        from ..validate import failing_rows
    except Exception:  # noqa: BLE001 - the schemas are optional; the column/dtype check above still ran
        return
    try:
        reasons = failing_rows(df, table)
    except Exception as exc:  # noqa: BLE001 - a schema that cannot even run is itself worth a note
        notes.append(note("warn", "table", table, f"{table} 无法按数据规范复核（{type(exc).__name__}）：请重新运行 01_ingest。"))
        return
    bad = reasons.dropna()
    if bad.empty:
        return
    where = []
    for idx, why in bad.head(3).items():
        src = df.at[idx, "source_file"] if "source_file" in df.columns else None
        row = df.at[idx, "source_row"] if "source_row" in df.columns else None
        where.append(f"{src} 第 {row} 行：{why}" if src is not None and not pd.isna(src) else str(why))
    more = f" 等 {len(bad)} 行" if len(bad) > 3 else ""
    notes.append(note("warn", "table", table,
                      f"{table} 中有 {len(bad)} 行不符合数据规范（导入后被改动过？），已保留并继续：{'；'.join(where)}{more}。"
                      "请重新运行 01_ingest。"))


def load_inputs(ws: Workspace, period: str, notes: list[dict]) -> dict:
    folder = ws.processed(period)
    if not folder.is_dir():
        notes.append(note("error", "period", period,
                          f"没有找到 {folder}：本期尚未导入。请把导出文件放到 data/raw/<月份>/ 并先运行 01_ingest。"))
    raw = _read_parquet(folder, "posts", notes, required=True)
    posts = _safe_conform(raw if raw is not None else catalog.empty(catalog.POSTS), catalog.POSTS, catalog.POSTS_EXTRA,
                          "posts", notes)
    _validate_hook(posts, "posts", notes)
    raw = _read_parquet(folder, "account_daily", notes, required=False)
    daily = _safe_conform(raw if raw is not None else catalog.empty(catalog.ACCOUNT_DAILY), catalog.ACCOUNT_DAILY, {},
                          "account_daily", notes)
    _validate_hook(daily, "account_daily", notes)
    team = {}
    for t in ("roster", "content_calendar"):
        raw = _read_parquet(folder, t, notes, required=False)
        dtypes = catalog.team_table_dtypes(t)
        team[t] = _safe_conform(raw if raw is not None else catalog.empty(dtypes), dtypes, {}, t, notes)
        _validate_hook(team[t], t, notes)
    raw = _read_parquet(folder, "quarantine", notes, required=False)
    quarantine = raw if raw is not None else catalog.empty(catalog.QUARANTINE)
    manifest, m_notes = read_manifest(folder) if folder.is_dir() else (pd.DataFrame(), [])
    notes.extend(m_notes)
    return {"posts": posts, "daily": daily, "roster": team["roster"], "calendar": team["content_calendar"],
            "quarantine": quarantine, "manifest": manifest}


# ---------------------------------------------------------------- the pure core
def clean_tables(period: str, posts: pd.DataFrame, daily: pd.DataFrame, roster: pd.DataFrame,
                 calendar: pd.DataFrame, history: pd.DataFrame | None = None,
                 quarantine: pd.DataFrame | None = None, manifest: pd.DataFrame | None = None,
                 cfg: QualityConfig | None = None, notes: list[dict] | None = None,
                 prior_daily: pd.DataFrame | None = None) -> CleanResult:
    """Everything 02_clean does, on DataFrames (no I/O). `history`: earlier posts for the viral baselines;
    `prior_daily`: the accounts' last follower totals before the period (quality.prior_totals), so that growth starts
    from the previous day's total."""
    cfg = cfg or load_quality_config()
    p = Period.parse(period)
    notes = list(notes or [])
    quarantine = quarantine if quarantine is not None else catalog.empty(catalog.QUARANTINE)
    manifest = manifest if manifest is not None else pd.DataFrame()

    roster_n, r_notes = normalise_roster(roster, cfg)
    notes += r_notes + conflict_notes(roster_n, p)

    ps = fill_snapshot(posts, cfg.snapshot_fallback)
    no_snap = ps["snapshot_rule"].eq("newest_post_in_file").fillna(False)
    if no_snap.any():
        notes.append(note("info", "period", p.text,
                          f"{int(no_snap.sum())} 条作品的导出文件没有写明导出时间：按同一文件中最新作品的发布时间估计"
                          "（作品“成熟”与否因此偏保守）。"))
    ps = add_private(ps, cfg)
    ps = assign_period(ps, p)
    ps = add_maturity(ps, cfg)
    ps = add_media_type(ps, cfg)
    ps, own_flags = assign_operators(ps, roster_n)
    titles = normalise_titles(ps["title"]) if "title" in ps.columns else None   # once, for the calendar and duplicates
    private = ps["private"].to_numpy(dtype=bool)
    # a private work (自见 …) is not a published post: not matched to the calendar, not viral, not in any baseline,
    # not checked for impossible values or fraud (its 0 views are the platform's, not an error); it keeps its numbers.
    # Each check gets the public posts with only the columns it reads (a million posts carry dozens of columns: a row
    # selection over all of them cost a copy of the whole table each time)
    pub = _public(ps, private, _matching_columns(cfg))
    given = list(pub.columns)
    cal_match, pub, c_notes = match_calendar(calendar, pub, p, cfg, titles[~private] if private.any() and titles is not None else titles)
    notes += c_notes
    release_memory()   # the calendar match's intermediates, before the viral standard's
    if history is not None and "visibility" in history.columns:
        hidden = private_mask(history["visibility"], cfg).to_numpy()
        history = history[~hidden] if hidden.any() else history
    pub = flag_viral(pub, history, cfg)
    ps = _with_private(pub, ps, private, given)
    del pub
    release_memory()
    checked = _public(ps, private, _checked_columns(cfg))
    flags = concat_flags([own_flags, plausibility_flags(checked, cfg), fraud_flags(checked, cfg),
                          duplicate_flags(ps, titles)])
    del checked
    ps = attach_flags(ps, flags)

    accounts, a_notes = account_checks(ps, daily, roster_n, p)
    notes += a_notes
    if ps.empty and daily.empty:
        if roster_n.empty and roster.empty:
            notes.append(note("error", "period", p.text,
                              "本期没有任何数据（没有导出文件，也没有花名册）：请把各平台导出文件和花名册放到 "
                              f"data/raw/{p.months[0]}/ 下，再从 01_ingest 重新运行。"))
        else:
            notes.append(note("error", "period", p.text,
                              "本期只有花名册，没有任何平台导出文件：所有账号都缺少下载，无法评分内容指标。"))
    elif roster.empty:
        notes.append(note("error", "roster", p.text,
                          "本期没有花名册：作品无法对应到负责人，不会计入任何人的绩效。请把花名册（姓名、平台、账号）放入本期文件夹。"))
    in_p = int(ps["in_period"].sum())
    if not ps.empty and in_p == 0:
        notes.append(note("warn", "period", p.text,
                          f"导出文件中有 {len(ps)} 条作品，但没有一条发布于 {p.text}：是否放错了月份文件夹？"))

    am = account_month(ps, daily, p, accounts[accounts["in_roster"]][["platform", "account", "operator"]], roster_n,
                       prior_daily)
    dq = data_quality(accounts, ps, daily, flags, quarantine, manifest, p)
    notes += account_notes(dq)
    if not quarantine.empty:
        notes.append(note("warn", "period", p.text,
                          f"导入时共有 {len(quarantine)} 行数据因不符合规范被隔离（未参与计算），原因见 quarantine.csv。"))

    posts_clean = _order_posts(ps)
    nf = notes_frame(notes)
    res = CleanResult(p.text, posts_clean, am, cal_match, flags, dq, nf)
    res.summary = summary_lines(res)
    return res


# the post columns flags carry (records.flags_from) and those the calendar match, the viral standard and the checks of
# impossible values and fraud read
_FLAG_COLUMNS = ["platform", "account", "operator", "post_id", "title", "source_file", "source_row", "in_period"]


def _matching_columns(cfg: QualityConfig) -> list[str]:
    """What match_calendar and flag_viral read of the posts."""
    metrics = [*cfg.viral.primary_metric.values(), *(f.metric for f in cfg.viral.floors.values())]
    return ["platform", "account", "post_id", "title", "published_at", "snapshot_at", "in_period", "mature", *metrics]


def _checked_columns(cfg: QualityConfig) -> list[str]:
    """What plausibility_flags and fraud_flags read of the posts."""
    pc = cfg.plausibility
    return [*_FLAG_COLUMNS, "published_at", "snapshot_at", "views_lower_bound", "views", "likes", "comments", "shares",
            "saves", "snapshot_conflict", *pc.count_columns, *pc.rate_columns]


def _public(ps: pd.DataFrame, private, columns: list[str]) -> pd.DataFrame:
    """The public posts (not `private`) with only those of `columns` that ps has, in ps' column order."""
    wanted = set(columns)
    narrow = ps[[c for c in ps.columns if c in wanted]]
    return narrow[~private] if private.any() else narrow


def _with_private(pub: pd.DataFrame, ps: pd.DataFrame, private, given: list[str] | None = None) -> pd.DataFrame:
    """ps with the columns the public posts `pub` gained (those of pub not in `given`, the columns pub started with;
    None: ps' columns); the private posts get False (flags) or null there, or keep the value ps already had in a
    column of the same name. pub holds ps' public rows, in ps' order."""
    given = set(ps.columns if given is None else given)
    gained = [c for c in pub.columns if c not in given]
    out = ps.copy(deep=False)   # copy-on-write: shallow is enough
    if not private.any():
        for c in gained:
            out[c] = pub[c]
        return out
    rest = pd.DataFrame(index=ps.index[private])
    for c in gained:
        if c in ps.columns:
            rest[c] = ps[c][private]
        else:
            rest[c] = False if pub[c].dtype == bool else pub[c].iloc[:0].reindex(rest.index)   # typed nulls
    both = pd.concat([pub[gained], rest[gained]]).loc[ps.index]
    for c in gained:
        out[c] = both[c]
    return out


def _order_posts(ps: pd.DataFrame) -> pd.DataFrame:
    base = list(catalog.POSTS) + [c for c in catalog.POSTS_EXTRA if c in ps.columns]
    added = list(POSTS_CLEAN_ADDED)
    rest = [c for c in ps.columns if c not in base and c not in added]
    out = ps[base + [c for c in added if c in ps.columns] + rest]
    return out.astype({c: t for c, t in POSTS_CLEAN_ADDED.items() if c in out.columns}).reset_index(drop=True)


def summary_lines(res: CleanResult) -> list[str]:
    """A few plain-Chinese lines for the notebook and the report."""
    ps, dq, cm, nf = res.posts, res.data_quality, res.calendar_match, res.notes
    lines = []
    # only the columns counted below (a row selection over every posts column was the slow part at scale)
    counted = ["mature", "viral", "viral_strong", "viral_pending", "flagged"]
    in_p = ps.loc[ps["in_period"], counted] if not ps.empty else ps
    lines.append(f"{res.period}：共 {len(ps)} 条作品，其中 {len(in_p)} 条发布于本期，"
                 f"{int(in_p['mature'].sum()) if len(in_p) else 0} 条已成熟（可参与爆款判定）。")
    if len(in_p):
        lines.append(f"爆款 {int(in_p['viral'].sum())} 条（其中强爆款 {int(in_p['viral_strong'].sum())} 条），"
                     f"另有 {int(in_p['viral_pending'].sum())} 条尚未成熟、暂不计入。")
    if not cm.empty:
        due = cm.loc[cm["in_period"], "status"]
        counts = due.value_counts()
        lines.append(f"排期 {len(due)} 条：按时 {counts.get('on_time', 0)}，延迟 {counts.get('late', 0)}，"
                     f"漏发 {counts.get('missed', 0)}，无法确定 {counts.get('ambiguous', 0)}，未到期 {counts.get('not_due', 0)}。")
    if not dq.empty:
        s = dq["status"].value_counts()
        lines.append(f"账号数据质量：正常 {s.get('ok', 0)}，需留意 {s.get('warn', 0)}，有错误 {s.get('error', 0)}"
                     f"（缺少下载 {int(dq['missing_download'].sum())} 个）。")
    flagged = int(in_p["flagged"].sum()) if len(in_p) else 0
    lines.append(f"本期作品中 {flagged} 条被标记（数据不合理或疑似刷量），已保留并在报告中列出。")
    lv = nf["level"].value_counts()
    lines.append(f"数据质量提示：错误 {lv.get('error', 0)} 条，警告 {lv.get('warn', 0)} 条，信息 {lv.get('info', 0)} 条。")
    return lines


# ---------------------------------------------------------------- the stage
def clean_period(ws: Workspace, period: str, cfg: QualityConfig | None = None) -> CleanResult:
    """Run 02_clean for `period`: read ws.processed(period), check and flag, write posts_clean, account_month,
    calendar_match, flags, data_quality and data_quality_notes there. Returns the tables and summary lines."""
    inp = load_period(ws, period, cfg)
    res = clean_tables(**inp)
    res.written = write_result(ws, res)
    return res


def load_period(ws: Workspace, period: str | Period, cfg: QualityConfig | None = None) -> dict:
    """What clean_tables needs for `period`, read from data/processed: the tables 01_ingest wrote, the earlier posts
    the viral baselines use (`history`), the settings (`cfg`) and the notes gathered while reading; keyed by
    clean_tables' parameters, so that `clean_tables(**load_period(ws, period))` is the stage without its writes."""
    p = Period.parse(period)
    cfg = cfg or load_quality_config()
    notes: list[dict] = []
    inp = load_inputs(ws, p.text, notes)
    release_memory()
    months = max(1, math.ceil(cfg.viral.baseline_days / 28))
    try:
        wanted = history_columns(cfg) + ["visibility"]  # read and hold only what the baselines use (+ private works)
        hist = posts_before(ws, p.text, inp["posts"], months=months, columns=wanted)
        hist = hist[[c for c in wanted if c in hist.columns]]
        if "visibility" in hist.columns:   # the private works leave here (clean_tables would drop them too), so that
            hidden = private_mask(hist["visibility"], cfg).to_numpy()   # one copy of the history is held, not two
            hist = (hist[~hidden] if hidden.any() else hist).drop(columns="visibility")
        release_memory()
    except Exception as exc:  # noqa: BLE001 - an unreadable earlier month must not stop this one
        notes.append(note("warn", "period", p.text, f"读取往期作品失败（{exc}）：相对爆款门槛只用本期数据。"))
        hist = inp["posts"].iloc[0:0]
    prior = prior_totals(read_months(ws, [month_shift(p.months[0], -1)], "account_daily",
                                     ["platform", "account", "date", "followers_total"], warnings=[]), p.start)
    return {**inp, "history": hist, "cfg": cfg, "notes": notes, "period": p.text, "prior_daily": prior}


def write_result(ws: Workspace, res: CleanResult) -> dict[str, Path]:
    folder = ws.processed(res.period)
    tables = {"posts_clean": res.posts, "account_month": res.account_month, "calendar_match": res.calendar_match,
              "flags": res.flags, "data_quality": res.data_quality, "data_quality_notes": res.notes}
    return {key: catalog.save(folder, key, df) for key, df in tables.items()}


__all__ = ["CleanResult", "clean_period", "clean_tables", "load_inputs", "load_period", "write_result",
           "summary_lines",
           "POSTS_CLEAN_ADDED", "FLAGS", "NOTES"]
