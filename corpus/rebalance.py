"""Language rebalancing: sampling rates per language and deterministic sampling.

A language's rate is the factor between its target size and its present size:
rate < 1 down-samples, rate > 1 repeats documents. Each method gives every
language a weight, its desired relative share of the budget:

- temperature: w_i = p_i^alpha (XLM, XLM-R, mT5);
- UniMax (Chung et al. 2023): w_i = 1, the budget spread evenly;
- weights: w_i from an explicit table.

Every method then obeys the same caps: no document is written more than
`max_epochs` times, and a language below `min_documents` or `min_chars` is
held back (rate <= 1: never up-sampled, so a handful of pages, often
mislabelled boilerplate, cannot fill the corpus with copies). The budget a
capped language cannot take goes to the others in proportion to their
weights (water-filling; with uniform weights this is exactly UniMax's
smallest-first allocation); it stays unspent only when every language is at
its cap, and the corpus is then smaller than the budget.

The total target is a budget, or the present corpus size. Each decision comes
from a hash of (id, seed, repetition), never from a random generator.
"""

from __future__ import annotations

import hashlib
import math
from typing import Mapping

from corpus.config import Rebalance
from corpus.schema import BUCKETS


def unit_hash(*parts: object) -> float:
    """A deterministic number in [0, 1) from the given parts."""
    digest = hashlib.blake2b("\x00".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def held_back(documents: int, chars: int, config: Rebalance, repeatable_chars: int | None = None) -> bool:
    """Whether a language may not be up-sampled: too small (its kept documents and characters, unweighted),
    or with too few of its characters in documents that may be repeated (`repeatable_chars`)."""
    if documents < config.min_documents or chars < config.min_chars:
        return True
    return repeatable_chars is not None and chars > 0 and repeatable_chars < config.upsample_min_share * chars


def may_repeat(quality_bucket: str, config: Rebalance) -> bool:
    """Whether a document of this content-model bucket may be written more than once ("": not scored, it may)."""
    if config.upsample_min_bucket is None or not quality_bucket:
        return True
    return BUCKETS.index(quality_bucket) <= BUCKETS.index(config.upsample_min_bucket)


def capped_rates(
    sizes: Mapping[str, float],
    weights: Mapping[str, float],
    caps: Mapping[str, float],
    budget: float | None = None,
) -> dict[str, float]:
    """Rates giving each language a share of the budget in proportion to its weight, none above its cap.

    `caps[lang]` is the highest rate a language may have (missing: no cap). The budget that
    capped languages cannot take goes to the uncapped ones in proportion to their weights.
    """
    total = sum(sizes.values()) if budget is None else budget
    rates = {lang: 0.0 for lang in sizes}
    # Languages that can take a share: present and weighted.
    open_ = {lang: weights.get(lang, 0.0) for lang, size in sizes.items() if size > 0 and weights.get(lang, 0.0) > 0}
    remaining = float(total)
    # Water-filling: a language whose cap is reached at the current level is fixed at its cap,
    # its target leaves the budget, and the level is recomputed over the others.
    # A share is remaining * (weight / total weight): dividing the weights first cannot overflow.
    for lang in sorted(open_, key=lambda l: (caps.get(l, math.inf) * sizes[l] / open_[l], l)):
        cap_target = caps.get(lang, math.inf) * sizes[lang]
        if remaining * (open_[lang] / sum(open_.values())) < cap_target:
            break
        rates[lang] = caps[lang]
        remaining -= cap_target
        del open_[lang]
    if open_:
        norm = sum(open_.values())
        for lang, weight in open_.items():
            rates[lang] = min(max(0.0, remaining) * (weight / norm) / sizes[lang], caps.get(lang, math.inf))
    return rates


def temperature_weights(sizes: Mapping[str, float], alpha: float) -> dict[str, float]:
    """w_i = p_i^alpha: alpha 1 keeps the distribution, 0 makes it uniform."""
    total = sum(sizes.values())
    return {lang: (size / total) ** alpha for lang, size in sizes.items() if size > 0} if total > 0 else {}


def table_weights(sizes: Mapping[str, float], table: Mapping[str, float]) -> dict[str, float]:
    """An explicit table of relative shares; "*" weighs the languages the table does not name."""
    default = table.get("*", 0.0)
    return {lang: table.get(lang, default) for lang in sizes}


def temperature_rates(sizes, alpha, budget=None, caps=None) -> dict[str, float]:
    """Rates so that a language's share becomes p_i^alpha / sum_j p_j^alpha (alpha 1 keeps, 0 is uniform)."""
    if sum(sizes.values()) <= 0:
        return {lang: 1.0 for lang in sizes}
    return capped_rates(sizes, temperature_weights(sizes, alpha), caps or {}, budget)


def weight_rates(sizes, weights, budget=None, caps=None) -> dict[str, float]:
    """Rates from an explicit table of relative shares; "*" weighs the languages the table does not name."""
    return capped_rates(sizes, table_weights(sizes, weights), caps or {}, budget)


def unimax_rates(sizes, max_epochs, budget=None, caps=None) -> dict[str, float]:
    """UniMax: spread the budget evenly over languages, smallest first, none repeated more than max_epochs."""
    caps = {lang: min(max_epochs, (caps or {}).get(lang, math.inf)) for lang in sizes}
    return capped_rates(sizes, {lang: 1.0 for lang in sizes}, caps, budget)


def language_caps(
    counts: Mapping[str, tuple[int, int, int]], config: Rebalance, max_source_weight: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The highest rate of each language: max_epochs, or 1 when it is held back.

    `counts[lang]` = (kept documents, kept characters, characters of documents that may be repeated). A document's rate is its language's
    rate times its source's weight, so the cap is divided by the largest source weight
    among the language's documents: no document exceeds the cap.
    """
    caps = {}
    for lang, (documents, chars, repeatable) in counts.items():
        epochs = 1 if held_back(documents, chars, config, repeatable) else config.max_epochs
        weight = (max_source_weight or {}).get(lang, 1.0)
        caps[lang] = epochs / weight if weight > 0 else float(epochs)
    return caps


def language_rates(sizes: Mapping[str, float], config: Rebalance, caps: Mapping[str, float] | None = None) -> dict[str, float]:
    """The sampling rate of each language under the configured method and caps.

    Without `caps`, every language may go up to max_epochs (nothing is held back).
    """
    caps = {lang: float(config.max_epochs) for lang in sizes} if caps is None else caps
    if config.method == "unimax":
        return unimax_rates(sizes, config.max_epochs, config.budget, caps)
    if config.method == "weights":
        return weight_rates(sizes, config.weights, config.budget, caps)
    return temperature_rates(sizes, config.alpha, config.budget, caps)


def source_weight(source: str, source_weights: Mapping[str, float]) -> float:
    """How many times more a source's documents count and are written (1 unless configured)."""
    return source_weights.get(source, 1.0)


def document_rate(language_rate: float, weight: float) -> float:
    """A document's rate: its language's times its source's weight.

    Rounded to 9 decimals so that a rate set exactly at a cap (cap / weight * weight)
    is not pushed above it by floating-point error, which could add a copy.
    """
    return round(language_rate * weight, 9)


def copies(doc_id: str, rate: float, seed: int) -> int:
    """How many times a document is written: the whole part of its rate, plus one by chance of the fraction."""
    whole = math.floor(rate)
    return whole + (1 if unit_hash(doc_id, seed, whole) < rate - whole else 0)
