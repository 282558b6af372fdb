"""Encoding repair, the encoding-damage rule and PII masking: CPU per document, and what each changes.

    python -m benchmarks.clean [--runs 5] [--before da8a0fd]

Side by side on the same records: the code at `--before` (the commit before these steps,
unpacked with `git archive` into a temporary folder) and the working tree, each measured in
its own process (this file run by path, with PYTHONPATH set to that code), twice in
alternation; the best figure of each is kept.

Inputs (../shared/data; skipped when absent):
  * wet       the even-position conversion records of CC-MAIN-2020-50-excerpt.warc.wet.gz
              (positions 0, 2, 4, ...; the odd ones are held out for independent evaluation)
  * warc2008  the HTML responses of the 2008 Internet Archive WARC, where the mojibake is

Timed (CPU seconds of one process, best of --runs):
  * read      the reader's work per record once the WARC record is parsed: decode, repair
              (after only), normalise, extraction for HTML, the Document
  * filters   QualityRules(Filters()) on each document, labelled first by the pipeline's
              fastText identifier (labelling not timed); after: with the damage rule and PII
Then, with the working tree: each new part alone per document, and what each part changed
(documents repaired, dropped as encoding_damage and what the old code did with them,
documents masked and items per kind), with positions or URLs to look at.
Writes benchmarks/results/clean.json and benchmarks/clean.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WET_NAME = "CC-MAIN-2020-50-excerpt.warc.wet.gz"
WARC_NAME = "archive-org-2008-example.warc.gz"


# ---------------------------------------------------------------- one side (runs under either code)


def _items(path: Path, record_type) -> list[tuple[int, object]]:
    """(position, WarcItem) of the records of one type, position counting every candidate record."""
    from corpus.sources.archive import WarcItem, records

    with open(path, "rb") as f:
        return [(i, r) for i, r in enumerate(records(f, str(path), record_type, "commoncrawl", 16 << 20)) if isinstance(r, WarcItem)]


def _as_list(out) -> list:
    """A reader's result as a list: the old readers return one record, the new ones yield Stats beside it."""
    return list(out) if hasattr(out, "__next__") else [out]


def measure(data: Path, runs: int) -> dict:
    from fastwarc.warc import WarcRecordType

    from corpus.config import Filters
    from corpus.filters import QualityRules
    from corpus.langid.identifiers import FastTextIdentifier
    from corpus.schema import Document, Drop, Stat
    from corpus.sources import wet, warc

    logging.disable(logging.WARNING)  # the WET excerpt logs every skipped byte range
    inputs = {}
    wet_path, warc_path = data / "commoncrawl" / WET_NAME, data / "commoncrawl" / WARC_NAME
    if wet_path.exists():
        even = [(i, item) for i, item in _items(wet_path, WarcRecordType.conversion) if i % 2 == 0]
        inputs["wet"] = (even, lambda item, p=str(wet_path): wet.conversion_document(item, p, "CC-MAIN-2020-50"))
    if warc_path.exists():
        responses = _items(warc_path, WarcRecordType.response)
        inputs["warc2008"] = (responses, lambda item, p=str(warc_path): warc.response_document(item, p, "", "resiliparse"))

    identifier = FastTextIdentifier()
    result = {}
    for name, (items, reader) in inputs.items():
        read_s = float("inf")
        for _ in range(runs):
            start = time.process_time()
            outputs = [_as_list(reader(item)) for _, item in items]
            read_s = min(read_s, time.process_time() - start)
        where = {}  # document id -> position (WET) or URL (WARC)
        docs, repaired = [], []
        for (position, item), out in zip(items, outputs):
            for record in out:
                if isinstance(record, Document):
                    where[record.id] = position if name == "wet" else record.url
                    docs.append(record)
                    if any(isinstance(r, Stat) and r.key.startswith("read_repaired_encoding") for r in out):
                        repaired.append(where[record.id])
        predictions = identifier.predict([d.text for d in docs])
        docs = [d._replace(lang=p.lang, lang_score=p.score) for d, p in zip(docs, predictions)]
        filter_s = float("inf")
        for _ in range(runs):
            rules = QualityRules(Filters())  # per run: the per-language tables are built inside the timing
            start = time.process_time()
            verdicts = [list(rules(d)) for d in docs]
            filter_s = min(filter_s, time.process_time() - start)
        outcome, masked = {}, {}
        for d, out in zip(docs, verdicts):
            last = out[-1]
            outcome[str(where[d.id])] = last.reason.split("/", 1)[1] if isinstance(last, Drop) else "kept"
            kinds = {r.key.split("|")[1]: r.amount for r in out if isinstance(r, Stat) and r.key.startswith("pii_masked|")}
            if kinds:
                masked[str(where[d.id])] = kinds
        result[name] = {
            "records": len(items),
            "documents": len(docs),
            "read_s": read_s,
            "filter_s": filter_s,
            "outcome": outcome,
            "repaired": repaired,
            "masked": masked,
            "docs_text": {str(where[d.id]): d.text for d in docs} if name == "wet" else {},
        }
    result["parts"] = parts_alone(inputs, runs) if _has_new_parts() else {}
    return result


def _has_new_parts() -> bool:
    try:
        import corpus.filters.pii  # noqa: F401
    except ImportError:
        return False
    return True


def parts_alone(inputs: dict, runs: int) -> dict:
    """CPU microseconds per document of each new part on its own (working tree only)."""
    from corpus.filters.encoding import damaged_char_ratio
    from corpus.filters.pii import mask_pii
    from corpus.sources.archive import decode
    from corpus.text import normalise, repair_encoding

    out = {}
    if "wet" in inputs:
        raw = [t for t in (decode(item.block, ["utf-8"]) for _, item in inputs["wet"][0]) if t]
        texts = [normalise(t) for t in raw]
        for part, function, data in (
            ("repair_encoding", repair_encoding, raw),
            ("normalise (for scale)", normalise, raw),
            ("damaged_char_ratio", damaged_char_ratio, texts),
            ("mask_pii", mask_pii, texts),
        ):
            best = float("inf")
            for _ in range(runs):
                start = time.process_time()
                for text in data:
                    function(text)
                best = min(best, time.process_time() - start)
            out[part] = round(best / len(data) * 1e6, 1)
    return out


# ---------------------------------------------------------------- both sides, and the report


def run_side(tree: Path, data: Path, runs: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run([sys.executable, __file__, "--measure", out.name, "--data", str(data), "--runs", str(runs)],
                       env=env, check=True, cwd=tree)  # fmt: skip
        return json.loads(Path(out.name).read_text())


def best_of(a: dict, b: dict) -> dict:
    for name in a:
        if name != "parts":
            a[name]["read_s"] = min(a[name]["read_s"], b[name]["read_s"])
            a[name]["filter_s"] = min(a[name]["filter_s"], b[name]["filter_s"])
    for part, value in b.get("parts", {}).items():
        a["parts"][part] = min(a["parts"][part], value)
    return a


def compare(before: dict, after: dict) -> dict:
    from corpus.filters.encoding import damaged_char_ratio

    report = {}
    for name in after:
        if name == "parts":
            continue
        b, a = before[name], after[name]
        n = a["documents"]
        per_doc = lambda side, key: side[key] / side["documents"] * 1e3  # noqa: E731  ms per document
        changed = {k: (b["outcome"].get(k), v) for k, v in a["outcome"].items() if b["outcome"].get(k) != v}
        damage = {k: old for k, (old, new) in changed.items() if new == "encoding_damage"}
        entry = {
            "records": a["records"],
            "documents": n,
            "read_ms_per_doc": {"before": round(per_doc(b, "read_s"), 3), "after": round(per_doc(a, "read_s"), 3)},
            "filter_ms_per_doc": {"before": round(per_doc(b, "filter_s"), 3), "after": round(per_doc(a, "filter_s"), 3)},
            "read_plus_filter_ratio": round((a["read_s"] + a["filter_s"]) / (b["read_s"] + b["filter_s"]), 3),
            "repaired": a["repaired"],
            "dropped_as_encoding_damage": damage,  # where -> the old outcome
            "other_outcome_changes": {k: v for k, v in changed.items() if k not in damage},
            "masked": a["masked"],
            "masked_items": dict(sum((Counter(k) for k in a["masked"].values()), Counter())),
        }
        if a["docs_text"]:
            entry["damaged_char_ratio"] = {k: round(damaged_char_ratio(a["docs_text"][k]) or 0, 4) for k in damage}
        report[name] = entry
    report["parts_us_per_doc"] = after["parts"]
    return report


def markdown(report: dict, meta: dict) -> str:
    lines = [
        "# Encoding repair, encoding damage and PII masking: cost and effect",
        "",
        f"`python -m benchmarks.clean --runs {meta['runs']}`: the code at {meta['before']} (before) and the working tree "
        f"at {meta['after']} (after), each in its own process, twice in alternation, best of {meta['runs']} runs each; "
        f"CPU time of one process. Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, Python "
        f"{meta['machine']['python']}; load average at start {meta['machine']['load_average_at_start']}; {meta['machine']['date']}.",
        "",
        "| input | records | documents | read ms/doc before | after | filters ms/doc before | after | read+filters after/before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, e in report.items():
        if name == "parts_us_per_doc":
            continue
        lines.append(
            f"| {name} | {e['records']} | {e['documents']} | {e['read_ms_per_doc']['before']} | {e['read_ms_per_doc']['after']} | "
            f"{e['filter_ms_per_doc']['before']} | {e['filter_ms_per_doc']['after']} | {e['read_plus_filter_ratio']} |"
        )
    lines += ["", "Each new part alone on the WET documents (µs per document): "
              + ", ".join(f"{k} {v}" for k, v in report["parts_us_per_doc"].items()), ""]
    for name, e in report.items():
        if name == "parts_us_per_doc":
            continue
        lines += [f"## {name}", ""]
        lines.append(f"- repaired by ftfy: {len(e['repaired'])} {e['repaired']}")
        ratios = e.get("damaged_char_ratio", {})
        damage = ", ".join(f"{k} ({ratios[k]}; before: {v})" if k in ratios else f"{k} (before: {v})"
                           for k, v in e["dropped_as_encoding_damage"].items())  # fmt: skip
        lines.append(f"- dropped as encoding_damage: {len(e['dropped_as_encoding_damage'])}: {damage}")
        if e["other_outcome_changes"]:
            lines.append(f"- other outcome changes (before, after): {e['other_outcome_changes']}")
        lines.append(f"- documents with PII masked: {len(e['masked'])}, items {e['masked_items']}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default="da8a0fd")
    parser.add_argument("--data", default="")
    parser.add_argument("--measure", default="")  # internal: measure the code on PYTHONPATH into this JSON file
    args = parser.parse_args()
    if args.measure:
        Path(args.measure).write_text(json.dumps(measure(Path(args.data), args.runs), ensure_ascii=False))
        return

    sys.path.insert(0, str(REPO))
    from benchmarks.suite_tools import SHARED_DATA, machine

    data = Path(args.data) if args.data else SHARED_DATA
    if not (data / "commoncrawl" / WET_NAME).exists():
        print(f"skipped: {data} has no {WET_NAME}")
        return
    meta = {"runs": args.runs, "machine": machine(),
            "before": subprocess.run(["git", "rev-parse", "--short", args.before], capture_output=True, text=True, cwd=REPO).stdout.strip(),
            "after": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
            + ("+changes" if subprocess.run(["git", "status", "--porcelain", "--", ".", ":!benchmarks/clean.md", ":!benchmarks/results/clean.json"],
                                            capture_output=True, text=True, cwd=REPO).stdout.strip() else "")}  # fmt: skip
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(["git", "archive", "--format=tar", args.before], capture_output=True, cwd=REPO, check=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        sides = {"before": None, "after": None}
        for _ in range(2):
            for side, tree in (("before", Path(old)), ("after", REPO)):
                result = run_side(tree, data, args.runs)
                sides[side] = result if sides[side] is None else best_of(sides[side], result)
    report = compare(sides["before"], sides["after"])
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "clean.json").write_text(json.dumps({"meta": meta, **report}, indent=2, ensure_ascii=False) + "\n")
    (HERE / "clean.md").write_text(markdown(report, meta) + "\n")
    print(markdown(report, meta))


if __name__ == "__main__":
    main()
