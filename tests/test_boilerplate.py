"""Boilerplate lines of web pages (corpus/filters/boilerplate.py): pages written for these tests,
what the classifier keeps and removes, and how the filter step applies and counts it."""

from collections import Counter

import pytest

from benchmarks.suite_tools import SHARED_DATA
from corpus.config import Filters
from corpus.filters import EMPTY, QualityRules
from corpus.filters import boilerplate as bp
from corpus.schema import COMMONCRAWL, SIGNALS, WIKIPEDIA, new_document
from corpus.statistics import STAT_FILTER_REMOVED_CHARS, STAT_FILTER_REMOVED_LINES, stat_key

CONFIG = Filters()

ARTICLE = [
    "The city council voted on Tuesday evening to turn the old freight yard beside the river into a public park, "
    "ending a debate that had lasted for almost ten years.",
    "Work on the first section, which will include a playground, a small stage for concerts and a path along the "
    "water, is expected to begin in the autumn and to take about two years.",
    "Residents who live near the yard said they were pleased with the decision, although some of them asked the "
    "council to keep one of the old brick warehouses as a reminder of the past.",
]
HEADLINE = "City council turns the old freight yard into a park"
BYLINE = "By Anna Berg, 12 March 2024"
NEWS = [
    "Riverside park approved | The Valley Herald",
    "Home", "News", "Sport", "Culture", "Opinion", "Contact",
    "Home » News » Local",
    HEADLINE,
    BYLINE,
    *ARTICLE,
    "Share this story",
    "Facebook", "Twitter", "Email",
    "Related stories",
    "Bridge repairs close the main road",
    "Library opens later on Thursdays",
    "© 2024 The Valley Herald. All rights reserved.",
    "Privacy | Terms | Advertise | Jobs",
]

RUSSIAN_ARTICLE = [
    "В субботу в городском парке открылась выставка старых фотографий, которые жители принесли из своих "
    "семейных альбомов, и за первый день её посетили больше тысячи человек.",
    "Многие снимки были сделаны ещё до войны, и на них можно увидеть, как выглядели улицы, мосты и рынок, "
    "когда по городу ходил трамвай, а на месте стадиона был пруд.",
    "Организаторы говорят, что выставка будет работать до конца месяца, а потом фотографии передадут в "
    "городской музей, где для них готовят отдельный зал.",
]
RUSSIAN = [
    "Выставка старых фотографий открылась в парке — Городские новости",
    "Главная", "Новости", "Культура", "Спорт", "Контакты",
    "Главная » Культура » Выставки",
    "Выставка старых фотографий открылась в парке",
    *RUSSIAN_ARTICLE,
    "Поделиться", "ВКонтакте", "Telegram",
    "© 2024 Городские новости",
]

CHINESE_ARTICLE = [
    "周六上午，市图书馆在河边的新馆正式开放，第一天就有两千多名读者来借书，很多家长带着孩子一起参观了儿童阅览室。",
    "新馆一共有五层，除了阅览室以外，还有一个可以举办讲座和音乐会的小礼堂，屋顶上种满了花草，读者可以在那里休息。",
    "馆长说，旧馆的书会在下个月全部搬过来，到时候开放时间也会延长到晚上九点，方便下班以后的读者来看书。",
]
CHINESE = [
    "市图书馆新馆开放_城市新闻网",
    "首页", "新闻", "文化", "体育", "联系我们",
    "当前位置：首页 > 文化 > 正文",
    *CHINESE_ARTICLE,
    "分享到：", "微信", "微博",
    "版权所有 © 2024 城市新闻网",
]

NAVIGATION = [
    "Garden Tools Online | Shop",
    "Home", "Shop", "Spades", "Rakes", "Hoses", "Gloves", "Sale", "Blog", "About us", "Contact",
    "My account", "Cart (0)", "Checkout",
    "Spring Sale", "New arrivals", "Gift cards",
    "Facebook", "Instagram", "Pinterest",
    "© 2024 Garden Tools Online",
]

ESSAY = [
    "Bread is one of the oldest foods that people make, and every region has its own way of baking it.",
    "In the north, where the winters are long, bakers use rye flour and leave the dough to rise slowly in a cool room.",
    "Making bread",
    "The dough is mixed in the evening, covered with a cloth and left on the table until the next morning.",
    "Before it goes into the oven, the baker cuts a pattern into the top so that the crust can open as it rises.",
    "What you need:",
    "flour, water and salt,",
    "a little yeast or a piece of old dough,",
    "a warm oven and some patience.",
    "A good loaf keeps for several days if it is wrapped in a clean cloth and stored in a dry place.",
]


def kept(lines, lang):
    return [line for line, keep in zip(lines, bp.keep_lines(lines, lang, CONFIG)) if keep]


def web_page(lines, lang, source=COMMONCRAWL):
    return new_document(source=source, text="\n".join(lines), url="https://example.org/")._replace(lang=lang)


def test_a_news_page_keeps_its_article_and_loses_menu_breadcrumb_share_buttons_and_footer():
    assert kept(NEWS, "eng_Latn") == [HEADLINE, BYLINE, *ARTICLE]


def test_a_russian_page_keeps_its_article_and_heading():
    assert kept(RUSSIAN, "rus_Cyrl") == ["Выставка старых фотографий открылась в парке", *RUSSIAN_ARTICLE]


def test_a_chinese_page_keeps_its_article():
    # Han characters count three times: the short Chinese paragraphs are long lines of prose.
    assert kept(CHINESE, "zho_Hans") == CHINESE_ARTICLE


def test_a_page_that_is_all_navigation_loses_every_line():
    assert kept(NAVIGATION, "eng_Latn") == []


@pytest.mark.parametrize("lang,lines", [("eng_Latn", ESSAY), ("rus_Cyrl", RUSSIAN_ARTICLE), ("zho_Hans", CHINESE_ARTICLE)])
def test_prose_loses_nothing_headings_and_lists_included(lang, lines):
    assert kept(lines, lang) == lines


def test_the_demo_web_pages_keep_their_paragraphs_in_every_language():
    """The demo's pages (texts written for the project, in 14 languages and 11 scripts) with their navigation,
    cookie notice, date line and footer: the paragraphs stay, most of the rest goes."""
    from corpus.demo.generate import Builder, sample_doc

    builder = Builder()
    for lang in sorted(set(builder.pools) & set(builder.sites.by_lang)):
        text_kept = text = boilerplate_removed = boilerplate = 0
        for _ in range(20):
            page = builder.page(lang, sample_doc(builder.rng, builder.pools[lang]), force=True)
            lines = [page.title, *page.header, *page.paragraphs, *page.footer]
            for line, keep in zip(lines, bp.keep_lines(lines, lang, CONFIG.for_language(lang))):
                if line in page.paragraphs:
                    text, text_kept = text + len(line), text_kept + keep * len(line)
                else:
                    boilerplate, boilerplate_removed = boilerplate + 1, boilerplate_removed + (not keep)
        assert text_kept >= 0.9 * text and boilerplate_removed >= 0.8 * boilerplate, lang


def test_lists_of_content_stay_and_menus_go_wherever_they_stand():
    works = ["1899 — The Blue Rose, a drama in four acts (first staged in Kyiv)",
             "1902 — On the Ruins, a dramatic poem, printed in Lviv",
             "1911 — The Forest Song, a fairy-tale play, her best known work"]
    menu = ["Home", "Archive", "Authors", "Search"]
    assert kept([ARTICLE[0], *works, *menu, ARTICLE[1]], "eng_Latn") == [ARTICLE[0], *works, ARTICLE[1]]
    # A list at the end of a page survives the page's edge: no menu or footer comes with it.
    assert kept([ARTICLE[0], *works], "eng_Latn") == [ARTICLE[0], *works]
    assert kept([ARTICLE[0], *works, *menu], "eng_Latn") == [ARTICLE[0]]


def form(line, lang="eng_Latn"):
    return bp.line_classes([line], lang, CONFIG)[0]


def test_line_forms():
    # Guillemets quote titles in Russian; only » between short items is a breadcrumb.
    assert form("Главная » Культура » Выставки", "rus_Cyrl") == bp.BOILERPLATE
    assert form("«Лесная песня» и «Каменный хозяин» — её лучшие пьесы", "rus_Cyrl") != bp.BOILERPLATE
    assert form("© 2024 Городские новости", "rus_Cyrl") == bp.BOILERPLATE
    assert form("Copyright law protects the expression of an idea, not the idea itself.") != bp.BOILERPLATE
    assert form("Read more at www.example.com/shop/garden-tools?page=2") == bp.BOILERPLATE
    assert form("+1 555 0134 2200") == bp.ITEM  # mostly digits: a phone number
    assert form("Contact") == bp.ITEM
    assert form("Contact: Anna Berg") == bp.SHORT  # punctuated: a list item, not a menu entry


def test_stop_word_lists_follow_language_and_script():
    assert "the" in bp.stoplist("eng_Latn").words
    assert bp.stoplist("arb_Arab").words and bp.stoplist("pes_Arab").words  # through their macrolanguages
    assert "je" in bp.stoplist("srp_Latn").words and "је" in bp.stoplist("srp_Cyrl").words
    assert not bp.stoplist("ckb_Arab").words  # jusText's Kurdish list is in Latin script
    assert bp.stoplist("jpn_Jpan").pattern is not None  # the project's list, per character
    assert bp.stoplist("xyz_Latn") == bp.Stoplist(frozenset(), None)


def test_the_filter_step_removes_and_counts_boilerplate_lines_of_web_pages_only():
    rules, counts = QualityRules(CONFIG), Counter()
    doc, reason = rules.judge(web_page(NEWS, "eng_Latn"), counts)
    assert reason is None and doc.text == "\n".join([HEADLINE, BYLINE, *ARTICLE])
    removed = [line for line in NEWS if line not in (HEADLINE, BYLINE, *ARTICLE)]
    assert doc.signals["boilerplate_lines"] == round(len(removed) / len(NEWS), 4) and "boilerplate_lines" in SIGNALS
    assert counts[stat_key(STAT_FILTER_REMOVED_LINES, bp.BOILERPLATE_LINES, "eng_Latn")] == len(removed)
    assert counts[stat_key(STAT_FILTER_REMOVED_CHARS, bp.BOILERPLATE_LINES, "eng_Latn")] == sum(map(len, removed))
    # Wikipedia's lists are content: its text is not touched, and nothing is counted.
    wiki, _ = rules.judge(web_page([*ESSAY, *NAVIGATION], "eng_Latn", WIKIPEDIA), counts := Counter())
    assert "boilerplate_lines" not in wiki.signals and not counts
    # Switched off, the page keeps its menus.
    off, _ = QualityRules(Filters(boilerplate_lines=False)).judge(web_page(NEWS, "eng_Latn"))
    assert off.text == "\n".join(NEWS)


def test_a_page_left_without_text_is_dropped_and_one_left_short_fails_the_length_rule():
    rules = QualityRules(CONFIG)
    assert rules.judge(web_page(NAVIGATION, "eng_Latn"))[1] == EMPTY
    one_paragraph = [*NEWS[:8], ARTICLE[0], *NEWS[-9:]]
    doc, reason = rules.judge(web_page(one_paragraph, "eng_Latn"))
    assert reason == "too_short" and doc.text == ARTICLE[0]


@pytest.fixture
def real_data():
    if not (SHARED_DATA / "commoncrawl").is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


def test_judged_real_pages_keep_their_text_and_lose_their_boilerplate(real_data):
    """The pages of benchmarks/data/boilerplate_lines.tsv (even positions of the real WET sample), judged line by line."""
    from benchmarks.boilerplate import LABELS, WET, even_pages, read_labels, score_dev

    assert LABELS.exists()
    scores = score_dev(read_labels(even_pages(WET)), lambda lines, lang: bp.keep_lines(lines, lang, CONFIG))
    assert scores["chars"]["text_kept"] >= 0.95 and scores["chars"]["boilerplate_removed"] >= 0.93
