"""Train the SentencePiece tokenizer on a bounded, rebalanced sample and measure its fertility on held-out text.

    kept docs -> paragraphs -> held out (hash, bounded per language) -> fertility per language
                            -> training sample (rebalanced rates, about sample_chars) -> one worker trains
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.pvalue import AsDict, AsSingleton, TaggedOutput

from corpus import rebalance, release, tokenizer
from corpus.config import Rebalance as RebalanceConfig
from corpus.config import Tokenizer
from corpus.text import paragraphs
from pipelines.rebalance import SamplingRates
from pipelines.write import write_file

HELDOUT = "heldout"


class TrainTokenizer(beam.PTransform):
    """Yields one dict for the manifest: the sample's composition, model checksums and the fertility table.

    `rates` are the rebalancing rates ({lang: rate} singleton); with `tokenizer.alpha` set,
    the sample is drawn with temperature rates of its own instead.
    """

    def __init__(self, out_dir: str, config: Tokenizer, rebalance_config: RebalanceConfig, rates):
        super().__init__()
        self.out_dir = out_dir
        self.config = config
        self.rebalance_config = rebalance_config
        self.rates = rates

    def expand(self, docs):
        config, out_dir = self.config, self.out_dir
        source_weights = self.rebalance_config.source_weights
        rates = self.rates
        if config.alpha is not None:
            own = self.rebalance_config.model_copy(update={"method": "temperature", "alpha": config.alpha})
            rates = docs | "TokenizerRates" >> SamplingRates(own)

        def doc_rate(doc, rates):
            return rates.get(doc.lang, 0.0) * rebalance.source_weight(doc.source, source_weights)

        lang_chars = docs | "LangChars" >> beam.Map(lambda d: (d.lang, d.n_chars)) | "SumLangChars" >> beam.CombinePerKey(sum)
        rebalanced_chars = (
            docs
            | "RebalancedChars" >> beam.Map(lambda d, rates: d.n_chars * doc_rate(d, rates), rates=AsSingleton(rates))
            | "SumRebalanced" >> beam.CombineGlobally(sum)
        )

        def split(doc, rates, total, lang_chars):
            # Take the whole rebalanced corpus when it is smaller than the sample.
            fraction = min(1.0, config.sample_chars / max(1.0, total))
            heldout = min(config.heldout_fraction, config.heldout_chars / max(1, lang_chars[doc.lang]))
            repeats = rebalance.copies(doc.id, doc_rate(doc, rates) * fraction, config.seed)
            for index, paragraph in enumerate(paragraphs(doc.text)):
                if tokenizer.is_heldout(doc.id, index, heldout, config.seed):
                    yield TaggedOutput(HELDOUT, (doc.lang, paragraph))
                else:
                    for _ in range(repeats):
                        yield doc.lang, paragraph

        parts = docs | "Split" >> beam.FlatMap(
            split, rates=AsSingleton(rates), total=AsSingleton(rebalanced_chars), lang_chars=AsDict(lang_chars)
        ).with_outputs(HELDOUT, main="sample")

        def train(_, sample):
            sample = tokenizer.cap_sample(list(sample), config.input_sentence_size, config.seed)
            languages = {lang for lang, _ in sample}
            sample_chars = sum(len(sentence) for _, sentence in sample)
            vocab_size = tokenizer.fitted_vocab_size(config, sample_chars, len(set().union(*(set(s) for _, s in sample))))
            model = tokenizer.train((sentence for _, sentence in sample), config.model_copy(update={"vocab_size": vocab_size}), languages)
            vocab = tokenizer.vocab_text(model).encode("utf-8")
            base = FileSystems.join(out_dir, release.TOKENIZER_DIR)
            write_file(FileSystems.join(base, "spm.model"), model)
            write_file(FileSystems.join(base, "spm.vocab"), vocab)
            yield {
                "model": model,
                "files": {
                    f"{release.TOKENIZER_DIR}/spm.model": {"bytes": len(model), "sha256": tokenizer.model_digest(model)},
                    f"{release.TOKENIZER_DIR}/spm.vocab": {"bytes": len(vocab), "sha256": tokenizer.model_digest(vocab)},
                },
                "vocab_size": tokenizer.piece_count(model),
                "vocab_size_requested": config.vocab_size,
                "sample_sentences": len(sample),
                "sample_chars": sample_chars,
                "sample": tokenizer.composition(sample),
            }

        trained = (
            parts.sample
            | "OneWorker" >> beam.Map(lambda item: (None, item))
            | "Gather" >> beam.GroupByKey()
            | "Train" >> beam.FlatMapTuple(train)
        )
        model = trained | "Model" >> beam.Map(lambda t: t["model"])

        def fertility_counts(lang_and_paragraphs, model):
            lang, texts = lang_and_paragraphs
            counter = tokenizer.FertilityCounter(model)
            totals: dict[str, int] = {}
            for text in texts:
                for key, amount in counter.counts(text).items():
                    totals[key] = totals.get(key, 0) + amount
            yield lang, totals

        fertility = (
            parts[HELDOUT]
            | "PerLanguage" >> beam.GroupByKey()  # bounded: heldout_chars per language
            | "Fertility" >> beam.FlatMap(fertility_counts, model=AsSingleton(model))
            | "AsDict" >> beam.combiners.ToDict()
            | "Table" >> beam.Map(tokenizer.fertility_table)
        )
        return trained | "Info" >> beam.Map(
            lambda t, fertility: {**{k: v for k, v in t.items() if k != "model"}, "fertility": fertility},
            fertility=AsSingleton(fertility),
        )
