"""The records of the pipeline, each defined once.

Each record is a typing.NamedTuple (the element type inside Beam, encoded with
RowCoder) and its pyarrow schema (the type on disk) is derived from the same
annotations, so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
from typing import Mapping, NamedTuple, get_type_hints

import pyarrow as pa

from corpus.text import count_words

# The content model's buckets of Document.quality_bucket (CCNet's names), best first.
HEAD, MIDDLE, TAIL = "head", "middle", "tail"
BUCKETS = (HEAD, MIDDLE, TAIL)

COMMONCRAWL = "commoncrawl"
WIKIPEDIA = "wikipedia"
SOURCES = (COMMONCRAWL, WIKIPEDIA)


class Document(NamedTuple):
    """One text of the corpus, with its provenance and the signals that decided its fate."""

    id: str  # where the record was read: make_id(source, input_file, locator), unique per record read
    text_hash: str  # content hash of `text` (make_id(text)): equal texts, whatever their provenance
    source: str  # commoncrawl | wikipedia
    url: str  # page URL; for Wikipedia the article URL
    title: str  # HTML <title> or Wikipedia article title
    text: str  # paragraphs separated by "\n"
    lang: str  # ISO 639-3 + script, e.g. "fra_Latn"; "" before language ID
    lang_score: float  # probability of `lang` from the language identifier
    lang2: str  # second-best label ("" if none)
    lang2_score: float
    source_lang: str  # language the source declares: CommonCrawl's WARC-Identified-Content-Language, the wiki's language
    date: str  # WARC-Date or revision timestamp, ISO 8601
    snapshot: str  # CommonCrawl crawl (CC-MAIN-2024-22) or dump name (enwiki-20240501)
    page_id: int  # Wikipedia page id (joins with langlinks); 0 for web pages
    record_id: str  # WARC-Record-ID; "" for Wikipedia
    input_file: str  # the file this record was read from
    n_chars: int  # characters of text
    n_words: int  # whitespace words, or characters for scripts written without spaces
    signals: Mapping[str, float]  # quality signals (rule -> measured value), so users can re-filter
    quality: float  # the content model's score in [0, 1] (corpus/filters/content.py); -1 where not scored
    quality_bucket: str  # head | middle | tail by the language's thresholds ("" where not scored)
    lid_model: str  # the language identifier that decided `lang`
    lid_other: str  # another identifier's label where it disagreed ("" otherwise)
    dup_count: int  # documents this one stands for after dedup (itself included)
    repetition: int  # index of this copy when rebalancing up-samples (0 = first copy)


class BitextPair(NamedTuple):
    """A pair of sentences that translate each other, for Translation Language Modelling.

    The source side is the pair's first language in sorted order, so every pair of
    bitext/<src_lang>-<tgt_lang>/ has the same orientation.
    """

    id: str  # make_id(src_lang, tgt_lang, src_text, tgt_text)
    src_lang: str  # ISO 639-3 + script, e.g. "eng_Latn"
    tgt_lang: str
    src_text: str
    tgt_text: str
    score: float  # ratio margin (Artetxe and Schwenk 2019); higher is better, 1 = no better than neighbours
    method: str  # "<candidates>/<aligner>/<encoder>", e.g. "wikipedia-langlinks/dp-align/lexical"
    src_doc_id: str  # Document.id of each side
    tgt_doc_id: str
    src_url: str  # page URL (Wikipedia article URL)
    tgt_url: str
    src_title: str
    tgt_title: str


class Drop(NamedTuple):
    """A record that left the flow, and why; counted, never silent."""

    reason: str  # "<stage>/<why>", e.g. "read/not_html", "langid/low_score"
    lang: str  # "" when not known yet
    source: str
    detail: str  # file and offset, or the document id, for the log


class Sample(NamedTuple):
    """An example of what a rule removed (the opening of a dropped page, a removed line), for report.html."""

    reason: str  # the drop reason ("filter/low_quality") or the line rule ("filter_lines/boilerplate_lines")
    lang: str
    text: str

    @staticmethod
    def of(reason: str, lang: str, text: str, chars: int = 300) -> "Sample":
        return Sample(reason, lang, text[:chars])


def pair_name(lang1: str, lang2: str) -> str:
    """A language pair's name and folder: the two codes sorted, "eng_Latn-fra_Latn"."""
    return "-".join(sorted((lang1, lang2)))


class Stat(NamedTuple):
    """A statistic yielded beside a step's output; summed into manifest["stats"] by its "kind|key"."""

    key: str
    amount: int = 1


def with_text(doc: Document, text: str) -> Document:
    """The document with its text replaced, and every field derived from the text with it."""
    return doc._replace(text=text, text_hash=make_id(text), n_chars=len(text), n_words=count_words(text))


def is_a(record: object, kind: type) -> bool:
    """isinstance by shape: a runner may decode a row into a look-alike NamedTuple type."""
    return getattr(record, "_fields", None) == kind._fields


# The n-gram lengths of the Gopher repetition rules (top n-gram 2-4, duplicate n-grams 5-10);
# the filter configuration accepts only these, so each has a column on disk.
TOP_NGRAMS = (2, 3, 4)
DUP_NGRAMS = (5, 6, 7, 8, 9, 10)
# Every quality signal a document can carry (corpus/filters): the names of Document.signals.
SIGNALS = (
    "javascript_lines", "policy_lines", "unterminated_lines",  # shares of lines the C4 line rules removed
    "boilerplate_lines",  # share of a web page's lines the boilerplate classifier removed (corpus/filters/boilerplate.py)
    "lorem_ipsum", "curly_braces", "mean_word_chars", "symbol_word_ratio", "bullet_line_ratio",
    "ellipsis_line_ratio", "alpha_word_ratio", "letter_ratio", "stop_words", "dup_line_ratio", "dup_line_char_ratio",
    *(f"top_{n}gram" for n in TOP_NGRAMS),
    *(f"dup_{n}gram" for n in DUP_NGRAMS),
    "blocklist_matches", "blocklist_char_ratio",
    "lm_cost",  # the content model's measure (corpus/filters/content.py)
    "damaged_char_ratio",  # U+FFFD and "?" for lost letters / visible characters (corpus/filters/encoding.py)
    # corpus/filters/spam.py and the blocklist's distinct terms
    "blocklist_terms", "title_terms", "title_repetition", "doorway_host", "placeholder_phrases", "link_line_ratio",
    "prose_char_ratio", "teaser_char_ratio", "mixed_script_words",  # corpus/filters/prose.py
)
# On disk the signals are a struct with one nullable float per signal (null: not measured), not a
# map: Hugging Face datasets cannot load Parquet maps, and DuckDB queries a struct by name
# (signals.dup_5gram) with statistics per field.
SIGNALS_TYPE = pa.struct([pa.field(name, pa.float64(), nullable=True) for name in SIGNALS])
_ARROW_TYPES = {str: pa.string(), int: pa.int64(), float: pa.float64(), Mapping[str, float]: SIGNALS_TYPE}


def signals_row(signals: Mapping[str, float]) -> dict[str, float | None]:
    """Document.signals as the on-disk struct: every signal, None where not measured."""
    unknown = set(signals) - set(SIGNALS)
    if unknown:  # a new rule's signal must be added to SIGNALS, or it would be lost on disk
        raise ValueError(f"signal(s) {sorted(unknown)} not in corpus.schema.SIGNALS")
    return {name: signals.get(name) for name in SIGNALS}


def signals_from_row(row: Mapping[str, float | None] | None) -> dict[str, float]:
    """The on-disk struct back to Document.signals: the measured signals only."""
    return {name: value for name, value in (row or {}).items() if value is not None}


def arrow_schema(record: type) -> pa.Schema:
    """The pyarrow schema of a NamedTuple record, from its annotations."""
    hints = get_type_hints(record)
    return pa.schema([pa.field(name, _ARROW_TYPES[hints[name]], nullable=False) for name in record._fields])


DOCUMENT_SCHEMA = arrow_schema(Document)
BITEXT_SCHEMA = arrow_schema(BitextPair)


def make_id(*parts: str) -> str:
    """A stable 128-bit content hash of the given fields, as 32 hex characters."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def new_document(
    *,
    source: str,
    text: str,
    locator: str = "",
    url: str = "",
    title: str = "",
    source_lang: str = "",
    date: str = "",
    snapshot: str = "",
    page_id: int = 0,
    record_id: str = "",
    input_file: str = "",
) -> Document:
    """A document as a reader produces it: provenance and text, no language yet.

    `locator` places the record inside `input_file` (a byte offset, a page id), so that the
    id names this record read and no other: the same page read from two files, or twice,
    is two documents, which exact dedup then counts as duplicates. A document made in code,
    not read from a file, is identified by its content.
    """
    where = (input_file, locator) if input_file or locator else (url or title, text)
    return Document(
        id=make_id(source, *where),
        text_hash=make_id(text),
        source=source,
        url=url,
        title=title,
        text=text,
        lang="",
        lang_score=0.0,
        lang2="",
        lang2_score=0.0,
        source_lang=source_lang,
        date=date,
        snapshot=snapshot,
        page_id=page_id,
        record_id=record_id,
        input_file=input_file,
        n_chars=len(text),
        n_words=count_words(text),
        signals={},
        quality=-1.0,
        quality_bucket="",
        lid_model="",
        lid_other="",
        dup_count=1,
        repetition=0,
    )
