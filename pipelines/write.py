"""Write records as Parquet shards per language (bitext: per language pair), each sorted, named and checksummed."""

from __future__ import annotations

import hashlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus import release
from corpus.config import Output


def write_file(path: str, data: bytes) -> None:
    """Write through Beam's FileSystems: a temporary name, then a rename, so readers never see half a file."""
    tmp = path + ".tmp"
    with FileSystems.create(tmp) as f:
        f.write(data)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


class WriteShards(beam.PTransform):
    """<folder>/<group>/part-NNNNN-of-MMMMM.parquet as `layout` says (documents per language, bitext per
    language pair); yields one shard-list entry per shard for the manifest."""

    def __init__(self, out_dir: str, config: Output, layout: release.ShardLayout = release.DOCUMENTS):
        super().__init__()
        self.out_dir = out_dir
        self.config = config
        self.layout = layout

    def expand(self, records):
        config, out_dir, layout = self.config, self.out_dir, self.layout
        shard_counts = (
            records
            | "TextBytes" >> beam.Map(lambda r: (layout.group(r), layout.text_bytes(r)))
            | "PerGroup" >> beam.CombinePerKey(sum)
            | "Shards" >> beam.MapTuple(lambda group, size: (group, release.shard_count(size, config.shard_bytes)))
        )

        def assign(record, counts: dict[str, int]):
            group = layout.group(record)
            shards = counts[group]
            return release.shard_path(group, release.shard_of(record, shards, layout), shards, layout), record

        def write(path_and_records):
            relative, group = path_and_records
            data, rows = release.encode_parquet(group, config.compression, config.row_group_bytes, layout)
            write_file(FileSystems.join(out_dir, relative), data)
            yield {"path": relative, "lang": relative.split("/")[1], "rows": rows, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

        return (
            records
            | "AssignShard" >> beam.Map(assign, counts=beam.pvalue.AsDict(shard_counts))
            | "GroupShard" >> beam.GroupByKey()
            | "WriteParquet" >> beam.FlatMap(write)
        )
