"""What every stage shares: a stage yields documents it keeps and Drop records for the others."""

from __future__ import annotations

import apache_beam as beam

from corpus.schema import Document, Drop, is_a


def split_outputs(pcoll, label: str, fn):
    """Apply a DoFn or callable that yields Documents and Drops; returns (kept, dropped).

    One output stream split by type rather than tagged outputs: the DaskRunner merges
    tagged outputs into the main one. The two filters fuse with the step, so the
    split costs no serialisation.
    """
    results = pcoll | label >> beam.ParDo(fn)
    kept = results | f"{label}/Kept" >> beam.Filter(lambda item: is_a(item, Document)).with_output_types(Document)
    dropped = results | f"{label}/Dropped" >> beam.Filter(lambda item: is_a(item, Drop)).with_output_types(Drop)
    return kept, dropped


def drop(stage: str, why: str, doc: Document) -> Drop:
    """A document leaving the flow at `stage` for reason `why`."""
    return Drop(f"{stage}/{why}", doc.lang, doc.source, doc.id)
