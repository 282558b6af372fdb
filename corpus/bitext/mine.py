"""Mining one candidate document pair: split, encode, align, filter.

    for item in mine_document_pair(doc1, doc2, "wikipedia-langlinks", config, lexicon): ...

yields BitextPair records and Drops ("bitext/<why>", lang = "<src>-<tgt>"), one per
aligned bead, so that beads = pairs + drops for every language pair.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from corpus.bitext.align import Bead, align
from corpus.bitext.encoders import encoder_for
from corpus.bitext.filters import TOO_LONG, pair_drop_reason
from corpus.bitext.lexical import Lexicon
from corpus.bitext.sentences import split_paragraph_sentences
from corpus.config import Bitext
from corpus.schema import BitextPair, Document, Drop, is_a, make_id

ALIGNER = "dp-align"


class Side(NamedTuple):
    doc: Document
    sentences: list[str]
    paragraphs: list[int]  # each sentence's paragraph (line of the text)

    @classmethod
    def of(cls, doc: Document) -> "Side":
        split = split_paragraph_sentences(doc.text, doc.lang)
        return cls(doc, [s for _, s in split], [p for p, _ in split])


def pair_name(lang1: str, lang2: str) -> str:
    """The language pair's name and folder: the two codes sorted, "eng_Latn-fra_Latn"."""
    return "-".join(sorted((lang1, lang2)))


def orient(doc1: Document, doc2: Document) -> tuple[Document, Document]:
    """(source, target): the source is the document whose language sorts first."""
    return (doc1, doc2) if (doc1.lang, doc1.id) <= (doc2.lang, doc2.id) else (doc2, doc1)


def joiner(lang: str) -> str:
    return "" if lang.split("_")[-1] in ("Jpan", "Hans", "Hant", "Hani") else " "


def _align_pair(src: Side, tgt: Side, config: Bitext, lexicon: Lexicon | None) -> list[Bead]:
    src_encoder = encoder_for(config, None)
    tgt_encoder = encoder_for(config, lexicon)
    return align(
        src_encoder.encode_raw(src.sentences, src.doc.lang),
        tgt_encoder.encode_raw(tgt.sentences, tgt.doc.lang),
        [len(s) for s in src.sentences],
        [len(s) for s in tgt.sentences],
        k=config.k,
        length_weight=config.length_weight,
        position_weight=config.position_weight,
        skip_margin=config.skip_margin,
        paragraphs1=src.paragraphs,
        paragraphs2=tgt.paragraphs,
    )


def _sides(doc1: Document, doc2: Document, config: Bitext) -> tuple[Side, Side] | Drop:
    src, tgt = orient(doc1, doc2)
    sides = Side.of(src), Side.of(tgt)
    if max(len(s.sentences) for s in sides) > config.max_sentences:
        return Drop(TOO_LONG, pair_name(src.lang, tgt.lang), src.source, f"{src.id} {tgt.id}")
    return sides


def confident_pairs(doc1: Document, doc2: Document, config: Bitext) -> list[tuple[str, str]]:
    """First pass (no lexicon): the 1-1 sentence pairs aligned with a margin of at least
    config.confident_margin, and the two titles; the lexicon is re-estimated from them."""
    sides = _sides(doc1, doc2, config)
    if is_a(sides, Drop):
        return []
    src, tgt = sides
    found = [(src.doc.title, tgt.doc.title)] if src.doc.title and tgt.doc.title else []
    for bead in _align_pair(src, tgt, config, None):
        if len(bead.src) == 1 and len(bead.tgt) == 1 and bead.score >= config.confident_margin:
            found.append((src.sentences[bead.src[0]], tgt.sentences[bead.tgt[0]]))
    return found


def mine_document_pair(
    doc1: Document, doc2: Document, candidates: str, config: Bitext, lexicon: Lexicon | None = None
) -> Iterator[BitextPair | Drop]:
    """The sentence pairs of two documents that translate each other, and the beads dropped."""
    sides = _sides(doc1, doc2, config)
    if is_a(sides, Drop):
        yield sides
        return
    src, tgt = sides
    name = pair_name(src.doc.lang, tgt.doc.lang)
    method = f"{candidates}/{ALIGNER}/{config.encoder}"
    for bead in _align_pair(src, tgt, config, lexicon):
        src_text = joiner(src.doc.lang).join(src.sentences[i] for i in bead.src)
        tgt_text = joiner(tgt.doc.lang).join(tgt.sentences[j] for j in bead.tgt)
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
