"""Shuffle volume of the dedup stages per input byte of text, from the records each stage shuffles.

The records are made with the stages' own key functions (corpus/dedup) and
sized with Beam's coders (RowCoder for documents, the default coder for keys
and nodes), before combiner lifting: an upper bound for the combine steps.
The corpus is generated: paragraphs of invented words, 30% of documents near
copies, and a few boilerplate lines shared across pages.

    .venv/bin/python -m benchmarks.dedup_shuffle
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import apache_beam as beam
from apache_beam.typehints import Any

import pipelines.records  # noqa: F401  (registers the RowCoder of Document)
from corpus.config import Dedup
from corpus.dedup import node_of, scope
from corpus.dedup.exact import exact_key
from corpus.dedup.minhash import band_keys, lsh_bands, shingles, signatures, verification_sketch
from corpus.dedup.paragraph import paragraph_hashes
from corpus.schema import COMMONCRAWL, Document, new_document

RESULTS = Path(__file__).parent / "results"
ANY = beam.coders.registry.get_coder(Any)
DOC = beam.coders.registry.get_coder(Document)


def make_corpus(n=2000, seed=0):
    rng = random.Random(seed)
    vocab = [f"{a}{b}{c}" for a in "bdgkmprst" for b in "aeiou" for c in ("n", "l", "s", "", "r", "k")]
    boilerplate = [" ".join(rng.choice(vocab) for _ in range(rng.randint(2, 8))) for _ in range(30)]
    docs = []
    for i in range(n):
        if docs and rng.random() < 0.3:
            paras = rng.choice(docs).text.split("\n")
            paras[rng.randrange(len(paras))] = " ".join(rng.choice(vocab) for _ in range(30))
        else:
            paras = [" ".join(rng.choice(vocab) for _ in range(rng.randint(20, 80))) for _ in range(rng.randint(3, 12))]
            paras = rng.sample(boilerplate, 2) + paras + rng.sample(boilerplate, 2)
        docs.append(new_document(source=COMMONCRAWL, text="\n".join(paras), url=f"https://s.example/{i}")._replace(lang="xxx_Latn"))
    return docs


def size(record, coder=ANY) -> int:
    return len(coder.encode(record))


def main():
    c = Dedup()
    docs = make_corpus()
    text_bytes = sum(len(d.text.encode()) for d in docs)
    doc_bytes = sum(size(d, DOC) for d in docs)
    bands, rows = lsh_bands(c.threshold, c.num_perm, c.false_negative_weight)
    sigs = signatures([shingles(d.text, c.word_ngram, c.char_ngram) for d in docs], c.num_perm, c.seed)
    exact = sum(size(exact_key(d.text, scope(d, False, True))) for d in docs) + doc_bytes
    def member_bytes(verify: bool) -> int:
        """Bytes of the (LSH bucket, (node, sketch)) records, and the salt the join adds to the key."""
        members = [
            (key, (node_of(d), verification_sketch(sig) if verify else b""))
            for d, sig in zip(docs, sigs)
            for key in band_keys(sig, bands, rows, scope(d, False, True))
        ]
        return sum(size(m) + size((m[0], 0)) - size(m[0]) for m in members)

    # the members go through the combiner and the salted join; documents once to the final join;
    # edges and labels are proportional to the duplicates only
    near = 2 * member_bytes(True) + doc_bytes
    near_unverified = 2 * member_bytes(False) + doc_bytes
    occurrences = [(h, (node_of(d), None)) for d in docs for h in paragraph_hashes(d.text, scope(d, False, True))]
    paragraph = 2 * sum(size(o) for o in occurrences) + doc_bytes
    result = {
        "documents": len(docs),
        "text_bytes": text_bytes,
        "document_record_bytes_per_text_byte": round(doc_bytes / text_bytes, 2),
        "lsh_bands_x_rows": [bands, rows],
        "shuffle_bytes_per_text_byte": {
            "exact": round(exact / text_bytes, 2),
            "near (LSH members with 8-bit verification sketches, twice)": round(2 * member_bytes(True) / text_bytes, 2),
            "near (total)": round(near / text_bytes, 2),
            "near without verification (total)": round(near_unverified / text_bytes, 2),
            "paragraph (hashes, twice)": round(2 * sum(size(o) for o in occurrences) / text_bytes, 2),
            "paragraph (total)": round(paragraph / text_bytes, 2),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dedup_shuffle.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Dedup shuffle volume per input byte of text", "", f"{len(docs)} generated documents, {text_bytes:,} bytes of text; "
             f"a document record is {result['document_record_bytes_per_text_byte']} bytes per text byte. "
             "`.venv/bin/python -m benchmarks.dedup_shuffle`", "", "| stage | shuffle bytes per text byte |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in result["shuffle_bytes_per_text_byte"].items()]
    (Path(__file__).parent / "dedup_shuffle.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
