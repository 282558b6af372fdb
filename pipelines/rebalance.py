"""Rebalance languages: per-language sizes from a combiner, rates as a side input, hash-decided copies."""

from __future__ import annotations

import apache_beam as beam

from corpus import rebalance
from corpus.config import Rebalance as RebalanceConfig
from corpus.schema import Document


def unit_size(doc: Document, config: RebalanceConfig) -> int:
    """A document's size in the configured unit: characters, or 1 document."""
    return doc.n_chars if config.unit == "chars" else 1


def weighted_size(doc: Document, config: RebalanceConfig) -> float:
    """A document's size times its source's weight."""
    return unit_size(doc, config) * rebalance.source_weight(doc.source, config.source_weights)


class SamplingRates(beam.PTransform):
    """A single dict {lang: rate} from the kept documents' source-weighted sizes.

    Without a budget the target is the corpus size as it is (unweighted), so source
    weights shift the mix without growing the corpus.
    """

    def __init__(self, config: RebalanceConfig):
        super().__init__()
        self.config = config

    def expand(self, docs):
        config = self.config

        def rates(sizes: dict[str, tuple[float, float]]) -> dict[str, float]:
            weighted = {lang: w for lang, (w, _) in sizes.items()}
            budget = config.budget or sum(raw for _, raw in sizes.values())
            return rebalance.language_rates(weighted, config.model_copy(update={"budget": budget}))

        return (
            docs
            | "Size" >> beam.Map(lambda d: (d.lang, (weighted_size(d, config), unit_size(d, config))))
            | "PerLanguage" >> beam.CombinePerKey(beam.combiners.TupleCombineFn(sum, sum))
            | "AsDict" >> beam.combiners.ToDict()
            | "Rates" >> beam.Map(rates)
        )


class Rebalance(beam.PTransform):
    """Down-sample large languages and repeat small ones, deterministically from each id.

    A document's rate is its language's rate times its source's weight.
    """

    def __init__(self, rates, seed: int, source_weights: dict[str, float] | None = None):
        super().__init__()
        self.rates = rates
        self.seed = seed
        self.source_weights = dict(source_weights or {})

    def expand(self, docs):
        seed, source_weights = self.seed, self.source_weights

        def sample(doc: Document, rates: dict[str, float]):
            rate = rates[doc.lang] * rebalance.source_weight(doc.source, source_weights)
            for copy in range(rebalance.copies(doc.id, rate, seed)):
                yield doc._replace(repetition=copy)

        return docs | "Sample" >> beam.FlatMap(sample, rates=beam.pvalue.AsSingleton(self.rates))
