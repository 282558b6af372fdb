"""Rebalance languages: per-language sizes from a combiner, rates as a side input, hash-decided copies."""

from __future__ import annotations

import apache_beam as beam

from corpus import rebalance
from corpus.config import Rebalance as RebalanceConfig
from corpus.schema import Document


class SamplingRates(beam.PTransform):
    """A single dict {lang: rate} from the kept documents' sizes (characters or documents)."""

    def __init__(self, config: RebalanceConfig):
        super().__init__()
        self.config = config

    def expand(self, docs):
        unit = self.config.unit
        alpha = self.config.alpha
        return (
            docs
            | "Size" >> beam.Map(lambda d: (d.lang, d.n_chars if unit == "chars" else 1))
            | "PerLanguage" >> beam.CombinePerKey(sum)
            | "AsDict" >> beam.combiners.ToDict()
            | "Rates" >> beam.Map(lambda sizes: rebalance.temperature_rates(sizes, alpha))
        )


class Rebalance(beam.PTransform):
    """Down-sample large languages and repeat small ones, deterministically from each id."""

    def __init__(self, rates, seed: int):
        super().__init__()
        self.rates = rates
        self.seed = seed

    def expand(self, docs):
        seed = self.seed

        def sample(doc: Document, rates: dict[str, float]):
            for copy in range(rebalance.copies(doc.id, rates[doc.lang], seed)):
                yield doc._replace(repetition=copy)

        return docs | "Sample" >> beam.FlatMap(sample, rates=beam.pvalue.AsSingleton(self.rates))
