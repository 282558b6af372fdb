"""Readers (corpus.sources): generated inputs for each rule and drop reason, then the real samples."""

from __future__ import annotations

import bz2
import gzip
import io
import os
import random
from collections import Counter

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import corpus.sources.wikipedia as wikipedia_module
from corpus.schema import Document, Drop
from corpus.sources import KINDS, read_file, snapshot_from_path
from corpus.sources.compressed import DecompressedStream
from corpus.sources.wikipedia import wikitext_to_text
from corpus.statistics import (
    READ_BAD_HTTP,
    READ_CORRUPT,
    READ_EMPTY_TEXT,
    READ_HTTP_STATUS,
    READ_MALFORMED,
    READ_MISSING_HEADER,
    READ_NOT_HTML,
    READ_NOT_WARC,
    READ_REASONS,
    READ_SKIPPED_BYTES,
    READ_TRUNCATED,
    READ_UNDECODABLE,
    READ_WIKIPEDIA_DISAMBIGUATION,
    READ_WIKIPEDIA_NAMESPACE,
    READ_WIKIPEDIA_REDIRECT,
)

from conftest import SHARED_DATA

DATA = str(SHARED_DATA)
CC = f"{DATA}/commoncrawl"
WIKI = f"{DATA}/wikipedia"


def read(kind: str, data: bytes, path: str = "x") -> tuple[list[Document], list[Drop]]:
    out = list(read_file(kind, io.BytesIO(data), path))
    return [r for r in out if isinstance(r, Document)], [r for r in out if isinstance(r, Drop)]


def reasons(drops: list[Drop]) -> Counter:
    return Counter(d.reason for d in drops)


# --- generated WARC / WET ----------------------------------------------------------------------

def warc_bytes(records, gzip_members: bool = True) -> bytes:
    """records: (type, url, payload bytes, extra WARC headers, http headers or None)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_members)
    writer.write_record(writer.create_warcinfo_record("x.warc.gz", {"software": "test"}))
    for rec_type, url, payload, extra, http in records:
        headers = StatusAndHeaders(*http, protocol="HTTP/1.1") if http else None
        record = writer.create_warc_record(
            url, rec_type, payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict=extra or {}, warc_content_type=None if http else "text/plain",
        )  # fmt: skip
        writer.write_record(record)
    return buffer.getvalue()


def conversion(url: str, text: str, lang: str = "eng") -> tuple:
    return ("conversion", url, text.encode("utf-8"), {"WARC-Identified-Content-Language": lang}, None)


def response(url: str, body: bytes, content_type: str = "text/html", status: str = "200 OK", extra_http=()) -> tuple:
    return ("response", url, body, {}, (status, [("Content-Type", content_type), *extra_http]))


WET_PATH = "crawl-data/CC-MAIN-2024-22/segments/1/wet/CC-MAIN-x.warc.wet.gz"


def test_kinds_and_snapshot():
    assert KINDS == ("wet", "warc", "wikipedia")
    assert all(r.startswith("read/") for r in READ_REASONS)
    assert snapshot_from_path(WET_PATH) == "CC-MAIN-2024-22"
    assert snapshot_from_path("gs://b/enwiki-20240501-pages-articles-multistream1.xml-p1p41242.bz2") == "enwiki-20240501"
    assert snapshot_from_path("/tmp/zh_yuewiki-latest-pages-articles.xml.bz2") == "zh_yuewiki-latest"
    assert snapshot_from_path("local/file.warc.gz") == ""
    with pytest.raises(ValueError):
        read_file("arc", io.BytesIO(b""), "x")


def test_wet_conversion_records_become_documents():
    data = warc_bytes([
        conversion("http://a.example/", "Hello  world.\r\n\r\nSecond\u200b paragraph.", "rus,eng"),
        ("request", "http://a.example/", b"GET / HTTP/1.1\r\n\r\n", {}, None),
        conversion("http://b.example/", "   \n  "),
        ("metadata", "http://a.example/", b"k: v\r\n", {}, None),
    ])  # fmt: skip
    docs, drops = read("wet", data, WET_PATH)
    assert len(docs) == 1 and reasons(drops) == {READ_EMPTY_TEXT: 1}
    doc = docs[0]
    assert doc.source == "commoncrawl" and doc.url == "http://a.example/"
    assert doc.text == "Hello world.\nSecond paragraph."
    assert doc.source_lang == "rus,eng" and doc.snapshot == "CC-MAIN-2024-22" and doc.input_file == WET_PATH
    assert doc.record_id.startswith("<urn:uuid:") and doc.date.startswith("20")
    assert drops[0].detail.startswith(WET_PATH + "@")


@pytest.mark.parametrize("compress", ["members", "single", "bz2", "plain"])
def test_wet_containers(compress):
    records = [conversion(f"http://{i}.example/", f"text number {i}") for i in range(5)]
    if compress == "members":
        data = warc_bytes(records)
    else:
        plain = warc_bytes(records, gzip_members=False)
        data = {"single": gzip.compress(plain), "bz2": bz2.compress(plain), "plain": plain}[compress]
    docs, drops = read("wet", data)
    assert [d.url for d in docs] == [f"http://{i}.example/" for i in range(5)] and drops == []


def test_wet_missing_url_and_undecodable():
    no_url = ("conversion", "", b"some text", {}, None)
    latin1 = ("conversion", "http://c.example/", "\u00e9t\u00e9 \u00e0 la plage ".encode("latin-1") * 20, {}, None)
    docs, drops = read("wet", warc_bytes([no_url, latin1, conversion("http://ok/", "ok")]))
    assert len(docs) == 1 and reasons(drops) == {READ_MISSING_HEADER: 1, READ_UNDECODABLE: 1}


def test_truncated_gzip_member_keeps_complete_records():
    data = warc_bytes([conversion(f"http://{i}.example/", "word " * 2000) for i in range(4)])
    for cut in (len(data) - 200, len(data) // 2):
        docs, drops = read("wet", data[:cut])
        assert len(docs) + len(drops) <= 4 and len(drops) == 1
        assert drops[0].reason == READ_TRUNCATED and "@" in drops[0].detail
        assert [d.url for d in docs] == [f"http://{i}.example/" for i in range(len(docs))]
    docs, drops = read("wet", data[: len(data) - 200])
    assert len(docs) == 3  # only the last record was cut
    docs, drops = read("wet", data[: len(data) - 6])  # only the gzip trailer is missing: all records read
    assert len(docs) == 4 and reasons(drops) == {READ_TRUNCATED: 1}


def test_truncated_single_stream_gzip_and_bz2():
    rng = random.Random(1)
    words = lambda: " ".join(f"w{rng.randrange(100_000)}" for _ in range(5000))  # noqa: E731 (compresses evenly)
    plain = warc_bytes([conversion(f"http://{i}.example/", words()) for i in range(3)], gzip_members=False)
    for packed, least in ((gzip.compress(plain), 1), (bz2.compress(plain, 1), 0)):  # bz2 gives nothing of a cut block
        docs, drops = read("wet", packed[: int(len(packed) * 0.8)])
        assert len(drops) == 1 and drops[0].reason == READ_TRUNCATED
        assert least <= len(docs) <= 2


def test_corrupt_gzip_and_trailing_garbage():
    data = warc_bytes([conversion(f"http://{i}.example/", "word " * 100) for i in range(3)])
    docs, drops = read("wet", data + b"this is not gzip at all")
    assert len(docs) == 3 and reasons(drops) == {READ_CORRUPT: 1}
    docs, drops = read("wet", data + b"\x00" * 512)  # zero padding is allowed
    assert len(docs) == 3 and drops == []
    flipped = bytearray(gzip.compress(warc_bytes([conversion("http://x/", "word " * 3000)], gzip_members=False)))
    flipped[len(flipped) // 2] ^= 0xFF
    docs, drops = read("wet", bytes(flipped))
    assert len(drops) == 1 and drops[0].reason in (READ_CORRUPT, READ_TRUNCATED)


@pytest.mark.parametrize("kind", ["wet", "warc"])
def test_not_a_warc(kind):
    rng = random.Random(7)
    noise = bytes(rng.getrandbits(8) for _ in range(50_000))
    for data in (noise, gzip.compress(b"just some text\n" * 1000), b"<html>hello</html>"):
        docs, drops = read(kind, data)
        assert docs == [] and len(drops) == 1 and drops[0].reason == READ_NOT_WARC
    assert read(kind, b"") == ([], [])


def test_leading_fragment_is_counted():
    data = warc_bytes([conversion("http://a/", "alpha"), conversion("http://b/", "beta")], gzip_members=False)
    docs, drops = read("wet", b"tail of a previous record\r\n\r\n" + data)
    assert [d.url for d in docs] == ["http://a/", "http://b/"] and reasons(drops) == {READ_SKIPPED_BYTES: 1}


# --- generated WARC responses ----------------------------------------------------------------------

HTML = b"""<html><head><title>A  title</title><meta charset="%s"></head><body>
<nav><a href="/">Home</a> <a href="/x">Menu</a></nav>
<article><h1>Heading of the article</h1><p>%s</p><p>Second paragraph of the article with enough words in it.</p>
<ul><li>First item of the list</li><li>Second item of the list</li></ul></article>
<footer>Copyright footer</footer></body></html>"""


def page(text: str, charset: str, declare: str | None = None) -> bytes:
    return HTML % ((declare or charset).encode(), text.encode(charset))


def test_warc_html_responses():
    french = "L'\u00e9t\u00e9 est arriv\u00e9 \u00e0 Montr\u00e9al, les for\u00eats sont vertes et tr\u00e8s belles."
    russian = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u042d\u0442\u043e \u0442\u0435\u0441\u0442\u043e\u0432\u0430\u044f \u0441\u0442\u0440\u0430\u043d\u0438\u0446\u0430."
    data = warc_bytes([
        response("http://utf8/", page(french, "utf-8")),
        response("http://meta/", page(french, "windows-1252")),  # charset only in <meta>
        response("http://http/", page(russian, "koi8-r", declare="utf-8"),  # HTTP header wins over <meta>
                 content_type="text/html; charset=koi8-r"),
        response("http://img/", b"\x89PNG....", content_type="image/png"),
        response("http://404/", b"<html>gone</html>", status="404 Not Found"),
        response("http://empty/", b"<html><body><script>x()</script></body></html>"),
        response("http://bin/", bytes(range(256)) * 50),
        ("request", "http://utf8/", b"GET / HTTP/1.1\r\n\r\n", {}, None),
    ])  # fmt: skip
    docs, drops = read("warc", data, "CC-MAIN-2020-34/x.warc.gz")
    by_url = {d.url: d for d in docs}
    assert set(by_url) == {"http://utf8/", "http://meta/", "http://http/"}
    assert french in by_url["http://utf8/"].text and french in by_url["http://meta/"].text
    assert russian in by_url["http://http/"].text
    lines = by_url["http://utf8/"].text.split("\n")
    assert "Heading of the article" in lines and "Second paragraph of the article with enough words in it." in lines
    assert "Copyright footer" not in lines  # main content only
    assert by_url["http://utf8/"].title == "A title" and by_url["http://utf8/"].snapshot == "CC-MAIN-2020-34"
    assert reasons(drops) == {READ_NOT_HTML: 1, READ_HTTP_STATUS: 1, READ_EMPTY_TEXT: 1, READ_UNDECODABLE: 1}
    detail = {d.reason: d.detail for d in drops}
    assert detail[READ_NOT_HTML].endswith(" image/png") and detail[READ_HTTP_STATUS].endswith(" 404")


def test_warc_chunked_and_gzip_content_encoding():
    body = page("Compressed and chunked body of the page, with many words to extract.", "utf-8")
    packed = gzip.compress(body)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(packed[i : i + 100]), packed[i : i + 100]) for i in range(0, len(packed), 100))
    chunked += b"0\r\n\r\n"
    data = warc_bytes([
        response("http://gz/", packed, extra_http=[("Content-Encoding", "gzip")]),
        response("http://chunked/", chunked, extra_http=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]),
        response("http://stale/", body, extra_http=[("Content-Encoding", "gzip")]),  # header kept, body already decoded
    ])  # fmt: skip
    docs, drops = read("warc", data)
    assert drops == [] and len(docs) == 3
    assert all("Compressed and chunked body" in d.text for d in docs)


def raw_record(rec_type: str, url: str, content_type: str, block: bytes) -> bytes:
    header = (
        f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash(url))}>\r\nContent-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return gzip.compress(header + block + b"\r\n\r\n")


def test_warc_bad_http_and_non_http_response():
    data = raw_record("response", "http://bad/", "application/http; msgtype=response", b"\x00\x01garbage without headers")
    data += raw_record("response", "dns:example.com", "text/dns", b"20080430204825\nexample.com.\t589\tIN\tA\t1.2.3.4\n")
    docs, drops = read("warc", data)
    assert docs == [] and len(drops) == 2
    assert reasons(drops)[READ_NOT_HTML] == 1 and set(reasons(drops)) <= {READ_NOT_HTML, READ_BAD_HTTP, READ_HTTP_STATUS}


# --- generated Wikipedia ----------------------------------------------------------------------

def wiki_xml(pages: list[tuple[str, int, str, bool]], close: bool = True) -> bytes:
    out = [
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="fr">',
        "<siteinfo><sitename>Wikip\u00e9dia</sitename><dbname>frwiki</dbname>"
        "<base>https://fr.wikipedia.org/wiki/Wikip%C3%A9dia:Accueil_principal</base><namespaces>"
        '<namespace key="0" case="first-letter" /><namespace key="6" case="first-letter">Fichier</namespace>'
        '<namespace key="14" case="first-letter">Cat\u00e9gorie</namespace></namespaces></siteinfo>',
    ]
    for i, (title, ns, text, redirect) in enumerate(pages, start=1):
        out.append(
            f"<page><title>{title}</title><ns>{ns}</ns><id>{i}</id>"
            + (f'<redirect title="{text}" />' if redirect else "")
            + f"<revision><id>{100 + i}</id><timestamp>2024-05-0{i % 9 + 1}T00:00:00Z</timestamp>"
            f"<model>wikitext</model><format>text/x-wiki</format>"
            f'<text bytes="{len(text)}" xml:space="preserve">{text}</text></revision></page>'
        )
    if close:
        out.append("</mediawiki>")
    return "\n".join(out).encode("utf-8")


ARTICLE = (
    "{{Infobox|name=x}}'''Paris''' est la [[capitale]] de la [[France|R\u00e9publique fran\u00e7aise]]."
    "&lt;ref&gt;source&lt;/ref&gt; &lt;!-- note --&gt;\n\n== Histoire ==\n"
    "* Premier point\n* Second point avec [http://example.org un lien]\n"
    "{| class=wikitable\n|cell||cell\n|}\n[[Fichier:Paris.jpg|thumb|L\u00e9gende]]\n[[Cat\u00e9gorie:Ville]] [[en:Paris]]"
)


def test_wikipedia_pages():
    xml = wiki_xml([
        ("Paris", 0, ARTICLE, False),
        ("Capitale de la France", 0, "Paris", True),
        ("Discussion:Paris", 1, "talk", False),
        ("Vide", 0, "{{\u00c9bauche}}", False),
        ("Mercure", 0, "Mercure peut d\u00e9signer :\n* [[Mercure (plan\u00e8te)]]\n{{Homonymie}}", False),
    ])  # fmt: skip
    for data, path in ((xml, "frwiki-20240501-pages-articles.xml"), (bz2.compress(xml), "dump.xml.bz2")):
        docs, drops = read("wikipedia", data, path)
        assert len(docs) == 1
        assert reasons(drops) == {
            READ_WIKIPEDIA_REDIRECT: 1, READ_WIKIPEDIA_NAMESPACE: 1, READ_EMPTY_TEXT: 1, READ_WIKIPEDIA_DISAMBIGUATION: 1
        }  # fmt: skip
        doc = docs[0]
        assert doc.source == "wikipedia" and doc.title == "Paris" and doc.page_id == 1
        assert doc.url == "https://fr.wikipedia.org/wiki/Paris" and doc.source_lang == "fr"
        assert doc.date == "2024-05-02T00:00:00Z"
        assert doc.snapshot == ("frwiki-20240501" if path.startswith("frwiki") else "frwiki")
        assert doc.text.split("\n") == [
            "Paris est la capitale de la R\u00e9publique fran\u00e7aise.",
            "Histoire",
            "Premier point",
            "Second point avec un lien",
        ]


def test_wikipedia_truncated_dump_and_no_entities(tmp_path):
    xml = wiki_xml([("A", 0, "Alpha text.", False), ("B", 0, "Beta text.", False), ("C", 0, "Gamma text " * 50, False)], close=False)
    docs, drops = read("wikipedia", xml[: len(xml) - 40])
    assert [d.title for d in docs] == ["A", "B"] and reasons(drops) == {READ_TRUNCATED: 1}
    docs, drops = read("wikipedia", bz2.compress(xml)[:-30])  # cut bz2 stream too
    assert len(drops) == 1 and drops[0].reason == READ_TRUNCATED and len(docs) <= 2
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<mediawiki><siteinfo><dbname>xwiki</dbname></siteinfo>"
        "<page><title>E</title><ns>0</ns><id>1</id><revision><text>before &x; after</text></revision></page></mediawiki>"
    ).encode()
    docs, drops = read("wikipedia", evil)
    assert all("SECRET" not in d.text for d in docs) and len(docs) + len(drops) >= 1


def test_wikitext_to_text_localised_namespaces():
    text = wikitext_to_text("A [[Image:x.png|thumb|cap]] b [[Fichier:y.png]] c [[:Cat\u00e9gorie:Z|see]] d", {"image", "fichier"}, {"cat\u00e9gorie"})
    assert text == "A b c d"


def test_decompressed_stream_reports_position():
    data = DecompressedStream(io.BytesIO(gzip.compress(b"a" * 10) + gzip.compress(b"b" * 5)))
    assert data.read() == b"a" * 10 + b"b" * 5 and data.error is None and data.position == 15


# --- real samples ----------------------------------------------------------------------

needs_data = pytest.mark.skipif(not os.path.isdir(DATA), reason="sample data folder absent")


def read_path(kind: str, path: str):
    with open(path, "rb") as f:
        out = list(read_file(kind, f, path))
    return [r for r in out if isinstance(r, Document)], [r for r in out if isinstance(r, Drop)]


@needs_data
def test_real_wet_excerpt():
    docs, drops = read_path("wet", f"{CC}/CC-MAIN-2020-50-excerpt.warc.wet.gz")
    assert len(docs) + len(drops) == 318 and len(docs) >= 310
    assert {d.snapshot for d in docs} == {"CC-MAIN-2020-50"}
    langs = Counter(d.source_lang.split(",")[0] for d in docs)  # kept as given, e.g. "rus,eng"
    assert langs["eng"] >= 85 and langs["zho"] >= 80 and any("," in d.source_lang for d in docs)
    assert all(d.url and d.record_id and d.text for d in docs)


@needs_data
def test_real_warc_excerpt():
    docs, drops = read_path("warc", f"{CC}/CC-MAIN-2020-34-excerpt.warc.gz")
    assert len(docs) == 16 and drops == []
    assert all(d.text.strip() and d.url.startswith("http") for d in docs)
    assert sum(1 for d in docs if d.title) >= 12


@needs_data
def test_real_arc_reads_like_the_same_crawl_as_warc():
    """The Internet Archive sample exists as ARC and as WARC: both give the same pages and the same drops."""
    arc_docs, arc_drops = read_path("warc", f"{CC}/archive-org-2008-example.arc.gz")
    warc_docs, warc_drops = read_path("warc", f"{CC}/archive-org-2008-example.warc.gz")
    assert len(arc_docs) == len(warc_docs) > 90
    assert sorted(d.url for d in arc_docs) == sorted(d.url for d in warc_docs)
    assert reasons(arc_drops) == reasons(warc_drops)
    assert all(d.date.startswith("2008-04-30T") for d in arc_docs)


def test_an_arc_file_given_as_wet_is_one_counted_drop(tmp_path):
    arc = b"filedesc://x.arc 0.0.0.0 20080430204825 text/plain 10\n1 0 x\nabc\n\n"
    docs, drops = read("wet", arc, "x.arc")
    assert docs == [] and reasons(drops) == {READ_NOT_WARC: 1}


# fixture -> (kind, documents kept, Counter of drops)
MALFORMED = {
    "appended_zip_fragment_unexpected_eof.wet.gz": ("wet", 15, {READ_TRUNCATED: 1}),
    "badexample.arc.gz": ("warc", 1, {READ_NOT_HTML: 2, READ_MALFORMED: 1}),  # 3 captures, then a broken header
    "block-sized-records.warc.gz": ("warc", 0, {}),
    "clipped.warc.gz": ("warc", 0, {READ_TRUNCATED: 1}),
    "clueweb-quirk.warc.gz": ("warc", 29, {}),
    "corrupt_starts_with_conversion.wet.gz": ("wet", 5, {}),
    "corrupt_two_warcinfo.wet.gz": ("wet", 5, {}),
    "corrupt_warcconversion_1.wet.gz": ("wet", 4, {READ_MISSING_HEADER: 1}),
    "corrupt_warcinfo_1.wet.gz": ("wet", 5, {}),
    "file_headers_only.wet.gz": ("wet", 0, {}),
    "fragment1_incomplete_last.wet.gz": ("wet", 1, {READ_TRUNCATED: 1}),
    "fragment2_no_header.wet.gz": ("wet", 1, {READ_SKIPPED_BYTES: 1, READ_TRUNCATED: 1}),
}


@needs_data
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_fixtures(name):
    kind, kept, dropped = MALFORMED[name]
    docs, drops = read_path(kind, f"{CC}/malformed/{name}")
    assert len(docs) == kept and reasons(drops) == dropped
    assert all(d.detail.startswith(f"{CC}/malformed/{name}@") for d in drops)


# file -> (complete pages, namespace-0 pages) from MANIFEST.md
WIKIPEDIA_DUMPS = {
    "bnwiki-truncated-100k.xml.bz2": (722, 449),
    "elwiki-truncated-100k.xml.bz2": (933, 546),
    "enwiki-wp2txt-excerpt.xml.bz2": (251, 250),
    "hywiki-truncated-100k.xml.bz2": (408, 308),
    "jawiki-truncated-100k.xml.bz2": (238, 204),
    "jawiki-wp2txt-excerpt.xml.bz2": (262, 223),
    "mrwiki-truncated-100k.xml.bz2": (1820, 1087),
    "ukwiki-truncated-100k.xml.bz2": (532, 526),
    "viwiki-truncated-100k.xml.bz2": (970, 361),
}


@needs_data
@pytest.mark.parametrize("name", sorted(WIKIPEDIA_DUMPS))
def test_real_wikipedia_dumps(name, monkeypatch):
    """Counting over every dump, with the (slow) wikitext conversion replaced by a strip to stay fast."""
    monkeypatch.setattr(wikipedia_module, "convert", lambda text, *names: (text.strip(), []))
    pages, ns0 = WIKIPEDIA_DUMPS[name]
    docs, drops = read_path("wikipedia", f"{WIKI}/{name}")
    counts = reasons(drops)
    assert len(docs) + len(drops) == pages + 1  # every complete page, plus the cut one
    assert counts[READ_TRUNCATED] == 1 and drops[-1].reason == READ_TRUNCATED
    assert abs((pages - counts[READ_WIKIPEDIA_NAMESPACE]) - ns0) <= 1  # elwiki's table counts the cut page
    skipped = (READ_WIKIPEDIA_NAMESPACE, READ_WIKIPEDIA_REDIRECT, READ_WIKIPEDIA_DISAMBIGUATION, READ_EMPTY_TEXT)
    assert len(docs) == pages - sum(counts[r] for r in skipped)
    lang = name.split("wiki")[0]
    assert all(d.source_lang == lang and d.url.startswith(f"https://{lang}.wikipedia.org/wiki/") for d in docs)


@needs_data
def test_real_wikipedia_text():
    """The full conversion on one small dump: articles with text, stubs of templates only are empty."""
    docs, drops = read_path("wikipedia", f"{WIKI}/jawiki-wp2txt-excerpt.xml.bz2")
    assert len(docs) >= 190 and reasons(drops)[READ_TRUNCATED] == 1
    assert all(d.text for d in docs)
    clean = [d for d in docs if "{{" not in d.text and "[[" not in d.text and "<ref" not in d.text]
    assert len(clean) >= 0.99 * len(docs)  # an unbalanced parser function can survive mwparserfromhell
    assert sum(d.n_chars for d in docs) > 100_000
