"""The docs/ layout loads as is with the usual Parquet readers: pyarrow, DuckDB and Hugging Face datasets."""

import json

import duckdb
import pyarrow.parquet as pq
import pytest

datasets = pytest.importorskip("datasets")  # the test extra installs it; a plain install may not have it


def _languages(out):
    return sorted(p.name for p in (out / "docs").iterdir() if p.is_dir())


def test_every_language_folder_loads_in_datasets(demo, tmp_path):
    out, _, manifest = demo
    languages = _languages(out)
    assert languages == sorted(lang for lang, v in manifest["languages"].items() if v["written"])
    for lang in languages:
        ds = datasets.load_dataset("parquet", data_dir=str(out / "docs" / lang), split="train", cache_dir=str(tmp_path / "hf"))
        assert ds.num_rows == manifest["languages"][lang]["written"], lang
        assert set(ds["lang"]) == {lang}
        signals = ds[0]["signals"]
        assert isinstance(signals, dict) and signals["letter_ratio"] is not None  # measured on every kept document
        assert ds.filter(lambda row: (row["signals"]["letter_ratio"] or 0) >= 0.5).num_rows > 0


def test_the_whole_release_queries_in_duckdb(demo):
    out, _, manifest = demo
    con = duckdb.connect()
    rows = dict(con.execute(f"SELECT lang, count(*) FROM read_parquet('{out}/docs/*/*.parquet') GROUP BY lang").fetchall())
    assert rows == {lang: v["written"] for lang, v in manifest["languages"].items() if v["written"]}
    # The README's example: signals by name, nulls where a rule did not measure.
    low, total = con.execute(
        f"SELECT count(*) FILTER (WHERE signals.dup_5gram < 0.1), count(*) FROM '{out}/docs/*/*.parquet'"
    ).fetchone()
    assert 0 < low <= total == manifest["documents"]["written"]
    for lang in _languages(out):
        (n,) = con.execute(f"SELECT count(*) FROM '{out}/docs/{lang}/*.parquet' WHERE signals.letter_ratio IS NOT NULL").fetchone()
        assert n == manifest["languages"][lang]["written"], lang


def test_pyarrow_reads_every_folder_as_a_dataset(demo):
    out, _, manifest = demo
    for lang in _languages(out):
        table = pq.read_table(out / "docs" / lang)
        assert table.num_rows == manifest["languages"][lang]["written"]
        assert json.dumps(table.slice(0, 1).to_pylist()[0]["signals"])  # plain values, serialisable
