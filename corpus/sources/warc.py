"""WARC files: HTTP 200 HTML `response` records -> main-content plain text Documents.

Records come from corpus.sources.archive (FastWARC over our decompression; see
wet.py for the measured choice). The HTTP message is parsed by FastWARC with
auto_decode="all" (chunked transfer coding, then gzip/deflate/brotli content
coding). Some crawlers (ClueWeb09, some CommonCrawl payloads) store the body
already decoded but keep a Content-Encoding header: when content decoding
fails the body is taken as stored, provided it is not itself compressed.

Charset, in this order: the HTTP Content-Type charset; the HTML <meta charset>
/ http-equiv (resiliparse detect_encoding(from_html_meta=True), which falls
back to uchardet); uchardet alone; UTF-8; the first that decodes strictly
wins, else up to 1% replacement characters are tolerated, else read/undecodable.

Text (read.extractor): resiliparse extract_plain_text(main_content=True,
preserve_formatting=True), the default, keeps block elements (paragraphs,
headings, list items) as lines; list bullets, alt texts, links, form fields and
noscript are left out. trafilatura (optional extra) is selectable; the two are
compared for speed and boilerplate removal in benchmarks/extract.md.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from fastwarc.warc import WarcRecord, WarcRecordType
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import detect_encoding
from resiliparse.parse.html import HTMLTree

from corpus.config import Read
from corpus.schema import COMMONCRAWL, Document, Drop, Stat, new_document
from corpus.sources.records import offset_detail, page_text, repaired_encoding, snapshot_from_path
from corpus.sources.archive import WarcItem, decode, records
from corpus.statistics import (
    READ_BAD_HTTP,
    READ_EMPTY_TEXT,
    READ_HTTP_STATUS,
    READ_MISSING_HEADER,
    READ_NOT_HTML,
    READ_UNDECODABLE,
)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\x28\xb5\x2f\xfd", b"PK\x03\x04")


def read(stream: BinaryIO, path: str, options: Read = Read()) -> Iterator[Document | Drop | Stat]:
    """Documents of the HTML `response` records of one WARC file, and Drops for the rest."""
    snapshot = snapshot_from_path(path)
    for item in records(stream, path, WarcRecordType.response, COMMONCRAWL, options.max_record_bytes):
        if isinstance(item, WarcItem):
            yield from response_document(item, path, snapshot, options.extractor)
        else:
            yield item


def _http_message(block: bytes, auto_decode: str) -> WarcRecord:
    record = WarcRecord.from_bytes(
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(block) + block
    )
    record.parse_http(auto_decode=auto_decode, quirks_mode=True)
    return record


def parse_http(block: bytes) -> tuple[int | None, str, str | None, bytes]:
    """(status, content type, charset, decoded body) of an HTTP response block; raises OSError if unparseable."""
    try:
        record = _http_message(block, "all")
        body = record.reader.read()
    except OSError:  # content coding declared but not applied, or broken: take the body as stored
        record = _http_message(block, "transfer")
        body = record.reader.read()
        if body.startswith(_COMPRESSED_MAGIC):
            raise
    if record.http_headers is None:
        raise OSError("no HTTP headers")
    content_type = (record.http_content_type or "").strip().lower()
    return record.http_headers.status_code, content_type, record.http_charset, body


# Main-content detection costs about the cube of the tree's depth (4,000 nested elements: 1.7 s; 8,000: 8.5 s),
# so a hostile page could hold a worker for hours; real pages are far shallower. Deeper trees get all their text.
MAIN_CONTENT_MAX_DEPTH = 256
_TOO_DEEP = " > ".join(["*"] * MAIN_CONTENT_MAX_DEPTH)  # a CSS query lexbor answers in about a millisecond


def main_text(html: str, tree: HTMLTree, extractor: str) -> str:
    """The main content of a page as plain text, one block element per line."""
    if extractor == "trafilatura":
        import trafilatura  # optional extra: pip install 'corpus-builder[trafilatura]'

        return trafilatura.extract(html, include_comments=False, include_tables=False, deduplicate=False) or ""
    return extract_plain_text(
        tree,
        preserve_formatting=True,
        main_content=tree.document.query_selector(_TOO_DEEP) is None,
        list_bullets=False,
        alt_texts=False,
        links=False,
        form_fields=False,
        noscript=False,
    )


def response_document(item: WarcItem, path: str, snapshot: str, extractor: str) -> Iterator[Document | Drop | Stat]:
    """The Document of one WARC response record (with a Stat if its encoding was repaired), or the Drop
    saying why there is none."""
    where = item.offset
    url = item.headers.get("WARC-Target-URI", "").strip()
    if not url:
        yield Drop(READ_MISSING_HEADER, "", COMMONCRAWL, offset_detail(path, where, "WARC-Target-URI"))
        return
    warc_type = item.headers.get("Content-Type", "").strip().lower()
    if not warc_type.startswith("application/http"):  # e.g. text/dns: not an HTTP response at all
        yield Drop(READ_NOT_HTML, "", COMMONCRAWL, offset_detail(path, where, warc_type or "-"))
        return
    try:
        status, content_type, charset, body = parse_http(item.block)
    except (OSError, ValueError) as error:
        yield Drop(READ_BAD_HTTP, "", COMMONCRAWL, offset_detail(path, where, type(error).__name__))
        return
    if status != 200:
        yield Drop(READ_HTTP_STATUS, "", COMMONCRAWL, offset_detail(path, where, str(status)))
        return
    if content_type not in HTML_TYPES:
        yield Drop(READ_NOT_HTML, "", COMMONCRAWL, offset_detail(path, where, content_type or "-"))
        return
    html = decode(
        body,
        [
            charset,
            detect_encoding(body, from_html_meta=True),
            detect_encoding(body, from_html_meta=False),
            "utf-8",
        ],
    )
    if html is None:
        yield Drop(READ_UNDECODABLE, "", COMMONCRAWL, offset_detail(path, where))
        return
    tree = HTMLTree.parse(html)
    text, repaired = page_text(main_text(html, tree, extractor))
    if not text:
        yield Drop(READ_EMPTY_TEXT, "", COMMONCRAWL, offset_detail(path, where))
        return
    title, repaired_title = page_text(tree.title or "")
    if repaired or repaired_title:
        yield repaired_encoding(COMMONCRAWL)
    yield new_document(
        source=COMMONCRAWL,
        text=text,
        url=url,
        title=title.replace("\n", " "),
        source_lang=item.headers.get("WARC-Identified-Content-Language", "").strip(),
        date=item.headers.get("WARC-Date", "").strip(),
        snapshot=snapshot,
        record_id=item.headers.get("WARC-Record-ID", "").strip(),
        input_file=path,
        locator=str(where),
    )
