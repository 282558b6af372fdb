"""Language rebalancing: exponentially smoothed sampling rates and deterministic sampling.

q_i = p_i^alpha / sum_j p_j^alpha (XLM, XLM-R, mT5). A language's rate is the
factor between its target and its present size, keeping the corpus size:
rate < 1 down-samples, rate > 1 repeats documents. Each decision comes from a
hash of (id, seed, repetition), never from a random generator.
"""

from __future__ import annotations

import hashlib
import math
from typing import Mapping


def unit_hash(*parts: object) -> float:
    """A deterministic number in [0, 1) from the given parts."""
    digest = hashlib.blake2b("\x00".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def temperature_rates(sizes: Mapping[str, float], alpha: float) -> dict[str, float]:
    """Sampling rate per language so that its share becomes p_i^alpha / sum_j p_j^alpha."""
    total = sum(sizes.values())
    if total <= 0:
        return {lang: 1.0 for lang in sizes}
    smoothed = {lang: (size / total) ** alpha for lang, size in sizes.items() if size > 0}
    norm = sum(smoothed.values())
    return {lang: (smoothed[lang] / norm) * total / size if size > 0 else 0.0 for lang, size in sizes.items()}


def copies(doc_id: str, rate: float, seed: int) -> int:
    """How many times a document is written: the whole part of its rate, plus one by chance of the fraction."""
    whole = math.floor(rate)
    return whole + (1 if unit_hash(doc_id, seed, whole) < rate - whole else 0)
