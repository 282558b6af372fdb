"""The release layout: shard names, Parquet encoding, the manifest and the dataset card."""

from __future__ import annotations

import hashlib
import io
import math
from typing import Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.schema import DOCUMENT_SCHEMA, Document

DOCS_DIR = "docs"
TOKENIZER_DIR = "tokenizer"
MANIFEST = "manifest.json"
CARD = "README.md"


def shard_count(text_bytes: int, shard_bytes: int) -> int:
    return max(1, math.ceil(text_bytes / shard_bytes))


def shard_of(doc: Document, shards: int) -> int:
    """A document's shard: a hash of its id and copy, so shards fill evenly and reproducibly."""
    digest = hashlib.blake2b(f"{doc.id}/{doc.repetition}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_path(lang: str, index: int, shards: int) -> str:
    """Relative path of a shard: docs/<lang>/part-NNNNN-of-MMMMM.parquet."""
    return f"{DOCS_DIR}/{lang}/part-{index:05d}-of-{shards:05d}.parquet"


def encode_parquet(docs: Iterable[Document], compression: str, row_group_bytes: int) -> tuple[bytes, int]:
    """Documents sorted by (id, repetition) as a Parquet file's bytes, and the number of rows."""
    rows = sorted(docs, key=lambda d: (d.id, d.repetition))
    table = pa.Table.from_pylist([d._replace(signals=sorted(d.signals.items()))._asdict() for d in rows], schema=DOCUMENT_SCHEMA)
    mean_row = max(1, table.nbytes // max(1, len(rows)))
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression=None if compression == "none" else compression,
        row_group_size=max(1, row_group_bytes // mean_row),
    )
    return sink.getvalue(), len(rows)


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def dataset_card(manifest: Mapping[str, Any]) -> str:
    """README.md of a release, generated from its manifest."""
    docs = manifest["documents"]
    langs = manifest["languages"]
    config = manifest["config"]
    parts = [
        f"# {config['name']}: a multilingual text corpus",
        "",
        "Built by corpus-builder from CommonCrawl and Wikipedia inputs: text extraction, "
        "fastText language ID, quality filters, exact and MinHash near-duplicate removal, "
        f"temperature rebalancing (alpha = {config['rebalance']['alpha']}), Parquet shards "
        "and a SentencePiece tokenizer.",
        "",
        "## Layout",
        "",
        "- `docs/<lang>/part-NNNNN-of-MMMMM.parquet`: documents of one language (zstd Parquet); "
        "languages are ISO 639-3 codes with their ISO 15924 script, e.g. `fra_Latn`.",
        "- `tokenizer/spm.model`, `tokenizer/spm.vocab`: SentencePiece model trained on the rebalanced distribution.",
        "- `manifest.json`: configuration, package versions, counts, drops, sampling rates, shard checksums.",
        "",
        "## Counts",
        "",
        f"Documents read: {docs['read']:,}; kept after filtering and deduplication: {docs['kept']:,}; "
        f"dropped: {sum(docs['dropped'].values()):,}; written after rebalancing: {docs['written']:,}.",
        "",
        _table(
            ["language", "kept", "kept chars", "sampling rate", "written", "written chars"],
            (
                [lang, f"{v['kept']:,}", f"{v['kept_chars']:,}", f"{v['rate']:.3f}", f"{v['written']:,}", f"{v['written_chars']:,}"]
                for lang, v in sorted(langs.items(), key=lambda kv: -kv[1]["kept_chars"])
            ),
        ),
        "",
        "## Dropped documents",
        "",
        _table(["reason", "documents"], sorted(docs["dropped"].items(), key=lambda kv: -kv[1])),
        "",
        "## Fields",
        "",
        _table(["column", "type"], ((f.name, f.type) for f in DOCUMENT_SCHEMA)),
        "",
        "## Sources and licences",
        "",
        "CommonCrawl text is subject to the CommonCrawl terms of use and the rights of the original "
        "authors; Wikipedia text is CC BY-SA. The `url` column gives the provenance of every document.",
        "",
    ]
    return "\n".join(parts)


def assemble_manifest(
    config: Mapping[str, Any],
    versions: Mapping[str, str],
    stats: Mapping[str, int],
    rates: Mapping[str, float],
    shards: list[Mapping[str, Any]],
    tokenizer: Mapping[str, Any] | None,
    run: Mapping[str, Any],
) -> dict[str, Any]:
    """The manifest from the build's own statistics ("kind|key[|lang]" -> amount).

    Kinds read, dropped, kept(_chars) and written(_chars) make the document
    counts; any other kind (a stage's own statistics) is kept under "stats".

    Everything but `run` (timestamps, durations, runner) is a function of the
    inputs and config, so two builds of the same inputs give the same manifest.
    """
    read: dict[str, int] = {}
    dropped: dict[str, int] = {}
    other: dict[str, dict[str, int]] = {}  # statistics of later stages, by kind
    languages: dict[str, dict[str, Any]] = {}

    def language(lang: str) -> dict[str, Any]:
        return languages.setdefault(
            lang, {"kept": 0, "kept_chars": 0, "rate": 0.0, "written": 0, "written_chars": 0, "dropped": {}}
        )

    for key, amount in stats.items():
        kind, _, rest = key.partition("|")
        if kind == "read":
            read[rest] = read.get(rest, 0) + amount
        elif kind == "dropped":
            reason, _, lang = rest.partition("|")
            dropped[reason] = dropped.get(reason, 0) + amount
            if lang:
                language(lang)["dropped"][reason] = amount
        elif kind in ("kept", "kept_chars", "written", "written_chars"):
            language(rest)[kind] += amount
        else:
            other.setdefault(kind, {})[rest] = amount
    for lang, rate in rates.items():
        language(lang)["rate"] = round(rate, 6)
    for lang in languages.values():
        lang["dropped"] = dict(sorted(lang["dropped"].items()))
    return {
        "format": 1,
        "config": dict(config),
        "versions": dict(sorted(versions.items())),
        "documents": {
            "read": sum(read.values()),
            "read_by_source": dict(sorted(read.items())),
            "kept": sum(v["kept"] for v in languages.values()),
            "dropped": dict(sorted(dropped.items())),
            "written": sum(v["written"] for v in languages.values()),
        },
        "languages": dict(sorted(languages.items())),
        "stats": {kind: dict(sorted(values.items())) for kind, values in sorted(other.items())},
        "shards": sorted(shards, key=lambda s: s["path"]),
        "tokenizer": dict(tokenizer or {}),
        "run": dict(run),
    }


def reconciles(manifest: Mapping[str, Any]) -> bool:
    docs = manifest["documents"]
    return docs["read"] == docs["kept"] + sum(docs["dropped"].values())
