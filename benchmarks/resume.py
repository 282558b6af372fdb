"""What checkpoints cost and what --resume saves: the demo build on generated inputs, side by side.

    python -m benchmarks.resume [--runs 3] [--units 2]

Inputs: `--units` seeded copies of the demo inputs (benchmarks.suite.write_units; 19 input files each).
Each repetition runs, one after the other (interleaved, so a noisy minute hits all alike):

* checkpoints     `corpus build` as by default: the per-document work committed per input file
* no-checkpoints  the same with --set output.checkpoints=false (the stages without checkpoints)
* killed+resumed  the default build, its whole process group killed with SIGKILL once half of the
                  input files are committed, then `corpus build ... --resume`: the resumed run's time

Targets (issue 26): checkpoints cost at most 10% (checkpoints / no-checkpoints), a resumed run takes at
most 70% of an uninterrupted one (resumed / checkpoints), and the resumed release is the same as the
uninterrupted one (every shard's and tokenizer file's sha256, documents, statistics).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.suite import MULTI_PROCESSING, build_command, write_units
from benchmarks.suite_tools import machine, provenance, results_path, run_measured, write_markdown

SIDES = ("checkpoints", "no-checkpoints", "killed+resumed")


def release_files(out: str) -> dict:
    """What must be the same in two builds of one release: files with checksums, documents, statistics."""
    manifest = json.loads((Path(out) / "manifest.json").read_text())
    files = {s["path"]: s["sha256"] for s in manifest["shards"]}
    files.update({p: v["sha256"] for p, v in (manifest.get("tokenizer") or {}).get("files", {}).items()})
    return {"files": files, "documents": manifest["documents"], "stats": manifest["stats"]}


def kill_half_way(command: list[str], out: str) -> float:
    """Start a build, SIGKILL its process group once half of its input files are committed: seconds it ran."""
    checkpoints = Path(out) / "_work" / "checkpoints"
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while proc.poll() is None:
        total = checkpoints / "units.total"
        if total.exists() and len(list(checkpoints.glob("*.commit"))) * 2 >= int(total.read_text() or 0) > 0:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    proc.wait()
    return round(time.perf_counter() - started, 2)


def one_round(inputs: list[str], work: str) -> tuple[dict, bool]:
    """One build of each side: their timings, and whether the resumed release equals the uninterrupted one."""
    timings, releases = {}, {}
    for side in SIDES:
        out = f"{work}/{side}"
        shutil.rmtree(out, ignore_errors=True)
        extra = ["--set", "output.checkpoints=false"] if side == "no-checkpoints" else []
        command = build_command(inputs, out, MULTI_PROCESSING)
        command[command.index("--out"):command.index("--out")] = extra
        load = round(os.getloadavg()[0], 2)
        if side == "killed+resumed":
            killed_after = kill_half_way(command, out)
            resumed = command[: command.index("--")] + ["--resume"] + command[command.index("--"):]
            timings[side] = {**run_measured(resumed), "killed_after_s": killed_after}
        else:
            timings[side] = run_measured(command)
        timings[side]["load_average_1min_before"] = load
        if "error" not in timings[side]:
            releases[side] = release_files(out)
        print(f"{side}: {timings[side].get('wall_s')} s (load {load})", flush=True)
        if side != "checkpoints":
            shutil.rmtree(out, ignore_errors=True)
    same = "checkpoints" in releases and releases.get("killed+resumed") == releases["checkpoints"]
    same_without = releases.get("no-checkpoints", {}).get("files") == releases.get("checkpoints", {}).get("files")
    shutil.rmtree(f"{work}/checkpoints", ignore_errors=True)
    return timings, same and same_without


def run(units: int, runs: int) -> dict:
    root, work = tempfile.mkdtemp(prefix="bench-resume-inputs-"), tempfile.mkdtemp(prefix="bench-resume-work-")
    try:
        inputs = write_units(root, units)
        each = {side: [] for side in SIDES}
        same = []
        for _ in range(runs):
            timings, identical = one_round(inputs, work)
            for side in SIDES:
                each[side].append(timings[side])
            same.append(identical)
        rows = {}
        for side in SIDES:
            walls = [t["wall_s"] for t in each[side] if "error" not in t]
            rows[side] = {"runs": each[side], "wall_s": round(statistics.median(walls), 1) if walls else None,
                          "wall_s_min": min(walls) if walls else None}
        base = rows["checkpoints"]["wall_s"]
        ratios = {}
        if base and rows["no-checkpoints"]["wall_s"]:
            ratios["checkpoint_cost"] = round(base / rows["no-checkpoints"]["wall_s"], 3)
            ratios["checkpoint_cost_of_minimums"] = round(rows["checkpoints"]["wall_s_min"] / rows["no-checkpoints"]["wall_s_min"], 3)
        if base and rows["killed+resumed"]["wall_s"]:
            ratios["resumed_of_full"] = round(rows["killed+resumed"]["wall_s"] / base, 3)
        return {"units": units, "input_files": len(inputs), "runs": runs, "rows": rows, "ratios": ratios, "same_release": all(same) if same else None}
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def markdown(result: dict) -> str:
    lines = [
        f"The demo build (bitext and tokenizer on) on {result['input_files']} input files ({result['units']} demo units), DirectRunner",
        f"multi-processing; wall seconds of each `corpus build` process, median (min) of {result['runs']} interleaved run(s).",
        "killed+resumed: the `--resume` run after a build killed (SIGKILL, process group) with half of its input files committed.",
        "",
        "| side | wall s | min s | load before each run |",
        "|---|---:|---:|---|",
    ]
    for side, row in result["rows"].items():
        loads = ", ".join(str(t.get("load_average_1min_before")) for t in row["runs"])
        lines.append(f"| {side} | {row['wall_s']} | {row['wall_s_min']} | {loads} |")
    r = result["ratios"]
    lines += [
        "",
        f"Checkpoint cost on an uninterrupted build: {r.get('checkpoint_cost')} x the build without checkpoints (target <= 1.10).",
        f"Resumed run: {r.get('resumed_of_full')} x the uninterrupted build (target <= 0.70).",
        f"Resumed release the same as the uninterrupted one, and the build without checkpoints the same shards: "
        f"{'yes' if result['same_release'] else 'NO'}.",
        "",
        "The cores are shared with other work: compare rows of one table, measured side by side, not across files.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=2, help="seeded copies of the demo inputs")
    args = parser.parse_args(argv)
    result = {**run(args.units, args.runs), "machine": machine()}
    result["provenance"] = provenance(f"python -m benchmarks.resume --runs {args.runs} --units {args.units}")
    results_path("resume").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    write_markdown("resume", "Checkpoints and --resume", markdown(result), result["machine"], result["provenance"])
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
