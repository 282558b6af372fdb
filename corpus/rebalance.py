"""Language rebalancing: sampling rates per language and deterministic sampling.

A language's rate is the factor between its target size and its present size:
rate < 1 down-samples, rate > 1 repeats documents. Three ways to set targets:

- temperature: q_i = p_i^alpha / sum_j p_j^alpha (XLM, XLM-R, mT5);
- UniMax (Chung et al. 2023): languages from the smallest up, each gets
  min(remaining budget / remaining languages, max_epochs x its size);
- weights: q_i proportional to an explicit table.

The total target is a budget, or the present corpus size. Each decision comes
from a hash of (id, seed, repetition), never from a random generator.
"""

from __future__ import annotations

import hashlib
import math
from typing import Mapping

from corpus.config import Rebalance


def unit_hash(*parts: object) -> float:
    """A deterministic number in [0, 1) from the given parts."""
    digest = hashlib.blake2b("\x00".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _rates_for_targets(sizes: Mapping[str, float], targets: Mapping[str, float]) -> dict[str, float]:
    return {lang: targets.get(lang, 0.0) / size if size > 0 else 0.0 for lang, size in sizes.items()}


def _share_rates(sizes: Mapping[str, float], weights: Mapping[str, float], budget: float | None) -> dict[str, float]:
    """Rates that give each language the share weights[lang] / sum(weights) of the budget."""
    present = {lang: w for lang, w in weights.items() if sizes.get(lang, 0) > 0}
    norm = sum(present.values())
    total = sum(sizes.values()) if budget is None else budget
    if norm <= 0:
        return {lang: 0.0 for lang in sizes}
    return _rates_for_targets(sizes, {lang: total * w / norm for lang, w in present.items()})


def temperature_rates(sizes: Mapping[str, float], alpha: float, budget: float | None = None) -> dict[str, float]:
    """Rates so that a language's share becomes p_i^alpha / sum_j p_j^alpha (alpha 1 keeps, 0 is uniform)."""
    total = sum(sizes.values())
    if total <= 0:
        return {lang: 1.0 for lang in sizes}
    return _share_rates(sizes, {lang: (size / total) ** alpha for lang, size in sizes.items() if size > 0}, budget)


def weight_rates(sizes: Mapping[str, float], weights: Mapping[str, float], budget: float | None = None) -> dict[str, float]:
    """Rates from an explicit table of relative shares; "*" weighs the languages the table does not name."""
    default = weights.get("*", 0.0)
    return _share_rates(sizes, {lang: weights.get(lang, default) for lang in sizes}, budget)


def unimax_rates(sizes: Mapping[str, float], max_epochs: float, budget: float | None = None) -> dict[str, float]:
    """UniMax: spread the budget evenly over languages, smallest first, none repeated more than max_epochs."""
    remaining = sum(sizes.values()) if budget is None else budget
    ordered = sorted((size, lang) for lang, size in sizes.items() if size > 0)
    targets = {}
    for index, (size, lang) in enumerate(ordered):
        targets[lang] = min(remaining / (len(ordered) - index), max_epochs * size)
        remaining -= targets[lang]
    return _rates_for_targets(sizes, targets)


def language_rates(sizes: Mapping[str, float], config: Rebalance) -> dict[str, float]:
    """The sampling rate of each language under the configured method."""
    if config.method == "unimax":
        return unimax_rates(sizes, config.max_epochs, config.budget)
    if config.method == "weights":
        return weight_rates(sizes, config.weights, config.budget)
    return temperature_rates(sizes, config.alpha, config.budget)


def source_weight(source: str, source_weights: Mapping[str, float]) -> float:
    """How many times more a source's documents count and are written (1 unless configured)."""
    return source_weights.get(source, 1.0)


def copies(doc_id: str, rate: float, seed: int) -> int:
    """How many times a document is written: the whole part of its rate, plus one by chance of the fraction."""
    whole = math.floor(rate)
    return whole + (1 if unit_hash(doc_id, seed, whole) < rate - whole else 0)
