"""Bitext mining: candidate document pairs -> sentence alignment -> filters -> bitext shards.

    documents ─┬─ Wikipedia articles joined by langlinks ─┐
               └─ web pages whose URLs differ by language ─┴─ candidate pairs
    neural encoder (e5, the default):
      documents of the candidate pairs ─ split, encode once each (batched; model loaded in DoFn.setup)
      candidate pairs joined with both encoded documents ─ DP alignment ─ filters
    lexical encoder:
      candidate pairs ─ first pass (no lexicon) ─ Dice counts by shuffle ─ lexicon per language pair
      candidate pairs + lexicon ─ DP alignment ─ filters
    ─ one of duplicate pairs

`MineBitext` returns the stage contract, StageOutput(pairs, drops, statistics); `corpus build`
(on the kept documents) and `corpus mine` (on the same documents, built again) write the pairs
with the documents' shard writer, under OUT/bitext/<l1>-<l2>/.
"""

from __future__ import annotations

import itertools
from typing import Any

import apache_beam as beam

from corpus.bitext import filters
from corpus.bitext.candidates import title_key, url_language_key, wiki_lang_code
from corpus.bitext.lexical import cooccurrences, dice, lexicon_from_entries
from corpus.bitext.encoders import load_encoder
from corpus.bitext.mine import confident_pairs, encode_sides, mine_document_pair, mine_sides, orient, split_document
from corpus.config import Bitext, Read
from corpus.schema import BitextPair, COMMONCRAWL, Document, Drop, Stat, WIKIPEDIA, pair_name
from corpus.sources import langlinks
from corpus.statistics import STAT_BITEXT_CANDIDATES, STAT_BITEXT_LINKS, STAT_BITEXT_PAIRS, STAT_BITEXT_SCORE, stat_key
from corpus.text import fold
from pipelines.common import StageOutput, split_outputs
from pipelines.read import MatchFiles, open_input

WIKIPEDIA_CANDIDATES = "wikipedia-langlinks"
WEB_CANDIDATES = "web-url-marker"
UNMATCHED_LINKS = stat_key(STAT_BITEXT_LINKS, "unmatched")  # interlanguage links that found no document on one side
MAX_SITE_LANGUAGES = 32  # pages sharing one URL key: more than this is a template, not translations

# ---------------------------------------------------------------- candidate pairs
class ReadLangLinks(beam.PTransform):
    """langlinks.sql.gz files -> StageOutput(LangLink records, Drops, no statistics)."""

    def __init__(self, patterns: list[str]):
        super().__init__()
        self.patterns = patterns

    def expand(self, pbegin):
        options = Read()

        def read(file):
            _, path, name, _ = file
            with open_input(path, options) as stream:
                yield from langlinks.read(stream, name)

        files = pbegin | MatchFiles({"langlinks": self.patterns}, options)
        return split_outputs(files, "Parse", read, langlinks.LangLink)


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
                yield Stat(UNMATCHED_LINKS, len(list(groups["link"])))

        linked = split_outputs(by_page, "Follow", follow, Any)
        by_title = {
            "doc": articles | "ByTitle" >> beam.Map(lambda d: ((d.source_lang, title_key(d.title)), d)),
            "from": linked.kept,
        } | "JoinTitle" >> beam.CoGroupByKey()

        def pairs(key_groups):
            _, groups = key_groups
            for target in groups["doc"]:
                for source in groups["from"]:
                    src, tgt = orient(source, target)
                    yield f"{src.id} {tgt.id}", (src, tgt)
            if not list(groups["doc"]):
                yield Stat(UNMATCHED_LINKS, len(list(groups["from"])))

        joined = split_outputs(by_title, "Pair", pairs, Any)
        # A link in each direction finds the same pair twice; keep one.
        candidates = (
            joined.kept
            | "OnePerPair" >> beam.CombinePerKey(lambda pairs: min(pairs, key=lambda p: (p[0].id, p[1].id)))
            | "Values" >> beam.Values()
        )
        return candidates, (linked.stats, joined.stats) | "Unmatched" >> beam.Flatten()


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


def _score_bin(score: float, bins: int) -> str:
    """Histogram bins of width 2/bins from 0 to 2; the last bin holds everything above."""
    index = min(max(int(score * bins / 2), 0), bins - 1)
    return f"{index * 2 / bins:.2f}"


class MineBitext(beam.PTransform):
    """Documents (+ langlinks) -> StageOutput(BitextPairs, Drops of aligned beads and candidates, statistics)."""

    def __init__(self, config: Bitext, langlink_patterns: list[str]):
        super().__init__()
        self.config = config
        self.langlink_patterns = langlink_patterns

    def expand(self, docs):
        config = self.config
        p = docs.pipeline
        candidates, stats, drops = [], [], []
        if config.wikipedia and self.langlink_patterns:
            links = p | "ReadLangLinks" >> ReadLangLinks(self.langlink_patterns)
            wiki, unmatched = docs | "WikipediaPairs" >> WikipediaPairs(links.kept)
            candidates.append(wiki | "TagWiki" >> beam.Map(lambda pair: (pair, WIKIPEDIA_CANDIDATES)))
            stats += [
                links.kept | "LinkStats" >> beam.Map(lambda l: (stat_key(STAT_BITEXT_LINKS, "read"), 1)),
                links.dropped | "LinkDropStats" >> beam.Map(lambda d: (stat_key(STAT_BITEXT_LINKS, d.reason), 1)),
                unmatched,
            ]
        if config.web:
            web = docs | "WebPairs" >> WebPairs()
            candidates.append(web | "TagWeb" >> beam.Map(lambda pair: (pair, WEB_CANDIDATES)))
        if not candidates:
            nothing = p | "NoCandidates" >> beam.Create([])
            return StageOutput(nothing, nothing, nothing)
        candidates = candidates | "AllCandidates" >> beam.Flatten()

        def checked(candidate):
            (src, tgt), method = candidate
            if src.lang == tgt.lang or (method == WIKIPEDIA_CANDIDATES and not (_language_matches(src) and _language_matches(tgt))):
                yield Drop(filters.WRONG_LANGUAGE, pair_name(src.lang, tgt.lang), src.source, f"{src.id} {tgt.id}")
            else:
                yield candidate

        checked_candidates = split_outputs(candidates, "CheckLanguages", checked, Any)
        candidates = checked_candidates.kept
        drops.append(checked_candidates.dropped)
        stats.append(candidates | "CandidateStats" >> beam.Map(
            lambda c: (stat_key(STAT_BITEXT_CANDIDATES, pair_name(c[0][0].lang, c[0][1].lang), c[1]), 1)))

        if config.encoder == "lexical":
            lexicons = candidates | "EstimateLexicons" >> EstimateLexicons(config)

            def mine(candidate, lexicons):
                (src, tgt), method = candidate
                lexicon = lexicons.get(pair_name(src.lang, tgt.lang))
                yield from mine_document_pair(src, tgt, method, config, lexicon)

            results = candidates | "Align" >> beam.FlatMap(mine, lexicons=beam.pvalue.AsDict(lexicons))
        else:
            results = candidates | "Align" >> AlignEncoded(config)
        aligned = split_outputs(results, "Aligned", lambda item: [item], BitextPair)
        drops.append(aligned.dropped)
        by_text = (
            aligned.kept
            | "KeyByText" >> beam.Map(lambda pr: (f"{pr.src_lang}\t{pr.tgt_lang}\t{fold(pr.src_text)}\t{fold(pr.tgt_text)}", pr))
            | "GroupText" >> beam.GroupByKey()
        )
        pairs = split_outputs(by_text, "OneOfDuplicates", _drop_duplicates, BitextPair)
        drops.append(pairs.dropped)
        bins = config.histogram_bins
        stats += [
            pairs.kept | "PairStats" >> beam.Map(lambda pr: (stat_key(STAT_BITEXT_PAIRS, pair_name(pr.src_lang, pr.tgt_lang), pr.method), 1)),
            pairs.kept | "ScoreStats" >> beam.Map(lambda pr: (stat_key(STAT_BITEXT_SCORE, pair_name(pr.src_lang, pr.tgt_lang), _score_bin(pr.score, bins)), 1)),
        ]
        return StageOutput(pairs.kept, drops | "AllBitextDrops" >> beam.Flatten(), stats | "AllBitextStats" >> beam.Flatten())
