"""MinHash signature throughput: the pipeline's batched signature step against a plain datasketch loop.

Both compute 128-permutation signatures of the same documents' word-5-gram
shingles on one core. The baseline is the textbook loop, one MinHash.update
call per shingle; the pipeline's step is corpus.dedup.minhash.signatures over a
batch, as pipelines/dedup.py's _BandKeys calls it. Shingling is timed apart:
both pay it alike.

    .venv/bin/python -m benchmarks.dedup_throughput
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

from benchmarks.dedup_quality import make_corpus
from corpus.config import Dedup
from corpus.dedup.minhash import shingles, signatures

RESULTS = Path(__file__).parent / "results"
BATCH = 256  # the largest batch the pipeline's BatchElements makes


def plain_loop(sets, num_perm, seed):
    out = []
    for s in sets:
        m = MinHash(num_perm=num_perm, seed=seed)
        for shingle in s:
            m.update(shingle)
        out.append(m.hashvalues)
    return np.stack(out).astype(np.uint32)


def batched(sets, num_perm, seed):
    return np.concatenate([signatures(sets[i : i + BATCH], num_perm, seed) for i in range(0, len(sets), BATCH)])


def best_of(fn, *args, repeat=3):
    """(min, median) CPU seconds of `repeat` runs, and the result: CPU time, as wall time on a shared machine
    measures the other processes; the minimum is the least disturbed run, the median how far the others were."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        result = fn(*args)
        times.append(time.process_time() - started)
    return (min(times), statistics.median(times)), result


def main():
    config = Dedup()
    docs = make_corpus(seed=1)
    (shingle_time, _), sets = best_of(lambda: [shingles(d.text, config.word_ngram, config.char_ngram) for d in docs])
    (loop_time, loop_median), loop_sigs = best_of(plain_loop, sets, config.num_perm, config.seed)
    (bulk_time, bulk_median), bulk_sigs = best_of(batched, sets, config.num_perm, config.seed)
    assert np.array_equal(loop_sigs, bulk_sigs), "the two ways must give the same signatures"
    n = len(docs)
    result = {
        "documents": n,
        "mean_shingles": round(sum(map(len, sets)) / n, 1),
        "num_perm": config.num_perm,
        "plain_loop_docs_per_s": round(n / loop_time),
        "pipeline_docs_per_s": round(n / bulk_time),
        "speedup": round(loop_time / bulk_time, 2),
        "runs": 3,
        "plain_loop_docs_per_s_median": round(n / loop_median),
        "pipeline_docs_per_s_median": round(n / bulk_median),
        "speedup_median": round(loop_median / bulk_median, 2),
        "shingling_docs_per_s": round(n / shingle_time),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dedup_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    (Path(__file__).parent / "dedup_throughput.md").write_text(
        "# MinHash signature throughput (one core, CPU time)\n\n"
        f"{n} documents, {result['mean_shingles']} word-5-gram shingles each on average, {config.num_perm} permutations. "
        "`.venv/bin/python -m benchmarks.dedup_throughput`\n\n"
        "3 runs of each; min is the fastest run's rate (best), median the median run's.\n\n"
        "| way | signatures/s (best) | signatures/s (median) | ratio (best) | ratio (median) |\n|---|---|---|---|---|\n"
        f"| plain datasketch loop (MinHash.update per shingle) | {result['plain_loop_docs_per_s']} | {result['plain_loop_docs_per_s_median']} | 1.0 | 1.0 |\n"
        f"| pipeline step (MinHash.bulk over batches of {BATCH}) | {result['pipeline_docs_per_s']} | {result['pipeline_docs_per_s_median']} "
        f"| {result['speedup']} | {result['speedup_median']} |\n\n"
        f"Shingling (both pay it): {result['shingling_docs_per_s']} documents/s.\n"
    )
    print(result)


if __name__ == "__main__":
    main()
