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
from corpus.schema import make_id
from corpus.statistics import (
    STAGE_DEDUP,
    STAGE_FILTER,
    STAGE_LANGID,
    STAGE_READ,
    STAT_BITEXT_DROPPED,
    STAT_DOC_LENGTH,
    STAT_KEPT,
    STAT_KEPT_CHARS,
    STAT_QUALITY,
    STAT_QUALITY_CHARS,
    STAT_READ,
    STAT_WRITTEN,
    STAT_WRITTEN_CHARS,
    stat_key,
)
from pipelines import publish
from pipelines.checkpoint import CommittedDocuments, write_config
from pipelines.dedup import Deduplicate
from pipelines.filters import QualityFilter
from pipelines.langid import IdentifyLanguage
from pipelines.read import ReadDocuments
from pipelines.progress import CountStage, ProgressPrinter
from pipelines.rebalance import CopyStats, Rebalance, SamplingRates
from pipelines.stats import SumStats, WriteJsonLines, doc_stats, drop_stat
from pipelines.tokenizer import TrainTokenizer
from pipelines.write import WriteShards, write_file

# Our fixed DaskRunner (see pipelines/dask.py) under the name users know.
RUNNER_ALIASES = {"--runner=DaskRunner": "--runner=pipelines.dask.DaskRunner"}
SAMPLES_PER_REASON = 3  # examples of what each rule removed, in report.html
WORK_DIR = "_work"  # the build's own statistics, turned into manifest.json at the end
PROGRESS_STAGES = [STAGE_READ, STAGE_LANGID, STAGE_FILTER, "kept"]  # "kept": out of dedup, progress only
PACKAGES = ("apache-beam", "pyarrow", "datasketch", "fasttext-numpy2-wheel", "sentencepiece", "warcio", "fastwarc", "resiliparse", "mwparserfromhell", "heliport", "corpus-builder")


def keep_documents(p: beam.Pipeline, config: BuildConfig):
    """read -> language ID -> quality filter -> dedup: (documents kept, [drops], [statistics], [samples])."""
    work = FileSystems.join(config.output.dir, WORK_DIR)
    if config.output.checkpoints:  # the same three stages, committed per input file (pipelines/checkpoint.py)
        committed = p | "PerDocument" >> CommittedDocuments(config, work)
        deduplicated = committed.kept | "Dedup" >> Deduplicate(config.dedup)
        _ = deduplicated.kept | "Count/kept" >> beam.ParDo(CountStage(work, "kept", statistic=False))
        stages = [committed, deduplicated]
        return deduplicated.kept, [s.dropped for s in stages], [s.stats for s in stages], [s.samples for s in stages if s.samples is not None]
    inputs = config.inputs.model_dump(include={"wet", "warc", "wikipedia"})
    read = p | "Read" >> ReadDocuments(inputs, config.read)
    identified = read.kept | "LanguageID" >> IdentifyLanguage(config.langid)
    filtered = identified.kept | "QualityFilter" >> QualityFilter(config.filters)
    deduplicated = filtered.kept | "Dedup" >> Deduplicate(config.dedup)
    stages = {STAGE_READ: read, STAGE_LANGID: identified, STAGE_FILTER: filtered, STAGE_DEDUP: deduplicated}
    dropped = [stage.dropped for stage in stages.values()]
    stats = [stage.stats for stage in stages.values()]  # ("kind|key", amount), summed into the manifest
    samples = [stage.samples for stage in stages.values() if stage.samples is not None]
    # Documents out of each stage (dedup counts its own three): a count that does not add up points at
    # the stage that lost it; the same counts feed the progress line.
    for name in (STAGE_READ, STAGE_LANGID, STAGE_FILTER):
        stats.append(stages[name].kept | f"Count/{name}" >> beam.ParDo(CountStage(work, name)))
    _ = deduplicated.kept | "Count/kept" >> beam.ParDo(CountStage(work, "kept", statistic=False))
    stats += [
        read.kept | "ReadStats" >> beam.Map(lambda d: (stat_key(STAT_READ, d.source), 1)),
        read.dropped | "ReadDropStats" >> beam.Map(lambda d: (stat_key(STAT_READ, d.source), 1)),
    ]
    return deduplicated.kept, dropped, stats, samples


def quality_stats(doc):
    """A kept document's content-model bucket, counted in documents and characters per language."""
    yield stat_key(STAT_QUALITY, doc.lang, doc.quality_bucket), 1
    yield stat_key(STAT_QUALITY_CHARS, doc.lang, doc.quality_bucket), doc.n_chars


def write_bitext(kept, config: BuildConfig, staged: str):
    """Bitext mined from the kept documents, written as shards under `staged`: (shard-list entries, [statistics])."""
    from pipelines.bitext import MineBitext  # the encoders' imports only where bitext is mined

    bitext = kept | "MineBitext" >> MineBitext(config.bitext, config.inputs.langlinks)
    shards = bitext.kept | "WriteBitext" >> WriteShards(staged, config.output, release.BITEXT)
    # Pairs that were dropped are no documents: counted apart from the documents' drops.
    drops = bitext.dropped | "BitextDropStats" >> beam.Map(lambda d: (stat_key(STAT_BITEXT_DROPPED, d.reason, d.lang), 1))
    return shards, [bitext.stats, drops]


def build_pipeline(p: beam.Pipeline, config: BuildConfig) -> None:
    work = FileSystems.join(config.output.dir, WORK_DIR)
    staged = publish.staging_dir(work)  # published at the end, by finish_release
    kept, dropped, stats, samples = keep_documents(p, config)
    rates = kept | "SamplingRates" >> SamplingRates(config.rebalance)
    written = kept | "Rebalance" >> Rebalance(rates, config.rebalance)
    shards = [written | "WriteShards" >> WriteShards(staged, config.output)]
    if config.bitext.enabled:
        bitext_shards, bitext_stats = write_bitext(kept, config, staged)
        shards.append(bitext_shards)
        stats += bitext_stats
    if config.tokenizer.enabled:
        tokenizer = kept | "TrainTokenizer" >> TrainTokenizer(staged, config.tokenizer, config.rebalance, rates)
        tokenizer | "WriteTokenizerInfo" >> WriteJsonLines(FileSystems.join(work, "tokenizer.jsonl"))
    if config.output.tokens:  # every docs/ and bitext/ shard as token ids, once the model is trained
        from pipelines.tokens import TokenizeShards, model_digest

        parquet = shards | "ParquetShards" >> beam.Flatten()
        shards.append(parquet | "Tokens" >> TokenizeShards(staged, model_digest(tokenizer)))

    all_dropped = dropped | "AllDrops" >> beam.Flatten()
    stats += [
        all_dropped | "DropStats" >> beam.Map(drop_stat),
        kept | "KeptStats" >> beam.FlatMap(doc_stats(STAT_KEPT, STAT_KEPT_CHARS)),
        written | "WrittenStats" >> beam.FlatMap(doc_stats(STAT_WRITTEN, STAT_WRITTEN_CHARS)),
        written | "CopyStats" >> CopyStats(),  # copies per document: none may exceed rebalance.max_epochs
        kept | "LengthStats" >> beam.Map(lambda d: (stat_key(STAT_DOC_LENGTH, d.lang, release.length_bucket(d.n_chars)), 1)),
        kept | "QualityStats" >> beam.FlatMap(quality_stats),
    ]
    (
        stats
        | "AllStats" >> beam.Flatten()
        | "SumStats" >> SumStats()
        | "WriteStats" >> WriteJsonLines(FileSystems.join(work, "stats.jsonl"))
    )
    (
        samples
        | "AllSamples" >> beam.Flatten()
        | "ByReason" >> beam.Map(lambda s: (s.reason, s))
        # The same few per reason on any runner: those whose text hashes lowest.
        | "FewPerReason" >> beam.combiners.Top.SmallestPerKey(SAMPLES_PER_REASON, key=lambda s: make_id(s.text))
        | "Flatten" >> beam.FlatMap(lambda kv: [s._asdict() for s in kv[1]])
        | "WriteSamples" >> WriteJsonLines(FileSystems.join(work, "samples.jsonl"))
    )
    rates | "WriteRates" >> WriteJsonLines(FileSystems.join(work, "rates.jsonl"))
    shards | "AllShards" >> beam.Flatten() | "WriteShardList" >> WriteJsonLines(FileSystems.join(work, "shards.jsonl"))


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


def finish_release(config: BuildConfig, run: dict[str, Any], recorded: BuildConfig | None = None) -> dict[str, Any]:
    """Turn the build's statistics into manifest.json and the dataset card; remove the work files.
    Returns the manifest as written (its JSON object).

    `recorded` is the config as the user gave it (the demo's temporary input paths not added), which
    the manifest keeps so that the release can be rebuilt, or mined, from it."""
    out = config.output.dir
    work = FileSystems.join(out, WORK_DIR)
    rates = _read_json_lines(FileSystems.join(work, "rates.jsonl"))
    tokenizer = _read_json_lines(FileSystems.join(work, "tokenizer.jsonl"))
    manifest = release.assemble_manifest(
        config=(recorded or config).model_dump(mode="json"),
        versions=_versions(),
        stats=dict(_read_json_lines(FileSystems.join(work, "stats.jsonl"))),
        rates=rates[0] if rates else {},
        shards=_read_json_lines(FileSystems.join(work, "shards.jsonl")),
        tokenizer=tokenizer[0] if tokenizer else None,
        run=run,
    )
    problems = release.reconciliation_problems(manifest)
    if not problems and not manifest.documents.kept:
        top = sorted(manifest.documents.dropped.items(), key=lambda kv: -kv[1])[:3]
        problems = [f"no document kept: {manifest.documents.read:,} read, dropped as " + (", ".join(f"{r} {n:,}" for r, n in top) or "nothing")]
    if problems:  # no manifest, so nothing claims success; the statistics stay in the work folder
        raise release.ReleaseFailed(f"the build of {out} failed its own check: " + "; ".join(problems) + f" (statistics in {work})")
    staged = publish.staging_dir(work)
    write_file(FileSystems.join(staged, release.CARD), release.dataset_card(manifest).encode("utf-8"))
    if config.output.report:
        from corpus import report  # matplotlib is loaded only where the report is drawn, not on workers

        samples = _read_json_lines(FileSystems.join(work, "samples.jsonl"))
        for relative, data in report.render(manifest, samples).items():
            write_file(FileSystems.join(staged, relative), data)
    publish.remove_release(out, WORK_DIR, keep_work=True)  # a release grown by --resume: the earlier one, manifest first
    publish.publish(out, work)
    publish.remove_work(work, keep_checkpoints=config.output.checkpoints)
    # The manifest last: a directory without one is an unfinished build, which `corpus verify` rejects.
    write_file(FileSystems.join(out, release.MANIFEST), manifest.to_json())
    return manifest.to_dict()


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
        # The workers' own lines would bury the summary (Beam's notices, and each damaged file twice, as the
        # worker and as the job service relaying it): damaged files are in the manifest and the summary instead.
        "--default_sdk_harness_log_level=ERROR",
    ]


def unknown_options(beam_args: list[str]) -> list[str]:
    """Beam options no runner knows (`--runer=...`): Beam would only warn and run without them."""
    from apache_beam.options.pipeline_options import _BeamArgumentParser  # the parser Beam itself uses for options

    if any("DaskRunner" in arg for arg in beam_args):
        import apache_beam.runners.dask.dask_runner  # noqa: F401  (registers the Dask options)
    parser = _BeamArgumentParser(allow_abbrev=False)
    for cls in {str(cls): cls for cls in PipelineOptions.__subclasses__()}.values():
        cls._add_argparse_args(parser)
    return [arg for arg in parser.parse_known_args(beam_args)[1] if arg.startswith("-")]


def launch_options(config: BuildConfig, beam_args: list[str]) -> PipelineOptions:
    """The Beam options of a run (`corpus build`, `demo` and `mine` alike), checked before anything runs."""
    unknown = unknown_options(beam_args)
    if unknown:
        raise ConfigError(f"unknown Beam option {unknown[0]} (options after -- go to Beam; see --help of the runner)")
    options = PipelineOptions([RUNNER_ALIASES.get(arg, arg) for arg in local_defaults(beam_args)])
    check_paths_reach_workers(config, options)
    return options


def run_build(config: BuildConfig, beam_args: list[str], recorded: BuildConfig | None = None) -> dict[str, Any]:
    """Run the whole build on the runner the Beam options name (DirectRunner by default)."""
    options = launch_options(config, beam_args)
    started = time.time()
    if config.output.checkpoints:  # what a later --resume compares its config with
        write_config(FileSystems.join(config.output.dir, WORK_DIR), config)
    with ProgressPrinter(FileSystems.join(config.output.dir, WORK_DIR), PROGRESS_STAGES), beam.Pipeline(options=options) as p:
        build_pipeline(p, config)
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "runner": options.get_all_options().get("runner") or "DirectRunner",
    }
    return finish_release(config, run, recorded)


def run_mine(config: BuildConfig, built: BuildConfig, beam_args: list[str]) -> release.Manifest:
    """`corpus mine`: bitext from the documents the release's build kept, written into the release.

    The kept documents are not in the release (rebalancing drops and repeats some), so the
    build's front is run again on `built`, the config the manifest recorded: the same inputs
    and settings give the same documents. Earlier bitext of the release is replaced.
    """
    out = config.output.dir
    work = FileSystems.join(out, WORK_DIR)
    options = launch_options(config, beam_args)
    with ProgressPrinter(work, PROGRESS_STAGES), beam.Pipeline(options=options) as p:
        kept, *_ = keep_documents(p, built)
        shards, stats = write_bitext(kept, config, publish.staging_dir(work))
        (
            stats
            | "AllStats" >> beam.Flatten()
            | "SumStats" >> SumStats()
            | "WriteStats" >> WriteJsonLines(FileSystems.join(work, "stats.jsonl"))
        )
        shards | "WriteShardList" >> WriteJsonLines(FileSystems.join(work, "shards.jsonl"))
    stats = dict(_read_json_lines(FileSystems.join(work, "stats.jsonl")))
    shards = _read_json_lines(FileSystems.join(work, "shards.jsonl"))
    bitext_dir = FileSystems.join(out, release.BITEXT_DIR)
    if FileSystems.exists(bitext_dir):
        FileSystems.delete([bitext_dir])  # this command's own earlier output, replaced by the staged one
    if FileSystems.exists(work):  # no statistics at all leave no work folder
        publish.publish(out, work)
        publish.remove_work(work, keep_checkpoints=True)
    manifest_path = FileSystems.join(out, release.MANIFEST)
    with FileSystems.open(manifest_path) as f:
        manifest = release.with_bitext(release.load_manifest(f.read(), manifest_path), stats, shards)
    write_file(manifest_path, manifest.to_json())
    return manifest
