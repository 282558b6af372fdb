"""Token files: writing them against raw SentencePiece encoding of the same text on one core, and the demo
build's wall time with and without them.

    python -m benchmarks.tokens [--runs 3] [--demo-runs 3]

Text: every article of the Wikipedia dumps in ../shared/data/wikipedia (9 languages, 7 scripts), read as the
build reads them (corpus.sources.wikipedia); a SentencePiece unigram model trained on them as the build trains
it (corpus.tokenizer.train on every 4th article, 32,000 pieces asked, cut to one per 500 characters). The process is pinned to one
core and every side encodes on one thread; the sides run interleaved, --runs times each (min and median):
  * sentencepiece, per text       [sp.encode(text) for text in texts]: ids as Python lists, nothing written
  * sentencepiece, batched        sp.encode(batch of 64 texts, num_threads=1): the fastest raw call
  * token files (corpus.tokens)   write_documents into a .bin on disk, then its .idx: what a worker does
  * one shard end to end          a docs/ Parquet shard of the texts read back, tokenized and written
                                  (pipelines.tokens.tokenize_shard, as the build and `corpus tokenize` run it)
Ratios are of each side's time to the faster raw side. Then `corpus demo` (bitext on) with output.tokens on and
off, interleaved (--demo-runs each), on both cores: wall and CPU seconds.
Writes benchmarks/results/tokens.json and benchmarks/tokens.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sentencepiece as spm

from benchmarks.suite_tools import RESULTS, SHARED_DATA, machine, provenance, run_measured, write_markdown
from corpus import release, tokenizer, tokens
from corpus.config import Output, Tokenizer
from corpus.schema import Document
from corpus.sources import wikipedia
from pipelines.tokens import tokenize_shard  # imported here: Beam's import is no part of any side's time

DUMPS = SHARED_DATA / "wikipedia"
BATCH = tokens.ENCODE_BATCH


def load_texts() -> list[Document]:
    docs = []
    for path in sorted(DUMPS.glob("*.xml.bz2")):
        with open(path, "rb") as f:
            docs += [d for d in wikipedia.read(f, path.name) if isinstance(d, Document) and d.text]
    return docs


def per_text(sp, texts, _):
    for text in texts:
        sp.encode(text)


def batched(sp, texts, _):
    for start in range(0, len(texts), BATCH):
        sp.encode(texts[start : start + BATCH], num_threads=1)


def token_files(sp, texts, folder):
    with open(os.path.join(folder, "all.bin"), "wb") as stream:
        writer = tokens.IndexedWriter(stream, tokens.token_dtype(sp.get_piece_size()))
        tokens.write_documents(writer, sp, texts)
    Path(folder, "all.idx").write_bytes(writer.index())


def one_shard(sp, _, folder):
    tokenize_shard(folder, "docs/xxx_Xxxx/part-00000-of-00001.parquet", sp, sp.get_piece_size())


SIDES = {
    "sentencepiece, per text": per_text,
    "sentencepiece, batched": batched,
    "token files (corpus.tokens)": token_files,
    "one shard end to end": one_shard,
}
RAW = ("sentencepiece, per text", "sentencepiece, batched")


def encode_sides(docs: list[Document], runs: int) -> dict:
    texts = [d.text for d in docs]
    config = Tokenizer()
    vocab = tokenizer.fitted_vocab_size(config, sum(map(len, texts)), len(set("".join(texts))))
    model = tokenizer.train(texts[::4], config.model_copy(update={"vocab_size": vocab}))  # a sample: training is not measured
    sp = spm.SentencePieceProcessor(model_proto=model)
    folder = tempfile.mkdtemp(prefix="tokens-bench-")
    shard = os.path.join(folder, "docs/xxx_Xxxx/part-00000-of-00001.parquet")
    os.makedirs(os.path.dirname(shard))
    data, _ = release.encode_parquet(docs, Output().compression, Output().row_group_bytes)
    Path(shard).write_bytes(data)
    times: dict[str, list[float]] = {name: [] for name in SIDES}
    for _ in range(runs):
        for name, side in SIDES.items():  # interleaved: each run sees the same machine state for every side
            started = time.process_time()
            side(sp, texts, folder)
            times[name].append(time.process_time() - started)
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n_tokens = sum(len(ids) for ids in sp.encode(texts, num_threads=1))
    floor = min(min(times[name]) for name in RAW)
    return {
        "documents": len(texts),
        "text_mb": round(text_mb, 2),
        "tokens": n_tokens,
        "vocab_size": sp.get_piece_size(),
        "languages": sorted({d.lang or d.source_lang for d in docs}),
        "sides": {
            name: {
                "cpu_s_min": round(min(t), 3),
                "cpu_s_median": round(statistics.median(t), 3),
                "mb_per_s": round(text_mb / min(t), 2),
                "tokens_per_s": round(n_tokens / min(t)),
                "ratio_to_raw": round(min(t) / floor, 3),
            }
            for name, t in times.items()
        },
    }


def demo_sides(runs: int) -> dict:
    """`corpus demo` with token files on and off, interleaved; wall and CPU seconds of each build."""
    found: dict[str, list[dict]] = {"tokens on": [], "tokens off": []}
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for _ in range(runs):
        for name, flag in (("tokens on", "true"), ("tokens off", "false")):
            with tempfile.TemporaryDirectory(prefix="tokens-demo-") as out:
                found[name].append(run_measured([sys.executable, "-m", "pipelines.cli", "demo", "--out", f"{out}/release",
                                                 "--set", f"output.tokens={flag}"], env=env))
    summary = {}
    for name, results in found.items():
        walls = [r["wall_s"] for r in results if "error" not in r]
        summary[name] = {"runs": results, "wall_s_min": min(walls, default=None),
                         "wall_s_median": round(statistics.median(walls), 2) if walls else None}
    for measure in ("min", "median"):  # the machine is shared: the fastest runs are the least disturbed
        on, off = summary["tokens on"][f"wall_s_{measure}"], summary["tokens off"][f"wall_s_{measure}"]
        summary[f"wall_ratio_{measure}"] = round(on / off, 3) if on and off else None
    return summary


def markdown(report: dict) -> str:
    enc = report["encode"]
    lines = [
        f"{enc['documents']:,} Wikipedia articles ({enc['text_mb']} MB of text, {enc['tokens']:,} tokens; "
        f"{', '.join(enc['languages'])}), a {enc['vocab_size']:,}-piece unigram model; one core, "
        f"{report['runs']} interleaved runs, CPU seconds.",
        "",
        "| side | CPU s (min) | CPU s (median) | MB/s | tokens/s | time / raw SentencePiece |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {name} | {s['cpu_s_min']} | {s['cpu_s_median']} | {s['mb_per_s']} | {s['tokens_per_s']:,} | {s['ratio_to_raw']} |"
              for name, s in enc["sides"].items()]
    demo = report.get("demo")
    if demo:
        lines += ["", f"`corpus demo` (bitext on), 2 cores, {report['demo_runs']} interleaved runs each:", "",
                  "| build | wall s (min) | wall s (median) | CPU s (runs) |", "|---|---|---|---|"]
        for name in ("tokens on", "tokens off"):
            d = demo[name]
            lines.append(f"| {name} | {d['wall_s_min']} | {d['wall_s_median']} | {', '.join(str(r.get('cpu_s', r.get('error'))) for r in d['runs'])} |")
        lines += ["", f"Wall time with token files / without: {demo['wall_ratio_min']} (fastest runs), "
                  f"{demo['wall_ratio_median']} (medians)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo-runs", type=int, default=3, help="demo builds per side (0: skip)")
    args = parser.parse_args()
    if not DUMPS.is_dir():
        sys.exit(f"benchmarks.tokens needs {DUMPS}")
    report = {"runs": args.runs, "demo_runs": args.demo_runs, "machine": machine()}
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core for the encoding sides
    report["encode"] = encode_sides(load_texts(), args.runs)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))  # the demo builds get both cores
    if args.demo_runs:
        report["demo"] = demo_sides(args.demo_runs)
    report["provenance"] = provenance(f"python -m benchmarks.tokens --runs {args.runs} --demo-runs {args.demo_runs}")
    (RESULTS / "tokens.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_markdown("tokens", "Token files: throughput and demo build time", markdown(report), report["machine"], report["provenance"])
    print(markdown(report))


if __name__ == "__main__":
    main()
