"""Every performance or accuracy figure the README states must come from a benchmark result file.

Which README statements count (a statement is a sentence, or a table row, of README.md outside code blocks):
  (a) it names a measure: "per CPU second", "per second", "docs/s", "x faster", "times faster", "core-hour",
      "precision", "recall", "accuracy", "F1", "peak RSS", "false positive", "shuffled bytes", "bytes per", or
  (b) it cites a benchmark ("benchmarks/" or "python -m benchmarks") and states a number, or
  (c) it says a share ("%", or "a half/third/quarter/fifth/sixth...") of a "sample" failed, was removed or dropped.
Which numbers in it are figures: every number, except those inside `code`, those that are part of a name
(lid.176, CC-MAIN-2020-50, ISO 639-3, x86_64, 5-grams, arXiv:2304.09151) and years in citations ("et al. 2014");
in a statement counted by (c) alone, only its shares of something ("a sixth of", "52.5% of"), not thresholds.
A figure is found when a number of the result files its statement cites (benchmarks/NAME.md or
benchmarks/results/NAME.json, both files of NAME; cited in the statement, else in its paragraph, else in the
nearest paragraph before it in the same section, as "the table above" would be) equals it
to the precision the README gives it ("0.957" = 0.9574; "6x" = 6.16; "~7,000" = 7,030; "1.3%" = 0.0129;
a fraction in words, "a sixth", to the nearest percentage point). A figure whose statement cites no
benchmark file is not found: a number the reader cannot trace is what this test is against.
No benchmark is run: the check reads the committed files only.

KNOWN_UNBACKED lists figures of README sections this branch does not own, each with why; the test also
fails when one of them is backed or gone, so the list can only shrink.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BENCH = ROOT / "benchmarks"

MEASURES = ("per cpu second", "per second", "docs/s", "x faster", "times faster", "core-hour", "precision", "recall",
            "accuracy", "f1", "peak rss", "false positive", "shuffled bytes", "bytes per")
WORD_FRACTIONS = {"a half": 1 / 2, "a third": 1 / 3, "a quarter": 1 / 4, "a fifth": 1 / 5, "a sixth": 1 / 6,
                  "a seventh": 1 / 7, "an eighth": 1 / 8, "a tenth": 1 / 10}
NUMBER = re.compile(r"(?<![\w.:/\-])(~?)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:(%)|(x)\b|(?![\w\-]*[A-Za-z_]))")

# (README section, figure as written, why it is not checked yet): none now. An entry must still be in the
# README and still be unbacked, or the test fails, so the list can only shrink.
KNOWN_UNBACKED: list[tuple[str, str, str]] = []


def statements(text: str) -> list[tuple[str, str, str]]:
    """(section title, statement, its context) for every sentence and table row outside code blocks; the
    context is its paragraph and the section's last paragraph before it that cites a benchmark file."""
    out, section, in_code = [], "", False
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code or line.startswith("    "):  # fenced or indented code
            paragraphs.append([])
            continue
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            paragraphs.append([])
            continue
        if not line.strip() or line.lstrip().startswith(("- ", "|")) or re.match(r"\s*\d+\. ", line):
            paragraphs.append([])  # a list item or a table row starts a statement of its own
        if line.strip():
            paragraphs[-1].append((section, line.strip()))
    last_citing: dict[str, str] = {}
    for para in paragraphs:
        if not para:
            continue
        sec, joined = para[0][0], " ".join(text for _, text in para)
        context = joined if CITATION.search(joined) else last_citing.get(sec, "")
        if CITATION.search(joined):
            last_citing[sec] = joined
        if joined.startswith("|"):
            out.append((sec, joined, context))
            continue
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z(])", joined):
            out.append((sec, sentence, context))
    return out


NOT_MEASURES = ("towards recall",)  # a design goal, not a measured recall


def counts(statement: str) -> str | None:
    """Why a statement counts ("measure", "benchmark", "share"), or None."""
    low = statement.lower()
    for phrase in NOT_MEASURES:
        low = low.replace(phrase, "")
    if any(m in low for m in MEASURES):
        return "measure"
    if ("benchmarks/" in low or "python -m benchmarks" in low) and figures(statement):
        return "benchmark"
    shares = "%" in statement or any(re.search(rf"\b{w}\b", low) for w in WORD_FRACTIONS)
    if shares and "sample" in low and re.search(r"\b(failed|removed|dropped)\b", low):
        return "share"
    return None


def figures(statement: str) -> list[tuple[str, float, float, bool]]:
    """(as written, value, tolerance, is a share) of each figure in a statement."""
    text = re.sub(r"`[^`]*`", " ", statement)  # settings and names in code are not measurements
    text = re.sub(r"et al\.?,? \d{4}", " ", text)
    out = []
    for m in NUMBER.finditer(text):
        _, digits, percent, _ = m.groups()
        value = float(digits.replace(",", ""))
        if "." in digits:
            tolerance = 0.5 * 10 ** -len(digits.split(".")[1])
        else:
            zeros = len(digits.replace(",", "")) - len(digits.replace(",", "").rstrip("0"))
            tolerance = 0.5 * 10 ** zeros if value else 0.5
        out.append((m.group(0), value, tolerance * 1.0001, bool(percent)))
    low = text.lower()
    for words, share in WORD_FRACTIONS.items():
        if re.search(rf"\b{words}\b", low):
            out.append((words, share * 100, 0.5, True))  # as a percentage, to the nearest point
    return out


CITATION = re.compile(r"benchmarks/(?:results/)?(\w+)\.(?:md|json)")


def cited(statement: str, context: str) -> set[str]:
    """Names of the benchmark result files a statement cites (else its context)."""
    return set(CITATION.findall(statement)) or set(CITATION.findall(context))


def result_numbers(names: set[str]) -> set[float]:
    """Every number of the named result files, Markdown and JSON."""
    files = [p for p in [*BENCH.glob("*.md"), *(BENCH / "results").glob("*.json")] if p.stem in names]
    numbers: set[float] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            def walk(node):
                if isinstance(node, bool):
                    return
                if isinstance(node, (int, float)):
                    numbers.add(float(node))
                elif isinstance(node, dict):
                    for v in node.values():
                        walk(v)
                elif isinstance(node, list):
                    for v in node:
                        walk(v)
            walk(json.loads(text))
        for token in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", text):
            numbers.add(float(token.replace(",", "")))
    return numbers


def found(value: float, tolerance: float, share: bool, numbers: set[float]) -> bool:
    """A result number equal to the figure at its precision; a share may be written as a fraction there."""
    return any(abs(v - value) <= tolerance or (share and abs(v * 100 - value) <= tolerance) for v in numbers)


def unbacked() -> list[tuple[str, str, str]]:
    """(section, figure, statement) of every README figure no result file holds."""
    missing = []
    for section, statement, paragraph in statements(README.read_text(encoding="utf-8")):
        why = counts(statement)
        if not why:
            continue
        numbers = result_numbers(cited(statement, paragraph))
        for written, value, tolerance, share in figures(statement):
            if why == "share" and not (share and re.search(re.escape(written) + r" of\b", statement)):
                continue
            if not found(value, tolerance, share, numbers):
                missing.append((section, written, statement))
    return missing


def test_every_readme_figure_is_in_a_benchmark_result():
    known = {(s, f) for s, f, _ in KNOWN_UNBACKED}
    new = [(s, f, st) for s, f, st in unbacked() if (s, f) not in known]
    assert not new, "README figures that no benchmark result file holds (run the benchmark, or fix the README):\n" + "\n".join(
        f"  [{s}] {f!r} in: {st[:200]}" for s, f, st in new)


def test_known_unbacked_figures_are_still_unbacked():
    still = {(s, f) for s, f, _ in unbacked()}
    stale = [(s, f) for s, f, _ in KNOWN_UNBACKED if (s, f) not in still]
    assert not stale, f"now backed by a result or gone from the README: remove from KNOWN_UNBACKED: {stale}"


@pytest.mark.parametrize("statement, expected", [
    ("read at ~110 documents per CPU second (benchmarks/peers.md)", ["~110"]),
    ("precision 0.957 and recall 0.98, false positives on 1.3% (lid.176, CC-MAIN-2020-50, `threshold 0.8`)", ["0.957", "0.98", "1.3%"]),
    ("at Gopher's length a sixth of a Vietnamese Wikipedia sample failed", ["a sixth"]),
])
def test_figures_are_parsed(statement, expected):
    assert counts(statement)
    assert [f[0] for f in figures(statement)] == expected


def test_a_figure_must_cite_its_benchmark():
    assert cited("ran at 232 documents per CPU second", "... (benchmarks/peers.md) ...") == {"peers"}
    assert cited("precision 0.957 (benchmarks/dedup_quality.md)", "") == {"dedup_quality"}
    assert not result_numbers(cited("precision 0.957 on a sample", "no citation here"))


def test_a_figure_absent_from_results_is_caught():
    numbers = {0.9574, 6.16, 7030.0, 0.0129, 0.03}
    assert found(0.957, 0.0005001, False, numbers) and found(6, 0.5001, False, numbers)
    assert found(7000, 500.1, False, numbers) and found(1.3, 0.05001, True, numbers)
    assert not found(110, 0.5001, False, numbers)  # "~110 documents per CPU second": produced by no benchmark
    assert not found(100 / 6, 0.5, True, numbers)  # "a sixth" against a measured 3%


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_every_benchmark_module_imports(module):
    """`python -m benchmarks` runs each module in turn: a renamed function must not break one unseen."""
    import importlib

    importlib.import_module(f"benchmarks.{module}")
