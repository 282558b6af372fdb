"""Dedup transforms on the DirectRunner: connected components on adversarial graphs, and the three stages."""

import random
import tracemalloc
from collections import Counter

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.config import Dedup
from corpus.dedup.components import edge, large_star
from corpus.dedup.exact import survivor_of
from corpus.schema import COMMONCRAWL, WIKIPEDIA, new_document
from pipelines.dedup import ConnectedComponents, Deduplicate, _KeySummary


def components_by_search(edges):
    """Reference labels by breadth-first search: node -> smallest node of its component (non-minimum nodes)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
    labels, seen = {}, set()
    for start in sorted(graph):
        if start in seen:
            continue
        queue, component = [start], []
        seen.add(start)
        while queue:
            node = queue.pop()
            component.append(node)
            for n in graph[node] - seen:
                seen.add(n)
                queue.append(n)
        labels.update({n: start for n in component if n != start})
    return labels


def adversarial_graphs():
    rng = random.Random(7)
    edges = []
    edges += [edge(i, i + 1) for i in range(0, 500)]  # a long chain in sorted order (the slow case)
    perm = rng.sample(range(2000, 2500), 500)
    edges += [edge(perm[i], perm[i + 1]) for i in range(499)]  # a long chain in random order
    edges += [edge(5000, 5000 + k) for k in range(1, 300)] + [edge(5200, 4999)]  # a star whose centre is not the minimum
    for base in range(10_000, 13_000, 3):  # many small components: pairs and triangles
        edges += [edge(base, base + 1)] + ([edge(base + 1, base + 2)] if base % 2 else [])
    edges += [edge(20_000 + k, 20_000 + (k * 7 + 3) % 60) for k in range(60) if k != (k * 7 + 3) % 60]  # cycles
    return edges


@pytest.mark.parametrize("rounds", [0, 3])
def test_components_are_exact_on_adversarial_graphs(rounds):
    edges = adversarial_graphs()
    expected = components_by_search(edges)
    with TestPipeline() as p:
        labels, stats = p | beam.Create(edges) | ConnectedComponents(rounds, max_leftover=100_000)
        assert_that(labels, equal_to(list(expected.items())))


def test_components_past_the_leftover_bound_never_drop_a_whole_component():
    """Too many unsettled nodes to finish in one worker: every node still points into its own component,
    at a smaller node, so each component keeps its minimum (it may keep more than one node)."""
    edges = adversarial_graphs()
    expected = components_by_search(edges)

    def check(labels):
        labels = dict(labels)
        assert labels, "some nodes are labelled"
        for node, label in labels.items():
            assert label < node and expected[node] == expected.get(label, label)
        minima = set(expected.values())
        assert not minima & labels.keys()

    with TestPipeline() as p:
        labels, _ = p | beam.Create(edges) | ConnectedComponents(1, max_leftover=10)
        assert_that(labels, check)


def test_steps_hold_no_state_that_grows_with_the_input():
    """A hub or a duplicate group is read as a stream, twice: peak memory does not grow with its size."""

    class Stream:
        def __init__(self, n, make):
            self.n, self.make = n, make

        def __iter__(self):
            return (self.make(i) for i in range(self.n))

    doc = new_document(source=COMMONCRAWL, text="the same page", url="https://a.example/")

    def peak(n):
        tracemalloc.start()
        for _ in large_star(-1, Stream(n, lambda i: i)):
            pass
        survivor_of(Stream(n, lambda i: doc))
        acc = _KeySummary(64).create_accumulator()
        for i in range(n):
            acc = _KeySummary(64).add_input(acc, ((1, -i, f"{i:032x}", 1), b""))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    assert peak(60_000) < 2 * peak(3_000) + 100_000


WORDS = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ra", "si", "tu", "vo", "ze") for b in ("dan", "rel", "mos", "tik", "bur", "fen", "gal", "hop")]


def text(rng, n_words=120):
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def web(text, url, lang="eng_Latn"):
    return new_document(source=COMMONCRAWL, text=text, url=url)._replace(lang=lang)


def run_dedup(docs, check, **config):
    """Run Deduplicate and call check(kept, dropped, stats) on its whole output (inside the pipeline)."""

    def split(items):
        parts = {"kept": [], "dropped": [], "stats": []}
        for part, item in items:
            parts[part].append(item)
        check(parts["kept"], parts["dropped"], dict(parts["stats"]))

    with TestPipeline() as p:
        kept, dropped, stats, _ = p | beam.Create(docs) | Deduplicate(Dedup(**config))
        everything = (
            kept | "K" >> beam.Map(lambda d: ("kept", d)),
            dropped | "D" >> beam.Map(lambda d: ("dropped", d)),
            stats | beam.CombinePerKey(sum) | "S" >> beam.Map(lambda s: ("stats", s)),
        ) | beam.Flatten()
        assert_that(everything, split)


def test_exact_near_and_paragraph_dedup_end_to_end():
    rng = random.Random(11)
    base = text(rng)
    words = base.split()
    near1 = " ".join(words[:60] + ["zzz"] + words[61:])  # one word changed: Jaccard about 0.92
    near2 = " ".join(words[:30] + ["yyy"] + words[31:60] + ["zzz"] + words[61:])
    cookie = "We use cookies on this site. Accept all cookies"
    docs = [
        new_document(source=WIKIPEDIA, text=base.upper(), title="Base")._replace(lang="eng_Latn"),
        web(base + "!", "https://copy.example/1"),  # exact copy once folded
        web(near1, "https://near.example/1"),
        web(near2, "https://near.example/2"),
        web(f"{cookie}\n{text(rng)}", "https://site.example/a"),
        web(f"{cookie}\n{text(rng, 150)}", "https://site.example/b"),
        web(f"{cookie}\nShort note.", "https://site.example/c"),
        web(base, "https://other-language.example/", lang="fra_Latn"),  # same text, another language
    ]
    run_dedup(docs, check_all_stages)


def check_all_stages(kept, dropped, stats):
    cookie = "We use cookies on this site. Accept all cookies"
    assert len(kept) + len(dropped) == 8
    reasons = Counter(d.reason for d in dropped)
    assert reasons == {"dedup/exact": 1, "dedup/near": 2, "dedup/paragraph_too_short": 1}
    by_url = {d.url or d.title: d for d in kept}
    assert by_url["Base"].dup_count == 4  # itself, the exact copy and two near copies
    assert by_url["https://other-language.example/"].dup_count == 1
    assert by_url["https://site.example/b"].text.startswith(cookie)  # the longer page keeps the shared line
    assert cookie not in by_url["https://site.example/a"].text
    assert by_url["https://site.example/a"].n_chars == len(by_url["https://site.example/a"].text)
    assert stats["dedup_clusters|exact|2"] == 1 and stats["dedup_clusters|near|3-4"] == 1
    assert stats["dedup_removed|near|eng_Latn"] == 2
    assert stats["dedup_paragraphs|removed_lines|eng_Latn"] == 2


def test_cross_language_dedup_is_an_option():
    rng = random.Random(5)
    base = text(rng)
    docs = [web(base, "https://a.example/", "eng_Latn"), web(base, "https://b.example/", "fra_Latn")]

    def both_kept(kept, dropped, stats):
        assert len(kept) == 2

    def one_kept(kept, dropped, stats):
        assert len(kept) == 1 and dropped[0].reason == "dedup/exact"

    run_dedup(docs, both_kept, near=False, paragraph=False)
    run_dedup(docs, one_kept, cross_language=True, near=False, paragraph=False)


def test_verification_rejects_candidates_below_the_threshold():
    rng = random.Random(8)
    words = text(rng, 200).split()
    variant = [w if i % 20 else "qqq" for i, w in enumerate(words)]  # Jaccard about 0.65: not a duplicate
    docs = [web(" ".join(words), "https://a.example/"), web(" ".join(variant), "https://b.example/")]

    def both_kept(kept, dropped, stats):
        assert len(kept) == 2 and stats["dedup_near|candidate_pairs"] > 0 and stats["dedup_near|rejected_pairs"] > 0

    run_dedup(docs, both_kept, paragraph=False, false_negative_weight=0.999)
