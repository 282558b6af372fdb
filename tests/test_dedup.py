"""Dedup primitives (no Beam): survivor policy, keys, shingles, signatures, paragraph hashes, components."""

import random

import numpy as np

from corpus.dedup import scope, size_bucket, survivor_rank
from corpus.dedup.components import edge, large_star, small_star, union_find_labels
from corpus.dedup.exact import exact_key, survivor_of
from corpus.dedup.minhash import band_keys, estimated_jaccard, lsh_bands, shingles, signatures, sketch_jaccard, verification_sketch
from corpus.config import Dedup
from corpus.dedup.paragraph import paragraph_hash, paragraph_hashes, strip_paragraphs
from corpus.schema import COMMONCRAWL, WIKIPEDIA, new_document

DEDUP = Dedup()  # the configured shingle sizes

TEXT = (
    "The ferry leaves the harbour at seven and reaches the island before the fog lifts. "
    "Fishermen sell their catch on the pier while gulls circle above the boats. "
    "In the afternoon the wind turns and the small sailing boats return to the bay. "
    "Visitors climb the hill to the lighthouse to watch the sun go down over the water."
)


def test_exact_key_folds_case_punctuation_digits_and_spaces():
    assert exact_key("Hello, World! 2024") == exact_key("hello world 1999")
    assert exact_key("Hello world") != exact_key("Hello there world")
    assert exact_key("Hello world", "fra_Latn|") != exact_key("Hello world", "eng_Latn|")


def test_survivor_prefers_wikipedia_then_longer_then_smaller_id():
    web_long = new_document(source=COMMONCRAWL, text=TEXT + " More.", url="https://a.example/")
    web = new_document(source=COMMONCRAWL, text=TEXT, url="https://b.example/")
    wiki = new_document(source=WIKIPEDIA, text=TEXT, title="Harbour")
    best, size = survivor_of(iter([web, web_long, wiki]))
    assert best.id == wiki.id and best.dup_count == 3 and size == 3
    assert survivor_rank(web_long) < survivor_rank(web)


def test_scope_is_the_language_unless_crossing_is_asked_for():
    doc = new_document(source=COMMONCRAWL, text=TEXT, url="https://a.example/")._replace(lang="eng_Latn")
    assert scope(doc, False, True) == "eng_Latn|"
    assert scope(doc, True, True) == "|"
    assert scope(doc, False, False) == "eng_Latn|commoncrawl"


def test_cluster_sizes_fall_in_powers_of_two():
    assert [size_bucket(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == ["2", "3-4", "3-4", "5-8", "5-8", "9-16", "513-1024"]


def test_shingles_use_words_for_spaced_and_characters_for_unspaced_scripts():
    assert b"the ferry leaves the harbour" in shingles(TEXT, DEDUP.word_ngram, DEDUP.char_ngram)
    japanese = shingles("図書館は朝九時に開きます", DEDUP.word_ngram, DEDUP.char_ngram)
    assert "図書館は朝".encode() in japanese


def test_bands_favour_recall_at_the_threshold():
    bands, rows = lsh_bands(0.8, 128, 0.95)
    assert bands * rows <= 128
    assert 1 - (1 - 0.8**rows) ** bands > 0.9  # a pair at the threshold is a candidate 9 times in 10


def test_lsh_catches_near_duplicates_and_not_different_texts():
    bands, rows = lsh_bands(0.8, 128, 0.95)
    near = TEXT.replace("seven", "eight")
    other = "A completely different text about trains, timetables and mountain railways in the north."
    sigs = signatures([shingles(TEXT, DEDUP.word_ngram, DEDUP.char_ngram), shingles(near, DEDUP.word_ngram, DEDUP.char_ngram), shingles(other, DEDUP.word_ngram, DEDUP.char_ngram)], 128, 1)
    keys = [set(band_keys(s, bands, rows)) for s in sigs]
    assert keys[0] & keys[1]
    assert not keys[0] & keys[2]
    assert estimated_jaccard(sigs[0], sigs[1]) > 0.6 > estimated_jaccard(sigs[0], sigs[2])


def test_signatures_are_stable_across_calls_and_batches():
    a = signatures([shingles(TEXT, DEDUP.word_ngram, DEDUP.char_ngram)], 64, 7)
    b = signatures([shingles("something else entirely here", DEDUP.word_ngram, DEDUP.char_ngram), shingles(TEXT, DEDUP.word_ngram, DEDUP.char_ngram)], 64, 7)
    assert np.array_equal(a[0], b[1]) and a.dtype == np.uint32


def test_signatures_estimate_the_true_jaccard():
    rng = random.Random(3)
    words = [f"w{rng.randrange(3000)}" for _ in range(400)]
    edited = [w if rng.random() > 0.02 else "x" for w in words]
    a, b = shingles(" ".join(words), DEDUP.word_ngram, DEDUP.char_ngram), shingles(" ".join(edited), DEDUP.word_ngram, DEDUP.char_ngram)
    true = len(a & b) / len(a | b)
    sigs = signatures([a, b], 256, 1)
    assert abs(estimated_jaccard(sigs[0], sigs[1]) - true) < 0.08
    sketches = [verification_sketch(s) for s in sigs]
    assert len(sketches[0]) == 256 and abs(sketch_jaccard(*sketches) - true) < 0.08


def test_paragraph_hashes_fold_lines_and_strip_removes_them():
    text = "Accept all cookies\nThe ferry leaves at seven.\n---\nHome | News | Contact"
    assert paragraph_hash("ACCEPT all cookies!") == paragraph_hash("Accept all cookies")
    assert paragraph_hash("---") is None  # nothing to compare: never removed
    hashes = paragraph_hashes(text)
    assert len(hashes) == 3
    kept, n_chars, n_words = strip_paragraphs(text, {paragraph_hash("accept all cookies"), paragraph_hash("home news contact")})
    assert kept == "The ferry leaves at seven.\n---" and n_chars == len(kept) and n_words == 6


def test_star_steps_link_to_the_smallest_neighbour():
    assert sorted(e for e, _ in large_star(2, [5, 1, 7])) == [(5, 1), (7, 1)]
    assert sorted(small_star(9, [4, 6, 3])) == [((4, 3), True), ((6, 3), True), ((9, 3), False)]


def test_union_find_labels_each_node_with_its_component_minimum():
    edges = [edge(5, 3), edge(3, 8), edge(10, 11), edge(8, 1)]
    assert union_find_labels(edges) == {5: 1, 3: 1, 8: 1, 1: 1, 10: 10, 11: 10}
