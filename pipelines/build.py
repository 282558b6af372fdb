"""The release build: raw dumps in, a multilingual corpus release out.

    read -> language ID -> quality filter -> exact dedup -> near dedup
         -> sampling rates -> rebalance -> Parquet shards
                                        -> SentencePiece tokenizer
"""

from __future__ import annotations

import json
import time
from importlib import metadata
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

import pipelines.records  # noqa: F401  (registers the record coders)
from corpus import release
from corpus.config import BuildConfig
from pipelines.dedup import ExactDedup, NearDedup
from pipelines.filters import QualityFilter
from pipelines.langid import IdentifyLanguage
from pipelines.read import ReadDocuments
from pipelines.rebalance import Rebalance, SamplingRates
from pipelines.stats import SumStats, WriteJsonLines, doc_stats, drop_stat
from pipelines.tokenizer import TrainTokenizer
from pipelines.write import WriteShards

# Our fixed DaskRunner (see pipelines/dask.py) under the name users know.
RUNNER_ALIASES = {"--runner=DaskRunner": "--runner=pipelines.dask.DaskRunner"}
WORK_DIR = "_work"  # the build's own statistics, turned into manifest.json at the end
PACKAGES = ("apache-beam", "pyarrow", "datasketch", "fasttext-numpy2-wheel", "sentencepiece", "warcio", "fastwarc", "resiliparse", "mwparserfromhell", "corpus-builder")


def build_pipeline(p: beam.Pipeline, config: BuildConfig) -> None:
    out = config.output.dir
    work = FileSystems.join(out, WORK_DIR)
    inputs = config.inputs.model_dump(include={"wet", "warc", "wikipedia"})

    docs, read_dropped = p | "Read" >> ReadDocuments(inputs)
    read = docs
    docs, langid_dropped = docs | "LanguageID" >> IdentifyLanguage(config.langid)
    docs, filter_dropped = docs | "QualityFilter" >> QualityFilter(config.filters)
    dropped = [read_dropped, langid_dropped, filter_dropped]
    stats = []  # (key, amount) PCollections of the stages: "kind|key" summed into the manifest
    if config.dedup.exact:
        docs, exact_dropped = docs | "ExactDedup" >> ExactDedup()
        dropped.append(exact_dropped)
    if config.dedup.near:
        docs, near_dropped = docs | "NearDedup" >> NearDedup(config.dedup)
        dropped.append(near_dropped)
    kept = docs

    rates = kept | "SamplingRates" >> SamplingRates(config.rebalance)
    written = kept | "Rebalance" >> Rebalance(rates, config.rebalance.seed)
    shards = written | "WriteShards" >> WriteShards(out, config.output)
    if config.tokenizer.enabled:
        tokenizer = written | "TrainTokenizer" >> TrainTokenizer(out, config.tokenizer)
        tokenizer | "WriteTokenizerInfo" >> WriteJsonLines(FileSystems.join(work, "tokenizer.jsonl"))

    all_dropped = dropped | "AllDrops" >> beam.Flatten()
    stats += [
        read | "ReadStats" >> beam.Map(lambda d: (f"read|{d.source}", 1)),
        read_dropped | "ReadDropStats" >> beam.Map(lambda d: (f"read|{d.source}", 1)),
        all_dropped | "DropStats" >> beam.Map(drop_stat),
        kept | "KeptStats" >> beam.FlatMap(doc_stats("kept")),
        written | "WrittenStats" >> beam.FlatMap(doc_stats("written")),
    ]
    (
        stats
        | "AllStats" >> beam.Flatten()
        | "SumStats" >> SumStats()
        | "WriteStats" >> WriteJsonLines(FileSystems.join(work, "stats.jsonl"))
    )
    rates | "WriteRates" >> WriteJsonLines(FileSystems.join(work, "rates.jsonl"))
    shards | "WriteShardList" >> WriteJsonLines(FileSystems.join(work, "shards.jsonl"))


def _read_json_lines(path: str) -> list[Any]:
    if not FileSystems.exists(path):
        return []
    with FileSystems.open(path) as f:
        return [json.loads(line) for line in f.read().decode("utf-8").splitlines() if line.strip()]


def _versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def finish_release(config: BuildConfig, run: dict[str, Any]) -> dict[str, Any]:
    """Turn the build's statistics into manifest.json and the dataset card; remove the work files."""
    out = config.output.dir
    work = FileSystems.join(out, WORK_DIR)
    rates = _read_json_lines(FileSystems.join(work, "rates.jsonl"))
    tokenizer = _read_json_lines(FileSystems.join(work, "tokenizer.jsonl"))
    manifest = release.assemble_manifest(
        config=config.model_dump(mode="json"),
        versions=_versions(),
        stats=dict(_read_json_lines(FileSystems.join(work, "stats.jsonl"))),
        rates=rates[0] if rates else {},
        shards=_read_json_lines(FileSystems.join(work, "shards.jsonl")),
        tokenizer=tokenizer[0] if tokenizer else None,
        run=run,
    )
    with FileSystems.create(FileSystems.join(out, release.MANIFEST)) as f:
        f.write(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8") + b"\n")
    with FileSystems.create(FileSystems.join(out, release.CARD)) as f:
        f.write(release.dataset_card(manifest).encode("utf-8"))
    FileSystems.delete([work])
    return manifest


def run_build(config: BuildConfig, beam_args: list[str]) -> dict[str, Any]:
    """Run the whole build on the runner the Beam options name (DirectRunner by default)."""
    options = PipelineOptions([RUNNER_ALIASES.get(arg, arg) for arg in beam_args])
    started = time.time()
    with beam.Pipeline(options=options) as p:
        build_pipeline(p, config)
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "runner": options.get_all_options().get("runner") or "DirectRunner",
    }
    return finish_release(config, run)
