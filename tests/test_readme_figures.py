"""Every performance or accuracy figure the README states must stand at a named place in a named result file.

Which README statements count (a statement is a sentence, or a table row, of README.md outside code blocks):
  (a) it names a measure: "per CPU second", "per second", "docs/s", "x faster", "times faster", "core-hour",
      "precision", "recall", "accuracy", "F1", "peak RSS", "false positive", "shuffled bytes", "bytes per", or
  (b) it cites a benchmark ("benchmarks/" or "python -m benchmarks") and states a number, or
  (c) it says a share ("%", or "a half/third/quarter/fifth/sixth...") of a "sample" failed, was removed or dropped.
Which numbers in it are figures: every number, except those inside `code`, those that are part of a name
(lid.176, CC-MAIN-2020-50, ISO 639-3, x86_64, 5-grams, arXiv:2304.09151) and years in citations ("et al. 2014");
in a statement counted by (c) alone, only its shares of something ("a sixth of", "52.5% of"), not thresholds.
Each figure, keyed by (README section, figure as written, its occurrence among equal figures of the section),
has an entry in tests/readme_figure_sources.py: the place it comes from, a JSON path in
benchmarks/results/NAME.json (NAME cited by the statement, else by its paragraph, else by the nearest paragraph
before it in the same section, as "the table above" would be), or why it is not a measurement (a setting, a
target, a name). The value at that place must equal the figure to the precision the README gives it ("0.957" =
0.9574; "6x" = 6.16; "~7,000" = 7,030; "1.3%" = 0.0129; a fraction in words, "a sixth", to the nearest
percentage point): a stale figure, or one that matches a number somewhere else in the file, fails.
No benchmark is run: the check reads the committed files only; tests/test_benchmark_freshness.py checks that
each result was measured after the last change to the code it measures.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from readme_figure_sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BENCH = ROOT / "benchmarks"

MEASURES = ("per cpu second", "per second", "docs/s", "x faster", "times faster", "core-hour", "precision", "recall",
            "accuracy", "f1", "peak rss", "false positive", "shuffled bytes", "bytes per", "cpu", "wall time", " ms ",
            "roc curve", "measured on", "measured side by side")
RATIO = re.compile(r"(?<![\w.])\d+(?:\.\d+)?x\b")  # "1.27x": a measured ratio, unless the README says it is a setting
WORD_FRACTIONS = {"a half": 1 / 2, "a third": 1 / 3, "a quarter": 1 / 4, "a fifth": 1 / 5, "a sixth": 1 / 6,
                  "a seventh": 1 / 7, "an eighth": 1 / 8, "a tenth": 1 / 10}
NUMBER = re.compile(r"(?<![\w.:/\-])(~?)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:(%)|(x)\b|(?![\w\-]*[A-Za-z_]))")

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
    prose = re.sub(r"`[^`]*`", " ", low)  # `faiss-cpu`, `max_epochs`: names, not measures
    for phrase in NOT_MEASURES:
        prose = prose.replace(phrase, "")
    if any(m in prose for m in MEASURES) or RATIO.search(prose):
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


def readme_figures() -> list[tuple[tuple[str, str, int], str, float, float, bool, set[str]]]:
    """(key, statement, value, tolerance, is a share, cited result names) of every counted README figure; the key
    is (section, figure as written, how many equal figures of the section come before it)."""
    out, seen, table = [], {}, None
    for section, statement, context in statements(README.read_text(encoding="utf-8")):
        why = counts(statement)
        if statement.startswith("|"):  # a table's rows count when its header does
            table = why if table is None else table
            why = why or table
        else:
            table = None
        if not why:
            continue
        for written, value, tolerance, share in figures(statement):
            if why == "share" and not (share and re.search(re.escape(written) + r" of\b", statement)):
                continue
            n = seen.get((section, written), 0)
            seen[(section, written)] = n + 1
            out.append(((section, written, n), statement, value, tolerance, share, cited(statement, context)))
    return out


@functools.cache
def result(name: str) -> dict:
    return json.loads((BENCH / "results" / f"{name}.json").read_text(encoding="utf-8"))


def value_at(data, keys: tuple):
    """The number at a path of keys (list indices as ints; `len` last: the length of what is there)."""
    for key in keys:
        if key is len:
            return len(data)
        data = data[key]
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise TypeError(f"not a number: {data!r}")
    return data


def holds(value: float, tolerance: float, share: bool, number: float) -> bool:
    """The number equals the figure at its precision; a share may be stored as a fraction."""
    return abs(number - value) <= tolerance or (share and abs(number * 100 - value) <= tolerance)


def misplaced() -> list[str]:
    """Why each README figure without a source, or not at its source, fails."""
    problems = []
    for key, statement, value, tolerance, share, names in readme_figures():
        where = f"  [{key[0]}] {key[1]!r} (occurrence {key[2]}) in: {statement[:160]}"
        source = SOURCES.get(key)
        if source is None:
            problems.append(f"{where}\n    has no entry in tests/readme_figure_sources.py (a new or changed figure)")
        elif isinstance(source, str):
            if not source.strip():
                problems.append(f"{where}\n    is marked as not a measurement without saying why")
        elif source[0] not in names:
            problems.append(f"{where}\n    comes from {source[0]}, which its statement does not cite ({sorted(names)})")
        else:
            try:
                number = value_at(result(source[0]), source[1:])
            except (KeyError, IndexError, TypeError, FileNotFoundError) as error:
                problems.append(f"{where}\n    {source}: no number there ({error!r})")
                continue
            if not holds(value, tolerance, share, number):
                problems.append(f"{where}\n    {source} holds {number!r}")
    return problems


def test_every_readme_figure_is_at_its_named_place():
    problems = misplaced()
    assert not problems, "README figures whose named result does not hold them (run the benchmark, or fix the " \
                         "README and tests/readme_figure_sources.py):\n" + "\n".join(problems)


def test_every_source_names_a_figure_of_the_readme():
    keys = {key for key, *_ in readme_figures()}
    stale = [key for key in SOURCES if key not in keys]
    assert not stale, f"entries of tests/readme_figure_sources.py whose figure is gone from the README: {stale}"


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
    assert not cited("precision 0.957 on a sample", "no citation here")


def test_a_figure_counts_only_at_its_place():
    data = {"minhash": {"precision": 0.9574, "speedup": 6.16}, "sizes": [7030, 12], "share": 0.0129, "runs": 3}
    assert holds(0.957, 0.0005001, False, value_at(data, ("minhash", "precision")))
    assert holds(6, 0.5001, False, value_at(data, ("minhash", "speedup")))
    assert holds(7000, 500.1, False, value_at(data, ("sizes", 0)))
    assert holds(1.3, 0.05001, True, value_at(data, ("share",)))
    assert holds(2, 0.5001, False, value_at(data, ("sizes", len)))
    # 3 is in the file, but not where the figure says it comes from: a stale or chance figure fails.
    assert not holds(3, 0.5001, False, value_at(data, ("minhash", "speedup")))
    assert not holds(100 / 6, 0.5, True, value_at(data, ("share",)))  # "a sixth" against a measured 1.3%
    with pytest.raises(KeyError):
        value_at(data, ("minhash", "recall"))
    with pytest.raises(TypeError):
        value_at(data, ("minhash",))


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__"))
def test_every_benchmark_module_imports(module):
    """`python -m benchmarks` runs each module in turn: a renamed function must not break one unseen."""
    import importlib

    importlib.import_module(f"benchmarks.{module}")
