"""Mining one candidate document pair: split, encode, align, filter.

    for item in mine_document_pair(doc1, doc2, "wikipedia-langlinks", config, lexicon): ...

yields BitextPair records and Drops ("bitext/<why>", lang = "<src>-<tgt>"), one per
aligned bead, so that beads = pairs + drops for every language pair.

With a neural encoder (one space for all languages) a document is split and encoded once
(`split_document`, `encode_sides`, batched across documents) and its Side reused in
every language pair it belongs to (`mine_sides`); the lexical encoder's vectors depend on
the language pair's lexicon, so it encodes inside each pair.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple, Sequence

import numpy as np

from corpus.bitext.align import Bead, align
from corpus.bitext.encoders import encoder_for
from corpus.bitext.filters import TOO_LONG, pair_drop_reason
from corpus.bitext.lexical import Lexicon
from corpus.bitext.sentences import split_paragraph_sentences, splits_clauses
from corpus.config import Bitext
from corpus.lang import sentence_joiner
from corpus.schema import BitextPair, Document, Drop, is_a, make_id, pair_name

ALIGNER = "dp-align"


class Side(NamedTuple):
    doc: Document
    sentences: list[str]
    paragraphs: list[int]  # each sentence's paragraph (line of the text)
    vectors: np.ndarray | None = None  # raw sentence vectors of a shared-space encoder, once encoded

    @classmethod
    def of(cls, doc: Document) -> "Side":
        split = split_paragraph_sentences(doc.text, doc.lang)
        return cls(doc, [s for _, s in split], [p for p, _ in split])


def split_document(doc: Document) -> Side:
    return Side.of(doc)


def encode_sides(sides: Sequence[Side], encoder, config: Bitext) -> list[Side]:
    """Sides with their vectors, all sentences of all sides in one batched call of the encoder;
    a side over config.max_sentences is left unencoded (it will be dropped as too long)."""
    todo = [s for s in sides if 0 < len(s.sentences) <= config.max_sentences]
    flat = [sentence for s in todo for sentence in s.sentences]
    vectors = encoder.encode_raw(flat, "") if flat else None
    out, start = [], 0
    for side in sides:
        if 0 < len(side.sentences) <= config.max_sentences:
            out.append(side._replace(vectors=vectors[start : start + len(side.sentences)]))
            start += len(side.sentences)
        else:
            out.append(side)
    return out


def orient(doc1: Document, doc2: Document) -> tuple[Document, Document]:
    """(source, target): the source is the document whose language sorts first."""
    return (doc1, doc2) if (doc1.lang, doc1.id) <= (doc2.lang, doc2.id) else (doc2, doc1)


def _vectors(src: Side, tgt: Side, config: Bitext, lexicon: Lexicon | None) -> tuple[np.ndarray, np.ndarray]:
    if src.vectors is not None and tgt.vectors is not None:
        return src.vectors, tgt.vectors
    if config.encoder == "lexical":
        return (encoder_for(config, None).encode_raw(src.sentences, src.doc.lang),
                encoder_for(config, lexicon).encode_raw(tgt.sentences, tgt.doc.lang))
    src, tgt = encode_sides([src, tgt], encoder_for(config, None), config)
    return src.vectors, tgt.vectors


def _align_pair(src: Side, tgt: Side, config: Bitext, lexicon: Lexicon | None) -> list[Bead]:
    if not src.sentences or not tgt.sentences:
        return []
    v1, v2 = _vectors(src, tgt, config, lexicon)
    scoring = config.scoring
    return align(
        v1,
        v2,
        [len(s) for s in src.sentences],
        [len(s) for s in tgt.sentences],
        k=config.k,
        length_weight=scoring.length_weight,
        position_weight=scoring.position_weight,
        skip_margin=scoring.skip_margin,
        merge_penalty=tuple(scoring.clause_merge_penalty if splits_clauses(side.doc.lang) else scoring.merge_penalty
                            for side in (src, tgt)),
        crossed_margin=scoring.crossed_margin,
        paragraphs1=src.paragraphs,
        paragraphs2=tgt.paragraphs,
    )


def _oriented_sides(side1: Side, side2: Side, config: Bitext) -> tuple[Side, Side] | Drop:
    src_doc, _ = orient(side1.doc, side2.doc)
    src, tgt = (side1, side2) if src_doc is side1.doc else (side2, side1)
    if max(len(s.sentences) for s in (src, tgt)) > config.max_sentences:
        return Drop(TOO_LONG, pair_name(src.doc.lang, tgt.doc.lang), src.doc.source, f"{src.doc.id} {tgt.doc.id}")
    return src, tgt


def confident_pairs(doc1: Document, doc2: Document, config: Bitext) -> list[tuple[str, str]]:
    """First pass of the lexical encoder (no lexicon): the 1-1 sentence pairs aligned with a margin
    of at least config.confident_margin, and the two titles; the lexicon is re-estimated from them."""
    sides = _oriented_sides(Side.of(doc1), Side.of(doc2), config)
    if is_a(sides, Drop):
        return []
    src, tgt = sides
    found = [(src.doc.title, tgt.doc.title)] if src.doc.title and tgt.doc.title else []
    for bead in _align_pair(src, tgt, config, None):
        if len(bead.src) == 1 and len(bead.tgt) == 1 and bead.score >= config.confident_margin:
            found.append((src.sentences[bead.src[0]], tgt.sentences[bead.tgt[0]]))
    return found


def mine_sides(
    side1: Side, side2: Side, candidates: str, config: Bitext, lexicon: Lexicon | None = None
) -> Iterator[BitextPair | Drop]:
    """The sentence pairs of two split (and, for a neural encoder, encoded) documents, and the beads dropped."""
    sides = _oriented_sides(side1, side2, config)
    if is_a(sides, Drop):
        yield sides
        return
    src, tgt = sides
    name = pair_name(src.doc.lang, tgt.doc.lang)
    method = f"{candidates}/{ALIGNER}/{config.encoder}"
    for bead in _align_pair(src, tgt, config, lexicon):
        src_text = sentence_joiner(src.doc.lang).join(src.sentences[i] for i in bead.src)
        tgt_text = sentence_joiner(tgt.doc.lang).join(tgt.sentences[j] for j in bead.tgt)
        reason = pair_drop_reason(src_text, tgt_text, bead.score, config)
        if reason:
            yield Drop(reason, name, src.doc.source, f"{src.doc.id} {tgt.doc.id} {bead.src} {bead.tgt}")
            continue
        yield BitextPair(
            id=make_id(src.doc.lang, tgt.doc.lang, src_text, tgt_text),
            src_lang=src.doc.lang,
            tgt_lang=tgt.doc.lang,
            src_text=src_text,
            tgt_text=tgt_text,
            score=round(bead.score, 6),
            method=method,
            src_doc_id=src.doc.id,
            tgt_doc_id=tgt.doc.id,
            src_url=src.doc.url,
            tgt_url=tgt.doc.url,
            src_title=src.doc.title,
            tgt_title=tgt.doc.title,
        )


def mine_document_pair(
    doc1: Document, doc2: Document, candidates: str, config: Bitext, lexicon: Lexicon | None = None
) -> Iterator[BitextPair | Drop]:
    """The sentence pairs of two documents that translate each other, and the beads dropped."""
    yield from mine_sides(Side.of(doc1), Side.of(doc2), candidates, config, lexicon)


def mine_comparable(
    sentences1: Sequence[str], sentences2: Sequence[str], config: Bitext, encoder=None
) -> list[tuple[int, int, float]]:
    """Comparable corpora, no document pairs: (i, j, margin) of sentence pairs found by k-NN ratio
    margin in both directions over all sentences of the two languages (corpus.bitext.score.mine_global:
    FAISS when installed and the input is large, exact numpy otherwise), the pair filters applied.
    Needs a neural encoder (one space for both languages); one process holds both sets of vectors."""
    from corpus.bitext.encoders import load_encoder
    from corpus.bitext.lexical import normalise_rows
    from corpus.bitext.score import mine_global

    encoder = encoder or load_encoder(config)
    x = normalise_rows(encoder.encode_raw(list(sentences1), ""))
    y = normalise_rows(encoder.encode_raw(list(sentences2), ""))
    found = mine_global(x, y, config.k, config.scoring.min_score)
    return [(i, j, m) for i, j, m in found if not pair_drop_reason(sentences1[i], sentences2[j], m, config)]
