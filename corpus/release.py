"""The release layout: shard names, Parquet encoding, the manifest and the dataset card."""

from __future__ import annotations

import hashlib
import io
import math
from typing import Any, Callable, Iterable, Mapping

import yaml

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.schema import DOCUMENT_SCHEMA, Document

DOCS_DIR = "docs"
TOKENIZER_DIR = "tokenizer"
MANIFEST = "manifest.json"
CARD = "README.md"
REPORT = "report.html"
PLOTS_DIR = "report"  # PNG plots beside report.html
BITEXT_DIR = "bitext"


def length_bucket(n_chars: int) -> int:
    """The power of two at or below a document's length: buckets of the length histogram."""
    return 1 << max(0, int(n_chars).bit_length() - 1)


def shard_count(text_bytes: int, shard_bytes: int) -> int:
    return max(1, math.ceil(text_bytes / shard_bytes))


def shard_of(doc: Document, shards: int) -> int:
    """A document's shard: a hash of its id and copy, so shards fill evenly and reproducibly."""
    digest = hashlib.blake2b(f"{doc.id}/{doc.repetition}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_path(lang: str, index: int, shards: int) -> str:
    """Relative path of a shard: docs/<lang>/part-NNNNN-of-MMMMM.parquet."""
    return f"{DOCS_DIR}/{lang}/part-{index:05d}-of-{shards:05d}.parquet"


def encode_parquet(docs: Iterable[Document], compression: str, row_group_bytes: int) -> tuple[bytes, int]:
    """Documents sorted by (id, repetition) as a Parquet file's bytes, and the number of rows."""
    rows = sorted(docs, key=lambda d: (d.id, d.repetition))
    table = pa.Table.from_pylist([d._replace(signals=sorted(d.signals.items()))._asdict() for d in rows], schema=DOCUMENT_SCHEMA)
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
    """Bitext Parquet files and their rows: from the shard list, or from the bitext stage's `bitext_rows` statistic."""
    files = {s["path"]: s.get("rows", 0) for s in manifest["shards"] if s["path"].startswith(BITEXT_DIR + "/")}
    rows = manifest.get("stats", {}).get("bitext_rows", {})
    files.update({path: n for path, n in rows.items() if path.startswith(BITEXT_DIR + "/") and path not in files})
    return dict(sorted(files.items()))


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
        "language": sorted({lang.split("_")[0] for lang in langs}),
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
    return f"Languages are rebalanced by {how}, to {size}, counted in {rebalance.get('unit', 'chars')}."


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
        "labelled by their wiki, kana lines of a real CommonCrawl WET file, and sentences written for the project. "
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
            ["language", "kept", "kept chars", "sampling rate", "epochs", "written", "written chars"],
            (
                [lang, f"{v['kept']:,}", f"{v['kept_chars']:,}", f"{v['rate']:.3f}", f"{v.get('epochs', 0):.2f}", f"{v['written']:,}", f"{v['written_chars']:,}"]
                for lang, v in sorted(langs.items(), key=lambda kv: -kv[1]["kept_chars"])
                if v["kept"]
            ),
        ),
        "",
        "## Dropped documents",
        "",
        _table(["reason", "documents"], sorted(docs["dropped"].items(), key=lambda kv: -kv[1])),
        "",
    ]
    if tok.get("fertility"):
        parts += [
            "## Tokenizer",
            "",
            f"SentencePiece {config['tokenizer']['model_type']}, {tok.get('vocab_size', 0):,} pieces, trained on "
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
    dropped: dict[str, int] = {}
    other: dict[str, dict[str, int]] = {}  # statistics of later stages, by kind
    languages: dict[str, dict[str, Any]] = {}

    def language(lang: str) -> dict[str, Any]:
        return languages.setdefault(
            lang, {"kept": 0, "kept_chars": 0, "rate": 0.0, "written": 0, "written_chars": 0, "dropped": {}}
        )

    for key, amount in stats.items():
        kind, _, rest = key.partition("|")
        if kind == "read":
            read[rest] = read.get(rest, 0) + amount
        elif kind == "dropped":
            reason, _, lang = rest.partition("|")
            dropped[reason] = dropped.get(reason, 0) + amount
            if lang:
                language(lang)["dropped"][reason] = amount
        elif kind in ("kept", "kept_chars", "written", "written_chars"):
            language(rest)[kind] += amount
        else:
            other.setdefault(kind, {})[rest] = amount
    for lang, rate in rates.items():
        language(lang)["rate"] = round(rate, 6)
    by_documents = config.get("rebalance", {}).get("unit") == "documents"
    for lang in languages.values():
        lang["dropped"] = dict(sorted(lang["dropped"].items()))
        # Effective epochs: how many times over, on average, the language's kept text was written.
        before, after = (lang["kept"], lang["written"]) if by_documents else (lang["kept_chars"], lang["written_chars"])
        lang["epochs"] = round(after / before, 6) if before else 0.0
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
        },
        "languages": dict(sorted(languages.items())),
        "stats": {kind: dict(sorted(values.items())) for kind, values in sorted(other.items())},
        "shards": sorted(shards, key=lambda s: s["path"]),
        "tokenizer": dict(tokenizer or {}),
        "run": dict(run),
    }


def reconciles(manifest: Mapping[str, Any]) -> bool:
    docs = manifest["documents"]
    return docs["read"] == docs["kept"] + sum(docs["dropped"].values())


def parquet_rows(data: bytes) -> int:
    """Rows of a Parquet file, from its footer."""
    return pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows


def verify(manifest: Mapping[str, Any], read: Callable[[str], bytes | None], present: Iterable[str]) -> list[str]:
    """Problems of a release against its manifest (empty when sound).

    `read(relative_path)` gives a file's bytes or None when it is missing; `present` lists the
    Parquet files found under the release, to catch shards the manifest does not know.
    """
    problems = []
    if not reconciles(manifest):
        docs = manifest["documents"]
        problems.append(f"counts do not reconcile: read {docs['read']} != kept {docs['kept']} + dropped {sum(docs['dropped'].values())}")
    rows_per_lang: dict[str, int] = {}
    for shard in manifest["shards"]:
        path = shard["path"]
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
    listed = {shard["path"] for shard in manifest["shards"]}
    # Bitext files known only by their row counts: checked for presence and rows (no checksum recorded).
    for path, rows in bitext_files(manifest).items():
        if path in listed:
            continue
        listed.add(path)
        data = read(path)
        if data is None:
            problems.append(f"{path}: missing")
        elif parquet_rows(data) != rows:
            problems.append(f"{path}: {parquet_rows(data)} rows, the manifest says {rows}")
    problems += [f"{path}: not listed in the manifest" for path in sorted(set(present) - listed)]
    for path, expected in sorted((manifest.get("tokenizer") or {}).get("files", {}).items()):
        data = read(path)
        if data is None:
            problems.append(f"{path}: missing")
        elif hashlib.sha256(data).hexdigest() != expected["sha256"]:
            problems.append(f"{path}: checksum differs from the manifest")
    return problems


def describe(manifest: Mapping[str, Any]) -> str:
    """Plain-text tables of what a release holds beyond the document counts: tokenizer and stage statistics."""
    lines = []
    langs = manifest["languages"]
    lines.append(f"{'language':<12}{'epochs':>8}{'written chars':>15}{'shards':>8}")
    shards: dict[str, int] = {}
    for shard in manifest["shards"]:
        shards[shard.get("lang", "")] = shards.get(shard.get("lang", ""), 0) + 1
    for lang, v in sorted(langs.items(), key=lambda kv: -kv[1]["kept_chars"]):
        if v["written"]:
            lines.append(f"{lang:<12}{v.get('epochs', 0):>8.2f}{v['written_chars']:>15,}{shards.get(lang, 0):>8}")
    tok = manifest.get("tokenizer") or {}
    if tok.get("fertility"):
        lines += ["", f"tokenizer: {tok.get('vocab_size', 0):,} pieces, sample of {tok.get('sample_chars', 0):,} characters"]
        lines.append(f"{'language':<12}{'share':>8}{'fertility':>11}{'per':>6}{'bytes %':>9}")
        for lang, f in sorted(tok["fertility"].items()):
            share = tok.get("sample", {}).get(lang, {}).get("share", 0)
            lines.append(f"{lang:<12}{share:>8.3f}{f['fertility']:>11.3f}{f['per']:>6}{100 * f['byte_fallback_share']:>9.2f}")
    for kind, values in manifest.get("stats", {}).items():
        lines += ["", f"stats: {kind} ({len(values)} keys)"]
        for key, amount in list(values.items())[:40]:
            lines.append(f"  {key:<40}{amount:>12,}")
        if len(values) > 40:
            lines.append(f"  ... {len(values) - 40} more in manifest.json")
    return "\n".join(lines)
