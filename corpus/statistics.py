"""The names of everything a build counts: statistic keys and drop reasons, each defined once.

A statistic is `(key, amount)`, its key "kind|part|part..." (built with `stat_key`, read
back with `parse_stat_key`); the manifest files it as manifest["stats"][kind][subkey], the
subkey being the parts joined the same way (`subkey`, `parse_subkey`). A drop reason is
"stage/why" (`drop_reason`, `parse_drop_reason`), e.g. "langid/low_score".
"""

from __future__ import annotations

_PARTS = "|"  # between the kind and the parts of a statistic key
_STAGE = "/"  # between the stage and the why of a drop reason


def stat_key(kind: str, *parts: object) -> str:
    """"kind|part|...": `stat_key(STAT_DROPPED, LANGID_LOW_SCORE, "fra_Latn")`."""
    return _PARTS.join((kind, *map(str, parts)))


def parse_stat_key(key: str) -> tuple[str, tuple[str, ...]]:
    """(kind, parts) of a statistic key: the inverse of `stat_key`."""
    kind, *parts = key.split(_PARTS)
    return kind, tuple(parts)


def subkey(*parts: object) -> str:
    """A statistic's key under its kind in manifest["stats"]: the parts of `stat_key` without the kind."""
    return _PARTS.join(map(str, parts))


def parse_subkey(key: str) -> tuple[str, ...]:
    """The parts of a key under its kind in manifest["stats"]: the inverse of `subkey`."""
    return tuple(key.split(_PARTS))


def drop_reason(stage: str, why: str) -> str:
    """"stage/why": a record leaving the flow at `stage` because of `why`."""
    return f"{stage}{_STAGE}{why}"


def parse_drop_reason(reason: str) -> tuple[str, str]:
    """(stage, why) of a drop reason: the inverse of `drop_reason`."""
    stage, _, why = reason.partition(_STAGE)
    return stage, why


# The stages records leave the flow at: the first part of every drop reason.
STAGE_READ = "read"
STAGE_LANGID = "langid"
STAGE_FILTER = "filter"  # its whys are the names of the quality rules (corpus.filters)
STAGE_DEDUP = "dedup"
STAGE_LANGLINKS = "langlinks"
STAGE_BITEXT = "bitext"
# The steps of dedup, each with its own row in the manifest's stage table.
STAGE_DEDUP_EXACT = "dedup/exact"
STAGE_DEDUP_NEAR = "dedup/near"
STAGE_DEDUP_PARAGRAPH = "dedup/paragraph"

# Drop reasons of the read stage.
READ_UNREADABLE_FILE = "read/unreadable_file"  # the file could not be opened (missing, HTTP 404, refused)
READ_NOT_WARC = "read/not_warc"  # the (decompressed) file holds no WARC record at all
READ_SKIPPED_BYTES = "read/skipped_bytes"  # bytes before the first WARC record (a fragment), skipped
READ_TRUNCATED = "read/truncated"  # compressed stream, record or page cut short by the end of the data
READ_CORRUPT = "read/corrupt"  # compressed data error or trailing garbage after the last member
READ_MALFORMED = "read/malformed"  # the WARC/XML parser gave up on the rest of the file
READ_MISSING_HEADER = "read/missing_header"  # conversion/response without WARC-Target-URI
READ_BAD_HTTP = "read/bad_http"  # HTTP headers of a response unparseable
READ_HTTP_STATUS = "read/http_status"  # HTTP status other than 200 (status in detail)
READ_NOT_HTML = "read/not_html"  # payload not HTML (content type in detail)
READ_UNDECODABLE = "read/undecodable"  # bytes not decodable as text in any plausible charset
READ_EMPTY_TEXT = "read/empty_text"  # no text left after extraction and normalisation
READ_TEXT_TOO_LONG = "read/text_too_long"  # extracted text over read.max_text_chars
READ_TOO_MANY_LINES = "read/too_many_lines"  # extracted text over read.max_lines
READ_RECORD_TOO_LARGE = "read/record_too_large"  # record or page over read.max_record_bytes, skipped unread
READ_WIKIPEDIA_REDIRECT = "read/wikipedia_redirect"
READ_WIKIPEDIA_NAMESPACE = "read/wikipedia_namespace"  # namespace other than 0 (articles)
READ_WIKIPEDIA_NOT_WIKITEXT = "read/wikipedia_not_wikitext"  # content model other than wikitext
READ_WIKIPEDIA_DISAMBIGUATION = "read/wikipedia_disambiguation"  # a disambiguation page (by its templates)
READ_WIKIPEDIA_UNPARSEABLE = "read/wikipedia_unparseable"  # the wikitext parser failed on the page
READ_REASONS = (
    READ_UNREADABLE_FILE, READ_NOT_WARC, READ_SKIPPED_BYTES, READ_TRUNCATED, READ_CORRUPT, READ_MALFORMED,
    READ_MISSING_HEADER, READ_BAD_HTTP, READ_HTTP_STATUS, READ_NOT_HTML, READ_UNDECODABLE, READ_EMPTY_TEXT,
    READ_RECORD_TOO_LARGE, READ_TEXT_TOO_LONG, READ_TOO_MANY_LINES, READ_WIKIPEDIA_REDIRECT, READ_WIKIPEDIA_NAMESPACE,
    READ_WIKIPEDIA_NOT_WIKITEXT, READ_WIKIPEDIA_DISAMBIGUATION, READ_WIKIPEDIA_UNPARSEABLE,
)  # fmt: skip
# Reasons that concern a file rather than one record: logged with the file and offset.
FILE_LEVEL_REASONS = frozenset({READ_UNREADABLE_FILE, READ_NOT_WARC, READ_SKIPPED_BYTES, READ_TRUNCATED, READ_CORRUPT, READ_MALFORMED})

# Drop reasons of the interlanguage-link reader (corpus.sources.langlinks).
LANGLINKS_MALFORMED = "langlinks/malformed_row"  # a row that is not (int,'lang','title')
LANGLINKS_UNDECODABLE = "langlinks/undecodable"  # a title or language that is not UTF-8
LANGLINKS_TRUNCATED = "langlinks/truncated"  # the compressed file ends early
LANGLINKS_CORRUPT = "langlinks/corrupt"  # a compressed data error
LANGLINKS_UNKNOWN_WIKI = "langlinks/unknown_wiki"  # neither the file name nor the header names the wiki

# Drop reasons of language ID (corpus.langid.documents).
LANGID_SCRIPT_MISMATCH = "langid/script_mismatch"  # the text's script is not one the label's language is written in
LANGID_LOW_SCORE = "langid/low_score"  # under langid.min_score (or the language's own)
# Not a drop: the key, under STAT_READ, of the extra documents split pages give (read = kept + dropped still holds).
LANGID_SPLIT_PARTS = "langid/split"

# Drop reasons of dedup.
DEDUP_EXACT = "dedup/exact"
DEDUP_NEAR = "dedup/near"
DEDUP_PARAGRAPH_TOO_SHORT = "dedup/paragraph_too_short"  # left under dedup.paragraph_min_chars by paragraph dedup

# Statistic kinds of the document counts the manifest reconciles.
STAT_READ = "read"  # "read|<source>", "read|langid/split"
STAT_STAGE = "stage"  # "stage|<stage>": documents leaving a stage
STAT_DROPPED = "dropped"  # "dropped|<reason>|<lang>"
STAT_KEPT = "kept"  # "kept|<lang>"
STAT_KEPT_CHARS = "kept_chars"
STAT_WRITTEN = "written"  # "written|<lang>", after rebalancing
STAT_WRITTEN_CHARS = "written_chars"
DOCUMENT_COUNT_KINDS = (STAT_KEPT, STAT_KEPT_CHARS, STAT_WRITTEN, STAT_WRITTEN_CHARS)  # per language in manifest["languages"]

# Statistic kinds of the stages, each filed under manifest["stats"][kind].
STAT_DAMAGED_FILES = "damaged_files"  # "damaged_files|<file>|<reason>"
STAT_READ_REMOVED_SECTIONS = "read_removed_sections"  # "read_removed_sections|<section kind>|<wiki language>"
STAT_READ_REPAIRED_ENCODING = "read_repaired_encoding"  # "read_repaired_encoding|<source>": documents ftfy changed
STAT_PII_MASKED = "pii_masked"  # "pii_masked|<email|phone|ip>|<lang>": items masked in kept documents
STAT_LANGID_HAN_RELABELLED = "langid_han_relabelled"  # "langid_han_relabelled|<from>><to>"
STAT_LANGID_REMOVED_LINES = "langid_removed_lines"  # "...|<lang>"
STAT_LANGID_REMOVED_CHARS = "langid_removed_chars"
STAT_LANGID_SPLIT_PARTS = "langid_split_parts"
STAT_LANGID_LIST_JOINED_LINES = "langid_list_joined_lines"  # "...|<from>><to>"
STAT_LANGID_LIST_PARTS = "langid_list_parts"
STAT_LANGID_DISAGREEMENTS = "langid_disagreements"
STAT_LANGID_SCRIPT_RELABELLED = "langid_script_relabelled"  # "...|<from>><to>"
STAT_LANGID_WEAK_PART_JOINED_LINES = "langid_weak_part_joined_lines"  # "...|<from>><to>": a part without strong evidence kept with its page
STAT_FILTER_REMOVED_LINES = "filter_removed_lines"  # "filter_removed_lines|<line rule>|<lang>": lines the filter step removed
STAT_FILTER_REMOVED_CHARS = "filter_removed_chars"  # "filter_removed_chars|<line rule>|<lang>": their characters
STAT_DEDUP_REMOVED = "dedup_removed"  # "dedup_removed|<exact|near|paragraph_too_short>|<lang>"
STAT_DEDUP_CLUSTERS = "dedup_clusters"  # "dedup_clusters|<exact|near>|<size bucket>"
STAT_DEDUP_PARAGRAPHS = "dedup_paragraphs"  # "dedup_paragraphs|removed_lines|<lang>", "...|removed_chars|<lang>"
STAT_DEDUP_NEAR = "dedup_near"  # "dedup_near|candidate_pairs", "...|rejected_pairs", "...|components_round_NN_changes"
STAT_DOC_LENGTH = "doc_length"  # "doc_length|<lang>|<power-of-two bucket>"
STAT_QUALITY = "quality"  # "quality|<lang>|<bucket>": kept documents per content-model bucket ("" not scored)
STAT_QUALITY_CHARS = "quality_chars"  # their characters
STAT_COPIES = "copies"  # "copies|<lang>|<n>": documents written n times
STAT_MAX_COPIES = "max_copies"  # "max_copies|<lang>"

# Statistic kinds of bitext mining; every one starts with BITEXT_KIND_PREFIX.
BITEXT_KIND_PREFIX = "bitext_"
STAT_BITEXT_LINKS = "bitext_links"  # "bitext_links|read", "...|unmatched", "...|<reason>"
STAT_BITEXT_CANDIDATES = "bitext_candidates"  # "bitext_candidates|<pair>|<method>"
STAT_BITEXT_PAIRS = "bitext_pairs"  # "bitext_pairs|<pair>|<method>"
STAT_BITEXT_SCORE = "bitext_score"  # "bitext_score|<pair>|<bin>"
STAT_BITEXT_DROPPED = "bitext_dropped"  # "bitext_dropped|<reason>|<pair>"


def relabelling(before: str, after: str) -> str:
    """The part naming a label change in the langid_*_relabelled statistics: "zho_Hans>jpn_Jpan"."""
    return f"{before}>{after}"
