"""content.segment: jieba with its dictionary looked up per text cuts exactly as jieba with the whole dictionary."""
import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediakpi.content import segment

TITLES = [
    "我们今天去深圳湾公园观鸟，分享观鸟攻略",
    "#周末去哪儿# 北京798艺术区 citywalk 攻略",
    "Python3.11教程：用pandas处理100万行数据！",
    "iPhone 16 Pro Max开箱测评～真香",
    "中华人民共和国国务院新闻办公室举行新闻发布会",
    "小红书爆款笔记的10个秘诀😀😀",
    "ＡＢＣ全角字母１２３和半角abc",
    "他来到了网易杭研大厦",
    "",
    "a\x00b中文",
]


@pytest.fixture(scope="module")
def full():
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def test_same_words_as_the_whole_dictionary(full):
    seg = segment.Segmenter(*segment.build_arrays(full.FREQ), full.total)
    seg.prime(TITLES[:4])  # primed in bulk for some, on first use for the others
    for title in TITLES:
        assert seg.lcut(title) == full.lcut(title), title


def test_the_cached_arrays_answer_like_jiebas_dictionary(full):
    seg = segment.segmenter()  # built from jieba's dictionary once, then memory-mapped
    assert seg.total == full.total and len(seg._words) == len(full.FREQ)
    for title in TITLES:
        assert seg.lcut(title) == full.lcut(title), title
    seg.prime(TITLES)
    for frag, freq in seg.FREQ.items():  # every entry taken is the dictionary's, with its frequency
        assert full.FREQ[frag] == freq
    assert not any(f in full.FREQ for f in seg._absent)


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
TEXT = st.text(st.one_of(CJK, st.sampled_from(list("的了是在人我有他这中大来上国个到说们为子和你地出道也时年"
                                                   "abcXYZ019 .#%，。！？～-"))), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_property_any_text_cuts_the_same(full, texts):
    seg = segment.segmenter()
    seg.prime(texts[1:])
    for text in texts:
        assert seg.lcut(text) == full.lcut(text)


def test_topics_are_the_same_as_with_the_whole_dictionary(full, monkeypatch):
    import pandas as pd

    from mediakpi.content import topics
    from mediakpi.content.settings import load_content_config

    cfg = load_content_config().topics
    posts = pd.DataFrame({"title": TITLES * 2 + [None]})
    fast = topics.post_topics(posts, cfg)
    fast_words = [topics.keywords(t, cfg) for t in TITLES]
    full.prime = lambda texts: None
    monkeypatch.setattr(topics, "_jieba", lambda: full)
    pd.testing.assert_frame_equal(fast, topics.post_topics(posts, cfg))
    assert fast_words == [topics.keywords(t, cfg) for t in TITLES]
    assert fast_words[0]  # the titles do have keywords
