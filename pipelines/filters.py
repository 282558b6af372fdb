"""Quality filters: corpus.filters rules applied to each document."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus.config import Filters
from corpus.filters import QualityRules
from corpus.schema import Document
from pipelines.common import split_outputs


def _read_text(path: str) -> str:
    """A blocklist file from any Beam filesystem (gs://, s3://, hdfs://, local)."""
    with FileSystems.open(path) as f:
        return f.read().decode("utf-8")


class _Judge(beam.DoFn):
    def __init__(self, config: Filters):
        self.config = config

    def setup(self):
        # Blocklist files are read on each worker (a UT1 list is too large to ship inside the pipeline graph).
        self.rules = QualityRules(self.config, read=_read_text)

    def process(self, doc: Document):
        yield from self.rules(doc)


class QualityFilter(beam.PTransform):
    """Script-aware quality rules per language; kept documents carry their signals, drops their rule's name."""

    def __init__(self, config: Filters):
        super().__init__()
        self.config = config

    def expand(self, docs):
        return split_outputs(docs, "ApplyRules", _Judge(self.config))
