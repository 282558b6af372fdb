"""The tokenizer: options reach SentencePiece, the sample is bounded and recorded, fertility is measured on held-out text."""

import json

import apache_beam as beam
import pytest
import sentencepiece as spm
from apache_beam.testing.test_pipeline import TestPipeline

from corpus import tokenizer
from corpus.config import Rebalance as RebalanceConfig
from corpus.config import Tokenizer
from corpus.schema import COMMONCRAWL, new_document
from pipelines.rebalance import SamplingRates
from pipelines.tokenizer import TrainTokenizer

ENGLISH = [
    "The ferry leaves the harbour at {n} o'clock when the tide is high.",
    "Our village library lends bicycles, seeds and {n} kinds of tools.",
    "A quiet path climbs from the mill to the old stone bridge.",
    "Children count {n} swallows nesting under the station roof.",
]
RUSSIAN = [
    "Паром отходит от пристани в {n} часов, когда вода высокая.",
    "Наша сельская библиотека выдаёт велосипеды и {n} видов инструментов.",
    "Тихая тропа поднимается от мельницы к старому мосту.",
]
JAPANESE = [
    "渡し船は潮が満ちる{n}時に港を出ます。",
    "村の図書館では自転車と{n}種類の道具を貸しています。",
]


def lines(templates, count):
    return [templates[i % len(templates)].format(n=i) for i in range(count)]


def docs_of(lang, templates, count, per_doc=4):
    texts = lines(templates, count)
    return [
        new_document(source=COMMONCRAWL, text="\n".join(texts[i : i + per_doc]), url=f"https://{lang}.example/{i}")._replace(
            lang=lang, n_chars=sum(map(len, texts[i : i + per_doc]))
        )
        for i in range(0, count, per_doc)
    ]


SMALL = Tokenizer(vocab_size=1000, sample_chars=100_000)


def test_options_reach_sentencepiece():
    sample = lines(ENGLISH, 400) + lines(RUSSIAN, 200) + lines(JAPANESE, 100)
    config = SMALL.model_copy(update={"model_type": "bpe", "language_tags": True, "special_tokens": ["<mask2>"]})
    model = tokenizer.train(sample, config, ["eng_Latn", "rus_Cyrl", "jpn_Jpan"])
    sp = spm.SentencePieceProcessor(model_proto=model)
    pieces = {sp.id_to_piece(i) for i in range(sp.get_piece_size())}
    assert {"<eng_Latn>", "<rus_Cyrl>", "<jpn_Jpan>", "<mask2>"} <= pieces
    assert "<rus_Cyrl>" in sp.encode("<rus_Cyrl> Паром", out_type=str)  # one piece, never split
    # split_digits: a number is one token per digit.
    assert [p for p in sp.encode("2024", out_type=str) if p != "▁"] == ["2", "0", "2", "4"]
    # byte fallback: a script the sample never had still round-trips, as bytes.
    assert sp.decode(sp.encode("ወንዙ")) == "ወንዙ"
    assert any(sp.is_byte(i) for i in sp.encode("ወንዙ"))


def test_sample_cap_is_deterministic_and_bounded():
    sample = [("eng_Latn", s) for s in lines(ENGLISH, 300)] + [("rus_Cyrl", s) for s in lines(RUSSIAN, 300)]
    capped = tokenizer.cap_sample(sample, 100, seed=0)
    assert len(capped) == 100 and capped == tokenizer.cap_sample(list(reversed(sample)), 100, seed=0)
    assert capped == sorted(capped, key=lambda item: (item[1], item[0]))
    mix = tokenizer.composition(capped)
    assert set(mix) == {"eng_Latn", "rus_Cyrl"} and sum(v["share"] for v in mix.values()) == pytest.approx(1.0)


def test_fertility_table_counts_words_or_characters():
    model = tokenizer.train(lines(ENGLISH, 400) + lines(JAPANESE, 200), SMALL)
    counter = tokenizer.FertilityCounter(model)
    english = counter.counts("The ferry leaves the harbour.")
    japanese = counter.counts("渡し船は港を出ます。")
    assert english["units"] == 5 and japanese["units"] == len("渡し船は港を出ます。")
    table = tokenizer.fertility_table({"eng_Latn": english, "jpn_Jpan": japanese})
    assert table["eng_Latn"]["per"] == "word" and table["jpn_Jpan"]["per"] == "char"
    assert table["eng_Latn"]["fertility"] == pytest.approx(english["tokens"] / 5, abs=1e-4)
    assert 0 <= table["jpn_Jpan"]["byte_fallback_share"] <= 1


def test_train_tokenizer_transform_writes_the_model_and_records_the_sample(tmp_path):
    docs = docs_of("eng_Latn", ENGLISH, 800) + docs_of("rus_Cyrl", RUSSIAN, 120) + docs_of("jpn_Jpan", JAPANESE, 40)
    rebalance = RebalanceConfig(alpha=0.3)
    with TestPipeline() as p:
        kept = p | beam.Create(docs)
        rates = kept | SamplingRates(rebalance)
        info = kept | TrainTokenizer(str(tmp_path), SMALL, rebalance, rates)
        info | beam.Map(lambda i: (tmp_path / "info.json").write_text(json.dumps(i)))
    info = json.loads((tmp_path / "info.json").read_text())
    model = (tmp_path / "tokenizer" / "spm.model").read_bytes()
    assert info["files"]["tokenizer/spm.model"]["sha256"] == tokenizer.model_digest(model)
    sample = info["sample"]
    assert set(sample) == {"eng_Latn", "rus_Cyrl", "jpn_Jpan"}
    # The sample follows the rebalanced distribution: the smallest language gains share over its raw share.
    raw_share = sum(d.n_chars for d in docs if d.lang == "jpn_Jpan") / sum(d.n_chars for d in docs)
    assert sample["jpn_Jpan"]["share"] > raw_share
    assert set(info["fertility"]) == {"eng_Latn", "rus_Cyrl", "jpn_Jpan"}
    assert info["fertility"]["jpn_Jpan"]["per"] == "char"


def test_demo_tokenizer_is_fair_to_the_smallest_language(demo):
    _, _, manifest = demo
    tok = manifest["tokenizer"]
    fertility = tok["fertility"]
    langs = {lang: v for lang, v in manifest["languages"].items() if v["kept"] and lang in fertility}
    smallest = min(langs, key=lambda lang: langs[lang]["kept_chars"])
    largest = max(langs, key=lambda lang: langs[lang]["kept_chars"])
    ratio = fertility[smallest]["fertility"] / fertility[largest]["fertility"]
    print(f"fertility {smallest} {fertility[smallest]} vs {largest} {fertility[largest]}: ratio {ratio:.2f}")
    # Rebalancing fed the tokenizer enough of the smallest language: it is not shredded into many more tokens.
    assert ratio <= 2.0
    assert sum(v["share"] for v in tok["sample"].values()) == pytest.approx(1.0, abs=1e-4)
    assert tok["sample"][smallest]["chars"] > 0


def test_a_vocabulary_too_large_for_its_sample_is_cut():
    from corpus.tokenizer import fitted_vocab_size

    config = Tokenizer(vocab_size=250_000, min_chars_per_piece=500)
    assert fitted_vocab_size(config, 31_000_000) == 62_000  # the 31 M-character sample
    assert fitted_vocab_size(config, 10**12) == 250_000
    assert fitted_vocab_size(config.model_copy(update={"min_chars_per_piece": 0}), 1000) == 250_000
