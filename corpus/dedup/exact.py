"""Exact duplicates: documents whose folded text (case, punctuation, digits, spaces) is the same."""

from __future__ import annotations

import hashlib
from typing import Iterable

from corpus.dedup import survivor_rank
from corpus.schema import Document
from corpus.text import fold


def exact_key(text: str) -> str:
    """128-bit hash of the folded text: collisions are negligible even over billions of documents."""
    return hashlib.blake2b(fold(text).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def split_survivor(docs: Iterable[Document]) -> tuple[Document, list[Document]]:
    """The surviving document of a duplicate group (with dup_count set) and the others."""
    group = sorted(docs, key=survivor_rank)
    best = group[0]
    return best._replace(dup_count=sum(d.dup_count for d in group)), group[1:]
