"""Reproducibility: the same inputs and config give the same release, whatever the parallelism."""

import hashlib

from corpus.config import load_config
from pipelines.build import run_build
from pipelines.cli import DEMO_CONFIG, with_demo_inputs


def _without_run(manifest):
    """Everything but the run's timestamps and where the inputs and the output were."""
    same = {k: v for k, v in manifest.items() if k != "run"}
    config = manifest["config"]
    same["config"] = {**config, "inputs": {}, "output": {**config["output"], "dir": ""}}
    return same


def test_two_builds_with_one_and_two_workers_are_byte_identical(demo, tmp_path):
    first_out, _, first = demo  # `corpus demo`: one worker process per core
    assert first["run"]["runner"] == "DirectRunner"
    out = tmp_path / "release"
    config = with_demo_inputs(load_config(str(DEMO_CONFIG), [f"output.dir={out}"]), str(tmp_path / "inputs"))
    second = run_build(config, ["--direct_running_mode=in_memory"])  # one worker, in this process
    assert _without_run(second) == _without_run(first)
    def release_files(folder):  # _work/ (the checkpoints) is the build's own, not part of the release
        return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).parts[0] != "_work")

    files = release_files(first_out)
    assert files == release_files(out)
    for name in files:
        if name.name != "manifest.json":  # its run section holds the timestamps
            assert hashlib.sha256((first_out / name).read_bytes()).digest() == hashlib.sha256((out / name).read_bytes()).digest(), name
