"""What every stage shares: a step yields the Documents it keeps, Drops for the others and Stats."""

from __future__ import annotations

from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam.pvalue import PCollection

from corpus.schema import Document, Drop, Sample, Stat, is_a


class StageOutput(NamedTuple):
    """What every stage returns: the documents it keeps, Drops for the others, ("kind|key", amount) statistics,
    and Samples of what it removed (for the report; None where a stage gives none)."""

    kept: PCollection
    dropped: PCollection
    stats: PCollection
    samples: PCollection | None = None


def split_stats(results, label: str):
    """A step's output split into (everything else, ("kind|key", amount) statistics)."""
    main = results | f"{label}/Main" >> beam.Filter(lambda item: not is_a(item, Stat)).with_output_types(Any)
    stats = (
        results
        | f"{label}/Stats" >> beam.Filter(lambda item: is_a(item, Stat))
        | f"{label}/AsPair" >> beam.Map(tuple).with_output_types(tuple[str, int])
    )
    return main, stats


def split_outputs(pcoll, label: str, fn, kept_type: type = Document) -> StageOutput:
    """Apply a DoFn or callable yielding kept items, Drops and Stats; returns them as a StageOutput.

    One output stream split by shape, so a step yields whatever it decides without
    declaring tags. The filters fuse with the step, so the split costs no serialisation.
    Records are told apart by shape (is_a): a record that crossed a shuffle may come back
    as RowCoder's look-alike type.
    """
    results = pcoll | label >> (beam.ParDo(fn) if isinstance(fn, beam.DoFn) else beam.FlatMap(fn))
    kept = results | f"{label}/Kept" >> beam.Filter(lambda item: not (is_a(item, Drop) or is_a(item, Stat) or is_a(item, Sample))).with_output_types(kept_type)
    dropped = results | f"{label}/Dropped" >> beam.Filter(lambda item: is_a(item, Drop)).with_output_types(Drop)
    samples = results | f"{label}/Samples" >> beam.Filter(lambda item: is_a(item, Sample)).with_output_types(Sample)
    _, stats = split_stats(results, label)
    return StageOutput(kept, dropped, stats, samples)


def drop(reason: str, doc: Document) -> Drop:
    """A document leaving the flow for `reason` (corpus.statistics)."""
    return Drop(reason, doc.lang, doc.source, doc.id)
