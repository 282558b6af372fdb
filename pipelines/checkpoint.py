"""The per-document work, committed per input file: read -> language ID -> quality filter on one unit
(a file, or a piece of a multistream dump) in one worker, its outcome written under
OUT/_work/checkpoints/ as it finishes (corpus/checkpoint.py). Committed units are skipped, so a
build run again with --resume continues where it stopped; the global stages then read every
unit's checkpoint back. Each worker writes the checkpoints of the units it processed and reads
back the ones it is given: nothing is collected into one process.
"""

from __future__ import annotations

import collections
import json

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.pvalue import AsSingleton

from corpus import checkpoint
from corpus.config import BuildConfig
from corpus.filters import QualityRules
from corpus.schema import Document, Drop, Sample, Stat, is_a
from corpus.statistics import STAGE_FILTER, STAGE_LANGID, STAGE_READ, STAT_READ, stat_key
from pipelines.common import StageOutput, drop, split_outputs
from pipelines.filters import _read_text
from pipelines.langid import document_language
from pipelines.progress import StageCounts
from pipelines.read import MatchUnits, read_unit
from pipelines.stats import stage_key
from pipelines.write import write_file

CHECKPOINTS_DIR = "checkpoints"  # under _work/ (pipelines/publish.py keeps it after the build)
CONFIG_FILE = "config.json"  # under _work/checkpoints/: the config they were written with (kept with them)
UNITS_TOTAL = "units.total"  # under _work/checkpoints/: how many units this build has, for the progress line
ROWS_PER_WRITE = 1000  # documents per Parquet row group in a checkpoint: bounds a worker's memory


def paths(folder: str, key: str) -> tuple[str, str]:
    return FileSystems.join(folder, key + checkpoint.DOCS_SUFFIX), FileSystems.join(folder, key + checkpoint.COMMIT_SUFFIX)


class _Tally:
    """What one unit's work yields besides documents: drops, summed statistics, samples."""

    def __init__(self):
        self.drops: list[Drop] = []
        self.stats: collections.Counter = collections.Counter()
        self.samples: list[Sample] = []

    def take(self, item) -> bool:
        """Keep a Drop, Stat or Sample; False for a document."""
        if is_a(item, Drop):
            self.drops.append(Drop(*item))
        elif is_a(item, Stat):
            self.stats[item[0]] += item[1]
        elif is_a(item, Sample):
            self.samples.append(Sample(*item))
        else:
            return False
        return True


class _DocumentWriter:
    """A unit's kept documents, written as they come in row groups of ROWS_PER_WRITE."""

    def __init__(self, path: str):
        import pyarrow.parquet as pq

        self.file = FileSystems.create(path)
        self.writer = pq.ParquetWriter(self.file, checkpoint.DOCUMENT_SCHEMA, compression="zstd")
        self.pending: list[Document] = []
        self.count = 0

    def add(self, doc: Document) -> None:
        self.pending.append(doc)
        if len(self.pending) >= ROWS_PER_WRITE:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(checkpoint.documents_table(self.pending))
            self.count += len(self.pending)
            self.pending = []

    def close(self) -> int:
        self._flush()
        self.writer.close()
        self.file.close()
        return self.count


class _CommitUnits(beam.DoFn):
    """Each unit not yet committed: read, identify, filter, write its checkpoint; yields the unit's key."""

    def __init__(self, config: BuildConfig, work_dir: str):
        self.config = config
        self.work_dir = work_dir
        self.folder = FileSystems.join(work_dir, CHECKPOINTS_DIR)

    def setup(self):
        self.decider = document_language(self.config.langid)
        self.rules = QualityRules(self.config.filters, read=_read_text)
        self.progress = StageCounts(self.work_dir)  # documents out of each stage, for the progress line

    def process(self, unit, _total):
        kind, _, name, piece = unit
        key = checkpoint.unit_key(kind, name, piece)
        docs_path, commit_path = paths(self.folder, key)
        if not FileSystems.exists(commit_path):
            self._commit(unit, docs_path, commit_path)
            self.progress.write()
        yield key

    def _commit(self, unit, docs_path: str, commit_path: str) -> None:
        tally, writer, batch = _Tally(), _DocumentWriter(docs_path), []
        for item in read_unit(unit, self.config.read):
            if is_a(item, Drop):
                tally.stats[stat_key(STAT_READ, item[2])] += 1
            if not tally.take(item):
                tally.stats[stat_key(STAT_READ, item.source)] += 1
                tally.stats[stage_key(STAGE_READ)] += 1
                self.progress.add(STAGE_READ)
                batch.append(item)
                if len(batch) >= self.config.langid.batch_size:
                    self._judge(batch, tally, writer)
                    batch = []
        self._judge(batch, tally, writer)
        documents = writer.close()
        # The commit record last: a unit without one is redone, whatever of its documents was written.
        write_file(commit_path, checkpoint.commit_record(unit, documents, tally.drops, tally.stats, tally.samples))

    def _judge(self, batch: list[Document], tally: _Tally, writer: _DocumentWriter) -> None:
        """Language ID, then the quality rules, as the stages without checkpoints apply them."""
        if not batch:
            return
        decisions, stats = self.decider.identify(batch)
        for key, amount in stats:
            tally.stats[key] += amount
        for doc, why in decisions:
            if why:
                tally.take(drop(why, doc))
                continue
            tally.stats[stage_key(STAGE_LANGID)] += 1
            self.progress.add(STAGE_LANGID)
            for item in self.rules(doc):
                if not tally.take(item):
                    tally.stats[stage_key(STAGE_FILTER)] += 1
                    self.progress.add(STAGE_FILTER)
                    writer.add(item)


def read_committed(key: str, folder: str):
    """A committed unit's documents, drops, statistics and samples, the documents a row group at a time."""
    import pyarrow.parquet as pq

    docs_path, commit_path = paths(folder, key)
    with FileSystems.open(commit_path) as f:
        drops, stats, samples = checkpoint.records_of_commit(f.read())
    yield from drops
    for stat_name, amount in stats.items():
        yield Stat(stat_name, amount)
    yield from samples
    with FileSystems.open(docs_path) as f:
        parquet = pq.ParquetFile(f)
        for group in range(parquet.num_row_groups):
            yield from checkpoint.documents_of(parquet.read_row_group(group))


def _write_total(count: int, folder: str) -> int:
    write_file(FileSystems.join(folder, UNITS_TOTAL), str(count).encode())
    return count


class CommittedDocuments(beam.PTransform):
    """read -> language ID -> quality filter with checkpoints: StageOutput of every unit's outcome, from
    this run or an earlier one. The statistics are those the three stages give without checkpoints."""

    def __init__(self, config: BuildConfig, work_dir: str):
        super().__init__()
        self.config = config
        self.work_dir = work_dir
        self.folder = FileSystems.join(work_dir, CHECKPOINTS_DIR)

    def expand(self, pbegin) -> StageOutput:
        inputs = self.config.inputs.model_dump(include={"wet", "warc", "wikipedia"})
        units = pbegin | "MatchUnits" >> MatchUnits(inputs, self.config.read)
        # A side input is ready before the units are worked on: the progress line knows the total early.
        total = units | "CountUnits" >> beam.combiners.Count.Globally() | "WriteTotal" >> beam.Map(_write_total, self.folder)
        keys = (
            units
            | "Commit" >> beam.ParDo(_CommitUnits(self.config, self.work_dir), AsSingleton(total))
            | "SpreadCommitted" >> beam.Reshuffle()
        )
        return split_outputs(keys, "ReadCommitted", lambda key: read_committed(key, self.folder))


def write_config(work_dir: str, config: BuildConfig) -> None:
    write_file(FileSystems.join(work_dir, CHECKPOINTS_DIR, CONFIG_FILE), json.dumps(config.model_dump(mode="json"), sort_keys=True).encode("utf-8"))


def committed_config(work_dir: str) -> dict | None:
    path = FileSystems.join(work_dir, CHECKPOINTS_DIR, CONFIG_FILE)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as f:
        return json.loads(f.read())


def committed_units(work_dir: str) -> tuple[int, int | None]:
    """(units committed so far, units in this build or None while unknown), for the progress line."""
    folder = FileSystems.join(work_dir, CHECKPOINTS_DIR)
    try:
        found = FileSystems.match([FileSystems.join(folder, "*" + checkpoint.COMMIT_SUFFIX)])[0].metadata_list
        with FileSystems.open(FileSystems.join(folder, UNITS_TOTAL)) as f:
            total = int(f.read())
    except Exception:  # not there yet
        return len(found) if "found" in locals() else 0, None
    return len(found), total
