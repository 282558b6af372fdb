"""The one definition of statistic keys, drop reasons and language labels (corpus.statistics, corpus.lang)."""

from corpus import lang, statistics
from corpus.statistics import parse_drop_reason, parse_stat_key, parse_subkey, stat_key, subkey
from corpus.text import is_unspaced


def test_statistic_keys_round_trip():
    key = stat_key(statistics.STAT_DROPPED, statistics.LANGID_LOW_SCORE, "fra_Latn")
    assert key == "dropped|langid/low_score|fra_Latn"
    assert parse_stat_key(key) == ("dropped", ("langid/low_score", "fra_Latn"))
    assert stat_key(statistics.STAT_DOC_LENGTH, "eng_Latn", 512) == "doc_length|eng_Latn|512"
    assert parse_subkey(subkey("eng_Latn", 512)) == ("eng_Latn", "512")
    assert parse_stat_key(stat_key(statistics.STAT_READ, "")) == ("read", ("",))


def test_drop_reasons_round_trip():
    assert statistics.drop_reason(statistics.STAGE_FILTER, "too_short") == "filter/too_short"
    assert parse_drop_reason(statistics.DEDUP_PARAGRAPH_TOO_SHORT) == ("dedup", "paragraph_too_short")
    assert all(parse_drop_reason(r)[0] == statistics.STAGE_READ for r in statistics.READ_REASONS)
    bitext_kinds = [v for k, v in vars(statistics).items() if k.startswith("STAT_BITEXT_")]
    assert bitext_kinds and all(kind.startswith(statistics.BITEXT_KIND_PREFIX) for kind in bitext_kinds)


def test_labels():
    assert (lang.language_code("fra_Latn"), lang.script("fra_Latn")) == ("fra", "Latn")
    assert lang.script("und") == lang.UNDETERMINED_SCRIPT
    assert lang.make_label("zho", "Hans") == "zho_Hans"
    assert lang.without_fasttext_prefix("__label__fra_Latn") == "fra_Latn"
    assert lang.is_label("fra_Latn") and not lang.is_label("fr")


def test_unspaced_scripts_agree_with_the_text_check():
    for label in ("jpn_Jpan", "zho_Hans", "zho_Hant", "tha_Thai", "khm_Khmr", "mya_Mymr", "lao_Laoo", "bod_Tibt"):
        assert lang.is_unspaced_label(label), label
    for label in ("eng_Latn", "kor_Hang", "hin_Deva", "arb_Arab", "amh_Ethi"):
        assert not lang.is_unspaced_label(label), label
    assert is_unspaced("日本語の文章です") and is_unspaced("ภาษาไทย") and not is_unspaced("plain words")
    assert lang.sentence_joiner("jpn_Jpan") == "" and lang.sentence_joiner("tha_Thai") == " "
