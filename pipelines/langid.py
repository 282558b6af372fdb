"""Language identification in batches, the identifier loaded once per worker."""

from __future__ import annotations

import os
import shutil
import tempfile

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.config import LangId
from corpus.langid import load_identifier
from corpus.langid.documents import DocumentLanguage
from corpus.schema import Document, Stat
from pipelines.common import drop, split_outputs


def local_model(path: str | None) -> str | None:
    """A model on a remote filesystem is copied next to the worker once; local paths stay as they are."""
    if path and "://" in path:
        local = os.path.join(tempfile.mkdtemp(), os.path.basename(path))
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return local
    return path


def document_language(config: LangId) -> DocumentLanguage:
    """The language decider of a config: what the pipeline and `corpus langid` both run."""
    identifier = load_identifier(config, local_model(config.model))
    return DocumentLanguage(identifier, config)


class _Identify(beam.DoFn):
    def __init__(self, config: LangId):
        self.config = config

    def setup(self):
        self.decider = document_language(self.config)

    def process(self, batch: list[Document]):
        decisions, stats = self.decider.identify(batch)
        for doc, why in decisions:
            yield drop(why, doc) if why else doc
        for key, amount in stats:
            yield Stat(key, amount)


class IdentifyLanguage(beam.PTransform):
    """Language ID per paragraph and document; its statistics count split parts, removed lines, disagreements."""

    def __init__(self, config: LangId):
        super().__init__()
        self.config = config

    def expand(self, docs):
        # Full batches: fastText has no per-call cost for adaptive sizing to save, and a larger batch
        # predicts its repeated lines (navigation, boilerplate) once (predict_distinct).
        batches = docs | "Batch" >> beam.BatchElements(min_batch_size=self.config.batch_size, max_batch_size=self.config.batch_size)
        return split_outputs(batches, "Predict", _Identify(self.config))


def identifier_config(model: str | None, overrides: LangId = LangId()) -> LangId:
    """`--model fasttext|heliport|ensemble|PATH` as a config: a PATH is a fastText model."""
    if model is None:
        return overrides
    if model in ("fasttext", "heliport", "ensemble"):
        return overrides.model_copy(update={"identifier": model})
    return overrides.model_copy(update={"identifier": "fasttext", "model": model})


def label_lines(lines: list[str], config: LangId, paragraphs: bool = False):
    """`corpus langid`: per input line, "lang<TAB>score", with a third column, the drop reason, when the build would drop it.

    By default each line is a document, decided exactly as the build decides (script check, thresholds);
    with `paragraphs` each line gets the label the paragraph stage gives it, before any document rule.
    """
    from corpus.schema import new_document

    decider = document_language(config)
    for start in range(0, len(lines), config.batch_size):
        chunk = lines[start : start + config.batch_size]
        if paragraphs:
            for p in decider.identifier.predict(chunk):
                yield f"{p.lang}\t{p.score:.4f}"
            continue
        decisions, _ = decider.identify([new_document(source="commoncrawl", text=line) for line in chunk])
        for doc, why in decisions:
            yield f"{doc.lang}\t{doc.lang_score:.4f}" + (f"\t{why}" if why else "")
