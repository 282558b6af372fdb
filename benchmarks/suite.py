"""Throughput of each stage, scaling of the whole build, and local runner modes, on generated inputs.

    python -m benchmarks.suite [--size 1]

Inputs: `units` copies of the built-in demo inputs (corpus.demo), each written with its own seed,
so documents differ between copies (different sentence mixes, URLs and dates); --size multiplies
the number of units. The real WET excerpt in ../shared/data is measured as a second input when present.

* reads    corpus.sources.read_file per input kind in this process: reading WET, extracting
           WARC HTML and Wikipedia wikitext (docs and MB of files per CPU second).
* stages   The real build (pipelines.build.build_pipeline) on one in-memory DirectRunner worker,
           i.e. one core; the seconds Beam's state sampler attributes to each step (top level and
           one level down, e.g. the dedup stage's MinHash and LSH grouping steps). Documents into
           a step come from the build's manifest (read minus the drops of the stages before it);
           MB are those documents' UTF-8 text bytes.
* scaling  The same full build (`corpus build`) on 1x, 2x and 4x input: time ratios and peak RSS.
* modes    DirectRunner in memory vs multi-processing (one worker per core) at 1x and 4x, the
           figures behind run_build's default options.
Each run is its own process, timed from outside: wall, CPU seconds (children included) and the
peak resident memory of its largest process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.suite_tools import SHARED_DATA, machine, provenance, results_path, run_measured, write_markdown

WET = SHARED_DATA / "commoncrawl" / "CC-MAIN-2020-50-excerpt.warc.wet.gz"
IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
MULTI_PROCESSING = ["--direct_running_mode=multi_processing", f"--direct_num_workers={os.cpu_count() or 1}"]


# ------------------------------------------------------------------ inputs
@contextmanager
def _demo_seed(seed: int):
    """The demo generator draws everything from one module-level seed; a unit is the demo with another seed."""
    from corpus.demo import generate

    saved = generate.SEED
    generate.SEED = seed
    try:
        yield
    finally:
        generate.SEED = saved


def write_units(root: str, units: int) -> list[str]:
    """`--input KIND=PATH` arguments of `units` seeded copies of the demo inputs written under root."""
    from corpus.config import INPUT_KINDS
    from corpus.demo import write_demo_inputs
    from corpus.demo.generate import SEED

    inputs = []
    for unit in range(units):
        with _demo_seed(SEED + unit):
            written = write_demo_inputs(f"{root}/unit-{unit:03d}")
        inputs += [f"{kind}={path}" for kind, paths in sorted(written.items()) if kind in INPUT_KINDS for path in sorted(paths)]
    return inputs


def read_rates(inputs: list[str]) -> dict[str, dict]:
    """Per input kind: documents, their UTF-8 text bytes, the files' bytes and the CPU seconds of
    corpus.sources.read_file (reading WET; extracting WARC HTML and Wikipedia wikitext) in this process."""
    from corpus.schema import Document
    from corpus.sources import KINDS, read_file

    rates: dict[str, dict] = {}
    for item in inputs:
        kind, path = item.split("=", 1)
        if kind not in KINDS:
            continue
        row = rates.setdefault(kind, {"docs": 0, "text_bytes": 0, "file_bytes": 0, "cpu_s": 0.0})
        row["file_bytes"] += os.path.getsize(path)
        started = time.process_time()
        with open(path, "rb") as f:
            for record in read_file(kind, f, path):
                if isinstance(record, Document):
                    row["docs"] += 1
                    row["text_bytes"] += len(record.text.encode("utf-8", "surrogatepass"))
        row["cpu_s"] += time.process_time() - started
    for row in rates.values():
        cpu = max(row["cpu_s"], 1e-3)
        row.update(cpu_s=round(cpu, 3), docs_per_s_per_core=round(row["docs"] / cpu, 1),
                   mb_per_s_per_core=round(row["file_bytes"] / 1e6 / cpu, 2))
    return rates


# ------------------------------------------------------------------ one profiled build
def profile_build(out: str, inputs: list[str]) -> dict:
    """The real build (build_pipeline) on one in-memory worker; milliseconds Beam's state sampler
    attributes to each transform, by top-level stage and by the stage's own steps."""
    import apache_beam as beam
    from apache_beam.metrics import monitoring_infos
    from apache_beam.options.pipeline_options import PipelineOptions

    from corpus.config import load_config
    from pipelines.build import build_pipeline, finish_release
    from pipelines.cli import DEMO_CONFIG

    # Without checkpoints: the per-document stages stay separate steps, each timed (with them they are one step).
    config = load_config(str(DEMO_CONFIG), ["inputs.demo=false", f"output.dir={out}", "output.checkpoints=false"], inputs)
    p = beam.Pipeline(options=PipelineOptions(IN_MEMORY))
    build_pipeline(p, config)
    started = time.process_time()
    result = p.run()
    result.wait_until_finish()
    run_cpu = time.process_time() - started
    msecs: dict[str, float] = {}
    for info in result.monitoring_infos():
        label = info.labels.get(monitoring_infos.PTRANSFORM_LABEL, "")
        if info.urn == monitoring_infos.TOTAL_MSECS_URN and not label.startswith("ref_"):  # ref_: runner-internal
            parts = label.split("/")
            for key in {parts[0], "/".join(parts[:2])}:
                msecs[key] = msecs.get(key, 0) + monitoring_infos.extract_counter_value(info)
    # The sampler measures wall time, which other processes on a shared machine stretch; the steps'
    # shares of it, applied to the CPU seconds this process spent running the pipeline, give CPU seconds.
    sampled = sum(v for k, v in msecs.items() if "/" not in k) or 1
    manifest = finish_release(config, {"runner": "DirectRunner", "seconds": 0, "started": ""})
    return {"cpu_seconds": {k: round(v / sampled * run_cpu, 3) for k, v in msecs.items()}, "documents": manifest["documents"]}


def build_command(inputs: list[str], out: str, beam_args: list[str]) -> list[str]:
    from pipelines.cli import DEMO_CONFIG

    args = [sys.executable, "-m", "pipelines.cli", "build", str(DEMO_CONFIG), "--set", "inputs.demo=false", "--out", out]
    for item in inputs:
        args += ["--input", item]
    return args + (["--", *beam_args] if beam_args else [])


def full_build(inputs: list[str], work: str, name: str, beam_args: list[str]) -> tuple[dict, dict]:
    """One `corpus build`; its timing and its manifest."""
    out = f"{work}/{name}"
    run = run_measured(build_command(inputs, out, beam_args))
    manifest_file = Path(out) / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.exists() else {}
    shutil.rmtree(out, ignore_errors=True)
    return run, manifest


# ------------------------------------------------------------------ the three measurements
# Documents entering a top-level step of build_pipeline: read, minus the drops of the stages before it.
_DROPPED_BEFORE = {"Read": None, "LanguageID": ("read/",), "QualityFilter": ("read/", "langid/"),
                   "Dedup": ("read/", "langid/", "filter/"), "ExactDedup": ("read/", "langid/", "filter/"),
                   "NearDedup": ("read/", "langid/", "filter/", "dedup/exact")}
_KEPT_INTO = ("SamplingRates", "Rebalance")
_WRITTEN_INTO = ("WriteShards", "TrainTokenizer")


def docs_into(step: str, documents: dict) -> int | None:
    if step in _DROPPED_BEFORE:
        before = _DROPPED_BEFORE[step]
        return documents["read"] - (sum(n for r, n in documents["dropped"].items() if r.startswith(before)) if before else 0)
    if step in _KEPT_INTO:
        return documents["kept"]
    if step in _WRITTEN_INTO:
        return documents["written"]
    return None


def measure_stages(inputs: list[str], work: str, label: str) -> dict:
    """Read rates per kind in this process, then one profiled build: each step's milliseconds on one core."""
    reads = read_rates(inputs)
    docs = sum(r["docs"] for r in reads.values())
    bytes_per_doc = sum(r["text_bytes"] for r in reads.values()) / max(1, docs)
    out = f"{work}/{label}-profile"
    run = run_measured([sys.executable, "-m", "benchmarks.suite", "--profile", out, *inputs])
    shutil.rmtree(out, ignore_errors=True)
    if "output" not in run:
        return {"reads": reads, "error": run.get("error", "profiled build failed")}
    profile = run.pop("output")
    rows = []
    for step, seconds in sorted(profile["cpu_seconds"].items(), key=lambda kv: -kv[1]):
        top = step.split("/")[0]
        n = docs_into(top, profile["documents"])
        seconds = max(seconds, 1e-3)
        row = {"step": step, "seconds": round(seconds, 2), "docs_in": n}
        if n is not None:
            row.update(docs_per_s_per_core=round(n / seconds, 1), mb_per_s_per_core=round(n * bytes_per_doc / 1e6 / seconds, 2))
        rows.append(row)
    return {"documents": docs, "text_mb": round(docs * bytes_per_doc / 1e6, 2), "reads": reads,
            "build": run, "manifest_documents": profile["documents"], "steps": rows}


def measure_scaling(root: str, work: str, size: int, beam_args: list[str], label: str, factors=(1, 2, 4), runs: int = 1) -> dict:
    """Each factor built `runs` times (in turn, so that a noisy minute hits every size alike): wall, CPU and
    peak RSS are the medians, with the minima beside them."""
    import statistics

    measured: dict[int, list[tuple[dict, int]]] = {f: [] for f in factors}
    for _ in range(runs):
        for factor in factors:
            inputs = _inputs_of(f"{root}/scale-{size * factor}")
            run, manifest = full_build(inputs, work, f"{label}-{factor}x", beam_args)
            measured[factor].append((run, manifest.get("documents", {}).get("read", 0)))
    rows = []
    for factor in factors:
        ok = [(r, d) for r, d in measured[factor] if "error" not in r]
        row = {"input": f"{factor}x", "units": size * factor, "runs": len(measured[factor])}
        if not ok:
            rows.append({**row, "documents": 0, "error": measured[factor][-1][0]["error"]})
            continue
        row["documents"] = ok[-1][1]
        for key in ("wall_s", "cpu_s", "peak_rss_mb"):
            values = [r[key] for r, _ in ok]
            row[key], row[key + "_min"] = round(statistics.median(values), 2), min(values)
        rows.append(row)
    base = rows[0]
    for row in rows:
        if "error" not in row and "error" not in base:
            row["time_ratio"] = round(row["wall_s"] / base["wall_s"], 2)
            row["cpu_ratio"] = round(row["cpu_s"] / base["cpu_s"], 2)
            row["rss_ratio"] = round(row["peak_rss_mb"] / base["peak_rss_mb"], 2)
    return {"beam_args": beam_args, "runs": rows}


def _inputs_of(folder: str) -> list[str]:
    return json.loads(Path(folder, "inputs.json").read_text())


def run_suite(size: int, modes: bool, runs: int = 1) -> dict:
    root = tempfile.mkdtemp(prefix="bench-inputs-")
    work = tempfile.mkdtemp(prefix="bench-work-")
    try:
        for units in (size, 2 * size, 4 * size):  # written once, reused by every measurement
            folder = f"{root}/scale-{units}"
            Path(folder).mkdir(parents=True, exist_ok=True)
            Path(folder, "inputs.json").write_text(json.dumps(write_units(folder, units)))
        result = {"size": size, "runs": runs, "machine": machine()}
        result["stages"] = {"generated": measure_stages(_inputs_of(f"{root}/scale-{size}"), work, "generated")}
        if WET.exists():
            result["stages"]["real WET"] = measure_stages([f"wet={WET}"], work, "wet")
        result["scaling"] = measure_scaling(root, work, size, MULTI_PROCESSING, "scaling", runs=runs)
        if modes:
            result["modes"] = {
                "in_memory": measure_scaling(root, work, size, IN_MEMORY, "in-memory", factors=(1, 4), runs=runs),
                "multi_processing": {"runs": [r for r in result["scaling"]["runs"] if r["input"] in ("1x", "4x")]},
            }
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------------ report
def markdown(result: dict) -> str:
    lines = []
    for name, part in result["stages"].items():
        lines += [f"### Reading on {name} input (corpus.sources.read_file, one core)", "",
                  "| kind | documents | MB files | MB text | CPU s | docs/s per core | MB/s per core (files) |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for kind, r in part["reads"].items():
            lines.append(f"| {kind} | {r['docs']:,} | {r['file_bytes'] / 1e6:.2f} | {r['text_bytes'] / 1e6:.2f} | {r['cpu_s']} | "
                         f"{r['docs_per_s_per_core']:,.0f} | {r['mb_per_s_per_core']} |")
        lines.append("")
        if "error" in part:
            lines += [f"Profiled build on {name} input failed: {part['error']}", ""]
            continue
        build = part["build"]
        lines += [
            f"### Build steps on {name} input ({part['documents']:,} documents, {part['text_mb']} MB text)", "",
            f"One in-memory DirectRunner worker: {build['wall_s']} s wall, {build['cpu_s']} s CPU, peak RSS {build['peak_rss_mb']} MB; "
            f"{part['documents'] / build['cpu_s']:,.0f} documents read per CPU second for the whole build. "
            "CPU seconds per step: the pipeline's CPU time split by the shares Beam's state sampler gives each step; "
            "a step's rate counts the documents entering its stage (blank: not a document stage).", "",
            "| step | CPU s | docs in | docs/s per core | MB/s per core |",
            "|---|---:|---:|---:|---:|",
        ]
        for row in part["steps"]:
            if row["seconds"] < 0.05:
                continue  # below the sampler's resolution
            rate = f"{row['docs_per_s_per_core']:,.0f} | {row['mb_per_s_per_core']}" if "docs_per_s_per_core" in row else " | "
            docs_in = f"{row['docs_in']:,}" if row["docs_in"] is not None else ""
            lines.append(f"| {row['step']} | {row['seconds']} | {docs_in} | {rate} |")
        lines.append("")

    def runs_table(runs):
        out = ["| input | documents | runs | wall s median (min) | CPU s median (min) | time ratio | CPU ratio | peak RSS MB median (min) | RSS ratio |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in runs:
            if "error" in r:
                out.append(f"| {r['input']} | failed: {r['error']} | | | | | | | |")
            else:
                def both(key):
                    return f"{r[key]} ({r[key + '_min']})" if key + "_min" in r else f"{r[key]}"
                out.append(f"| {r['input']} | {r['documents']:,} | {r.get('runs', 1)} | {both('wall_s')} | {both('cpu_s')} | {r.get('time_ratio', '')} | "
                           f"{r.get('cpu_ratio', '')} | {both('peak_rss_mb')} | {r.get('rss_ratio', '')} |")
        return out

    scaling = result["scaling"]
    lines += ["### Scaling: the same build on 1x, 2x, 4x input", "", f"Beam options: `{' '.join(scaling['beam_args'])}`", ""]
    lines += runs_table(scaling["runs"]) + [""]
    if "modes" in result:
        lines += ["### DirectRunner modes (the default local options)", ""]
        for mode, part in result["modes"].items():
            lines += [f"**{mode}**", ""] + runs_table(part["runs"]) + [""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1, help="demo-input units of the 1x input (2x and 4x scale it)")
    parser.add_argument("--no-modes", dest="modes", action="store_false", help="skip the in-memory vs multi-processing runs")
    parser.add_argument("--runs", type=int, default=3, help="builds per size and mode (median and min reported)")
    parser.add_argument("--profile", nargs="+", help=argparse.SUPPRESS)  # internal: OUT INPUT...: one profiled build
    args = parser.parse_args(argv)
    if args.profile:
        print(json.dumps(profile_build(args.profile[0], args.profile[1:])))
        return None
    result = run_suite(args.size, args.modes, args.runs)
    result["provenance"] = provenance(f"python -m benchmarks.suite --size {args.size} --runs {args.runs}")
    save(result)
    print(markdown(result))
    return result


def save(result: dict) -> None:
    results_path("suite").write_text(json.dumps(result, indent=2) + "\n")
    write_markdown("suite", "Stage throughput, scaling and runner modes", markdown(result), result["machine"], result.get("provenance"))


if __name__ == "__main__":
    main()
