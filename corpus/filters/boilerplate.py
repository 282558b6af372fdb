"""Boilerplate lines of web pages: menus, link lists, breadcrumbs, share buttons, footers.

WET text and the main text the extractor takes from a WARC page are plain lines (one per
HTML block) without tags or links, so each line is judged, as jusText judges an HTML
paragraph (Pomikálek 2011), by what it has, then by its neighbours:

1. its form: a copyright notice, a menu or breadcrumb on one line (short items between
   separators such as | • » ›) or a line that is mostly a web address is BOILERPLATE;
   a line mostly of digits (a date, a price, a phone number) is a bare ITEM when short;
2. its length (characters; a Han or kana character counts `boilerplate_dense_char_weight`,
   as it carries about what three Latin letters do, a Hangul or Ethiopic syllable
   `boilerplate_syllable_char_weight`) and its share of stop words (jusText's
   classes): a short line is left to its neighbours (an ITEM when it is also bare: under
   `boilerplate_max_item_chars`, without punctuation, like a menu entry or a tag), a long
   one with the stop-word share of prose is GOOD, a shorter one NEAR_GOOD, one without stop
   words (a tag cloud, a list of names) BAD;
3. jusText's context pass: a short line between good ones is kept, a near-good one unless
   bad lines are on both sides; the page's edges count as bad, so menus at the top and
   footers at the bottom go. The short line directly above kept prose stays as its heading,
   and the one above that when neither is a bare item (a headline over its byline). Unlike
   jusText, a short line between good and bad stays only when a near-good line is its direct
   neighbour: in plain text the page title (the first line) is often near-good, and jusText's
   rule would keep every menu line under it;
4. two passes of ours, so that lists stay: a run of lines the context pass removed is kept
   after all when nothing in it is boilerplate by its form and it holds no menu (a run of
   `boilerplate_min_menu_items` ITEMs), since lists of names, dates or works are content
   (jusText's pass alone removes 11% of the Wikipedia sample's characters, mostly such lists:
   benchmarks/boilerplate.md); and a menu goes wherever it stands, between paragraphs too.

Stop words: jusText's lists (about 100 languages, taken from Wikipedia word frequencies, so
one threshold fits every language: 95% of long Wikipedia lines have a share of 0.36 or more
in English, Greek, Marathi, Ukrainian, Armenian and Vietnamese, where the project's own short
lists cover a median 0.30 of a long English line but 0.09 of a Marathi one). Chinese, Japanese
and Thai, which jusText lacks, use the project's lists (corpus/filters/stopwords) and clause
marks, counted per character; a language with neither counts a sentence mark as prose.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from typing import Iterator, NamedTuple

import regex

from corpus.config import FilterRules
from corpus.filters.measures import _stop_word_pattern, stop_words
from corpus.lang import HAN_SCRIPTS, UNSPACED_CHARACTERS, is_unspaced_label, language_code, script
from corpus.langid.labels import macrolanguages
from corpus.langid.scripts import dominant_script, script_agrees

BOILERPLATE_LINES = "boilerplate_lines"  # the signal (share of a page's lines removed) and the statistics' rule name

# jusText's classes, and two of ours: a short bare item (a menu entry, a tag) and a line bad by its form.
GOOD, NEAR_GOOD, SHORT, BAD = "good", "near_good", "short", "bad"
ITEM, BOILERPLATE = "item", "boilerplate"

# jusText's stop-word lists (justext/stoplists/<name>.txt) by ISO 639-3 code; a label whose own code
# is missing finds its macrolanguage's (arb -> ara, pes -> fas, zsm -> msa, swh -> swa).
JUSTEXT_STOPLISTS = {
    "afr": "Afrikaans", "sqi": "Albanian", "ara": "Arabic", "arg": "Aragonese", "hye": "Armenian", "rup": "Aromanian",
    "ast": "Asturian", "aze": "Azerbaijani", "eus": "Basque", "bel": "Belarusian", "ben": "Bengali",
    "bpy": "Bishnupriya_Manipuri", "bos": "Bosnian", "bre": "Breton", "bul": "Bulgarian", "cat": "Catalan",
    "ceb": "Cebuano", "chv": "Chuvash", "hrv": "Croatian", "ces": "Czech", "dan": "Danish", "nld": "Dutch",
    "eng": "English", "epo": "Esperanto", "est": "Estonian", "fin": "Finnish", "fra": "French", "glg": "Galician",
    "kat": "Georgian", "deu": "German", "ell": "Greek", "guj": "Gujarati", "hat": "Haitian", "heb": "Hebrew",
    "hin": "Hindi", "hun": "Hungarian", "isl": "Icelandic", "ido": "Ido", "ibo": "Igbo", "ind": "Indonesian",
    "gle": "Irish", "ita": "Italian", "jav": "Javanese", "kan": "Kannada", "kaz": "Kazakh", "kor": "Korean",
    "kur": "Kurdish", "kir": "Kyrgyz", "lat": "Latin", "lav": "Latvian", "lit": "Lithuanian", "lmo": "Lombard",
    "nds": "Low_Saxon", "ltz": "Luxembourgish", "mkd": "Macedonian", "msa": "Malay", "mal": "Malayalam",
    "mlt": "Maltese", "mar": "Marathi", "nap": "Neapolitan", "nep": "Nepali", "new": "Newar",
    "nob": "Norwegian_Bokmal", "nno": "Norwegian_Nynorsk", "oci": "Occitan", "fas": "Persian", "pms": "Piedmontese",
    "pol": "Polish", "por": "Portuguese", "que": "Quechua", "ron": "Romanian", "rus": "Russian", "sgs": "Samogitian",
    "srp": "Serbian", "hbs": "Serbo_Croatian", "scn": "Sicilian", "slk": "Slovak", "slv": "Slovenian",
    "spa": "Spanish", "sun": "Sundanese", "swa": "Swahili", "swe": "Swedish", "tgl": "Tagalog", "fil": "Tagalog",
    "tam": "Tamil", "tel": "Telugu", "tur": "Turkish", "tuk": "Turkmen", "ukr": "Ukrainian", "urd": "Urdu",
    "uzb": "Uzbek", "vie": "Vietnamese", "vol": "Volapuk", "wln": "Walloon", "war": "Waray_Waray", "cym": "Welsh",
    "fry": "West_Frisian", "pnb": "Western_Panjabi", "yor": "Yoruba",
}  # fmt: skip

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+")  # a word without its punctuation
_SENTENCE_MARK = regex.compile(r"\p{Sentence_Terminal}")
_CLAUSE_MARK = regex.compile(r"[\p{Sentence_Terminal}，、；：,;:]")  # punctuation of prose written without spaces
_PUNCTUATED = regex.compile(r"[\p{Sentence_Terminal}，、；：,;:()（）]")  # a list item's, not a menu entry's
# The forms need no Unicode properties: the standard re module scans them faster.
_DENSE = re.compile("[" + "".join(UNSPACED_CHARACTERS[s] for s in ("Hira", "Kana", "Hani")) + "]")  # Han and kana
_SYLLABLE = re.compile(r"[\uac00-\ud7af\u1200-\u139f\u2d80-\u2ddf]")  # Hangul and Ethiopic syllables
_SYLLABIC_SCRIPTS = frozenset({"Hang", "Kore", "Ethi"})
# Between menu or breadcrumb items; "/", ">" and the middle dot only with spaces around ("and/or" and
# "l·l" are words), ">>" anywhere; not dashes, which join a date to its event in lists ("1991 - ...").
_SEPARATOR = re.compile(r"[|｜¦•▪►▸→⇒＞]|>>|(?<=\s)[/>·](?=\s)")
_SEPARATOR_MARKS = ("|", "｜", "¦", "•", "▪", "►", "▸", "→", "⇒", "＞", ">>", " / ", " > ", " · ")  # in lines of normalised text
# » and › only on lines without « and ‹ (where they close quotations: «Зоря», « Bonjour »).
_ARROW = re.compile(r"[»›]")
_QUOTE = re.compile(r"[«‹]")
# A copyright notice, not a sentence about copyright law ("著作権法", "copyright infringement"); of lower-cased text.
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|copyright\s*(?:\(c\)|\d{4})|all rights reserved|版权所有|版權所有|無断転載|무단\s?전재")
# A web or e-mail address: a run of printable ASCII holding "://", "www.", "a@b" or a common domain
# ending. The page is scanned for the marks first; only the few lines with one are measured.
_ADDRESS_MARK = r"://|www\.|[A-Za-z0-9]@[A-Za-z0-9]|\.(?:com|net|org|info|biz|ru|cn|de|uk|jp|fr|io)(?![A-Za-z0-9])"
_URL_MARK = re.compile(_ADDRESS_MARK)
_URL = re.compile(rf"(?<![\x21-\x7e])(?=[\x21-\x7e]*?(?:{_ADDRESS_MARK}))[\x21-\x7e]+")
_DIGIT = re.compile(r"\d")


class Stoplist(NamedTuple):
    """How a language's stop-word share is measured: per word, per character (scripts without spaces), or not at all."""

    words: frozenset[str]  # jusText's list (per word)
    pattern: regex.Pattern | None  # the project's list for a script without spaces (per character)


@functools.lru_cache(maxsize=1)
def _justext_dir() -> Path:
    # find_spec locates the installed package without importing it (which would load lxml).
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jusText (a dependency of corpus-builder, for its stop-word lists) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "stoplists"


def _justext_words(name: str) -> list[str]:
    text = (_justext_dir() / f"{name}.txt").read_text(encoding="utf-8")
    # The lists keep some words with their full stop ("ye."): compared as the words _TOKEN finds.
    tokens = (_TOKEN.findall(word.lower()) for word in text.split())
    return [found[0] for found in tokens if len(found) == 1]


@functools.lru_cache(maxsize=None)
def stoplist(lang: str) -> Stoplist:
    """The stop words of a language label: jusText's list in the label's script, else the project's for unspaced scripts."""
    code = language_code(lang)
    for candidate in (code, macrolanguages().get(code)):
        name = JUSTEXT_STOPLISTS.get(candidate or "")
        if name:
            words = _justext_words(name)
            if script_agrees(script(lang), dominant_script(" ".join(words))):  # Kurdish is listed in Latin, not Arabic script
                return Stoplist(frozenset(words), None)
    if is_unspaced_label(lang) and stop_words(lang):
        return Stoplist(frozenset(), _stop_word_pattern(lang))
    return Stoplist(frozenset(), None)


def _weighted_length(line: str, on: Page) -> float:
    return len(line) + (on.weight - 1) * len(on.weighted.findall(line)) if on.weighted else len(line)


def _stop_share(line: str, stops: Stoplist, config: FilterRules) -> float:
    """The line's stop-word share on the scale of the word lists (per-character shares are rescaled)."""
    if stops.words:
        tokens = _TOKEN.findall(line.lower())
        return sum(token in stops.words for token in tokens) / len(tokens) if tokens else 0.0
    if stops.pattern is not None:
        # Characters in particles (Thai ones are several characters long) and clause marks: the
        # project's short lists alone miss much Chinese prose.
        share = (sum(map(len, stops.pattern.findall(line))) + len(_CLAUSE_MARK.findall(line))) / len(line)
        return share * config.boilerplate_stopwords_high / config.boilerplate_unspaced_stopwords_high
    # No list: a sentence mark is the sign of prose.
    return config.boilerplate_stopwords_high if _SENTENCE_MARK.search(line) else 0.0


class Page(NamedTuple):
    """What the lines of one page are judged with, and which forms occur on it at all: one scan of the
    page for each form instead of one per line (most pages have no arrow, no copyright sign)."""

    stops: Stoplist
    weighted: re.Pattern | None  # the characters that count more than one (Han and kana; Hangul, Ethiopic)
    weight: float
    config: FilterRules
    copyright: bool
    separators: bool
    arrows: bool
    digits: bool
    address_lines: frozenset[int]  # the lines with a mark of a web or e-mail address


def page(lines: list[str], lang: str, config: FilterRules, stops: Stoplist | None = None) -> Page:
    """The page context of the lines of a text in `lang`; `stops`: another stop-word list than the language's (benchmarks)."""
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    weighted, weight = None, 1.0
    if script(lang) in HAN_SCRIPTS:
        weighted, weight = _DENSE, config.boilerplate_dense_char_weight
    elif script(lang) in _SYLLABIC_SCRIPTS:
        weighted, weight = _SYLLABLE, config.boilerplate_syllable_char_weight
    return Page(
        stoplist(lang) if stops is None else stops,
        weighted,
        weight,
        config,
        _COPYRIGHT.search(text.lower()) is not None,
        any(mark in text for mark in _SEPARATOR_MARKS),
        "»" in text or "›" in text,
        _DIGIT.search(text) is not None,
        frozenset(bisect_right(starts, mark.start()) - 1 for mark in _URL_MARK.finditer(text)),
    )


def line_class(line: str, on: Page, address: bool = True) -> str:
    """A line's class on its own: BOILERPLATE by its form, else by length and stop words (jusText's
    classes, ITEM for short bare items). `address`: False when the line has no mark of an address."""
    config = on.config
    length = _weighted_length(line, on)
    if on.copyright and length < config.boilerplate_length_high and _COPYRIGHT.search(line.lower()):
        return BOILERPLATE
    separators = len(_SEPARATOR.findall(line)) if on.separators else 0
    if on.arrows and not _QUOTE.search(line):
        separators += len(_ARROW.findall(line))
    if separators >= 1 and length / (separators + 1) < config.boilerplate_max_item_chars:
        return BOILERPLATE
    if address and sum(map(len, _URL.findall(line))) * 2 > len(line):
        return BOILERPLATE
    # Mostly digits: a date, a price, a phone number, a count.
    digits = len(_DIGIT.findall(line)) if on.digits else 0
    if digits and 2 * digits >= len(line) - line.count(" "):
        return ITEM if length < config.boilerplate_max_item_chars else BAD
    if length < config.boilerplate_length_low:
        return ITEM if length < config.boilerplate_max_item_chars and not _PUNCTUATED.search(line) else SHORT
    share = _stop_share(line, on.stops, config)
    if share >= config.boilerplate_stopwords_high:
        return GOOD if length > config.boilerplate_length_high else NEAR_GOOD
    return NEAR_GOOD if share >= config.boilerplate_stopwords_low else BAD


def _nearest(classes: list[str], wanted: frozenset[str], reverse: bool) -> list[str]:
    """For each line, the class of the nearest line before it (after it, when `reverse`) whose class is wanted; BAD at the edge."""
    found, last = [], BAD
    order = range(len(classes) - 1, -1, -1) if reverse else range(len(classes))
    for i in order:
        found.append(last)
        if classes[i] in wanted:
            last = classes[i]
    return found[::-1] if reverse else found


_GOOD_OR_BAD = frozenset({GOOD, BAD})
_AS_JUSTEXT = {ITEM: SHORT, BOILERPLATE: BAD}  # jusText's context pass knows four classes


def in_context(own: list[str], lines: list[str]) -> list[bool]:
    """Which lines jusText's context pass keeps, and the headings of the prose it keeps."""
    classes = [_AS_JUSTEXT.get(c, c) for c in own]
    before, after = _nearest(classes, _GOOD_OR_BAD, False), _nearest(classes, _GOOD_OR_BAD, True)
    final = list(classes)
    for i, c in enumerate(classes):
        if c != SHORT:
            continue
        if before[i] == after[i]:
            final[i] = before[i]
        elif (before[i] == BAD and i > 0 and classes[i - 1] == NEAR_GOOD) or (
            after[i] == BAD and i + 1 < len(classes) and classes[i + 1] == NEAR_GOOD
        ):
            # Between good and bad, next to a near-good line on the bad side: part of the text. jusText
            # asks for the nearest such line at any distance; in plain text the page title (the
            # first line) is often near-good, and every menu line under it would stay.
            final[i] = GOOD
        else:
            final[i] = BAD
    # A near-good line stays unless bad lines (or the page's edges) are on both sides.
    before, after = _nearest(final, _GOOD_OR_BAD, False), _nearest(final, _GOOD_OR_BAD, True)
    for i, c in enumerate(final):
        if c == NEAR_GOOD:
            final[i] = BAD if before[i] == after[i] == BAD else GOOD
    keep = [c == GOOD for c in final]
    # Headings: the short line directly above kept prose, and the one above it when neither is a bare
    # item and it has no sentence in it (a headline over its byline, not a cookie notice); a menu's last
    # entry above the text goes with its menu (revise).
    prose = [kept and c in (GOOD, NEAR_GOOD) for kept, c in zip(keep, classes)]
    heading = (SHORT, NEAR_GOOD)
    for i in range(1, len(classes)):
        if prose[i] and not keep[i - 1] and classes[i - 1] in heading:
            keep[i - 1] = True
            if (i > 1 and not keep[i - 2] and classes[i - 2] in heading and ITEM not in (own[i - 1], own[i - 2])
                    and not _SENTENCE_MARK.search(lines[i - 2])):
                keep[i - 2] = True
    return keep


def _runs(flags: list[bool]) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of consecutive true flags."""
    start = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            yield start, i
            start = None


def revise(classes: list[str], lines: list[str], min_items: int) -> list[bool]:
    """Which lines to keep: jusText's context pass; then each run of lines it removed that shows no sign of
    boilerplate (no line bad by its form, no menu) is kept after all: lists of names, dates or works are
    content (a Wikipedia year page is all lists), menus and footers are not; and a menu (`min_items` or
    more short bare items in a row) is removed wherever it is, between paragraphs too."""
    keep = in_context(classes, lines)
    menu = [False] * len(classes)
    for start, end in _runs([c == ITEM for c in classes]):
        if end - start >= min_items:
            menu[start:end] = [True] * (end - start)
    for start, end in _runs([not kept for kept in keep]):
        if not any(menu[start:end]) and BOILERPLATE not in classes[start:end]:
            keep[start:end] = [True] * (end - start)
    return [kept and not in_menu for kept, in_menu in zip(keep, menu)]


def line_classes(lines: list[str], lang: str, config: FilterRules, stops: Stoplist | None = None) -> list[str]:
    """Each line's class on its own; `stops`: another stop-word list than the language's (benchmarks/boilerplate.py)."""
    on = page(lines, lang, config, stops)
    return [line_class(line, on, i in on.address_lines) for i, line in enumerate(lines)]


def keep_lines(lines: list[str], lang: str, config: FilterRules, stops: Stoplist | None = None) -> list[bool]:
    """Which lines of a web page in `lang` are its text (True) and which are boilerplate (False)."""
    return revise(line_classes(lines, lang, config, stops), lines, config.boilerplate_min_menu_items)
