"""Progress of a running build, for the terminal: documents out of each stage so far.

Runners report metrics only at the end of a local run, so each counting step writes its own
count, at most every few seconds, into OUT/_work/progress/; the launcher sums those files
every ~10 s and prints one line. The same count is the stage's statistic in the manifest.
"""

from __future__ import annotations

import threading
import time
import uuid

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipelines.stats import stage_key
from pipelines.write import write_file

PROGRESS_DIR = "progress"
WRITE_EVERY_SECONDS = 5.0


class CountStage(beam.DoFn):
    """Each document out of `stage` becomes one ("stage|<stage>", 1) statistic (unless `statistic` is off);
    the running count goes to a file."""

    def __init__(self, work_dir: str, stage: str, statistic: bool = True):
        self.folder = FileSystems.join(work_dir, PROGRESS_DIR)
        self.stage = stage
        self.key = stage_key(stage) if statistic else None

    def setup(self):
        self.path = FileSystems.join(self.folder, f"{self.stage.replace('/', '_')}.{uuid.uuid4().hex}")
        self.count, self.written_at = 0, 0.0

    def process(self, _doc):
        self.count += 1
        if time.monotonic() - self.written_at > WRITE_EVERY_SECONDS:
            self._write()
        if self.key:
            yield self.key, 1

    def finish_bundle(self):  # small bundles (remote runners) must not each cost a file write
        if time.monotonic() - self.written_at > 1.0:
            self._write()

    def _write(self):
        try:
            write_file(self.path, f"{self.stage}\t{self.count}".encode())
        except OSError:  # progress is for people; a failed write never fails the build
            pass
        self.written_at = time.monotonic()


class StageCounts:
    """Running counts of documents out of several stages in one worker (the checkpointed per-document work),
    written as CountStage writes them."""

    def __init__(self, work_dir: str):
        self.folder = FileSystems.join(work_dir, PROGRESS_DIR)
        self.worker = uuid.uuid4().hex
        self.counts: dict[str, int] = {}
        self.written_at = time.monotonic()

    def add(self, stage: str, amount: int = 1) -> None:
        self.counts[stage] = self.counts.get(stage, 0) + amount
        if time.monotonic() - self.written_at > WRITE_EVERY_SECONDS:
            self.write()

    def write(self) -> None:
        try:
            for stage, count in self.counts.items():
                write_file(FileSystems.join(self.folder, f"{stage.replace('/', '_')}.{self.worker}"), f"{stage}\t{count}".encode())
        except OSError:  # progress is for people; a failed write never fails the build
            pass
        self.written_at = time.monotonic()


def read_progress(work_dir: str) -> dict[str, int]:
    """Documents out of each stage so far, summed over the workers' files."""
    totals: dict[str, int] = {}
    try:
        found = FileSystems.match([FileSystems.join(work_dir, PROGRESS_DIR, "*")])[0].metadata_list
    except Exception:  # the folder does not exist yet
        return totals
    for meta in found:
        if meta.path.endswith(".tmp"):
            continue
        try:
            with FileSystems.open(meta.path) as f:
                stage, _, count = f.read().decode().partition("\t")
            totals[stage] = totals.get(stage, 0) + int(count)
        except (OSError, ValueError):
            continue  # being replaced right now: next time
    return totals


class ProgressPrinter:
    """A background thread printing one progress line every `every` seconds while a build runs."""

    def __init__(self, work_dir: str, stages: list[str], every: float = 10.0, out=None):
        self.work_dir, self.stages, self.every = work_dir, stages, every
        self.out = out
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=self.every)

    def _run(self):
        from pipelines.checkpoint import committed_units

        done_before = committed_units(self.work_dir)[0]  # committed by an earlier run: no help for the estimate
        while not self.stop.wait(self.every):
            counts = read_progress(self.work_dir)
            elapsed = time.monotonic() - self.started
            files = files_line(self.work_dir, elapsed, done_before)
            shown = [(stage, counts[stage]) for stage in self.stages if stage in counts]
            if shown or files:
                done = " | ".join(f"{stage} {count:,}" for stage, count in shown)
                parts = [files] + ([f"documents out of each stage: {done}"] if shown else [])
                print(f"[{elapsed:6.0f} s] " + "; ".join(p for p in parts if p), file=self.out, flush=True)


def files_line(work_dir: str, elapsed: float, done_before: int) -> str:
    """"input files 12/40 done, about 3 min left for them", from the committed checkpoints (pipelines/checkpoint.py)."""
    from pipelines.checkpoint import committed_units

    done, total = committed_units(work_dir)
    if total is None:
        return ""
    done = min(done, total)
    if done >= total:
        return f"input files {total}/{total} done; dedup, rebalancing and shards running"
    rate = (done - min(done_before, done)) / elapsed if elapsed > 0 else 0.0
    left = f", about {_duration((total - done) / rate)} left for them" if rate > 0 else ""
    return f"input files {done}/{total} done{left}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
