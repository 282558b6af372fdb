"""Read input files: match patterns, spread files over workers, read and extract records."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.schema import Drop
from corpus.sources import SOURCE_OF_KIND, read_file
from pipelines.common import split_outputs

def _fixed_prefix(pattern: str) -> str:
    """The folder part of a pattern before its first wildcard."""
    wildcard = min((i for i, c in enumerate(pattern) if c in "*?["), default=len(pattern))
    return pattern[: pattern.rfind("/", 0, wildcard) + 1]


def _match(kind_and_pattern):
    """(kind, path, name): name is the path below the pattern's fixed folder, the file's
    provenance in the release, the same wherever the inputs are mounted."""
    kind, pattern = kind_and_pattern
    prefix = _fixed_prefix(pattern)
    for match in FileSystems.match([pattern])[0].metadata_list:
        yield kind, match.path, match.path[len(prefix) :] if match.path.startswith(prefix) else match.path


class _ReadFile(beam.DoFn):
    def process(self, file):
        kind, path, name = file
        try:
            stream = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
        except (OSError, IOError) as e:
            yield Drop("read/unreadable_file", "", SOURCE_OF_KIND[kind], f"{path}: {e}")
            return
        with stream:
            yield from read_file(kind, stream, name)


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
