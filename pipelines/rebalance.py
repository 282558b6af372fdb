"""Rebalance languages: per-language sizes from a combiner, rates as a side input, hash-decided copies."""

from __future__ import annotations

import apache_beam as beam

from corpus import rebalance
from corpus.config import Rebalance as RebalanceConfig
from corpus.schema import Document
from corpus.statistics import STAT_COPIES, STAT_MAX_COPIES, stat_key


def unit_size(doc: Document, config: RebalanceConfig) -> int:
    """A document's size in the configured unit: characters, or 1 document."""
    return doc.n_chars if config.unit == "chars" else 1


class SamplingRates(beam.PTransform):
    """A single dict {lang: rate} from the kept documents' source-weighted sizes.

    Without a budget the target is the corpus size as it is (unweighted), so source
    weights shift the mix without growing the corpus. One combiner per language sums
    the sizes and documents and keeps the largest source weight, from which the caps
    (max_epochs, or 1 for a held-back language) follow.
    """

    def __init__(self, config: RebalanceConfig):
        super().__init__()
        self.config = config

    def expand(self, docs):
        config = self.config

        def rates(sizes: dict[str, tuple[float, float, int, int, float, int]]) -> dict[str, float]:
            weighted = {lang: w for lang, (w, *_) in sizes.items()}
            caps = rebalance.language_caps(
                {lang: (n, chars, repeatable) for lang, (_, _, n, chars, _, repeatable) in sizes.items()},
                config,
                {lang: top for lang, (_, _, _, _, top, _) in sizes.items()},
            )
            budget = config.budget or sum(raw for _, raw, *_ in sizes.values())
            return rebalance.language_rates(weighted, config.model_copy(update={"budget": budget}), caps)

        def size(d: Document):
            weight = rebalance.source_weight(d.source, config.source_weights)
            repeatable = d.n_chars if rebalance.may_repeat(d.quality_bucket, config) else 0
            return d.lang, (unit_size(d, config) * weight, unit_size(d, config), 1, d.n_chars, weight, repeatable)

        return (
            docs
            | "Size" >> beam.Map(size)
            | "PerLanguage" >> beam.CombinePerKey(beam.combiners.TupleCombineFn(sum, sum, sum, sum, max, sum))
            | "AsDict" >> beam.combiners.ToDict()
            | "Rates" >> beam.Map(rates)
        )


class Rebalance(beam.PTransform):
    """Down-sample large languages and repeat small ones, deterministically from each id.

    A document's rate is its language's rate times its source's weight; a document under
    rebalance.upsample_min_bucket is written at most once.
    """

    def __init__(self, rates, config: RebalanceConfig):
        super().__init__()
        self.rates = rates
        self.config = config

    def expand(self, docs):
        config = self.config
        seed, source_weights = config.seed, config.source_weights

        def sample(doc: Document, rates: dict[str, float]):
            rate = rebalance.document_rate(rates[doc.lang], rebalance.source_weight(doc.source, source_weights))
            if not rebalance.may_repeat(doc.quality_bucket, config):
                rate = min(rate, 1.0)
            for copy in range(rebalance.copies(doc.id, rate, seed)):
                yield doc._replace(repetition=copy)

        return docs | "Sample" >> beam.FlatMap(sample, rates=beam.pvalue.AsSingleton(self.rates))


class CopyStats(beam.PTransform):
    """How many times each document was written, as statistics for the manifest.

    Written rows are counted per (language, id) by a combiner, never collected:
    ("copies|<lang>|<n>", documents written n times) and ("max_copies|<lang>", the
    most copies of one document). The max is one value per language, so the
    build's summing of statistics leaves it as it is.
    """

    def expand(self, written):
        per_doc = (
            written
            | "KeyById" >> beam.Map(lambda d: ((d.lang, d.id), 1))
            | "CountCopies" >> beam.CombinePerKey(sum)
        )
        histogram = per_doc | "Histogram" >> beam.Map(lambda kv: (stat_key(STAT_COPIES, kv[0][0], kv[1]), 1))
        most = (
            per_doc
            | "ByLanguage" >> beam.Map(lambda kv: (kv[0][0], kv[1]))
            | "MaxPerLanguage" >> beam.CombinePerKey(max)
            | "AsStat" >> beam.Map(lambda kv: (stat_key(STAT_MAX_COPIES, kv[0]), kv[1]))
        )
        return (histogram, most) | "CopyStats" >> beam.Flatten()
