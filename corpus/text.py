"""Text normalisation: one place for the rules every stage relies on."""

from __future__ import annotations

import re
import unicodedata

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-*" codecs the mojibake hint is built from

from corpus.lang import UNSPACED_CHARACTERS

# C0/C1 controls except tab and newline, plus zero-width and bidi formatting marks
# that survive extraction and break hashing; ZWJ/ZWNJ stay (they matter in Indic and Arabic scripts).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline
_FOLD_DROP = re.compile(r"[\W_]+")  # punctuation, symbols and spaces, for hashing
_DIGITS = re.compile(r"\d")
# Characters of the scripts written without spaces between words: Thai, Lao, Tibetan, Myanmar, Khmer, kana, Han.
_UNSPACED = re.compile("[" + "".join(UNSPACED_CHARACTERS.values()) + "]")



def _decoded(encoding: str, first: int, last: int) -> str:
    """The characters bytes first..last (inclusive) become in a single-byte `encoding`, as a regex class body."""
    chars = bytes(range(first, last + 1)).decode(encoding, errors="replace").replace("\ufffd", "")
    return "".join(map(re.escape, sorted(set(chars))))


def _mojibake_hint() -> re.Pattern:
    """Where UTF-8 read as a single-byte charset shows: a lead byte followed by its continuation bytes.

    Latin-1 / Windows-1252 (the usual wrong guess) in full: a UTF-8 lead byte (C2-F4, e.g. "Ã")
    followed by as many continuation bytes (80-BF, e.g. "©") as it announces. Windows-1251 and -1253
    only for two Cyrillic or Greek letters in a row ("РџСЂ"), as a single such pair is ordinary text
    ("Ві" in Ukrainian). Stray C1 controls, and "Ã"/"Â" before a space (a lost no-break space), too.
    The scan stops only at the first characters; the lookbehinds sort them (one regex pass, ~6 ns per
    character, against ~300 for ftfy's own badness test).
    """
    latin = "sloppy-windows-1252"
    continuation = _decoded(latin, 0x80, 0xBF) + _decoded("latin-1", 0x80, 0xBF)
    lead2, lead3, lead4 = _decoded(latin, 0xC2, 0xDF), _decoded(latin, 0xE0, 0xEF), _decoded(latin, 0xF0, 0xF4)
    cyrillic, greek = _decoded("sloppy-windows-1251", 0x80, 0xBF), _decoded("sloppy-windows-1253", 0x80, 0xBF)
    first = _decoded(latin, 0xC2, 0xF4) + "РСΞΟ\x80-\x9f"  # Р С: UTF-8 D0 D1 in 1251; Ξ Ο: CE CF in 1253
    return re.compile(
        f"[{first}](?:(?<=[\x80-\x9f])|(?<=[ÃÂ]) |(?<=[{lead2}])[{continuation}]|(?<=[{lead3}])[{continuation}]{{2}}"
        f"|(?<=[{lead4}])[{continuation}]{{3}}|(?<=[РС])[{cyrillic}][РС][{cyrillic}]|(?<=[ΞΟ])[{greek}][ΞΟ][{greek}])"
    )


_MOJIBAKE_HINT = _mojibake_hint()
# ftfy's encoding fixes only: its other fixes (curly quotes, full-width letters, ligatures, HTML
# entities) would change good text, and normalise() does the rest (NFC, controls, spaces).
_FTFY_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False, fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False,
    fix_line_breaks=False, remove_terminal_escapes=False, remove_control_chars=False, normalization=None,
    explain=False,
)  # fmt: skip


def repair_encoding(text: str) -> str:
    """Mojibake undone ("cafÃ©" -> "café", "â€™" -> "’") by ftfy, line by line; `text` itself when none.

    Runs before normalise(): the C1 controls normalise() removes are often a part of the mojibake
    (Windows-1252's undefined bytes). ftfy looks only at lines the cheap hint points to: most texts
    have none, and ftfy's own test on every line would cost more than reading the page.
    """
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _MOJIBAKE_HINT.search(line):
            lines[i] = ftfy.fix_text(line, _FTFY_ENCODING_ONLY)
    repaired = "\n".join(lines)
    return text if repaired == text else repaired


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
