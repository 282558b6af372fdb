import pyarrow.parquet as pq

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
    }
    config = {"name": "t", "rebalance": {"alpha": 0.3}}
    manifest = release.assemble_manifest(config, {}, stats, {"eng_Latn": 0.8, "swh_Latn": 2.5}, [], None, {})
    assert manifest["documents"]["read"] == 15 and manifest["documents"]["kept"] == 10
    assert release.reconciles(manifest)
    assert manifest["languages"]["eng_Latn"]["dropped"] == {"dedup/exact": 3}
    card = release.dataset_card(manifest)
    assert "swh_Latn" in card and "dedup/exact" in card
