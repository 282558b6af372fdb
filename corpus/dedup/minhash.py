"""MinHash signatures and LSH band keys for near-duplicate detection.

Shingles are word n-grams for scripts written with spaces and character
n-grams for scripts without (Chinese, Japanese, Thai...), over the folded text.
The bands x rows split is the one datasketch finds optimal for the target
Jaccard threshold; band keys become shuffle keys, so collisions are found by a
GroupByKey instead of an in-memory index.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Sequence

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from corpus.text import fold, is_unspaced


def shingles(text: str, word_ngram: int = 5, char_ngram: int = 5) -> set[bytes]:
    folded = fold(text)
    words = folded.split()
    if words and not is_unspaced(folded):
        n = min(word_ngram, len(words))
        return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}
    chars = folded.replace(" ", "")
    n = min(char_ngram, len(chars))
    return {chars[i : i + n].encode() for i in range(len(chars) - n + 1)} if chars else set()


@functools.lru_cache(maxsize=None)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives and negatives around the threshold."""
    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def signatures(shingle_sets: Sequence[set[bytes]], num_perm: int, seed: int) -> np.ndarray:
    """One row of num_perm min-hash values per document, computed in bulk."""
    minhashes = MinHash.bulk([sorted(s) for s in shingle_sets], num_perm=num_perm, seed=seed)
    return np.stack([m.hashvalues for m in minhashes]) if minhashes else np.empty((0, num_perm), np.uint64)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[str]:
    """The LSH bucket of each band: 'band index:hash of the band's rows'."""
    return [
        f"{b}:{hashlib.blake2b(signature[b * rows : (b + 1) * rows].tobytes(), digest_size=8).hexdigest()}"
        for b in range(bands)
    ]
