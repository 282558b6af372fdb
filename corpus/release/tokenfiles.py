"""Token files (corpus/tokens.py): tokens/mmlm/<lang>/ and tokens/tlm/<pair>/, one file set per Parquet shard."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from corpus import tokens
from corpus.config import Output
from corpus.release.layout import BITEXT_DIR, DOCS_DIR, TOKENIZER_DIR, TOKENS_DIR

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
