"""Exact duplicates: documents whose folded text (case, punctuation, digits, spaces) is the same."""

from __future__ import annotations

import hashlib
from typing import Iterable

from corpus.dedup import survivor_rank
from corpus.schema import Document
from corpus.text import fold


def exact_key(text: str, scope: str = "") -> str:
    """128-bit hash of the folded text (within a scope): collisions are negligible even over billions of documents."""
    h = hashlib.blake2b(scope.encode("utf-8", "surrogatepass") + b"\x00", digest_size=16)
    h.update(fold(text).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def survivor_of(group: Iterable[Document]) -> tuple[Document, int]:
    """The best document of a duplicate group with dup_count set, and the group's size.

    One streaming pass: a group of a million copies of one page costs no memory.
    """
    best, total, size = None, 0, 0
    for doc in group:
        size += 1
        total += doc.dup_count
        if best is None or survivor_rank(doc) < survivor_rank(best):
            best = doc
    return best._replace(dup_count=total), size
