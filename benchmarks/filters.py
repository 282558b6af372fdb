"""Quality-filter benchmark: documents/s of the filter stage, and what it drops per language.

    python -m benchmarks.filters [--runs 3]

Inputs, read through the project's own readers and labelled with the pipeline's
fastText identifier (labelling is not timed):
  * demo      the WET files of the built-in demo (14 languages, written for the project)
  * wet       the real CommonCrawl WET excerpt in ../shared/data (skipped when absent)
  * wikipedia the real jawiki/viwiki/bnwiki/elwiki excerpts in ../shared/data (when present):
              scripts without spaces, short syllables, Indic and Greek text
Variants timed side by side on the same documents (best of N runs, CPU seconds of one core):
  * default   corpus.filters.QualityRules with the default Filters
  * gopher    only the Gopher quality rules (no repetition n-grams, no line rules), for scale
Writes benchmarks/results/filters.json and benchmarks/filters.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.suite_tools import SHARED_DATA
from corpus.config import Filters
from corpus.demo import write_demo_inputs
from corpus.filters import QualityRules
from corpus.langid.identifiers import FastTextIdentifier
from corpus.schema import Document
from corpus.sources import read_file

ROOT = Path(__file__).resolve().parent
DATA = SHARED_DATA
WET = DATA / "commoncrawl" / "CC-MAIN-2020-50-excerpt.warc.wet.gz"
WIKIS = ["jawiki-truncated-100k.xml.bz2", "viwiki-truncated-100k.xml.bz2", "bnwiki-truncated-100k.xml.bz2",
         "elwiki-truncated-100k.xml.bz2"]

VARIANTS = {
    "default": Filters(),
    "gopher": Filters(
        remove_javascript_lines=False, remove_policy_lines=False, max_top_ngram_char_ratio=None,
        max_dup_ngram_char_ratio=None, max_dup_line_ratio=None, max_dup_line_char_ratio=None,
    ),
}


def read_documents(kind: str, paths: list[str]) -> list[Document]:
    docs = []
    for path in paths:
        with open(path, "rb") as f:
            docs += [r for r in read_file(kind, f, path) if isinstance(r, Document)]
    return docs


def label(docs: list[Document], identifier: FastTextIdentifier) -> list[Document]:
    predictions = identifier.predict([d.text for d in docs])
    return [d._replace(lang=p.lang, lang_score=p.score) for d, p in zip(docs, predictions)]


def time_filter(docs: list[Document], config: Filters, runs: int) -> tuple[float, Counter, dict]:
    best = float("inf")
    for _ in range(runs):
        rules = QualityRules(config)  # per run: the per-language rule tables are built inside the timing
        start = time.process_time()  # CPU time of this process: the machine is shared
        verdicts = [rules.judge(d) for d in docs]
        best = min(best, time.process_time() - start)
    reasons = Counter(reason or "kept" for _, reason in verdicts)
    per_lang: dict[str, Counter] = defaultdict(Counter)
    for (doc, reason) in verdicts:
        per_lang[doc.lang][reason or "kept"] += 1
    return best, reasons, per_lang


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "results" / "filters.json"))
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the real WET excerpt logs every skipped byte range

    identifier = FastTextIdentifier()
    inputs: dict[str, list[Document]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        inputs["demo"] = read_documents("wet", write_demo_inputs(tmp)["wet"])
    if WET.exists():
        inputs["wet"] = read_documents("wet", [str(WET)])
    wikis = [str(DATA / "wikipedia" / name) for name in WIKIS if (DATA / "wikipedia" / name).exists()]
    if wikis:
        inputs["wikipedia"] = read_documents("wikipedia", wikis)

    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}, "runs": args.runs, "inputs": {}}
    for name, docs in inputs.items():
        docs = label(docs, identifier)
        chars = sum(d.n_chars for d in docs)
        entry = {"documents": len(docs), "mb_text": round(chars / 1e6, 2), "variants": {}}
        for variant, config in VARIANTS.items():
            seconds, reasons, per_lang = time_filter(docs, config, args.runs)
            entry["variants"][variant] = {
                "seconds": round(seconds, 3),
                "docs_per_s": round(len(docs) / seconds),
                "mb_per_s": round(chars / 1e6 / seconds, 2),
                "outcomes": dict(reasons.most_common()),
            }
            if variant == "default":
                entry["per_language"] = {
                    lang: dict(c.most_common()) for lang, c in sorted(per_lang.items(), key=lambda kv: -sum(kv[1].values()))
                }
        results["inputs"][name] = entry
        print(name, json.dumps(entry["variants"], ensure_ascii=False))

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (ROOT / "filters.md").write_text(markdown(results))


def markdown(results: dict) -> str:
    lines = [
        "# Quality filters: throughput (one core, best of %d runs)" % results["runs"],
        "",
        "| input | documents | MB text | variant | docs/s | MB/s | kept | ratio to gopher-only |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in results["inputs"].items():
        gopher = entry["variants"]["gopher"]["docs_per_s"]
        for variant, v in entry["variants"].items():
            kept = v["outcomes"].get("kept", 0)
            lines.append(
                f"| {name} | {entry['documents']} | {entry['mb_text']} | {variant} | {v['docs_per_s']:,} | "
                f"{v['mb_per_s']} | {kept} ({kept / entry['documents']:.0%}) | {v['docs_per_s'] / gopher:.2f} |"
            )
    lines += ["", "## Outcomes per language (default rules; languages with 20+ documents)", ""]
    for name, entry in results["inputs"].items():
        lines.append(f"**{name}**")
        lines.append("")
        for lang, outcomes in entry["per_language"].items():
            if sum(outcomes.values()) >= 20 or name == "demo":
                lines.append(f"- {lang}: " + ", ".join(f"{k} {n}" for k, n in outcomes.items()))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
