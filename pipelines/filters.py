"""Quality filters: corpus.filters rules applied to each document."""

from __future__ import annotations

import apache_beam as beam

from corpus.config import Filters
from corpus.filters import QualityRules
from corpus.schema import Document
from pipelines.common import drop, split_outputs


class _Judge(beam.DoFn):
    def __init__(self, config: Filters):
        self.config = config

    def setup(self):
        self.rules = QualityRules(self.config)

    def process(self, doc: Document):
        doc, reason = self.rules.judge(doc)
        yield drop("filter", reason, doc) if reason else doc


class QualityFilter(beam.PTransform):
    """Script-aware quality rules per language; kept documents carry their signals, drops their rule's name."""

    def __init__(self, config: Filters):
        super().__init__()
        self.config = config

    def expand(self, docs):
        kept, dropped, _ = split_outputs(docs, "ApplyRules", _Judge(self.config))
        return kept, dropped
