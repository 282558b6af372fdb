"""The CLI as a user meets it when something is wrong: one line on stderr and exit 2 (user error)
or 1 (a failed check), never a traceback; and `corpus mine` on a release built before."""

import gzip
import json
import shutil
import subprocess
import sys

import pytest

from corpus.demo import write_demo_inputs


def corpus_cli(*args, stdin: bytes = b""):
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], input=stdin, capture_output=True, timeout=600)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def assert_one_line_error(result, code: int, *words: str):
    returncode, _, stderr = result
    assert "Traceback" not in stderr, stderr[-2000:]
    last = stderr.strip().splitlines()[-1]
    assert returncode == code and last.startswith("corpus: "), stderr[-2000:]
    assert all(word in last for word in words), last


@pytest.fixture(scope="module")
def wet_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    written = write_demo_inputs(str(folder))
    return sorted(written["wet"])[0]


def test_langid_on_a_missing_file(tmp_path):
    assert_one_line_error(corpus_cli("langid", str(tmp_path / "missing.txt")), 2, "missing.txt")


def test_langid_with_an_unknown_model():
    assert_one_line_error(corpus_cli("langid", "--model", "bogus", stdin=b"hello\n"), 2, "bogus")


def test_langid_on_bytes_that_are_not_utf8():
    assert_one_line_error(corpus_cli("langid", stdin="bonjour à tous\n".encode() + b"caf\xe9 au lait\n"), 2, "UTF-8", "line 2")


def test_langid_model_that_does_not_exist(tmp_path, wet_file):
    result = corpus_cli("build", "configs/demo.yaml", "--out", str(tmp_path / "out"), "--input", f"wet={wet_file}",
                        "--set", "inputs.demo=false", "--set", "langid.model=/nonexistent/lid.bin")
    assert_one_line_error(result, 2, "/nonexistent/lid.bin")
    assert not (tmp_path / "out").exists()


def test_output_on_a_filesystem_that_is_not_installed(wet_file):
    assert_one_line_error(corpus_cli("build", "configs/demo.yaml", "--out", "gs://bucket/release", "--input", f"wet={wet_file}"), 2, "gs://")


def test_overwrite_never_deletes_a_folder_that_is_not_a_release(tmp_path, wet_file):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("months of work")
    result = corpus_cli("build", "configs/demo.yaml", "--out", str(precious), "--overwrite", "--set", "inputs.demo=false", "--input", f"wet={wet_file}")
    assert_one_line_error(result, 2, "chapter1.tex", "not written by this tool")
    assert (precious / "chapter1.tex").read_text() == "months of work"


def test_overwrite_checks_the_inputs_before_deleting(tmp_path, demo):
    out, _, _ = demo
    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    result = corpus_cli("build", "configs/demo.yaml", "--out", str(copy), "--overwrite", "--set", "inputs.demo=false", "--input", "wet=/no/such/*.warc.wet.gz")
    assert_one_line_error(result, 2, "no files match")
    assert (copy / "manifest.json").exists()


def test_inspect_a_manifest_that_is_not_ours(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 1, "config": {}}))
    assert_one_line_error(corpus_cli("inspect", str(tmp_path)), 2, "documents")


def test_verify_a_damaged_bitext_shard(tmp_path, demo):
    out, _, manifest = demo
    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    shard = next(s["path"] for s in manifest["shards"] if s["path"].startswith("bitext/"))
    (copy / shard).write_bytes(b"PAR1 this is not a Parquet file")
    returncode, stdout, stderr = corpus_cli("verify", str(copy))
    assert returncode == 1 and "Traceback" not in stderr
    assert f"FAIL {shard}: checksum differs" in stdout and f"FAIL {shard}: not a readable Parquet file" in stdout


def test_a_build_that_keeps_nothing_fails(tmp_path):
    not_warc = tmp_path / "notes.txt"
    not_warc.write_text("just some notes, not a crawl\n")
    result = corpus_cli("build", "configs/demo.yaml", "--out", str(tmp_path / "out"), "--set", "inputs.demo=false",
                        "--input", f"wet={not_warc}", "--", "--direct_running_mode=in_memory")
    assert_one_line_error(result, 1, "no document kept", "read/not_warc")
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_mine_with_nothing_to_mine_from(tmp_path, demo):
    out, _, _ = demo
    result = corpus_cli("mine", "configs/wikipedia.yaml", "--out", str(out), "--set", "bitext.web=false")
    assert_one_line_error(result, 2, "langlinks")


def test_mine_with_an_empty_langlinks_file(tmp_path, demo):
    out, _, _ = demo
    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    empty = tmp_path / "xxwiki-langlinks.sql.gz"
    empty.write_bytes(gzip.compress(b""))
    result = corpus_cli("mine", "configs/wikipedia.yaml", "--out", str(copy), "--set", "bitext.web=false",
                        "--input", f"langlinks={empty}", "--", "--direct_running_mode=in_memory")
    assert_one_line_error(result, 1, "no sentence pairs mined")


def test_mine_again_replaces_its_shards_and_finds_what_the_build_found(tmp_path, demo):
    """`corpus mine` mines the documents the build kept (not the rebalanced copies) and replaces its own output."""
    out, _, manifest = demo
    copy = tmp_path / "release"
    shutil.copytree(out, copy)
    stale = copy / "bitext" / "aaa_Latn-zzz_Latn" / "part-00000-of-00001.parquet"
    stale.parent.mkdir()
    stale.write_bytes(b"left over by an earlier run")
    returncode, stdout, stderr = corpus_cli("mine", "configs/demo.yaml", "--out", str(copy))
    assert returncode == 0, stderr[-3000:]
    assert not stale.parent.exists()
    mined = json.loads((copy / "manifest.json").read_text())
    assert mined["stats"]["bitext_pairs"] == manifest["stats"]["bitext_pairs"]
    assert [s for s in mined["shards"] if s["path"].startswith("bitext/")] == [s for s in manifest["shards"] if s["path"].startswith("bitext/")]
    assert corpus_cli("verify", str(copy))[0] == 0


@pytest.mark.parametrize(
    "tamper, words",
    [
        (lambda m: {**m, "documents": {**m["documents"], "read": str(m["documents"]["read"])}}, ("documents.read", "valid integer")),
        (lambda m: {k: v for k, v in m.items() if k != "languages"}, ("languages", "missing")),
        (lambda m: {**m, "shards": [{k: v for k, v in s.items() if k != "sha256"} for s in m["shards"]]}, ("shards.0.sha256", "missing")),
        (lambda m: json.dumps(m)[:-20], ("not JSON",)),
        (lambda m: [m], ("not a corpus-builder manifest",)),
    ],
    ids=["read-is-a-string", "no-languages", "shard-without-checksum", "cut-short", "a-list"],
)
def test_verify_refuses_a_malformed_manifest_in_one_line(tmp_path, demo, tamper, words):
    _, _, manifest = demo
    broken = tamper(manifest)
    (tmp_path / "manifest.json").write_text(broken if isinstance(broken, str) else json.dumps(broken))
    assert_one_line_error(corpus_cli("verify", str(tmp_path)), 1, "manifest.json", *words)
