"""Near-dedup quality: the pipeline's removals against brute-force Jaccard on a generated corpus.

The corpus: base documents of invented words, each with near copies at several
edit levels (a share of words substituted, inserted or deleted), plus unrelated
documents. True word-5-gram Jaccard similarities of all pairs are computed by
brute force. A removal is right when the removed document has a true partner
(Jaccard >= threshold); a document should be removed when it is not the best
of its true cluster (connected components of the pairs >= threshold).

    .venv/bin/python -m benchmarks.dedup_quality
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import apache_beam as beam

from corpus.config import Dedup
from corpus.dedup import survivor_rank
from corpus.dedup.components import union_find_labels
from corpus.dedup.minhash import shingles
from corpus.schema import COMMONCRAWL, new_document
from pipelines.dedup import NearDedup

EDIT_LEVELS = (0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3)
RESULTS = Path(__file__).parent / "results"


def make_corpus(seed: int = 0, bases: int = 250, unrelated: int = 400):
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(6000)})

    def words(n):
        return [rng.choice(vocab) for _ in range(n)]

    def edit(ws, level):
        out = []
        for w in ws:
            r = rng.random()
            if r < level / 3:
                continue  # deleted
            out.append(rng.choice(vocab) if r < 2 * level / 3 else w)  # substituted
            if r > 1 - level / 3:
                out.append(rng.choice(vocab))  # inserted
        return out

    texts = []
    for _ in range(bases):
        base = words(rng.randint(120, 500))
        texts.append(base)
        for level in rng.sample(EDIT_LEVELS, rng.randint(1, 4)):
            texts.append(edit(base, level))
    texts += [words(rng.randint(120, 500)) for _ in range(unrelated)]
    return [new_document(source=COMMONCRAWL, text=" ".join(t), url=f"https://bench.example/{i}")._replace(lang="xxx_Latn") for i, t in enumerate(texts)]


def true_pairs(docs, threshold):
    sets = [shingles(d.text, Dedup().word_ngram, Dedup().char_ngram) for d in docs]
    pairs = []
    for i in range(len(sets)):
        a = sets[i]
        for j in range(i + 1, len(sets)):
            b = sets[j]
            inter = len(a & b)
            if inter and inter >= threshold * (len(a) + len(b) - inter):
                pairs.append((i, j))
    return pairs


def run_pipeline(docs, config: Dedup) -> set[str]:
    removed = []
    with beam.Pipeline() as p:
        _, dropped, *_ = p | beam.Create(docs) | NearDedup(config)
        dropped | beam.Map(lambda d: d.detail) | beam.io.WriteToText(str(RESULTS / "_removed"), shard_name_template="")
    path = RESULTS / "_removed"
    removed = set(path.read_text().split()) if path.exists() else set()
    path.unlink(missing_ok=True)
    return removed


def score(docs, pairs, removed):
    ids = [d.id for d in docs]
    has_partner = {ids[k] for pair in pairs for k in pair}
    labels = union_find_labels((ids[i], ids[j]) for i, j in pairs)
    best_of = {}
    by_id = {d.id: d for d in docs}
    for node, root in labels.items():
        if root not in best_of or survivor_rank(by_id[node]) < survivor_rank(by_id[best_of[root]]):
            best_of[root] = node
    should = {node for node, root in labels.items() if best_of[root] != node}
    non_dup = set(ids) - has_partner
    return {
        "precision": round(len(removed & has_partner) / max(1, len(removed)), 4),
        "recall": round(len(removed & should) / max(1, len(should)), 4),
        "false_positive_rate": round(len(removed & non_dup) / max(1, len(non_dup)), 4),
        "removed": len(removed),
        "should_remove": len(should),
    }


def main():
    RESULTS.mkdir(exist_ok=True)
    docs = make_corpus()
    threshold = Dedup().threshold
    started = time.time()
    pairs = true_pairs(docs, threshold)
    brute = time.time() - started
    settings = {
        "default (LSH 16x8, verified, margin 0.02)": Dedup(),
        "LSH 16x8, verified, no margin": Dedup(verify_margin=0.0),
        "LSH 16x8, not verified": Dedup(verify=False),
        "LSH 9x13 (balanced), not verified": Dedup(verify=False, false_negative_weight=0.5),
    }
    rows = {}
    for name, config in settings.items():
        started = time.time()
        rows[name] = score(docs, pairs, run_pipeline(docs, config)) | {"seconds": round(time.time() - started, 1)}
        print(name, rows[name], flush=True)
    result = {
        "documents": len(docs),
        "true_pairs": len(pairs),
        "threshold": threshold,
        "edit_levels": EDIT_LEVELS,
        "brute_force_seconds": round(brute, 1),
        "settings": rows,
    }
    (RESULTS / "dedup_quality.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Near-dedup quality (generated corpus, brute-force Jaccard)",
        "",
        f"{len(docs)} documents, {len(pairs)} true pairs with word-5-gram Jaccard >= {threshold}; "
        f"edit levels {', '.join(f'{e:.1%}' for e in EDIT_LEVELS)}. `.venv/bin/python -m benchmarks.dedup_quality`",
        "",
        "| setting | precision | recall | false-positive rate | removed | should remove |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {r['precision']} | {r['recall']} | {r['false_positive_rate']} | {r['removed']} | {r['should_remove']} |" for n, r in rows.items()]
    (Path(__file__).parent / "dedup_quality.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
