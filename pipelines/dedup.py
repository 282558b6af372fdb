"""Exact and MinHash near-duplicate removal, by shuffles on content keys."""

from __future__ import annotations

import apache_beam as beam

from corpus.config import Dedup
from corpus.dedup import survivor_rank
from corpus.dedup.exact import exact_key, split_survivor
from corpus.dedup.minhash import band_keys, lsh_bands, shingles, signatures
from corpus.schema import Document
from pipelines.common import drop, split_outputs

class ExactDedup(beam.PTransform):
    """Documents with the same folded text meet under one key; the best one survives."""

    def expand(self, docs):
        def survivors(key_and_docs):
            best, others = split_survivor(key_and_docs[1])
            yield best
            for doc in others:
                yield drop("dedup", "exact", doc)

        groups = docs | "KeyByText" >> beam.Map(lambda d: (exact_key(d.text), d)) | "Group" >> beam.GroupByKey()
        return split_outputs(groups, "KeepSurvivor", survivors)


class _BandKeys(beam.DoFn):
    def __init__(self, config: Dedup):
        self.config = config
        self.bands, self.rows = lsh_bands(config.threshold, config.num_perm)

    def process(self, batch: list[Document]):
        sets = [shingles(d.text, self.config.word_ngram, self.config.char_ngram) for d in batch]
        sigs = signatures(sets, self.config.num_perm, self.config.seed)
        for doc, shingle_set, sig in zip(batch, sets, sigs):
            if shingle_set:
                member = (survivor_rank(doc), doc.id, doc.dup_count)
                for key in band_keys(sig, self.bands, self.rows):
                    yield key, member


def _star_edges(bucket):
    """Every member of an LSH bucket points to the bucket's best member (a star, never a clique)."""
    members = set(bucket[1])
    if len(members) > 1:
        best = min(members)
        for _, member_id, member_dup_count in members - {best}:
            yield member_id, (best[1], member_dup_count)


class NearDedup(beam.PTransform):
    """MinHash LSH: documents sharing a band bucket with a better document are near-duplicates.

    First version: a document is dropped when any bucket holds a better one; the
    scalable connected-components version replaces this (see the dedup issue).
    """

    def __init__(self, config: Dedup):
        super().__init__()
        self.config = config

    def expand(self, docs):
        edges = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=16, max_batch_size=256)
            | "BandKeys" >> beam.ParDo(_BandKeys(self.config))
            | "Buckets" >> beam.GroupByKey()
            | "StarEdges" >> beam.FlatMap(_star_edges)
            | "OneEdgePerPair" >> beam.Distinct()
        )
        joined = {
            "doc": docs | "KeyById" >> beam.Map(lambda d: (d.id, d)),
            "best": edges,
            "absorbed": edges | "ByBest" >> beam.Map(lambda e: (e[1][0], e[1][1])),
        } | "Join" >> beam.CoGroupByKey()
        return split_outputs(joined, "KeepSurvivor", _resolve_near)


def _resolve_near(id_and_groups):
    _, groups = id_and_groups
    for doc in groups["doc"]:
        if groups["best"]:
            yield drop("dedup", "near", doc)
        else:
            yield doc._replace(dup_count=doc.dup_count + sum(groups["absorbed"]))
