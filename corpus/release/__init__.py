"""A release: its layout and Parquet encoding (layout), token files (tokenfiles), the manifest assembled from
the build's statistics (assemble; the models are corpus.manifest), the dataset card and inspect's tables
(card), and the checks of `corpus verify` (checks). `from corpus import release` reaches all of them."""

from corpus.manifest import Manifest, ManifestError, load_manifest
from corpus.release.assemble import (
    STAGE_SWITCHES,
    STAGES,
    assemble_manifest,
    content_model,
    enabled_stages,
    rebalancing_summary,
    stage_of,
    stage_table,
    with_bitext,
)
from corpus.release.card import (
    bitext_files,
    card_header,
    content_quality,
    dataset_card,
    describe,
    held_back_sentence,
    langid_quality,
    over_max_epochs,
    token_card,
    token_table,
)
from corpus.release.checks import reconciles, reconciliation_problems, token_problems, token_set_problems, verify
from corpus.release.layout import (
    BITEXT,
    BITEXT_DIR,
    CARD,
    DOCS_DIR,
    DOCUMENTS,
    MANIFEST,
    PLOTS_DIR,
    REPORT,
    TOKENIZER_DIR,
    TOKENS_DIR,
    ReleaseFailed,
    ShardLayout,
    encode_parquet,
    length_bucket,
    parquet_rows,
    shard_count,
    shard_of,
    shard_path,
    written_files,
)
from corpus.release.tokenfiles import TOKEN_SETS, is_token_file, token_prefix, token_summary, with_tokens

__all__ = [
    "BITEXT", "BITEXT_DIR", "CARD", "DOCS_DIR", "DOCUMENTS", "MANIFEST", "PLOTS_DIR", "REPORT", "STAGES", "STAGE_SWITCHES",
    "TOKENIZER_DIR", "TOKENS_DIR", "TOKEN_SETS", "Manifest", "ManifestError", "ReleaseFailed", "ShardLayout",
    "assemble_manifest", "bitext_files", "card_header", "content_model", "content_quality", "dataset_card", "describe",
    "enabled_stages", "encode_parquet", "held_back_sentence", "is_token_file", "langid_quality", "length_bucket",
    "load_manifest", "over_max_epochs", "parquet_rows", "rebalancing_summary", "reconciles", "reconciliation_problems",
    "shard_count", "shard_of", "shard_path", "stage_of", "stage_table", "token_card", "token_prefix", "token_problems",
    "token_set_problems", "token_summary", "token_table", "verify", "with_bitext", "with_tokens", "written_files",
]  # fmt: skip
