"""WARC record iteration shared by the WET and WARC readers (FastWARC over our own decompression).

`records()` yields, for the wanted record types, `WarcItem`s whose block is
complete, and Drops for: leading bytes that are not a WARC record, a record
cut short by the end of the data, a parser failure, a file with no WARC record
at all, and a compressed stream that ends early or is corrupt -- the last four
folded into exactly one Drop for the unreadable remainder.

Why FastWARC, fed by corpus.sources.compressed rather than its own gzip reader:
  * our layer handles gzip, multi-member gzip and bzip2 alike and reports
    truncation/corruption (FastWARC's own reader stops silently at a cut
    member, and warcio raises), so the remainder can be counted;
  * the block is read raw (parse_http=False) so a short block is detectable by
    comparing its length with Content-Length; HTTP parsing happens afterwards
    (see warc.py).
Measured figures and the warcio comparison: see corpus/sources/wet.py.
"""

from __future__ import annotations

import logging
import re
from typing import BinaryIO, Iterator, NamedTuple

from fastwarc.warc import ArchiveIterator, WarcRecordType

from corpus.schema import Drop
from corpus.sources.records import damaged_file, offset_detail
from corpus.sources.compressed import DecompressedStream
from corpus.statistics import (
    READ_CORRUPT,
    READ_MALFORMED,
    READ_NOT_WARC,
    READ_RECORD_TOO_LARGE,
    READ_SKIPPED_BYTES,
    READ_TRUNCATED,
)

_STREAM_ERRORS = {"truncated": READ_TRUNCATED, "corrupt": READ_CORRUPT}


class WarcItem(NamedTuple):
    """One complete WARC record of a wanted type."""

    offset: int  # start of the record in the decompressed stream
    headers: dict[str, str]  # WARC headers (first value of each name)
    block: bytes  # the whole record block (for a response: HTTP headers + payload)


def records(
    stream: BinaryIO, path: str, wanted: WarcRecordType, source: str, max_bytes: int
) -> Iterator[WarcItem | Drop]:
    """Complete WARC records of the wanted types, and Drops for what could not be read.

    A wanted record whose Content-Length exceeds `max_bytes` is skipped (streamed past in
    slices, never held whole) and counted as read/record_too_large.
    """
    data = DecompressedStream(stream)
    data.history_bytes = max_bytes + (1 << 20)  # enough to look back over one record for bytes FastWARC skipped
    if data.peek(len(ARC_MAGIC)) == ARC_MAGIC:
        yield from arc_records(data, path, wanted, source, max_bytes)
        return
    previous: int | None = None  # offset of the previous record
    n_records = 0  # records of any type, to tell "not a WARC" from "a WARC with nothing we want"
    remainder: Drop | None = None
    cut_header: int | None = None
    # quirks_mode: tolerate LF-only header lines, WARC/0.18 and resynchronise on the next "WARC/" line.
    # All types are iterated (not filtered with record_types) so that the first record's offset and
    # the count of records are known.
    iterator = ArchiveIterator(data, parse_http=False, quirks_mode=True, stream_detect=False)
    gaps: list[tuple[int, int]] = []  # (offset, bytes) skipped between records: one log line per file, not per gap
    try:
        for record in iterator:
            offset = record.stream_pos
            if n_records == 0 and offset > 0:
                yield Drop(READ_SKIPPED_BYTES, "", source, offset_detail(path, 0, f"{offset} bytes"))
            elif previous is not None:
                skipped = _skipped_between(data, previous, offset, wanted)
                if skipped:  # bytes between records are no record: logged; a record jumped over is counted
                    at, size, lost = skipped
                    gaps.append((at, size))
                    for record_at in lost:
                        yield Drop(READ_MALFORMED, "", source, offset_detail(path, record_at, "skipped record"))
            previous = offset
            n_records += 1
            if cut_header is not None:  # a header without Content-Length, and the file went on: one bad record
                yield Drop(READ_MALFORMED, "", source, offset_detail(path, cut_header, "no Content-Length"))
                cut_header = None
            if not (record.record_type & wanted):
                record.reader.consume()
                continue
            if not record.headers.contains_key("Content-Length"):
                cut_header = offset  # a header cut short at the end of the data, or a corrupt one
                continue
            if record.content_length > max_bytes:
                record.reader.consume()
                yield Drop(READ_RECORD_TOO_LARGE, "", source, offset_detail(path, offset, f"{record.content_length} bytes"))
                continue
            block = record.reader.read()
            if len(block) < record.content_length:
                remainder = Drop(READ_TRUNCATED, "", source, offset_detail(path, offset))
                break
            headers = {}
            for name, value in record.headers.items():
                headers.setdefault(name, value)
            yield WarcItem(offset, headers, block)
    except (OSError, ValueError) as error:
        reason = _STREAM_ERRORS.get(data.error) or (READ_MALFORMED if n_records else READ_NOT_WARC)
        at = data.error_offset if data.error else data.position
        remainder = Drop(reason, "", source, offset_detail(path, at, type(error).__name__))
    if gaps:
        logging.warning("%s: %d bytes skipped between WARC records in %d places, the first at %s (mis-sized records)",
                        path, sum(size for _, size in gaps), len(gaps), offset_detail(path, gaps[0][0]))
        yield damaged_file(path, "bytes_between_records", sum(size for _, size in gaps))
    if remainder is None and cut_header is not None:
        remainder = Drop(READ_TRUNCATED, "", source, offset_detail(path, cut_header))
    if remainder is not None:
        if data.error:  # a record cut by a broken compressed stream: name the stream's failure
            remainder = remainder._replace(reason=_STREAM_ERRORS[data.error])
        yield remainder
    elif data.error:
        yield Drop(_STREAM_ERRORS[data.error], "", source, offset_detail(path, data.error_offset))
    elif n_records == 0 and data.position > 0:
        yield Drop(READ_NOT_WARC, "", source, offset_detail(path, 0))


ARC_MAGIC = b"filedesc://"  # the first record of an ARC file (the format before WARC) names the file


def arc_records(data: DecompressedStream, path: str, wanted: WarcRecordType, source: str, max_bytes: int) -> Iterator[WarcItem | Drop]:
    """The records of an ARC file as WarcItems with WARC header names, read by warcio (FastWARC reads no ARC).

    Only `response` is wanted of ARC (every ARC record is a capture). A record that
    the end of a broken compressed stream may have cut is counted with the remainder.
    """
    if not wanted & WarcRecordType.response:  # an ARC file holds captures, no WET conversions
        yield Drop(READ_NOT_WARC, "", source, offset_detail(path, 0, "an ARC file: read it as a warc input"))
        return
    from warcio.archiveiterator import ArchiveIterator as ArcIterator
    from warcio.exceptions import ArchiveLoadFailed

    pending: WarcItem | Drop | None = None  # yielded once the next record shows the stream went on
    n_records = 0
    iterator = ArcIterator(data, arc2warc=False)
    iterator.INC_RECORD = ""  # warcio prints each mis-sized record to stderr; one warning per file instead
    try:
        for record in iterator:
            n_records += 1
            if record.rec_type != "response":  # the filedesc:// header record
                continue
            if pending is not None:
                yield pending
            fields = dict(record.rec_headers.headers)
            if record.length > max_bytes:
                pending = Drop(READ_RECORD_TOO_LARGE, "", source, offset_detail(path, iterator.get_record_offset(), f"{record.length} bytes"))
                continue
            payload = record.raw_stream.read()  # before get_record_offset(), which consumes the record
            offset = iterator.get_record_offset()
            http = record.http_headers
            date = fields.get("archive-date", "")
            pending = WarcItem(offset, {
                "WARC-Target-URI": fields.get("uri", ""),
                "WARC-Date": f"{date[:4]}-{date[4:6]}-{date[6:8]}T{date[8:10]}:{date[10:12]}:{date[12:14]}Z" if len(date) == 14 else "",
                "Content-Type": "application/http; msgtype=response" if http else fields.get("content-type", ""),
            }, (http.to_bytes() if http else b"") + payload)
    except (ArchiveLoadFailed, OSError, ValueError) as error:
        reason = _STREAM_ERRORS.get(data.error) or (READ_MALFORMED if n_records else READ_NOT_WARC)
        yield from [pending] if pending is not None else []
        yield Drop(reason, "", source, offset_detail(path, data.error_offset if data.error else data.position, type(error).__name__))
        return
    if iterator.err_count:
        logging.warning("%s: %d ARC records not followed by a newline (Content-Length may be wrong)", path, iterator.err_count)
        yield damaged_file(path, "arc_records_missized", iterator.err_count)
    if data.error:  # the stream broke: its last record may be cut, so it goes with the remainder
        yield Drop(_STREAM_ERRORS[data.error], "", source, offset_detail(path, data.error_offset))
    elif pending is not None:
        yield pending


_RECORD_START = re.compile(rb"WARC/1\.\d\r?\n")
_RECORD_TYPE = re.compile(rb"(?im)^WARC-Type:[ \t]*(\w+)")


def _skipped_between(
    data: DecompressedStream, start: int, next_start: int, wanted: WarcRecordType
) -> tuple[int, int, list[int]] | None:
    """Bytes FastWARC skipped between the end of the record at `start` and the next record: garbage
    between records, and the records its resynchronisation jumped over. (offset, length, offsets of
    the jumped-over records of the wanted types), or None when nothing was skipped."""
    between = data.span(start, next_start)
    if between is None:
        return None
    header_end = between.find(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:[ \t]*(\d+)", between[: max(header_end, 0)])
    if header_end < 0 or length is None:
        return None
    end = header_end + 4 + int(length.group(1))
    rest = between[end:]
    if not rest.strip():
        return None
    lost = []
    for match in _RECORD_START.finditer(rest):
        kind = _RECORD_TYPE.search(rest, match.end(), match.end() + 4096)
        record_type = getattr(WarcRecordType, kind.group(1).decode().lower(), None) if kind else None
        if record_type is not None and record_type & wanted:
            lost.append(start + end + match.start())
    return start + end, len(rest), lost


_MAX_REPLACED = 0.01  # share of U+FFFD tolerated when no charset decodes the bytes cleanly


def decode(body: bytes, encodings: list[str | None]) -> str | None:
    """`body` decoded with the first of `encodings` that decodes it strictly; None if undecodable.

    When none decodes strictly, the first valid encoding is used with replacement characters,
    provided they stay under 1% of the text (a few stray bytes in an otherwise good page);
    beyond that the bytes are not text in any of these charsets.
    """
    tried: list[str] = []
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte-order mark outranks any declared charset
        encodings = ["utf-16", *encodings]
    for encoding in encodings:
        if not encoding or encoding in tried:
            continue
        try:
            text = body.decode(encoding)
        except LookupError:
            continue
        except UnicodeDecodeError:
            tried.append(encoding)
            continue
        return text[1:] if text.startswith("\ufeff") else text
    if not tried:
        return None
    text = body.decode(tried[0], errors="replace")
    if text.count("\ufffd") > _MAX_REPLACED * max(len(text), 1):
        return None
    return text[1:] if text.startswith("\ufeff") else text
