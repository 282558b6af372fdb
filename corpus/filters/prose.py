"""Web pages that are lists rather than text, and text disguised with look-alike letters.

The boilerplate classifier (corpus/filters/boilerplate.py) removes a page's menus and
footers line by line, and keeps what reads as text and its neighbours. What it keeps of a
collection front, a tag page, a profile or a search page is still a list: item titles,
counts, dates, teasers cut off with "...", a line of prose here and there. These rules
judge the page after that cleaning, as FineWeb's line-punctuation rule does (the share of
lines ending with punctuation), weighted by characters:

- `prose_char_ratio` (drop `little_prose`): the share of the page's characters in prose
  lines: lines of at least PROSE_LINE_WORDS words (PROSE_LINE_UNSPACED_CHARS characters
  in a script written without spaces) that end a sentence. Not measured in scripts that
  do not mark a sentence's end (Thai, Lao).
- `teaser_char_ratio` (drop `teasers`): the share in lines cut off with an ellipsis: the
  truncated blurbs of listings and blog indexes.
- `min_web_words` (drop `few_web_words`): the words a web page keeps after its cleaning:
  Gopher's minimum of 50 (`min_words`, for every source, is looser for short Wikipedia
  articles); a profile, a form or a one-paragraph teaser is under it.
- `mixed_script_words` (drop `mixed_script`): the share of words that mix letters of the
  Latin, Cyrillic and Greek alphabets ("сοстоится" with a Greek omicron): copied text
  disguised from duplicate detection. Wikipedia's highest share is 0.015 (Greek symbols
  in formulae such as "αx"), in the eight dumps of the tests' shared data.

Each is a plain function of the text, with its threshold in corpus.config.FilterRules; the
first two judge web pages only (a Wikipedia list article is content).
"""

from __future__ import annotations

from typing import NamedTuple

import regex

PROSE_LINE_WORDS = 8  # a shorter line is a title, an item or a caption, not a paragraph
PROSE_LINE_UNSPACED_CHARS = 20  # ... in a script without spaces (characters)
MIXED_SCRIPT_MIN_WORDS = 3  # fewer mixed words are typos or formulae, whatever their share
# Scripts whose writing marks no sentence end: their pages have no prose line by this measure.
UNMARKED_SCRIPTS = frozenset({"Thai", "Laoo"})
PROSE_REASON = "little_prose"
TEASER_REASON = "teasers"
MIXED_SCRIPT_REASON = "mixed_script"
WEB_WORDS_REASON = "few_web_words"

# A sentence's end, with closing quotes or brackets after it; the Tibetan shad is not in Unicode's class.
_SENTENCE_END = regex.compile(r"[\p{Sentence_Terminal}།][\p{Pf}\p{Pe}\"'’”»]*$")
_ELLIPSIS_END = regex.compile(r"(?:\.\.\.|…)[\p{Pf}\p{Pe}\"'’”»]*$")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*")
# The alphabets whose look-alike letters are swapped (a, е, о, р, с, х; ο, ν, κ).
_ALPHABETS = (regex.compile(r"\p{Latin}"), regex.compile(r"\p{Cyrillic}"), regex.compile(r"\p{Greek}"))
_NOT_ASCII_OR_LATIN = regex.compile(r"[\p{Cyrillic}\p{Greek}]")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def is_prose_line(line: str, unspaced: bool) -> bool:
    """A line long enough to be a paragraph that ends a sentence (not cut off with an ellipsis)."""
    if not _SENTENCE_END.search(line) or _ELLIPSIS_END.search(line):
        return False
    return len(line) >= PROSE_LINE_UNSPACED_CHARS if unspaced else line.count(" ") + 1 >= PROSE_LINE_WORDS


def prose_char_ratio(text: str, unspaced: bool, text_script: str) -> float | None:
    """Characters in prose lines / characters in lines; None in a script that marks no sentence end."""
    if text_script in UNMARKED_SCRIPTS:
        return None
    lines = _lines(text)
    total = sum(map(len, lines))
    return sum(len(line) for line in lines if is_prose_line(line, unspaced)) / total if total else 0.0


def teaser_char_ratio(text: str) -> float:
    """Characters in lines cut off with an ellipsis / characters in lines."""
    lines = _lines(text)
    total = sum(map(len, lines))
    return sum(len(line) for line in lines if _ELLIPSIS_END.search(line)) / total if total else 0.0


def mixed_script_words(text: str) -> float:
    """Words mixing Latin, Cyrillic and Greek letters / words (0 below MIXED_SCRIPT_MIN_WORDS of them)."""
    if not _NOT_ASCII_OR_LATIN.search(text):  # the usual Latin-script page: nothing to mix
        return 0.0
    words = _WORD.findall(text)
    mixed = sum(1 for word in words if sum(1 for alphabet in _ALPHABETS if alphabet.search(word)) >= 2)
    return mixed / len(words) if mixed >= MIXED_SCRIPT_MIN_WORDS else 0.0


class ProseRules(NamedTuple):
    """The rules of one language; a None limit switches its rule off."""

    min_prose_char_ratio: float | None
    max_teaser_char_ratio: float | None
    max_mixed_script_words: float | None
    min_web_words: int | None

    def judge(self, text: str, n_words: int, unspaced: bool, text_script: str, web: bool) -> tuple[dict[str, float], str | None]:
        """The signals and the drop reason (None: keep) of a cleaned text of `n_words` words; `web`: a web page
        (the rules on lists and length apply)."""
        signals: dict[str, float] = {}
        if self.max_mixed_script_words is not None:
            signals["mixed_script_words"] = round(mixed_script_words(text), 4)
            if signals["mixed_script_words"] > self.max_mixed_script_words:
                return signals, MIXED_SCRIPT_REASON
        if not web:
            return signals, None
        if self.min_web_words is not None and n_words < self.min_web_words:
            return signals, WEB_WORDS_REASON
        if self.max_teaser_char_ratio is not None:
            signals["teaser_char_ratio"] = round(teaser_char_ratio(text), 4)
            if signals["teaser_char_ratio"] > self.max_teaser_char_ratio:
                return signals, TEASER_REASON
        if self.min_prose_char_ratio is not None:
            ratio = prose_char_ratio(text, unspaced, text_script)
            if ratio is not None:
                signals["prose_char_ratio"] = round(ratio, 4)
                if ratio < self.min_prose_char_ratio:
                    return signals, PROSE_REASON
        return signals, None
