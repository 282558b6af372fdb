"""Shared fixtures: one demo release build per test session, reused by every end-to-end test."""

import functools
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock, Timeout

# ../shared/data beside the checkout; CORPUS_SHARED_DATA overrides (as for benchmarks), e.g. from a git worktree.
SHARED_DATA = Path(os.environ.get("CORPUS_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def once_per_session(tmp_path_factory, name: str, make, wait: bool = True):
    """make(folder) -> JSON-able value, run once per test session, also under pytest-xdist: its workers share
    the parent of their base temp folders, and the first to take the lock makes the value. The others wait for
    it, or with wait=False get None while it is being made (to do the work themselves rather than sit idle)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder, done = root / name, root / f"{name}.done.json"
    lock = FileLock(str(root / f"{name}.lock"))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        return None
    try:
        if not done.exists():
            done.write_text(json.dumps(make(folder)))
    finally:
        lock.release()
    return json.loads(done.read_text())


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """`corpus demo` as a user runs it: (release folder, printed output, manifest); built once per session."""

    def build(folder):
        out = folder / "release"
        result = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "demo", "--out", str(out)], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr[-3000:]
        # What the user sees: a few lines at most from the runner, not one per record or per worker.
        assert result.stderr.count("WARNING") < 20, result.stderr[-3000:]
        return {"out": str(out), "stdout": result.stdout}

    built = once_per_session(tmp_path_factory, "demo", build)
    out = Path(built["out"])
    return out, built["stdout"], json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="session")
def truth(tmp_path_factory):
    """What the demo inputs planted (duplicates, parallel articles, counts), from corpus.demo."""
    from corpus.demo import write_demo_inputs

    folder = tmp_path_factory.mktemp("truth")
    write_demo_inputs(str(folder))
    return json.loads((folder / "truth.json").read_text())


@pytest.fixture(scope="session")
def shared_data():
    """The real third-party samples beside the project; tests using them skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def wikipedia_records(shared_data, tmp_path_factory):
    """name -> every record read_file("wikipedia") yields for that dump of the shared data. Several test modules
    read the same dumps (minutes of parsing): each dump is parsed once per session, across xdist workers."""
    from corpus.sources import read_file

    def parse(name: str) -> list:
        path = shared_data / "wikipedia" / name
        with open(path, "rb") as f:
            return list(read_file("wikipedia", f, str(path)))

    @functools.cache
    def records(name: str) -> list:
        def save(folder):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "records.pickle").write_bytes(pickle.dumps(parse(name)))
            return str(folder / "records.pickle")

        saved = once_per_session(tmp_path_factory, f"wikipedia-{name}", save, wait=False)
        return parse(name) if saved is None else pickle.loads(Path(saved).read_bytes())

    return records
