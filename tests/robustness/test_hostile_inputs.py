"""Hostile inputs, generated here: the build finishes, keeps what is readable, counts the rest.

One build reads every hostile file at once (plus a few good records beside them);
each case then checks its own outcome in the manifest and the shards.
"""

import bz2
import gzip
import io
import random
import socket

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus import release
from corpus.config import load_config
from pipelines.build import run_build

GOOD = {  # distinct texts, so that deduplication keeps every one of them
    "lake": "The morning ferry crosses the lake in forty minutes and the captain greets every passenger by name. "
    "On the far shore a small bakery sells rye bread and honey cakes to the early travellers.",
    "split": "Our allotment committee meets on the first Tuesday of each month to share seeds and plan the spring work. "
    "Members bring spare tools, and the newest gardeners are paired with someone who has grown beans for years.",
    "html": "The museum reopened its clock gallery after two years of careful restoration by volunteers. "
    "Visitors can now watch the oldest tower mechanism strike the hour, and a guide explains how its gears were cast.",
    "utf16": "Heavy rain closed the mountain road on Friday, so the weekly market moved to the school gymnasium. "
    "Farmers stacked their crates of apples under the basketball hoops and sold out before noon.",
    "wiki1": "Mapleford is a small town known for its stone bridge, which has carried carts and then cars for three centuries. "
    "The bridge was widened once, and the old parapet stones were numbered so they could be put back in order.",
    "wiki2": "The Northern Line railway climbs through six tunnels before it reaches the plateau above the valley. "
    "Its steepest section was built with a rack rail, and an old steam engine still runs on it in summer.",
}
GOOD_EN = (
    "The morning ferry crosses the lake in forty minutes and the captain greets every passenger by name.\n"
    "On the far shore a small bakery sells rye bread, honey cakes and strong coffee to the early travellers.\n"
    "In autumn the hills turn red and walkers come from the city to follow the old shepherd paths above the water.\n"
    "The village school has twelve pupils and one teacher, who also plays the organ in the church on Sundays."
)


def wet_record(writer, url, text: bytes, headers=None):
    extra = [("WARC-Target-URI", url), ("WARC-Date", "2099-01-01T00:00:00Z"), ("Content-Type", "text/plain")]
    record = writer.create_warc_record(url, "conversion", payload=io.BytesIO(text), warc_headers_dict=dict(extra + (headers or [])))
    writer.write_record(record)


def html_response(writer, url, body: bytes, content_type="text/html; charset=utf-8"):
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def warc_bytes(fill, gzip_records=True) -> bytes:
    out = io.BytesIO()
    fill(WARCWriter(out, gzip=gzip_records))
    return out.getvalue()


def wiki_dump(pages_xml: str, doctype: str = "") -> bytes:
    head = (
        f'<?xml version="1.0"?>{doctype}<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/">'
        "<siteinfo><dbname>enwiki</dbname></siteinfo>"
    )
    return bz2.compress((head + pages_xml).encode())


def page(title, text, page_id):
    return (
        f"<page><title>{title}</title><ns>0</ns><id>{page_id}</id><revision><id>1</id>"
        f"<timestamp>2099-01-01T00:00:00Z</timestamp><model>wikitext</model><format>text/x-wiki</format>"
        f'<text xml:space="preserve">{text}</text></revision></page>'
    )


@pytest.fixture(scope="module")
def no_network():
    """Any connection attempt outside loopback fails the build loudly, so a fetch cannot go unseen.
    The build runs in this process (in_memory), so the guard covers the code that reads."""
    original = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and not host.startswith("/"):
            raise AssertionError(f"network access attempted: {address}")
        return original(self, address)

    socket.socket.connect = guarded
    yield
    socket.socket.connect = original


def test_the_network_guard_would_catch_a_fetch(no_network):
    with socket.socket() as s, pytest.raises(AssertionError, match="network access attempted"):
        s.connect(("198.51.100.7", 80))


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory, no_network):
    folder = tmp_path_factory.mktemp("hostile")
    wet, warc, wiki = folder / "wet", folder / "warc", folder / "wiki"
    for d in (wet, warc, wiki):
        d.mkdir()
    rng = random.Random(7)
    (wet / "random-bytes.warc.wet.gz").write_bytes(bytes(rng.getrandbits(8) for _ in range(5000)))
    (wet / "gzip-of-text.warc.wet.gz").write_bytes(gzip.compress(b"just some plain text, not a WARC file\n" * 50))
    (wet / "empty.warc.wet.gz").write_bytes(b"")

    def good_then_absurd_length(w):
        wet_record(w, "https://good.example/1", GOOD["lake"].encode())
    data = warc_bytes(good_then_absurd_length)
    absurd = b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://bad.example/\r\nContent-Length: 999999999999999\r\n\r\nshort"
    (wet / "absurd-length.warc.wet.gz").write_bytes(data + gzip.compress(absurd))

    def split_members(w):
        wet_record(w, "https://split.example/1", GOOD["split"].encode())
    whole = warc_bytes(split_members, gzip_records=False)
    half = len(whole) // 2
    (wet / "split-members.warc.wet.gz").write_bytes(gzip.compress(whole[:half]) + gzip.compress(whole[half:]))

    def text_cases(w):
        wet_record(w, "https://empty.example/", b"")
        wet_record(w, "https://emoji.example/", ("\U0001F600\U0001F680\U0001F30D " * 200).encode())
        wet_record(w, "https://controls.example/", bytes(range(1, 32)) * 50)
        wet_record(w, "https://repeated.example/", b"a" * 5000)
        wet_record(w, "https://bad-utf8.example/", b"\xff\xfe\xfa" * 500 + GOOD_EN.encode())
        wet_record(w, "https://utf16.example/", "\ufeff".encode("utf-16-le") + GOOD["utf16"].encode("utf-16-le"))
        wet_record(w, "https://huge.example/", b"x" * (3 * 1024 * 1024))  # over read.max_record_bytes below
        wet_record(w, "https://long.example/", ("word " * 40000).encode())  # over read.max_text_chars below
        wet_record(w, "https://lines.example/", "".join(f"line {i}\n" for i in range(3000)).encode())  # over read.max_lines
    (wet / "text-cases.warc.wet.gz").write_bytes(warc_bytes(text_cases))

    def html_cases(w):
        html_response(w, "https://script.example/", b"<html><body>" + b"<script>var a=1;</script>" * 20000 + b"<p>Hi</p></body></html>")
        html_response(w, "https://nested.example/", b"<html><body>" + b"<div>" * 50000 + b"deep" + b"</div>" * 50000 + b"</body></html>")
        html_response(w, "https://bomb.example/", b"<html><body><p>" + b" " * (8 * 1024 * 1024) + b"</p></body></html>")
        html_response(w, "https://good-html.example/", f"<html><head><title>Lake</title></head><body><article><p>{GOOD['html']}</p></article></body></html>".encode())
    (warc / "html-cases.warc.gz").write_bytes(warc_bytes(html_cases))

    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' \
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">' \
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">' \
        '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">' \
        '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">' \
        '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">]>'
    (wiki / "enwiki-20990101-laughs-pages-articles.xml.bz2").write_bytes(
        wiki_dump(page("Good", GOOD["wiki1"], 1) + page("Bomb", "&lol7;", 2) + "</mediawiki>", laughs)
    )
    external = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://198.51.100.7/x">]>'
    (wiki / "enwiki-20990101-external-pages-articles.xml.bz2").write_bytes(
        wiki_dump(page("Secret", "&secret; &remote;", 3) + "</mediawiki>", external)
    )
    (wiki / "enwiki-20990101-unclosed-pages-articles.xml.bz2").write_bytes(
        wiki_dump(page("Kept", GOOD["wiki2"], 4) + "<page><title>Cut</title><ns>0</ns><id>5</id><revision><text>never")
    )
    (wiki / "enwiki-20990101-cut-bz2-pages-articles.xml.bz2").write_bytes(
        wiki_dump(page("Also kept", GOOD["lake"].replace("ferry", "barge"), 6) + "</mediawiki>")[:-40]
    )

    out = folder / "release"
    config = load_config(
        None,
        [f"output.dir={out}", "tokenizer.enabled=false", "read.max_record_bytes=2097152", "read.max_text_chars=150000", "read.max_lines=2000", "filters.min_chars=100", "filters.min_words=10", "filters.min_web_words=10"],
        [f"wet={wet}/*.gz", f"warc={warc}/*.gz", f"wikipedia={wiki}/*.bz2"],
    )
    manifest = run_build(config, ["--direct_running_mode=in_memory"])
    table = pq.read_table(out / "docs")
    return manifest, set(table.column("url").to_pylist()) | set(table.column("title").to_pylist())


def test_the_build_finishes_and_reconciles(hostile_build):
    manifest, _ = hostile_build
    assert release.reconciles(manifest)


def test_readable_records_beside_hostile_ones_are_kept(hostile_build):
    _, kept = hostile_build
    for url in ("https://good.example/1", "https://split.example/1", "https://good-html.example/", "https://utf16.example/"):
        assert url in kept, url
    for title in ("Good", "Kept"):
        assert title in kept, title


def test_each_hostile_case_is_counted_under_a_named_reason(hostile_build):
    manifest, kept = hostile_build
    dropped = manifest["documents"]["dropped"]
    assert dropped.get("read/not_warc", 0) >= 2  # random bytes, gzip of plain text
    assert dropped.get("read/record_too_large", 0) >= 1
    assert dropped.get("read/truncated", 0) + dropped.get("read/malformed", 0) >= 3  # absurd length, unclosed page, cut bz2
    assert dropped.get("read/empty_text", 0) >= 1
    assert dropped.get("read/text_too_long", 0) == 1 and dropped.get("read/too_many_lines", 0) == 1
    assert any(r.startswith(("filter/", "langid/")) for r in dropped)  # emoji, control characters, one repeated character
    for url in ("https://emoji.example/", "https://controls.example/", "https://repeated.example/", "https://bomb.example/", "https://huge.example/"):
        assert url not in kept
    assert all(reason.count("/") == 1 for reason in dropped)


def test_xml_entities_are_neither_expanded_nor_fetched(hostile_build):
    _, kept = hostile_build
    assert "Bomb" not in kept and "Secret" not in kept
