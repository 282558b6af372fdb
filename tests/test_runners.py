"""Running at scale: remote runners never get launcher-local paths, records travel as schema rows,
the runner profiles in configs/ are valid, and local runs use every core."""

import subprocess
import sys
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from corpus.config import BuildConfig, ConfigError, load_config
from corpus.schema import Document, Drop, new_document
from pipelines.build import build_pipeline, check_paths_reach_workers, local_defaults, runs_remotely

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def _config(out: str, wet: str, **langid) -> BuildConfig:
    return BuildConfig.model_validate({"inputs": {"wet": [wet]}, "output": {"dir": out}, "langid": langid})


@pytest.mark.parametrize(
    "args, remote",
    [
        ([], False),
        (["--runner=DirectRunner"], False),
        (["--runner=PortableRunner", "--job_endpoint=embed"], False),
        (["--runner=PortableRunner"], False),
        (["--runner=PortableRunner", "--job_endpoint=flink-jobs:8099", "--environment_type=LOOPBACK"], False),
        (["--runner=PortableRunner", "--job_endpoint=flink-jobs:8099"], True),
        (["--runner=DataflowRunner", "--project=p", "--region=r", "--temp_location=gs://b/t"], True),
        (["--runner=FlinkRunner", "--flink_master=[local]"], False),
        (["--runner=FlinkRunner", "--flink_master=flink:8081"], True),
    ],
)
def test_remote_runners_are_recognised(args, remote):
    assert runs_remotely(PipelineOptions(args)) is remote


DATAFLOW = PipelineOptions(["--runner=DataflowRunner", "--project=p", "--region=r", "--temp_location=gs://b/t"])


@pytest.mark.parametrize(
    "config, named",
    [
        (_config("/tmp/release", "gs://b/in/*.wet.gz"), "--out /tmp/release"),
        (_config("gs://b/release", "/data/cc/*.wet.gz"), "--input wet /data/cc/*.wet.gz"),
        (_config("gs://b/release", "gs://b/in/*.wet.gz", model="/models/lid.bin"), "langid.model /models/lid.bin"),
    ],
)
def test_a_remote_runner_refuses_launcher_local_paths(config, named):
    with pytest.raises(ConfigError, match="is a path on this machine") as error:
        check_paths_reach_workers(config, DATAFLOW)
    assert str(error.value).startswith(named)


def test_shared_filesystems_and_local_runners_are_accepted(tmp_path):
    check_paths_reach_workers(_config("gs://b/release", "s3://b/in/*.wet.gz", model="gs://b/lid.bin"), DATAFLOW)
    check_paths_reach_workers(_config(str(tmp_path), str(tmp_path / "*.wet.gz")), PipelineOptions([]))


def test_cli_refuses_a_local_output_for_dataflow_in_one_line(tmp_path):
    (tmp_path / "a.warc.wet.gz").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "build", str(CONFIGS / "dataflow.yaml"), "--out", str(tmp_path / "out"),
         "--input", f"wet={tmp_path}/*.wet.gz", "--", "--runner=DataflowRunner", "--project=p", "--region=r",
         "--temp_location=gs://b/tmp"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("corpus: error:")]
    assert len(errors) == 1 and "is a path on this machine" in errors[0], result.stderr[-2000:]


@pytest.mark.parametrize("name", ["dataflow", "flink", "spark"])
def test_runner_profiles_are_valid_configs_that_show_their_command(name):
    path = CONFIGS / f"{name}.yaml"
    assert load_config(str(path)).name == name
    text = path.read_text()
    assert "corpus build configs/" + name + ".yaml" in text
    assert "--runner=" in text and ("--job_endpoint=" in text or "--extra_package=" in text)


def test_local_runs_use_one_worker_per_core_unless_told_otherwise():
    args = local_defaults([])
    assert "--direct_running_mode=multi_processing" in args and any(a.startswith("--direct_num_workers=") for a in args)
    for given in (["--runner=PortableRunner"], ["--direct_running_mode=in_memory"], ["--direct_num_workers=1"]):
        assert local_defaults(given) == given


def test_documents_and_drops_travel_as_schema_rows(tmp_path):
    """Records between the stages are encoded with RowCoder (portable, compact), not pickled."""
    p = beam.Pipeline(options=PipelineOptions([]))
    build_pipeline(p, _config(str(tmp_path), str(tmp_path / "*.wet.gz")))
    coders = {}

    class Collect(beam.pipeline.PipelineVisitor):
        def visit_transform(self, node):
            for pcoll in node.outputs.values():
                if pcoll.element_type in (Document, Drop):
                    coders[node.full_label] = beam.coders.registry.get_coder(pcoll.element_type)

    p.visit(Collect())
    stages = {label.split("/")[0] for label in coders}
    # read -> language ID -> filters run as one checkpointed step per input file (pipelines/checkpoint.py)
    assert {"PerDocument", "Dedup"} <= stages, sorted(coders)
    assert all(isinstance(c, beam.coders.RowCoder) for c in coders.values())
    row = beam.coders.RowCoder.from_type_hint(Document, None)
    doc = new_document(source="commoncrawl", url="https://example.org/a", text="Ein kurzer Text.\nZweite Zeile.")
    assert row.decode(row.encode(doc)) == doc
