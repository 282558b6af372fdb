import hashlib
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
import yaml

from corpus import release
from corpus.schema import COMMONCRAWL, DOCUMENT_SCHEMA, new_document


def test_shard_layout_names():
    assert release.shard_path("fra_Latn", 3, 12) == "docs/fra_Latn/part-00003-of-00012.parquet"
    assert release.shard_count(0, 100) == 1
    assert release.shard_count(250, 100) == 3


def test_parquet_is_sorted_deterministic_and_has_the_schema(tmp_path):
    docs = [new_document(source=COMMONCRAWL, text=f"text number {i}", url=f"https://x.example/{i}") for i in range(50)]
    data, rows = release.encode_parquet(reversed(docs), "zstd", 1 << 20)
    again, _ = release.encode_parquet(docs, "zstd", 1 << 20)
    assert rows == 50 and data == again
    # Read from a path: pyarrow 25 can abort at interpreter exit after reading a Python file object.
    (tmp_path / "shard.parquet").write_bytes(data)
    table = pq.read_table(tmp_path / "shard.parquet")
    assert table.schema.equals(DOCUMENT_SCHEMA)
    assert table.column("id").to_pylist() == sorted(d.id for d in docs)


# Documents out of each stage, as the build counts them: 15 read, 2 dropped by the reader, 3 by exact dedup.
STAGE_OUT = {"stage|read": 13, "stage|langid": 13, "stage|filter": 13, "stage|dedup/exact": 10, "stage|dedup/near": 10, "stage|dedup/paragraph": 10}


def test_a_lost_document_is_reported_at_its_stage():
    stats = {"read|commoncrawl": 15, "dropped|read/not_html|": 2, "dropped|dedup/exact|eng_Latn": 3, "kept|eng_Latn": 9, **STAGE_OUT}
    stats.update({"stage|dedup/exact": 9, "stage|dedup/near": 9, "stage|dedup/paragraph": 9})  # one document vanished in exact dedup
    manifest = release.assemble_manifest({"name": "t"}, {}, stats, {}, [], None, {})
    problems = release.reconciliation_problems(manifest)
    assert not release.reconciles(manifest)
    assert any("read 15 != kept 9 + dropped 5" in p for p in problems)
    assert [p.split(":")[0] for p in problems if p.startswith("stage")] == ["stage dedup/exact"]
    assert "+1 unaccounted" in problems[-1]


def test_manifest_reconciles_and_card_lists_languages():
    stats = {
        "read|commoncrawl": 10,
        "read|wikipedia": 5,
        "dropped|read/not_html|": 2,
        "dropped|dedup/exact|eng_Latn": 3,
        "kept|eng_Latn": 8,
        "kept_chars|eng_Latn": 8000,
        "kept|swh_Latn": 2,
        "kept_chars|swh_Latn": 900,
        "written|eng_Latn": 6,
        "written_chars|eng_Latn": 6000,
        "written|swh_Latn": 5,
        "written_chars|swh_Latn": 2300,
        **STAGE_OUT,
    }
    config = {"name": "t", "rebalance": {"alpha": 0.3}}
    manifest = release.assemble_manifest(config, {}, stats, {"eng_Latn": 0.8, "swh_Latn": 2.5}, [], None, {})
    assert manifest.documents.read == 15 and manifest.documents.kept == 10
    assert release.reconciles(manifest)
    assert manifest.languages["eng_Latn"].dropped == {"dedup/exact": 3}
    card = release.dataset_card(manifest)
    assert "swh_Latn" in card and "dedup/exact" in card


def small_release(tmp_path):
    """A release folder with two shards and a manifest that lists them."""
    docs = [new_document(source=COMMONCRAWL, text=f"text number {i}", url=f"https://x.example/{i}")._replace(lang="eng_Latn") for i in range(20)]
    shards = []
    for index, part in enumerate((docs[:12], docs[12:])):
        data, rows = release.encode_parquet(part, "zstd", 1 << 20)
        path = release.shard_path("eng_Latn", index, 2)
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
        shards.append({"path": path, "lang": "eng_Latn", "rows": rows, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    stats = {"read|commoncrawl": 21, "dropped|dedup/exact|eng_Latn": 1, "kept|eng_Latn": 20, "kept_chars|eng_Latn": 300,
             "written|eng_Latn": 20, "written_chars|eng_Latn": 300, "stage|read": 21, "stage|langid": 21, "stage|filter": 21,
             "stage|dedup/exact": 20, "stage|dedup/near": 20, "stage|dedup/paragraph": 20}
    config = {"name": "t", "rebalance": {"alpha": 0.3, "unit": "chars"}, "tokenizer": {"model_type": "unigram"}}
    return release.assemble_manifest(config, {}, stats, {"eng_Latn": 1.0}, shards, None, {})


def local_reader(root):
    return lambda relative: (root / relative).read_bytes() if (root / relative).exists() else None


def test_verify_accepts_a_sound_release_and_names_every_fault(tmp_path):
    manifest = small_release(tmp_path)
    present = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.parquet")]
    assert release.verify(manifest, local_reader(tmp_path), present) == []

    first, second = (tmp_path / s.path for s in manifest.shards)
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0xFF
    first.write_bytes(bytes(data))
    second.unlink()
    (tmp_path / "docs" / "eng_Latn" / "stray.parquet").write_bytes(b"")
    present = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.parquet")]
    problems = release.verify(manifest, local_reader(tmp_path), present)
    assert any("part-00000-of-00002.parquet: checksum differs" in p for p in problems)
    assert any("part-00001-of-00002.parquet: missing" in p for p in problems)
    assert any("stray.parquet: not listed" in p for p in problems)
    assert any("eng_Latn: " in p and "written" in p for p in problems)


def test_manifest_records_effective_epochs():
    chars = release.assemble_manifest(
        {"name": "t", "rebalance": {"unit": "chars"}}, {},
        {"kept|a": 2, "kept_chars|a": 100, "written|a": 5, "written_chars|a": 260}, {"a": 2.5}, [], None, {},
    )
    assert chars.languages["a"].epochs == pytest.approx(2.6)
    documents = release.assemble_manifest({"rebalance": {"unit": "documents"}}, {}, {"kept|a": 2, "written|a": 5}, {}, [], None, {})
    assert documents.languages["a"].epochs == pytest.approx(2.5)


def test_card_header_lists_one_config_per_language(tmp_path):
    manifest = small_release(tmp_path)
    card = release.dataset_card(manifest)
    assert card.startswith("---\n")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["configs"] == [{"config_name": "eng_Latn", "data_files": [{"split": "train", "path": "docs/eng_Latn/*.parquet"}]}]
    assert header["language"] == ["eng"]


def test_demo_card_header_matches_the_folders(demo):
    out, _, manifest = demo
    header = yaml.safe_load((out / "README.md").read_text().split("---\n")[1])
    for config in header["configs"]:
        if config["config_name"].startswith("bitext-"):
            continue
        assert list(out.glob(config["data_files"][0]["path"])), config
    assert {c["config_name"] for c in header["configs"]} >= {lang for lang, v in manifest["languages"].items() if v["written"]}


def corpus_cli(*args):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=120)


def test_inspect_and_verify_the_demo_and_a_tampered_copy(demo, tmp_path):
    out, _, manifest = demo
    shown = corpus_cli("inspect", str(out))
    assert shown.returncode == 0 and "documents read" in shown.stdout and "fertility" in shown.stdout
    assert corpus_cli("verify", str(out)).returncode == 0

    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    shard = copy / manifest["shards"][0]["path"]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    tampered = corpus_cli("verify", str(copy))
    assert tampered.returncode != 0 and "checksum differs" in tampered.stdout

    partial = tmp_path / "partial"
    shutil.copytree(out, partial)
    (partial / manifest["shards"][-1]["path"]).unlink()
    missing = corpus_cli("verify", str(partial))
    assert missing.returncode != 0 and "missing" in missing.stdout
    assert corpus_cli("verify", str(tmp_path / "nothing")).returncode != 0


def test_signals_are_a_struct_with_one_field_per_signal_and_round_trip(tmp_path):
    from corpus.schema import SIGNALS, SIGNALS_TYPE, signals_from_row

    measured = {"stop_words": 7.0, "dup_5gram": 0.03, "blocklist_matches": 0.0}
    docs = [new_document(source=COMMONCRAWL, text="a page", url="https://x.example/")._replace(signals=measured)]
    data, _ = release.encode_parquet(docs, "zstd", 1 << 20)
    (tmp_path / "shard.parquet").write_bytes(data)
    table = pq.read_table(tmp_path / "shard.parquet")
    assert table.schema.field("signals").type == SIGNALS_TYPE and [f.name for f in SIGNALS_TYPE] == list(SIGNALS)
    row = table.column("signals").to_pylist()[0]
    assert row["dup_5gram"] == 0.03 and row["letter_ratio"] is None  # not measured: null, not 0
    assert signals_from_row(row) == measured
    with pytest.raises(ValueError, match="not in corpus.schema.SIGNALS"):
        release.encode_parquet([docs[0]._replace(signals={"new_rule": 1.0})], "zstd", 1 << 20)


def test_manifest_names_held_back_languages_and_flags_documents_over_the_cap():
    stats = {
        "read|commoncrawl": 103, "kept|eng_Latn": 100, "kept_chars|eng_Latn": 90_000, "kept|lat_Latn": 3, "kept_chars|lat_Latn": 4000,
        "written|eng_Latn": 120, "written_chars|eng_Latn": 100_000, "written|lat_Latn": 3, "written_chars|lat_Latn": 4000,
        "copies|eng_Latn|1": 80, "copies|eng_Latn|2": 15, "copies|eng_Latn|5": 2, "copies|lat_Latn|1": 3,
        "max_copies|eng_Latn": 5, "max_copies|lat_Latn": 1,
    }
    config = {"name": "t", "rebalance": {"alpha": 0.3, "max_epochs": 4, "min_documents": 5, "min_chars": 1000}}
    manifest = release.assemble_manifest(config, {}, stats, {"eng_Latn": 1.1, "lat_Latn": 1.0}, [], None, {})
    summary = manifest.rebalancing
    assert summary.held_back == ["lat_Latn"] and summary.held_back_written_share == pytest.approx(3 / 123, abs=1e-6)
    assert summary.max_copies == 5 and summary.documents_over_max_epochs == 2
    assert manifest.languages["lat_Latn"].held_back and not manifest.languages["eng_Latn"].held_back
    assert "max_copies" not in manifest.stats  # lifted into the languages
    warning = release.over_max_epochs(manifest)
    assert "2 document(s) written more than max_epochs = 4 times" in warning and "eng_Latn" in warning
    from corpus import report

    page = report.render(manifest)[release.REPORT].decode()
    for text in (release.dataset_card(manifest), page):
        assert "held back" in text and "lat_Latn" in text and "written more than max_epochs" in text
    rows = {line.split()[0]: line for line in release.describe(manifest).splitlines() if line.strip()}
    assert rows["lat_Latn"].endswith("held back") and rows["eng_Latn"].endswith("OVER max_epochs (5 > 4)")
    from pipelines.cli import _summary

    summary = _summary(manifest)
    assert "most copies of one document: 5 (max_epochs 4)" in summary and "WARNING: 2 document(s)" in summary
    assert "held back (fewer than 5 documents or 1,000 characters kept" in summary and "lat_Latn" in summary
    fine = release.assemble_manifest(config, {}, {**stats, "copies|eng_Latn|5": 0, "max_copies|eng_Latn": 2}, {}, [], None, {})
    assert release.over_max_epochs(fine) is None and "OVER" not in release.describe(fine) and "WARNING" not in _summary(fine)


def test_the_typed_manifest_keeps_every_byte_of_a_built_one(demo):
    out, _, _ = demo
    data = (out / release.MANIFEST).read_bytes()
    manifest = release.load_manifest(data, "manifest.json")
    assert manifest.documents.read == manifest.documents.kept + sum(manifest.documents.dropped.values())
    assert manifest.to_json() == data


def test_switched_off_dedup_steps_have_no_stage_row():
    stats = {"read|commoncrawl": 2, "kept|a": 2, "kept_chars|a": 10, "stage|read": 2, "stage|langid": 2, "stage|filter": 2, "stage|dedup/exact": 2}
    config = {"name": "t", "dedup": {"near": False, "paragraph": False}}
    manifest = release.assemble_manifest(config, {}, stats, {}, [], None, {})
    assert [row.stage for row in manifest.documents.stages] == ["read", "langid", "filter", "dedup/exact"]
    assert release.reconciles(manifest)
