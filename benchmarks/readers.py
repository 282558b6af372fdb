"""WARC library benchmark: warcio vs FastWARC on a real CommonCrawl WET file, plus malformed fixtures.

    python -m benchmarks.readers [--runs 5] [--wet PATH] [--out benchmarks/results/readers.json]

Throughput: iterate every record and read its whole content, best of N runs,
records/s and MB/s of decompressed WARC bytes. Variants:
  * warcio/native        warcio's own reader on the raw file (refuses a WET written as one gzip stream)
  * warcio/gzip-module   warcio over Python's gzip module (how warcio must be fed such a file)
  * fastwarc/native      FastWARC's own gzip reader on the raw file
  * fastwarc/ours        FastWARC over corpus.sources.compressed.DecompressedStream (what the reader uses)
  * reader/wet           the whole WET reader (decode + normalise + Document), for scale
Robustness: complete records of each type each library returns on every file
of ../shared/data/commoncrawl/malformed/, and whether it raised.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import platform
import shutil
import tempfile
import time
from collections import Counter

import warcio
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator as WarcioIterator

from benchmarks.suite_tools import SHARED_DATA
from corpus.schema import Stat
from corpus.sources import read_file
from corpus.sources.compressed import DecompressedStream

DATA = str(SHARED_DATA / "commoncrawl")
WET = f"{DATA}/CC-MAIN-2020-50-excerpt.warc.wet.gz"
MALFORMED = f"{DATA}/malformed"


def _warcio_records(stream):
    # no_record_parse: the block is read raw, as FastWARC does with parse_http=False
    for record in WarcioIterator(stream, no_record_parse=True):
        yield record.rec_type, len(record.raw_stream.read()), int(record.rec_headers.get_header("Content-Length") or 0)


def _fastwarc_records(stream, **options):
    for record in FastIterator(stream, parse_http=False, quirks_mode=True, **options):
        yield str(record.record_type).rsplit(".", 1)[-1], len(record.reader.read()), record.content_length


VARIANTS = {
    "warcio/native": lambda path: _warcio_records(open(path, "rb")),
    "warcio/gzip-module": lambda path: _warcio_records(gzip.open(path, "rb")),
    "fastwarc/native": lambda path: _fastwarc_records(open(path, "rb")),
    "fastwarc/ours": lambda path: _fastwarc_records(DecompressedStream(open(path, "rb")), stream_detect=False),
}


def _run(variant: str, path: str) -> tuple[int, int]:
    records = size = 0
    if variant == "reader/wet":
        with open(path, "rb") as f:
            data = DecompressedStream(f)  # only to learn the decompressed size
            while data.read(1 << 20):
                pass
            size = data.position
        with open(path, "rb") as f:
            records = sum(1 for r in read_file("wet", f, path) if not isinstance(r, Stat))  # records, not statistics
        return records, size
    for _, n, _ in VARIANTS[variant](path):
        records += 1
        size += n
    return records, size


def repaired_copy(path: str, folder: str) -> str:
    """A copy of a WET whose Content-Length headers are recomputed from the bytes up to the next record.

    The CC-MAIN-2020-50 excerpt declares the wrong length for 312 of its 319 records (its payloads
    apparently had LF turned into CRLF after the fact): warcio rejects it and FastWARC's quirks mode
    resynchronises on the next "WARC/1.0" line. The repaired copy lets both libraries be timed on
    valid input of the same content.
    """
    import re

    raw = gzip.open(path, "rb").read()
    starts = [m.start() for m in re.finditer(rb"WARC/1\.0\r\nWARC-Type: ", raw)] + [len(raw)]
    out = []
    for start, end in zip(starts, starts[1:]):
        header_end = raw.index(b"\r\n\r\n", start) + 4
        block = raw[header_end : end - 4]
        header = re.sub(rb"Content-Length: *\d+", b"Content-Length: %d" % len(block), raw[start:header_end])
        out.append(gzip.compress(header + block + b"\r\n\r\n", mtime=0))  # one member per record, as CC writes
    copy = os.path.join(folder, os.path.basename(path).replace(".warc.wet.gz", "-repaired.warc.wet.gz"))
    with open(copy, "wb") as f:
        f.writelines(out)
    return copy


def throughput(path: str, runs: int) -> dict:
    results = {}
    for variant in [*VARIANTS, "reader/wet"]:
        best, error, records, size = None, None, 0, 0
        for _ in range(runs):
            start = time.perf_counter()
            try:
                records, size = _run(variant, path)
            except Exception as e:  # warcio/native refuses single-stream gzip: record it, do not die
                error = f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
                break
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        results[variant] = {
            "records": records,
            "seconds": best,
            "records_per_s": records / best if best else None,
            "mb_per_s": size / 1e6 / best if best else None,
            "error": error,
        }
    return results


def robustness(folder: str) -> dict:
    out = {}
    for path in sorted(glob.glob(f"{folder}/*")):
        row = {}
        for name, make in (
            ("warcio", lambda p: _warcio_records(DecompressedStream(open(p, "rb")))),
            ("fastwarc", lambda p: _fastwarc_records(DecompressedStream(open(p, "rb")), stream_detect=False)),
        ):
            complete, short, error = Counter(), 0, None
            try:
                for rec_type, n, length in make(path):
                    if n >= length:
                        complete[rec_type] += 1
                    else:
                        short += 1
            except Exception as e:
                error = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:80]}"
            row[name] = {"complete": dict(complete), "short": short, "error": error}
        out[os.path.basename(path)] = row
    return out


def markdown(results: dict) -> str:
    lines = []
    for key, label in (("throughput", "as shipped"), ("throughput_repaired", "Content-Length repaired, one gzip member per record")):
        lines += _throughput_table(results[key], f"WET {os.path.basename(results['file'])} ({label}), best of {results['runs']} runs")
    lines += ["", "| malformed fixture | warcio complete (short, error) | fastwarc complete (short, error) |", "|---|---|---|"]
    for name, row in results["robustness"].items():
        cells = []
        for lib in ("warcio", "fastwarc"):
            r = row[lib]
            cells.append(f"{sum(r['complete'].values())} {r['complete']} ({r['short']}, {r['error'] or '-'})")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def _throughput_table(rows: dict, title: str) -> list[str]:
    base = rows["warcio/gzip-module"]["records_per_s"] or rows["warcio/native"]["records_per_s"]
    lines = [
        title,
        "",
        "| variant | records | records/s | MB/s (decompressed) | vs warcio |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        if r["error"]:
            lines.append(f"| {name} | - | - | - | fails: {r['error'][:60]} |")
        else:
            ratio = f"{r['records_per_s'] / base:.2f}x" if base else "-"
            lines.append(f"| {name} | {r['records']} | {r['records_per_s']:,.0f} | {r['mb_per_s']:.1f} | {ratio} |")
    return lines + [""]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wet", default=WET)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "readers.json"))
    args = parser.parse_args(argv)
    if not os.path.exists(args.wet):
        raise SystemExit(f"sample data not found: {args.wet}")
    tmp = tempfile.mkdtemp(prefix="readers-bench-")
    repaired = repaired_copy(args.wet, tmp)
    results = {
        "file": args.wet,
        "runs": args.runs,
        "versions": {"warcio": warcio.__version__ if hasattr(warcio, "__version__") else _version("warcio"),
                     "fastwarc": _version("fastwarc"), "python": platform.python_version()},
        "cpus": os.cpu_count(),
        "throughput": throughput(args.wet, args.runs),
        "throughput_repaired": throughput(repaired, args.runs),
        "robustness": robustness(MALFORMED) if os.path.isdir(MALFORMED) else {},
    }
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    print(markdown(results))
    return results


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


if __name__ == "__main__":
    main()
