"""Interlanguage links from a MediaWiki `langlinks` table dump (<db>-<date>-langlinks.sql.gz).

The dump is mysqldump output: long `INSERT INTO `langlinks` VALUES (ll_from,'ll_lang','ll_title'),...;`
lines, with backslash escapes in the strings. It is read as a stream, one line at a
time, so a dump of any size needs only one INSERT line in memory.

    for item in read(stream, path): ...   # LangLink records and Drops

Counting rule, as for the other readers: every row tuple of an INSERT yields one
LangLink or one Drop; a file cut short or corrupt yields one Drop for the remainder.
"""

from __future__ import annotations

import io
import re
from typing import BinaryIO, Iterator, NamedTuple

from corpus.schema import WIKIPEDIA, Drop
from corpus.sources.compressed import DecompressedStream
from corpus.statistics import LANGLINKS_CORRUPT, LANGLINKS_MALFORMED, LANGLINKS_TRUNCATED, LANGLINKS_UNDECODABLE, LANGLINKS_UNKNOWN_WIKI


class LangLink(NamedTuple):
    """Page `page_id` of wiki `lang` has an article on wiki `target_lang` titled `target_title`."""

    lang: str  # the wiki's language code of the page (Document.source_lang), e.g. "en"
    page_id: int
    target_lang: str  # e.g. "fr"
    target_title: str  # as MediaWiki stores it: spaces, first letter as written


_INSERT = re.compile(rb"^INSERT INTO `langlinks` VALUES ")
_STRING = rb"'((?:[^'\\]|\\.)*)'"
_ROW = re.compile(rb"\((-?\d+)," + _STRING + rb"," + _STRING + rb"\)")
_SEPARATOR = re.compile(rb"^[,;\s]*$")
_DB_IN_NAME = re.compile(r"(?<![A-Za-z0-9_])([a-z][a-z0-9_]*)wiki-(?:\d{8}|latest)-langlinks")
_DB_IN_HEADER = re.compile(rb"^-- Host: .*Database: ([a-z][a-z0-9_]*)wiki\s*$")
_UNESCAPE = {b"0": b"\x00", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"Z": b"\x1a", b"b": b"\b"}
_ESCAPE = re.compile(rb"\\(.)", re.S)


def unescape(raw: bytes) -> str:
    """A mysqldump string's bytes without its backslash escapes, decoded as UTF-8 (raises on bad bytes)."""
    return _ESCAPE.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(1)), raw).decode("utf-8")


def wiki_lang_from_path(path: str) -> str:
    """"en" for .../enwiki-20240501-langlinks.sql.gz, "zh-yue" for zh_yuewiki; "" if the name does not say."""
    m = _DB_IN_NAME.search(path.rsplit("/", 1)[-1])
    return m.group(1).replace("_", "-") if m else ""


def parse_insert(line: bytes, lang: str, where: str) -> Iterator[LangLink | Drop]:
    """The rows of one INSERT line: a LangLink per good row, a Drop per malformed stretch."""
    body = line[_INSERT.match(line).end() :]
    position = 0

    def malformed(start: int, end: int) -> Drop:
        return Drop(LANGLINKS_MALFORMED, "", WIKIPEDIA, f"{where}+{start} {body[start:end][:80]!r}")

    for m in _ROW.finditer(body):
        if not _SEPARATOR.match(body[position : m.start()]):
            yield malformed(position, m.start())
        position = m.end()
        try:
            yield LangLink(lang, int(m.group(1)), unescape(m.group(2)), unescape(m.group(3)))
        except UnicodeDecodeError:
            yield Drop(LANGLINKS_UNDECODABLE, "", WIKIPEDIA, f"{where}+{m.start()}")
    if not _SEPARATOR.match(body[position:]):
        yield malformed(position, len(body))


def read(stream: BinaryIO, path: str) -> Iterator[LangLink | Drop]:
    """LangLinks and Drops of one raw (gzip, bzip2 or plain) langlinks dump."""
    data = DecompressedStream(stream)
    lang = wiki_lang_from_path(path)
    offset = 0
    line = b""
    for line in io.BufferedReader(data, 1 << 20):  # buffered: line iteration on the raw stream reads byte by byte
        if not lang:
            m = _DB_IN_HEADER.match(line.rstrip(b"\n"))
            if m:
                lang = m.group(1).decode("ascii").replace("_", "-")
        if _INSERT.match(line):
            if not lang:
                yield Drop(LANGLINKS_UNKNOWN_WIKI, "", WIKIPEDIA, f"{path}@{offset}")
                return
            # A line cut by the end of the data is left to the truncation drop below.
            if line.endswith(b"\n") or not data.error:
                yield from parse_insert(line.rstrip(b"\n"), lang, f"{path}@{offset}")
        offset += len(line)
    if data.error:
        reason = LANGLINKS_TRUNCATED if data.error == "truncated" else LANGLINKS_CORRUPT
        cut = 0 if line.endswith(b"\n") else len(line)  # the unfinished line is part of the unreadable rest
        yield Drop(reason, "", WIKIPEDIA, f"{path}@{data.error_offset - cut}")
