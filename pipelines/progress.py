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
        while not self.stop.wait(self.every):
            counts = read_progress(self.work_dir)
            if counts:
                done = " | ".join(f"{stage} {counts.get(stage, 0):,}" for stage in self.stages)
                print(f"[{time.monotonic() - self.started:6.0f} s] documents out of each stage: {done}", file=self.out, flush=True)
