"""Readers at production scale: record cap, defects between records, legacy charsets, malformed pages,
CommonCrawl path listings, HTTPS with retries (against a loopback server), multistream Wikipedia pieces."""

from __future__ import annotations

import bz2
import gzip
import http.server
import io
import threading
from collections import Counter

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

import pipelines.records  # noqa: F401  (record coders)
from corpus.config import Read, load_config
from corpus.schema import Document, Drop
from corpus.sources import multistream, read_file
from corpus.sources.remote import HttpStream, listing_paths
from corpus.sources.wikipedia import is_disambiguation
from corpus.statistics import (
    READ_CORRUPT,
    READ_MALFORMED,
    READ_RECORD_TOO_LARGE,
    READ_TRUNCATED,
    READ_WIKIPEDIA_DISAMBIGUATION,
)
from pipelines.read import ReadDocuments

SMALL_CAP = Read(max_record_bytes=64 * 1024)


def read(kind: str, data: bytes, options: Read = Read(), path: str = "x"):
    out = list(read_file(kind, io.BytesIO(data), path, options))
    return [r for r in out if isinstance(r, Document)], [r for r in out if isinstance(r, Drop)]


def reasons(drops) -> Counter:
    return Counter(d.reason for d in drops)


def record(rec_type: str, url: str, block: bytes, content_type: str = "text/plain", length: int | None = None) -> bytes:
    header = (
        f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{url}>\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(block) if length is None else length}\r\n\r\n"
    ).encode()
    return header + block + b"\r\n\r\n"


def member(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1)


# --- record size cap ----------------------------------------------------------------------------

def test_a_50_mb_record_is_capped_and_counted():
    big = b"All work and no play makes a very long record. " * (50 * 1024 * 1024 // 48)
    data = b"".join([
        member(record("conversion", "http://before/", b"A short page before the big one.")),
        member(record("conversion", "http://big/", big)),
        member(record("conversion", "http://after/", b"A short page after the big one.")),
    ])  # fmt: skip
    docs, drops = read("wet", data)  # default cap: 16 MiB
    assert [d.url for d in docs] == ["http://before/", "http://after/"]
    assert reasons(drops) == {READ_RECORD_TOO_LARGE: 1} and f" {len(big)} bytes" in drops[0].detail
    docs, drops = read("wet", data, Read(max_record_bytes=64 * 1024 * 1024, max_text_chars=64 * 1024 * 1024))  # caps above it read it
    assert len(docs) == 3 and drops == []


def test_cap_applies_to_warc_responses():
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>" + b"word " * 20_000 + b"</p></body></html>"
    docs, drops = read("warc", member(record("response", "http://r/", body, "application/http; msgtype=response")), SMALL_CAP)
    assert docs == [] and reasons(drops) == {READ_RECORD_TOO_LARGE: 1}


# --- defects between and inside records -----------------------------------------------------------

def test_binary_garbage_between_records():
    first, second, third = (record("conversion", f"http://{n}/", f"Text {n}.".encode()) for n in "abc")
    for garbage in (b"\r\n\r\nsome junk line\r\n\r\n", bytes(range(256)) * 40):
        docs, drops = read("wet", first + garbage + second + third)
        urls = [d.url for d in docs]
        assert urls[0] == "http://a/" and urls[-1] == "http://c/"  # resynchronised
        assert len(docs) + len(drops) == 3 and set(reasons(drops)) <= {READ_MALFORMED}  # b is read or counted
    members = member(first) + bytes(range(256)) * 40 + member(second)
    docs, drops = read("wet", members)  # garbage between gzip members: the rest of the file is corrupt
    assert [d.url for d in docs] == ["http://a/"] and reasons(drops) == {READ_CORRUPT: 1}


def test_wrong_content_length():
    text = b"The declared length of this record is shorter than its text."
    short = record("conversion", "http://short/", text, length=len(text) - 20) + record("conversion", "http://next/", b"Next.")
    docs, _ = read("wet", short)
    assert [d.url for d in docs][-1] == "http://next/" and docs[0].text == text[:-20].decode()
    too_long = record("conversion", "http://long/", text, length=len(text) + 5000)  # runs past the end of the file
    docs, drops = read("wet", record("conversion", "http://ok/", b"Fine.") + too_long)
    assert [d.url for d in docs] == ["http://ok/"] and reasons(drops) == {READ_TRUNCATED: 1}


PAGE = "<html><head><meta charset='{cs}'><title>t</title></head><body><article><p>{text}</p></article></body></html>"
LEGACY = {
    "gbk": "\u4eca\u5929\u5929\u6c14\u5f88\u597d\uff0c\u6211\u4eec\u53bb\u516c\u56ed\u6563\u6b65\uff0c\u770b\u770b\u6e56\u8fb9\u7684\u82b1\u3002" * 3,
    "shift_jis": "\u4eca\u65e5\u306f\u3068\u3066\u3082\u3044\u3044\u5929\u6c17\u306a\u306e\u3067\u3001\u516c\u5712\u3092\u6563\u6b69\u3057\u307e\u3057\u305f\u3002" * 3,
    "cp1251": "\u0421\u0435\u0433\u043e\u0434\u043d\u044f \u0445\u043e\u0440\u043e\u0448\u0430\u044f \u043f\u043e\u0433\u043e\u0434\u0430, \u043c\u044b \u0438\u0434\u0451\u043c \u0433\u0443\u043b\u044f\u0442\u044c \u0432 \u043f\u0430\u0440\u043a. " * 3,
}


@pytest.mark.parametrize("charset", sorted(LEGACY))
@pytest.mark.parametrize("declared", ["http", "meta", "none"])
def test_legacy_encodings(charset, declared):
    text = LEGACY[charset]
    html = PAGE.format(cs=charset if declared == "meta" else "", text=text).encode(charset)
    if declared != "meta":
        html = html.replace(b"<meta charset=''>", b"")
    content_type = f"text/html; charset={charset}" if declared == "http" else "text/html"
    body = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + html
    docs, drops = read("warc", member(record("response", "http://p/", body, "application/http; msgtype=response")))
    assert drops == [] and docs[0].text == text.strip()


def test_empty_files():
    for kind in ("wet", "warc", "wikipedia"):
        for data in (b"", gzip.compress(b""), bz2.compress(b"")):
            docs, drops = read(kind, data)
            assert docs == [] and all(d.reason in (READ_TRUNCATED,) for d in drops) and len(drops) <= 1


# --- Wikipedia ------------------------------------------------------------------------------------

def wiki(pages: list[str], dbname: str = "xwiki") -> bytes:
    head = f"<mediawiki><siteinfo><dbname>{dbname}</dbname></siteinfo>\n"
    return (head + "".join(pages) + "</mediawiki>\n").encode()


def page(i: int, text: str, title: str | None = None) -> str:
    return (f"<page><title>{title or f'Page {i}'}</title><ns>0</ns><id>{i}</id><revision>"
            f"<timestamp>2024-01-01T00:00:00Z</timestamp><text>{text}</text></revision></page>\n")  # fmt: skip


def test_malformed_xml_in_one_page_loses_only_that_page():
    pages = [page(1, "First article."), page(2, "Broken <b article."), page(3, "Third article."), page(4, "Fourth.")]
    docs, drops = read("wikipedia", wiki(pages))
    assert [d.page_id for d in docs] == [1, 3, 4] and reasons(drops) == {READ_MALFORMED: 1}
    assert "@" in drops[0].detail
    bad_bytes = wiki([page(1, "One."), page(2, "Two."), page(3, "Three.")]).replace(b"Two.", b"T\xffo.")
    docs, drops = read("wikipedia", bz2.compress(bad_bytes))
    assert [d.page_id for d in docs] == [1, 3] and reasons(drops) == {READ_MALFORMED: 1}


def test_page_over_the_cap_is_counted():
    docs, drops = read("wikipedia", wiki([page(1, "Small."), page(2, "big " * 40_000), page(3, "Small too.")]), SMALL_CAP)
    assert [d.page_id for d in docs] == [1, 3] and reasons(drops) == {READ_RECORD_TOO_LARGE: 1}


def test_disambiguation_pages():
    assert is_disambiguation("'''Mercury''' may refer to:\n* [[Mercury (planet)]]\n{{disambiguation|geo}}")
    assert is_disambiguation("* [[A]]\n{{Begriffskl\u00e4rung}}") and is_disambiguation("{{Hndis|Smith, John}}")
    assert is_disambiguation("x {{place name disambiguation}}") and is_disambiguation("__DISAMBIG__")
    assert not is_disambiguation("{{Infobox planet}} Mercury is a planet. {{Disambiguation needed}}")
    docs, drops = read("wikipedia", wiki([page(1, "{{dab}}\n* [[A]]"), page(2, "An article.")]))
    assert [d.page_id for d in docs] == [2] and reasons(drops) == {READ_WIKIPEDIA_DISAMBIGUATION: 1}


def write_multistream(folder, n_pages: int = 23, per_stream: int = 4):
    """A multistream dump and its index, as Wikimedia writes them."""
    head = b'<mediawiki xml:lang="xx"><siteinfo><dbname>xxwiki</dbname></siteinfo>\n'
    streams, index = [bz2.compress(head)], []
    offset = len(streams[0])
    for first in range(1, n_pages + 1, per_stream):
        ids = range(first, min(first + per_stream, n_pages + 1))
        streams.append(bz2.compress("".join(page(i, f"Article number {i} of the test dump.") for i in ids).encode()))
        index += [f"{offset}:{i}:Page {i}" for i in ids]
        offset += len(streams[-1])
    streams.append(bz2.compress(b"</mediawiki>\n"))
    dump = folder / "xxwiki-20240101-pages-articles-multistream.xml.bz2"
    dump.write_bytes(b"".join(streams))
    (folder / "xxwiki-20240101-pages-articles-multistream-index.txt.bz2").write_bytes(bz2.compress("\n".join(index).encode() + b"\n"))
    return dump


def test_multistream_pieces_read_like_the_whole_dump(tmp_path):
    dump = write_multistream(tmp_path)
    index = multistream.index_path(str(dump))
    assert index.endswith("-multistream-index.txt.bz2")
    assert multistream.index_path("/d/enwiki-1-pages-articles-multistream3.xml-p1p9.bz2") == "/d/enwiki-1-pages-articles-multistream-index3.txt-p1p9.bz2"
    with open(index, "rb") as f:
        offsets = multistream.stream_offsets(f)
    pieces = multistream.plan_pieces(offsets, dump.stat().st_size, target_bytes=1)  # one stream per piece
    assert len(pieces) == 6 and pieces[-1].last and not pieces[0].last
    pieces_docs = []
    for piece in pieces:
        with open(dump, "rb") as f:
            out = list(read_file("wikipedia", f, dump.name, Read(), piece))
        assert all(isinstance(r, Document) for r in out)
        pieces_docs += out
    with open(dump, "rb") as f:
        whole = [r for r in read_file("wikipedia", f, dump.name)]
    assert sorted(pieces_docs) == sorted(whole) and len(whole) == 23
    assert {d.source_lang for d in whole} == {"xx"} and {d.snapshot for d in whole} == {"xxwiki-20240101"}


def test_pipeline_reads_multistream_in_pieces(tmp_path):
    dump = write_multistream(tmp_path)
    options = Read(wikipedia_range_bytes=1)
    with TestPipeline() as p:
        docs, dropped, *_ = p | ReadDocuments({"wikipedia": [str(tmp_path / "*.bz2")]}, options)
        assert_that(docs | beam.Map(lambda d: d.page_id), equal_to(list(range(1, 24))), label="AllPages")
        assert_that(dropped, equal_to([]), label="NoDrops")
        assert_that(
            docs | beam.Map(lambda d: d.input_file) | beam.Distinct(), equal_to([dump.name]), label="Provenance"
        )


# --- CommonCrawl listings and HTTPS -----------------------------------------------------------------

LISTED = [f"crawl-data/CC-MAIN-2024-22/segments/17/wet/part-{i:05d}.warc.wet.gz" for i in range(5)]


def test_listing_expansion():
    listing = gzip.compress(("\n".join(LISTED) + "\n\n").encode())
    out = list(listing_paths(io.BytesIO(listing), "s3://commoncrawl/"))
    assert out == [(f"s3://commoncrawl/{p}", p) for p in LISTED]
    first = list(listing_paths(io.BytesIO(listing), "https://data.commoncrawl.org", max_files=2))
    assert first == [(f"https://data.commoncrawl.org/{p}", p) for p in LISTED[:2]]
    config = load_config(overrides=["read.listing_prefix=s3://commoncrawl/", "read.listing_max_files=100"])
    assert config.read.listing_max_files == 100 and config.read.extractor == "resiliparse"


class _Server:
    """A loopback HTTP server for files, with scripted failures: a status for the next requests, or a cut body."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.failures, self.requests = files, [], []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                failure = server.failures.pop(0) if server.failures else None
                if isinstance(failure, int):
                    self.send_error(failure)
                    return
                start = int(self.headers["Range"][6:].split("-")[0]) if self.headers.get("Range") else 0
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                body = data[start:]
                if failure == "cut":  # send half the body, then drop the connection
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    wet = b"".join(member(record("conversion", f"http://{i}.example/", f"Text of page {i}. ".encode() * 500)) for i in range(20))
    s = _Server({f"/{LISTED[0]}": wet, f"/{LISTED[1]}": wet})
    s.files["/wet.paths.gz"] = gzip.compress("\n".join(LISTED[:2]).encode())
    yield s
    s.close()


def test_http_stream_retries_and_resumes(server):
    waits = []
    server.failures = [503, 503, "cut", "cut"]
    with HttpStream(f"{server.url}/{LISTED[0]}", retries=5, backoff=0.01, sleep=waits.append) as stream:
        data = stream.read()
    assert data == server.files[f"/{LISTED[0]}"]
    assert waits == [0.01, 0.02, 0.01, 0.01]  # doubled while failing in a row, reset after progress
    ranges = [r for _, r in server.requests]
    assert ranges[:3] == [None, None, None] and all(r and r.startswith("bytes=") for r in ranges[3:])
    with pytest.raises(OSError, match="404"):
        HttpStream(f"{server.url}/missing", retries=5, backoff=0.01, sleep=waits.append)
    server.failures = [503] * 3
    with pytest.raises(OSError, match="503"):
        HttpStream(f"{server.url}/{LISTED[0]}", retries=2, backoff=0.01, sleep=lambda s: None)


def test_pipeline_reads_a_listing_over_https(server, tmp_path):
    listing = tmp_path / "CC-MAIN-2024-22-wet.paths.gz"
    listing.write_bytes(server.files["/wet.paths.gz"])
    server.failures = ["cut"]
    options = Read(listing_prefix=server.url + "/", listing_max_files=1, http_backoff_seconds=0.01)
    with TestPipeline() as p:
        docs, dropped, *_ = p | ReadDocuments({"wet": [str(listing), f"{server.url}/wet.paths.gz"]}, options)
        assert_that(docs | beam.combiners.Count.Globally(), equal_to([40]), label="Count")
        assert_that(docs | beam.Map(lambda d: (d.input_file, d.snapshot)) | beam.Distinct(),
                    equal_to([(LISTED[0], "CC-MAIN-2024-22")]), label="Provenance")  # fmt: skip
        assert_that(dropped | beam.Map(lambda d: d.reason), equal_to([]), label="NoDrops")


def test_trafilatura_is_selectable():
    pytest.importorskip("trafilatura")  # optional extra
    article = " ".join(f"Sentence number {i} of the article about the mobile library in the valley." for i in range(12))
    html = (f"<html><head><title>T</title></head><body><nav><ul><li><a href='/'>Home page link</a></li></ul></nav>"
            f"<article><h1>The mobile library</h1><p>{article}</p></article>"
            f"<footer><p>Copyright notice of the site and its owners</p></footer></body></html>").encode()  # fmt: skip
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    docs, drops = read("warc", member(record("response", "http://t/", body, "application/http; msgtype=response")),
                       Read(extractor="trafilatura"))  # fmt: skip
    assert drops == [] and article in docs[0].text and "Copyright" not in docs[0].text
