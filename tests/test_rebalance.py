import pytest

from corpus.rebalance import copies, temperature_rates, unit_hash


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


def test_alpha_one_keeps_the_distribution():
    rates = temperature_rates({"a": 10, "b": 1}, 1.0)
    assert rates == pytest.approx({"a": 1.0, "b": 1.0})


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
