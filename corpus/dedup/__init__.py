"""Deduplication primitives: which document survives, and the keys that find duplicates."""

from __future__ import annotations

from corpus.schema import WIKIPEDIA, Document

_SOURCE_PRIORITY = {WIKIPEDIA: 0}  # everything else after Wikipedia


def survivor_rank(doc: Document) -> tuple[int, int, str]:
    """Smaller is better: Wikipedia before the web, then the longer text, then the smaller id."""
    return (_SOURCE_PRIORITY.get(doc.source, 1), -doc.n_chars, doc.id)
