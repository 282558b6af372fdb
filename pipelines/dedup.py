"""Deduplication by shuffles on content keys: exact documents, near-duplicates (MinHash LSH with
distributed connected components) and repeated paragraphs (CCNet style).

Every step keeps memory bounded per key: groups are read as streams, the best
member of a hot key (a boilerplate line, an LSH bucket of templated pages) is
found by a combiner, and the members are joined back in salted sub-keys.
"""

from __future__ import annotations

import zlib

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.pvalue import AsSingleton

from corpus.config import Dedup
from corpus.dedup import node_id, node_of, scope, size_bucket
from corpus.dedup.components import (
    final_label,
    large_star,
    merge_summaries,
    small_star,
    summary_of_edge_end,
    union_find_labels,
)
from corpus.dedup.exact import exact_key, survivor_of
from corpus.dedup.minhash import band_keys, lsh_bands, shingles, signatures, sketch_jaccard, verification_sketch
from corpus.dedup.paragraph import paragraph_hashes, strip_paragraphs
from corpus.schema import Document, Stat, with_text
from corpus.statistics import (
    DEDUP_EXACT,
    DEDUP_NEAR,
    DEDUP_PARAGRAPH_TOO_SHORT,
    STAGE_DEDUP_EXACT,
    STAGE_DEDUP_NEAR,
    STAGE_DEDUP_PARAGRAPH,
    STAT_DEDUP_CLUSTERS,
    STAT_DEDUP_NEAR,
    STAT_DEDUP_PARAGRAPHS,
    STAT_DEDUP_REMOVED,
    parse_drop_reason,
    stat_key,
)
from pipelines.common import StageOutput, drop, split_outputs, split_stats
from pipelines.stats import stage_key


class Deduplicate(beam.PTransform):
    """Exact, then near-duplicate, then paragraph dedup, as the config enables them: (kept, dropped, stats)."""

    def __init__(self, config: Dedup):
        super().__init__()
        self.config = config

    def expand(self, docs):
        dropped, stats = [], []
        for enabled, name, stage, stage_name in (
            (self.config.exact, "Exact", ExactDedup, STAGE_DEDUP_EXACT),
            (self.config.near, "Near", NearDedup, STAGE_DEDUP_NEAR),
            (self.config.paragraph, "Paragraph", ParagraphDedup, STAGE_DEDUP_PARAGRAPH),
        ):
            if enabled:
                docs, stage_dropped, stage_stats, *_ = docs | name >> stage(self.config)
                dropped.append(stage_dropped)
                stats += [stage_stats, docs | f"Count{name}" >> beam.Map(lambda _, key=stage_key(stage_name): (key, 1))]
        pipeline = docs.pipeline
        dropped = dropped | "AllDedupDrops" >> beam.Flatten(pipeline=pipeline)
        removed = dropped | "RemovedPerLanguage" >> beam.Map(lambda d: (stat_key(STAT_DEDUP_REMOVED, parse_drop_reason(d.reason)[1], d.lang), 1))
        return StageOutput(docs, dropped, (stats + [removed]) | "AllDedupStats" >> beam.Flatten(pipeline=pipeline))


class _Stage(beam.PTransform):
    """A dedup stage: a StageOutput."""

    def __init__(self, config: Dedup | None = None):
        super().__init__()
        self.config = config or Dedup()

    def expand(self, docs):
        return StageOutput(*self.stage(docs))


class ExactDedup(_Stage):
    """Documents with the same folded text (in the same scope) meet under one key; the best one survives."""

    def stage(self, docs):
        config = self.config

        def survivors(key_and_docs):
            group = key_and_docs[1]
            best, size = survivor_of(group)
            yield best
            if size > 1:
                yield Stat(stat_key(STAT_DEDUP_CLUSTERS, "exact", size_bucket(size)))
                survivor_passed = False  # ids are unique per record read; still, never drop more than the group less one
                for doc in group:  # a second pass over the stream, never a list of the group
                    if doc.id == best.id and not survivor_passed:
                        survivor_passed = True
                    else:
                        yield drop(DEDUP_EXACT, doc)

        groups = (
            docs
            | "KeyByText" >> beam.Map(lambda d: (exact_key(d.text, scope(d, config.cross_language, config.cross_source)), d))
            | "Group" >> beam.GroupByKey()
        )
        return split_outputs(groups, "KeepSurvivor", survivors)


class _KeySummary(beam.CombineFn):
    """Per key: how many members, the best one (smallest node) and which salted sub-keys hold members."""

    def __init__(self, fanout: int):
        self.fanout = fanout

    def create_accumulator(self):
        return 0, None, 0

    def add_input(self, acc, member):
        count, best, salts = acc
        if best is None or member[0] < best[0]:
            best = member
        return count + 1, best, salts | (1 << _salt(member, self.fanout))

    def merge_accumulators(self, accs):
        count, best, salts = 0, None, 0
        for c, b, s in accs:
            count, salts = count + c, salts | s
            if b is not None and (best is None or b[0] < best[0]):
                best = b
        return count, best, salts

    def extract_output(self, acc):
        return acc


def _salt(member, fanout: int) -> int:
    return zlib.crc32(node_id(member[0]).encode()) % fanout


class PairWithBest(beam.PTransform):
    """(key, member) pairs, member = (node, payload), in; (key, member, best member) out for every member
    of a key shared by several, except the best.

    The count and best member come from a combiner (lifted before the shuffle,
    so a key held by millions costs no hot worker); members then meet the best
    one in up to `fanout` salted sub-keys, so no group holds more than about
    1/fanout of a hot key.
    """

    def __init__(self, fanout: int):
        super().__init__()
        self.fanout = fanout

    def expand(self, members):
        fanout = self.fanout

        def best_per_salt(key_and_summary):
            key, (count, best, salts) = key_and_summary
            if count > 1:
                for salt in range(fanout):
                    if salts >> salt & 1:
                        yield (key, salt), best

        def losers(salted_groups):
            (key, _), groups = salted_groups
            for best in groups["best"]:
                for member in groups["member"]:
                    if member[0] != best[0]:
                        yield key, member, best

        best = (
            members
            | "CountAndBest" >> beam.CombinePerKey(_KeySummary(fanout))
            | "BestPerSalt" >> beam.FlatMap(best_per_salt)
        )
        salted = members | "Salt" >> beam.Map(lambda kv: ((kv[0], _salt(kv[1], fanout)), kv[1]))
        return {"best": best, "member": salted} | "Join" >> beam.CoGroupByKey() | "Losers" >> beam.FlatMap(losers)


class ParagraphDedup(_Stage):
    """CCNet-style: a paragraph found in several documents stays only in the best-ranked one.

    Shuffles per paragraph: its 64-bit hash and the document's node, twice (the
    combiner and the salted join); per removed paragraph: the document id and
    the hash; and the documents themselves once, to strip them (see the README).
    """

    def stage(self, docs):
        config = self.config

        def doc_scope(doc: Document) -> str:
            return scope(doc, config.cross_language, config.cross_source)

        removals = (
            docs
            | "HashParagraphs" >> beam.FlatMap(lambda d: [(h, (node_of(d), None)) for h in paragraph_hashes(d.text, doc_scope(d))])
            | "PairWithBest" >> PairWithBest(config.hot_key_fanout)
            | "ByDocument" >> beam.Map(lambda loser: (node_id(loser[1][0]), loser[0]))
        )

        def strip(id_and_groups):
            _, groups = id_and_groups
            remove = set(groups["remove"])
            for doc in groups["doc"]:
                if not remove:
                    yield doc
                    continue
                text, n_chars, _ = strip_paragraphs(doc.text, remove, doc_scope(doc))
                yield Stat(stat_key(STAT_DEDUP_PARAGRAPHS, "removed_lines", doc.lang), doc.text.count("\n") - text.count("\n") + (not text))
                yield Stat(stat_key(STAT_DEDUP_PARAGRAPHS, "removed_chars", doc.lang), doc.n_chars - n_chars)
                if n_chars < config.paragraph_min_chars:
                    yield drop(DEDUP_PARAGRAPH_TOO_SHORT, doc)
                else:
                    yield with_text(doc, text)

        joined = {"doc": docs | "KeyById" >> beam.Map(lambda d: (d.id, d)), "remove": removals} | "Join" >> beam.CoGroupByKey()
        return split_outputs(joined, "Strip", strip)


class _BandKeys(beam.DoFn):
    """A batch of documents in, (LSH bucket, (node, verification sketch)) out for each band of each document."""

    def __init__(self, config: Dedup):
        self.config = config
        self.bands, self.rows = lsh_bands(config.threshold, config.num_perm, config.false_negative_weight)

    def process(self, batch: list[Document]):
        c = self.config
        sets = [shingles(d.text, c.word_ngram, c.char_ngram) for d in batch]
        sigs = signatures(sets, c.num_perm, c.seed)
        for doc, shingle_set, sig in zip(batch, sets, sigs):
            if shingle_set:
                member = (node_of(doc), verification_sketch(sig) if c.verify else b"")
                for key in band_keys(sig, self.bands, self.rows, scope(doc, c.cross_language, c.cross_source)):
                    yield key, member


class NearDedup(_Stage):
    """MinHash LSH: band buckets give star edges to each bucket's best document, optionally verified by
    the Jaccard similarity estimated from the two signatures; connected components of those edges are
    the duplicate clusters, and each keeps its best document."""

    def stage(self, docs):
        config = self.config

        def verified(candidate):
            _, (node, sig), (best, best_sig) = candidate
            yield Stat(stat_key(STAT_DEDUP_NEAR, "candidate_pairs"))
            if config.verify and sketch_jaccard(sig, best_sig) < config.threshold - config.verify_margin:
                yield Stat(stat_key(STAT_DEDUP_NEAR, "rejected_pairs"))
            else:
                yield node, best

        candidates = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=16, max_batch_size=256)
            | "BandKeys" >> beam.ParDo(_BandKeys(config))
            | "Candidates" >> PairWithBest(config.hot_key_fanout)
        )
        edges, verify_stats = split_stats(candidates | "Verify" >> beam.FlatMap(verified), "Verify")
        edges = edges | "OneEdgePerPair" >> beam.Distinct()
        labels, cc_stats = edges | "Components" >> ConnectedComponents(config.cc_rounds, config.cc_max_leftover)

        absorbed = (
            labels
            | "AbsorbedBy" >> beam.Map(lambda nl: (node_id(nl[1]), (nl[0][3], 1)))  # (dup_count, members)
            | "SumAbsorbed" >> beam.CombinePerKey(lambda pairs: tuple(map(sum, zip(*pairs))) or (0, 0))
        )

        def resolve(id_and_groups):
            _, groups = id_and_groups
            for doc in groups["doc"]:
                if groups["label"]:
                    yield drop(DEDUP_NEAR, doc)
                elif groups["absorbed"]:
                    dup_count, members = groups["absorbed"][0]
                    yield Stat(stat_key(STAT_DEDUP_CLUSTERS, "near", size_bucket(members + 1)))
                    yield doc._replace(dup_count=doc.dup_count + dup_count)
                else:
                    yield doc

        joined = {
            "doc": docs | "KeyById" >> beam.Map(lambda d: (d.id, d)),
            "label": labels | "LabelById" >> beam.Map(lambda nl: (node_id(nl[0]), nl[1])),
            "absorbed": absorbed,
        } | "Join" >> beam.CoGroupByKey()
        kept, dropped, stats, _ = split_outputs(joined, "KeepSurvivor", resolve)
        return kept, dropped, (stats, verify_stats, cc_stats) | "NearStats" >> beam.Flatten()


class _Star(beam.DoFn):
    """One large-star or small-star step at one node; counts the edges it changed (the convergence counter)."""

    def __init__(self, step, round_key: str):
        self.step = step
        self.round_key = round_key
        self.changes = Metrics.counter("dedup", "components_changes")

    def process(self, node_and_neighbours):
        node, neighbours = node_and_neighbours
        for e, changed in self.step(node, neighbours):
            yield e
            if changed:
                self.changes.inc()
                yield Stat(self.round_key)


class _AtMost(beam.CombineFn):
    """All elements as a tuple if there are at most `limit`, else None: a bounded global collection."""

    def __init__(self, limit: int):
        self.limit = limit

    def create_accumulator(self):
        return []

    def add_input(self, acc, element):
        if acc is None or len(acc) >= self.limit:
            return None
        acc.append(element)
        return acc

    def merge_accumulators(self, accs):
        merged = []
        for acc in accs:
            if acc is None or len(merged) + len(acc) > self.limit:
                return None
            merged.extend(acc)
        return merged

    def extract_output(self, acc):
        return None if acc is None else tuple(sorted(acc))


class ConnectedComponents(beam.PTransform):
    """Edges (larger, smaller) in; (node, smallest node of its component) out for every node that is not
    the smallest, and statistics.

    `rounds` large-star + small-star rounds are unrolled (Beam has no loops);
    each counts the edges it changed. Nodes still unsettled afterwards are
    finished by union-find in one worker when there are at most `max_leftover`
    of them and of their edges; past that bound they keep a smaller neighbour
    as label, so a dropped document always has a kept duplicate, and a
    component may keep more than one document.
    """

    def __init__(self, rounds: int, max_leftover: int):
        super().__init__()
        self.rounds = rounds
        self.max_leftover = max_leftover

    def expand(self, edges):
        stats = []
        for r in range(1, self.rounds + 1):
            key = stat_key(STAT_DEDUP_NEAR, f"components_round_{r:02d}_changes")
            edges, large_stats = split_stats(
                edges
                | f"BothWays{r}" >> beam.FlatMap(lambda e: (e, (e[1], e[0])))
                | f"Neighbours{r}" >> beam.GroupByKey()
                | f"LargeStar{r}" >> beam.ParDo(_Star(large_star, key)),
                f"LargeStar{r}",
            )
            edges, small_stats = split_stats(
                edges | f"SmallerNeighbours{r}" >> beam.GroupByKey() | f"SmallStar{r}" >> beam.ParDo(_Star(small_star, key)),
                f"SmallStar{r}",
            )
            stats += [large_stats, small_stats]

        summaries = (
            edges
            | "EdgeEnds" >> beam.FlatMap(summary_of_edge_end)
            | "Summaries" >> beam.CombinePerKey(merge_summaries)
        )
        unsettled = summaries | "Unsettled" >> beam.Filter(lambda ns: not ns[1].settled) | "Nodes" >> beam.Keys()
        few_unsettled = unsettled | "AtMostUnsettled" >> beam.CombineGlobally(_AtMost(self.max_leftover))

        def touches(e, nodes):
            return nodes is not None and (e[0] in nodes or e[1] in nodes)

        leftover = (
            edges
            | "LeftoverEdges" >> beam.Filter(touches, AsSingleton(few_unsettled | "AsSet" >> beam.Map(lambda n: n and frozenset(n))))
            | "AtMostLeftover" >> beam.CombineGlobally(_AtMost(self.max_leftover))
            | "UnionFind" >> beam.Map(lambda es: union_find_labels(es) if es is not None else {})
        )
        labels = (
            summaries
            | "Label" >> beam.Map(lambda ns, lo: (ns[0], final_label(ns[0], ns[1], lo)), AsSingleton(leftover))
            | "NotSmallest" >> beam.Filter(lambda nl: nl[0] != nl[1])
        )
        stats.append(unsettled | "CountUnsettled" >> beam.Map(lambda _: (stat_key(STAT_DEDUP_NEAR, "components_unsettled_nodes"), 1)))
        return labels, stats | "ComponentStats" >> beam.Flatten()
