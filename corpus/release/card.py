"""What a release tells people, from its manifest: the dataset card (README.md) and `corpus inspect`'s tables."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import yaml

from corpus import tokens
from corpus.lang import language_code
from corpus.manifest import Manifest
from corpus.release.layout import BITEXT_DIR, DOCS_DIR, REPORT, TOKENIZER_DIR, TOKENS_DIR
from corpus.schema import BUCKETS, DOCUMENT_SCHEMA


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def bitext_files(manifest: Manifest | Mapping[str, Any]) -> dict[str, int]:
    """Bitext Parquet files and their rows."""
    shards = sorted(Manifest.of(manifest).shards, key=lambda s: s.path)
    return {s.path: s.rows or 0 for s in shards if s.path.startswith(BITEXT_DIR + "/")}


def card_header(manifest: Manifest | Mapping[str, Any]) -> dict[str, Any]:
    """The Hugging Face dataset-card metadata: one config per language, so loaders find each folder."""
    manifest = Manifest.of(manifest)
    langs = manifest.written_languages()
    pairs = sorted({path.split("/")[1] for path in bitext_files(manifest)})
    configs = [{"config_name": lang, "data_files": [{"split": "train", "path": f"{DOCS_DIR}/{lang}/*.parquet"}]} for lang in langs]
    configs += [
        {"config_name": f"bitext-{pair}", "data_files": [{"split": "train", "path": f"{BITEXT_DIR}/{pair}/*.parquet"}]}
        for pair in pairs
    ]
    return {
        "pretty_name": manifest.config["name"],
        "language": sorted({language_code(lang) for lang in langs}),
        "multilinguality": "multilingual",
        "task_categories": ["text-generation", "fill-mask"] + (["translation"] if pairs else []),
        "configs": configs,
    }


def _rebalancing_sentence(manifest: Manifest) -> str:
    rebalance = manifest.rebalance
    if rebalance.method == "unimax":
        how = f"UniMax (at most {rebalance.max_epochs:g} epochs per language)"
    elif rebalance.method == "weights":
        how = "an explicit table of language weights"
    else:
        how = f"temperature sampling (alpha = {rebalance.alpha:g})"
    size = f"a budget of {rebalance.budget:,} {rebalance.unit}" if rebalance.budget else "the corpus size kept"
    return (f"Languages are rebalanced by {how}, to {size}, counted in {rebalance.unit}. "
            f"No document is written more than {rebalance.max_epochs} times, and a language with fewer than "
            f"{rebalance.min_documents:,} documents or {rebalance.min_chars:,} characters kept is held back: never up-sampled.")


def over_max_epochs(manifest: Manifest | Mapping[str, Any]) -> str | None:
    """A warning when any document was written more than max_epochs times (there should be none)."""
    manifest = Manifest.of(manifest)
    summary = manifest.rebalancing
    if summary and summary.documents_over_max_epochs:
        langs = sorted(lang for lang, v in manifest.languages.items() if v.max_copies > summary.max_epochs)
        return (f"WARNING: {summary.documents_over_max_epochs:,} document(s) written more than max_epochs = "
                f"{summary.max_epochs} times (at most {summary.max_copies}; {', '.join(langs)})")
    return None


def held_back_sentence(manifest: Manifest | Mapping[str, Any]) -> str | None:
    """One line naming the languages too small to be up-sampled, or None."""
    manifest = Manifest.of(manifest)
    summary = manifest.rebalancing
    if not summary or not summary.held_back:
        return None
    rebalance = manifest.rebalance
    return (f"held back (fewer than {rebalance.min_documents:,} documents or {rebalance.min_chars:,} characters kept; "
            f"never up-sampled, {100 * summary.held_back_written_share:.1f}% of written rows): "
            + ", ".join(summary.held_back))


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def langid_quality(manifest: Manifest | Mapping[str, Any], measured: Mapping[str, Any] | None = None) -> list[str]:
    """The card's language-ID section: per-language precision and recall of the build's identifier,
    as measured on the benchmark's test split (corpus/langid/calibration.json), for the release's languages."""
    from corpus.langid import calibration

    manifest = Manifest.of(manifest)
    measured = measured if measured is not None else calibration()
    langid = manifest.config.get("langid") or {}
    identifier = langid.get("identifier", "ensemble")
    langs = manifest.written_languages()
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


def content_quality(manifest: Manifest | Mapping[str, Any]) -> list[str]:
    """The card's section on the content model and each language's kept documents per bucket."""
    manifest = Manifest.of(manifest)
    model = manifest.content_model
    langs = {lang: v for lang, v in manifest.languages.items() if v.kept and v.quality}
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
               ([lang, *(f"{v.quality.get(b, 0):,}" for b in (*BUCKETS, "unscored"))] for lang, v in sorted(langs.items()))),
        "",
    ]


def _card_intro(manifest: Manifest) -> list[str]:
    """The YAML header, what the corpus is and the release's layout."""
    return [
        "---",
        yaml.safe_dump(card_header(manifest), sort_keys=False, allow_unicode=True).rstrip(),
        "---",
        "",
        f"# {manifest.config['name']}: a multilingual text corpus",
        "",
        "Built by corpus-builder from CommonCrawl and Wikipedia inputs: text extraction, "
        "fastText language ID, quality filters, exact and MinHash near-duplicate removal, "
        "language rebalancing, Parquet shards and a SentencePiece tokenizer. "
        + _rebalancing_sentence(manifest),
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
    ]


def _card_counts(manifest: Manifest) -> list[str]:
    """Documents read, kept, dropped and written; per language; the drops by reason."""
    docs = manifest.documents
    return [
        "## Counts",
        "",
        f"Documents read: {docs.read:,}; kept after filtering and deduplication: {docs.kept:,}; "
        f"dropped: {sum(docs.dropped.values()):,}; written after rebalancing: {docs.written:,}.",
        "",
        _table(
            ["language", "kept", "kept chars", "sampling rate", "epochs", "written", "written chars", "most copies"],
            (
                [lang + (" (held back)" if v.held_back else ""), f"{v.kept:,}", f"{v.kept_chars:,}", f"{v.rate:.3f}",
                 f"{v.epochs:.2f}", f"{v.written:,}", f"{v.written_chars:,}", v.max_copies]
                for lang, v in sorted(manifest.languages.items(), key=lambda kv: -kv[1].kept_chars)
                if v.kept
            ),
        ),
        "",
        *(f"{line[0].upper()}{line[1:]}.\n" for line in (held_back_sentence(manifest), over_max_epochs(manifest)) if line),
        "## Dropped documents",
        "",
        _table(["reason", "documents"], sorted(docs.dropped.items(), key=lambda kv: -kv[1])),
        "",
    ]


def _card_tokenizer(manifest: Manifest) -> list[str]:
    """The tokenizer's size, sample and fertility per language; nothing without a fertility table."""
    tok, config = manifest.tokenizer, manifest.config
    if not tok.get("fertility"):
        return []
    return [
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


def dataset_card(manifest: Manifest | Mapping[str, Any]) -> str:
    """README.md of a release, generated from its manifest: a YAML header, then the description."""
    manifest = Manifest.of(manifest)
    parts = _card_intro(manifest) + _card_counts(manifest) + _card_tokenizer(manifest)
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


def token_card(manifest: Manifest | Mapping[str, Any]) -> list[str]:
    """The card's section on the token files: layout, counts and each language's sampling probability."""
    info = Manifest.of(manifest).tokens
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


def token_table(manifest: Manifest | Mapping[str, Any]) -> str:
    """Plain-text table of the token files: per language and pair, sequences, tokens and sampling probability."""
    info = Manifest.of(manifest).tokens
    lines = [f"{'language or pair':<28}{'sequences':>11}{'tokens':>14}{'share':>8}{'q':>8}"]
    for kind in (tokens.MMLM, tokens.TLM):
        for label, v in info.get(kind, {}).items():
            lines.append(f"{label:<28}{v['sequences']:>11,}{v['tokens']:>14,}{v['share']:>8.3f}{v['probability']:>8.3f}")
    return "\n".join(lines)


def describe(manifest: Manifest | Mapping[str, Any]) -> str:
    """Plain-text tables of what a release holds beyond the document counts: tokenizer and stage statistics."""
    manifest = Manifest.of(manifest)
    lines = [f"{'language':<12}{'epochs':>8}{'copies':>8}{'written chars':>15}{'shards':>8}"]
    shards: dict[str, int] = {}
    for shard in manifest.shards:
        shards[shard.lang or ""] = shards.get(shard.lang or "", 0) + 1
    # Per language, beside the copies: held back, or written over the cap (the summary above
    # `corpus inspect`'s tables names them in a sentence; here each row is marked).
    cap = manifest.rebalancing.max_epochs if manifest.rebalancing else None
    for lang, v in sorted(manifest.languages.items(), key=lambda kv: -kv[1].kept_chars):
        if v.written:
            mark = "  held back" if v.held_back else ""
            if cap is not None and v.max_copies > cap:
                mark += f"  OVER max_epochs ({v.max_copies} > {cap})"
            lines.append(f"{lang:<12}{v.epochs:>8.2f}{v.max_copies:>8}{v.written_chars:>15,}{shards.get(lang, 0):>8}{mark}")
    tok = manifest.tokenizer
    if tok.get("fertility"):
        lines += ["", f"tokenizer: {tok.get('vocab_size', 0):,} pieces, sample of {tok.get('sample_chars', 0):,} characters"]
        lines.append(f"{'language':<12}{'share':>8}{'fertility':>11}{'per':>6}{'bytes %':>9}")
        for lang, f in sorted(tok["fertility"].items()):
            share = tok.get("sample", {}).get(lang, {}).get("share", 0)
            lines.append(f"{lang:<12}{share:>8.3f}{f['fertility']:>11.3f}{f['per']:>6}{100 * f['byte_fallback_share']:>9.2f}")
    if manifest.tokens:
        lines += ["", f"token files ({manifest.tokens['dtype']}, q_i with alpha {manifest.tokens['alpha']:g}):", token_table(manifest)]
    for kind, values in manifest.stats.items():
        lines += ["", f"stats: {kind} ({len(values)} keys)"]
        for key, amount in list(values.items())[:40]:
            lines.append(f"  {key:<40}{amount:>12,}")
        if len(values) > 40:
            lines.append(f"  ... {len(values) - 40} more in manifest.json")
    return "\n".join(lines)
