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


def doc_rate(doc, rates, source_weights) -> float:
    """How many times over a document is sampled: its language's rate times its source's weight."""
    return rates.get(doc.lang, 0.0) * rebalance.source_weight(doc.source, source_weights)


def split_paragraphs(doc, rates, total, lang_chars, config: Tokenizer, source_weights):
    """A document's paragraphs: held out (tagged HELDOUT) for fertility, or (lang, paragraph) as many times as sampled."""
    # Take the whole rebalanced corpus when it is smaller than the sample.
    fraction = min(1.0, config.sample_chars / max(1.0, total))
    heldout = min(config.heldout_fraction, config.heldout_chars / max(1, lang_chars[doc.lang]))
    repeats = rebalance.copies(doc.id, doc_rate(doc, rates, source_weights) * fraction, config.seed)
    for index, paragraph in enumerate(paragraphs(doc.text)):
        if tokenizer.is_heldout(doc.id, index, heldout, config.seed):
            yield TaggedOutput(HELDOUT, (doc.lang, paragraph))
        else:
            for _ in range(repeats):
                yield doc.lang, paragraph


def tokenizer_entry(model: bytes, vocab: bytes, config: Tokenizer, sample: list[tuple[str, str]], sample_chars: int) -> dict:
    """The manifest's tokenizer entry (without the fertility table, measured later): files, sizes, the sample."""
    return {
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


def train_and_write(gathered, config: Tokenizer, out_dir: str):
    """Train on the whole (capped) sample in one worker, write spm.model and spm.vocab; yields the model and its entry."""
    _, sample = gathered
    sample = tokenizer.cap_sample(list(sample), config.input_sentence_size, config.seed)
    languages = {lang for lang, _ in sample}
    sample_chars = sum(len(sentence) for _, sentence in sample)
    vocab_size = tokenizer.fitted_vocab_size(config, sample_chars, len(set().union(*(set(s) for _, s in sample))))
    model = tokenizer.train((sentence for _, sentence in sample), config.model_copy(update={"vocab_size": vocab_size}), languages)
    vocab = tokenizer.vocab_text(model).encode("utf-8")
    base = FileSystems.join(out_dir, release.TOKENIZER_DIR)
    write_file(FileSystems.join(base, "spm.model"), model)
    write_file(FileSystems.join(base, "spm.vocab"), vocab)
    yield {"model": model, **tokenizer_entry(model, vocab, config, sample, sample_chars)}


def fertility_counts(lang_and_paragraphs, model):
    """A language's held-out paragraphs, tokenized: its fertility counts."""
    lang, texts = lang_and_paragraphs
    counter = tokenizer.FertilityCounter(model)
    totals: dict[str, int] = {}
    for text in texts:
        for key, amount in counter.counts(text).items():
            totals[key] = totals.get(key, 0) + amount
    yield lang, totals


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

    def split(self, docs):
        """Paragraphs of the kept documents: the training sample (main output) and the held-out ones (HELDOUT)."""
        config, rates, source_weights = self.config, self.rates, self.rebalance_config.source_weights
        if config.alpha is not None:
            own = self.rebalance_config.model_copy(update={"method": "temperature", "alpha": config.alpha})
            rates = docs | "TokenizerRates" >> SamplingRates(own)
        lang_chars = docs | "LangChars" >> beam.Map(lambda d: (d.lang, d.n_chars)) | "SumLangChars" >> beam.CombinePerKey(sum)
        rebalanced_chars = (
            docs
            | "RebalancedChars" >> beam.Map(lambda d, rates: d.n_chars * doc_rate(d, rates, source_weights), rates=AsSingleton(rates))
            | "SumRebalanced" >> beam.CombineGlobally(sum)
        )
        return docs | "Split" >> beam.FlatMap(
            split_paragraphs, rates=AsSingleton(rates), total=AsSingleton(rebalanced_chars), lang_chars=AsDict(lang_chars),
            config=config, source_weights=source_weights,
        ).with_outputs(HELDOUT, main="sample")

    def expand(self, docs):
        parts = self.split(docs)
        trained = (
            parts.sample
            | "OneWorker" >> beam.Map(lambda item: (None, item))
            | "Gather" >> beam.GroupByKey()
            | "Train" >> beam.FlatMap(train_and_write, config=self.config, out_dir=self.out_dir)
        )
        model = trained | "Model" >> beam.Map(lambda t: t["model"])
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
