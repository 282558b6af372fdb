"""The release layout: folder and file names, shard names and the Parquet encoding of records."""

from __future__ import annotations

import hashlib
import io
import math
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.schema import BITEXT_SCHEMA, DOCUMENT_SCHEMA, BitextPair, Document, pair_name, signals_row

DOCS_DIR = "docs"
TOKENIZER_DIR = "tokenizer"
MANIFEST = "manifest.json"
CARD = "README.md"
REPORT = "report.html"
PLOTS_DIR = "report"  # PNG plots beside report.html
BITEXT_DIR = "bitext"
TOKENS_DIR = "tokens"  # token ids of docs/ and bitext/ shards in Megatron's layout (corpus/tokens.py)


class ReleaseFailed(Exception):
    """The build ran but its release fails a check of its own (counts that do not add up, nothing kept)."""


def length_bucket(n_chars: int) -> int:
    """The power of two at or below a document's length: buckets of the length histogram."""
    return 1 << max(0, int(n_chars).bit_length() - 1)


def shard_count(text_bytes: int, shard_bytes: int) -> int:
    return max(1, math.ceil(text_bytes / shard_bytes))


def _document_row(doc: Document) -> dict[str, Any]:
    return doc._replace(signals=signals_row(doc.signals))._asdict()


def _pair_bytes(pair: BitextPair) -> int:
    return len(pair.src_text.encode("utf-8", "surrogatepass")) + len(pair.tgt_text.encode("utf-8", "surrogatepass"))


class ShardLayout(NamedTuple):
    """How one kind of record is written: <folder>/<group>/part-NNNNN-of-MMMMM.parquet, rows in `order`."""

    folder: str
    schema: pa.Schema
    group: Callable[[Any], str]  # a language, or a language pair
    order: Callable[[Any], tuple]  # rows sorted by it; its text picks the record's shard
    row: Callable[[Any], dict[str, Any]]
    text_bytes: Callable[[Any], int]  # what the shard size counts


DOCUMENTS = ShardLayout(
    DOCS_DIR, DOCUMENT_SCHEMA, lambda d: d.lang, lambda d: (d.id, d.repetition), _document_row,
    lambda d: len(d.text.encode("utf-8", "surrogatepass")),
)
BITEXT = ShardLayout(
    BITEXT_DIR, BITEXT_SCHEMA, lambda p: pair_name(p.src_lang, p.tgt_lang), lambda p: (p.id, p.src_doc_id, p.tgt_doc_id),
    lambda p: p._asdict(), _pair_bytes,
)


def shard_of(record: Any, shards: int, layout: ShardLayout = DOCUMENTS) -> int:
    """A record's shard: a hash of its order key (a document's id and copy), so shards fill evenly and reproducibly."""
    digest = hashlib.blake2b("/".join(map(str, layout.order(record))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_path(group: str, index: int, shards: int, layout: ShardLayout = DOCUMENTS) -> str:
    """Relative path of a shard: docs/<lang>/part-NNNNN-of-MMMMM.parquet (bitext/<pair>/... for bitext)."""
    return f"{layout.folder}/{group}/part-{index:05d}-of-{shards:05d}.parquet"


def encode_parquet(records: Iterable[Any], compression: str, row_group_bytes: int, layout: ShardLayout = DOCUMENTS) -> tuple[bytes, int]:
    """Records sorted by the layout's order as a Parquet file's bytes, and the number of rows."""
    rows = sorted(records, key=layout.order)
    table = pa.Table.from_pylist([layout.row(r) for r in rows], schema=layout.schema)
    mean_row = max(1, table.nbytes // max(1, len(rows)))
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression=None if compression == "none" else compression,
        row_group_size=max(1, row_group_bytes // mean_row),
    )
    return sink.getvalue(), len(rows)


def parquet_rows(data: bytes) -> int:
    """Rows of a Parquet file, from its footer."""
    return pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows


def written_files(manifest: Mapping[str, Any]) -> set[str]:
    """Every file a manifest lists (shards of any kind, tokenizer files): what --overwrite may delete.

    Read from the JSON object as found, so that a release with a damaged manifest can still be replaced."""
    files = {shard["path"] for shard in manifest.get("shards", [])}
    files |= set((manifest.get("tokenizer") or {}).get("files", {}))
    return files
