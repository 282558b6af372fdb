"""Filters on mined sentence pairs: each rule keeps a pair or names why it drops it.

Reasons are "bitext/<why>", counted per language pair in the manifest. The
duplicate-pair rule needs the whole language pair and runs as a shuffle in the
pipeline (pipelines/bitext.py); the rules here look at one pair at a time.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from corpus.config import Bitext
from corpus.text import count_words, fold, is_unspaced

TOO_SHORT = "bitext/too_short"
LENGTH_RATIO = "bitext/length_ratio"
IDENTICAL = "bitext/identical"
NUMBER_MISMATCH = "bitext/number_mismatch"
URL_OR_BOILERPLATE = "bitext/url_or_boilerplate"
LOW_SCORE = "bitext/low_score"
DUPLICATE = "bitext/duplicate"
WRONG_LANGUAGE = "bitext/wrong_language"  # a document's detected language is not the one its source declares
TOO_LONG = "bitext/too_many_sentences"  # a document over bitext.max_sentences, left out of alignment

_URL = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.(?:com|org|net|html?)\b", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> set[str]:
    """The numbers of a text as ASCII digits, in any script's digits, separators removed ("9,000" -> "9000")."""
    ascii_digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(ascii_digits)}


def pair_drop_reason(src: str, tgt: str, score: float, config: Bitext) -> str | None:
    """None to keep the pair, else the reason it is dropped (the first rule that fails)."""
    src_words, tgt_words = count_words(src), count_words(tgt)
    if min(src_words, tgt_words) < config.min_words:
        return TOO_SHORT
    # Words and characters (Thai, Chinese, Japanese) are not comparable units: no length ratio between them.
    if is_unspaced(src) == is_unspaced(tgt) and max(src_words, tgt_words) / min(src_words, tgt_words) > config.max_length_ratio:
        return LENGTH_RATIO
    folded_src, folded_tgt = fold(src), fold(tgt)
    if folded_src == folded_tgt or difflib.SequenceMatcher(None, folded_src, folded_tgt).ratio() > config.max_similarity:
        return IDENTICAL
    if numbers(src) != numbers(tgt):
        return NUMBER_MISMATCH
    if _URL.search(src) or _URL.search(tgt):
        return URL_OR_BOILERPLATE
    if score < config.scoring.min_score:
        return LOW_SCORE
    return None
