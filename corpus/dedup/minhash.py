"""MinHash signatures and LSH band keys for near-duplicate detection.

Shingles are word n-grams for scripts written with spaces and character
n-grams for scripts without (Chinese, Japanese, Thai...), over the folded text.
The bands x rows split comes from datasketch's optimal-parameter search for the
target Jaccard threshold, weighted towards recall (a candidate pair missed by
LSH is lost, while a false candidate is caught by verification). Band keys
become shuffle keys, so collisions are found by a shuffle instead of an
in-memory index.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Sequence

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from corpus.text import fold, is_unspaced


def shingles(text: str, word_ngram: int, char_ngram: int) -> set[bytes]:
    folded = fold(text)
    words = folded.split()
    if words and not is_unspaced(folded):
        n = min(word_ngram, len(words))
        return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}
    chars = folded.replace(" ", "")
    n = min(char_ngram, len(chars))
    return {chars[i : i + n].encode() for i in range(len(chars) - n + 1)} if chars else set()


@functools.lru_cache(maxsize=None)
def lsh_bands(threshold: float, num_perm: int, false_negative_weight: float) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and negative areas around the threshold."""
    return _optimal_param(threshold, num_perm, 1.0 - false_negative_weight, false_negative_weight)


def signatures(shingle_sets: Sequence[set[bytes]], num_perm: int, seed: int) -> np.ndarray:
    """One row of num_perm 32-bit min-hash values per document, computed in bulk (vectorised per document)."""
    minhashes = MinHash.bulk(shingle_sets, num_perm=num_perm, seed=seed)
    if not minhashes:
        return np.empty((0, num_perm), np.uint32)
    return np.stack([m.hashvalues for m in minhashes]).astype(np.uint32)  # datasketch's values fit 32 bits


def band_keys(signature: np.ndarray, bands: int, rows: int, scope: str = "") -> list[str]:
    """The LSH bucket of each band: 'scope:band index:hash of the band's rows'."""
    return [
        f"{scope}:{b}:{hashlib.blake2b(signature[b * rows : (b + 1) * rows].tobytes(), digest_size=8).hexdigest()}"
        for b in range(bands)
    ]


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity estimated from two signatures: the share of equal min-hash values."""
    return float(np.mean(a == b))


def verification_sketch(signature: np.ndarray) -> bytes:
    """The lowest byte of each min-hash value (b-bit minwise hashing, Li and König 2010): what an LSH
    bucket carries to verify a pair, a quarter of the signature's size."""
    return (signature & 0xFF).astype(np.uint8).tobytes()


def sketch_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard estimated from two verification sketches, corrected for the 1/256 chance that unequal
    values share their lowest byte."""
    equal = float(np.mean(np.frombuffer(a, np.uint8) == np.frombuffer(b, np.uint8)))
    return max(0.0, (equal - 1 / 256) / (1 - 1 / 256))
