"""Quality filters: each rule is one small named unit that keeps a document or names why not.

A rule is a measure of the text (corpus/filters/measures.py), a limit from
corpus.config.FilterRules and a drop reason; the C4 line rules
(corpus/filters/lines.py) first remove boilerplate lines, the blocklist
(corpus/filters/blocklist.py) drops listed domains and word-laden spam, the spam rules
(corpus/filters/spam.py) pages that sell under a title, a template or a made-up host, the
boilerplate classifier (corpus/filters/boilerplate.py) removes the menus, link lists and
footers of web pages before the document rules judge what is left, and
corpus/filters/encoding.py measures characters lost to a wrong charset. The rules are
script-aware (characters count as words where scripts have no spaces) and
configurable per language. Every measured value is kept in Document.signals,
so a user can re-filter the release without re-running the job. A kept document
then has its e-mail addresses, phone numbers and IP addresses masked (corpus/filters/pii.py).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterator, NamedTuple

from corpus.config import FilterRules, Filters
from corpus.filters import blocklist as block
from corpus.filters import content
from corpus.filters.boilerplate import BOILERPLATE_LINES, keep_lines
from corpus.filters.lines import JAVASCRIPT_LINES, POLICY_LINES, UNTERMINATED_LINES, LineRule, split_lines
from corpus.filters.measures import TextView, lorem_ipsum
from corpus.filters.pii import mask_pii
from corpus.filters.prose import ProseRules
from corpus.filters.spam import SpamRules
from corpus.lang import script
from corpus.schema import COMMONCRAWL, Document, Drop, Sample, Stat, with_text
from corpus.statistics import STAGE_FILTER, STAT_FILTER_REMOVED_CHARS, STAT_FILTER_REMOVED_LINES, STAT_PII_MASKED, drop_reason, stat_key
from corpus.text import is_unspaced

EXCLUDED = "excluded_language"
EMPTY = "empty"  # every line was removed by the line rules
LOW_QUALITY = "low_quality"  # under the content model's minimum (corpus/filters/content.py)
LOREM_IPSUM = "lorem_ipsum"  # the C4 rule's reason, also on the page as written (FilterRules.lorem_ipsum_as_written)


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
        ("damaged_char_ratio", "damaged_char_ratio", config.max_damaged_char_ratio, "encoding_damage", False),
        ("lorem_ipsum", "lorem_ipsum", config.max_lorem_ipsum, LOREM_IPSUM, False),
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


SAMPLE_LINES = 3  # removed lines per rule and document offered to the report's examples


def _count_removed(removed: dict[str, list[str]], lang: str, counts: Counter[str], samples: list[Sample] | None) -> None:
    """Every line a line rule removed, and its characters, as statistics per rule and language (and a few
    of the lines as Samples for the report, named "filter_lines/<rule>")."""
    for rule, removed_lines in removed.items():
        counts[stat_key(STAT_FILTER_REMOVED_LINES, rule, lang)] += len(removed_lines)
        counts[stat_key(STAT_FILTER_REMOVED_CHARS, rule, lang)] += sum(map(len, removed_lines))
        if samples is not None:
            samples += (Sample.of(f"filter_lines/{rule}", lang, line) for line in removed_lines[:SAMPLE_LINES])


def _read_local(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def load_blocklist(config: Filters, read: Callable[[str], str] = _read_local) -> block.Blocklist:
    """The built-in lists (unless switched off) and the configured files, read with `read(path)`."""
    domains = block.parse_lines(block.builtin(block.BUILTIN_DOMAINS)) if config.blocklist_builtin else []
    words = block.parse_lines(block.builtin(block.BUILTIN_WORDS)) if config.blocklist_builtin else []
    for path in config.blocklist_domain_files:
        domains += block.parse_lines(read(path))
    for path in config.blocklist_word_files:
        words += block.parse_lines(read(path))
    urls = [url for path in config.blocklist_url_files for url in block.parse_lines(read(path))]
    host_words = block.parse_lines(block.builtin(block.BUILTIN_HOST_WORDS)) if config.blocklist_builtin else []
    return block.Blocklist(domains, words, urls, host_words)


def _view(doc: Document, config: FilterRules) -> TextView:
    unspaced = is_unspaced(doc.text)
    return TextView(doc.text, doc.lang, config.unspaced_ngram_scale if unspaced else config.ngram_scale, doc.n_words, unspaced)


class QualityRules:
    """The configured rules for every language; `judge` applies them to one document.

    `read(path)` gives the text of a blocklist file (local files by default; the
    pipeline passes a reader for any Beam filesystem).
    """

    def __init__(self, config: Filters, read: Callable[[str], str] = _read_local):
        self.config = config
        self.excluded = frozenset(config.exclude)
        self.blocklist = load_blocklist(config, read)
        self._content: content.ContentModel | None = None
        self._languages: dict[str, tuple[FilterRules, list[LineRule], list[Rule], block.BlocklistRule | None, SpamRules]] = {}

    def for_language(self, lang: str) -> tuple[FilterRules, list[LineRule], list[Rule], block.BlocklistRule | None, SpamRules]:
        """A language's thresholds, line rules, document rules, blocklist rule and spam rules (built once per language)."""
        if lang not in self._languages:
            rules = self.config.for_language(lang)
            listed = block.BlocklistRule(
                self.blocklist, rules.blocklist_min_matches, rules.blocklist_min_char_ratio, rules.blocklist_min_terms
            ) if rules.blocklist else None
            spam = SpamRules(
                self.blocklist if rules.blocklist else None, rules.min_title_terms, rules.max_title_repetition,
                rules.max_doorway_host, rules.max_placeholder_phrases, rules.max_link_line_ratio,
            )
            self._languages[lang] = rules, line_rules(rules), document_rules(rules), listed, spam
        return self._languages[lang]

    def __call__(self, doc: Document) -> Iterator[Document | Drop | Stat | Sample]:
        """The filter step: the document kept (cleaned, with its signals) or a Drop, what its rules counted,
        and Samples of what they removed for the report."""
        counts: Counter[str] = Counter()
        samples: list[Sample] = []
        doc, reason = self.judge(doc, counts, samples)
        yield from (Stat(key, amount) for key, amount in sorted(counts.items()))
        yield from samples
        if reason:
            yield Sample.of(drop_reason(STAGE_FILTER, reason), doc.lang, doc.text)
            yield Drop(drop_reason(STAGE_FILTER, reason), doc.lang, doc.source, doc.id)
        else:
            yield doc

    def judge(self, doc: Document, counts: Counter[str] | None = None, samples: list[Sample] | None = None) -> tuple[Document, str | None]:
        """The document cleaned of boilerplate lines, with its signals, and the drop reason (None: keep).

        A kept document carries every signal its rules measured; a dropped one stops at the first failure.
        `counts` receives the statistics of what the rules removed or changed ("kind|key" -> amount),
        `samples` a few of the lines they removed.
        """
        counts = Counter() if counts is None else counts
        if doc.lang in self.excluded:
            return doc, EXCLUDED
        config, lines, rules, listed, spam = self.for_language(doc.lang)
        url_reason = listed.judge_url(doc.url) if listed is not None else None
        if url_reason:  # the cheapest test, and decisive
            return doc, url_reason
        signals, reason = spam.judge_url(doc.url)
        if reason:
            return doc._replace(signals=signals), reason
        if lines:
            doc = self._remove_lines(doc, lines, signals, counts, samples)
            if not doc.text:
                return doc._replace(signals=signals), EMPTY
        view = _view(doc, config)
        reason = self._judge_as_written(doc, view, config, listed, spam, signals)
        if reason:
            return doc._replace(signals=signals), reason
        if config.boilerplate_lines and doc.source == COMMONCRAWL:  # Wikipedia's lists are content
            cleaned = self._remove_boilerplate(doc, config, signals, counts, samples)
            if not cleaned.text:
                return cleaned._replace(signals=signals), EMPTY
            if cleaned.text != doc.text:
                doc, view = cleaned, _view(cleaned, config)
        unspaced = view.unspaced
        for rule in rules:
            value = rule.value(view, doc)
            if rule.fails(value):
                return doc._replace(signals=signals), rule.reason
            if rule.signal and value is not None:
                signals[rule.signal] = round(float(value), 4)
        found, reason = self._prose(config).judge(doc.text, doc.n_words, unspaced, script(doc.lang), doc.source == COMMONCRAWL)
        signals.update(found)
        if reason:
            return doc._replace(signals=signals), reason
        doc, reason = self.score_content(doc._replace(signals=signals), config)
        if reason is None and self.config.pii:  # kept documents only, after every rule measured the text as it was
            masked, found_pii = mask_pii(doc.text)
            if found_pii:
                doc = with_text(doc, masked)
                counts.update({stat_key(STAT_PII_MASKED, kind, doc.lang): n for kind, n in found_pii.items()})
        return doc, reason

    @staticmethod
    def _prose(config: FilterRules) -> ProseRules:
        return ProseRules(config.min_prose_char_ratio, config.max_teaser_char_ratio, config.max_mixed_script_words, config.min_web_words)

    @staticmethod
    def _remove_lines(doc: Document, lines: list[LineRule], signals: dict[str, float], counts: Counter[str],
                      samples: list[Sample] | None) -> Document:
        """The document without the lines the C4 line rules remove (their shares into `signals`)."""
        active = [rule for rule in lines if rule.anywhere is None or rule.anywhere(doc.text)]
        page = doc.text.split("\n")
        kept, removed = split_lines(page, script(doc.lang), active) if active else (page, {})
        signals.update((rule.name, round(len(removed.get(rule.name, ())) / len(page), 4)) for rule in lines)
        if removed:
            _count_removed(removed, doc.lang, counts, samples)
            doc = with_text(doc, "\n".join(kept))
        return doc

    @staticmethod
    def _judge_as_written(doc: Document, view: TextView, config: FilterRules, listed: block.BlocklistRule | None,
                          spam: SpamRules, signals: dict[str, float]) -> str | None:
        """The page-level rules on the page as written (signals into `signals`), before its boilerplate lines go:
        spam words in its link lists, its title and first lines, its menus and template footers count against it."""
        unspaced = view.unspaced
        if listed is not None:  # before the document rules: a spam page is named for what it is
            found, reason = listed.judge_text(doc.text, None if unspaced else view.tokens)
            signals.update(found)
            if reason:
                return reason
        for found, reason in (spam.judge_head(doc.title, doc.text, doc.url), spam.judge_form(doc.text, unspaced)):
            signals.update(found)
            if reason:
                return reason
        if config.lorem_ipsum_as_written and config.max_lorem_ipsum is not None and doc.source == COMMONCRAWL:
            lorem = lorem_ipsum(doc.text)
            if lorem > config.max_lorem_ipsum:  # a template's filler, kept or not by the line classifier
                signals["lorem_ipsum"] = float(lorem)
                return LOREM_IPSUM
        return None

    @staticmethod
    def _remove_boilerplate(doc: Document, config: FilterRules, signals: dict[str, float], counts: Counter[str],
                            samples: list[Sample] | None) -> Document:
        """The web page without its boilerplate lines (their share into `signals`, each line counted)."""
        page = doc.text.split("\n")
        keep = keep_lines(page, doc.lang, config)
        removed_lines = [line for line, kept_line in zip(page, keep) if not kept_line]
        signals[BOILERPLATE_LINES] = round(len(removed_lines) / len(page), 4)
        if removed_lines:
            _count_removed({BOILERPLATE_LINES: removed_lines}, doc.lang, counts, samples)
            doc = with_text(doc, "\n".join(line for line, kept_line in zip(page, keep) if kept_line))
        return doc

    def score_content(self, doc: Document, config: FilterRules) -> tuple[Document, str | None]:
        """The document with the content model's measure and, in a language with a reference, its score and
        bucket, and LOW_QUALITY under the minimum."""
        if not self.config.content_model:
            return doc, None
        if self._content is None:  # loaded on first use: heliport's models take a few seconds and ~0.9 GB
            self._content = content.ContentModel(self.config.content_bias, self.config.content_weight)
        cost = self._content.cost(doc.text)
        doc = doc._replace(signals={**doc.signals, "lm_cost": cost})
        if config.lm_reference is None:  # no reference for the language: measured, not judged
            return doc, None
        quality = self._content.quality(cost, config.lm_reference)
        doc = doc._replace(quality=quality, quality_bucket=content.bucket(quality, config.quality_head, config.quality_tail))
        low = config.min_quality is not None and quality < config.min_quality and doc.source in self.config.low_quality_sources
        return doc, LOW_QUALITY if low else None
