"""Ratio-margin scoring (Artetxe and Schwenk 2019), as WikiMatrix and CCMatrix use it.

    margin(x, y) = cos(x, y) / ((mean of x's k nearest cosines + mean of y's k nearest cosines) / 2)

A pair scores above 1 when x and y are closer to each other than to their other
neighbours; the margin corrects the hubness of plain cosine. Neighbours are
searched in both directions: exactly with numpy for small inputs, with a FAISS
inner-product index when FAISS is installed and the input is large. Global
mining compares every sentence of one language with every sentence of the other,
so its cost grows with the product of the two sizes unless an index prunes it.
"""

from __future__ import annotations

import numpy as np

EXACT_LIMIT = 20_000  # above this many sentences on a side, use FAISS when it is installed


def _top_k_exact(queries: np.ndarray, keys: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(cosines, indices) of each query's k nearest keys, best first, in blocks of queries to bound memory."""
    k = min(k, len(keys))
    sims_out = np.empty((len(queries), k), dtype=np.float32)
    idx_out = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), block):
        sims = queries[start : start + block] @ keys.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part = np.take_along_axis(sims, idx, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        sims_out[start : start + block] = np.take_along_axis(part, order, axis=1)
        idx_out[start : start + block] = np.take_along_axis(idx, order, axis=1)
    return sims_out, idx_out


def top_k(queries: np.ndarray, keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Nearest keys by inner product (cosine for normalised rows): FAISS for large inputs if installed."""
    if max(len(queries), len(keys)) > EXACT_LIMIT:
        try:
            import faiss
        except ImportError:
            faiss = None
        if faiss is not None:
            index = faiss.IndexFlatIP(keys.shape[1])
            index.add(np.ascontiguousarray(keys, dtype=np.float32))
            sims, idx = index.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, len(keys)))
            return sims, idx
    return _top_k_exact(queries, keys, k)


def knn_means(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean cosine of each x row's k nearest y rows, and of each y row's k nearest x rows."""
    return top_k(x, y, k)[0].mean(axis=1), top_k(y, x, k)[0].mean(axis=1)


def margin_matrix(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """All-pairs ratio margins of two small sets of normalised vectors (exact)."""
    sims = x @ y.T
    mean_x, mean_y = knn_means(x, y, k)
    return sims / np.maximum((mean_x[:, None] + mean_y[None, :]) / 2, 1e-6)


def mine_global(x: np.ndarray, y: np.ndarray, k: int, threshold: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, margin) from global k-NN search in both directions, each sentence used once.

    Candidates are every sentence's best neighbour in the other language (forward
    and backward, the "max-score" strategy); they are taken best first, skipping
    sentences already paired, and kept when the margin reaches `threshold`.
    """
    if len(x) == 0 or len(y) == 0:
        return []
    mean_x, mean_y = knn_means(x, y, k)
    candidates: dict[tuple[int, int], float] = {}
    for queries, keys, mean_q, mean_k, forward in ((x, y, mean_x, mean_y, True), (y, x, mean_y, mean_x, False)):
        sims, idx = top_k(queries, keys, 1)
        for q in range(len(queries)):
            other = int(idx[q, 0])
            margin = float(sims[q, 0] / max((mean_q[q] + mean_k[other]) / 2, 1e-6))
            candidates[(q, other) if forward else (other, q)] = margin
    used_x: set[int] = set()
    used_y: set[int] = set()
    out = []
    for (i, j), margin in sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0])):
        if margin >= threshold and i not in used_x and j not in used_y:
            used_x.add(i)
            used_y.add(j)
            out.append((i, j, margin))
    return sorted(out)
