"""Builds that survive interruption: killed (SIGKILL of the whole process group) or stopped with Ctrl-C
half-way, nothing outside _work/ looks like a release; `--resume` finishes the same release byte for
byte without redoing the committed input files; --overwrite deletes only what the tool wrote."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_cli_errors import assert_one_line_error, corpus_cli

CHECKPOINTS = Path("_work") / "checkpoints"


def start_demo(out: Path, *extra: str) -> subprocess.Popen:
    """`corpus demo` in its own process group, as a terminal would start it."""
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "demo", "--out", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def wait_for_commits(out: Path, process: subprocess.Popen, at_least: int, timeout: float = 600) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        committed = sorted((out / CHECKPOINTS).glob("*.commit"))
        if len(committed) >= at_least:
            return committed
        assert process.poll() is None, process.communicate()[1].decode()[-3000:]
        time.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} input files committed in {timeout} s")


def outside_work(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.relative_to(out).parts[0] != "_work")


def shard_checksums(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text())
    files = {s["path"]: s["sha256"] for s in manifest["shards"]}
    files.update({path: v["sha256"] for path, v in (manifest.get("tokenizer") or {}).get("files", {}).items()})
    return files


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A demo build killed with SIGKILL (its whole process group) once some input files were committed."""
    out = tmp_path_factory.mktemp("killed") / "release"
    process = start_demo(out)
    committed = wait_for_commits(out, process, at_least=3)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return out, {p.name: p.stat().st_mtime_ns for p in committed}


def test_a_killed_build_leaves_nothing_that_looks_like_a_release(killed):
    out, _ = killed
    assert outside_work(out) == []
    assert not list(out.rglob("*.parquet")) and not (out / "manifest.json").exists()


def test_a_killed_build_is_refused_without_resume_or_overwrite(killed):
    out, _ = killed
    assert_one_line_error(corpus_cli("demo", "--out", str(out)), 2, "--resume", "--overwrite")


def test_resume_with_another_config_names_the_keys_that_differ(killed):
    out, _ = killed
    result = corpus_cli("demo", "--out", str(out), "--resume", "--set", "dedup.threshold=0.5", "--set", "langid.min_score=0.2")
    assert_one_line_error(result, 2, "dedup.threshold", "langid.min_score")


def test_resume_finishes_the_same_release_without_redoing_committed_files(killed, demo):
    out, committed = killed
    # What a run killed later, while staging its release, would leave: never published by the resumed run.
    leftover = out / "_work" / "release" / "docs" / "zzz_Latn" / "part-00099.parquet"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"a shard of the killed run")
    returncode, stdout, stderr = corpus_cli("demo", "--out", str(out), "--resume")
    assert returncode == 0, stderr[-3000:]
    assert shard_checksums(out) == shard_checksums(demo[0])
    resumed = json.loads((out / "manifest.json").read_text())
    assert resumed["documents"] == demo[2]["documents"] and resumed["stats"] == demo[2]["stats"]
    # The files committed before the kill were read from their checkpoints, not processed again.
    assert {name: (out / CHECKPOINTS / name).stat().st_mtime_ns for name in committed} == committed
    assert corpus_cli("verify", str(out))[0] == 0
    assert not (out / "docs" / "zzz_Latn").exists()


def test_ctrl_c_is_one_line_and_exit_code_130(tmp_path):
    out = tmp_path / "release"
    process = start_demo(out)
    wait_for_commits(out, process, at_least=1)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    stderr = stderr.decode()
    assert process.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr and stderr.strip().splitlines()[-1] == "corpus: interrupted; run again with --resume to continue from the files already done"
    assert outside_work(out) == []


def test_overwrite_stops_at_a_file_the_tool_did_not_write(tmp_path, demo):
    release = tmp_path / "release"
    shutil.copytree(demo[0], release)
    notes = release / "analysis" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("what I found in the German shards")
    result = corpus_cli("demo", "--out", str(release), "--overwrite")
    assert_one_line_error(result, 2, "analysis/notes.txt", "not written by this tool")
    assert notes.read_text() == "what I found in the German shards" and (release / "manifest.json").exists()


def test_overwrite_deletes_everything_the_tool_wrote(tmp_path, demo):
    from pipelines.publish import remove_release

    release = tmp_path / "release"
    shutil.copytree(demo[0], release)
    remove_release(str(release), "_work", keep_work=False)
    assert list(release.iterdir()) == []


def test_an_output_that_is_a_file(tmp_path):
    afile = tmp_path / "release.parquet"
    afile.write_bytes(b"")
    assert_one_line_error(corpus_cli("demo", "--out", str(afile)), 2, "is a file")


def test_a_folder_as_an_input_says_how_to_read_its_files(tmp_path):
    assert_one_line_error(corpus_cli("build", "configs/demo.yaml", "--set", "inputs.demo=false", "--out", str(tmp_path / "out"),
                                     "--input", f"wet={tmp_path}"), 2, "is a folder", f"wet={tmp_path}/*")


def test_demo_inputs_never_mix_with_the_users_files(tmp_path):
    wet = tmp_path / "mine.warc.wet.gz"
    wet.write_bytes(b"")
    assert_one_line_error(corpus_cli("build", "configs/demo.yaml", "--out", str(tmp_path / "out"), "--input", f"wet={wet}"),
                          2, "inputs.demo=false")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("path, what, extra", [("s3://bucket/crawl/*.warc.wet.gz", "input", "corpus-builder[aws]"),
                                               ("gs://bucket/crawl/*.warc.wet.gz", "input", "corpus-builder[dataflow]"),
                                               ("gs://bucket/release", "--out", "corpus-builder[dataflow]")])
def test_a_remote_path_without_its_extra_names_the_extra(tmp_path, path, what, extra):
    from corpus.sources.remote import missing_extra

    if missing_extra(path) is None:
        pytest.skip(f"{extra} is installed here")
    args = ["--out", path] if what == "--out" else ["--out", str(tmp_path / "out"), "--input", f"wet={path}"]
    assert_one_line_error(corpus_cli("build", "configs/demo.yaml", "--set", "inputs.demo=false", *args), 2, path, extra)


def test_resume_and_overwrite_together_are_refused(tmp_path, demo):
    assert_one_line_error(corpus_cli("demo", "--out", str(demo[0]), "--resume", "--overwrite"), 2, "--resume", "--overwrite")


def test_mine_without_what_it_needs_stops_before_any_work(tmp_path, demo):
    started = time.monotonic()
    result = corpus_cli("mine", "configs/demo.yaml", "--out", str(demo[0]), "--set", "inputs.demo=false", "--set", "bitext.web=false")
    assert_one_line_error(result, 2, "langlinks")
    assert time.monotonic() - started < 60


def test_a_document_comes_back_from_its_checkpoint_unchanged():
    import pyarrow as pa

    from corpus.checkpoint import documents_of, documents_table
    from corpus.schema import new_document

    doc = new_document(source="commoncrawl", text="Ein kurzer Absatz.\nUnd noch einer.", locator="12", url="https://example.org/a")
    doc = doc._replace(lang="deu_Latn", lang_score=0.987654321, signals={"letter_ratio": 0.8125, "stop_words": 3.0}, quality=0.25)
    back = list(documents_of(documents_table([doc]).to_batches()[0]))
    assert back == [doc] and isinstance(back[0].signals, dict)
    assert documents_table([]).num_rows == 0 and isinstance(documents_table([]).schema, pa.Schema)


def test_only_inputs_may_change_between_a_build_and_its_resume():
    from corpus.checkpoint import changed_keys
    from corpus.config import load_config

    before = load_config(None, ["output.dir=/r", "dedup.threshold=0.8"], ["wet=/a/*.wet.gz"]).model_dump(mode="json")
    grown = load_config(None, ["output.dir=/r", "dedup.threshold=0.8"], ["wet=/a/*.wet.gz", "wet=/b/*.wet.gz"]).model_dump(mode="json")
    changed = load_config(None, ["output.dir=/r", "dedup.threshold=0.7", "filters.min_words=3"], ["wet=/a/*.wet.gz"]).model_dump(mode="json")
    assert changed_keys(before, grown) == []
    assert changed_keys(before, changed) == ["dedup.threshold", "filters.min_words"]


def test_resume_with_more_inputs_grows_the_release_to_the_full_build(tmp_path, demo):
    """A release of the sample without its WARC files, grown by --resume with them: the demo's own release."""
    from pipelines.cli import write_demo_inputs

    patterns = write_demo_inputs(str(tmp_path / "inputs"))
    given = [f"{kind}={p}" for kind, ps in sorted(patterns.items()) for p in ps]
    args = ["build", "configs/demo.yaml", "--set", "inputs.demo=false", "--out", str(tmp_path / "release")]
    first = corpus_cli(*args, *[a for g in given if not g.startswith("warc=") for a in ("--input", g)])
    assert first[0] == 0, first[2][-3000:]
    committed = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "release" / CHECKPOINTS).glob("*.commit")}
    grown = corpus_cli(*args, "--resume", *[a for g in given for a in ("--input", g)])
    assert grown[0] == 0, grown[2][-3000:]
    assert shard_checksums(tmp_path / "release") == shard_checksums(demo[0])
    assert {name: (tmp_path / "release" / CHECKPOINTS / name).stat().st_mtime_ns for name in committed} == committed
    assert len(list((tmp_path / "release" / CHECKPOINTS).glob("*.commit"))) == len(committed) + len(patterns["warc"])
