"""Quality filters: each rule is one small named unit that keeps a document or names why not.

A rule is a measure of the text (corpus/filters/measures.py), a limit from
corpus.config.FilterRules and a drop reason; the C4 line rules
(corpus/filters/lines.py) first remove boilerplate lines. The rules are
script-aware (characters count as words where scripts have no spaces) and
configurable per language. Every measured value is kept in Document.signals,
so a user can re-filter the release without re-running the job.
"""

from __future__ import annotations

from typing import NamedTuple

from corpus.config import FilterRules, Filters
from corpus.filters.lines import JAVASCRIPT_LINES, POLICY_LINES, UNTERMINATED_LINES, LineRule, remove_lines
from corpus.filters.measures import TextView
from corpus.schema import Document, with_text
from corpus.text import is_unspaced

EXCLUDED = "excluded_language"
EMPTY = "empty"  # every line was removed by the line rules


class Rule(NamedTuple):
    """Drop the document with `reason` when `measure` is below a minimum or above a maximum."""

    signal: str  # the key in Document.signals ("" for values the record has as columns)
    measure: str  # a TextView method, or "n_chars" / "n_words"
    limit: float
    reason: str
    minimum: bool  # True: drop below `limit`; False: drop above it
    n: int = 0  # n-gram length, for the n-gram measures

    def value(self, view: TextView, doc: Document) -> float | None:
        if self.measure in ("n_chars", "n_words"):
            return getattr(doc, self.measure)
        method = getattr(view, self.measure)
        return method(self.n) if self.n else method()

    def fails(self, value: float | None) -> bool:
        if value is None:  # the rule does not apply to this text
            return False
        return value < self.limit if self.minimum else value > self.limit


def document_rules(config: FilterRules) -> list[Rule]:
    """The document rules a configuration switches on, cheapest first."""
    table = [
        ("", "n_chars", config.min_chars, "too_short", True),
        ("", "n_words", config.min_words, "too_few_words", True),
        ("", "n_words", config.max_words, "too_many_words", False),
        ("lorem_ipsum", "lorem_ipsum", config.max_lorem_ipsum, "lorem_ipsum", False),
        ("curly_braces", "curly_braces", config.max_curly_braces, "curly_braces", False),
        ("mean_word_chars", "mean_word_chars", config.min_mean_word_chars, "short_words", True),
        ("mean_word_chars", "mean_word_chars", config.max_mean_word_chars, "long_words", False),
        ("symbol_word_ratio", "symbol_word_ratio", config.max_symbol_word_ratio, "symbols", False),
        ("bullet_line_ratio", "bullet_line_ratio", config.max_bullet_line_ratio, "bullet_lines", False),
        ("ellipsis_line_ratio", "ellipsis_line_ratio", config.max_ellipsis_line_ratio, "ellipsis_lines", False),
        ("alpha_word_ratio", "alpha_word_ratio", config.min_alpha_word_ratio, "few_alpha_words", True),
        ("letter_ratio", "letter_ratio", config.min_letter_ratio, "few_letters", True),
        ("stop_words", "stop_words", config.min_stop_words, "no_stop_words", True),
        ("dup_line_ratio", "dup_line_ratio", config.max_dup_line_ratio, "repeated_lines", False),
        ("dup_line_char_ratio", "dup_line_char_ratio", config.max_dup_line_char_ratio, "repeated_line_chars", False),
    ]
    rules = [Rule(*row) for row in table if row[2] is not None]
    for n, limit in sorted((config.max_top_ngram_char_ratio or {}).items()):
        rules.append(Rule(f"top_{n}gram", "top_ngram_char_ratio", limit, f"top_{n}gram", False, n))
    for n, limit in sorted((config.max_dup_ngram_char_ratio or {}).items()):
        rules.append(Rule(f"dup_{n}gram", "dup_ngram_char_ratio", limit, f"dup_{n}gram", False, n))
    return rules


def line_rules(config: FilterRules) -> list[LineRule]:
    switches = [
        (config.remove_javascript_lines, JAVASCRIPT_LINES),
        (config.remove_policy_lines, POLICY_LINES),
        (config.remove_unterminated_lines, UNTERMINATED_LINES),
    ]
    return [rule for on, rule in switches if on]


def _script(lang: str) -> str:
    return lang.rpartition("_")[2]


class QualityRules:
    """The configured rules for every language; `judge` applies them to one document."""

    def __init__(self, config: Filters):
        self.config = config
        self.excluded = frozenset(config.exclude)
        self._languages: dict[str, tuple[FilterRules, list[LineRule], list[Rule]]] = {}

    def for_language(self, lang: str) -> tuple[FilterRules, list[LineRule], list[Rule]]:
        """A language's thresholds, line rules and document rules (built once per language)."""
        if lang not in self._languages:
            rules = self.config.for_language(lang)
            self._languages[lang] = rules, line_rules(rules), document_rules(rules)
        return self._languages[lang]

    def judge(self, doc: Document) -> tuple[Document, str | None]:
        """The document cleaned of boilerplate lines, with its signals, and the drop reason (None: keep).

        A kept document carries every signal its rules measured; a dropped one stops at the first failure.
        """
        if doc.lang in self.excluded:
            return doc, EXCLUDED
        config, lines, rules = self.for_language(doc.lang)
        signals: dict[str, float] = {}
        if lines:
            kept, removed = remove_lines(doc.text.split("\n"), _script(doc.lang), lines)
            signals.update((name, round(share, 4)) for name, share in removed.items())
            if any(removed.values()):
                text = "\n".join(kept)
                doc = with_text(doc, text)
            if not doc.text:
                return doc._replace(signals=signals), EMPTY
        unspaced = is_unspaced(doc.text)
        scale = config.unspaced_ngram_scale if unspaced else config.ngram_scale
        view = TextView(doc.text, doc.lang, scale, doc.n_words, unspaced)
        for rule in rules:
            value = rule.value(view, doc)
            if rule.fails(value):
                return doc._replace(signals=signals), rule.reason
            if rule.signal and value is not None:
                signals[rule.signal] = round(float(value), 4)
        return doc._replace(signals=signals), None
