"""CommonCrawl WET files: `conversion` records (already extracted plain text) -> Documents.

Library choice (measured by `python -m benchmarks.readers`, results in
benchmarks/results/readers.json; best of 9 runs (--runs 9) on a shared 2-core machine;
iterate all 319 records of CC-MAIN-2020-50-excerpt.warc.wet.gz and read each
block; MB/s of decompressed bytes). The excerpt as shipped declares wrong
Content-Lengths for 312/319 records, which warcio rejects, so both libraries
are also timed on a copy with the lengths repaired:

    variant (repaired copy)                      records/s    MB/s   vs warcio
    warcio, gzip module                             17,715   132.9     1.00x
    warcio, own gzip reader                         20,907   156.8     1.18x
    FastWARC, own gzip reader                       53,153   398.7     3.00x
    FastWARC over corpus.sources.compressed         23,918   179.4     1.35x
    (as shipped: warcio fails on both paths; FastWARC ~66,000 / ~36,000 rec/s)

FastWARC is kept, fed by our decompression layer (half its native speed, still
faster than warcio, and the only way to count a cut gzip member: FastWARC's own
reader stops silently there; record parsing is in any case far below the cost
of decoding and normalising text, ~2,700 documents/s for the whole reader).
warcio is not kept as a fallback: on the malformed fixtures it never returns a
complete record FastWARC misses (same counts on 10 of 12; on
fragment2_no_header.wet.gz it raises where FastWARC keeps 1 of 2 records;
it refuses single-stream gzip and mis-sized records). Its one extra, the old
ARC format, FastWARC cannot read: ARC files (given as `warc` inputs) are read
by warcio (corpus/sources/archive.py `arc_records`).

Note on the excerpt: FastWARC's quirks mode reads the declared length and
resynchronises on the next "WARC/1.0" line, so the 312 mis-sized texts lose
their last few dozen bytes (3 other texts are read/undecodable: over 1% of
their bytes are not UTF-8); real CommonCrawl WETs are sized
correctly.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from fastwarc.warc import WarcRecordType

from corpus.config import Read
from corpus.schema import COMMONCRAWL, Document, Drop, Stat, new_document
from corpus.sources.records import offset_detail, page_text, repaired_encoding, snapshot_from_path
from corpus.sources.archive import WarcItem, decode, records
from corpus.statistics import READ_EMPTY_TEXT, READ_MISSING_HEADER, READ_UNDECODABLE


def read(stream: BinaryIO, path: str, options: Read = Read()) -> Iterator[Document | Drop | Stat]:
    """Documents of the `conversion` records of one WET file, and Drops for the rest."""
    snapshot = snapshot_from_path(path)
    for item in records(stream, path, WarcRecordType.conversion, COMMONCRAWL, options.max_record_bytes):
        if isinstance(item, WarcItem):
            yield from conversion_document(item, path, snapshot)
        else:
            yield item


def conversion_document(item: WarcItem, path: str, snapshot: str) -> Iterator[Document | Drop | Stat]:
    """The Document of one WET conversion record (with a Stat if its encoding was repaired), or the Drop
    saying why there is none."""
    headers = item.headers
    url = headers.get("WARC-Target-URI", "").strip()
    if not url:
        yield Drop(READ_MISSING_HEADER, "", COMMONCRAWL, offset_detail(path, item.offset, "WARC-Target-URI"))
        return
    text = decode(item.block, ["utf-8"])  # WET text is UTF-8 by definition
    if text is None:
        yield Drop(READ_UNDECODABLE, "", COMMONCRAWL, offset_detail(path, item.offset))
        return
    text, repaired = page_text(text)
    if not text:
        yield Drop(READ_EMPTY_TEXT, "", COMMONCRAWL, offset_detail(path, item.offset))
        return
    if repaired:
        yield repaired_encoding(COMMONCRAWL)
    yield new_document(
        source=COMMONCRAWL,
        text=text,
        url=url,
        source_lang=headers.get("WARC-Identified-Content-Language", "").strip(),
        date=headers.get("WARC-Date", "").strip(),
        snapshot=snapshot,
        record_id=headers.get("WARC-Record-ID", "").strip(),
        input_file=path,
        locator=str(item.offset),
    )
