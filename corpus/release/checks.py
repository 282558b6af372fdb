"""The checks of a release: its counts reconcile, and every file matches its manifest entry (`corpus verify`)."""

from __future__ import annotations

import hashlib
import io
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pyarrow as pa

from corpus import tokens
from corpus.manifest import Manifest, Shard
from corpus.release.layout import DOCS_DIR, parquet_rows
from corpus.release.tokenfiles import TOKEN_SETS, is_token_file


def reconciliation_problems(manifest: Manifest | Mapping[str, Any]) -> list[str]:
    """Where documents were lost or invented: overall (read = kept + dropped) and per stage."""
    docs = Manifest.of(manifest).documents
    problems = []
    dropped = sum(docs.dropped.values())
    if docs.read != docs.kept + dropped:
        problems.append(f"counts do not reconcile: read {docs.read:,} != kept {docs.kept:,} + dropped {dropped:,}")
    for s in docs.stages:
        if s.into + s.added != s.out + s.dropped:
            difference = s.into + s.added - s.out - s.dropped
            problems.append(f"stage {s.stage}: {s.into:,} in + {s.added:,} added != {s.out:,} out + "
                            f"{s.dropped:,} dropped ({difference:+,} unaccounted)")
    if docs.stages and docs.stages[-1].out != docs.kept:
        problems.append(f"stage {docs.stages[-1].stage}: {docs.stages[-1].out:,} out, but {docs.kept:,} kept")
    return problems


def reconciles(manifest: Manifest | Mapping[str, Any]) -> bool:
    return not reconciliation_problems(manifest)


def _checksum_problem(path: str, data: bytes | None, sha256: str) -> list[str]:
    if data is None:
        return [f"{path}: missing"]
    if hashlib.sha256(data).hexdigest() != sha256:
        return [f"{path}: checksum differs from the manifest"]
    return []


def _parquet_problems(manifest: Manifest, read: Callable[[str], bytes | None]) -> list[str]:
    """Every Parquet shard against its checksum and row count; each language's rows against its written count."""
    problems = []
    rows_per_lang: dict[str, int] = {}
    for shard in manifest.shards:
        if is_token_file(shard.path):  # checked set by set (token_problems)
            continue
        data = read(shard.path)
        problems += _checksum_problem(shard.path, data, shard.sha256)
        if data is None:
            continue
        try:
            rows = parquet_rows(data)
        except (pa.ArrowException, OSError) as e:
            problems.append(f"{shard.path}: not a readable Parquet file ({e})")
            continue
        if shard.rows is not None and rows != shard.rows:
            problems.append(f"{shard.path}: {rows} rows, the manifest says {shard.rows}")
        if shard.path.startswith(DOCS_DIR + "/"):
            rows_per_lang[shard.lang] = rows_per_lang.get(shard.lang, 0) + rows
    for lang, v in manifest.languages.items():
        if rows_per_lang.get(lang, 0) != v.written:
            problems.append(f"{lang}: {rows_per_lang.get(lang, 0)} rows in shards, the manifest says {v.written} written")
    if sum(v.written for v in manifest.languages.values()) != manifest.documents.written:
        problems.append("documents.written is not the sum of the languages' written counts")
    return problems


def verify(manifest: Manifest | Mapping[str, Any], read: Callable[[str], bytes | None], present: Iterable[str]) -> list[str]:
    """Problems of a release against its manifest (empty when sound).

    `read(relative_path)` gives a file's bytes or None when it is missing; `present` lists the
    Parquet files found under the release, to catch shards the manifest does not know.
    """
    manifest = Manifest.of(manifest)
    problems = reconciliation_problems(manifest) + _parquet_problems(manifest, read) + token_problems(manifest, read)
    listed = {shard.path for shard in manifest.shards}
    problems += [f"{path}: not listed in the manifest" for path in sorted(set(present) - listed)]
    for path, expected in sorted(manifest.tokenizer.get("files", {}).items()):
        problems += _checksum_problem(path, read(path), expected["sha256"])
    return problems


def _sidecar_problems(prefix: str, files: Mapping[str, bytes | None], sequences: int, lengths: np.ndarray) -> list[str]:
    """A TLM file set's .langs.npy: one row per sequence, each second sentence starting inside it."""
    if prefix + tokens.LANGS not in files:
        return [f"{prefix}{tokens.LANGS}: not listed in the manifest"]
    if files[prefix + tokens.LANGS] is None:  # reported as missing
        return []
    try:
        langs = np.load(io.BytesIO(files[prefix + tokens.LANGS]), allow_pickle=False)
        if len(langs) != sequences or np.any(langs["offset"] <= 0) or np.any(langs["offset"] >= lengths):
            return [f"{prefix}{tokens.LANGS}: its rows do not match the sequences"]
    except (ValueError, OSError, EOFError, KeyError) as e:
        return [f"{prefix}{tokens.LANGS}: not readable ({e})"]
    return []


def token_set_problems(bin_entry: Shard, files: Mapping[str, bytes | None], source_rows: int | None,
                       vocab_size: int | None) -> list[str]:
    """One file set (.bin, .idx and for TLM .langs.npy) against its manifest entry and its Parquet shard."""
    prefix = bin_entry.path.removesuffix(tokens.BIN)
    data, idx = files[prefix + tokens.BIN], files[prefix + tokens.IDX]
    if data is None or idx is None:
        return []  # reported as missing
    try:
        index = tokens.decode_index(idx)
    except ValueError as e:
        return [f"{prefix}{tokens.IDX}: not a readable index ({e})"]
    problems = [f"{prefix}: {p}" for p in tokens.index_problems(index, len(data))]
    if problems:
        return problems
    found = (len(index.lengths), len(index.documents) - 1, int(index.lengths.astype("int64").sum()))
    expected = (bin_entry.sequences, bin_entry.documents, bin_entry.tokens)
    if found != expected:
        problems.append(f"{prefix}: {found} sequences, documents, tokens; the manifest says {expected}")
    if source_rows is not None and found[1] != source_rows:
        problems.append(f"{prefix}: {found[1]} documents, but {bin_entry.source} has {source_rows} rows")
    ids = np.frombuffer(data, dtype=index.dtype)
    if vocab_size and len(ids) and int(ids.max()) >= vocab_size:
        problems.append(f"{prefix}: token id {int(ids.max())} outside the vocabulary of {vocab_size}")
    if bin_entry.path.split("/")[1] == tokens.TLM:
        problems += _sidecar_problems(prefix, files, found[0], index.lengths)
    return problems


def token_problems(manifest: Manifest | Mapping[str, Any], read: Callable[[str], bytes | None]) -> list[str]:
    """Every token file against its checksum, each file set's index against its .bin, its counts against the
    manifest and its Parquet shard; and every Parquet shard tokenized, when the release has token files."""
    manifest = Manifest.of(manifest)
    entries = {s.path: s for s in manifest.shards if is_token_file(s.path)}
    if not entries and not manifest.tokens:
        return []
    rows = {s.path: s.rows for s in manifest.shards if not is_token_file(s.path)}
    vocab = manifest.tokenizer.get("vocab_size")
    problems = []
    sets = {path.removesuffix(tokens.BIN): e for path, e in entries.items() if path.endswith(tokens.BIN)}
    for prefix, bin_entry in sorted(sets.items()):
        files: dict[str, bytes | None] = {}
        for path in sorted(p for p in entries if p.startswith(prefix + ".")):
            files[path] = read(path)
            problems += _checksum_problem(path, files[path], entries[path].sha256)
        if prefix + tokens.IDX not in files:
            problems.append(f"{prefix}{tokens.IDX}: not listed in the manifest")
            continue
        problems += token_set_problems(bin_entry, files, rows.get(bin_entry.source), vocab)
    members = {p for p in entries if any(p.startswith(prefix + ".") for prefix in sets)}
    problems += [f"{path}: a token file without its .bin" for path in sorted(set(entries) - members)]
    tokenized = {e.source for e in sets.values()}
    problems += [f"{path}: no token files" for path in sorted(rows) if path.split("/")[0] in TOKEN_SETS and path not in tokenized]
    return problems
