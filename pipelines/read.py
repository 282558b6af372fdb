"""Read input files: match patterns, spread files over workers, read and extract records."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.pvalue import TaggedOutput

from corpus.schema import Drop
from corpus.sources import read_file
from pipelines.common import DROPPED, split_outputs

def _match(kind_and_pattern):
    kind, pattern = kind_and_pattern
    for match in FileSystems.match([pattern])[0].metadata_list:
        yield kind, match.path


class _ReadFile(beam.DoFn):
    def process(self, kind_and_path):
        kind, path = kind_and_path
        try:
            stream = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
        except (OSError, IOError) as e:
            yield TaggedOutput(DROPPED, Drop("read/unreadable_file", "", kind, f"{path}: {e}"))
            return
        with stream:
            for item in read_file(kind, stream, path):
                yield TaggedOutput(DROPPED, item) if isinstance(item, Drop) else item


class ReadDocuments(beam.PTransform):
    """Match input files, spread them over workers, read and extract their records."""

    def __init__(self, inputs: dict[str, list[str]]):
        super().__init__()
        self.inputs = sorted((kind, p) for kind, patterns in inputs.items() for p in patterns)

    def expand(self, pbegin):
        files = (
            pbegin
            | "Patterns" >> beam.Create(self.inputs)
            | "Match" >> beam.FlatMap(_match)
            | "SpreadFiles" >> beam.Reshuffle()
        )
        return split_outputs(files, "ReadAndExtract", _ReadFile())
