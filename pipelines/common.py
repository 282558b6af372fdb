"""What every stage shares: a stage yields kept documents and TaggedOutput drops."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput

from corpus.schema import Document, Drop

DROPPED = "dropped"


def split_outputs(pcoll, label: str, fn):
    """Apply a DoFn or callable that yields documents and drops; returns (kept, dropped)."""
    result = pcoll | label >> beam.ParDo(fn).with_outputs(DROPPED, main="kept")
    return result.kept, result[DROPPED]


def drop(stage: str, why: str, doc: Document) -> TaggedOutput:
    """A document leaving the flow at `stage` for reason `why`, as the stage's drop output."""
    return TaggedOutput(DROPPED, Drop(f"{stage}/{why}", doc.lang, doc.source, doc.id))
