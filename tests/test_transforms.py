"""Each Beam transform on a TestPipeline, its output checked with assert_that."""

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

import pipelines.records  # noqa: F401
from corpus.config import Dedup, Filters, LangId, Output, Rebalance
from corpus.schema import COMMONCRAWL, WIKIPEDIA, new_document
from pipelines.dedup import ExactDedup, NearDedup
from pipelines.filters import QualityFilter
from pipelines.langid import IdentifyLanguage
from pipelines.rebalance import Rebalance as RebalanceDocs
from pipelines.rebalance import SamplingRates
from pipelines.write import WriteShards

ENGLISH = (
    "The ferry leaves the harbour at seven and reaches the island before the fog lifts.\n"
    "Fishermen sell their catch on the pier while gulls circle above the boats.\n"
    "In the afternoon the wind turns and the small sailing boats return to the bay.\n"
    "Visitors climb the hill to the lighthouse to watch the sun go down over the water."
)
FRENCH = (
    "Le bac quitte le port à sept heures et atteint l'île avant que le brouillard ne se lève.\n"
    "Les pêcheurs vendent leur prise sur la jetée pendant que les mouettes tournent au-dessus des bateaux.\n"
    "L'après-midi, le vent tourne et les petits voiliers rentrent dans la baie."
)


def web(text, url="https://example.org/page"):
    return new_document(source=COMMONCRAWL, text=text, url=url)


def test_identify_language_labels_and_drops_low_scores():
    docs = [web(ENGLISH, "https://a.example/"), web(FRENCH, "https://b.example/"), web("zzz qqq xxx 123", "https://c.example/")]
    with TestPipeline() as p:
        kept, dropped, *_ = p | beam.Create(docs) | IdentifyLanguage(LangId(min_score=0.6))
        assert_that(kept | "Langs" >> beam.Map(lambda d: (d.url, d.lang)), equal_to([("https://a.example/", "eng_Latn"), ("https://b.example/", "fra_Latn")]), label="kept")
        assert_that(dropped | "Reasons" >> beam.Map(lambda d: d.reason), equal_to(["langid/low_score"]), label="dropped")


def test_quality_filter_counts_reasons():
    docs = [web(ENGLISH), web("Too short.", "https://s.example/")]
    with TestPipeline() as p:
        kept, dropped, *_ = p | beam.Create(docs) | QualityFilter(Filters(min_words=10))
        assert_that(kept | "Urls" >> beam.Map(lambda d: d.url), equal_to(["https://example.org/page"]), label="kept")
        assert_that(dropped | "Reasons" >> beam.Map(lambda d: d.reason), equal_to(["filter/too_short"]), label="dropped")


def test_exact_dedup_keeps_one_per_folded_text():
    a = web(ENGLISH, "https://a.example/")
    b = web(ENGLISH.upper(), "https://b.example/")
    wiki = new_document(source=WIKIPEDIA, text=ENGLISH.replace(".", "!"), title="Harbour")
    c = web(FRENCH, "https://c.example/")
    with TestPipeline() as p:
        kept, dropped, *_ = p | beam.Create([a, b, wiki, c]) | ExactDedup()
        assert_that(kept | "Kept" >> beam.Map(lambda d: (d.id, d.dup_count)), equal_to([(wiki.id, 3), (c.id, 1)]), label="kept")
        assert_that(dropped | "Dropped" >> beam.Map(lambda d: (d.reason, d.detail)), equal_to([("dedup/exact", a.id), ("dedup/exact", b.id)]), label="dropped")


def test_near_dedup_drops_variants_and_keeps_distinct_texts():
    original = web(ENGLISH, "https://a.example/")
    variant = web(ENGLISH + "\nAccept cookies", "https://b.example/")  # word 5-gram Jaccard 0.95
    other = web(FRENCH, "https://c.example/")
    best = min([original, variant], key=lambda d: (-d.n_chars, d.id))
    worse = variant if best is original else original
    with TestPipeline() as p:
        kept, dropped, *_ = p | beam.Create([original, variant, other]) | NearDedup(Dedup())
        assert_that(kept | "Kept" >> beam.Map(lambda d: (d.id, d.dup_count)), equal_to([(best.id, 2), (other.id, 1)]), label="kept")
        assert_that(dropped | "Dropped" >> beam.Map(lambda d: (d.reason, d.detail)), equal_to([("dedup/near", worse.id)]), label="dropped")


def test_rebalance_upsamples_small_languages_deterministically():
    docs = [web(f"{ENGLISH} {i}", f"https://en.example/{i}")._replace(lang="eng_Latn") for i in range(200)]
    docs += [web(f"{FRENCH} {i}", f"https://fr.example/{i}")._replace(lang="fra_Latn") for i in range(10)]
    with TestPipeline() as p:
        kept = p | beam.Create(docs)
        rates = kept | SamplingRates(Rebalance(alpha=0.3))
        written = kept | RebalanceDocs(rates, Rebalance(alpha=0.3))
        counts = written | beam.Map(lambda d: (d.lang, 1)) | beam.CombinePerKey(sum)

        def check(pairs):
            found = dict(pairs)
            assert found["fra_Latn"] > 10 and found["eng_Latn"] < 200, found

        assert_that(counts, check)


def test_write_shards_layout_and_checksums(tmp_path):
    docs = [web(f"{ENGLISH} {i}", f"https://en.example/{i}")._replace(lang="eng_Latn") for i in range(30)]
    out = str(tmp_path)
    with TestPipeline() as p:
        shards = p | beam.Create(docs) | WriteShards(out, Output(shard_bytes=4000))
        assert_that(shards | beam.Map(lambda s: s["rows"]) | beam.CombineGlobally(sum), equal_to([30]))
    files = sorted((tmp_path / "docs" / "eng_Latn").iterdir())
    assert files and all(f.name.endswith(f"-of-{len(files):05d}.parquet") for f in files)
    assert sum(pq.read_table(f).num_rows for f in files) == 30


def test_record_coder_is_rowcoder():
    from apache_beam.coders import RowCoder, registry

    from corpus.schema import Document

    assert isinstance(registry.get_coder(Document), RowCoder)
