"""Every benchmark behind a figure of the README, in one command:

    python -m benchmarks [--size N] [--docs N] [--runs N] [--no-modes] [--no-peers] [--only NAME,...] [--report-only]

runs, each in its own process:
  suite             reading per input kind, the build's steps on one core, scaling on 1x/2x/4x input,
                    DirectRunner modes (benchmarks/suite.md)
  peers             datatrove vs this project vs the floor (filters differ by side), distinct documents, with the
                    derived cost of a CommonCrawl snapshot (benchmarks/peers.md)
  filters, extract, readers, dedup_quality, dedup_shuffle, dedup_throughput, langid (about 5 minutes),
                    boilerplate (about 3),
                    bitext (about 13: it times three demo builds),
                    quality (which web pages the build keeps, against judged pages, with its 2-fold check;
                    about 7 minutes),
                    tokens (token files vs raw SentencePiece on one core, demo with and without them: about 8),
                    runners (DirectRunner vs DaskRunner on a 2-worker cluster, demo build at 1x and 4x:
                    about 7 minutes per run),
                    resume (checkpoint cost and killed-then-resumed builds, 3 demo builds per run),
                    resume_real (the same on all of ../shared/data with configs/release.yaml: 3 builds),
                    memory (summed RSS of every process of a demo build at 1x and 8x input) (benchmarks/<name>.md)
then stamps each result (Markdown and JSON) with the command, the commit and the machine, and writes
benchmarks/RESULTS.md. Timed benchmarks repeat their runs (--runs, min and median reported, or best
of N where the module says so); the dedup quality and shuffle figures are counts, the same on every run.
On 2 quiet cores the default should take about an hour and a quarter (estimated from the earlier single-run rates, not
yet measured whole): the peer comparison about 45 minutes of it (30,000 documents, 3 runs of 5 sides,
datatrove about 20 minutes), the suite's 3 x (1x, 2x, 4x, and 1x, 4x in memory) builds about 10.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from benchmarks import bitext, peers, suite
from benchmarks.suite_tools import HERE, RESULTS, machine_line, provenance, provenance_line

# name: (command-line arguments after `python -m benchmarks.<name>`, result Markdown, result JSON)
MODULES = {
    "filters": (["--runs", "{runs}"], "filters.md", "filters.json"),
    "extract": (["--runs", "{runs}"], "extract.md", "extract.json"),
    "readers": (["--runs", "{runs}"], None, "readers.json"),
    "dedup_quality": ([], "dedup_quality.md", "dedup_quality.json"),
    "dedup_shuffle": ([], "dedup_shuffle.md", "dedup_shuffle.json"),
    "dedup_throughput": ([], "dedup_throughput.md", "dedup_throughput.json"),
    # These write their own provenance (command, commit, machine): not stamped again.
    "runners": (["--runs", "{runs}"], None, None),
    "langid": ([], None, None),
    "bitext": ([], None, None),
    "quality": (["--runs", "{runs}"], None, None),
    "boilerplate": (["--runs", "{runs}"], None, None),
    "tokens": (["--runs", "{runs}"], None, None),
    "resume": (["--runs", "{runs}"], None, None),
    "resume_real": ([], None, None),
    "memory": ([], None, None),
}


def stamp(name: str, command: str, md: str | None, js: str | None, since: float) -> dict:
    """The command, commit and machine written into a module's result files (those it wrote in this run)."""
    prov = provenance(command)
    line = f"{provenance_line(prov)} {machine_line(prov['machine'])}"
    if md and (HERE / md).exists() and (HERE / md).stat().st_mtime >= since:
        title, _, body = (HERE / md).read_text().partition("\n")
        (HERE / md).write_text(f"{title}\n\n{line}\n{body}")
    if js and (RESULTS / js).exists() and (RESULTS / js).stat().st_mtime >= since:
        data = json.loads((RESULTS / js).read_text())
        if isinstance(data, dict):
            data["provenance"] = prov
            (RESULTS / js).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return prov


def run_module(name: str, runs: int) -> dict:
    args, md, js = MODULES[name]
    args = [a.format(runs=runs) for a in args]
    command = " ".join(["python -m benchmarks." + name, *args])
    started = time.time()
    # Its own process: a module's main() parses sys.argv, and a crash or a leak stays inside it.
    proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *args], cwd=HERE.parent, capture_output=True, text=True)
    status = {"command": command, "seconds": round(time.time() - started)}
    if proc.returncode:
        status["error"] = (proc.stderr.strip().splitlines() or ["failed"])[-1][:300]
    else:
        stamp(name, command, md, js, started)
    return status


def summary(suite_result: dict | None, peers_result: dict | None) -> str:
    """The ratios the issue asks for, in a few lines."""
    lines = []
    if peers_result and "cost_model" in peers_result:
        for name, ratio in peers_result["speedup_vs_datatrove_per_core"].items():
            if name != "datatrove":
                lines.append(f"- {name}: {ratio}x datatrove's documents per CPU second (medians) on the same distinct documents")
        for name, hours in peers_result["cost_model"]["core_hours"].items():
            lines.append(f"- {name}: {hours:,} core-hours for a CommonCrawl snapshot's read, LID, filters and MinHash (derived)")
    if suite_result:
        runs = {r["input"]: r for r in suite_result["scaling"]["runs"]}
        if all("time_ratio" in r for r in runs.values()):
            lines.append("- scaling 1x/2x/4x input: time " + " / ".join(f"{r['time_ratio']}" for r in runs.values())
                         + ", CPU " + " / ".join(f"{r['cpu_ratio']}" for r in runs.values())
                         + ", peak RSS " + " / ".join(f"{r['rss_ratio']}" for r in runs.values()))
            if "1x" in runs and "4x" in runs:
                per_unit = (runs["4x"]["cpu_s"] - runs["1x"]["cpu_s"]) / 3
                lines.append(f"  (below linear at this size: each added 1x of input costs {per_unit:.1f} CPU s on top of a fixed "
                             f"{runs['1x']['cpu_s'] - per_unit:.1f} CPU s of start-up, model loading and tokenizer training)")
        modes = suite_result.get("modes", {})
        memory = {r["input"]: r for r in modes.get("in_memory", {}).get("runs", [])}
        multi = {r["input"]: r for r in modes.get("multi_processing", {}).get("runs", [])}
        for size in ("1x", "4x"):
            if "wall_s" in memory.get(size, {}) and "wall_s" in multi.get(size, {}) and "error" not in memory[size]:
                lines.append(f"- {size} build: multi-processing {memory[size]['wall_s'] / multi[size]['wall_s']:.2f}x faster "
                             "than in memory (wall time)")
    return "\n".join(lines) + "\n"


def write_report(command: str, seconds: float | None, statuses: dict | None = None) -> None:
    """benchmarks/RESULTS.md from the saved JSON results."""
    loaded = {}
    for name in ("suite", "peers", "bitext"):
        path = suite.results_path(name)
        loaded[name] = json.loads(path.read_text()) if path.exists() else None
    sections = [("Summary", summary(loaded["suite"], loaded["peers"]))]
    def made(result: dict) -> str:
        """Each section names its own run: sections of one report may come from different runs."""
        head = provenance_line(result["provenance"]) + " " if "provenance" in result else "(run before results named their commit) "
        return head + machine_line(result["machine"]) + "\n\n"

    if loaded["suite"]:
        sections.append(("Stage throughput, scaling and runner modes", made(loaded["suite"]) + suite.markdown(loaded["suite"])))
    if loaded["peers"] and "cost_model" in loaded["peers"]:
        sections.append(("Peer comparison (one core; the filters differ by side)", made(loaded["peers"]) + peers.markdown(loaded["peers"])))
    if loaded["bitext"]:
        sections.append(("Bitext mining: quality and cost", bitext.markdown(loaded["bitext"]).replace("\n## ", "\n### ")))
    others = [f"- benchmarks/{md or (f'results/{js}' if js else f'{n}.md')}: `python -m benchmarks.{n}`"
              + (f" (failed in this run: {statuses[n]['error']})" if statuses and "error" in statuses.get(n, {}) else "")
              for n, (_, md, js) in MODULES.items()]
    sections.append(("The other benchmarks", "\n".join(others) + "\n"))
    took = f", in {seconds:.0f} s" if seconds else ""
    body = "\n".join(f"## {title}\n\n{text}" for title, text in sections)
    prov = provenance(command)
    (HERE / "RESULTS.md").write_text(f"# Benchmark results\n\n{provenance_line(prov).rstrip('.')}{took}.\n\n{body}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1, help="units of generated demo input in the suite's 1x build (default 1)")
    parser.add_argument("--docs", type=int, default=30_000, help="distinct documents for the peer comparison")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement (min and median reported)")
    parser.add_argument("--no-modes", dest="modes", action="store_false", help="skip in-memory vs multi-processing")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="skip the peer comparison")
    parser.add_argument("--no-bitext", dest="bitext", action="store_false", help="skip the bitext benchmark (about 13 minutes)")
    parser.add_argument("--no-langid", dest="langid", action="store_false", help="skip the language-ID benchmark (about 5 minutes)")
    parser.add_argument("--only", help="comma-separated names: suite, peers, " + ", ".join(MODULES))
    parser.add_argument("--venv", default=peers.DATATROVE_VENV, help="virtual environment with datatrove installed")
    parser.add_argument("--report-only", action="store_true", help="only rewrite RESULTS.md from benchmarks/results/")
    args = parser.parse_args()
    command = "python -m benchmarks " + " ".join(sys.argv[1:])
    if args.report_only:
        write_report(command.strip(), None)
        return
    only = set(args.only.split(",")) if args.only else {"suite", "peers", *MODULES}
    only -= {name for name, wanted in (("bitext", args.bitext), ("langid", args.langid)) if not wanted}
    started = time.time()
    statuses = {}
    if "suite" in only:
        result = suite.run_suite(args.size, args.modes, args.runs)
        result["provenance"] = provenance(f"python -m benchmarks.suite --size {args.size} --runs {args.runs}")
        suite.save(result)
    if args.peers and "peers" in only:
        peers.main(["--docs", str(args.docs), "--runs", str(args.runs), "--venv", args.venv])
    for name in MODULES:
        if name in only:
            statuses[name] = run_module(name, args.runs)
            print(f"{name}: {statuses[name]}", flush=True)
    write_report(command.strip(), time.time() - started, statuses)
    failed = [n for n, s in statuses.items() if "error" in s]
    print(f"benchmarks finished in {time.time() - started:.0f} s; see benchmarks/RESULTS.md"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
