"""The release manifest as typed models: what the build writes and verify, inspect, the card and the report read.

manifest.json is `Manifest.to_json()`; a manifest read from disk goes through `load_manifest`, which refuses
anything that is not one (not JSON, a missing key, a count that is not a number) with a one-line ManifestError.
The build's statistics arrive as "kind|part|..." keys; `Stat.parse_all` reads them once, here, into typed
values; the manifest files them as stats[kind]["part|..."], which `Manifest.stat_rows` reads back as parts.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any, Iterable, Mapping, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_serializer

from corpus.config import ConfigError, Dedup, Rebalance
from corpus.statistics import parse_stat_key, parse_subkey, subkey


class ManifestError(ConfigError):
    """A manifest.json that is not a corpus-builder manifest, in one line."""


class Stat(NamedTuple):
    """One summed statistic: its kind, the parts of its key, its amount."""

    kind: str
    parts: tuple[str, ...]
    amount: int

    @classmethod
    def parse_all(cls, sums: Mapping[str, int]) -> list[Stat]:
        """The build's summed statistics ("kind|part|..." -> amount) as typed values: the one place they are parsed."""
        return [cls(*parse_stat_key(key), amount) for key, amount in sums.items()]

    @property
    def subkey(self) -> str:
        """Its key under its kind in the manifest's stats."""
        return subkey(*self.parts)


class _Model(BaseModel):
    # Strict: a count written as "12" is a broken manifest, not 12.
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)


class StageRow(_Model):
    """Documents into and out of one stage: in + added (split parts) = out + dropped when nothing is lost."""

    stage: str
    into: int = Field(alias="in")
    added: int
    dropped: int
    out: int


class Documents(_Model):
    read: int
    read_by_source: dict[str, int]
    kept: int
    dropped: dict[str, int]  # by reason
    written: int
    stages: list[StageRow] = []


class Language(_Model):
    kept: int = 0
    kept_chars: int = 0
    rate: float = 0.0
    written: int = 0
    written_chars: int = 0
    dropped: dict[str, int] = {}  # by reason
    epochs: float = 0.0  # written over kept (chars, or documents with rebalance.unit documents)
    held_back: bool = False  # too small to be up-sampled
    quality: dict[str, int] = {}  # kept documents per content-model bucket ("unscored" without one)
    max_copies: int = 0  # the most times one of its documents was written


class Rebalancing(_Model):
    """What rebalancing did to single documents: the most copies of one, those above the cap, held-back languages."""

    max_epochs: int
    max_copies: int
    documents_over_max_epochs: int
    held_back: list[str]
    held_back_written: int
    held_back_written_share: float


class Shard(_Model):
    """A file of the release with its checksum: a Parquet shard (lang, rows) or a token file (source, counts)."""

    # In alphabetical order, as the build's shard list (JSON lines with sorted keys) gives them.
    bytes: int | None = None
    documents: int | None = None  # token files: documents, sequences and tokens in the .bin
    dtype: str | None = None
    lang: str | None = None  # Parquet shards: the language, or the language pair
    path: str
    rows: int | None = None  # Parquet shards
    sequences: int | None = None
    sha256: str
    source: str | None = None  # token files: the Parquet shard they were tokenized from
    tokens: int | None = None

    @model_serializer(mode="wrap")
    def _only_present(self, handler) -> dict[str, Any]:
        # Each kind of file has its own fields; the others are absent, not null.
        return {key: value for key, value in handler(self).items() if value is not None}


class FileChecksum(_Model):
    bytes: int
    sha256: str


_TOKENIZER_FILES = TypeAdapter(dict[str, FileChecksum], config=ConfigDict(strict=True))
_VOCAB_SIZE = TypeAdapter(int | None, config=ConfigDict(strict=True))


class Manifest(_Model):
    """manifest.json. Everything but `run` (timestamps, durations, runner) follows from the inputs and config."""

    format: int = 1
    config: dict[str, Any]  # the build's config as given (BuildConfig, dumped)
    versions: dict[str, str] = {}
    documents: Documents
    languages: dict[str, Language]
    content_model: dict[str, Any] | None = None
    rebalancing: Rebalancing | None = None
    stats: dict[str, dict[str, int]] = {}  # a stage's own statistics: stats[kind]["part|..."] = amount
    shards: list[Shard]
    tokenizer: dict[str, Any] = {}  # what the tokenizer stage reports (pipelines/tokenizer.py)
    tokens: dict[str, Any] = {}  # the token files' summary (corpus/release/tokenfiles.py)
    run: dict[str, Any] = {}

    @field_validator("tokenizer")
    @classmethod
    def _checkable_tokenizer(cls, value: dict[str, Any]) -> dict[str, Any]:
        # Kept as the stage wrote it; what verify relies on must have its type.
        _TOKENIZER_FILES.validate_python(value.get("files", {}))
        _VOCAB_SIZE.validate_python(value.get("vocab_size"))
        return value

    @classmethod
    def of(cls, manifest: Manifest | Mapping[str, Any]) -> Manifest:
        """A manifest as the model, whether given as one or as its JSON object."""
        return manifest if isinstance(manifest, Manifest) else cls.model_validate(dict(manifest))

    @cached_property
    def rebalance(self) -> Rebalance:
        """The rebalance config the release was built with, validated once."""
        return Rebalance.model_validate(self.config.get("rebalance", {}))

    @cached_property
    def dedup(self) -> Dedup:
        return Dedup.model_validate(self.config.get("dedup", {}))

    def stat_rows(self, kind: str) -> list[tuple[tuple[str, ...], int]]:
        """A kind of statistic as (parts, amount), in the manifest's order."""
        return [(parse_subkey(key), amount) for key, amount in self.stats.get(kind, {}).items()]

    def written_languages(self) -> list[str]:
        return sorted(lang for lang, v in self.languages.items() if v.written)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of manifest.json."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def stats_section(stats: Iterable[Stat]) -> dict[str, dict[str, int]]:
    """Statistics filed as the manifest's stats: by kind, then by the parts of their keys, both sorted."""
    filed: dict[str, dict[str, int]] = {}
    for stat in stats:
        filed.setdefault(stat.kind, {})[stat.subkey] = stat.amount
    return {kind: dict(sorted(values.items())) for kind, values in sorted(filed.items())}


def _where(error: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"]) or "the top level"


def load_manifest(data: bytes, name: str) -> Manifest:
    """manifest.json's bytes as a Manifest; anything else is a one-line ManifestError naming `name`."""
    try:
        obj = json.loads(data)
    except ValueError as e:
        raise ManifestError(f"{name} is not JSON ({e})") from None
    if not isinstance(obj, dict):
        raise ManifestError(f"{name} is not a corpus-builder manifest: a JSON {type(obj).__name__}, not an object")
    try:
        return Manifest.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        what = "missing" if first["type"] == "missing" else first["msg"][0].lower() + first["msg"][1:]
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise ManifestError(f"{name} is not a corpus-builder manifest: {_where(first)}: {what}{more}") from None
