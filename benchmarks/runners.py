"""DirectRunner vs DaskRunner on the same cores: the full demo build at 1x and 4x input.

    python -m benchmarks.runners [--runs 3] [--factors 1,4] [--no-in-memory]

Inputs: the demo generator's units (benchmarks.suite.write_units: 1x is the demo's own inputs,
4x four copies each with its own seed). Each build is `corpus build` of the demo config (bitext and
tokenizer on) in its own process, timed from outside (benchmarks.suite.full_build), on:

* direct-mp   the DirectRunner as run_build starts it by default: multi_processing, one worker per core
* direct-mem  the DirectRunner in memory (one process), for reference
* dask        `--runner=DaskRunner` against a cluster started for that build and ready before the
              clock starts: `dask scheduler` + `dask worker --nworkers <cores> --nthreads 1`, separate
              processes as on a real cluster (the workers' imports and model loads are in the time)

Runs are interleaved (every runner at one size, then the next size; then the next repetition) so
that a noisy minute on a shared machine hits all of them alike; min and median over --runs are
reported. The Dask release is checked against the DirectRunner's (documents, languages, shards
with their sha256, tokenizer, statistics): `same release`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.suite import IN_MEMORY, MULTI_PROCESSING, full_build, write_units
from benchmarks.suite_tools import machine, provenance, results_path, write_markdown

CORES = os.cpu_count() or 1
COMPARED = ("documents", "languages", "rebalancing", "stats", "shards", "tokenizer")


class DaskCluster:
    """`dask scheduler` and `dask worker` as their own processes; the scheduler's address once the workers are in."""

    def __init__(self, workers: int, folder: str):
        self.workers, self.file = workers, f"{folder}/scheduler.json"
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> str:
        from distributed import Client

        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file", self.file,
                                            "--port", "0", "--no-dashboard"], **quiet))
        while not Path(self.file).exists():
            time.sleep(0.2)
        self.procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", self.file,
                                            "--nworkers", str(self.workers), "--nthreads", "1", "--no-dashboard"], **quiet))
        with Client(scheduler_file=self.file, timeout=60) as client:
            client.wait_for_workers(self.workers, timeout=120)
        return json.loads(Path(self.file).read_text())["address"]

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        Path(self.file).unlink(missing_ok=True)


def build(runner: str, inputs: list[str], work: str, name: str) -> tuple[dict, dict]:
    if runner == "dask":
        with DaskCluster(CORES, work) as address:
            return full_build(inputs, work, name, ["--runner=DaskRunner", f"--dask_client_address={address}"])
    return full_build(inputs, work, name, MULTI_PROCESSING if runner == "direct-mp" else IN_MEMORY)


def same_release(a: dict, b: dict) -> bool:
    return bool(a) and all(a.get(key) == b.get(key) for key in COMPARED)


def run(factors: list[int], runs: int, runners: list[str]) -> dict:
    root, work = tempfile.mkdtemp(prefix="bench-runners-inputs-"), tempfile.mkdtemp(prefix="bench-runners-work-")
    try:
        inputs = {}
        for factor in factors:
            folder = f"{root}/units-{factor}"
            Path(folder).mkdir(parents=True)
            inputs[factor] = write_units(folder, factor)
        measured = {(f, r): [] for f in factors for r in runners}
        same = {f: [] for f in factors}
        for _ in range(runs):
            for factor in factors:
                manifests = {}
                for runner in runners:
                    load = round(os.getloadavg()[0], 2)
                    timing, manifests[runner] = build(runner, inputs[factor], work, f"{runner}-{factor}x")
                    measured[(factor, runner)].append({**timing, "load_average_1min_before": load})
                    print(f"{factor}x {runner}: {timing.get('wall_s')} s (load {load})", flush=True)
                if "dask" in manifests and "direct-mp" in manifests:
                    same[factor].append(same_release(manifests["direct-mp"], manifests["dask"]))
        rows = []
        for factor in factors:
            for runner in runners:
                ok = [m for m in measured[(factor, runner)] if "error" not in m]
                row = {"input": f"{factor}x", "runner": runner, "runs": len(measured[(factor, runner)]), "each": measured[(factor, runner)]}
                if ok:
                    walls = [m["wall_s"] for m in ok]
                    row.update(wall_s=round(statistics.median(walls), 1), wall_s_min=min(walls),
                               documents=next((m for m in ok), {}).get("documents"))
                else:
                    row["error"] = measured[(factor, runner)][-1].get("error")
                rows.append(row)
            base = next((r for r in rows if r["input"] == f"{factor}x" and r["runner"] == "direct-mp" and "wall_s" in r), None)
            for row in rows:
                if base and row["input"] == f"{factor}x" and "wall_s" in row:
                    row["ratio_to_direct_mp"] = round(row["wall_s"] / base["wall_s"], 2)
                    row["ratio_to_direct_mp_min"] = round(row["wall_s_min"] / base["wall_s_min"], 2)
        return {"cores": CORES, "runs": runs, "factors": factors, "rows": rows,
                "same_release": {f"{f}x": all(v) if v else None for f, v in same.items()}}
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def markdown(result: dict) -> str:
    in_memory = ", DirectRunner in memory" if any(r["runner"] == "direct-mem" for r in result["rows"]) else ""
    lines = [
        f"The demo build (bitext and tokenizer on) on {result['cores']} cores: DirectRunner multi-processing (the default,",
        f"one worker per core){in_memory} and the DaskRunner (pipelines/dask.py) on a `dask scheduler` +",
        f"`dask worker --nworkers {result['cores']} --nthreads 1` cluster. Wall seconds of the whole `corpus build` process,",
        f"median (min) of {result['runs']} interleaved run(s); ratio = median / DirectRunner multi-processing median (min / min).",
        "",
        "| input | runner | wall s | min s | ratio | ratio of mins | load before each run |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in result["rows"]:
        loads = ", ".join(str(m.get("load_average_1min_before")) for m in row["each"])
        if "error" in row:
            lines.append(f"| {row['input']} | {row['runner']} | failed: {row['error']} | | | | {loads} |")
            continue
        lines.append(f"| {row['input']} | {row['runner']} | {row['wall_s']} | {row['wall_s_min']} | "
                     f"{row.get('ratio_to_direct_mp', '')} | {row.get('ratio_to_direct_mp_min', '')} | {loads} |")
    same = ", ".join(f"{k}: {'yes' if v else 'NO' if v is not None else 'not compared'}" for k, v in result["same_release"].items())
    lines += ["", f"Same release on Dask as on the DirectRunner (documents, languages, shards with sha256, tokenizer, statistics): {same}.",
              "", "The cores are shared with other work: compare rows of one table, measured side by side, not across files.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--factors", default="1,4", help="input sizes in demo units, comma-separated")
    parser.add_argument("--no-in-memory", action="store_true", help="leave out the in-memory DirectRunner")
    args = parser.parse_args(argv)
    factors = [int(f) for f in args.factors.split(",")]
    runners = ["direct-mp", *([] if args.no_in_memory else ["direct-mem"]), "dask"]
    m = machine()
    result = {**run(factors, args.runs, runners), "machine": m}
    flags = f"--runs {args.runs} --factors {args.factors}" + (" --no-in-memory" if args.no_in_memory else "")
    result["provenance"] = provenance(f"python -m benchmarks.runners {flags}")
    results_path("runners").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    save(result)
    print(markdown(result))
    return result


def save(result: dict) -> None:
    write_markdown("runners", "DirectRunner vs DaskRunner", markdown(result), result["machine"], result["provenance"])


if __name__ == "__main__":
    main()
