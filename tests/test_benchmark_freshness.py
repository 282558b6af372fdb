"""A benchmark result the README takes a figure from must be measured at a commit after the last change to the code it measures.

The code a benchmark measures is what it imports: its own module and every project module (corpus, pipelines,
benchmarks) loaded by importing it, with the data files beside them (word lists, references, judged pages).
A result names its commit ("at commit <sha>" in benchmarks/NAME.md, "commit" in benchmarks/results/NAME.json);
that commit must contain the last change to any of those files. Needs the git history (skips without it).
Not seen: code a benchmark imports only inside a function or runs in a subprocess (the builds that suite,
peers and runners time), so for those the check is a lower bound.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
PROJECT = ("corpus", "pipelines", "benchmarks")

# (benchmark, why its figures are older than its code): the list can only shrink; the test fails when an entry
# is fresh again or no longer cited. Each needs a quiet machine for long (runners ~15 min, peers ~45).
KNOWN_STALE: list[tuple[str, str]] = [
    ("runners", "measured before the web-quality rules, the token files and checkpoints; the README says so"),
    ("peers", "measured before the web-quality rules; the README says so"),
]

# Prints {benchmark: [project files it imports]}, each benchmark imported afresh in one process.
IMPORTS = """
import json, sys
out = {}
for name in sys.argv[1:]:
    for mod in [m for m in sys.modules if m.split(".")[0] in %r]:
        del sys.modules[mod]
    __import__("benchmarks." + name)
    out[name] = sorted({m.__file__ for n, m in list(sys.modules.items())
                        if n.split(".")[0] in %r and getattr(m, "__file__", None)})
print(json.dumps(out))
""" % (PROJECT, PROJECT)


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def result_commits(name: str) -> list[str]:
    """The commits a benchmark's result files name."""
    commits = []
    md, js = BENCH / f"{name}.md", BENCH / "results" / f"{name}.json"
    if md.exists():
        m = re.search(r"at commit ([0-9a-f]{7,40}(?:\+changes| \+ uncommitted changes)?)", md.read_text(encoding="utf-8"))
        commits.append(m.group(1) if m else "")
    if js.exists():
        data = json.loads(js.read_text(encoding="utf-8"))
        commits.append(data.get("commit") or data.get("provenance", {}).get("commit", "") if isinstance(data, dict) else "")
    return commits


def cited_benchmarks() -> list[str]:
    """The benchmarks the README takes a figure from (the statements tests/test_readme_figures.py checks)."""
    from test_readme_figures import README, cited, counts, figures, statements

    names = set()
    for _, statement, context in statements(README.read_text(encoding="utf-8")):
        if counts(statement) and figures(statement):
            names |= cited(statement, context)
    return sorted(n for n in names if (BENCH / f"{n}.py").exists())


# Written by a benchmark, shipped in the package for the dataset card: a result, not measured code.
PACKAGED_RESULTS = ("corpus/langid/calibration.json",)


def is_result(path: str) -> bool:
    return path.startswith("benchmarks/results/") or (path.startswith("benchmarks/") and path.endswith(".md")) or path in PACKAGED_RESULTS


def package_of(path: str) -> Path:
    """The package folder a data file belongs to: its own folder, or the nearest one above with an __init__.py."""
    folder = Path(path).parent
    while folder != Path(".") and not (ROOT / folder / "__init__.py").exists():
        folder = folder.parent
    return folder


def measured_files(names: list[str]) -> dict[str, list[str]]:
    """Each benchmark's project modules, and the tracked data files of their packages (not of sub-packages)."""
    proc = subprocess.run([sys.executable, "-c", IMPORTS, *names], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    tracked = git("ls-files").stdout.split()
    out = {}
    for name, files in json.loads(proc.stdout).items():
        paths = {str(Path(f).resolve().relative_to(ROOT)) for f in files}
        folders = {str(Path(p).parent) for p in paths}
        data = {t for t in tracked if not t.endswith(".py") and not is_result(t) and str(package_of(t)) in folders}
        out[name] = sorted(paths | data)
    return out


@pytest.fixture(scope="module")
def history():
    if git("rev-parse", "--is-shallow-repository").stdout.strip() != "false":
        pytest.skip("needs the git history of a full clone")


def stale_benchmarks() -> dict[str, str]:
    """{benchmark: why} for every README-cited benchmark whose result predates its code (or names no commit)."""
    stale = {}
    for name, files in measured_files(cited_benchmarks()).items():
        last_change = git("log", "-1", "--format=%H", "--", *files).stdout.strip()
        for commit in result_commits(name):
            clean = commit and not commit.endswith("changes")  # "+changes": measured uncommitted code
            if not clean or git("merge-base", "--is-ancestor", last_change, commit).returncode != 0:
                stale[name] = f"result at {commit or '(no commit named)'}, code last changed at {last_change[:12]}"
    return stale


def test_cited_results_are_newer_than_the_code_they_measure(history):
    known = dict(KNOWN_STALE)
    stale = {name: why for name, why in stale_benchmarks().items() if name not in known}
    assert not stale, "re-run these benchmarks (python -m benchmarks --only NAME) or drop their figures from the README:\n  " + "\n  ".join(
        f"{name}: {why}" for name, why in stale.items())


def test_known_stale_results_are_still_stale_and_cited(history):
    still = stale_benchmarks()
    fresh = [name for name, _ in KNOWN_STALE if name not in still]
    assert not fresh, f"fresh again or no longer cited: remove from KNOWN_STALE: {fresh}"


def test_a_benchmark_measures_the_modules_it_imports():
    files = measured_files(["quality"])["quality"]
    assert "benchmarks/quality.py" in files and "corpus/filters/content.py" in files
    assert "corpus/filters/lm_reference.json" in files and "benchmarks/data/quality_dev.tsv" in files
