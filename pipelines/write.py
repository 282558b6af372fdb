"""Write the documents as Parquet shards per language, each sorted, named and checksummed."""

from __future__ import annotations

import hashlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus import release
from corpus.config import Output
from corpus.schema import Document


def write_file(path: str, data: bytes) -> None:
    """Write through Beam's FileSystems: a temporary name, then a rename, so readers never see half a file."""
    tmp = path + ".tmp"
    with FileSystems.create(tmp) as f:
        f.write(data)
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


class WriteShards(beam.PTransform):
    """docs/<lang>/part-NNNNN-of-MMMMM.parquet; yields one record per shard for the manifest."""

    def __init__(self, out_dir: str, config: Output):
        super().__init__()
        self.out_dir = out_dir
        self.config = config

    def expand(self, docs):
        config, out_dir = self.config, self.out_dir
        shard_counts = (
            docs
            | "TextBytes" >> beam.Map(lambda d: (d.lang, len(d.text.encode("utf-8", "surrogatepass"))))
            | "PerLanguage" >> beam.CombinePerKey(sum)
            | "Shards" >> beam.Map(lambda kv: (kv[0], release.shard_count(kv[1], config.shard_bytes)))
        )

        def assign(doc: Document, counts: dict[str, int]):
            shards = counts[doc.lang]
            return f"{doc.lang}/{release.shard_of(doc, shards)}/{shards}", doc

        def write(key_and_docs):
            key, docs = key_and_docs
            lang, index, shards = key.split("/")
            data, rows = release.encode_parquet(docs, config.compression, config.row_group_bytes)
            relative = release.shard_path(lang, int(index), int(shards))
            write_file(FileSystems.join(out_dir, relative), data)
            yield {"path": relative, "lang": lang, "rows": rows, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

        return (
            docs
            | "AssignShard" >> beam.Map(assign, counts=beam.pvalue.AsDict(shard_counts))
            | "GroupShard" >> beam.GroupByKey()
            | "WriteParquet" >> beam.FlatMap(write)
        )
