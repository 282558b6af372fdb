"""Sentence splitting per script: the sentence-final punctuation of each writing system,
plus abbreviations of the larger languages so that "Dr. Smith" or "z. B." stay whole.

Paragraphs (lines of a Document's text) never share a sentence. Scripts written
without sentence punctuation (Thai) are split at spaces, which Thai puts between
sentences and clauses; the aligner's 1-2 and 2-1 beads join clauses back up.
Measured against pysbd in benchmarks/bitext.py (rules are faster, cover every
script here, and split the demo articles as written).
"""

from __future__ import annotations

import re

from corpus.lang import language_code, script

# Sentence-final marks that need a following space (or the end) to end a sentence.
_SPACED_TERMINALS = ".!?…;\u037e\u0964\u0965\u061f\u06d4\u0589\u1362\u1367\u1368\u104a\u104b\u17d4\u17d5"
# Marks that end a sentence even when the next one follows without a space (CJK full-width).
_TIGHT_TERMINALS = "。！？．｡"
_CLOSERS = "\"'”’»)]}）」』】〕》"

# Greek uses ";" as its question mark; elsewhere ";" does not end a sentence.
_SEMICOLON_ENDS = {"ell"}

# Words that end in a period without ending the sentence, lower-cased, per ISO 639-3 code.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "eng": frozenset("mr mrs ms dr prof st jr sr vs etc e.g i.e no fig approx mt ft inc ltd co jan feb mar apr jun jul aug sep sept oct nov dec".split()),
    "fra": frozenset("m mme mlle mm dr pr st ste etc cf p ex av bd env no vol".split()),
    "deu": frozenset("z.b u.a usw bzw ca dr prof nr str vgl d.h s hr fr evtl ggf inkl bzw jh".split()),
    "spa": frozenset("sr sra srta dr dra ud uds etc p.ej av pág núm aprox".split()),
    "rus": frozenset("г гг т.е т.д т.п др пр ул им ок см стр тыс млн млрд".split()),
    "ukr": frozenset("р рр т.д т.п ін ім вул див стор тис млн млрд".split()),
    "ell": frozenset("κ.λπ π.χ δηλ κ οδ".split()),
}

_TOKEN_BEFORE = re.compile(r"(\S+)$")


def _is_abbreviation(before: str, iso: str) -> bool:
    """Does the word just before a period make it an abbreviation rather than a sentence end?"""
    m = _TOKEN_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1).lstrip("(\"'«“").lower()
    if len(word) == 1 and word.isalpha():  # an initial: "J. R. Tolkien"
        return True
    return word in ABBREVIATIONS.get(iso, ()) or word.rstrip(".") in ABBREVIATIONS.get(iso, ())


def _split_paragraph(text: str, iso: str, thai_like: bool) -> list[str]:
    if thai_like:
        pieces: list[str] = []
        for piece in text.split():
            if pieces and piece[0] in "ๆฯ":  # repetition and abbreviation marks belong to the word before
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        return pieces
    out: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        end = None
        if c in _TIGHT_TERMINALS:
            end = i + 1
        elif c in _SPACED_TERMINALS and (c != ";" or iso in _SEMICOLON_ENDS):
            j = i + 1
            while j < n and text[j] in _SPACED_TERMINALS:  # "?!", "..."
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if j == n or text[j].isspace():
                rest = text[j:].lstrip()
                # A period before a lower-case word, or after an abbreviation, does not end the sentence.
                if c == "." and (rest[:1].islower() or _is_abbreviation(text[start:i], iso)):
                    end = None
                else:
                    end = j
            i = j - 1
        if end is not None:
            while end < n and text[end] in _CLOSERS:
                end += 1
            sentence = text[start:end].strip()
            if sentence:
                out.append(sentence)
            start = end
            i = end
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def splits_clauses(lang: str) -> bool:
    """Is `lang` split at spaces (Thai, Lao), into clauses rather than sentences?"""
    return script(lang) in ("Thai", "Laoo")


def split_paragraph_sentences(text: str, lang: str) -> list[tuple[int, str]]:
    """(paragraph number, sentence) for each sentence of a text in `lang`, in order."""
    iso, thai_like = language_code(lang), splits_clauses(lang)
    return [(i, s) for i, para in enumerate(text.split("\n")) for s in _split_paragraph(para.strip(), iso, thai_like)]


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of a text in `lang` (ISO 639-3 + script, e.g. "fra_Latn"), in order."""
    return [s for _, s in split_paragraph_sentences(text, lang)]
