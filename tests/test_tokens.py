"""Token files: Megatron's indexed layout read by a parser written here from the published layout (struct and
numpy, not corpus.tokens), documents and pairs that decode to SentencePiece's own round trip, the reader,
the manifest, `corpus verify` and `corpus tokenize`."""

import hashlib
import io
import itertools
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import sentencepiece as spm

from corpus import release, tokenizer, tokens
from corpus.config import ConfigError, Tokenizer, load_config

MEGATRON_DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}

SENTENCES = [
    "The lighthouse keeper rows out at dawn to trim the lamp.",
    "Le gardien du phare rame à l'aube pour régler la lampe.",
    "Смотритель маяка выходит на лодке на рассвете.",
    "灯台守は夜明けに小舟を漕いでランプを整えます。",
    "Der Leuchtturmwärter rudert im Morgengrauen hinaus, 1893 gebaut.",
    "Ο φαροφύλακας κωπηλατεί την αυγή προς τον φάρο.",
]


def parse_megatron(idx: bytes, data: bytes):
    """Megatron's .idx/.bin, from the published layout: (dtype, lengths, pointers, document indices, sequences)."""
    assert idx[:9] == b"MMIDIDX\x00\x00"
    version, code = struct.unpack_from("<QB", idx, 9)
    count, doc_count = struct.unpack_from("<QQ", idx, 18)
    assert version == 1
    offset = 34
    lengths = np.frombuffer(idx, dtype="<i4", count=count, offset=offset)
    pointers = np.frombuffer(idx, dtype="<i8", count=count, offset=offset + 4 * count)
    documents = np.frombuffer(idx, dtype="<i8", count=doc_count, offset=offset + 12 * count)
    assert len(idx) == offset + 12 * count + 8 * doc_count
    dtype = np.dtype(MEGATRON_DTYPES[code]).newbyteorder("<")
    sequences = [np.frombuffer(data, dtype=dtype, count=int(n), offset=int(p)) for n, p in zip(lengths, pointers)]
    return dtype, lengths, pointers, documents, sequences


@pytest.fixture(scope="module")
def sp():
    sample = [s.replace("1893", str(n)) for n in range(300) for s in SENTENCES]
    model = tokenizer.train(sample, Tokenizer(vocab_size=400, min_chars_per_piece=0), [])
    return spm.SentencePieceProcessor(model_proto=model)


def test_documents_are_written_in_megatron_layout_and_decode_to_sentencepieces_round_trip(sp):
    texts = [*SENTENCES, "", "\n".join(SENTENCES[:3]) + "\n\nA last paragraph ✓ with a rare sign ☃."]
    stream = io.BytesIO()
    writer = tokens.IndexedWriter(stream, tokens.token_dtype(sp.get_piece_size()))
    tokens.write_documents(writer, sp, texts)
    dtype, lengths, pointers, documents, sequences = parse_megatron(writer.index(), stream.getvalue())
    assert dtype == np.uint16
    assert list(documents) == list(range(len(texts) + 1))  # one sequence per document
    assert pointers[1] == 2 * lengths[0]
    for text, ids in zip(texts, sequences):
        assert sp.decode(ids.tolist()) == sp.decode(sp.encode(text))
    assert writer.stats() == (len(texts), len(texts), int(lengths.sum()))
    assert writer.sha256.hexdigest() == hashlib.sha256(stream.getvalue()).hexdigest()


def test_vocabularies_of_65536_pieces_and_more_get_four_byte_ids():
    assert tokens.token_dtype(65_535) == np.uint16
    assert tokens.token_dtype(250_002) == np.int32  # XLM-R: uint16 would overflow
    stream = io.BytesIO()
    writer = tokens.IndexedWriter(stream, tokens.token_dtype(250_002))
    for ids in ([249_999, 0, 70_000], [65_536], []):
        writer.add(np.asarray(ids))
        writer.end_document()
    dtype, lengths, pointers, documents, sequences = parse_megatron(writer.index(), stream.getvalue())
    assert dtype == np.int32 and struct.unpack_from("<B", writer.index(), 17)[0] == 4  # Megatron's code for int32
    assert [s.tolist() for s in sequences] == [[249_999, 0, 70_000], [65_536], []]
    assert list(pointers) == [0, 12, 16] and list(documents) == [0, 1, 2, 3]


def test_each_tlm_sequence_is_one_pair_in_one_direction_with_its_languages_and_offset(sp):
    pairs = [tokens.Pair("eng_Latn", "fra_Latn", SENTENCES[0], SENTENCES[1]), tokens.Pair("deu_Latn", "ell_Grek", SENTENCES[4], SENTENCES[5])]
    stream = io.BytesIO()
    writer = tokens.IndexedWriter(stream, np.uint16)
    sidecar = np.load(io.BytesIO(tokens.sidecar_bytes(tokens.write_pairs(writer, sp, pairs))), allow_pickle=False)
    _, lengths, _, documents, sequences = parse_megatron(writer.index(), stream.getvalue())
    assert list(documents) == [0, 2, 4]  # a pair is a document of its two directions
    for i, ids in enumerate(sequences):
        pair = pairs[i // 2]
        first, second = ((pair.src_lang, pair.src_text), (pair.tgt_lang, pair.tgt_text))[:: 1 if i % 2 == 0 else -1]
        offset = int(sidecar["offset"][i])
        assert (sidecar["first"][i].decode(), sidecar["second"][i].decode()) == (first[0], second[0])
        assert ids[0] == sp.bos_id() and ids[offset - 1] == sp.eos_id() and ids[-1] == sp.eos_id()
        assert sp.decode(ids[1 : offset - 1].tolist()) == sp.decode(sp.encode(first[1]))
        assert sp.decode(ids[offset:-1].tolist()) == sp.decode(sp.encode(second[1]))


def test_index_problems_name_inconsistent_pointers_and_sizes():
    idx = tokens.encode_index([3, 2], np.dtype("<u2"), [0, 1, 2])
    assert tokens.index_problems(tokens.decode_index(idx), 10) == []
    assert tokens.index_problems(tokens.decode_index(idx), 12) == [".bin holds 12 bytes, the index 10"]
    bad = bytearray(idx)
    struct.pack_into("<q", bad, 34 + 8 + 8, 4)  # the second pointer
    assert "sequence pointers do not follow the lengths" in tokens.index_problems(tokens.decode_index(bytes(bad)), 10)
    with pytest.raises(ValueError):
        tokens.decode_index(idx[:-1])


def test_sampling_probabilities_follow_the_temperature():
    counts = {"a": 900, "b": 100}
    assert tokens.probabilities(counts, 1.0) == {"a": 0.9, "b": 0.1}
    assert tokens.probabilities(counts, 0.0) == {"a": 0.5, "b": 0.5}
    q = tokens.probabilities(counts, 0.3)
    assert q["a"] / q["b"] == pytest.approx(9**0.3, rel=1e-4)


def test_tokens_need_the_tokenizer():
    with pytest.raises(ConfigError, match="output.tokens needs tokenizer.enabled"):
        load_config(None, ["output.tokens=true", "tokenizer.enabled=false"])


# End to end, on the demo release (built once per session by tests/conftest.py).


def _token_sets(manifest):
    return [s for s in manifest["shards"] if s["path"].startswith("tokens/") and s["path"].endswith(".bin")]


def test_every_demo_document_and_pair_decodes_from_files_read_without_the_project(demo):
    out, _, manifest = demo
    sp = spm.SentencePieceProcessor(model_file=str(out / "tokenizer/spm.model"))
    sets = _token_sets(manifest)
    sources = {s["source"] for s in sets}
    assert sources == {s["path"] for s in manifest["shards"] if s["path"].startswith(("docs/", "bitext/"))}
    tokenized = {"docs": 0, "bitext": 0}
    for entry in sets:
        prefix = out / entry["path"].removesuffix(".bin")
        dtype, lengths, _, documents, sequences = parse_megatron(Path(f"{prefix}.idx").read_bytes(), Path(f"{prefix}.bin").read_bytes())
        assert dtype == np.uint16 and entry["tokens"] == int(lengths.sum())
        table = pq.read_table(out / entry["source"])
        if entry["source"].startswith("docs/"):
            assert entry["path"].startswith(f"tokens/mmlm/{entry['source'].split('/')[1]}/")
            texts = table.column("text").to_pylist()
            assert len(sequences) == len(texts) == len(documents) - 1  # row for row, copies included
            for text, ids in zip(texts, sequences):
                assert sp.decode(ids.tolist()) == sp.decode(sp.encode(text))
        else:
            sidecar = np.load(f"{prefix}.langs.npy", allow_pickle=False)
            rows = table.to_pylist()
            assert len(sequences) == 2 * len(rows) == len(sidecar) and list(documents) == list(range(0, len(sequences) + 1, 2))
            for i, ids in enumerate(sequences):
                row, offset = rows[i // 2], int(sidecar["offset"][i])
                sides = [(row["src_lang"], row["src_text"]), (row["tgt_lang"], row["tgt_text"])][:: 1 if i % 2 == 0 else -1]
                assert [sidecar["first"][i].decode(), sidecar["second"][i].decode()] == [sides[0][0], sides[1][0]]
                assert sp.decode(ids[1 : offset - 1].tolist()) == sp.decode(sp.encode(sides[0][1]))
                assert sp.decode(ids[offset:-1].tolist()) == sp.decode(sp.encode(sides[1][1]))
        tokenized[entry["source"].split("/")[0]] += len(table)
    assert tokenized["docs"] == manifest["documents"]["written"] and tokenized["bitext"] > 0


def test_demo_manifest_counts_tokens_and_the_card_gives_sampling_probabilities(demo):
    out, _, manifest = demo
    info = manifest["tokens"]
    assert set(info["mmlm"]) == {lang for lang, v in manifest["languages"].items() if v["written"]}
    for lang, v in info["mmlm"].items():
        assert v["sequences"] == v["documents"] == manifest["languages"][lang]["written"]
    for kind in ("mmlm", "tlm"):
        assert sum(v["probability"] for v in info[kind].values()) == pytest.approx(1.0, abs=1e-4)
    card = (out / "README.md").read_text()
    assert "## Token files" in card and "probability q_i" in card
    lang, v = max(info["mmlm"].items(), key=lambda kv: kv[1]["tokens"])
    assert f"| {lang} | {v['documents']:,} | {v['sequences']:,} | {v['tokens']:,} |" in card


def test_the_reader_iterates_documents_blocks_pairs_and_samples_with_the_probabilities(demo):
    out, _, manifest = demo
    reader = tokens.TokenRelease(str(out))
    lang = reader.languages[0]
    docs = list(reader.open(lang).documents())
    assert len(docs) == manifest["tokens"]["mmlm"][lang]["documents"]
    blocks = list(reader.open(lang).blocks(100, separator=2))
    total = manifest["tokens"]["mmlm"][lang]["tokens"] + len(docs)
    assert len(blocks) == total // 100 and all(len(b) == 100 for b in blocks)
    assert np.array_equal(np.concatenate(blocks), np.concatenate([np.append(d, 2) for d in docs])[: 100 * len(blocks)])
    pair = reader.pairs[0]
    assert {(first, second) for _, first, second, _ in reader.open(pair).pairs()} == {tuple(pair.split("-")), tuple(pair.split("-")[::-1])}
    drawn = [label for label, _ in itertools.islice(reader.sample(64, seed=3), 3000)]
    q = reader.probabilities()
    top = max(q, key=q.get)
    assert drawn.count(top) / len(drawn) == pytest.approx(q[top], abs=0.03)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=600)


def test_verify_names_damaged_token_files_and_tokenize_rewrites_them_identically(demo, tmp_path):
    out, _, manifest = demo
    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    entry = max(_token_sets(manifest), key=lambda s: s["tokens"])
    prefix = entry["path"].removesuffix(".bin")
    # A pointer changed and the checksum recomputed: only the index check can find it.
    idx = bytearray((copy / f"{prefix}.idx").read_bytes())
    struct.pack_into("<q", idx, 34 + 4 * entry["sequences"] + 8, 6)
    (copy / f"{prefix}.idx").write_bytes(bytes(idx))
    edited = json.loads((copy / "manifest.json").read_text())
    next(s for s in edited["shards"] if s["path"] == f"{prefix}.idx")["sha256"] = hashlib.sha256(idx).hexdigest()
    (copy / "manifest.json").write_text(json.dumps(edited))
    (copy / "tokens/mmlm/stray.bin").write_bytes(b"\x00\x00")
    result = _cli("verify", str(copy))
    assert result.returncode == 1
    assert f"FAIL {prefix}: sequence pointers do not follow the lengths" in result.stdout
    assert "FAIL tokens/mmlm/stray.bin: not listed in the manifest" in result.stdout
    # `corpus tokenize` writes tokens/ again from the shards: the same bytes as the build's, and a sound release.
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = _cli("tokenize", str(copy))
    assert result.returncode == 0, result.stderr[-2000:]
    again = json.loads((copy / "manifest.json").read_text())
    assert again["shards"] == manifest["shards"] and again["tokens"] == manifest["tokens"]
    assert not (copy / "tokens/mmlm/stray.bin").exists()
    assert _cli("verify", str(copy)).returncode == 0


def test_tokenize_after_the_tokenizer_was_replaced_uses_and_records_the_new_model(demo, tmp_path, sp):
    out, _, manifest = demo
    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    new_model = sp.serialized_model_proto()
    (copy / "tokenizer/spm.model").write_bytes(new_model)
    result = _cli("tokenize", str(copy))
    assert result.returncode == 0, result.stderr[-2000:]
    again = json.loads((copy / "manifest.json").read_text())
    assert again["tokenizer"]["files"]["tokenizer/spm.model"]["sha256"] == hashlib.sha256(new_model).hexdigest()
    assert again["tokenizer"]["vocab_size"] == again["tokens"]["vocab_size"] == sp.get_piece_size() != manifest["tokenizer"]["vocab_size"]
    assert again["tokens"]["model_sha256"] == hashlib.sha256(new_model).hexdigest()
    entry = next(s for s in _token_sets(again) if s["path"].startswith("tokens/mmlm/"))
    prefix = copy / entry["path"].removesuffix(".bin")
    _, _, _, _, sequences = parse_megatron(Path(f"{prefix}.idx").read_bytes(), Path(f"{prefix}.bin").read_bytes())
    text = pq.read_table(copy / entry["source"]).column("text")[0].as_py()
    assert sp.decode(sequences[0].tolist()) == sp.decode(sp.encode(text))
    assert _cli("verify", str(copy)).returncode == 0
