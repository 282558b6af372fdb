"""Web pages that are lists rather than text, look-alike letters, and spam signs in a page's URL
(corpus/filters/prose.py, corpus/filters/spam.py).

Every page here was written for these tests: a collection front of counts and teasers, a profile
stub, a Russian article with Greek look-alike letters, and good articles that must be kept. The
real-data check reads the Wikipedia dumps of ../shared/data (skipped when absent).
"""

import pytest

from corpus.config import Filters
from corpus.filters import QualityRules, prose, spam
from corpus.filters import blocklist as block
from corpus.schema import COMMONCRAWL, SIGNALS, WIKIPEDIA, Document, new_document

ARTICLE_EN = "\n".join([
    "Harbour Notes",
    "The ferry to the outer islands will leave half an hour earlier from Monday, the harbour office said on Tuesday. "
    "The change follows complaints from commuters who missed their buses on the mainland because the boat arrived late.",
    "Skippers say the new timetable also avoids the strong afternoon tide that slows the crossing in autumn. The evening "
    "sailing stays as it is, and the office will review both sailings again before the summer season begins.",
])
ARTICLE_RU = "\n".join([
    "Новости района",
    "Городская библиотека открыла зал старых карт после двух лет кропотливой реставрации всех листов.",
    "Волонтёры очистили и описали более четырёхсот листов, некоторые из которых нарисованы от руки в прошлом веке.",
    "На картах видно, как река меняла русло, где стояли мельницы и какие поля со временем превратились в улицы.",
    "Посетители могут попросить сотрудников принести лист и сравнить его с тем, как город выглядит сегодня.",
])
# A collection front as its boilerplate cleaning leaves it: counts, item names and truncated blurbs.
LISTING = "\n".join([
    "Welcome to the Sound Collection",
    "Spoken Word & Poetry",
    "Readings of poems and stories recorded by volunteers in many languages, from short verse to whole novels and...",
    "2,190 items",
    "Browse",
    "Science & Technology",
    "Weekly interviews with researchers and engineers about their work, with lectures from several universities and...",
    "496 items",
    "Browse",
    "Local Radio",
    "Programmes from small community stations, including news, music shows and call-in hours that ran for years and...",
    "4,689 items",
    "Browse",
    "Independent Labels",
    "Complete catalogues of small record labels that publish their music for free download under open licences and...",
    "12,607 items",
    "Browse",
])
# A member profile: a menu of counts and one short line about the member.
PROFILE = "\n".join([
    "Member profile",
    "Posts: 12",
    "Joined: March 2011",
    "Location: somewhere by the sea",
    "I write about boats and the weather, mostly in winter.",
    "Recent posts",
    "Storm notes",
    "Rigging a small sail",
    "Favourite harbours",
])
# The article above with Cyrillic о, а, с, е, р swapped for the Greek ο and Latin a, c, e, p look-alikes.
DISGUISED_RU = ARTICLE_RU.replace("о", "ο").replace("а", "a").replace("с", "c")


def page(text, url="https://news.example.org/2020/11/article.html", lang="eng_Latn", source=COMMONCRAWL):
    return new_document(source=source, text=text, url=url, title="")._replace(lang=lang)


def judge(doc, config=None):
    return QualityRules(config or Filters()).judge(doc)


def as_cleaned(**rules):
    """The rules on a text as the boilerplate classifier leaves it (the listing above is such a text)."""
    return Filters(boilerplate_lines=False, **rules)


# ---------------------------------------------------------------- the measures

def test_prose_share_counts_long_lines_that_end_a_sentence():
    assert prose.prose_char_ratio(ARTICLE_EN, False, "Latn") > 0.9  # all but the heading
    assert prose.prose_char_ratio(LISTING, False, "Latn") == 0.0  # teasers end with "...", the rest are items
    assert prose.prose_char_ratio("Short line.\nAnother one here.", False, "Latn") == 0.0
    # Chinese lines are counted in characters; Thai marks no sentence end, so it is not measured.
    assert prose.prose_char_ratio("市政府周二宣布，城东的老河道将在明年春天完成清淤和加固工程。", True, "Hans") == 1.0
    assert prose.prose_char_ratio("ห้องสมุดเปิดห้องอ่านแผนที่เก่า", True, "Thai") is None


def test_teaser_share_counts_lines_cut_off_with_an_ellipsis():
    assert prose.teaser_char_ratio(LISTING) > 0.5
    assert prose.teaser_char_ratio(ARTICLE_EN) == 0.0
    assert prose.teaser_char_ratio("A line that trails off…\n" + "x" * 69) == pytest.approx(0.25)  # 23 of 92 characters


def test_mixed_script_words_find_look_alike_letters():
    assert prose.mixed_script_words(DISGUISED_RU) > 0.3
    assert prose.mixed_script_words(ARTICLE_RU) == 0.0
    # A formula or two in a Greek text is not a disguise: fewer than MIXED_SCRIPT_MIN_WORDS words.
    assert prose.mixed_script_words("Η συνάρτηση αx μεγαλώνει όταν το x μεγαλώνει, όπως και η βx.") == 0.0


# ---------------------------------------------------------------- the rules in the filter step

def test_good_web_articles_are_kept_with_the_new_signals():
    for text, lang in ((ARTICLE_EN, "eng_Latn"), (ARTICLE_RU, "rus_Cyrl")):
        kept, reason = judge(page(text, lang=lang))
        assert reason is None
        assert kept.signals["prose_char_ratio"] > 0.9 and kept.signals["teaser_char_ratio"] == 0.0
        assert kept.signals["mixed_script_words"] == 0.0
        assert {"prose_char_ratio", "teaser_char_ratio", "mixed_script_words"} <= set(kept.signals) <= set(SIGNALS)


def test_a_listing_of_teasers_is_dropped_and_each_rule_names_itself():
    assert judge(page(LISTING), as_cleaned())[1] == "teasers"
    assert judge(page(LISTING), as_cleaned(max_teaser_char_ratio=None))[1] == "little_prose"
    doc, reason = judge(page(LISTING), as_cleaned(max_teaser_char_ratio=None, min_prose_char_ratio=None))
    assert reason is None and "prose_char_ratio" not in doc.signals


def test_a_profile_stub_is_dropped_for_its_few_words():
    # Long enough for min_words (every source), under Gopher's 50 that web pages keep.
    doc, reason = judge(page(PROFILE + "\n" + "Sailing, weather, harbours, boats, winter storms, charts.", ), Filters(min_prose_char_ratio=None))
    assert reason == "few_web_words"
    assert judge(page(ARTICLE_EN), Filters(min_web_words=80))[1] == "few_web_words"


def test_the_list_rules_judge_web_pages_only():
    # A Wikipedia list article is content: neither the prose share nor the word minimum applies.
    wiki = page(LISTING.replace("...", "."), source=WIKIPEDIA, url="https://en.wikipedia.org/wiki/Sound_collections")
    doc, reason = judge(wiki)
    assert reason is None and "prose_char_ratio" not in doc.signals


def test_text_disguised_with_look_alike_letters_is_dropped():
    doc, reason = judge(page(DISGUISED_RU, lang="rus_Cyrl"))
    assert reason == "mixed_script" and doc.signals["mixed_script_words"] > 0.3
    assert judge(page(DISGUISED_RU, lang="rus_Cyrl"), Filters(max_mixed_script_words=None))[1] is None


def test_lorem_ipsum_removed_with_the_boilerplate_still_drops_the_page():
    template = "\n".join(["Home | Shop | Lorem ipsum | Cart", ARTICLE_EN, "Contact | Lorem ipsum dolor | Terms"])
    assert judge(page(template))[1] == "lorem_ipsum"
    doc, reason = judge(page(template), Filters(lorem_ipsum_as_written=False))
    assert reason is None and "lorem" not in doc.text.lower()  # the line classifier took the filler away


def test_the_new_thresholds_are_set_per_language():
    # (stop words off: the English listing is judged as if it were French)
    lenient = as_cleaned(min_stop_words=None, languages={"eng_Latn": {"max_teaser_char_ratio": None, "min_prose_char_ratio": None}})
    assert judge(page(LISTING), lenient)[1] is None
    assert judge(page(LISTING, lang="fra_Latn"), lenient)[1] == "teasers"


# ---------------------------------------------------------------- spam signs in the URL

def test_url_words_split_letters_from_digits_and_read_the_path():
    assert spam.host_words("http://a133.sex369.example/faq") == "a 133 sex 369 example"
    assert spam.path_words("http://lottery.example/caipiao/2750.html?id=1") == "caipiao 2750 html"
    assert spam.path_words("http://example.org/%E5%BD%A9/x") == "彩 x"


def test_a_host_named_for_sex_is_spam_though_the_word_is_not_listed():
    doc, reason = judge(page(ARTICLE_EN, url="http://a1.sex369.example/app/faq.html"))
    assert reason == "spam_title" and doc.signals["title_terms"] == 1
    for honest in ("http://www.essex.example.uk/news/ferry.html", "http://health.example.org/sex-education/ferry.html"):
        assert judge(page(ARTICLE_EN, url=honest))[1] is None


def test_a_listed_word_in_the_path_counts_in_the_head():
    doc, reason = judge(page(ARTICLE_EN, url="http://3116000.example/caipiao/2750.html"))
    assert reason == "spam_title" and doc.signals["title_terms"] == 1


def test_a_text_page_served_as_a_sitemap_counts_as_a_made_up_url_part():
    assert spam.doorway_host("http://news.example.org/ferry-timetable.xml") == 1
    assert spam.doorway_host("http://4g.example.cn/vu7qsneys5.xml") == 2
    assert judge(page(ARTICLE_EN, url="http://4g.example.cn/vu7qsneys5.xml"))[1] == "doorway_host"
    assert spam.doorway_host("http://news.example.org/ferry-timetable.html") == 0


def test_host_words_switch_off_with_the_built_in_lists():
    assert block.parse_lines(block.builtin(block.BUILTIN_HOST_WORDS)) == ["sex", "xxx"]
    assert judge(page(ARTICLE_EN, url="http://a1.sex369.example/app/faq.html"), Filters(blocklist_builtin=False))[1] is None


# ---------------------------------------------------------------- real data

def test_no_wikipedia_article_is_dropped_for_look_alike_letters(shared_data, wikipedia_records):
    """Every article of the nine dumps (seven scripts), parsed once for the session."""
    limit = Filters().max_mixed_script_words
    # Last dump first: test_wikipedia_text parses them first to last, so two workers parse different dumps.
    for path in sorted((shared_data / "wikipedia").glob("*.xml.bz2"), reverse=True):
        docs = [d for d in wikipedia_records(path.name) if isinstance(d, Document)]
        ratios = [prose.mixed_script_words(d.text) for d in docs]
        assert len(ratios) >= 100 and max(ratios) <= limit, path.name
