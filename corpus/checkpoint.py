"""Checkpoints of the per-document work, in plain Python: what identifies a unit of work (one input
file or one piece of a multistream dump), how its documents go to disk and back, and whether a
config may resume the checkpoints another one wrote.

A unit's checkpoint is two files under OUT/_work/checkpoints/: <key>.docs (the documents kept by
the quality filter, Parquet with the release's document schema) and <key>.commit (JSON: its drops,
statistics and samples), written last: a unit is committed when its .commit exists.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Mapping

import pyarrow as pa

from corpus.schema import DOCUMENT_SCHEMA, Document, Drop, Sample, make_id, signals_from_row, signals_row

DOCS_SUFFIX = ".docs"  # not .parquet: the release's Parquet readers and `corpus verify` must not take them for shards
COMMIT_SUFFIX = ".commit"  # JSON; not named .json, for tools that guess a folder's format from its files
# Keys of the config a resumed build may change: more inputs (a release grows), the same folder.
RESUMABLE_CHANGES = ("inputs", "output.dir")


def unit_key(kind: str, name: str, piece: tuple | None) -> str:
    """A unit's name on disk, from what also makes its documents' ids (kind, the file's name below its
    folder, the piece): the same file mounted elsewhere is the same unit."""
    return make_id(kind, name, json.dumps(list(piece) if piece else None))


def documents_table(docs: list[Document]) -> pa.Table:
    rows = [doc._replace(signals=signals_row(doc.signals))._asdict() for doc in docs]
    return pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)


def documents_of(batch: pa.RecordBatch) -> Iterator[Document]:
    for row in batch.to_pylist():
        yield Document(**{**row, "signals": signals_from_row(row["signals"])})


def commit_record(unit: tuple, documents: int, drops: Iterable[Drop], stats: Mapping[str, int], samples: Iterable[Sample]) -> bytes:
    record = {
        "unit": list(unit),
        "documents": documents,
        "drops": [list(d) for d in drops],
        "stats": dict(sorted(stats.items())),
        "samples": [list(s) for s in samples],
    }
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def records_of_commit(data: bytes) -> tuple[list[Drop], dict[str, int], list[Sample]]:
    record = json.loads(data)
    return [Drop(*d) for d in record["drops"]], record["stats"], [Sample(*s) for s in record["samples"]]


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} -> {"a.b": 1}: config keys as the user writes them in --set."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(flatten(inner, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: value}


def changed_keys(committed: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Config keys (dotted) whose values differ between the config checkpoints were written with and
    the current one, leaving out those a resumed build may change."""
    old, new = flatten(dict(committed)), flatten(dict(current))
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return [k for k in keys if not any(k == allowed or k.startswith(allowed + ".") for allowed in RESUMABLE_CHANGES)]
