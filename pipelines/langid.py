"""Language identification with fastText, in batches, the model loaded once per worker."""

from __future__ import annotations

import os
import shutil
import tempfile

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.config import LangId
from corpus.langid import LanguageIdentifier
from corpus.schema import Document
from pipelines.common import drop, split_outputs

class _Identify(beam.DoFn):
    def __init__(self, config: LangId):
        self.config = config

    def setup(self):
        path = self.config.model
        if path and "://" in path:  # a model on a remote filesystem: copy it next to the worker
            local = os.path.join(tempfile.mkdtemp(), os.path.basename(path))
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as src, open(local, "wb") as dst:
                shutil.copyfileobj(src, dst)
            path = local
        self.model = LanguageIdentifier(path)

    def process(self, batch: list[Document]):
        for doc, pred in zip(batch, self.model.predict([d.text for d in batch])):
            doc = doc._replace(
                lang=pred.lang, lang_score=pred.score, lang2=pred.lang2, lang2_score=pred.lang2_score, lid_model="fasttext"
            )
            threshold = self.config.min_score_per_lang.get(doc.lang, self.config.min_score)
            yield drop("langid", "low_score", doc) if doc.lang_score < threshold else doc


class IdentifyLanguage(beam.PTransform):
    """fastText language ID in batches; documents below the confidence threshold are dropped."""

    def __init__(self, config: LangId):
        super().__init__()
        self.config = config

    def expand(self, docs):
        batches = docs | "Batch" >> beam.BatchElements(min_batch_size=16, max_batch_size=self.config.batch_size)
        return split_outputs(batches, "Predict", _Identify(self.config))
