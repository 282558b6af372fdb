"""Token files of a release, shard by shard: each docs/ and bitext/ Parquet shard read back, tokenized with the
release's SentencePiece model and streamed into its own .bin/.idx (corpus/tokens.py), by one worker.

    Parquet shard entries -> spread (Reshuffle) -> read back, encode, write tokens/... -> token file entries

No step gathers more than one shard: a worker holds one shard's Parquet file and the lengths of its sequences.
`corpus tokenize RELEASE` runs the same stage over the shards of a finished release.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any, Iterator

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.pvalue import AsSingleton

from corpus import release, tokens
from pipelines.write import write_file

MODEL = f"{release.TOKENIZER_DIR}/spm.model"
READ_ROWS = 1024  # Parquet rows decoded at a time


@contextlib.contextmanager
def _created(path: str) -> Iterator[Any]:
    """A stream to `path` through Beam's FileSystems: written under a temporary name, renamed when complete."""
    tmp = path + ".tmp"
    stream = FileSystems.create(tmp)
    try:
        yield stream
    finally:
        stream.close()
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


def _entry(path: str, data: bytes) -> dict[str, Any]:
    return {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _documents(parquet: pq.ParquetFile) -> Iterator[str]:
    for batch in parquet.iter_batches(batch_size=READ_ROWS, columns=["text"]):
        yield from batch.column(0).to_pylist()


def _pairs(parquet: pq.ParquetFile) -> Iterator[list[tokens.Pair]]:
    for batch in parquet.iter_batches(batch_size=READ_ROWS, columns=list(tokens.Pair._fields)):
        yield [tokens.Pair(**row) for row in batch.to_pylist()]


def tokenize_shard(out_dir: str, parquet_path: str, sp, vocab_size: int) -> list[dict[str, Any]]:
    """Write the token files of one Parquet shard of the release; their entries for the manifest."""
    prefix = release.token_prefix(parquet_path)
    tlm = prefix.split("/")[1] == tokens.TLM
    with FileSystems.open(FileSystems.join(out_dir, parquet_path)) as f:
        parquet = pq.ParquetFile(pa.BufferReader(f.read()))  # one shard, bounded by output.shard_bytes
    dtype = tokens.token_dtype(vocab_size)
    sidecars = []
    with _created(FileSystems.join(out_dir, prefix + tokens.BIN)) as stream:
        writer = tokens.IndexedWriter(stream, dtype)
        if tlm:
            sidecars = [tokens.write_pairs(writer, sp, pairs) for pairs in _pairs(parquet)]
        else:
            tokens.write_documents(writer, sp, _documents(parquet))
    index = writer.index()
    write_file(FileSystems.join(out_dir, prefix + tokens.IDX), index)
    entries = [
        {"path": prefix + tokens.BIN, "source": parquet_path, "dtype": dtype.name, **writer.stats()._asdict(),
         "bytes": writer.bytes, "sha256": writer.sha256.hexdigest()},
        _entry(prefix + tokens.IDX, index),
    ]
    if tlm:
        labels = prefix.split("/")[2].split("-")
        sidecar = np.concatenate([s.astype(tokens.langs_dtype(labels)) for s in sidecars]) if sidecars else np.zeros(0, tokens.langs_dtype(labels))
        data = tokens.sidecar_bytes(sidecar)
        write_file(FileSystems.join(out_dir, prefix + tokens.LANGS), data)
        entries.append(_entry(prefix + tokens.LANGS, data))
    return entries


class _Tokenize(beam.DoFn):
    """Loads the release's model once per worker (checked against the checksum the build recorded)."""

    def __init__(self, out_dir: str):
        self.out_dir = out_dir
        self.sp = None
        self.digest = None

    def model(self, digest: str):
        if self.digest != digest:
            import sentencepiece as spm

            with FileSystems.open(FileSystems.join(self.out_dir, MODEL)) as f:
                data = f.read()
            if hashlib.sha256(data).hexdigest() != digest:
                raise RuntimeError(f"{MODEL} of {self.out_dir} changed while its shards were tokenized")
            self.sp, self.digest = spm.SentencePieceProcessor(model_proto=data), digest
        return self.sp

    def process(self, shard: dict[str, Any], digest: str):
        sp = self.model(digest)
        yield from tokenize_shard(self.out_dir, shard["path"], sp, sp.get_piece_size())


class TokenizeShards(beam.PTransform):
    """Parquet shard entries (docs/ and bitext/) in, token file entries out; `model_digest` is a singleton
    PCollection of the sha256 of tokenizer/spm.model, which also makes the stage wait for the model."""

    def __init__(self, out_dir: str, model_digest):
        super().__init__()
        self.out_dir = out_dir
        self.model_digest = model_digest

    def expand(self, shards):
        return (
            shards
            | "ParquetShards" >> beam.Filter(lambda s: s["path"].split("/")[0] in release.TOKEN_SETS)
            | "Spread" >> beam.Reshuffle()
            | "Tokenize" >> beam.ParDo(_Tokenize(self.out_dir), AsSingleton(self.model_digest))
        )


def model_digest(tokenizer_info) -> Any:
    """The sha256 of the trained model from the tokenizer stage's manifest entry (pipelines/tokenizer.py)."""
    return tokenizer_info | "ModelDigest" >> beam.Map(lambda info: info["files"][MODEL]["sha256"])


def run_tokenize(manifest: dict[str, Any], out_dir: str, options, folders: tuple[str, ...] = tuple(release.TOKEN_SETS)) -> dict[str, Any]:
    """`corpus tokenize`: the token files of a finished release's Parquet `folders` (docs, bitext), written with its
    tokenizer/spm.model; returns the manifest with the new token files. A model replaced since the build is
    recorded (checksums, size)."""
    from pipelines.build import WORK_DIR, _read_json_lines
    from pipelines.stats import WriteJsonLines

    with FileSystems.open(FileSystems.join(out_dir, MODEL)) as f:
        model = f.read()
    digest = hashlib.sha256(model).hexdigest()
    kinds = [release.TOKEN_SETS[folder] for folder in folders]
    for kind in kinds:
        earlier = FileSystems.join(out_dir, release.TOKENS_DIR, kind)
        if FileSystems.exists(earlier):
            FileSystems.delete([earlier])  # this command's (or the build's) earlier token files, nothing else
    work = FileSystems.join(out_dir, WORK_DIR)
    listing = FileSystems.join(work, "tokens.jsonl")
    shards = [s for s in manifest["shards"] if s["path"].split("/")[0] in folders]
    with beam.Pipeline(options=options) as p:
        (
            p
            | "Shards" >> beam.Create(shards)
            | "Tokenize" >> TokenizeShards(out_dir, p | "Digest" >> beam.Create([digest]))
            | "WriteList" >> WriteJsonLines(listing)
        )
    entries = _read_json_lines(listing)
    if FileSystems.exists(work):  # no shard to tokenize leaves no work folder
        FileSystems.delete([work])
    updated = with_model(manifest, model)
    if updated is not manifest:  # a new model: its vocabulary file too, so the release verifies
        from corpus import tokenizer

        write_file(FileSystems.join(out_dir, release.TOKENIZER_DIR, "spm.vocab"), tokenizer.vocab_text(model).encode("utf-8"))
    return release.with_tokens(updated, entries, kinds)


def with_model(manifest: dict[str, Any], model: bytes) -> dict[str, Any]:
    """The manifest's tokenizer entry updated for the model on disk, when it was replaced after the build."""
    import sentencepiece as spm

    from corpus import tokenizer

    info = dict(manifest.get("tokenizer") or {})
    files = dict(info.get("files") or {})
    if files.get(MODEL, {}).get("sha256") == hashlib.sha256(model).hexdigest():
        return manifest
    files[MODEL] = {"bytes": len(model), "sha256": tokenizer.model_digest(model)}
    vocab = tokenizer.vocab_text(model).encode("utf-8")
    files[f"{release.TOKENIZER_DIR}/spm.vocab"] = {"bytes": len(vocab), "sha256": tokenizer.model_digest(vocab)}
    info.update(files=files, vocab_size=spm.SentencePieceProcessor(model_proto=model).get_piece_size(), fertility={},
                replaced="tokenizer/spm.model was replaced after the build; the fertility table was of the old model")
    return {**manifest, "tokenizer": info}


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def rewrite_card_and_manifest(manifest: dict[str, Any], out_dir: str) -> None:
    """The card, then the manifest (last), of a release whose token files were rewritten."""
    write_file(FileSystems.join(out_dir, release.CARD), release.dataset_card(manifest).encode("utf-8"))
    write_file(FileSystems.join(out_dir, release.MANIFEST), _json(manifest))
