"""Real inputs read twice: the same file in two folders, a truncated copy beside its original, and two
real dumps of one wiki. Every record read is its own document; the copies are counted as exact
duplicates, never merged silently, and the build reconciles stage by stage."""

import shutil
from collections import Counter

import pyarrow.parquet as pq

from corpus import release
from corpus.config import load_config
from pipelines.build import run_build


def test_copies_of_real_files_are_counted_as_exact_duplicates(shared_data, tmp_path):
    wet = shared_data / "commoncrawl" / "CC-MAIN-2020-50-excerpt.warc.wet.gz"
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
    shutil.copy(wet, tmp_path / "a")
    shutil.copy(wet, tmp_path / "b")
    (tmp_path / "c" / wet.name).write_bytes(wet.read_bytes()[: wet.stat().st_size * 2 // 3])  # cut inside a gzip member
    out = tmp_path / "release"
    config = load_config(
        None,
        [f"output.dir={out}", "tokenizer.enabled=false", "bitext.enabled=false"],
        [f"wet={tmp_path}/{folder}/*.gz" for folder in "abc"]
        + [f"wikipedia={shared_data}/wikipedia/jawiki-truncated-100k.xml.bz2", f"wikipedia={shared_data}/wikipedia/jawiki-wp2txt-excerpt.xml.bz2"],
    )
    manifest = run_build(config, ["--direct_running_mode=in_memory"])

    assert release.reconciliation_problems(manifest) == []
    docs = manifest["documents"]
    assert docs["read_by_source"]["commoncrawl"] > 2.5 * 318  # two whole copies and two thirds of a third
    assert docs["dropped"]["read/truncated"] == 3  # the cut copy, and both dumps (cut inside a page)

    table = pq.read_table(out / "docs").to_pandas()
    first_copies = table[table.repetition == 0]
    assert first_copies.id.is_unique and first_copies.text_hash.is_unique  # one copy of each text survives
    # Each web text kept came from one of the copies; every other copy is counted, none is merged silently.
    kept_web = int((first_copies.source == "commoncrawl").sum())
    assert docs["dropped"]["dedup/exact"] >= kept_web > 50  # the spam and boilerplate rules keep about 90 of the 318 pages
    folders = Counter(name.split("/")[0] for name in first_copies[first_copies.source == "commoncrawl"].input_file)
    assert set(folders) <= {"a", "b", "c"} and all(name.endswith(wet.name) for name in first_copies.input_file if "/" in name)
    assert {"a", "b"} & set(folders)
