"""Encoding damage: characters a page lost to a wrong charset, which no repair brings back.

Two marks of loss survive in text. A decoder writes U+FFFD for bytes it cannot read;
an encoder writes "?" for a character its charset lacks, so "café résumé" sent
through ASCII becomes "caf? r?sum?" and a Russian page "?????? ???". ftfy
(corpus.text.repair_encoding) undoes mojibake, where the bytes are all still there;
these marks it cannot undo. The rule filter/encoding_damage drops a page when they
are more than a share of its visible characters: one stray U+FFFD in a long page
stays.

"?" is punctuation too, so only these count as lost letters:
  * a run of "?" inside a word: a letter on each side, the next one not a capital
    ("rig?This" is a question with its space lost) and not both in a script written
    without spaces (Chinese and Japanese pages use "?" with no space after it), and
    not in a URL ("page.php?id=3");
  * a run of two or more "?" standing alone ("?????? ???"), not after a letter or
    digit ("What??" is emphasis).
Word-final marks ("caf? ") are left uncounted: "What? no." is ordinary text.
"""

from __future__ import annotations

import re
import unicodedata

from corpus.lang import UNSPACED_CHARACTERS

REPLACEMENT_CHARACTER = "\ufffd"
_QUESTION_MARKS = re.compile(r"\?+")
_UNSPACED = re.compile("[" + "".join(UNSPACED_CHARACTERS.values()) + "]")
_URL_CHARACTERS = frozenset("/=&")


def _is_letter(char: str) -> bool:
    """A letter, or a combining mark (the end of an Indic syllable)."""
    return char.isalpha() or (char != "" and unicodedata.category(char)[0] == "M")


def _in_url(text: str, start: int, end: int) -> bool:
    """Whether the whitespace-separated token around text[start:end] is a URL or a query string."""
    before = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    after = min((i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0), default=len(text))
    return not _URL_CHARACTERS.isdisjoint(text[before:after])


def damaged_chars(text: str) -> int:
    """U+FFFD characters plus question marks standing for lost letters (see the module's docstring)."""
    damaged = text.count(REPLACEMENT_CHARACTER)
    if "?" not in text:
        return damaged
    for run in _QUESTION_MARKS.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if _is_letter(before):
            inside_word = after.isalpha() and not (after.isupper() or after.istitle())
            if not inside_word or (_UNSPACED.match(before) and _UNSPACED.match(after)) or _in_url(text, start, end):
                continue
        elif end - start < 2 or before.isdigit():
            continue
        damaged += end - start
    return damaged


def damaged_char_ratio(text: str) -> float | None:
    """Lost characters / visible characters (None for a text with none)."""
    visible = len(text) - text.count(" ") - text.count("\n")
    if not visible:
        return None
    if REPLACEMENT_CHARACTER not in text and "?" not in text:
        return 0.0
    return damaged_chars(text) / visible
