"""What a line's own language label is worth on a page: citation and list lines, Han-only lines.

A line-level identifier reads one line; on short list items, names and citations it
confuses close languages and answers for the cited work rather than the page (measured
on the real Wikipedia and CommonCrawl samples, benchmarks/langid.md). Two kinds of line
therefore defer to the page:

- citation-like lines: short items (names, headings, menu entries) and lines with the marks
  of a reference (years in any script's digits, ISBN/DOI, URLs, page numbers, initials, " // ",
  a bracketed author or source at the end). A minority-language
  part made mostly of them is not a section in its own right (corpus.langid.documents).
- Han-only lines (no kana): Chinese and Japanese share the Han characters, so a kanji list
  or heading says nothing about which of the two it is; on a page with Japanese evidence
  (kana), a line labelled Chinese is Japanese unless it carries a character Japanese does not use.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

import regex

from corpus.text import is_unspaced

# A list item or heading: this few letters (words for spaced scripts) is no sentence.
SHORT_WORDS = 8
SHORT_UNSPACED_CHARS = 25
MEDIUM_CHARS = 120
LONG_CHARS = 300
YEAR_CHARS = 80

_YEAR = regex.compile(r"\b(?:1[5-9]\d\d|20\d\d)(?:\b|[-–—])")
_MARKS = [
    regex.compile(r"\b(?:ISBN|ISSN|doi|DOI|OCLC|PMID|arXiv)\b"),
    regex.compile(r"(?:^|[\s(])(?:pp?|S|с|стр|ss|Bd|Vol|vol|Т|т|No|№|сс)\.\s*\d"),  # pages, volumes, numbers
    regex.compile(r"(?:^|[\s,(])\p{Lu}\.\s?(?:\p{Lu}\.|\p{Lu}\p{Ll}+)"),  # initials: "A. B." or "A. Name"
    regex.compile(r"^\p{Lu}[\p{L}'-]+, \p{Lu}[\p{L}.]*[.;:]"),  # an author first: "Avedon, Elliot;"
    regex.compile(r" // |\bet al\b|\b(?:Retrieved|Archived|Accessed)\b|\[dostęp|\bed(?:s)?\.\)?|\(ред\.\)|— [МЛК]\.[,:]?"),
    regex.compile(r"\([^()]{2,60}\)[.;,]?$"),  # ends in a bracketed author, publisher or source: "Title: Subtitle (Name)"
]
# A URL or site; every form has a "/" or "www.", tested first as the search is the slowest of the marks.
_URL = regex.compile(r"(?:https?://|www\.|\b[\w-]+\.(?:com|org|net|gov|edu|info|io|[a-z]{2})/)")
# Every Unicode decimal digit as its ASCII digit, so that years in Devanagari (२००४) or Bengali digits count too.
_ASCII_DIGITS = {cp: str(unicodedata.digit(chr(cp))) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Nd" and cp > 127}
_NON_ASCII_DIGIT = regex.compile(r"(?![0-9])\d")  # most lines have none: then the translation is skipped
_DIGIT = regex.compile(r"\d")
_LETTER = regex.compile(r"\p{L}")
_KANA = regex.compile(r"[\p{Script=Hiragana}\p{Script=Katakana}]")
_HAN = regex.compile(r"\p{Script=Han}")
_HANGUL = regex.compile(r"\p{Script=Hangul}")
# Frequent Chinese characters whose Japanese form is another character (simplified 这/说/们...,
# traditional 這/說/們...): a Han-only line with one of them is Chinese, whatever the page.
# Traditional forms that survive in Japanese proper names (國, 學, 會, 廣) are left out:
# they occur in the Japanese Wikipedia sample.
CHINESE_ONLY = frozenset(
    "这们说对发经过还进时间问见长东车门马为么吗呢个书无业产华现开关动电应实种样从听头两员网总认让给级线话语请设计记论传边题热报场质韩页视频览载户钱买卖馆"
    "這們說對發經來與麼嗎實從總當將點體裡樣聽讓灣臺"
)
_CHINESE_ONLY = regex.compile("[" + "".join(sorted(CHINESE_ONLY)) + "]")  # counted in C, not per character in Python


# Chinese-only characters / Han characters of a page: at most 0.005 on the Japanese web pages of the
# WET sample, 0.07 and more on its Chinese pages that list Japanese titles.
CHINESE_ONLY_MAX_SHARE = 0.02


def marks(line: str) -> int:
    """Kinds of reference mark a line carries (a year, ISBN, URL, pages, initials, ...);
    years as dense as one per YEAR_CHARS characters (a list of works, one year each) count three times."""
    if not line.isascii() and _NON_ASCII_DIGIT.search(line):
        line = line.translate(_ASCII_DIGITS)
    years = len(_YEAR.findall(line))
    found = 1 if years == 0 else 2 if years < 3 or years * YEAR_CHARS < len(line) else 4
    url = ("/" in line or "www." in line) and _URL.search(line) is not None
    return found - 1 + url + sum(1 for pattern in _MARKS if pattern.search(line))


def short_item(line: str) -> bool:
    """A list item, heading or menu entry rather than a sentence."""
    if is_unspaced(line):
        return len(_LETTER.findall(line)) < SHORT_UNSPACED_CHARS
    return len(line.split()) < SHORT_WORDS


@functools.lru_cache(maxsize=1 << 16)  # a page's lines are asked twice: for its majority, then for its parts
def citation_like(line: str) -> bool:
    """A short item, or a line with the marks of a reference (more for a longer line), or much in digits.

    Prose gives a year or a name with initials now and then: one mark counts in a line under
    MEDIUM_CHARS, two under LONG_CHARS, three anywhere.
    """
    if short_item(line):
        return True
    found = marks(line)
    if found >= 3 or (found == 2 and len(line) < LONG_CHARS) or (found == 1 and len(line) < MEDIUM_CHARS):
        return True
    return len(_DIGIT.findall(line)) >= 0.15 * len(line)


def list_like(lines: list[str], share: float) -> bool:
    """True when citation-like lines hold at least `share` of the characters of `lines`."""
    total = sum(len(line) for line in lines)
    return total > 0 and sum(len(line) for line in lines if citation_like(line)) >= share * total


def kana_share(text: str) -> float:
    """Kana letters / (kana + Han letters): 0 for Chinese, about 0.3 or more for Japanese prose."""
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    return kana / (kana + han) if kana + han else 0.0


def japanese_page(text: str, min_kana_share: float) -> bool:
    """Kana enough, and next to no character only Chinese uses (Chinese pages listing Japanese titles have both)."""
    if min_kana_share > 0 and not _KANA.search(text):  # no kana: a share of 0 (the usual page, found without counting)
        return False
    if kana_share(text) < min_kana_share:
        return False
    return len(_CHINESE_ONLY.findall(text)) <= CHINESE_ONLY_MAX_SHARE * len(_HAN.findall(text))


def could_be_japanese(text: str) -> bool:
    """No Hangul and no character only Chinese uses: Han (and kana) text that Japanese could have written."""
    return not _HANGUL.search(text) and CHINESE_ONLY.isdisjoint(text)
