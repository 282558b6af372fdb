"""Counts that come from the data itself, so the manifest reconciles on every runner.

Each stage emits `(key, amount)` statistics beside its output, e.g.
("dropped|langid/low_score|fra_Latn", 1); they are summed with a combiner and
written as one small JSON-lines file that the launcher turns into the manifest.
Beam Metrics counters are incremented too, for live monitoring on a runner's UI.
"""

from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.metrics import Metrics

from corpus.schema import Document, Drop
from corpus.statistics import STAT_DROPPED, STAT_STAGE, stat_key
from pipelines.write import write_file


def drop_stat(drop: Drop) -> tuple[str, int]:
    Metrics.counter(STAT_DROPPED, drop.reason).inc()
    return stat_key(STAT_DROPPED, drop.reason, drop.lang), 1


def stage_key(stage: str) -> str:
    """The statistic counting the documents that leave `stage` (release.STAGES)."""
    return stat_key(STAT_STAGE, stage)


def doc_stats(count_kind: str, chars_kind: str):
    """Count and characters of documents per language, under the two statistic kinds."""

    def stats(doc: Document):
        yield stat_key(count_kind, doc.lang), 1
        yield stat_key(chars_kind, doc.lang), doc.n_chars

    return stats


class WriteJsonLines(beam.PTransform):
    """A small PCollection (statistics, shard list) written as one sorted JSON-lines file.

    Written by the project's own writer on one worker rather than a Beam file sink:
    the same bytes on every runner (the DaskRunner loses the output of Beam's sinks).
    """

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def expand(self, pcoll):
        path = self.path

        def write(_, lines):
            write_file(path, "".join(sorted(line + "\n" for line in lines)).encode("utf-8"))

        return (
            pcoll
            | "ToJson" >> beam.Map(lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
            | "OneWorker" >> beam.Map(lambda line: (None, line))
            | "Gather" >> beam.GroupByKey()
            | "Write" >> beam.MapTuple(write)
        )


class SumStats(beam.PTransform):
    def expand(self, stats):
        return stats | "Sum" >> beam.CombinePerKey(sum)
