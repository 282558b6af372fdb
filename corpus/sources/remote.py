"""Inputs named indirectly or read over plain HTTPS: CommonCrawl path listings and `HttpStream`.

A CommonCrawl snapshot is published as listings (`crawl-data/CC-MAIN-2024-22/wet.paths.gz`)
of paths relative to the bucket; a job points at a snapshot by giving the listing and the
prefix the files live under (`s3://commoncrawl/` or `https://data.commoncrawl.org/`).

Beam's FileSystems have no http(s) scheme, so `HttpStream` streams a URL itself: a
connection that fails or ends before Content-Length is reopened with a Range request
from the byte where it broke, after an exponential backoff (503 "slow down" from
CommonCrawl's servers is the usual case). It is seekable by the same means, which a
multistream Wikipedia range needs.
"""

from __future__ import annotations

import http.client
import io
import time
import urllib.error
import urllib.request
from typing import BinaryIO, Callable, Iterator

from corpus.sources.compressed import DecompressedStream

LISTING_SUFFIXES = (".paths.gz", ".paths")
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_WAIT = 60.0
_USER_AGENT = "corpus-builder (+https://github.com/)"


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


# Beam registers these filesystems whether or not their client library is installed, then fails
# deep inside (s3: "Must provide one of client or options"): the library each needs, and our extra.
_FILESYSTEM_CLIENTS = {"gs": ("google.cloud.storage", "corpus-builder[dataflow]"), "s3": ("boto3", "corpus-builder[aws]"),
                       "azfs": ("azure.storage.blob", "apache-beam[azure]"), "hdfs": ("hdfs", "apache-beam[hadoop]")}


def missing_extra(path: str) -> str | None:
    """The package to install before `path` (gs://, s3://, ...) can be read or written; None when ready."""
    import importlib.util

    scheme = path.partition("://")[0] if "://" in path else ""
    if scheme not in _FILESYSTEM_CLIENTS:
        return None
    module, extra = _FILESYSTEM_CLIENTS[scheme]
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package (google.cloud) is missing
        found = False
    return None if found else extra


def is_listing(path: str) -> bool:
    """Whether an input is a CommonCrawl paths listing rather than a data file."""
    return path.endswith(LISTING_SUFFIXES)


def listing_paths(stream: BinaryIO, prefix: str, max_files: int | None = None) -> Iterator[tuple[str, str]]:
    """(full path, path as listed) of each file of a listing (gzip or plain), in listed order, the first N only."""
    data = io.BufferedReader(DecompressedStream(stream))
    count = 0
    for raw in data:
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        if max_files is not None and count >= max_files:
            return
        count += 1
        full = line if "://" in line else prefix.rstrip("/") + "/" + line.lstrip("/")
        yield full, line


class HttpStream(io.RawIOBase):
    """A readable, seekable byte stream of one URL that resumes with Range requests after failures.

    Opening connects at once, so a missing file (404) or a server that stays down fails at open;
    a failure mid-stream is retried up to `retries` times in a row, waiting `backoff` seconds,
    doubled after each failure (at most 60 s); then OSError.
    """

    def __init__(self, url: str, retries: int, backoff: float, timeout: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep):  # fmt: skip
        super().__init__()
        self.url = url
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._sleep = sleep
        self.position = 0
        self.size: int | None = None  # total bytes, once a response told it
        self._response: http.client.HTTPResponse | None = None
        self.attempts = 0  # connections made, for the curious (and the tests)
        self._with_retries(self._connect)

    # io protocol -------------------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self.position + offset}.get(whence)
        if target is None:
            if self.size is None:
                raise OSError("cannot seek from the end of a stream of unknown size")
            target = self.size + offset
        if target != self.position:
            self._drop_connection()
            self.position = max(target, 0)
        return self.position

    def readinto(self, buffer) -> int:
        if self.size is not None and self.position >= self.size:
            return 0
        return self._with_retries(lambda: self._read_some(buffer))

    def close(self) -> None:
        self._drop_connection()
        super().close()

    # connection --------------------------------------------------------------------------------
    def _read_some(self, buffer) -> int:
        if self._response is None:
            self._connect()
        n = self._response.readinto(buffer)
        if n == 0 and self.size is not None and self.position < self.size:
            raise ConnectionError(f"connection closed at byte {self.position} of {self.size}")
        self.position += n
        return n

    def _connect(self) -> None:
        self.attempts += 1
        headers = {"User-Agent": _USER_AGENT}
        if self.position:
            headers["Range"] = f"bytes={self.position}-"
        response = urllib.request.urlopen(urllib.request.Request(self.url, headers=headers), timeout=self.timeout)
        if response.status == 206:
            total = response.headers.get("Content-Range", "").rsplit("/", 1)[-1]
            self.size = int(total) if total.isdigit() else self.size
        else:
            length = response.headers.get("Content-Length")
            self.size = int(length) if length and length.isdigit() else self.size
            skip = self.position  # the server ignored the Range: skip what was already read
            while skip:
                n = len(response.read(min(skip, 1 << 20)))
                if n == 0:
                    raise ConnectionError("connection closed while skipping to the resume point")
                skip -= n
        self._response = response

    def _drop_connection(self) -> None:
        if self._response is not None:
            try:
                self._response.close()
            except OSError:
                pass
            self._response = None

    def _with_retries(self, step):
        failures = 0
        while True:
            try:
                return step()
            except urllib.error.HTTPError as error:
                if error.code not in _RETRY_STATUS or failures >= self.retries:
                    raise OSError(f"{self.url}: HTTP {error.code}") from None
            except (OSError, http.client.HTTPException) as error:  # refused, reset, timeout, cut short
                if failures >= self.retries:
                    raise OSError(f"{self.url}: {error} (after {failures + 1} attempts)") from None
            self._drop_connection()
            self._sleep(min(self.backoff * 2**failures, _MAX_WAIT))
            failures += 1
