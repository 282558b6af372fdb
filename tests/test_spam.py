"""Spam that word lists miss (corpus/filters/spam.py) and the blocklist's URL lists and distinct terms.

Every page here was written for these tests: spam in Chinese, Japanese, Russian and English, a good
article under a lottery title, pages on doorway hosts, UT1-style list files, and good pages that
must be kept. The real data checks read the Wikipedia dumps of ../shared/data (skipped when absent).
"""

from pathlib import Path

import pytest

from corpus.config import Filters
from corpus.filters import QualityRules
from corpus.filters import blocklist as block
from corpus.filters import spam
from corpus.schema import COMMONCRAWL, SIGNALS, Document, new_document

ARTICLE_ZH = "\n".join([
    "市政府周二宣布，城东的老河道将在明年春天完成清淤和加固工程，沿岸的步道也会重新铺设。",
    "工程负责人介绍说，这条河道已经有六十多年没有系统整修，雨季时经常漫过堤岸，给附近的居民带来不便。",
    "新的方案在河道两侧种植芦苇和柳树，既能减缓水流，也能为鸟类提供栖息的地方。",
    "附近小学的老师表示，学校计划在工程结束后带学生去河边上自然课，让孩子们认识本地的植物和昆虫。",
    "不少老居民还记得小时候在河里游泳和钓鱼的情景，他们希望整修以后的河道能够重新成为大家散步和休息的去处。",
])
ARTICLE_EN = "\n".join([
    "The town library has opened a reading room for old maps, after two years of careful restoration work.",
    "Volunteers cleaned and catalogued more than four hundred sheets, some of them drawn by hand in the last century.",
    "The maps show how the river changed its course, where the mills stood and which fields became streets.",
    "Visitors can ask the staff to bring out a sheet and compare it with the town as it looks today.",
    "The librarians hope that schools will use the room for history lessons during the coming winter months.",
])
ARTICLE_RU = "\n".join([
    "Городская библиотека открыла зал старых карт после двух лет кропотливой реставрации.",
    "Волонтёры очистили и описали более четырёхсот листов, некоторые из которых нарисованы от руки в прошлом веке.",
    "На картах видно, как река меняла русло, где стояли мельницы и какие поля превратились в улицы.",
    "Посетители могут попросить сотрудников принести лист и сравнить его с тем, как город выглядит сегодня.",
])
ARTICLE_JA = "\n".join([
    "町の図書館は、二年間の修復作業を終えて、古い地図を集めた閲覧室を新しく開きました。",
    "ボランティアの人たちが四百枚以上の地図を一枚ずつ丁寧に整理し、その中には前の世紀に手で描かれたものもあります。",
    "地図を見ると、川の流れがどのように変わったのか、どこに水車小屋があったのかがよく分かります。",
    "図書館の職員は、冬の間に近くの学校が歴史の授業でこの部屋を使ってくれることを期待しています。",
    "閲覧室は毎週火曜日から土曜日まで開いていて、予約をしなくても誰でも自由に入ることができます。",
])

# Spam, written in the style of the pages the rules were measured on.
SPAM_ZH = "\n".join([
    "最新国产自拍在线观看_日韩av高清无码_成人网站导航",
    "首页 | 国产自拍 | 自拍偷拍 | 亚洲色图 | 激情小说 | 三级片",
    "本站每日更新高清无码视频，黄色视频免费观看，欢迎收藏。",
] + ARTICLE_ZH.split("\n"))
SPAM_JA = "\n".join([
    "無料エロ動画まとめ | 人気AV女優の無修正動画を毎日更新",
    "当サイトは無料で見られるアダルト動画のまとめサイトです。",
    "エロ画像やエロ漫画も毎日追加しています。出会い系の広告はありません。",
] + ARTICLE_JA.split("\n"))
SPAM_RU = "\n".join([
    "Онлайн казино с выводом денег: игровые автоматы, ставки на спорт",
    "Бездепозитный бонус для новых игроков, казино онлайн работает круглосуточно.",
    "Игровые автоматы и онлайн казино без регистрации, ставки на спорт в один клик.",
] + ARTICLE_RU.split("\n"))
# A Korean gambling page: the listed words carry particles and run into compounds.
SPAM_KO = "안전놀이터 추천과 토토사이트 순위, 온라인카지노사이트에서 바카라를 즐기세요. 먹튀검증 완료된 카지노사이트만 소개합니다."


def page(text, title="", url="https://news.example.org/2020/11/article.html", lang="eng_Latn"):
    return new_document(source=COMMONCRAWL, text=text, url=url, title=title)._replace(lang=lang)


def judge(doc, config=None):
    return QualityRules(config or Filters()).judge(doc)


# ---------------------------------------------------------------- good pages stay

@pytest.mark.parametrize("text, lang", [(ARTICLE_EN, "eng_Latn"), (ARTICLE_RU, "rus_Cyrl"), (ARTICLE_ZH, "zho_Hans"),
                                        (ARTICLE_JA, "jpn_Jpan")])
def test_good_articles_are_kept_with_every_spam_signal_measured(text, lang):
    kept, reason = judge(page(text, title="Town news", lang=lang))
    assert reason is None
    assert kept.signals["title_terms"] == 0 and kept.signals["doorway_host"] == 0
    assert kept.signals["placeholder_phrases"] == 0 and kept.signals["blocklist_terms"] == 0
    assert {"title_repetition", "link_line_ratio"} <= set(kept.signals) <= set(SIGNALS)


def test_news_that_names_the_trade_in_its_body_is_kept():
    news = ARTICLE_ZH + "\n澳门特区政府公布，上半年赌场收入有所增长，博彩业仍占税收的大部分。"
    assert judge(page(news, title="澳门上半年经济数据公布", lang="zho_Hans"))[1] is None
    english = ARTICLE_EN + "\nThe council also voted to ban online casino advertising near schools."
    assert judge(page(english))[1] is None


# ---------------------------------------------------------------- spam in several languages

@pytest.mark.parametrize("text, lang", [(SPAM_ZH, "zho_Hans"), (SPAM_JA, "jpn_Jpan"), (SPAM_RU, "rus_Cyrl"),
                                        (SPAM_KO, "kor_Hang")])
def test_spam_pages_in_several_languages_are_dropped(text, lang):
    doc, reason = judge(page(text, lang=lang))
    assert reason in {"blocklist", "blocklist_terms", "spam_title"}
    assert doc.signals["blocklist_matches"] >= 3


def test_korean_words_match_inside_compounds_and_before_particles():
    listed = block.Blocklist([], ["카지노사이트", "바카라"])
    assert listed.word_matches("온라인카지노사이트에서 바카라를") == (2, 9, 2)


# ---------------------------------------------------------------- a good article under a lottery title

def test_a_copied_article_under_a_lottery_title_is_dropped_for_its_title():
    # A WET record has no title: its first line is the page's title.
    wet = page("六合彩开奖结果查询\n" + ARTICLE_ZH, lang="zho_Hans")
    doc, reason = judge(wet)
    assert reason == "spam_title" and doc.signals["title_terms"] == 2
    assert doc.signals["blocklist_matches"] < 3  # the rules on the whole page keep it: two words in an article
    # A WARC page has its <title> apart from the text.
    assert judge(page(ARTICLE_ZH, title="六合彩开奖结果查询", lang="zho_Hans"))[1] == "spam_title"
    # The same article under its own title is kept.
    assert judge(page("城东老河道明年春天完成整修\n" + ARTICLE_ZH, lang="zho_Hans"))[1] is None


def test_a_porn_title_over_a_copied_english_page_is_dropped():
    doc, reason = judge(page("Free porn videos every day\n" + ARTICLE_EN))
    assert reason == "spam_title" and doc.signals["title_terms"] == 1


def test_listed_words_in_the_host_name_count_in_the_head():
    doc, reason = judge(page(ARTICLE_EN, url="https://best-online-casino-bonus.example/reading-room"))
    assert reason == "spam_title" and doc.signals["title_terms"] == 2  # online casino, casino bonus


# ---------------------------------------------------------------- distinct listed terms

def test_a_long_page_with_many_distinct_terms_is_dropped_though_their_share_is_low():
    listed = block.BlocklistRule(block.Blocklist([], block.parse_lines(block.builtin(block.BUILTIN_WORDS))), 3, 0.003, 3)
    filler = ARTICLE_ZH * 20  # a long page: the listed words are a small share of it
    spam_page = "六合彩开奖结果查询\n" + filler + "\n百家乐与老虎机规则\n" + filler + "\n北京赛车计划"
    signals, reason = listed.judge_text(spam_page)
    assert signals["blocklist_char_ratio"] < 0.003 and signals["blocklist_matches"] >= 3
    assert reason == "blocklist_terms" and signals["blocklist_terms"] == 5
    # Two distinct terms in a long page: an article that names the trade stays.
    assert listed.judge_text("六合彩开奖结果\n" + filler * 2)[1] is None
    assert listed._replace(min_terms=None).judge_text(spam_page)[1] is None
    # In the quality rules, before the document rules.
    assert judge(page(spam_page, title="河道整修", lang="zho_Hans"))[1] == "blocklist_terms"


def test_the_word_list_counts_each_occurrence_once():
    """No spaced entry is a part of another (else one occurrence would count twice), and the header
    states where the list comes from."""
    words = block.parse_lines(block.builtin(block.BUILTIN_WORDS))
    phrases = {tuple(block._TOKEN.findall(w)) for w in words if not block._as_substring(w)}
    for phrase in phrases:
        for other in phrases - {phrase}:
            n = len(other)
            assert all(phrase[i : i + n] != other for i in range(len(phrase) - n + 1)), (phrase, other)
    assert len(words) == len(set(words)) and len(words) > 250


# ---------------------------------------------------------------- doorway hosts

@pytest.mark.parametrize("url", [
    "http://4g.qzx7k2w.cn/k3j9xq2m7p.xml",  # letters and digits interleaved, twice
    "http://5g.trqmbx.cn/w7r2k9v4pz.xml",  # a name without a vowel, a random file name
    "http://728416.millbrook-valve.com/kd/tqbmwx2e.html",  # a numbered subdomain on a hijacked site
    "http://7xkqv.fjadkuv.com.cn/",  # two random labels
])
def test_a_page_on_a_doorway_host_is_dropped_before_its_text_is_read(url):
    doc, reason = judge(page(ARTICLE_EN, url=url))
    assert reason == "doorway_host" and doc.signals["doorway_host"] >= 2


@pytest.mark.parametrize("url", [
    "https://www.riverside-library.org/news/2020/11/new-maps.html",
    "https://video.example.com/watch/dQw4w9WgXcQ",  # an opaque id alone
    "http://15924334317.blog.example.com/blog/static/127162006201111246251546/",  # a numbered blog
    "https://www.rechtsschutz-versicherung.de/nachtschicht.html",  # German consonant clusters
    "https://en.wikipedia.org/wiki/Alfred_Hitchcock",
    "http://abookaddict.blogspot.com/2013/08/august-break.html",  # a doubled letter
    "http://12306.cn/mormhweb/",  # a numeric site name
    "http://192.168.10.20/index.html",
    "https://sina.com.cn/",
])
def test_honest_hosts_have_at_most_one_made_up_looking_part(url):
    assert spam.doorway_host(url) <= 1
    assert judge(page(ARTICLE_EN, url=url))[1] is None


def test_hyphen_stuffed_host_labels_count_as_made_up():
    assert spam.doorway_host("http://cheap-pills-buy-now-online.example/x9k2m7q4z1.html") == 2


# ---------------------------------------------------------------- templates and link lists

def test_an_unedited_template_is_dropped_as_placeholder_text():
    template = "\n".join(["Home", "About", "Services", "Contact", ARTICLE_EN,
                          "Copyright © 2016.Company name All rights reserved."])
    doc, reason = judge(page(template))
    assert reason == "placeholder_text" and doc.signals["placeholder_phrases"] == 1
    # The template is judged on the page as written, before boilerplate removal and the document rules (C4's lorem rule).
    assert judge(page(template + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit."))[1] == "placeholder_text"
    assert judge(page(ARTICLE_EN + "\nThe company name was changed in 1998; all rights were sold."))[1] is None


def test_link_list_share_is_measured_and_drops_only_when_switched_on():
    menu = "\n".join(["Home", "News", "Sport", "Weather", "About us", "Contact us", "Archive", "Sitemap", "Events",
                      "Opening hours", "Maps", "Photos", "Donate", "Volunteers", "Schools", "Press", "Jobs", "Help"])
    text = ARTICLE_EN + "\n" + menu
    doc, reason = judge(page(text), Filters(boilerplate_lines=False))  # the measure, on the page as written
    assert reason is None and doc.signals["link_line_ratio"] > 0.15
    assert judge(page(ARTICLE_EN))[0].signals["link_line_ratio"] == 0.0
    assert judge(page(text), Filters(max_link_line_ratio=0.15))[1] == "link_lists"
    # Without spaces a short line is counted in characters.
    assert spam.link_line_ratio("首页\n网站导航\n" + ARTICLE_ZH, unspaced=True) == pytest.approx(6 / len("首页\n网站导航\n" + ARTICLE_ZH))


def test_keyword_repetition_in_the_head_is_measured_and_drops_only_when_switched_on():
    stuffed = "给料设备报价 -- 88号鑫利达集团\n88号鑫利达集团\n返回88号鑫利达集团|\n" + ARTICLE_ZH
    doc, reason = judge(page(stuffed, lang="zho_Hans"), Filters(boilerplate_lines=False))  # the measure, on the page as written
    assert reason is None and doc.signals["title_repetition"] == 3
    assert judge(page(stuffed, lang="zho_Hans"), Filters(max_title_repetition=2))[1] == "keyword_title"


def test_each_spam_rule_switches_off_and_keeps_its_signal():
    off = Filters(min_title_terms=None, max_doorway_host=None, max_placeholder_phrases=None)
    doc, reason = judge(page("六合彩开奖结果\n" + ARTICLE_ZH, url="http://4g.qzx7k2w.cn/k3j9xq2m7p.xml", lang="zho_Hans"), off)
    # doorway_host: the random subdomain, the random file name, and a text page served as .xml
    assert reason is None and doc.signals["title_terms"] >= 1 and doc.signals["doorway_host"] == 3
    # Per language, like every rule.
    lenient = Filters(languages={"zho_Hans": {"min_title_terms": None}})
    assert judge(page("六合彩开奖结果\n" + ARTICLE_ZH, lang="zho_Hans"), lenient)[1] is None
    # The blocklist switch also takes the listed words out of the head.
    assert "title_terms" not in judge(page("六合彩开奖结果\n" + ARTICLE_ZH, lang="zho_Hans"), Filters(blocklist=False))[0].signals


# ---------------------------------------------------------------- UT1 lists

def write_ut1(root: Path) -> Filters:
    """A small list in UT1's layout: category folders with `domains` and `urls` files."""
    for category, domains, urls in [
        ("adult", "# adult\nnaughty-pictures.example\n", "photos.example.org/users/velvet\nwww.freehost.example/~kitty/\n"),
        ("gambling", "lucky-spins.example\n", "blog.example.net/casino-tips\n"),
    ]:
        (root / category).mkdir()
        (root / category / "domains").write_text(domains)
        (root / category / "urls").write_text(urls)
    return Filters(
        blocklist_domain_files=[str(root / c / "domains") for c in ("adult", "gambling")],
        blocklist_url_files=[str(root / c / "urls") for c in ("adult", "gambling")],
    )


@pytest.mark.parametrize("url, reason", [
    ("https://naughty-pictures.example/gallery", "blocklist"),
    ("http://m.lucky-spins.example/", "blocklist"),  # a subdomain of a listed domain
    ("http://photos.example.org/users/velvet", "blocklist_url"),
    ("https://www.photos.example.org/users/velvet/album/3?page=2", "blocklist_url"),  # with www, under the path
    ("http://freehost.example/~kitty/index.html", "blocklist_url"),  # the entry has www, the page not
    ("photos.example.org/users/velvet?sort=new", "blocklist_url"),  # no scheme
    ("https://blog.example.net/casino-tips", "blocklist_url"),
    ("http://photos.example.org/users/velvetrope", None),  # another user whose name starts the same
    ("http://photos.example.org/users/", None),  # the folder above the listed page
    ("http://other.photos.example.org/users/velvet", None),  # a URL entry names its host, not the subdomains
    ("https://blog.example.net/gardening", None),
])
def test_ut1_domain_and_url_lists_given_by_path(tmp_path, url, reason):
    rules = QualityRules(write_ut1(tmp_path))
    assert rules.judge(page(ARTICLE_EN, url=url))[1] == reason


def test_ut1_lists_are_read_with_the_reader_the_pipeline_gives(tmp_path):
    config = write_ut1(tmp_path)
    read = []

    def reader(path):
        read.append(path)
        return Path(path).read_text()

    rules = QualityRules(config, read=reader)
    assert sorted(read) == sorted(config.blocklist_domain_files + config.blocklist_url_files)
    assert rules.judge(page(ARTICLE_EN, url="http://photos.example.org/users/velvet"))[1] == "blocklist_url"


def test_url_entries_match_at_path_boundaries():
    listed = block.Blocklist([], [], ["example.com/videos", "example.com/a/b/"])
    assert listed.listed_url("http://example.com/videos") == "example.com/videos"
    assert listed.listed_url("http://example.com/videos/1") and listed.listed_url("http://example.com/videos?id=2")
    assert listed.listed_url("http://example.com/videos2") is None
    assert listed.listed_url("http://example.com/a/b/c") and listed.listed_url("http://example.com/a/b") is None
    assert listed.listed_url("http://EXAMPLE.com:8080/Videos/x") == "example.com/videos"  # case and port
    assert listed.listed_url("") is None and listed.listed_url("http://[::1/") is None


# ---------------------------------------------------------------- real data

SPAM_REASONS = {"spam_title", "keyword_title", "doorway_host", "placeholder_text", "link_lists", "blocklist_terms",
                "blocklist_url", "blocklist"}


def test_no_wikipedia_article_is_dropped_as_spam(shared_data, wikipedia_records):
    """The first articles of each of the nine dumps (seven scripts) under the default rules, labelled with the
    language their dump declares."""
    rules = QualityRules(Filters())
    judged = 0
    # Last dump first: test_wikipedia_text parses them first to last, so two workers parse different dumps.
    for path in sorted((shared_data / "wikipedia").glob("*.xml.bz2"), reverse=True):
        docs = [doc for doc in wikipedia_records(path.name) if isinstance(doc, Document)]
        for doc in docs[:20]:
            kept, reason = rules.judge(doc._replace(lang=doc.source_lang))
            assert reason not in SPAM_REASONS, (doc.title, reason, kept.signals)
            judged += 1
    assert judged == 180
