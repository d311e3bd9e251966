"""Topics from hashtags (#话题# and #话题) and title keywords (jieba word segmentation), with engagement by topic."""
from __future__ import annotations

import re

import pandas as pd

from ..metrics import MetricDictionary, load_metrics, metric_values
from .settings import Topics, load_content_config

# "#话题#" (Weibo), "#话题[话题]#" (Xiaohongshu), "#话题" ended by a space, another # or punctuation (Douyin, XHS).
HASHTAG_RE = re.compile(r"#([^#\s\[\]]{1,40})(?:\[话题\])?#|#([^#\s\[\]，。！？、,.!?;；:：@()（）]{1,40})")
COLUMNS = ["topic", "source", "posts", "platforms", "metric", "metric_n", "metric_median", "views_median",
           "viral_posts", "share_of_posts"]


def _jieba():
    """jieba's tokenizer, created once and quietly, its dictionary looked up per title instead of loaded whole
    (content.segment: the same words, without 1-2 s of dictionary loading)."""
    from .segment import segmenter

    return segmenter()


def hashtags(title: str | None) -> list[str]:
    if not isinstance(title, str) or "#" not in title:
        return []
    tags = [(a or b).strip() for a, b in HASHTAG_RE.findall(title)]
    return list(dict.fromkeys(t for t in tags if t))


def strip_hashtags(title: str) -> str:
    return HASHTAG_RE.sub(" ", title)


def keywords(title: str | None, cfg: Topics) -> list[str]:
    """Title words (jieba precise mode, hashtags removed): at least `min_keyword_length` characters, not a stop word
    or a number; the `keywords_per_title` most repeated, then longest (most specific), first. Topic counting across posts then keeps the
    words that recur."""
    if not isinstance(title, str) or not title.strip() or cfg.keywords_per_title == 0:
        return []
    stop = set(cfg.stopwords)
    words = [w.strip() for w in _jieba().lcut(strip_hashtags(title))]
    good = [w for w in dict.fromkeys(words) if len(w) >= cfg.min_keyword_length and w not in stop
            and not re.fullmatch(r"[\d.%]+", w) and re.search(r"\w", w)]
    return sorted(good, key=lambda w: (words.count(w), len(w)), reverse=True)[: cfg.keywords_per_title]


def post_topics(posts: pd.DataFrame, cfg: Topics | None = None) -> pd.DataFrame:
    """One row per (post, topic): index of the post in `posts`, topic, source ('话题标签' or '标题关键词').
    Each distinct title is segmented once."""
    cfg = cfg or load_content_config().topics
    rows = []
    titles = posts["title"] if "title" in posts else pd.Series(dtype="string")
    seen: dict[str, list[tuple[str, str]]] = {}
    if cfg.keywords_per_title:  # the dictionary entries of every title at once (see _jieba)
        _jieba().prime(strip_hashtags(t) for t in titles.dropna().unique() if isinstance(t, str))
    for idx, title in titles.items():
        title = None if pd.isna(title) else str(title)
        found = seen.get(title) if title is not None else []
        if found is None:
            tags = hashtags(title)
            found = [(t, "话题标签") for t in tags] + [(w, "标题关键词") for w in keywords(title, cfg) if w not in tags]
            seen[title] = found
        rows.extend((idx, topic, source) for topic, source in found)
    return pd.DataFrame(rows, columns=["post", "topic", "source"])


def topics_scope(posts: pd.DataFrame, cfg: Topics) -> pd.DataFrame:
    """The posts topics are drawn from: all of them, or the `cfg.max_posts` most viewed when there are more."""
    if len(posts) <= cfg.max_posts:
        return posts
    views = pd.to_numeric(posts["views"], errors="coerce").fillna(-1) if "views" in posts else pd.Series(0, index=posts.index)
    return posts.loc[views.sort_values(ascending=False, kind="stable").index[: cfg.max_posts]]


def topics_table(posts: pd.DataFrame, cfg: Topics | None = None, md: MetricDictionary | None = None) -> pd.DataFrame:
    """Per topic: posts, platforms, median metric (with n), median views, viral posts, share of all posts. Topics
    with fewer than cfg.min_posts posts are dropped; at most cfg.max_topics, most frequent first.

    Segmenting titles costs ~0.13 ms each, so a very large month is analysed on its `cfg.max_posts` most-viewed posts
    (see `topics_scope`); the share column is relative to the posts analysed."""
    cfg = cfg or load_content_config().topics
    md = md or load_metrics()
    posts = topics_scope(posts, cfg)
    if posts.empty:
        return pd.DataFrame(columns=COLUMNS)
    pt = post_topics(posts, cfg)
    if pt.empty:
        return pd.DataFrame(columns=COLUMNS)
    values = metric_values(posts, cfg.metric, md)
    pt["value"] = values.reindex(pt["post"]).to_numpy()
    pt["views"] = pd.to_numeric(posts["views"], errors="coerce").reindex(pt["post"]).to_numpy()
    pt["platform"] = posts["platform"].reindex(pt["post"]).to_numpy()
    viral = posts["viral"].astype("boolean").fillna(False) if "viral" in posts else pd.Series(False, index=posts.index)
    pt["viral"] = viral.reindex(pt["post"]).to_numpy()
    # a word that is a hashtag in one post and a keyword in another is one topic; its source is the commoner one
    g = pt.groupby("topic")
    out = pd.DataFrame({
        "source": g["source"].agg(lambda s: s.mode().iloc[0]),
        "posts": g["post"].nunique(),
        "platforms": g["platform"].agg(lambda s: "、".join(sorted(set(map(str, s.dropna()))))),
        "metric_n": g["value"].count(),
        "metric_median": g["value"].median(),
        "views_median": g["views"].median(),
        "viral_posts": g["viral"].sum().astype(int),
    }).reset_index()
    out["metric"] = md.metrics[cfg.metric].name
    out["share_of_posts"] = out["posts"] / len(posts)
    out = out[out["posts"] >= cfg.min_posts]
    out = out.sort_values(["posts", "metric_median"], ascending=False).head(cfg.max_topics)
    return out[COLUMNS].reset_index(drop=True)
