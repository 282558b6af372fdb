"""The embedded lexical encoder: sentences -> vectors in one space for two languages,
with no pretrained weights.

Words of the first language of a pair are features as they are; words of the
second language are mapped into the first language's words through a bilingual
lexicon bootstrapped from the data itself (in the manner of hunalign without a
dictionary):

1. identical tokens need no lexicon: numbers, names, URLs written the same way;
2. the titles of interlanguage-linked articles are the seed pairs;
3. the first alignment pass's confident sentence pairs are counted, and the
   lexicon is re-estimated from them with the Dice coefficient.

Features are hashed into a fixed number of dimensions, weighted by inverse
document frequency within the encoded batch, and vectors are L2-normalised, so
a dot product is a cosine. Sentence length (Gale-Church) is scored beside the
vectors by the aligner, not inside them.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from typing import Iterable, Mapping, Sequence

import numpy as np
from anyascii import anyascii

from corpus.lang import is_unspaced_label

Lexicon = Mapping[str, Sequence[tuple[str, float]]]  # second-language token -> [(first-language token, weight)]

_WORD = re.compile(r"\w+", re.UNICODE)
STEM_CHARS = 6  # a truncation stemmer: inflected forms ("Вельмора", "Вельморе") share a feature
NUMBER_WEIGHT = 2.0  # numbers are the strongest anchors across any two scripts
ROMAN_CHARS = 4  # names match across scripts by the first letters of their transliteration
ROMAN_WEIGHT = 0.5
_NOT_LETTER = re.compile(r"[^a-z]")


def roman_key(token: str) -> str:
    """The first letters of a word's Latin transliteration ("Вельмора", "वेलमोरा" -> "velm"); "" if too short."""
    key = _NOT_LETTER.sub("", anyascii(token).lower())
    return key[:ROMAN_CHARS] if len(key) >= ROMAN_CHARS else ""


def _digits(token: str) -> str | None:
    """The token's value as ASCII digits if it is a number in any script ("१६४२" -> "1642")."""
    if not token.isdigit():
        return None
    return "".join(str(unicodedata.digit(c, 0)) for c in token)


def tokens(text: str, lang: str) -> list[str]:
    """Lower-cased word stems; character bigrams for scripts written without spaces; numbers as ASCII digits."""
    unspaced = is_unspaced_label(lang)
    out: list[str] = []
    for word in _WORD.findall(text.casefold()):
        number = _digits(word)
        if number is not None:
            out.append(number)
        elif unspaced:
            # Split letter runs from digit runs ("1642年"), then bigrams of the letters.
            for run in re.findall(r"\d+|\D+", word):
                if run.isdigit():
                    out.append(_digits(run) or run)
                elif len(run) == 1:
                    out.append(run)
                else:
                    out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(word[:STEM_CHARS])
    return out


def _bucket(feature: str, dim: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) % dim


class LexicalEncoder:
    """Sentences of `lang` -> L2-normalised hashed bag-of-words vectors in the pair's shared space.

    `lexicon` maps tokens of this language to tokens of the pair's first language;
    leave it empty to encode the first language itself.
    """

    name = "lexical"
    shared_space = False  # a second language's vectors depend on the pair's lexicon

    def __init__(self, dim: int, lexicon: Lexicon | None = None, transliterate: bool = True):
        self.dim = dim
        self.transliterate = transliterate
        self.lexicon = lexicon or {}

    def features(self, sentence: str, lang: str) -> Counter:
        feats: Counter = Counter()
        for tok in tokens(sentence, lang):
            if tok.isdigit():
                feats[tok] += NUMBER_WEIGHT
                continue
            feats[tok] += 1.0  # identical tokens (names, URLs, shared words) match with no lexicon
            if self.transliterate and (key := roman_key(tok)):
                feats["r:" + key] += ROMAN_WEIGHT
            for translation, weight in self.lexicon.get(tok, ()):
                feats[translation] += weight
        return feats

    def encode_raw(self, sentences: Sequence[str], lang: str) -> np.ndarray:
        """Unnormalised vectors (rows), IDF-weighted within the batch; sums of rows encode concatenations."""
        bags = [self.features(s, lang) for s in sentences]
        df: Counter = Counter(f for bag in bags for f in bag)
        n = len(bags)
        out = np.zeros((n, self.dim), dtype=np.float32)
        for row, bag in zip(out, bags):
            for feat, count in bag.items():
                row[_bucket(feat, self.dim)] += count * math.log(1.0 + n / df[feat])
        return out

    def encode(self, sentences: Sequence[str], lang: str) -> np.ndarray:
        return normalise_rows(self.encode_raw(sentences, lang))


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


# ---------------------------------------------------------------- lexicon estimation
def cooccurrences(pairs: Iterable[tuple[str, str]], lang1: str, lang2: str) -> Iterable[tuple[str, str, str]]:
    """("pair", token1, token2) for each co-occurrence in aligned sentence pairs, ("1", token1, "") and
    ("2", "", token2) for each side's token; each token counted once per sentence pair (Dice counts)."""
    for text1, text2 in pairs:
        t1 = {t for t in tokens(text1, lang1) if not t.isdigit()}
        t2 = {t for t in tokens(text2, lang2) if not t.isdigit()}
        for a in t1:
            yield "1", a, ""
        for b in t2:
            yield "2", "", b
        for a in t1:
            for b in t2:
                yield "pair", a, b


def dice(joint: int, count1: int, count2: int) -> float:
    return 2.0 * joint / (count1 + count2)


def lexicon_from_entries(entries: Iterable[tuple[str, str, float]], per_token: int) -> dict[str, list[tuple[str, float]]]:
    """{token2: [(token1, weight), ...]} keeping each second-language token's best `per_token` translations."""
    by_token: dict[str, list[tuple[str, float]]] = {}
    for token1, token2, weight in entries:
        by_token.setdefault(token2, []).append((token1, weight))
    return {t: sorted(v, key=lambda e: (-e[1], e[0]))[:per_token] for t, v in sorted(by_token.items())}


def estimate_lexicon(
    pairs: Sequence[tuple[str, str]], lang1: str, lang2: str, min_dice: float, min_count: int, per_token: int
) -> dict[str, list[tuple[str, float]]]:
    """The Dice lexicon of a set of aligned sentence pairs, in one process (tests and benchmarks;
    the pipeline computes the same counts with shuffles)."""
    joint: Counter = Counter()
    side1: Counter = Counter()
    side2: Counter = Counter()
    for kind, a, b in cooccurrences(pairs, lang1, lang2):
        if kind == "pair":
            joint[a, b] += 1
        elif kind == "1":
            side1[a] += 1
        else:
            side2[b] += 1
    entries = [
        (a, b, d)
        for (a, b), c in joint.items()
        if c >= min_count and a != b and (d := dice(c, side1[a], side2[b])) >= min_dice
    ]
    return lexicon_from_entries(entries, per_token)
