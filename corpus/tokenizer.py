"""SentencePiece tokenizer training on a bounded sample, and its fertility on held-out text."""

from __future__ import annotations

import io
from typing import Iterable

import sentencepiece as spm

from corpus.config import Tokenizer


def train(sentences: Iterable[str], config: Tokenizer) -> bytes:
    """Train a SentencePiece model from sentences streamed in memory; returns the model file's bytes."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        model_type=config.model_type,
        vocab_size=config.vocab_size,
        hard_vocab_limit=False,  # small corpora may not support the full vocabulary: take what they give
        character_coverage=config.character_coverage,
        byte_fallback=config.byte_fallback,
        normalization_rule_name=config.normalization,
        input_sentence_size=0,
        shuffle_input_sentence=False,  # the sample is already drawn deterministically
        seed_sentencepiece_size=1_000_000,
        max_sentence_length=8192,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def vocab_text(model_bytes: bytes) -> str:
    """The spm.vocab file: one piece and its log-probability score per line."""
    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    return "".join(f"{sp.id_to_piece(i)}\t{sp.get_score(i):g}\n" for i in range(sp.get_piece_size()))
