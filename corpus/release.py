"""The release layout: shard names, Parquet encoding, the manifest and the dataset card."""

from __future__ import annotations

import hashlib
import io
import math
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import numpy as np
import yaml

import pyarrow as pa
import pyarrow.parquet as pq

from corpus import tokens
from corpus.config import LANGUAGE_DEFAULTS, Filters, Rebalance
from corpus.config import Output
from corpus.lang import language_code
from corpus.rebalance import held_back, may_repeat
from corpus.schema import BITEXT_SCHEMA, BUCKETS, DOCUMENT_SCHEMA, SOURCES, BitextPair, Document, pair_name, signals_row
from corpus.statistics import (
    BITEXT_KIND_PREFIX,
    DOCUMENT_COUNT_KINDS,
    STAGE_DEDUP,
    STAGE_DEDUP_EXACT,
    STAGE_DEDUP_NEAR,
    STAGE_DEDUP_PARAGRAPH,
    STAGE_FILTER,
    STAGE_LANGID,
    STAGE_READ,
    STAT_COPIES,
    STAT_DROPPED,
    STAT_MAX_COPIES,
    STAT_QUALITY,
    STAT_QUALITY_CHARS,
    STAT_READ,
    STAT_STAGE,
    parse_drop_reason,
    parse_stat_key,
    parse_subkey,
    subkey,
)

DOCS_DIR = "docs"
TOKENIZER_DIR = "tokenizer"
MANIFEST = "manifest.json"
CARD = "README.md"
REPORT = "report.html"
PLOTS_DIR = "report"  # PNG plots beside report.html
BITEXT_DIR = "bitext"
TOKENS_DIR = "tokens"  # token ids of docs/ and bitext/ shards in Megatron's layout (corpus/tokens.py)
# The stages documents pass, in order; each drop reason belongs to the longest stage its name starts with.
STAGES = (STAGE_READ, STAGE_LANGID, STAGE_FILTER, STAGE_DEDUP_EXACT, STAGE_DEDUP_NEAR, STAGE_DEDUP_PARAGRAPH)


class ReleaseFailed(Exception):
    """The build ran but its release fails a check of its own (counts that do not add up, nothing kept)."""


def length_bucket(n_chars: int) -> int:
    """The power of two at or below a document's length: buckets of the length histogram."""
    return 1 << max(0, int(n_chars).bit_length() - 1)


def shard_count(text_bytes: int, shard_bytes: int) -> int:
    return max(1, math.ceil(text_bytes / shard_bytes))


def _document_row(doc: Document) -> dict[str, Any]:
    return doc._replace(signals=signals_row(doc.signals))._asdict()


def _pair_bytes(pair: BitextPair) -> int:
    return len(pair.src_text.encode("utf-8", "surrogatepass")) + len(pair.tgt_text.encode("utf-8", "surrogatepass"))


class ShardLayout(NamedTuple):
    """How one kind of record is written: <folder>/<group>/part-NNNNN-of-MMMMM.parquet, rows in `order`."""

    folder: str
    schema: pa.Schema
    group: Callable[[Any], str]  # a language, or a language pair
    order: Callable[[Any], tuple]  # rows sorted by it; its text picks the record's shard
    row: Callable[[Any], dict[str, Any]]
    text_bytes: Callable[[Any], int]  # what the shard size counts


DOCUMENTS = ShardLayout(
    DOCS_DIR, DOCUMENT_SCHEMA, lambda d: d.lang, lambda d: (d.id, d.repetition), _document_row,
    lambda d: len(d.text.encode("utf-8", "surrogatepass")),
)
BITEXT = ShardLayout(
    BITEXT_DIR, BITEXT_SCHEMA, lambda p: pair_name(p.src_lang, p.tgt_lang), lambda p: (p.id, p.src_doc_id, p.tgt_doc_id),
    lambda p: p._asdict(), _pair_bytes,
)


def shard_of(record: Any, shards: int, layout: ShardLayout = DOCUMENTS) -> int:
    """A record's shard: a hash of its order key (a document's id and copy), so shards fill evenly and reproducibly."""
    digest = hashlib.blake2b("/".join(map(str, layout.order(record))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_path(group: str, index: int, shards: int, layout: ShardLayout = DOCUMENTS) -> str:
    """Relative path of a shard: docs/<lang>/part-NNNNN-of-MMMMM.parquet (bitext/<pair>/... for bitext)."""
    return f"{layout.folder}/{group}/part-{index:05d}-of-{shards:05d}.parquet"


def encode_parquet(records: Iterable[Any], compression: str, row_group_bytes: int, layout: ShardLayout = DOCUMENTS) -> tuple[bytes, int]:
    """Records sorted by the layout's order as a Parquet file's bytes, and the number of rows."""
    rows = sorted(records, key=layout.order)
    table = pa.Table.from_pylist([layout.row(r) for r in rows], schema=layout.schema)
    mean_row = max(1, table.nbytes // max(1, len(rows)))
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression=None if compression == "none" else compression,
        row_group_size=max(1, row_group_bytes // mean_row),
    )
    return sink.getvalue(), len(rows)


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def bitext_files(manifest: Mapping[str, Any]) -> dict[str, int]:
    """Bitext Parquet files and their rows."""
    return {s["path"]: s.get("rows", 0) for s in sorted(manifest["shards"], key=lambda s: s["path"]) if s["path"].startswith(BITEXT_DIR + "/")}


def with_bitext(manifest: Mapping[str, Any], stats: Mapping[str, int], shards: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The manifest with its bitext statistics and shards replaced by those of a new mining run."""
    mined: dict[str, dict[str, int]] = {}
    for key, amount in stats.items():
        kind, parts = parse_stat_key(key)
        mined.setdefault(kind, {})[subkey(*parts)] = amount
    kept_stats = {kind: v for kind, v in manifest.get("stats", {}).items() if not kind.startswith(BITEXT_KIND_PREFIX)}
    kept_shards = [s for s in manifest["shards"] if not s["path"].startswith(BITEXT_DIR + "/")]
    return {
        **manifest,
        "stats": {**kept_stats, **{kind: dict(sorted(v.items())) for kind, v in sorted(mined.items())}},
        "shards": sorted([*kept_shards, *shards], key=lambda s: s["path"]),
    }


def card_header(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The Hugging Face dataset-card metadata: one config per language, so loaders find each folder."""
    langs = sorted(lang for lang, v in manifest["languages"].items() if v.get("written"))
    pairs = sorted({path.split("/")[1] for path in bitext_files(manifest)})
    configs = [{"config_name": lang, "data_files": [{"split": "train", "path": f"{DOCS_DIR}/{lang}/*.parquet"}]} for lang in langs]
    configs += [
        {"config_name": f"bitext-{pair}", "data_files": [{"split": "train", "path": f"{BITEXT_DIR}/{pair}/*.parquet"}]}
        for pair in pairs
    ]
    return {
        "pretty_name": manifest["config"]["name"],
        "language": sorted({language_code(lang) for lang in langs}),
        "multilinguality": "multilingual",
        "task_categories": ["text-generation", "fill-mask"] + (["translation"] if pairs else []),
        "configs": configs,
    }


def _rebalancing_sentence(rebalance: Mapping[str, Any]) -> str:
    method = rebalance.get("method", "temperature")
    if method == "unimax":
        how = f"UniMax (at most {rebalance['max_epochs']:g} epochs per language)"
    elif method == "weights":
        how = "an explicit table of language weights"
    else:
        how = f"temperature sampling (alpha = {rebalance['alpha']:g})"
    size = f"a budget of {rebalance['budget']:,} {rebalance.get('unit', 'chars')}" if rebalance.get("budget") else "the corpus size kept"
    caps = Rebalance.model_validate(rebalance)
    return (f"Languages are rebalanced by {how}, to {size}, counted in {rebalance.get('unit', 'chars')}. "
            f"No document is written more than {caps.max_epochs} times, and a language with fewer than "
            f"{caps.min_documents:,} documents or {caps.min_chars:,} characters kept is held back: never up-sampled.")


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def langid_quality(manifest: Mapping[str, Any], measured: Mapping[str, Any] | None = None) -> list[str]:
    """The card's language-ID section: per-language precision and recall of the build's identifier,
    as measured on the benchmark's test split (corpus/langid/calibration.json), for the release's languages."""
    from corpus.langid import calibration

    measured = measured if measured is not None else calibration()
    langid = manifest["config"].get("langid") or {}
    identifier = langid.get("identifier", "ensemble")
    langs = sorted(lang for lang, v in manifest["languages"].items() if v.get("written"))
    out = ["## Language identification quality", ""]
    if langid.get("model"):
        return out + [f"Language ID used the fastText model `{langid['model']}`, which the project's benchmark does not measure.", ""]
    figures = measured["systems"].get(identifier, {})
    thresholds = measured["thresholds"]
    same = identifier != "ensemble" or (
        langid.get("ensemble_threshold", thresholds["ensemble_threshold"]) == thresholds["ensemble_threshold"]
        and langid.get("min_score_per_lang", thresholds["min_score_per_lang"]) == thresholds["min_score_per_lang"]
    )
    out += [
        f"Language ID: `{identifier}`. Precision and recall per language as measured by {measured['benchmark']} "
        f"(commit {measured['commit']}, {measured['date']}) on its test split: paragraphs of real Wikipedia dumps "
        "labelled by their wiki, kana lines of a real CommonCrawl WET file, human translations of Django's messages "
        "(~90 languages, alone and four joined as a paragraph), spaCy's example sentences and sentences written for "
        "the project. Labels are the most specific language the models' evidence supports: an individual language "
        "wherever one model names it (`hrv_Latn`, `ind_Latn`), a macrolanguage (`hbs_Latn`, `msa_Latn`) only where "
        "neither model names a member; the script subtag is the one the text's own characters are in. "
        "Strict counts only the exact label; lenient also the macrolanguage (e.g. `hbs_Latn` for Croatian). "
        "Recall is of the language's items (n); precision is of the items given its label. A language with few items "
        "(n under 10) is barely measured; \"not measured\" means no test item."
        + ("" if same else " This build's thresholds differ from the calibrated defaults the figures were measured with."),
        "",
        _table(
            ["language", "n", "precision (strict)", "recall (strict)", "precision (lenient)", "recall (lenient)"],
            (
                [lang, f["items"], _share(f["precision_strict"]), _share(f["recall_strict"]), _share(f["precision_lenient"]), _share(f["recall_lenient"])]
                if (f := figures.get(lang)) else [lang, 0, "not measured", "", "", ""]
                for lang in langs
            ),
        ),
        "",
    ]  # fmt: skip
    return out


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


def content_quality(manifest: Mapping[str, Any]) -> list[str]:
    """The card's section on the content model and each language's kept documents per bucket."""
    model = manifest.get("content_model")
    langs = {lang: v for lang, v in manifest["languages"].items() if v.get("kept") and v.get("quality")}
    if not model or not langs:
        return []
    return [
        "## Content quality",
        "",
        f"Every document is scored by a content model ({model['model']}): `lm_cost` is the mean cost per word of its "
        f"text under its language's model, and `{model['score']}` (bias {model['content_bias']}, weight "
        f"{model['content_weight']}; fitted on {model['fitted_on']}). `quality_bucket` is head, middle or tail by the "
        "language's thresholds (`filters.quality_head`, `filters.quality_tail`); pages under `filters.min_quality` were "
        "dropped as `filter/low_quality`. Only languages with a reference (the typical `lm_cost` of their good text: "
        f"{', '.join(f'{k} {v}' for k, v in model['lm_reference'].items()) or 'none'}) are scored; the others keep "
        "`lm_cost` with `quality` -1 and no bucket (\"unscored\" below). Only documents at or above "
        "`rebalance.upsample_min_bucket` (and unscored ones) are repeated.",
        "",
        _table(["language", *BUCKETS, "unscored"],
               ([lang, *(f"{v['quality'].get(b, 0):,}" for b in (*BUCKETS, "unscored"))] for lang, v in sorted(langs.items()))),
        "",
    ]


def dataset_card(manifest: Mapping[str, Any]) -> str:
    """README.md of a release, generated from its manifest: a YAML header, then the description."""
    docs = manifest["documents"]
    langs = manifest["languages"]
    config = manifest["config"]
    tok = manifest.get("tokenizer") or {}
    parts = [
        "---",
        yaml.safe_dump(card_header(manifest), sort_keys=False, allow_unicode=True).rstrip(),
        "---",
        "",
        f"# {config['name']}: a multilingual text corpus",
        "",
        "Built by corpus-builder from CommonCrawl and Wikipedia inputs: text extraction, "
        "fastText language ID, quality filters, exact and MinHash near-duplicate removal, "
        "language rebalancing, Parquet shards and a SentencePiece tokenizer. "
        + _rebalancing_sentence(config["rebalance"]),
        "",
        "## Layout",
        "",
        "- `docs/<lang>/part-NNNNN-of-MMMMM.parquet`: documents of one language (Parquet, rows sorted by id); "
        "languages are ISO 639-3 codes with their ISO 15924 script, e.g. `fra_Latn`. "
        "Load one with `datasets.load_dataset(\"parquet\", data_dir=\"docs/fra_Latn\")` or by its config name.",
        "- `tokenizer/spm.model`, `tokenizer/spm.vocab`: SentencePiece model trained on the rebalanced distribution.",
        "- `manifest.json`: configuration, package versions, counts, drops, sampling rates, epochs, shard checksums.",
        f"- `{REPORT}`: plots and tables for people (open it in a browser).",
        "",
        "## Counts",
        "",
        f"Documents read: {docs['read']:,}; kept after filtering and deduplication: {docs['kept']:,}; "
        f"dropped: {sum(docs['dropped'].values()):,}; written after rebalancing: {docs['written']:,}.",
        "",
        _table(
            ["language", "kept", "kept chars", "sampling rate", "epochs", "written", "written chars", "most copies"],
            (
                [lang + (" (held back)" if v.get("held_back") else ""), f"{v['kept']:,}", f"{v['kept_chars']:,}", f"{v['rate']:.3f}",
                 f"{v.get('epochs', 0):.2f}", f"{v['written']:,}", f"{v['written_chars']:,}", v.get("max_copies", 0)]
                for lang, v in sorted(langs.items(), key=lambda kv: -kv[1]["kept_chars"])
                if v["kept"]
            ),
        ),
        "",
        *(f"{line[0].upper()}{line[1:]}.\n" for line in (held_back_sentence(manifest), over_max_epochs(manifest)) if line),
        "## Dropped documents",
        "",
        _table(["reason", "documents"], sorted(docs["dropped"].items(), key=lambda kv: -kv[1])),
        "",
    ]
    if tok.get("fertility"):
        parts += [
            "## Tokenizer",
            "",
            f"SentencePiece {config['tokenizer']['model_type']}, {tok.get('vocab_size', 0):,} pieces"
            + (f" ({tok['vocab_size_requested']:,} asked for; cut to one piece per {config['tokenizer']['min_chars_per_piece']:,} "
               "sample characters)" if tok.get("vocab_size_requested", 0) > tok.get("vocab_size", 0) else "")
            + ", trained on "
            f"{tok.get('sample_sentences', 0):,} lines ({tok.get('sample_chars', 0):,} characters). Fertility is measured "
            "on held-out paragraphs: tokens per word, or per character for scripts written without spaces.",
            "",
            _table(
                ["language", "sample share", "fertility", "per", "tokens per char", "byte-fallback share"],
                (
                    [lang, f"{tok.get('sample', {}).get(lang, {}).get('share', 0):.3f}", f"{f['fertility']:.2f}", f["per"],
                     f"{f['tokens_per_char']:.3f}", f"{f['byte_fallback_share']:.4f}"]
                    for lang, f in sorted(tok["fertility"].items())
                ),
            ),
            "",
        ]
    parts += token_card(manifest)
    parts += content_quality(manifest)
    parts += langid_quality(manifest)
    parts += [
        "## Fields",
        "",
        _table(["column", "type"], ((f.name, f.type) for f in DOCUMENT_SCHEMA)),
        "",
        "## Sources and licences",
        "",
        "CommonCrawl text is subject to the CommonCrawl terms of use and the rights of the original "
        "authors; Wikipedia text is CC BY-SA. The `url` column gives the provenance of every document.",
        "",
    ]
    return "\n".join(parts)


def assemble_manifest(
    config: Mapping[str, Any],
    versions: Mapping[str, str],
    stats: Mapping[str, int],
    rates: Mapping[str, float],
    shards: list[Mapping[str, Any]],
    tokenizer: Mapping[str, Any] | None,
    run: Mapping[str, Any],
) -> dict[str, Any]:
    """The manifest from the build's own statistics ("kind|key[|lang]" -> amount).

    Kinds read, dropped, kept(_chars) and written(_chars) make the document
    counts; any other kind (a stage's own statistics) is kept under "stats".

    Everything but `run` (timestamps, durations, runner) is a function of the
    inputs and config, so two builds of the same inputs give the same manifest.
    """
    read: dict[str, int] = {}
    stage_out: dict[str, int] = {}
    dropped: dict[str, int] = {}
    other: dict[str, dict[str, int]] = {}  # statistics of later stages, by kind
    languages: dict[str, dict[str, Any]] = {}

    def language(lang: str) -> dict[str, Any]:
        return languages.setdefault(
            lang, {"kept": 0, "kept_chars": 0, "rate": 0.0, "written": 0, "written_chars": 0, "dropped": {}}
        )

    for key, amount in stats.items():
        kind, parts = parse_stat_key(key)
        rest = subkey(*parts)
        if kind == STAT_READ:
            read[rest] = read.get(rest, 0) + amount
        elif kind == STAT_STAGE:
            stage_out[rest] = amount
        elif kind == STAT_DROPPED:
            reason, lang = parts[0], subkey(*parts[1:])
            dropped[reason] = dropped.get(reason, 0) + amount
            if lang:
                language(lang)["dropped"][reason] = amount
        elif kind in DOCUMENT_COUNT_KINDS:
            language(rest)[kind] += amount
        else:
            other.setdefault(kind, {})[rest] = amount
    for lang, rate in rates.items():
        language(lang)["rate"] = round(rate, 6)
    by_documents = config.get("rebalance", {}).get("unit") == "documents"
    rebalance_config = Rebalance.model_validate(config.get("rebalance", {}))
    max_copies = other.pop(STAT_MAX_COPIES, {})
    for name, lang in languages.items():
        lang["dropped"] = dict(sorted(lang["dropped"].items()))
        # Effective epochs: how many times over, on average, the language's kept text was written.
        before, after = (lang["kept"], lang["written"]) if by_documents else (lang["kept_chars"], lang["written_chars"])
        lang["epochs"] = round(after / before, 6) if before else 0.0
        buckets = {parse_subkey(key)[-1]: n for key, n in other.get(STAT_QUALITY_CHARS, {}).items() if parse_subkey(key)[0] == name}
        repeatable = sum(n for bucket, n in buckets.items() if may_repeat(bucket, rebalance_config)) if buckets else None
        lang["held_back"] = bool(lang["kept"]) and held_back(lang["kept"], lang["kept_chars"], rebalance_config, repeatable)
        lang["quality"] = {parse_subkey(key)[-1] or "unscored": n for key, n in other.get(STAT_QUALITY, {}).items() if parse_subkey(key)[0] == name}
        lang["max_copies"] = max_copies.get(name, 0)
    dedup = config.get("dedup", {})
    # The dedup steps are named like reasons ("dedup/exact"), their second part their switch in the config.
    enabled = [s for s in STAGES if parse_drop_reason(s)[0] != STAGE_DEDUP or dedup.get(parse_drop_reason(s)[1], True)]
    return {
        "format": 1,
        "config": dict(config),
        "versions": dict(sorted(versions.items())),
        "documents": {
            "read": sum(read.values()),
            "read_by_source": dict(sorted(read.items())),
            "kept": sum(v["kept"] for v in languages.values()),
            "dropped": dict(sorted(dropped.items())),
            "written": sum(v["written"] for v in languages.values()),
            "stages": stage_table(enabled, read, dropped, stage_out),
        },
        "languages": dict(sorted(languages.items())),
        "content_model": content_model(config),
        "rebalancing": rebalancing_summary(languages, other.get(STAT_COPIES, {}), rebalance_config.max_epochs),
        "stats": {kind: dict(sorted(values.items())) for kind, values in sorted(other.items())},
        "shards": sorted(shards, key=lambda s: s["path"]),
        "tokenizer": dict(tokenizer or {}),
        "tokens": token_summary(shards, config, tokenizer),
        "run": dict(run),
    }


def rebalancing_summary(languages: Mapping[str, Mapping[str, Any]], copies: Mapping[str, int], max_epochs: int) -> dict[str, Any]:
    """What rebalancing did to single documents: the most copies of one, those above the cap, held-back languages.

    `copies` is the build's histogram "<lang>|<n>" -> documents written n times.
    """
    over = sum(count for key, count in copies.items() if int(parse_subkey(key)[-1]) > max_epochs)
    held = sorted(lang for lang, v in languages.items() if v.get("held_back"))
    written = sum(v["written"] for v in languages.values())
    held_written = sum(languages[lang]["written"] for lang in held)
    return {
        "max_epochs": max_epochs,
        "max_copies": max((v.get("max_copies", 0) for v in languages.values()), default=0),
        "documents_over_max_epochs": over,
        "held_back": held,
        "held_back_written": held_written,
        "held_back_written_share": round(held_written / written, 6) if written else 0.0,
    }


def over_max_epochs(manifest: Mapping[str, Any]) -> str | None:
    """A warning when any document was written more than max_epochs times (there should be none)."""
    summary = manifest.get("rebalancing") or {}
    if summary.get("documents_over_max_epochs"):
        langs = sorted(lang for lang, v in manifest["languages"].items() if v.get("max_copies", 0) > summary["max_epochs"])
        return (f"WARNING: {summary['documents_over_max_epochs']:,} document(s) written more than max_epochs = "
                f"{summary['max_epochs']} times (at most {summary['max_copies']}; {', '.join(langs)})")
    return None


def held_back_sentence(manifest: Mapping[str, Any]) -> str | None:
    """One line naming the languages too small to be up-sampled, or None."""
    summary = manifest.get("rebalancing") or {}
    if not summary.get("held_back"):
        return None
    rebalance = Rebalance.model_validate(manifest["config"].get("rebalance", {}))
    return (f"held back (fewer than {rebalance.min_documents:,} documents or {rebalance.min_chars:,} characters kept; "
            f"never up-sampled, {100 * summary['held_back_written_share']:.1f}% of written rows): "
            + ", ".join(summary["held_back"]))


def stage_of(reason: str) -> str:
    return max((s for s in STAGES if reason.startswith(s)), key=len, default=parse_drop_reason(reason)[0])


def stage_table(stages: list[str], read: Mapping[str, int], dropped: Mapping[str, int], out: Mapping[str, int]) -> list[dict[str, Any]]:
    """Documents into and out of each stage: in + added (split parts) = out + dropped when nothing is lost."""
    rows, into = [], sum(n for source, n in read.items() if source in SOURCES)
    for stage in stages:
        added = sum(n for key, n in read.items() if key not in SOURCES and stage_of(key) == stage)
        lost = sum(n for reason, n in dropped.items() if stage_of(reason) == stage)
        rows.append({"stage": stage, "in": into, "added": added, "dropped": lost, "out": out.get(stage, 0)})
        into = rows[-1]["out"]
    return rows


def reconciliation_problems(manifest: Mapping[str, Any]) -> list[str]:
    """Where documents were lost or invented: overall (read = kept + dropped) and per stage."""
    docs = manifest["documents"]
    problems = []
    if docs["read"] != docs["kept"] + sum(docs["dropped"].values()):
        problems.append(f"counts do not reconcile: read {docs['read']:,} != kept {docs['kept']:,} + dropped {sum(docs['dropped'].values()):,}")
    stages = docs.get("stages", [])
    for s in stages:
        if s["in"] + s["added"] != s["out"] + s["dropped"]:
            difference = s["in"] + s["added"] - s["out"] - s["dropped"]
            problems.append(f"stage {s['stage']}: {s['in']:,} in + {s['added']:,} added != {s['out']:,} out + "
                            f"{s['dropped']:,} dropped ({difference:+,} unaccounted)")
    if stages and stages[-1]["out"] != docs["kept"]:
        problems.append(f"stage {stages[-1]['stage']}: {stages[-1]['out']:,} out, but {docs['kept']:,} kept")
    return problems


def reconciles(manifest: Mapping[str, Any]) -> bool:
    return not reconciliation_problems(manifest)


def parquet_rows(data: bytes) -> int:
    """Rows of a Parquet file, from its footer."""
    return pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows


def verify(manifest: Mapping[str, Any], read: Callable[[str], bytes | None], present: Iterable[str]) -> list[str]:
    """Problems of a release against its manifest (empty when sound).

    `read(relative_path)` gives a file's bytes or None when it is missing; `present` lists the
    Parquet files found under the release, to catch shards the manifest does not know.
    """
    problems = reconciliation_problems(manifest)
    rows_per_lang: dict[str, int] = {}
    for shard in manifest["shards"]:
        path = shard["path"]
        if is_token_file(path):  # checked set by set below (token_problems)
            continue
        data = read(path)
        if data is None:
            problems.append(f"{path}: missing")
            continue
        if hashlib.sha256(data).hexdigest() != shard["sha256"]:
            problems.append(f"{path}: checksum differs from the manifest")
        try:
            rows = parquet_rows(data)
        except (pa.ArrowException, OSError) as e:
            problems.append(f"{path}: not a readable Parquet file ({e})")
            continue
        if "rows" in shard and rows != shard["rows"]:
            problems.append(f"{path}: {rows} rows, the manifest says {shard['rows']}")
        if path.startswith(DOCS_DIR + "/"):
            rows_per_lang[shard["lang"]] = rows_per_lang.get(shard["lang"], 0) + rows
    for lang, v in manifest["languages"].items():
        if rows_per_lang.get(lang, 0) != v["written"]:
            problems.append(f"{lang}: {rows_per_lang.get(lang, 0)} rows in shards, the manifest says {v['written']} written")
    if sum(v["written"] for v in manifest["languages"].values()) != manifest["documents"]["written"]:
        problems.append("documents.written is not the sum of the languages' written counts")
    problems += token_problems(manifest, read)
    listed = {shard["path"] for shard in manifest["shards"]}
    problems += [f"{path}: not listed in the manifest" for path in sorted(set(present) - listed)]
    for path, expected in sorted((manifest.get("tokenizer") or {}).get("files", {}).items()):
        data = read(path)
        if data is None:
            problems.append(f"{path}: missing")
        elif hashlib.sha256(data).hexdigest() != expected["sha256"]:
            problems.append(f"{path}: checksum differs from the manifest")
    return problems


def written_files(manifest: Mapping[str, Any]) -> set[str]:
    """Every file the manifest lists (shards of any kind, tokenizer files): what --overwrite may delete."""
    files = {shard["path"] for shard in manifest.get("shards", [])}
    files |= set((manifest.get("tokenizer") or {}).get("files", {}))
    return files


def describe(manifest: Mapping[str, Any]) -> str:
    """Plain-text tables of what a release holds beyond the document counts: tokenizer and stage statistics."""
    lines = []
    langs = manifest["languages"]
    lines.append(f"{'language':<12}{'epochs':>8}{'copies':>8}{'written chars':>15}{'shards':>8}")
    shards: dict[str, int] = {}
    for shard in manifest["shards"]:
        shards[shard.get("lang", "")] = shards.get(shard.get("lang", ""), 0) + 1
    # Per language, beside the copies: held back, or written over the cap (the summary above
    # `corpus inspect`'s tables names them in a sentence; here each row is marked).
    cap = (manifest.get("rebalancing") or {}).get("max_epochs")
    for lang, v in sorted(langs.items(), key=lambda kv: -kv[1]["kept_chars"]):
        if v["written"]:
            mark = "  held back" if v.get("held_back") else ""
            if cap is not None and v.get("max_copies", 0) > cap:
                mark += f"  OVER max_epochs ({v['max_copies']} > {cap})"
            lines.append(f"{lang:<12}{v.get('epochs', 0):>8.2f}{v.get('max_copies', 0):>8}{v['written_chars']:>15,}{shards.get(lang, 0):>8}{mark}")
    tok = manifest.get("tokenizer") or {}
    if tok.get("fertility"):
        lines += ["", f"tokenizer: {tok.get('vocab_size', 0):,} pieces, sample of {tok.get('sample_chars', 0):,} characters"]
        lines.append(f"{'language':<12}{'share':>8}{'fertility':>11}{'per':>6}{'bytes %':>9}")
        for lang, f in sorted(tok["fertility"].items()):
            share = tok.get("sample", {}).get(lang, {}).get("share", 0)
            lines.append(f"{lang:<12}{share:>8.3f}{f['fertility']:>11.3f}{f['per']:>6}{100 * f['byte_fallback_share']:>9.2f}")
    if manifest.get("tokens"):
        lines += ["", f"token files ({manifest['tokens']['dtype']}, q_i with alpha {manifest['tokens']['alpha']:g}):", token_table(manifest)]
    for kind, values in manifest.get("stats", {}).items():
        lines += ["", f"stats: {kind} ({len(values)} keys)"]
        for key, amount in list(values.items())[:40]:
            lines.append(f"  {key:<40}{amount:>12,}")
        if len(values) > 40:
            lines.append(f"  ... {len(values) - 40} more in manifest.json")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Token files (corpus/tokens.py): tokens/mmlm/<lang>/ and tokens/tlm/<pair>/, one file set per Parquet shard.

TOKEN_SETS = {DOCS_DIR: tokens.MMLM, BITEXT_DIR: tokens.TLM}  # the Parquet folder each kind is tokenized from


def is_token_file(path: str) -> bool:
    return path.startswith(TOKENS_DIR + "/")


def token_prefix(parquet_path: str) -> str:
    """docs/<lang>/part-X.parquet -> tokens/mmlm/<lang>/part-X (bitext/<pair>/... -> tokens/tlm/<pair>/...)."""
    folder, label, name = parquet_path.split("/")
    return f"{TOKENS_DIR}/{TOKEN_SETS[folder]}/{label}/{name.removesuffix('.parquet')}"


def token_summary(shards: Iterable[Mapping[str, Any]], config: Mapping[str, Any], tokenizer: Mapping[str, Any] | None) -> dict[str, Any]:
    """The manifest's `tokens`: per language and pair its files, sequences, documents, tokens, share of tokens
    and sampling probability q_i = p_i^alpha / sum_j p_j^alpha (alpha: output.tokens_alpha); {} without token files."""
    sets = [s for s in shards if is_token_file(s["path"]) and s["path"].endswith(tokens.BIN)]
    if not sets:
        return {}
    groups: dict[str, dict[str, dict[str, Any]]] = {tokens.MMLM: {}, tokens.TLM: {}}
    for s in sorted(sets, key=lambda s: s["path"]):
        _, kind, label, _ = s["path"].split("/")
        group = groups[kind].setdefault(label, {"files": [], "sequences": 0, "documents": 0, "tokens": 0})
        group["files"].append(s["path"].removesuffix(tokens.BIN))
        for count in ("sequences", "documents", "tokens"):
            group[count] += s[count]
    alpha = Output.model_validate(config.get("output", {})).tokens_alpha
    for labels in groups.values():
        total = sum(v["tokens"] for v in labels.values()) or 1
        chances = tokens.probabilities({label: v["tokens"] for label, v in labels.items()}, alpha)
        for label, v in labels.items():
            v.update(share=round(v["tokens"] / total, 6), probability=chances.get(label, 0.0))
    model = ((tokenizer or {}).get("files") or {}).get(f"{TOKENIZER_DIR}/spm.model", {})
    return {
        "format": "Megatron indexed dataset (.bin + .idx, MMIDIDX version 1)",
        "dtype": sets[0]["dtype"],
        "vocab_size": (tokenizer or {}).get("vocab_size"),
        "model_sha256": model.get("sha256"),
        "alpha": alpha,
        tokens.MMLM: dict(sorted(groups[tokens.MMLM].items())),
        tokens.TLM: dict(sorted(groups[tokens.TLM].items())),
    }


def with_tokens(manifest: Mapping[str, Any], entries: list[Mapping[str, Any]], kinds: Iterable[str] = (tokens.MMLM, tokens.TLM)) -> dict[str, Any]:
    """The manifest with its token files of `kinds` replaced by those of a new tokenization (`corpus tokenize`)."""
    replaced = tuple(f"{TOKENS_DIR}/{kind}/" for kind in kinds)
    shards = sorted([*(s for s in manifest["shards"] if not s["path"].startswith(replaced)), *entries], key=lambda s: s["path"])
    return {**manifest, "shards": shards, "tokens": token_summary(shards, manifest["config"], manifest.get("tokenizer"))}


def token_card(manifest: Mapping[str, Any]) -> list[str]:
    """The card's section on the token files: layout, counts and each language's sampling probability."""
    info = manifest.get("tokens") or {}
    if not info:
        return []
    out = [
        "## Token files",
        "",
        f"`{TOKENS_DIR}/` holds the token ids of the release in Megatron's indexed layout ({info['dtype']}; "
        "`.idx`: b\"MMIDIDX\\x00\\x00\", version 1, dtype code, sequence and document counts, int32 lengths, "
        "int64 byte pointers, int64 document indices), one file set per Parquet shard. "
        f"`{TOKENS_DIR}/{tokens.MMLM}/<lang>/`: each row of `docs/<lang>/` (copies included) is one document, "
        f"tokenized with `{TOKENIZER_DIR}/spm.model`, without added specials. `{TOKENS_DIR}/{tokens.TLM}/<pair>/`: each "
        "mined pair is one document of two sequences, `<s> a </s> b </s>` in both directions, and `.langs.npy` "
        "gives per sequence its two languages and where the second sentence starts. The probabilities are "
        f"q_i = p_i^alpha / sum_j p_j^alpha on token counts, alpha = {info['alpha']:g} (`output.tokens_alpha`); the "
        "documents are already rebalanced, so alpha 1 reads them as the build balanced them. "
        "`corpus.tokens.TokenRelease` reads them (numpy only).",
        "",
    ]
    for kind, name in ((tokens.MMLM, "language"), (tokens.TLM, "pair")):
        if info.get(kind):
            out += [_table([name, "documents", "sequences", "tokens", "share p_i", "probability q_i"],
                           ([label, f"{v['documents']:,}", f"{v['sequences']:,}", f"{v['tokens']:,}", f"{v['share']:.4f}",
                             f"{v['probability']:.4f}"] for label, v in info[kind].items())), ""]
    return out


def token_set_problems(bin_entry: Mapping[str, Any], files: Mapping[str, bytes | None], source_rows: int | None,
                       vocab_size: int | None) -> list[str]:
    """One file set (.bin, .idx and for TLM .langs.npy) against its manifest entry and its Parquet shard."""
    prefix = bin_entry["path"].removesuffix(tokens.BIN)
    data, idx = files[prefix + tokens.BIN], files[prefix + tokens.IDX]
    if data is None or idx is None:
        return []  # reported as missing
    try:
        index = tokens.decode_index(idx)
    except ValueError as e:
        return [f"{prefix}{tokens.IDX}: not a readable index ({e})"]
    problems = [f"{prefix}: {p}" for p in tokens.index_problems(index, len(data))]
    if problems:
        return problems
    found = (len(index.lengths), len(index.documents) - 1, int(index.lengths.astype("int64").sum()))
    if found != (bin_entry["sequences"], bin_entry["documents"], bin_entry["tokens"]):
        problems.append(f"{prefix}: {found} sequences, documents, tokens; the manifest says "
                        f"{(bin_entry['sequences'], bin_entry['documents'], bin_entry['tokens'])}")
    tlm = bin_entry["path"].split("/")[1] == tokens.TLM
    if source_rows is not None and found[1] != source_rows:
        problems.append(f"{prefix}: {found[1]} documents, but {bin_entry['source']} has {source_rows} rows")
    ids = np.frombuffer(data, dtype=index.dtype)
    if vocab_size and len(ids) and int(ids.max()) >= vocab_size:
        problems.append(f"{prefix}: token id {int(ids.max())} outside the vocabulary of {vocab_size}")
    if tlm and prefix + tokens.LANGS not in files:
        problems.append(f"{prefix}{tokens.LANGS}: not listed in the manifest")
    elif tlm and files[prefix + tokens.LANGS] is not None:  # a missing file is reported as missing
        try:
            langs = np.load(io.BytesIO(files[prefix + tokens.LANGS]), allow_pickle=False)
            if len(langs) != found[0] or np.any(langs["offset"] <= 0) or np.any(langs["offset"] >= index.lengths):
                problems.append(f"{prefix}{tokens.LANGS}: its rows do not match the sequences")
        except (ValueError, OSError, EOFError, KeyError) as e:
            problems.append(f"{prefix}{tokens.LANGS}: not readable ({e})")
    return problems


def token_problems(manifest: Mapping[str, Any], read: Callable[[str], bytes | None]) -> list[str]:
    """Every token file against its checksum, each file set's index against its .bin, its counts against the
    manifest and its Parquet shard; and every Parquet shard tokenized, when the release has token files."""
    entries = {s["path"]: s for s in manifest["shards"] if is_token_file(s["path"])}
    if not entries and not manifest.get("tokens"):
        return []
    rows = {s["path"]: s.get("rows") for s in manifest["shards"] if not is_token_file(s["path"])}
    vocab = (manifest.get("tokenizer") or {}).get("vocab_size")
    problems = []
    sets = {path.removesuffix(tokens.BIN): e for path, e in entries.items() if path.endswith(tokens.BIN)}
    for prefix, bin_entry in sorted(sets.items()):
        files: dict[str, bytes | None] = {}
        for path in sorted(p for p in entries if p.startswith(prefix + ".")):
            files[path] = read(path)
            if files[path] is None:
                problems.append(f"{path}: missing")
            elif hashlib.sha256(files[path]).hexdigest() != entries[path]["sha256"]:
                problems.append(f"{path}: checksum differs from the manifest")
        if prefix + tokens.IDX not in files:
            problems.append(f"{prefix}{tokens.IDX}: not listed in the manifest")
            continue
        problems += token_set_problems(bin_entry, files, rows.get(bin_entry.get("source")), vocab)
    members = {p for p in entries if any(p.startswith(prefix + ".") for prefix in sets)}
    problems += [f"{path}: a token file without its .bin" for path in sorted(set(entries) - members)]
    tokenized = {e.get("source") for e in sets.values()}
    problems += [f"{path}: no token files" for path in sorted(rows) if path.split("/")[0] in TOKEN_SETS and path not in tokenized]
    return problems


def token_table(manifest: Mapping[str, Any]) -> str:
    """Plain-text table of the token files: per language and pair, sequences, tokens and sampling probability."""
    info = manifest.get("tokens") or {}
    lines = [f"{'language or pair':<28}{'sequences':>11}{'tokens':>14}{'share':>8}{'q':>8}"]
    for kind in (tokens.MMLM, tokens.TLM):
        for label, v in info.get(kind, {}).items():
            lines.append(f"{label:<28}{v['sequences']:>11,}{v['tokens']:>14,}{v['share']:>8.3f}{v['probability']:>8.3f}")
    return "\n".join(lines)
