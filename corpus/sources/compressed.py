"""Decompress a raw input stream (gzip, bzip2 or plain) without ever raising for bad data.

The parsers (FastWARC, expat) read the decompressed bytes from `DecompressedStream`.
When the compressed data ends early (a member cut short) or is corrupt (a data
error, garbage after the last member), the stream simply ends there and records
why in `.error` and where in `.error_offset` (decompressed bytes delivered so
far); the reader then emits one Drop for the remainder. Multi-member gzip
(one member per WARC record, as CommonCrawl writes them) and multi-stream bzip2
(as Wikipedia's multistream dumps) are read member after member. Output is
produced in bounded slices, so a small bomb of compressed zeros cannot exhaust
memory.
"""

from __future__ import annotations

import bz2
import io
import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"

_READ_SIZE = 1 << 20  # raw bytes read at a time
_OUT_SIZE = 1 << 20  # decompressed bytes produced at a time


def sniff(head: bytes) -> str:
    """The container format of a file from its first bytes: "gzip", "bz2" or "plain"."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(BZ2_MAGIC):
        return "bz2"
    return "plain"


class DecompressedStream(io.RawIOBase):
    """A readable, never-raising (for bad data) view of the decompressed content of `raw`."""

    def __init__(self, raw: BinaryIO):
        super().__init__()
        self._raw = raw
        self._pending = raw.read(_READ_SIZE)  # raw bytes not yet fed to a decompressor
        self._raw_eof = not self._pending
        self.format = sniff(self._pending)
        self._dec = None  # current member's decompressor (None between members)
        self._out = b""  # decompressed bytes not yet handed out
        self._out_pos = 0
        self._done = False
        self.position = 0  # decompressed bytes handed out
        self.error: str | None = None  # "truncated" | "corrupt"
        self.error_offset = 0
        self.history_bytes = 0  # how many of the latest decompressed bytes `span` can give back (0: none)
        self._history: list[tuple[int, bytes]] = []  # (offset, slice), oldest first

    # io.RawIOBase protocol -------------------------------------------------
    def readable(self) -> bool:
        return True

    def tell(self) -> int:  # FastWARC asks once, at the start (and panics if it cannot)
        return self.position

    def readinto(self, buffer) -> int:
        while self._out_pos >= len(self._out):
            if self._done:
                return 0
            self._out, self._out_pos = self._produce(), 0
            if self.history_bytes and self._out:
                self._remember(self.position + self._out_pos, self._out)
        n = min(len(buffer), len(self._out) - self._out_pos)
        buffer[:n] = self._out[self._out_pos : self._out_pos + n]
        self._out_pos += n
        self.position += n
        return n

    def peek(self, n: int) -> bytes:
        """Up to the next `n` decompressed bytes, without consuming them."""
        while len(self._out) - self._out_pos < n and not self._done:
            more = self._produce()
            if self.history_bytes and more:
                self._remember(self.position + len(self._out) - self._out_pos, more)
            self._out, self._out_pos = self._out[self._out_pos :] + more, 0
        return self._out[self._out_pos : self._out_pos + n]

    # recent bytes ------------------------------------------------------------
    def _remember(self, offset: int, data: bytes) -> None:
        self._history.append((offset, data))
        while len(self._history) > 1 and offset - self._history[1][0] >= self.history_bytes:
            self._history.pop(0)

    def span(self, start: int, end: int) -> bytes | None:
        """Decompressed bytes [start, end) if still remembered (see history_bytes), else None."""
        if not self._history or start < self._history[0][0]:
            return None
        parts = [data[max(start - at, 0) : end - at] for at, data in self._history if at < end and at + len(data) > start]
        return b"".join(parts)

    # decompression ----------------------------------------------------------
    def _more_raw(self) -> bool:
        if self._raw_eof:
            return False
        chunk = self._raw.read(_READ_SIZE)
        if not chunk:
            self._raw_eof = True
            return False
        self._pending += chunk
        return True

    def _fail(self, why: str) -> bytes:
        self.error = why
        self.error_offset = self.position + (len(self._out) - self._out_pos)
        self._done = True
        return b""

    def _produce(self) -> bytes:
        """The next slice of decompressed bytes (possibly empty); sets _done at the end."""
        if self.format == "plain":
            if not self._pending and not self._more_raw():
                self._done = True
                return b""
            data, self._pending = self._pending, b""
            return data
        if self._dec is None:  # between members: another member, zero padding, garbage or the end
            while len(self._pending) < 3 and self._more_raw():
                pass
            if not self._pending:
                self._done = True
                return b""
            while not self._pending.strip(b"\x00") and self._more_raw():
                pass
            if not self._pending.strip(b"\x00"):
                self._done = True  # NUL padding after the last member (tape blocks), as gzip(1) allows
                return b""
            self._pending = self._pending.lstrip(b"\x00") if self._pending[:1] == b"\x00" else self._pending
            magic = GZIP_MAGIC if self.format == "gzip" else BZ2_MAGIC
            if not self._pending.startswith(magic):
                return self._fail("truncated" if magic.startswith(self._pending) else "corrupt")
            self._dec = zlib.decompressobj(31) if self.format == "gzip" else bz2.BZ2Decompressor()
        try:
            out = self._step()
        except (zlib.error, OSError, EOFError, ValueError):
            return self._fail("corrupt")
        return out

    def _step(self) -> bytes:
        dec = self._dec
        if self.format == "gzip":
            if not self._pending and not dec.unconsumed_tail and not self._more_raw():
                return self._fail("truncated")
            data = dec.unconsumed_tail or self._pending
            if not dec.unconsumed_tail:
                self._pending = b""
            out = dec.decompress(data, _OUT_SIZE)
            if dec.eof:
                self._pending = dec.unused_data + self._pending
                self._dec = None
            return out
        # bz2
        if dec.needs_input:
            if not self._pending and not self._more_raw():
                return self._fail("truncated")
            data, self._pending = self._pending, b""
        else:
            data = b""
        out = dec.decompress(data, _OUT_SIZE)
        if dec.eof:
            self._pending = dec.unused_data + self._pending
            self._dec = None
        return out
