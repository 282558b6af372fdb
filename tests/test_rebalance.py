import math

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.config import Rebalance as RebalanceConfig
from corpus.rebalance import copies, language_rates, temperature_rates, unimax_rates, unit_hash, weight_rates
from corpus.schema import COMMONCRAWL, WIKIPEDIA, new_document
from pipelines.rebalance import Rebalance, SamplingRates


def test_temperature_rates_match_the_formula_and_keep_the_corpus_size():
    sizes = {"eng_Latn": 9_000_000, "fra_Latn": 900_000, "swh_Latn": 10_000}
    alpha = 0.3
    rates = temperature_rates(sizes, alpha)
    total = sum(sizes.values())
    weights = {k: (v / total) ** alpha for k, v in sizes.items()}
    for lang, size in sizes.items():
        assert rates[lang] * size / total == pytest.approx(weights[lang] / sum(weights.values()))
    assert sum(rates[k] * v for k, v in sizes.items()) == pytest.approx(total)
    assert rates["eng_Latn"] < 1 < rates["fra_Latn"] < rates["swh_Latn"]


def test_temperature_by_hand():
    # p = (0.9, 0.1); alpha = 0.5: sqrt(0.9) / sqrt(0.1) = 3, so q = (0.75, 0.25) of 100.
    assert temperature_rates({"a": 90, "b": 10}, 0.5) == pytest.approx({"a": 75 / 90, "b": 2.5})


def test_alpha_one_keeps_the_distribution_and_alpha_zero_makes_it_uniform():
    assert temperature_rates({"a": 10, "b": 1}, 1.0) == pytest.approx({"a": 1.0, "b": 1.0})
    assert temperature_rates({"a": 90, "b": 10}, 0.0) == pytest.approx({"a": 50 / 90, "b": 5.0})


def test_a_budget_scales_every_language():
    assert temperature_rates({"a": 90, "b": 10}, 1.0, budget=200) == pytest.approx({"a": 2.0, "b": 2.0})


def test_unimax_by_hand():
    sizes = {"a": 1000, "b": 100, "c": 10}
    # Keep the size (1110): c gets min(1110/3, 4*10) = 40, b min(1070/2, 400) = 400, a the rest, 670.
    assert unimax_rates(sizes, max_epochs=4, budget=None) == pytest.approx({"c": 4.0, "b": 4.0, "a": 0.67})
    # Budget 300: c min(100, 40) = 40, b min(130, 400) = 130, a 130.
    assert unimax_rates(sizes, max_epochs=4, budget=300) == pytest.approx({"c": 4.0, "b": 1.3, "a": 0.13})


def test_weight_table_by_hand():
    sizes = {"a": 80, "b": 10, "c": 10}
    # Shares 3:1 of 100 for a and b; c is not in the table and is not written.
    assert weight_rates(sizes, {"a": 3, "b": 1}) == pytest.approx({"a": 75 / 80, "b": 2.5, "c": 0.0})
    # "*" weighs every language the table does not name.
    assert weight_rates(sizes, {"a": 2, "*": 1}) == pytest.approx({"a": 50 / 80, "b": 2.5, "c": 2.5})


def test_config_chooses_the_method():
    sizes = {"a": 1000, "b": 100, "c": 10}
    assert language_rates(sizes, RebalanceConfig(method="unimax", max_epochs=4)) == unimax_rates(sizes, 4)
    assert language_rates(sizes, RebalanceConfig(alpha=0.5, budget=500)) == temperature_rates(sizes, 0.5, 500)
    assert language_rates(sizes, RebalanceConfig(method="weights", weights={"a": 1})) == weight_rates(sizes, {"a": 1})


sizes_strategy = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3), st.integers(1, 10**9), min_size=1, max_size=12
)


@settings(max_examples=200, deadline=None)
@given(sizes=sizes_strategy, alpha=st.floats(0.0, 1.0), budget=st.one_of(st.none(), st.integers(1, 10**10)))
def test_temperature_shares_form_a_distribution(sizes, alpha, budget):
    rates = temperature_rates(sizes, alpha, budget)
    target = sum(sizes.values()) if budget is None else budget
    shares = [rates[lang] * size / target for lang, size in sizes.items()]
    assert all(s >= 0 for s in shares) and sum(shares) == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(sizes=sizes_strategy, max_epochs=st.floats(0.1, 10.0), budget=st.one_of(st.none(), st.integers(1, 10**10)))
def test_unimax_never_exceeds_the_epoch_cap_nor_the_budget(sizes, max_epochs, budget):
    rates = unimax_rates(sizes, max_epochs, budget)
    target = sum(sizes.values()) if budget is None else budget
    written = sum(rates[lang] * size for lang, size in sizes.items())
    assert all(0 <= r <= max_epochs * (1 + 1e-9) for r in rates.values())
    assert written <= target * (1 + 1e-9)
    # The budget goes unspent only when every language is at its cap.
    if written < target * (1 - 1e-9):
        assert all(r == pytest.approx(max_epochs) for r in rates.values())
    for lang, rate in rates.items():  # a single document is never written more often than the cap allows
        assert all(copies(f"{lang}{i}", rate, 0) <= math.ceil(max_epochs) for i in range(20))


def test_copies_are_deterministic_and_average_to_the_rate():
    ids = [f"doc{i}" for i in range(20000)]
    for rate in (0.25, 1.0, 2.6):
        counts = [copies(i, rate, seed=0) for i in ids]
        assert counts == [copies(i, rate, seed=0) for i in ids]
        assert sum(counts) / len(ids) == pytest.approx(rate, rel=0.03)
        assert all(int(rate) <= c <= int(rate) + 1 for c in counts)
    assert [copies(i, 0.5, 0) for i in ids[:200]] != [copies(i, 0.5, 1) for i in ids[:200]]


def test_unit_hash_is_in_unit_interval():
    assert all(0 <= unit_hash("x", i) < 1 for i in range(1000))


def test_source_weights_favour_a_source_within_a_language():
    """Wikipedia counted twice: its documents are written about twice as often as the web's."""

    def doc(source, i):
        return new_document(source=source, text=f"Sample text number {i} about rivers.", url=f"https://x.example/{source}/{i}")._replace(
            lang="eng_Latn", n_chars=100
        )

    docs = [doc(COMMONCRAWL, i) for i in range(2000)] + [doc(WIKIPEDIA, i) for i in range(2000)]
    config = RebalanceConfig(alpha=1.0, source_weights={WIKIPEDIA: 2.0})
    with TestPipeline() as p:
        kept = p | beam.Create(docs)
        rates = kept | SamplingRates(config)
        written = kept | Rebalance(rates, config.seed, config.source_weights)
        counts = written | beam.Map(lambda d: (d.source, 1)) | beam.CombinePerKey(sum)

        def check(pairs):
            found = dict(pairs)
            # Keep the corpus size (4000 documents): rate 4000/6000 per weighted unit.
            assert found[WIKIPEDIA] == pytest.approx(2 * 2000 * 2 / 3, rel=0.05), found
            assert found[COMMONCRAWL] == pytest.approx(2000 * 2 / 3, rel=0.05), found

        assert_that(counts, check)


def test_rebalancing_gives_the_smallest_demo_language_a_larger_share(demo):
    _, _, manifest = demo
    langs = {lang: v for lang, v in manifest["languages"].items() if v["kept"]}
    before = sum(v["kept_chars"] for v in langs.values())
    after = sum(v["written_chars"] for v in langs.values())
    smallest = min(langs, key=lambda lang: langs[lang]["kept_chars"])
    largest = max(langs, key=lambda lang: langs[lang]["kept_chars"])
    assert langs[smallest]["written_chars"] / after > langs[smallest]["kept_chars"] / before
    assert langs[largest]["written_chars"] / after < langs[largest]["kept_chars"] / before
    # Effective epochs are recorded, and follow the rates.
    assert langs[smallest]["epochs"] > 1 > langs[largest]["epochs"]
    assert langs[smallest]["epochs"] == pytest.approx(langs[smallest]["rate"], rel=0.5)
