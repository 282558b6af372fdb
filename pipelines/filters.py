"""Quality filters: corpus.filters rules applied to each document."""

from __future__ import annotations

import apache_beam as beam

from corpus import filters
from corpus.config import Filters
from corpus.schema import Document
from pipelines.common import drop, split_outputs

class QualityFilter(beam.PTransform):
    """Script-aware quality rules; each rejection is counted under its rule's name."""

    def __init__(self, config: Filters):
        super().__init__()
        self.config = config

    def expand(self, docs):
        rules = filters.rules_from_config(self.config)

        def apply(doc: Document):
            reason = filters.first_failure(doc, rules)
            yield drop("filter", reason, doc) if reason else doc

        return split_outputs(docs, "ApplyRules", apply)
