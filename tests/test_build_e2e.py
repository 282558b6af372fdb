"""End to end: the demo release build on the DirectRunner, and on the PortableRunner (Fn API)."""

import pyarrow.parquet as pq
import sentencepiece as spm
import yaml

from corpus import release
from corpus.config import load_config
from pipelines.build import run_build
from pipelines.cli import DEMO_CONFIG, with_demo_inputs


def test_layout(demo):
    out, _, manifest = demo
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "_work", "bitext", "docs", "manifest.json", "report", "report.html", "tokenizer", "tokens"]
    assert [p.name for p in (out / "_work").iterdir()] == ["checkpoints"]  # kept for --resume and `corpus mine`
    assert (out / "tokenizer" / "spm.model").stat().st_size > 0 and (out / "tokenizer" / "spm.vocab").stat().st_size > 0
    for lang_dir in (out / "docs").iterdir():
        shards = sorted(lang_dir.iterdir())
        assert [s.name for s in shards] == [f"part-{i:05d}-of-{len(shards):05d}.parquet" for i in range(len(shards))]
    listed = {s["path"] for s in manifest["shards"] if s["path"].startswith("docs/")}
    assert listed == {str(p.relative_to(out)) for p in (out / "docs").rglob("*.parquet")}


def test_manifest_reconciles_and_counts_match_the_shards(demo):
    out, stdout, manifest = demo
    docs = manifest["documents"]
    assert docs["read"] == docs["kept"] + sum(docs["dropped"].values())
    assert docs["read"] > 1000 and docs["kept"] > 500
    rows = {}
    for shard in (s for s in manifest["shards"] if s["path"].startswith("docs/")):
        table = pq.read_table(out / shard["path"])
        assert table.num_rows == shard["rows"]
        rows[shard["lang"]] = rows.get(shard["lang"], 0) + table.num_rows
    assert rows == {lang: v["written"] for lang, v in manifest["languages"].items() if v["written"]}
    assert docs["written"] == sum(rows.values())
    assert "manifest reconciles" in stdout and "documents read" in stdout
    assert "documents out of each stage: read " in stdout  # the progress line, every 10 s while the build runs


def test_every_demo_language_is_present_and_rebalanced(demo, truth):
    out, _, manifest = demo
    languages = manifest["languages"]
    expected = {lang for lang, n in truth["doc_counts"].items() if n["total"] >= 5}
    assert len(expected) >= 12
    missing = expected - {lang for lang, v in languages.items() if v["written"] > 0}
    assert not missing
    big = max(languages, key=lambda lang: languages[lang]["kept_chars"])
    small = min(expected, key=lambda lang: languages[lang]["kept_chars"])
    assert languages[big]["rate"] < 1 < languages[small]["rate"]
    table = pq.read_table(out / "docs" / small)
    assert set(table.column("lang").to_pylist()) == {small}


def test_planted_exact_duplicates_are_gone(demo, truth):
    out, _, manifest = demo
    table = pq.read_table(out / "docs", columns=["url", "title", "repetition"])
    seen = [u or t for u, t, r in zip(*(table.column(c).to_pylist() for c in ("url", "title", "repetition"))) if r == 0]
    for group in truth["exact_duplicates"]:
        assert sum(1 for member in group["members"] if member in seen) <= 1, group
    assert manifest["documents"]["dropped"].get("dedup/exact", 0) >= len(truth["exact_duplicates"])
    assert manifest["documents"]["dropped"].get("dedup/near", 0) > 0


def test_tokenizer_round_trips_every_script(demo):
    out, _, _ = demo
    sp = spm.SentencePieceProcessor(model_file=str(out / "tokenizer" / "spm.model"))
    samples = [
        "The river flows past the old mill.",
        "Река течёт мимо старой мельницы.",
        "النهر يجري بجانب الطاحونة القديمة.",
        "नदी पुरानी चक्की के पास से बहती है।",
        "川は古い水車小屋のそばを流れる。",
        "แม่น้ำไหลผ่านโรงสีเก่า",
        "ወንዙ ከአሮጌው ወፍጮ አጠገብ ይፈሳል።",
        "Το ποτάμι κυλά δίπλα στον παλιό μύλο.",
        "Mto unapita karibu na kinu cha zamani. 🌊",
    ]
    for text in samples:
        assert sp.decode(sp.encode(text)) == text


def test_dataset_card_states_the_release_it_describes(demo):
    """The card a user reads on the Hub: a config per written language pointing at its folder, and the counts."""
    out, _, manifest = demo
    card = (out / "README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    written = {lang for lang, v in manifest["languages"].items() if v["written"]}
    configs = {c["config_name"]: c["data_files"][0]["path"] for c in header["configs"] if not c["config_name"].startswith("bitext-")}
    assert set(configs) == written and "swh_Latn" in written
    for lang, pattern in configs.items():
        assert list(out.glob(pattern)), f"{lang}: {pattern} matches no file"
    docs = manifest["documents"]
    assert f"Documents read: {docs['read']:,}; kept after filtering and deduplication: {docs['kept']:,}" in card
    for lang in written:
        v = manifest["languages"][lang]
        assert f"| {lang}{' (held back)' if v.get('held_back') else ''} | {v['kept']:,} |" in card


def test_portable_runner_gives_the_same_release(demo, tmp_path):
    """The Fn API path that Dataflow, Flink and Spark take: coders and pickling are exercised."""
    out, _, manifest = demo
    config = load_config(str(DEMO_CONFIG), [f"output.dir={tmp_path / 'release'}", "tokenizer.enabled=false", "output.tokens=false"])
    config = with_demo_inputs(config, str(tmp_path / "inputs"))
    portable = run_build(config, ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"])
    assert portable["documents"] == manifest["documents"]
    assert portable["languages"] == manifest["languages"]
    mine = {s["path"]: s["sha256"] for s in portable["shards"]}
    assert mine == {s["path"]: s["sha256"] for s in manifest["shards"] if not release.is_token_file(s["path"])}
