"""The release build: raw dumps in, a multilingual corpus release out.

    read -> language ID -> quality filter -> exact, near and paragraph dedup -> bitext mining
         -> sampling rates -> rebalance -> Parquet shards
                                        -> SentencePiece tokenizer
         -> dataset card, report, manifest (last)
"""

from __future__ import annotations

import json
import os
import time
from importlib import metadata
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

import pipelines.records  # noqa: F401  (registers the record coders)
from corpus import release
from corpus.config import BuildConfig, ConfigError
from pipelines.dedup import Deduplicate
from pipelines.filters import QualityFilter
from pipelines.langid import IdentifyLanguage
from pipelines.read import ReadDocuments
from pipelines.rebalance import CopyStats, Rebalance, SamplingRates
from pipelines.stats import SumStats, WriteJsonLines, doc_stats, drop_stat
from pipelines.tokenizer import TrainTokenizer
from pipelines.write import WriteShards, write_file

# Our fixed DaskRunner (see pipelines/dask.py) under the name users know.
RUNNER_ALIASES = {"--runner=DaskRunner": "--runner=pipelines.dask.DaskRunner"}
WORK_DIR = "_work"  # the build's own statistics, turned into manifest.json at the end
PACKAGES = ("apache-beam", "pyarrow", "datasketch", "fasttext-numpy2-wheel", "sentencepiece", "warcio", "fastwarc", "resiliparse", "mwparserfromhell", "corpus-builder")


def build_pipeline(p: beam.Pipeline, config: BuildConfig) -> None:
    out = config.output.dir
    work = FileSystems.join(out, WORK_DIR)
    inputs = config.inputs.model_dump(include={"wet", "warc", "wikipedia"})

    docs, read_dropped, read_stats = p | "Read" >> ReadDocuments(inputs, config.read)
    read = docs
    language_id = IdentifyLanguage(config.langid)  # its .stats count split parts, removed lines, disagreements
    docs, langid_dropped = docs | "LanguageID" >> language_id
    docs, filter_dropped = docs | "QualityFilter" >> QualityFilter(config.filters)
    dropped = [read_dropped, langid_dropped, filter_dropped]
    stats = [read_stats, language_id.stats]  # (key, amount) PCollections of the stages: "kind|key" summed into the manifest
    docs, dedup_dropped, dedup_stats = docs | "Dedup" >> Deduplicate(config.dedup)
    dropped.append(dedup_dropped)
    stats.append(dedup_stats)
    kept = docs
    if config.bitext.enabled:
        from pipelines.bitext import MineBitext

        stats.append(kept | "MineBitext" >> MineBitext(
            config.bitext, config.inputs.langlinks, out, config.output.shard_bytes, config.output.compression))

    rates = kept | "SamplingRates" >> SamplingRates(config.rebalance)
    written = kept | "Rebalance" >> Rebalance(rates, config.rebalance.seed, config.rebalance.source_weights)
    shards = written | "WriteShards" >> WriteShards(out, config.output)
    if config.tokenizer.enabled:
        tokenizer = kept | "TrainTokenizer" >> TrainTokenizer(out, config.tokenizer, config.rebalance, rates)
        tokenizer | "WriteTokenizerInfo" >> WriteJsonLines(FileSystems.join(work, "tokenizer.jsonl"))

    all_dropped = dropped | "AllDrops" >> beam.Flatten()
    stats += [
        read | "ReadStats" >> beam.Map(lambda d: (f"read|{d.source}", 1)),
        read_dropped | "ReadDropStats" >> beam.Map(lambda d: (f"read|{d.source}", 1)),
        all_dropped | "DropStats" >> beam.Map(drop_stat),
        kept | "KeptStats" >> beam.FlatMap(doc_stats("kept")),
        written | "WrittenStats" >> beam.FlatMap(doc_stats("written")),
        written | "CopyStats" >> CopyStats(),  # copies per document: none may exceed rebalance.max_epochs
        kept | "LengthStats" >> beam.Map(lambda d: (f"doc_length|{d.lang}|{release.length_bucket(d.n_chars)}", 1)),
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
    with FileSystems.create(FileSystems.join(out, release.CARD)) as f:
        f.write(release.dataset_card(manifest).encode("utf-8"))
    if config.output.report:
        from corpus import report  # matplotlib is loaded only where the report is drawn, not on workers

        for relative, data in report.render(manifest).items():
            write_file(FileSystems.join(out, relative), data)
    FileSystems.delete([work])
    # The manifest last: a directory without one is an unfinished build, which `corpus verify` rejects.
    write_file(
        FileSystems.join(out, release.MANIFEST),
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8") + b"\n",
    )
    return manifest


def runs_remotely(options: PipelineOptions) -> bool:
    """Whether the runner's workers are other machines: Dataflow, or a portable runner with its own job server."""
    opts = options.get_all_options()
    runner = (opts.get("runner") or "DirectRunner").rsplit(".", 1)[-1]
    if runner in ("DataflowRunner", "TestDataflowRunner"):
        return True
    if runner == "PortableRunner":  # no endpoint or "embed": an in-process job server; LOOPBACK: workers in this process
        return opts.get("job_endpoint") not in (None, "", "embed") and opts.get("environment_type") != "LOOPBACK"
    if runner == "FlinkRunner":
        return opts.get("flink_master") not in (None, "[local]", "[auto]")
    if runner == "SparkRunner":
        return not (opts.get("spark_master_url") or "local").startswith("local")
    return False


def check_paths_reach_workers(config: BuildConfig, options: PipelineOptions) -> None:
    """Remote workers cannot read this machine's disk: refuse local inputs, output or model, in one line."""
    if not runs_remotely(options):
        return
    paths = [("--out", config.output.dir), ("langid.model", getattr(config.langid, "model", None))]
    paths += [(f"--input {kind}", p) for kind, ps in config.inputs.model_dump(exclude={"demo"}).items() for p in ps]
    for what, path in paths:
        if path and "://" not in path:
            runner = options.get_all_options().get("runner")
            raise ConfigError(f"{what} {path} is a path on this machine, which the workers of {runner} cannot read; "
                              "use gs://, s3://, hdfs:// or another filesystem they share")


def local_defaults(beam_args: list[str]) -> list[str]:
    """Without a runner or running mode named, the DirectRunner uses every core: one worker process per core
    (benchmarks/RESULTS.md, "DirectRunner modes")."""
    if any(a.startswith(("--runner", "--direct_running_mode", "--direct_num_workers")) for a in beam_args):
        return beam_args
    return [
        *beam_args,
        "--direct_running_mode=multi_processing",
        f"--direct_num_workers={os.cpu_count() or 1}",
        "--default_sdk_harness_log_level=WARNING",  # the worker processes' INFO lines would bury the summary
    ]


def run_build(config: BuildConfig, beam_args: list[str]) -> dict[str, Any]:
    """Run the whole build on the runner the Beam options name (DirectRunner by default)."""
    options = PipelineOptions([RUNNER_ALIASES.get(arg, arg) for arg in local_defaults(beam_args)])
    check_paths_reach_workers(config, options)
    started = time.time()
    with beam.Pipeline(options=options) as p:
        build_pipeline(p, config)
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "runner": options.get_all_options().get("runner") or "DirectRunner",
    }
    return finish_release(config, run)
