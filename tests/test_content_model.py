"""The content model (corpus/filters/content.py): real text of a language scores above lists, menus and spam."""

from corpus.config import Filters
from corpus.filters import LOW_QUALITY, QualityRules
from corpus.filters.content import ContentModel, bucket
from corpus.schema import BUCKETS, COMMONCRAWL, new_document

PROSE = (
    "The old mill stood at the bend of the river for almost two hundred years. When the water was high in spring, "
    "the wheel turned day and night, and farmers from the villages around brought their grain on carts. After the "
    "railway reached the valley, the mill lost most of its trade, and the family that owned it turned the building "
    "into a small museum about the history of the region and the people who worked there."
)
# Keyword-stuffed spam: the vocabulary and the word order of no real sentence.
SPAM = (
    "cheap pills online buy now best price casino bonus free spins slots jackpot win big hot singles dating "
    "click here discount pills casino bonus no deposit free spins slots jackpot payday loans fast cash online "
    "replica watches cheap replica bags outlet sale best price buy now free shipping casino poker betting odds"
)
PRODUCT_CODES = "SKU 4471-AX 12V 3.5A | SKU 4471-BX 24V 2A | SKU 5520-KL 5V 1A | SKU 5520-KM 9V 2A | SKU 7710-ZZ 48V 0.5A " * 4


def test_prose_costs_less_and_scores_higher_than_spam_and_codes():
    model = ContentModel(Filters().content_bias, Filters().content_weight)
    reference = Filters().for_language("eng_Latn").lm_reference
    assert reference is not None
    prose, spam, codes = (model.cost(t) for t in (PROSE, SPAM, PRODUCT_CODES))
    assert prose < spam and prose < codes
    assert model.quality(prose, reference) > 0.5 > model.quality(spam, reference)


def test_buckets_follow_the_thresholds():
    assert [bucket(q, head=0.7, tail=0.4) for q in (0.9, 0.7, 0.5, 0.4, 0.1)] == ["head", "head", "middle", "middle", "tail"]
    assert BUCKETS[0] == "head"


# The rules that would catch the spam text first (its repeated n-grams, no stop words, listed words, no sentence) off.
FORM_RULES_OFF = dict(blocklist=False, min_stop_words=None, max_top_ngram_char_ratio=None, max_dup_ngram_char_ratio=None,
                      min_prose_char_ratio=None)


def test_the_filter_step_scores_keeps_prose_and_drops_spam_as_low_quality():
    rules = QualityRules(Filters(min_quality=0.3, **FORM_RULES_OFF))
    prose, reason = rules.judge(new_document(source=COMMONCRAWL, text=PROSE, url="https://mill.example/")._replace(lang="eng_Latn"))
    assert reason is None and prose.quality > 0.5 and prose.signals["lm_cost"] > 0
    spam = new_document(source=COMMONCRAWL, text=SPAM, url="https://x.example/")._replace(lang="eng_Latn")
    assert rules.judge(spam)[1] == LOW_QUALITY
    # Scored but never dropped when the minimum is off; not scored when the model is off.
    assert QualityRules(Filters(min_quality=None, **FORM_RULES_OFF)).judge(spam)[1] is None
    page = new_document(source=COMMONCRAWL, text=PROSE, url="https://mill.example/")._replace(lang="eng_Latn")
    unscored, _ = QualityRules(Filters(content_model=False)).judge(page)
    assert unscored.quality == -1.0 and unscored.quality_bucket == ""


def test_a_language_without_a_reference_is_measured_but_not_judged():
    spam = new_document(source=COMMONCRAWL, text=SPAM, url="https://x.example/")._replace(lang="eng_Latn")
    config = Filters(min_quality=0.3, languages={"eng_Latn": {"lm_reference": None}}, **FORM_RULES_OFF)
    measured, reason = QualityRules(config).judge(spam)
    assert reason is None and measured.signals["lm_cost"] > 4 and measured.quality == -1.0 and measured.quality_bucket == ""


def test_a_language_reference_moves_its_score():
    """A language whose good text costs more per word (rich morphology) is judged against its own reference."""
    config = Filters(languages={"ukr_Cyrl": {"lm_reference": 4.5}})
    assert config.for_language("ukr_Cyrl").lm_reference == 4.5
    assert Filters().for_language("ukr_Cyrl").lm_reference > Filters().for_language("eng_Latn").lm_reference


def test_only_web_pages_are_dropped_as_low_quality_by_default():
    """Wikipedia is the reference the model is measured against: its list-like articles are scored, not dropped."""
    from corpus.schema import WIKIPEDIA

    article = new_document(source=WIKIPEDIA, text=SPAM, title="A list")._replace(lang="eng_Latn")
    scored, reason = QualityRules(Filters(min_quality=0.3, **FORM_RULES_OFF)).judge(article)
    assert reason is None and scored.quality < 0.3
    assert QualityRules(Filters(min_quality=0.3, low_quality_sources=["commoncrawl", "wikipedia"], **FORM_RULES_OFF)).judge(article)[1] == LOW_QUALITY
