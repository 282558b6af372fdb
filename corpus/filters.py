"""Quality filters: each rule is one small unit that keeps a document or names why not.

The thresholds are constructor parameters whose defaults come from
corpus.config.Filters; the rules are script-aware where English-tuned rules
would wrongly drop text written without spaces.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

import regex

from corpus.config import Filters
from corpus.schema import Document
from corpus.text import is_unspaced

_LETTER = regex.compile(r"[\p{L}\p{M}]")
_SPACE = regex.compile(r"\s")

# A rule answers None (keep) or a drop reason without the stage prefix.
Rule = Callable[[Document], "str | None"]


def min_chars(limit: int) -> Rule:
    return lambda doc: "too_short" if doc.n_chars < limit else None


def min_words(limit: int) -> Rule:
    return lambda doc: "too_few_words" if doc.n_words < limit else None


def min_letter_ratio(limit: float) -> Rule:
    def rule(doc: Document) -> str | None:
        visible = len(doc.text) - len(_SPACE.findall(doc.text))
        if not visible:
            return "no_letters"
        # Letters and combining marks: Indic vowel signs and Thai tone marks belong to their words.
        return "few_letters" if len(_LETTER.findall(doc.text)) / visible < limit else None

    return rule


def max_duplicate_line_ratio(limit: float) -> Rule:
    def rule(doc: Document) -> str | None:
        lines = doc.text.split("\n")
        repeated = sum(n - 1 for n in Counter(lines).values() if n > 1)
        return "repeated_lines" if lines and repeated / len(lines) > limit else None

    return rule


def max_mean_word_chars(limit: float) -> Rule:
    def rule(doc: Document) -> str | None:
        if is_unspaced(doc.text) or not doc.n_words:
            return None
        return "long_words" if doc.n_chars / doc.n_words > limit else None

    return rule


def rules_from_config(config: Filters) -> list[Rule]:
    return [
        min_chars(config.min_chars),
        min_words(config.min_words),
        min_letter_ratio(config.min_letter_ratio),
        max_duplicate_line_ratio(config.max_duplicate_line_ratio),
        max_mean_word_chars(config.max_mean_word_chars),
    ]


def first_failure(doc: Document, rules: Iterable[Rule]) -> str | None:
    """The reason of the first rule that rejects the document, or None to keep it."""
    for rule in rules:
        reason = rule(doc)
        if reason:
            return reason
    return None
