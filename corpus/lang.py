"""Language labels and scripts, each defined once.

A label is an ISO 639-3 code and an ISO 15924 script joined by "_": `fra_Latn`, `zho_Hans`
(the convention of NLLB, GlotLID and OpenLID). fastText models prefix theirs with "__label__".
"""

from __future__ import annotations

import re

FASTTEXT_PREFIX = "__label__"
UNDETERMINED_SCRIPT = "Zyyy"
_JOIN = "_"
_LABEL = re.compile(r"^[a-z]{2,3}_[A-Z][a-z]{3}$")

# ISO 15924 codes and their Unicode Script property names: the scripts of the corpus's languages.
SCRIPTS = {
    "Latn": "Latin", "Cyrl": "Cyrillic", "Grek": "Greek", "Arab": "Arabic", "Hebr": "Hebrew", "Deva": "Devanagari",
    "Beng": "Bengali", "Guru": "Gurmukhi", "Gujr": "Gujarati", "Orya": "Oriya", "Taml": "Tamil", "Telu": "Telugu",
    "Knda": "Kannada", "Mlym": "Malayalam", "Sinh": "Sinhala", "Thai": "Thai", "Laoo": "Lao", "Tibt": "Tibetan",
    "Mymr": "Myanmar", "Khmr": "Khmer", "Geor": "Georgian", "Armn": "Armenian", "Ethi": "Ethiopic", "Hang": "Hangul",
    "Hira": "Hiragana", "Kana": "Katakana", "Hani": "Han", "Thaa": "Thaana", "Syrc": "Syriac", "Mong": "Mongolian",
    "Cher": "Cherokee", "Cans": "Canadian_Aboriginal", "Tfng": "Tifinagh", "Olck": "Ol_Chiki", "Nkoo": "Nko",
}  # fmt: skip
# Label scripts that are written with several Unicode scripts.
WRITTEN_WITH = {"Jpan": {"Hani", "Hira", "Kana"}, "Kore": {"Hang", "Hani"}, "Hans": {"Hani"}, "Hant": {"Hani"}}

# Scripts written without spaces between words, with their characters (the blocks the text-based check counts).
UNSPACED_CHARACTERS = {
    "Thai": "\u0e00-\u0e7f", "Laoo": "\u0e80-\u0eff", "Tibt": "\u0f00-\u0fff", "Mymr": "\u1000-\u109f",
    "Khmr": "\u1780-\u17ff", "Hira": "\u3040-\u309f", "Kana": "\u30a0-\u30ff",
    "Hani": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
}  # fmt: skip
# Label scripts written (at least partly) in one of them: tokens are characters, not words.
UNSPACED_SCRIPTS = frozenset(
    code for code in (*SCRIPTS, *WRITTEN_WITH) if set(WRITTEN_WITH.get(code, {code})) & set(UNSPACED_CHARACTERS)
)
# Han-based scripts: no space between sentences either, so sentences join without one.
HAN_SCRIPTS = frozenset({"Jpan", "Hans", "Hant", "Hani"})


def make_label(code: str, script_code: str) -> str:
    """`fra`, `Latn` -> `fra_Latn`."""
    return f"{code}{_JOIN}{script_code}"


def is_label(code: str) -> bool:
    """Is `code` a label already (`fra_Latn`), not a bare language code (`fr`, `fra`)?"""
    return bool(_LABEL.match(code))


def language_code(lang: str) -> str:
    """`bos_Latn` -> `bos`."""
    return lang.split(_JOIN, 1)[0]


def script(lang: str) -> str:
    """`bos_Latn` -> `Latn` (`Zyyy` when the label has none)."""
    return lang.split(_JOIN, 1)[1] if _JOIN in lang else UNDETERMINED_SCRIPT


def without_fasttext_prefix(fasttext_label: str) -> str:
    """`__label__fra_Latn` -> `fra_Latn`."""
    return fasttext_label.removeprefix(FASTTEXT_PREFIX)


def is_unspaced_label(lang: str) -> bool:
    """Is the label's script written without spaces between words (`jpn_Jpan`, `tha_Thai`)?"""
    return script(lang) in UNSPACED_SCRIPTS


def sentence_joiner(lang: str) -> str:
    """What goes between two sentences of the language: nothing in Chinese and Japanese, else a space."""
    return "" if script(lang) in HAN_SCRIPTS else " "
