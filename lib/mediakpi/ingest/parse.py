"""Typed columns from a found table, by each column's declared form; a cell that cannot be read is named, not lost."""
from __future__ import annotations

import unicodedata

import pandas as pd

from ..distinct import on_distinct
from ..catalog import team_tables
from .dates import parse_dates, parse_datetimes
from .layouts import NUMERIC_FORMS, Registry
from .numbers import normalise_text, parse_bool, parse_numbers, to_int
from .tables import Table


def clean_text(s: pd.Series) -> pd.Series:
    """Strip surrounding white space; undo a formula-escape apostrophe ('=…); empty -> null. Otherwise as exported."""
    t = s.astype("string").str.strip()
    esc = t.str.startswith("'").fillna(False)
    if esc.any():
        t = t.mask(esc, t[esc].str.replace(r"^'(?=[=+\-@])", "", regex=True))
    return t.mask(t == "")


def _add_reason(reasons: pd.Series, mask: pd.Series, text) -> pd.Series:
    if not mask.any():
        return reasons
    text = text() if callable(text) else text
    add = text if isinstance(text, pd.Series) else pd.Series(text, index=reasons.index)
    joined = (reasons.fillna("") + "；" + add.astype("string")).str.lstrip("；")
    return reasons.mask(mask, joined)


def _excerpt(raw: pd.Series) -> pd.Series:
    return raw.astype("string").str.slice(0, 30)


def parse_columns(table: Table, forms: dict[str, str], sentinels: dict[str, list[str]], registry: Registry,
                  kinds: dict[str, str] | None = None, cells: dict | None = None) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """-> (typed frame, lower-bound mask for `views`, reasons per row (null when the row is fine)). `cells`, when
    given, receives column -> (bad mask, raw values) for each column with an unreadable cell (ingest.team)."""
    P = registry.placeholders
    data = table.data
    out = pd.DataFrame(index=data.index)
    reasons = pd.Series(pd.NA, index=data.index, dtype="string")
    lower = pd.Series(False, index=data.index)
    for col, (pos, unit) in table.columns.items():
        form = forms[col]
        raw = data.iloc[:, pos]
        header = table.headers[pos]
        if form in NUMERIC_FORMS:
            p = parse_numbers(raw, form, P, sentinels.get(col), unit)
            kind = (kinds or {}).get(col, "int" if form == "int" else "float")
            out[col] = to_int(p.values) if kind == "int" else p.values
            reasons = _add_reason(reasons, p.bad, lambda header=header, raw=raw: "“" + header + "”不是可识别的数字（原值 " + _excerpt(raw) + "）")
            if cells is not None and p.bad.any():
                cells[col] = (p.bad, raw)
            if col == "views":
                lower = p.lower_bound
        elif form == "datetime":
            ts, bad = parse_datetimes(raw, P)
            out[col] = ts
            reasons = _add_reason(reasons, bad, lambda header=header, raw=raw: "“" + header + "”不是可识别的日期时间（原值 " + _excerpt(raw) + "）")
            if cells is not None and bad.any():
                cells[col] = (bad, raw)
        elif form == "date":
            d, bad = parse_dates(raw, P)
            out[col] = d
            reasons = _add_reason(reasons, bad, lambda header=header, raw=raw: "“" + header + "”不是可识别的日期（原值 " + _excerpt(raw) + "）")
            if cells is not None and bad.any():
                cells[col] = (bad, raw)
        elif form == "bool":
            p = parse_bool(raw, P)
            out[col] = p.values
            reasons = _add_reason(reasons, p.bad, lambda header=header, raw=raw: "“" + header + "”应填 是/否（原值 " + _excerpt(raw) + "）")
            if cells is not None and p.bad.any():
                cells[col] = (p.bad, raw)
        else:  # text, id, url
            t = clean_text(raw)
            if form in ("id", "url"):
                t = t.mask(normalise_text(t).isin(P))
            out[col] = t
    return out, lower, reasons


def _per_distinct(values: pd.Series, fn) -> pd.Series:
    """fn (a vectorised text function on a "string" Series, "" for "" ) once per distinct value: a month repeats
    titles (re-posts, series, several snapshots of one post). Missing values are taken as ""."""
    return on_distinct(values.astype("string").fillna(""), lambda u: fn(u.astype("string"))).astype("string")


def _nfkc_no_space(t: pd.Series) -> pd.Series:
    """NFKC without white space (str.split() splits on exactly what the regex `\\s` matches), then lower case; one
    Python pass for the first two (faster than two pandas string calls), Arrow's lower case as before."""
    isn, nf = unicodedata.is_normalized, unicodedata.normalize
    done = ["".join((x if isn("NFKC", x) else nf("NFKC", x)).split()) for x in t.tolist()]
    return pd.Series(done, index=t.index, dtype="string").str.lower()


def _day_key_title(t: pd.Series) -> pd.Series:
    return t.str.normalize("NFKC").str.replace(r"[\s\W_]+", "", regex=True).str.lower()


def _local_text(published: pd.Series, fmt: str) -> pd.Series:
    return published.dt.strftime(fmt).astype("string").fillna("")


def id_text(title: pd.Series, published: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The costly parts of stable_id: the NFKC title without white space, lower case, and the publish time as local
    text ("" when missing). Ingest's workers compute them for the rows without an id, in parallel."""
    return _per_distinct(title, _nfkc_no_space), _local_text(published, "%Y-%m-%d %H:%M:%S")


def stable_id(platform: pd.Series, account: pd.Series, title: pd.Series, published: pd.Series,
              text: tuple[pd.Series, pd.Series] | None = None) -> pd.Series:
    """A stable hash of platform, account, NFKC-normalised title and publish time (for exports without an id).
    `text`: id_text(title, published) when already computed."""
    t, when = text if text is not None else id_text(title, published)
    key = platform.astype("string").fillna("") + "\x1f" + account.astype("string").fillna("") + "\x1f" + t + "\x1f" + when
    # pandas' hash_array (SipHash-2-4 with a fixed key) is deterministic across runs and machines; vectorised
    h = pd.util.hash_array(key.to_numpy(dtype=object), categorize=False)
    return pd.Series(["h:%016x" % v for v in h.tolist()], index=key.index, dtype="string")


def title_day_key(platform, account, title, published) -> pd.Series:
    t = _per_distinct(title, _day_key_title)
    day = _local_text(published, "%Y-%m-%d")
    return platform.astype("string") + "|" + account.astype("string") + "|" + t + "|" + day


def url_id(url: pd.Series) -> pd.Series:
    """An article URL as an id: scheme-less, without the #fragment."""
    u = url.astype("string").str.strip().str.replace(r"#.*$", "", regex=True)
    u = u.str.replace(r"^https?://", "", regex=True)
    return ("url:" + u).mask(u.isna() | (u == ""))


TEAM_FORMS = {"text": "text", "int": "int", "float": "float", "rating": "float", "bool": "bool",
              "date": "date", "datetime": "datetime"}


def team_forms(table_name: str) -> tuple[dict[str, str], dict[str, str]]:
    cols = team_tables()[table_name]["columns"]
    forms = {c: TEAM_FORMS[s["type"]] for c, s in cols.items()}
    kinds = {c: ("int" if s["type"] == "int" else "float") for c, s in cols.items()}
    return forms, kinds


__all__ = ["parse_columns", "stable_id", "id_text", "title_day_key", "url_id", "team_forms", "clean_text"]
