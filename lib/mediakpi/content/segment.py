"""jieba word segmentation without unmarshalling jieba's whole dictionary (issue 18: the demo month's content kernel).

`jieba.initialize()` loads its prefix dictionary (about 500,000 words and word prefixes) into a Python dict: 1-2 s of
the content kernel, for a month whose titles touch a few thousand entries. jieba only ever asks that dictionary about
fragments of the text it cuts: `get_DAG` walks `sentence[k:i+1]` while the fragment is an entry (a word, or the
prefix of one, with frequency 0), `calc` and the HMM step look up fragments of the same block. Because the dictionary
is prefix-closed, a fragment the walk never reaches (one of its prefixes is not an entry) is not an entry either.

`Segmenter` is jieba's own Tokenizer (same `cut`, `calc`, HMM) whose `FREQ` holds exactly the entries the walk can
reach in the blocks it is given, looked up in bulk (one numpy search per fragment length) in the dictionary kept as
two sorted, memory-mapped arrays. They are built once from jieba's own dictionary and cached next to jieba's cache
(the temp folder), keyed by jieba's version and dictionary file. Every lookup jieba makes answers as the full
dictionary would, so the words cut are the same (tests/test_content_segment.py compares both).
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..imports import without

with without("pkg_resources"):  # jieba opens its data files by path then (mediakpi.imports)
    import jieba

jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on the console
jieba.default_logger.setLevel(logging.WARNING)


def _cache_dir() -> Path:
    dict_file = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    st = dict_file.stat()
    key = hashlib.md5(f"{jieba.__version__}|{dict_file}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"mediakpi-jieba-{key}"


def build_arrays(freq: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """jieba's FREQ as (entries as UTF-8 bytes, sorted; their frequencies)."""
    words = np.array([w.encode("utf-8") for w in freq], dtype=bytes)
    order = np.argsort(words, kind="stable")
    return words[order], np.fromiter(freq.values(), dtype=np.int64, count=len(freq))[order]


def _load_or_build() -> tuple[np.ndarray, np.ndarray, int]:
    folder = _cache_dir()
    try:
        words = np.load(folder / "words.npy", mmap_mode="r")
        freqs = np.load(folder / "freqs.npy", mmap_mode="r")
        total = int((folder / "total.txt").read_text())
        if len(words) == len(freqs) and total > 0:
            return words, freqs, total
    except (OSError, ValueError):
        pass
    full = jieba.Tokenizer()
    full.initialize()  # jieba's own (cached) dictionary, once per machine
    words, freqs = build_arrays(full.FREQ)
    total = int(full.total)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        np.save(tmp / "words.npy", words)
        np.save(tmp / "freqs.npy", freqs)
        (tmp / "total.txt").write_text(str(total))
        os.replace(tmp, folder)  # atomic; another process that got there first wins
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return words, freqs, total


class Segmenter(jieba.Tokenizer):
    """jieba's Tokenizer with the dictionary entries looked up in bulk per text (see the module docstring)."""

    def __init__(self, words: np.ndarray, freqs: np.ndarray, total: int):
        super().__init__()
        self._words, self._freqs = words, freqs
        self._width = words.dtype.itemsize
        self._absent: set[str] = set()
        self._primed: set[str] = set()
        self.total = total
        self.initialized = True  # FREQ is filled by prime(), never by jieba's initialize()

    def _lookup(self, frags: list[str]) -> None:
        """Put each fragment found in the dictionary into FREQ, the others into _absent."""
        enc = [f.encode("utf-8") for f in frags]
        fits = np.array([len(e) <= self._width and b"\x00" not in e for e in enc], dtype=bool)
        query = np.array([e if ok else b"" for e, ok in zip(enc, fits)], dtype=self._words.dtype)
        pos = np.minimum(np.searchsorted(self._words, query), len(self._words) - 1)
        hit = (np.asarray(self._words[pos]) == query) & fits
        for frag, found, freq in zip(frags, hit.tolist(), np.asarray(self._freqs[pos]).tolist()):
            if found:
                self.FREQ[frag] = freq
            else:
                self._absent.add(frag)

    def prime(self, texts) -> None:
        """Look up, in bulk, every fragment of `texts` that jieba's dictionary walk can ask about: all characters,
        then the fragments one character longer than an entry found, until none is found."""
        blocks = {b for t in texts if isinstance(t, str) for b in jieba.re_han_default.findall(t)} - self._primed
        starts = [(b, k) for b in blocks for k in range(len(b))]
        n = 1
        while starts:
            frags = [b[k:k + n] for b, k in starts]
            unknown = [f for f in dict.fromkeys(frags) if f not in self.FREQ and f not in self._absent]
            if unknown:
                self._lookup(unknown)
            starts = [(b, k) for (b, k), f in zip(starts, frags) if k + n < len(b) and f in self.FREQ]
            n += 1
        self._primed |= blocks

    def get_DAG(self, sentence):
        if sentence not in self._primed:
            self.prime([sentence])
        return super().get_DAG(sentence)


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    """The shared Segmenter, created on first use (the dictionary arrays built once per machine)."""
    return Segmenter(*_load_or_build())
