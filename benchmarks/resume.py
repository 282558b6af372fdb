"""What checkpoints cost and what --resume saves: the demo build on generated inputs, side by side.

    python -m benchmarks.resume [--runs 3] [--units 2]
    python -m benchmarks.resume --real [--runs 1]    (all of ../shared/data with configs/release.yaml)

Inputs: `--units` seeded copies of the demo inputs (benchmarks.suite.write_units; 19 input files each).
Each repetition runs, one after the other (interleaved, so a noisy minute hits all alike):

* checkpoints     `corpus build` as by default: the per-document work committed per input file
* no-checkpoints  the same with --set output.checkpoints=false (the stages without checkpoints)
* killed+resumed  the default build, its whole process group killed with SIGKILL once half of the
                  input files are committed, then `corpus build ... --resume`: the resumed run's time

Targets (issue 26): checkpoints cost at most 10% (checkpoints / no-checkpoints), a resumed run takes at
most 70% of an uninterrupted one (resumed / checkpoints), and the resumed release is the same as the
uninterrupted one (every shard's and tokenizer file's sha256, documents, statistics).

--real: the same on the real samples (every readable file of ../shared/data, configs/release.yaml), the
checkpoints and killed+resumed sides only (one all-data build at a time); written to resume_real.json/.md.
Besides wall seconds it records when every unit was committed (the per-document part done): the rest of a
run is the global stages (dedup, rebalancing, shards, tokenizer, tokens, bitext) and publishing.
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
from benchmarks.suite_tools import SHARED_DATA, machine, provenance, results_path, run_measured, write_markdown

SIDES = ("checkpoints", "no-checkpoints", "killed+resumed")
REAL_SIDES = ("checkpoints", "killed+resumed")
RELEASE_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "release.yaml"
# Every input file of the real samples, by kind (the WAT and the paths listing are no build inputs).
REAL_INPUTS = {"wet": ("commoncrawl/*.wet.gz", "commoncrawl/malformed/*.wet.gz"),
               "warc": ("commoncrawl/*.warc.gz", "commoncrawl/*.arc.gz", "commoncrawl/malformed/*.warc.gz", "commoncrawl/malformed/*.arc.gz"),
               "wikipedia": ("wikipedia/*.xml.bz2",)}


def real_inputs() -> list[str]:
    return [f"{kind}={path}" for kind, patterns in REAL_INPUTS.items() for pattern in patterns for path in sorted(SHARED_DATA.glob(pattern))]


def release_command(inputs: list[str], out: str) -> list[str]:
    """`corpus build configs/release.yaml` on the inputs, the default local options."""
    command = build_command(inputs, out, MULTI_PROCESSING)
    at = command.index("build") + 1
    command[at] = str(RELEASE_CONFIG)
    del command[at + 1 : at + 3]  # --set inputs.demo=false: release.yaml has no demo
    return command


def outside_work(out: str) -> list[str]:
    """Files of an interrupted build outside _work/: none may exist (nothing looks like a release)."""
    return sorted(str(p.relative_to(out)) for p in Path(out).rglob("*") if p.is_file() and p.relative_to(out).parts[0] != "_work")


def watch_commits(command: list[str], out: str) -> dict:
    """run_measured, and the seconds after which every unit was committed (the per-document part done)."""
    checkpoints = Path(out) / "_work" / "checkpoints"
    started, seen = time.perf_counter(), {}

    def watch():
        while "done" not in seen:
            total = checkpoints / "units.total"
            if "all" not in seen and total.exists() and len(list(checkpoints.glob("*.commit"))) >= int(total.read_text() or 1) > 0:
                seen["all"] = round(time.perf_counter() - started, 2)
            time.sleep(0.2)

    import threading

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    result = run_measured(command)
    seen["done"] = True
    watcher.join()
    return {**result, "all_units_committed_s": seen.get("all")}


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


def one_round(inputs: list[str], work: str, real: bool = False) -> tuple[dict, bool]:
    """One build of each side: their timings, and whether the resumed release equals the uninterrupted one."""
    timings, releases = {}, {}
    for side in REAL_SIDES if real else SIDES:
        out = f"{work}/{side}"
        shutil.rmtree(out, ignore_errors=True)
        extra = ["--set", "output.checkpoints=false"] if side == "no-checkpoints" else []
        command = release_command(inputs, out) if real else build_command(inputs, out, MULTI_PROCESSING)
        command[command.index("--out"):command.index("--out")] = extra
        load = round(os.getloadavg()[0], 2)
        if side == "killed+resumed":
            killed_after = kill_half_way(command, out)
            left = outside_work(out)  # while interrupted: no shard, no manifest outside _work/
            resumed = command[: command.index("--")] + ["--resume"] + command[command.index("--"):]
            timings[side] = {**watch_commits(resumed, out), "killed_after_s": killed_after, "files_outside_work_while_interrupted": left}
        else:
            timings[side] = watch_commits(command, out)
        timings[side]["load_average_1min_before"] = load
        if "error" not in timings[side]:
            releases[side] = release_files(out)
        print(f"{side}: {timings[side].get('wall_s')} s (load {load})", flush=True)
        if side != "checkpoints":
            shutil.rmtree(out, ignore_errors=True)
    same = "checkpoints" in releases and releases.get("killed+resumed") == releases["checkpoints"]
    same_without = real or releases.get("no-checkpoints", {}).get("files") == releases.get("checkpoints", {}).get("files")
    shutil.rmtree(f"{work}/checkpoints", ignore_errors=True)
    return timings, same and same_without


def run(units: int, runs: int, real: bool = False) -> dict:
    root, work = tempfile.mkdtemp(prefix="bench-resume-inputs-"), tempfile.mkdtemp(prefix="bench-resume-work-")
    sides = REAL_SIDES if real else SIDES
    try:
        inputs = real_inputs() if real else write_units(root, units)
        each = {side: [] for side in sides}
        same = []
        for _ in range(runs):
            timings, identical = one_round(inputs, work, real)
            for side in sides:
                each[side].append(timings[side])
            same.append(identical)
        rows = {}
        for side in sides:
            walls = [t["wall_s"] for t in each[side] if "error" not in t]
            rows[side] = {"runs": each[side], "wall_s": round(statistics.median(walls), 1) if walls else None,
                          "wall_s_min": min(walls) if walls else None}
        base = rows["checkpoints"]["wall_s"]
        ratios = {}
        if base and rows.get("no-checkpoints", {}).get("wall_s"):
            ratios["checkpoint_cost"] = round(base / rows["no-checkpoints"]["wall_s"], 3)
            ratios["checkpoint_cost_of_minimums"] = round(rows["checkpoints"]["wall_s_min"] / rows["no-checkpoints"]["wall_s_min"], 3)
        if base and rows["killed+resumed"]["wall_s"]:
            ratios["resumed_of_full"] = round(rows["killed+resumed"]["wall_s"] / base, 3)
        return {"real": real, "units": units, "input_files": len(inputs), "runs": runs, "rows": rows, "ratios": ratios, "same_release": all(same) if same else None}
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def markdown(result: dict) -> str:
    if result.get("real"):
        what = (f"The real samples (every input file of ../shared/data: {result['input_files']} files) built with configs/release.yaml, "
                "DirectRunner")
    else:
        what = f"The demo build (bitext and tokenizer on) on {result['input_files']} input files ({result['units']} demo units), DirectRunner"
    lines = [
        what,
        f"multi-processing; wall seconds of each `corpus build` process, median (min) of {result['runs']} interleaved run(s).",
        "killed+resumed: the `--resume` run after a build killed (SIGKILL, process group) with half of its input files committed.",
        "all committed: seconds into the run when every input file's checkpoint was committed; the rest is the global stages and publishing.",
        "",
        "| side | wall s | min s | all committed s (each run) | load before each run |",
        "|---|---:|---:|---|---|",
    ]
    for side, row in result["rows"].items():
        loads = ", ".join(str(t.get("load_average_1min_before")) for t in row["runs"])
        committed = ", ".join(str(t.get("all_units_committed_s")) for t in row["runs"])
        lines.append(f"| {side} | {row['wall_s']} | {row['wall_s_min']} | {committed} | {loads} |")
    r = result["ratios"]
    lines.append("")
    if "checkpoint_cost" in r:
        lines.append(f"Checkpoint cost on an uninterrupted build: {r.get('checkpoint_cost')} x the build without checkpoints (target <= 1.10).")
    lines.append(f"Resumed run: {r.get('resumed_of_full')} x the uninterrupted build (target <= 0.70).")
    killed = result["rows"]["killed+resumed"]["runs"]
    left = sorted({f for t in killed for f in t.get("files_outside_work_while_interrupted", [])})
    lines.append(f"Files outside _work/ while interrupted: {', '.join(left[:5]) if left else 'none'}.")
    same = "Resumed release the same as the uninterrupted one" + ("" if result.get("real") else ", and the build without checkpoints the same shards")
    lines += [
        f"{same}: {'yes' if result['same_release'] else 'NO'}.",
        "",
        "The cores are shared with other work: compare rows of one table, measured side by side, not across files.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=2, help="seeded copies of the demo inputs")
    parser.add_argument("--real", action="store_true", help="all of ../shared/data with configs/release.yaml instead of the demo")
    args = parser.parse_args(argv)
    if args.real and not SHARED_DATA.is_dir():
        raise SystemExit(f"--real needs the real samples in {SHARED_DATA} (CORPUS_SHARED_DATA)")
    result = {**run(args.units, args.runs, args.real), "machine": machine()}
    command = f"python -m benchmarks.resume --runs {args.runs}" + (" --real" if args.real else f" --units {args.units}")
    result["provenance"] = provenance(command)
    name, title = ("resume_real", "--resume on the real samples") if args.real else ("resume", "Checkpoints and --resume")
    results_path(name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    write_markdown(name, title, markdown(result), result["machine"], result["provenance"])
    print(markdown(result))
    return result


if __name__ == "__main__":
    main()
