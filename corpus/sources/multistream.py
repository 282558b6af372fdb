"""Wikipedia multistream dumps: split one dump into byte ranges of whole bz2 streams, read each alone.

A `*-pages-articles-multistream*.xml*.bz2` dump is a concatenation of independent bz2
streams: the first holds `<mediawiki><siteinfo>...`, each following one 100 pages, the
last `</mediawiki>`. Its index (`*-multistream-index*.txt*.bz2`, lines
`stream offset:page id:title`) gives where each stream starts. `plan_pieces` groups
consecutive streams into pieces of about `target_bytes` compressed bytes; `read_piece`
reads one piece as the XML of the header stream + the piece's streams (+ a closing
`</mediawiki>` when the piece is not the last), so each piece is a small well-formed
dump and many workers read one 20 GB dump in parallel. Only the index is read whole
(streamed, keeping one integer per stream: about 230,000 for English).
"""

from __future__ import annotations

import bz2
import io
import re
from typing import BinaryIO, Iterator, NamedTuple

from corpus.config import Read
from corpus.schema import Document, Drop
from corpus.sources import wikipedia
from corpus.sources.compressed import DecompressedStream

_CLOSING_STREAM = bz2.compress(b"\n</mediawiki>\n")
_DUMP_NAME = re.compile(r"-multistream(\d*)\.xml")


class Piece(NamedTuple):
    """Compressed byte ranges of one piece: the header stream [0, header_end) and the pages [start, end)."""

    header_end: int
    start: int
    end: int
    last: bool  # the piece ends the file (and holds the real </mediawiki>)


def index_path(dump_path: str) -> str | None:
    """The index file beside a multistream dump, by Wikimedia's naming; None if not a multistream dump.

    enwiki-20240501-pages-articles-multistream.xml.bz2 -> ...-multistream-index.txt.bz2
    enwiki-20240501-pages-articles-multistream1.xml-p1p41242.bz2 -> ...-multistream-index1.txt-p1p41242.bz2
    """
    folder, _, name = dump_path.rpartition("/")
    if not name.endswith(".bz2") or "-multistream-index" in name:
        return None
    index_name, found = _DUMP_NAME.subn(r"-multistream-index\1.txt", name, count=1)
    if not found:
        return None
    return f"{folder}/{index_name}" if folder else index_name


def is_index(path: str) -> bool:
    return "-multistream-index" in path.rsplit("/", 1)[-1]


def stream_offsets(index: BinaryIO) -> list[int]:
    """The distinct stream offsets of an index file (bz2 or plain), ascending."""
    offsets: list[int] = []
    for line in io.BufferedReader(DecompressedStream(index)):
        head = line.split(b":", 1)[0]
        if head.isdigit():
            offset = int(head)
            if not offsets or offset != offsets[-1]:
                offsets.append(offset)
    return sorted(set(offsets))


def plan_pieces(offsets: list[int], file_size: int, target_bytes: int) -> list[Piece]:
    """Consecutive streams grouped into pieces of at least `target_bytes` (the last may be smaller)."""
    if not offsets:
        return []
    header_end = offsets[0]
    pieces = []
    start = header_end
    for offset in offsets[1:]:
        if offset - start >= target_bytes:
            pieces.append(Piece(header_end, start, offset, False))
            start = offset
    pieces.append(Piece(header_end, start, file_size, True))
    return pieces


class _Ranges(io.RawIOBase):
    """The bytes of some ranges of a seekable stream, one after the other, then some extra bytes."""

    def __init__(self, stream: BinaryIO, ranges: list[tuple[int, int]], tail: bytes = b""):
        super().__init__()
        self._stream = stream
        self._ranges = list(ranges)
        self._left = 0
        self._tail = tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._left == 0:
            if not self._ranges:
                n = min(len(buffer), len(self._tail))
                buffer[:n], self._tail = self._tail[:n], self._tail[n:]
                return n
            start, end = self._ranges.pop(0)
            self._stream.seek(start)
            self._left = end - start
        data = self._stream.read(min(len(buffer), self._left))
        if not data:  # the file is shorter than the index says: end here, the XML parser counts the cut
            self._left, self._ranges, self._tail = 0, [], b""
            return 0
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)


def read_piece(stream: BinaryIO, path: str, piece: Piece, options: Read) -> Iterator[Document | Drop]:
    """Documents and Drops of the pages of one piece of a multistream dump (`stream`: the raw dump, seekable).
    Read it through corpus.sources.read_file(..., piece=...), which applies the text limits.

    Offsets in Drop details are in the decompressed header + piece, after "path:start-end".
    """
    raw = _Ranges(stream, [(0, piece.header_end), (piece.start, piece.end)], b"" if piece.last else _CLOSING_STREAM)
    where = f"{path}:{piece.start}-{piece.end}"
    return wikipedia.read_xml(DecompressedStream(raw), path, where, options)
