
import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.config import Rebalance as RebalanceConfig
from corpus.rebalance import (
    capped_rates,
    copies,
    document_rate,
    held_back,
    language_caps,
    may_repeat,
    language_rates,
    source_weight,
    temperature_rates,
    unimax_rates,
    unit_hash,
    weight_rates,
)
from corpus.schema import COMMONCRAWL, WIKIPEDIA, new_document
from pipelines.rebalance import CopyStats, Rebalance, SamplingRates


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
@given(sizes=sizes_strategy, max_epochs=st.integers(1, 10), budget=st.one_of(st.none(), st.integers(1, 10**10)))
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
        assert all(copies(f"{lang}{i}", rate, 0) <= max_epochs for i in range(20))


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
        written = kept | Rebalance(rates, config)
        counts = written | beam.Map(lambda d: (d.source, 1)) | beam.CombinePerKey(sum)

        def check(pairs):
            found = dict(pairs)
            # Keep the corpus size (4000 documents): rate 4000/6000 per weighted unit.
            assert found[WIKIPEDIA] == pytest.approx(2 * 2000 * 2 / 3, rel=0.05), found
            assert found[COMMONCRAWL] == pytest.approx(2000 * 2 / 3, rel=0.05), found

        assert_that(counts, check)


def test_rebalancing_gives_the_smallest_demo_language_a_larger_share(demo):
    _, _, manifest = demo
    langs = {lang: v for lang, v in manifest["languages"].items() if v["kept"] and not v["held_back"]}
    before = sum(v["kept_chars"] for v in langs.values())
    after = sum(v["written_chars"] for v in langs.values())
    smallest = min(langs, key=lambda lang: langs[lang]["kept_chars"])
    largest = max(langs, key=lambda lang: langs[lang]["kept_chars"])
    assert langs[smallest]["written_chars"] / after > langs[smallest]["kept_chars"] / before
    assert langs[largest]["written_chars"] / after < langs[largest]["kept_chars"] / before
    # Effective epochs are recorded, and follow the rates.
    assert langs[smallest]["epochs"] > 1 > langs[largest]["epochs"]
    assert langs[smallest]["epochs"] == pytest.approx(langs[smallest]["rate"], rel=0.5)


# ---------------------------------------------------------------- caps for every method (issue 16)


def test_temperature_is_capped_at_max_epochs_and_gives_the_rest_to_the_others():
    # alpha 0 would give c (10 chars) a third of 1110: rate 37. Capped at 4, c takes 40 and the
    # other 1070 are split evenly between a and b (their temperature weights are equal at alpha 0).
    rates = temperature_rates({"a": 1000, "b": 100, "c": 10}, 0.0, caps={"a": 4, "b": 4, "c": 4})
    assert rates == pytest.approx({"c": 4.0, "b": 4.0, "a": 0.67})  # b capped too: 535 > 400
    rates = temperature_rates({"a": 1000, "b": 500, "c": 10}, 0.0, caps={"a": 4, "b": 4, "c": 4})
    assert rates == pytest.approx({"c": 4.0, "b": 735 / 500, "a": 735 / 1000})


def test_weights_are_capped_too():
    rates = weight_rates({"a": 90, "b": 10}, {"a": 1, "b": 1}, caps={"a": 4, "b": 1})
    assert rates == pytest.approx({"a": 90 / 90, "b": 1.0})  # b held at 1: its 40 left over go to a


def test_every_language_at_its_cap_leaves_the_budget_unspent():
    rates = capped_rates({"a": 10, "b": 10}, {"a": 1, "b": 1}, {"a": 4, "b": 1}, budget=1000)
    assert rates == {"a": 4, "b": 1}


def test_a_language_below_the_minimum_is_held_back():
    config = RebalanceConfig(min_documents=5, min_chars=1000, max_epochs=4)
    assert held_back(4, 10_000, config) and held_back(50, 999, config) and not held_back(5, 1000, config)
    caps = language_caps({"big": (1000, 10**6, 10**6), "tiny": (3, 10**6, 10**6), "short": (100, 500, 500)}, config)
    assert caps == {"big": 4, "tiny": 1, "short": 1}
    # Wikipedia counting twice: the language's rate is capped at half, so its documents stay at the cap.
    assert language_caps({"big": (1000, 10**6, 10**6)}, config, {"big": 2.0}) == {"big": 2.0}


def test_a_language_mostly_in_the_tail_is_not_up_sampled():
    """Up-sampling repeats only what the content model rates middle or better, and not at all in a
    language whose text is mostly below that."""
    config = RebalanceConfig(min_documents=5, min_chars=1000, upsample_min_bucket="middle", upsample_min_share=0.5)
    assert may_repeat("head", config) and may_repeat("middle", config) and not may_repeat("tail", config)
    assert may_repeat("", config)  # not scored (content model off)
    assert may_repeat("tail", config.model_copy(update={"upsample_min_bucket": None}))
    assert held_back(100, 10**6, config, repeatable_chars=4 * 10**5) and not held_back(100, 10**6, config, repeatable_chars=6 * 10**5)
    assert language_caps({"junk": (100, 10**6, 10**5), "good": (100, 10**6, 9 * 10**5)}, config) == {"junk": 1, "good": 4}


def _languages():
    """Languages as lists of documents (characters, source): from a single page to a few hundred."""
    doc = st.tuples(st.integers(1, 50_000), st.sampled_from([COMMONCRAWL, WIKIPEDIA]))
    return st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2), st.lists(doc, min_size=1, max_size=300), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    languages=_languages(),
    method=st.sampled_from(["temperature", "unimax", "weights"]),
    alpha=st.floats(0.0, 1.0),
    max_epochs=st.integers(1, 6),
    unit=st.sampled_from(["chars", "documents"]),
    budget=st.one_of(st.none(), st.integers(1, 10**8)),
    wikipedia_weight=st.sampled_from([None, 0.5, 1.0, 2.0, 3.7]),
    min_documents=st.integers(0, 20),
    min_chars=st.integers(0, 100_000),
    seed=st.integers(0, 3),
)
def test_no_document_is_written_more_than_max_epochs_times_by_any_method(
    languages, method, alpha, max_epochs, unit, budget, wikipedia_weight, min_documents, min_chars, seed
):
    """The rates as the pipeline computes them (pipelines.rebalance.SamplingRates), then every copy decided."""
    source_weights = {} if wikipedia_weight is None else {WIKIPEDIA: wikipedia_weight}
    config = RebalanceConfig(
        method=method, alpha=alpha, max_epochs=max_epochs, unit=unit, budget=budget, source_weights=source_weights,
        weights={"a": 5.0, "*": 1.0}, min_documents=min_documents, min_chars=min_chars, seed=seed,
    )
    size = {lang: [chars if unit == "chars" else 1 for chars, _ in docs] for lang, docs in languages.items()}
    weighted = {lang: sum(s * source_weight(src, source_weights) for s, (_, src) in zip(size[lang], docs)) for lang, docs in languages.items()}
    counts = {lang: (len(docs), sum(chars for chars, _ in docs), sum(chars for chars, _ in docs)) for lang, docs in languages.items()}
    top = {lang: max(source_weight(src, source_weights) for _, src in docs) for lang, docs in languages.items()}
    caps = language_caps(counts, config, top)
    rates = language_rates(weighted, config.model_copy(update={"budget": budget or sum(map(sum, size.values()))}), caps)
    for lang, docs in languages.items():
        documents, chars, repeatable = counts[lang]
        limit = 1 if held_back(documents, chars, config, repeatable) else max_epochs
        for i, (_, src) in enumerate(docs):
            rate = document_rate(rates[lang], source_weight(src, source_weights))
            assert rate <= limit
            assert copies(f"{lang}/{i}", rate, seed) <= limit


def test_copy_stats_count_each_documents_rows():
    docs = [new_document(source=COMMONCRAWL, text=f"page {i}", url=f"https://x.example/{i}")._replace(lang="eng_Latn") for i in range(3)]
    written = [docs[0], docs[0]._replace(repetition=1), docs[0]._replace(repetition=2), docs[1], docs[2], docs[2]._replace(repetition=1)]
    expected = [("copies|eng_Latn|1", 1), ("copies|eng_Latn|2", 1), ("copies|eng_Latn|3", 1), ("max_copies|eng_Latn", 3)]
    with TestPipeline() as p:
        stats = p | beam.Create(written) | CopyStats()
        assert_that(stats, equal_to(expected))


def test_a_single_page_language_is_written_once_at_most():
    """The observed failure: under alpha 0.3 a one-page language got a rate of hundreds."""

    def doc(lang, i, chars):
        return new_document(source=COMMONCRAWL, text=f"{lang} {i}", url=f"https://{lang}.example/{i}")._replace(lang=lang, n_chars=chars)

    docs = [doc("eng_Latn", i, 5000) for i in range(400)] + [doc("lat_Latn", 0, 3000)] + [doc("fra_Latn", i, 2000) for i in range(30)]
    config = RebalanceConfig(alpha=0.3)
    with TestPipeline() as p:
        kept = p | beam.Create(docs)
        rates = kept | SamplingRates(config)
        written = kept | Rebalance(rates, config)
        stats = written | CopyStats()

        def check_rates(found):
            assert found[0]["lat_Latn"] <= 1 and 1 < found[0]["fra_Latn"] <= 4, found

        def check_copies(found):
            most = dict(found)
            assert most["max_copies|lat_Latn"] == 1 and most["max_copies|fra_Latn"] <= 4, most

        assert_that(rates, check_rates, label="rates")
        assert_that(stats | beam.Filter(lambda kv: kv[0].startswith("max_copies")), check_copies, label="copies")


@settings(max_examples=200, deadline=None)
@given(
    sizes=sizes_strategy,
    # Weights of no share, or of a real one: vanishing weights (1e-256) only test float rounding.
    weights=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.one_of(st.just(0.0), st.floats(1e-3, 10.0)), max_size=12),
    cap=st.integers(1, 6),
    budget=st.one_of(st.none(), st.integers(1, 10**10)),
)
def test_freed_budget_goes_to_the_uncapped_languages_in_proportion_to_their_weights(sizes, weights, cap, budget):
    caps = {lang: 1.0 if i % 3 == 0 else float(cap) for i, lang in enumerate(sorted(sizes))}  # some held back
    rates = capped_rates(sizes, weights, caps, budget)
    target = sum(sizes.values()) if budget is None else budget
    written = sum(rates[lang] * size for lang, size in sizes.items())
    weighted = [lang for lang in sizes if weights.get(lang, 0) > 0]
    assert all(0 <= rates[lang] <= caps[lang] * (1 + 1e-9) for lang in sizes)
    assert all(rates[lang] == 0 for lang in sizes if lang not in weighted)
    assert written <= target * (1 + 1e-9)
    below = [lang for lang in weighted if rates[lang] < caps[lang] * (1 - 1e-9)]
    if below:  # someone could take more: the whole budget is spent, shared by weight among those below their caps
        assert written == pytest.approx(target, rel=1e-6)
        per_weight = {rates[lang] * sizes[lang] / weights[lang] for lang in below}
        assert max(per_weight) == pytest.approx(min(per_weight), rel=1e-6)
        # and a capped language would have had at least that much by weight
        level = min(per_weight)
        assert all(caps[lang] * sizes[lang] / weights[lang] <= level * (1 + 1e-6) for lang in weighted if lang not in below)


def test_only_documents_at_or_above_the_bucket_are_repeated():
    """A small language is up-sampled: its head and middle documents get copies, its tail ones one each."""

    def doc(lang, i, bucket):
        return new_document(source=COMMONCRAWL, text=f"{lang} {i}", url=f"https://{lang}.example/{i}")._replace(
            lang=lang, n_chars=2000, quality_bucket=bucket
        )

    docs = [doc("eng_Latn", i, "head") for i in range(400)]
    docs += [doc("fra_Latn", i, ("head", "middle", "tail")[i % 3]) for i in range(30)]
    config = RebalanceConfig(alpha=0.3, upsample_min_bucket="middle", upsample_min_share=0.5)
    with TestPipeline() as p:
        kept = p | beam.Create(docs)
        written = kept | Rebalance(kept | SamplingRates(config), config)
        per_bucket = (
            written
            | beam.Filter(lambda d: d.lang == "fra_Latn")
            | beam.Map(lambda d: ((d.quality_bucket, d.id), 1))
            | beam.CombinePerKey(sum)
            | beam.Map(lambda kv: (kv[0][0], kv[1]))
            | beam.CombinePerKey(max)
        )
        assert_that(per_bucket, lambda found: _check_most_copies(dict(found)))


def _check_most_copies(most: dict[str, int]) -> None:
    assert most["tail"] == 1 and most["head"] > 1 and most["middle"] > 1, most
