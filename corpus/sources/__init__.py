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

from typing import BinaryIO, Iterator

from corpus.config import Read
from corpus.schema import COMMONCRAWL, WIKIPEDIA, Document, Drop, Stat
from corpus.sources import multistream, warc, wet, wikipedia
from corpus.statistics import FILE_LEVEL_REASONS, READ_TEXT_TOO_LONG, READ_TOO_MANY_LINES
from corpus.sources.records import damaged_file, offset_detail, snapshot_from_path  # noqa: F401  (the package's API)

KINDS = ("wet", "warc", "wikipedia")
SOURCE_OF_KIND = {"wet": COMMONCRAWL, "warc": COMMONCRAWL, "wikipedia": WIKIPEDIA}


def read_file(
    kind: str, stream: BinaryIO, path: str, options: Read = Read(), piece: tuple | None = None
) -> Iterator[Document | Drop | Stat]:
    """Documents and Drops of one raw (possibly compressed) input file of the given kind, and statistics;
    with `piece` (multistream.Piece fields), only that piece of a multistream Wikipedia dump."""
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
