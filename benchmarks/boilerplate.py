"""Boilerplate lines of web pages: what the line classifier removes, what it keeps, what it costs.

    python -m benchmarks.boilerplate [--runs 5] [--examples]

Inputs (the benchmark stops with a message when ../shared/data is absent):
  * web        the conversion records at EVEN positions (0, 2, 4, ... in file order) of
               CC-MAIN-2020-50-excerpt.warc.wet.gz; the odd ones are held out for independent evaluation
               and never read here. Read with the project's reader, labelled by language ID as the build
               runs it (pages split into per-language parts), then judged by the filter step with the
               classifier off (the step as it was before it) and on, side by side on the same parts;
  * dev        benchmarks/data/boilerplate_lines.tsv: 55 of those pages, every line judged by reading
               (text, either, boilerplate); scored on characters and on lines;
  * wikipedia  the Wikipedia dumps in ../shared/data, read and labelled the same way. The build does not
               apply the classifier to Wikipedia (its lists are content); it is run over them here to see
               how much text it would take from pages that have no boilerplate.
Variants scored on dev and wikipedia: the default; the project's own stop-word lists instead of jusText's
(with the default thresholds, and refitted); jusText's context pass alone (without keeping the removed runs
that show no sign of boilerplate); forms and menus alone (no context pass): the two ends of the trade
between removing web boilerplate and keeping Wikipedia's lists.
Writes benchmarks/results/boilerplate.json and benchmarks/boilerplate.md (counts only: no page text);
--examples prints some removed lines of each web page to the terminal, for reading.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import Counter
from pathlib import Path
from typing import Callable

from fastwarc.warc import WarcRecordType

from benchmarks.suite_tools import RESULTS, SHARED_DATA, machine_line, provenance, provenance_line
from corpus.config import FilterRules, Filters, LangId
from corpus.filters import QualityRules
from corpus.filters import boilerplate as bp
from corpus.filters.measures import _stop_word_pattern, stop_words
from corpus.langid import load_identifier
from corpus.langid.documents import DocumentLanguage
from corpus.lang import is_unspaced_label
from corpus.schema import COMMONCRAWL, Document, make_id
from corpus.sources import read_file
from corpus.sources.archive import WarcItem, records
from corpus.statistics import STAT_FILTER_REMOVED_CHARS, STAT_FILTER_REMOVED_LINES, parse_stat_key

HERE = Path(__file__).resolve().parent
WET = SHARED_DATA / "commoncrawl" / "CC-MAIN-2020-50-excerpt.warc.wet.gz"
WIKIPEDIA = SHARED_DATA / "wikipedia"
LABELS = HERE / "data" / "boilerplate_lines.tsv"
SHORT_LINE = 30  # "mostly short lines": more than half of a document's lines under this many characters
LONG_LINE = 200  # Wikipedia lines this long are paragraphs of prose: how much of them the classifier takes


def even_pages(path: Path) -> dict[int, Document]:
    """The documents the reader makes of the conversion records at even positions, by position."""
    with open(path, "rb") as f:  # the positions: conversion records in file order, read by the project's parser
        offsets = [item.offset for item in records(f, str(path), WarcRecordType.conversion, COMMONCRAWL, 1 << 30)
                   if isinstance(item, WarcItem)]
    position = {make_id(COMMONCRAWL, str(path), str(offset)): n for n, offset in enumerate(offsets)}
    with open(path, "rb") as f:
        docs = [d for d in read_file("wet", f, str(path)) if isinstance(d, Document)]
    return {position[d.id]: d for d in docs if position[d.id] % 2 == 0}


def identify(docs: list[Document], batch: int = 64) -> list[Document]:
    """Language ID as the build runs it: pages split into per-language parts, low scores dropped."""
    decider = DocumentLanguage(load_identifier(LangId(), None), LangId())
    parts = []
    for start in range(0, len(docs), batch):
        decisions, _ = decider.identify(docs[start:start + batch])
        parts += [doc for doc, drop in decisions if not drop]
    return parts


def mostly_short(text: str) -> bool:
    lines = text.split("\n")
    return 2 * sum(len(line) < SHORT_LINE for line in lines) > len(lines)


def filter_side_by_side(parts: list[Document], runs: int) -> dict:
    """The filter step with the classifier off and on: outcomes, removed lines, and CPU per document (best of `runs`)."""
    configs = {"off": Filters(boilerplate_lines=False), "on": Filters()}
    seconds = {name: float("inf") for name in configs}
    results: dict[str, list] = {}
    for run in range(runs):
        for name in (configs if run % 2 == 0 else reversed(list(configs))):  # alternate the order: no side always warm
            rules = QualityRules(configs[name])
            counts: Counter[str] = Counter()
            start = time.process_time()
            verdicts = [rules.judge(doc, counts) for doc in parts]
            seconds[name] = min(seconds[name], time.process_time() - start)
            results[name] = [verdicts, counts]
    out = {"parts": len(parts), "cpu_us_per_doc": {}, "sides": {}}
    for name, (verdicts, counts) in results.items():
        kept = [doc for doc, reason in verdicts if reason is None]
        removed = Counter()
        for key, amount in counts.items():
            kind, (rule, _lang) = parse_stat_key(key)
            removed[(kind, rule)] += amount
        out["cpu_us_per_doc"][name] = round(seconds[name] / len(parts) * 1e6)
        out["sides"][name] = {
            "kept": len(kept),
            "kept_mostly_short_lines": sum(mostly_short(doc.text) for doc in kept),
            "kept_chars": sum(doc.n_chars for doc in kept),
            "outcomes": dict(Counter(reason or "kept" for _, reason in verdicts).most_common()),
            "removed_lines": {rule: n for (kind, rule), n in sorted(removed.items()) if kind == STAT_FILTER_REMOVED_LINES},
            "removed_chars": {rule: n for (kind, rule), n in sorted(removed.items()) if kind == STAT_FILTER_REMOVED_CHARS},
        }
    out["cpu_ratio_on_off"] = round(seconds["on"] / seconds["off"], 2)
    before, after = (dict(zip((d.id for d in parts), (r for _, r in results[n][0]))) for n in ("off", "on"))
    out["changed"] = dict(Counter(f"{before[i] or 'kept'} -> {after[i] or 'kept'}" for i in before if before[i] != after[i]).most_common())
    return out


def project_stoplist(lang: str) -> bp.Stoplist:
    """The project's own short lists (corpus/filters/stopwords) in place of jusText's."""
    if is_unspaced_label(lang) and stop_words(lang):
        return bp.Stoplist(frozenset(), _stop_word_pattern(lang))
    return bp.Stoplist(stop_words(lang), None)


# name: lines, lang -> keep
Variant = Callable[[list[str], str], list[bool]]


def variants(config: FilterRules) -> dict[str, Variant]:
    # The project's lists are 12-22 words long: their shares are lower, so their best pair of
    # thresholds on the judged pages (0.10 / 0.12, of 0.06-0.20 tried) is scored too.
    refit = config.model_copy(update={"boilerplate_stopwords_low": 0.10, "boilerplate_stopwords_high": 0.12})
    return {
        "default": lambda lines, lang: bp.keep_lines(lines, lang, config),
        "project stop words": lambda lines, lang: bp.keep_lines(lines, lang, config, project_stoplist(lang)),
        "project stop words, 0.10 / 0.12": lambda lines, lang: bp.keep_lines(lines, lang, refit, project_stoplist(lang)),
        "context pass only": lambda lines, lang: bp.in_context(bp.line_classes(lines, lang, config), lines),
        "forms and menus only": lambda lines, lang: forms_and_menus(bp.line_classes(lines, lang, config), config),
    }


def forms_and_menus(classes: list[str], config: FilterRules) -> list[bool]:
    """The other end: only lines boilerplate by their form and menus go, no context pass."""
    keep = [c != bp.BOILERPLATE for c in classes]
    for start, end in bp._runs([c == bp.ITEM for c in classes]):
        if end - start >= config.boilerplate_min_menu_items:
            keep[start:end] = [False] * (end - start)
    return keep


def _ranges(field: str) -> set[int]:
    lines = set()
    for part in filter(None, field.split(",")):
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def read_labels(pages: dict[int, Document]) -> list[tuple[Document, str, set[int], set[int]]]:
    """(page, language, text lines, either lines) of each judged page whose text is still the one judged."""
    judged = []
    rows = [line.rstrip("\n").split("\t") for line in LABELS.open(encoding="utf-8") if not line.startswith("#")]
    for position, lang, n_lines, text_id, keep, either in rows[1:]:
        page = pages.get(int(position))
        if page is None or make_id(page.text)[:16] != text_id or len(page.text.split("\n")) != int(n_lines):
            raise SystemExit(f"{LABELS.name}: page {position} is not the text that was judged (the reader changed?)")
        judged.append((page, lang, _ranges(keep), _ranges(either)))
    return judged


def score_dev(judged: list, keep: Variant) -> dict:
    tally: Counter = Counter()
    for page, lang, text, either in judged:
        lines = page.text.split("\n")
        for i, (line, kept) in enumerate(zip(lines, keep(lines, lang))):
            if i in either:
                continue
            label = "text" if i in text else "boilerplate"
            tally[(label, kept, "lines")] += 1
            tally[(label, kept, "chars")] += len(line)
    scores = {}
    for unit in ("chars", "lines"):
        text_kept, text_lost = tally[("text", True, unit)], tally[("text", False, unit)]
        junk_kept, junk_removed = tally[("boilerplate", True, unit)], tally[("boilerplate", False, unit)]
        scores[unit] = {
            "text_kept": round(text_kept / (text_kept + text_lost), 3),
            "boilerplate_removed": round(junk_removed / (junk_kept + junk_removed), 3),
            "precision": round(text_kept / (text_kept + junk_kept), 3),  # of what is kept, the share that is text
        }
    scores["labelled"] = {"text_chars": tally[("text", True, "chars")] + tally[("text", False, "chars")],
                          "boilerplate_chars": tally[("boilerplate", True, "chars")] + tally[("boilerplate", False, "chars")]}
    return scores


def score_wikipedia(docs: list[Document], keep: Variant) -> dict:
    total, removed, long_total, long_removed = Counter(), Counter(), 0, 0
    for doc in docs:
        lines = doc.text.split("\n")
        for line, kept in zip(lines, keep(lines, doc.lang)):
            total[doc.lang] += len(line)
            long_total += len(line) if len(line) >= LONG_LINE else 0
            if not kept:
                removed[doc.lang] += len(line)
                long_removed += len(line) if len(line) >= LONG_LINE else 0
    return {
        "removed_share": round(sum(removed.values()) / sum(total.values()), 4),
        "long_lines_removed_share": round(long_removed / long_total, 4),
        "per_language": {lang: round(removed[lang] / n, 4) for lang, n in total.most_common() if n >= 100_000},
    }


def time_classifier(parts: list[Document], config: FilterRules, runs: int) -> int:
    """CPU microseconds per web document of the classifier alone (best of `runs`)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        for doc in parts:
            bp.keep_lines(doc.text.split("\n"), doc.lang, config)
        best = min(best, time.process_time() - start)
    return round(best / len(parts) * 1e6)


def print_examples(parts: list[Document], position: dict[str, int], config: FilterRules) -> None:
    for doc in sorted(parts, key=lambda d: position[d.id]):
        lines = doc.text.split("\n")
        keep = bp.keep_lines(lines, doc.lang, config)
        removed = [line for line, kept in zip(lines, keep) if not kept]
        print(f"== {position[doc.id]} {doc.lang} {doc.url[:70]}: removed {len(removed)} of {len(lines)} lines")
        for line in removed[:8]:
            print(f"   - {line[:100]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--examples", action="store_true", help="print removed lines of each web page (not written to files)")
    args = parser.parse_args()
    if not WET.exists():
        raise SystemExit(f"{WET} is absent: this benchmark needs ../shared/data")
    logging.disable(logging.WARNING)  # the excerpt's mis-sized records log every skipped byte range
    command = "python -m benchmarks.boilerplate " + f"--runs {args.runs}"
    prov = provenance(command)
    config = Filters()

    pages = even_pages(WET)
    parts = identify(list(pages.values()))
    position = {doc.id: n for n, doc in pages.items()}
    for doc in parts:  # a page's second language part has an id of its own
        if doc.id not in position:
            position[doc.id] = next(n for n, page in pages.items() if make_id(page.id, doc.lang) == doc.id)
    web = [doc for doc in parts if doc.source == COMMONCRAWL]
    result = {"provenance": prov, "web": filter_side_by_side(parts, args.runs)}
    result["web"]["pages"] = len(pages)
    result["web"]["classifier_cpu_us_per_doc"] = time_classifier(web, config, args.runs)

    judged = read_labels(pages)
    wiki_files = sorted(WIKIPEDIA.glob("*.xml.bz2"))
    wiki_docs: list[Document] = []
    for path in wiki_files:
        with open(path, "rb") as f:
            wiki_docs += [d for d in read_file("wikipedia", f, str(path)) if isinstance(d, Document)]
    wiki_docs = identify(wiki_docs)
    result["dev"] = {"pages": len(judged), "variants": {}}
    result["wikipedia"] = {"files": [p.name for p in wiki_files], "documents": len(wiki_docs),
                           "chars": sum(d.n_chars for d in wiki_docs), "variants": {}}
    for name, keep in variants(config).items():
        result["dev"]["variants"][name] = score_dev(judged, keep)
        result["wikipedia"]["variants"][name] = score_wikipedia(wiki_docs, keep)
        print(name, json.dumps(result["dev"]["variants"][name]["chars"]), result["wikipedia"]["variants"][name]["removed_share"])
    print(json.dumps(result["web"], indent=1))
    if args.examples:
        print_examples(web, position, config)

    (RESULTS / "boilerplate.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    (HERE / "boilerplate.md").write_text(markdown(result))


def markdown(r: dict) -> str:
    web, off, on = r["web"], r["web"]["sides"]["off"], r["web"]["sides"]["on"]
    lines = [
        "# Boilerplate lines of web pages (corpus/filters/boilerplate.py)",
        "",
        provenance_line(r["provenance"]) + " " + machine_line(r["provenance"]["machine"]),
        "",
        f"## The filter step on real web pages ({web['pages']} even-position pages of CC-MAIN-2020-50-excerpt, "
        f"{web['parts']} parts after language ID)",
        "",
        "| | classifier off (the step before it) | on |",
        "|---|---|---|",
        f"| documents kept | {off['kept']} | {on['kept']} |",
        f"| kept documents mostly of lines under {SHORT_LINE} characters | {off['kept_mostly_short_lines']} "
        f"({off['kept_mostly_short_lines'] / off['kept']:.0%}) | {on['kept_mostly_short_lines']} "
        f"({on['kept_mostly_short_lines'] / max(on['kept'], 1):.0%}) |",
        f"| characters kept | {off['kept_chars']:,} | {on['kept_chars']:,} |",
        f"| lines removed by the classifier | - | {on['removed_lines'].get(bp.BOILERPLATE_LINES, 0):,} |",
        f"| characters removed by the classifier | - | {on['removed_chars'].get(bp.BOILERPLATE_LINES, 0):,} |",
        f"| CPU per document, filter step (best of {r['provenance']['command'].split()[-1]}) | "
        f"{web['cpu_us_per_doc']['off']} µs | {web['cpu_us_per_doc']['on']} µs ({web['cpu_ratio_on_off']}x) |",
        f"| CPU per document, classifier alone | - | {web['classifier_cpu_us_per_doc']} µs |",
        "",
        "Outcomes that changed (classifier off -> on): "
        + (", ".join(f"{k}: {n}" for k, n in web["changed"].items()) or "none") + ".",
        "",
        f"## Judged lines ({r['dev']['pages']} pages, benchmarks/data/boilerplate_lines.tsv) and Wikipedia "
        f"({r['wikipedia']['documents']:,} documents, {r['wikipedia']['chars'] / 1e6:.1f} M characters)",
        "",
        "Text kept: share of the judged text lines' characters kept; boilerplate removed: share of the judged "
        "boilerplate characters removed; precision: share of the kept (judged) characters that are text. "
        f"Wikipedia: share of all its characters the classifier would remove, and of those in lines of {LONG_LINE}+ characters.",
        "",
        "| variant | text kept | boilerplate removed | precision | (lines: kept / removed / precision) | Wikipedia removed | Wikipedia long lines removed |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, dev in r["dev"]["variants"].items():
        wiki = r["wikipedia"]["variants"][name]
        c, ln = dev["chars"], dev["lines"]
        lines.append(f"| {name} | {c['text_kept']} | {c['boilerplate_removed']} | {c['precision']} | "
                     f"{ln['text_kept']} / {ln['boilerplate_removed']} / {ln['precision']} | "
                     f"{wiki['removed_share']:.2%} | {wiki['long_lines_removed_share']:.2%} |")
    lines += ["", "Wikipedia, removed per language (default): " + ", ".join(
        f"{lang} {share:.1%}" for lang, share in r["wikipedia"]["variants"]["default"]["per_language"].items()) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
