"""The authored demo texts: per-language sentence pools and sentence-aligned topic articles.

Everything under ``texts/`` was written for this project (no third-party text).

* ``texts/<lang>.txt`` (``lang`` = ISO 639-3 + script, e.g. ``fra_Latn``): one sentence a line.
* ``texts/topic_<slug>.txt``: one encyclopedia article in several languages; a block per
  language opens with ``[<lang>] <Title>`` and has one sentence a line. Blocks are
  sentence-aligned: line N of each block translates line N of the English block.
  Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import NamedTuple


class Lang(NamedTuple):
    code: str  # ISO 639-3 + script, the project's language code
    lid: str  # label of fastText lid.176 (ISO 639-1 mostly)
    cc: str  # CommonCrawl's WARC-Identified-Content-Language code (CLD2, ISO 639-3)
    wiki: str  # Wikipedia language code (enwiki, ...)
    script: str  # Unicode script family
    spaced: bool  # words separated by spaces (False for Japanese, Chinese, Thai)


LANGS: dict[str, Lang] = {
    l.code: l
    for l in (
        Lang("eng_Latn", "en", "eng", "en", "Latin", True),
        Lang("rus_Cyrl", "ru", "rus", "ru", "Cyrillic", True),
        Lang("fra_Latn", "fr", "fra", "fr", "Latin", True),
        Lang("deu_Latn", "de", "deu", "de", "Latin", True),
        Lang("spa_Latn", "es", "spa", "es", "Latin", True),
        Lang("swh_Latn", "sw", "swa", "sw", "Latin", True),
        Lang("ukr_Cyrl", "uk", "ukr", "uk", "Cyrillic", True),
        Lang("arb_Arab", "ar", "ara", "ar", "Arabic", True),
        Lang("hin_Deva", "hi", "hin", "hi", "Devanagari", True),
        Lang("jpn_Jpan", "ja", "jpn", "ja", "Han/Kana", False),
        Lang("zho_Hans", "zh", "zho", "zh", "Han", False),
        Lang("tha_Thai", "th", "tha", "th", "Thai", False),
        Lang("amh_Ethi", "am", "amh", "am", "Ethiopic", True),
        Lang("ell_Grek", "el", "ell", "el", "Greek", True),
    )
}

_POOL_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}\.txt$")
_BLOCK_RE = re.compile(r"^\[([a-z]{3}_[A-Z][a-z]{3})\]\s+(.+)$")


class TopicVersion(NamedTuple):
    lang: str
    title: str
    sentences: tuple[str, ...]


def _texts_dir():
    return resources.files("corpus.demo") / "texts"


@functools.lru_cache(maxsize=None)
def load_pools() -> dict[str, tuple[str, ...]]:
    """{lang: sentences} for every ``texts/<lang>.txt``, in file order."""
    pools = {}
    for entry in sorted(_texts_dir().iterdir(), key=lambda p: p.name):
        if _POOL_RE.match(entry.name):
            lines = entry.read_text(encoding="utf-8").splitlines()
            pools[entry.name[:-4]] = tuple(l.strip() for l in lines if l.strip())
    return pools


@functools.lru_cache(maxsize=None)
def load_topics() -> dict[str, dict[str, TopicVersion]]:
    """{slug: {lang: TopicVersion}} for every ``texts/topic_<slug>.txt``; checks alignment."""
    topics: dict[str, dict[str, TopicVersion]] = {}
    for entry in sorted(_texts_dir().iterdir(), key=lambda p: p.name):
        if not (entry.name.startswith("topic_") and entry.name.endswith(".txt")):
            continue
        slug = entry.name[len("topic_") : -len(".txt")]
        versions: dict[str, TopicVersion] = {}
        lang = title = None
        sents: list[str] = []
        for raw in entry.read_text(encoding="utf-8").splitlines() + ["[eof_Xxxx] end"]:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = _BLOCK_RE.match(line)
            if m:
                if lang is not None:
                    versions[lang] = TopicVersion(lang, title, tuple(sents))
                lang, title, sents = m.group(1), m.group(2), []
            else:
                sents.append(line)
        n = {len(v.sentences) for v in versions.values()}
        if len(n) != 1:
            raise ValueError(f"topic {slug}: blocks are not sentence-aligned: {n}")
        topics[slug] = versions
    return topics
