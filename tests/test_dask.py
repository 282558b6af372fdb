"""A build on a real dask.distributed cluster (2 worker processes) equals the DirectRunner's.

The full demo takes about 5 minutes on 2 Dask workers (see README, Dask
section), so this test builds one demo WET file with fastText alone, without
bitext and tokenizer, on both runners.
"""

import glob

from distributed import LocalCluster

from corpus import release
from corpus.config import load_config
from corpus.demo import write_demo_inputs
from pipelines.build import run_build

SETTINGS = ["langid.identifier=fasttext", "bitext.enabled=false", "tokenizer.enabled=false", "output.report=false"]


def test_dask_cluster_build_gives_the_direct_runner_release(tmp_path):
    write_demo_inputs(str(tmp_path / "inputs"))
    wet = sorted(glob.glob(str(tmp_path / "inputs" / "**" / "*.warc.wet.gz"), recursive=True))[0]
    configs = {
        runner: load_config(None, [f"output.dir={tmp_path / runner}", *SETTINGS], [f"wet={wet}"])
        for runner in ("direct", "dask")
    }
    direct = run_build(configs["direct"], ["--direct_running_mode=in_memory"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_build(configs["dask"], ["--runner=DaskRunner", f"--dask_client_address={cluster.scheduler_address}"])

    assert release.reconciles(on_dask) and on_dask["documents"]["kept"] > 300
    assert on_dask["documents"] == direct["documents"]
    assert on_dask["languages"] == direct["languages"]
    assert on_dask["shards"] == direct["shards"]  # same paths, rows and sha256: byte-identical shards
    leftovers = [p for p in (tmp_path / "dask").rglob("*") if p.name.endswith(".tmp") or p.name == "_work"]
    assert not leftovers
