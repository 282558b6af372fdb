"""The most specific label the evidence supports, the script tag from the text's own characters, and
fragments of a page that keep the page's language (issue 25)."""

import pytest

from corpus.config import LangId
from corpus.langid import Prediction, normalise_heliport, normalise_label
from corpus.langid.documents import DocumentLanguage
from corpus.langid.identifiers import combine
from corpus.langid.labels import more_specific, related
from corpus.langid.scripts import chinese_script
from corpus.schema import COMMONCRAWL, new_document


def heli(lang, score=0.5):
    return Prediction(lang, score, "", 0.0, "heliport")


def fast(lang, score=0.5, lang2="", score2=0.0):
    return Prediction(lang, score, lang2, score2, "fasttext")


class Says:
    """Recorded-style answers per text, so that the page rules are tested on their own."""

    name = "fixed"

    def __init__(self, answers: dict):
        self.answers = answers

    def predict(self, texts):
        return [self.answers[t] for t in texts]


def web(lines):
    return new_document(source=COMMONCRAWL, text="\n".join(lines), url="https://example.org/page")


@pytest.mark.parametrize(
    "fast_label, heli_label, expected",
    [
        ("hrv_Latn", "hbs_Latn", "hrv_Latn"),  # heliport knows only the macrolanguage: fastText's member
        ("hbs_Latn", "bos_Latn", "bos_Latn"),  # lid.176's "sh" with heliport's member
        ("zsm_Latn", "msa_Latn", "zsm_Latn"),
        ("arb_Arab", "ara_Arab", "arb_Arab"),
        ("nob_Latn", "nno_Latn", "nno_Latn"),  # two members: heliport's (it was asked because fastText was unsure)
        ("srp_Cyrl", "hbs_Latn", "srp_Cyrl"),  # related across scripts: the script comes from the text later
        ("hbs_Latn", "hbs_Latn", "hbs_Latn"),  # no model names a member: the macrolanguage stays
        ("wuu_Hans", "zho_Hans", "zho_Hans"),  # zho is written Chinese's own label, not "some member"
    ],
)
def test_related_answers_give_the_most_specific_label(fast_label, heli_label, expected):
    assert related(fast_label, heli_label)
    assert combine(fast(fast_label), heli(heli_label)).lang == expected
    if fast_label != heli_label:
        assert more_specific(fast_label, heli_label) == expected


def test_unrelated_answers_are_still_heliports():
    assert not related("hin_Deva", "mar_Deva") and not related("rus_Cyrl", "ukr_Cyrl")
    assert combine(fast("hin_Deva"), heli("mar_Deva")).lang == "mar_Deva"


def test_script_tags_follow_the_language_not_a_latin_guess():
    assert normalise_label("__label__ps") == "pbt_Arab"  # CLDR knows Pashto, not Southern Pashto
    assert normalise_heliport("pbt") == "pbt_Arab" and normalise_heliport("pus") == "pbt_Arab"
    assert normalise_label("__label__ie") == "ile_Latn" and normalise_label("__label__cbk") == "cbk_Latn"
    # heliport's Kildin Sami: no script in CLDR, so the label leaves it undetermined for the text to fill
    assert normalise_heliport("sjd").endswith("_Zyyy")


TRADITIONAL = "這個城市的圖書館每天開放到晚上九點，週末還有兒童閱讀活動，很多家長帶著孩子來參加。"
SIMPLIFIED = "这个城市的图书馆每天开放到晚上九点，周末还有儿童阅读活动，很多家长带着孩子来参加。"


def test_chinese_script_comes_from_the_characters():
    assert chinese_script(TRADITIONAL, "Hans") == "Hant" and chinese_script(SIMPLIFIED, "Hant") == "Hans"
    assert chinese_script("中文", "Hans") == "Hans"  # no telling character: the label's own stays
    texts = [TRADITIONAL, SIMPLIFIED]
    identifier = Says({t: fast("zho_Hans", 0.95) for t in texts})
    decisions, stats = DocumentLanguage(identifier, LangId()).identify([web([t]) for t in texts])
    assert [(d.lang, why) for d, why in decisions] == [("zho_Hant", ""), ("zho_Hans", "")]
    assert ("langid_script_relabelled|zho_Hans>zho_Hant", 1) in stats


def test_an_undetermined_script_takes_the_texts():
    cyrillic = "Эта строка написана кириллицей и достаточно длинна для того, чтобы быть абзацем текста."
    decisions, _ = DocumentLanguage(Says({cyrillic: fast("sjd_Zyyy", 0.9)}), LangId()).identify([web([cyrillic])])
    assert [(d.lang, why) for d, why in decisions] == [("sjd_Cyrl", "")]


# Devanagari lines written for this test: long sentences (no list items), the labels given by Says.
PAGE = [
    "पुणे शहरात दरवर्षी मोठ्या उत्साहात गणेशोत्सव साजरा केला जातो आणि हजारो लोक त्यात आनंदाने सहभागी होतात.",
    "शहराच्या जुन्या भागात अनेक ऐतिहासिक वाडे आहेत आणि त्यांची देखभाल स्थानिक संस्था काळजीपूर्वक करतात.",
    "नदीच्या काठावर संध्याकाळी फिरायला येणाऱ्या लोकांसाठी नवीन बाग तयार करण्यात आली आहे असे सांगितले जाते.",
]
OTHER = [
    "इस नगर के पुराने बाज़ार में सुबह से शाम तक लोगों की भीड़ लगी रहती है और दुकानें देर तक खुली रहती हैं.",
    "यहाँ के विद्यालयों में बच्चों को खेलकूद और संगीत की शिक्षा भी दी जाती है ताकि उनका पूरा विकास हो सके.",
    "पिछले वर्ष नगर निगम ने सड़कों की मरम्मत के लिए एक बड़ी योजना शुरू की थी जो अब लगभग पूरी हो चुकी है.",
]


def _page_with(other_pred):
    answers = {line: fast("mar_Deva", 0.97, "hin_Deva", 0.02) for line in PAGE}
    answers.update({line: other_pred for line in OTHER})
    assert sum(map(len, OTHER)) >= LangId().min_part_chars  # large enough to be split off
    return DocumentLanguage(Says(answers), LangId()).identify([web(PAGE + OTHER)])


def test_a_part_without_strong_evidence_keeps_the_pages_language():
    # Read as Hindi with Marathi second: no strong evidence for another language.
    decisions, stats = _page_with(fast("hin_Deva", 0.9, "mar_Deva", 0.08))
    assert [(d.lang, why) for d, why in decisions] == [("mar_Deva", "")]
    assert decisions[0][0].text == "\n".join(PAGE + OTHER) and ("read|langid/split", 1) not in stats
    assert ("langid_weak_part_joined_lines|hin_Deva>mar_Deva", len(OTHER)) in stats
    # Read as Hindi but unsure (under split_min_score): the same.
    decisions, _ = _page_with(fast("hin_Deva", 0.6, "npi_Deva", 0.3))
    assert [d.lang for d, _ in decisions] == ["mar_Deva"]


def test_a_part_with_strong_evidence_is_split_off():
    decisions, stats = _page_with(fast("hin_Deva", 0.97, "npi_Deva", 0.02))
    assert sorted(d.lang for d, _ in decisions) == ["hin_Deva", "mar_Deva"] and ("read|langid/split", 1) in stats
    # The rule off (split_min_score 0, no second choice of the page's language): the weak part splits too.
    answers = {line: fast("mar_Deva", 0.97) for line in PAGE} | {line: fast("hin_Deva", 0.6) for line in OTHER}
    decisions, _ = DocumentLanguage(Says(answers), LangId(split_min_score=0.0)).identify([web(PAGE + OTHER)])
    assert sorted(d.lang for d, _ in decisions) == ["hin_Deva", "mar_Deva"]
