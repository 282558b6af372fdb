"""The manifest, assembled from the build's own statistics, shard list, sampling rates and tokenizer report."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from corpus.config import LANGUAGE_DEFAULTS, Dedup, Filters, Rebalance
from corpus.manifest import Documents, Language, Manifest, Rebalancing, Shard, StageRow, Stat, stats_section
from corpus.rebalance import held_back, may_repeat
from corpus.release.layout import BITEXT_DIR
from corpus.release.tokenfiles import token_summary
from corpus.schema import SOURCES
from corpus.statistics import (
    BITEXT_KIND_PREFIX,
    STAGE_DEDUP_EXACT,
    STAGE_DEDUP_NEAR,
    STAGE_DEDUP_PARAGRAPH,
    STAGE_FILTER,
    STAGE_LANGID,
    STAGE_READ,
    STAT_COPIES,
    STAT_DROPPED,
    STAT_KEPT,
    STAT_KEPT_CHARS,
    STAT_MAX_COPIES,
    STAT_QUALITY,
    STAT_QUALITY_CHARS,
    STAT_READ,
    STAT_STAGE,
    STAT_WRITTEN,
    STAT_WRITTEN_CHARS,
    parse_drop_reason,
    subkey,
)

# The stages documents pass, in order; each drop reason belongs to the longest stage its name starts with.
STAGES = (STAGE_READ, STAGE_LANGID, STAGE_FILTER, STAGE_DEDUP_EXACT, STAGE_DEDUP_NEAR, STAGE_DEDUP_PARAGRAPH)
# The stages a config can switch off, and their switch: a stage switched off has no row in the stage table.
STAGE_SWITCHES: dict[str, Callable[[Dedup], bool]] = {
    STAGE_DEDUP_EXACT: lambda dedup: dedup.exact,
    STAGE_DEDUP_NEAR: lambda dedup: dedup.near,
    STAGE_DEDUP_PARAGRAPH: lambda dedup: dedup.paragraph,
}


def enabled_stages(dedup: Dedup) -> list[str]:
    return [stage for stage in STAGES if stage not in STAGE_SWITCHES or STAGE_SWITCHES[stage](dedup)]


def stage_of(reason: str) -> str:
    return max((s for s in STAGES if reason.startswith(s)), key=len, default=parse_drop_reason(reason)[0])


def stage_table(stages: list[str], read: Mapping[str, int], dropped: Mapping[str, int], out: Mapping[str, int]) -> list[StageRow]:
    """Documents into and out of each stage: in + added (split parts) = out + dropped when nothing is lost."""
    rows: list[StageRow] = []
    into = sum(n for source, n in read.items() if source in SOURCES)
    for stage in stages:
        added = sum(n for key, n in read.items() if key not in SOURCES and stage_of(key) == stage)
        lost = sum(n for reason, n in dropped.items() if stage_of(reason) == stage)
        rows.append(StageRow(stage=stage, into=into, added=added, dropped=lost, out=out.get(stage, 0)))
        into = rows[-1].out
    return rows


class DocumentCounts:
    """The document counts among the build's statistics (read, stage, dropped, kept and written per language);
    `other` keeps the stages' own statistics, in the order they came."""

    # The per-language counts, each a Language field of the same meaning.
    LANGUAGE_COUNTS: dict[str, str] = {STAT_KEPT: "kept", STAT_KEPT_CHARS: "kept_chars", STAT_WRITTEN: "written",
                                       STAT_WRITTEN_CHARS: "written_chars"}

    def __init__(self, stats: Iterable[Stat]):
        self.read: dict[str, int] = {}
        self.stage_out: dict[str, int] = {}
        self.dropped: dict[str, int] = {}
        self.languages: dict[str, Language] = {}
        self.other: list[Stat] = []
        for stat in stats:
            self._file(stat)

    def language(self, lang: str) -> Language:
        return self.languages.setdefault(lang, Language(dropped={}))

    def _file(self, stat: Stat) -> None:
        if stat.kind == STAT_READ:
            self.read[stat.subkey] = self.read.get(stat.subkey, 0) + stat.amount
        elif stat.kind == STAT_STAGE:
            self.stage_out[stat.subkey] = stat.amount
        elif stat.kind == STAT_DROPPED:
            reason, lang = stat.parts[0], subkey(*stat.parts[1:])
            self.dropped[reason] = self.dropped.get(reason, 0) + stat.amount
            if lang:
                self.language(lang).dropped[reason] = stat.amount
        elif stat.kind in self.LANGUAGE_COUNTS:
            counts, field = self.language(stat.subkey), self.LANGUAGE_COUNTS[stat.kind]
            setattr(counts, field, getattr(counts, field) + stat.amount)
        else:
            self.other.append(stat)

    def of_kind(self, kind: str) -> list[Stat]:
        return [stat for stat in self.other if stat.kind == kind]


def _complete_languages(counts: DocumentCounts, rates: Mapping[str, float], rebalance: Rebalance) -> None:
    """Each language's rate, effective epochs, held-back flag, quality buckets and most copies of one document."""
    for lang, rate in rates.items():
        counts.language(lang).rate = round(rate, 6)
    by_documents = rebalance.unit == "documents"
    max_copies = {stat.subkey: stat.amount for stat in counts.of_kind(STAT_MAX_COPIES)}
    for name, lang in counts.languages.items():
        lang.dropped = dict(sorted(lang.dropped.items()))
        # Effective epochs: how many times over, on average, the language's kept text was written.
        before, after = (lang.kept, lang.written) if by_documents else (lang.kept_chars, lang.written_chars)
        lang.epochs = round(after / before, 6) if before else 0.0
        buckets = {s.parts[-1]: s.amount for s in counts.of_kind(STAT_QUALITY_CHARS) if s.parts[0] == name}
        repeatable = sum(n for bucket, n in buckets.items() if may_repeat(bucket, rebalance)) if buckets else None
        lang.held_back = bool(lang.kept) and held_back(lang.kept, lang.kept_chars, rebalance, repeatable)
        lang.quality = {s.parts[-1] or "unscored": s.amount for s in counts.of_kind(STAT_QUALITY) if s.parts[0] == name}
        lang.max_copies = max_copies.get(name, 0)


def rebalancing_summary(languages: Mapping[str, Language], copies: Iterable[Stat], max_epochs: int) -> Rebalancing:
    """What rebalancing did to single documents: the most copies of one, those above the cap, held-back languages.

    `copies` is the build's histogram copies|<lang>|<n> -> documents written n times.
    """
    over = sum(stat.amount for stat in copies if int(stat.parts[-1]) > max_epochs)
    held = sorted(lang for lang, v in languages.items() if v.held_back)
    written = sum(v.written for v in languages.values())
    held_written = sum(languages[lang].written for lang in held)
    return Rebalancing(
        max_epochs=max_epochs,
        max_copies=max((v.max_copies for v in languages.values()), default=0),
        documents_over_max_epochs=over,
        held_back=held,
        held_back_written=held_written,
        held_back_written_share=round(held_written / written, 6) if written else 0.0,
    )


def content_model(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the content model was (corpus/filters/content.py), for the manifest: None when it was off."""
    filters = Filters.model_validate(config.get("filters", {}))
    if not filters.content_model:
        return None
    return {
        "model": "heliport: HeLI-OTS per-language word and character n-gram models, inside the wheel",
        "score": "quality = sigmoid(content_bias + content_weight * (lm_cost - lm_reference))",
        "content_bias": filters.content_bias,
        "content_weight": filters.content_weight,
        "lm_reference": {lang: filters.for_language(lang).lm_reference for lang in sorted({*LANGUAGE_DEFAULTS, *filters.languages})
                         if filters.for_language(lang).lm_reference is not None},
        "fitted_on": "corpus-builder's judged development pages (benchmarks/data/quality_dev.tsv: real CommonCrawl "
                     "and Internet Archive pages, labels 0-3); references: medians of Wikipedia samples (benchmarks/quality.md)",
    }


def assemble_manifest(
    config: Mapping[str, Any],
    versions: Mapping[str, str],
    stats: Mapping[str, int],
    rates: Mapping[str, float],
    shards: list[Mapping[str, Any]],
    tokenizer: Mapping[str, Any] | None,
    run: Mapping[str, Any],
) -> Manifest:
    """The manifest from the build's own statistics ("kind|key[|lang]" -> amount).

    Kinds read, dropped, kept(_chars) and written(_chars) make the document
    counts; any other kind (a stage's own statistics) is kept under "stats".

    Everything but `run` (timestamps, durations, runner) is a function of the
    inputs and config, so two builds of the same inputs give the same manifest.
    """
    counts = DocumentCounts(Stat.parse_all(stats))
    rebalance = Rebalance.model_validate(config.get("rebalance", {}))
    _complete_languages(counts, rates, rebalance)
    languages = counts.languages
    return Manifest(
        format=1,
        config=dict(config),
        versions=dict(sorted(versions.items())),
        documents=Documents(
            read=sum(counts.read.values()),
            read_by_source=dict(sorted(counts.read.items())),
            kept=sum(v.kept for v in languages.values()),
            dropped=dict(sorted(counts.dropped.items())),
            written=sum(v.written for v in languages.values()),
            stages=stage_table(enabled_stages(Dedup.model_validate(config.get("dedup", {}))), counts.read, counts.dropped, counts.stage_out),
        ),
        languages=dict(sorted(languages.items())),
        content_model=content_model(config),
        rebalancing=rebalancing_summary(languages, counts.of_kind(STAT_COPIES), rebalance.max_epochs),
        stats=stats_section(s for s in counts.other if s.kind != STAT_MAX_COPIES),  # max_copies: lifted into the languages
        shards=sorted(shards, key=lambda s: s["path"]),
        tokenizer=dict(tokenizer or {}),
        tokens=token_summary(shards, config, tokenizer),
        run=dict(run),
    )


def with_bitext(manifest: Manifest | Mapping[str, Any], stats: Mapping[str, int], shards: list[Mapping[str, Any]]) -> Manifest:
    """The manifest with its bitext statistics and shards replaced by those of a new mining run."""
    manifest = Manifest.of(manifest)
    kept_stats = {kind: v for kind, v in manifest.stats.items() if not kind.startswith(BITEXT_KIND_PREFIX)}
    kept_shards = [s for s in manifest.shards if not s.path.startswith(BITEXT_DIR + "/")]
    mined_shards = [Shard.model_validate(s) for s in shards]
    return manifest.model_copy(update={
        "stats": {**kept_stats, **stats_section(Stat.parse_all(stats))},
        "shards": sorted([*kept_shards, *mined_shards], key=lambda s: s.path),
    })
