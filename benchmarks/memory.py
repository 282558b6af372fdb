"""How a local build's memory grows with its input: the summed RSS of ALL its processes.

    python -m benchmarks.memory [--runs 1] [--factors 1,8] [--modes default,in_memory]

Inputs: N seeded copies of the demo inputs (benchmarks.suite.write_units; 19 input files, ~1,600
documents each). Each build is a `corpus build` process with the default local options (the
DirectRunner, one worker process per core) or another running mode; a sampler reads /proc every
SAMPLE_S seconds and sums the resident memory of the build process and all its descendants (the
launcher, which holds Beam's collections between stages, and the runner's worker processes). The
peak of that sum is the figure; the largest single process is reported beside it.

Mode dask: the DaskRunner (pipelines/dask.py) on a local `dask scheduler` + `dask worker --nworkers
<cores> --nthreads 1` cluster (benchmarks.runners.DaskCluster) whose workers spill stored results to disk
past DASK_SPILL_TARGET of their memory limit; the cluster's processes are summed with the build's.

Target (issue 26): the 8x build peaks at no more than 1.25x the 1x build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.suite import IN_MEMORY, MULTI_PROCESSING, build_command, write_units
from benchmarks.suite_tools import machine, provenance, results_path, write_markdown

SAMPLE_S = 0.2  # how often the process tree is read; a peak shorter than this can be missed
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
MODES = {"default": [], "multi_processing": MULTI_PROCESSING, "in_memory": IN_MEMORY, "dask": None}
# Dask workers spill stored results to disk once they hold this fraction of their memory limit (by default
# the machine's memory over the workers, 0.6 of it): low, so that a local build's memory stays near its base.
DASK_SPILL_TARGET = "0.05"


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (its 4th field is the parent)."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kb(*roots: int) -> tuple[int, int, int]:
    """(summed RSS in KiB of the roots and all their descendants, the largest one's, how many processes)."""
    tree, pending, sizes = _children(), list(roots), []
    while pending:
        pid = pending.pop()
        sizes.append(_rss_kb(pid))
        pending += tree.get(pid, [])
    return sum(sizes), max(sizes, default=0), len(sizes)


def run_sampled(command: list[str], timeout: float = 3600, others: tuple[int, ...] = ()) -> dict:
    """Run a command; its wall seconds and the peaks of its process tree's summed and largest RSS
    (with the trees of `others`, processes it uses that are not its children)."""
    peak = {"sum": 0, "largest": 0, "processes": 0}
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        while proc.poll() is None:
            total, largest, count = tree_rss_kb(proc.pid, *others)
            peak = {"sum": max(peak["sum"], total), "largest": max(peak["largest"], largest),
                    "processes": max(peak["processes"], count)}
            time.sleep(SAMPLE_S)
        timer.cancel()
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    result = {"wall_s": round(wall, 2), "peak_tree_rss_mb": round(peak["sum"] / 1024, 1),
              "peak_largest_rss_mb": round(peak["largest"] / 1024, 1), "processes": peak["processes"]}
    if proc.returncode != 0:
        result["error"] = (stderr.strip().splitlines() or ["failed"])[-1][:300]
    return result


def build_sampled(mode: str, inputs: list[str], out: str, work: str) -> dict:
    if mode != "dask":
        return run_sampled(build_command(inputs, out, MODES[mode]))
    from benchmarks.runners import DaskCluster

    os.environ["DASK_DISTRIBUTED__WORKER__MEMORY__TARGET"] = DASK_SPILL_TARGET  # read by the workers started below
    os.environ["DASK_DISTRIBUTED__WORKER__MEMORY__SPILL"] = DASK_SPILL_TARGET
    cluster = DaskCluster(os.cpu_count() or 1, work)
    with cluster as address:
        pids = tuple(p.pid for p in cluster.procs)
        return run_sampled(build_command(inputs, out, ["--runner=DaskRunner", f"--dask_client_address={address}"]), others=pids)


def documents_read(out: str) -> int:
    manifest = Path(out) / "manifest.json"
    return json.loads(manifest.read_text())["documents"]["read"] if manifest.exists() else 0


def run(factors: list[int], modes: list[str], runs: int) -> dict:
    root, work = tempfile.mkdtemp(prefix="bench-memory-inputs-"), tempfile.mkdtemp(prefix="bench-memory-work-")
    try:
        inputs = {f: write_units(f"{root}/x{f}", f) for f in factors}
        measured: dict[str, dict[int, list[dict]]] = {m: {f: [] for f in factors} for m in modes}
        for _ in range(runs):  # interleaved: a noisy minute hits every size and mode alike
            for mode in modes:
                for factor in factors:
                    out = f"{work}/{mode}-{factor}x"
                    load = round(os.getloadavg()[0], 2)
                    row = build_sampled(mode, inputs[factor], out, work)
                    row.update(documents=documents_read(out), load_average_1min_before=load)
                    measured[mode][factor].append(row)
                    print(f"{mode} {factor}x: {row}", flush=True)
                    shutil.rmtree(out, ignore_errors=True)
        return {"factors": factors, "runs": runs, "input_files": {f: len(v) for f, v in inputs.items()},
                "modes": {m: summarise(measured[m], factors) for m in modes}}
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def summarise(by_factor: dict[int, list[dict]], factors: list[int]) -> list[dict]:
    rows = []
    for factor in factors:
        ok = [r for r in by_factor[factor] if "error" not in r]
        row = {"input": f"{factor}x", "runs": by_factor[factor]}
        if not ok:
            row["error"] = by_factor[factor][-1]["error"]
        else:
            row["documents"] = ok[-1]["documents"]
            for key in ("wall_s", "peak_tree_rss_mb", "peak_largest_rss_mb", "processes"):
                row[key] = round(statistics.median(r[key] for r in ok), 1)
        rows.append(row)
    base = rows[0]
    for row in rows:
        if "error" not in row and "error" not in base:
            row["tree_rss_ratio"] = round(row["peak_tree_rss_mb"] / base["peak_tree_rss_mb"], 2)
            row["time_ratio"] = round(row["wall_s"] / base["wall_s"], 2)
    return rows


def fits(rows: list[dict], memory_gb: float) -> dict | None:
    """From the smallest and largest build: MB of summed peak RSS per 1,000 documents read beyond the base, and
    how many documents a build would read before its peak reaches `memory_gb` (a straight line through the two
    measurements: an estimate, as good as the growth is linear)."""
    ok = [r for r in rows if "error" not in r]
    if len(ok) < 2 or ok[-1]["documents"] <= ok[0]["documents"]:
        return None
    small, large = ok[0], ok[-1]
    per_doc_mb = (large["peak_tree_rss_mb"] - small["peak_tree_rss_mb"]) / (large["documents"] - small["documents"])
    if per_doc_mb <= 0:
        return {"mb_per_1000_documents": round(per_doc_mb * 1000, 1), "memory_gb": memory_gb, "documents": None}
    documents = small["documents"] + (memory_gb * 1024 - small["peak_tree_rss_mb"]) / per_doc_mb
    return {"mb_per_1000_documents": round(per_doc_mb * 1000, 1), "memory_gb": memory_gb, "documents": int(round(documents, -3))}


def markdown(result: dict) -> str:
    lines = [
        f"The demo build (bitext and tokenizer on, checkpoints on) on {len(result['factors'])} input sizes; "
        f"1x = one demo unit ({result['input_files'][result['factors'][0]]} input files). Summed RSS: the build process and",
        f"every process under it (launcher and runner workers), read from /proc every {SAMPLE_S} s; median of {result['runs']} run(s).",
        "Modes: default = no Beam options (the DirectRunner, one worker process per core), in_memory = one process,",
        f"dask = the DaskRunner on a local cluster of one worker per core, spilling past {DASK_SPILL_TARGET} of its memory limit (scheduler and workers summed).",
        "",
        "| mode | input | documents | wall s | time ratio | peak summed RSS MB | RSS ratio | largest process MB | processes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, rows in result["modes"].items():
        for r in rows:
            if "error" in r:
                lines.append(f"| {mode} | {r['input']} | failed: {r['error']} | | | | | | |")
                continue
            lines.append(f"| {mode} | {r['input']} | {r['documents']:,} | {r['wall_s']} | {r.get('time_ratio', '')} | "
                         f"{r['peak_tree_rss_mb']} | {r.get('tree_rss_ratio', '')} | {r['peak_largest_rss_mb']} | {r['processes']} |")
    lines += ["", "Target (issue 26): the 8x build's peak summed RSS at most 1.25x the 1x build's.", ""]
    for mode, fit in result.get("fits", {}).items():
        if fit and fit["documents"]:
            lines.append(f"- {mode}: {fit['mb_per_1000_documents']} MB of summed peak RSS per 1,000 demo documents read beyond the "
                         f"smallest build; on {fit['memory_gb']} GB a build of about {fit['documents']:,} such documents "
                         "(a straight line through the two measurements).")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--factors", default="1,8", help="input sizes in demo units, the first is the base")
    parser.add_argument("--modes", default="default", help=f"comma-separated, of {', '.join(MODES)}")
    args = parser.parse_args(argv)
    factors, modes = [int(f) for f in args.factors.split(",")], args.modes.split(",")
    result = {**run(factors, modes, args.runs), "machine": machine()}
    result["fits"] = {mode: fits(rows, result["machine"]["memory_gb"]) for mode, rows in result["modes"].items()}
    result["provenance"] = provenance(f"python -m benchmarks.memory --runs {args.runs} --factors {args.factors} --modes {args.modes}")
    results_path("memory").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    write_markdown("memory", "Memory of a local build as its input grows", markdown(result), result["machine"], result["provenance"])
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
