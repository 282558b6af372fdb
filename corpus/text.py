"""Text normalisation: one place for the rules every stage relies on."""

from __future__ import annotations

import re
import unicodedata

from corpus.lang import UNSPACED_CHARACTERS

# C0/C1 controls except tab and newline, plus zero-width and bidi formatting marks
# that survive extraction and break hashing; ZWJ/ZWNJ stay (they matter in Indic and Arabic scripts).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline
_FOLD_DROP = re.compile(r"[\W_]+")  # punctuation, symbols and spaces, for hashing
_DIGITS = re.compile(r"\d")
# Characters of the scripts written without spaces between words: Thai, Lao, Tibetan, Myanmar, Khmer, kana, Han.
_UNSPACED = re.compile("[" + "".join(UNSPACED_CHARACTERS.values()) + "]")


def normalise(text: str) -> str:
    """Unicode NFC, controls removed, runs of spaces collapsed, one paragraph per line, no blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Spaces collapsed over the whole text at once (the pattern never crosses a newline), then each line stripped.
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    return "\n".join(line for line in (line.strip() for line in text.split("\n")) if line)


def paragraphs(text: str) -> list[str]:
    """The paragraphs (lines) of a normalised text."""
    return [line for line in text.split("\n") if line]


def fold(text: str) -> str:
    """The form used to find duplicates: case, punctuation, digits and whitespace folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DIGITS.sub("0", text)
    return _FOLD_DROP.sub(" ", text).strip()


def is_unspaced(text: str, sample: int = 2000) -> bool:
    """True when most of the text is in a script written without spaces between words."""
    head = text[:sample]
    visible = len(head) - head.count(" ") - head.count("\n")
    return visible > 0 and 2 * len(_UNSPACED.findall(head)) > visible


def count_words(text: str) -> int:
    """Whitespace-separated words; texts in scripts written without spaces count their characters."""
    words = text.split()
    return sum(map(len, words)) if is_unspaced(text) else len(words)
