import numpy as np

from corpus.dedup import survivor_rank
from corpus.dedup.exact import exact_key, split_survivor
from corpus.dedup.minhash import band_keys, lsh_bands, shingles, signatures
from corpus.schema import COMMONCRAWL, WIKIPEDIA, new_document

TEXT = (
    "The ferry leaves the harbour at seven and reaches the island before the fog lifts. "
    "Fishermen sell their catch on the pier while gulls circle above the boats. "
    "In the afternoon the wind turns and the small sailing boats return to the bay. "
    "Visitors climb the hill to the lighthouse to watch the sun go down over the water."
)


def test_exact_key_folds_case_punctuation_digits_and_spaces():
    assert exact_key("Hello, World! 2024") == exact_key("hello world 1999")
    assert exact_key("Hello world") != exact_key("Hello there world")


def test_survivor_prefers_wikipedia_then_longer_then_smaller_id():
    web_long = new_document(source=COMMONCRAWL, text=TEXT + " More.", url="https://a.example/")
    web = new_document(source=COMMONCRAWL, text=TEXT, url="https://b.example/")
    wiki = new_document(source=WIKIPEDIA, text=TEXT, title="Harbour")
    best, others = split_survivor([web, web_long, wiki])
    assert best.id == wiki.id and best.dup_count == 3 and len(others) == 2
    assert survivor_rank(web_long) < survivor_rank(web)


def test_shingles_use_words_for_spaced_and_characters_for_unspaced_scripts():
    assert b"the ferry leaves the harbour" in shingles(TEXT)
    japanese = shingles("図書館は朝九時に開きます")
    assert "図書館は朝".encode() in japanese


def test_lsh_catches_near_duplicates_and_not_different_texts():
    bands, rows = lsh_bands(0.8, 128)
    assert bands * rows <= 128
    near = TEXT.replace("seven", "eight")
    other = "A completely different text about trains, timetables and mountain railways in the north."
    sigs = signatures([shingles(TEXT), shingles(near), shingles(other)], 128, 1)
    keys = [set(band_keys(s, bands, rows)) for s in sigs]
    assert keys[0] & keys[1]
    assert not keys[0] & keys[2]


def test_signatures_are_stable_across_calls_and_batches():
    a = signatures([shingles(TEXT)], 64, 7)
    b = signatures([shingles("something else entirely here"), shingles(TEXT)], 64, 7)
    assert np.array_equal(a[0], b[1])
