"""What every reader gives and names the same way: page text, file-level failures, offsets, snapshots."""

from __future__ import annotations

import re

from corpus.schema import Stat
from corpus.statistics import STAT_DAMAGED_FILES, STAT_READ_REPAIRED_ENCODING, stat_key
from corpus.text import normalise, repair_encoding


def damaged_file(path: str, what: str, amount: int = 1) -> Stat:
    """A file-level failure, named once per file in manifest["stats"]["damaged_files"]."""
    return Stat(stat_key(STAT_DAMAGED_FILES, path, what), amount)


def page_text(raw: str) -> tuple[str, bool]:
    """The text every reader gives a page: mojibake repaired, then normalised; and whether it was repaired."""
    repaired = repair_encoding(raw)
    return normalise(repaired), repaired is not raw


def repaired_encoding(source: str) -> Stat:
    """One document whose text ftfy repaired, in manifest["stats"]["read_repaired_encoding"]."""
    return Stat(stat_key(STAT_READ_REPAIRED_ENCODING, source))


_CC_SNAPSHOT = re.compile(r"CC-MAIN-\d{4}-\d{2}")
_WIKI_DUMP = re.compile(r"(?<![A-Za-z0-9_])([a-z][a-z0-9_]*wiki(?:[a-z]+)?)-(\d{8}|latest)(?!\d)")


def snapshot_from_path(path: str) -> str:
    """The crawl or dump a file belongs to, from its path: "CC-MAIN-2024-22", "enwiki-20240501"; "" if absent.

    CommonCrawl paths carry the crawl as a directory (crawl-data/CC-MAIN-2024-22/...);
    Wikipedia dumps are named <dbname>-<YYYYMMDD>-pages-articles*.xml.bz2.
    """
    m = _CC_SNAPSHOT.search(path)
    if m:
        return m.group(0)
    m = _WIKI_DUMP.search(path.rsplit("/", 1)[-1])
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return ""


def offset_detail(path: str, offset: int, info: str = "") -> str:
    """Drop.detail: "path@offset", optionally followed by a space and some information."""
    return f"{path}@{offset}" + (f" {info}" if info else "")
