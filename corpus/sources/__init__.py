"""Readers: raw input files -> Documents and Drops.

    from corpus.sources import read_file, KINDS
    for record in read_file("wet", stream, path): ...

`stream` is the RAW byte stream of one file as opened from any filesystem
(still compressed: gzip, bzip2 or plain, recognised by its magic bytes); the
reader decompresses it itself (corpus/sources/compressed.py) so that a
truncated or corrupt member is noticed and counted instead of raising.

Counting rule (the manifest reconciles read = kept + dropped): every candidate
record -- a WET `conversion`, a WARC `response`, a Wikipedia `<page>` --
yields exactly one Document or one Drop. Other WARC record types are skipped
without a Drop. A file-level failure (not a WARC at all, a compressed stream
that ends early or is corrupt, a record or page cut by the end of the data)
yields exactly one Drop for the unreadable remainder, after every record
readable before it. Bad data never raises; only I/O errors of the underlying
stream propagate (so the runner can retry the file).

Offsets in Drop.detail ("path@offset") are byte offsets in the DECOMPRESSED
stream (the WARC or XML bytes): the start of the record or page concerned, or
the point where readable data ended. Some reasons append " <info>" after the
offset (the content type, the HTTP status, the namespace, the missing header).
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from corpus.config import Read
from corpus.schema import COMMONCRAWL, WIKIPEDIA, Document, Drop, Stat

KINDS = ("wet", "warc", "wikipedia")
SOURCE_OF_KIND = {"wet": COMMONCRAWL, "warc": COMMONCRAWL, "wikipedia": WIKIPEDIA}

# Drop reasons of the read stage, each defined once here.
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
    READ_UNREADABLE_FILE,
    READ_NOT_WARC,
    READ_SKIPPED_BYTES,
    READ_TRUNCATED,
    READ_CORRUPT,
    READ_MALFORMED,
    READ_MISSING_HEADER,
    READ_BAD_HTTP,
    READ_HTTP_STATUS,
    READ_NOT_HTML,
    READ_UNDECODABLE,
    READ_EMPTY_TEXT,
    READ_RECORD_TOO_LARGE,
    READ_TEXT_TOO_LONG,
    READ_TOO_MANY_LINES,
    READ_WIKIPEDIA_REDIRECT,
    READ_WIKIPEDIA_NAMESPACE,
    READ_WIKIPEDIA_NOT_WIKITEXT,
    READ_WIKIPEDIA_DISAMBIGUATION,
    READ_WIKIPEDIA_UNPARSEABLE,
)

# Statistic kind naming each damaged input file and what was wrong: "damaged_files|<file>|<what>" -> amount.
DAMAGED_FILES = "damaged_files"


def damaged_file(path: str, what: str, amount: int = 1) -> Stat:
    return Stat(f"{DAMAGED_FILES}|{path}|{what}", amount)

# Reasons that concern a file rather than one record: logged with the file and offset.
FILE_LEVEL_REASONS = frozenset({READ_UNREADABLE_FILE, READ_NOT_WARC, READ_SKIPPED_BYTES, READ_TRUNCATED, READ_CORRUPT, READ_MALFORMED})


def read_file(
    kind: str, stream: BinaryIO, path: str, options: Read = Read(), piece: tuple | None = None
) -> Iterator[Document | Drop | Stat]:
    """Documents and Drops of one raw (possibly compressed) input file of the given kind, and statistics;
    with `piece` (multistream.Piece fields), only that piece of a multistream Wikipedia dump."""
    from corpus.sources import multistream, warc, wet, wikipedia  # here: the readers import this module's reasons

    readers = {"wet": wet.read, "warc": warc.read, "wikipedia": wikipedia.read}
    if kind not in readers:
        raise ValueError(f"unknown input kind {kind!r}; expected one of {KINDS}")
    if piece is not None:
        records = multistream.read_piece(stream, path, multistream.Piece(*piece), options)
    else:
        records = readers[kind](stream, path, options)
    return _checked(records, path, options)


def _checked(records: Iterator[Document | Drop | Stat], path: str, options: Read) -> Iterator[Document | Drop | Stat]:
    """The text limits applied, and each file-level failure named once in stats.damaged_files."""
    for item in records:
        if isinstance(item, Drop) and item.reason in FILE_LEVEL_REASONS:
            yield damaged_file(path, item.reason)
        yield _within_limits(item, options)


def _within_limits(item: Document | Drop, options: Read) -> Document | Drop:
    """A document over the text limits becomes a Drop: later stages never hold more than this per document."""
    if not isinstance(item, Document):  # a Drop, or a Stat a reader yields beside its records
        return item
    if item.n_chars > options.max_text_chars:
        return Drop(READ_TEXT_TOO_LONG, "", item.source, f"{item.input_file} {item.url or item.title} {item.n_chars} chars")
    lines = item.text.count("\n") + 1
    if lines > options.max_lines:
        return Drop(READ_TOO_MANY_LINES, "", item.source, f"{item.input_file} {item.url or item.title} {lines} lines")
    return item


_CC_SNAPSHOT = re.compile(r"CC-MAIN-\d{4}-\d{2}")
_WIKI_DUMP = re.compile(r"(?<![A-Za-z0-9_])([a-z][a-z0-9_]*wiki(?:[a-z]+)?)-(\d{8}|latest)(?!\d)")


def snapshot_from_path(path: str) -> str:
    """The crawl or dump a file belongs to, from its path: "CC-MAIN-2024-22", "enwiki-20240501"; "" if absent.

    CommonCrawl paths carry the crawl as a directory (crawl-data/CC-MAIN-2024-22/...);
    Wikipedia dumps are named <dbname>-<YYYYMMDD>-pages-articles*.xml.bz2.
    """
    m = _CC_SNAPSHOT.search(path)
    if m:
        return m.group(0)
    m = _WIKI_DUMP.search(path.rsplit("/", 1)[-1])
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return ""


def offset_detail(path: str, offset: int, info: str = "") -> str:
    """Drop.detail: "path@offset", optionally followed by a space and some information."""
    return f"{path}@{offset}" + (f" {info}" if info else "")
