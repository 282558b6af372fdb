"""Train the SentencePiece tokenizer on a bounded sample of the rebalanced documents."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from corpus import rebalance, release, tokenizer
from corpus.config import Tokenizer
from corpus.text import paragraphs
from pipelines.write import write_file


class TrainTokenizer(beam.PTransform):
    """Sample about `sample_chars` characters with the rebalanced rates, train on one worker, write the model."""

    def __init__(self, out_dir: str, config: Tokenizer):
        super().__init__()
        self.out_dir = out_dir
        self.config = config

    def expand(self, docs):
        config, out_dir = self.config, self.out_dir
        total_chars = docs | "Chars" >> beam.Map(lambda d: d.n_chars) | "Total" >> beam.CombineGlobally(sum)

        def sampled(doc, total):
            fraction = config.sample_chars / max(1, total)
            if rebalance.unit_hash(doc.id, doc.repetition, config.seed) < fraction:
                yield from paragraphs(doc.text)

        def train(_, lines):
            lines = sorted(lines)  # the sample's order must not depend on the runner
            model = tokenizer.train(lines, config)
            base = FileSystems.join(out_dir, release.TOKENIZER_DIR)
            write_file(FileSystems.join(base, "spm.model"), model)
            write_file(FileSystems.join(base, "spm.vocab"), tokenizer.vocab_text(model).encode("utf-8"))
            yield {"sample_lines": len(lines), "sample_chars": sum(map(len, lines)), "model_bytes": len(model)}

        return (
            docs
            | "Sample" >> beam.FlatMap(sampled, total=beam.pvalue.AsSingleton(total_chars))
            | "OneWorker" >> beam.Map(lambda line: (None, line))
            | "Gather" >> beam.GroupByKey()
            | "Train" >> beam.FlatMapTuple(train)
        )
