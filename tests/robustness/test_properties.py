"""Property tests: the text functions every stage relies on hold on arbitrary Unicode."""

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.config import Dedup
from corpus.dedup.exact import exact_key
from corpus.dedup.minhash import shingles, signatures
from corpus.rebalance import unit_hash
from corpus.schema import make_id
from corpus.text import count_words, fold, is_unspaced, normalise

TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(TEXT)
def test_normalise_is_idempotent_and_clean(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once and "\n\n" not in once and "\x00" not in once
    assert all(line == line.strip() and line for line in once.split("\n")) or once == ""


@SETTINGS
@given(TEXT)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@SETTINGS
@given(TEXT)
def test_exact_key_ignores_what_fold_ignores_and_ids_separate_fields(text):
    # Two pages differing only in surrounding spacing are one page to exact dedup.
    assert exact_key(text) == exact_key(" \n" + text + "  ") and len(exact_key(text)) == 32
    assert exact_key(text, scope="a") != exact_key(text, scope="b")
    # Field boundaries count: ("ab", "c") and ("a", "bc") are different documents.
    assert make_id("commoncrawl", "u" + text) != make_id("commoncrawl", "u", text)
    assert 0 <= unit_hash(text, 1) < 1
    assert 0 <= count_words(text) <= len(text)
    is_unspaced(text)


@SETTINGS
@given(TEXT, TEXT)
def test_shingles_and_signatures_never_fail(a, b):
    sets = [shingles(a, Dedup().word_ngram, Dedup().char_ngram), shingles(b, Dedup().word_ngram, Dedup().char_ngram)]
    sigs = signatures(sets, 32, 1)
    assert sigs.shape == (2, 32)
    if sets[0] == sets[1]:
        assert (sigs[0] == sigs[1]).all()


@SETTINGS
@given(TEXT, st.sampled_from(["eng_Latn", "jpn_Jpan", "tha_Thai", "hin_Deva", "amh_Ethi", "arb_Arab", "xxx_Zyyy"]))
def test_sentence_splitting_never_fails_and_loses_no_letters(text, lang):
    from corpus.bitext.sentences import split_sentences

    text = normalise(text)
    sentences = split_sentences(text, lang)
    assert all(s.strip() for s in sentences)
    assert "".join(sentences).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
