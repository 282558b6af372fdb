"""Paragraph dedup in the CCNet manner: a paragraph (line) seen in several documents stays in one.

Navigation, cookie banners and footers repeat across a site or the whole crawl;
hashing each folded line lets a shuffle find them, and every document but the
best-ranked one (see corpus.dedup.survivor_rank) loses its copy.
"""

from __future__ import annotations

import hashlib
from typing import Collection

from corpus.text import count_words, fold


def paragraph_hash(line: str, scope: str = "") -> int | None:
    """64-bit hash of a folded paragraph within a scope; None for a line with nothing to compare (punctuation only)."""
    folded = fold(line)
    if not folded:
        return None
    digest = hashlib.blake2b(f"{scope}\x00{folded}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def paragraph_hashes(text: str, scope: str = "") -> set[int]:
    """The distinct paragraph hashes of a text (a line repeated inside one document counts once)."""
    return {h for h in (paragraph_hash(line, scope) for line in text.split("\n")) if h is not None}


def strip_paragraphs(text: str, remove: Collection[int], scope: str = "") -> tuple[str, int, int]:
    """The text without the paragraphs whose hash is in `remove`: (text, chars, words)."""
    kept = "\n".join(line for line in text.split("\n") if paragraph_hash(line, scope) not in remove)
    return kept, len(kept), count_words(kept)
