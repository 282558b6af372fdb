"""What the quality rules measure: one lazily computed view of a document's text.

Each measure returns a number (the signal stored in Document.signals) or None
when it does not apply (e.g. word length in a script written without spaces).
The words, lines and tokens are computed once per document and shared by all
measures; scripts written without spaces count characters as words.
"""

from __future__ import annotations

import functools
from functools import cached_property
from importlib import resources

import numpy as np
import regex

from corpus.filters.encoding import damaged_char_ratio
from corpus.text import count_words, is_unspaced

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+")  # a word without its punctuation, for n-grams and stop words
_NOT_TOKEN = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
_NOT_LETTER = regex.compile(r"[^\p{L}\p{M}]+")
_WORD_WITHOUT_LETTER = regex.compile(r"(?<!\S)[^\s\p{L}]+(?!\S)")  # a whitespace word with no letter
_BULLET_LINE = regex.compile(r"^[-*•‣◦⁃●○▪▫■□►▶➢➤✓✔·–—]", regex.MULTILINE)
_ELLIPSIS_LINE = regex.compile(r"(\.\.\.|…)$", regex.MULTILINE)
# Odd 64-bit multipliers of the rolling n-gram hash (wrapping arithmetic).
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)
_LOREM = regex.compile(r"lorem ipsum", regex.IGNORECASE)


def lorem_ipsum(text: str) -> int:
    """Occurrences of "lorem ipsum" (C4's placeholder rule)."""
    return len(_LOREM.findall(text))


@functools.lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset[str]:
    """The most frequent function words of `lang` (corpus/filters/stopwords/<lang>.txt), empty if none."""
    path = resources.files("corpus.filters") / "stopwords" / f"{lang}.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=None)
def _stop_word_pattern(lang: str) -> regex.Pattern:
    # Scripts without spaces: stop words (particles) are found as substrings.
    return regex.compile("|".join(sorted(map(regex.escape, stop_words(lang)), key=len, reverse=True)))


class TextView:
    """The parts of one text that the rules look at, each computed at most once."""

    def __init__(self, text: str, lang: str, ngram_scale: int, n_words: int | None = None, unspaced: bool | None = None):
        """`ngram_scale`: tokens per Gopher word in the repetition n-grams; `n_words`, `unspaced`:
        the record's word count and script class, when the caller has them."""
        self.text = text
        self.lang = lang
        self.ngram_scale = ngram_scale
        self.unspaced = is_unspaced(text) if unspaced is None else unspaced
        self.known_words = n_words
        self._hashes: list[np.ndarray] = []  # rolling hashes of the 1-grams, 2-grams, ... so far
        self._repeated: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def words(self) -> list[str]:
        return self.text.split()

    @cached_property
    def n_words(self) -> int:
        return count_words(self.text) if self.known_words is None else self.known_words

    @cached_property
    def tokens(self) -> list[str]:
        """Lower-cased words without their punctuation (spaced scripts)."""
        return _TOKEN.findall(self.text.lower())

    @cached_property
    def _token_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Each token as an integer id, and the prefix sums of token lengths (characters).

        In scripts without spaces a token is one letter or digit, and its code point is its id.
        """
        if self.unspaced:
            letters = _NOT_TOKEN.sub("", self.text.lower())
            ids = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            return ids, np.arange(len(ids) + 1, dtype=np.int64)
        vocabulary: dict[str, int] = {}
        ids = np.array([vocabulary.setdefault(t, len(vocabulary)) for t in self.tokens], dtype=np.uint64)
        lengths = np.fromiter(map(len, self.tokens), dtype=np.int64, count=len(self.tokens))
        return ids, np.concatenate(([0], np.cumsum(lengths)))

    def _ngram_hashes(self, n: int) -> np.ndarray:
        """A 64-bit rolling hash of the n-gram starting at each position (built up from shorter n)."""
        ids, _ = self._token_arrays
        if not self._hashes:
            self._hashes.append(ids * _MIX + 1)  # n = 1
        with np.errstate(over="ignore"):  # wrapping multiplication is the hash
            while len(self._hashes) < n:
                m = len(self._hashes)  # extend the m-gram hashes to (m+1)-grams
                self._hashes.append(self._hashes[-1][:-1] * _MIX + ids[m:] * _MIX2 + 1)
        return self._hashes[n - 1]

    # ---------------------------------------------------------------- Gopher quality
    def mean_word_chars(self) -> float | None:
        if self.unspaced or not self.words:
            return None
        return (len(self.text) - self.text.count(" ") - self.text.count("\n")) / len(self.words)

    def symbol_word_ratio(self) -> float | None:
        symbols = self.text.count("#") + self.text.count("...") + self.text.count("…")
        return symbols / self.n_words if self.n_words else None

    def bullet_line_ratio(self) -> float:
        return len(_BULLET_LINE.findall(self.text)) / len(self.lines)

    def ellipsis_line_ratio(self) -> float:
        return len(_ELLIPSIS_LINE.findall(self.text)) / len(self.lines)

    def alpha_word_ratio(self) -> float | None:
        if self.unspaced or not self.words:
            return None
        return 1 - len(_WORD_WITHOUT_LETTER.findall(self.text)) / len(self.words)

    def letter_ratio(self) -> float | None:
        """Letters (with their combining marks) / visible characters."""
        visible = len(self.text) - self.text.count(" ") - self.text.count("\n")
        return len(_NOT_LETTER.sub("", self.text)) / visible if visible else None

    def stop_words(self) -> float | None:
        words = stop_words(self.lang)
        if not words:
            return None  # no list for this language: the rule does not apply
        if self.unspaced:
            return len(_stop_word_pattern(self.lang).findall(self.text))
        return sum(1 for t in self.tokens if t in words)

    # ---------------------------------------------------------------- repetition
    @cached_property
    def _repeated_lines(self) -> tuple[int, int]:
        """Occurrences of lines seen before in the text, and their characters."""
        seen: set[str] = set()
        count = chars = 0
        for line in self.lines:
            if line in seen:
                count += 1
                chars += len(line)
            else:
                seen.add(line)
        return count, chars

    def dup_line_ratio(self) -> float:
        return self._repeated_lines[0] / len(self.lines)

    def dup_line_char_ratio(self) -> float | None:
        return self._repeated_lines[1] / len(self.text) if self.text else None

    def _ngram_length(self, n: int) -> int | None:
        """n scaled for scripts without spaces; None when the text has fewer tokens."""
        n *= self.ngram_scale
        ids, chars = self._token_arrays
        return n if len(ids) >= n and chars[-1] else None

    def top_ngram_char_ratio(self, n: int) -> float | None:
        """Characters of the most frequent n-gram (all its occurrences) / characters of all tokens."""
        n = self._ngram_length(n)
        if n is None:
            return None
        _, chars = self._token_arrays
        hashes, first, counts = np.unique(self._ngram_hashes(n), return_index=True, return_counts=True)
        top = int(np.argmax(counts))
        if counts[top] < 2:
            return 0.0
        start = int(first[top])
        return int(counts[top]) * int(chars[start + n] - chars[start]) / int(chars[-1])

    def _repeated_ngrams(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """For the n-grams: a mask of the positions whose n-gram occurs more than once, and the
        positions of occurrences that repeat an earlier one."""
        if n in self._repeated:
            return self._repeated[n]
        hashes = self._ngram_hashes(n)
        shorter = max((m for m in self._repeated if m < n), default=None)
        if shorter is None:
            candidates = np.arange(len(hashes))
        else:  # a repeated n-gram is made of repeated shorter ones at each of its offsets
            mask, k = self._repeated[shorter][0], n - shorter
            keep = mask[: len(mask) - k].copy()
            for j in range(1, k + 1):
                keep &= mask[j : len(mask) - k + j]
            candidates = np.flatnonzero(keep)
        _, first, inverse, counts = np.unique(hashes[candidates], return_index=True, return_inverse=True, return_counts=True)
        mask = np.zeros(len(hashes), dtype=bool)
        mask[candidates[counts[inverse] > 1]] = True
        repeats = candidates[first[inverse] != np.arange(len(candidates))]
        self._repeated[n] = mask, repeats
        return mask, repeats

    def dup_ngram_char_ratio(self, n: int) -> float | None:
        """Characters of n-gram occurrences that repeat an earlier one (left to right, not
        overlapping each other) / characters of all tokens; Gopher's duplicate n-gram fraction."""
        n = self._ngram_length(n)
        if n is None:
            return None
        _, chars = self._token_arrays
        repeated = free = 0
        for i in self._repeated_ngrams(n)[1].tolist():
            if i >= free:
                repeated += int(chars[i + n] - chars[i])
                free = i + n
        return repeated / int(chars[-1])

    # ---------------------------------------------------------------- encoding damage
    def damaged_char_ratio(self) -> float | None:
        return damaged_char_ratio(self.text)

    # ---------------------------------------------------------------- C4 document rules
    def lorem_ipsum(self) -> int:
        return lorem_ipsum(self.text)

    def curly_braces(self) -> int:
        return self.text.count("{") + self.text.count("}")
