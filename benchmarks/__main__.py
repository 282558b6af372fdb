"""The benchmark suite in one command:

    python -m benchmarks [--size N] [--copies N] [--no-modes] [--no-peers] [--no-bitext] [--report-only]

runs benchmarks.suite (reading per input kind, the build's steps on one core, scaling on 1x/2x/4x
input, DirectRunner modes), benchmarks.peers (datatrove vs this project on the real WET) and
benchmarks.bitext (bitext mining precision/recall per encoder and language pair, encoder cost) and
benchmarks.langid (language-ID precision/recall, calibration, throughput), writes
benchmarks/results/{suite,peers,bitext,langid}.json, benchmarks/{suite,peers,bitext,langid}.md and
benchmarks/RESULTS.md.
The default size takes under 10 minutes on 2 cores, the bitext benchmark about 13 more (it times three
demo builds; --no-bitext skips it) and the language-ID one about 5 (--no-langid); --size multiplies the
generated input.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks import bitext, langid, peers, suite
from benchmarks.suite_tools import HERE, machine, machine_line


def summary(suite_result: dict | None, peers_result: dict | None) -> str:
    """The ratios the issue asks for, in a few lines."""
    lines = []
    if peers_result:
        for name, ratio in peers_result["speedup_vs_datatrove_per_core"].items():
            if name != "datatrove":
                lines.append(f"- {name}: {ratio}x datatrove's documents per CPU second on the same input")
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


def write_report(size: int, seconds: float | None) -> None:
    """benchmarks/RESULTS.md from the saved JSON results."""
    loaded = {}
    for name in ("suite", "peers", "bitext"):
        path = suite.results_path(name)
        loaded[name] = json.loads(path.read_text()) if path.exists() else None
    sections = [("Summary", summary(loaded["suite"], loaded["peers"]))]
    if loaded["suite"]:
        sections.append(("Stage throughput, scaling and runner modes", suite.markdown(loaded["suite"])))
    if loaded["peers"]:
        sections.append(("Peer comparison: datatrove vs this project (one core)", peers.markdown(loaded["peers"])))
    if loaded["bitext"]:
        sections.append(("Bitext mining: quality and cost", bitext.markdown(loaded["bitext"]).replace("\n## ", "\n### ")))
    m = (loaded["suite"] or loaded["peers"] or {}).get("machine") or machine()
    took = f" in {seconds:.0f} s" if seconds else ""
    body = "\n".join(f"## {title}\n\n{text}" for title, text in sections)
    (HERE / "RESULTS.md").write_text(f"# Benchmark results\n\n`python -m benchmarks --size {size}`{took}.\n\n{machine_line(m)}\n\n{body}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1, help="units of generated demo input in the 1x build (default 1)")
    parser.add_argument("--copies", type=int, default=8, help="copies of the real WET excerpt for the peer comparison")
    parser.add_argument("--no-modes", dest="modes", action="store_false", help="skip in-memory vs multi-processing")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="skip the datatrove comparison")
    parser.add_argument("--no-bitext", dest="bitext", action="store_false", help="skip the bitext mining benchmark")
    parser.add_argument("--no-langid", dest="langid", action="store_false", help="skip the language-ID benchmark (benchmarks/langid.md)")
    parser.add_argument("--report-only", action="store_true", help="only rewrite RESULTS.md from benchmarks/results/")
    args = parser.parse_args()
    if args.report_only:
        write_report(args.size, None)
        return
    started = time.time()
    suite.save(suite.run_suite(args.size, args.modes))
    if args.peers:
        peers.main(["--copies", str(args.copies * args.size)])
    if args.bitext:
        bitext.save(bitext.run(seeds=3, demo=True))
    if args.langid:
        langid.main()
    write_report(args.size, time.time() - started)
    print(f"benchmarks finished in {time.time() - started:.0f} s; see benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
