"""Deduplication primitives: which document survives, and the keys that find duplicates.

Survivor policy (exact, near and paragraph dedup alike): Wikipedia before the
web, then the longer text, then the smaller id. It is a total order, so every
stage picks the same survivor on every runner.
"""

from __future__ import annotations

from corpus.schema import WIKIPEDIA, Document

_SOURCE_PRIORITY = {WIKIPEDIA: 0}  # everything else after Wikipedia


def survivor_rank(doc: Document) -> tuple[int, int, str]:
    """Smaller is better: Wikipedia before the web, then the longer text, then the smaller id."""
    return (_SOURCE_PRIORITY.get(doc.source, 1), -doc.n_chars, doc.id)


def node_of(doc: Document) -> tuple[int, int, str, int]:
    """A document as a node of the duplicate graph: ordered by survivor rank, carrying its dup_count."""
    return (*survivor_rank(doc), doc.dup_count)


def node_id(node: tuple) -> str:
    return node[2]


def scope(doc: Document, cross_language: bool, cross_source: bool) -> str:
    """The partition inside which duplicates are looked for: a language by default."""
    return f"{'' if cross_language else doc.lang}|{'' if cross_source else doc.source}"


def size_bucket(size: int) -> str:
    """Cluster sizes in powers of two (2, 3-4, 5-8, ...) for the manifest's size distribution."""
    if size <= 2:
        return str(size)
    upper = 1 << (size - 1).bit_length()
    return f"{upper // 2 + 1}-{upper}"
