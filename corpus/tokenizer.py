"""SentencePiece tokenizer training on a bounded sample, and its fertility on held-out text.

Fertility is how many tokens a language's words become (characters, for
scripts written without spaces): the measure of whether a shared vocabulary is
fair to a language. A high share of byte-fallback tokens means the vocabulary
barely covers its script.
"""

from __future__ import annotations

import hashlib
import heapq
import io
from typing import Iterable, Mapping

import sentencepiece as spm

from corpus.config import Tokenizer
from corpus.rebalance import unit_hash
from corpus.text import count_words, is_unspaced


def language_tag(lang: str) -> str:
    return f"<{lang}>"


def cap_sample(sample: list[tuple[str, str]], limit: int, seed: int) -> list[tuple[str, str]]:
    """At most `limit` (lang, sentence) pairs, chosen by hash of (sentence, occurrence), sorted by sentence."""
    if len(sample) > limit:
        seen: dict[tuple[str, str], int] = {}
        keyed = []
        for item in sample:
            seen[item] = seen.get(item, 0) + 1
            keyed.append((unit_hash(item[1], item[0], seen[item], seed), item))
        sample = [item for _, item in heapq.nsmallest(limit, keyed)]
    return sorted(sample, key=lambda item: (item[1], item[0]))


def composition(sample: Iterable[tuple[str, str]]) -> dict[str, dict[str, float | int]]:
    """Sentences, characters and share of characters per language in a training sample."""
    found: dict[str, dict[str, float | int]] = {}
    for lang, sentence in sample:
        entry = found.setdefault(lang, {"sentences": 0, "chars": 0})
        entry["sentences"] += 1
        entry["chars"] += len(sentence)
    total = sum(v["chars"] for v in found.values()) or 1
    for entry in found.values():
        entry["share"] = round(entry["chars"] / total, 6)
    return dict(sorted(found.items()))


def fitted_vocab_size(config: Tokenizer, sample_chars: int, distinct_chars: int = 0) -> int:
    """vocab_size, or fewer pieces when the sample gives fewer than min_chars_per_piece characters a piece;
    never fewer than SentencePiece needs: a piece per distinct character, the 256 bytes and the meta pieces."""
    if not config.min_chars_per_piece:
        return config.vocab_size
    floor = distinct_chars + (256 if config.byte_fallback else 0) + 4
    return min(config.vocab_size, max(floor, 1000, sample_chars // config.min_chars_per_piece))


def train(sentences: Iterable[str], config: Tokenizer, languages: Iterable[str] = ()) -> bytes:
    """Train a SentencePiece model from sentences streamed in memory; returns the model file's bytes."""
    special = [language_tag(lang) for lang in sorted(languages)] if config.language_tags else []
    special += [token for token in config.special_tokens if token not in special]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        model_type=config.model_type,
        vocab_size=config.vocab_size,
        hard_vocab_limit=False,  # small corpora may not support the full vocabulary: take what they give
        character_coverage=config.character_coverage,
        byte_fallback=config.byte_fallback,
        split_digits=config.split_digits,
        normalization_rule_name=config.normalization,
        user_defined_symbols=special,
        input_sentence_size=0,  # the sample is already capped (cap_sentences)
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


def piece_count(model_bytes: bytes) -> int:
    """The vocabulary size the model actually has (small samples may give fewer pieces than asked)."""
    return spm.SentencePieceProcessor(model_proto=model_bytes).get_piece_size()


def model_digest(model_bytes: bytes) -> str:
    return hashlib.sha256(model_bytes).hexdigest()


def is_heldout(doc_id: str, paragraph_index: int, fraction: float, seed: int) -> bool:
    """Whether a paragraph is kept out of training, to measure fertility on text the model never saw."""
    return unit_hash(doc_id, paragraph_index, seed, "heldout") < fraction


class FertilityCounter:
    """Counts tokens, words, characters and byte-fallback tokens of paragraphs under one model."""

    def __init__(self, model_bytes: bytes):
        self.sp = spm.SentencePieceProcessor(model_proto=model_bytes)

    def counts(self, paragraph: str) -> dict[str, int]:
        ids = self.sp.encode(paragraph)
        unspaced = is_unspaced(paragraph)
        return {
            "tokens": len(ids),
            "byte_tokens": sum(1 for i in ids if self.sp.is_byte(i)),
            "unk_tokens": sum(1 for i in ids if self.sp.is_unknown(i)),
            "units": count_words(paragraph),  # words, or characters for unspaced scripts
            "chars": len(paragraph),
            "unspaced_chars": len(paragraph) if unspaced else 0,
            "paragraphs": 1,
        }


def fertility_table(totals: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, float | int | str]]:
    """Per language: tokens per word (or per character for unspaced scripts), tokens per character, byte share."""
    table = {}
    for lang, c in sorted(totals.items()):
        if not c.get("tokens"):
            continue
        table[lang] = {
            "per": "char" if 2 * c["unspaced_chars"] > c["chars"] else "word",
            "fertility": round(c["tokens"] / max(1, c["units"]), 4),
            "tokens_per_char": round(c["tokens"] / max(1, c["chars"]), 4),
            "byte_fallback_share": round(c["byte_tokens"] / c["tokens"], 6),
            "unk_share": round(c["unk_tokens"] / c["tokens"], 6),
            "heldout_paragraphs": c["paragraphs"],
            "heldout_chars": c["chars"],
        }
    return table
