"""The content model: how much a page reads like real text of its language, as a score in [0, 1].

CCNet (the filter behind CC-100, XLM-R's data) scores a page by its perplexity under a
language model of reference text in the page's language. The reference models here are
HeLI-OTS's per-language word and character n-gram models, which ship inside the heliport
wheel for about 200 languages (language ID loads them already; one copy serves both).
`lm_cost` is heliport's mean cost per word (-log10 probability) under the page's best
language: Wikipedia pages cost 3.3-4.1 by language (benchmarks/quality.md), while keyword
lists, menus, product codes, lottery tables and spam vocabulary cost more.

quality = sigmoid(bias + weight * (lm_cost - reference)), the reference being the typical
cost of good text in the document's language (filters.lm_reference, per language); the
weights were fitted on the judged development pages of benchmarks/quality.py. The bucket is
CCNet's head, middle or tail by the thresholds of the document's language.
"""

from __future__ import annotations

import math

from corpus.langid.identifiers import heliport_model
from corpus.schema import HEAD, MIDDLE, TAIL

SAMPLE_CHARS = 20_000  # a long page is judged on its first characters: the cost is a mean, and this bounds the time
UNREADABLE_COST = 7.0  # a text no model can read (no letters): heliport's ceiling


class ContentModel:
    """quality = sigmoid(bias + weight * (lm_cost - reference))."""

    def __init__(self, bias: float, weight: float):
        self.bias, self.weight = bias, weight
        self.model = heliport_model()

    def cost(self, text: str) -> float:
        """The mean cost per word of a text under its most likely language."""
        ranked = self.model.identify_topk_with_score(text[:SAMPLE_CHARS].replace("\n", " "), 1)
        return round(ranked[0][1], 4) if ranked else UNREADABLE_COST

    def quality(self, cost: float, reference: float) -> float:
        return round(1.0 / (1.0 + math.exp(-(self.bias + self.weight * (cost - reference)))), 4)


def bucket(quality: float, head: float, tail: float) -> str:
    """CCNet's bucket of a score: head from `head` up, tail under `tail`, middle between."""
    return HEAD if quality >= head else TAIL if quality < tail else MIDDLE
