"""Bitext mining: candidate document pairs -> sentence alignment -> filters -> bitext shards.

    documents ─┬─ Wikipedia articles joined by langlinks ─┐
               └─ web pages whose URLs differ by language ─┴─ candidate pairs
    neural encoder (e5, the default):
      documents of the candidate pairs ─ split, encode once each (batched; model loaded in DoFn.setup)
      candidate pairs joined with both encoded documents ─ DP alignment ─ filters
    lexical encoder:
      candidate pairs ─ first pass (no lexicon) ─ Dice counts by shuffle ─ lexicon per language pair
      candidate pairs + lexicon ─ DP alignment ─ filters
    ─ duplicate pairs ─ OUT/bitext/<l1>-<l2>/part-*.parquet

`MineBitext` is used by `corpus build` (on the kept documents) and by `corpus mine`
(on the documents of an existing release).
"""

from __future__ import annotations

import hashlib
import io
import itertools
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from corpus import release
from corpus.bitext import filters
from corpus.bitext.candidates import title_key, url_language_key, wiki_lang_code
from corpus.bitext.lexical import cooccurrences, dice, lexicon_from_entries
from corpus.bitext.encoders import load_encoder
from corpus.bitext.mine import confident_pairs, encode_sides, mine_document_pair, mine_sides, orient, pair_name, split_document
from corpus.config import Bitext, Read
from corpus.schema import BITEXT_SCHEMA, BitextPair, COMMONCRAWL, Document, Drop, WIKIPEDIA, is_a
from corpus.sources import langlinks
from corpus.text import fold
from pipelines.read import _match, common_folder, open_input

BITEXT_DIR = "bitext"
WIKIPEDIA_CANDIDATES = "wikipedia-langlinks"
WEB_CANDIDATES = "web-url-marker"
MAX_SITE_LANGUAGES = 32  # pages sharing one URL key: more than this is a template, not translations

beam.coders.registry.register_coder(langlinks.LangLink, beam.coders.RowCoder)


def split_by_type(pcoll, label: str, fn, main_type: type, other_type: type = Drop):
    """Apply a callable yielding two kinds of items; returns (main, other), split by type
    rather than by tagged outputs (as pipelines.common.split_outputs does, for the DaskRunner)."""
    results = pcoll | label >> beam.FlatMap(fn)
    main = results | f"{label}/Main" >> beam.Filter(lambda item: isinstance(item, main_type) and not isinstance(item, other_type)).with_output_types(Any)
    other = results | f"{label}/Other" >> beam.Filter(lambda item: isinstance(item, other_type)).with_output_types(Any)
    return main, other


class Unmatched(int):
    """Interlanguage links that found no document on one side."""


# ---------------------------------------------------------------- candidate pairs
class ReadLangLinks(beam.PTransform):
    """langlinks.sql.gz files -> (LangLink records, Drops)."""

    def __init__(self, patterns: list[str]):
        super().__init__()
        self.patterns = sorted(patterns)

    def expand(self, pbegin):
        def read(file):
            _, path, name, _ = file
            with open_input(path, Read()) as stream:
                yield from langlinks.read(stream, name)

        files = (
            pbegin
            | "Patterns" >> beam.Create([("langlinks", p, common_folder(self.patterns)) for p in self.patterns])
            | "Match" >> beam.FlatMap(_match, Read())
            | "SpreadFiles" >> beam.Reshuffle()
        )
        return split_by_type(files, "Parse", read, langlinks.LangLink)


def _language_matches(doc: Document) -> bool:
    return doc.lang == wiki_lang_code(doc.source_lang)


class WikipediaPairs(beam.PTransform):
    """Articles joined by interlanguage links: by (wiki, page id), then by (wiki, title)."""

    def __init__(self, links):
        super().__init__()
        self.links = links

    def expand(self, docs):
        articles = docs | "Articles" >> beam.Filter(lambda d: d.source == WIKIPEDIA and d.page_id > 0)
        by_page = {
            "doc": articles | "ByPage" >> beam.Map(lambda d: ((d.source_lang, d.page_id), d)),
            "link": self.links | "LinkByPage" >> beam.Map(lambda l: ((l.lang, l.page_id), (l.target_lang, title_key(l.target_title)))),
        } | "JoinPage" >> beam.CoGroupByKey()

        def follow(key_groups):
            _, groups = key_groups
            for doc in groups["doc"]:
                for target in groups["link"]:
                    yield target, doc
            if not list(groups["doc"]):
                yield Unmatched(len(list(groups["link"])))

        linked, unmatched_pages = split_by_type(by_page, "Follow", follow, tuple, Unmatched)
        by_title = {
            "doc": articles | "ByTitle" >> beam.Map(lambda d: ((d.source_lang, title_key(d.title)), d)),
            "from": linked,
        } | "JoinTitle" >> beam.CoGroupByKey()

        def pairs(key_groups):
            _, groups = key_groups
            for target in groups["doc"]:
                for source in groups["from"]:
                    src, tgt = orient(source, target)
                    yield f"{src.id} {tgt.id}", (src, tgt)
            if not list(groups["doc"]):
                yield Unmatched(len(list(groups["from"])))

        joined, unmatched_titles = split_by_type(by_title, "Pair", pairs, tuple, Unmatched)
        # A link in each direction finds the same pair twice; keep one.
        candidates = (
            joined
            | "OnePerPair" >> beam.CombinePerKey(lambda pairs: min(pairs, key=lambda p: (p[0].id, p[1].id)))
            | "Values" >> beam.Values()
        )
        unmatched = (unmatched_pages, unmatched_titles) | "Unmatched" >> beam.Flatten()
        return candidates, unmatched


class WebPairs(beam.PTransform):
    """Pages of one site whose URLs differ only by a language marker agreeing with their detected languages."""

    def expand(self, docs):
        def keyed(doc: Document):
            if doc.source == COMMONCRAWL and doc.repetition == 0:
                key = url_language_key(doc.url, doc.lang)
                if key:
                    yield key, doc

        def pairs(key_docs):
            _, group = key_docs
            by_lang = {}
            for doc in sorted(group, key=lambda d: d.id):
                by_lang.setdefault(doc.lang, doc)  # one page per language and URL key
            if 1 < len(by_lang) <= MAX_SITE_LANGUAGES:
                for a, b in itertools.combinations(sorted(by_lang), 2):
                    yield orient(by_lang[a], by_lang[b])

        return docs | "KeyByUrl" >> beam.FlatMap(keyed) | "GroupByUrl" >> beam.GroupByKey() | "Pairs" >> beam.FlatMap(pairs)


# ---------------------------------------------------------------- lexicon
class EstimateLexicons(beam.PTransform):
    """First pass without a lexicon; Dice coefficients of its confident pairs, counted by shuffles.

    Output: (language pair, lexicon) with at most config.lexicon_max_entries entries each,
    small enough for a side input.
    """

    def __init__(self, config: Bitext):
        super().__init__()
        self.config = config

    def expand(self, candidates):
        config = self.config

        def counts(candidate):
            (src, tgt), _ = candidate
            name = pair_name(src.lang, tgt.lang)
            for kind, a, b in cooccurrences(confident_pairs(src, tgt, config), src.lang, tgt.lang):
                yield f"{name}\t{kind}\t{a}\t{b}", 1

        summed = candidates | "FirstPass" >> beam.FlatMap(counts) | "Count" >> beam.CombinePerKey(sum)
        split = summed | "Kinds" >> beam.Map(lambda kv: (kv[0].split("\t"), kv[1]))

        joint = (
            split
            | "Joint" >> beam.Filter(lambda kv: kv[0][1] == "pair" and kv[1] >= config.lexicon_min_count and kv[0][2] != kv[0][3])
            | "JointBySrc" >> beam.Map(lambda kv: ((kv[0][0], kv[0][2]), (kv[0][3], kv[1])))
        )
        src_counts = split | "Src" >> beam.Filter(lambda kv: kv[0][1] == "1") | "SrcKey" >> beam.Map(lambda kv: ((kv[0][0], kv[0][2]), kv[1]))
        tgt_counts = split | "Tgt" >> beam.Filter(lambda kv: kv[0][1] == "2") | "TgtKey" >> beam.Map(lambda kv: ((kv[0][0], kv[0][3]), kv[1]))

        def with_src_count(key_groups):
            (name, a), groups = key_groups
            count_a = sum(groups["count"])
            for b, c in groups["joint"]:
                yield (name, b), (a, c, count_a)

        def with_dice(key_groups):
            (name, b), groups = key_groups
            count_b = sum(groups["count"])
            for a, c, count_a in groups["joint"]:
                d = dice(c, count_a, count_b)
                if d >= config.lexicon_min_dice:
                    yield name, (a, b, round(d, 6))

        entries = (
            {"joint": joint, "count": src_counts}
            | "JoinSrc" >> beam.CoGroupByKey()
            | "SrcCount" >> beam.FlatMap(with_src_count)
        )
        return (
            {"joint": entries, "count": tgt_counts}
            | "JoinTgt" >> beam.CoGroupByKey()
            | "Dice" >> beam.FlatMap(with_dice)
            | "Best" >> beam.combiners.Top.PerKey(config.lexicon_max_entries, key=lambda e: (e[2], e[0], e[1]))
            | "Lexicon" >> beam.MapTuple(lambda name, best: (name, lexicon_from_entries(best, config.lexicon_per_token)))
        )


# ---------------------------------------------------------------- neural encoding
class EncodeDocuments(beam.DoFn):
    """Batches of documents -> (doc id, Side with its sentence vectors); the model is loaded once per worker."""

    def __init__(self, config: Bitext):
        self.config = config

    def setup(self):
        self.encoder = load_encoder(self.config)

    def process(self, docs):
        for side in encode_sides([split_document(d) for d in docs], self.encoder, self.config):
            yield side.doc.id, side


class AlignEncoded(beam.PTransform):
    """Candidate pairs -> BitextPairs and Drops: each document split and encoded once, however many
    language pairs it is in, then joined back to its candidate pairs by id (two shuffles)."""

    def __init__(self, config: Bitext):
        super().__init__()
        self.config = config

    def expand(self, candidates):
        config = self.config
        encoded = (
            candidates
            | "Documents" >> beam.FlatMap(lambda c: [(c[0][0].id, c[0][0]), (c[0][1].id, c[0][1])])
            | "OncePerDocument" >> beam.CombinePerKey(lambda docs: min(docs, key=lambda d: d.id))
            | "DocumentValues" >> beam.Values()
            # Sentences of several documents share one call of the encoder (size: paragraphs, a proxy for sentences).
            | "Batch" >> beam.BatchElements(min_batch_size=config.batch_size, max_batch_size=4 * config.batch_size,
                                             element_size_fn=lambda d: max(1, d.text.count("\n") + 1))
            | "Encode" >> beam.ParDo(EncodeDocuments(config)).with_output_types(Any)
        )
        by_src = candidates | "BySrc" >> beam.Map(lambda c: (c[0][0].id, (c[0][1].id, c[1]))).with_output_types(Any)

        def with_src(key_groups):
            _, groups = key_groups
            side = next(iter(groups["side"]), None)  # every candidate's documents were encoded
            for tgt_id, method in groups["candidate"]:
                yield tgt_id, (side, method)

        def with_tgt(key_groups):
            _, groups = key_groups
            side = next(iter(groups["side"]), None)
            for src_side, method in groups["candidate"]:
                yield from mine_sides(src_side, side, method, config)

        half = (
            {"candidate": by_src, "side": encoded}
            | "JoinSrc" >> beam.CoGroupByKey()
            | "WithSrc" >> beam.FlatMap(with_src).with_output_types(Any)
        )
        return (
            {"candidate": half, "side": encoded}
            | "JoinTgt" >> beam.CoGroupByKey()
            | "Mine" >> beam.FlatMap(with_tgt).with_output_types(Any)
        )


# ---------------------------------------------------------------- mining
def _drop_duplicates(key_pairs):
    _, pairs = key_pairs
    ranked = sorted(pairs, key=lambda p: (-p.score, p.id, p.src_doc_id, p.tgt_doc_id))
    yield ranked[0]
    for pair in ranked[1:]:
        yield Drop(filters.DUPLICATE, pair_name(pair.src_lang, pair.tgt_lang), "", pair.id)


def bitext_shard_path(name: str, index: int, shards: int) -> str:
    return f"{BITEXT_DIR}/{name}/part-{index:05d}-of-{shards:05d}.parquet"


def encode_bitext(pairs: list[BitextPair], compression: str) -> bytes:
    rows = sorted(pairs, key=lambda p: (p.id, p.src_doc_id, p.tgt_doc_id))
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([p._asdict() for p in rows], schema=BITEXT_SCHEMA), sink,
                   compression=None if compression == "none" else compression)
    return sink.getvalue()


class WriteBitext(beam.PTransform):
    """OUT/bitext/<l1>-<l2>/part-NNNNN-of-MMMMM.parquet, rows sorted by id; yields ("bitext_shard|path|sha256", rows)."""

    def __init__(self, out_dir: str, shard_bytes: int, compression: str):
        super().__init__()
        self.out_dir, self.shard_bytes, self.compression = out_dir, shard_bytes, compression

    def expand(self, pairs):
        from pipelines.write import write_file

        shard_bytes, compression, out_dir = self.shard_bytes, self.compression, self.out_dir
        name_of = lambda p: pair_name(p.src_lang, p.tgt_lang)  # noqa: E731
        shard_counts = (
            pairs
            | "Bytes" >> beam.Map(lambda p: (name_of(p), len(p.src_text.encode()) + len(p.tgt_text.encode())))
            | "PerPair" >> beam.CombinePerKey(sum)
            | "Shards" >> beam.MapTuple(lambda name, size: (name, release.shard_count(size, shard_bytes)))
        )

        def assign(pair, counts):
            shards = counts[name_of(pair)]
            index = int.from_bytes(hashlib.blake2b(pair.id.encode(), digest_size=8).digest(), "big") % shards
            return bitext_shard_path(name_of(pair), index, shards), pair

        def write(path_pairs):
            path, group = path_pairs
            group = list(group)
            data = encode_bitext(group, compression)
            write_file(FileSystems.join(out_dir, path), data)
            yield f"{release.BITEXT_SHARD}|{path}|{hashlib.sha256(data).hexdigest()}", len(group)

        return (
            pairs
            | "Assign" >> beam.Map(assign, counts=beam.pvalue.AsDict(shard_counts))
            | "GroupShard" >> beam.GroupByKey()
            | "Write" >> beam.FlatMap(write)
        )


def _score_bin(score: float, bins: int) -> str:
    """Histogram bins of width 2/bins from 0 to 2; the last bin holds everything above."""
    index = min(max(int(score * bins / 2), 0), bins - 1)
    return f"{index * 2 / bins:.2f}"


class MineBitext(beam.PTransform):
    """Documents (+ langlinks) -> bitext shards; returns the statistics ("kind|key", amount)."""

    def __init__(self, config: Bitext, langlink_patterns: list[str], out_dir: str, shard_bytes: int, compression: str):
        super().__init__()
        self.config = config
        self.langlink_patterns = langlink_patterns
        self.out_dir, self.shard_bytes, self.compression = out_dir, shard_bytes, compression

    def expand(self, docs):
        config = self.config
        p = docs.pipeline
        candidates, stats, drops = [], [], []
        if config.wikipedia and self.langlink_patterns:
            links, link_drops = p | "ReadLangLinks" >> ReadLangLinks(self.langlink_patterns)
            wiki, unmatched = docs | "WikipediaPairs" >> WikipediaPairs(links)
            candidates.append(wiki | "TagWiki" >> beam.Map(lambda pair: (pair, WIKIPEDIA_CANDIDATES)))
            stats += [
                links | "LinkStats" >> beam.Map(lambda l: ("bitext_links|read", 1)),
                link_drops | "LinkDropStats" >> beam.Map(lambda d: (f"bitext_links|{d.reason}", 1)),
                unmatched | "UnmatchedStats" >> beam.Map(lambda n: ("bitext_links|unmatched", n)),
            ]
        if config.web:
            web = docs | "WebPairs" >> WebPairs()
            candidates.append(web | "TagWeb" >> beam.Map(lambda pair: (pair, WEB_CANDIDATES)))
        if not candidates:
            return p | "NoStats" >> beam.Create([])
        candidates = candidates | "AllCandidates" >> beam.Flatten()

        def checked(candidate):
            (src, tgt), method = candidate
            if src.lang == tgt.lang or (method == WIKIPEDIA_CANDIDATES and not (_language_matches(src) and _language_matches(tgt))):
                yield Drop(filters.WRONG_LANGUAGE, pair_name(src.lang, tgt.lang), src.source, f"{src.id} {tgt.id}")
            else:
                yield candidate

        candidates, wrong_language = split_by_type(candidates, "CheckLanguages", checked, tuple)
        drops.append(wrong_language)
        stats.append(candidates | "CandidateStats" >> beam.Map(
            lambda c: (f"bitext_candidates|{pair_name(c[0][0].lang, c[0][1].lang)}|{c[1]}", 1)))

        if config.encoder == "lexical":
            lexicons = candidates | "EstimateLexicons" >> EstimateLexicons(config)

            def mine(candidate, lexicons):
                (src, tgt), method = candidate
                lexicon = lexicons.get(pair_name(src.lang, tgt.lang))
                yield from mine_document_pair(src, tgt, method, config, lexicon)

            results = candidates | "Align" >> beam.FlatMap(mine, lexicons=beam.pvalue.AsDict(lexicons))
        else:
            results = candidates | "Align" >> AlignEncoded(config)
        mined = results | "Align/Pairs" >> beam.Filter(lambda item: is_a(item, BitextPair))
        drops.append(results | "Align/Drops" >> beam.Filter(lambda item: is_a(item, Drop)))
        by_text = (
            mined
            | "KeyByText" >> beam.Map(lambda pr: (f"{pr.src_lang}\t{pr.tgt_lang}\t{fold(pr.src_text)}\t{fold(pr.tgt_text)}", pr))
            | "GroupText" >> beam.GroupByKey()
        )
        pairs, duplicates = split_by_type(by_text, "OneOfDuplicates", _drop_duplicates, BitextPair)
        drops.append(duplicates)
        bins = config.histogram_bins
        stats += [
            pairs | "WriteBitext" >> WriteBitext(self.out_dir, self.shard_bytes, self.compression),
            pairs | "PairStats" >> beam.Map(lambda pr: (f"bitext_pairs|{pair_name(pr.src_lang, pr.tgt_lang)}|{pr.method}", 1)),
            pairs | "ScoreStats" >> beam.Map(lambda pr: (f"bitext_score|{pair_name(pr.src_lang, pr.tgt_lang)}|{_score_bin(pr.score, bins)}", 1)),
            drops | "AllBitextDrops" >> beam.Flatten() | "DropStats" >> beam.Map(lambda d: (f"bitext_dropped|{d.reason}|{d.lang}", 1)),
        ]
        return stats | "AllBitextStats" >> beam.Flatten()
