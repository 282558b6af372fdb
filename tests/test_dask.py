"""The full demo on a real dask.distributed cluster (2 worker processes) equals the DirectRunner's release.

The demo's own config (bitext mining and the SentencePiece tokenizer on) on its own inputs; only
the HTML report is off on both runners (plots, drawn after the pipeline, from the manifest).
"""

from distributed import LocalCluster

from corpus import release
from corpus.config import load_config
from pipelines.build import run_build
from pipelines.cli import DEMO_CONFIG, with_demo_inputs


def test_dask_cluster_builds_the_direct_runners_demo_release(tmp_path):
    demo = None
    manifests = {}
    for runner, args in [("direct", ["--direct_running_mode=in_memory"]), ("dask", None)]:
        config = load_config(str(DEMO_CONFIG), [f"output.dir={tmp_path / runner}", "output.report=false"], [])
        if demo is None:  # the sample inputs written once, read by both runners
            demo = with_demo_inputs(config, str(tmp_path / "inputs")).inputs
        config = config.model_copy(update={"inputs": demo})
        if args is None:
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                manifests[runner] = run_build(config, ["--runner=DaskRunner", f"--dask_client_address={cluster.scheduler_address}"])
        else:
            manifests[runner] = run_build(config, args)
    direct, on_dask = manifests["direct"], manifests["dask"]

    assert release.reconciles(on_dask) and on_dask["documents"]["kept"] > 1000
    assert on_dask["documents"] == direct["documents"]
    assert on_dask["languages"] == direct["languages"]
    assert on_dask["rebalancing"] == direct["rebalancing"]
    assert on_dask["stats"] == direct["stats"]  # drops, dedup, bitext and tokenizer statistics alike
    # Same paths, rows and sha256, language shards and bitext shards: byte-identical files.
    assert on_dask["shards"] == direct["shards"]
    assert any(shard["path"].startswith(release.BITEXT_DIR) for shard in on_dask["shards"])
    assert on_dask["tokenizer"] == direct["tokenizer"]  # the model's and vocabulary's sha256 among them
    assert (tmp_path / "dask" / release.TOKENIZER_DIR / "spm.model").read_bytes() == (
        tmp_path / "direct" / release.TOKENIZER_DIR / "spm.model"
    ).read_bytes()
    leftovers = [p for p in (tmp_path / "dask").rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers and [p.name for p in (tmp_path / "dask" / "_work").iterdir()] == ["checkpoints"]
