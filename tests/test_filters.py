from corpus import filters
from corpus.config import Filters
from corpus.schema import COMMONCRAWL, new_document


def doc(text):
    return new_document(source=COMMONCRAWL, text=text, url="https://example.org/")


RULES = filters.rules_from_config(Filters())
PROSE = "\n".join(["The market opens early and farmers bring fresh bread, apples and cheese from the valley."] * 1 + [
    "Children walk to school along the river while the first train of the day crosses the old bridge.",
    "In winter the square is quiet, but in summer musicians play there until late in the evening.",
    "The town library keeps a small collection of maps that show how the streets looked a century ago.",
])


def test_good_prose_is_kept():
    assert filters.first_failure(doc(PROSE), RULES) is None


def test_each_rule_names_its_reason():
    assert filters.first_failure(doc("Too short."), RULES) == "too_short"
    assert filters.first_failure(doc("$$$ ### 123 456 789 000 " * 20), RULES) == "few_letters"
    repeated = "\n".join(["Buy now and save on every order today only"] * 10 + [PROSE])
    assert filters.first_failure(doc(repeated), RULES) == "repeated_lines"
    assert filters.first_failure(doc(" ".join(["abcdefghijklmnopqrstuvwxyzabcdef"] * 40)), RULES) == "long_words"


def test_scripts_without_spaces_are_not_rejected_for_having_no_words():
    japanese = "図書館は朝九時に開き、木曜日は遅くまで開いています。" * 8
    thai = "ห้องสมุดเปิดตอนเก้าโมงเช้าและปิดดึกในวันพฤหัสบดี " * 6
    hindi = "पुस्तकालय सुबह नौ बजे खुलता है और गुरुवार को देर से बंद होता है। " * 6
    for text in (japanese, thai, hindi):
        assert filters.first_failure(doc(text), RULES) is None, text[:20]
