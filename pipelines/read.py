"""Read input files: expand patterns and listings, split multistream dumps, spread the work, read and extract."""

from __future__ import annotations

import logging
import os

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.config import Read
from corpus.schema import Drop, is_a
from corpus.sources import SOURCE_OF_KIND, damaged_file, multistream, offset_detail, read_file
from corpus.sources.remote import HttpStream, is_listing, is_url, listing_paths
from corpus.statistics import FILE_LEVEL_REASONS, READ_UNREADABLE_FILE
from pipelines.common import split_outputs


def _fixed_prefix(pattern: str) -> str:
    """The folder part of a pattern before its first wildcard."""
    wildcard = min((i for i, c in enumerate(pattern) if c in "*?["), default=len(pattern))
    return pattern[: pattern.rfind("/", 0, wildcard) + 1]


def common_folder(patterns: list[str]) -> str:
    """The deepest folder holding every pattern's files: file names below it tell apart files of
    different patterns (a/x.wet.gz, b/x.wet.gz), and stay the same wherever the inputs are mounted."""
    common = os.path.commonprefix([_fixed_prefix(p) for p in patterns])
    return common[: common.rfind("/") + 1]


def open_input(path: str, options: Read):
    """The raw bytes of an input: https:// streamed with retries, anything else through Beam's FileSystems."""
    if is_url(path):
        return HttpStream(path, retries=options.http_retries, backoff=options.http_backoff_seconds)
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


def match_files(kind_pattern_folder, options: Read):
    """(kind, path, name, None) per file: name is the path below the folder common to the kind's patterns
    (or as a listing gives it), the file's provenance in the release and part of its documents' ids.
    A CommonCrawl *.paths.gz listing stands for the files it lists, under options.listing_prefix."""
    kind, pattern, prefix = kind_pattern_folder
    paths = [pattern] if is_url(pattern) else [m.path for m in FileSystems.match([pattern])[0].metadata_list]
    for path in paths:
        if is_listing(path):
            with open_input(path, options) as listing:
                for full, listed in listing_paths(listing, options.listing_prefix, options.listing_max_files):
                    yield kind, full, listed, None
        elif kind == "wikipedia" and multistream.is_index(path):
            continue  # read beside its dump, not as a dump
        elif "://" not in path and os.path.isdir(path):
            continue  # a folder a wildcard matched: its files are not asked for (`corpus` refuses a folder named alone)
        else:
            yield kind, path, path[len(prefix) :] if path.startswith(prefix) else path, None


def _split_multistream(file, options: Read):
    """A multistream Wikipedia dump with its index becomes pieces of whole bz2 streams; other files stay whole."""
    kind, path, name, _ = file
    index = multistream.index_path(path) if kind == "wikipedia" else None
    if index is None or not (is_url(index) or FileSystems.exists(index)):
        yield file
        return
    try:
        with open_input(index, options) as f:
            offsets = multistream.stream_offsets(f)
        if is_url(path):
            with HttpStream(path, options.http_retries, options.http_backoff_seconds) as dump:
                size = dump.size
        else:
            size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
    except (OSError, IOError) as e:  # no usable index: read the dump whole, in one piece
        logging.warning("multistream index %s unreadable (%s): reading %s whole", index, e, path)
        yield file
        return
    pieces = multistream.plan_pieces(offsets, size, options.wikipedia_range_bytes)
    if not pieces:
        yield file
    for piece in pieces:
        yield kind, path, name, tuple(piece)


def read_unit(file, options: Read):
    """Documents, Drops and Stats of one (kind, path, name, piece) as MatchFiles and the multistream split give it."""
    kind, path, name, piece = file
    try:
        stream = open_input(path, options)
    except (OSError, IOError) as e:
        yield Drop(READ_UNREADABLE_FILE, "", SOURCE_OF_KIND[kind], offset_detail(name, 0, str(e)))
        yield damaged_file(name, READ_UNREADABLE_FILE)
        return
    with stream:
        for item in read_file(kind, stream, name, options, piece):
            if is_a(item, Drop) and item.reason in FILE_LEVEL_REASONS:
                logging.warning("%s %s", item.reason, item.detail)  # the file and offset, for whoever looks
            yield item


class _ReadFile(beam.DoFn):
    def __init__(self, options: Read):
        self.options = options

    def process(self, file):
        yield from read_unit(file, self.options)


class MatchFiles(beam.PTransform):
    """Input patterns of each kind -> (kind, path, name, None) per file, spread over the workers."""

    def __init__(self, inputs: dict[str, list[str]], options: Read):
        super().__init__()
        folders = {kind: common_folder([p for p in patterns if not is_url(p)]) for kind, patterns in inputs.items()}
        self.inputs = sorted((kind, p, folders[kind]) for kind, patterns in inputs.items() for p in patterns)
        self.options = options

    def expand(self, pbegin):
        return (
            pbegin
            | "Patterns" >> beam.Create(self.inputs)
            | "Match" >> beam.FlatMap(match_files, self.options)
            | "SpreadFiles" >> beam.Reshuffle()
        )


class MatchUnits(beam.PTransform):
    """Input patterns -> the units of reading work (files, pieces of multistream dumps), spread over the workers."""

    def __init__(self, inputs: dict[str, list[str]], options: Read = Read()):
        super().__init__()
        self.inputs = inputs
        self.options = options

    def expand(self, pbegin):
        return (
            pbegin
            | MatchFiles(self.inputs, self.options)
            | "SplitMultistream" >> beam.FlatMap(_split_multistream, self.options)
            | "SpreadPieces" >> beam.Reshuffle()
        )


class ReadDocuments(beam.PTransform):
    """Match input files, spread them over workers, read and extract their records: (kept, dropped, stats)."""

    def __init__(self, inputs: dict[str, list[str]], options: Read = Read()):
        super().__init__()
        self.inputs = inputs
        self.options = options

    def expand(self, pbegin):
        pieces = pbegin | MatchUnits(self.inputs, self.options)
        return split_outputs(pieces, "ReadAndExtract", _ReadFile(self.options))
