"""The demo build on a real dask.distributed cluster (2 worker processes) equals the DirectRunner's."""

import hashlib

from distributed import LocalCluster

from corpus import release
from corpus.config import load_config
from pipelines.build import run_build
from pipelines.cli import DEMO_CONFIG, with_demo_inputs


def test_dask_cluster_build_gives_the_direct_runner_release(demo, tmp_path):
    direct_out, _, direct = demo
    out = tmp_path / "release"
    config = with_demo_inputs(load_config(str(DEMO_CONFIG), [f"output.dir={out}"]), str(tmp_path / "inputs"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_build(config, ["--runner=DaskRunner", f"--dask_client_address={cluster.scheduler_address}"])

    assert release.reconciles(on_dask)
    assert on_dask["documents"] == direct["documents"]
    assert on_dask["languages"] == direct["languages"]
    assert on_dask["shards"] == direct["shards"]  # same paths, rows and sha256: byte-identical shards
    for name in ("spm.model", "spm.vocab"):
        digest = [hashlib.sha256((o / "tokenizer" / name).read_bytes()).hexdigest() for o in (out, direct_out)]
        assert digest[0] == digest[1]
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == "_work"]
    assert not leftovers
